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
