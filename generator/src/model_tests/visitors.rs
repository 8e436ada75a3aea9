//! Visitors: pure functions of their index, origin shares, entry and exit through entry points,
//! plans that hold together, phones with the right identifiers.

use std::collections::HashSet;

use chrono::Days;

use crate::mobility::calendar::local_midnight;
use crate::mobility::{Segment, StayPurpose};
use crate::population::Population;
use crate::population::test_spec;
use crate::public_data::roaming_plmns;
use crate::public_data::{entry_points, inbound_origins};
use crate::scenario;
use crate::scenario::Scenario;
use crate::visitors::*;
use crate::vocabulary::PopulationSize;
use chrono::NaiveDate;

fn setup(region: &str, days: u32, scale: f64) -> (Scenario, Population) {
    let end = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::new(u64::from(days - 1));
    let text = format!(
        "name = \"t\"\nseed = 9\n[period]\nstart = 2025-01-01\nend = {end}\n{region}\n\
         [population]\npersons = 3000\n[tourism]\ninbound_scale = {scale}\n"
    );
    let s = scenario::parse("t.toml", &text, &crate::tables::names()).expect("scenario");
    let spec = test_spec(9, s.districts(), PopulationSize::Persons(3000));
    (s, Population::new(spec).unwrap())
}

fn visitors(inbound: &Inbound, population: &Population) -> Vec<Visitor> {
    (0..inbound.len())
        .filter_map(|i| inbound.visitor(population, i))
        .collect()
}

#[test]
fn origins_follow_the_configured_shares_within_two_points() {
    let (s, population) = setup("", 90, 0.0005);
    let inbound = Inbound::new(&crate::plan::inbound_spec(&s));
    let arrived: Vec<Visitor> = visitors(&inbound, &population)
        .into_iter()
        .filter(|v| v.entry_date() >= s.start_date())
        .collect();
    assert!(arrived.len() > 4_000, "{} arrivals", arrived.len());
    for o in inbound_origins() {
        let n = arrived.iter().filter(|v| v.origin.iso3 == o.iso3).count();
        let share = n as f64 / arrived.len() as f64;
        assert!(
            (share - o.share).abs() < 0.02,
            "{}: {share} vs {}",
            o.iso3,
            o.share
        );
    }
}

#[test]
fn visitors_are_pure_functions_of_their_index() {
    let (s, population) = setup("[region]\nstates = [\"Johor\"]", 10, 0.001);
    let inbound = Inbound::new(&crate::plan::inbound_spec(&s));
    let forward = visitors(&inbound, &population);
    let mut backward: Vec<Visitor> = (0..inbound.len())
        .rev()
        .filter_map(|i| inbound.visitor(&population, i))
        .collect();
    backward.reverse();
    assert!(!forward.is_empty());
    for (a, b) in forward.iter().zip(&backward) {
        assert_eq!(
            (a.id, a.arrival, a.departure, &a.phone),
            (b.id, b.arrival, b.departure, &b.phone)
        );
        let date = a.entry_date() + Days::new(1);
        assert_eq!(inbound.plan(a, date), inbound.plan(b, date));
    }
}

#[test]
fn every_visitor_enters_and_leaves_through_an_entry_point_and_stays_in_the_region() {
    let (s, population) = setup(
        "[region]\nstates = [\"Johor\", \"Selangor\", \"Melaka\"]",
        20,
        0.002,
    );
    let inbound = Inbound::new(&crate::plan::inbound_spec(&s));
    let all = visitors(&inbound, &population);
    assert!(all.len() > 300, "{} visitors", all.len());
    let region: HashSet<u16> = s.districts().into_iter().collect();
    let mut same_day = 0;
    for v in &all {
        for p in [v.entry, v.exit] {
            assert!(entry_points().iter().any(|e| e.id == p.id));
            assert!(
                p.connects_to(v.origin.iso3),
                "{} via {}",
                v.origin.iso3,
                p.id
            );
        }
        assert!(v.arrival < v.departure);
        same_day += usize::from(v.nights.is_empty());
        let mut date = v.entry_date();
        let mut previous_end = v.arrival;
        while date <= v.exit_date() {
            let plan = inbound.plan(v, date).expect("in the country");
            let midnight = local_midnight(date);
            for seg in &plan.segments {
                assert_eq!(seg.start(), previous_end, "gap or overlap for {}", v.id);
                assert!(seg.start() <= seg.end());
                assert!(seg.start() >= midnight && seg.end() <= midnight + 86_400);
                previous_end = seg.end();
                let district = match seg {
                    Segment::Stay(st) => st.district,
                    Segment::Move(m) => {
                        assert!(m.distance_km() > 0.0, "move of zero length {m:?}");
                        m.district
                    }
                };
                assert!(region.contains(&district), "{} leaves the region", v.id);
            }
            date = date + Days::new(1);
        }
        assert_eq!(previous_end, v.departure);
        let first = inbound.plan(v, v.entry_date()).unwrap().segments[0];
        let last = *inbound
            .plan(v, v.exit_date())
            .unwrap()
            .segments
            .last()
            .unwrap();
        for (seg, point, t) in [(first, v.entry, v.arrival), (last, v.exit, v.departure)] {
            let Segment::Stay(st) = seg else {
                panic!("a visitor crosses the border at a stay")
            };
            assert_eq!(st.purpose, StayPurpose::Transit);
            assert_eq!((st.lon, st.lat), (point.lon, point.lat));
            assert!(st.start == t || st.end == t);
        }
        assert!(inbound.plan(v, v.entry_date() - Days::new(1)).is_none());
        assert!(inbound.plan(v, v.exit_date() + Days::new(1)).is_none());
    }
    assert!(same_day > 0 && same_day < all.len());
    let causeway = all
        .iter()
        .filter(|v| v.origin.iso3 == "SGP")
        .filter(|v| v.entry.id.starts_with('L'))
        .count();
    let sgp = all.iter().filter(|v| v.origin.iso3 == "SGP").count();
    assert!(
        causeway as f64 > 0.8 * sgp as f64,
        "{causeway} of {sgp} Singaporeans by land"
    );
}

#[test]
fn phones_roam_with_their_countrys_plmn_or_use_reserved_malaysian_numbers() {
    let (s, population) = setup("", 7, 0.001);
    let inbound = Inbound::new(&crate::plan::inbound_spec(&s));
    let all = visitors(&inbound, &population);
    let residents: HashSet<String> = (0..population.len())
        .flat_map(|id| population.sims(&population.person(id)))
        .map(|sim| sim.numbers.msisdn)
        .collect();
    let mut kinds = [0usize; 3];
    let mut numbers = HashSet::new();
    for v in &all {
        match (&v.phone.kind, &v.phone.sim) {
            (PhoneKind::Roaming, Some(sim)) => {
                kinds[0] += 1;
                let n = &sim.numbers;
                assert!(roaming_plmns().iter().any(|p| {
                    p.iso3 == v.origin.iso3 && n.imsi.starts_with(&format!("{}{}", p.mcc, p.mnc))
                }));
                assert_eq!(n.imsi.len(), 15);
                assert!(n.msisdn.starts_with(&format!("+{}", v.origin.calling_code)));
                assert!(!n.msisdn.starts_with("+60") && n.account.is_empty());
            }
            (PhoneKind::TouristSim, Some(sim)) => {
                kinds[1] += 1;
                let n = &sim.numbers;
                assert!(n.msisdn.starts_with("+60") && n.imsi.starts_with("502"));
                assert!(
                    !residents.contains(&n.msisdn),
                    "{} is a resident's",
                    n.msisdn
                );
                assert_eq!(sim.activation, v.entry_date());
                let id = v.registration(s.seed());
                assert_eq!(id.document_type, "passport");
                assert!(id.document_number.len() >= 8);
                assert_eq!(v.holder().nationality, v.origin.iso3);
            }
            (PhoneKind::None, None) => kinds[2] += 1,
            other => panic!("inconsistent phone {other:?}"),
        }
        if let Some(sim) = &v.phone.sim {
            assert!(
                numbers.insert(sim.numbers.msisdn.clone()),
                "{} twice",
                sim.numbers.msisdn
            );
            assert_eq!(sim.key, VISITOR_SIM_KEY_BASE + v.index);
        }
    }
    assert!(kinds.iter().all(|&k| k > 20), "{kinds:?}");
}
