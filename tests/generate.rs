//! End-to-end tests of `telcosynth generate` through the CLI.

mod common;

use common::*;

/// The small test scenario (3 000 persons, two days).
const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");

#[test]
fn quickstart_writes_every_table_and_the_manifest() {
    let (_tmp, out) = generate("quickstart", &[]);
    let m = manifest(&out);
    for table in [
        "subscribers",
        "cells",
        "cdr",
        "ip_sessions",
        "ip_calls",
        "persons",
        "person_sims",
        "trajectories",
    ] {
        let rows = m["tables"][table]["rows"].as_u64().unwrap_or(0);
        assert!(rows > 0, "{table} is empty");
        let read: usize = read_table(&out, table).iter().map(|b| b.num_rows()).sum();
        assert_eq!(read as u64, rows, "{table}: manifest rows vs file rows");
    }
    assert_eq!(m["tables"]["persons"]["rows"], 20_000);
    assert_eq!(m["tables"]["subscribers"]["view"], "operator");
    assert_eq!(m["tables"]["persons"]["view"], "truth");
    assert_eq!(
        m["tables"]["subscribers"]["rows"],
        m["tables"]["person_sims"]["rows"]
    );
    let left: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// With 2 threads too: `tests/verify.rs` regenerates the committed quickstart reference, made
/// with one thread, on two.
#[test]
fn output_is_identical_with_one_and_four_threads() {
    for scenario in ["quickstart", TOURISM] {
        identical_with_one_and_four_threads(scenario);
    }
}

/// The tourism test scenario (residents and inbound visitors, three days).
const TOURISM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tourism.toml");

fn identical_with_one_and_four_threads(scenario: &str) {
    let (_a, one) = generate(scenario, &["--threads", "1"]);
    let (_b, two) = generate(scenario, &["--threads", "4"]);
    let bytes = |d: &std::path::Path| std::fs::read(d.join("manifest.json")).unwrap();
    assert_eq!(
        bytes(&one),
        bytes(&two),
        "manifests (with every file's SHA-256) differ"
    );
    for file in walk(&one) {
        let rel = file.strip_prefix(&one).unwrap();
        assert_eq!(
            std::fs::read(&file).unwrap(),
            std::fs::read(two.join(rel)).unwrap(),
            "{rel:?}"
        );
    }
}

#[test]
fn a_different_seed_gives_different_data() {
    let tmp = tempfile::tempdir().unwrap();
    let text = include_str!("../scenarios/quickstart.toml").replace("seed = 20250106", "seed = 7");
    assert!(
        text.contains("seed = 7"),
        "the quickstart's seed line moved"
    );
    let scenario = tmp.path().join("other-seed.toml");
    std::fs::write(&scenario, text).unwrap();
    let (_a, base) = generate("quickstart", &[]);
    let (_b, other) = generate(scenario.to_str().unwrap(), &[]);
    for table in [
        "subscribers",
        "persons",
        "cells",
        "cdr",
        "ip_sessions",
        "trajectories",
    ] {
        let sha = |d| manifest(d)["tables"][table]["files"][0]["sha256"].clone();
        assert_ne!(
            sha(&base),
            sha(&other),
            "{table} did not change with the seed"
        );
    }
    assert_ne!(
        strings(&base, "subscribers", "msisdn"),
        strings(&other, "subscribers", "msisdn")
    );
}

#[test]
fn a_non_empty_folder_is_refused_without_force() {
    let (_tmp, out) = generate(SMALL, &[]);
    let again = telcosynth(&["generate", SMALL, "--out", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains(out.to_str().unwrap()) && err.contains("--force"),
        "{err}"
    );
    ok(&["generate", SMALL, "--out", out.to_str().unwrap(), "--force"]);
    assert!(out.join("manifest.json").exists());
}

#[test]
fn csv_output_has_headers_and_the_same_rows() {
    let (_tmp, out) = generate(SMALL, &["--format", "csv"]);
    let m = manifest(&out);
    let path = out.join(
        m["tables"]["subscribers"]["files"][0]["path"]
            .as_str()
            .unwrap(),
    );
    assert!(path.extension().is_some_and(|e| e == "csv"));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.starts_with("subscriber_id,operator,msisdn,imsi,imei,"),
        "{}",
        &text[..80]
    );
    let rows: u64 = m["tables"]["subscribers"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(rows, m["tables"]["subscribers"]["rows"].as_u64().unwrap());
}

/// Every file below a folder.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn a_table_is_the_same_whether_or_not_the_others_are_generated() {
    const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");
    let (_all_tmp, all) = generate(SMALL, &[]);
    let tmp = tempfile::tempdir().unwrap();
    for table in ["cdr", "ip_sessions", "trajectories"] {
        let text = std::fs::read_to_string(SMALL)
            .unwrap()
            .replace("[outputs]", &format!("[outputs]\ntables = [\"{table}\"]"));
        let scenario = tmp.path().join(format!("only-{table}.toml"));
        std::fs::write(&scenario, text).unwrap();
        let (_only_tmp, only) = generate(scenario.to_str().unwrap(), &[]);
        let files = table_files(&only, table);
        assert!(!files.is_empty(), "{table}: no files");
        assert_eq!(files.len(), table_files(&all, table).len(), "{table}");
        for file in files {
            let rel = file.strip_prefix(&only).unwrap();
            assert_eq!(
                std::fs::read(&file).unwrap(),
                std::fs::read(all.join(rel)).unwrap(),
                "{table}: {rel:?} differs when generated alone"
            );
        }
    }
}
