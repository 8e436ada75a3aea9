//! Split runs: every shard of a run is a dataset folder of its own under a common root, and
//! [`merge_shards`] writes the root's manifest once every shard is complete.
//!
//! ```text
//! ROOT/shard-0000-of-0003/manifest.json     shard 0 of 3: a complete dataset folder
//! ROOT/shard-0000-of-0003/cdr/date=…/cdr-0000-00000.parquet
//! ROOT/shard-0001-of-0003/…                 shard 1 of 3
//! ROOT/shard-0002-of-0003/…                 shard 2 of 3
//! ROOT/manifest.json                        written by merge_shards only, last
//! ```
//!
//! Shards never write into each other's folders, so they can run anywhere and in any order; a
//! shard folder without `manifest.json` is an interrupted (or running) shard, and the root has a
//! `manifest.json` only once every shard of the split was complete and checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

use crate::dataset::{DatasetWriter, WriterOptions};
use crate::error::SinkFailure;
use crate::hashing::file_sha256;
use crate::layout::{check_shard, parse_shard_folder_name, shard_folder_name};
use crate::manifest::{
    MANIFEST_FILE, MERGED_SHARDS_KEY, Manifest, ManifestInfo, ShardInfo, TableEntry, read_manifest,
    write_manifest,
};
use crate::ownership::{check_dataset_folder, ensure_output_folder};

impl DatasetWriter {
    /// Prepares `root/shard-IIII-of-NNNN/` as the output folder of one shard of a split run.
    ///
    /// Refused: an invalid shard; a root whose `manifest.json` is an unsplit dataset; a non-empty
    /// shard folder unless `options.force`. A merged `root/manifest.json` no longer describes the
    /// root once a shard is rewritten, so it is removed before the shard folder is touched.
    pub fn create_shard(
        root: &Path,
        shard: ShardInfo,
        options: WriterOptions,
    ) -> Result<Self, SinkFailure> {
        check_shard(shard).map_err(|problem| SinkFailure::Split {
            dir: root.to_owned(),
            problem,
        })?;
        ensure_output_folder(root)?;
        let root_manifest = root.join(MANIFEST_FILE);
        // Other shards may run at the same time and remove a merged manifest first: a manifest
        // that vanishes between these steps counts as absent.
        let merged = match read_manifest(root) {
            Ok(manifest) if manifest.is_merged() => true,
            Ok(_) => {
                return Err(SinkFailure::Split {
                    dir: root.to_owned(),
                    problem: "it holds an unsplit dataset (manifest.json): write shards into \
                              another --out"
                        .into(),
                });
            }
            Err(SinkFailure::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                false
            }
            Err(e) => return Err(e),
        };
        let dir = root.join(shard_folder_name(shard));
        // Every check before the merged manifest goes: a refused shard changes nothing.
        check_dataset_folder(&dir, options.force)?;
        if merged {
            match fs::remove_file(&root_manifest) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(SinkFailure::io("remove", &root_manifest)(e));
                }
                _ => {}
            }
        }
        DatasetWriter::create(&dir, options)
    }
}

/// Checks that `root` holds every shard of one split, complete and consistent, and writes
/// `root/manifest.json` listing all their files (paths relative to `root`).
///
/// Checked: the shard folders are `shard-IIII-of-NNNN` of a single N, with every index from 0
/// to N-1; each has a readable `manifest.json` for its own shard; all were made by the same tool
/// version from the same scenario and seed with the same tables; every listed file exists with
/// its listed size and, when `verify_hashes`, its listed SHA-256. Nothing is written unless every
/// check passes, and an earlier merged manifest is removed first (so a refused merge leaves
/// none). The merged manifest's `shard` is 0 of 1 (it covers the whole run) and its
/// `extra.merged_shards` lists the shard manifests with their SHA-256.
pub fn merge_shards(root: &Path, verify_hashes: bool) -> Result<Manifest, SinkFailure> {
    let fail = |problem: String| SinkFailure::Split {
        dir: root.to_owned(),
        problem,
    };
    match fs::metadata(root) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(fail(
                "is a file, not the folder of a split run: name the --out folder the shards were \
                 written into"
                    .into(),
            ));
        }
        Err(e) => {
            return Err(fail(format!(
                "cannot be read ({e}): name the --out folder the shards were written into"
            )));
        }
    }
    let root_manifest = root.join(MANIFEST_FILE);
    if root_manifest.exists() {
        if !read_manifest(root)?.is_merged() {
            return Err(fail(
                "it holds an unsplit dataset (manifest.json), not shard folders".into(),
            ));
        }
        // An earlier merge's manifest is true only if this merge succeeds again: remove it
        // first, so that a refused merge never leaves a manifest that no longer holds.
        fs::remove_file(&root_manifest).map_err(SinkFailure::io("remove", &root_manifest))?;
    }
    let mut splits: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for entry in fs::read_dir(root).map_err(SinkFailure::io("read folder", root))? {
        let entry = entry.map_err(SinkFailure::io("read folder", root))?;
        let name = entry.file_name();
        if let Some(shard) = name.to_str().and_then(parse_shard_folder_name)
            && entry.path().is_dir()
        {
            splits.entry(shard.count).or_default().insert(shard.index);
        }
    }
    let (count, present) = match splits.len() {
        0 => {
            return Err(fail(
                "no shard folders (shard-IIII-of-NNNN) found: run `telcosynth generate \
                 --shard I/N --out` with this folder first"
                    .into(),
            ));
        }
        1 => splits.pop_first().expect("one split"),
        _ => {
            let counts: Vec<String> = splits.keys().map(|n| format!("of-{n:04}")).collect();
            return Err(fail(format!(
                "it holds shard folders of different splits ({}): keep the folders of one split",
                counts.join(", ")
            )));
        }
    };
    let missing: Vec<String> = (0..count)
        .filter(|i| !present.contains(i))
        .map(|i| shard_folder_name(ShardInfo { index: i, count }))
        .collect();
    if !missing.is_empty() {
        return Err(fail(format!(
            "{} of {count} shards missing: {}",
            missing.len(),
            abbreviate(&missing)
        )));
    }

    let mut shards = Vec::with_capacity(count as usize);
    let mut incomplete = Vec::new();
    for index in 0..count {
        let shard = ShardInfo { index, count };
        let folder = shard_folder_name(shard);
        let dir = root.join(&folder);
        if !dir.join(MANIFEST_FILE).exists() {
            incomplete.push(folder);
            continue;
        }
        let manifest = read_manifest(&dir)?;
        if manifest.shard != shard {
            return Err(fail(format!(
                "{folder}/{MANIFEST_FILE} describes shard {}/{}, not {index}/{count}",
                manifest.shard.index, manifest.shard.count
            )));
        }
        let sha256 = file_sha256(&dir.join(MANIFEST_FILE))?;
        shards.push((folder, manifest, sha256));
    }
    if !incomplete.is_empty() {
        return Err(fail(format!(
            "{} of {count} shards not complete (no {MANIFEST_FILE}: interrupted or still running): {}",
            incomplete.len(),
            abbreviate(&incomplete)
        )));
    }

    let (_, first, _) = &shards[0];
    let table_views = |m: &Manifest| -> Vec<(String, crate::TableView)> {
        m.tables.iter().map(|(n, t)| (n.clone(), t.view)).collect()
    };
    for (folder, m, _) in &shards[1..] {
        let differs = if m.tool != first.tool {
            Some(format!(
                "tool {} {} (shard 0: {} {})",
                m.tool.name, m.tool.version, first.tool.name, first.tool.version
            ))
        } else if m.scenario.sha256 != first.scenario.sha256 {
            Some("scenario (its normalised text has another SHA-256)".to_owned())
        } else if m.seed != first.seed {
            Some(format!("seed {} (shard 0: {})", m.seed, first.seed))
        } else if table_views(m) != table_views(first) {
            Some("set of tables".to_owned())
        } else if m.extra != first.extra {
            Some("extra fields".to_owned())
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(fail(format!(
                "{folder} was generated differently from shard-0000-of-{count:04}: {what}"
            )));
        }
    }

    let mut tables: BTreeMap<String, TableEntry> = BTreeMap::new();
    for (folder, m, _) in &shards {
        for (name, table) in &m.tables {
            let merged = tables.entry(name.clone()).or_insert_with(|| TableEntry {
                view: table.view,
                rows: 0,
                files: Vec::new(),
            });
            merged.rows += table.rows;
            for file in &table.files {
                let path = root.join(folder).join(&file.path);
                let bytes = fs::metadata(&path)
                    .map_err(|e| fail(format!("{folder}/{}: {e}", file.path)))?
                    .len();
                if bytes != file.bytes {
                    return Err(fail(format!(
                        "{folder}/{} has {bytes} bytes; its manifest says {}",
                        file.path, file.bytes
                    )));
                }
                if verify_hashes {
                    let sha256 = file_sha256(&path)?;
                    if sha256 != file.sha256 {
                        return Err(fail(format!(
                            "{folder}/{} has SHA-256 {sha256}; its manifest says {}",
                            file.path, file.sha256
                        )));
                    }
                }
                let mut entry = file.clone();
                entry.path = format!("{folder}/{}", file.path);
                merged.files.push(entry);
            }
        }
    }
    for table in tables.values_mut() {
        table.files.sort_by(|a, b| a.path.cmp(&b.path));
    }

    let listed: Vec<serde_json::Value> = shards
        .iter()
        .map(|(folder, _, sha256)| {
            serde_json::json!({ "path": format!("{folder}/{MANIFEST_FILE}"), "sha256": sha256 })
        })
        .collect();
    let mut extra = match &first.extra {
        serde_json::Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    extra.insert(MERGED_SHARDS_KEY.into(), serde_json::Value::Array(listed));
    let info = ManifestInfo {
        tool: first.tool.clone(),
        scenario_name: first.scenario.name.clone(),
        scenario_text: first.scenario.text.clone(),
        seed: first.seed,
        shard: ShardInfo { index: 0, count: 1 },
        extra: serde_json::Value::Object(extra),
    };
    let manifest = Manifest::new(info, tables);
    write_manifest(root, &manifest)?;
    Ok(manifest)
}

/// At most five names, then how many more.
fn abbreviate(names: &[String]) -> String {
    let mut text = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        text.push_str(&format!(" and {} more", names.len() - 5));
    }
    text
}
