//! Membership inference on aggregates, after Pyrgelis, Troncoso & De Cristofaro, "Knock Knock,
//! Who's There? Membership Inference on Aggregate Location Data" (NDSS 2018): from the
//! released hourly `present_population` counts, is a given person in the input?
//!
//! The game differential privacy is defined by, played on the pipeline itself: the harness
//! runs the pipeline a second time on a neighbouring input, the view without every record of
//! a random half of the sampled targets (the *removed*; the rest are the *kept*), and computes
//! that input's raw presence counts. A kept target is a member of that release's input, a
//! removed one is not; both are drawn from the same population at random, so nothing but
//! membership tells them apart (non-members from another operator would differ in where and
//! how often they are seen). The adversary knows the target's trace (the (zone, hour) cells of
//! their records at the release's level) and the input without the target — the neighbouring
//! input's raw count, minus one for a kept target (Pyrgelis et al.'s adversary with the
//! strongest prior).
//!
//! A pipeline need not publish raw counts: contribution bounding (one district per hour, first
//! records only) makes its counts lower than the raw ones by far more than one person. The
//! adversary calibrates for it from the release: a least-squares line `released ≈ a · raw + b`
//! over the published cells (noise averages out over thousands of cells) gives what a count
//! without the target would publish, `a · count + b`, and a member's expected shift, `a`. For
//! each published cell of the trace it takes `x = released − (a · count without target + b)`
//! and scores the person by `Σ clip(2x / a − 1, −1, 1)`, the log-likelihood ratio of a shift
//! of `a` under Laplace noise (up to its scale); unpublished cells are skipped. Exact counts
//! (`a = 1`, `b = 0`) give every kept target away wherever a cell of their trace is published;
//! noise pulls the AUC towards 0.5 as ε falls. A threshold on the score separates the kept
//! from the removed.
//!
//! What it measures: how well the release tells an input from its neighbour without one
//! person. It costs one more run of the pipeline per release (`--no-membership-runs` skips
//! them, and with them this attack).
//!
//! Reported: AUC (Mann–Whitney, ties counted half; 95% interval by Hanley & McNeil 1982), the
//! true-positive rate at false-positive rates 0.1 and 0.01 (thresholds from the non-members'
//! scores; Wilson intervals over members), and the advantage max(TPR − FPR) with the interval
//! `[TPR_low − FPR_high, TPR_high − FPR_low]` at its threshold. As an attack result (in the
//! leaderboard's risk): attack rate = TPR and baseline = FPR at the advantage's threshold, and
//! the normalised risk is the advantage TPR − FPR (divided by 1 − FPR, as for the other
//! attacks, a small advantage at a permissive threshold would be inflated).
//!
//! Cost: one pass over the neighbouring release's aggregates, a map of its hourly presence
//! counts, and a look-up per cell of each sampled target's trace.

use std::collections::HashMap;

use serde::Serialize;
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;

use super::aggregates::Cell;
use super::knowledge::Knowledge;
use super::stats::{AttackResult, Rate, wilson};
use super::{Neighbour, SpatialLevel};

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
    /// Members (kept targets) scored.
    pub members: u64,
    /// Non-members (removed targets) scored.
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
    /// `[a, b]` of the adversary's calibration `released ≈ a · raw + b`.
    pub calibration: [f64; 2],
}

/// Runs the attack on the pipeline's release of the neighbouring input; `Err(reason)` when it
/// does not apply.
pub(crate) fn assess(
    neighbour: &Neighbour,
    knowledge: &Knowledge,
    cells: &[Cell],
) -> Result<MembershipReport, String> {
    if knowledge.zones.level != SpatialLevel::District {
        return Err("the raw view's presence counts are by district; the release is not".into());
    }
    if knowledge.bin_s != 3_600 {
        return Err("the release's time bin is not an hour".into());
    }
    let Some(raw) = neighbour.raw.rows.get("present_population") else {
        return Err("no raw presence counts of the neighbouring input".into());
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
    let (a, b) = calibration(&released, &counts);
    let mut cell_total = 0usize;
    let mut score = |person: i64, member: bool| -> Option<f64> {
        knowledge.persons.get(&person)?;
        let mut s = 0.0;
        for &(bin, z) in knowledge.tokens(person) {
            let key = (
                knowledge.zones.name(z),
                bin * knowledge.bin_s - UTC_OFFSET_SECONDS,
            );
            let Some(&y) = released.get(&key) else {
                continue;
            };
            let without = counts.get(&key).copied().unwrap_or(0.0) - f64::from(u8::from(member));
            let x = y - (a * without + b);
            s += (2.0 * x / a - 1.0).clamp(-1.0, 1.0);
            cell_total += 1;
        }
        Some(s)
    };
    let (mut members, mut others) = (Vec::new(), Vec::new());
    for &t in knowledge.targets {
        let removed = neighbour.removed.binary_search(&t).is_ok();
        if let Some(s) = score(t, !removed) {
            if removed { &mut others } else { &mut members }.push(s);
        }
    }
    if members.is_empty() || others.is_empty() {
        return Err("no member or no non-member to score".into());
    }
    let scored = (members.len() + others.len()) as f64;
    let mut report = summarise(&members, &others, cell_total as f64 / scored);
    report.calibration = [a, b];
    Ok(report)
}

/// The least-squares line `released ≈ a · raw + b` over the cells both hold; `(1, 0)` (exact
/// counts) when the raw counts do not vary or the slope is not positive.
fn calibration(
    released: &HashMap<(&str, i64), f64>,
    raw: &HashMap<(&str, i64), f64>,
) -> (f64, f64) {
    let pairs: Vec<(f64, f64)> = released
        .iter()
        .map(|(k, &y)| (raw.get(k).copied().unwrap_or(0.0), y))
        .collect();
    let n = pairs.len() as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x / n, sy + y / n));
    let (sxy, sxx) = pairs.iter().fold((0.0, 0.0), |(sxy, sxx), &(x, y)| {
        (sxy + (x - mx) * (y - my), sxx + (x - mx) * (x - mx))
    });
    if sxx <= 0.0 || sxy <= 0.0 {
        return (1.0, 0.0);
    }
    let a = sxy / sxx;
    (a, my - a * mx)
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
        calibration: [1.0, 0.0],
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
    fn exact_counts_give_members_away_bounding_does_not_hide_them_and_noise_does() {
        use crate::risk::fixture::{Fixture, TARGETS, presence_counts, write_presence_with};
        use crate::risk::{Neighbour, ReleaseView, assess};
        let f = Fixture::new();
        let group = f.population().neighbour_group(1);
        assert_eq!(group.removed.len() as i64, TARGETS / 2);
        assert_eq!(group.msisdns.len(), group.removed.len());
        let raw = presence_set(&presence_counts(&group.removed));
        let view = ReleaseView {
            microdata: false,
            aggregates: true,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::District,
            time_bin_s: 3_600,
        };
        let run = |name: &str, publish: fn(usize, f64) -> f64| {
            let out = write_presence_with(&f, name, &group.removed, publish);
            let mut inputs = f.inputs(&out, view.clone());
            inputs.neighbour = Ok(Neighbour {
                release: &out,
                raw: &raw,
                removed: &group.removed,
            });
            assess(&inputs).unwrap().membership.unwrap()
        };
        // Exact counts: every kept target's cells are +1 against the count without them,
        // every removed target's 0.
        let exact = run("exact", |_, v| v);
        assert_eq!((exact.members, exact.non_members), (20, 20));
        assert_eq!(exact.calibration, [1.0, 0.0]);
        assert_eq!(exact.auc.value, 1.0);
        assert_eq!(exact.advantage.value, 1.0);
        assert_eq!(exact.tpr_at_fpr_0_1.rate, 1.0);
        assert_eq!(exact.attack.normalised_risk, Some(1.0));
        assert!(exact.mean_published_cells >= 10.0, "{exact:?}");
        // Counts a bounding pipeline publishes (0.6 of the raw count, plus 3): far from the raw
        // ones (compared with them as they are, members and non-members alike would score +1
        // on small counts and −1 on large ones), yet the calibrated adversary finds the line
        // and the members.
        let bounded = run("bounded", |_, v| 0.6 * v + 3.0);
        assert!((bounded.calibration[0] - 0.6).abs() < 1e-9, "{bounded:?}");
        assert!((bounded.calibration[1] - 3.0).abs() < 1e-9, "{bounded:?}");
        assert_eq!(bounded.auc.value, 1.0, "{bounded:?}");
        // Noise of ±40 on counts of at most 40: close to chance.
        let noisy = run("noisy", |i, v| {
            v + 80.0
                * (crate::risk::sample::uniform(
                    9,
                    crate::risk::sample::Purpose::Noise,
                    &[i as u64],
                ) - 0.5)
        });
        assert!(noisy.auc.value < 0.8, "{noisy:?}");
        assert!(noisy.advantage.value < exact.advantage.value);
        // Without a run on the neighbouring input the attack is skipped with the reason.
        let out = write_presence_with(&f, "no-neighbour", &[], |_, v| v);
        let report = assess(&f.inputs(&out, view.clone())).unwrap();
        assert!(report.membership.is_none());
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.starts_with("membership inference: no run on a neighbouring input")),
            "{:?}",
            report.skipped
        );
    }
}
