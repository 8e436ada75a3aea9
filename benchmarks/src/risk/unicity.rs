//! Unicity (de Montjoye et al. 2013): for each sampled target, `p` distinct points of the
//! target's trace — the raw records in the view of one of their SIMs, the one with the most
//! records — placed at the release's spatial level and time bin, chosen at random; the target
//! is unique when exactly one released pseudonym has all of them. Points of one SIM, because
//! unicity is a property of a subscriber's trace: drawn from a person's two SIMs of the same
//! operator, `p` points would often match no single pseudonym, and unicity would fall as `p`
//! grows. Targets with fewer than `p` distinct points are left out. Baseline: the same for control persons,
//! from their own operator's records (at cell level placed at the view's nearest cell): a
//! control matching exactly one pseudonym is a false unique.

use super::RiskParams;
use super::knowledge::Knowledge;
use super::sample::{Purpose, choose};
use super::stats::{AttackResult, Rate};

/// Pseudonyms whose released trace holds every point of `points`, sorted.
pub(crate) fn matching(knowledge: &Knowledge, points: &[(i64, u32)]) -> Vec<u32> {
    // The subjects at one bin of a zone are sorted and distinct.
    let mut lists: Vec<&[(u32, u32)]> = points
        .iter()
        .map(|&(b, zone)| knowledge.release.at(zone, b, b))
        .collect();
    lists.sort_by_key(|l| l.len());
    let Some((shortest, rest)) = lists.split_first() else {
        return Vec::new();
    };
    shortest
        .iter()
        .map(|e| e.1)
        .filter(|&s| {
            rest.iter()
                .all(|l| l.binary_search_by_key(&s, |e| e.1).is_ok())
        })
        .collect()
}

/// Share of `persons` whose `p` random points match exactly one pseudonym.
fn unique_share(knowledge: &Knowledge, persons: &[i64], p: u32, seed: u64) -> Rate {
    let (mut n, mut unique) = (0u64, 0u64);
    for &id in persons {
        let tokens = knowledge.trace(id);
        if tokens.len() < p as usize {
            continue;
        }
        let chosen: Vec<(i64, u32)> = choose(
            tokens.len(),
            p as usize,
            seed,
            Purpose::Points,
            &[id as u64, u64::from(p)],
        )
        .into_iter()
        .map(|i| tokens[i])
        .collect();
        n += 1;
        unique += u64::from(matching(knowledge, &chosen).len() == 1);
    }
    Rate::new(unique as f64, n)
}

/// Unicity for each number of points.
pub(crate) fn assess(knowledge: &Knowledge, params: &RiskParams) -> Vec<AttackResult> {
    params
        .points
        .iter()
        .map(|&p| {
            AttackResult::new(
                "unicity",
                Some(p),
                unique_share(knowledge, knowledge.targets, p, params.seed),
                unique_share(knowledge, knowledge.controls, p, params.seed),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::risk::fixture::{Fixture, GENERALISED, KEYED, Transform, microdata_view};
    use crate::risk::{SpatialLevel, assess};

    #[test]
    fn cell_hour_release_is_unique_and_a_generalised_one_is_not() {
        let f = Fixture::new();
        let hourly = Transform {
            time: |t| t - t.rem_euclid(3_600),
            record_id: false,
            ..KEYED
        };
        let out = f.release("hourly", &hourly);
        let report = assess(&f.inputs(&out, microdata_view(SpatialLevel::Cell, 3_600))).unwrap();
        let at = |p: u32| {
            report
                .unicity
                .iter()
                .find(|r| r.p == Some(p))
                .unwrap()
                .clone()
        };
        assert_eq!(at(4).attack_rate.n, 40);
        assert!(at(4).attack_rate.rate >= 0.9, "{:?}", at(4));
        assert!(at(4).baseline_rate.rate <= 0.1, "{:?}", at(4));
        assert!(at(1).attack_rate.rate <= at(4).attack_rate.rate);
        // Without record_id, pseudonyms are traced to persons by their points.
        let link3 = report.linkage.iter().find(|r| r.p == Some(3)).unwrap();
        assert!(link3.attack_rate.rate >= 0.8, "{link3:?}");

        let out = f.release("generalised", &GENERALISED);
        let view = microdata_view(SpatialLevel::District, 86_400);
        let report = assess(&f.inputs(&out, view)).unwrap();
        for r in &report.unicity {
            assert!(r.attack_rate.rate <= 0.1, "{r:?}");
        }
    }
}
