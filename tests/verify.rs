//! End-to-end tests of `telcosynth reference` and `telcosynth verify`.

mod common;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Int32Array, RecordBatch};
use common::*;
use parquet::arrow::ArrowWriter;

/// The small test scenario (3 000 persons, two days).
const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");

/// The committed reference outputs, which CI regenerates and verifies.
const REFERENCES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/reference-outputs");

/// Reference scenarios small enough to regenerate in the test suite.
const VERIFIED_IN_CI: &[&str] = &[
    "dirty-data",
    "johor-singapore-border",
    "langkawi-full-density",
    "quickstart",
];

fn exit_code(args: &[&str]) -> (i32, String) {
    let out = telcosynth(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn committed_references_regenerate_byte_for_byte() {
    for name in VERIFIED_IN_CI {
        let dir = Path::new(REFERENCES).join(name);
        let out = ok(&["verify", dir.to_str().unwrap(), "--threads", "2"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("byte-identical"), "{name}: {text}");
    }
}

#[test]
fn every_committed_reference_is_complete() {
    let mut names = Vec::new();
    for entry in fs::read_dir(REFERENCES).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in ["manifest.json", "fingerprints.json"] {
            assert!(dir.join(file).is_file(), "{} has no {file}", dir.display());
        }
        let m = manifest(&dir);
        assert_eq!(
            m["scenario"]["name"].as_str(),
            dir.file_name().unwrap().to_str(),
            "a reference folder is named after its scenario"
        );
        // Every reference publishes its baselines' scores and truth tables, computed on this
        // scenario text.
        let baselines = dir.join("baselines");
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            baselines.is_dir(),
            "{name} has no baselines; run reference-outputs/bench-baselines.sh {name}"
        );
        let report: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(baselines.join("report.json"))
                .unwrap_or_else(|e| panic!("{}: {e}", baselines.display())),
        )
        .unwrap();
        assert_eq!(
            report["dataset"]["scenario_sha256"],
            m["scenario"]["sha256"],
            "{}: scores of another scenario text; rerun reference-outputs/bench-baselines.sh",
            baselines.display()
        );
        let truth = baselines.join("truth-indicators/present_population.csv.gz");
        let text = String::from_utf8(gunzip(&truth)).unwrap();
        assert!(
            text.starts_with("indicator,zone_level,zone_id,t_start,t_end,")
                && text.lines().count() > 1,
            "{}",
            truth.display()
        );
        names.push(name);
    }
    for name in VERIFIED_IN_CI {
        assert!(
            names.iter().any(|n| n == name),
            "reference {name} is missing"
        );
    }
}

#[test]
fn verify_passes_then_names_a_changed_hash_and_a_changed_value() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("ref");
    let data = tmp.path().join("data");
    let reference_s = reference.to_str().unwrap();
    let data_s = data.to_str().unwrap();
    ok(&["reference", SMALL, "--out", reference_s, "--threads", "1"]);
    ok(&["generate", SMALL, "--out", data_s, "--threads", "2"]);

    // Regenerated and given dataset both match.
    let (code, text) = exit_code(&["verify", reference_s, "--threads", "2"]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = exit_code(&["verify", reference_s, "--dataset", data_s]);
    assert_eq!(code, 0, "{text}");

    // One byte of one published hash changed: verify fails and names the table and file.
    let manifest_path = reference.join("manifest.json");
    let original = fs::read_to_string(&manifest_path).unwrap();
    let m = manifest(&reference);
    let file = &m["tables"]["cdr"]["files"][1];
    let path = file["path"].as_str().unwrap();
    let sha = file["sha256"].as_str().unwrap();
    let flipped_char = if sha.starts_with('0') { "1" } else { "0" };
    let flipped = format!("{flipped_char}{}", &sha[1..]);
    fs::write(&manifest_path, original.replace(sha, &flipped)).unwrap();
    let (code, text) = exit_code(&["verify", reference_s, "--dataset", data_s]);
    assert_eq!(code, 3, "{text}");
    assert!(
        text.contains(&format!("table cdr, file {path}")),
        "the message names the table and file: {text}"
    );
    fs::write(&manifest_path, original).unwrap();

    // One value changed in a data file: verify names the file, the column and the rows.
    let target = data.join(path);
    rewrite_duration(&target, 300);
    let (code, text) = exit_code(&["verify", reference_s, "--dataset", data_s]);
    assert_eq!(code, 3, "{text}");
    assert!(text.contains(&format!("file {path}")), "{text}");
    assert!(
        text.contains("columns differing: duration_s;"),
        "names the column: {text}"
    );
    assert!(text.contains("first difference in rows 256-"), "{text}");
}

#[test]
fn verify_rejects_a_folder_without_a_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, text) = exit_code(&["verify", tmp.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("manifest.json"), "{text}");
}

/// Rewrites a cdr file with the `duration_s` of row `row` increased by one.
fn rewrite_duration(path: &Path, row: usize) {
    let batches = read_file(path);
    let schema = batches[0].schema();
    let mut writer = ArrowWriter::try_new(Vec::new(), schema.clone(), None).unwrap();
    let mut offset = 0;
    for batch in batches {
        let index = schema.index_of("duration_s").unwrap();
        let mut columns = batch.columns().to_vec();
        let durations = columns[index]
            .as_any()
            .downcast_ref::<Int32Array>()
            .unwrap();
        let mut values: Vec<Option<i32>> = durations.iter().collect();
        if (offset..offset + values.len()).contains(&row) {
            values[row - offset] = values[row - offset].map(|d| d + 1);
        }
        offset += batch.num_rows();
        columns[index] = Arc::new(Int32Array::from(values));
        writer
            .write(&RecordBatch::try_new(schema.clone(), columns).unwrap())
            .unwrap();
    }
    assert!(offset > row, "the file has more than {row} rows");
    fs::write(path, writer.into_inner().unwrap()).unwrap();
}

fn read_file(path: &Path) -> Vec<RecordBatch> {
    let file = fs::File::open(path).unwrap();
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}
