//! The leaderboard: one utility figure, one risk figure and a combined score per pipeline, so
//! that pipelines can be ranked and plotted against each other. The full scores stay in the
//! report; these figures summarise them by fixed rules (`benchmarks/RISK.md`, "Leaderboard").

use std::collections::BTreeMap;

use serde_json::Value;

use crate::report::{Entry, Outcome, PipelineReport, RiskSection, Scored, Utility};
use crate::utility::{Score, Subset};

/// One indicator's loss in [0, 1] from its scores against the raw view: 1 when the release
/// gives none of its rows (unpublished, published without rows, or every row nulled), else the
/// mean of min(1, median relative error), min(1, 90th percentile), the presence error
/// (missing + spurious cells) / (reference rows + spurious cells), and, where the reference
/// has rural or small-country rows, the worst of their min(1, median relative error) (1 for a
/// subset the release gives no row of). Definitions and reasons: `benchmarks/RISK.md`,
/// "Leaderboard".
pub fn indicator_loss(all: &Score, small: &[&Score]) -> f64 {
    if all.published_rows == 0 {
        return 1.0;
    }
    let presence = (all.missing_rows + all.spurious_rows) as f64
        / (all.rows + all.spurious_rows).max(1) as f64;
    let mut terms = vec![
        all.median_relative_error.min(1.0),
        all.p90_relative_error.min(1.0),
        presence.min(1.0),
    ];
    let small_area = small
        .iter()
        .map(|s| {
            if s.published_rows == 0 {
                1.0
            } else {
                s.median_relative_error.min(1.0)
            }
        })
        .reduce(f64::max);
    terms.extend(small_area);
    terms.iter().sum::<f64>() / terms.len() as f64
}

/// Utility and per-indicator losses of one part of a release.
fn utility_of(u: &Utility) -> (f64, BTreeMap<String, f64>) {
    let mut errors: BTreeMap<String, f64> = u
        .vs_raw
        .iter()
        .filter(|s| s.subset == Subset::All)
        .map(|all| {
            let small: Vec<&Score> = u
                .vs_raw
                .iter()
                .filter(|s| s.indicator == all.indicator && s.subset != Subset::All)
                .collect();
            (all.indicator.clone(), indicator_loss(all, &small))
        })
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

/// The trajectory recovery: it counts in the risk like every attack, and is also shown on its
/// own (`reconstruction`) since it is the one attack on anonymous aggregates' individuals
/// rather than on named persons (`benchmarks/RISK.md`, "Leaderboard").
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
            .map(|(a, p, _, _, norm)| (a, p, norm.unwrap_or(0.0).clamp(0.0, 1.0)))
            .max_by(|x, y| x.2.total_cmp(&y.2).then(y.0.cmp(&x.0)));
        match worst {
            // An attack is named only when it did better than its baseline.
            Some((a, p, r)) if r > 0.0 => (
                Some(r),
                Some(match p {
                    Some(p) => format!("{a} p={p}"),
                    None => a,
                }),
            ),
            _ => (Some(0.0), None),
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
    use crate::indicators::{IndicatorSet, Row};
    use crate::utility::score_all;

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
            published_rows: 10,
            missing_rows: 0,
            spurious_rows: 0,
            common_part_of_commuters: None,
        }
    }

    #[test]
    fn utility_clamps_errors_and_counts_missing_indicators_as_lost() {
        let mut rural = score("calls", 5.0);
        rural.subset = Subset::Rural;
        let mut residents = score("residents", 3.0);
        residents.p90_relative_error = 0.5;
        let u = Utility {
            vs_raw: vec![score("calls", 0.2), residents, rural],
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
        // calls: median 0.2, p90 0.2, presence 0, rural median 5 → 1: (0.2 + 0.2 + 0 + 1) / 4.
        assert!((errors["calls"] - 0.35).abs() < 1e-12, "{errors:?}");
        // residents: median 3 → 1, p90 0.5, presence 0, no small areas: 1.5 / 3.
        assert!((errors["residents"] - 0.5).abs() < 1e-12, "{errors:?}");
        assert_eq!(errors["od_trips"], 1.0);
        assert!((utility - (1.0 - 1.85 / 3.0)).abs() < 1e-12, "{utility}");
    }

    #[test]
    fn tails_missing_and_spurious_cells_cost_utility() {
        // Exact where published, but the tail is wrong: a median of 0 no longer scores 1.
        let mut tail = score("present_population", 0.0);
        tail.p90_relative_error = 0.9;
        assert!((indicator_loss(&tail, &[]) - 0.3).abs() < 1e-12);
        // 2 of 10 cells missing and 2 spurious: presence (2 + 2) / (10 + 2).
        let mut holes = score("present_population", 0.0);
        (holes.missing_rows, holes.spurious_rows) = (2, 2);
        assert!((indicator_loss(&holes, &[]) - (4.0 / 12.0) / 3.0).abs() < 1e-12);
        // Rural rows all left out: the small-area term is 1.
        let mut rural = score("present_population", 0.0);
        (rural.subset, rural.published_rows) = (Subset::Rural, 0);
        let exact = score("present_population", 0.0);
        assert_eq!(indicator_loss(&exact, &[]), 0.0);
        assert!((indicator_loss(&exact, &[&rural]) - 0.25).abs() < 1e-12);
        // Published without a row: lost.
        let mut none = score("present_population", 0.0);
        none.published_rows = 0;
        assert_eq!(indicator_loss(&none, &[]), 1.0);
    }

    fn rows(indicator: &str, values: &[f64]) -> Vec<Row> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| Row {
                indicator: indicator.into(),
                zone_level: "district".into(),
                zone_id: format!("10_{i}"),
                t_start: 0,
                t_end: 86_400,
                breakdown_key: None,
                breakdown_value: None,
                value: Some(v),
            })
            .collect()
    }

    #[test]
    fn a_release_without_call_drop_rate_loses_its_share_of_twelve() {
        let indicators = [
            ("present_population", vec![120.0, 40.0, 7.0]),
            ("residents", vec![900.0, 300.0, 50.0]),
            ("od_trips", vec![35.0, 12.0, 3.0]),
            ("calls", vec![4_000.0, 800.0, 90.0]),
            ("call_drop_rate", vec![0.012, 0.031, 0.02]),
            ("data_volume", vec![5e9, 1e9, 2e8]),
            ("throughput_p50", vec![2e7, 1.5e7, 9e6]),
            ("technology_share", vec![0.7, 0.25, 0.05]),
            ("low_throughput_share", vec![0.12, 0.3, 0.45]),
            ("dropped_session_share", vec![0.002, 0.004, 0.01]),
            ("user_density", vec![1_200.0, 35.0, 0.8]),
            ("coverage_gap", vec![0.0, 0.02, 0.15]),
        ];
        let reference = IndicatorSet::from_rows(
            indicators
                .iter()
                .flat_map(|(name, v)| rows(name, v))
                .collect(),
        );
        let rural = Default::default();
        let utility = |release: &IndicatorSet| {
            let (vs_raw, notes) = score_all(&reference, release, &rural);
            utility_of(&Utility {
                vs_raw,
                vs_truth: Vec::new(),
                notes,
            })
        };
        let (all, _) = utility(&reference);
        assert_eq!(all, 1.0);
        // Everything but call_drop_rate: absent, or present without rows.
        let mut without = reference.clone();
        without.rows.remove("call_drop_rate");
        let (u, errors) = utility(&without);
        assert_eq!(errors["call_drop_rate"], 1.0);
        // Twelve indicators of equal weight (the twenty but the eight that need the tourism truth
        // tables, visitors and trips): one lost is a twelfth of the utility.
        assert_eq!(errors.len(), 12);
        assert!((u - 11.0 / 12.0).abs() < 1e-12, "{u}");
        without.rows.insert("call_drop_rate".into(), Vec::new());
        assert!((utility(&without).0 - 11.0 / 12.0).abs() < 1e-12);
        // Published as zeros: every rate wrong.
        let mut zeros = reference.clone();
        zeros.rows.insert(
            "call_drop_rate".into(),
            rows("call_drop_rate", &[0.0, 0.0, 0.0]),
        );
        let (u, errors) = utility(&zeros);
        assert!(errors["call_drop_rate"] >= 2.0 / 3.0, "{errors:?}");
        assert!(u <= 1.0 - 2.0 / 36.0 + 1e-12, "{u}");
        // Without call_drop_rate and the four ICT shares (the DP baselines leave these out, and
        // more): five of twelve lost.
        let mut dp = reference.clone();
        for share in [
            "call_drop_rate",
            "technology_share",
            "low_throughput_share",
            "dropped_session_share",
            "coverage_gap",
        ] {
            dp.rows.remove(share);
        }
        assert!((utility(&dp).0 - 7.0 / 12.0).abs() < 1e-12);
    }
}
