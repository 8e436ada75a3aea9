//! `dp-aggregates-eps0.1`, `dp-aggregates-eps1`, `dp-aggregates-eps2.6`: differentially private
//! aggregates, ε-DP per *subscriber-day* with the Laplace mechanism.
//!
//! **Unit.** Two inputs are neighbours when they differ in all records of one subscriber that
//! start on one local day (00:00–24:00 UTC+8). The guarantee is ε per subscriber-day; a
//! subscriber's whole period of `D` days is protected at `(3D + 1) · ε / 4` by composition.
//!
//! **Indicators and the split of ε.** Five histograms are released, each with `ε / 5`:
//!
//! | histogram | contribution of one subscriber-day | L1 sensitivity | Laplace scale |
//! |---|---|---|---|
//! | `present_population` (district × hour) | at most one district per clock hour (the district of the hour's first event), only hours of the day the record starts on: 24 cells, 1 each | 24 | 120 / ε |
//! | `od_trips` (origin × destination × day) | trips between consecutive events *of the same day*, the first 4 of the day | 4 | 20 / ε |
//! | voice legs (district × day × outcome: answered, dropped, other) | the first 10 voice legs of the day | 10 | 50 / ε |
//! | data records (district × day × RAT × throughput class × closing) | the first packet-gateway record starting in each clock hour of the day: 24 | 24 | 120 / ε |
//! | `residents` (district, whole period) | one home district per subscriber: removing a day can move it (−1 in one district, +1 in another) | 2 | 10 / ε |
//!
//! Records beyond a bound are dropped before counting (contribution bounding), so each count is
//! the bounded count plus noise. The four per-day histograms of day `d` only depend on records
//! starting on day `d`, so a subscriber-day changes at most those and `residents`: sequential
//! composition gives `5 · ε / 5 = ε`.
//!
//! **Published from the histograms** (post-processing, no further budget):
//! - `calls`: the sum of a district-day's three outcome counts; `call_drop_rate`: dropped over
//!   answered + dropped, each count clamped at 0.
//! - The ICT shares, from a district-day's data-record counts summed over the other dimensions
//!   and clamped at 0: `technology_share` (each RAT's count over all three), `low_throughput_share`
//!   (records under 1 and under 5 Mbit/s over records of positive duration), `dropped_session_share`
//!   (closed by `radio_loss` over all) and `coverage_gap` (2G over all: each sampled record
//!   stands for a subscriber-hour, so the share of subscriber-hours whose first record was on 2G
//!   estimates the indicator's share of subscriber-hours spent on 2G only). The shares are
//!   shares of the *sampled* records (one per subscriber-hour), not of all records: the
//!   bounding's bias is part of what the utility score measures. A district-day whose counts
//!   sum to 0 publishes no share.
//! - `user_density` (district × hour): the published `present_population` divided by the
//!   district's official area (public data).
//!
//! **Domain.** Rows are published for every combination of the input's districts (from the
//! `cells` table, network metadata rather than personal data) and the period's hours or days,
//! every RAT and threshold, zero counts included, so which rows exist reveals nothing. Counts
//! are rounded to integers and clamped at 0. `inbound_*`, `data_volume` and `throughput_p50`
//! (a sum and a quantile of unbounded values) are not published, and count as lost in the
//! leaderboard. Nor are the tourism indicators (`domestic_trips`, `domestic_nights`,
//! `same_day_visits`, `inbound_visitors_by_entry`, `outbound_trips`, `outbound_nights`): the
//! contribution bounds above are per subscriber-day, and one subscriber-day can split a trip in
//! two, move its destination or its nights (a trip is a run of nights across days), move the
//! home district that decides which nights are away for the whole period, or be a roamer's
//! first day (the entry point): bounding them needs bounds per subscriber over the period, a
//! different unit from this release's.
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
/// Packet-gateway records of a subscriber-day counted at most (the first of each clock hour).
pub const DATA_RECORDS_PER_DAY: u32 = 24;
/// Histograms sharing ε equally.
const SHARES: f64 = 5.0;

/// Outcomes of a voice leg in the voice-leg histogram.
const OUTCOMES: [&str; 3] = ["answered", "dropped", "other"];
/// Radio access technologies of the data-record histogram.
const RATS: [&str; 3] = ["2G", "4G", "5G"];
/// Throughput classes of the data-record histogram: no duration, under 1 Mbit/s, under
/// 5 Mbit/s, 5 Mbit/s or more.
const THROUGHPUTS: [&str; 4] = ["none", "lt1", "lt5", "ge5"];
/// Closing classes of the data-record histogram: lost radio, any other cause.
const CLOSINGS: [&str; 2] = ["loss", "ok"];
/// Internal name of the voice-leg histogram (breakdown `outcome`).
const VOICE_LEGS: &str = "voice legs";
/// Internal name of the data-record histogram (breakdown `class`: `rat|throughput|closing`).
const DATA_RECORDS: &str = "data records";

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

/// Columns of a district-day histogram's table around a count, by breakdown `column`.
fn histogram(name: &str, key: &str, column: &str) -> String {
    format!(
        "SELECT '{name}' AS indicator, 'district' AS zone_level, zone AS zone_id, \
         day AS t_start, day + 86400 AS t_end, '{key}' AS breakdown_key, \
         {column} AS breakdown_value, CAST(COUNT(*) AS DOUBLE) AS value"
    )
}

/// Bounded counts of the five histograms, by the SQL below.
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
                    CASE WHEN result = 'answered' THEN 'answered' \
                         WHEN result = 'dropped' THEN 'dropped' ELSE 'other' END AS outcome, \
                    ROW_NUMBER() OVER (PARTITION BY subscriber, {day} \
                                       ORDER BY start_s, zone, result) AS k \
             FROM cdr_located \
             WHERE record_type IN ('MOC', 'MTC') AND zone IS NOT NULL \
               AND subscriber IS NOT NULL) \
         {} FROM legs WHERE k <= {CALLS_PER_DAY} GROUP BY zone, day, outcome",
        histogram(VOICE_LEGS, "outcome", "outcome")
    );
    let data = format!(
        "WITH records AS ( \
             SELECT zone, {day} AS day, \
                    rat || '|' || \
                    CASE WHEN end_s <= start_s OR bytes_up IS NULL OR bytes_down IS NULL \
                              THEN 'none' \
                         WHEN CAST(bytes_up + bytes_down AS DOUBLE) * 8.0 \
                              / CAST(end_s - start_s AS DOUBLE) < 1000000.0 THEN 'lt1' \
                         WHEN CAST(bytes_up + bytes_down AS DOUBLE) * 8.0 \
                              / CAST(end_s - start_s AS DOUBLE) < 5000000.0 THEN 'lt5' \
                         ELSE 'ge5' END || '|' || \
                    CASE WHEN closing_cause = 'radio_loss' THEN 'loss' ELSE 'ok' END AS class, \
                    ROW_NUMBER() OVER (PARTITION BY subscriber, start_s / 3600 \
                                       ORDER BY start_s, zone, rat, end_s, closing_cause) AS k \
             FROM ip_located \
             WHERE zone IS NOT NULL AND subscriber IS NOT NULL \
               AND rat IN ('2G', '4G', '5G')) \
         {} FROM records WHERE k = 1 GROUP BY zone, day, class",
        histogram(DATA_RECORDS, "class", "class")
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
        ("bounded voice legs", calls.as_str()),
        ("bounded data records", data.as_str()),
        ("residents", residents),
    ] {
        rows.extend(indicators::run(engine, name, sql)?);
    }
    Ok(rows)
}

/// A district row of `indicator` over `t` with an optional `(key, value)` breakdown.
fn row(indicator: &str, zone: &str, t: (i64, i64), breakdown: Option<(&str, &str)>) -> Row {
    Row {
        indicator: indicator.to_owned(),
        zone_level: "district".to_owned(),
        zone_id: zone.to_owned(),
        t_start: t.0,
        t_end: t.1,
        breakdown_key: breakdown.map(|b| b.0.to_owned()),
        breakdown_value: breakdown.map(|b| b.1.to_owned()),
        value: Some(0.0),
    }
}

/// Every histogram cell released, with its Laplace scale: the whole domain of districts × bins
/// × breakdowns.
fn domain(districts: &[String], period: &Period, epsilon: f64) -> Vec<(Row, f64)> {
    let scale = |sensitivity: u32| f64::from(sensitivity) * SHARES / epsilon;
    let days: Vec<i64> = (period.t_start..period.t_end).step_by(86_400).collect();
    let classes: Vec<String> = RATS
        .iter()
        .flat_map(|r| {
            THROUGHPUTS
                .iter()
                .flat_map(move |t| CLOSINGS.iter().map(move |c| format!("{r}|{t}|{c}")))
        })
        .collect();
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
            let t = (d, d + 86_400);
            for outcome in OUTCOMES {
                out.push((
                    row(VOICE_LEGS, zone, t, Some(("outcome", outcome))),
                    scale(CALLS_PER_DAY),
                ));
            }
            for class in &classes {
                out.push((
                    row(DATA_RECORDS, zone, t, Some(("class", class))),
                    scale(DATA_RECORDS_PER_DAY),
                ));
            }
            for dest in districts.iter().filter(|d| *d != zone) {
                out.push((
                    row("od_trips", zone, t, Some(("destination", dest))),
                    scale(TRIPS_PER_DAY),
                ));
            }
        }
    }
    out
}

/// The published rows from the noisy histogram cells: counts rounded and clamped at 0, `calls`
/// and `call_drop_rate` from the voice-leg cells, the ICT shares from the data-record cells
/// (see the module documentation).
fn publish(cells: Vec<Row>) -> Vec<Row> {
    // Per district-day: sums of the voice-leg and data-record cells by breakdown part.
    type DistrictDay = (String, i64, i64);
    let mut legs: BTreeMap<DistrictDay, BTreeMap<&str, f64>> = BTreeMap::new();
    let mut data: BTreeMap<DistrictDay, BTreeMap<String, f64>> = BTreeMap::new();
    let mut out = Vec::new();
    for cell in &cells {
        let v = cell.value.unwrap_or(0.0);
        let at = (cell.zone_id.clone(), cell.t_start, cell.t_end);
        let part = cell.breakdown_value.as_deref().unwrap_or("");
        match cell.indicator.as_str() {
            VOICE_LEGS => {
                let outcome = OUTCOMES.iter().find(|o| **o == part).expect("an outcome");
                *legs.entry(at).or_default().entry(outcome).or_default() += v;
            }
            DATA_RECORDS => {
                let sums = data.entry(at).or_default();
                for (i, dimension) in part.split('|').enumerate() {
                    *sums.entry(format!("{i}{dimension}")).or_default() += v;
                }
            }
            _ => out.push(Row {
                value: Some(v.round().max(0.0)),
                ..cell.clone()
            }),
        }
    }
    for ((zone, t0, t1), sums) in legs {
        let get = |o: &str| sums.get(o).copied().unwrap_or(0.0);
        let total: f64 = sums.values().sum();
        out.push(Row {
            value: Some(total.round().max(0.0)),
            ..row("calls", &zone, (t0, t1), None)
        });
        let (answered, dropped) = (get("answered").max(0.0), get("dropped").max(0.0));
        if answered + dropped > 0.0 {
            out.push(Row {
                value: Some(dropped / (answered + dropped)),
                ..row("call_drop_rate", &zone, (t0, t1), None)
            });
        }
    }
    for ((zone, t0, t1), sums) in data {
        let t = (t0, t1);
        // Marginal of dimension `i` (0 RAT, 1 throughput, 2 closing) at `value`, clamped.
        let m = |i: usize, value: &str| {
            sums.get(&format!("{i}{value}"))
                .copied()
                .unwrap_or(0.0)
                .max(0.0)
        };
        let share = |part: f64, whole: f64| (whole > 0.0).then(|| part / whole);
        let rats: f64 = RATS.iter().map(|r| m(0, r)).sum();
        for rat in RATS {
            if let Some(v) = share(m(0, rat), rats) {
                out.push(Row {
                    value: Some(v),
                    ..row("technology_share", &zone, t, Some(("rat", rat)))
                });
            }
        }
        if let Some(v) = share(m(0, "2G"), rats) {
            out.push(Row {
                value: Some(v),
                ..row("coverage_gap", &zone, t, None)
            });
        }
        let timed = m(1, "lt1") + m(1, "lt5") + m(1, "ge5");
        for (threshold, under) in [
            ("1000000", m(1, "lt1")),
            ("5000000", m(1, "lt1") + m(1, "lt5")),
        ] {
            if let Some(v) = share(under, timed) {
                out.push(Row {
                    value: Some(v),
                    ..row(
                        "low_throughput_share",
                        &zone,
                        t,
                        Some(("threshold", threshold)),
                    )
                });
            }
        }
        if let Some(v) = share(m(2, "loss"), m(2, "loss") + m(2, "ok")) {
            out.push(Row {
                value: Some(v),
                ..row("dropped_session_share", &zone, t, None)
            });
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

/// Adds noise to every cell of the domain: count + Laplace(scale), unrounded (rounding and
/// clamping are [`publish`]'s).
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
            row.value = Some(n + laplace(noise_word(seed, name, &row), scale));
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
    let mut rows = publish(noisy(
        name,
        seed,
        domain(&districts, &period, epsilon),
        &counts,
    ));
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
                mechanism: "laplace; ε split equally over five histograms: \
                            present_population, od_trips, voice legs by outcome, data records by \
                            RAT, throughput and closing, residents; calls, call_drop_rate, the \
                            ICT shares and user_density are post-processing of them"
                    .into(),
                epsilon: Some(epsilon),
                delta: Some(0.0),
                unit: Some("subscriber-day".into()),
                contribution_bound: Some(serde_json::json!({
                    "present_population": format!("{HOURS_PER_DAY} district-hours (one district per hour)"),
                    "od_trips": format!("{TRIPS_PER_DAY} trips"),
                    "voice legs": format!("{CALLS_PER_DAY} voice legs"),
                    "data records": format!("{DATA_RECORDS_PER_DAY} records (the first of each clock hour)"),
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
        assert_eq!(count(VOICE_LEGS), 3 * 2 * 3);
        assert_eq!(count(DATA_RECORDS), 3 * 2 * 24);
        assert_eq!(count("od_trips"), 3 * 2 * 2);
        let scale = |ind: &str| rows.iter().find(|(r, _)| r.indicator == ind).unwrap().1;
        assert_eq!(scale("present_population"), 120.0);
        assert_eq!(scale("od_trips"), 20.0);
        assert_eq!(scale(VOICE_LEGS), 50.0);
        assert_eq!(scale(DATA_RECORDS), 120.0);
        assert_eq!(scale("residents"), 10.0);
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
    fn noise_is_keyed_by_seed_release_and_row() {
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
        // Zero counts with large noise: about half negative before publication.
        let zeros = a.iter().filter(|v| **v < 0.0).count() as f64 / a.len() as f64;
        assert!(zeros > 0.3 && zeros < 0.7, "{zeros}");
    }

    #[test]
    fn published_rows_are_sums_and_shares_of_the_clamped_cells() {
        let cell = |indicator: &str, zone: &str, part: Option<(&str, &str)>, v: f64| Row {
            value: Some(v),
            ..row(indicator, zone, (0, 86_400), part)
        };
        let legs = |o, v| cell(VOICE_LEGS, "A", Some(("outcome", o)), v);
        let data = |c, v| cell(DATA_RECORDS, "A", Some(("class", c)), v);
        let out = publish(vec![
            cell("present_population", "A", None, -3.4),
            cell("residents", "A", None, 7.6),
            legs("answered", 30.0),
            legs("dropped", 10.4),
            legs("other", -5.0),
            data("2G|lt1|loss", 6.0),
            data("4G|lt5|ok", 10.0),
            data("4G|none|ok", 2.0),
            data("5G|ge5|ok", 4.0),
            data("5G|lt1|loss", -2.0),
        ]);
        let value = |indicator: &str, part: Option<&str>| {
            out.iter()
                .find(|r| r.indicator == indicator && r.breakdown_value.as_deref() == part)
                .and_then(|r| r.value)
                .unwrap_or_else(|| panic!("{indicator} {part:?} in {out:?}"))
        };
        assert_eq!(value("present_population", None), 0.0);
        assert_eq!(value("residents", None), 8.0);
        assert_eq!(value("calls", None), 35.0);
        assert!((value("call_drop_rate", None) - 10.4 / 40.4).abs() < 1e-12);
        // RAT marginals 6, 12, 2 (5G: 4 − 2).
        assert!((value("technology_share", Some("2G")) - 6.0 / 20.0).abs() < 1e-12);
        assert!((value("technology_share", Some("4G")) - 12.0 / 20.0).abs() < 1e-12);
        assert!((value("coverage_gap", None) - 6.0 / 20.0).abs() < 1e-12);
        // Throughput marginals: lt1 6 − 2 = 4, lt5 10, ge5 4; `none` left out.
        assert!((value("low_throughput_share", Some("1000000")) - 4.0 / 18.0).abs() < 1e-12);
        assert!((value("low_throughput_share", Some("5000000")) - 14.0 / 18.0).abs() < 1e-12);
        // Closing marginals: loss 6 − 2 = 4, ok 16.
        assert!((value("dropped_session_share", None) - 4.0 / 20.0).abs() < 1e-12);
        assert!(
            out.iter()
                .all(|r| r.indicator != VOICE_LEGS && r.indicator != DATA_RECORDS)
        );
        // No share without records: a district-day whose counts clamp to 0 publishes none.
        let empty = publish(vec![data("4G|lt5|ok", -1.0), legs("answered", -1.0)]);
        assert_eq!(
            empty
                .iter()
                .map(|r| r.indicator.as_str())
                .collect::<Vec<_>>(),
            vec!["calls"]
        );
    }
}
