//! End to end through the CLI: population density is reported, and a scenario that samples its
//! region's population onto the whole network is warned about (dry run, inspect, bench), while
//! a full-density one is not.

mod common;

use std::path::Path;

use common::*;

const FULL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/full-density.toml"
);

/// The full-density fixture at a tenth of its population, written to `dir`.
fn sampled(dir: &Path) -> String {
    let text = std::fs::read_to_string(FULL)
        .unwrap()
        .replace("scale = 1.0", "scale = 0.1")
        .replace("name = \"full-density\"", "name = \"sampled-density\"");
    assert!(
        text.contains("scale = 0.1"),
        "the fixture's scale line moved"
    );
    let path = dir.join("sampled.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const WARNING: &str = "warning: this scenario samples its population";

#[test]
fn dry_run_warns_about_sampled_scenarios_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let run = |scenario: &str| {
        let o = ok(&[
            "generate",
            scenario,
            "--dry-run",
            "--out",
            out.to_str().unwrap(),
        ]);
        String::from_utf8(o.stderr).unwrap()
    };
    let stderr = run("quickstart");
    assert!(stderr.contains(WARNING), "{stderr}");
    assert!(
        stderr.contains("langkawi-full-density") && stderr.contains("melaka-full-density"),
        "the warning names the full-density scenarios: {stderr}"
    );
    for full in ["langkawi-full-density", "melaka-full-density", FULL] {
        let stderr = run(full);
        assert!(!stderr.contains(WARNING), "{full}: {stderr}");
    }
}

#[test]
fn inspect_warns_about_sampled_datasets_only() {
    let tmp = tempfile::tempdir().unwrap();
    let inspect = |scenario: &str| {
        let (_dir, data) = generate(scenario, &[]);
        let run = ok(&["inspect", data.to_str().unwrap()]);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(data.join("realism.json")).unwrap())
                .unwrap();
        (String::from_utf8(run.stdout).unwrap(), json)
    };
    let (text, json) = inspect(&sampled(tmp.path()));
    assert!(text.contains(WARNING), "{text}");
    assert_eq!(json["density"]["sampled"], true);
    let share = json["density"]["share"].as_f64().unwrap();
    assert!((share - 0.1).abs() < 0.001, "{share}");

    let (text, json) = inspect(FULL);
    assert!(!text.contains(WARNING), "{text}");
    assert_eq!(json["density"]["sampled"], false);
    assert_eq!(json["density"]["persons"], json["density"]["census"]);
    assert!(json["density"]["warning"].is_null());
}

#[test]
fn bench_reports_density_and_warns_only_when_sampled() {
    let tmp = tempfile::tempdir().unwrap();
    let bench = |scenario: &str, name: &str| {
        let (_dir, data) = generate(scenario, &[]);
        let out = tmp.path().join(name);
        let run = ok(&[
            "bench",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--pipeline",
            &format!(
                "identity='{}' baseline identity",
                env!("CARGO_BIN_EXE_telcosynth")
            ),
        ]);
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
                .unwrap();
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        (String::from_utf8(run.stderr).unwrap(), report, md, html)
    };
    let (stderr, full, md, html) = bench(FULL, "full");
    assert!(!stderr.contains(WARNING), "{stderr}");
    let d = &full["density"];
    assert_eq!(d["sampled"], false, "{d}");
    assert!(d["warning"].is_null());
    for doc in [&md, &html] {
        assert!(doc.contains("Density of the view"));
        assert!(doc.contains("subscribers per site / per cell"));
        assert!(!doc.contains(WARNING));
        assert!(doc.contains("Time and memory per stage"));
        assert!(
            doc.contains("identity: risk, unicity"),
            "every attack is a stage"
        );
    }
    // Every stage is timed, with the harness's own peak memory.
    let stages = full["stages"].as_array().unwrap();
    assert!(stages.len() >= 5, "{stages:?}");
    assert!(stages.iter().all(|s| s["wall_s"].as_f64().unwrap() >= 0.0));
    assert!(
        stages
            .iter()
            .any(|s| s["peak_rss_mib"].as_f64().unwrap_or(0.0) > 1.0)
    );

    let (stderr, sampled_run, md, html) = bench(&sampled(tmp.path()), "sampled");
    assert!(stderr.contains(WARNING), "{stderr}");
    let s = &sampled_run["density"];
    assert_eq!(s["sampled"], true);
    assert!(md.contains(WARNING) && html.contains(WARNING));
    // The same network with a tenth of the people: a tenth of the subscribers per cell, and far
    // fewer people per district-hour.
    let ratio =
        d["subscribers_per_cell"].as_f64().unwrap() / s["subscribers_per_cell"].as_f64().unwrap();
    assert!((7.0..14.0).contains(&ratio), "{ratio}");
    assert_eq!(d["cells"], s["cells"]);
    assert!(
        d["district_hour_median"].as_f64().unwrap()
            > 5.0 * s["district_hour_median"].as_f64().unwrap(),
        "{d} vs {s}"
    );
}
