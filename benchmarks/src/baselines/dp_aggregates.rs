//! `dp-aggregates-eps0.1`, `dp-aggregates-eps1`, `dp-aggregates-eps2.6`: differentially private
//! aggregates, ε-DP per *subscriber-day* with the Laplace mechanism.
//!
//! **Unit.** Two inputs are neighbours when they differ in all records of one subscriber that
//! start on one local day (00:00–24:00 UTC+8). The guarantee is ε per subscriber-day; a
//! subscriber's whole period of `D` days is protected at `(3D + 1) · ε / 4` by composition.
//!
//! **Indicators and the split of ε.** Four indicators are published, each with `ε / 4`:
//!
//! | indicator | contribution of one subscriber-day | L1 sensitivity | Laplace scale |
//! |---|---|---|---|
//! | `present_population` (district × hour) | at most one district per clock hour (the district of the hour's first event), only hours of the day the record starts on: 24 cells, 1 each | 24 | 96 / ε |
//! | `od_trips` (origin × destination × day) | trips between consecutive events *of the same day*, the first 4 of the day | 4 | 16 / ε |
//! | `calls` (district × day) | the first 10 voice legs of the day | 10 | 40 / ε |
//! | `residents` (district, whole period) | one home district per subscriber: removing a day can move it (−1 in one district, +1 in another) | 2 | 8 / ε |
//!
//! Records beyond a bound are dropped before counting (contribution bounding), so each count is
//! the bounded count plus noise. The three per-day indicators of day `d` only depend on records
//! starting on day `d`, so a subscriber-day changes at most those and `residents`: sequential
//! composition gives `4 · ε / 4 = ε`.
//!
//! `user_density` (district × hour) is the published noisy `present_population` divided by the
//! district's official area (public data): post-processing of a released value, so it costs no
//! budget and needs no bound of its own.
//!
//! **Domain.** Rows are published for every combination of the input's districts (from the
//! `cells` table, network metadata rather than personal data) and the period's hours or days,
//! zero counts included, so which rows exist reveals nothing. Values are rounded to integers
//! and clamped at 0 (post-processing, free under DP). `inbound_*`, `call_drop_rate`,
//! `data_volume`, `throughput_p50` and the ICT shares (`technology_share`,
//! `low_throughput_share`, `dropped_session_share`, `coverage_gap`) are not published, and
//! count as lost in the leaderboard. A share is a ratio of two counts of one district-day; one
//! subscriber-day moves a share by up to 1 where it has few records (its sensitivity is 1), so
//! publishing each would take a further part of ε for a numerator and a denominator, each
//! bounded by records per subscriber-day — left to the pipelines the benchmark compares.
//! Nor are the tourism indicators (`domestic_trips`, `domestic_nights`, `same_day_visits`,
//! `inbound_visitors_by_entry`, `outbound_trips`, `outbound_nights`): the contribution bounds above are per subscriber-day, and one
//! subscriber-day can split a trip in two, move its destination or its nights (a trip is a run
//! of nights across days), make a district regular or not for the whole period (same-day
//! visits), or be a roamer's first day (the entry point): bounding them would need bounds per
//! subscriber over the period, not given here.
//!
//! **Noise.** Laplace by inverse CDF from a uniform draw keyed by `(--seed, baseline, indicator,
//! zone, time, breakdown)` (SplitMix64, `telcosynth_generator::rng`): the same seed gives the
//! same release on every platform, and each release's noise is independent of the others'. A
//! baseline, not a hardened implementation: floating-point Laplace sampling has known
//! weaknesses (Mironov 2012) that a production release would address with a discrete or
//! snapping mechanism.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use telcosynth_generator::rng::key_hash;

use super::aggregates_table::{period_from_schema, write_rows};
use crate::contract::{CONTRACT_VERSION, Kind, PrivacyClaim, ReleaseManifest, SpatialLevel};
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::indicators::{self, Row};
use crate::prepare::Period;
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;

/// The baselines of this mechanism and their ε per subscriber-day.
pub const BUDGETS: [(&str, f64); 3] = [
    ("dp-aggregates-eps0.1", 0.1),
    ("dp-aggregates-eps1", 1.0),
    ("dp-aggregates-eps2.6", 2.6),
];

/// District-hours a subscriber-day counts in at most (one district per hour).
pub const HOURS_PER_DAY: u32 = 24;
/// Trips of a subscriber-day counted at most.
pub const TRIPS_PER_DAY: u32 = 4;
/// Voice legs of a subscriber-day counted at most.
pub const CALLS_PER_DAY: u32 = 10;
/// L1 sensitivity of `residents` to one subscriber-day.
pub const RESIDENTS_SENSITIVITY: u32 = 2;
/// Indicators sharing ε equally.
const SHARES: f64 = 4.0;

/// A record's local day start (UTC epoch s), as SQL over `start_s`.
fn day() -> String {
    format!("(((start_s + {UTC_OFFSET_SECONDS}) / 86400) * 86400 - {UTC_OFFSET_SECONDS})")
}

/// Columns of the aggregates table around a count `n`.
fn select(indicator: &str, zone: &str, t_start: &str, t_end: &str, dest: &str) -> String {
    let (key, value) = if dest == "NULL" {
        ("CAST(NULL AS VARCHAR)", "CAST(NULL AS VARCHAR)".to_owned())
    } else {
        ("'destination'", dest.to_owned())
    };
    format!(
        "SELECT '{indicator}' AS indicator, 'district' AS zone_level, {zone} AS zone_id, \
         {t_start} AS t_start, {t_end} AS t_end, {key} AS breakdown_key, \
         {value} AS breakdown_value, CAST(COUNT(*) AS DOUBLE) AS value"
    )
}

/// Bounded counts of the four indicators, by the SQL below.
fn bounded_counts(engine: &Engine) -> Result<Vec<Row>, HarnessError> {
    let day = day();
    let present = format!(
        "WITH spans AS ( \
             SELECT subscriber, zone, start_s, \
                    LEAST(end_s, {day} + 86400) AS end_s \
             FROM events WHERE zone IS NOT NULL AND subscriber IS NOT NULL), \
         hours AS ( \
             SELECT subscriber, zone, start_s, \
                    unnest(generate_series(start_s / 3600, (end_s - 1) / 3600)) AS h \
             FROM spans), \
         firsts AS ( \
             SELECT zone, h, ROW_NUMBER() OVER (PARTITION BY subscriber, h \
                                                ORDER BY start_s, zone) AS r \
             FROM hours) \
         {} FROM firsts WHERE r = 1 GROUP BY zone, h",
        select(
            "present_population",
            "zone",
            "h * 3600",
            "h * 3600 + 3600",
            "NULL"
        )
    );
    let trips = format!(
        "WITH seq AS ( \
             SELECT subscriber, start_s, zone, {day} AS day, \
                    LAG(zone) OVER (PARTITION BY subscriber, {day} ORDER BY start_s, zone) \
                        AS origin \
             FROM events WHERE zone IS NOT NULL AND subscriber IS NOT NULL), \
         moves AS ( \
             SELECT origin, zone AS destination, day, \
                    ROW_NUMBER() OVER (PARTITION BY subscriber, day \
                                       ORDER BY start_s, zone, origin) AS k \
             FROM seq WHERE origin IS NOT NULL AND origin <> zone) \
         {} FROM moves WHERE k <= {TRIPS_PER_DAY} GROUP BY origin, destination, day",
        select("od_trips", "origin", "day", "day + 86400", "destination")
    );
    let calls = format!(
        "WITH legs AS ( \
             SELECT zone, {day} AS day, \
                    ROW_NUMBER() OVER (PARTITION BY subscriber, {day} ORDER BY start_s, zone) \
                        AS k \
             FROM cdr_located \
             WHERE record_type IN ('MOC', 'MTC') AND zone IS NOT NULL \
               AND subscriber IS NOT NULL) \
         {} FROM legs WHERE k <= {CALLS_PER_DAY} GROUP BY zone, day",
        select("calls", "zone", "day", "day + 86400", "NULL")
    );
    let residents = indicators::ALL
        .iter()
        .find(|i| i.name == "residents")
        .expect("residents is an indicator")
        .view;
    let mut rows = Vec::new();
    for (name, sql) in [
        ("bounded present_population", present.as_str()),
        ("bounded od_trips", trips.as_str()),
        ("bounded calls", calls.as_str()),
        ("residents", residents),
    ] {
        rows.extend(indicators::run(engine, name, sql)?);
    }
    Ok(rows)
}

/// Every row published, with its Laplace scale: the whole domain of districts × bins.
fn domain(districts: &[String], period: &Period, epsilon: f64) -> Vec<(Row, f64)> {
    let scale = |sensitivity: u32| f64::from(sensitivity) * SHARES / epsilon;
    let row = |indicator: &str, zone: &str, t: (i64, i64), dest: Option<&str>| Row {
        indicator: indicator.to_owned(),
        zone_level: "district".to_owned(),
        zone_id: zone.to_owned(),
        t_start: t.0,
        t_end: t.1,
        breakdown_key: dest.map(|_| "destination".to_owned()),
        breakdown_value: dest.map(str::to_owned),
        value: Some(0.0),
    };
    let days: Vec<i64> = (period.t_start..period.t_end).step_by(86_400).collect();
    let mut out = Vec::new();
    for zone in districts {
        out.push((
            row("residents", zone, (period.t_start, period.t_end), None),
            scale(RESIDENTS_SENSITIVITY),
        ));
        for h in (period.t_start..period.t_end).step_by(3600) {
            out.push((
                row("present_population", zone, (h, h + 3600), None),
                scale(HOURS_PER_DAY),
            ));
        }
        for &d in &days {
            out.push((
                row("calls", zone, (d, d + 86_400), None),
                scale(CALLS_PER_DAY),
            ));
            for dest in districts.iter().filter(|d| *d != zone) {
                out.push((
                    row("od_trips", zone, (d, d + 86_400), Some(dest)),
                    scale(TRIPS_PER_DAY),
                ));
            }
        }
    }
    out
}

/// `user_density` rows from the released `present_population` rows: each divided by its
/// district's official area (post-processing; districts without an area are left out).
fn densities(rows: &[Row]) -> Vec<Row> {
    let areas: BTreeMap<&str, f64> = telcosynth_generator::public_data::districts()
        .iter()
        .map(|d| (d.code, d.area_km2))
        .collect();
    rows.iter()
        .filter(|r| r.indicator == "present_population")
        .filter_map(|r| {
            let area = areas.get(r.zone_id.as_str())?;
            Some(Row {
                indicator: "user_density".to_owned(),
                value: r.value.map(|v| v / area),
                ..r.clone()
            })
        })
        .collect()
}

/// FNV-1a of a text, to key the noise of a row.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A Laplace(0, `scale`) draw from a uniform word: inverse CDF at `u = (m + ½) / 2⁵²` with `m`
/// the word's 52 high bits, so `u` and `1 − u` are exact and never 0.
pub fn laplace(word: u64, scale: f64) -> f64 {
    const STEPS: f64 = (1u64 << 52) as f64;
    let m = word >> 12;
    let u = (m as f64 + 0.5) / STEPS;
    if u < 0.5 {
        scale * (2.0 * u).ln()
    } else {
        let rest = (((1u64 << 52) - 1 - m) as f64 + 0.5) / STEPS;
        -scale * (2.0 * rest).ln()
    }
}

/// The noise word of `row` in release `name` under `seed`.
fn noise_word(seed: u64, name: &str, row: &Row) -> u64 {
    key_hash(
        seed,
        &[
            fnv1a(name),
            fnv1a(&row.indicator),
            fnv1a(&row.zone_id),
            row.t_start as u64,
            fnv1a(row.breakdown_value.as_deref().unwrap_or("")),
        ],
    )
}

/// Adds noise to every row of the domain: round(count + Laplace(scale)), clamped at 0.
fn noisy(
    name: &str,
    seed: u64,
    domain: Vec<(Row, f64)>,
    counts: &BTreeMap<(String, crate::indicators::RowKey), f64>,
) -> Vec<Row> {
    domain
        .into_iter()
        .map(|(mut row, scale)| {
            let n = counts
                .get(&(row.indicator.clone(), row.key()))
                .copied()
                .unwrap_or(0.0);
            let v = (n + laplace(noise_word(seed, name, &row), scale)).round();
            row.value = Some(v.max(0.0));
            row
        })
        .collect()
}

/// ε of baseline `name`, if it is one of [`BUDGETS`].
pub fn epsilon_of(name: &str) -> Option<f64> {
    BUDGETS.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

pub(super) fn run(name: &str, input: &Path, output: &Path, seed: u64) -> Result<(), HarnessError> {
    let epsilon = epsilon_of(name).expect("a dp-aggregates baseline");
    let period = period_from_schema(input)?;
    let engine = Engine::new()?;
    indicators::register_helpers(&engine, &period)?;
    indicators::register_view(&engine, input, &input.join("cells"), SpatialLevel::Cell)?;
    let districts: Vec<String> = indicators::run(
        &engine,
        "districts",
        "SELECT 'd' AS indicator, 'district' AS zone_level, district_code AS zone_id, \
         0 AS t_start, 0 AS t_end, NULL AS breakdown_key, NULL AS breakdown_value, \
         0.0 AS value FROM cells WHERE district_code IS NOT NULL GROUP BY district_code",
    )?
    .into_iter()
    .map(|r| r.zone_id)
    .collect::<BTreeSet<_>>()
    .into_iter()
    .collect();
    let counts: BTreeMap<_, f64> = bounded_counts(&engine)?
        .into_iter()
        .map(|r| ((r.indicator.clone(), r.key()), r.value.unwrap_or(0.0)))
        .collect();
    let mut rows = noisy(name, seed, domain(&districts, &period, epsilon), &counts);
    rows.extend(densities(&rows));
    let refs: Vec<&Row> = rows.iter().collect();
    write_rows(&output.join("aggregates.parquet"), &refs)?;
    super::write_manifest(
        output,
        &ReleaseManifest {
            contract_version: CONTRACT_VERSION,
            kind: Kind::Aggregates,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::District,
            time_bin_s: 3600,
            suppression: None,
            privacy_claim: Some(PrivacyClaim {
                mechanism: "laplace; ε split equally over present_population, od_trips, calls, \
                            residents; user_density is present_population over the district's \
                            area"
                    .into(),
                epsilon: Some(epsilon),
                delta: Some(0.0),
                unit: Some("subscriber-day".into()),
                contribution_bound: Some(serde_json::json!({
                    "present_population": format!("{HOURS_PER_DAY} district-hours (one district per hour)"),
                    "od_trips": format!("{TRIPS_PER_DAY} trips"),
                    "calls": format!("{CALLS_PER_DAY} voice legs"),
                    "residents": format!("1 home district (sensitivity {RESIDENTS_SENSITIVITY})"),
                })),
            }),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laplace_draws_have_the_laplace_distribution() {
        // Keyed words: the mean of |X| is the scale, the median 0, P(|X| > 3b) = e^-3.
        let scale = 5.0;
        let draws: Vec<f64> = (0..100_000u64)
            .map(|i| laplace(key_hash(7, &[i]), scale))
            .collect();
        let n = draws.len() as f64;
        let mean_abs = draws.iter().map(|x| x.abs()).sum::<f64>() / n;
        assert!((mean_abs - scale).abs() < 0.1, "{mean_abs}");
        let positive = draws.iter().filter(|x| **x > 0.0).count() as f64 / n;
        assert!((positive - 0.5).abs() < 0.01, "{positive}");
        let tail = draws.iter().filter(|x| x.abs() > 3.0 * scale).count() as f64 / n;
        assert!((tail - (-3.0f64).exp()).abs() < 0.005, "{tail}");
        assert!(draws.iter().all(|x| x.is_finite()));
        assert!(laplace(0, 1.0).is_finite() && laplace(u64::MAX, 1.0).is_finite());
    }

    #[test]
    fn the_domain_covers_every_district_and_bin_with_scales_from_the_bounds() {
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let period = Period::new(d("2025-01-10"), d("2025-01-11"));
        let districts = vec!["A".to_owned(), "B".to_owned(), "C".to_owned()];
        let rows = domain(&districts, &period, 1.0);
        let count = |ind: &str| rows.iter().filter(|(r, _)| r.indicator == ind).count();
        assert_eq!(count("residents"), 3);
        assert_eq!(count("present_population"), 3 * 48);
        assert_eq!(count("calls"), 3 * 2);
        assert_eq!(count("od_trips"), 3 * 2 * 2);
        let scale = |ind: &str| rows.iter().find(|(r, _)| r.indicator == ind).unwrap().1;
        assert_eq!(scale("present_population"), 96.0);
        assert_eq!(scale("od_trips"), 16.0);
        assert_eq!(scale("calls"), 40.0);
        assert_eq!(scale("residents"), 8.0);
        // Ten times the budget, a tenth of the noise.
        let tight = domain(&districts, &period, 10.0);
        assert!((tight[0].1 * 10.0 - rows[0].1).abs() < 1e-9);
    }

    #[test]
    fn densities_are_the_released_presence_over_the_official_area() {
        let kl = telcosynth_generator::public_data::districts()
            .iter()
            .find(|d| d.code == "14_1")
            .expect("W.P. Kuala Lumpur");
        let row = |indicator: &str, zone: &str, v: f64| Row {
            indicator: indicator.to_owned(),
            zone_level: "district".to_owned(),
            zone_id: zone.to_owned(),
            t_start: 0,
            t_end: 3600,
            breakdown_key: None,
            breakdown_value: None,
            value: Some(v),
        };
        let out = densities(&[
            row("present_population", "14_1", 243.0),
            row("calls", "14_1", 5.0),
            row("present_population", "no such district", 7.0),
        ]);
        assert_eq!(out, vec![row("user_density", "14_1", 243.0 / kl.area_km2)]);
    }

    #[test]
    fn noise_is_keyed_by_seed_release_and_row_and_values_are_clamped() {
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let period = Period::new(d("2025-01-10"), d("2025-01-10"));
        let districts = vec!["A".to_owned(), "B".to_owned()];
        let counts = BTreeMap::new();
        let release = |name: &str, seed| {
            noisy(name, seed, domain(&districts, &period, 0.1), &counts)
                .into_iter()
                .map(|r| r.value.unwrap())
                .collect::<Vec<f64>>()
        };
        let a = release("dp-aggregates-eps0.1", 1);
        assert_eq!(a, release("dp-aggregates-eps0.1", 1));
        assert_ne!(a, release("dp-aggregates-eps0.1", 2));
        assert_ne!(a, release("dp-aggregates-eps1", 1));
        assert!(a.iter().all(|v| *v >= 0.0 && v.fract() == 0.0));
        // Zero counts with large noise: about half are clamped to 0, the rest positive.
        let zeros = a.iter().filter(|v| **v == 0.0).count() as f64 / a.len() as f64;
        assert!(zeros > 0.3 && zeros < 0.7, "{zeros}");
    }
}
