//! End to end through the CLI: `telcosynth bench` on the small fixture with every baseline and
//! deliberately broken pipelines. The broken ones must be reported as failures with their
//! reason while the harness completes and the baselines are scored. On the tourism fixture,
//! every baseline is scored on the tourism indicators; on the small fixture with data-quality
//! faults, against the clean view.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");
const TOURISM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tourism.toml");

/// Every baseline, in the order reports list them.
const BASELINES: [&str; 7] = [
    "identity",
    "hash-msisdn",
    "rotating-pseudonyms",
    "k-suppressed-aggregates",
    "dp-aggregates-eps0.1",
    "dp-aggregates-eps1",
    "dp-aggregates-eps2.6",
];

/// Writes an executable shell script and returns its path.
fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path.display().to_string()
}

/// The `report.json` of the run folder `out`.
fn report_of(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap()
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
    let links = script(
        &tools,
        "links.sh",
        "ln -s / \"$TELCOSYNTH_OUTPUT/rootlink\"\n\
         echo '{\"contract_version\": 1, \"kind\": \"aggregates\", \"pseudonym_columns\": [], \
         \"spatial_level\": \"district\", \"time_bin_s\": 3600, \"suppression\": null}' \
         > \"$TELCOSYNTH_OUTPUT/manifest.json\"",
    );
    let out = dir.path().join("run");
    let started = std::time::Instant::now();
    let console = common::ok(&[
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
        "--pipeline",
        &format!("links={links}"),
    ]);
    let report = report_of(&out);
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
    let f = failed("links");
    assert!(
        f["reason"]
            .as_str()
            .unwrap()
            .contains("is a symbolic link (to /)"),
        "{f}"
    );
    let f = failed("hangs");
    assert!(
        f["reason"].as_str().unwrap().starts_with("timed out"),
        "{f}"
    );
    assert!(pipeline(&report, "hangs")["wall_s"].as_f64().unwrap() < 40.0);
    assert!(markdown.contains("cannot anonymise today"));
    // The console shows the end of a failed pipeline's stderr under its failure.
    let console = String::from_utf8_lossy(&console.stdout);
    assert!(
        console.contains("FAILED: exit status 1") && console.contains("| cannot anonymise today"),
        "{console}"
    );

    // Every baseline is scored.
    for name in BASELINES {
        assert_eq!(
            pipeline(&report, name)["outcome"]["status"],
            "scored",
            "{name}"
        );
        assert!(markdown.contains(&format!("## Pipeline `{name}`")));
    }
    // The report says how much each pipeline left in OUT.
    assert!(
        pipeline(&report, "identity")["output_bytes"]
            .as_u64()
            .unwrap()
            > 10_000
    );
    assert!(markdown.contains("Release size: "), "{markdown}");
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
        "technology_share",
        "low_throughput_share",
        "dropped_session_share",
        "user_density",
        "coverage_gap",
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
    // The DP baselines record their claim (not trusted) and publish every district-hour.
    for (name, epsilon) in [
        ("dp-aggregates-eps0.1", 0.1),
        ("dp-aggregates-eps1", 1.0),
        ("dp-aggregates-eps2.6", 2.6),
    ] {
        let dp = &pipeline(&report, name)["outcome"];
        let claim = &dp["manifest"]["privacy_claim"];
        assert_eq!(claim["epsilon"].as_f64(), Some(epsilon), "{claim}");
        assert_eq!(claim["unit"], "subscriber-day");
        assert!(claim["contribution_bound"]["present_population"].is_string());
        assert!(claim["contribution_bound"]["data records"].is_string());
        let pp = score(&dp["aggregates"], "present_population");
        assert_eq!(
            pp["suppressed_mass_share"].as_f64(),
            Some(0.0),
            "{name}: {pp}"
        );
    }

    // report.html: self-contained, the three charts, the leaderboard with every pipeline.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for chart in ["utility-risk", "indicator-errors", "unicity"] {
        let at = html
            .find(&format!("<figure id=\"{chart}\">"))
            .unwrap_or_else(|| panic!("{chart} chart"));
        let figure = &html[at..at + html[at..].find("</figure>").unwrap()];
        assert!(figure.contains("<svg"), "{chart}: {figure}");
    }
    assert_eq!(html.matches("<svg").count(), 3);
    for p in report["pipelines"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        assert!(
            html.contains(&format!("</span>{name}</td>")),
            "{name} in the leaderboard"
        );
    }
    // No script and nothing fetched (the SVG namespace URI is a name, not a fetch).
    for remote in ["<script", "<link", "@import", "src=", "href=", "url("] {
        assert!(!html.contains(remote), "report.html has {remote}");
    }
    let board = report["leaderboard"].as_array().unwrap();
    assert_eq!(board.len(), report["pipelines"].as_array().unwrap().len());
    for e in board {
        // Failures are not ranked, nor releases without a risk assessment (--no-risk here).
        assert!(e["rank"].is_null(), "{e}");
        assert_eq!(e["scored"].as_bool().unwrap(), e["utility"].is_f64(), "{e}");
        assert!(e["risk"].is_null() && e["score"].is_null(), "{e}");
    }
    // The whole run on the small fixture takes well under the limits (not a speed test).
    assert!(started.elapsed().as_secs() < 600);
}

/// The attack rate of the unicity attack with `p` points in a pipeline's risk report.
#[test]
fn every_baseline_is_scored_on_the_tourism_indicators() {
    let (dir, data) = common::generate(TOURISM, &[]);
    let out = dir.path().join("run");
    common::ok(&[
        "bench",
        data.to_str().unwrap(),
        "--baselines",
        "--out",
        out.to_str().unwrap(),
        "--no-risk",
        "--no-membership-runs",
    ]);
    let report = report_of(&out);
    let tourism = [
        "domestic_trips",
        "domestic_nights",
        "same_day_visits",
        "inbound_visitors_by_entry",
        "outbound_trips",
        "outbound_nights",
    ];
    // The fixture has weekend trips, day visitors, arrivals and trips abroad: the view and the
    // truth both have rows of each.
    for ind in tourism {
        let truth = report["raw_view"]["vs_truth"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["indicator"] == ind && s["subset"] == "all")
            .unwrap_or_else(|| panic!("the raw view of {ind} is scored against the truth"));
        assert!(truth["rows"].as_u64().unwrap() > 0, "{ind}: {truth}");
        assert!(out.join(format!("truth-indicators/{ind}.csv")).is_file());
    }
    let leaderboard = report["leaderboard"].as_array().unwrap();
    for name in BASELINES {
        let entry = leaderboard
            .iter()
            .find(|e| e["pipeline"] == name)
            .unwrap_or_else(|| panic!("{name} is ranked"));
        assert_eq!(entry["indicator_errors"].as_object().unwrap().len(), 20);
        for ind in tourism {
            let loss = entry["indicator_errors"][ind].as_f64().unwrap();
            match name {
                // identity hands over the raw view.
                "identity" | "hash-msisdn" => assert_eq!(loss, 0.0, "{name} {ind}"),
                // The DP baselines do not publish them.
                n if n.starts_with("dp-") => assert_eq!(loss, 1.0, "{name} {ind}"),
                _ => assert!((0.0..=1.0).contains(&loss), "{name} {ind}: {loss}"),
            }
        }
    }
    let identity = &pipeline(&report, "identity")["outcome"]["microdata"];
    for ind in tourism {
        let s = score(identity, ind);
        assert!(s["rows"].as_u64().unwrap() > 0, "{ind}: {s}");
        assert!(
            s["p90_relative_error"].as_f64().unwrap() < 1e-9,
            "{ind}: {s}"
        );
        assert_eq!(s["suppressed_mass_share"].as_f64().unwrap(), 0.0, "{ind}");
    }
    // Daily pseudonyms cut trips that span days: rotating-pseudonyms loses some of them.
    let rotating = &pipeline(&report, "rotating-pseudonyms")["outcome"]["microdata"];
    assert!(
        score(rotating, "domestic_trips")["suppressed_mass_share"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn a_dataset_with_faults_is_scored_against_its_clean_view() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("dirty.toml");
    let faults = "\n[faults]\nexact_duplicate = 0.01\ncell_missing = 0.01\ncell_unknown = 0.01\n\
                  clock_skew = 0.05\nlate_arrival = 0.01\nidentifier_malformed = 0.01\n\
                  number_format = 0.02\nout_of_order = 0.01\nlocation_far = 0.01\n";
    let text = std::fs::read_to_string(SMALL).unwrap() + faults;
    std::fs::write(&scenario, text).unwrap();
    let (_data_dir, data) = common::generate(scenario.to_str().unwrap(), &[]);
    let out = dir.path().join("run");
    common::ok(&[
        "bench",
        data.to_str().unwrap(),
        "--baselines",
        "--out",
        out.to_str().unwrap(),
        "--no-risk",
        "--no-membership-runs",
    ]);
    let report = report_of(&out);
    assert_eq!(report["raw_view"]["faults"], true);
    assert!(
        out.join("clean-input/cdr").is_dir() && out.join("clean-dataset/manifest.json").is_file()
    );
    assert!(
        !out.join("input/faults").exists(),
        "the truth table stays out of the view"
    );
    let leaderboard = report["leaderboard"].as_array().unwrap();
    for name in BASELINES {
        assert!(
            leaderboard
                .iter()
                .any(|e| e["pipeline"] == name && e["utility"].is_number()),
            "{name} is scored"
        );
    }
    // The identity hands over the faulty view: against the clean view, it has errors.
    let identity = &pipeline(&report, "identity")["outcome"]["microdata"];
    let calls = score(identity, "calls");
    assert!(
        calls["p90_relative_error"].as_f64().unwrap() > 0.0,
        "{calls}"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Data-quality faults") && md.contains("faulty view"));
}

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
    let study = format!(
        "cell-hour='{}' baseline cell-hour-pseudonyms",
        env!("CARGO_BIN_EXE_telcosynth")
    );
    common::ok(&[
        "bench",
        "--scenario",
        SMALL,
        "--out",
        out.to_str().unwrap(),
        "--baselines",
        "--pipeline",
        &study,
    ]);
    assert!(out.join("dataset/manifest.json").is_file());
    let report = report_of(&out);
    for name in BASELINES {
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
    // The study baseline: one keyed pseudonym per subscriber at cell and hour. Not reversible;
    // its traces single out more subscribers than daily pseudonyms at district level.
    assert_eq!(reversal("cell-hour"), 0.0);
    assert!(unicity(&report, "cell-hour", 4) > unicity(&report, "rotating-pseudonyms", 4));
    // Unicity is measured on one SIM's trace: more known points never single out fewer.
    for name in ["identity", "cell-hour"] {
        assert!(
            unicity(&report, name, 4) >= unicity(&report, name, 1),
            "{name}: {} at p = 1, {} at p = 4",
            unicity(&report, name, 1),
            unicity(&report, name, 4)
        );
    }
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(markdown.contains("| pseudonym_reversal |"), "{markdown}");
}

/// Whether `python3` runs and imports pyarrow.
fn python_with_pyarrow() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_example_python_pipeline_is_scored() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benchmarks/examples/pipeline.py"
    );
    // The contract document shows the example in full, so that it cannot drift from the file.
    let contract = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benchmarks/PIPELINE_CONTRACT.md"
    ))
    .unwrap();
    let code = std::fs::read_to_string(example).unwrap();
    assert!(
        contract.contains(&code),
        "PIPELINE_CONTRACT.md shows examples/pipeline.py"
    );
    if !python_with_pyarrow() {
        eprintln!("skipped: python3 with pyarrow is not available (pip install pyarrow)");
        return;
    }
    let (dir, data) = common::generate(SMALL, &[]);
    let out = dir.path().join("run");
    common::ok(&[
        "bench",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-risk",
        "--pipeline",
        &format!("py=python3 {example}"),
    ]);
    let report = report_of(&out);
    let py = &pipeline(&report, "py")["outcome"];
    assert_eq!(py["status"], "scored", "{py}");
    // Its calls are exact where published; its hourly presence is close to the raw view's.
    let calls = score(&py["aggregates"], "calls");
    assert!(
        calls["median_relative_error"].as_f64().unwrap() < 1e-9,
        "{calls}"
    );
    let pp = score(&py["aggregates"], "present_population");
    assert!(pp["spearman"].as_f64().unwrap() > 0.9, "{pp}");
    // Only the named pipeline ran.
    assert_eq!(report["pipelines"].as_array().unwrap().len(), 1);
}

/// A pipeline that looks for the truth tables: in what the harness hands it (input, output,
/// working folder, the contract's variables), in the folders above its input, and at the
/// dataset's path, which it was never given but knows here. It reads whatever it finds and
/// then writes a valid release, so that only the reading can fail it.
fn reads_truth_script(tools: &Path, data: &Path) -> String {
    script(
        tools,
        "reads_truth.sh",
        &format!(
            "while [ $# -gt 0 ]; do case \"$1\" in --input) in=$2;; --output) out=$2;; esac; shift; done\n\
             look() {{ for d in \"$@\"; do for n in persons person_sims trajectories trips visitors; do \
               find \"$d\" -maxdepth 4 -type d -name \"$n\" 2>/dev/null; done; done; }}\n\
             look \"$in\" \"$out\" \"$PWD\" \"$TELCOSYNTH_INPUT\" \"$TELCOSYNTH_OUTPUT\" > \"$out/handed.txt\"\n\
             up=$(dirname \"$in\"); : > \"$out/snooped.txt\"\n\
             for i in 1 2; do look \"$up\" >> \"$out/snooped.txt\"; up=$(dirname \"$up\"); done\n\
             [ -d '{data}/persons' ] && echo '{data}/persons' >> \"$out/snooped.txt\"\n\
             for d in $(cat \"$out/snooped.txt\"); do find \"$d\" -name '*.parquet' -exec cat {{}} + > /dev/null 2>&1; done\n\
             printf 'indicator,zone_level,zone_id,t_start,t_end,breakdown_key,breakdown_value,value\\n\
             calls,district,10_1,2025-01-09T16:00:00Z,2025-01-10T16:00:00Z,,,300\\n' > \"$out/aggregates.csv\"\n\
             echo '{{\"contract_version\": 1, \"kind\": \"aggregates\", \"pseudonym_columns\": [], \
             \"spatial_level\": \"district\", \"time_bin_s\": 86400, \"suppression\": null}}' \
             > \"$out/manifest.json\"",
            data = data.display()
        ),
    )
}

/// The report of a bench run of the truth-reading pipeline alone, and its release folder.
fn bench_reads_truth(dir: &Path, data: &Path, name: &str, extra: &[&str]) -> (Value, PathBuf) {
    let tools = dir.join("pipelines");
    std::fs::create_dir_all(&tools).unwrap();
    let reads_truth = reads_truth_script(&tools, data);
    let out = dir.join(name);
    let pipeline = format!("reads-truth={reads_truth}");
    let mut args = vec![
        "bench",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-risk",
        "--pipeline",
        &pipeline,
    ];
    args.extend_from_slice(extra);
    common::ok(&args);
    let report = report_of(&out);
    (report, out.join("releases/reads-truth"))
}

#[test]
fn a_pipeline_looking_for_the_truth_fails_without_a_sandbox_and_finds_nothing_in_one() {
    let (dir, data) = common::generate(SMALL, &[]);
    let read = |release: &Path, file: &str| std::fs::read_to_string(release.join(file)).unwrap();
    // Nothing the harness hands a pipeline leads to the truth. Without a sandbox the truth is
    // within reach of a pipeline that searches for it: the report says there was no sandbox,
    // and the pipeline that opened the dataset fails with the paths it touched.
    let (report, release) = bench_reads_truth(dir.path(), &data, "unsandboxed", &["--no-sandbox"]);
    assert_eq!(report["sandbox"]["kind"], "none");
    assert!(
        report["sandbox"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("--no-sandbox")),
        "{}",
        report["sandbox"]
    );
    assert_eq!(
        read(&release, "handed.txt"),
        "",
        "the truth is reachable through what the harness hands over"
    );
    assert!(read(&release, "snooped.txt").contains("persons"));
    let outcome = &pipeline(&report, "reads-truth")["outcome"];
    assert_eq!(outcome["status"], "failed", "{outcome}");
    let reason = outcome["reason"].as_str().unwrap();
    assert!(
        reason.contains("ground truth") && reason.contains("persons/"),
        "{outcome}"
    );

    // With bubblewrap (where it is installed) it finds nothing and is scored.
    let (report, release) = bench_reads_truth(dir.path(), &data, "sandboxed", &[]);
    assert_eq!(read(&release, "handed.txt"), "");
    match report["sandbox"]["kind"].as_str().unwrap() {
        "bubblewrap" => {
            assert_eq!(
                read(&release, "snooped.txt"),
                "",
                "the sandbox lets the truth be seen"
            );
            let outcome = &pipeline(&report, "reads-truth")["outcome"];
            assert_eq!(outcome["status"], "scored", "{outcome}");
        }
        "none" => eprintln!(
            "sandboxed half skipped: {} (install bubblewrap)",
            report["sandbox"]["reason"]
        ),
        other => panic!("unknown sandbox {other}"),
    }
}

#[test]
fn a_sandboxed_pipeline_is_not_blamed_for_others_reading_the_truth() {
    if !common::bubblewrap_runs() {
        return;
    }
    let (dir, data) = common::generate(SMALL, &[]);
    // Another process reads the truth tables the whole time the pipeline runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (stop, files) = (stop.clone(), common::table_files(&data, "person_sims"));
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for f in &files {
                    let _ = std::fs::read(f);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        })
    };
    let out = dir.path().join("run");
    let slow = format!(
        "slow=sleep 3 && '{}' baseline k-suppressed-aggregates",
        env!("CARGO_BIN_EXE_telcosynth")
    );
    common::ok(&[
        "bench",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-risk",
        "--pipeline",
        &slow,
    ]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    reader.join().unwrap();
    let report = report_of(&out);
    assert_eq!(report["sandbox"]["kind"], "bubblewrap");
    let outcome = &pipeline(&report, "slow")["outcome"];
    assert_eq!(outcome["status"], "scored", "{outcome}");
    let watch = report["truth_watch"].as_str().unwrap();
    assert!(
        watch.contains("while slow ran under bubblewrap") && watch.contains("person_sims"),
        "{watch}"
    );
}

/// A pipeline's scores with the run-dependent fields (durations, paths) left out.
fn scores(report: &Value, name: &str) -> Value {
    let outcome = &pipeline(report, name)["outcome"];
    serde_json::json!({
        "status": outcome["status"],
        "aggregates": outcome["aggregates"],
        "microdata": outcome["microdata"],
        "risk": outcome["risk"]["report"],
    })
}

#[test]
fn a_merged_split_run_is_benched_like_the_single_run() {
    let (dir, single) = common::generate(SMALL, &[]);
    let split = dir.path().join("split");
    for i in 0..3 {
        common::ok(&[
            "generate",
            SMALL,
            "--out",
            split.to_str().unwrap(),
            "--shard",
            &format!("{i}/3"),
        ]);
    }
    common::ok(&["merge-manifests", split.to_str().unwrap()]);
    let identity = format!("id={} baseline identity", env!("CARGO_BIN_EXE_telcosynth"));
    let bench = |data: &Path, name: &str| {
        let out = dir.path().join(name);
        common::ok(&[
            "bench",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--pipeline",
            &identity,
        ]);
        let report = report_of(&out);
        (out, report)
    };
    let (one_out, one) = bench(&single, "bench-single");
    let (split_out, merged) = bench(&split, "bench-split");
    assert_eq!(
        scores(&one, "id")["status"],
        "scored",
        "{}",
        scores(&one, "id")
    );
    assert_eq!(scores(&one, "id"), scores(&merged, "id"));
    // The truth the scores are measured against is the same table for table.
    let csvs = |out: &Path| {
        let mut files: Vec<_> = std::fs::read_dir(out.join("truth-indicators"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    };
    let (a, b) = (csvs(&one_out), csvs(&split_out));
    assert!(!a.is_empty());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.file_name(), y.file_name());
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{} differs between the single and the merged split run",
            x.display()
        );
    }
}
