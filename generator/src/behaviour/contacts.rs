//! The contact graph: symmetric by construction, so both ends of a tie find each other without
//! any shared state.
//!
//! Candidates a person can enumerate alone, each kept by a deterministic test on
//! `(seed, min(a, b), max(a, b))`:
//! * household members (always contacts, weight [`HOUSEHOLD_WEIGHT`]);
//! * neighbours: persons of the same district whose ids lie within [`NEIGHBOUR_WINDOW`] (ids are
//!   contiguous per district, so these live in the same district), kept with a probability giving
//!   [`NEIGHBOURS`] contacts on average, weight [`NEIGHBOUR_WEIGHT`];
//! * distant ties: persons whose id is congruent modulo `N / DISTANT_CANDIDATES` anywhere in the
//!   population (family and friends elsewhere), kept with probability [`DISTANT_KEEP`], weight
//!   [`DISTANT_WEIGHT`].
//!
//! * colleagues: workers of the same team ([`crate::mobility::anchors::team`]: a shared
//!   workplace of workers of one district and id window), each pair kept with probability
//!   [`COLLEAGUE_KEEP`], weight [`COLLEAGUE_WEIGHT`], unless already neighbours or distant ties;
//!   they call mostly on working days, in working hours (`calls`).
//!
//! Persons without a SIM have no ties. Numbers of contacts and weights are assumptions chosen to
//! give a few strong household ties and a dozen weaker ones, as in mobile-phone social networks.

use crate::geography::Geography;
use crate::mobility::anchors::{TEAM_WINDOW, Teams};
use crate::population::Population;
use crate::rng::{Purpose, key_hash, unit_f64};

/// Weight of a household tie.
pub(crate) const HOUSEHOLD_WEIGHT: f64 = 4.0;
/// Weight of a neighbour tie.
pub(crate) const NEIGHBOUR_WEIGHT: f64 = 1.0;
/// Weight of a distant tie.
pub(crate) const DISTANT_WEIGHT: f64 = 0.6;
/// Weight of a colleague tie (assumption).
pub(crate) const COLLEAGUE_WEIGHT: f64 = 0.8;
/// Probability two members of a team are contacts (assumption).
pub(crate) const COLLEAGUE_KEEP: f64 = 0.5;
/// Half-width of the id window neighbours are drawn from.
pub(crate) const NEIGHBOUR_WINDOW: u64 = 150;
/// Expected neighbour contacts.
pub(crate) const NEIGHBOURS: f64 = 5.0;
/// Distant candidates per person.
pub(crate) const DISTANT_CANDIDATES: u64 = 12;
/// Probability a distant candidate is a contact.
pub(crate) const DISTANT_KEEP: f64 = 0.25;

/// Kind of tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tie {
    /// Same household.
    Household,
    /// Same neighbourhood.
    Neighbour,
    /// Elsewhere in the population.
    Distant,
    /// Same workplace; both live in the state with this DOSM code, whose working days they keep.
    Colleague(u8),
}

impl Tie {
    /// Weight of the tie in call rates.
    pub(crate) fn weight(self) -> f64 {
        match self {
            Tie::Household => HOUSEHOLD_WEIGHT,
            Tie::Neighbour => NEIGHBOUR_WEIGHT,
            Tie::Distant => DISTANT_WEIGHT,
            Tie::Colleague(_) => COLLEAGUE_WEIGHT,
        }
    }
}

/// One contact of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Contact {
    /// The other person.
    pub other: u64,
    /// Kind of tie.
    pub(crate) tie: Tie,
}

/// Uniform draw in [0, 1) for the unordered pair (a, b) and a test tag.
fn pair_draw(seed: u64, a: u64, b: u64, tag: u64) -> f64 {
    unit_f64(key_hash(
        seed,
        &[Purpose::Contact as u64, a.min(b), a.max(b), tag],
    ))
}

/// Ties of `id` as either end would see them, before removing persons without SIMs; sorted by
/// the other person's id.
pub(crate) fn candidate_ties(
    seed: u64,
    population: &Population,
    teams: &mut Teams,
    id: u64,
) -> Vec<Contact> {
    let n = population.len();
    let household = population.household(id);
    let district = population.home_district(id);
    let mut ties: Vec<Contact> = household
        .clone()
        .filter(|&o| o != id)
        .map(|other| Contact {
            other,
            tie: Tie::Household,
        })
        .collect();

    let keep = (NEIGHBOURS / (2 * NEIGHBOUR_WINDOW) as f64).min(1.0);
    let lo = id.saturating_sub(NEIGHBOUR_WINDOW);
    let hi = (id + NEIGHBOUR_WINDOW).min(n - 1);
    let window = population
        .district_runs(lo..hi + 1)
        .filter(|&(d, _)| d == district)
        .flat_map(|(_, run)| run);
    for other in window {
        if other != id && !household.contains(&other) && pair_draw(seed, id, other, 1) < keep {
            ties.push(Contact {
                other,
                tie: Tie::Neighbour,
            });
        }
    }

    let modulus = (n / DISTANT_CANDIDATES).max(1);
    let mut other = id % modulus;
    while other < n {
        let near =
            other.abs_diff(id) <= NEIGHBOUR_WINDOW && population.home_district(other) == district;
        if other != id
            && !near
            && !household.contains(&other)
            && pair_draw(seed, id, other, 2) < DISTANT_KEEP
        {
            ties.push(Contact {
                other,
                tie: Tie::Distant,
            });
        }
        other += modulus;
    }
    if let Some(mine) = teams.of(seed, population, id) {
        let state_code = Geography::get().district(district).state_code;
        let window =
            (id / TEAM_WINDOW) * TEAM_WINDOW..((id / TEAM_WINDOW + 1) * TEAM_WINDOW).min(n);
        for other in window {
            let colleague = other != id
                && population.home_district(other) == district
                && !household.contains(&other)
                && !ties.iter().any(|c| c.other == other)
                && pair_draw(seed, id, other, 3) < COLLEAGUE_KEEP
                && teams.of(seed, population, other) == Some(mine);
            if colleague {
                ties.push(Contact {
                    other,
                    tie: Tie::Colleague(state_code),
                });
            }
        }
    }
    ties.sort_by_key(|c| c.other);
    ties
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mobility::anchors::team;
    use crate::population::test_spec;
    use crate::public_data::districts;

    fn population(n: u64) -> Population {
        let klang_valley = districts()
            .iter()
            .filter(|d| matches!(d.state_code, 10 | 14 | 16))
            .map(|d| d.index)
            .collect();
        Population::new(test_spec(
            4,
            klang_valley,
            crate::vocabulary::PopulationSize::Persons(n),
        ))
        .unwrap()
    }

    #[test]
    fn ties_are_symmetric() {
        let pop = population(5_000);
        let teams = &mut Teams::default();
        for id in (0..5_000).step_by(37) {
            for c in candidate_ties(4, &pop, teams, id) {
                // A fresh memo: the ties do not depend on what was asked before.
                let back = candidate_ties(4, &pop, &mut Teams::default(), c.other);
                assert!(
                    back.iter().any(|b| b.other == id && b.tie == c.tie),
                    "{id} → {} not mirrored",
                    c.other
                );
            }
        }
    }

    #[test]
    fn colleagues_share_a_team_and_a_workplace() {
        let pop = population(20_000);
        let reference = pop.reference_date();
        let mut colleagues = 0;
        let teams = &mut Teams::default();
        for id in (0..20_000).step_by(7) {
            for c in candidate_ties(4, &pop, teams, id) {
                if let Tie::Colleague(state) = c.tie {
                    colleagues += 1;
                    let (me, other) = (pop.person(id), pop.person(c.other));
                    assert_eq!(state, me.state_code);
                    let team = team(4, &me, reference);
                    assert!(
                        team.is_some()
                            && team == crate::mobility::anchors::team(4, &other, reference)
                    );
                }
            }
        }
        assert!(colleagues > 200, "{colleagues} colleague ties");
    }

    #[test]
    fn degrees_are_a_dozen_on_average() {
        let pop = population(20_000);
        let teams = &mut Teams::default();
        let total: usize = (0..20_000)
            .step_by(11)
            .map(|id| candidate_ties(4, &pop, teams, id).len())
            .sum();
        let mean = total as f64 / (20_000f64 / 11.0).ceil();
        assert!((8.0..16.0).contains(&mean), "mean degree {mean}");
    }
}
