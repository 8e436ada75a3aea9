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

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pathfinding::prelude::{Matrix, kuhn_munkres};
use serde::Serialize;
use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::reference::districts;

use super::knowledge::{EVENT_TABLES, cell_sites, need};
use super::recovered_linkage::{Trajectory, known_points, reidentified};
use super::sample::{Purpose, choose, uniform};
use super::stats::{AttackResult, Rate};
use super::{RiskError, RiskInputs, RiskParams};
use telcosynth_sinks::read::{self, DatasetReader, text};

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

/// Largest `(zones + 1)² × hourly slots` the trajectory recovery links: the transportation
/// problem of each slot is dense in zones. District and state levels are far below it; a
/// cell-level release of more than about 770 cells over a week is skipped with the reason.
const RECOVERY_MAX_WORK: usize = 100_000_000;

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

pub(crate) fn load(path: &std::path::Path) -> Result<Vec<Cell>, RiskError> {
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
    DatasetReader::folder(path).scan_present::<RiskError>("aggregates", &columns, |rows| {
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

/// Positions of zones: cell keys of the view, district codes and state names.
struct ZoneMap {
    level: String,
    cells: HashMap<i64, (f64, f64, String, String)>,
}

impl ZoneMap {
    fn load(input: &std::path::Path, level: &str) -> Result<ZoneMap, RiskError> {
        let mut cells = HashMap::new();
        let state_of: HashMap<&str, &str> = districts().iter().map(|d| (d.code, d.state)).collect();
        for (k, x, y, d) in cell_sites(&DatasetReader::folder(input))? {
            let state = state_of.get(d.as_str()).copied().unwrap_or("").to_owned();
            cells.insert(k, (x, y, d, state));
        }
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

/// Trajectory recovery, and the linkage of its trajectories to persons for each number of
/// known points; `Ok(Err(reason))` when it cannot run.
fn recovery(
    inputs: &RiskInputs,
    cells: &[Cell],
) -> Result<Result<(AttackResult, Vec<AttackResult>), String>, RiskError> {
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
    let mut zone_names: BTreeSet<&str> = BTreeSet::new();
    let mut slots: BTreeMap<i64, Vec<(&str, usize)>> = BTreeMap::new();
    for c in &hourly {
        let count = c.value.round().max(0.0) as usize;
        zone_names.insert(&c.zone);
        slots.entry(c.t.0).or_default().push((&c.zone, count));
    }
    if slots.len() < 2 {
        return Ok(Err("fewer than two hourly slots".to_owned()));
    }
    if let Err(reason) = within_bound(zone_names.len(), slots.len()) {
        return Ok(Err(reason));
    }
    let map = ZoneMap::load(inputs.input, level)?;
    let zone_names: Vec<&str> = zone_names.into_iter().collect();
    let centres: Vec<Option<(f64, f64)>> = zone_names.iter().map(|z| map.centre(z)).collect();
    let zone_index = |z: &str| zone_names.binary_search(&z).ok();
    let times: Vec<i64> = slots.keys().copied().collect();
    let counts: Vec<Vec<usize>> = slots
        .values()
        .map(|s| {
            let mut per_zone = vec![0; zone_names.len()];
            for &(z, count) in s {
                if let Some(i) = zone_index(z) {
                    per_zone[i] += count;
                }
            }
            per_zone
        })
        .collect();
    let truth = true_presence(inputs, &map, &times, &zone_index)?;
    let linked = link(&counts, &centres, &inputs.params, false);
    let random = link(&counts, &centres, &inputs.params, true);
    let params = &inputs.params;
    let recovered = AttackResult::new(
        "trajectory_recovery",
        None,
        score(&truth, &linked, params.targets, params.seed),
        score(&truth, &random, params.targets, params.seed),
    );
    let targets = truth_sample(&truth, params.targets, params.seed);
    let linkage = params
        .points
        .iter()
        .map(|&p| {
            let known = known_points(&truth, &targets, p, params.seed);
            AttackResult::new(
                "trajectory_linkage",
                Some(p),
                reidentified(&truth, &linked, &known),
                reidentified(&truth, &random, &known),
            )
        })
        .collect();
    Ok(Ok((recovered, linkage)))
}

/// The true trajectories sampled as targets, by index.
fn truth_sample(truth: &[Trajectory], size: usize, seed: u64) -> Vec<usize> {
    choose(truth.len(), size, seed, Purpose::Targets, &[6])
}

/// `Err(reason)` when the linking would exceed [`RECOVERY_MAX_WORK`].
fn within_bound(zones: usize, slots: usize) -> Result<(), String> {
    let work = (zones + 1) * (zones + 1) * slots;
    if work > RECOVERY_MAX_WORK {
        return Err(format!(
            "{zones} zones over {slots} hourly slots: (zones + 1)² × slots = {work}, above \
             {RECOVERY_MAX_WORK}"
        ));
    }
    Ok(())
}

/// Links hourly counts per zone (`counts[slot][zone]`) into trajectories, one per subscriber
/// of the largest hour (`None`: not counted that hour).
///
/// Each hour, every individual's cost of taking a next-hour entry depends only on their last
/// counted zone (`None` before their first one) and the entry's zone, so individuals with the
/// same last zone are interchangeable: the minimum-cost assignment of individuals to entries
/// is the minimum-cost transportation plan between the counts per last zone and the next
/// hour's counts per zone ([`transport`], exact), each group of interchangeable individuals
/// then split in index order along the plan. `random` links them by a random permutation of
/// the entries instead.
fn link(
    counts: &[Vec<usize>],
    centres: &[Option<(f64, f64)>],
    params: &RiskParams,
    random: bool,
) -> Vec<Vec<Option<usize>>> {
    let zones = centres.len();
    let absent = zones;
    let size = zones + 1;
    let n = counts
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0);
    // Entries of a slot: the uncounted first, then zones in order.
    let entries = |slot: &[usize]| -> Vec<Option<usize>> {
        let mut list = vec![None; n - slot.iter().sum::<usize>()];
        for (z, &c) in slot.iter().enumerate() {
            list.extend(std::iter::repeat_n(Some(z), c));
        }
        list
    };
    let Some(first) = counts.first() else {
        return Vec::new();
    };
    let mut trajectories: Vec<Vec<Option<usize>>> = entries(first)
        .into_iter()
        .map(|z| {
            let mut t = Vec::with_capacity(counts.len());
            t.push(z);
            t
        })
        .collect();
    let mut last: Vec<usize> = trajectories
        .iter()
        .map(|t| t[0].unwrap_or(absent))
        .collect();
    let cost: Vec<i64> = (0..size * size)
        .map(|k| {
            let centre = |z: usize| centres.get(z).copied().flatten();
            match (centre(k / size), centre(k % size)) {
                (Some(a), Some(b)) => (distance_km(a, b) * 1000.0) as i64,
                (None, None) => 0,
                _ => ABSENT_COST_M,
            }
        })
        .collect();
    for (slot, next) in counts.iter().enumerate().skip(1) {
        let targets: Vec<Option<usize>> = if random {
            let next = entries(next);
            let mut order: Vec<(u64, usize)> = (0..n)
                .map(|j| {
                    let u = uniform(params.seed, Purpose::Shuffle, &[slot as u64, j as u64]);
                    ((u * u64::MAX as f64) as u64, j)
                })
                .collect();
            order.sort_unstable();
            order.into_iter().map(|(_, j)| next[j]).collect()
        } else {
            let mut groups: Vec<Vec<usize>> = vec![Vec::new(); size];
            for (i, &z) in last.iter().enumerate() {
                groups[z].push(i);
            }
            let supply: Vec<i64> = groups.iter().map(|g| g.len() as i64).collect();
            let mut demand: Vec<i64> = next.iter().map(|&c| c as i64).collect();
            demand.push((n - next.iter().sum::<usize>()) as i64);
            let flow = transport(&cost, &supply, &demand);
            let mut targets = vec![None; n];
            for (from, group) in groups.iter().enumerate() {
                let mut members = group.iter();
                for to in 0..size {
                    for &i in members.by_ref().take(flow[from * size + to] as usize) {
                        targets[i] = (to != absent).then_some(to);
                    }
                }
            }
            targets
        };
        for (i, z) in targets.into_iter().enumerate() {
            trajectories[i].push(z);
            if let Some(z) = z {
                last[i] = z;
            }
        }
    }
    trajectories
}

/// Minimum-cost transportation plan: `flow[i * m + j]` units from supply `i` to demand `j`,
/// with `m = supply.len() = demand.len()`, equal totals, `cost` row-major, non-negative, and
/// zero on the diagonal. Primal–dual successive shortest paths: the diagonal is filled first
/// (a flow on zero-cost arcs leaves no negative residual cycle), then each phase runs
/// Dijkstra on reduced costs from the supplies left, raises the potentials, and sends every
/// unit it can along zero-reduced-cost residual paths (Dinic's blocking flows). Exact; a
/// phase costs O(m²).
fn transport(cost: &[i64], supply: &[i64], demand: &[i64]) -> Vec<i64> {
    let m = supply.len();
    debug_assert_eq!(demand.len(), m);
    debug_assert_eq!(supply.iter().sum::<i64>(), demand.iter().sum::<i64>());
    let mut t = Transport {
        m,
        cost,
        flow: vec![0; m * m],
        excess: supply.to_vec(),
        deficit: demand.to_vec(),
        potential: vec![0; 2 * m],
        level: vec![0; 2 * m],
        next_arc: vec![0; 2 * m],
    };
    for i in 0..m {
        let f = t.excess[i].min(t.deficit[i]);
        t.flow[i * m + i] = f;
        t.excess[i] -= f;
        t.deficit[i] -= f;
    }
    while t.excess.iter().any(|&e| e > 0) {
        t.raise_potentials();
        while t.levels() {
            t.next_arc.iter_mut().for_each(|a| *a = 0);
            for i in 0..m {
                while t.excess[i] > 0 && t.level[i] == 0 {
                    let sent = t.push(i, t.excess[i]);
                    if sent == 0 {
                        break;
                    }
                    t.excess[i] -= sent;
                }
            }
        }
    }
    t.flow
}

/// State of [`transport`]: nodes `0..m` are supplies, `m..2m` demands.
struct Transport<'a> {
    m: usize,
    cost: &'a [i64],
    flow: Vec<i64>,
    excess: Vec<i64>,
    deficit: Vec<i64>,
    potential: Vec<i64>,
    level: Vec<usize>,
    next_arc: Vec<usize>,
}

impl Transport<'_> {
    /// Reduced cost of the residual arc `u → v`, when it exists.
    fn arc(&self, u: usize, v: usize) -> Option<i64> {
        let m = self.m;
        if u < m && v >= m {
            let c = self.cost[u * m + v - m];
            Some(c + self.potential[u] - self.potential[v])
        } else if u >= m && v < m && self.flow[v * m + u - m] > 0 {
            let c = self.cost[v * m + u - m];
            Some(-c + self.potential[u] - self.potential[v])
        } else {
            None
        }
    }

    fn neighbours(&self, u: usize) -> std::ops::Range<usize> {
        if u < self.m {
            self.m..2 * self.m
        } else {
            0..self.m
        }
    }

    /// Dijkstra on reduced costs from the supplies with excess, stopped at the first demand
    /// with a deficit (distance `d`); potentials rise by `min(distance, d)`, so that arcs on
    /// shortest paths get reduced cost 0 and none gets a negative one.
    fn raise_potentials(&mut self) {
        let nodes = 2 * self.m;
        let mut dist: Vec<i64> = (0..nodes)
            .map(|u| match self.excess.get(u) {
                Some(&e) if e > 0 => 0,
                _ => i64::MAX,
            })
            .collect();
        let mut done = vec![false; nodes];
        let mut reach = i64::MAX;
        while let Some(u) = (0..nodes)
            .filter(|&u| !done[u] && dist[u] < i64::MAX)
            .min_by_key(|&u| dist[u])
        {
            done[u] = true;
            if u >= self.m && self.deficit[u - self.m] > 0 {
                reach = dist[u];
                break;
            }
            for v in self.neighbours(u) {
                if let Some(r) = self.arc(u, v)
                    && !done[v]
                {
                    dist[v] = dist[v].min(dist[u] + r);
                }
            }
        }
        assert!(reach < i64::MAX, "transport: a demand cannot be reached");
        for (p, d) in self.potential.iter_mut().zip(dist) {
            *p += d.min(reach);
        }
    }

    /// Breadth-first levels over zero-reduced-cost residual arcs from the supplies with
    /// excess; whether a demand with a deficit is reached.
    fn levels(&mut self) -> bool {
        self.level.iter_mut().for_each(|l| *l = usize::MAX);
        let mut queue: std::collections::VecDeque<usize> =
            (0..self.m).filter(|&i| self.excess[i] > 0).collect();
        for &i in &queue {
            self.level[i] = 0;
        }
        let mut reached = false;
        while let Some(u) = queue.pop_front() {
            if u >= self.m && self.deficit[u - self.m] > 0 {
                reached = true;
                continue;
            }
            for v in self.neighbours(u) {
                if self.level[v] == usize::MAX && self.arc(u, v) == Some(0) {
                    self.level[v] = self.level[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        reached
    }

    /// Sends up to `amount` from `u` to a demand with a deficit along the level graph.
    fn push(&mut self, u: usize, amount: i64) -> i64 {
        let m = self.m;
        if u >= m && self.deficit[u - m] > 0 {
            let sent = amount.min(self.deficit[u - m]);
            self.deficit[u - m] -= sent;
            return sent;
        }
        let range = self.neighbours(u);
        while range.start + self.next_arc[u] < range.end {
            let v = range.start + self.next_arc[u];
            if self.level[v] == self.level[u] + 1 && self.arc(u, v) == Some(0) {
                let (i, j) = if u < m { (u, v - m) } else { (v, u - m) };
                let room = if u < m {
                    amount
                } else {
                    amount.min(self.flow[i * m + j])
                };
                let sent = self.push(v, room);
                if sent > 0 {
                    self.flow[i * m + j] += if u < m { sent } else { -sent };
                    return sent;
                }
            }
            self.next_arc[u] += 1;
        }
        0
    }
}

/// Each view subscriber's zone per slot (the zone of their first record in the hour), for
/// subscribers seen at least once.
fn true_presence(
    inputs: &RiskInputs,
    map: &ZoneMap,
    times: &[i64],
    zone_index: &dyn Fn(&str) -> Option<usize>,
) -> Result<Vec<Vec<Option<usize>>>, RiskError> {
    // Zone of every cell, and per subscriber (numbered as first seen) and slot the earliest
    // record as (seconds into the slot << 32 | zone + 1, 0 for none), u64::MAX when unseen:
    // one word per subscriber-slot, no text per row.
    let zone_of: HashMap<i64, u64> = map
        .cells
        .keys()
        .map(|&k| {
            let zone = map.zone_of_cell(k).and_then(|z| zone_index(&z));
            (k, zone.map_or(0, |z| z as u64 + 1))
        })
        .collect();
    let mut sims: HashMap<String, usize> = HashMap::new();
    let mut first: Vec<u64> = Vec::new();
    for (table, time_col, cell_col) in EVENT_TABLES {
        DatasetReader::folder(inputs.input).scan_present::<RiskError>(
            table,
            &["served_msisdn", time_col, cell_col],
            |rows| {
                let msisdn = need(rows.cast_strings("served_msisdn")?, "served_msisdn")?;
                let t = need(rows.cast_seconds(time_col)?, time_col)?;
                let cell = need(rows.cast_i64s(cell_col)?, cell_col)?;
                for i in 0..rows.len() {
                    let (Some(m), Some(t), Some(c)) = (text(&msisdn, i), t[i], cell[i]) else {
                        continue;
                    };
                    let slot = times.partition_point(|&s| s <= t);
                    if slot == 0 || t >= times[slot - 1] + 3_600 {
                        continue;
                    }
                    let sim = match sims.get(m) {
                        Some(&sim) => sim,
                        None => {
                            let sim = sims.len();
                            sims.insert(m.to_owned(), sim);
                            first.resize(first.len() + times.len(), u64::MAX);
                            sim
                        }
                    };
                    let offset = (t - times[slot - 1]) as u64;
                    let seen = (offset << 32) | zone_of.get(&c).copied().unwrap_or(0);
                    let entry = &mut first[sim * times.len() + slot - 1];
                    *entry = (*entry).min(seen);
                }
                Ok(())
            },
        )?;
    }
    let mut order: Vec<(String, usize)> = sims.into_iter().collect();
    order.sort_unstable();
    Ok(order
        .into_iter()
        .map(|(_, sim)| {
            first[sim * times.len()..(sim + 1) * times.len()]
                .iter()
                .map(|&seen| match seen {
                    u64::MAX => None,
                    _ => (seen & 0xffff_ffff).checked_sub(1).map(|z| z as usize),
                })
                .collect()
        })
        .collect())
}

/// Share of true (subscriber, slot) locations that the recovered trajectories reproduce, under
/// the one-to-one matching that maximises agreement between a sample of `sample_size` true
/// trajectories and a sample of as many recovered ones (all when fewer; both drawn from the
/// seed), so that the matching stays a cubic problem of the sample size.
fn score(
    truth: &[Vec<Option<usize>>],
    recovered: &[Vec<Option<usize>>],
    sample_size: usize,
    seed: u64,
) -> Rate {
    let truth_sample = truth_sample(truth, sample_size, seed);
    let recovered_sample = choose(recovered.len(), sample_size, seed, Purpose::Targets, &[7]);
    let present: u64 = truth_sample
        .iter()
        .map(|&i| truth[i].iter().filter(|z| z.is_some()).count() as u64)
        .sum();
    let size = truth_sample.len().max(recovered_sample.len());
    if size == 0 {
        return Rate::new(0.0, present);
    }
    let agree = |i: usize, j: usize| -> i64 {
        match (truth_sample.get(i), recovered_sample.get(j)) {
            (Some(&t), Some(&r)) => truth[t]
                .iter()
                .zip(&recovered[r])
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

    use pathfinding::prelude::kuhn_munkres_min;

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

    /// Far-apart zone centres, some without a position.
    fn random_centres(zones: usize, instance: u64) -> Vec<Option<(f64, f64)>> {
        (0..zones)
            .map(|z| {
                let draw = |k: u64| uniform(3, Purpose::Points, &[instance, z as u64, k]);
                (draw(0) > 0.15).then(|| (101.0 + draw(1) * 2.0, 2.0 + draw(2) * 2.0))
            })
            .collect()
    }

    fn cost_of(centres: &[Option<(f64, f64)>], from: Option<usize>, to: Option<usize>) -> i64 {
        match (from.and_then(|z| centres[z]), to.and_then(|z| centres[z])) {
            (Some(a), Some(b)) => (distance_km(a, b) * 1000.0) as i64,
            (None, None) => 0,
            _ => ABSENT_COST_M,
        }
    }

    /// The Hungarian minimum cost of assigning individuals with these last zones to the
    /// entries of the next slot (the n × n formulation the transportation problem replaces).
    fn hungarian_cost(
        centres: &[Option<(f64, f64)>],
        last: &[Option<usize>],
        next: &[usize],
    ) -> i64 {
        let n = last.len();
        let mut entries = vec![None; n - next.iter().sum::<usize>()];
        for (z, &c) in next.iter().enumerate() {
            entries.extend(std::iter::repeat_n(Some(z), c));
        }
        let weights = Matrix::from_fn(n, n, |(i, j)| cost_of(centres, last[i], entries[j]));
        kuhn_munkres_min(&weights).0
    }

    /// Random counts per zone for `slots` slots, at most `n` in a slot.
    fn random_counts(zones: usize, n: usize, slots: usize, instance: u64) -> Vec<Vec<usize>> {
        (0..slots)
            .map(|s| {
                let mut left = n;
                (0..zones)
                    .map(|z| {
                        let u = uniform(4, Purpose::Points, &[instance, s as u64, z as u64]);
                        let c = ((u * (2 * n / zones + 1) as f64) as usize).min(left);
                        left -= c;
                        c
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn transportation_plan_costs_what_the_hungarian_assignment_costs() {
        for instance in 0..300u64 {
            let draw = |k: u64| uniform(5, Purpose::Points, &[instance, k]);
            let zones = 1 + (draw(0) * 6.0) as usize;
            let n = 1 + (draw(1) * 14.0) as usize;
            let centres = random_centres(zones, instance);
            let last: Vec<Option<usize>> = (0..n)
                .map(|i| {
                    let z = (draw(10 + i as u64) * (zones + 1) as f64) as usize;
                    (z < zones).then_some(z)
                })
                .collect();
            let next = &random_counts(zones, n, 1, instance)[0];
            let size = zones + 1;
            let mut supply = vec![0i64; size];
            for z in &last {
                supply[z.unwrap_or(zones)] += 1;
            }
            let mut demand: Vec<i64> = next.iter().map(|&c| c as i64).collect();
            demand.push((n - next.iter().sum::<usize>()) as i64);
            let cost: Vec<i64> = (0..size * size)
                .map(|k| {
                    let zone = |z: usize| (z < zones).then_some(z);
                    cost_of(&centres, zone(k / size), zone(k % size))
                })
                .collect();
            let flow = transport(&cost, &supply, &demand);
            assert!(flow.iter().all(|&f| f >= 0));
            for i in 0..size {
                assert_eq!(
                    flow[i * size..(i + 1) * size].iter().sum::<i64>(),
                    supply[i]
                );
                assert_eq!(
                    (0..size).map(|j| flow[j * size + i]).sum::<i64>(),
                    demand[i]
                );
            }
            let total: i64 = flow.iter().zip(&cost).map(|(f, c)| f * c).sum();
            assert_eq!(
                total,
                hungarian_cost(&centres, &last, next),
                "instance {instance}: {zones} zones, {n} individuals"
            );
        }
    }

    #[test]
    fn linking_is_a_minimum_cost_assignment_at_every_slot() {
        for instance in 0..40u64 {
            let zones = 1 + (instance % 5) as usize;
            let n = 3 + (instance % 9) as usize;
            let centres = random_centres(zones, 1_000 + instance);
            let counts = random_counts(zones, n, 6, instance);
            let params = RiskParams::default();
            let trajectories = link(&counts, &centres, &params, false);
            assert_eq!(trajectories.len(), n);
            let mut last: Vec<Option<usize>> = trajectories.iter().map(|t| t[0]).collect();
            for (slot, next) in counts.iter().enumerate().skip(1) {
                // The slot's counts are reproduced ...
                let mut seen = vec![0; zones];
                for t in &trajectories {
                    if let Some(z) = t[slot] {
                        seen[z] += 1;
                    }
                }
                assert_eq!(&seen, next);
                // ... at the Hungarian cost from the same last zones.
                let realised: i64 = trajectories
                    .iter()
                    .zip(&last)
                    .map(|(t, &from)| cost_of(&centres, from, t[slot]))
                    .sum();
                assert_eq!(
                    realised,
                    hungarian_cost(&centres, &last, next),
                    "{instance}"
                );
                for (l, t) in last.iter_mut().zip(&trajectories) {
                    if t[slot].is_some() {
                        *l = t[slot];
                    }
                }
            }
        }
    }

    #[test]
    fn linking_recovers_stationary_people_better_than_chance() {
        // Four people in four far-apart zones; each stays put for six hours.
        let centres: Vec<Option<(f64, f64)>> = (0..4)
            .map(|i| Some((101.0 + f64::from(i) * 0.5, 3.0)))
            .collect();
        let counts = vec![vec![1; 4]; 6];
        let truth: Vec<Vec<Option<usize>>> = (0..4).map(|z| vec![Some(z); 6]).collect();
        let params = RiskParams::default();
        let linked = score(&truth, &link(&counts, &centres, &params, false), 10, 1);
        assert_eq!(linked.rate, 1.0);
        let random = score(&truth, &link(&counts, &centres, &params, true), 10, 1);
        assert!(random.rate < 1.0, "{random:?}");
    }

    #[test]
    fn linking_runs_on_a_large_population() {
        // 20 000 people in 11 zones over 48 hours: most stay in their zone, some move to the
        // next one, and each is counted in about two hours of three.
        let (n, zones, slots) = (20_000usize, 11usize, 48usize);
        let centres: Vec<Option<(f64, f64)>> = (0..zones)
            .map(|z| Some((101.0 + z as f64 * 0.2, 3.0 + (z % 3) as f64 * 0.2)))
            .collect();
        let truth: Vec<Vec<Option<usize>>> = (0..n)
            .map(|i| {
                let mut zone = i % zones;
                (0..slots)
                    .map(|s| {
                        let draw = |k: u64| uniform(9, Purpose::Points, &[i as u64, s as u64, k]);
                        if draw(0) < 0.05 {
                            zone = (zone + 1) % zones;
                        }
                        (draw(1) < 0.65).then_some(zone)
                    })
                    .collect()
            })
            .collect();
        let mut counts = vec![vec![0; zones]; slots];
        for t in &truth {
            for (s, z) in t.iter().enumerate() {
                if let Some(z) = z {
                    counts[s][*z] += 1;
                }
            }
        }
        let params = RiskParams::default();
        let linked = link(&counts, &centres, &params, false);
        assert_eq!(
            linked.len(),
            counts
                .iter()
                .map(|c| c.iter().sum::<usize>())
                .max()
                .unwrap()
        );
        assert!(linked.iter().all(|t| t.len() == slots));
        let random = link(&counts, &centres, &params, true);
        let (linked, random) = (
            score(&truth, &linked, 1_000, 1),
            score(&truth, &random, 1_000, 1),
        );
        assert!(linked.rate > random.rate, "{linked:?} {random:?}");
    }

    #[test]
    fn the_bound_is_on_zones_and_slots() {
        assert!(within_bound(11, 168).is_ok());
        assert!(within_bound(700, 168).is_ok());
        let reason = within_bound(3_000, 48).unwrap_err();
        assert!(reason.contains("3000 zones over 48"), "{reason}");
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
