//! `telcosynth bench-speed` runs and reports every figure (a smoke test; speed itself is
//! measured, never asserted).

mod common;

use common::*;

#[test]
fn bench_speed_reports_writer_end_to_end_ratio_and_scaling() {
    let run = ok(&[
        "bench-speed",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml"),
        "--writer-rows",
        "20000",
        "--repeat",
        "1",
        "--threads",
        "2",
    ]);
    let text = String::from_utf8(run.stdout).unwrap();
    for expected in [
        "(a) Parquet writer ceiling",
        "(b) end to end",
        "generation alone",
        "ratio b/a on 1 thread",
        "scaling 1 -> 2 threads",
        "CPU time per cdr row",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    let rows = |label: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with(label)).unwrap();
        let at = line.rfind(") ").unwrap() + 2;
        line[at..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(rows("(a) Parquet writer ceiling") > 0.0);
    assert!(rows("(b) end to end") > 0.0);
}
