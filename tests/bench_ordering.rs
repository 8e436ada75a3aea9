//! The baselines calibrate the scale: on the quickstart, `telcosynth bench` with no pipeline runs
//! every baseline, and their leaderboard figures (`report.json` → `leaderboard`, defined in
//! `benchmarks/RISK.md`) fall in the expected order, and the truth indicator tables it writes are
//! the published ones. One run serves every assertion.

mod common;

use serde_json::Value;

const BASELINES: [&str; 7] = [
    "identity",
    "hash-msisdn",
    "rotating-pseudonyms",
    "k-suppressed-aggregates",
    "dp-aggregates-eps0.1",
    "dp-aggregates-eps1",
    "dp-aggregates-eps2.6",
];

#[test]
fn baselines_are_ordered_on_the_quickstart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let started = std::time::Instant::now();
    // No DATASET and no --pipeline: the scenario is generated and every baseline runs.
    common::ok(&[
        "bench",
        "--scenario",
        "quickstart",
        "--out",
        out.to_str().unwrap(),
    ]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["dataset"]["scenario"], "quickstart");
    let board = report["leaderboard"].as_array().unwrap();
    let entry = |name: &str| -> &Value {
        board
            .iter()
            .find(|e| e["pipeline"] == name)
            .unwrap_or_else(|| panic!("{name} is on the leaderboard"))
    };
    let figure = |name: &str, field: &str| -> f64 {
        entry(name)[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{name}: {field} in {}", entry(name)))
    };
    let (risk, utility) = (|n| figure(n, "risk"), |n| figure(n, "utility"));
    for name in BASELINES {
        assert!(entry(name)["scored"].as_bool().unwrap(), "{name} failed");
        eprintln!(
            "{name:<26} utility {:.3}  risk {:.3} ({})  score {:.3}",
            utility(name),
            risk(name),
            entry(name)["risk_attack"].as_str().unwrap_or("-"),
            figure(name, "score"),
        );
    }
    let others = |name: &'static str| BASELINES.into_iter().filter(move |n| *n != name);

    // identity and hash-msisdn: maximal risk, unchanged statistics; the hashes reverse.
    for name in ["identity", "hash-msisdn"] {
        assert_eq!(risk(name), 1.0, "{name}");
        assert!(utility(name) > 0.999, "{name}: {}", utility(name));
    }
    assert_eq!(
        entry("identity")["risk_attack"].as_str(),
        Some("direct_identifiers")
    );
    let reversed = figure("hash-msisdn", "reversal");
    assert!(reversed >= 0.99, "hash-msisdn reversed {reversed}");
    // Both are linked to the leaked register: identity by its identifiers, hash-msisdn by the
    // plan, activation date, handset, birth date and address it keeps. A hit needs the row to
    // name the SIM's user, and about a fifth of lines are registered to someone else (a parent,
    // another adult of the household, an employer), so the rate is about 0.8, not 1.
    let risk_report = |name: &str| -> Value {
        report["pipelines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["outcome"]["risk"]["report"]
            .clone()
    };
    for name in ["identity", "hash-msisdn"] {
        let leak = &risk_report(name)["leaked_register"]["attack"];
        let r = leak["normalised_risk"].as_f64().unwrap();
        assert!((0.75..=0.9).contains(&r), "{name}: leaked register {leak}");
    }

    // DP at ε = 0.1: the lowest risk of the aggregates baselines and the highest error
    // (lowest utility) of all baselines.
    for other in [
        "k-suppressed-aggregates",
        "dp-aggregates-eps1",
        "dp-aggregates-eps2.6",
    ] {
        assert!(
            risk("dp-aggregates-eps0.1") <= risk(other),
            "dp ε=0.1 risk above {other}"
        );
    }
    for other in others("dp-aggregates-eps0.1") {
        assert!(
            utility("dp-aggregates-eps0.1") < utility(other),
            "dp ε=0.1 utility {} not below {other} {}",
            utility("dp-aggregates-eps0.1"),
            utility(other)
        );
    }
    // The trajectory recovery (in the risk, also shown alone) recovers less the more noise
    // there is, and most from exact counts.
    let reconstruction = |name: &str| figure(name, "reconstruction");
    assert!(reconstruction("dp-aggregates-eps0.1") < reconstruction("dp-aggregates-eps1"));
    assert!(reconstruction("dp-aggregates-eps1") < reconstruction("dp-aggregates-eps2.6"));
    assert!(reconstruction("dp-aggregates-eps2.6") < reconstruction("k-suppressed-aggregates"));
    // Utility rises with ε, and the error of the indicators the DP baselines publish falls.
    assert!(utility("dp-aggregates-eps0.1") < utility("dp-aggregates-eps1"));
    assert!(utility("dp-aggregates-eps1") < utility("dp-aggregates-eps2.6"));
    let error = |name: &str, indicator: &str| entry(name)["indicator_errors"][indicator].as_f64();
    for indicator in [
        "present_population",
        "od_trips",
        "calls",
        "residents",
        "user_density",
    ] {
        let e: Vec<f64> = [
            "dp-aggregates-eps0.1",
            "dp-aggregates-eps1",
            "dp-aggregates-eps2.6",
        ]
        .iter()
        .map(|n| error(n, indicator).unwrap())
        .collect();
        assert!(e[0] >= e[1] && e[1] >= e[2], "{indicator}: {e:?}");
        assert!(e[0] > e[2], "{indicator}: {e:?}");
    }
    // The rates and shares are published from the noisy histograms (not lost), the unbounded
    // sum and quantile are not (lost, not nearly exact).
    for share in [
        "call_drop_rate",
        "technology_share",
        "low_throughput_share",
        "dropped_session_share",
        "coverage_gap",
    ] {
        for name in ["dp-aggregates-eps1", "dp-aggregates-eps2.6"] {
            let e = error(name, share).unwrap();
            assert!(e < 1.0, "{name} {share}: {e}");
        }
    }
    for lost in ["data_volume", "throughput_p50"] {
        assert_eq!(error("dp-aggregates-eps1", lost), Some(1.0), "{lost}");
    }
    // Exact counts, suppressed below 15 or not, give every member away to the membership
    // test, and the risk names the attack; a zero risk names none.
    // (Nearly every member: 0.999 since version 0.3.0, whose SIMs have silent days.)
    let kanon = risk_report("k-suppressed-aggregates");
    let auc = kanon["membership"]["auc"]["value"].as_f64().unwrap();
    assert!(auc >= 0.99, "k-suppressed membership AUC {auc}");
    // Noise hides them: the game is played on the pipeline run again without half the
    // targets, so the DP baselines' bounding does not push their AUC away from chance.
    for name in [
        "dp-aggregates-eps0.1",
        "dp-aggregates-eps1",
        "dp-aggregates-eps2.6",
    ] {
        let auc = risk_report(name)["membership"]["auc"]["value"]
            .as_f64()
            .unwrap();
        assert!((0.4..0.65).contains(&auc), "{name}: membership AUC {auc}");
    }
    assert!(figure("k-suppressed-aggregates", "score") < 0.5);
    for e in board {
        if e["risk"].as_f64() == Some(0.0) {
            assert!(e["risk_attack"].is_null(), "{e}");
        }
    }
    // Ranked by utility × (1 − risk): the positive controls below the pseudonymised and DP
    // releases.
    let rank = |name: &str| entry(name)["rank"].as_u64().unwrap();
    for other in ["rotating-pseudonyms", "dp-aggregates-eps1"] {
        assert!(rank(other) < rank("identity") && rank(other) < rank("hash-msisdn"));
    }
    // The truth indicator tables are the published (gzipped) ones, byte for byte.
    let published = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reference-outputs/quickstart/baselines/truth-indicators");
    let names = |dir: &std::path::Path, suffix: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|n| n.strip_suffix(suffix).map(str::to_owned))
            .collect();
        v.sort();
        v
    };
    let written = out.join("truth-indicators");
    let indicators = names(&published, ".csv.gz");
    assert_eq!(names(&written, ".csv"), indicators);
    assert!(indicators.contains(&"present_population".to_owned()));
    for name in indicators {
        let ours = std::fs::read(written.join(format!("{name}.csv"))).unwrap();
        let theirs = common::gunzip(&published.join(format!("{name}.csv.gz")));
        assert!(
            ours == theirs,
            "{name} differs from the published table: regenerate with \
             reference-outputs/bench-baselines.sh quickstart"
        );
    }
    eprintln!(
        "bench on the quickstart: {:.0} s",
        started.elapsed().as_secs_f64()
    );
}
