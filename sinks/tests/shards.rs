//! Split runs: shard folders under a common root and the merged manifest.

mod common;

use std::fs;
use std::path::Path;

use common::{DAY, EVERY_KIND, every_kind_batch};
use telcosynth_generator::columnar::{PartKey, Sink};
use telcosynth_sinks::{
    Compression, DatasetWriter, Format, MANIFEST_FILE, MERGED_SHARDS_KEY, ManifestInfo, ShardInfo,
    SinkFailure, ToolInfo, WriterOptions, merge_shards, parse_shard_folder_name, read_manifest,
    shard_folder_name,
};

fn options(force: bool) -> WriterOptions {
    WriterOptions {
        format: Format::Parquet,
        compression: Compression::Zstd,
        force,
    }
}

fn info(shard: ShardInfo, seed: u64) -> ManifestInfo {
    ManifestInfo {
        tool: ToolInfo {
            name: "telcosynth".into(),
            version: "0.1.0".into(),
        },
        scenario_name: "tiny".into(),
        scenario_text: "name = \"tiny\"\n".into(),
        seed,
        shard,
        extra: serde_json::Value::Null,
    }
}

/// Writes shard `index` of `count` under `root`: one event part per block of the shard (blocks
/// 0..4, block b in shard b mod count).
fn write_shard(root: &Path, index: u32, count: u32, seed: u64) {
    let shard = ShardInfo { index, count };
    let writer = DatasetWriter::create_shard(root, shard, options(false)).unwrap();
    writer.declare(&EVERY_KIND);
    for block in (0..4).filter(|b| b % count == index) {
        let part = PartKey {
            table: EVERY_KIND.name,
            day: Some(DAY),
            shard: index,
            block,
        };
        writer.write(part, every_kind_batch()).unwrap();
    }
    writer.finish(info(shard, seed)).unwrap();
}

fn problem(err: SinkFailure) -> String {
    match err {
        SinkFailure::Split { problem, .. } => problem,
        other => panic!("expected a split-run error, got {other}"),
    }
}

#[test]
fn folder_names_round_trip_and_reject_bad_shards() {
    let s = ShardInfo {
        index: 7,
        count: 12,
    };
    assert_eq!(shard_folder_name(s), "shard-0007-of-0012");
    assert_eq!(parse_shard_folder_name("shard-0007-of-0012"), Some(s));
    for bad in [
        "shard-0003-of-0003",
        "shard-0000-of-0000",
        "shard-7-of-12",
        "shard-0007-of-0012x",
        "cdr",
    ] {
        assert_eq!(parse_shard_folder_name(bad), None, "{bad}");
    }
}

#[test]
fn merged_manifest_lists_every_shard_file_under_its_folder() {
    let root = tempfile::tempdir().unwrap();
    for i in 0..3 {
        write_shard(root.path(), i, 3, 42);
    }
    let merged = merge_shards(root.path(), true).unwrap();
    assert_eq!(merged, read_manifest(root.path()).unwrap());
    assert!(merged.is_merged());
    assert_eq!(merged.shard, ShardInfo { index: 0, count: 1 });
    let table = &merged.tables[EVERY_KIND.name];
    assert_eq!(table.rows, 12);
    let paths: Vec<&str> = table.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "shard-0000-of-0003/every_kind/date=2025-01-06/every_kind-0000-00000.parquet",
            "shard-0000-of-0003/every_kind/date=2025-01-06/every_kind-0000-00003.parquet",
            "shard-0001-of-0003/every_kind/date=2025-01-06/every_kind-0001-00001.parquet",
            "shard-0002-of-0003/every_kind/date=2025-01-06/every_kind-0002-00002.parquet",
        ]
    );
    for path in paths {
        assert!(root.path().join(path).is_file(), "{path}");
    }
    let listed = merged.extra[MERGED_SHARDS_KEY].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[1]["path"], "shard-0001-of-0003/manifest.json");

    // Merging again gives the same bytes.
    let before = fs::read(root.path().join(MANIFEST_FILE)).unwrap();
    merge_shards(root.path(), false).unwrap();
    assert_eq!(before, fs::read(root.path().join(MANIFEST_FILE)).unwrap());
}

#[test]
fn merge_refuses_missing_incomplete_mixed_or_inconsistent_shards() {
    let root = tempfile::tempdir().unwrap();
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(err.contains("no shard folders"), "{err}");

    write_shard(root.path(), 0, 3, 42);
    write_shard(root.path(), 2, 3, 42);
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(
        err.contains("1 of 3 shards missing: shard-0001-of-0003"),
        "{err}"
    );

    // An interrupted shard: files but no manifest.
    fs::create_dir_all(root.path().join("shard-0001-of-0003/every_kind")).unwrap();
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(
        err.contains("not complete") && err.contains("shard-0001-of-0003"),
        "{err}"
    );
    assert!(!root.path().join(MANIFEST_FILE).exists());

    // A shard made with another seed.
    fs::remove_dir_all(root.path().join("shard-0001-of-0003")).unwrap();
    write_shard(root.path(), 1, 3, 7);
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(
        err.contains("shard-0001-of-0003") && err.contains("seed 7"),
        "{err}"
    );

    // Shards of another split beside these.
    let shard = root.path().join("shard-0001-of-0003");
    let writer =
        DatasetWriter::create_shard(root.path(), ShardInfo { index: 1, count: 3 }, options(true))
            .unwrap();
    writer
        .finish(info(ShardInfo { index: 1, count: 3 }, 42))
        .unwrap();
    assert!(shard.join(MANIFEST_FILE).exists());
    write_shard(root.path(), 0, 2, 42);
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(err.contains("different splits (of-0002, of-0003)"), "{err}");
    assert!(!root.path().join(MANIFEST_FILE).exists());
}

#[test]
fn merge_checks_sizes_and_optionally_hashes() {
    let root = tempfile::tempdir().unwrap();
    write_shard(root.path(), 0, 2, 42);
    write_shard(root.path(), 1, 2, 42);
    let file = root
        .path()
        .join("shard-0001-of-0002/every_kind/date=2025-01-06/every_kind-0001-00001.parquet");
    let mut bytes = fs::read(&file).unwrap();
    // Same size, other content: only the hash check sees it.
    bytes[10] ^= 0xff;
    fs::write(&file, &bytes).unwrap();
    merge_shards(root.path(), false).unwrap();
    assert!(root.path().join(MANIFEST_FILE).exists());
    let err = problem(merge_shards(root.path(), true).unwrap_err());
    assert!(err.contains("SHA-256"), "{err}");
    assert!(
        !root.path().join(MANIFEST_FILE).exists(),
        "a refused re-merge leaves no merged manifest that no longer holds"
    );
    bytes.push(0);
    fs::write(&file, &bytes).unwrap();
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(err.contains("bytes; its manifest says"), "{err}");
}

#[test]
fn rewriting_a_shard_needs_force_and_removes_the_merged_manifest_first() {
    let root = tempfile::tempdir().unwrap();
    write_shard(root.path(), 0, 2, 42);
    write_shard(root.path(), 1, 2, 42);
    merge_shards(root.path(), false).unwrap();

    let shard = ShardInfo { index: 1, count: 2 };
    let err = DatasetWriter::create_shard(root.path(), shard, options(false)).unwrap_err();
    assert!(matches!(err, SinkFailure::NotEmpty { .. }), "{err}");
    assert!(
        root.path().join(MANIFEST_FILE).exists(),
        "a refused shard run must not touch the merged dataset"
    );

    let writer = DatasetWriter::create_shard(root.path(), shard, options(true)).unwrap();
    assert!(!root.path().join(MANIFEST_FILE).exists());
    assert!(
        !root
            .path()
            .join("shard-0001-of-0002/manifest.json")
            .exists()
    );
    assert!(
        root.path()
            .join("shard-0000-of-0002/manifest.json")
            .exists()
    );
    drop(writer);
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(err.contains("not complete"), "{err}");
}

#[test]
fn shards_are_refused_in_an_unsplit_dataset() {
    let root = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(root.path(), options(false)).unwrap();
    writer
        .finish(info(ShardInfo { index: 0, count: 1 }, 42))
        .unwrap();
    let err =
        DatasetWriter::create_shard(root.path(), ShardInfo { index: 0, count: 2 }, options(true))
            .unwrap_err();
    assert!(problem(err).contains("unsplit dataset"));
    let err = problem(merge_shards(root.path(), false).unwrap_err());
    assert!(err.contains("unsplit dataset"), "{err}");
    let err = DatasetWriter::create_shard(
        root.path(),
        ShardInfo { index: 2, count: 2 },
        options(false),
    )
    .unwrap_err();
    assert!(problem(err).contains("use 0 to 1"));
}

#[test]
fn shards_rerun_at_the_same_time_all_remove_the_merged_manifest_without_failing() {
    let root = tempfile::tempdir().unwrap();
    for i in 0..4 {
        write_shard(root.path(), i, 4, 42);
    }
    merge_shards(root.path(), false).unwrap();
    std::thread::scope(|scope| {
        for index in 0..4 {
            let root = root.path();
            scope.spawn(move || {
                let shard = ShardInfo { index, count: 4 };
                DatasetWriter::create_shard(root, shard, options(true)).unwrap();
            });
        }
    });
    assert!(!root.path().join(MANIFEST_FILE).exists());
    for i in 0..4 {
        write_shard(root.path(), i, 4, 42);
    }
    merge_shards(root.path(), true).unwrap();
}
