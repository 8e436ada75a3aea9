//! Properties of the generated operator records, checked on a small Klang Valley scenario
//! through the library with an in-memory sink: call legs pair up, serving cells follow the
//! serving-site rule at the true position, and night-time cells reveal the true home district.

use std::collections::HashMap;
use std::sync::Mutex;

use telcosynth_generator::columnar::{Batch, ColumnData, PartKey, Sink, SinkError};
use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::mobility::{Mobility, PlanCache};
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

struct Generated {
    world: World,
    parts: Vec<(PartKey, Batch)>,
}

fn generated() -> &'static Generated {
    static DATA: std::sync::OnceLock<Generated> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        let text = include_str!("../../tests/fixtures/small.toml");
        let scenario =
            scenario::parse("small.toml", text, &tables::names()).expect("fixture parses");
        let world = World::build(scenario).expect("world");
        let sink = MemorySink::default();
        generate::run(&world, Shard::ALL, &sink, &|_, _| {}).expect("generation");
        let mut parts = sink.0.into_inner().unwrap();
        parts.sort_by_key(|(k, _)| *k);
        Generated { world, parts }
    })
}

fn batches(table: &str) -> impl Iterator<Item = &'static Batch> {
    generated()
        .parts
        .iter()
        .filter(move |(k, _)| k.table == table)
        .map(|(_, b)| b)
}

fn text(batch: &Batch, column: &str) -> Vec<String> {
    match &batch.column(column).unwrap().data {
        ColumnData::Utf8(s) => (0..s.len()).map(|i| s.get(i).to_string()).collect(),
        other => panic!("{column}: {:?}", other.kind()),
    }
}

fn ints(batch: &Batch, column: &str) -> Vec<i64> {
    match &batch.column(column).unwrap().data {
        ColumnData::Int64(v) | ColumnData::TimestampSeconds(v) => v.clone(),
        ColumnData::Int32(v) => v.iter().map(|&x| i64::from(x)).collect(),
        ColumnData::Int8(v) => v.iter().map(|&x| i64::from(x)).collect(),
        other => panic!("{column}: {:?}", other.kind()),
    }
}

/// The fields of one CDR row that matter here.
struct Row {
    kind: String,
    served: String,
    other: String,
    start: i64,
    duration: i64,
    first_cell: i64,
}

fn cdr_rows() -> Vec<Row> {
    batches("cdr")
        .flat_map(|b| {
            let (kind, served, other) = (
                text(b, "record_type"),
                text(b, "served_msisdn"),
                text(b, "other_party"),
            );
            let (start, duration, cell) = (
                ints(b, "start_time"),
                ints(b, "duration_s"),
                ints(b, "first_cell_key"),
            );
            (0..b.num_rows())
                .map(|i| Row {
                    kind: kind[i].clone(),
                    served: served[i].clone(),
                    other: other[i].clone(),
                    start: start[i],
                    duration: duration[i],
                    first_cell: cell[i],
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// MSISDN → person id, from the truth.
fn owners() -> HashMap<String, u64> {
    let mut map = HashMap::new();
    for b in batches("person_sims") {
        let (persons, msisdns) = (ints(b, "person_id"), text(b, "msisdn"));
        for i in 0..b.num_rows() {
            map.insert(msisdns[i].clone(), persons[i] as u64);
        }
    }
    map
}

#[test]
fn every_terminating_leg_pairs_with_its_originating_leg() {
    let rows = cdr_rows();
    let owners = owners();
    type Key = (String, String, i64, i64);
    let key = |caller: &str, callee: &str, r: &Row| -> Key {
        (caller.to_string(), callee.to_string(), r.start, r.duration)
    };
    let mut originating: HashMap<Key, usize> = HashMap::new();
    for r in rows
        .iter()
        .filter(|r| r.kind == "MOC" || r.kind == "SMS_MO")
    {
        *originating.entry(key(&r.served, &r.other, r)).or_default() += 1;
    }
    let mut paired = 0;
    for r in rows
        .iter()
        .filter(|r| (r.kind == "MTC" || r.kind == "SMS_MT") && owners.contains_key(&r.other))
    {
        let k = key(&r.other, &r.served, r);
        let left = originating.get_mut(&k).unwrap_or_else(|| {
            panic!(
                "no originating leg for {} <- {} at {}",
                r.served, r.other, r.start
            )
        });
        assert!(
            *left > 0,
            "terminating legs outnumber originating ones for {k:?}"
        );
        *left -= 1;
        paired += 1;
    }
    assert!(paired > 1_000, "only {paired} paired legs");
    let unpaired = originating
        .iter()
        .filter(|((_, callee, _, _), n)| **n > 0 && owners.contains_key(callee))
        .count();
    assert_eq!(
        unpaired, 0,
        "originating legs to scenario subscribers without a terminating leg"
    );
}

#[test]
fn serving_cells_follow_the_serving_site_rule_at_the_true_position() {
    let g = generated();
    let owners = owners();
    let mobility = Mobility::new(
        &g.world.population,
        &g.world.scenario.districts(),
        g.world.scenario.start_date(),
    );
    let mut cache = PlanCache::new(10_000);
    let network = &g.world.network;
    let cells: HashMap<i64, _> = network.cells().iter().map(|c| (c.key, c)).collect();
    let mut checked = 0;
    for r in cdr_rows().iter().step_by(7) {
        let position = cache.position(&mobility, owners[&r.served], r.start);
        let cell = cells[&r.first_cell];
        let serving = network
            .serving_site(cell.operator, position.0, position.1)
            .unwrap();
        let site = &network.sites()[cell.site as usize];
        assert_eq!(
            (site.lon, site.lat),
            (serving.lon, serving.lat),
            "record of {} at {}",
            r.served,
            r.start
        );
        checked += 1;
    }
    assert!(checked > 500, "only {checked} records checked");
}

#[test]
fn the_most_frequent_night_district_is_the_home_district() {
    let g = generated();
    let owners = owners();
    let network = &g.world.network;
    let district: HashMap<i64, u16> = network
        .cells()
        .iter()
        .map(|c| (c.key, network.sites()[c.site as usize].district))
        .collect();
    let mut night: HashMap<String, HashMap<u16, usize>> = HashMap::new();
    let mut events: HashMap<String, usize> = HashMap::new();
    let mut add = |msisdn: &str, start: i64, cell: i64| {
        *events.entry(msisdn.to_string()).or_default() += 1;
        let hour = (start + 8 * 3_600).rem_euclid(86_400) / 3_600;
        if !(6..22).contains(&hour) {
            *night
                .entry(msisdn.to_string())
                .or_default()
                .entry(district[&cell])
                .or_default() += 1;
        }
    };
    for r in cdr_rows() {
        add(&r.served, r.start, r.first_cell);
    }
    for b in batches("ip_sessions") {
        let (msisdn, start, cell) = (
            text(b, "served_msisdn"),
            ints(b, "start_time"),
            ints(b, "cell_key"),
        );
        for i in 0..b.num_rows() {
            add(&msisdn[i], start[i], cell[i]);
        }
    }
    let (mut right, mut total) = (0, 0);
    for (msisdn, districts) in &night {
        if events[msisdn] < 10 {
            continue;
        }
        let home = g.world.population.home_district(owners[msisdn]);
        let top = districts
            .iter()
            .max_by_key(|(d, n)| (**n, std::cmp::Reverse(**d)))
            .unwrap()
            .0;
        total += 1;
        right += usize::from(*top == home);
    }
    let share = right as f64 / total as f64;
    assert!(
        total > 1_000 && share >= 0.85,
        "home detected for {right} of {total} SIMs ({share:.3})"
    );
}

#[test]
fn event_tables_have_one_file_per_day_and_block_sorted_by_time() {
    let g = generated();
    let days = g.world.scenario.days() as usize;
    let blocks = g.world.blocks() as usize;
    for table in ["cdr", "ip_sessions", "ip_calls", "trajectories"] {
        let parts: Vec<&PartKey> = g
            .parts
            .iter()
            .filter(|(k, _)| k.table == table)
            .map(|(k, _)| k)
            .collect();
        assert_eq!(parts.len(), days * blocks, "{table}");
        assert!(parts.iter().all(|k| k.day.is_some()));
    }
    for b in batches("cdr").chain(batches("ip_sessions")) {
        let start = ints(b, "start_time");
        assert!(
            start.windows(2).all(|w| w[0] <= w[1]),
            "{} not sorted by start_time",
            b.schema.name
        );
    }
}
