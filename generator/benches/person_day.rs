//! Hot path: person-days → records (cdr, ip_sessions, ip_calls, trajectories and the static
//! tables), into a sink that only counts rows; and the day plans alone, the part of a person-day
//! every event table pays for. Both report person-days per second.
//!
//! Run: `cargo bench -p telcosynth-generator --bench person_day`.

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use telcosynth_generator::columnar::{Batch, PartKey, Sink, SinkError};
use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::mobility::Mobility;
use telcosynth_generator::scenario;
use telcosynth_generator::tables;

/// Counts rows and drops the batches.
#[derive(Default)]
struct CountingSink(AtomicU64);

impl Sink for CountingSink {
    fn write(&self, _: PartKey, batch: Batch) -> Result<(), SinkError> {
        self.0.fetch_add(batch.num_rows() as u64, Ordering::Relaxed);
        Ok(())
    }
}

const SCENARIO: &str = r#"
name = "bench"
seed = 1
[period]
start = 2025-01-06
end = 2025-01-06
[region]
states = ["Selangor", "W.P. Kuala Lumpur", "W.P. Putrajaya"]
[population]
persons = 2000
[outputs]
persons_per_block = 1000
"#;

fn person_days(c: &mut Criterion) {
    let scenario = scenario::parse("bench", SCENARIO, &tables::names()).expect("bench scenario");
    let world = World::build(scenario).expect("world");
    let persons = world.population.len();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut group = c.benchmark_group("generate");
    group.throughput(Throughput::Elements(persons));
    group.sample_size(10);
    group.bench_function("person_day_all_tables_1_thread", |b| {
        b.iter(|| {
            let sink = CountingSink::default();
            pool.install(|| generate::run(&world, Shard::ALL, &sink, &|_, _| {}))
                .expect("run");
            sink.0.load(Ordering::Relaxed)
        })
    });
    // The persons and their anchors are drawn once: the plans alone are timed.
    let scenario = &world.scenario;
    let mobility = Mobility::with_travel(
        &world.population,
        &scenario.districts(),
        scenario.start_date(),
        telcosynth_generator::plan::travel_spec(scenario),
    )
    .with_gatherings(scenario.gatherings());
    let residents: Vec<_> = (0..persons)
        .map(|id| {
            let person = world.population.person(id);
            let anchors = mobility.anchors(&person);
            (person, anchors)
        })
        .collect();
    group.bench_function("day_plan_1_thread", |b| {
        b.iter(|| {
            residents
                .iter()
                .map(|(person, anchors)| mobility.plan(person, anchors, 0).segments.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, person_days);
criterion_main!(benches);
