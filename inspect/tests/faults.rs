//! The data-quality faults section of a generated dataset's report, through the generator, the
//! Parquet writer and the inspector: every kind counted in both record tables, at its rate.

use telcosynth_generator::faults::Kind;
use telcosynth_generator::generate::{Shard, World, run};
use telcosynth_generator::scenario::parse;
use telcosynth_generator::tables;
use telcosynth_inspect::inspect;
use telcosynth_sinks::{DatasetWriter, ManifestInfo, ShardInfo, ToolInfo, WriterOptions};

/// Three thousand Kuala Lumpur residents over three days, the generator's fault fixture.
const CLEAN: &str = include_str!("../../generator/tests/fixtures/faults_clean.toml");

/// Every fault kind at a high rate.
const FAULTS: &str = include_str!("../../generator/tests/fixtures/faults_section.toml");

/// The inspector's report of the dataset of scenario `text`.
fn report_of(text: &str) -> telcosynth_inspect::Report {
    let scenario = parse("faults.toml", text, &tables::names()).unwrap();
    let (name, seed) = (scenario.name().to_owned(), scenario.seed());
    let world = World::build(scenario).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(tmp.path(), WriterOptions::default()).unwrap();
    run(&world, Shard::ALL, &writer, &|_, _| {}).unwrap();
    writer
        .finish(ManifestInfo {
            tool: ToolInfo {
                name: "test".into(),
                version: "0".into(),
            },
            scenario_name: name,
            scenario_text: text.into(),
            seed,
            shard: ShardInfo { index: 0, count: 1 },
            extra: serde_json::Value::Null,
        })
        .unwrap();
    inspect(tmp.path()).unwrap()
}

#[test]
fn every_fault_kind_is_counted_at_its_rate() {
    let report = report_of(&format!("{CLEAN}{FAULTS}"));
    let faults = report.faults.expect("a faults section");
    for table in ["cdr", "ip_sessions"] {
        for kind in Kind::ALL {
            let other_table = match kind {
                Kind::LongCallSplit => "ip_sessions",
                Kind::LongSessionSplit => "cdr",
                _ => "",
            };
            if table == other_table {
                continue;
            }
            let c = (faults.counts.iter())
                .find(|c| c.table == table && c.kind == kind.name())
                .unwrap_or_else(|| panic!("{table} {}: no count", kind.name()));
            assert!(c.count > 0, "{c:?}");
            assert!(c.within_sampling_error, "{c:?}");
        }
    }
    assert_eq!(faults.counts.len(), 24);
    let text = faults.to_text();
    assert!(text.contains("late_arrival") && !text.contains("outside sampling error"));
}

#[test]
fn a_scenario_without_faults_has_no_section() {
    let report = report_of(&CLEAN.replace("[outputs]", "[outputs]\ntables = [\"cdr\"]"));
    assert!(report.faults.is_none());
}
