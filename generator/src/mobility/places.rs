//! Errand and leisure places: exploration and preferential return (Song, Koren, Wang and
//! Barabási, "Modelling the scaling properties of human mobility", Nature Physics 2010).
//!
//! A person's flexible visits run on a fixed clock of [`SLOTS_PER_DAY`] virtual visit slots per
//! day: slot n = day × [`SLOTS_PER_DAY`] + k, and a day's k-th errand or leisure stop takes slot
//! k. At slot n the person explores a new place with probability ρ·S^−γ ([`RHO`], [`GAMMA`]),
//! otherwise returns to a visited place in proportion to its past visits.
//!
//! Recomputable per (person, day), in O(1) memory and O(log n) expected time, without replaying
//! earlier days:
//!
//! * Mean field: S is replaced by its expectation under the model,
//!   S̄(n) = (1 + (1 + γ)·ρ·n)^(1/(1+γ)), so each slot's explore decision depends on n alone.
//! * Returning in proportion to visits is returning to the place of a uniformly chosen earlier
//!   slot. Slot n's place is therefore found by following earlier slots until one that explored;
//!   an exploring slot's place is the person's place keyed by that slot, drawn from
//!   `stream(seed, Purpose::Place, person, slot)`. Each slot's decision comes from
//!   `stream(seed, Purpose::Exploration, person, slot)`.
//! * Slots a day leaves unused still count as visits: the realised stops are a random thinning of
//!   the process, which keeps its visitation law.
//!
//! A new place lies at a distance from home drawn from the truncated power law
//! P(r) ∝ (r + r₀)^−β on [0, [`MAX_PLACE_KM`]] (β = [`BETA`], r₀ = [`R0_KM`], González, Hidalgo and
//! Barabási, Nature 2008), in a uniform direction, then snapped to the region's settlements
//! (see [`Region`]).

use std::sync::OnceLock;

use crate::geography::projection::offset;
use crate::rng::{Purpose, stream};
use crate::sampling::{index, uniform, uniform_in};

use super::region::Region;
use crate::geography::Place;

/// Exploration parameter ρ (Song et al. 2010).
pub(crate) const RHO: f64 = 0.6;
/// Exploration decay γ (Song et al. 2010).
pub(crate) const GAMMA: f64 = 0.21;
/// Virtual visit slots per day; also the most errand or leisure stops in one day (assumption).
pub(crate) const SLOTS_PER_DAY: u32 = 3;
/// Jump-length exponent β (González et al. 2008: 1.75 ± 0.15).
pub(crate) const BETA: f64 = 1.75;
/// Jump-length offset r₀ in km (González et al. 2008: 1.5 km).
pub(crate) const R0_KM: f64 = 1.5;
/// Longest distance of a place from home, km (assumption: day trips stay within about 100 km).
pub(crate) const MAX_PLACE_KM: f64 = 100.0;
/// Longest distance of a place visited while away on a trip from where the traveller stays, km
/// (assumption: visits around the kampung stay within a short drive).
pub(crate) const TRIP_PLACE_MAX_KM: f64 = 30.0;

/// Slots whose [`explore_probability`] is computed once (more than a year of days).
const TABULATED_SLOTS: u32 = 2_048;

/// Probability that visit slot `n` explores a new place (mean-field S̄(n)).
pub(crate) fn explore_probability(n: u32) -> f64 {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    if n < TABULATED_SLOTS {
        let table = TABLE.get_or_init(|| (0..TABULATED_SLOTS).map(compute_explore).collect());
        return table[n as usize];
    }
    compute_explore(n)
}

fn compute_explore(n: u32) -> f64 {
    let s = libm::pow(
        1.0 + (1.0 + GAMMA) * RHO * f64::from(n),
        1.0 / (1.0 + GAMMA),
    );
    (RHO * libm::pow(s, -GAMMA)).min(1.0)
}

/// The key of the place visited at slot `slot`: the slot at which it was first explored.
pub(crate) fn place_key(seed: u64, person: u64, slot: u32) -> u32 {
    let mut n = slot;
    while n > 0 {
        let mut rng = stream(seed, Purpose::Exploration, person, n);
        if uniform(&mut rng) < explore_probability(n) {
            return n;
        }
        n = index(&mut rng, n as usize) as u32;
    }
    0
}

/// The place with key `key` of a person living at `home`.
pub(super) fn place(seed: u64, region: &Region, person: u64, home: (f64, f64), key: u32) -> Place {
    let mut rng = stream(seed, Purpose::Place, person, key);
    let r = jump_km(uniform(&mut rng));
    let theta = uniform_in(&mut rng, 0.0, std::f64::consts::TAU);
    let target = offset(home.0, home.1, r * libm::sin(theta), r * libm::cos(theta));
    region.snap(target, &mut rng)
}

/// The place visited at a slot.
pub(super) fn visit(seed: u64, region: &Region, person: u64, home: (f64, f64), slot: u32) -> Place {
    place(seed, region, person, home, place_key(seed, person, slot))
}

/// A place visited at slot `slot` while staying at `lodging` on a trip: a fresh place each time
/// (no preferential return over a few days away), at a jump from the lodging drawn like a new
/// place's distance from home but truncated at [`TRIP_PLACE_MAX_KM`], snapped to the settlements
/// of the region and its travel districts. Drawn from `stream(seed, Purpose::TripPlace, person,
/// slot)`.
pub(crate) fn trip_visit(
    seed: u64,
    region: &Region,
    person: u64,
    lodging: (f64, f64),
    slot: u32,
) -> Place {
    let mut rng = stream(seed, Purpose::TripPlace, person, slot);
    let r = truncated_jump_km(uniform(&mut rng), TRIP_PLACE_MAX_KM);
    let theta = uniform_in(&mut rng, 0.0, std::f64::consts::TAU);
    let target = offset(
        lodging.0,
        lodging.1,
        r * libm::sin(theta),
        r * libm::cos(theta),
    );
    region.snap_travel(target, &mut rng)
}

/// Inverse CDF of the truncated power law of jump lengths at `u` in [0, 1).
fn jump_km(u: f64) -> f64 {
    truncated_jump_km(u, MAX_PLACE_KM)
}

/// Inverse CDF at `u` of the power law of jump lengths truncated at `max` km.
fn truncated_jump_km(u: f64, max: f64) -> f64 {
    // The bounds of the two truncations in use, computed once.
    static BOUNDS: OnceLock<[f64; 3]> = OnceLock::new();
    let e = 1.0 - BETA;
    let [lo, hi_place, hi_trip] = *BOUNDS.get_or_init(|| {
        [
            libm::pow(R0_KM, e),
            libm::pow(MAX_PLACE_KM + R0_KM, e),
            libm::pow(TRIP_PLACE_MAX_KM + R0_KM, e),
        ]
    });
    let hi = if max == MAX_PLACE_KM {
        hi_place
    } else if max == TRIP_PLACE_MAX_KM {
        hi_trip
    } else {
        libm::pow(max + R0_KM, e)
    };
    (libm::pow(lo - u * (lo - hi), 1.0 / e) - R0_KM).clamp(0.0, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps_follow_the_truncated_power_law() {
        assert_eq!(jump_km(0.0), 0.0);
        assert!((jump_km(1.0 - 1e-12) - MAX_PLACE_KM).abs() < 1e-6);
        let median = jump_km(0.5);
        assert!((1.5..3.0).contains(&median), "median jump {median} km");
        assert!(jump_km(0.9) > 5.0 * median, "p90 {}", jump_km(0.9));
    }

    #[test]
    fn exploration_slows_down_and_places_repeat_with_a_heavy_tail() {
        assert_eq!(explore_probability(0), RHO);
        assert!(explore_probability(1000) < 0.25);
        // Over 200 days, distinct places grow sublinearly and the most visited place takes a
        // large share of visits (Song et al.: visit frequency f_k ~ k^-(1+γ)).
        let (mut new_early, mut new_late) = (0, 0);
        let mut top_shares = Vec::new();
        for person in 0..50 {
            let mut counts = std::collections::HashMap::new();
            for slot in 0..600 {
                let key = place_key(3, person, slot);
                *counts.entry(key).or_insert(0u32) += 1;
                if key == slot {
                    if slot < 300 {
                        new_early += 1
                    } else {
                        new_late += 1
                    }
                }
            }
            let top = counts.values().copied().max().unwrap();
            top_shares.push(f64::from(top) / 600.0);
        }
        assert!(new_late * 10 < new_early * 9, "{new_early} then {new_late}");
        let mean_top = top_shares.iter().sum::<f64>() / top_shares.len() as f64;
        assert!(mean_top > 0.05, "top place share {mean_top}");
    }
}
