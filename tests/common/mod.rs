//! Helpers shared by the end-to-end tests: run the CLI, read what it wrote.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Runs the `telcosynth` binary with `args`.
pub fn telcosynth(args: &[&str]) -> Output {
    if matches!(args.first(), Some(&"bench" | &"baseline")) {
        require_harness();
    }
    Command::new(env!("CARGO_BIN_EXE_telcosynth"))
        .args(args)
        .output()
        .expect("run telcosynth")
}

/// Runs `telcosynth` and asserts it succeeded.
pub fn ok(args: &[&str]) -> Output {
    let out = telcosynth(args);
    assert!(
        out.status.success(),
        "telcosynth {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

/// Generates the quickstart (or `scenario`) into a fresh temporary folder.
pub fn generate(scenario: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("data");
    let mut args = vec!["generate", scenario, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    ok(&args);
    (dir, out)
}

pub use telcosynth_sinks::read::table_files;

/// All rows of a table as record batches.
pub fn read_table(dataset: &Path, table: &str) -> Vec<RecordBatch> {
    table_files(dataset, table)
        .into_iter()
        .flat_map(|path| {
            let file = std::fs::File::open(&path).unwrap();
            ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .build()
                .unwrap()
                .map(|b| b.unwrap())
        })
        .collect()
}

/// A text column of a table, row by row (nulls as None).
pub fn strings(dataset: &Path, table: &str, column: &str) -> Vec<Option<String>> {
    read_table(dataset, table)
        .iter()
        .flat_map(|b| {
            let col = b
                .column_by_name(column)
                .unwrap_or_else(|| panic!("{table}.{column}"));
            let col = col
                .as_any()
                .downcast_ref::<arrow_array::StringArray>()
                .expect("utf8 column");
            (0..col.len())
                .map(|i| col.is_valid(i).then(|| col.value(i).to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Parsed manifest.json of a dataset.
pub fn manifest(dataset: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dataset.join("manifest.json")).unwrap()).unwrap()
}

/// The bytes of a gzipped file, decompressed by the system's `gzip`.
pub fn gunzip(path: &Path) -> Vec<u8> {
    let out = Command::new("gzip")
        .arg("-dc")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("gzip -dc {}: {e}", path.display()));
    assert!(
        out.status.success(),
        "gzip -dc {}: {:?}",
        path.display(),
        out.status
    );
    out.stdout
}

/// Asserts that the harness executable, which `telcosynth bench` runs, is built beside
/// `telcosynth` (`cargo test --workspace` builds it: its package has integration tests).
pub fn require_harness() {
    let exe = Path::new(env!("CARGO_BIN_EXE_telcosynth"))
        .with_file_name(format!("telcosynth-bench{}", std::env::consts::EXE_SUFFIX));
    assert!(
        exe.is_file(),
        "{} is not built: run the harness tests with `cargo test --workspace`, or build it \
         first with `cargo build -p telcosynth-bench`",
        exe.display()
    );
}

/// Whether bubblewrap runs here (the sandboxed tests are skipped without it, saying so).
pub fn bubblewrap_runs() -> bool {
    let runs = Command::new("bwrap")
        .args(["--ro-bind", "/", "/", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !runs {
        eprintln!("skipped: bubblewrap is not available here");
    }
    runs
}
