//! The leaked-register adversary: the whole subscriber register of the view's operator (names,
//! MyKad numbers, addresses, IMEIs, MSISDNs, plans, activation dates — every column of
//! `subscribers`) is in the adversary's hands, as after the 2017 leak of 46.2 million
//! Malaysian subscribers' records. The adversary links released pseudonyms to register rows
//! through what survives the pipeline, and so to a name and a MyKad number:
//!
//! - every register column a released `subscribers` table keeps under the subject's pseudonym
//!   (the row whose `msisdn`, `imsi` or `imei` equals it), compared exactly, when it is not a
//!   declared pseudonym column and at least half of the sampled targets' register values
//!   appear among its released values (a hashed or generalised column is not comparable as
//!   released);
//! - the device's type allocation code (TAC, the IMEI's first 8 digits) of released event
//!   rows' `served_imei`, when not declared a pseudonym and half of the targets' TACs appear;
//! - home: the register address geocoded to its district (the register's `district` and
//!   `state`; the state at state level), against the region of the pseudonym's night-time
//!   events (22:00–06:00 local, as in home–work).
//!
//! For a register row, the candidates are the pseudonyms whose compared columns and TAC all
//! equal the row's (pseudonyms with none of them released when none matches); among them,
//! those whose night-time region is the address's district, when any is. The adversary names
//! the pick with the row's holder. Success is scored against the truth, the SIM's user
//! (`person_sims.person_id`): a uniform pick among the candidates belongs to the user (1/|set|
//! when the user's pseudonym is among them) and the row's holder is the user
//! (`person_sims.holder_id`); a line registered to a parent, a relative or an employer names
//! someone else, so it never counts. The attack runs on each sampled target's register row of
//! the operator; the baseline runs on each control's register row (of their own operator: they
//! are in no release) scored against a target paired at random, as for linkage, and counted
//! only when the row's holder is the control, as for targets: what the register's values
//! match by chance.
//!
//! Cost: one pass over the released `subscribers` per comparable column check and one to key
//! the pseudonyms, one over each released event table's `served_imei` when comparable; a hash
//! map of pseudonyms by key; then a look-up per sampled person and a check of each candidate
//! (a candidate with a point its person lacks is ruled out without tracing, as in linkage).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;
use telcosynth_generator::public_data::districts;

use super::knowledge::Knowledge;
use super::linkage::{paired_target, share_owned};
use super::population::{REGISTER_COLUMNS, Sim};
use super::stats::{AttackResult, Rate};
use super::{RiskError, RiskInputs};
use telcosynth_sinks::read::{DatasetReader, text};

/// Share of sampled targets' register values that must appear among a released column's
/// values for the adversary to compare the column.
const COMPARABLE_SHARE: f64 = 0.5;

/// Columns of a released `subscribers` table that hold the subject's pseudonym.
const KEY_COLUMNS: [&str; 3] = ["msisdn", "imsi", "imei"];

/// The leaked-register attack's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct LeakReport {
    /// Success on targets' register rows and the chance baseline on controls'.
    pub attack: AttackResult,
    /// Register columns compared on the released `subscribers` rows.
    pub compared_columns: Vec<String>,
    /// Whether released event rows' TAC was compared.
    pub tac: bool,
    /// Mean number of candidate pseudonyms of targets with any.
    pub mean_candidates: f64,
    /// Share of targets with exactly one candidate.
    pub unique_share: Rate,
}

/// The type allocation code of an IMEI: its first 8 digits, when it is one.
fn tac(imei: &str) -> Option<u32> {
    let digits = imei.get(..8)?;
    (imei.len() >= 14 && imei.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A register row's key over the compared columns and TAC; `None` when the TAC is missing. A
/// null value is a value: a company holder has no sex or birth date, a prepaid line no e-mail,
/// in the register and in the release alike.
fn key(values: &[Option<&str>], tac: Option<Option<u32>>) -> Option<u64> {
    let mut h = DefaultHasher::new();
    for v in values {
        v.hash(&mut h);
    }
    if let Some(t) = tac {
        t?.hash(&mut h);
    }
    Some(h.finish())
}

/// The district code of a register address (district and state in census spelling).
fn geocode(sim: &Sim) -> Option<&'static str> {
    let district = sim.register.get("district")?;
    let state = sim.register.get("state").map(String::as_str);
    let all = districts();
    all.iter()
        .find(|d| d.name == district.as_str() && Some(d.state) == state)
        .or_else(|| all.iter().find(|d| d.name == district.as_str()))
        .map(|d| d.code)
}

/// 1 when the register row of `sim` names its user `person`, else 0: a pick named after
/// another holder is wrong whoever's pseudonym it is.
fn names_user(sim: &Sim, person: i64) -> f64 {
    f64::from(u8::from(sim.holder == Some(person)))
}

/// The register row the adversary starts from: a target's SIM of the view's operator, a
/// control's first SIM.
fn register_row<'a>(knowledge: &Knowledge<'a>, person: i64, target: bool) -> Option<&'a Sim> {
    let sims = &knowledge.persons.get(&person)?.sims;
    if target {
        sims.iter().find(|s| s.operator == knowledge.operator)
    } else {
        sims.first()
    }
}

/// Runs the attack; `Ok(Err(reason))` when it does not apply.
pub(crate) fn assess(
    inputs: &RiskInputs,
    knowledge: &Knowledge,
) -> Result<Result<LeakReport, String>, RiskError> {
    let release = &knowledge.release;
    if release.subjects.is_empty() {
        return Ok(Err("the release has no pseudonymous event rows".into()));
    }
    if !release.owners_known() {
        return Ok(Err(
            "no sampled target's released pseudonym can be traced to them".into(),
        ));
    }
    let declared = |c: &str| inputs.view.pseudonym_columns.iter().any(|d| d == c);
    let micro = inputs.release.join("microdata");
    let targets: Vec<(i64, &Sim)> = knowledge
        .targets
        .iter()
        .filter_map(|&t| Some((t, register_row(knowledge, t, true)?)))
        .collect();
    let share_found = |found: &HashSet<String>, value: &dyn Fn(&Sim) -> Option<String>| {
        let n = targets.len().max(1) as f64;
        targets
            .iter()
            .filter(|(_, sim)| value(sim).is_some_and(|v| found.contains(&v)))
            .count() as f64
            / n
    };

    // Register columns the released subscriber table keeps in the register's form.
    let released_columns = DatasetReader::folder(&micro).columns("subscribers")?;
    let candidates: Vec<&'static str> = REGISTER_COLUMNS
        .into_iter()
        .filter(|c| released_columns.iter().any(|r| r == c) && !declared(c))
        .collect();
    let mut found: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
    if !candidates.is_empty() {
        let wanted: BTreeMap<&str, HashSet<&str>> = candidates
            .iter()
            .map(|&c| {
                let values = targets
                    .iter()
                    .filter_map(|(_, sim)| sim.register.get(c).map(String::as_str))
                    .collect();
                (c, values)
            })
            .collect();
        DatasetReader::folder(&micro).scan_present::<RiskError>(
            "subscribers",
            &candidates,
            |rows| {
                for &c in &candidates {
                    let Some(values) = rows.cast_strings(c)? else {
                        continue;
                    };
                    let seen = found.entry(c).or_default();
                    for i in 0..rows.len() {
                        if let Some(v) = text(&values, i)
                            && wanted[c].contains(v)
                        {
                            seen.insert(v.to_owned());
                        }
                    }
                }
                Ok(())
            },
        )?;
    }
    let compared: Vec<&'static str> = candidates
        .into_iter()
        .filter(|&c| {
            let empty = HashSet::new();
            share_found(found.get(c).unwrap_or(&empty), &|sim: &Sim| {
                sim.register.get(c).cloned()
            }) >= COMPARABLE_SHARE
        })
        .collect();

    // The compared values of each subject's released subscriber row.
    let mut values: Vec<Option<Vec<Option<String>>>> = vec![None; release.subjects.len()];
    if !compared.is_empty() {
        let keys: Vec<&str> = KEY_COLUMNS
            .into_iter()
            .filter(|c| released_columns.iter().any(|r| r == c))
            .collect();
        let mut wanted = keys.clone();
        wanted.extend(&compared);
        DatasetReader::folder(&micro).scan_present::<RiskError>(
            "subscribers",
            &wanted,
            |rows| {
                let key_values = keys
                    .iter()
                    .map(|k| rows.cast_strings(k))
                    .collect::<Result<Vec<_>, _>>()?;
                let columns = compared
                    .iter()
                    .map(|c| rows.cast_strings(c))
                    .collect::<Result<Vec<_>, _>>()?;
                for i in 0..rows.len() {
                    let subject = key_values.iter().flatten().find_map(|k| {
                        let v = text(k, i)?;
                        release
                            .subjects
                            .binary_search_by(|s| s.as_str().cmp(v))
                            .ok()
                    });
                    if let Some(s) = subject {
                        values[s] = Some(
                            columns
                                .iter()
                                .map(|c| c.as_ref().and_then(|c| text(c, i)).map(str::to_owned))
                                .collect(),
                        );
                    }
                }
                Ok(())
            },
        )?;
    }

    // TACs of released event rows.
    let mut tacs: Vec<Option<u32>> = vec![None; release.subjects.len()];
    if !declared("served_imei") {
        // Event tables repeat each subject on many rows: look subjects up by hash.
        let subject_of: HashMap<&str, usize> = release
            .subjects
            .iter()
            .enumerate()
            .map(|(s, name)| (name.as_str(), s))
            .collect();
        for (table, subject) in &release.subject_columns {
            if !DatasetReader::folder(&micro)
                .columns(table)?
                .iter()
                .any(|c| c == "served_imei")
            {
                continue;
            }
            DatasetReader::folder(&micro).scan_present::<RiskError>(
                table,
                &[subject.as_str(), "served_imei"],
                |rows| {
                    let (Some(who), Some(imei)) = (
                        rows.cast_strings(subject)?,
                        rows.cast_strings("served_imei")?,
                    ) else {
                        return Ok(());
                    };
                    for i in 0..rows.len() {
                        let Some(&s) = text(&who, i).and_then(|w| subject_of.get(w)) else {
                            continue;
                        };
                        if tacs[s].is_none() {
                            tacs[s] = text(&imei, i).and_then(tac);
                        }
                    }
                    Ok(())
                },
            )?;
        }
    }
    let released_tacs: HashSet<String> = tacs.iter().flatten().map(u32::to_string).collect();
    let use_tac = !released_tacs.is_empty()
        && share_found(&released_tacs, &|sim: &Sim| {
            tac(&sim.imei).map(|t| t.to_string())
        }) >= COMPARABLE_SHARE;

    // Pseudonyms by key, and by key and night-time region.
    let homes = knowledge.profiles();
    let mut by_key: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut by_key_home: HashMap<(u64, String), Vec<u32>> = HashMap::new();
    let mut unknown: Vec<u32> = Vec::new();
    for s in 0..release.subjects.len() {
        // A subject without a released subscriber row has no key when columns are compared.
        let v: Vec<Option<&str>> = match &values[s] {
            Some(v) => v.iter().map(Option::as_deref).collect(),
            None if compared.is_empty() => Vec::new(),
            None => {
                unknown.push(s as u32);
                continue;
            }
        };
        let Some(k) = key(&v, use_tac.then_some(tacs[s])) else {
            unknown.push(s as u32);
            continue;
        };
        by_key.entry(k).or_default().push(s as u32);
        if let Some(h) = &homes[s].home {
            by_key_home
                .entry((k, h.clone()))
                .or_default()
                .push(s as u32);
        }
    }
    // The pseudonyms matching a register row: same key (else those without one), narrowed
    // to those at home in the address's region when any is.
    let candidates_of = |sim: &Sim| -> Vec<u32> {
        let v: Vec<Option<&str>> = compared
            .iter()
            .map(|c| sim.register.get(c).map(String::as_str))
            .collect();
        let set = key(&v, use_tac.then(|| tac(&sim.imei))).and_then(|k| {
            let home = geocode(sim).map(|d| knowledge.zones.region_of_district(d));
            home.and_then(|h| by_key_home.get(&(k, h)))
                .or_else(|| by_key.get(&k))
        });
        set.unwrap_or(&unknown).clone()
    };

    let (mut n, mut hits, mut sizes, mut unique) = (0u64, 0.0, Vec::new(), 0u64);
    for &(id, sim) in &targets {
        let set = candidates_of(sim);
        n += 1;
        hits += names_user(sim, id) * share_owned(knowledge, &set, id);
        if !set.is_empty() {
            sizes.push(set.len() as f64);
        }
        unique += u64::from(set.len() == 1);
    }
    let (mut cn, mut chits) = (0u64, 0.0);
    for &id in knowledge.controls {
        let Some(sim) = register_row(knowledge, id, false) else {
            continue;
        };
        let set = candidates_of(sim);
        cn += 1;
        chits += names_user(sim, id)
            * paired_target(knowledge, inputs.params.seed, id)
                .map_or(0.0, |t| share_owned(knowledge, &set, t));
    }
    Ok(Ok(LeakReport {
        attack: AttackResult::new(
            "leaked_register",
            None,
            Rate::new(hits, n),
            Rate::new(chits, cn),
        ),
        compared_columns: compared.iter().map(|c| (*c).to_owned()).collect(),
        tac: use_tac,
        mean_candidates: if sizes.is_empty() {
            0.0
        } else {
            sizes.iter().sum::<f64>() / sizes.len() as f64
        },
        unique_share: Rate::new(unique as f64, n),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::fixture::{
        Fixture, GENERALISED, IDENTITY, KEYED, TARGETS, Transform, microdata_view,
    };
    use crate::risk::{ReleaseView, SpatialLevel, assess as assess_all};

    #[test]
    fn tac_and_keys() {
        assert_eq!(tac("352099001234563"), Some(35_209_900));
        assert_eq!(tac("3520990"), None);
        assert_eq!(tac("a52099001234563"), None);
        assert_ne!(
            key(&[Some("a"), None], None),
            key(&[Some("a"), Some("")], None)
        );
        assert!(key(&[Some("a"), None], None).is_some());
        assert_eq!(key(&[Some("a")], Some(None)), None);
        assert_eq!(
            key(&[Some("a")], Some(Some(1))),
            key(&[Some("a")], Some(Some(1)))
        );
        assert_ne!(key(&[Some("a")], None), key(&[Some("b")], None));
    }

    #[test]
    fn the_register_links_identity_and_kept_attributes_but_not_a_bare_home() {
        let f = Fixture::new();
        // Identity: nothing declared a pseudonym, every register column compared.
        let out = f.release("identity", &IDENTITY);
        let view = ReleaseView {
            pseudonym_columns: Vec::new(),
            ..microdata_view(SpatialLevel::Cell, 1)
        };
        let leak = assess_all(&f.inputs(&out, view))
            .unwrap()
            .leaked_register
            .unwrap();
        assert_eq!(leak.attack.attack_rate.n, TARGETS as u64);
        assert_eq!(leak.attack.attack_rate.rate, 1.0, "{leak:?}");
        assert_eq!(leak.attack.baseline_rate.rate, 0.0);
        assert_eq!(leak.attack.normalised_risk, Some(1.0));
        assert!(leak.compared_columns.contains(&"id_number".to_owned()));
        assert_eq!(leak.unique_share.rate, 1.0);

        // Keyed pseudonyms, names dropped, but plan, activation date, birth date... kept:
        // the attributes single out every target.
        let kept = Transform {
            attributes: true,
            ..KEYED
        };
        let out = f.release("attributes", &kept);
        let leak = assess_all(&f.inputs(&out, microdata_view(SpatialLevel::Cell, 1)))
            .unwrap()
            .leaked_register
            .unwrap();
        assert!(!leak.compared_columns.contains(&"msisdn".to_owned()));
        assert!(!leak.compared_columns.contains(&"holder_name".to_owned()));
        assert!(
            leak.compared_columns
                .contains(&"activation_date".to_owned())
        );
        assert_eq!(leak.attack.attack_rate.rate, 1.0, "{leak:?}");
        assert_eq!(leak.attack.baseline_rate.rate, 0.0, "{leak:?}");

        // District-day events and nationality only: the address's district and the
        // nationality leave sets of several pseudonyms.
        let traced = Transform {
            record_id: true,
            ..GENERALISED
        };
        let out = f.release("generalised-traced", &traced);
        let leak = assess_all(&f.inputs(&out, microdata_view(SpatialLevel::District, 86_400)))
            .unwrap()
            .leaked_register
            .unwrap();
        assert_eq!(leak.compared_columns, ["nationality"]);
        assert!(!leak.tac);
        assert!(leak.mean_candidates >= 3.0, "{leak:?}");
        assert!(leak.attack.attack_rate.rate <= 0.35, "{leak:?}");
    }

    #[test]
    fn lines_registered_to_someone_else_name_the_wrong_person() {
        let f = Fixture::new();
        let out = f.release("identity", &IDENTITY);
        let view = || ReleaseView {
            pseudonym_columns: Vec::new(),
            ..microdata_view(SpatialLevel::Cell, 1)
        };
        // Every fourth target's line is registered to the next person, every eighth (of the
        // others) to a company: the register still finds their pseudonym, under the holder's
        // name.
        let holder = |p: i64| match p % 8 {
            0 => None,
            4 => Some(p + 1),
            _ => Some(p),
        };
        f.register_to(holder);
        let leak = assess_all(&f.inputs(&out, view()))
            .unwrap()
            .leaked_register
            .unwrap();
        let named = (1..=TARGETS).filter(|&p| holder(p) == Some(p)).count();
        assert_eq!(leak.attack.attack_rate.n, TARGETS as u64);
        assert_eq!(
            leak.attack.attack_rate.rate,
            named as f64 / TARGETS as f64,
            "{leak:?}"
        );
        assert_eq!(
            leak.unique_share.rate, 1.0,
            "the pseudonyms are still found"
        );
    }
}
