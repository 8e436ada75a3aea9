//! `k-suppressed-aggregates`: the indicators computed from the raw operator view with the harness's
//! own SQL, published only where at least k = 15 subscribers stand behind a value (counts below
//! 15 left out, as Flowminder does; rates, shares and volumes left out where fewer than 15
//! subscribers contributed to the district-day; `user_density` left out where its
//! `present_population` count is, `domestic_nights` and `outbound_nights` where their row's
//! `domestic_trips` or `outbound_trips` count is). Aggregates only: no record leaves the
//! operator.

use std::collections::BTreeSet;
use std::path::Path;

use super::aggregates_table::{period_from_schema, write_rows};
use crate::contract::{CONTRACT_VERSION, Kind, Marker, ReleaseManifest, SpatialLevel, Suppression};
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::indicators::{self, IndicatorSet, Row, RowKey, Side};
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;

/// Smallest count published.
pub const K: u64 = 15;

/// Indicators whose value is itself a count of subscribers or trips.
const COUNTS: [&str; 9] = [
    "present_population",
    "residents",
    "od_trips",
    "calls",
    "inbound_visitors",
    "domestic_trips",
    "same_day_visits",
    "inbound_visitors_by_entry",
    "outbound_trips",
];

/// Nights indicators and the trips indicator whose rows they belong to.
const NIGHTS_OF: [(&str, &str); 2] = [
    ("domestic_nights", "domestic_trips"),
    ("outbound_nights", "outbound_trips"),
];

/// Distinct subscribers behind each (zone, local day) of the network indicators.
fn contributors() -> String {
    let day = format!("((start_s + {UTC_OFFSET_SECONDS}) / 86400) * 86400 - {UTC_OFFSET_SECONDS}");
    format!(
        "SELECT 'call_drop_rate' AS indicator, zone, {day} AS day, \
                COUNT(DISTINCT subscriber) AS n \
         FROM cdr_located WHERE record_type IN ('MOC', 'MTC') AND result IN ('answered', 'dropped') \
         GROUP BY zone, day \
         UNION ALL \
         SELECT 'ip' AS indicator, zone, {day} AS day, \
                COUNT(DISTINCT subscriber) AS n \
         FROM ip_located GROUP BY zone, day"
    )
}

/// The rows of `set` published: counts of at least K, rates, shares and volumes of district-days
/// in `enough` (the network indicators with K contributors), densities where their count is,
/// nights where their trips are.
fn published<'a>(set: &'a IndicatorSet, enough: &BTreeSet<(String, String, i64)>) -> Vec<&'a Row> {
    let counts_published: BTreeSet<(String, i64)> = set
        .rows
        .get("present_population")
        .into_iter()
        .flatten()
        .filter(|r| r.value.unwrap_or(0.0) >= K as f64)
        .map(|r| (r.zone_id.clone(), r.t_start))
        .collect();
    let trips_published: BTreeSet<(&str, RowKey)> = NIGHTS_OF
        .iter()
        .flat_map(|&(nights, trips)| {
            let rows = set.rows.get(trips).into_iter().flatten();
            rows.filter(|r| r.value.unwrap_or(0.0) >= K as f64)
                .map(move |r| (nights, r.key()))
        })
        .collect();
    let published = |r: &Row| -> bool {
        let v = r.value.unwrap_or(0.0);
        match r.indicator.as_str() {
            name if COUNTS.contains(&name) => v >= K as f64,
            "call_drop_rate" => {
                enough.contains(&("call_drop_rate".into(), r.zone_id.clone(), r.t_start))
            }
            "data_volume"
            | "throughput_p50"
            | "technology_share"
            | "low_throughput_share"
            | "dropped_session_share"
            | "coverage_gap" => enough.contains(&("ip".into(), r.zone_id.clone(), r.t_start)),
            // A density is a count over a public area: published where the count is.
            "user_density" => counts_published.contains(&(r.zone_id.clone(), r.t_start)),
            // Nights, where the trips they belong to are published (15 trips or more).
            name @ ("domestic_nights" | "outbound_nights") => {
                trips_published.contains(&(name, r.key()))
            }
            _ => v >= K as f64,
        }
    };
    set.rows
        .values()
        .flatten()
        .filter(|r| published(r))
        .collect()
}

pub(super) fn run(input: &Path, output: &Path) -> Result<(), HarnessError> {
    let period = period_from_schema(input)?;
    let engine = Engine::new()?;
    indicators::register_helpers(&engine, &period)?;
    indicators::register_view(&engine, input, &input.join("cells"), SpatialLevel::Cell)?;
    let set = indicators::compute(&engine, Side::View, true);
    let mut enough: BTreeSet<(String, String, i64)> = BTreeSet::new();
    for r in indicators::run(
        &engine,
        "count contributors",
        &format!(
            "SELECT indicator, 'district' AS zone_level, zone AS zone_id, day AS t_start, \
             day AS t_end, CAST(NULL AS VARCHAR) AS breakdown_key, \
             CAST(NULL AS VARCHAR) AS breakdown_value, CAST(n AS DOUBLE) AS value \
             FROM ({}) AS c WHERE n >= {K}",
            contributors()
        ),
    )? {
        enough.insert((r.indicator, r.zone_id, r.t_start));
    }
    let rows = published(&set, &enough);
    write_rows(&output.join("aggregates.parquet"), &rows)?;
    super::write_manifest(
        output,
        &ReleaseManifest {
            contract_version: CONTRACT_VERSION,
            kind: Kind::Aggregates,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::District,
            time_bin_s: 3600,
            suppression: Some(Suppression {
                k: K,
                marker: Marker::Omitted,
            }),
            privacy_claim: Some(crate::contract::PrivacyClaim {
                mechanism: "k-anonymity threshold".into(),
                epsilon: None,
                delta: None,
                unit: Some("subscriber".into()),
                contribution_bound: None,
            }),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(indicator: &str, zone: &str, origin: Option<&str>, value: f64) -> Row {
        Row {
            indicator: indicator.to_owned(),
            zone_level: "district".to_owned(),
            zone_id: zone.to_owned(),
            t_start: 0,
            t_end: 86_400,
            breakdown_key: origin.map(|_| "origin_state".to_owned()),
            breakdown_value: origin.map(str::to_owned),
            value: Some(value),
        }
    }

    #[test]
    fn tourism_counts_below_k_and_their_nights_are_left_out() {
        let set = IndicatorSet::from_rows(vec![
            row("domestic_trips", "4_3", Some("14"), 15.0),
            row("domestic_trips", "4_3", Some("10"), 14.0),
            row("domestic_nights", "4_3", Some("14"), 20.0),
            row("domestic_nights", "4_3", Some("10"), 40.0),
            row("domestic_nights", "4_1", Some("14"), 90.0),
            row("same_day_visits", "4_3", Some("domestic"), 14.0),
            row("same_day_visits", "4_3", Some("inbound"), 15.0),
            row("inbound_visitors_by_entry", "E01", None, 15.0),
            row("inbound_visitors_by_entry", "E02", None, 3.0),
        ]);
        let kept: Vec<(&str, &str, Option<&str>)> = published(&set, &BTreeSet::new())
            .into_iter()
            .map(|r| {
                (
                    r.indicator.as_str(),
                    r.zone_id.as_str(),
                    r.breakdown_value.as_deref(),
                )
            })
            .collect();
        // Nights of 40 behind 14 trips, and of 90 behind no published trip, are left out.
        assert_eq!(
            kept,
            vec![
                ("domestic_nights", "4_3", Some("14")),
                ("domestic_trips", "4_3", Some("14")),
                ("inbound_visitors_by_entry", "E01", None),
                ("same_day_visits", "4_3", Some("inbound")),
            ]
        );
    }
}
