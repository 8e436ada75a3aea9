//! Attribute inference after linkage: the adversary links each target with
//! `attribute_points` known points (see `linkage`; a tie is broken at random) and reads off the
//! linked pseudonym's
//! - home district: the most frequent region of its night events (state at state level);
//! - nationality: from a released `subscribers` row under the same pseudonym, if any;
//! - sensitive place: the most frequent region of its events in free time (waking hours outside
//!   weekday 09:00–17:00), standing in for a clinic or place of worship visited; the truth is
//!   the region of the target's errand and leisure stays with the longest time.
//!
//! Success: the inferred value equals the truth; where the release yields no value (no link,
//! no released nationality), the adversary falls back on the most common true value of the
//! control population. Baseline: the same attack run for control persons, who are not in the
//! release (Anonymeter's inference baseline): what the adversary's own knowledge and
//! population-wide regularities reveal without the target's records.

use std::collections::BTreeMap;

use super::RiskParams;
use super::knowledge::{Knowledge, mode};
use super::linkage::{Profile, best_matches, per_person};
use super::sample::{Purpose, uniform};
use super::stats::{AttackResult, Rate};

/// The attributes, by name.
const ATTRIBUTES: [&str; 3] = ["home_district", "nationality", "sensitive_place"];

/// A person's true value of an attribute, if any.
fn truth(knowledge: &Knowledge, person: i64, attribute: &str) -> Option<String> {
    let p = &knowledge.persons[&person];
    match attribute {
        "home_district" => Some(knowledge.zones.region_of_district(&p.home_district_code)),
        "nationality" => (!p.nationality.is_empty()).then(|| p.nationality.clone()),
        _ => {
            let mut time: BTreeMap<String, i64> = BTreeMap::new();
            for s in p
                .stays
                .iter()
                .filter(|s| matches!(s.purpose.as_str(), "errand" | "leisure"))
            {
                *time
                    .entry(knowledge.zones.region_of_district(&s.district_code))
                    .or_default() += s.end - s.start;
            }
            let best = time.values().copied().max()?;
            time.into_iter().find(|e| e.1 == best).map(|e| e.0)
        }
    }
}

/// The value an adversary reads off a linked subject.
fn inferred(
    knowledge: &Knowledge,
    profile: &Profile,
    subject: u32,
    attribute: &str,
) -> Option<String> {
    match attribute {
        "home_district" => profile.home.clone(),
        "nationality" => knowledge.release.nationality[subject as usize].clone(),
        _ => profile.free_time.clone(),
    }
}

/// The subject each of `persons` is linked to (a tie broken at random), if any.
fn link(knowledge: &Knowledge, params: &RiskParams, persons: &[i64]) -> Vec<(i64, Option<u32>)> {
    let p = params.attribute_points;
    per_person(knowledge, persons, |id, tally| {
        let pick = best_matches(knowledge, params, id, p, tally)
            .filter(|best| !best.is_empty())
            .map(|best| {
                let u = uniform(params.seed, Purpose::Shuffle, &[id as u64, u64::from(p), 1]);
                best[((u * best.len() as f64) as usize).min(best.len() - 1)]
            });
        (id, pick)
    })
}

/// Attribute inference for each attribute.
pub(crate) fn assess(knowledge: &Knowledge, params: &RiskParams) -> Vec<AttackResult> {
    let profiles = knowledge.profiles();
    let targets = link(knowledge, params, knowledge.targets);
    let controls = link(knowledge, params, knowledge.controls);
    ATTRIBUTES
        .iter()
        .map(|&attribute| {
            let common = mode(
                knowledge
                    .controls
                    .iter()
                    .filter_map(|&id| truth(knowledge, id, attribute)),
            );
            let rate = |linked: &[(i64, Option<u32>)]| {
                let (mut n, mut hits) = (0u64, 0u64);
                for &(id, subject) in linked {
                    let Some(truth) = truth(knowledge, id, attribute) else {
                        continue;
                    };
                    n += 1;
                    let guess = subject
                        .and_then(|s| inferred(knowledge, &profiles[s as usize], s, attribute))
                        .or_else(|| common.clone());
                    hits += u64::from(guess.as_deref() == Some(truth.as_str()));
                }
                Rate::new(hits as f64, n)
            };
            AttackResult::new(
                attribute,
                Some(params.attribute_points),
                rate(&targets),
                rate(&controls),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::risk::fixture::{Fixture, IDENTITY, microdata_view};
    use crate::risk::{SpatialLevel, assess};

    #[test]
    fn linked_identity_release_reveals_home_and_nationality_beyond_guessing() {
        let f = Fixture::new();
        let out = f.release("identity", &IDENTITY);
        let report = assess(&f.inputs(&out, microdata_view(SpatialLevel::Cell, 1))).unwrap();
        let get = |a: &str| report.attributes.iter().find(|r| r.attack == a).unwrap();
        for a in ["home_district", "nationality"] {
            let r = get(a);
            assert_eq!(r.attack_rate.n, 40);
            assert!(r.attack_rate.rate >= 0.8, "{r:?}");
            assert!(r.attack_rate.rate > r.baseline_rate.rate, "{r:?}");
        }
        assert_eq!(get("nationality").baseline_rate.n, 20);
        assert_eq!(get("sensitive_place").attack_rate.n, 40);
    }
}
