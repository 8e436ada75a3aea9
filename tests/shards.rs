//! Split runs through the CLI: `generate --shard I/N`, `merge-manifests`, and the shell recipe of
//! docs/SHARDING.md.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use arrow_array::{ArrayRef, TimestampMillisecondArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use common::*;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// The small test scenario (3 000 persons in blocks of 1 000, two days).
const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_telcosynth")
}

/// Runs shard `index` of `count` of the small scenario into `root`.
fn shard(root: &Path, index: u32, count: u32) {
    shard_of(SMALL, root, index, count);
}

/// Runs shard `index` of `count` of `scenario` into `root`.
fn shard_of(scenario: &str, root: &Path, index: u32, count: u32) {
    ok(&[
        "generate",
        scenario,
        "--shard",
        &format!("{index}/{count}"),
        "--out",
        root.to_str().unwrap(),
        "--threads",
        "1",
    ]);
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Every file under `dir` by path relative to it (with `/`), with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).unwrap();
            let parts: Vec<_> = relative.iter().map(|p| p.to_str().unwrap()).collect();
            (parts.join("/"), std::fs::read(&path).unwrap())
        })
        .collect()
}

/// Every row of every table the manifest of `dataset` lists, each row as text, sorted.
fn sorted_rows(dataset: &Path) -> BTreeMap<String, Vec<String>> {
    let m = manifest(dataset);
    let mut tables = BTreeMap::new();
    for (table, entry) in m["tables"].as_object().unwrap() {
        let mut rows = Vec::new();
        for file in entry["files"].as_array().unwrap() {
            let path = dataset.join(file["path"].as_str().unwrap());
            let reader =
                ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap())
                    .unwrap()
                    .build()
                    .unwrap();
            for batch in reader {
                let batch = batch.unwrap();
                let options = FormatOptions::default().with_null("∅");
                // Timestamps without their "UTC" zone: formatting named zones needs chrono-tz.
                let arrays: Vec<ArrayRef> = batch
                    .columns()
                    .iter()
                    .map(
                        |c| match c.as_any().downcast_ref::<TimestampMillisecondArray>() {
                            Some(t) => {
                                Arc::new(t.clone().with_timezone_opt(None::<String>)) as ArrayRef
                            }
                            None => c.clone(),
                        },
                    )
                    .collect();
                let columns: Vec<ArrayFormatter> = arrays
                    .iter()
                    .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap())
                    .collect();
                for row in 0..batch.num_rows() {
                    let cells: Vec<String> =
                        columns.iter().map(|c| c.value(row).to_string()).collect();
                    rows.push(cells.join("\u{1f}"));
                }
            }
        }
        assert_eq!(
            rows.len() as u64,
            entry["rows"].as_u64().unwrap(),
            "{table}"
        );
        rows.sort_unstable();
        tables.insert(table.clone(), rows);
    }
    tables
}

#[test]
fn shards_run_apart_write_exactly_what_they_write_on_one_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let (apart0, apart1, together) = (
        tmp.path().join("machine-a"),
        tmp.path().join("machine-b"),
        tmp.path().join("one-machine"),
    );
    shard(&apart0, 0, 2);
    shard(&apart1, 1, 2);
    shard(&together, 1, 2);
    shard(&together, 0, 2);

    let mut union = files(&apart0);
    for (path, bytes) in files(&apart1) {
        assert!(
            union.insert(path.clone(), bytes).is_none(),
            "{path} written by both shards"
        );
    }
    let one_machine = files(&together);
    assert_eq!(
        union.keys().collect::<Vec<_>>(),
        one_machine.keys().collect::<Vec<_>>(),
        "file lists differ"
    );
    for (path, bytes) in &union {
        assert!(bytes == &one_machine[path], "{path} differs");
    }
    assert!(
        union.keys().all(|p| p.starts_with("shard-000")),
        "{:?}",
        union.keys()
    );
    assert!(union.contains_key("shard-0000-of-0002/manifest.json"));
    assert!(
        union
            .keys()
            .filter(|p| p.contains("/cells/"))
            .all(|p| p.starts_with("shard-0000-")),
        "cells belong to shard 0"
    );

    // Copying the two machines' folders together and merging gives the same dataset.
    let copied = tmp.path().join("copied");
    for (path, bytes) in &union {
        let target = copied.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    ok(&["merge-manifests", together.to_str().unwrap()]);
    ok(&[
        "merge-manifests",
        copied.to_str().unwrap(),
        "--verify-hashes",
    ]);
    assert_eq!(
        std::fs::read(together.join("manifest.json")).unwrap(),
        std::fs::read(copied.join("manifest.json")).unwrap()
    );
}

#[test]
fn one_two_and_three_shards_hold_the_rows_of_the_unsplit_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (_plain_tmp, plain) = generate(SMALL, &["--threads", "2"]);
    let expected = sorted_rows(&plain);
    assert!(expected["cdr"].len() > 1000 && expected["persons"].len() == 3000);

    for count in 1..=3u32 {
        let root = tmp.path().join(format!("split-{count}"));
        for index in 0..count {
            shard(&root, index, count);
        }
        ok(&["merge-manifests", root.to_str().unwrap()]);
        let m = manifest(&root);
        let split = sorted_rows(&root);
        assert_eq!(
            split.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "tables of {count} shards"
        );
        for (table, rows) in &expected {
            assert!(
                &split[table] == rows,
                "{table}: rows differ with {count} shards"
            );
            assert_eq!(
                m["tables"][table]["rows"],
                manifest(&plain)["tables"][table]["rows"]
            );
        }
    }
}

#[test]
fn visitors_split_over_two_shards_hold_the_rows_of_the_unsplit_run() {
    let tourism = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tourism.toml");
    let tmp = tempfile::tempdir().unwrap();
    let (_plain_tmp, plain) = generate(tourism, &["--threads", "2"]);
    let expected = sorted_rows(&plain);
    assert!(expected["visitors"].len() > 100);
    let root = tmp.path().join("split");
    for index in 0..2 {
        shard_of(tourism, &root, index, 2);
    }
    ok(&["merge-manifests", root.to_str().unwrap()]);
    let split = sorted_rows(&root);
    for (table, rows) in &expected {
        assert!(&split[table] == rows, "{table}: rows differ with 2 shards");
    }
}

/// The GNU parallel recipe of docs/SHARDING.md, with its `parallel` replaced by a shell loop of
/// background jobs: every shard writes into the same --out at the same time, then the merge.
#[test]
fn shell_recipe_runs_shards_concurrently_into_one_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("small-split");
    let script = r#"
        set -eu
        N=3
        pids=""
        for I in $(seq 0 $((N - 1))); do
          "$TELCOSYNTH" generate "$SCENARIO" --shard "$I/$N" --out "$OUT" --threads 1 >/dev/null &
          pids="$pids $!"
        done
        for p in $pids; do wait "$p"; done
        "$TELCOSYNTH" merge-manifests "$OUT"
    "#;
    let run = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("TELCOSYNTH", bin())
        .env("SCENARIO", SMALL)
        .env("OUT", &out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("Merged 3 shards of small"));
    let m = manifest(&out);
    assert_eq!(m["tables"]["persons"]["rows"], 3000);
    let read: usize = m["tables"]["cdr"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path: PathBuf = out.join(f["path"].as_str().unwrap());
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
                .unwrap()
                .metadata()
                .file_metadata()
                .num_rows() as usize
        })
        .sum();
    assert_eq!(read as u64, m["tables"]["cdr"]["rows"].as_u64().unwrap());
}

#[test]
fn bad_shard_values_exit_with_code_2_and_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    for (value, says) in [
        ("3/3", "use 0 to 2"),
        ("0/0", "at least 1"),
        ("1", "expected I/N"),
        ("x/2", "not a whole number"),
    ] {
        let run = telcosynth(&[
            "generate",
            SMALL,
            "--shard",
            value,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(2), "--shard {value}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(says), "--shard {value}: {stderr}");
    }
    assert!(!out.exists(), "nothing is written for bad values");

    // Merging an incomplete split is refused with code 2 and names the missing shard.
    shard(&out, 0, 2);
    let run = telcosynth(&["merge-manifests", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("shard-0001-of-0002"));
    assert!(!out.join("manifest.json").exists());
}
