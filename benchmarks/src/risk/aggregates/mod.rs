//! Attacks on published aggregates (`OUT/aggregates.parquet`, the long table
//! `indicator, zone_level, zone_id, t_start, t_end, breakdown_key, breakdown_value, value`).
//!
//! - Small cells: share of published counts with `0 < value < k`.
//! - Differencing: a zone's total minus the sum of its published breakdown values (per
//!   breakdown key), and a state's total minus the sum of its districts' totals; a difference
//!   with `0 < d < k` reveals a small group that was suppressed or left out.
//! - Trajectory recovery (Xu et al. 2017): hourly `present_population` counts are expanded into
//!   one location per counted subscriber and consecutive hours are linked by a minimum-cost
//!   assignment (cost = distance between zone centres; a fixed cost to or from "not counted").
//!   Individuals with the same last counted zone are interchangeable, so the assignment is
//!   solved exactly as a transportation problem between zones, whatever the population. A
//!   sample of the view's subscribers' true hourly zones (from their raw records) is matched one
//!   to one with a sample of as many recovered trajectories to maximise agreement; the attack
//!   rate is the share of their true (subscriber, hour) locations recovered. Baseline: the same
//!   with hours linked at random.
//! - Trajectory linkage: the recovered trajectories linked to persons from `p` known points each
//!   ([`super::recovered_linkage`]), a person-level attack like unicity.
//!
//! These are properties of the release, so small cells and differencing carry no baseline.
//!
//! [`small_cells`] holds the first two, [`recovery`] the trajectory recovery and linkage, and
//! [`transport`] the transportation solver the recovery links hours with.

mod recovery;
mod small_cells;
mod transport;

use std::collections::BTreeMap;

use serde::Serialize;
use telcosynth_sinks::read::{self, DatasetReader, text};

use super::knowledge::need;
use super::stats::{AttackResult, Rate};
use super::{RiskError, RiskInputs};
use crate::contract::AGGREGATE_COLUMNS;
use recovery::recovery;
use small_cells::{breakdown_differencing, hierarchy_differencing, small_cells};

/// Outcomes of the attacks on aggregates.
#[derive(Debug, Clone, Serialize)]
pub struct AggregatesReport {
    /// Rows of the aggregates table.
    pub rows: u64,
    /// Per k: share of published counts with `0 < value < k`.
    pub small_cells: BTreeMap<u32, Rate>,
    /// Per k: share of (zone total, breakdown key) pairs whose difference is in `(0, k)`.
    pub breakdown_differencing: BTreeMap<u32, Rate>,
    /// Per k: share of state totals whose difference from the sum of their districts is in
    /// `(0, k)`.
    pub hierarchy_differencing: BTreeMap<u32, Rate>,
    /// Trajectory recovery from hourly presence counts, when it ran.
    pub trajectory_recovery: Option<AttackResult>,
    /// The recovered trajectories linked to persons, per number of known points (empty when
    /// the recovery did not run).
    pub trajectory_linkage: Vec<AttackResult>,
}

/// One published value.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub indicator: String,
    pub level: String,
    pub zone: String,
    pub t: (i64, i64),
    pub breakdown: Option<(String, String)>,
    pub value: f64,
}

/// The published values of the aggregates table of `path`.
pub(crate) fn load(path: &std::path::Path) -> Result<Vec<Cell>, RiskError> {
    let mut cells = Vec::new();
    DatasetReader::folder(path).scan_present::<RiskError>(
        "aggregates",
        &AGGREGATE_COLUMNS,
        |rows| {
            let indicator = need(rows.cast_strings("indicator")?, "aggregates.indicator")?;
            let level = need(rows.cast_strings("zone_level")?, "aggregates.zone_level")?;
            let zone = need(rows.cast_strings("zone_id")?, "aggregates.zone_id")?;
            let start = need(rows.cast_seconds("t_start")?, "aggregates.t_start")?;
            let end = need(rows.cast_seconds("t_end")?, "aggregates.t_end")?;
            let key = rows.cast_strings("breakdown_key")?;
            let bvalue = rows.cast_strings("breakdown_value")?;
            let value = need(rows.cast_f64s("value")?, "aggregates.value")?;
            for i in 0..rows.len() {
                let (Some(v), Some(s), Some(e)) = (value[i], start[i], end[i]) else {
                    continue;
                };
                let breakdown = match (
                    key.as_ref().and_then(|k| text(k, i)),
                    bvalue.as_ref().and_then(|b| text(b, i)),
                ) {
                    (Some(k), Some(b)) if !k.is_empty() => Some((k.to_owned(), b.to_owned())),
                    _ => None,
                };
                cells.push(Cell {
                    indicator: text(&indicator, i).unwrap_or("").to_owned(),
                    level: text(&level, i).unwrap_or("").to_owned(),
                    zone: text(&zone, i).unwrap_or("").to_owned(),
                    t: (s, e),
                    breakdown,
                    value: v,
                });
            }
            Ok(())
        },
    )?;
    Ok(cells)
}

/// Runs the attacks on `OUT/aggregates.parquet`; `None` when the release has none.
pub(crate) fn assess(
    inputs: &RiskInputs,
    skipped: &mut Vec<String>,
) -> Result<Option<AggregatesReport>, RiskError> {
    if read::table_files(inputs.release, "aggregates").is_empty() {
        skipped.push("aggregates: the release has no aggregates.parquet".to_owned());
        return Ok(None);
    }
    let cells = load(inputs.release)?;
    let ks = &inputs.params.k;
    let per_k = |f: fn(&[Cell], u32) -> Rate| ks.iter().map(|&k| (k, f(&cells, k))).collect();
    let (trajectory_recovery, trajectory_linkage) = match recovery(inputs, &cells)? {
        Ok((recovered, linked)) => (Some(recovered), linked),
        Err(reason) => {
            skipped.push(format!("trajectory recovery: {reason}"));
            (None, Vec::new())
        }
    };
    Ok(Some(AggregatesReport {
        rows: cells.len() as u64,
        small_cells: per_k(small_cells),
        breakdown_differencing: per_k(breakdown_differencing),
        hierarchy_differencing: per_k(hierarchy_differencing),
        trajectory_recovery,
        trajectory_linkage,
    }))
}

#[cfg(test)]
mod release_tests {
    use crate::risk::fixture::{Fixture, TARGETS, write_presence};
    use crate::risk::{ReleaseView, SpatialLevel, assess};

    #[test]
    fn hourly_presence_is_attacked_end_to_end() {
        let f = Fixture::new();
        let out = write_presence(&f, "presence");
        let view = ReleaseView {
            microdata: false,
            aggregates: true,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::District,
            time_bin_s: 3_600,
        };
        let report = assess(&f.inputs(&out, view)).unwrap();
        assert!(report.unicity.is_empty() && report.linkage.is_empty());
        let a = report.aggregates.unwrap();
        // Every counted (subscriber, hour): two records in different hours per stay.
        let recovery = a.trajectory_recovery.unwrap();
        assert_eq!(recovery.attack_rate.n, TARGETS as u64 * 16 * 2);
        assert!(recovery.attack_rate.rate > 0.0 && recovery.attack_rate.rate <= 1.0);
        // The recovered trajectories are linked to the targets at every number of known points.
        let ps: Vec<Option<u32>> = a.trajectory_linkage.iter().map(|r| r.p).collect();
        assert_eq!(ps, [1, 2, 3, 4, 5].map(Some));
        for r in &a.trajectory_linkage {
            assert_eq!(r.attack, "trajectory_linkage");
            assert!(
                r.attack_rate.n > 0 && r.attack_rate.n <= TARGETS as u64,
                "{r:?}"
            );
        }
        assert!(a.small_cells[&15].n > 0);
    }
}
