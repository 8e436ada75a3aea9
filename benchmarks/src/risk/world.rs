//! What the attacks on one release work on: the [`Population`] placed at the release's spatial
//! level and time bin, the release's events per pseudonym, and the pseudonyms each sampled
//! target owns.
//!
//! Owners are found by joining released rows to the raw rows of the view on `record_id` (a
//! pseudonym's owner is the person most of its rows belong to); for a pseudonym without such
//! rows, the owner is the one view person whose raw points, placed at the release's level and
//! time bin, include every released point of the pseudonym (none when several do).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use std::sync::OnceLock;

use rayon::prelude::*;
use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::mobility::calendar::UTC_OFFSET_SECONDS;
use telcosynth_generator::reference::districts;

use super::linkage::{Profile, profiles};
use super::population::{Person, Population, RawIndex, ViewEvents};
use super::{RiskError, RiskInputs, SpatialLevel};
use telcosynth_sinks::read::{DatasetReader, text};

/// Event tables of the operator view: name, time column, cell column.
pub(crate) const EVENT_TABLES: [(&str, &str, &str); 2] = [
    ("cdr", "start_time", "first_cell_key"),
    ("ip_sessions", "start_time", "cell_key"),
];

/// Columns that identify the served subscriber of an event row, in order of preference.
const SUBJECT_COLUMNS: [&str; 3] = ["served_msisdn", "served_imsi", "served_imei"];

/// Places at the release's spatial level.
pub(crate) struct Zones {
    pub level: SpatialLevel,
    names: Vec<String>,
    ids: HashMap<String, u32>,
    /// The view's cells: key, lon, lat, zone, district code.
    cells: Vec<(i64, f64, f64, u32, String)>,
    cell_index: HashMap<i64, usize>,
    /// Indices into `cells` by [`grid_bucket`] of their site.
    grid: HashMap<(i64, i64), Vec<usize>>,
    state_of: HashMap<&'static str, &'static str>,
}

/// Side of a bucket of the cell grid, in degrees (about 2.2 km).
const GRID_DEG: f64 = 0.02;

/// The cell grid's bucket holding a position.
fn grid_bucket(lon: f64, lat: f64) -> (i64, i64) {
    (
        (lon / GRID_DEG).floor() as i64,
        (lat / GRID_DEG).floor() as i64,
    )
}

impl Zones {
    fn intern(&mut self, name: String) -> u32 {
        if let Some(&id) = self.ids.get(&name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.clone(), id);
        self.names.push(name);
        id
    }

    /// Number of zones.
    pub fn count(&self) -> usize {
        self.names.len()
    }

    /// Zone id of a zone name, if known.
    pub fn id(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// Name of a zone.
    pub fn name(&self, zone: u32) -> &str {
        &self.names[zone as usize]
    }

    /// Zone of one of the view's cells.
    pub fn of_cell(&self, key: i64) -> Option<u32> {
        self.cell_index.get(&key).map(|&i| self.cells[i].3)
    }

    /// State of a district code.
    pub fn state(&self, district_code: &str) -> &str {
        self.state_of.get(district_code).copied().unwrap_or("")
    }

    /// The view's cells whose site may lie within `radius_km` of a position: those in the grid
    /// buckets covering a box around it.
    fn cells_near(
        &self,
        lon: f64,
        lat: f64,
        radius_km: f64,
    ) -> impl Iterator<Item = &(i64, f64, f64, u32, String)> {
        // A degree of latitude is at least 110.5 km; of longitude, 111.3 km × cos(latitude).
        let dlat = radius_km / 110.5;
        let dlon = radius_km / (111.3 * (lat.abs() + dlat).min(89.0).to_radians().cos());
        let (x0, y0) = grid_bucket(lon - dlon, lat - dlat);
        let (x1, y1) = grid_bucket(lon + dlon, lat + dlat);
        (x0..=x1)
            .flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
            .filter_map(|b| self.grid.get(&b))
            .flatten()
            .map(|&i| &self.cells[i])
    }

    /// Zone of a place known by position and district: the nearest of the view's cells at cell
    /// level (the smallest zone among equals), else its district or state.
    pub fn of_place(&self, lon: f64, lat: f64, district_code: &str) -> Option<u32> {
        let nearest = |cells: &mut dyn Iterator<Item = &(i64, f64, f64, u32, String)>| {
            cells
                .map(|c| (distance_km((lon, lat), (c.1, c.2)), c.3))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        };
        match self.level {
            SpatialLevel::Cell => {
                // Widen the search until the nearest cell in the box lies within its radius:
                // every cell nearer than it is then in the box too.
                let mut radius_km = 2.0;
                while radius_km < 2_000.0 {
                    match nearest(&mut self.cells_near(lon, lat, radius_km)) {
                        Some((d, zone)) if d <= radius_km => return Some(zone),
                        _ => radius_km *= 4.0,
                    }
                }
                nearest(&mut self.cells.iter()).map(|c| c.1)
            }
            SpatialLevel::District => self.id(district_code),
            SpatialLevel::State => self.id(self.state(district_code)),
        }
    }

    /// Zones a noisy known place may be released as: at cell level every cell whose site lies
    /// within `radius_m`, else the place's district or state.
    pub fn around(&self, lon: f64, lat: f64, district_code: &str, radius_m: f64) -> Vec<u32> {
        let mut zones: Vec<u32> = match self.level {
            SpatialLevel::Cell => self
                .cells_near(lon, lat, radius_m / 1000.0)
                .filter(|c| distance_km((lon, lat), (c.1, c.2)) * 1000.0 <= radius_m)
                .map(|c| c.3)
                .collect(),
            _ => self.of_place(lon, lat, district_code).into_iter().collect(),
        };
        zones.sort_unstable();
        zones.dedup();
        zones
    }

    /// The district (state at state level) a zone lies in: attributes are compared at this
    /// level.
    pub fn region(&self, zone: u32) -> String {
        match self.level {
            SpatialLevel::Cell => {
                let key: i64 = self.name(zone).parse().unwrap_or(i64::MIN);
                self.cell_index
                    .get(&key)
                    .map(|&i| self.cells[i].4.clone())
                    .unwrap_or_default()
            }
            _ => self.name(zone).to_owned(),
        }
    }

    /// [`Zones::region`] of a district code.
    pub fn region_of_district(&self, district_code: &str) -> String {
        match self.level {
            SpatialLevel::State => self.state(district_code).to_owned(),
            _ => district_code.to_owned(),
        }
    }
}

/// Time bin of a UTC time in seconds: bins of `bin_s` aligned to local midnight, or the time
/// itself when `bin_s <= 1`.
pub(crate) fn bin(t: i64, bin_s: i64) -> i64 {
    if bin_s <= 1 {
        t
    } else {
        (t + UTC_OFFSET_SECONDS).div_euclid(bin_s)
    }
}

/// Local start of a bin: (hour of day, day of week with 0 = Monday).
pub(crate) fn local_hour_weekday(b: i64, bin_s: i64) -> (i64, i64) {
    let local = if bin_s <= 1 {
        b + UTC_OFFSET_SECONDS
    } else {
        b * bin_s
    };
    let day = local.div_euclid(86_400);
    (local.rem_euclid(86_400) / 3_600, (day + 3).rem_euclid(7))
}

/// The release's events per pseudonym.
#[derive(Default)]
pub(crate) struct Release {
    /// Distinct values of the declared pseudonym columns in every microdata table, sorted.
    pub pseudonyms: Vec<String>,
    /// Pseudonyms that identify the subject of event rows, sorted.
    pub subjects: Vec<String>,
    /// `(subject, bin, zone)` of every located released event, sorted and distinct.
    pub events: Vec<(u32, i64, u32)>,
    /// Where each subject's events start in `events`, and their end.
    event_starts: Vec<usize>,
    /// Per zone, `(bin, subject)` sorted and distinct, for bins in `[0, ZONE_BIN_END)` (every
    /// bin of a dataset's period, in seconds or coarser: half the memory of `i64` bins).
    pub by_zone: HashMap<u32, Vec<(u32, u32)>>,
    /// Per subject, the person most of its rows belong to, where the release kept `record_id`.
    voted_owner: Vec<Option<i64>>,
    /// Per sampled target, the subjects it owns (see [`owned_subjects`]), sorted.
    owned: BTreeMap<i64, Vec<u32>>,
    /// Per subject, the nationality of the released subscriber row under the same pseudonym.
    pub nationality: Vec<Option<String>>,
    /// `(table, column)` whose values are the subjects, per released event table.
    pub subject_columns: Vec<(String, String)>,
}

impl Release {
    /// Whether any sampled target's pseudonym could be traced to them.
    pub fn owners_known(&self) -> bool {
        self.owned.values().any(|s| !s.is_empty())
    }

    /// The subjects a sampled target owns, sorted (empty for anyone else).
    pub fn owned_by(&self, person: i64) -> &[u32] {
        self.owned.get(&person).map_or(&[], Vec::as_slice)
    }

    /// Events of one subject.
    pub fn events_of(&self, subject: u32) -> &[(u32, i64, u32)] {
        let s = subject as usize;
        &self.events[self.event_starts[s]..self.event_starts[s + 1]]
    }

    /// `(bin, subject)` of the events in `zone` at a bin in `[lo, hi]`, sorted (within one bin
    /// the subjects are sorted and distinct).
    pub fn at(&self, zone: u32, lo: i64, hi: i64) -> &[(u32, u32)] {
        let Some(list) = self.by_zone.get(&zone) else {
            return &[];
        };
        let (lo, hi) = (lo.clamp(0, ZONE_BIN_END), hi.clamp(-1, ZONE_BIN_END - 1));
        let a = list.partition_point(|e| i64::from(e.0) < lo);
        let b = list.partition_point(|e| i64::from(e.0) <= hi);
        &list[a..b]
    }
}

/// A `(bin, zone)` point at the release's level.
type Point = (i64, u32);

/// End of the bins [`Release::at`] indexes: released events at later (or negative) bins, after
/// 2106 in seconds, can match no point of a dataset's period.
const ZONE_BIN_END: i64 = 1 << 32;

/// Everything the attacks need.
pub(crate) struct World<'a> {
    pub operator: &'a str,
    pub bin_s: i64,
    pub zones: Zones,
    pub persons: &'a BTreeMap<i64, Person>,
    pub targets: &'a [i64],
    pub controls: &'a [i64],
    pub release: Release,
    /// Distinct `(bin, zone)` points of each sampled person's own raw records at the release's
    /// level, sorted (controls' records at cell level: at the view's cell nearest to their
    /// cell's site).
    tokens: BTreeMap<i64, Vec<(i64, u32)>>,
    /// The same for the points of each sampled person's [`Person::trace`] (one SIM's records).
    traces: BTreeMap<i64, Vec<(i64, u32)>>,
    identifiers: &'a [(&'static str, String)],
    /// Every subject's profile, computed on first use.
    profiles: OnceLock<Vec<Profile>>,
}

impl<'a> World<'a> {
    /// Places `population` at the release's level and time bin, and loads the release.
    pub fn load(inputs: &RiskInputs, population: &'a Population) -> Result<World<'a>, RiskError> {
        let zones = load_zones(inputs.input, inputs.view.spatial_level)?;
        let bin_s = inputs.view.time_bin_s;
        let control_zones: HashMap<i64, Option<u32>> = population
            .control_sites
            .iter()
            .map(|(&cell, (lon, lat, district))| (cell, zones.of_place(*lon, *lat, district)))
            .collect();
        // Distinct points at the release's level, sorted.
        let place = |id: i64, points: &[(i64, i64)]| {
            let control = population.controls.contains(&id);
            let mut tokens: Vec<(i64, u32)> = points
                .iter()
                .filter_map(|&(t, cell)| {
                    let zone = if control {
                        control_zones.get(&cell).copied().flatten()
                    } else {
                        zones.of_cell(cell)
                    };
                    Some((bin(t, bin_s), zone?))
                })
                .collect();
            tokens.sort_unstable();
            tokens.dedup();
            tokens
        };
        let tokens = population
            .persons
            .iter()
            .map(|(&id, person)| (id, place(id, &person.points)))
            .collect();
        let traces = population
            .persons
            .iter()
            .map(|(&id, person)| (id, place(id, &person.trace)))
            .collect();
        let mut world = World {
            operator: &population.operator,
            bin_s,
            release: load_release(inputs, &zones, &population.raw)?,
            zones,
            persons: &population.persons,
            targets: &population.targets,
            controls: &population.controls,
            tokens,
            traces,
            identifiers: &population.identifiers,
            profiles: OnceLock::new(),
        };
        world.release.owned = owned_subjects(&world, || {
            view_tokens(&population.view_events, &world.zones, bin_s)
        });
        Ok(world)
    }

    /// A sampled person's points at the release's level (see [`World::tokens`]).
    pub fn tokens(&self, person: i64) -> &[(i64, u32)] {
        self.tokens.get(&person).map_or(&[], Vec::as_slice)
    }

    /// A sampled person's points at the release's level from their trace alone
    /// ([`Person::trace`]).
    pub fn trace(&self, person: i64) -> &[(i64, u32)] {
        self.traces.get(&person).map_or(&[], Vec::as_slice)
    }

    /// The [`Profile`] of every subject.
    pub fn profiles(&self) -> &[Profile] {
        self.profiles.get_or_init(|| profiles(self))
    }

    /// `(kind, value)` of the identifiers the pipeline was given.
    pub fn view_identifiers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.identifiers.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// The district of a person's most frequent work stays, if they work.
    pub fn work_district(&self, person: i64) -> Option<String> {
        mode(
            self.persons[&person]
                .stays
                .iter()
                .filter(|s| s.purpose == "work")
                .map(|s| s.district_code.clone()),
        )
    }
}

/// The most frequent value (the smallest among ties).
pub(crate) fn mode<T: Ord>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(v, _)| v)
}

/// A column every file of the table must have.
pub(crate) fn need<T>(column: Option<T>, name: &str) -> Result<T, RiskError> {
    column.ok_or_else(|| RiskError::Missing(format!("column {name} is missing")))
}

/// The rows of a cells table that have a key and a position: (key, lon, lat, district code).
pub(crate) fn cell_sites(
    cells_of: &DatasetReader,
) -> Result<Vec<(i64, f64, f64, String)>, RiskError> {
    let mut cells = Vec::new();
    let columns = ["cell_key", "lon", "lat", "district_code"];
    cells_of.scan_present::<RiskError>("cells", &columns, |rows| {
        let key = need(rows.cast_i64s("cell_key")?, "cells.cell_key")?;
        let lon = need(rows.cast_f64s("lon")?, "cells.lon")?;
        let lat = need(rows.cast_f64s("lat")?, "cells.lat")?;
        let district = need(rows.cast_strings("district_code")?, "cells.district_code")?;
        for i in 0..rows.len() {
            if let (Some(k), Some(x), Some(y)) = (key[i], lon[i], lat[i]) {
                cells.push((k, x, y, text(&district, i).unwrap_or("").to_owned()));
            }
        }
        Ok(())
    })?;
    Ok(cells)
}

fn load_zones(input: &Path, level: SpatialLevel) -> Result<Zones, RiskError> {
    let mut zones = Zones {
        level,
        names: Vec::new(),
        ids: HashMap::new(),
        cells: Vec::new(),
        cell_index: HashMap::new(),
        grid: HashMap::new(),
        state_of: districts().iter().map(|d| (d.code, d.state)).collect(),
    };
    let mut names: BTreeSet<String> = BTreeSet::new();
    match level {
        SpatialLevel::District => names.extend(districts().iter().map(|d| d.code.to_owned())),
        SpatialLevel::State => names.extend(districts().iter().map(|d| d.state.to_owned())),
        SpatialLevel::Cell => {}
    }
    let mut cells = cell_sites(&DatasetReader::folder(input))?;
    cells.sort_by_key(|c| c.0);
    if level == SpatialLevel::Cell {
        names.extend(cells.iter().map(|c| c.0.to_string()));
    }
    for name in names {
        zones.intern(name);
    }
    for (key, lon, lat, district) in cells {
        let name = match level {
            SpatialLevel::Cell => key.to_string(),
            SpatialLevel::District => district.clone(),
            SpatialLevel::State => zones.state(&district).to_owned(),
        };
        let zone = zones.intern(name);
        zones.cell_index.insert(key, zones.cells.len());
        zones
            .grid
            .entry(grid_bucket(lon, lat))
            .or_default()
            .push(zones.cells.len());
        zones.cells.push((key, lon, lat, zone, district));
    }
    Ok(zones)
}

fn load_release(
    inputs: &RiskInputs,
    zones: &Zones,
    raw: &BTreeMap<&'static str, RawIndex>,
) -> Result<Release, RiskError> {
    let mut release = Release::default();
    if !inputs.view.microdata {
        return Ok(release);
    }
    let micro = inputs.release.join("microdata");
    // Declared columns, as `column` or `table.column`.
    let declared: Vec<String> = inputs
        .view
        .pseudonym_columns
        .iter()
        .map(|c| c.rsplit('.').next().unwrap_or(c).to_owned())
        .collect();
    let mut pseudonyms: HashSet<String> = HashSet::new();
    // Subjects get provisional ids in reading order; events are kept compact (sorted and
    // distinct whenever they double) and owners as vote counts, never as one tuple per row.
    let mut subject_ids: HashMap<String, u32> = HashMap::new();
    let mut events: Distinct<(u32, i64, u32)> = Distinct::default();
    let mut votes: HashMap<(u32, i64), u64> = HashMap::new();
    let mut tables: Vec<String> = std::fs::read_dir(&micro)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .map(|n| n.trim_end_matches(".parquet").to_owned())
                .collect()
        })
        .unwrap_or_default();
    tables.sort();
    tables.dedup();
    for table in &tables {
        let columns = DatasetReader::folder(&micro).columns(table)?;
        let present: Vec<&str> = declared
            .iter()
            .filter(|c| columns.contains(c))
            .map(String::as_str)
            .collect();
        DatasetReader::folder(&micro).scan_present::<RiskError>(table, &present, |rows| {
            for c in &present {
                if let Some(values) = rows.cast_strings(c)? {
                    for v in values.iter().flatten() {
                        if !pseudonyms.contains(v) {
                            pseudonyms.insert(v.to_owned());
                        }
                    }
                }
            }
            Ok(())
        })?;
        let Some(&(_, time_col, cell_col)) = EVENT_TABLES.iter().find(|t| t.0 == table) else {
            continue;
        };
        let subject = SUBJECT_COLUMNS
            .iter()
            .find(|c| declared.iter().any(|d| d == *c) && columns.iter().any(|x| x == *c))
            .or_else(|| {
                SUBJECT_COLUMNS
                    .iter()
                    .find(|c| columns.iter().any(|x| x == *c))
            });
        let Some(&subject) = subject else {
            continue;
        };
        release
            .subject_columns
            .push((table.clone(), subject.to_owned()));
        let index = &raw[table.as_str()];
        // Generalised locations are text columns named after their level.
        let zone_col = match zones.level {
            SpatialLevel::Cell => "",
            SpatialLevel::District => "district_code",
            SpatialLevel::State => "state",
        };
        DatasetReader::folder(&micro).scan_present::<RiskError>(
            table,
            &[subject, time_col, cell_col, zone_col, "record_id"],
            |rows| {
                let (Some(who), Some(times)) =
                    (rows.cast_strings(subject)?, rows.cast_seconds(time_col)?)
                else {
                    return Ok(());
                };
                let cells = rows.cast_i64s(cell_col)?;
                let zone_ids = rows.cast_strings(zone_col)?;
                let records = rows.cast_i64s("record_id")?;
                for i in 0..rows.len() {
                    let (Some(name), Some(t)) = (text(&who, i), times[i]) else {
                        continue;
                    };
                    let cell = cells.as_ref().and_then(|c| c[i]);
                    let zone = match &zone_ids {
                        Some(z) => text(z, i).and_then(|n| zones.id(n)),
                        None => cell.and_then(|c| zones.of_cell(c)),
                    };
                    let Some(zone) = zone else {
                        continue;
                    };
                    let owner = records
                        .as_ref()
                        .and_then(|r| r[i])
                        .and_then(|r| index.record(r));
                    let s = match subject_ids.get(name) {
                        Some(&s) => s,
                        None => {
                            let s = subject_ids.len() as u32;
                            subject_ids.insert(name.to_owned(), s);
                            s
                        }
                    };
                    events.push((s, bin(t, inputs.view.time_bin_s), zone));
                    if let Some(o) = owner {
                        *votes.entry((s, o)).or_default() += 1;
                    }
                }
                Ok(())
            },
        )?;
    }
    // Renumber subjects in sorted order so that results never depend on file order.
    let mut names: Vec<(String, u32)> = subject_ids.into_iter().collect();
    names.sort_unstable();
    let mut remap = vec![0u32; names.len()];
    for (rank, (name, old)) in names.into_iter().enumerate() {
        remap[old as usize] = rank as u32;
        release.subjects.push(name);
    }
    release.events = events.into_sorted();
    for e in &mut release.events {
        e.0 = remap[e.0 as usize];
    }
    release.events.sort_unstable();
    release.event_starts = (0..=release.subjects.len() as u32)
        .map(|s| release.events.partition_point(|e| e.0 < s))
        .collect();
    for &(s, b, z) in &release.events {
        if let Ok(b) = u32::try_from(b) {
            release.by_zone.entry(z).or_default().push((b, s));
        }
    }
    for list in release.by_zone.values_mut() {
        list.sort_unstable();
        list.shrink_to_fit();
    }
    // Each subject's owner: the person most of its rows belong to, the smallest among ties.
    let mut best: Vec<Option<(u64, i64)>> = vec![None; release.subjects.len()];
    for ((s, owner), n) in votes {
        let b = &mut best[remap[s as usize] as usize];
        if b.is_none_or(|(m, o)| n > m || (n == m && owner < o)) {
            *b = Some((n, owner));
        }
    }
    release.voted_owner = best.into_iter().map(|b| b.map(|(_, o)| o)).collect();
    release.nationality = release_nationalities(&micro, &release.subjects)?;
    release.pseudonyms = pseudonyms.into_iter().collect();
    release.pseudonyms.sort_unstable();
    Ok(release)
}

/// Values gathered one by one and kept sorted and distinct, compacted whenever they double in
/// number: a release repeats each subject's `(bin, zone)` on many rows, and holding one tuple
/// per row would take gigabytes at full density.
pub(crate) struct Distinct<T> {
    values: Vec<T>,
    compact_len: usize,
}

impl<T: Ord> Default for Distinct<T> {
    fn default() -> Self {
        Distinct {
            values: Vec::new(),
            compact_len: 0,
        }
    }
}

impl<T: Ord> Distinct<T> {
    pub(crate) fn push(&mut self, value: T) {
        self.values.push(value);
        if self.values.len() >= 2 * self.compact_len.max(1 << 20) {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.values.sort_unstable();
        self.values.dedup();
        self.compact_len = self.values.len();
    }

    /// The values, sorted and distinct, holding no spare capacity.
    pub(crate) fn into_sorted(mut self) -> Vec<T> {
        self.compact();
        self.values.shrink_to_fit();
        self.values
    }
}

/// Every view person's points at the release's level, `((bin, zone), person)`, sorted and
/// distinct: the persons at one point are sorted too.
fn view_tokens(view_events: &ViewEvents, zones: &Zones, bin_s: i64) -> Vec<((i64, u32), i64)> {
    let mut tokens = Distinct::default();
    for (person, t, cell) in view_events.iter() {
        if let Some(zone) = zones.of_cell(cell) {
            tokens.push(((bin(t, bin_s), zone), person));
        }
    }
    tokens.into_sorted()
}

/// Each sampled target's subjects, sorted. A subject with rows whose `record_id` the view
/// holds belongs to the person most of them belong to; any other to the one view person whose
/// raw points include every point of the subject (none when several do). Only the subjects a
/// target covers are traced, each found through its first point among the target's points:
/// tracing every subject of a release costs a search among thousands of persons per point at
/// full density.
fn owned_subjects(
    world: &World,
    view_tokens: impl FnOnce() -> Vec<((i64, u32), i64)>,
) -> BTreeMap<i64, Vec<u32>> {
    let (release, targets) = (&world.release, world.targets);
    let mut owned: BTreeMap<i64, Vec<u32>> = targets.iter().map(|&t| (t, Vec::new())).collect();
    let mut by_first: HashMap<(i64, u32), Vec<u32>> = HashMap::new();
    for s in 0..release.subjects.len() as u32 {
        match release.voted_owner[s as usize] {
            Some(person) => {
                if let Some(list) = owned.get_mut(&person) {
                    list.push(s);
                }
            }
            None => {
                if let Some(&(_, b, z)) = release.events_of(s).first() {
                    by_first.entry((b, z)).or_default().push(s);
                }
            }
        }
    }
    if by_first.is_empty() {
        return owned;
    }
    let presence = Presence::new(view_tokens());
    let traced: Vec<(i64, Vec<u32>)> = targets
        .par_iter()
        .map(|&target| {
            let tokens = world.tokens(target);
            let covered = |s: u32| {
                release
                    .events_of(s)
                    .iter()
                    .all(|&(_, b, z)| tokens.binary_search(&(b, z)).is_ok())
            };
            let mine = tokens
                .iter()
                .filter_map(|point| by_first.get(point))
                .flatten()
                .copied()
                .filter(|&s| covered(s) && presence.covered_only_by(release.events_of(s), target))
                .collect();
            (target, mine)
        })
        .collect();
    for (target, mine) in traced {
        let list = owned.entry(target).or_default();
        list.extend(mine);
        list.sort_unstable();
    }
    owned
}

/// The view persons at each point at the release's level, for tracing pseudonyms: per point a
/// sorted list, and for crowded points (at district-hour level, tens of thousands of persons)
/// also a bitset over the persons, no larger than the list itself, so that "who else was at
/// every one of these points" is a few word-wise ANDs instead of a search per person.
pub(crate) struct Presence {
    /// `((bin, zone), person)`, sorted and distinct.
    tokens: Vec<((i64, u32), i64)>,
    /// Every person of `tokens`, sorted: a person's bit is their rank here.
    persons: Vec<i64>,
    /// Bitsets of the crowded points.
    crowded: HashMap<(i64, u32), Vec<u64>>,
}

impl Presence {
    /// `tokens` sorted and distinct, as [`view_tokens`] gives them.
    pub(crate) fn new(tokens: Vec<((i64, u32), i64)>) -> Presence {
        let mut persons: Vec<i64> = tokens.iter().map(|t| t.1).collect();
        persons.sort_unstable();
        persons.dedup();
        let words = persons.len().div_ceil(64);
        // A bitset costs `persons` bits, a list entry 192: bitsets only where they are smaller.
        let crowded_from = (persons.len() / 192).max(64);
        let mut crowded = HashMap::new();
        for run in tokens.chunk_by(|a, b| a.0 == b.0) {
            if run.len() < crowded_from {
                continue;
            }
            let mut bits = vec![0u64; words];
            for &(_, p) in run {
                let i = persons.binary_search(&p).expect("a person of the tokens");
                bits[i / 64] |= 1 << (i % 64);
            }
            crowded.insert(run[0].0, bits);
        }
        Presence {
            tokens,
            persons,
            crowded,
        }
    }

    /// The persons at a point, sorted.
    fn at(&self, point: (i64, u32)) -> &[((i64, u32), i64)] {
        let lo = self.tokens.partition_point(|t| t.0 < point);
        let hi = self.tokens.partition_point(|t| t.0 <= point);
        &self.tokens[lo..hi]
    }

    /// Whether `person` is at `point`, whose persons are `list`.
    fn holds(&self, point: (i64, u32), list: &[((i64, u32), i64)], person: i64) -> bool {
        match self.crowded.get(&point) {
            Some(bits) => self
                .persons
                .binary_search(&person)
                .is_ok_and(|i| bits[i / 64] & (1 << (i % 64)) != 0),
            None => list.binary_search_by_key(&person, |t| t.1).is_ok(),
        }
    }

    /// Whether no view person but `person` has every point of `events` among their raw points
    /// (`person` is known to have them).
    pub(crate) fn covered_only_by(&self, events: &[(u32, i64, u32)], person: i64) -> bool {
        let mut lists: Vec<(Point, &[(Point, i64)])> = events
            .iter()
            .map(|&(_, b, z)| ((b, z), self.at((b, z))))
            .collect();
        lists.sort_by_key(|l| l.1.len());
        let Some(((first, shortest), rest)) = lists.split_first() else {
            return false;
        };
        if self.crowded.contains_key(first) {
            // Every point is crowded: AND the bitsets, leaving out the person's own bit.
            let me = self.persons.binary_search(&person).ok();
            let bitsets: Vec<&Vec<u64>> = lists.iter().map(|l| &self.crowded[&l.0]).collect();
            return (0..bitsets[0].len()).all(|w| {
                let mut common = bitsets.iter().fold(!0u64, |acc, b| acc & b[w]);
                if let Some(i) = me.filter(|i| i / 64 == w) {
                    common &= !(1 << (i % 64));
                }
                common == 0
            });
        }
        !shortest.iter().any(|&(_, other)| {
            other != person
                && rest
                    .iter()
                    .all(|&(point, list)| self.holds(point, list, other))
        })
    }
}

/// Nationality of each subject from a released `subscribers` table whose pseudonymised
/// `msisdn` (or `imsi`) equals the subject's pseudonym.
fn release_nationalities(
    micro: &Path,
    subjects: &[String],
) -> Result<Vec<Option<String>>, RiskError> {
    let mut out = vec![None; subjects.len()];
    let columns = DatasetReader::folder(micro).columns("subscribers")?;
    if !columns.iter().any(|c| c == "nationality") {
        return Ok(out);
    }
    let keys: Vec<&str> = ["msisdn", "imsi", "imei"]
        .into_iter()
        .filter(|c| columns.iter().any(|x| x == c))
        .collect();
    let mut wanted = keys.clone();
    wanted.push("nationality");
    DatasetReader::folder(micro).scan_present::<RiskError>("subscribers", &wanted, |rows| {
        let nationality = need(rows.cast_strings("nationality")?, "nationality")?;
        for key in &keys {
            let Some(values) = rows.cast_strings(key)? else {
                continue;
            };
            for i in 0..rows.len() {
                let Some(v) = text(&values, i) else { continue };
                if let Ok(s) = subjects.binary_search_by(|x| x.as_str().cmp(v)) {
                    out[s] = text(&nationality, i).map(str::to_owned);
                }
            }
        }
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use telcosynth_generator::geography::projection::distance_km;

    use super::{Distinct, Presence, SpatialLevel, Zones, grid_bucket};

    #[test]
    fn the_cell_grid_finds_what_a_search_of_every_cell_finds() {
        // Cells scattered over a few degrees, dense in one corner; a fixed pseudo-random walk.
        let mut state = 7_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut zones = Zones {
            level: SpatialLevel::Cell,
            names: Vec::new(),
            ids: HashMap::new(),
            cells: Vec::new(),
            cell_index: HashMap::new(),
            grid: HashMap::new(),
            state_of: HashMap::new(),
        };
        for i in 0..2_000_i64 {
            let spread = if i % 2 == 0 { 0.1 } else { 3.0 };
            let (lon, lat) = (101.0 + spread * next(), 2.0 + spread * next());
            let zone = zones.intern(i.to_string());
            zones
                .grid
                .entry(grid_bucket(lon, lat))
                .or_default()
                .push(zones.cells.len());
            zones.cells.push((i, lon, lat, zone, String::new()));
        }
        for _ in 0..300 {
            let (lon, lat) = (100.5 + 4.0 * next(), 1.5 + 4.0 * next());
            let nearest = zones
                .cells
                .iter()
                .map(|c| (distance_km((lon, lat), (c.1, c.2)), c.3))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|c| c.1);
            assert_eq!(zones.of_place(lon, lat, ""), nearest);
            let mut within: Vec<u32> = zones
                .cells
                .iter()
                .filter(|c| distance_km((lon, lat), (c.1, c.2)) <= 2.0)
                .map(|c| c.3)
                .collect();
            within.sort_unstable();
            assert_eq!(zones.around(lon, lat, "", 2_000.0), within);
        }
    }

    /// `((bin, zone), person)` of persons 1..=n at every point of `points`, plus `extra`, sorted.
    fn tokens(
        points: &[(i64, u32)],
        n: i64,
        extra: &[((i64, u32), i64)],
    ) -> Vec<((i64, u32), i64)> {
        let mut t: Vec<_> = points
            .iter()
            .flat_map(|&pt| (1..=n).map(move |p| (pt, p)))
            .chain(extra.iter().copied())
            .collect();
        t.sort_unstable();
        t
    }

    #[test]
    fn the_one_person_at_every_point_owns_the_subject() {
        // Persons 1..=40 share points A and B; only person 7 was also at C.
        let (a, b, c) = ((0, 1), (3_600, 1), (7_200, 2));
        let events = |pts: &[(i64, u32)]| pts.iter().map(|&(t, z)| (0, t, z)).collect::<Vec<_>>();
        let covered = |events: &[(u32, i64, u32)], person: i64, view: &[((i64, u32), i64)]| {
            Presence::new(view.to_vec()).covered_only_by(events, person)
        };
        let view = tokens(&[a, b], 40, &[(c, 7), (c, 9)]);
        assert!(!covered(&events(&[a, b]), 7, &view), "40 persons cover it");
        assert!(!covered(&events(&[c]), 7, &view), "7 and 9 cover it");
        let view = tokens(&[a, b], 40, &[(c, 7)]);
        assert!(covered(&events(&[a, b, c]), 7, &view));
        assert!(covered(&events(&[c]), 7, &view));
        // Two long lists overlapping in one person.
        let mut view: Vec<_> = (1..=40)
            .map(|p| (a, p))
            .chain((40..=79).map(|p| (b, p)))
            .collect();
        view.sort_unstable();
        assert!(covered(&events(&[a, b]), 40, &view));
        view.push((b, 39));
        view.sort_unstable();
        assert!(!covered(&events(&[a, b]), 40, &view), "39 and 40");
        assert!(!covered(&events(&[a, b]), 39, &view), "39 and 40");
    }

    #[test]
    fn crowded_points_answer_as_lists_do() {
        // Random persons at random points, some points crowded enough for bitsets (over 64
        // persons), checked against a search of every person.
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let mut view: Vec<((i64, u32), i64)> = Vec::new();
        for point in 0..12u32 {
            let crowd = if point % 3 == 0 {
                2 + next(5)
            } else {
                80 + next(120)
            };
            for _ in 0..crowd {
                view.push(((i64::from(point % 4) * 3_600, point), next(300) as i64));
            }
        }
        view.sort_unstable();
        view.dedup();
        let presence = Presence::new(view.clone());
        assert!(!presence.crowded.is_empty(), "some points are crowded");
        let points: Vec<(i64, u32)> = {
            let mut p: Vec<_> = view.iter().map(|t| t.0).collect();
            p.dedup();
            p
        };
        let mut checked = [0; 2];
        for _ in 0..400 {
            let chosen: Vec<(i64, u32)> = (0..1 + next(3))
                .map(|_| points[next(points.len() as u64) as usize])
                .collect();
            let at_all = |p: i64| chosen.iter().all(|&pt| view.contains(&(pt, p)));
            let holders: Vec<i64> = (0..300).filter(|&p| at_all(p)).collect();
            let Some(&person) = holders.first() else {
                continue;
            };
            let events: Vec<(u32, i64, u32)> = chosen.iter().map(|&(b, z)| (0, b, z)).collect();
            assert_eq!(
                presence.covered_only_by(&events, person),
                holders.len() == 1,
                "{chosen:?}: {holders:?}"
            );
            checked[usize::from(holders.len() == 1)] += 1;
        }
        assert!(checked[0] > 10 && checked[1] > 10, "{checked:?}");
    }

    #[test]
    fn distinct_values_are_sorted_and_distinct_through_compactions() {
        // Enough values to compact several times on the way: each one pushed three times.
        let mut values = Distinct::default();
        let n: u32 = 1_500_000;
        for _ in 0..3 {
            for i in 0..n {
                values.push((999 - i % 1000, i64::from(i / 1000), 0u32));
            }
        }
        let all = values.into_sorted();
        assert_eq!(all.len(), n as usize);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        assert_eq!(all[0], (0, 0, 0));
        assert_eq!(all[all.len() - 1], (999, i64::from(n / 1000 - 1), 0));
    }
}
