//! Inbound visitors in the generated tables, on the tourism fixture through the library with an
//! in-memory sink: roaming records carry foreign identifiers, tourist SIMs are registered with
//! passports, records fall inside the visit, and every visitor's trajectory starts and ends at
//! an entry point.

use std::collections::{HashMap, HashSet};

use telcosynth_generator::columnar::{Batch, PartKey};
use telcosynth_generator::public_data::{EntryKind, entry_points, roaming_plmns};

mod common;

fn rows(table: &str) -> Vec<HashMap<&'static str, String>> {
    static DATA: std::sync::OnceLock<Vec<(PartKey, Batch)>> = std::sync::OnceLock::new();
    let parts =
        DATA.get_or_init(|| common::generate(include_str!("../../tests/fixtures/tourism.toml")));
    common::rows(parts, table)
}

/// Inbound visitors by person id.
fn visitors() -> HashMap<String, HashMap<&'static str, String>> {
    rows("visitors")
        .into_iter()
        .filter(|r| r["kind"] == "inbound")
        .map(|r| (r["person_id"].clone(), r))
        .collect()
}

/// person_sims rows of visitors, by MSISDN.
fn visitor_sims() -> HashMap<String, HashMap<&'static str, String>> {
    let visitors = visitors();
    rows("person_sims")
        .into_iter()
        .filter(|r| visitors.contains_key(&r["person_id"]))
        .map(|r| (r["msisdn"].clone(), r))
        .collect()
}

#[test]
fn inbound_roaming_records_carry_foreign_identifiers_only() {
    let visitors = visitors();
    let sims = visitor_sims();
    let roamers: HashSet<&String> = sims
        .iter()
        .filter(|(_, r)| visitors[&r["person_id"]]["phone"] == "roaming")
        .map(|(m, _)| m)
        .collect();
    let mut seen = 0;
    for table in ["cdr", "ip_sessions"] {
        for r in rows(table) {
            let msisdn = &r["served_msisdn"];
            if r["roaming"] != "inbound" {
                assert!(
                    !roamers.contains(msisdn),
                    "{table}: roamer {msisdn} marked home"
                );
                continue;
            }
            seen += 1;
            assert!(
                roamers.contains(msisdn),
                "{table}: {msisdn} is not a roaming visitor"
            );
            assert!(
                !msisdn.starts_with("+60"),
                "{table}: domestic MSISDN {msisdn}"
            );
            let imsi = &r["served_imsi"];
            assert!(!imsi.starts_with("502"), "{table}: Malaysian IMSI {imsi}");
            let country = &visitors[&sims[msisdn]["person_id"]]["origin_country"];
            assert!(
                roaming_plmns().iter().any(|p| p.iso3 == country.as_str()
                    && imsi.starts_with(&format!("{}{}", p.mcc, p.mnc))),
                "{table}: IMSI {imsi} is not a network of {country}"
            );
        }
    }
    assert!(seen > 100, "only {seen} inbound roaming records");
}

#[test]
fn tourist_sims_are_registered_with_passports() {
    let visitors = visitors();
    let sims = visitor_sims();
    let register: HashMap<String, HashMap<&'static str, String>> = rows("subscribers")
        .into_iter()
        .map(|r| (r["msisdn"].clone(), r))
        .collect();
    let mut tourist_sims = 0;
    for (msisdn, sim) in &sims {
        let v = &visitors[&sim["person_id"]];
        match v["phone"].as_str() {
            "tourist_sim" => {
                tourist_sims += 1;
                let reg = register.get(msisdn).expect("tourist SIM in the register");
                assert_eq!(reg["id_type"], "passport");
                assert!(reg["id_number"].len() >= 8);
                assert_eq!(reg["nationality"], v["origin_country"]);
                assert_eq!(reg["plan"], "prepaid");
                assert_eq!(reg["activation_date"], v["entry_date"]);
            }
            _ => {
                assert!(
                    !register.contains_key(msisdn),
                    "roaming SIM {msisdn} registered"
                );
                assert_eq!(sim["subscriber_id"], "NULL");
            }
        }
    }
    assert!(tourist_sims > 20, "{tourist_sims} tourist SIMs");
    let numbers: Vec<&String> = register.keys().collect();
    assert_eq!(
        numbers.len(),
        rows("subscribers").len(),
        "an MSISDN registered twice"
    );
}

#[test]
fn visitors_appear_only_between_entry_and_exit_at_entry_points() {
    let visitors = visitors();
    let sims = visitor_sims();
    let window = |id: &String| -> (i64, i64) {
        let v = &visitors[id];
        (
            v["entry_time"].parse().unwrap(),
            v["exit_time"].parse().unwrap(),
        )
    };
    for table in ["cdr", "ip_sessions"] {
        for r in rows(table) {
            if let Some(sim) = sims.get(&r["served_msisdn"]) {
                let (from, to) = window(&sim["person_id"]);
                let t: i64 = r["start_time"].parse().unwrap();
                assert!(
                    from <= t && t <= to,
                    "{table} record at {t} outside {from}..{to}"
                );
            }
        }
    }
    let mut segments: HashMap<String, Vec<HashMap<&'static str, String>>> = HashMap::new();
    for r in rows("trajectories") {
        if visitors.contains_key(&r["person_id"]) {
            segments.entry(r["person_id"].clone()).or_default().push(r);
        }
    }
    assert_eq!(
        segments.len(),
        visitors.len(),
        "visitors without trajectory"
    );
    let (first_day, end) = (1_736_438_400i64, 1_736_697_600i64);
    let mut crossings = 0;
    for (id, mut segs) in segments {
        segs.sort_by_key(|s| s["start_time"].parse::<i64>().unwrap());
        let v = &visitors[&id];
        let (entry, exit) = window(&id);
        let point = |pid: &str| {
            let p = entry_points()
                .iter()
                .find(|p| p.id == pid)
                .expect("an entry point");
            // A land border leads to the visitor's country, or to Singapore (transit).
            let leads_to = p.crossing_country.unwrap_or("SGP");
            assert!(
                p.kind != EntryKind::LandCheckpoint
                    || [v["origin_country"].as_str(), "SGP"].contains(&leads_to)
            );
            (p.lat, p.lon)
        };
        let at = |s: &HashMap<&str, String>| {
            (
                s["start_lat"].parse::<f64>().unwrap(),
                s["start_lon"].parse::<f64>().unwrap(),
            )
        };
        let (first, last) = (&segs[0], &segs[segs.len() - 1]);
        if entry >= first_day {
            assert_eq!(first["start_time"], entry.to_string());
            assert_eq!(first["purpose"], "transit");
            assert_eq!(at(first), point(&v["entry_point"]));
            crossings += 1;
        }
        if exit <= end {
            assert_eq!(last["end_time"], exit.to_string());
            assert_eq!(last["purpose"], "transit");
            assert_eq!(at(last), point(&v["exit_point"]));
            crossings += 1;
        }
    }
    assert!(crossings > 100, "{crossings} crossings in the period");
}

#[test]
fn domestic_visitors_are_residents_on_leisure_trips() {
    let trips: HashSet<(String, String)> = rows("trips")
        .into_iter()
        .filter(|r| r["kind"] == "leisure")
        .map(|r| (r["person_id"].clone(), r["depart_time"].clone()))
        .collect();
    let domestic: Vec<_> = rows("visitors")
        .into_iter()
        .filter(|r| r["kind"] == "domestic")
        .collect();
    assert!(domestic.len() > 20, "{} domestic visitors", domestic.len());
    assert_eq!(domestic.len(), trips.len());
    for r in &domestic {
        assert_eq!(r["origin_country"], "MYS");
        assert!(trips.contains(&(r["person_id"].clone(), r["entry_time"].clone())));
        assert!(r["itinerary"].starts_with('A'));
    }
}

#[test]
fn an_event_table_is_the_same_whether_or_not_the_others_are_generated() {
    const TOURISM: &str = include_str!("../../tests/fixtures/tourism.toml");
    let all = common::generate(TOURISM);
    for table in ["cdr", "ip_sessions", "ip_calls", "trajectories"] {
        let only = common::generate(
            &TOURISM.replace("[outputs]", &format!("[outputs]\ntables = [\"{table}\"]")),
        );
        assert!(only.iter().all(|(k, _)| k.table == table), "{table}");
        let expected: Vec<_> = all.iter().filter(|(k, _)| k.table == table).collect();
        assert_eq!(only.len(), expected.len(), "{table}: parts");
        // Blocks 0 and 1 hold the 1,500 residents, the blocks after them the visitors.
        assert!(
            only.iter().any(|(k, b)| k.block >= 2 && b.num_rows() > 0),
            "{table}: no visitor rows"
        );
        for ((k, b), (ek, eb)) in only.iter().zip(expected) {
            assert_eq!(k, ek, "{table}");
            assert_eq!(
                b.columns, eb.columns,
                "{table}: {k:?} differs when generated alone"
            );
        }
    }
}
