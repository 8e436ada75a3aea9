//! `telcosynth merge-manifests`: the manifest of a split run, once every shard is complete.

use telcosynth_sinks::{MANIFEST_FILE, merge_shards};

use super::{Failure, MergeArgs};

/// Runs `merge-manifests`: checks the shards and writes `DIR/manifest.json`.
pub fn run(args: MergeArgs) -> Result<(), Failure> {
    let manifest = merge_shards(&args.dir, args.verify_hashes).map_err(Failure::from_sink)?;
    let shards = manifest.extra[telcosynth_sinks::MERGED_SHARDS_KEY]
        .as_array()
        .map_or(0, Vec::len);
    let files: usize = manifest.tables.values().map(|t| t.files.len()).sum();
    let rows: u64 = manifest.tables.values().map(|t| t.rows).sum();
    println!(
        "Merged {shards} shard{} of {}: {} tables, {files} files, {rows} rows{}; manifest: {}",
        if shards == 1 { "" } else { "s" },
        manifest.scenario.name,
        manifest.tables.len(),
        if args.verify_hashes {
            ", every SHA-256 verified"
        } else {
            " (sizes checked; --verify-hashes re-hashes the data)"
        },
        args.dir.join(MANIFEST_FILE).display()
    );
    Ok(())
}
