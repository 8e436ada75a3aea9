//! The leaderboard: one utility figure, one risk figure and a combined score per pipeline, so
//! that pipelines can be ranked and plotted against each other. The full scores stay in the
//! report; these figures summarise them by fixed rules (`benchmarks/RISK.md`, "Leaderboard").

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::report::{Outcome, PipelineReport, RiskSection, Scored, Utility};
use crate::utility::Subset;

/// One pipeline's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// 1 for the best score; `None` for a failed pipeline.
    pub rank: Option<usize>,
    /// Pipeline name.
    pub pipeline: String,
    /// Whether the release was scored.
    pub scored: bool,
    /// Which part of the release the utility comes from: `aggregates` or `microdata`.
    pub part: Option<String>,
    /// 1 − the mean over the raw view's indicators of min(1, median relative error against the
    /// raw view) (all rows); an indicator the release lacks counts as 1. 1 = every indicator
    /// exact, 0 = every indicator lost.
    pub utility: Option<f64>,
    /// The highest normalised risk (Anonymeter), clamped to [0, 1], over the attacks that
    /// single out or link persons and that ran (direct identifiers, pseudonym reversal,
    /// unicity, linkage, home-work, attributes, linkage of recovered trajectories; not
    /// [`RECONSTRUCTION`], reported beside it); 0 when none applies. `None` without an
    /// assessment.
    pub risk: Option<f64>,
    /// The attack (and p) giving `risk`.
    pub risk_attack: Option<String>,
    /// Normalised risk of the [`RECONSTRUCTION`] attack, clamped to [0, 1], when it ran.
    pub reconstruction: Option<f64>,
    /// utility × (1 − risk): the ranking key.
    pub score: Option<f64>,
    /// Per indicator: min(1, median relative error against the raw view) of the part above.
    pub indicator_errors: BTreeMap<String, f64>,
    /// Unicity attack rate by number of known points.
    pub unicity: BTreeMap<u32, f64>,
    /// Share of released pseudonyms reversed by the hash dictionary, when the attack ran.
    pub reversal: Option<f64>,
}

/// Utility and per-indicator losses of one part of a release.
fn utility_of(u: &Utility) -> (f64, BTreeMap<String, f64>) {
    let mut errors: BTreeMap<String, f64> = u
        .vs_raw
        .iter()
        .filter(|s| s.subset == Subset::All)
        .map(|s| (s.indicator.clone(), s.median_relative_error.min(1.0)))
        .collect();
    for (name, note) in &u.notes {
        // Indicators the reference has but the release could not give are lost.
        if note.starts_with("release ") {
            errors.entry(name.clone()).or_insert(1.0);
        }
    }
    if errors.is_empty() {
        return (0.0, errors);
    }
    let loss = errors.values().sum::<f64>() / errors.len() as f64;
    (1.0 - loss, errors)
}

/// The attack reported beside the leaderboard's risk rather than in it: it reconstructs
/// anonymous trajectories from aggregates and is defined for aggregate releases only, so
/// counting it would judge aggregates by an attack microdata releases never face
/// (`benchmarks/RISK.md`, "Leaderboard").
pub const RECONSTRUCTION: &str = "trajectory_recovery";

/// One attack result: (attack, p, attack rate, baseline rate, normalised risk).
pub type AttackFigures = (String, Option<u64>, f64, f64, Option<f64>);

/// Every attack result of a risk report.
pub fn attacks(risk: &RiskSection) -> Vec<AttackFigures> {
    fn walk(v: &Value, out: &mut Vec<AttackFigures>) {
        match v {
            Value::Object(m) => {
                if let (Some(name), Some(rate)) = (m.get("attack"), m.get("attack_rate")) {
                    out.push((
                        name.as_str().unwrap_or_default().to_owned(),
                        m.get("p").and_then(Value::as_u64),
                        rate["rate"].as_f64().unwrap_or(f64::NAN),
                        m.get("baseline_rate")
                            .map_or(f64::NAN, |b| b["rate"].as_f64().unwrap_or(f64::NAN)),
                        m.get("normalised_risk").and_then(Value::as_f64),
                    ));
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(r) = &risk.report {
        walk(&serde_json::to_value(r).expect("risk serialises"), &mut out);
    }
    out
}

fn scored_entry(name: &str, s: &Scored) -> Entry {
    let parts = [("aggregates", &s.aggregates), ("microdata", &s.microdata)];
    let best = parts
        .iter()
        .filter_map(|(part, u)| u.as_ref().map(|u| (*part, utility_of(u))))
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0));
    let (part, utility, indicator_errors) = match best {
        Some((part, (u, e))) => (Some(part.to_owned()), Some(u), e),
        None => (None, None, BTreeMap::new()),
    };
    let (risk, risk_attack) = if s.risk.report.is_some() {
        let worst = attacks(&s.risk)
            .into_iter()
            .filter(|a| a.0 != RECONSTRUCTION)
            .map(|(a, p, _, _, norm)| (a, p, norm.unwrap_or(0.0).clamp(0.0, 1.0)))
            .max_by(|x, y| x.2.total_cmp(&y.2).then(y.0.cmp(&x.0)));
        match worst {
            Some((a, p, r)) => (
                Some(r),
                Some(match p {
                    Some(p) => format!("{a} p={p}"),
                    None => a,
                }),
            ),
            None => (Some(0.0), None),
        }
    } else {
        (None, None)
    };
    let report = s.risk.report.as_deref();
    Entry {
        rank: None,
        pipeline: name.to_owned(),
        scored: true,
        part,
        utility,
        risk,
        risk_attack,
        reconstruction: attacks(&s.risk)
            .into_iter()
            .find(|a| a.0 == RECONSTRUCTION)
            .map(|a| a.4.unwrap_or(0.0).clamp(0.0, 1.0)),
        score: utility.zip(risk).map(|(u, r)| u * (1.0 - r)),
        indicator_errors,
        unicity: report
            .map(|r| {
                r.unicity
                    .iter()
                    .filter_map(|a| a.p.map(|p| (p, a.attack_rate.rate)))
                    .collect()
            })
            .unwrap_or_default(),
        reversal: report
            .and_then(|r| r.reversal.as_ref())
            .map(|r| r.attack.attack_rate.rate),
    }
}

/// The leaderboard of `pipelines`, in rank order: scored pipelines by descending score (then
/// descending utility, then name), pipelines without a score after them, failures last.
pub fn leaderboard(pipelines: &[PipelineReport]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = pipelines
        .iter()
        .map(|p| match &p.outcome {
            Outcome::Scored(s) => scored_entry(&p.name, s),
            Outcome::Failed(_) => Entry {
                rank: None,
                pipeline: p.name.clone(),
                scored: false,
                part: None,
                utility: None,
                risk: None,
                risk_attack: None,
                reconstruction: None,
                score: None,
                indicator_errors: BTreeMap::new(),
                unicity: BTreeMap::new(),
                reversal: None,
            },
        })
        .collect();
    let key = |e: &Entry| (e.scored, e.score.is_some());
    entries.sort_by(|a, b| {
        key(b)
            .cmp(&key(a))
            .then(b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)))
            .then(
                b.utility
                    .unwrap_or(0.0)
                    .total_cmp(&a.utility.unwrap_or(0.0)),
            )
            .then(a.pipeline.cmp(&b.pipeline))
    });
    let mut rank = 0;
    for e in &mut entries {
        if e.score.is_some() {
            rank += 1;
            e.rank = Some(rank);
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::utility::Score;

    fn score(indicator: &str, median: f64) -> Score {
        Score {
            indicator: indicator.into(),
            subset: Subset::All,
            rows: 10,
            median_relative_error: median,
            p90_relative_error: median,
            mean_absolute_error: 0.0,
            spearman: None,
            top10_recall: None,
            suppressed_mass_share: 0.0,
            extra_rows: 0,
            common_part_of_commuters: None,
        }
    }

    #[test]
    fn utility_clamps_errors_and_counts_missing_indicators_as_lost() {
        let mut rural = score("calls", 5.0);
        rural.subset = Subset::Rural;
        let u = Utility {
            vs_raw: vec![score("calls", 0.2), score("residents", 3.0), rural],
            vs_truth: Vec::new(),
            notes: [
                ("od_trips".to_owned(), "release not computable".to_owned()),
                (
                    "inbound_visitors".to_owned(),
                    "the reference has no rows".into(),
                ),
            ]
            .into(),
        };
        let (utility, errors) = utility_of(&u);
        assert_eq!(errors.len(), 3);
        assert_eq!(errors["residents"], 1.0);
        assert_eq!(errors["od_trips"], 1.0);
        assert!((utility - (1.0 - 2.2 / 3.0)).abs() < 1e-12, "{utility}");
    }
}
