//! Quasi-identifier risk of a released subscriber table, with the re-identification models of
//! ARX (Prasser et al.) after El Emam (2013), "Guide to the De-Identification of Personal
//! Health Information".
//!
//! The quasi-identifiers are the [`QUASI_IDENTIFIERS`] the released `subscribers` table keeps
//! (not declared pseudonyms). Records with equal values form an equivalence class of size
//! `f_j` in the release; `F_j` is the size of the same class in the population table, here the
//! truth population: every SIM of every operator in the dataset's register (at least `f_j`).
//!
//! - prosecutor (the adversary knows the target is in the release): record risk `1 / f_j`;
//!   highest `1 / min f_j`, average `J / n` (J classes, n records);
//! - journalist (the adversary knows only that the target is in the population): record risk
//!   `1 / F_j`; highest `1 / min F_j`, average `(1/n) Σ_j f_j / F_j`;
//! - marketer (the adversary links every record at random within its population class): the
//!   expected share of records linked correctly, `(1/n) Σ_j f_j / F_j` — the journalist's
//!   average, as in ARX when the population table is known;
//! - the share of records in classes smaller than k, for k = 2, 5, 11.
//!
//! Cost: one pass over the released `subscribers` (a count per class) and one over the
//! dataset's `subscribers` (a count per class the release has).

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;

use super::{RiskError, RiskInputs};
use telcosynth_sinks::read::{self, DatasetReader, text};

/// Register columns that are quasi-identifiers when released.
pub const QUASI_IDENTIFIERS: [&str; 9] = [
    "holder_birth_date",
    "holder_sex",
    "postcode",
    "district",
    "state",
    "nationality",
    "handset_brand",
    "handset_model",
    "plan",
];

/// Class sizes below which records are counted.
pub const SMALL_CLASSES: [u32; 3] = [2, 5, 11];

/// Highest and average risk of a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRisk {
    /// The highest record risk.
    pub highest: f64,
    /// The average record risk.
    pub average: f64,
}

/// Quasi-identifier risk of a released subscriber table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuasiReport {
    /// Quasi-identifiers the release keeps.
    pub columns: Vec<String>,
    /// Released records.
    pub records: u64,
    /// Equivalence classes in the release.
    pub classes: u64,
    /// Share of released records whose class the population table holds at its released
    /// values (below 1 when the release recodes values, e.g. birth years for dates: `F_j` is
    /// then taken as `f_j`).
    pub population_matched: f64,
    /// Prosecutor model.
    pub prosecutor: ModelRisk,
    /// Journalist model (population: the truth's register).
    pub journalist: ModelRisk,
    /// Marketer model.
    pub marketer: f64,
    /// Per k: share of released records in classes smaller than k.
    pub records_in_classes_below: BTreeMap<u32, f64>,
}

fn class_key(values: &[Option<&str>]) -> u64 {
    let mut h = DefaultHasher::new();
    values.hash(&mut h);
    h.finish()
}

/// The models' figures from class sizes: `(f_j, F_j)` per class of the release.
pub(crate) fn measures(classes: &[(u64, u64)]) -> (ModelRisk, ModelRisk, f64, BTreeMap<u32, f64>) {
    let n: u64 = classes.iter().map(|c| c.0).sum();
    if n == 0 {
        let zero = ModelRisk {
            highest: 0.0,
            average: 0.0,
        };
        return (zero.clone(), zero, 0.0, BTreeMap::new());
    }
    let nf = n as f64;
    let min_f = classes.iter().map(|c| c.0).min().unwrap_or(1).max(1);
    let min_big_f = classes
        .iter()
        .map(|c| c.1.max(c.0))
        .min()
        .unwrap_or(1)
        .max(1);
    let linked: f64 = classes
        .iter()
        .map(|&(f, big)| f as f64 / big.max(f).max(1) as f64)
        .sum::<f64>()
        / nf;
    let below = SMALL_CLASSES
        .iter()
        .map(|&k| {
            let records: u64 = classes
                .iter()
                .filter(|c| c.0 < u64::from(k))
                .map(|c| c.0)
                .sum();
            (k, records as f64 / nf)
        })
        .collect();
    (
        ModelRisk {
            highest: 1.0 / min_f as f64,
            average: classes.len() as f64 / nf,
        },
        ModelRisk {
            highest: 1.0 / min_big_f as f64,
            average: linked,
        },
        linked,
        below,
    )
}

/// The assessment; `Ok(Err(reason))` when the release keeps no subscriber attributes.
pub(crate) fn assess(inputs: &RiskInputs) -> Result<Result<QuasiReport, String>, RiskError> {
    let micro = inputs.release.join("microdata");
    let released = DatasetReader::folder(&micro).columns("subscribers")?;
    if released.is_empty() {
        return Ok(Err("the release has no subscribers table".into()));
    }
    let declared = |c: &str| inputs.view.pseudonym_columns.iter().any(|d| d == c);
    let columns: Vec<&str> = QUASI_IDENTIFIERS
        .into_iter()
        .filter(|c| released.iter().any(|r| r == c) && !declared(c))
        .collect();
    if columns.is_empty() {
        return Ok(Err(format!(
            "the released subscribers table keeps none of {}",
            QUASI_IDENTIFIERS.join(", ")
        )));
    }
    let mut counts: HashMap<u64, (u64, u64)> = HashMap::new();
    let keys = |rows: &read::Rows| -> Result<Vec<u64>, RiskError> {
        let values = columns
            .iter()
            .map(|c| rows.cast_strings(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((0..rows.len())
            .map(|i| {
                let v: Vec<Option<&str>> = values
                    .iter()
                    .map(|c| c.as_ref().and_then(|c| text(c, i)))
                    .collect();
                class_key(&v)
            })
            .collect())
    };
    DatasetReader::folder(&micro).scan_present::<RiskError>("subscribers", &columns, |rows| {
        for k in keys(rows)? {
            counts.entry(k).or_default().0 += 1;
        }
        Ok(())
    })?;
    inputs
        .dataset
        .scan_present::<RiskError>("subscribers", &columns, |rows| {
            for k in keys(rows)? {
                if let Some(c) = counts.get_mut(&k) {
                    c.1 += 1;
                }
            }
            Ok(())
        })?;
    let classes: Vec<(u64, u64)> = counts.into_values().collect();
    let records: u64 = classes.iter().map(|c| c.0).sum();
    let matched: u64 = classes.iter().filter(|c| c.1 > 0).map(|c| c.0).sum();
    let (prosecutor, journalist, marketer, below) = measures(&classes);
    Ok(Ok(QuasiReport {
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        records,
        classes: classes.len() as u64,
        population_matched: if records == 0 {
            0.0
        } else {
            matched as f64 / records as f64
        },
        prosecutor,
        journalist,
        marketer,
        records_in_classes_below: below,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::fixture::{Fixture, GENERALISED, KEYED, TARGETS, Transform, microdata_view};
    use crate::risk::{SpatialLevel, assess as assess_all};

    #[test]
    fn the_models_of_hand_counted_classes() {
        // Release classes of 1, 2, 3 and 6 records (12 in all); population classes of 4, 2,
        // 9 and 6.
        let classes = [(1, 4), (2, 2), (3, 9), (6, 6)];
        let (prosecutor, journalist, marketer, below) = measures(&classes);
        assert_eq!(prosecutor.highest, 1.0);
        assert!((prosecutor.average - 4.0 / 12.0).abs() < 1e-12);
        assert_eq!(journalist.highest, 0.5);
        // (1/4 + 2/2 + 3/9 + 6/6) / 12
        let expected = (0.25 + 1.0 + 1.0 / 3.0 + 1.0) / 12.0;
        assert!((journalist.average - expected).abs() < 1e-12);
        assert_eq!(marketer, journalist.average);
        assert_eq!(below[&2], 1.0 / 12.0);
        assert_eq!(below[&5], 6.0 / 12.0);
        assert_eq!(below[&11], 1.0);
        // A population class smaller than the release's (recoded values) counts as f_j.
        let (_, journalist, _, _) = measures(&[(3, 0)]);
        assert!((journalist.highest - 1.0 / 3.0).abs() < 1e-12);
        assert!((journalist.average - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn released_attributes_are_measured_against_the_register() {
        let f = Fixture::new();
        let kept = Transform {
            attributes: true,
            ..KEYED
        };
        let out = f.release("attributes", &kept);
        let report = assess_all(&f.inputs(&out, microdata_view(SpatialLevel::Cell, 1))).unwrap();
        let q = report.quasi_identifiers.unwrap();
        assert_eq!(q.records, TARGETS as u64);
        assert!(q.columns.contains(&"holder_birth_date".to_owned()), "{q:?}");
        assert!(!q.columns.contains(&"msisdn".to_owned()));
        // Birth dates are unique among the 60 register rows: every record alone, in the
        // release and in the population.
        assert_eq!(q.classes, TARGETS as u64);
        assert_eq!(q.prosecutor.highest, 1.0);
        assert_eq!(q.journalist.average, 1.0);
        assert_eq!(q.records_in_classes_below[&2], 1.0);
        assert_eq!(q.population_matched, 1.0);

        // A release without subscriber attributes: skipped with the reason.
        let out = f.release("generalised", &GENERALISED);
        let report =
            assess_all(&f.inputs(&out, microdata_view(SpatialLevel::District, 86_400))).unwrap();
        let q = report.quasi_identifiers.unwrap();
        // Nationality is kept: two classes among 40 targets (8 IDN, 32 MYS), and 12 and 48
        // among the 60 register rows.
        assert_eq!(q.columns, ["nationality"]);
        assert_eq!(q.classes, 2);
        assert_eq!(q.prosecutor.highest, 1.0 / 8.0);
        // (8/12 + 32/48) / 40
        assert!((q.journalist.average - 1.0 / 30.0).abs() < 1e-12, "{q:?}");
        assert_eq!(q.journalist.highest, 1.0 / 12.0);
        assert_eq!(q.records_in_classes_below[&11], 8.0 / 40.0);

        // An aggregates release: skipped with the reason.
        let out = crate::risk::fixture::write_presence(&f, "presence-qi");
        let view = crate::risk::ReleaseView {
            microdata: false,
            aggregates: true,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::District,
            time_bin_s: 3_600,
        };
        let report = assess_all(&f.inputs(&out, view)).unwrap();
        assert!(report.quasi_identifiers.is_none());
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.starts_with("quasi-identifiers")),
            "{:?}",
            report.skipped
        );
    }
}
