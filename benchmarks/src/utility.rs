//! Utility of a release: per indicator, how far released values are from a reference (the
//! truth or the raw operator view), and for microdata how far distributions moved.

use std::collections::{BTreeMap, BTreeSet};

use arrow_array::{Array, Int64Array};
use datafusion::arrow::compute::cast;
use serde::Serialize;

use crate::engine::Engine;
use crate::error::HarnessError;
use crate::indicators::{IndicatorSet, Row, RowKey};

/// Floor of the relative error's denominator for counts: |ŷ − y| / max(y, FLOOR).
pub const RELATIVE_ERROR_FLOOR: f64 = 10.0;
/// Floor for rates and shares in [0, 1] (`call_drop_rate`, the ICT shares): one percentage
/// point. With the floor of counts, any rate (a drop rate is about 0.01–0.05) would be within
/// 0.1 of an unpublished 0.
pub const RATE_ERROR_FLOOR: f64 = 0.01;
/// Indicators that are rates or shares in [0, 1].
pub const RATE_INDICATORS: [&str; 5] = [
    "call_drop_rate",
    "technology_share",
    "low_throughput_share",
    "dropped_session_share",
    "coverage_gap",
];
/// Floor for densities per km² (`user_density`): 0.1 per km², the count floor of 10 over a
/// district of 100 km² (the Klang Valley's districts are 50–1 700 km²). With the floor of
/// counts, a density of a few people per km² would be within 1 of an unpublished 0.
pub const DENSITY_ERROR_FLOOR: f64 = 0.1;

/// The relative error's floor for `indicator`.
pub fn error_floor(indicator: &str) -> f64 {
    if RATE_INDICATORS.contains(&indicator) {
        RATE_ERROR_FLOOR
    } else if indicator == "user_density" {
        DENSITY_ERROR_FLOOR
    } else {
        RELATIVE_ERROR_FLOOR
    }
}
/// Zones compared by the top-zone recall.
pub const TOP_ZONES: usize = 10;

/// Which rows a score covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subset {
    /// Every reference row.
    All,
    /// Rows of rural districts (most of their cells rural).
    Rural,
    /// Rows of origin countries in the lower half by true total.
    SmallCountries,
}

/// Utility figures of one indicator over one subset of reference rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Indicator name.
    pub indicator: String,
    /// Rows covered.
    pub subset: Subset,
    /// Reference rows (zone × time × breakdown).
    pub rows: usize,
    /// Median over rows of |ŷ − y| / max(y, floor) (floor 10, 0.01 for rates and shares, 0.1
    /// for densities per km²).
    pub median_relative_error: f64,
    /// 90th percentile of the same.
    pub p90_relative_error: f64,
    /// Mean absolute error.
    pub mean_absolute_error: f64,
    /// Spearman rank correlation over zones of the zone means; `None` below 3 zones or
    /// without variance.
    pub spearman: Option<f64>,
    /// Share of the reference's top zones (by zone mean) among the release's top zones.
    pub top10_recall: Option<f64>,
    /// Share of the reference's total that the release left out or nulled.
    pub suppressed_mass_share: f64,
    /// Released rows with no reference row (e.g. zones or times the reference does not have).
    pub extra_rows: usize,
    /// Reference rows the release gives a value for (not left out, not nulled): 0 when the
    /// indicator is unpublished or published without rows.
    pub published_rows: usize,
    /// Reference rows with a non-zero value that the release left out or nulled: missing
    /// cells.
    pub missing_rows: usize,
    /// Released rows with no reference row and a non-zero value: spurious cells (a place or
    /// time where the reference has nothing).
    pub spurious_rows: usize,
    /// For `od_trips`, the common part of commuters 2 Σ min(y, ŷ) / (Σ y + Σ ŷ) over every
    /// (origin, destination, day) row of either side (Lenormand et al. 2012): 1 when the
    /// flows agree, 0 when they share nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_part_of_commuters: Option<f64>,
}

/// Indicator scored with the common part of commuters.
pub const OD_INDICATOR: &str = "od_trips";

/// Which reference rows a subset keeps.
type RowFilter<'a> = Box<dyn Fn(&Row) -> bool + 'a>;

/// Scores every indicator the reference has; indicators the release lacks get a note.
pub fn score_all(
    reference: &IndicatorSet,
    release: &IndicatorSet,
    rural: &BTreeSet<String>,
) -> (Vec<Score>, BTreeMap<String, String>) {
    let mut scores = Vec::new();
    let mut notes = BTreeMap::new();
    for (name, why) in &reference.missing {
        notes.insert(name.clone(), format!("reference {why}"));
    }
    for (name, reference_rows) in &reference.rows {
        if let Some(why) = release.missing.get(name) {
            notes.insert(name.clone(), format!("release {why}"));
            continue;
        }
        let empty = Vec::new();
        let released = release.rows.get(name).unwrap_or(&empty);
        if reference_rows.is_empty() {
            notes.insert(name.clone(), "the reference has no rows".into());
            continue;
        }
        let countries = small_countries(reference_rows);
        let subsets: [(Subset, RowFilter<'_>); 3] = [
            (Subset::All, Box::new(|_| true)),
            (
                Subset::Rural,
                Box::new(|r: &Row| r.zone_level == "district" && rural.contains(&r.zone_id)),
            ),
            (
                Subset::SmallCountries,
                Box::new(|r: &Row| {
                    r.breakdown_key.as_deref() == Some("origin_country")
                        && r.breakdown_value
                            .as_ref()
                            .is_some_and(|c| countries.contains(c))
                }),
            ),
        ];
        for (subset, keep) in subsets {
            let rows: Vec<&Row> = reference_rows.iter().filter(|r| keep(r)).collect();
            if rows.is_empty() {
                continue;
            }
            let rel: Vec<&Row> = released.iter().filter(|r| keep(r)).collect();
            scores.push(score(name, subset, &rows, &rel));
        }
    }
    (scores, notes)
}

/// Origin countries in the lower half by true total (ties by name).
fn small_countries(rows: &[Row]) -> BTreeSet<String> {
    let mut totals: BTreeMap<String, f64> = BTreeMap::new();
    for r in rows {
        if r.breakdown_key.as_deref() == Some("origin_country")
            && let Some(c) = &r.breakdown_value
        {
            *totals.entry(c.clone()).or_default() += r.value.unwrap_or(0.0);
        }
    }
    let mut order: Vec<(String, f64)> = totals.into_iter().collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let half = order.len() / 2;
    order.into_iter().take(half).map(|(c, _)| c).collect()
}

/// Scores released rows against reference rows of one indicator.
pub fn score(indicator: &str, subset: Subset, reference: &[&Row], released: &[&Row]) -> Score {
    let released: BTreeMap<RowKey, Option<f64>> =
        released.iter().map(|r| (r.key(), r.value)).collect();
    let reference_keys: BTreeSet<RowKey> = reference.iter().map(|r| r.key()).collect();
    let mut errors = Vec::with_capacity(reference.len());
    let floor = error_floor(indicator);
    let (mut abs, mut total, mut suppressed) = (0.0, 0.0, 0.0);
    let (mut published_rows, mut missing_rows) = (0, 0);
    let mut zones: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for r in reference {
        let y = r.value.unwrap_or(0.0);
        let published = released.get(&r.key()).copied().flatten();
        let y_hat = published.unwrap_or(0.0);
        if published.is_none() {
            suppressed += y;
            missing_rows += usize::from(y != 0.0);
        } else {
            published_rows += 1;
        }
        total += y;
        abs += (y_hat - y).abs();
        errors.push((y_hat - y).abs() / y.max(floor));
        let z = zones.entry(r.zone_id.clone()).or_default();
        z.0 += y;
        z.1 += y_hat;
        z.2 += 1;
    }
    errors.sort_by(f64::total_cmp);
    let means: Vec<(String, f64, f64)> = zones
        .into_iter()
        .map(|(z, (y, y_hat, n))| (z, y / n as f64, y_hat / n as f64))
        .collect();
    let truth: Vec<f64> = means.iter().map(|m| m.1).collect();
    let est: Vec<f64> = means.iter().map(|m| m.2).collect();
    let names: Vec<&str> = means.iter().map(|m| m.0.as_str()).collect();
    let common_part_of_commuters = (indicator == OD_INDICATOR).then(|| {
        let shared: f64 = reference
            .iter()
            .map(|r| {
                let y_hat = released.get(&r.key()).copied().flatten().unwrap_or(0.0);
                r.value.unwrap_or(0.0).min(y_hat).max(0.0)
            })
            .sum();
        let released_total: f64 = released.values().map(|v| v.unwrap_or(0.0).max(0.0)).sum();
        let both = total + released_total;
        if both > 0.0 { 2.0 * shared / both } else { 1.0 }
    });
    Score {
        indicator: indicator.to_owned(),
        subset,
        rows: reference.len(),
        median_relative_error: quantile(&errors, 0.5),
        p90_relative_error: quantile(&errors, 0.9),
        mean_absolute_error: abs / reference.len() as f64,
        spearman: spearman(&truth, &est),
        top10_recall: top_recall(&names, &truth, &est, TOP_ZONES),
        suppressed_mass_share: if total > 0.0 { suppressed / total } else { 0.0 },
        extra_rows: released
            .keys()
            .filter(|k| !reference_keys.contains(*k))
            .count(),
        published_rows,
        missing_rows,
        spurious_rows: released
            .iter()
            .filter(|(k, v)| !reference_keys.contains(*k) && v.is_some_and(|v| v != 0.0))
            .count(),
        common_part_of_commuters,
    }
}

/// |ŷ − y| / max(y, [`RELATIVE_ERROR_FLOOR`]).
pub fn relative_error(y_hat: f64, y: f64) -> f64 {
    (y_hat - y).abs() / y.max(RELATIVE_ERROR_FLOOR)
}

/// The q-quantile of sorted values by nearest rank (0 for none).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Ranks from 1, ties sharing their mean rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = mean;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation (Pearson of tie-averaged ranks); `None` below 3 pairs or when
/// either side has no variance.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 3 || a.len() != b.len() {
        return None;
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        cov += (x - ma) * (y - mb);
        va += (x - ma).powi(2);
        vb += (y - mb).powi(2);
    }
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

/// Share of the `k` zones largest by `truth` that are among the `k` largest by `est` (ties by
/// name); `None` when there are no zones.
pub fn top_recall(names: &[&str], truth: &[f64], est: &[f64], k: usize) -> Option<f64> {
    let k = k.min(names.len());
    if k == 0 {
        return None;
    }
    let top = |v: &[f64]| -> BTreeSet<&str> {
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|&a, &b| v[b].total_cmp(&v[a]).then(names[a].cmp(names[b])));
        order.into_iter().take(k).map(|i| names[i]).collect()
    };
    let (t, e) = (top(truth), top(est));
    Some(t.intersection(&e).count() as f64 / k as f64)
}

/// Distributions compared for microdata releases.
pub const DISTRIBUTIONS: [(&str, &str); 3] = [
    (
        "radius_of_gyration",
        include_str!("../indicators/distributions/radius_of_gyration.sql"),
    ),
    (
        "trip_length",
        include_str!("../indicators/distributions/trip_length.sql"),
    ),
    (
        "events_per_subscriber",
        include_str!("../indicators/distributions/events_per_subscriber.sql"),
    ),
];

/// Histogram counts by bin, per distribution.
pub type Histograms = BTreeMap<String, BTreeMap<i64, f64>>;

/// Computes the [`DISTRIBUTIONS`] over the `events` view of `engine`.
pub fn histograms(engine: &Engine) -> Result<Histograms, HarnessError> {
    let mut out = Histograms::new();
    for (name, sql) in DISTRIBUTIONS {
        let mut hist = BTreeMap::new();
        for batch in engine.sql(name, sql)? {
            let col = |i: usize| {
                cast(batch.column(i), &arrow_schema::DataType::Int64)
                    .map_err(|e| HarnessError::Dataset(format!("{name}: {e}")))
            };
            let (bins, counts) = (col(0)?, col(1)?);
            let bins = bins.as_any().downcast_ref::<Int64Array>().expect("i64");
            let counts = counts.as_any().downcast_ref::<Int64Array>().expect("i64");
            for i in 0..batch.num_rows() {
                if bins.is_valid(i) {
                    *hist.entry(bins.value(i)).or_default() += counts.value(i) as f64;
                }
            }
        }
        out.insert(name.to_owned(), hist);
    }
    Ok(out)
}

/// Jensen–Shannon distance (base 2, in [0, 1]) between two histograms; `None` if either is
/// empty.
pub fn jensen_shannon(p: &BTreeMap<i64, f64>, q: &BTreeMap<i64, f64>) -> Option<f64> {
    let (sp, sq) = (p.values().sum::<f64>(), q.values().sum::<f64>());
    if sp <= 0.0 || sq <= 0.0 {
        return None;
    }
    let bins: BTreeSet<i64> = p.keys().chain(q.keys()).copied().collect();
    let mut js = 0.0;
    for b in bins {
        let a = p.get(&b).copied().unwrap_or(0.0) / sp;
        let c = q.get(&b).copied().unwrap_or(0.0) / sq;
        let m = (a + c) / 2.0;
        if a > 0.0 {
            js += 0.5 * a * (a / m).log2();
        }
        if c > 0.0 {
            js += 0.5 * c * (c / m).log2();
        }
    }
    Some(js.max(0.0).sqrt())
}

/// Jensen–Shannon distance per distribution between the raw view and a release.
pub fn distribution_distances(
    raw: &Histograms,
    release: &Histograms,
) -> BTreeMap<String, Option<f64>> {
    raw.iter()
        .map(|(name, p)| {
            let q = release.get(name).cloned().unwrap_or_default();
            (name.clone(), jensen_shannon(p, &q))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(zone: &str, t: i64, value: Option<f64>) -> Row {
        Row {
            indicator: "calls".into(),
            zone_level: "district".into(),
            zone_id: zone.into(),
            t_start: t,
            t_end: t + 86_400,
            breakdown_key: None,
            breakdown_value: None,
            value,
        }
    }

    #[test]
    fn spearman_of_orders() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(spearman(&a, &[10.0, 20.0, 30.0, 40.0, 50.0]), Some(1.0));
        assert_eq!(spearman(&a, &[5.0, 4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // Monotone but not linear: still 1.
        assert_eq!(spearman(&a, &[1.0, 8.0, 27.0, 64.0, 125.0]), Some(1.0));
        assert_eq!(spearman(&a, &[1.0, 1.0, 1.0, 1.0, 1.0]), None);
        assert_eq!(spearman(&a[..2], &a[..2]), None);
        // Ties share ranks: [1, 2.5, 2.5, 4] against [1, 2, 3, 4] gives 0.9486…
        let r = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((r - 0.948_683).abs() < 1e-5, "{r}");
    }

    #[test]
    fn relative_error_has_a_floor() {
        assert_eq!(relative_error(12.0, 2.0), 1.0); // |12 − 2| / max(2, 10)
        assert_eq!(relative_error(150.0, 100.0), 0.5);
        assert_eq!(relative_error(0.0, 0.0), 0.0);
    }

    #[test]
    fn an_unpublished_rate_is_an_error_of_one() {
        // Drop rates of 2 % and 4 %: with the floor of counts an unpublished rate would be
        // within 0.004 of the truth; with the rates' floor it is wholly wrong.
        let rates: Vec<Row> = [0.02, 0.04]
            .iter()
            .enumerate()
            .map(|(i, &v)| Row {
                indicator: "call_drop_rate".into(),
                ..row(&format!("z{i}"), 0, Some(v))
            })
            .collect();
        let refs: Vec<&Row> = rates.iter().collect();
        let s = score("call_drop_rate", Subset::All, &refs, &[]);
        assert_eq!(s.median_relative_error, 1.0);
        assert_eq!((s.published_rows, s.missing_rows), (0, 2));
        // Off by half a percentage point on a 2 % rate: 0.25.
        let mut off = rates.clone();
        off[0].value = Some(0.025);
        let rel: Vec<&Row> = off.iter().collect();
        let s = score("call_drop_rate", Subset::All, &refs, &rel);
        assert!((s.p90_relative_error - 0.25).abs() < 1e-12, "{s:?}");
        assert_eq!(error_floor("calls"), RELATIVE_ERROR_FLOOR);
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 5.0);
        assert_eq!(quantile(&v, 0.9), 9.0);
        assert_eq!(quantile(&v, 1.0), 10.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn top_recall_counts_the_overlap() {
        let names = ["a", "b", "c", "d"];
        let truth = [4.0, 3.0, 2.0, 1.0];
        assert_eq!(top_recall(&names, &truth, &truth, 2), Some(1.0));
        assert_eq!(
            top_recall(&names, &truth, &[1.0, 2.0, 3.0, 4.0], 2),
            Some(0.0)
        );
        assert_eq!(
            top_recall(&names, &truth, &[4.0, 1.0, 3.0, 2.0], 2),
            Some(0.5)
        );
        assert_eq!(top_recall(&[], &[], &[], 10), None);
    }

    #[test]
    fn scores_of_an_exact_and_a_suppressed_release() {
        let reference: Vec<Row> = (0..5)
            .map(|i| row(&format!("z{i}"), 0, Some(10.0 * (i + 1) as f64)))
            .collect();
        let refs: Vec<&Row> = reference.iter().collect();
        let exact = score("calls", Subset::All, &refs, &refs);
        assert_eq!(exact.median_relative_error, 0.0);
        assert_eq!(exact.mean_absolute_error, 0.0);
        assert_eq!(exact.spearman, Some(1.0));
        assert_eq!(exact.top10_recall, Some(1.0));
        assert_eq!(exact.suppressed_mass_share, 0.0);
        // Drop the two smallest zones (10 and 20 of 150) and null a third (30).
        let mut released: Vec<Row> = reference[2..].to_vec();
        released[0].value = None;
        released.push(row("elsewhere", 0, Some(1.0)));
        let rel: Vec<&Row> = released.iter().collect();
        let s = score("calls", Subset::All, &refs, &rel);
        assert!((s.suppressed_mass_share - 60.0 / 150.0).abs() < 1e-12);
        assert_eq!(s.mean_absolute_error, 60.0 / 5.0);
        // Relative errors 1, 1, 1, 0, 0: the median (third of five) is 1.
        assert_eq!(s.median_relative_error, 1.0);
        assert_eq!(s.p90_relative_error, 1.0);
        assert_eq!(s.top10_recall, Some(1.0)); // 5 zones, all in both top lists
        assert!(s.spearman.unwrap() > 0.8, "{s:?}"); // order kept but for the three zeros
        assert_eq!(s.extra_rows, 1);
        assert_eq!(
            (s.published_rows, s.missing_rows, s.spurious_rows),
            (2, 3, 1)
        );
        assert_eq!(exact.published_rows, 5);
        assert_eq!((exact.missing_rows, exact.spurious_rows), (0, 0));
    }

    #[test]
    fn jensen_shannon_bounds() {
        let p: BTreeMap<i64, f64> = [(0, 1.0), (1, 3.0)].into();
        let q: BTreeMap<i64, f64> = [(5, 2.0)].into();
        assert_eq!(jensen_shannon(&p, &p), Some(0.0));
        assert!((jensen_shannon(&p, &q).unwrap() - 1.0).abs() < 1e-12);
        let scaled: BTreeMap<i64, f64> = [(0, 10.0), (1, 30.0)].into();
        assert!(jensen_shannon(&p, &scaled).unwrap() < 1e-9);
        assert_eq!(jensen_shannon(&p, &BTreeMap::new()), None);
    }

    #[test]
    fn common_part_of_commuters_measures_shared_flow() {
        let od = |zone: &str, v: f64| Row {
            indicator: OD_INDICATOR.into(),
            ..row(zone, 0, Some(v))
        };
        let truth = [od("a", 10.0), od("b", 30.0)];
        let refs: Vec<&Row> = truth.iter().collect();
        let same = score(OD_INDICATOR, Subset::All, &refs, &refs);
        assert_eq!(same.common_part_of_commuters, Some(1.0));
        // Half of b's flow, and a flow the truth does not have: 2 × (10 + 15) / (40 + 35).
        let released = [od("a", 10.0), od("b", 15.0), od("c", 10.0)];
        let rel: Vec<&Row> = released.iter().collect();
        let cpc = score(OD_INDICATOR, Subset::All, &refs, &rel).common_part_of_commuters;
        assert!((cpc.unwrap() - 50.0 / 75.0).abs() < 1e-12, "{cpc:?}");
        assert_eq!(
            score("calls", Subset::All, &refs, &rel).common_part_of_commuters,
            None
        );
    }
}
