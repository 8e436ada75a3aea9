//! Data-quality faults (`[faults]`): undoing the faults the truth table lists gives back the
//! clean run's records exactly, each kind comes at its configured rate, and the faulty files
//! are the same in any split of the run.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use common::{generate, rows};
use telcosynth_generator::columnar::{Batch, PartKey, Sink, SinkError};
use telcosynth_generator::faults::{gateway_limit_bytes, switch_cut_s};
use telcosynth_generator::generate::{self as run, Shard, World};
use telcosynth_generator::scenario;
use telcosynth_generator::tables;

/// The clean fixture scenario.
const CLEAN: &str = include_str!("fixtures/faults_clean.toml");

/// High rates, so that every kind occurs often on a small run.
const FAULTS: &str = include_str!("fixtures/faults_section.toml");

/// The fixture's seed: every switch cuts at 30 minutes.
const SEED: u64 = 9;

type Row = HashMap<&'static str, String>;

/// The rows of `table` by partition day.
fn by_day(parts: &[(PartKey, Batch)], table: &str) -> BTreeMap<i32, Vec<Row>> {
    let mut out: BTreeMap<i32, Vec<Row>> = BTreeMap::new();
    for part in parts.iter().filter(|(k, _)| k.table == table) {
        let day = part.0.day.expect("a daily table");
        out.entry(day)
            .or_default()
            .extend(rows(std::slice::from_ref(part), table));
    }
    out
}

fn sorted(mut rows: Vec<Row>) -> Vec<Vec<(&'static str, String)>> {
    let key = |r: &Row| {
        (
            r["start_time"].parse::<i64>().unwrap(),
            r["record_id"].parse::<i64>().unwrap(),
        )
    };
    rows.sort_by_key(key);
    rows.into_iter()
        .map(|r| {
            let mut v: Vec<_> = r.into_iter().collect();
            v.sort();
            v
        })
        .collect()
}

fn with_faults() -> String {
    format!("{CLEAN}{FAULTS}")
}

#[test]
fn undoing_the_listed_faults_gives_back_the_clean_records() {
    let clean = generate(CLEAN);
    let dirty = generate(&with_faults());
    assert!(clean.iter().all(|(k, _)| k.table != "faults"));
    let faults = rows(&dirty, "faults");
    for table in ["cdr", "ip_sessions"] {
        let listed: Vec<&Row> = faults.iter().filter(|f| f["table"] == table).collect();
        // Out of order: apart from the displaced rows, every file is in time order.
        for part in dirty.iter().filter(|(k, _)| k.table == table) {
            let day = part.0.day.unwrap().to_string();
            let displaced: HashSet<&String> = (listed.iter())
                .filter(|f| f["kind"] == "out_of_order" && f["written_day"] == day)
                .map(|f| &f["record_id"])
                .collect();
            let keys: Vec<(i64, i64)> = (rows(std::slice::from_ref(part), table).iter())
                .filter(|r| !displaced.contains(&r["record_id"]))
                .map(|r| {
                    (
                        r["start_time"].parse().unwrap(),
                        r["record_id"].parse().unwrap(),
                    )
                })
                .collect();
            let disorder = keys.windows(2).find(|w| w[0] > w[1]);
            assert!(
                disorder.is_none(),
                "{table} {day}: unlisted rows out of order: {disorder:?}"
            );
        }
        let mut days = by_day(&dirty, table);
        // Rows that are not records of their own: near-duplicates and later parts of split calls.
        let added: HashSet<&String> = (listed.iter())
            .filter(|f| {
                let split = f["kind"] == "long_call_split" || f["kind"] == "long_session_split";
                f["kind"] == "near_duplicate"
                    || (split && f["record_id"] != f["original_record_id"])
            })
            .map(|f| &f["record_id"])
            .collect();
        for rows in days.values_mut() {
            rows.retain(|r| !added.contains(&r["record_id"]));
        }
        // Exact duplicates: one copy of two identical rows. Late arrivals: back to their day.
        let positions = |rows: &[Row]| {
            let mut at: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, r) in rows.iter().enumerate() {
                at.entry(r["record_id"].clone()).or_default().push(i);
            }
            at
        };
        let mut moved: Vec<(i32, Row)> = Vec::new();
        for (day, rows) in days.iter_mut() {
            let at = positions(rows);
            let mut drop = HashSet::new();
            let here = |f: &&&Row| f["written_day"] == day.to_string();
            for f in listed
                .iter()
                .filter(|f| f["kind"] == "exact_duplicate")
                .filter(here)
            {
                let copies = &at[&f["record_id"]];
                assert_eq!(
                    copies.len(),
                    2,
                    "{table}: exact duplicate {}",
                    f["record_id"]
                );
                assert_eq!(rows[copies[0]], rows[copies[1]]);
                drop.insert(copies[1]);
            }
            for f in listed
                .iter()
                .filter(|f| f["kind"] == "late_arrival")
                .filter(here)
            {
                let clean_day: i32 = f["day"].parse().unwrap();
                assert_eq!(*day, clean_day + 1);
                let copies = &at[&f["record_id"]];
                let kept = copies.iter().find(|i| !drop.contains(*i)).unwrap();
                moved.push((clean_day, rows[*kept].clone()));
                drop.insert(*kept);
            }
            let mut i = 0;
            rows.retain(|_| {
                i += 1;
                !drop.contains(&(i - 1))
            });
        }
        for (day, row) in moved {
            days.get_mut(&day).unwrap().push(row);
        }
        // Changed values: the clean ones back.
        let mut index: HashMap<String, (i32, usize)> = HashMap::new();
        for (day, rows) in &days {
            for (i, r) in rows.iter().enumerate() {
                let old = index.insert(r["record_id"].clone(), (*day, i));
                assert!(old.is_none(), "{table}: record {} twice", r["record_id"]);
            }
        }
        // In reverse: a column changed twice (a skewed record split) is listed in order.
        for f in listed.iter().rev().filter(|f| f["column"] != "NULL") {
            assert_eq!(f["record_id"], f["original_record_id"]);
            let (day, i) = index[&f["record_id"]];
            let row = &mut days.get_mut(&day).unwrap()[i];
            let columns = f["column"].split(',');
            let (before, after) = (f["original_value"].split(','), f["new_value"].split(','));
            for ((column, before), after) in columns.zip(before).zip(after) {
                assert_eq!(row[column], after, "{table}: {} {column}", f["kind"]);
                *row.get_mut(column).unwrap() = before.to_owned();
            }
        }
        let clean = by_day(&clean, table);
        assert_eq!(clean.len(), days.len());
        for (day, rows) in clean {
            let undone = days.remove(&day).unwrap();
            assert_eq!(rows.len(), undone.len(), "{table} {day}: rows");
            assert!(
                sorted(rows) == sorted(undone),
                "{table} {day}: records differ"
            );
        }
    }
}

/// `count` is within four standard deviations (and one) of `n` trials at `rate`.
fn assert_rate(what: &str, count: usize, n: usize, rate: f64) {
    let mean = n as f64 * rate;
    let sd = (mean * (1.0 - rate)).sqrt();
    assert!(
        (count as f64 - mean).abs() <= 4.0 * sd + 1.0,
        "{what}: {count} of {n}, expected {mean:.1} ± {:.1}",
        4.0 * sd
    );
    assert!(count > 0, "{what}: none");
}

#[test]
fn every_kind_comes_at_its_rate() {
    let clean = generate(CLEAN);
    let dirty = generate(&with_faults());
    let faults = rows(&dirty, "faults");
    let rates: HashMap<&str, f64> = FAULTS
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k, v.parse().unwrap()))
        .collect();
    let site: HashMap<String, String> = rows(&clean, "cells")
        .into_iter()
        .map(|c| (c["cell_key"].clone(), c["site_id"].clone()))
        .collect();
    for (table, cell) in [("cdr", "first_cell_key"), ("ip_sessions", "cell_key")] {
        let days = by_day(&clean, table);
        let last = *days.keys().max().unwrap();
        let records: Vec<(i32, &Row)> = (days.iter())
            .flat_map(|(d, rows)| rows.iter().map(move |r| (*d, r)))
            .collect();
        let count = |kind: &str| {
            (faults.iter())
                .filter(|f| f["table"] == table && f["kind"] == kind)
                .filter(|f| !kind.starts_with("long_") || f["column"] != "NULL")
                .count()
        };
        let n = records.len();
        let with_cell = records.iter().filter(|(_, r)| r[cell] != "NULL").count();
        let malaysian = |r: &Row| {
            r["served_msisdn"].starts_with("+60")
                || r.get("other_party").is_some_and(|n| n.starts_with("+60"))
        };
        let before_last = records.iter().filter(|(d, _)| *d != last).count();
        for (kind, eligible) in [
            ("exact_duplicate", n),
            ("near_duplicate", n),
            ("identifier_malformed", n),
            ("late_arrival", before_last),
            (
                "number_format",
                records.iter().filter(|(_, r)| malaysian(r)).count(),
            ),
            ("cell_missing", with_cell),
            ("cell_unknown", with_cell),
            ("cell_other_operator", with_cell),
            ("location_far", with_cell),
        ] {
            assert_rate(
                &format!("{table} {kind}"),
                count(kind),
                eligible,
                rates[kind],
            );
        }
        // Displacements that have room in their file: all but a few at the edges.
        let displaced = count("out_of_order");
        assert_rate(
            &format!("{table} out_of_order"),
            displaced,
            n,
            rates["out_of_order"],
        );
        // Clock skew: per site-day.
        let site_days: HashSet<(i32, &String)> = (records.iter())
            .filter(|(_, r)| r[cell] != "NULL")
            .map(|(d, r)| (*d, &site[&r[cell]]))
            .collect();
        let skewed: HashSet<(String, String)> = (faults.iter())
            .filter(|f| f["table"] == table && f["kind"] == "clock_skew")
            .map(|f| (f["day"].clone(), f["site_id"].clone()))
            .collect();
        assert_rate(
            &format!("{table} clock_skew site-days"),
            skewed.len(),
            site_days.len(),
            rates["clock_skew"],
        );
    }
    // Data records over their gateway's volume limit.
    let bytes = |r: &Row, c: &str| r[c].parse::<i64>().unwrap();
    let large = rows(&clean, "ip_sessions")
        .into_iter()
        .filter(|r| {
            bytes(r, "bytes_up") + bytes(r, "bytes_down")
                > gateway_limit_bytes(SEED, &r["operator"])
        })
        .count();
    let split = (faults.iter())
        .filter(|f| f["kind"] == "long_session_split" && f["column"] != "NULL")
        .count();
    assert_rate(
        "long_session_split",
        split,
        large,
        rates["long_session_split"],
    );
    // Every call longer than its switch's cut is split (rate 1).
    let long = rows(&clean, "cdr")
        .into_iter()
        .filter(|r| r["duration_s"].parse::<i64>().unwrap() > switch_cut_s(SEED, &r["operator"]))
        .count();
    let split = (faults.iter())
        .filter(|f| f["kind"] == "long_call_split" && f["column"] == "duration_s")
        .count();
    assert!(long > 0, "the fixture has long calls");
    assert_eq!(split, long);
}

#[derive(Default)]
struct MemorySink(std::sync::Mutex<Vec<(PartKey, Batch)>>);

impl Sink for MemorySink {
    fn write(&self, part: PartKey, batch: Batch) -> Result<(), SinkError> {
        self.0.lock().unwrap().push((part, batch));
        Ok(())
    }
}

#[test]
fn faulty_files_are_the_same_in_any_split() {
    let whole = generate(&with_faults());
    let text = with_faults();
    let scenario = scenario::parse("fixture.toml", &text, &tables::names()).unwrap();
    let world = World::build(scenario).unwrap();
    let sink = MemorySink::default();
    for index in 0..2 {
        run::run(&world, Shard { index, count: 2 }, &sink, &|_, _| {}).unwrap();
    }
    let split: HashMap<(&str, Option<i32>, u32), Batch> = (sink.0.into_inner().unwrap())
        .into_iter()
        .map(|(k, b)| ((k.table, k.day, k.block), b))
        .collect();
    for (k, b) in whole.iter().filter(|(k, _)| k.table != "cells") {
        let other = &split[&(k.table, k.day, k.block)];
        assert!(
            other.columns == b.columns,
            "{} {:?} block {}",
            k.table,
            k.day,
            k.block
        );
    }
}
