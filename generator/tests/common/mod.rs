//! Helpers of the library-level tests: generation into memory, rows as text.

use std::collections::HashMap;
use std::sync::Mutex;

use telcosynth_generator::columnar::{Batch, ColumnData, PartKey, Sink, SinkError};
use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::scenario;
use telcosynth_generator::tables;

#[derive(Default)]
struct MemorySink(Mutex<Vec<(PartKey, Batch)>>);

impl Sink for MemorySink {
    fn write(&self, part: PartKey, batch: Batch) -> Result<(), SinkError> {
        self.0.lock().unwrap().push((part, batch));
        Ok(())
    }
}

/// Every batch of the scenario `text`, generated in memory, by part.
pub fn generate(text: &str) -> Vec<(PartKey, Batch)> {
    let scenario = scenario::parse("fixture.toml", text, &tables::names()).expect("fixture parses");
    let world = World::build(scenario).expect("world");
    let sink = MemorySink::default();
    generate::run(&world, Shard::ALL, &sink, &|_, _| {}).expect("generation");
    let mut parts = sink.0.into_inner().unwrap();
    parts.sort_by_key(|(k, _)| *k);
    parts
}

/// Every row of a table as column name → text of the value ("NULL" for nulls).
pub fn rows(parts: &[(PartKey, Batch)], table: &str) -> Vec<HashMap<&'static str, String>> {
    let mut out = Vec::new();
    for (_, b) in parts.iter().filter(|(k, _)| k.table == table) {
        let schema = tables::by_name(table).unwrap();
        let columns: Vec<Vec<String>> = schema
            .columns
            .iter()
            .map(|c| {
                let col = b.column(c.name).unwrap();
                let valid = |i: usize| col.validity.as_ref().is_none_or(|v| v[i]);
                let texts: Vec<String> = match &col.data {
                    ColumnData::Utf8(s) => (0..s.len()).map(|i| s.get(i).to_string()).collect(),
                    ColumnData::Int64(v) | ColumnData::TimestampSeconds(v) => {
                        v.iter().map(|x| x.to_string()).collect()
                    }
                    ColumnData::Int32(v) | ColumnData::Date(v) => {
                        v.iter().map(|x| x.to_string()).collect()
                    }
                    ColumnData::Int16(v) => v.iter().map(|x| x.to_string()).collect(),
                    ColumnData::Int8(v) => v.iter().map(|x| x.to_string()).collect(),
                    ColumnData::Float64(v) => v.iter().map(|x| x.to_string()).collect(),
                    _ => vec![String::new(); b.num_rows()],
                };
                (texts.into_iter().enumerate())
                    .map(|(i, t)| if valid(i) { t } else { "NULL".into() })
                    .collect::<Vec<String>>()
            })
            .collect();
        for i in 0..b.num_rows() {
            out.push(
                schema
                    .columns
                    .iter()
                    .zip(&columns)
                    .map(|(c, v)| (c.name, v[i].clone()))
                    .collect(),
            );
        }
    }
    out
}

/// Checks that both legs of every call and message between two subscribers of `parts` exist:
/// every terminating leg has its originating leg (same parties, start and duration), and an
/// originating leg without its terminating leg failed (the other party was unreachable: in an
/// outage, or abroad without roaming). Returns the number of paired legs.
#[allow(dead_code)] // not every test file that shares these helpers checks calls
pub fn assert_legs_pair(name: &str, parts: &[(PartKey, Batch)]) -> usize {
    let owners: std::collections::HashSet<String> = rows(parts, "person_sims")
        .into_iter()
        .map(|r| r["msisdn"].clone())
        .collect();
    type Key = (String, String, String, String);
    let mut originating: HashMap<Key, Vec<String>> = HashMap::new();
    let mut terminating = Vec::new();
    for r in rows(parts, "cdr") {
        let outgoing = matches!(r["record_type"].as_str(), "MOC" | "SMS_MO");
        let (caller, callee) = if outgoing {
            (&r["served_msisdn"], &r["other_party"])
        } else {
            (&r["other_party"], &r["served_msisdn"])
        };
        if !owners.contains(caller) || !owners.contains(callee) {
            continue;
        }
        let key = (
            caller.clone(),
            callee.clone(),
            r["start_time"].clone(),
            r["duration_s"].clone(),
        );
        if outgoing {
            originating
                .entry(key)
                .or_default()
                .push(r["result"].clone());
        } else {
            terminating.push((key, r["result"].clone()));
        }
    }
    let paired = terminating.len();
    for (key, result) in terminating {
        let leg = originating.get_mut(&key).and_then(|l| l.pop());
        assert!(
            leg.is_some(),
            "{name}: no originating leg for {key:?} ({result})"
        );
    }
    let unpaired: Vec<&String> = originating.values().flatten().collect();
    let wrong: Vec<&&String> = unpaired.iter().filter(|r| **r != "failed").collect();
    assert!(
        wrong.is_empty(),
        "{name}: originating legs without their other half: {wrong:?}"
    );
    paired
}
