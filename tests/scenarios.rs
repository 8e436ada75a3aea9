//! `telcosynth scenario …` and malformed scenarios through the CLI: exit code 2 and a message
//! naming the file, the line, the field and the fix.

mod common;

use common::*;

const QUICKSTART: &str = include_str!("../scenarios/quickstart.toml");

/// Writes `text` as a scenario file and runs `generate` on it; returns (exit code, stderr, path).
fn generate_bad(text: &str) -> (Option<i32>, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let run = telcosynth(&[
        "generate",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        !out.join("manifest.json").exists(),
        "a failed run must not leave a manifest"
    );
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
        path.display().to_string(),
    )
}

fn assert_rejected(text: &str, field: &str, hints: &[&str]) {
    let (code, err, path) = generate_bad(text);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&path), "names the file: {err}");
    assert!(err.contains(field), "names {field}: {err}");
    for hint in hints {
        assert!(err.contains(hint), "says {hint:?}: {err}");
    }
    let location = err.split(&path).nth(1).unwrap_or("");
    assert!(
        location.starts_with(':') && location[1..].starts_with(|c: char| c.is_ascii_digit()),
        "line:column: {err}"
    );
}

#[test]
fn unknown_key_is_named_with_the_valid_keys() {
    assert_rejected(
        &QUICKSTART.replace("persons = 20000", "persons = 20000\npersns = 3"),
        "persns",
        &["scale", "persons"],
    );
}

#[test]
fn wrong_type_is_named() {
    assert_rejected(
        &QUICKSTART.replace("persons = 20000", "persons = \"many\""),
        "persons",
        &["expected a whole number"],
    );
}

#[test]
fn misspelt_district_gets_a_suggestion() {
    let text = QUICKSTART.replace(
        "states = [\"Selangor\", \"W.P. Kuala Lumpur\", \"W.P. Putrajaya\"]",
        "districts = [\"Petalin\"]",
    );
    assert_rejected(&text, "region.districts", &["did you mean \"Petaling\"?"]);
}

#[test]
fn end_before_start_is_refused() {
    assert_rejected(
        &QUICKSTART.replace("end = 2025-01-12", "end = 2025-01-01"),
        "period.end",
        &["2025-01-06"],
    );
}

#[test]
fn zero_population_is_refused() {
    assert_rejected(
        &QUICKSTART.replace("persons = 20000", "persons = 0"),
        "population.persons",
        &["at least 1"],
    );
}

#[test]
fn a_missing_file_is_an_input_error() {
    let run = telcosynth(&[
        "generate",
        "no/such/scenario.toml",
        "--out",
        "/tmp/never-written",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no/such/scenario.toml"));
}

#[test]
fn list_show_and_validate() {
    let list = String::from_utf8(ok(&["scenario", "list"]).stdout).unwrap();
    assert!(
        list.contains("quickstart") && list.contains("Klang Valley"),
        "{list}"
    );
    let shown = String::from_utf8(ok(&["scenario", "show", "quickstart"]).stdout).unwrap();
    assert_eq!(shown, QUICKSTART);
    let normalised = String::from_utf8(ok(&["scenario", "validate", "quickstart"]).stdout).unwrap();
    assert!(
        normalised.contains("[operators.maxis]") && normalised.contains("persons_per_block = 5000"),
        "{normalised}"
    );
    let unknown = telcosynth(&["scenario", "show", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_table_reference_is_current() {
    let printed = String::from_utf8(ok(&["tables"]).stdout).unwrap();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/TABLES.md")).unwrap();
    assert!(
        printed == committed,
        "docs/TABLES.md is stale: run `cargo run -- tables > docs/TABLES.md`"
    );
}
