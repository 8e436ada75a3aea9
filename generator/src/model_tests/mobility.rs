//! Model-level tests on a Klang Valley population.

use std::sync::OnceLock;

use chrono::NaiveDate;
use geo::{Distance, Euclidean};

use super::klang_valley;
use crate::geography::Geography;
use crate::geography::projection::distance_km;
use crate::mobility::anchors::Occupation;
use crate::mobility::calendar::day_type;
use crate::mobility::*;
use crate::mobility::{abroad, outbound};
use crate::population::test_spec;
use crate::population::{Person, Population};
use crate::public_data::{District, districts};
use crate::tables::trajectories::TrajectoriesBuilder;
use crate::vocabulary::PopulationSize;

/// Monday 2025-01-06.
fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6).unwrap()
}

/// A 20,000-person Klang Valley population, built once.
fn population() -> &'static Population {
    static POPULATION: OnceLock<Population> = OnceLock::new();
    POPULATION.get_or_init(|| {
        Population::new(test_spec(
            11,
            klang_valley(),
            PopulationSize::Persons(20_000),
        ))
        .unwrap()
    })
}

fn mobility() -> Mobility<'static> {
    Mobility::new(population(), &klang_valley(), start())
}

/// Persons spread over the id range (ids are grouped by district).
fn sample_ids(n: u64) -> impl Iterator<Item = u64> {
    let len = population().len();
    (0..n).map(move |i| i * len / n)
}

/// The week of plans of a person.
fn week(m: &Mobility<'_>, id: u64) -> Vec<DayPlan> {
    let p = m.population().person(id);
    let a = m.anchors(&p);
    (0..7).map(|d| m.plan(&p, &a, d)).collect()
}

#[test]
fn plans_are_the_same_in_any_order() {
    let ids: Vec<u64> = sample_ids(150).collect();
    let forward = mobility();
    let plans: Vec<Vec<DayPlan>> = ids.iter().map(|&id| week(&forward, id)).collect();
    // A fresh model, persons backwards, days backwards, through a small cache.
    let backward = mobility();
    let mut cache = PlanCache::new(16);
    for (i, &id) in ids.iter().enumerate().rev() {
        for day in (0..7).rev() {
            let again = cache.plan(&backward, id, day);
            assert_eq!(*again, plans[i][day as usize], "person {id} day {day}");
        }
    }
    // The plans differ between persons and days: the comparison above is not vacuous.
    assert_ne!(plans[0][0], plans[0][1]);
    assert_ne!(plans[0][0], plans[1][0]);
}

#[test]
fn days_are_contiguous_and_cover_the_local_day() {
    let m = mobility();
    for id in sample_ids(400) {
        let plans = week(&m, id);
        // Each day starts where the day before ended: at home, or where the night is spent.
        for w in plans.windows(2) {
            match (w[0].segments.last(), w[1].segments.first()) {
                (Some(Segment::Stay(a)), Some(Segment::Stay(b))) => {
                    assert_eq!((a.lon, a.lat, a.purpose), (b.lon, b.lat, b.purpose), "{id}")
                }
                ends => panic!("days must end and start with a stay: {ends:?}"),
            }
        }
        for (day, plan) in plans.iter().enumerate() {
            let midnight = local_midnight(start()) + day as i64 * calendar::DAY_SECONDS;
            let segs = &plan.segments;
            assert_eq!(segs[0].start(), midnight, "person {id} day {day}");
            assert_eq!(segs[segs.len() - 1].end(), midnight + calendar::DAY_SECONDS);
            for s in segs {
                assert!(s.start() < s.end(), "empty segment {s:?}");
            }
            for mv in plan.moves() {
                assert!(mv.distance_km() > 0.0, "move of zero length {mv:?}");
            }
            for w in segs.windows(2) {
                assert_eq!(w[0].end(), w[1].start(), "gap or overlap: {w:?}");
                // Moves start where the person was and end where they stay next.
                match (&w[0], &w[1]) {
                    (Segment::Stay(s), Segment::Move(m)) => assert_eq!((s.lon, s.lat), m.from),
                    (Segment::Move(m), Segment::Stay(s)) => assert_eq!(m.to, (s.lon, s.lat)),
                    _ => panic!("stays and moves must alternate: {w:?}"),
                }
            }
            let night = |s: &Segment| {
                matches!(s, Segment::Stay(s) if matches!(s.purpose,
                    StayPurpose::Home | StayPurpose::Work | StayPurpose::Lodging))
            };
            assert!(night(&segs[0]) && night(&segs[segs.len() - 1]));
            // Positions are continuous: one second apart, never more than one second of travel.
            for s in segs.iter().skip(1) {
                let (a, b) = (plan.position_at(s.start() - 1), plan.position_at(s.start()));
                assert!(distance_km(a, b) < 0.03, "jump at {}", s.start());
            }
        }
    }
}

#[test]
fn speeds_stay_within_bounds() {
    let m = mobility();
    let mut moves = 0;
    for id in sample_ids(400) {
        for plan in week(&m, id) {
            for mv in plan.moves() {
                moves += 1;
                let km = mv.distance_km();
                let kmh = km / ((mv.end - mv.start) as f64 / 3600.0);
                match mv.mode {
                    Mode::Walk => assert!(km < travel::WALK_MAX_KM && kmh <= travel::WALK_KMH),
                    Mode::Road => {
                        assert!(km >= travel::WALK_MAX_KM);
                        assert!(
                            (5.0..=travel::ROAD_MAX_KMH).contains(&kmh),
                            "{km} km at {kmh} km/h"
                        );
                    }
                    Mode::Air => assert!(kmh <= outbound::FLIGHT_KMH, "{km} km at {kmh} km/h"),
                }
            }
        }
    }
    assert!(moves > 1000, "{moves} moves");
}

#[test]
fn stays_lie_in_malaysia_and_their_district() {
    let m = mobility();
    let geo = Geography::get();
    let (mut stays, mut same_district) = (0, 0);
    for id in sample_ids(300) {
        for plan in week(&m, id) {
            for s in plan.stays() {
                let found = geo.locate(s.lon, s.lat);
                assert!(found.is_some(), "{s:?} is not in Malaysia");
                assert!(m.region().contains(s.district), "{s:?} outside the region");
                stays += 1;
                same_district += usize::from(found == Some(s.district));
            }
        }
    }
    assert!(
        same_district * 100 >= stays * 99,
        "{same_district} of {stays}"
    );
}

/// Greater Kuala Lumpur / Klang Valley (PEMANDU ETP 2010): its ten municipalities lie in these
/// districts.
const METRO: [&str; 7] = ["14_1", "16_1", "10_5", "10_1", "10_2", "10_8", "10_7"];

/// Whether two districts' boundaries come within about 1 km of each other.
fn adjacent(a: &District, b: &District) -> bool {
    b.boundary
        .iter()
        .any(|p| Euclidean.distance(&a.boundary, p) < 0.01)
}

#[test]
fn klang_valley_commutes_stay_in_the_metro_area() {
    let m = mobility();
    let geo = Geography::get();
    let metro = |d: u16| METRO.contains(&geo.district(d).code);
    let (mut workers, mut near) = (0usize, 0usize);
    let mut km = Vec::new();
    for id in 0..population().len() {
        let p = population().person(id);
        let Some(work) = m.anchors(&p).work().copied() else {
            continue;
        };
        assert!(geo.locate(work.lon, work.lat).is_some(), "work {work:?}");
        workers += 1;
        km.push(distance_km(p.home, work.point()));
        let (h, w) = (geo.district(p.district), geo.district(work.district));
        near +=
            usize::from(h.index == w.index || metro(h.index) && metro(w.index) && adjacent(h, w));
    }
    km.sort_by(f64::total_cmp);
    let median = km[km.len() / 2];
    let share = near as f64 / workers as f64;
    let employed = workers as f64 / population().len() as f64;
    eprintln!(
        "Klang Valley: {workers} workers ({employed:.2} of persons), {share:.3} in home or \
         adjacent metro district, median commute {median:.1} km, p90 {:.1} km",
        km[km.len() * 9 / 10]
    );
    assert!(share >= 0.6, "share {share}");
    assert!((8.0..=15.0).contains(&median), "median {median} km");
    assert!((0.35..0.6).contains(&employed), "employed share {employed}");
}

#[test]
fn weekends_have_fewer_work_stays() {
    let m = mobility();
    let work_stays = |day: u32| -> usize {
        sample_ids(1000)
            .map(|id| {
                let p = population().person(id);
                let a = m.anchors(&p);
                m.plan(&p, &a, day)
                    .stays()
                    .filter(|s| s.purpose == StayPurpose::Work)
                    .count()
            })
            .sum()
    };
    // Day 0 is a Monday, day 5 a Saturday.
    let (monday, saturday) = (work_stays(0), work_stays(5));
    assert!(monday > 200, "{monday}");
    assert!(
        saturday * 3 < monday,
        "{saturday} on Saturday, {monday} on Monday"
    );
}

/// Where each of `ids` is at 03:00 on each night of the first two weeks: (person id, anchors,
/// stays by night).
fn night_stays(m: &Mobility<'_>, ids: impl Iterator<Item = u64>) -> Vec<(u64, Anchors, Vec<Stay>)> {
    ids.map(|id| {
        let p = population().person(id);
        let a = m.anchors(&p);
        let stays = (0..14)
            .map(|d| {
                let plan = m.plan(&p, &a, d);
                let t = local_midnight(start()) + i64::from(d) * calendar::DAY_SECONDS + 3 * 3_600;
                *plan
                    .stays()
                    .find(|s| s.start <= t && t < s.end)
                    .expect("asleep at 03:00")
            })
            .collect();
        (id, a, stays)
    })
    .collect()
}

#[test]
fn night_workers_are_at_work_at_night_and_home_by_day() {
    let m = mobility();
    let seed = population().seed();
    let sample = night_stays(&m, sample_ids(4_000));
    let workers: Vec<_> = sample
        .iter()
        .filter(|(_, a, _)| matches!(a.occupation, Occupation::Worker(_)) && a.crossing.is_none())
        .collect();
    let night: Vec<_> = (workers.iter())
        .filter(|(id, a, stays)| {
            let shift = stays.iter().any(|s| s.purpose == StayPurpose::Work);
            // Only night workers are at work at 03:00, and they are on most nights.
            assert_eq!(shift, nights::night_worker(seed, *id, a), "{id}");
            shift
        })
        .collect();
    let n = workers.len() as f64;
    let share = night.len() as f64 / n;
    let sd = (nights::NIGHT_SHIFT_SHARE * (1.0 - nights::NIGHT_SHIFT_SHARE) / n).sqrt();
    assert!(
        (share - nights::NIGHT_SHIFT_SHARE).abs() < 4.0 * sd,
        "{share} of {n} workers at work at 03:00"
    );
    // Night workers sleep at home by day: no work stay between 10:00 and 18:00.
    for (id, a, _) in &night {
        let p = population().person(*id);
        for d in 0..7 {
            let plan = m.plan(&p, a, d);
            let day0 = local_midnight(start()) + i64::from(d) * calendar::DAY_SECONDS;
            assert!(plan.stays().all(|s| s.purpose != StayPurpose::Work
                || s.end <= day0 + 10 * 3_600
                || s.start >= day0 + 18 * 3_600));
        }
    }
}

#[test]
fn nights_away_follow_the_rate_and_home_detection_misses_some_homes() {
    let m = mobility();
    let sample = night_stays(&m, sample_ids(3_000));
    let (mut away, mut nights) = (0usize, 0usize);
    let mut modal_home = 0usize;
    for (_, a, stays) in &sample {
        for s in stays {
            nights += usize::from(s.purpose != StayPurpose::Work);
            away += usize::from(s.purpose == StayPurpose::Lodging);
        }
        let at_home = stays.iter().filter(|s| (s.lon, s.lat) == a.home).count();
        modal_home += usize::from(2 * at_home > stays.len());
    }
    let rate = away as f64 / nights as f64;
    let sd = (nights::NIGHT_AWAY / nights as f64).sqrt();
    assert!(
        (rate - nights::NIGHT_AWAY).abs() < 4.0 * sd,
        "{away} of {nights} nights away"
    );
    // The place of most nights is home for most persons, but no longer for all.
    let accuracy = modal_home as f64 / sample.len() as f64;
    assert!(
        (0.9..0.99).contains(&accuracy),
        "home at night for {accuracy}"
    );
}

#[test]
fn radius_of_gyration_has_a_heavy_tail() {
    let m = mobility();
    let mut all = Vec::new();
    let mut mobile = Vec::new();
    for id in sample_ids(1500) {
        let points: Vec<(f64, f64)> = week(&m, id)
            .iter()
            .flat_map(|p| p.stays().map(|s| (s.lon, s.lat)).collect::<Vec<_>>())
            .collect();
        let n = points.len() as f64;
        let centre = (
            points.iter().map(|p| p.0).sum::<f64>() / n,
            points.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let rg = (points
            .iter()
            .map(|&p| distance_km(p, centre).powi(2))
            .sum::<f64>()
            / n)
            .sqrt();
        all.push(rg);
        if rg > 0.0 {
            mobile.push(rg);
        }
    }
    let q = |v: &mut Vec<f64>, f: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * f) as usize]
    };
    let (p50, p90) = (q(&mut mobile, 0.5), q(&mut mobile, 0.9));
    eprintln!(
        "r_g over 7 days: {} of {} persons left home; p50 {p50:.2} km, p90 {p90:.2} km, \
         p99 {:.2} km (all persons: p50 {:.2} km, p90 {:.2} km)",
        mobile.len(),
        all.len(),
        q(&mut mobile, 0.99),
        q(&mut all, 0.5),
        q(&mut all, 0.9)
    );
    assert!(
        mobile.len() * 10 > all.len() * 8,
        "most persons leave home in a week"
    );
    assert!(p90 >= 2.0 * p50, "p50 {p50} p90 {p90}");
}

#[test]
fn anchors_follow_age_and_birth_state() {
    let m = mobility();
    let (mut prime_men, mut prime_men_employed) = (0, 0);
    for id in sample_ids(4000) {
        let p = population().person(id);
        let a = m.anchors(&p);
        let age = p.age_on(start());
        match a.occupation {
            Occupation::Pupil(s) => {
                assert!((7..=17).contains(&age));
                assert_eq!(s.district, p.district);
                assert!(distance_km(p.home, s.point()) <= anchors::SCHOOL_RADIUS_KM + 1e-9);
            }
            Occupation::Worker(_) => assert!((18..65).contains(&age)),
            Occupation::Student(_) => assert!((18..24).contains(&age)),
            Occupation::Free => assert!(!(7..=17).contains(&age)),
        }
        if p.is_citizen() && p.male && (25..55).contains(&age) {
            prime_men += 1;
            prime_men_employed += usize::from(a.work().is_some());
        }
        match (p.birth_state, a.kampung_district) {
            (None, k) => assert_eq!(k, None),
            (Some(b), Some(k)) => {
                assert_eq!(districts()[usize::from(k)].state_code, b);
                assert_ne!(k, p.district);
            }
            (Some(b), None) => assert_eq!(b, p.state_code, "born elsewhere without kampung"),
        }
    }
    let rate = prime_men_employed as f64 / prime_men as f64;
    assert!((rate - 0.93).abs() < 0.04, "{rate} of {prime_men}");
}

#[test]
fn trajectories_table_is_sorted_and_complete() {
    let m = mobility();
    let mut builder = TrajectoriesBuilder::default();
    let mut segments = 0;
    for id in sample_ids(50) {
        for plan in week(&m, id).iter().take(2) {
            builder.push(id, plan);
            segments += plan.segments.len();
        }
    }
    let batch = builder.finish();
    assert_eq!(batch.num_rows(), segments);
    let Some(crate::columnar::ColumnData::TimestampSeconds(starts)) =
        batch.column("start_time").map(|c| &c.data)
    else {
        panic!("start_time column");
    };
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    let Some(crate::columnar::ColumnData::Utf8(purpose)) = batch.column("purpose").map(|c| &c.data)
    else {
        panic!("purpose column");
    };
    assert!((0..purpose.len()).any(|i| purpose.get(i) == "work"));
    assert!((0..purpose.len()).any(|i| purpose.get(i) == "road"));
}

/// Cost of one person-day plan; run with
/// `cargo test --release -p telcosynth-generator plan_day_cost -- --ignored --nocapture`.
#[test]
#[ignore = "timing, for release builds"]
fn plan_day_cost() {
    let m = mobility();
    let residents: Vec<(Person, Anchors)> = sample_ids(2000)
        .map(|id| {
            let p = population().person(id);
            let a = m.anchors(&p);
            (p, a)
        })
        .collect();
    // A month at the start of a year and one at its end: place lookups grow with the day index.
    let mut per_day = Vec::new();
    let mut segments = 0;
    for days in [0..28, 337..365] {
        let t = std::time::Instant::now();
        for (p, a) in &residents {
            for day in days.clone() {
                segments += m.plan(p, a, day).segments.len();
            }
        }
        per_day.push(t.elapsed().as_secs_f64() * 1e6 / (residents.len() * days.len()) as f64);
    }
    let plans = (residents.len() * 56) as f64;
    let t = std::time::Instant::now();
    for (p, _) in &residents {
        std::hint::black_box(m.anchors(p));
    }
    eprintln!(
        "plan_day: {:.2} µs per person-day on days 0-27, {:.2} on days 337-364 ({:.1} \
         segments); anchors: {:.2} µs per person",
        per_day[0],
        per_day[1],
        segments as f64 / plans,
        t.elapsed().as_secs_f64() * 1e6 / residents.len() as f64
    );
}

fn ymd(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

/// The Klang Valley model from `first` to `last` with the default festival shares.
fn travelling(first: NaiveDate, last: NaiveDate) -> Mobility<'static> {
    let travel = TravelSpec {
        cny_share: crate::scenario::DEFAULT_BALIK_KAMPUNG_CNY_SHARE,
        raya_share: crate::scenario::DEFAULT_BALIK_KAMPUNG_RAYA_SHARE,
        leisure_share: 0.0,
        outbound_scale: 0.0,
        first,
        last,
    };
    Mobility::with_travel(population(), &klang_valley(), first, travel)
}

/// Every trip of the population, with the traveller.
fn all_trips(m: &Mobility<'_>) -> Vec<(Person, Trip)> {
    (0..population().len())
        .flat_map(|id| {
            let p = population().person(id);
            m.trips(&p).into_iter().map(move |t| (p.clone(), t))
        })
        .collect()
}

#[test]
fn no_trips_outside_the_festivals() {
    // The quickstart week: no festival, no travel, no extra coverage.
    let m = travelling(start(), ymd(1, 12));
    assert!(!m.travel().has_travel());
    assert!(m.region().travel_districts().is_empty());
    for id in sample_ids(2000) {
        assert!(m.anchors(&population().person(id)).trips.is_empty());
    }
}

#[test]
fn chinese_new_year_exodus_leaves_in_a_wave_and_comes_back() {
    let m = travelling(ymd(1, 13), ymd(2, 5));
    let peninsular = |d: u16| {
        districts()[usize::from(d)].state_code <= 11
            || matches!(districts()[usize::from(d)].state_code, 14 | 16)
    };
    assert!(m.region().travel_districts().iter().all(|&d| peninsular(d)));
    assert_eq!(
        m.region().travel_districts().len() + klang_valley().len(),
        districts().iter().filter(|d| peninsular(d.index)).count()
    );
    let trips = all_trips(&m);
    let mut departures = std::collections::BTreeMap::new();
    let mut returns = std::collections::BTreeMap::new();
    let mut travellers = std::collections::HashSet::new();
    for (p, t) in &trips {
        assert_eq!(p.ethnicity, crate::population::Ethnicity::Chinese);
        assert_eq!(t.holiday, Some("Chinese New Year"));
        assert_eq!(t.origin.district, p.district);
        assert_ne!(t.lodging.district, p.district);
        assert!(peninsular(t.lodging.district), "{t:?}");
        assert!(t.distance_km() >= trips::MIN_TRIP_KM, "{t:?}");
        let geo = Geography::get();
        assert_eq!(
            geo.locate(t.lodging.lon, t.lodging.lat),
            Some(t.lodging.district)
        );
        assert!(t.depart < t.arrive && t.arrive < t.leave && t.leave < t.back);
        assert_eq!(calendar::local_date(t.arrive), t.depart_date(), "{t:?}");
        *departures.entry(t.depart_date()).or_insert(0) += 1;
        *returns.entry(t.return_date()).or_insert(0) += 1;
        travellers.insert(p.id);
    }
    let count = |series: &std::collections::BTreeMap<NaiveDate, u32>, from: u32, to: u32| {
        (from..=to)
            .map(|d| series.get(&ymd(1, d)).copied().unwrap_or(0))
            .sum::<u32>()
    };
    let (wave, before) = (count(&departures, 24, 28), count(&departures, 13, 17));
    let chinese = (0..population().len())
        .filter(|&id| population().person(id).ethnicity == crate::population::Ethnicity::Chinese)
        .count();
    eprintln!(
        "CNY: {} of {chinese} Chinese residents travel; departures by day {departures:?}; \
         returns by day {returns:?}",
        travellers.len()
    );
    assert!(
        wave >= 5 * before.max(1),
        "{wave} in the wave, {before} on 13-17 Jan"
    );
    assert_eq!(wave as usize, trips.len(), "every departure in the wave");
    let back: u32 = [(1, 31), (2, 1), (2, 2), (2, 3)]
        .iter()
        .map(|&(m, d)| returns.get(&ymd(m, d)).copied().unwrap_or(0))
        .sum();
    assert_eq!(back as usize, trips.len());
    let share = travellers.len() as f64 / chinese as f64;
    assert!(
        (0.03..0.3).contains(&share),
        "{share} of Chinese residents travel"
    );
    // Households travel together.
    for (p, t) in trips.iter().step_by(7) {
        for member in population().household(p.id) {
            let other = m.trips(&population().person(member));
            assert_eq!(other.len(), 1, "household of {} split", p.id);
            assert_eq!((other[0].depart, other[0].lodging), (t.depart, t.lodging));
        }
    }
}

#[test]
fn hari_raya_takes_malays_home() {
    let m = travelling(ymd(3, 24), ymd(4, 8));
    let trips = all_trips(&m);
    assert!(trips.len() > 500, "{} Raya trips", trips.len());
    for (p, t) in &trips {
        assert_eq!(p.community, crate::population::Community::Malay);
        assert_eq!(t.holiday, Some("Hari Raya Aidilfitri"));
        assert!((ymd(3, 27)..=ymd(3, 30)).contains(&t.depart_date()));
        assert!((ymd(4, 2)..=ymd(4, 6)).contains(&t.return_date()));
    }
}

#[test]
fn trip_days_follow_the_trip() {
    let (first, last) = (ymd(1, 22), ymd(2, 4));
    let m = travelling(first, last);
    let days = (last - first).num_days() as u32 + 1;
    let mut checked = 0;
    for id in sample_ids(3000) {
        let p = population().person(id);
        let a = m.anchors(&p);
        let Some(trip) = a.trips.first() else {
            continue;
        };
        checked += 1;
        for day in 0..days {
            let date = first + chrono::Days::new(u64::from(day));
            let plan = m.plan(&p, &a, day);
            let midnight = local_midnight(date);
            let segs = &plan.segments;
            assert_eq!(segs[0].start(), midnight);
            assert_eq!(segs[segs.len() - 1].end(), midnight + calendar::DAY_SECONDS);
            for w in segs.windows(2) {
                assert_eq!(w[0].end(), w[1].start(), "gap or overlap: {w:?}");
                assert!(w[0].start() < w[0].end(), "empty segment {w:?}");
            }
            for s in segs.iter().skip(1) {
                let (x, y) = (plan.position_at(s.start() - 1), plan.position_at(s.start()));
                assert!(distance_km(x, y) < 0.05, "jump at {}", s.start());
            }
            for mv in plan.moves() {
                assert!(mv.distance_km() > 0.0, "move of zero length {mv:?}");
                let kmh = mv.distance_km() / ((mv.end - mv.start) as f64 / 3600.0);
                assert!(kmh <= travel::ROAD_MAX_KMH, "{kmh} km/h");
            }
            let base = |s: &Segment| match s {
                Segment::Stay(s) => Some((s.purpose, s.district)),
                Segment::Move(_) => None,
            };
            let (morning, night) = (base(&segs[0]), base(&segs[segs.len() - 1]));
            let away = (StayPurpose::Lodging, Some(trip.lodging.district));
            let home = (StayPurpose::Home, Some(p.district));
            let at = |b: Option<(StayPurpose, u16)>| b.map(|(s, d)| (s, Some(d)));
            if date < trip.depart_date() || date > trip.return_date() {
                // Around the trip, nights are at home; other nights may be on a shift or away.
                let ordinary = |b: Option<(StayPurpose, u16)>| {
                    at(b) == Some(home)
                        || matches!(b, Some((StayPurpose::Work | StayPurpose::Lodging, _)))
                };
                assert!(
                    ordinary(morning) && ordinary(night),
                    "{morning:?} {night:?}"
                );
                if date.succ_opt() == Some(trip.depart_date()) {
                    assert_eq!(at(night), Some(home));
                }
                if date.pred_opt() == Some(trip.return_date()) {
                    assert_eq!(at(morning), Some(home));
                }
            } else if date == trip.depart_date() {
                assert_eq!((at(morning), at(night)), (Some(home), Some(away)));
            } else if date == trip.return_date() {
                assert_eq!((at(morning), at(night)), (Some(away), Some(home)));
            } else {
                assert_eq!((at(morning), at(night)), (Some(away), Some(away)));
                assert!(plan.stays().all(|s| s.purpose != StayPurpose::Work));
            }
        }
    }
    assert!(checked > 50, "{checked} travellers checked");
}

#[test]
fn leisure_trips_span_rest_days_reach_resorts_and_never_overlap() {
    let (first, last) = (ymd(1, 6), ymd(1, 26));
    let travel = TravelSpec {
        cny_share: 0.0,
        raya_share: 0.0,
        leisure_share: 0.05,
        outbound_scale: 0.0,
        first,
        last,
    };
    let m = Mobility::with_travel(population(), &klang_valley(), first, travel);
    let mut n = 0;
    for id in sample_ids(3000) {
        let p = population().person(id);
        let trips = m.trips(&p);
        for w in trips.windows(2) {
            assert!(w[0].back < w[1].depart, "overlapping trips {w:?}");
        }
        let head = population().person(population().household(id).start);
        assert_eq!(m.trips(&head), trips, "a household travels together");
        for t in &trips {
            n += 1;
            assert_eq!(t.kind, TripKind::Leisure);
            assert!(t.destination.is_some() && t.holiday.is_none());
            for d in [t.depart_date(), t.return_date()] {
                assert!(
                    !day_type(p.state_code, d).is_working_day(),
                    "{d} is a working day"
                );
            }
            assert!(t.depart < t.arrive && t.arrive < t.leave && t.leave < t.back);
            assert!(
                (35.0..=355.0).contains(&t.distance_km()),
                "{} km",
                t.distance_km()
            );
        }
    }
    assert!(n > 30, "{n} leisure trips");
}

#[test]
fn trips_abroad_follow_the_shares_cross_at_a_gateway_and_stay_abroad() {
    use crate::mobility::outbound::DESTINATIONS;
    use crate::mobility::trips::Celebrants;
    let (first, last) = (ymd(1, 6), ymd(3, 30));
    let travel = TravelSpec {
        cny_share: 0.0,
        raya_share: 0.0,
        leisure_share: 0.0,
        outbound_scale: 1.0,
        first,
        last,
    };
    let m = Mobility::with_travel(population(), &klang_valley(), first, travel);
    let (mut observed, mut expected) = ([0.0f64; 8], [0.0f64; 8]);
    let (mut rest, mut work) = ((0, 0), (0, 0));
    for id in 0..population().len() {
        if population().household(id).start != id {
            continue;
        }
        let head = population().person(id);
        let muslim = Celebrants::Malay.include(&head);
        let eligible: f64 = (DESTINATIONS.iter())
            .filter(|d| muslim || !d.pilgrimage)
            .map(|d| d.share)
            .sum();
        for t in m.trips(&head) {
            assert_eq!(t.kind, TripKind::Outbound);
            let country = abroad::country(t.lodging.district).expect("a country abroad");
            let k = DESTINATIONS.iter().position(|d| d.iso3 == country).unwrap();
            assert!(
                muslim || !DESTINATIONS[k].pilgrimage,
                "Umrah by a non-Muslim household"
            );
            observed[k] += 1.0;
            for (j, d) in DESTINATIONS.iter().enumerate() {
                if muslim || !d.pilgrimage {
                    expected[j] += d.share / eligible;
                }
            }
            let g = t.gateway.as_ref().expect("a gateway");
            assert!(t.depart < g.out.0 && g.out.0 < g.out.1 && g.out.1 < t.arrive);
            assert!(t.arrive < t.leave && t.leave < g.back.0 && g.back.1 < t.back);
            let nights = (t.return_date() - t.depart_date()).num_days();
            assert!((1..=21).contains(&nights), "{nights} nights");
            // A whole day away is spent in the country; the departure day passes the gateway.
            let a = m.anchors(&head);
            let day = |d: NaiveDate| (d - first).num_days();
            if day(t.depart_date()) >= 0 && day(t.depart_date()) + 1 < day(last) {
                let next = m.plan(&head, &a, day(t.depart_date()) as u32 + 1);
                let next_midnight = local_midnight(t.depart_date().succ_opt().unwrap());
                assert_eq!(next.country_at(next_midnight + 60), Some(country));
                let out = m.plan(&head, &a, day(t.depart_date()) as u32);
                assert!(
                    out.country_at(g.out.0).is_none(),
                    "at the gateway in Malaysia"
                );
                assert_eq!(out.country_at(t.arrive), Some(country));
                let counter = if day_type(head.state_code, t.depart_date()).is_working_day() {
                    &mut work
                } else {
                    &mut rest
                };
                counter.0 += 1;
            }
        }
    }
    let n: f64 = observed.iter().sum();
    assert!(n > 150.0, "{n} trips abroad");
    for (k, d) in DESTINATIONS.iter().enumerate() {
        let sd = expected[k].sqrt();
        assert!(
            (observed[k] - expected[k]).abs() <= 4.0 * sd + 2.0,
            "{}: {} trips, expected {:.1}",
            d.iso3,
            observed[k],
            expected[k]
        );
    }
    // Departures per rest day and per working day in the period (Selangor: 23 rest days of 84).
    for d in first.iter_days().take_while(|d| *d < last) {
        if day_type(10, d).is_working_day() {
            work.1 += 1;
        } else {
            rest.1 += 1;
        }
    }
    let per = |(n, days): (i32, i32)| f64::from(n) / f64::from(days);
    assert!(
        per(rest) > 1.3 * per(work),
        "rest {rest:?}, working {work:?}"
    );
}

#[test]
fn chinese_new_year_leaves_the_metropolises_by_their_chinese_population_for_home_towns() {
    use crate::population::Ethnicity;
    let code = |c: &str| districts().iter().find(|d| d.code == c).unwrap().index;
    let (kl, jb) = (code("14_1"), code("1_2"));
    let region = vec![kl, jb];
    let population = Population::new(test_spec(
        13,
        region.clone(),
        PopulationSize::Persons(40_000),
    ))
    .unwrap();
    let (first, last) = (ymd(1, 20), ymd(2, 5));
    let travel = TravelSpec {
        cny_share: crate::scenario::DEFAULT_BALIK_KAMPUNG_CNY_SHARE,
        raya_share: 0.0,
        leisure_share: 0.0,
        outbound_scale: 0.0,
        first,
        last,
    };
    let m = Mobility::with_travel(&population, &region, first, travel);
    let (mut from, mut chinese) = ([0.0f64; 2], [0.0f64; 2]);
    let mut to: std::collections::BTreeMap<&str, u32> = Default::default();
    for id in 0..population.len() {
        let p = population.person(id);
        let k = usize::from(p.district == jb);
        if p.ethnicity == Ethnicity::Chinese {
            chinese[k] += 1.0;
        }
        for t in m
            .trips(&p)
            .iter()
            .filter(|t| t.kind == TripKind::BalikKampung)
        {
            from[k] += 1.0;
            *to.entry(districts()[usize::from(t.lodging.district)].code)
                .or_default() += 1;
        }
    }
    // Origins in proportion to the Chinese population, within a factor of two: Kuala Lumpur's
    // many residents born in other states go home too.
    let ratio = (from[0] / from[1]) / (chinese[0] / chinese[1]);
    assert!(
        (0.5..=2.0).contains(&ratio),
        "KL {from:?} trips, {chinese:?} Chinese: {ratio}"
    );
    // Home towns, not metropolises: Kuala Lumpur and Petaling are no top destination.
    let mut top: Vec<(&str, u32)> = to.into_iter().collect();
    top.sort_by_key(|(c, n)| (std::cmp::Reverse(*n), *c));
    let top3: Vec<&str> = top.iter().take(3).map(|t| t.0).collect();
    let metro = |c: &&str| ["14_1", "10_5"].contains(c);
    assert!(!top3.iter().any(metro), "top destinations {top:?}");
}

#[test]
fn full_density_regions_keep_nearly_every_commute_inside() {
    use crate::density::FULL_DENSITY_SCENARIOS;
    use crate::mobility::region::outside_job_share;
    for name in FULL_DENSITY_SCENARIOS {
        let scenario = crate::scenario::resolve(name)
            .load(&crate::tables::names())
            .unwrap();
        let share = outside_job_share(&scenario.districts());
        println!(
            "{name}: {:.2} % of workplaces would lie outside the region",
            share * 100.0
        );
        // Below 5 % for the privacy benchmarks; the Kapit division of the connectivity scenario,
        // far up the Rajang, sends 5.0 %.
        assert!(share < 0.055, "{name}: {share}");
    }
    // The measure sees a region's open edge: Putrajaya alone sends most commuters out.
    let putrajaya: Vec<u16> = districts()
        .iter()
        .filter(|d| d.code == "16_1")
        .map(|d| d.index)
        .collect();
    assert!(outside_job_share(&putrajaya) > 0.3);
}
