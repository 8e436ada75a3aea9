//! Johor residents who work in Singapore, on the Johor fixture through the library: while their
//! true trajectory is in Singapore their SIMs' records are outbound roaming records, every call
//! leg between two subscribers has its other half, and they cross only on working days.

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
fn commuters_records_in_singapore_are_outbound_roaming_and_at_home_domestic() {
    let spans = abroad();
    assert!(spans.len() >= 10, "{} commuters", spans.len());
    let sims: HashMap<String, String> = rows("person_sims")
        .into_iter()
        .filter(|r| spans.contains_key(&r["person_id"]))
        .map(|r| (r["msisdn"].clone(), r["person_id"].clone()))
        .collect();
    let (mut roaming, mut home) = (0, 0);
    for (table, cell) in [("cdr", "first_cell_key"), ("ip_sessions", "cell_key")] {
        for r in rows(table) {
            let Some(person) = sims.get(&r["served_msisdn"]) else {
                continue;
            };
            let start = int(&r, "start_time");
            let there = spans[person]
                .iter()
                .any(|&(from, to)| from <= start && start < to);
            let what = format!("{table}: {} at {start}", r["served_msisdn"]);
            if there {
                assert_eq!(r["roaming"], "outbound", "{what} in Singapore");
                assert_eq!(r[cell], "NULL", "{what}: a Malaysian cell abroad");
                assert_eq!(r["location_lat"], "NULL", "{what}: a location abroad");
                assert!(
                    r["visited_plmn"].starts_with("525"),
                    "{what}: {}",
                    r["visited_plmn"]
                );
                roaming += 1;
            } else {
                assert_eq!(r["roaming"], "home", "{what} at home");
                assert_ne!(r[cell], "NULL", "{what}: no cell at home");
                assert_eq!(r["visited_plmn"], "NULL", "{what}");
                home += 1;
            }
        }
    }
    assert!(
        roaming > 50 && home > 100,
        "{roaming} roaming, {home} at home"
    );
}

/// Both legs of every call and message between two subscribers exist, commuters abroad included;
/// only a leg that could not reach the other party (abroad without roaming, or in an outage)
/// lacks its other half, and it failed.
#[test]
fn every_call_leg_pairs_up_unless_it_failed_to_reach_the_other_party() {
    let owners: std::collections::HashSet<String> = rows("person_sims")
        .into_iter()
        .map(|r| r["msisdn"].clone())
        .collect();
    type Key = (String, String, String, String);
    let mut originating: HashMap<Key, Vec<String>> = HashMap::new();
    let mut terminating = Vec::new();
    for r in rows("cdr") {
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
            terminating.push(key);
        }
    }
    let paired = terminating.len();
    for key in terminating {
        let legs = originating.get_mut(&key);
        assert!(
            legs.and_then(|l| l.pop()).is_some(),
            "no originating leg for {key:?}"
        );
    }
    let unpaired: Vec<&String> = originating.values().flatten().collect();
    assert!(
        unpaired.iter().all(|r| *r == "failed"),
        "originating legs without their terminating leg: {:?}",
        unpaired
            .iter()
            .filter(|r| **r != "failed")
            .collect::<Vec<_>>()
    );
    assert!(
        paired > 500 && !unpaired.is_empty(),
        "{paired} paired, {} failed",
        unpaired.len()
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
