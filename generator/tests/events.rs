//! Scenario events on the events fixture through the library: gatherings draw the expected
//! attendance within their opening hours, and failed cells carry no record while an outage
//! lasts, while handsets left without service break their data sessions off.

use std::collections::{HashMap, HashSet};

use telcosynth_generator::columnar::{Batch, PartKey};
use telcosynth_generator::events::gathering::CONCERT_EXIT_S;
use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::mobility::local_midnight;
use telcosynth_generator::public_data::districts;
use telcosynth_generator::scenario::{self, Scenario};
use telcosynth_generator::tables;

mod common;

const FIXTURE: &str = include_str!("../../tests/fixtures/events.toml");

fn rows(table: &str) -> Vec<HashMap<&'static str, String>> {
    static DATA: std::sync::OnceLock<Vec<(PartKey, Batch)>> = std::sync::OnceLock::new();
    common::rows(DATA.get_or_init(|| common::generate(FIXTURE)), table)
}

fn fixture() -> Scenario {
    scenario::parse("events.toml", FIXTURE, &tables::names()).unwrap()
}

fn int(row: &HashMap<&str, String>, column: &str) -> i64 {
    row[column].parse().unwrap()
}

fn float(row: &HashMap<&str, String>, column: &str) -> f64 {
    row[column].parse().unwrap()
}

#[test]
fn gatherings_draw_their_expected_attendance_within_opening_hours() {
    let scenario = fixture();
    let persons = rows("persons");
    let index: HashMap<&str, u16> = districts().iter().map(|d| (d.code, d.index)).collect();
    let mut attendees: Vec<HashSet<String>> = vec![HashSet::new(); scenario.gatherings().len()];
    for r in rows("trajectories") {
        if r["purpose"] != "event" {
            continue;
        }
        let at = (float(&r, "start_lon"), float(&r, "start_lat"));
        let (k, g) = scenario
            .gatherings()
            .iter()
            .enumerate()
            .find(|(_, g)| distance_km(at, g.venue.point()) < 0.01)
            .expect("every event stay is at a venue");
        let midnight = local_midnight(g.first);
        let (start, end) = (int(&r, "start_time"), int(&r, "end_time"));
        assert!(
            start >= midnight + g.opens_s,
            "{r:?} arrives before {} opens",
            g.name
        );
        assert!(
            end <= midnight + g.closes_s + CONCERT_EXIT_S,
            "{r:?} stays after the end"
        );
        assert!(end > start);
        attendees[k].insert(r["person_id"].clone());
    }
    for (g, seen) in scenario.gatherings().iter().zip(&attendees) {
        let eligible: Vec<&HashMap<&str, String>> = persons
            .iter()
            .filter(|p| {
                g.catchment
                    .binary_search(&index[p["home_district_code"].as_str()])
                    .is_ok()
            })
            .filter(|p| g.audience.is_none_or(|e| e.label() == p["ethnicity"]))
            .collect();
        let ids: HashSet<&String> = eligible.iter().map(|p| &p["person_id"]).collect();
        assert!(
            seen.iter().all(|id| ids.contains(id)),
            "{}: an ineligible attendee",
            g.name
        );
        let expected = g.attendance * eligible.len() as f64;
        let sd = (expected * (1.0 - g.attendance)).sqrt();
        let n = seen.len() as f64;
        assert!(
            expected > 20.0,
            "{}: the fixture expects only {expected}",
            g.name
        );
        assert!(
            (n - expected).abs() <= 4.0 * sd + 3.0,
            "{}: {n} attendees, {expected:.1} expected",
            g.name
        );
    }
}

#[test]
fn failed_cells_carry_no_record_while_the_outage_lasts() {
    let scenario = fixture();
    let outage = &scenario.outages()[0];
    let failed: HashSet<String> = rows("cells")
        .into_iter()
        .filter(|c| {
            distance_km((float(c, "lon"), float(c, "lat")), outage.centre) <= outage.radius_km
        })
        .map(|c| c["cell_key"].clone())
        .collect();
    assert!(failed.len() > 20, "{} failed cells", failed.len());
    let (mut during, mut other_times) = (0, 0);
    for r in rows("cdr") {
        if failed.contains(&r["first_cell_key"]) {
            if outage.is_on(int(&r, "start_time")) {
                during += 1;
            } else {
                other_times += 1;
            }
        }
    }
    assert_eq!(during, 0, "records on failed cells during the outage");
    assert!(
        other_times > 100,
        "{other_times} records on those cells at other times"
    );
    let mut losses = 0;
    for r in rows("ip_sessions") {
        let (start, end) = (int(&r, "start_time"), int(&r, "end_time"));
        if failed.contains(&r["cell_key"]) {
            assert!(
                end <= outage.start + 300 || start >= outage.end,
                "a data record on a failed cell overlaps the outage: {r:?}"
            );
        }
        if r["closing_cause"] == "radio_loss" {
            losses += 1;
            assert!(outage.is_on(end) || end == outage.start + 300, "{r:?}");
        }
    }
    assert!(losses > 0, "no data session lost service");
}
