//! Linkage with background knowledge.
//!
//! Known points: the adversary knows `p` of the target's true stays (from `trajectories`): a
//! random instant of each, with its time moved by up to ± `time_noise_s` and its position by up
//! to `position_noise_m` in a random direction, and the district of the stay. A released event
//! is compatible with a known point when it lies within `match_window_s` of the noisy time and
//! in a zone the noisy place may be released as (at cell level: a cell whose site lies within
//! `match_radius_m`). The adversary picks the pseudonym compatible with the most points; ties
//! are split evenly (a tie of k containing the target's pseudonym scores 1/k). Success: the
//! pseudonym belongs to the target (owners from the raw rows, see `knowledge`).
//!
//! Home–work: the adversary knows the target's home and work district (state at state level)
//! and keeps every pseudonym whose inferred home (most frequent region of its night events,
//! 22:00–06:00 local) and work (most frequent region of weekday 09:00–17:00 events) match: the
//! anonymity set. Success: 1/|set| when the target's pseudonym is in it.
//!
//! Baseline of both: the same attack run with a control person's knowledge, scored as a
//! success when it picks the pseudonym of a target paired with the control at random; it
//! measures links by chance.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use telcosynth_generator::geography::projection::offset;

use super::RiskParams;
use super::knowledge::{Knowledge, bin, local_hour_weekday, mode};
use super::sample::{Purpose, choose, uniform};
use super::stats::{AttackResult, Rate};

/// The home–work attack's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct HomeWorkReport {
    /// Success on targets and the chance baseline.
    pub attack: AttackResult,
    /// Mean size of the anonymity set of targets with a non-empty set.
    pub mean_anonymity_set: f64,
    /// Share of targets whose anonymity set holds exactly one pseudonym.
    pub unique_share: Rate,
}

/// What the adversary knows of a person for `p` points, or `None` without `p` stays: per point
/// the zones and the bin range it may be released as.
fn known_points(
    knowledge: &Knowledge,
    params: &RiskParams,
    person: i64,
    p: u32,
) -> Option<Vec<(Vec<u32>, i64, i64)>> {
    let stays = &knowledge.persons[&person].stays;
    if stays.len() < p as usize {
        return None;
    }
    let seed = params.seed;
    let key = |i: usize, what: u64| [person as u64, u64::from(p), i as u64, what];
    let points = choose(
        stays.len(),
        p as usize,
        seed,
        Purpose::Points,
        &[person as u64, u64::from(p), 1],
    )
    .into_iter()
    .map(|i| {
        let s = &stays[i];
        let at =
            s.start + ((s.end - s.start) as f64 * uniform(seed, Purpose::Noise, &key(i, 0))) as i64;
        let shift =
            (2.0 * uniform(seed, Purpose::Noise, &key(i, 1)) - 1.0) * params.time_noise_s as f64;
        let t = at + shift as i64;
        let angle = std::f64::consts::TAU * uniform(seed, Purpose::Noise, &key(i, 2));
        let r_km =
            params.position_noise_m / 1000.0 * uniform(seed, Purpose::Noise, &key(i, 3)).sqrt();
        let (lon, lat) = offset(s.lon, s.lat, r_km * angle.cos(), r_km * angle.sin());
        let zones = knowledge
            .zones
            .around(lon, lat, &s.district_code, params.match_radius_m);
        (
            zones,
            bin(t - params.match_window_s, knowledge.bin_s),
            bin(t + params.match_window_s, knowledge.bin_s),
        )
    })
    .collect();
    Some(points)
}

/// Counters over the release's subjects, reused from one person to the next: at full density
/// a known point is compatible with tens of thousands of pseudonyms.
pub(crate) struct Tally {
    /// Points each subject is compatible with.
    count: Vec<u32>,
    /// The last point that counted each subject.
    seen: Vec<u32>,
    /// The current point's number.
    point: u32,
    /// Subjects with a non-zero count.
    touched: Vec<u32>,
}

impl Tally {
    /// Counters for every subject of `knowledge`'s release.
    pub fn new(knowledge: &Knowledge) -> Tally {
        let n = knowledge.release.subjects.len();
        Tally {
            count: vec![0; n],
            seen: vec![0; n],
            point: 0,
            touched: Vec::new(),
        }
    }
}

/// The pseudonyms compatible with the most of a person's `p` known points (empty when none is
/// compatible with any), sorted, or `None` when the person has fewer than `p` stays.
pub(crate) fn best_matches(
    knowledge: &Knowledge,
    params: &RiskParams,
    person: i64,
    p: u32,
    tally: &mut Tally,
) -> Option<Vec<u32>> {
    let points = known_points(knowledge, params, person, p)?;
    for (zones, lo, hi) in points {
        tally.point += 1;
        for z in zones {
            for &(_, s) in knowledge.release.at(z, lo, hi) {
                let i = s as usize;
                if tally.seen[i] != tally.point {
                    tally.seen[i] = tally.point;
                    if tally.count[i] == 0 {
                        tally.touched.push(s);
                    }
                    tally.count[i] += 1;
                }
            }
        }
    }
    let best = tally
        .touched
        .iter()
        .map(|&s| tally.count[s as usize])
        .max()
        .unwrap_or(0);
    let mut winners: Vec<u32> = tally
        .touched
        .iter()
        .copied()
        .filter(|&s| tally.count[s as usize] == best)
        .collect();
    for &s in &tally.touched {
        tally.count[s as usize] = 0;
    }
    tally.touched.clear();
    winners.sort_unstable();
    Some(winners)
}

/// `f` of every person, in order, computed in parallel with a [`Tally`] per thread.
pub(crate) fn per_person<T: Send>(
    knowledge: &Knowledge,
    persons: &[i64],
    f: impl Fn(i64, &mut Tally) -> T + Sync,
) -> Vec<T> {
    persons
        .par_iter()
        .map_init(|| Tally::new(knowledge), |tally, &id| f(id, tally))
        .collect()
}

/// Share of a candidate set (sorted) owned by `person`, a sampled target: the chance that a
/// uniform pick among them is one of the target's pseudonyms.
pub(crate) fn share_owned(knowledge: &Knowledge, candidates: &[u32], person: i64) -> f64 {
    debug_assert!(candidates.is_sorted(), "candidates must be sorted");
    if candidates.is_empty() {
        return 0.0;
    }
    let owned = knowledge
        .release
        .owned_by(person)
        .iter()
        .filter(|s| candidates.binary_search(s).is_ok())
        .count();
    owned as f64 / candidates.len() as f64
}

/// The target a control person is scored against in baselines.
pub(crate) fn paired_target(knowledge: &Knowledge, seed: u64, control: i64) -> Option<i64> {
    let n = knowledge.targets.len();
    (n > 0).then(|| {
        let u = uniform(seed, Purpose::Shuffle, &[control as u64]);
        knowledge.targets[((u * n as f64) as usize).min(n - 1)]
    })
}

/// Linkage for each number of points.
pub(crate) fn assess(knowledge: &Knowledge, params: &RiskParams) -> Vec<AttackResult> {
    params
        .points
        .iter()
        .map(|&p| {
            let rate = |persons: &[i64], control: bool| {
                let scores = per_person(knowledge, persons, |id, tally| {
                    let best = best_matches(knowledge, params, id, p, tally)?;
                    let scored = if control {
                        paired_target(knowledge, params.seed, id)
                    } else {
                        Some(id)
                    };
                    Some(scored.map_or(0.0, |t| share_owned(knowledge, &best, t)))
                });
                let scores: Vec<f64> = scores.into_iter().flatten().collect();
                Rate::new(scores.iter().sum(), scores.len() as u64)
            };
            AttackResult::new(
                "linkage",
                Some(p),
                rate(knowledge.targets, false),
                rate(knowledge.controls, true),
            )
        })
        .collect()
}

/// A pseudonym's inferred places: the most frequent region of its events at night (home), on
/// weekdays 09:00–17:00 (work) and in the remaining waking hours (free time); with day bins,
/// home and free time are its most frequent region and work is unknown.
#[derive(Debug, Clone, Default)]
pub(crate) struct Profile {
    pub home: Option<String>,
    pub work: Option<String>,
    pub free_time: Option<String>,
}

/// The [`Profile`] of every subject.
pub(crate) fn profiles(knowledge: &Knowledge) -> Vec<Profile> {
    let day_bins = knowledge.bin_s >= 86_400;
    let regions: Vec<String> = (0..knowledge.zones.count() as u32)
        .map(|z| knowledge.zones.region(z))
        .collect();
    let region = |z: u32| regions[z as usize].as_str();
    let owned = |r: Option<&str>| r.map(str::to_owned);
    (0..knowledge.release.subjects.len() as u32)
        .into_par_iter()
        .map(|s| {
            let events = knowledge.release.events_of(s);
            let home = mode(events.iter().filter_map(|&(_, b, z)| {
                let (hour, _) = local_hour_weekday(b, knowledge.bin_s);
                (day_bins || !(6..22).contains(&hour)).then(|| region(z))
            }));
            let work = mode(events.iter().filter_map(|&(_, b, z)| {
                let (hour, weekday) = local_hour_weekday(b, knowledge.bin_s);
                (!day_bins && weekday < 5 && (9..17).contains(&hour)).then(|| region(z))
            }));
            let free_time = mode(events.iter().filter_map(|&(_, b, z)| {
                let (hour, weekday) = local_hour_weekday(b, knowledge.bin_s);
                let free = (6..22).contains(&hour) && (weekday >= 5 || !(9..17).contains(&hour));
                (day_bins || free).then(|| region(z))
            }));
            Profile {
                home: owned(home),
                work: owned(work),
                free_time: owned(free_time),
            }
        })
        .collect()
}

/// The home–work attack.
pub(crate) fn home_work(knowledge: &Knowledge, params: &RiskParams) -> HomeWorkReport {
    let profiles = knowledge.profiles();
    let mut sets: BTreeMap<(&str, &str), Vec<u32>> = BTreeMap::new();
    for (s, p) in profiles.iter().enumerate() {
        if let (Some(h), Some(w)) = (&p.home, &p.work) {
            sets.entry((h.as_str(), w.as_str()))
                .or_default()
                .push(s as u32);
        }
    }
    let known = |person: i64| {
        let home = knowledge
            .zones
            .region_of_district(&knowledge.persons[&person].home_district_code);
        let work = knowledge.work_district(person)?;
        Some((home, knowledge.zones.region_of_district(&work)))
    };
    let (mut n, mut hits, mut set_sizes, mut unique) = (0u64, 0.0, Vec::new(), 0u64);
    for &id in knowledge.targets {
        let Some((home, work)) = known(id) else {
            continue;
        };
        let set = sets
            .get(&(home.as_str(), work.as_str()))
            .map_or(&[][..], |v| v);
        n += 1;
        hits += share_owned(knowledge, set, id);
        if !set.is_empty() {
            set_sizes.push(set.len() as f64);
        }
        unique += u64::from(set.len() == 1);
    }
    let (mut cn, mut chits) = (0u64, 0.0);
    for &id in knowledge.controls {
        let Some((home, work)) = known(id) else {
            continue;
        };
        let set = sets
            .get(&(home.as_str(), work.as_str()))
            .map_or(&[][..], |v| v);
        cn += 1;
        chits += paired_target(knowledge, params.seed, id)
            .map_or(0.0, |t| share_owned(knowledge, set, t));
    }
    HomeWorkReport {
        attack: AttackResult::new("home_work", None, Rate::new(hits, n), Rate::new(chits, cn)),
        mean_anonymity_set: if set_sizes.is_empty() {
            0.0
        } else {
            set_sizes.iter().sum::<f64>() / set_sizes.len() as f64
        },
        unique_share: Rate::new(unique as f64, n),
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::fixture::{Fixture, GENERALISED, KEYED, Transform, microdata_view};
    use crate::risk::{SpatialLevel, assess};

    #[test]
    fn known_points_link_targets_at_cell_level_but_hardly_after_generalisation() {
        let f = Fixture::new();
        let pseudonymised = KEYED;
        let out = f.release("keyed", &pseudonymised);
        let report = assess(&f.inputs(&out, microdata_view(SpatialLevel::Cell, 1))).unwrap();
        let cell3 = report
            .linkage
            .iter()
            .find(|r| r.p == Some(3))
            .unwrap()
            .clone();
        assert_eq!(cell3.attack_rate.n, 40);
        assert!(cell3.attack_rate.rate >= 0.8, "{cell3:?}");
        assert!(cell3.baseline_rate.rate <= 0.1, "{cell3:?}");
        assert!(cell3.normalised_risk.unwrap() >= 0.7);

        // Home and work districts: four combinations among 40 targets.
        let hw = report.home_work.unwrap();
        assert_eq!(hw.attack.attack_rate.n, 40);
        assert!(hw.mean_anonymity_set >= 4.0, "{hw:?}");
        assert!(hw.attack.attack_rate.rate <= 0.3, "{hw:?}");

        let traced = Transform {
            record_id: true,
            ..GENERALISED
        };
        let out = f.release("generalised-traced", &traced);
        let view = microdata_view(SpatialLevel::District, 86_400);
        let report = assess(&f.inputs(&out, view.clone())).unwrap();
        let gen3 = report.linkage.iter().find(|r| r.p == Some(3)).unwrap();
        assert!(
            gen3.attack_rate.rate <= 0.5 * cell3.attack_rate.rate,
            "{gen3:?}"
        );

        // District–day points are shared by many persons: without record_id nothing is traced.
        let out = f.release("generalised", &GENERALISED);
        let report = assess(&f.inputs(&out, view)).unwrap();
        assert!(report.linkage.is_empty());
        assert!(
            report.skipped.iter().any(|s| s.contains("traced")),
            "{:?}",
            report.skipped
        );
    }
}
