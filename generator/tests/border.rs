//! Johor residents who work in Singapore, on the Johor fixture through the library: while their
//! true trajectory is in Singapore their SIMs have no domestic record, and they cross only on
//! working days.

use std::collections::HashMap;

use telcosynth_generator::columnar::{Batch, PartKey};

mod common;

fn rows(table: &str) -> Vec<HashMap<&'static str, String>> {
    static DATA: std::sync::OnceLock<Vec<(PartKey, Batch)>> = std::sync::OnceLock::new();
    let parts =
        DATA.get_or_init(|| common::generate(include_str!("../../tests/fixtures/johor.toml")));
    common::rows(parts, table)
}

fn int(row: &HashMap<&str, String>, column: &str) -> i64 {
    row[column].parse().unwrap()
}

/// Intervals each commuter spends in Singapore by their trajectory: stays with district SGP,
/// moves into SGP, and moves right after an SGP stay.
fn abroad() -> HashMap<String, Vec<(i64, i64)>> {
    let mut by_person: HashMap<String, Vec<HashMap<&'static str, String>>> = HashMap::new();
    for r in rows("trajectories") {
        by_person.entry(r["person_id"].clone()).or_default().push(r);
    }
    let mut spans = HashMap::new();
    for (id, mut segs) in by_person {
        segs.sort_by_key(|s| int(s, "start_time"));
        let mut mine = Vec::new();
        for (i, s) in segs.iter().enumerate() {
            let after_sgp = i > 0 && segs[i - 1]["district_code"] == "SGP";
            let is_move = s["kind"] == "move";
            if s["district_code"] == "SGP" || (is_move && after_sgp) {
                mine.push((int(s, "start_time"), int(s, "end_time")));
            }
        }
        if !mine.is_empty() {
            spans.insert(id, mine);
        }
    }
    spans
}

#[test]
fn commuters_to_singapore_have_no_domestic_records_while_there() {
    let spans = abroad();
    assert!(spans.len() >= 10, "{} commuters", spans.len());
    let sims: HashMap<String, String> = rows("person_sims")
        .into_iter()
        .filter(|r| spans.contains_key(&r["person_id"]))
        .map(|r| (r["msisdn"].clone(), r["person_id"].clone()))
        .collect();
    let (mut inside, mut outside) = (0, 0);
    for table in ["cdr", "ip_sessions"] {
        for r in rows(table) {
            let Some(person) = sims.get(&r["served_msisdn"]) else {
                continue;
            };
            let start = int(&r, "start_time");
            let end = if table == "cdr" {
                start
            } else {
                int(&r, "end_time")
            };
            for &(from, to) in &spans[person] {
                let overlaps = start < to && from < end.max(start + 1);
                assert!(
                    !overlaps,
                    "{table}: {} has a record {start}..{end} while in Singapore {from}..{to}",
                    r["served_msisdn"]
                );
            }
            outside += 1;
        }
        inside += 1;
    }
    assert!(
        inside == 2 && outside > 100,
        "{outside} records of commuters at home"
    );
}

#[test]
fn commuters_cross_on_working_days_through_a_checkpoint() {
    let rows = rows("trajectories");
    // Friday 10 and Monday 13 January are working days in Johor, the weekend is not.
    let weekend = 1_736_524_800i64..1_736_697_600;
    let mut work_days = 0;
    for r in rows
        .iter()
        .filter(|r| r["district_code"] == "SGP" && r["kind"] == "stay")
    {
        assert_eq!(r["purpose"], "work");
        let t = int(r, "start_time");
        if !weekend.contains(&t) {
            work_days += 1;
        }
        let hour = (t + 8 * 3600).rem_euclid(86_400) / 3600;
        assert!((4..12).contains(&hour), "arrives at work at {hour}:00");
    }
    assert!(work_days >= 10, "{work_days} commuter work days");
    let transit = rows
        .iter()
        .filter(|r| r["purpose"] == "transit" && r["district_code"] == "1_2")
        .count();
    assert!(transit >= 2 * work_days, "{transit} checkpoint stays");
}
