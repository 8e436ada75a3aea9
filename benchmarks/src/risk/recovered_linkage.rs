//! Linking recovered trajectories to persons (Xu et al. 2017, "Trajectory recovery from ash",
//! the uniqueness step): trajectories rebuilt from hourly counts are anonymous, but an adversary
//! who knows a few of a target's (hour, zone) points can look for the one recovered trajectory
//! that passes through all of them, and read the rest of the target's movements off it.
//!
//! For each sampled target (a view subscriber with more than `p` counted hours), `p` of their
//! counted (hour, zone) points are chosen at random. The target is re-identified when exactly one
//! recovered trajectory holds all `p` points and it gives the target's true zone in at least half
//! of the target's other counted hours: the adversary then learns where the target was, not just
//! that some trajectory is unique. Baseline: the same targets and points against trajectories
//! linked at random from the same counts.

use std::collections::HashMap;

use super::sample::{Purpose, choose};
use super::stats::Rate;

/// A trajectory: the zone of each hourly slot, `None` when not counted.
pub(crate) type Trajectory = Vec<Option<usize>>;

/// Share of the true hours other than the known points a singled-out trajectory must give for
/// the target to count as re-identified.
pub(crate) const MIN_AGREEMENT: f64 = 0.5;

/// The known points of each target: `p` of their counted (slot, zone) points, keyed by the
/// target's index in `truth`; targets with at most `p` counted slots are left out.
pub(crate) fn known_points(
    truth: &[Trajectory],
    targets: &[usize],
    p: u32,
    seed: u64,
) -> Vec<(usize, Vec<(usize, usize)>)> {
    targets
        .iter()
        .filter_map(|&t| {
            let counted: Vec<(usize, usize)> = truth[t]
                .iter()
                .enumerate()
                .filter_map(|(slot, z)| z.map(|z| (slot, z)))
                .collect();
            if counted.len() <= p as usize {
                return None;
            }
            let chosen = choose(
                counted.len(),
                p as usize,
                seed,
                Purpose::Points,
                &[t as u64, u64::from(p), 0x7472_616a],
            );
            Some((t, chosen.into_iter().map(|i| counted[i]).collect()))
        })
        .collect()
}

/// Share of `known` targets re-identified through `recovered` (see the module documentation).
pub(crate) fn reidentified(
    truth: &[Trajectory],
    recovered: &[Trajectory],
    known: &[(usize, Vec<(usize, usize)>)],
) -> Rate {
    // Recovered trajectories at each (slot, zone) some target's adversary knows, in index order.
    let mut at: HashMap<(usize, usize), Vec<u32>> = known
        .iter()
        .flat_map(|(_, points)| points.iter().map(|&pt| (pt, Vec::new())))
        .collect();
    let slots = truth.first().map_or(0, Vec::len);
    let mut wanted: Vec<Vec<bool>> = vec![Vec::new(); slots];
    for &(slot, zone) in at.keys() {
        let row = &mut wanted[slot];
        if row.len() <= zone {
            row.resize(zone + 1, false);
        }
        row[zone] = true;
    }
    for (j, trajectory) in recovered.iter().enumerate() {
        for (slot, zone) in trajectory.iter().enumerate().take(slots) {
            if let Some(z) = *zone
                && wanted[slot].get(z).copied().unwrap_or(false)
            {
                at.get_mut(&(slot, z)).expect("wanted").push(j as u32);
            }
        }
    }
    let mut hits = 0u64;
    for (t, points) in known {
        // The shortest list first, narrowed by one merge pass over each other list.
        let mut lists: Vec<&Vec<u32>> = points.iter().map(|pt| &at[pt]).collect();
        lists.sort_by_key(|l| l.len());
        let Some((first, others)) = lists.split_first() else {
            continue;
        };
        let mut candidates = (*first).clone();
        for list in others {
            if candidates.len() <= 1 {
                break;
            }
            let mut rest = list.iter().copied().peekable();
            candidates.retain(|&j| {
                while rest.next_if(|&k| k < j).is_some() {}
                rest.peek() == Some(&j)
            });
        }
        let [only] = candidates.as_slice() else {
            continue;
        };
        // A candidate that passes through every point so far must hold the rest too.
        if !points
            .iter()
            .all(|&(slot, zone)| recovered[*only as usize].get(slot) == Some(&Some(zone)))
        {
            continue;
        }
        hits +=
            u64::from(agreement(&truth[*t], &recovered[*only as usize], points) >= MIN_AGREEMENT);
    }
    Rate::new(hits as f64, known.len() as u64)
}

/// Share of the counted slots of `truth`, other than the known points, where `candidate` has
/// the same zone.
fn agreement(truth: &Trajectory, candidate: &Trajectory, points: &[(usize, usize)]) -> f64 {
    let (mut same, mut total) = (0u32, 0u32);
    for (slot, zone) in truth.iter().enumerate() {
        if zone.is_none() || points.iter().any(|pt| pt.0 == slot) {
            continue;
        }
        total += 1;
        same += u32::from(candidate.get(slot) == Some(zone));
    }
    if total == 0 {
        0.0
    } else {
        f64::from(same) / f64::from(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` people over `slots` hours in `zones` zones, each at a pseudo-random zone every hour
    /// but every fifth.
    fn people(n: usize, slots: usize, zones: usize) -> Vec<Trajectory> {
        (0..n)
            .map(|i| {
                (0..slots)
                    .map(|s| {
                        let h = telcosynth_generator::rng::key_hash(9, &[i as u64, s as u64]);
                        (s % 5 != 0).then_some((h % zones as u64) as usize)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn exact_recovery_reidentifies_and_shuffled_hours_do_not() {
        let truth = people(60, 48, 9);
        let targets: Vec<usize> = (0..60).collect();
        let known = known_points(&truth, &targets, 3, 1);
        assert_eq!(known.len(), 60);
        let exact = reidentified(&truth, &truth, &known);
        assert!(exact.rate > 0.9, "exact recovery: {}", exact.rate);
        // The same hourly zones, but each hour's entries rotated among people: every point is
        // still held by someone, and no trajectory follows one person.
        let shuffled: Vec<Trajectory> = (0..60)
            .map(|i| (0..48).map(|s| truth[(i + s) % 60][s]).collect())
            .collect();
        let scrambled = reidentified(&truth, &shuffled, &known);
        assert!(
            scrambled.rate < 0.2,
            "shuffled recovery: {}",
            scrambled.rate
        );
    }

    #[test]
    fn a_trajectory_shared_by_two_people_singles_out_neither() {
        let one: Trajectory = vec![Some(0), Some(1), Some(2), Some(1), None, Some(0)];
        let truth = vec![one.clone(), one.clone()];
        let known = known_points(&truth, &[0, 1], 2, 5);
        let rate = reidentified(&truth, &truth, &known);
        assert_eq!(rate.n, 2);
        assert_eq!(rate.hits, 0.0);
    }

    #[test]
    fn a_unique_trajectory_that_gets_the_rest_wrong_is_not_a_reidentification() {
        let truth = vec![vec![Some(0), Some(1), Some(2), Some(3), Some(4)]];
        let known = known_points(&truth, &[0], 1, 3);
        let (slot, zone) = known[0].1[0];
        // Only the known point is right.
        let mut wrong: Trajectory = vec![Some(9); 5];
        wrong[slot] = Some(zone);
        assert_eq!(reidentified(&truth, &[wrong], &known).hits, 0.0);
        assert_eq!(reidentified(&truth, &truth, &known).hits, 1.0);
    }

    #[test]
    fn targets_without_enough_hours_are_left_out() {
        let truth = vec![
            vec![Some(0), None, Some(1)],
            vec![Some(2), Some(2), Some(2)],
        ];
        let known = known_points(&truth, &[0, 1], 2, 1);
        assert_eq!(known.iter().map(|k| k.0).collect::<Vec<_>>(), vec![1]);
        assert_eq!(known[0].1.len(), 2);
    }
}
