//! What the attacks on one release work on: the [`Population`] placed at the release's spatial
//! level and time bin, the release's events per pseudonym, and the pseudonyms each sampled
//! target owns.
//!
//! Owners are found by joining released rows to the raw rows of the view on `record_id` (a
//! pseudonym's owner is the person most of its rows belong to); for a pseudonym without such
//! rows, the owner is the one view person whose raw points, placed at the release's level and
//! time bin, include every released point of the pseudonym (none when several do).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use rayon::prelude::*;
use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::reference::districts;

use super::linkage::{Profile, profiles};
use super::population::{Person, Population, RawIndex};
use super::read::{self, text};
use super::{RiskError, RiskInputs, SpatialLevel};

/// UTC offset of local time (Malaysia, UTC+8).
pub(crate) const LOCAL_OFFSET_S: i64 = 8 * 3600;

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
        (t + LOCAL_OFFSET_S).div_euclid(bin_s)
    }
}

/// Local start of a bin: (hour of day, day of week with 0 = Monday).
pub(crate) fn local_hour_weekday(b: i64, bin_s: i64) -> (i64, i64) {
    let local = if bin_s <= 1 {
        b + LOCAL_OFFSET_S
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
    /// Per zone, `(bin, subject)` sorted and distinct.
    pub by_zone: HashMap<u32, Vec<(i64, u32)>>,
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
    pub fn at(&self, zone: u32, lo: i64, hi: i64) -> &[(i64, u32)] {
        let Some(list) = self.by_zone.get(&zone) else {
            return &[];
        };
        let a = list.partition_point(|e| e.0 < lo);
        let b = list.partition_point(|e| e.0 <= hi);
        &list[a..b]
    }
}

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
        let tokens = population
            .persons
            .iter()
            .map(|(&id, person)| {
                let control = population.controls.contains(&id);
                let mut tokens: Vec<(i64, u32)> = person
                    .points
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
                (id, tokens)
            })
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
pub(crate) fn cell_sites(files: &[PathBuf]) -> Result<Vec<(i64, f64, f64, String)>, RiskError> {
    let mut cells = Vec::new();
    let columns = ["cell_key", "lon", "lat", "district_code"];
    read::scan_files(files, Some(&columns), |rows| {
        let key = need(rows.i64s("cell_key")?, "cells.cell_key")?;
        let lon = need(rows.f64s("lon")?, "cells.lon")?;
        let lat = need(rows.f64s("lat")?, "cells.lat")?;
        let district = need(rows.strings("district_code")?, "cells.district_code")?;
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
    let mut cells = cell_sites(&read::table_files(input, "cells"))?;
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
    let mut pseudonyms: BTreeSet<String> = BTreeSet::new();
    let mut subject_ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut rows_out: Vec<(u32, i64, u32, Option<i64>)> = Vec::new();
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
        let columns = read::columns(&micro, table)?;
        let present: Vec<&str> = declared
            .iter()
            .filter(|c| columns.contains(c))
            .map(String::as_str)
            .collect();
        read::scan(&micro, table, &present, |rows| {
            for c in &present {
                if let Some(values) = rows.strings(c)? {
                    pseudonyms.extend(values.iter().flatten().map(str::to_owned));
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
        read::scan(
            &micro,
            table,
            &[subject, time_col, cell_col, zone_col, "record_id"],
            |rows| {
                let (Some(who), Some(times)) = (rows.strings(subject)?, rows.seconds(time_col)?)
                else {
                    return Ok(());
                };
                let cells = rows.i64s(cell_col)?;
                let zone_ids = rows.strings(zone_col)?;
                let records = rows.i64s("record_id")?;
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
                    let next = subject_ids.len() as u32;
                    let s = *subject_ids.entry(name.to_owned()).or_insert(next);
                    rows_out.push((s, bin(t, inputs.view.time_bin_s), zone, owner));
                }
                Ok(())
            },
        )?;
    }
    // Renumber subjects in sorted order so that results never depend on file order.
    let mut remap = vec![0u32; subject_ids.len()];
    for (rank, (name, old)) in subject_ids.into_iter().enumerate() {
        remap[old as usize] = rank as u32;
        release.subjects.push(name);
    }
    let mut votes: Vec<(u32, i64)> = Vec::new();
    for (s, b, z, owner) in rows_out {
        let s = remap[s as usize];
        release.events.push((s, b, z));
        if let Some(o) = owner {
            votes.push((s, o));
        }
    }
    release.events.sort_unstable();
    release.events.dedup();
    release.event_starts = (0..=release.subjects.len() as u32)
        .map(|s| release.events.partition_point(|e| e.0 < s))
        .collect();
    for &(s, b, z) in &release.events {
        release.by_zone.entry(z).or_default().push((b, s));
    }
    for list in release.by_zone.values_mut() {
        list.sort_unstable();
    }
    votes.sort_unstable();
    release.voted_owner = vec![None; release.subjects.len()];
    for chunk in votes.chunk_by(|a, b| a.0 == b.0) {
        release.voted_owner[chunk[0].0 as usize] = mode(chunk.iter().map(|v| v.1));
    }
    release.nationality = release_nationalities(&micro, &release.subjects)?;
    release.pseudonyms = pseudonyms.into_iter().collect();
    Ok(release)
}

/// Every view person's points at the release's level, `((bin, zone), person)`, sorted and
/// distinct: the persons at one point are sorted too.
fn view_tokens(
    view_events: &[(i64, i64, i64)],
    zones: &Zones,
    bin_s: i64,
) -> Vec<((i64, u32), i64)> {
    let mut tokens: Vec<((i64, u32), i64)> = view_events
        .iter()
        .filter_map(|&(person, t, cell)| Some(((bin(t, bin_s), zones.of_cell(cell)?), person)))
        .collect();
    tokens.sort_unstable();
    tokens.dedup();
    tokens
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
    let view_tokens = view_tokens();
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
                .filter(|&s| {
                    covered(s) && covered_only_by(release.events_of(s), target, &view_tokens)
                })
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

/// Whether no view person but `person` has every point of `events` among their raw points
/// (`person` is known to have them). `view_tokens` is sorted, so the persons at one point are
/// sorted too and membership is a binary search: at district-hour level a point holds
/// thousands of persons.
fn covered_only_by(
    events: &[(u32, i64, u32)],
    person: i64,
    view_tokens: &[((i64, u32), i64)],
) -> bool {
    let mut lists: Vec<&[((i64, u32), i64)]> = events
        .iter()
        .map(|&(_, b, z)| {
            let lo = view_tokens.partition_point(|t| t.0 < (b, z));
            let hi = view_tokens.partition_point(|t| t.0 <= (b, z));
            &view_tokens[lo..hi]
        })
        .collect();
    lists.sort_by_key(|l| l.len());
    let Some((shortest, rest)) = lists.split_first() else {
        return false;
    };
    let holds = |list: &[((i64, u32), i64)], p: i64| list.binary_search_by_key(&p, |t| t.1).is_ok();
    !shortest
        .iter()
        .any(|&(_, other)| other != person && rest.iter().all(|l| holds(l, other)))
}

/// Nationality of each subject from a released `subscribers` table whose pseudonymised
/// `msisdn` (or `imsi`) equals the subject's pseudonym.
fn release_nationalities(
    micro: &Path,
    subjects: &[String],
) -> Result<Vec<Option<String>>, RiskError> {
    let mut out = vec![None; subjects.len()];
    let columns = read::columns(micro, "subscribers")?;
    if !columns.iter().any(|c| c == "nationality") {
        return Ok(out);
    }
    let keys: Vec<&str> = ["msisdn", "imsi", "imei"]
        .into_iter()
        .filter(|c| columns.iter().any(|x| x == c))
        .collect();
    let mut wanted = keys.clone();
    wanted.push("nationality");
    read::scan(micro, "subscribers", &wanted, |rows| {
        let nationality = need(rows.strings("nationality")?, "nationality")?;
        for key in &keys {
            let Some(values) = rows.strings(key)? else {
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

    use super::{SpatialLevel, Zones, covered_only_by, grid_bucket};

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
        let view = tokens(&[a, b], 40, &[(c, 7), (c, 9)]);
        assert!(
            !covered_only_by(&events(&[a, b]), 7, &view),
            "40 persons cover it"
        );
        assert!(
            !covered_only_by(&events(&[c]), 7, &view),
            "7 and 9 cover it"
        );
        let view = tokens(&[a, b], 40, &[(c, 7)]);
        assert!(covered_only_by(&events(&[a, b, c]), 7, &view));
        assert!(covered_only_by(&events(&[c]), 7, &view));
        // Two long lists overlapping in one person.
        let mut view: Vec<_> = (1..=40)
            .map(|p| (a, p))
            .chain((40..=79).map(|p| (b, p)))
            .collect();
        view.sort_unstable();
        assert!(covered_only_by(&events(&[a, b]), 40, &view));
        view.push((b, 39));
        view.sort_unstable();
        assert!(!covered_only_by(&events(&[a, b]), 40, &view), "39 and 40");
        assert!(!covered_only_by(&events(&[a, b]), 39, &view), "39 and 40");
    }
}
