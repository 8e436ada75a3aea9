//! Attacks on published aggregates (`OUT/aggregates.parquet`, the long table
//! `indicator, zone_level, zone_id, t_start, t_end, breakdown_key, breakdown_value, value`).
//!
//! - Small cells: share of published counts with `0 < value < k`.
//! - Differencing: a zone's total minus the sum of its published breakdown values (per
//!   breakdown key), and a state's total minus the sum of its districts' totals; a difference
//!   with `0 < d < k` reveals a small group that was suppressed or left out.
//! - Trajectory recovery (Xu et al. 2017): hourly `present_population` counts are expanded into
//!   one location per counted subscriber and consecutive hours are linked by a minimum-cost
//!   assignment (Hungarian algorithm, cost = distance between zone centres; padding for
//!   subscribers not counted). The recovered trajectories are matched one to one with the true
//!   hourly zones of the view's subscribers (from their raw records) to maximise agreement;
//!   the attack rate is the share of true (subscriber, hour) locations recovered. Baseline: the
//!   same with hours linked at random.
//!
//! These are properties of the release, so small cells and differencing carry no baseline.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pathfinding::prelude::{Matrix, kuhn_munkres, kuhn_munkres_min};
use serde::Serialize;
use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::reference::districts;

use super::read::{self, text};
use super::sample::{Purpose, uniform};
use super::stats::{AttackResult, Rate};
use super::world::{EVENT_TABLES, need};
use super::{RiskError, RiskInputs, RiskParams};

/// Indicators that are counts of people or events.
const COUNT_INDICATORS: [&str; 6] = [
    "present_population",
    "residents",
    "od_trips",
    "inbound_visitors",
    "inbound_nights",
    "calls",
];

/// Cost of linking a subscriber to or from "not counted this hour", metres.
const ABSENT_COST_M: i64 = 5_000;

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
}

/// One published value.
#[derive(Debug, Clone)]
struct Cell {
    indicator: String,
    level: String,
    zone: String,
    t: (i64, i64),
    breakdown: Option<(String, String)>,
    value: f64,
}

fn load(path: &std::path::Path) -> Result<Vec<Cell>, RiskError> {
    let mut cells = Vec::new();
    let columns = [
        "indicator",
        "zone_level",
        "zone_id",
        "t_start",
        "t_end",
        "breakdown_key",
        "breakdown_value",
        "value",
    ];
    read::scan(path, "aggregates", &columns, |rows| {
        let indicator = need(rows.strings("indicator")?, "aggregates.indicator")?;
        let level = need(rows.strings("zone_level")?, "aggregates.zone_level")?;
        let zone = need(rows.strings("zone_id")?, "aggregates.zone_id")?;
        let start = need(rows.seconds("t_start")?, "aggregates.t_start")?;
        let end = need(rows.seconds("t_end")?, "aggregates.t_end")?;
        let key = rows.strings("breakdown_key")?;
        let bvalue = rows.strings("breakdown_value")?;
        let value = need(rows.f64s("value")?, "aggregates.value")?;
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
    })?;
    Ok(cells)
}

/// Small published counts.
fn small_cells(cells: &[Cell], k: u32) -> Rate {
    let counts: Vec<f64> = cells
        .iter()
        .filter(|c| COUNT_INDICATORS.contains(&c.indicator.as_str()))
        .map(|c| c.value)
        .collect();
    let small = counts
        .iter()
        .filter(|&&v| v > 0.0 && v < f64::from(k))
        .count();
    Rate::new(small as f64, counts.len() as u64)
}

type GroupKey<'a> = (&'a str, &'a str, &'a str, (i64, i64));

/// Totals (no breakdown) per group.
fn totals(cells: &[Cell]) -> BTreeMap<GroupKey<'_>, f64> {
    cells
        .iter()
        .filter(|c| c.breakdown.is_none() && COUNT_INDICATORS.contains(&c.indicator.as_str()))
        .map(|c| {
            (
                (c.indicator.as_str(), c.level.as_str(), c.zone.as_str(), c.t),
                c.value,
            )
        })
        .collect()
}

fn revealed(d: f64, k: u32) -> bool {
    d > 1e-9 && d < f64::from(k)
}

/// Differences between zone totals and the sums of their breakdowns.
fn breakdown_differencing(cells: &[Cell], k: u32) -> Rate {
    let totals = totals(cells);
    let mut sums: BTreeMap<(GroupKey<'_>, &str), f64> = BTreeMap::new();
    for c in cells {
        if let Some((key, _)) = &c.breakdown {
            let g = (c.indicator.as_str(), c.level.as_str(), c.zone.as_str(), c.t);
            *sums.entry((g, key.as_str())).or_default() += c.value;
        }
    }
    let (mut n, mut hits) = (0u64, 0u64);
    for ((g, _), sum) in &sums {
        if let Some(total) = totals.get(g) {
            n += 1;
            hits += u64::from(revealed(total - sum, k));
        }
    }
    Rate::new(hits as f64, n)
}

/// Differences between state totals and the sums of their districts' totals.
fn hierarchy_differencing(cells: &[Cell], k: u32) -> Rate {
    let totals = totals(cells);
    let mut state_of: HashMap<&str, (&str, String)> = HashMap::new();
    for d in districts() {
        state_of.insert(d.code, (d.state, d.state_code.to_string()));
    }
    let mut sums: BTreeMap<(&str, String, (i64, i64)), f64> = BTreeMap::new();
    for (&(indicator, level, zone, t), &v) in &totals {
        if level == "district"
            && let Some((name, _)) = state_of.get(zone)
        {
            *sums.entry((indicator, (*name).to_owned(), t)).or_default() += v;
        }
    }
    let state_name = |zone: &str| -> String {
        districts()
            .iter()
            .find(|d| d.state_code.to_string() == zone)
            .map_or(zone.to_owned(), |d| d.state.to_owned())
    };
    let (mut n, mut hits) = (0u64, 0u64);
    for (&(indicator, level, zone, t), &total) in &totals {
        if level != "state" {
            continue;
        }
        if let Some(sum) = sums.get(&(indicator, state_name(zone), t)) {
            n += 1;
            hits += u64::from(revealed(total - sum, k));
        }
    }
    Rate::new(hits as f64, n)
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
    let trajectory_recovery = match recovery(inputs, &cells)? {
        Ok(result) => Some(result),
        Err(reason) => {
            skipped.push(format!("trajectory recovery: {reason}"));
            None
        }
    };
    Ok(Some(AggregatesReport {
        rows: cells.len() as u64,
        small_cells: per_k(small_cells),
        breakdown_differencing: per_k(breakdown_differencing),
        hierarchy_differencing: per_k(hierarchy_differencing),
        trajectory_recovery,
    }))
}

/// Positions of zones: cell keys of the view, district codes and state names.
struct ZoneMap {
    level: String,
    cells: HashMap<i64, (f64, f64, String, String)>,
}

impl ZoneMap {
    fn load(input: &std::path::Path, level: &str) -> Result<ZoneMap, RiskError> {
        let mut cells = HashMap::new();
        let state_of: HashMap<&str, &str> = districts().iter().map(|d| (d.code, d.state)).collect();
        read::scan(
            input,
            "cells",
            &["cell_key", "lon", "lat", "district_code"],
            |rows| {
                let key = need(rows.i64s("cell_key")?, "cells.cell_key")?;
                let lon = need(rows.f64s("lon")?, "cells.lon")?;
                let lat = need(rows.f64s("lat")?, "cells.lat")?;
                let district = need(rows.strings("district_code")?, "cells.district_code")?;
                for i in 0..rows.len() {
                    if let (Some(k), Some(x), Some(y)) = (key[i], lon[i], lat[i]) {
                        let d = text(&district, i).unwrap_or("").to_owned();
                        let s = state_of.get(d.as_str()).copied().unwrap_or("").to_owned();
                        cells.insert(k, (x, y, d, s));
                    }
                }
                Ok(())
            },
        )?;
        Ok(ZoneMap {
            level: level.to_owned(),
            cells,
        })
    }

    /// The zone id of a cell of the view at this level.
    fn zone_of_cell(&self, key: i64) -> Option<String> {
        let c = self.cells.get(&key)?;
        Some(match self.level.as_str() {
            "cell" => key.to_string(),
            "district" => c.2.clone(),
            _ => c.3.clone(),
        })
    }

    /// Centre of a zone: the cell's site, or the mean of the view's sites in it.
    fn centre(&self, zone: &str) -> Option<(f64, f64)> {
        if self.level == "cell" {
            let c = self.cells.get(&zone.parse().ok()?)?;
            return Some((c.0, c.1));
        }
        let sites: Vec<(f64, f64)> = self
            .cells
            .iter()
            .filter(|(k, _)| self.zone_of_cell(**k).as_deref() == Some(zone))
            .map(|(_, c)| (c.0, c.1))
            .collect();
        (!sites.is_empty()).then(|| {
            let n = sites.len() as f64;
            (
                sites.iter().map(|s| s.0).sum::<f64>() / n,
                sites.iter().map(|s| s.1).sum::<f64>() / n,
            )
        })
    }
}

/// Trajectory recovery; `Ok(Err(reason))` when it cannot run.
fn recovery(
    inputs: &RiskInputs,
    cells: &[Cell],
) -> Result<Result<AttackResult, String>, RiskError> {
    let hourly: Vec<&Cell> = cells
        .iter()
        .filter(|c| {
            c.indicator == "present_population" && c.breakdown.is_none() && c.t.1 - c.t.0 == 3_600
        })
        .collect();
    let Some(level) = ["cell", "district", "state"]
        .into_iter()
        .find(|l| hourly.iter().any(|c| c.level == *l))
    else {
        return Ok(Err("no hourly present_population counts".to_owned()));
    };
    let hourly: Vec<&Cell> = hourly.into_iter().filter(|c| c.level == level).collect();
    let map = ZoneMap::load(inputs.input, level)?;
    let mut zone_names: BTreeSet<&str> = BTreeSet::new();
    let mut slots: BTreeMap<i64, Vec<(&str, usize)>> = BTreeMap::new();
    for c in &hourly {
        let count = c.value.round().max(0.0) as usize;
        zone_names.insert(&c.zone);
        slots.entry(c.t.0).or_default().push((&c.zone, count));
    }
    let zone_names: Vec<&str> = zone_names.into_iter().collect();
    let centres: Vec<Option<(f64, f64)>> = zone_names.iter().map(|z| map.centre(z)).collect();
    let zone_index = |z: &str| zone_names.binary_search(&z).ok();
    let population = slots
        .values()
        .map(|s| s.iter().map(|c| c.1).sum::<usize>())
        .max()
        .unwrap_or(0);
    let cap = inputs.params.recovery_max_population;
    if slots.len() < 2 {
        return Ok(Err("fewer than two hourly slots".to_owned()));
    }
    if population > cap {
        return Ok(Err(format!(
            "{population} subscribers counted in an hour, above recovery_max_population = {cap}"
        )));
    }
    let times: Vec<i64> = slots.keys().copied().collect();
    let expanded: Vec<Vec<Option<usize>>> = slots
        .values()
        .map(|s| {
            let mut list: Vec<Option<usize>> = Vec::with_capacity(population);
            for &(z, count) in s {
                list.extend(std::iter::repeat_n(zone_index(z), count));
            }
            list.resize(population, None);
            list.sort_unstable();
            list
        })
        .collect();
    let truth = true_presence(inputs, &map, &times, &zone_index)?;
    let linked = link(&expanded, &centres, &inputs.params, false);
    let random = link(&expanded, &centres, &inputs.params, true);
    Ok(Ok(AttackResult::new(
        "trajectory_recovery",
        None,
        score(&truth, &linked),
        score(&truth, &random),
    )))
}

/// Links the expanded slots into trajectories: Hungarian assignment on distance, or a random
/// permutation.
fn link(
    expanded: &[Vec<Option<usize>>],
    centres: &[Option<(f64, f64)>],
    params: &RiskParams,
    random: bool,
) -> Vec<Vec<Option<usize>>> {
    let n = expanded[0].len();
    let mut trajectories: Vec<Vec<Option<usize>>> = expanded[0].iter().map(|&z| vec![z]).collect();
    let mut last: Vec<Option<usize>> = expanded[0].clone();
    for (slot, next) in expanded.iter().enumerate().skip(1) {
        let assignment: Vec<usize> = if random {
            let mut order: Vec<(u64, usize)> = (0..n)
                .map(|j| {
                    let u = uniform(params.seed, Purpose::Shuffle, &[slot as u64, j as u64]);
                    ((u * u64::MAX as f64) as u64, j)
                })
                .collect();
            order.sort_unstable();
            order.into_iter().map(|o| o.1).collect()
        } else if n == 0 {
            Vec::new()
        } else {
            let cost = |from: Option<usize>, to: Option<usize>| -> i64 {
                match (from.and_then(|z| centres[z]), to.and_then(|z| centres[z])) {
                    (Some(a), Some(b)) => (distance_km(a, b) * 1000.0) as i64,
                    (None, None) => 0,
                    _ => ABSENT_COST_M,
                }
            };
            let weights = Matrix::from_fn(n, n, |(i, j)| cost(last[i], next[j]));
            kuhn_munkres_min(&weights).1
        };
        for (i, &j) in assignment.iter().enumerate() {
            trajectories[i].push(next[j]);
            if next[j].is_some() {
                last[i] = next[j];
            }
        }
    }
    trajectories
}

/// Each view subscriber's zone per slot (the zone of their first record in the hour), for
/// subscribers seen at least once.
fn true_presence(
    inputs: &RiskInputs,
    map: &ZoneMap,
    times: &[i64],
    zone_index: &dyn Fn(&str) -> Option<usize>,
) -> Result<Vec<Vec<Option<usize>>>, RiskError> {
    let mut first: BTreeMap<(String, usize), (i64, Option<usize>)> = BTreeMap::new();
    for (table, time_col, cell_col) in EVENT_TABLES {
        read::scan(
            inputs.input,
            table,
            &["served_msisdn", time_col, cell_col],
            |rows| {
                let msisdn = need(rows.strings("served_msisdn")?, "served_msisdn")?;
                let t = need(rows.seconds(time_col)?, time_col)?;
                let cell = need(rows.i64s(cell_col)?, cell_col)?;
                for i in 0..rows.len() {
                    let (Some(m), Some(t), Some(c)) = (text(&msisdn, i), t[i], cell[i]) else {
                        continue;
                    };
                    let slot = times.partition_point(|&s| s <= t);
                    if slot == 0 || t >= times[slot - 1] + 3_600 {
                        continue;
                    }
                    let zone = map.zone_of_cell(c).and_then(|z| zone_index(&z));
                    let entry = first.entry((m.to_owned(), slot - 1)).or_insert((t, zone));
                    if t < entry.0 {
                        *entry = (t, zone);
                    }
                }
                Ok(())
            },
        )?;
    }
    let mut per_sim: BTreeMap<String, Vec<Option<usize>>> = BTreeMap::new();
    for ((m, slot), (_, zone)) in first {
        per_sim.entry(m).or_insert_with(|| vec![None; times.len()])[slot] = zone;
    }
    Ok(per_sim.into_values().collect())
}

/// Share of true (subscriber, slot) locations that the recovered trajectories reproduce, under
/// the one-to-one matching of true and recovered trajectories that maximises agreement.
fn score(truth: &[Vec<Option<usize>>], recovered: &[Vec<Option<usize>>]) -> Rate {
    let present: u64 = truth.iter().flatten().filter(|z| z.is_some()).count() as u64;
    let size = truth.len().max(recovered.len());
    if size == 0 {
        return Rate::new(0.0, present);
    }
    let agree = |i: usize, j: usize| -> i64 {
        match (truth.get(i), recovered.get(j)) {
            (Some(t), Some(r)) => t
                .iter()
                .zip(r)
                .filter(|(a, b)| a.is_some() && a == b)
                .count() as i64,
            _ => 0,
        }
    };
    let weights = Matrix::from_fn(size, size, |(i, j)| agree(i, j));
    let (total, _) = kuhn_munkres(&weights);
    Rate::new(total as f64, present)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(indicator: &str, level: &str, zone: &str, b: Option<(&str, &str)>, v: f64) -> Cell {
        Cell {
            indicator: indicator.into(),
            level: level.into(),
            zone: zone.into(),
            t: (0, 3_600),
            breakdown: b.map(|(k, v)| (k.into(), v.into())),
            value: v,
        }
    }

    #[test]
    fn small_cells_and_differencing_find_small_groups() {
        let cells = vec![
            cell("present_population", "district", "10_1", None, 40.0),
            cell(
                "present_population",
                "district",
                "10_1",
                Some(("sex", "M")),
                20.0,
            ),
            cell(
                "present_population",
                "district",
                "10_1",
                Some(("sex", "F")),
                17.0,
            ),
            cell("present_population", "district", "10_2", None, 3.0),
            cell("call_drop_rate", "district", "10_2", None, 0.02),
        ];
        let r = small_cells(&cells, 5);
        assert_eq!((r.hits, r.n), (1.0, 4));
        assert_eq!(small_cells(&cells, 15).hits, 1.0);
        // 40 − (20 + 17) = 3 people suppressed from the breakdown.
        assert_eq!(breakdown_differencing(&cells, 5).hits, 1.0);
        assert_eq!(breakdown_differencing(&cells, 3).hits, 0.0);
    }

    #[test]
    fn hierarchy_differencing_compares_a_state_with_its_districts() {
        let selangor: Vec<&str> = districts()
            .iter()
            .filter(|d| d.state == "Selangor")
            .map(|d| d.code)
            .take(2)
            .collect();
        let cells = vec![
            cell("residents", "state", "Selangor", None, 110.0),
            cell("residents", "district", selangor[0], None, 60.0),
            cell("residents", "district", selangor[1], None, 48.0),
        ];
        assert_eq!(hierarchy_differencing(&cells, 5).hits, 1.0);
        assert_eq!(hierarchy_differencing(&cells, 5).n, 1);
    }

    #[test]
    fn hungarian_linking_recovers_stationary_people_better_than_chance() {
        // Four people in four far-apart zones; each stays put for six hours.
        let centres: Vec<Option<(f64, f64)>> = (0..4)
            .map(|i| Some((101.0 + f64::from(i) * 0.5, 3.0)))
            .collect();
        let slot: Vec<Option<usize>> = (0..4).map(Some).collect();
        let expanded = vec![slot.clone(); 6];
        let truth: Vec<Vec<Option<usize>>> = (0..4).map(|z| vec![Some(z); 6]).collect();
        let params = RiskParams::default();
        let linked = score(&truth, &link(&expanded, &centres, &params, false));
        assert_eq!(linked.rate, 1.0);
        let random = score(&truth, &link(&expanded, &centres, &params, true));
        assert!(random.rate < 1.0, "{random:?}");
    }
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
        assert!(a.small_cells[&15].n > 0);

        let mut inputs = f.inputs(&out, report.view.clone());
        inputs.params.recovery_max_population = 5;
        let report = assess(&inputs).unwrap();
        assert!(report.aggregates.unwrap().trajectory_recovery.is_none());
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.contains("recovery_max_population"))
        );
    }
}
