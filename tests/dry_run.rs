//! `generate --dry-run` and `--stats` through the CLI.

mod common;

use common::*;

/// The rows the dry run estimates for `table`, from its printed table.
fn estimated_rows(stdout: &str, table: &str) -> f64 {
    stdout
        .lines()
        .find_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some(table)).then(|| words.next().unwrap().parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no {table} line in:\n{stdout}"))
}

/// The estimated time in seconds from the `time (est.):` line.
fn estimated_seconds(stdout: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("time (est.):"))
        .unwrap_or_else(|| panic!("no time line in:\n{stdout}"));
    let mut words = line["time (est.):".len()..].split_whitespace();
    let value: f64 = words.next().unwrap().parse().unwrap();
    match words.next().unwrap() {
        "s" => value,
        "min" => value * 60.0,
        "h" => value * 3600.0,
        unit => panic!("unit {unit}"),
    }
}

fn dry_run(scenario: &str, out: &std::path::Path) -> String {
    let run = ok(&[
        "generate",
        scenario,
        "--dry-run",
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    String::from_utf8(run.stdout).unwrap()
}

#[test]
fn dry_run_estimates_the_quickstart_without_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let text = dry_run("quickstart", &out);
    assert!(!out.exists(), "a dry run writes nothing");
    assert!(
        text.contains("20000 persons x 7 days = 140000 person-days"),
        "{text}"
    );
    assert_eq!(estimated_rows(&text, "persons"), 20_000.0);
    let sims = estimated_rows(&text, "subscribers");
    assert!((25_000.0..30_000.0).contains(&sims), "{sims} SIMs");
    // Sane orders of magnitude: a few CDRs and a dozen data sessions per person-day.
    let cdr = estimated_rows(&text, "cdr") / 140_000.0;
    assert!((1.0..10.0).contains(&cdr), "{cdr} cdr rows per person-day");
    let sessions = estimated_rows(&text, "ip_sessions") / 140_000.0;
    assert!(
        (3.0..30.0).contains(&sessions),
        "{sessions} sessions per person-day"
    );
    assert!(estimated_rows(&text, "cells") > 1000.0);
    let seconds = estimated_seconds(&text);
    assert!(
        (0.5..120.0).contains(&seconds),
        "{seconds} s for the quickstart"
    );
    assert!(text.contains("MB"), "{text}");
}

#[test]
fn dry_run_scales_linearly_with_days() {
    let tmp = tempfile::tempdir().unwrap();
    let week = include_str!("../scenarios/quickstart.toml");
    let fortnight = week.replace("end = 2025-01-12", "end = 2025-01-19");
    assert_ne!(week, fortnight, "the quickstart's end date moved");
    let path = tmp.path().join("fortnight.toml");
    std::fs::write(&path, fortnight).unwrap();
    let one = dry_run("quickstart", &tmp.path().join("a"));
    let two = dry_run(path.to_str().unwrap(), &tmp.path().join("b"));
    for table in ["cdr", "ip_sessions", "ip_calls", "trajectories"] {
        let ratio = estimated_rows(&two, table) / estimated_rows(&one, table);
        assert!((ratio - 2.0).abs() < 0.001, "{table}: {ratio}");
    }
    for table in ["persons", "subscribers", "person_sims", "cells"] {
        assert_eq!(
            estimated_rows(&two, table),
            estimated_rows(&one, table),
            "{table}"
        );
    }
    // Time: the generation part doubles; the world build is measured and varies a little.
    let ratio = estimated_seconds(&two) / estimated_seconds(&one);
    assert!((1.7..2.1).contains(&ratio), "time ratio {ratio}");
}

#[test]
fn dry_run_of_a_shard_estimates_its_share() {
    let tmp = tempfile::tempdir().unwrap();
    let run = ok(&[
        "generate",
        "quickstart",
        "--dry-run",
        "--shard",
        "1/2",
        "--out",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("shard 1/2"), "{text}");
    assert!(text.contains("10000 persons (of 20000)"), "{text}");
    assert_eq!(
        estimated_rows(&text, "cells"),
        0.0,
        "cells belong to shard 0"
    );
}

#[test]
fn stats_report_peak_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    let run = ok(&[
        "generate",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml"),
        "--out",
        out.to_str().unwrap(),
        "--stats",
    ]);
    let stdout = String::from_utf8(run.stdout).unwrap();
    let line = stdout
        .lines()
        .find(|l| l.starts_with("stats: max RSS"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let mib: f64 = line["stats: max RSS ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1.0..4096.0).contains(&mib), "{line}");
}

#[test]
fn dry_run_counts_inbound_visitors_like_a_real_run() {
    const TOURISM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tourism.toml");
    let tmp = tempfile::tempdir().unwrap();
    let with = dry_run(TOURISM, &tmp.path().join("a"));
    assert!(with.contains("inbound visitors: ~"), "{with}");
    let text = std::fs::read_to_string(TOURISM).unwrap();
    let none = text.replace("inbound_scale = 0.002", "inbound_scale = 0.0");
    assert_ne!(text, none, "the fixture's inbound_scale moved");
    let path = tmp.path().join("no-visitors.toml");
    std::fs::write(&path, none).unwrap();
    let without = dry_run(path.to_str().unwrap(), &tmp.path().join("b"));
    assert!(!without.contains("inbound visitors"), "{without}");
    let (_dir, data) = generate(TOURISM, &[]);
    let m = manifest(&data);
    // The fixture's 1,500 residents fill blocks 0 and 1 (files …-0000-00000, …-00001); the
    // visitors' blocks come after.
    let block = |path: &str| -> u64 {
        let stem = path.rsplit('/').next().unwrap().split('.').next().unwrap();
        stem.rsplit('-').next().unwrap().parse().unwrap()
    };
    for table in [
        "cdr",
        "ip_sessions",
        "ip_calls",
        "trajectories",
        "person_sims",
    ] {
        let actual: f64 = m["tables"][table]["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| block(f["path"].as_str().unwrap()) >= 2)
            .map(|f| f["rows"].as_f64().unwrap())
            .sum();
        let estimated = estimated_rows(&with, table) - estimated_rows(&without, table);
        assert!(actual > 100.0, "{table}: {actual} visitor rows");
        let ratio = estimated / actual;
        assert!(
            (0.85..1.15).contains(&ratio),
            "{table}: {estimated} visitor rows estimated, {actual} generated"
        );
    }
}
