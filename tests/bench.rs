//! End to end through the CLI: `telcosynth bench` on the small fixture with every baseline and
//! deliberately broken pipelines. The broken ones must be reported as failures with their
//! reason while the harness completes and the baselines are scored.

#![cfg(feature = "harness")]

mod common;

use std::path::Path;

use serde_json::Value;

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");

/// Writes an executable shell script and returns its path.
fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path.display().to_string()
}

fn pipeline<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["pipelines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("pipeline {name} is in the report"))
}

/// The score of `indicator` over all rows in a utility section.
fn score<'a>(utility: &'a Value, indicator: &str) -> &'a Value {
    utility["vs_raw"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["indicator"] == indicator && s["subset"] == "all")
        .unwrap_or_else(|| panic!("{indicator} is scored: {utility}"))
}

#[test]
fn baselines_score_and_broken_pipelines_fail() {
    let (dir, data) = common::generate(SMALL, &[]);
    let tools = dir.path().join("pipelines");
    std::fs::create_dir_all(&tools).unwrap();
    let exits = script(
        &tools,
        "exits.sh",
        "echo 'cannot anonymise today' >&2\nexit 1",
    );
    let garbage = script(
        &tools,
        "garbage.sh",
        "while [ $# -gt 0 ]; do [ \"$1\" = --output ] && out=$2; shift; done\n\
         echo '{\"contract_version\": 1, \"kind\": \"tables\"}' > \"$out/manifest.json\"",
    );
    let bad_type = script(
        &tools,
        "bad_type.sh",
        "printf 'indicator,zone_level,zone_id,t_start,t_end,breakdown_key,breakdown_value,value\\n\
         footfall,district,10_1,2025-01-09T16:00:00Z,2025-01-09T17:00:00Z,,,3\\n' > \"$TELCOSYNTH_OUTPUT/aggregates.csv\"\n\
         echo '{\"contract_version\": 1, \"kind\": \"aggregates\", \"pseudonym_columns\": [], \
         \"spatial_level\": \"district\", \"time_bin_s\": 3600, \"suppression\": null}' \
         > \"$TELCOSYNTH_OUTPUT/manifest.json\"",
    );
    let hangs = script(&tools, "hangs.sh", "sleep 60");
    let out = dir.path().join("run");
    let started = std::time::Instant::now();
    common::ok(&[
        "bench",
        data.to_str().unwrap(),
        "--baselines",
        "--out",
        out.to_str().unwrap(),
        "--timeout-s",
        "20",
        "--no-risk",
        "--pipeline",
        &format!("exits={exits}"),
        "--pipeline",
        &format!("garbage={garbage}"),
        "--pipeline",
        &format!("unknown-indicator={bad_type}"),
        "--pipeline",
        &format!("hangs={hangs}"),
    ]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();

    // The input holds the operator's view only.
    for table in ["subscribers", "cells", "cdr", "ip_sessions"] {
        assert!(out.join("input").join(table).is_dir(), "{table}");
    }
    for table in [
        "persons",
        "person_sims",
        "trajectories",
        "trips",
        "ip_calls",
    ] {
        assert!(!out.join("input").join(table).exists(), "{table} leaked");
    }
    let schema = std::fs::metadata(out.join("input").join("schema.json")).unwrap();
    assert!(schema.permissions().readonly(), "the input is read-only");
    let target = report["target"]["name"].as_str().unwrap();
    for op in common::strings(&out.join("input"), "subscribers", "operator") {
        assert_eq!(op.as_deref(), Some(target));
    }

    // Broken pipelines fail with their reason; the run went on.
    let failed = |name: &str| {
        let p = pipeline(&report, name);
        assert_eq!(p["outcome"]["status"], "failed", "{name}: {p}");
        p["outcome"].clone()
    };
    let f = failed("exits");
    assert_eq!(f["reason"], "exit status 1");
    assert_eq!(f["stderr_tail"], "cannot anonymise today");
    let f = failed("garbage");
    assert!(f["reason"].as_str().unwrap().contains("kind"), "{f}");
    let f = failed("unknown-indicator");
    assert!(
        f["reason"]
            .as_str()
            .unwrap()
            .contains("unknown indicator \"footfall\""),
        "{f}"
    );
    let f = failed("hangs");
    assert!(
        f["reason"].as_str().unwrap().starts_with("timed out"),
        "{f}"
    );
    assert!(pipeline(&report, "hangs")["wall_s"].as_f64().unwrap() < 40.0);
    assert!(markdown.contains("cannot anonymise today"));
    assert!(report["sandbox"]["kind"].is_string());

    // Every baseline is scored.
    for name in [
        "identity",
        "hash-msisdn",
        "rotating-pseudonyms",
        "k-suppressed-aggregates",
    ] {
        assert_eq!(
            pipeline(&report, name)["outcome"]["status"],
            "scored",
            "{name}"
        );
        assert!(markdown.contains(&format!("## Pipeline `{name}`")));
    }
    // identity hands over the raw view: no error on any indicator, same distributions.
    let identity = &pipeline(&report, "identity")["outcome"];
    for ind in [
        "present_population",
        "residents",
        "od_trips",
        "calls",
        "call_drop_rate",
        "data_volume",
        "throughput_p50",
    ] {
        let s = score(&identity["microdata"], ind);
        assert!(
            s["p90_relative_error"].as_f64().unwrap() < 1e-9,
            "identity {ind}: {s}"
        );
        assert_eq!(s["suppressed_mass_share"].as_f64().unwrap(), 0.0, "{ind}");
    }
    for (name, d) in identity["distributions"].as_object().unwrap() {
        assert!(d.as_f64().unwrap() < 1e-9, "identity {name}: {d}");
    }
    // Hashing changes no count: the same utility as identity.
    let hashed = &pipeline(&report, "hash-msisdn")["outcome"];
    assert!(
        score(&hashed["microdata"], "present_population")["p90_relative_error"]
            .as_f64()
            .unwrap()
            < 1e-9
    );
    // Daily pseudonyms at district-hour resolution lose information: events per subscriber key
    // and trip lengths move, but district-level daily network indicators survive.
    let salted = &pipeline(&report, "rotating-pseudonyms")["outcome"];
    assert!(
        salted["distributions"]["events_per_subscriber"]
            .as_f64()
            .unwrap()
            > 0.01
    );
    assert!(
        score(&salted["microdata"], "calls")["p90_relative_error"]
            .as_f64()
            .unwrap()
            < 1e-9
    );
    // Suppressing counts below 15 hides some mass but keeps the published values exact.
    let kanon = &pipeline(&report, "k-suppressed-aggregates")["outcome"];
    let pp = score(&kanon["aggregates"], "present_population");
    let suppressed = pp["suppressed_mass_share"].as_f64().unwrap();
    assert!(suppressed > 0.0 && suppressed < 1.0, "{pp}");
    assert!(pp["spearman"].as_f64().unwrap() > 0.5, "{pp}");
    assert!(kanon["microdata"].is_null());
    // The whole run on the small fixture takes well under the limits (not a speed test).
    assert!(started.elapsed().as_secs() < 600);
}

/// The attack rate of the unicity attack with `p` points in a pipeline's risk report.
fn unicity(report: &Value, name: &str, p: u64) -> f64 {
    pipeline(report, name)["outcome"]["risk"]["report"]["unicity"]
        .as_array()
        .unwrap_or_else(|| panic!("{name} has a risk report"))
        .iter()
        .find(|a| a["p"] == p)
        .unwrap()["attack_rate"]["rate"]
        .as_f64()
        .unwrap()
}

#[test]
fn the_report_carries_the_risk_assessment() {
    // No DATASET: the scenario is generated into OUT/dataset first.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    common::ok(&["bench", "--scenario", SMALL, "--out", out.to_str().unwrap()]);
    assert!(out.join("dataset/manifest.json").is_file());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    for name in [
        "identity",
        "hash-msisdn",
        "rotating-pseudonyms",
        "k-suppressed-aggregates",
    ] {
        let risk = &pipeline(&report, name)["outcome"]["risk"];
        assert!(risk["report"].is_object(), "{name}: {risk}");
        assert!(risk["note"].is_null(), "{name}: {risk}");
    }
    // Unsalted hashes reverse; daily keyed pseudonyms at district-hour do not, and single
    // points identify far fewer of them.
    let reversal = |name: &str| {
        pipeline(&report, name)["outcome"]["risk"]["report"]["reversal"]["attack"]["attack_rate"]
            ["rate"]
            .as_f64()
            .unwrap()
    };
    assert!(reversal("hash-msisdn") > 0.5);
    assert_eq!(reversal("rotating-pseudonyms"), 0.0);
    assert!(unicity(&report, "rotating-pseudonyms", 2) < unicity(&report, "hash-msisdn", 2));
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(markdown.contains("| pseudonym_reversal |"), "{markdown}");
}
