//! Johor residents abroad, on the Johor fixture through the library: while their true
//! trajectory is abroad (commuters at work in Singapore, travellers on trips abroad) their SIMs'
//! records are outbound roaming records on that country's networks, every call leg between two
//! subscribers has its other half, and commuters cross only on working days.

use std::collections::HashMap;

use telcosynth_generator::columnar::{Batch, PartKey};

mod common;

/// The Johor fixture's batches, generated once.
fn parts() -> &'static [(PartKey, Batch)] {
    static DATA: std::sync::OnceLock<Vec<(PartKey, Batch)>> = std::sync::OnceLock::new();
    DATA.get_or_init(|| common::generate(include_str!("../../tests/fixtures/johor.toml")))
}

fn rows(table: &str) -> Vec<HashMap<&'static str, String>> {
    common::rows(parts(), table)
}

fn int(row: &HashMap<&str, String>, column: &str) -> i64 {
    row[column].parse().unwrap()
}

/// Whether a trajectory's district code is a country abroad (ISO alpha-3) rather than a DOSM
/// district code.
fn is_country(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Intervals each person spends abroad by their trajectory (commuters in Singapore, travellers
/// on trips abroad), with the country: stays abroad, moves there, and moves right after a stay
/// abroad.
fn abroad() -> HashMap<String, Vec<(i64, i64, String)>> {
    let mut by_person: HashMap<String, Vec<HashMap<&'static str, String>>> = HashMap::new();
    for r in rows("trajectories") {
        by_person.entry(r["person_id"].clone()).or_default().push(r);
    }
    let mut spans = HashMap::new();
    for (id, mut segs) in by_person {
        segs.sort_by_key(|s| int(s, "start_time"));
        let mut mine = Vec::new();
        for (i, s) in segs.iter().enumerate() {
            let before = (i > 0).then(|| &segs[i - 1]["district_code"]);
            let after_abroad = before.filter(|c| is_country(c) && s["kind"] == "move");
            let code = &s["district_code"];
            if let Some(country) = Some(code).filter(|c| is_country(c)).or(after_abroad) {
                mine.push((int(s, "start_time"), int(s, "end_time"), country.clone()));
            }
        }
        if !mine.is_empty() {
            spans.insert(id, mine);
        }
    }
    spans
}

#[test]
fn records_abroad_are_outbound_roaming_on_that_country_and_at_home_domestic() {
    let spans = abroad();
    let countries: std::collections::BTreeSet<&str> =
        spans.values().flatten().map(|s| s.2.as_str()).collect();
    assert!(
        spans.len() >= 20 && countries.len() >= 3,
        "{} abroad in {countries:?}",
        spans.len()
    );
    // Every country's networks, as (country, MCC + MNC).
    let networks: std::collections::HashSet<(&str, String)> =
        (telcosynth_generator::public_data::roaming_plmns().iter())
            .map(|p| (p.iso3, format!("{}{}", p.mcc, p.mnc)))
            .collect();
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
            let there = spans[person].iter().find(|s| s.0 <= start && start < s.1);
            let what = format!("{table}: {} at {start}", r["served_msisdn"]);
            if let Some((_, _, country)) = there {
                assert_eq!(r["roaming"], "outbound", "{what} in {country}");
                assert_eq!(r[cell], "NULL", "{what}: a Malaysian cell abroad");
                assert_eq!(r["location_lat"], "NULL", "{what}: a location abroad");
                let plmn = &r["visited_plmn"];
                let known = networks.contains(&(country.as_str(), plmn.clone()));
                assert!(known, "{what}: {plmn} is not a network of {country}");
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

/// Both legs of every call and message between two subscribers exist, residents abroad
/// included ([`common::assert_legs_pair`]).
#[test]
fn every_call_leg_pairs_up_unless_it_failed_to_reach_the_other_party() {
    let paired = common::assert_legs_pair("johor", parts());
    assert!(paired > 500, "{paired} paired legs");
}

#[test]
fn commuters_cross_on_working_days_through_a_checkpoint() {
    let rows = rows("trajectories");
    // Friday 10 and Monday 13 January are working days in Johor, the weekend is not.
    let weekend = 1_736_524_800i64..1_736_697_600;
    let mut work_days = 0;
    // Stays in Singapore are commuters' work, or travellers' lodging on a trip abroad.
    let in_singapore = |r: &&HashMap<&str, String>| {
        r["district_code"] == "SGP" && r["kind"] == "stay" && r["purpose"] != "lodging"
    };
    for r in rows.iter().filter(in_singapore) {
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
