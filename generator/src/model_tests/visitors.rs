//! Visitors: pure functions of their index, origin shares, entry and exit through entry points,
//! plans that hold together, phones with the right identifiers; on every bundled scenario with
//! inbound visitors, monthly totals, a daily rhythm and plausible entry points.

use std::collections::HashSet;

use chrono::Days;

use crate::mobility::calendar::local_midnight;
use crate::mobility::{Segment, StayPurpose};
use crate::population::Population;
use crate::population::test_spec;
use crate::public_data::roaming_plmns;
use crate::public_data::{EntryKind, EntryPoint, entry_points, inbound_origins};
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
            // A land border leads to the visitor's country, or to Singapore (transit).
            assert!(
                p.kind != EntryKind::LandCheckpoint
                    || [Some(v.origin.iso3), Some("SGP")].contains(&p.crossing_country),
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

/// Every bundled scenario with inbound visitors, with its visitors.
fn bundled_inbound() -> Vec<(&'static str, Scenario, Inbound)> {
    let found: Vec<_> = scenario::bundled()
        .iter()
        .map(|b| {
            let s = scenario::parse(b.name, b.text, &crate::tables::names()).expect("bundled");
            (b.name, s)
        })
        .filter(|(_, s)| s.inbound_scale() > 0.0)
        .map(|(name, s)| {
            let inbound = Inbound::new(&crate::plan::inbound_spec(&s));
            (name, s, inbound)
        })
        .collect();
    assert!(found.len() >= 4, "{} scenarios with visitors", found.len());
    found
}

#[test]
fn arrivals_keep_monthly_totals_and_are_not_flat_on_every_bundled_scenario() {
    use chrono::Datelike;
    let mut saw_cny = false;
    for (name, s, inbound) in bundled_inbound() {
        let days: Vec<(NaiveDate, u64)> = inbound.arrivals_per_day().collect();
        assert_eq!(
            days.iter().map(|d| d.1).sum::<u64>(),
            inbound.len(),
            "{name}"
        );
        let expected = s.inbound_scale() * NATIONAL_ARRIVALS_PER_DAY;
        // Whole calendar months inside the window hold the average, to the groups' rounding.
        let mut months: Vec<(i32, u32)> = days.iter().map(|(d, _)| (d.year(), d.month())).collect();
        months.dedup();
        for (y, m) in months {
            let in_month: Vec<u64> = days
                .iter()
                .filter(|(d, _)| (d.year(), d.month()) == (y, m))
                .map(|d| d.1)
                .collect();
            let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
            let length = first.iter_days().take_while(|d| d.month() == m).count();
            if in_month.len() == length {
                let total = in_month.iter().sum::<u64>() as f64;
                assert!(
                    (total - expected * length as f64).abs() <= 3.0,
                    "{name} {y}-{m}: {total} vs {}",
                    expected * length as f64
                );
            }
        }
        // Not flat: Saturdays above Tuesdays.
        let on = |w: chrono::Weekday| -> u64 {
            days.iter()
                .filter(|(d, _)| d.weekday() == w)
                .map(|d| d.1)
                .sum()
        };
        let (sat, tue) = (on(chrono::Weekday::Sat), on(chrono::Weekday::Tue));
        assert!(
            sat as f64 > 1.2 * tue as f64,
            "{name}: {sat} on Saturdays, {tue} on Tuesdays"
        );
        // The Chinese New Year week above an ordinary January week.
        let week = |from: NaiveDate| -> Option<u64> {
            let seven: Vec<u64> = days
                .iter()
                .filter(|(d, _)| *d >= from && *d < from + Days::new(7))
                .map(|d| d.1)
                .collect();
            (seven.len() == 7).then(|| seven.iter().sum())
        };
        let cny = NaiveDate::from_ymd_opt(2025, 1, 26).unwrap();
        let ordinary = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
        if let (Some(festive), Some(plain)) = (week(cny), week(ordinary)) {
            saw_cny = true;
            assert!(
                festive as f64 > 1.1 * plain as f64,
                "{name}: {festive} vs {plain}"
            );
        }
    }
    assert!(saw_cny, "no bundled scenario covers Chinese New Year");
}

#[test]
fn entry_points_are_plausible_on_every_bundled_scenario() {
    for (name, _, inbound) in bundled_inbound() {
        let step = (inbound.len() / 40_000).max(1);
        let sample: Vec<_> = (0..inbound.len())
            .step_by(step as usize)
            .map(|i| inbound.arrival(i))
            .collect();
        assert!(sample.len() > 3_000, "{name}: {} arrivals", sample.len());
        let n = sample.len() as f64;
        let at = |id: &str| sample.iter().filter(|a| a.2.id == id).count() as f64;
        let share = |iso3: &str, id: &str| {
            let of: Vec<_> = sample.iter().filter(|a| a.1.iso3 == iso3).collect();
            of.iter().filter(|a| a.2.id == id).count() as f64 / of.len() as f64
        };
        // Senai has little international traffic: well under 2% of arrivals, and of Indians'
        // and Chinese.
        assert!(at("E08") < 0.02 * n, "{name}: Senai {}", at("E08") / n);
        for iso3 in ["IND", "CHN"] {
            assert!(
                share(iso3, "E08") < 0.02,
                "{name}: {iso3} at Senai {}",
                share(iso3, "E08")
            );
        }
        // Tawau well below Kota Kinabalu.
        assert!(
            at("E11") < 0.1 * at("E05"),
            "{name}: Tawau {} vs BKI {}",
            at("E11"),
            at("E05")
        );
        // Singaporeans cross by land; most who cross into Johor by land are Singaporeans.
        let sgp: Vec<_> = sample.iter().filter(|a| a.1.iso3 == "SGP").collect();
        let by_land = |p: &EntryPoint| p.kind == EntryKind::LandCheckpoint && p.state_code == 1;
        let sgp_land = sgp.iter().filter(|a| by_land(a.2)).count() as f64;
        assert!(
            sgp_land > 0.9 * sgp.len() as f64,
            "{name}: {sgp_land} of {}",
            sgp.len()
        );
        let land = sample.iter().filter(|a| by_land(a.2)).count() as f64;
        assert!(
            sgp_land > 0.8 * land,
            "{name}: {sgp_land} Singaporeans of {land} by land"
        );
    }
}
