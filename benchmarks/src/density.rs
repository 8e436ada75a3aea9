//! How densely the view's subscribers fill the network, reported with every run.
//!
//! Privacy figures depend on density more than on anything else: where each cell serves a
//! handful of people, almost everyone is alone in their cell-hour, so unicity, linkage and
//! small-cell shares read far higher than on real data, and suppressing small counts removes far
//! more. A report therefore states the density of the view it scored (subscribers per site and
//! per cell, distinct subscribers per district-hour and per cell-hour) and whether the scenario
//! sampled its region's population onto the whole network (`telcosynth_generator::density`).

use arrow_array::{Array, Int64Array};
use arrow_schema::DataType;
use datafusion::arrow::compute::cast;
use serde::Serialize;
use telcosynth_generator::density::Sampling;
use telcosynth_sinks::Manifest;

use crate::engine::Engine;
use crate::error::HarnessError;
use crate::indicators::Row;
use crate::prepare::Period;
use crate::utility::quantile;

/// The density of an operator view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Density {
    /// Persons the scenario generates (`null` when its text does not parse with this build).
    pub scenario_persons: Option<u64>,
    /// Census 2020 population of the scenario's region.
    pub census: Option<u64>,
    /// `scenario_persons / census`.
    pub census_share: Option<f64>,
    /// Whether the scenario samples its population while keeping the whole network.
    pub sampled: bool,
    /// The warning for a sampled scenario.
    pub warning: Option<String>,
    /// Subscribers (SIMs) in the view's register.
    pub subscribers: u64,
    /// Sites of the view's network in the scenario's region (the network also covers the
    /// districts residents travel to; their cells are left out of every figure here).
    pub sites: u64,
    /// Cells of the view's network in the region.
    pub cells: u64,
    /// `subscribers / sites`.
    pub subscribers_per_site: f64,
    /// `subscribers / cells`.
    pub subscribers_per_cell: f64,
    /// District-hours of the period (the region's districts × hours), empty ones included.
    pub district_hours: u64,
    /// Median of distinct subscribers seen per district-hour (the raw `present_population`).
    pub district_hour_median: f64,
    /// 10th percentile of the same.
    pub district_hour_p10: f64,
    /// Cell-hours with at least one subscriber.
    pub active_cell_hours: u64,
    /// Median of distinct subscribers per cell-hour, over cell-hours with any.
    pub cell_hour_median: f64,
    /// 10th percentile of the same.
    pub cell_hour_p10: f64,
    /// Share of district-hours (empty ones included) with fewer than k distinct subscribers,
    /// for k in [`SMALL_COUNTS`].
    pub district_hours_below: Vec<(u32, f64)>,
    /// Share of active cell-hours with fewer than k distinct subscribers, for k in
    /// [`SMALL_COUNTS`].
    pub cell_hours_below: Vec<(u32, f64)>,
}

/// Thresholds of small counts reported: 5 and 15 (the k-suppressed baseline's).
pub const SMALL_COUNTS: [u32; 2] = [5, 15];

/// Share of `sorted` values below each of [`SMALL_COUNTS`].
fn below(sorted: &[f64]) -> Vec<(u32, f64)> {
    SMALL_COUNTS
        .iter()
        .map(|&k| {
            let n = sorted.partition_point(|&v| v < f64::from(k));
            (k, n as f64 / sorted.len().max(1) as f64)
        })
        .collect()
}

/// What density is measured against: the scenario's sampling and the DOSM codes of its
/// region's districts.
#[derive(Debug, Clone)]
pub struct Region {
    /// The scenario's sampling of the census population.
    pub sampling: Sampling,
    /// Codes of the region's districts (the network also covers districts residents travel to,
    /// whose cells serve almost nobody and are left out of the density).
    pub district_codes: Vec<String>,
}

/// The region of the scenario a dataset was generated from, when its text parses with this
/// build.
pub fn region(manifest: &Manifest) -> Option<Region> {
    let scenario = telcosynth_generator::scenario::parse(
        telcosynth_sinks::MANIFEST_FILE,
        &manifest.scenario.text,
        &telcosynth_generator::tables::names(),
    )
    .ok()?;
    let all = telcosynth_generator::public_data::districts();
    Some(Region {
        sampling: Sampling::of(&scenario),
        district_codes: scenario
            .districts()
            .iter()
            .map(|&d| all[usize::from(d)].code.to_owned())
            .collect(),
    })
}

/// Distinct subscribers per cell and clock hour of a record ([start, end) overlapping the hour),
/// over the view registered in `engine`, for cells of the districts `{region}`.
const CELL_HOURS_SQL: &str = "\
SELECT COUNT(DISTINCT subscriber) AS n FROM (\
  SELECT served_msisdn AS subscriber, first_cell_key AS cell, \
         CAST(to_unixtime(start_time) AS BIGINT) / 3600 AS h FROM cdr \
  UNION ALL \
  SELECT served_msisdn, cell_key, unnest(generate_series(\
         CAST(to_unixtime(start_time) AS BIGINT) / 3600, \
         (GREATEST(CAST(to_unixtime(end_time) AS BIGINT), CAST(to_unixtime(start_time) AS BIGINT) + 1) - 1) / 3600)) \
  FROM ip_sessions\
) AS x JOIN cells AS c ON x.cell = c.cell_key \
WHERE subscriber IS NOT NULL AND c.district_code IN ({region}) GROUP BY cell, h";

/// Measures the density of the view registered in `engine` (`cells`, `cdr`, `ip_sessions`), of
/// `subscribers` SIMs, whose raw `present_population` rows are `present`, over the cells of
/// `region`'s districts (every cell of the view when the scenario is unknown).
pub fn measure(
    engine: &Engine,
    region: Option<&Region>,
    subscribers: u64,
    period: &Period,
    present: &[Row],
) -> Result<Density, HarnessError> {
    let sampling = region.map(|r| r.sampling);
    // DOSM district codes are digits and '_': quoting them is enough.
    let codes = match region {
        Some(r) => r
            .district_codes
            .iter()
            .map(|c| format!("'{}'", c.replace('\'', "")))
            .collect::<Vec<_>>()
            .join(", "),
        None => "SELECT DISTINCT district_code FROM cells".to_owned(),
    };
    let counts: Vec<Vec<i64>> = [
        "COUNT(DISTINCT site_id)",
        "COUNT(*)",
        "COUNT(DISTINCT district_code)",
    ]
    .iter()
    .map(|count| {
        ints(
            engine,
            "count the view's sites, cells and districts",
            &format!("SELECT {count} AS n FROM cells WHERE district_code IN ({codes})"),
        )
    })
    .collect::<Result<_, _>>()?;
    let count = |i: usize| counts[i].first().copied().unwrap_or(0).max(0) as u64;
    let (sites, cells, districts) = (count(0), count(1), count(2));
    let hours = ((period.t_end - period.t_start) / 3600).max(0) as u64;
    let district_hours = districts * hours;
    let in_region = |zone: &str| region.is_none_or(|r| r.district_codes.iter().any(|c| c == zone));
    let mut per_district_hour: Vec<f64> = present
        .iter()
        .filter(|r| in_region(&r.zone_id))
        .filter_map(|r| r.value)
        .collect();
    per_district_hour.resize(per_district_hour.len().max(district_hours as usize), 0.0);
    per_district_hour.sort_by(f64::total_cmp);
    let mut per_cell_hour: Vec<f64> = ints(
        engine,
        "count subscribers per cell-hour",
        &CELL_HOURS_SQL.replace("{region}", &codes),
    )?
    .into_iter()
    .map(|n| n as f64)
    .collect();
    per_cell_hour.sort_by(f64::total_cmp);
    let per = |n: u64| subscribers as f64 / n.max(1) as f64;
    Ok(Density {
        scenario_persons: sampling.map(|s| s.persons),
        census: sampling.map(|s| s.census),
        census_share: sampling.map(|s| s.share()),
        sampled: sampling.is_some_and(|s| s.is_sampled()),
        warning: sampling.and_then(|s| s.warning()),
        subscribers,
        sites,
        cells,
        subscribers_per_site: per(sites),
        subscribers_per_cell: per(cells),
        district_hours,
        district_hour_median: quantile(&per_district_hour, 0.5),
        district_hour_p10: quantile(&per_district_hour, 0.1),
        active_cell_hours: per_cell_hour.len() as u64,
        cell_hour_median: quantile(&per_cell_hour, 0.5),
        cell_hour_p10: quantile(&per_cell_hour, 0.1),
        district_hours_below: below(&per_district_hour),
        cell_hours_below: below(&per_cell_hour),
    })
}

/// The single integer column `n` of a query's rows.
fn ints(engine: &Engine, context: &str, sql: &str) -> Result<Vec<i64>, HarnessError> {
    let mut out = Vec::new();
    for batch in engine.sql(context, sql)? {
        let n = cast(batch.column(0), &DataType::Int64)
            .map_err(|e| HarnessError::Dataset(format!("{context}: {e}")))?;
        let n = n.as_any().downcast_ref::<Int64Array>().expect("i64");
        out.extend((0..n.len()).filter(|&i| n.is_valid(i)).map(|i| n.value(i)));
    }
    Ok(out)
}

impl Density {
    /// The density as a short Markdown section (no heading).
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        if let Some(w) = &self.warning {
            md.push_str(&format!("**{w}**\n\n"));
        }
        if let (Some(p), Some(c), Some(s)) = (self.scenario_persons, self.census, self.census_share)
        {
            md.push_str(&format!(
                "The scenario generates {p} persons, {:.2} % of its region's census population \
                 ({c}).\n\n",
                s * 100.0
            ));
        }
        md.push_str("| figure | value |\n|---|---|\n");
        for (name, value) in self.figures() {
            md.push_str(&format!("| {name} | {value} |\n"));
        }
        md
    }

    /// The figures as (name, formatted value) rows, for the Markdown and HTML reports.
    pub fn figures(&self) -> Vec<(&'static str, String)> {
        vec![
            ("subscribers of the view", self.subscribers.to_string()),
            (
                "sites / cells of its network in the region",
                format!("{} / {}", self.sites, self.cells),
            ),
            (
                "subscribers per site / per cell",
                format!(
                    "{:.1} / {:.1}",
                    self.subscribers_per_site, self.subscribers_per_cell
                ),
            ),
            (
                "distinct subscribers per district-hour, median / 10th percentile",
                format!(
                    "{:.0} / {:.0} (over {} district-hours)",
                    self.district_hour_median, self.district_hour_p10, self.district_hours
                ),
            ),
            (
                "distinct subscribers per active cell-hour, median / 10th percentile",
                format!(
                    "{:.0} / {:.0} (over {} cell-hours)",
                    self.cell_hour_median, self.cell_hour_p10, self.active_cell_hours
                ),
            ),
            (
                "district-hours below 5 / 15 subscribers",
                shares(&self.district_hours_below),
            ),
            (
                "active cell-hours below 5 / 15 subscribers",
                shares(&self.cell_hours_below),
            ),
        ]
    }
}

/// Shares as percentages joined by " / ".
fn shares(below: &[(u32, f64)]) -> String {
    below
        .iter()
        .map(|(_, share)| format!("{:.1} %", share * 100.0))
        .collect::<Vec<_>>()
        .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_count_shares_count_values_strictly_below_each_threshold() {
        let sorted = [0.0, 1.0, 4.0, 5.0, 14.0, 15.0, 20.0, 100.0];
        assert_eq!(below(&sorted), vec![(5, 3.0 / 8.0), (15, 5.0 / 8.0)]);
        assert_eq!(below(&[]), vec![(5, 0.0), (15, 0.0)]);
        assert_eq!(shares(&below(&sorted)), "37.5 % / 62.5 %");
    }
}
