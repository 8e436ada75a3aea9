//! Membership inference on aggregates, after Pyrgelis, Troncoso & De Cristofaro, "Knock Knock,
//! Who's There? Membership Inference on Aggregate Location Data" (NDSS 2018): from the
//! released hourly `present_population` counts, is a given person in the input?
//!
//! This first version plays the game differential privacy is defined by rather than training a
//! classifier on reference groups: the adversary knows the target's trace (the (zone, hour)
//! cells of every record of theirs: a member's records in the view, a non-member's records on
//! their own operator's network, at the release's level) and the aggregate of the input
//! *without* the target — the raw view's `present_population` minus one in each cell of a
//! member's trace; the raw view itself for a non-member, who is not in it. That is Pyrgelis et
//! al.'s adversary with the strongest prior (the aggregates of the reference group that differs
//! from the input by the target alone). For each published cell of the trace it takes
//! `x = released − count without the target` (0 plus noise when the target is out, 1 plus
//! noise when in) and scores the person by `Σ clip(2x − 1, −1, 1)`, the log-likelihood ratio
//! of a +1 shift under Laplace noise (up to its scale); unpublished cells are skipped.
//! Members are the sampled targets, non-members the sampled controls; a threshold on the
//! score separates them.
//!
//! What it measures: how well the release distinguishes the input from its neighbour without
//! one person. Exact counts, suppressed or not, give every member away (AUC 1) wherever a cell
//! of their trace is published; DP noise pulls the AUC towards 0.5 as ε falls. It does not run
//! the pipeline again on the neighbouring input (so a pipeline whose output depends on its
//! input in other ways than through these counts is judged by the counts alone), and the raw
//! view's counts stand for the count without the target, which for a pipeline that bounds
//! contributions differs from its own count by the bounding.
//!
//! Reported: AUC (Mann–Whitney, ties counted half; 95% interval by Hanley & McNeil 1982), the
//! true-positive rate at false-positive rates 0.1 and 0.01 (thresholds from the non-members'
//! scores; Wilson intervals over members), and the advantage max(TPR − FPR) with the interval
//! `[TPR_low − FPR_high, TPR_high − FPR_low]` at its threshold. As an attack result (in the
//! leaderboard's risk): attack rate = TPR and baseline = FPR at the advantage's threshold, and
//! the normalised risk is the advantage TPR − FPR (divided by 1 − FPR, as for the other
//! attacks, a small advantage at a permissive threshold would be inflated).
//!
//! Cost: one pass over the aggregates table, a map of its hourly presence counts, and a look-up
//! per cell of each sampled person's trace.

use std::collections::HashMap;

use serde::Serialize;

use super::aggregates::Cell;
use super::stats::{AttackResult, Rate, wilson};
use super::world::{LOCAL_OFFSET_S, World};
use super::{RiskInputs, SpatialLevel};

/// Two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// A figure with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The figure.
    pub value: f64,
    /// 95% interval `[low, high]`.
    pub ci95: [f64; 2],
}

/// The membership inference's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct MembershipReport {
    /// TPR (attack rate) and FPR (baseline) at the advantage's threshold.
    pub attack: AttackResult,
    /// Members (sampled targets) scored.
    pub members: u64,
    /// Non-members (sampled controls) scored.
    pub non_members: u64,
    /// Mean number of published cells in a scored person's trace.
    pub mean_published_cells: f64,
    /// Area under the ROC curve.
    pub auc: Estimate,
    /// True-positive rate at a false-positive rate of at most 0.1.
    pub tpr_at_fpr_0_1: Rate,
    /// True-positive rate at a false-positive rate of at most 0.01.
    pub tpr_at_fpr_0_01: Rate,
    /// max over thresholds of TPR − FPR.
    pub advantage: Estimate,
}

/// Runs the attack; `Err(reason)` when it does not apply.
pub(crate) fn assess(
    inputs: &RiskInputs,
    world: &World,
    cells: &[Cell],
) -> Result<MembershipReport, String> {
    if world.zones.level != SpatialLevel::District {
        return Err("the raw view's presence counts are by district; the release is not".into());
    }
    if world.bin_s != 3_600 {
        return Err("the release's time bin is not an hour".into());
    }
    let Some(raw) = inputs
        .raw_indicators
        .and_then(|r| r.rows.get("present_population"))
    else {
        return Err("no raw view presence counts were given".into());
    };
    let released: HashMap<(&str, i64), f64> = cells
        .iter()
        .filter(|c| {
            c.indicator == "present_population"
                && c.level == "district"
                && c.breakdown.is_none()
                && c.t.1 - c.t.0 == 3_600
        })
        .map(|c| ((c.zone.as_str(), c.t.0), c.value))
        .collect();
    if released.is_empty() {
        return Err("no hourly present_population counts by district".into());
    }
    let counts: HashMap<(&str, i64), f64> = raw
        .iter()
        .filter(|r| r.zone_level == "district" && r.breakdown_key.is_none())
        .map(|r| ((r.zone_id.as_str(), r.t_start), r.value.unwrap_or(0.0)))
        .collect();
    let mut cell_total = 0usize;
    let mut score = |person: i64, member: bool| -> Option<f64> {
        world.persons.get(&person)?;
        let mut s = 0.0;
        for &(b, z) in world.tokens(person) {
            let key = (world.zones.name(z), b * world.bin_s - LOCAL_OFFSET_S);
            let Some(&y) = released.get(&key) else {
                continue;
            };
            let without = counts.get(&key).copied().unwrap_or(0.0) - f64::from(u8::from(member));
            s += (2.0 * (y - without) - 1.0).clamp(-1.0, 1.0);
            cell_total += 1;
        }
        Some(s)
    };
    let members: Vec<f64> = world
        .targets
        .iter()
        .filter_map(|&t| score(t, true))
        .collect();
    let others: Vec<f64> = world
        .controls
        .iter()
        .filter_map(|&c| score(c, false))
        .collect();
    if members.is_empty() || others.is_empty() {
        return Err("no member or no non-member to score".into());
    }
    let scored = (members.len() + others.len()) as f64;
    Ok(summarise(&members, &others, cell_total as f64 / scored))
}

/// The figures of member and non-member scores (higher = more likely a member).
pub(crate) fn summarise(members: &[f64], others: &[f64], mean_cells: f64) -> MembershipReport {
    let (n1, n0) = (members.len() as u64, others.len() as u64);
    let auc = auc(members, others);
    let at_fpr = |alpha: f64| {
        let mut desc = others.to_vec();
        desc.sort_by(|a, b| b.total_cmp(a));
        // Scores above the threshold are called members; at most ⌊α n0⌋ non-members are.
        let k = ((alpha * n0 as f64).floor() as usize).min(desc.len() - 1);
        let threshold = desc[k];
        let hits = members.iter().filter(|&&s| s > threshold).count();
        Rate::new(hits as f64, n1)
    };
    // The advantage's threshold: every distinct score (call "member" above it).
    let mut thresholds: Vec<f64> = members.iter().chain(others).copied().collect();
    thresholds.push(f64::NEG_INFINITY);
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    let above = |v: &[f64], t: f64| v.iter().filter(|&&s| s > t).count() as u64;
    // TPR − FPR compared exactly, as (hits₁ n₀ − hits₀ n₁) / (n₁ n₀).
    let (hits1, hits0) = thresholds
        .iter()
        .map(|&t| (above(members, t), above(others, t)))
        .max_by_key(|&(h1, h0)| (h1 * n0) as i128 - (h0 * n1) as i128)
        .expect("thresholds");
    let (tpr, fpr) = (hits1 as f64 / n1 as f64, hits0 as f64 / n0 as f64);
    let (t_ci, f_ci) = (wilson(tpr, n1), wilson(fpr, n0));
    let mut attack = AttackResult::new(
        "membership_inference",
        None,
        Rate::new(hits1 as f64, n1),
        Rate::new(hits0 as f64, n0),
    );
    // The advantage, not (TPR − FPR) / (1 − FPR): at a permissive threshold the division
    // would inflate a small advantage.
    attack.normalised_risk = Some(tpr - fpr);
    MembershipReport {
        attack,
        members: n1,
        non_members: n0,
        mean_published_cells: mean_cells,
        auc: Estimate {
            value: auc,
            ci95: hanley_mcneil(auc, n1, n0),
        },
        tpr_at_fpr_0_1: at_fpr(0.1),
        tpr_at_fpr_0_01: at_fpr(0.01),
        advantage: Estimate {
            value: tpr - fpr,
            ci95: [(t_ci[0] - f_ci[1]).max(-1.0), (t_ci[1] - f_ci[0]).min(1.0)],
        },
    }
}

/// Area under the ROC curve: the chance that a member scores above a non-member, ties half.
pub(crate) fn auc(members: &[f64], others: &[f64]) -> f64 {
    let mut all: Vec<(f64, bool)> = members
        .iter()
        .map(|&s| (s, true))
        .chain(others.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mann–Whitney U from mid-ranks.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let mid = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += mid * all[i..=j].iter().filter(|x| x.1).count() as f64;
        i = j + 1;
    }
    let (n1, n0) = (members.len() as f64, others.len() as f64);
    (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// 95% interval of an AUC by Hanley & McNeil (1982).
fn hanley_mcneil(a: f64, n1: u64, n0: u64) -> [f64; 2] {
    let (n1, n0) = (n1 as f64, n0 as f64);
    let q1 = a / (2.0 - a);
    let q2 = 2.0 * a * a / (1.0 + a);
    let var = (a * (1.0 - a) + (n1 - 1.0) * (q1 - a * a) + (n0 - 1.0) * (q2 - a * a)) / (n1 * n0);
    let half = Z95 * var.max(0.0).sqrt();
    [(a - half).max(0.0), (a + half).min(1.0)]
}

/// The raw view's presence counts as an [`IndicatorSet`], for tests.
#[cfg(test)]
pub(crate) fn presence_set(rows: &[(&str, i64, f64)]) -> crate::indicators::IndicatorSet {
    crate::indicators::IndicatorSet::from_rows(
        rows.iter()
            .map(|&(zone, t, v)| crate::indicators::Row {
                indicator: "present_population".into(),
                zone_level: "district".into(),
                zone_id: zone.into(),
                t_start: t,
                t_end: t + 3_600,
                breakdown_key: None,
                breakdown_value: None,
                value: Some(v),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_and_rates_of_hand_made_scores() {
        // Perfectly separated, then interleaved, then identical.
        assert_eq!(auc(&[3.0, 4.0], &[1.0, 2.0]), 1.0);
        assert_eq!(auc(&[1.0, 4.0], &[2.0, 3.0]), 0.5);
        assert_eq!(auc(&[1.0, 1.0], &[1.0, 1.0]), 0.5);
        assert_eq!(auc(&[1.0, 3.0], &[2.0, 2.0]), 0.5);
        assert_eq!(auc(&[2.0, 3.0], &[1.0, 2.0]), 0.875);
        let members: Vec<f64> = (0..100).map(f64::from).collect();
        let others: Vec<f64> = (0..100).map(|i| f64::from(i) - 50.0).collect();
        let r = summarise(&members, &others, 1.0);
        // Members 0..=49 beat m + 50 non-members and tie one; members 50..=99 beat all 100.
        assert_eq!(r.auc.value, (1_225.0 + 50.0 * 50.5 + 5_000.0) / 10_000.0);
        // Non-members above 39 are 10 % (40..49): members above 39: 60 of 100.
        assert_eq!(r.tpr_at_fpr_0_1.rate, 0.6);
        // Above 48: one non-member (49), 51 members.
        assert_eq!(r.tpr_at_fpr_0_01.rate, 0.51);
        // The best split, at 49 (the last of the equal ones, 48 giving 0.51 − 0.01): TPR 0.5,
        // FPR 0.
        assert_eq!(r.advantage.value, 0.5);
        assert_eq!(r.attack.attack_rate.rate, 0.5);
        assert_eq!(r.attack.baseline_rate.rate, 0.0);
        assert!(r.auc.ci95[0] < r.auc.value && r.auc.value < r.auc.ci95[1]);
    }

    #[test]
    fn exact_counts_give_members_away_and_noise_hides_them() {
        use crate::risk::fixture::{
            CONTROLS, Fixture, TARGETS, presence_counts, write_presence, write_presence_with,
        };
        use crate::risk::{ReleaseView, assess};
        let f = Fixture::new();
        let raw = presence_set(&presence_counts());
        let view = ReleaseView {
            microdata: false,
            aggregates: true,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::District,
            time_bin_s: 3_600,
        };
        let run = |out: &std::path::Path| {
            let mut inputs = f.inputs(out, view.clone());
            inputs.raw_indicators = Some(&raw);
            assess(&inputs).unwrap().membership.unwrap()
        };
        // Exact counts: every member's cells are +1 against the count without them, every
        // non-member's 0.
        let exact = run(&write_presence(&f, "exact"));
        assert_eq!(
            (exact.members, exact.non_members),
            (TARGETS as u64, CONTROLS as u64)
        );
        assert_eq!(exact.auc.value, 1.0);
        assert_eq!(exact.advantage.value, 1.0);
        assert_eq!(exact.tpr_at_fpr_0_1.rate, 1.0);
        assert_eq!(exact.attack.normalised_risk, Some(1.0));
        assert!(exact.mean_published_cells >= 10.0, "{exact:?}");
        // Noise of ±40 on counts of at most 40: close to chance.
        let noisy = run(&write_presence_with(&f, "noisy", |i| {
            80.0 * (crate::risk::sample::uniform(
                9,
                crate::risk::sample::Purpose::Noise,
                &[i as u64],
            ) - 0.5)
        }));
        assert!(noisy.auc.value < 0.8, "{noisy:?}");
        assert!(noisy.advantage.value < exact.advantage.value);
        // Without the raw view's counts the attack is skipped with the reason.
        let out = write_presence(&f, "no-raw");
        let report = assess(&f.inputs(&out, view.clone())).unwrap();
        assert!(report.membership.is_none());
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.starts_with("membership inference")),
            "{:?}",
            report.skipped
        );
    }
}
