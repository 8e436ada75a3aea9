//! Physical plausibility of the records of every bundled scenario (3,000 persons over two days
//! each): nobody holds two answered calls at once, no move has zero length, and no data record
//! is empty or faster than its radio technology sustains.

mod common;

use std::collections::HashMap;

use chrono::NaiveDate;
use common::{generate, rows};
use telcosynth_generator::columnar::{Batch, PartKey};
use telcosynth_generator::scenario::{self, bundled};
use telcosynth_generator::tables;

/// Largest data volume of a SIM on one day (the generator's `MAX_DAILY_GB`).
const MAX_DAILY_BYTES: f64 = 8e9;

/// Highest throughput a data record may average, bits per second, by `rat` (half the average
/// download speeds the generator documents).
fn ceiling_bps(rat: &str) -> f64 {
    match rat {
        "2G" => 0.1e6,
        "4G" => 17.5e6,
        "5G" => 190e6,
        // Abroad, on the visited network's 4G.
        "NULL" => 17.5e6,
        other => panic!("unknown rat {other}"),
    }
}

/// The bundled scenario `text` cut to 3,000 persons, the tables checked here and its first two
/// days, or its whole period when it has events later; without its data-quality faults (what is
/// checked here is the model's records, which `tests/faults.rs` shows the faults leave intact).
fn shrunk(text: &str) -> String {
    let short = cut(text, true);
    if scenario::parse("fixture.toml", &short, &tables::names()).is_ok() {
        short
    } else {
        cut(text, false)
    }
}

/// `text` cut to 3,000 persons and the tables checked here, and to two days when `two_days`.
fn cut(text: &str, two_days: bool) -> String {
    let mut out = String::new();
    let mut section = String::new();
    let mut end = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            section = trimmed.to_string();
        }
        let key = trimmed.split('=').next().unwrap_or("").trim();
        if two_days && section == "[period]" && key == "start" {
            let date = trimmed.split('=').nth(1).unwrap().trim();
            let start = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
            end = Some(start + chrono::Days::new(1));
        }
        match (section.as_str(), key) {
            ("[period]", "end") if two_days => out.push_str(&format!("end = {}\n", end.unwrap())),
            ("[population]", "scale" | "persons" | "subscribers") => {
                out.push_str("persons = 3000\n")
            }
            ("[outputs]", "tables") | ("[faults]", _) => {}
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if !out.contains("[outputs]") {
        out.push_str("\n[outputs]\n");
    }
    out.replace(
        "[outputs]",
        "[outputs]\ntables = [\"cdr\", \"ip_sessions\", \"trajectories\", \"person_sims\"]",
    )
}

fn all_parts() -> Vec<(String, Vec<(PartKey, Batch)>)> {
    bundled()
        .iter()
        .map(|b| (b.name.to_string(), generate(&shrunk(b.text))))
        .collect()
}

fn num(row: &HashMap<&'static str, String>, column: &str) -> f64 {
    row[column].parse().unwrap()
}

#[test]
fn records_are_physically_possible() {
    for (name, parts) in all_parts() {
        // Answered (or dropped) voice legs by person.
        let owners: HashMap<String, String> = rows(&parts, "person_sims")
            .into_iter()
            .map(|r| (r["msisdn"].clone(), r["person_id"].clone()))
            .collect();
        let mut talks: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        let (mut answered, mut busy, mut voice_legs) = (0usize, 0usize, 0usize);
        let cdr = rows(&parts, "cdr");
        // Both legs of a call between residents meet a busy line alike (unless set-up failed,
        // which depends on each side's cell).
        let key = |r: &HashMap<&str, String>, served: &str, other: &str| {
            (r[served].clone(), r[other].clone(), r["start_time"].clone())
        };
        let originating: HashMap<_, String> = cdr
            .iter()
            .filter(|r| r["record_type"] == "MOC")
            .map(|r| (key(r, "served_msisdn", "other_party"), r["result"].clone()))
            .collect();
        let (mut paired, mut disagree) = (0usize, 0usize);
        for r in cdr.iter().filter(|r| r["record_type"] == "MTC") {
            if let Some(result) = originating.get(&key(r, "other_party", "served_msisdn")) {
                let (a, b) = (result.as_str(), r["result"].as_str());
                if a != "failed" && b != "failed" {
                    assert_eq!(a == "busy", b == "busy", "{name}: legs disagree: {r:?}");
                }
                paired += 1;
                disagree += usize::from(a != b);
            }
        }
        assert!(paired > 1_000, "{name}: {paired} paired legs");
        for r in cdr {
            let voice = matches!(r["record_type"].as_str(), "MOC" | "MTC");
            let talked = matches!(r["result"].as_str(), "answered" | "dropped");
            voice_legs += usize::from(voice);
            busy += usize::from(voice && r["result"] == "busy");
            if voice && talked {
                let start = num(&r, "start_time") as i64;
                let who = owners
                    .get(&r["served_msisdn"])
                    .cloned()
                    .unwrap_or_else(|| r["served_msisdn"].clone());
                talks
                    .entry(who)
                    .or_default()
                    .push((start, start + num(&r, "duration_s") as i64));
                answered += 1;
            }
        }
        let mut overlaps = 0usize;
        for calls in talks.values_mut() {
            calls.sort();
            let mut end = i64::MIN;
            for &(s, e) in calls.iter() {
                if s < end {
                    overlaps += 1;
                }
                end = end.max(e);
            }
        }
        let zero_moves = rows(&parts, "trajectories")
            .iter()
            .filter(|r| r["kind"] == "move" && num(r, "distance_km") == 0.0)
            .count();
        let (mut empty, mut too_fast, mut records) = (0usize, 0usize, 0usize);
        let mut daily: HashMap<(String, i64), f64> = HashMap::new();
        for r in rows(&parts, "ip_sessions") {
            records += 1;
            let seconds = num(&r, "end_time") - num(&r, "start_time");
            let bytes = num(&r, "bytes_up") + num(&r, "bytes_down");
            if seconds <= 0.0 {
                empty += 1;
            } else if bytes * 8.0 / seconds > ceiling_bps(&r["rat"]) {
                too_fast += 1;
            }
            let day = (num(&r, "start_time") as i64 + 8 * 3600).div_euclid(86_400);
            *daily.entry((r["served_msisdn"].clone(), day)).or_default() += bytes;
        }
        let max_daily = daily.values().copied().fold(0.0, f64::max);
        let mean_daily = daily.values().sum::<f64>() / daily.len() as f64;
        eprintln!(
            "{name}: {overlaps} overlapping of {answered} answered legs ({busy} busy of {voice_legs} \
             voice legs, {disagree} of {paired} paired legs with other results), {zero_moves} zero-length moves, {empty} empty and {too_fast} too fast \
             of {records} data records, mean {:.3} and max {:.1} GB a SIM-day",
            mean_daily / 1e9,
            max_daily / 1e9
        );
        assert!(
            answered > 1_000 && records > 10_000,
            "{name}: too few records to judge"
        );
        assert_eq!(overlaps, 0, "{name}: answered calls of a person overlap");
        assert_eq!(zero_moves, 0, "{name}: moves of zero length");
        assert_eq!(empty, 0, "{name}: data records of zero length");
        assert_eq!(
            too_fast, 0,
            "{name}: data records faster than their technology"
        );
        assert!(
            max_daily <= MAX_DAILY_BYTES,
            "{name}: {max_daily} bytes a SIM-day"
        );
    }
}

/// Both legs of every call and message between two subscribers exist on every bundled scenario
/// ([`common::assert_legs_pair`]).
#[test]
fn call_legs_pair_up_on_every_bundled_scenario() {
    for (name, parts) in all_parts() {
        let paired = common::assert_legs_pair(&name, &parts);
        assert!(paired > 1_000, "{name}: {paired} paired legs");
    }
}
