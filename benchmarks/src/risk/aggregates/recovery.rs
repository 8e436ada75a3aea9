//! Trajectory recovery from hourly presence counts (Xu et al. 2017) and the linkage of the
//! recovered trajectories to persons.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pathfinding::prelude::{Matrix, kuhn_munkres};
use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::public_data::districts;
use telcosynth_sinks::read::{DatasetReader, text};

use super::super::knowledge::{EVENT_TABLES, cell_sites, need};
use super::super::recovered_linkage::{Trajectory, known_points, reidentified};
use super::super::sample::{Purpose, choose, uniform};
use super::super::stats::{AttackResult, Rate};
use super::super::{RiskError, RiskInputs, RiskParams};
use super::Cell;
use super::transport::transport;

/// Cost of linking a subscriber to or from "not counted this hour", metres.
const ABSENT_COST_M: i64 = 5_000;

/// Largest `(zones + 1)² × hourly slots` the trajectory recovery links: the transportation
/// problem of each slot is dense in zones. District and state levels are far below it; a
/// cell-level release of more than about 770 cells over a week is skipped with the reason.
const RECOVERY_MAX_WORK: usize = 100_000_000;

/// Positions of zones: cell keys of the view, district codes and state names.
struct ZoneMap {
    level: String,
    cells: HashMap<i64, (f64, f64, String, String)>,
}

impl ZoneMap {
    fn load(input: &std::path::Path, level: &str) -> Result<ZoneMap, RiskError> {
        let mut cells = HashMap::new();
        let state_of: HashMap<&str, &str> = districts().iter().map(|d| (d.code, d.state)).collect();
        for (k, x, y, d) in cell_sites(&DatasetReader::folder(input))? {
            let state = state_of.get(d.as_str()).copied().unwrap_or("").to_owned();
            cells.insert(k, (x, y, d, state));
        }
        Ok(ZoneMap {
            level: level.to_owned(),
            cells,
        })
    }

    /// The zone id of a cell of the view at this level.
    fn zone_of_cell(&self, key: i64) -> Option<String> {
        let c = self.cells.get(&key)?;
        Some(match self.level.as_str() {
            "cell" => key.to_string(),
            "district" => c.2.clone(),
            _ => c.3.clone(),
        })
    }

    /// Centre of a zone: the cell's site, or the mean of the view's sites in it.
    fn centre(&self, zone: &str) -> Option<(f64, f64)> {
        if self.level == "cell" {
            let c = self.cells.get(&zone.parse().ok()?)?;
            return Some((c.0, c.1));
        }
        let sites: Vec<(f64, f64)> = self
            .cells
            .iter()
            .filter(|(k, _)| self.zone_of_cell(**k).as_deref() == Some(zone))
            .map(|(_, c)| (c.0, c.1))
            .collect();
        (!sites.is_empty()).then(|| {
            let n = sites.len() as f64;
            (
                sites.iter().map(|s| s.0).sum::<f64>() / n,
                sites.iter().map(|s| s.1).sum::<f64>() / n,
            )
        })
    }
}

/// Trajectory recovery, and the linkage of its trajectories to persons for each number of
/// known points; `Ok(Err(reason))` when it cannot run.
pub(super) fn recovery(
    inputs: &RiskInputs,
    cells: &[Cell],
) -> Result<Result<(AttackResult, Vec<AttackResult>), String>, RiskError> {
    let hourly: Vec<&Cell> = cells
        .iter()
        .filter(|c| {
            c.indicator == "present_population" && c.breakdown.is_none() && c.t.1 - c.t.0 == 3_600
        })
        .collect();
    let Some(level) = ["cell", "district", "state"]
        .into_iter()
        .find(|l| hourly.iter().any(|c| c.level == *l))
    else {
        return Ok(Err("no hourly present_population counts".to_owned()));
    };
    let hourly: Vec<&Cell> = hourly.into_iter().filter(|c| c.level == level).collect();
    let mut zone_names: BTreeSet<&str> = BTreeSet::new();
    let mut slots: BTreeMap<i64, Vec<(&str, usize)>> = BTreeMap::new();
    for c in &hourly {
        let count = c.value.round().max(0.0) as usize;
        zone_names.insert(&c.zone);
        slots.entry(c.t.0).or_default().push((&c.zone, count));
    }
    if slots.len() < 2 {
        return Ok(Err("fewer than two hourly slots".to_owned()));
    }
    if let Err(reason) = within_bound(zone_names.len(), slots.len()) {
        return Ok(Err(reason));
    }
    let map = ZoneMap::load(inputs.input, level)?;
    let zone_names: Vec<&str> = zone_names.into_iter().collect();
    let centres: Vec<Option<(f64, f64)>> = zone_names.iter().map(|z| map.centre(z)).collect();
    let zone_index = |z: &str| zone_names.binary_search(&z).ok();
    let times: Vec<i64> = slots.keys().copied().collect();
    let counts: Vec<Vec<usize>> = slots
        .values()
        .map(|s| {
            let mut per_zone = vec![0; zone_names.len()];
            for &(z, count) in s {
                if let Some(i) = zone_index(z) {
                    per_zone[i] += count;
                }
            }
            per_zone
        })
        .collect();
    let truth = true_presence(inputs, &map, &times, &zone_index)?;
    let linked = link(&counts, &centres, &inputs.params, false);
    let random = link(&counts, &centres, &inputs.params, true);
    let params = &inputs.params;
    let recovered = AttackResult::new(
        "trajectory_recovery",
        None,
        score(&truth, &linked, params.targets, params.seed),
        score(&truth, &random, params.targets, params.seed),
    );
    let targets = truth_sample(&truth, params.targets, params.seed);
    let linkage = params
        .points
        .iter()
        .map(|&p| {
            let known = known_points(&truth, &targets, p, params.seed);
            AttackResult::new(
                "trajectory_linkage",
                Some(p),
                reidentified(&truth, &linked, &known),
                reidentified(&truth, &random, &known),
            )
        })
        .collect();
    Ok(Ok((recovered, linkage)))
}

/// The true trajectories sampled as targets, by index.
fn truth_sample(truth: &[Trajectory], size: usize, seed: u64) -> Vec<usize> {
    choose(truth.len(), size, seed, Purpose::Targets, &[6])
}

/// `Err(reason)` when the linking would exceed [`RECOVERY_MAX_WORK`].
fn within_bound(zones: usize, slots: usize) -> Result<(), String> {
    let work = (zones + 1) * (zones + 1) * slots;
    if work > RECOVERY_MAX_WORK {
        return Err(format!(
            "{zones} zones over {slots} hourly slots: (zones + 1)² × slots = {work}, above \
             {RECOVERY_MAX_WORK}"
        ));
    }
    Ok(())
}

/// Links hourly counts per zone (`counts[slot][zone]`) into trajectories, one per subscriber
/// of the largest hour (`None`: not counted that hour).
///
/// Each hour, every individual's cost of taking a next-hour entry depends only on their last
/// counted zone (`None` before their first one) and the entry's zone, so individuals with the
/// same last zone are interchangeable: the minimum-cost assignment of individuals to entries
/// is the minimum-cost transportation plan between the counts per last zone and the next
/// hour's counts per zone ([`transport`], exact), each group of interchangeable individuals
/// then split in index order along the plan. `random` links them by a random permutation of
/// the entries instead.
fn link(
    counts: &[Vec<usize>],
    centres: &[Option<(f64, f64)>],
    params: &RiskParams,
    random: bool,
) -> Vec<Vec<Option<usize>>> {
    let zones = centres.len();
    let absent = zones;
    let size = zones + 1;
    let n = counts
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0);
    // Entries of a slot: the uncounted first, then zones in order.
    let entries = |slot: &[usize]| -> Vec<Option<usize>> {
        let mut list = vec![None; n - slot.iter().sum::<usize>()];
        for (z, &c) in slot.iter().enumerate() {
            list.extend(std::iter::repeat_n(Some(z), c));
        }
        list
    };
    let Some(first) = counts.first() else {
        return Vec::new();
    };
    let mut trajectories: Vec<Vec<Option<usize>>> = entries(first)
        .into_iter()
        .map(|z| {
            let mut t = Vec::with_capacity(counts.len());
            t.push(z);
            t
        })
        .collect();
    let mut last: Vec<usize> = trajectories
        .iter()
        .map(|t| t[0].unwrap_or(absent))
        .collect();
    let cost: Vec<i64> = (0..size * size)
        .map(|k| {
            let centre = |z: usize| centres.get(z).copied().flatten();
            match (centre(k / size), centre(k % size)) {
                (Some(a), Some(b)) => (distance_km(a, b) * 1000.0) as i64,
                (None, None) => 0,
                _ => ABSENT_COST_M,
            }
        })
        .collect();
    for (slot, next) in counts.iter().enumerate().skip(1) {
        let targets: Vec<Option<usize>> = if random {
            let next = entries(next);
            let mut order: Vec<(u64, usize)> = (0..n)
                .map(|j| {
                    let u = uniform(params.seed, Purpose::Shuffle, &[slot as u64, j as u64]);
                    ((u * u64::MAX as f64) as u64, j)
                })
                .collect();
            order.sort_unstable();
            order.into_iter().map(|(_, j)| next[j]).collect()
        } else {
            let mut groups: Vec<Vec<usize>> = vec![Vec::new(); size];
            for (i, &z) in last.iter().enumerate() {
                groups[z].push(i);
            }
            let supply: Vec<i64> = groups.iter().map(|g| g.len() as i64).collect();
            let mut demand: Vec<i64> = next.iter().map(|&c| c as i64).collect();
            demand.push((n - next.iter().sum::<usize>()) as i64);
            let flow = transport(&cost, &supply, &demand);
            let mut targets = vec![None; n];
            for (from, group) in groups.iter().enumerate() {
                let mut members = group.iter();
                for to in 0..size {
                    for &i in members.by_ref().take(flow[from * size + to] as usize) {
                        targets[i] = (to != absent).then_some(to);
                    }
                }
            }
            targets
        };
        for (i, z) in targets.into_iter().enumerate() {
            trajectories[i].push(z);
            if let Some(z) = z {
                last[i] = z;
            }
        }
    }
    trajectories
}

/// Each view subscriber's zone per slot (the zone of their first record in the hour), for
/// subscribers seen at least once.
fn true_presence(
    inputs: &RiskInputs,
    map: &ZoneMap,
    times: &[i64],
    zone_index: &dyn Fn(&str) -> Option<usize>,
) -> Result<Vec<Vec<Option<usize>>>, RiskError> {
    // Zone of every cell, and per subscriber (numbered as first seen) and slot the earliest
    // record as (seconds into the slot << 32 | zone + 1, 0 for none), u64::MAX when unseen:
    // one word per subscriber-slot, no text per row.
    let zone_of: HashMap<i64, u64> = map
        .cells
        .keys()
        .map(|&k| {
            let zone = map.zone_of_cell(k).and_then(|z| zone_index(&z));
            (k, zone.map_or(0, |z| z as u64 + 1))
        })
        .collect();
    let mut sims: HashMap<String, usize> = HashMap::new();
    let mut first: Vec<u64> = Vec::new();
    for (table, time_col, cell_col) in EVENT_TABLES {
        DatasetReader::folder(inputs.input).scan_present::<RiskError>(
            table,
            &["served_msisdn", time_col, cell_col],
            |rows| {
                let msisdn = need(rows.cast_strings("served_msisdn")?, "served_msisdn")?;
                let t = need(rows.cast_seconds(time_col)?, time_col)?;
                let cell = need(rows.cast_i64s(cell_col)?, cell_col)?;
                for i in 0..rows.len() {
                    let (Some(m), Some(t), Some(c)) = (text(&msisdn, i), t[i], cell[i]) else {
                        continue;
                    };
                    let slot = times.partition_point(|&s| s <= t);
                    if slot == 0 || t >= times[slot - 1] + 3_600 {
                        continue;
                    }
                    let sim = match sims.get(m) {
                        Some(&sim) => sim,
                        None => {
                            let sim = sims.len();
                            sims.insert(m.to_owned(), sim);
                            first.resize(first.len() + times.len(), u64::MAX);
                            sim
                        }
                    };
                    let offset = (t - times[slot - 1]) as u64;
                    let seen = (offset << 32) | zone_of.get(&c).copied().unwrap_or(0);
                    let entry = &mut first[sim * times.len() + slot - 1];
                    *entry = (*entry).min(seen);
                }
                Ok(())
            },
        )?;
    }
    let mut order: Vec<(String, usize)> = sims.into_iter().collect();
    order.sort_unstable();
    Ok(order
        .into_iter()
        .map(|(_, sim)| {
            first[sim * times.len()..(sim + 1) * times.len()]
                .iter()
                .map(|&seen| match seen {
                    u64::MAX => None,
                    _ => (seen & 0xffff_ffff).checked_sub(1).map(|z| z as usize),
                })
                .collect()
        })
        .collect())
}

/// Share of true (subscriber, slot) locations that the recovered trajectories reproduce, under
/// the one-to-one matching that maximises agreement between a sample of `sample_size` true
/// trajectories and a sample of as many recovered ones (all when fewer; both drawn from the
/// seed), so that the matching stays a cubic problem of the sample size.
fn score(
    truth: &[Vec<Option<usize>>],
    recovered: &[Vec<Option<usize>>],
    sample_size: usize,
    seed: u64,
) -> Rate {
    let truth_sample = truth_sample(truth, sample_size, seed);
    let recovered_sample = choose(recovered.len(), sample_size, seed, Purpose::Targets, &[7]);
    let present: u64 = truth_sample
        .iter()
        .map(|&i| truth[i].iter().filter(|z| z.is_some()).count() as u64)
        .sum();
    let size = truth_sample.len().max(recovered_sample.len());
    if size == 0 {
        return Rate::new(0.0, present);
    }
    let agree = |i: usize, j: usize| -> i64 {
        match (truth_sample.get(i), recovered_sample.get(j)) {
            (Some(&t), Some(&r)) => truth[t]
                .iter()
                .zip(&recovered[r])
                .filter(|(a, b)| a.is_some() && a == b)
                .count() as i64,
            _ => 0,
        }
    };
    let weights = Matrix::from_fn(size, size, |(i, j)| agree(i, j));
    let (total, _) = kuhn_munkres(&weights);
    Rate::new(total as f64, present)
}

#[cfg(test)]
mod tests {
    use super::*;

    use pathfinding::prelude::kuhn_munkres_min;

    /// Far-apart zone centres, some without a position.
    fn random_centres(zones: usize, instance: u64) -> Vec<Option<(f64, f64)>> {
        (0..zones)
            .map(|z| {
                let draw = |k: u64| uniform(3, Purpose::Points, &[instance, z as u64, k]);
                (draw(0) > 0.15).then(|| (101.0 + draw(1) * 2.0, 2.0 + draw(2) * 2.0))
            })
            .collect()
    }

    fn cost_of(centres: &[Option<(f64, f64)>], from: Option<usize>, to: Option<usize>) -> i64 {
        match (from.and_then(|z| centres[z]), to.and_then(|z| centres[z])) {
            (Some(a), Some(b)) => (distance_km(a, b) * 1000.0) as i64,
            (None, None) => 0,
            _ => ABSENT_COST_M,
        }
    }

    /// The Hungarian minimum cost of assigning individuals with these last zones to the
    /// entries of the next slot (the n × n formulation the transportation problem replaces).
    fn hungarian_cost(
        centres: &[Option<(f64, f64)>],
        last: &[Option<usize>],
        next: &[usize],
    ) -> i64 {
        let n = last.len();
        let mut entries = vec![None; n - next.iter().sum::<usize>()];
        for (z, &c) in next.iter().enumerate() {
            entries.extend(std::iter::repeat_n(Some(z), c));
        }
        let weights = Matrix::from_fn(n, n, |(i, j)| cost_of(centres, last[i], entries[j]));
        kuhn_munkres_min(&weights).0
    }

    /// Random counts per zone for `slots` slots, at most `n` in a slot.
    fn random_counts(zones: usize, n: usize, slots: usize, instance: u64) -> Vec<Vec<usize>> {
        (0..slots)
            .map(|s| {
                let mut left = n;
                (0..zones)
                    .map(|z| {
                        let u = uniform(4, Purpose::Points, &[instance, s as u64, z as u64]);
                        let c = ((u * (2 * n / zones + 1) as f64) as usize).min(left);
                        left -= c;
                        c
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn transportation_plan_costs_what_the_hungarian_assignment_costs() {
        for instance in 0..300u64 {
            let draw = |k: u64| uniform(5, Purpose::Points, &[instance, k]);
            let zones = 1 + (draw(0) * 6.0) as usize;
            let n = 1 + (draw(1) * 14.0) as usize;
            let centres = random_centres(zones, instance);
            let last: Vec<Option<usize>> = (0..n)
                .map(|i| {
                    let z = (draw(10 + i as u64) * (zones + 1) as f64) as usize;
                    (z < zones).then_some(z)
                })
                .collect();
            let next = &random_counts(zones, n, 1, instance)[0];
            let size = zones + 1;
            let mut supply = vec![0i64; size];
            for z in &last {
                supply[z.unwrap_or(zones)] += 1;
            }
            let mut demand: Vec<i64> = next.iter().map(|&c| c as i64).collect();
            demand.push((n - next.iter().sum::<usize>()) as i64);
            let cost: Vec<i64> = (0..size * size)
                .map(|k| {
                    let zone = |z: usize| (z < zones).then_some(z);
                    cost_of(&centres, zone(k / size), zone(k % size))
                })
                .collect();
            let flow = transport(&cost, &supply, &demand);
            assert!(flow.iter().all(|&f| f >= 0));
            for i in 0..size {
                assert_eq!(
                    flow[i * size..(i + 1) * size].iter().sum::<i64>(),
                    supply[i]
                );
                assert_eq!(
                    (0..size).map(|j| flow[j * size + i]).sum::<i64>(),
                    demand[i]
                );
            }
            let total: i64 = flow.iter().zip(&cost).map(|(f, c)| f * c).sum();
            assert_eq!(
                total,
                hungarian_cost(&centres, &last, next),
                "instance {instance}: {zones} zones, {n} individuals"
            );
        }
    }

    #[test]
    fn linking_is_a_minimum_cost_assignment_at_every_slot() {
        for instance in 0..40u64 {
            let zones = 1 + (instance % 5) as usize;
            let n = 3 + (instance % 9) as usize;
            let centres = random_centres(zones, 1_000 + instance);
            let counts = random_counts(zones, n, 6, instance);
            let params = RiskParams::default();
            let trajectories = link(&counts, &centres, &params, false);
            assert_eq!(trajectories.len(), n);
            let mut last: Vec<Option<usize>> = trajectories.iter().map(|t| t[0]).collect();
            for (slot, next) in counts.iter().enumerate().skip(1) {
                // The slot's counts are reproduced ...
                let mut seen = vec![0; zones];
                for t in &trajectories {
                    if let Some(z) = t[slot] {
                        seen[z] += 1;
                    }
                }
                assert_eq!(&seen, next);
                // ... at the Hungarian cost from the same last zones.
                let realised: i64 = trajectories
                    .iter()
                    .zip(&last)
                    .map(|(t, &from)| cost_of(&centres, from, t[slot]))
                    .sum();
                assert_eq!(
                    realised,
                    hungarian_cost(&centres, &last, next),
                    "{instance}"
                );
                for (l, t) in last.iter_mut().zip(&trajectories) {
                    if t[slot].is_some() {
                        *l = t[slot];
                    }
                }
            }
        }
    }

    #[test]
    fn linking_recovers_stationary_people_better_than_chance() {
        // Four people in four far-apart zones; each stays put for six hours.
        let centres: Vec<Option<(f64, f64)>> = (0..4)
            .map(|i| Some((101.0 + f64::from(i) * 0.5, 3.0)))
            .collect();
        let counts = vec![vec![1; 4]; 6];
        let truth: Vec<Vec<Option<usize>>> = (0..4).map(|z| vec![Some(z); 6]).collect();
        let params = RiskParams::default();
        let linked = score(&truth, &link(&counts, &centres, &params, false), 10, 1);
        assert_eq!(linked.rate, 1.0);
        let random = score(&truth, &link(&counts, &centres, &params, true), 10, 1);
        assert!(random.rate < 1.0, "{random:?}");
    }

    #[test]
    fn linking_runs_on_a_large_population() {
        // 20 000 people in 11 zones over 48 hours: most stay in their zone, some move to the
        // next one, and each is counted in about two hours of three.
        let (n, zones, slots) = (20_000usize, 11usize, 48usize);
        let centres: Vec<Option<(f64, f64)>> = (0..zones)
            .map(|z| Some((101.0 + z as f64 * 0.2, 3.0 + (z % 3) as f64 * 0.2)))
            .collect();
        let truth: Vec<Vec<Option<usize>>> = (0..n)
            .map(|i| {
                let mut zone = i % zones;
                (0..slots)
                    .map(|s| {
                        let draw = |k: u64| uniform(9, Purpose::Points, &[i as u64, s as u64, k]);
                        if draw(0) < 0.05 {
                            zone = (zone + 1) % zones;
                        }
                        (draw(1) < 0.65).then_some(zone)
                    })
                    .collect()
            })
            .collect();
        let mut counts = vec![vec![0; zones]; slots];
        for t in &truth {
            for (s, z) in t.iter().enumerate() {
                if let Some(z) = z {
                    counts[s][*z] += 1;
                }
            }
        }
        let params = RiskParams::default();
        let linked = link(&counts, &centres, &params, false);
        assert_eq!(
            linked.len(),
            counts
                .iter()
                .map(|c| c.iter().sum::<usize>())
                .max()
                .unwrap()
        );
        assert!(linked.iter().all(|t| t.len() == slots));
        let random = link(&counts, &centres, &params, true);
        let (linked, random) = (
            score(&truth, &linked, 1_000, 1),
            score(&truth, &random, 1_000, 1),
        );
        assert!(linked.rate > random.rate, "{linked:?} {random:?}");
    }

    #[test]
    fn the_bound_is_on_zones_and_slots() {
        assert!(within_bound(11, 168).is_ok());
        assert!(within_bound(700, 168).is_ok());
        let reason = within_bound(3_000, 48).unwrap_err();
        assert!(reason.contains("3000 zones over 48"), "{reason}");
    }
}
