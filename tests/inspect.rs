//! End-to-end tests of `telcosynth inspect` through the CLI.

mod common;

use std::path::Path;

use common::*;

/// The quickstart cut to 1 000 persons over two days, written to `dir`; returns its path.
fn small_scenario(dir: &Path) -> String {
    let text = include_str!("../scenarios/quickstart.toml")
        .replace("persons = 20000", "persons = 1000")
        .replace("end = 2025-01-12", "end = 2025-01-07")
        .replace("persons_per_block = 5000", "persons_per_block = 1000");
    assert!(
        text.contains("persons = 1000") && text.contains("end = 2025-01-07"),
        "the quickstart's population or period lines moved"
    );
    let path = dir.join("small.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_folder_without_manifest_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = telcosynth(&["inspect", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("manifest.json"), "{stderr}");
}

#[test]
fn a_csv_dataset_is_bad_input_naming_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (_data, out) = generate(&small_scenario(tmp.path()), &["--format", "csv"]);
    let run = telcosynth(&["inspect", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(".csv") && stderr.contains("Parquet"),
        "{stderr}"
    );
    assert!(!out.join("realism.json").exists());
}

#[test]
fn generate_then_inspect_gives_every_figure_a_value() {
    let tmp = tempfile::tempdir().unwrap();
    let (_data, out) = generate(&small_scenario(tmp.path()), &[]);
    let dataset = out.to_str().unwrap();
    let manifest_before = std::fs::read(out.join("manifest.json")).unwrap();
    let run = ok(&["inspect", dataset]);
    let text = String::from_utf8_lossy(&run.stdout);

    let written = std::fs::read_to_string(out.join("realism.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    let figures = json["figures"].as_array().unwrap();
    let ids: Vec<&str> = figures.iter().map(|f| f["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = telcosynth_inspect::targets()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(ids, expected);
    for f in figures {
        let id = f["id"].as_str().unwrap();
        if id.starts_with("inbound_") || id == "sims_active_at_most_weekly_share" {
            // The small scenario has no inbound visitors (see the tourism test below), and two
            // days cannot tell weekly use.
            assert_eq!(f["status"], "not_available", "{f}");
            continue;
        }
        assert!(f["value"].as_f64().is_some_and(f64::is_finite), "{f}");
        assert!(
            ["within", "outside"].contains(&f["status"].as_str().unwrap()),
            "{f}"
        );
        let line = text.lines().find(|l| l.starts_with(&format!("{id} ")));
        assert!(
            line.is_some_and(|l| !l.contains("not available")),
            "{id}: {text}"
        );
    }
    assert_eq!(
        std::fs::read(out.join("manifest.json")).unwrap(),
        manifest_before,
        "inspect leaves the manifest alone"
    );

    let elsewhere = tmp.path().join("report.json");
    ok(&["inspect", dataset, "--json", elsewhere.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(elsewhere).unwrap(),
        written,
        "same report, same bytes"
    );
}

#[test]
fn inspect_reports_inbound_arrivals_by_origin_and_visitor_days() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tourism.toml");
    let (_data, out) = generate(fixture, &[]);
    let run = ok(&["inspect", out.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("Inbound tourism:"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("realism.json")).unwrap()).unwrap();
    let tourism = &json["tourism"];
    let arrivals = tourism["arrivals"].as_u64().unwrap();
    assert!(arrivals > 50, "{arrivals} arrivals");
    let origins = tourism["origins"].as_array().unwrap();
    let counted: u64 = origins
        .iter()
        .map(|o| o["arrivals"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, arrivals);
    let per_day: u64 = tourism["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["arrivals"].as_u64().unwrap())
        .sum();
    assert_eq!(per_day, arrivals);
    let by_entry: u64 = tourism["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["arrivals"].as_u64().unwrap())
        .sum();
    assert_eq!(by_entry, arrivals);
    // Entry-point figures have values (Johor is in the region); three days are too few for the
    // daily rhythm.
    let figure = |id: &str| {
        json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()
            .clone()
    };
    for id in [
        "inbound_senai_share",
        "inbound_singaporeans_by_land_in_johor",
        "inbound_johor_land_singaporean_share",
    ] {
        assert_eq!(figure(id)["status"], "within", "{}", figure(id));
    }
    assert_eq!(
        figure("inbound_daily_peak_to_mean")["status"],
        "not_available"
    );
    let sgp = origins.iter().find(|o| o["country"] == "SGP").unwrap();
    assert!((sgp["target_pct"].as_f64().unwrap() - 48.97).abs() < 0.01);
    let districts = tourism["districts"].as_array().unwrap();
    assert!(districts.iter().any(|d| d["district_code"] == "1_2"));
    assert!(
        districts
            .iter()
            .all(|d| d["visitor_days"].as_u64().unwrap() > 0)
    );
    let nights: u64 = districts
        .iter()
        .map(|d| d["nights"].as_u64().unwrap())
        .sum();
    assert!(nights > 0);
}

#[test]
fn inspect_reports_gathering_attendance_and_outage_effects() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events.toml");
    let (_data, out) = generate(fixture, &[]);
    let run = ok(&["inspect", out.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("Scenario events:"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("realism.json")).unwrap()).unwrap();
    let events = &json["events"];
    for g in events["gatherings"].as_array().unwrap() {
        let day = &g["days"][0];
        let (seen, expected) = (
            day["attendees"].as_f64().unwrap(),
            day["expected"].as_f64().unwrap(),
        );
        assert!(
            expected > 20.0 && (seen - expected).abs() < 0.5 * expected,
            "{g}"
        );
    }
    let outage = &events["outages"][0];
    assert!(outage["failed_cells"].as_u64().unwrap() > 20, "{outage}");
    assert_eq!(outage["records_on_failed_cells"], 0, "{outage}");
    assert!(outage["calls_during"].as_u64().unwrap() > 0, "{outage}");
    assert!(outage["radio_losses"].as_u64().unwrap() > 0, "{outage}");
}
