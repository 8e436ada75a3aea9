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

#[test]
fn output_is_identical_with_one_and_two_threads() {
    for scenario in ["quickstart", TOURISM] {
        identical_with_one_and_two_threads(scenario);
    }
}

/// The tourism test scenario (residents and inbound visitors, three days).
const TOURISM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tourism.toml");

fn identical_with_one_and_two_threads(scenario: &str) {
    let (_a, one) = generate(scenario, &["--threads", "1"]);
    let (_b, two) = generate(scenario, &["--threads", "2"]);
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
