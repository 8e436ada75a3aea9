//! What the attacks work on, loaded once: sampled target and control persons with their truth
//! and identifiers, the release's events per pseudonym at its spatial level and time bin, and
//! the owner (true person) of each released pseudonym.
//!
//! Owners are found by joining released rows to the raw rows of the view on `record_id` (a
//! pseudonym's owner is the person most of its rows belong to); for a pseudonym without such
//! rows, the owner is the one view person whose raw points, placed at the release's level and
//! time bin, include every released point of the pseudonym (none when several do).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::reference::districts;

use super::read::{self, Rows, text};
use super::sample::{Purpose, sample};
use super::{RiskError, RiskInputs, SpatialLevel};
use crate::dataset::Dataset;

/// UTC offset of local time (Malaysia, UTC+8).
pub(crate) const LOCAL_OFFSET_S: i64 = 8 * 3600;

/// Event tables of the operator view: name, time column, cell column.
pub(crate) const EVENT_TABLES: [(&str, &str, &str); 2] = [
    ("cdr", "start_time", "first_cell_key"),
    ("ip_sessions", "start_time", "cell_key"),
];

/// Columns that identify the served subscriber of an event row, in order of preference.
const SUBJECT_COLUMNS: [&str; 3] = ["served_msisdn", "served_imsi", "served_imei"];

/// One SIM's identifiers (from the dataset's register).
#[derive(Debug, Clone, Default)]
pub(crate) struct Sim {
    pub operator: String,
    pub msisdn: String,
    pub imsi: String,
    pub imei: String,
    pub subscriber_id: String,
    pub holder_name: String,
    pub id_number: String,
    pub email: String,
    /// The SIM's row of the register, column by column as text ([`REGISTER_COLUMNS`] the
    /// dataset has): what a leaked register tells about it.
    pub register: BTreeMap<&'static str, String>,
}

/// Columns of a subscriber register a leaked copy holds and a release may keep.
pub(crate) const REGISTER_COLUMNS: [&str; 19] = [
    "subscriber_id",
    "msisdn",
    "imsi",
    "imei",
    "handset_brand",
    "handset_model",
    "plan",
    "activation_date",
    "holder_name",
    "holder_sex",
    "holder_birth_date",
    "id_type",
    "id_number",
    "nationality",
    "email",
    "address",
    "postcode",
    "district",
    "state",
];

/// A true stay of a person.
#[derive(Debug, Clone)]
pub(crate) struct Stay {
    pub start: i64,
    pub end: i64,
    pub lon: f64,
    pub lat: f64,
    pub district_code: String,
    pub purpose: String,
}

/// A sampled person: truth and SIMs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Person {
    pub home_district_code: String,
    pub nationality: String,
    pub sims: Vec<Sim>,
    pub stays: Vec<Stay>,
    /// Distinct `(bin, zone)` points of the person's own raw records (targets: the view's
    /// records; controls: their operator's records, placed at the release's level).
    pub tokens: Vec<(i64, u32)>,
}

/// Places at the release's spatial level.
pub(crate) struct Zones {
    pub level: SpatialLevel,
    names: Vec<String>,
    ids: HashMap<String, u32>,
    /// The view's cells: key, lon, lat, zone, district code.
    cells: Vec<(i64, f64, f64, u32, String)>,
    cell_index: HashMap<i64, usize>,
    state_of: HashMap<&'static str, &'static str>,
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

    /// Zone of a place known by position and district: the nearest of the view's cells at cell
    /// level, else its district or state.
    pub fn of_place(&self, lon: f64, lat: f64, district_code: &str) -> Option<u32> {
        match self.level {
            SpatialLevel::Cell => self
                .cells
                .iter()
                .map(|c| (distance_km((lon, lat), (c.1, c.2)), c.3))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|c| c.1),
            SpatialLevel::District => self.id(district_code),
            SpatialLevel::State => self.id(self.state(district_code)),
        }
    }

    /// Zones a noisy known place may be released as: at cell level every cell whose site lies
    /// within `radius_m`, else the place's district or state.
    pub fn around(&self, lon: f64, lat: f64, district_code: &str, radius_m: f64) -> Vec<u32> {
        let mut zones: Vec<u32> = match self.level {
            SpatialLevel::Cell => self
                .cells
                .iter()
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
    /// Per subject without a voted owner, the one view person covering its points: traced on
    /// first use, since tracing costs a search among every person at each point.
    traced_owner: Vec<OnceLock<Option<i64>>>,
    /// Every view person's points at the release's level, `((bin, zone), person)`, sorted.
    view_tokens: Vec<((i64, u32), i64)>,
    /// Per subject, the nationality of the released subscriber row under the same pseudonym.
    pub nationality: Vec<Option<String>>,
    /// `(table, column)` whose values are the subjects, per released event table.
    pub subject_columns: Vec<(String, String)>,
}

impl Release {
    /// Whether any pseudonym could be traced to a person.
    pub fn owners_known(&self) -> bool {
        (0..self.subjects.len() as u32).any(|s| self.owner(s).is_some())
    }

    /// The person a subject belongs to: the one most of its rows belong to where the release
    /// kept `record_id`, else the one view person whose points include every point of the
    /// subject (none when several do).
    pub fn owner(&self, subject: u32) -> Option<i64> {
        let s = subject as usize;
        self.voted_owner[s].or_else(|| {
            *self.traced_owner[s]
                .get_or_init(|| covering_person(self.events_of(subject), &self.view_tokens))
        })
    }

    /// Whether `subject` belongs to `person`, whose view points are `tokens` (sorted): a
    /// subject with a point the person does not have is ruled out without tracing it.
    pub fn owned_by(&self, subject: u32, person: i64, tokens: &[(i64, u32)]) -> bool {
        let covered = || {
            self.events_of(subject)
                .iter()
                .all(|&(_, b, z)| tokens.binary_search(&(b, z)).is_ok())
        };
        if self.voted_owner[subject as usize].is_none() && !covered() {
            return false;
        }
        self.owner(subject) == Some(person)
    }

    /// Events of one subject.
    pub fn events_of(&self, subject: u32) -> &[(u32, i64, u32)] {
        let s = subject as usize;
        &self.events[self.event_starts[s]..self.event_starts[s + 1]]
    }

    /// Subjects with an event in `zone` at a bin in `[lo, hi]`, sorted and distinct.
    pub fn subjects_at(&self, zone: u32, lo: i64, hi: i64) -> Vec<u32> {
        let Some(list) = self.by_zone.get(&zone) else {
            return Vec::new();
        };
        let a = list.partition_point(|e| e.0 < lo);
        let b = list.partition_point(|e| e.0 <= hi);
        let mut s: Vec<u32> = list[a..b].iter().map(|e| e.1).collect();
        s.sort_unstable();
        s.dedup();
        s
    }
}

/// Everything the attacks need.
pub(crate) struct World {
    pub operator: String,
    pub bin_s: i64,
    pub zones: Zones,
    pub persons: BTreeMap<i64, Person>,
    pub targets: Vec<i64>,
    pub controls: Vec<i64>,
    pub release: Release,
    /// `(kind, value)` of every MSISDN, IMSI, IMEI and account number of the view's register
    /// and every number in its records, sorted and distinct.
    pub identifiers: Vec<(&'static str, String)>,
}

/// Raw rows of the view keyed for the owner join: `(record_id, person)`, sorted.
#[derive(Default)]
struct RawIndex {
    by_record: Vec<(i64, i64)>,
}

impl RawIndex {
    fn record(&self, id: i64) -> Option<i64> {
        let i = self.by_record.partition_point(|r| r.0 < id);
        self.by_record.get(i).filter(|r| r.0 == id).map(|r| r.1)
    }
}

impl World {
    /// Loads truth, view and release for `inputs`.
    pub fn load(inputs: &RiskInputs) -> Result<World, RiskError> {
        let params = &inputs.params;
        let operator = view_operator(inputs.input)?;
        let zones = load_zones(inputs.input, inputs.view.spatial_level)?;
        let bin_s = inputs.view.time_bin_s;

        // Who holds which SIM.
        let mut sims_of: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let mut person_of_msisdn: HashMap<String, i64> = HashMap::new();
        let mut operator_of: HashMap<String, String> = HashMap::new();
        read::scan_dataset(
            inputs.dataset,
            "person_sims",
            &["person_id", "msisdn", "operator"],
            |rows| {
                let (id, msisdn, op) = (
                    need(rows.i64s("person_id")?, "person_sims.person_id")?,
                    need(rows.strings("msisdn")?, "person_sims.msisdn")?,
                    need(rows.strings("operator")?, "person_sims.operator")?,
                );
                for i in 0..rows.len() {
                    let (Some(id), Some(m)) = (id[i], text(&msisdn, i)) else {
                        continue;
                    };
                    sims_of.entry(id).or_default().push(m.to_owned());
                    person_of_msisdn.insert(m.to_owned(), id);
                    operator_of.insert(m.to_owned(), op.value(i).to_owned());
                }
                Ok(())
            },
        )?;
        if sims_of.is_empty() {
            return Err(RiskError::Missing(format!(
                "{}: no person_sims (the truth of the dataset)",
                inputs.dataset.root().display()
            )));
        }

        // The view's raw events: owner index, other parties, and target persons' tokens.
        let mut raw: BTreeMap<&str, RawIndex> = BTreeMap::new();
        let mut other_parties: HashSet<String> = HashSet::new();
        let mut view_events: Vec<(i64, i64, i64)> = Vec::new();
        for (table, time_col, cell_col) in EVENT_TABLES {
            let index = raw.entry(table).or_default();
            read::scan(
                inputs.input,
                table,
                &[
                    "record_id",
                    "served_msisdn",
                    time_col,
                    cell_col,
                    "other_party",
                ],
                |rows| {
                    let msisdn = need(rows.strings("served_msisdn")?, "served_msisdn")?;
                    let times = need(rows.seconds(time_col)?, time_col)?;
                    let cells = need(rows.i64s(cell_col)?, cell_col)?;
                    let records = rows.i64s("record_id")?;
                    if let Some(other) = rows.strings("other_party")? {
                        other_parties.extend(other.iter().flatten().map(str::to_owned));
                    }
                    for i in 0..rows.len() {
                        let Some(&person) = text(&msisdn, i).and_then(|m| person_of_msisdn.get(m))
                        else {
                            continue;
                        };
                        let (Some(t), Some(c)) = (times[i], cells[i]) else {
                            continue;
                        };
                        if let Some(Some(r)) = records.as_ref().map(|r| r[i]) {
                            index.by_record.push((r, person));
                        }
                        view_events.push((person, t, c));
                    }
                    Ok(())
                },
            )?;
            index.by_record.sort_unstable();
        }

        let mut identifiers: Vec<(&'static str, String)> = other_parties
            .iter()
            .map(|m| ("msisdn", m.clone()))
            .collect();
        read::scan(
            inputs.input,
            "subscribers",
            &["msisdn", "imsi", "imei"],
            |rows| {
                for kind in ["msisdn", "imsi", "imei"] {
                    if let Some(values) = rows.strings(kind)? {
                        identifiers.extend(values.iter().flatten().map(|v| (kind, v.to_owned())));
                    }
                }
                Ok(())
            },
        )?;
        identifiers.sort_unstable();
        identifiers.dedup();

        // Targets and controls.
        let holds_target = |sims: &[String]| {
            sims.iter()
                .any(|m| operator_of.get(m).is_some_and(|o| *o == operator))
        };
        let target_candidates: Vec<i64> = sims_of
            .iter()
            .filter(|(_, s)| holds_target(s))
            .map(|(&id, _)| id)
            .collect();
        let control_candidates: Vec<i64> = sims_of
            .iter()
            .filter(|(_, s)| !holds_target(s) && !s.iter().any(|m| other_parties.contains(m)))
            .map(|(&id, _)| id)
            .collect();
        let targets = sample(
            &target_candidates,
            params.targets,
            params.seed,
            Purpose::Targets,
        );
        let controls = sample(
            &control_candidates,
            params.controls,
            params.seed,
            Purpose::Controls,
        );
        let mut persons: BTreeMap<i64, Person> = targets
            .iter()
            .chain(&controls)
            .map(|&id| (id, Person::default()))
            .collect();
        load_persons(inputs.dataset, &mut persons)?;
        load_sims(inputs.dataset, &sims_of, &mut persons)?;
        load_stays(inputs.dataset, &mut persons)?;

        // Every view person's points at the release's level, for owners without record_id.
        let mut view_tokens: Vec<((i64, u32), i64)> = Vec::with_capacity(view_events.len());
        for &(person, t, cell) in &view_events {
            if let Some(zone) = zones.of_cell(cell) {
                view_tokens.push(((bin(t, bin_s), zone), person));
                if let Some(p) = persons.get_mut(&person) {
                    p.tokens.push((bin(t, bin_s), zone));
                }
            }
        }
        drop(view_events);
        view_tokens.sort_unstable();
        view_tokens.dedup();
        load_control_tokens(inputs.dataset, &zones, bin_s, &controls, &mut persons)?;
        for p in persons.values_mut() {
            p.tokens.sort_unstable();
            p.tokens.dedup();
        }

        let mut release = load_release(inputs, &zones, &raw)?;
        release.view_tokens = view_tokens;
        Ok(World {
            operator,
            bin_s,
            zones,
            persons,
            targets,
            controls,
            release,
            identifiers,
        })
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

/// The operator of the view: the one most of its register's rows belong to.
fn view_operator(input: &Path) -> Result<String, RiskError> {
    let mut operators = Vec::new();
    read::scan(input, "subscribers", &["operator"], |rows| {
        let op = need(rows.strings("operator")?, "subscribers.operator")?;
        operators.extend(op.iter().flatten().map(str::to_owned));
        Ok(())
    })?;
    mode(operators).ok_or_else(|| {
        RiskError::Missing(format!("{}: the view has no subscribers", input.display()))
    })
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
        zones.cells.push((key, lon, lat, zone, district));
    }
    Ok(zones)
}

fn load_persons(dataset: &Dataset, persons: &mut BTreeMap<i64, Person>) -> Result<(), RiskError> {
    read::scan_dataset(
        dataset,
        "persons",
        &["person_id", "home_district_code", "nationality"],
        |rows| {
            let id = need(rows.i64s("person_id")?, "persons.person_id")?;
            let home = need(
                rows.strings("home_district_code")?,
                "persons.home_district_code",
            )?;
            let nationality = need(rows.strings("nationality")?, "persons.nationality")?;
            for i in 0..rows.len() {
                if let Some(p) = id[i].and_then(|id| persons.get_mut(&id)) {
                    p.home_district_code = text(&home, i).unwrap_or("").to_owned();
                    p.nationality = text(&nationality, i).unwrap_or("").to_owned();
                }
            }
            Ok(())
        },
    )
}

fn load_sims(
    dataset: &Dataset,
    sims_of: &BTreeMap<i64, Vec<String>>,
    persons: &mut BTreeMap<i64, Person>,
) -> Result<(), RiskError> {
    let mut wanted: HashMap<&str, i64> = HashMap::new();
    for &id in persons.keys() {
        for m in &sims_of[&id] {
            wanted.insert(m, id);
        }
    }
    let columns = [
        "operator",
        "msisdn",
        "imsi",
        "imei",
        "subscriber_id",
        "holder_name",
        "id_number",
        "email",
    ];
    let mut found: Vec<(i64, Sim)> = Vec::new();
    let mut wanted_columns: Vec<&str> = columns.to_vec();
    wanted_columns.extend(REGISTER_COLUMNS);
    wanted_columns.sort_unstable();
    wanted_columns.dedup();
    read::scan_dataset(dataset, "subscribers", &wanted_columns, |rows| {
        let get = |c: &str| rows.strings(c);
        let cols = columns
            .iter()
            .map(|c| get(c))
            .collect::<Result<Vec<_>, _>>()?;
        let register = REGISTER_COLUMNS
            .iter()
            .map(|c| Ok((*c, get(c)?)))
            .collect::<Result<Vec<_>, RiskError>>()?;
        let Some(msisdn) = &cols[1] else {
            return Err(RiskError::Missing(
                "column subscribers.msisdn is missing".into(),
            ));
        };
        for i in 0..rows.len() {
            let Some(&person) = text(msisdn, i).and_then(|m| wanted.get(m)) else {
                continue;
            };
            let value = |k: usize| {
                cols[k]
                    .as_ref()
                    .and_then(|c| text(c, i))
                    .unwrap_or("")
                    .to_owned()
            };
            found.push((
                person,
                Sim {
                    operator: value(0),
                    msisdn: value(1),
                    imsi: value(2),
                    imei: value(3),
                    subscriber_id: value(4),
                    holder_name: value(5),
                    id_number: value(6),
                    email: value(7),
                    register: register
                        .iter()
                        .filter_map(|(c, v)| Some((*c, text(v.as_ref()?, i)?.to_owned())))
                        .collect(),
                },
            ));
        }
        Ok(())
    })?;
    found.sort_by(|a, b| (a.0, &a.1.msisdn).cmp(&(b.0, &b.1.msisdn)));
    for (person, sim) in found {
        if let Some(p) = persons.get_mut(&person) {
            p.sims.push(sim);
        }
    }
    Ok(())
}

fn load_stays(dataset: &Dataset, persons: &mut BTreeMap<i64, Person>) -> Result<(), RiskError> {
    let columns = [
        "person_id",
        "kind",
        "start_time",
        "end_time",
        "start_lat",
        "start_lon",
        "district_code",
        "purpose",
    ];
    read::scan_dataset(dataset, "trajectories", &columns, |rows| {
        let id = need(rows.i64s("person_id")?, "trajectories.person_id")?;
        let kind = need(rows.strings("kind")?, "trajectories.kind")?;
        let start = need(rows.seconds("start_time")?, "trajectories.start_time")?;
        let end = need(rows.seconds("end_time")?, "trajectories.end_time")?;
        let lat = need(rows.f64s("start_lat")?, "trajectories.start_lat")?;
        let lon = need(rows.f64s("start_lon")?, "trajectories.start_lon")?;
        let district = need(rows.strings("district_code")?, "trajectories.district_code")?;
        let purpose = need(rows.strings("purpose")?, "trajectories.purpose")?;
        for i in 0..rows.len() {
            let Some(p) = id[i].and_then(|id| persons.get_mut(&id)) else {
                continue;
            };
            if text(&kind, i) != Some("stay") {
                continue;
            }
            if let (Some(s), Some(e), Some(y), Some(x)) = (start[i], end[i], lat[i], lon[i]) {
                p.stays.push(Stay {
                    start: s,
                    end: e,
                    lon: x,
                    lat: y,
                    district_code: text(&district, i).unwrap_or("").to_owned(),
                    purpose: text(&purpose, i).unwrap_or("").to_owned(),
                });
            }
        }
        Ok(())
    })?;
    for p in persons.values_mut() {
        p.stays.sort_by_key(|s| (s.start, s.end));
    }
    Ok(())
}

/// Control persons' points: their own operator's records in the dataset, placed at the release's
/// level (at cell level, at the view's cell nearest to their cell's site).
fn load_control_tokens(
    dataset: &Dataset,
    zones: &Zones,
    bin_s: i64,
    controls: &[i64],
    persons: &mut BTreeMap<i64, Person>,
) -> Result<(), RiskError> {
    let mut owner: HashMap<String, i64> = HashMap::new();
    for id in controls {
        for sim in &persons[id].sims {
            owner.insert(sim.msisdn.clone(), *id);
        }
    }
    if owner.is_empty() {
        return Ok(());
    }
    let cells: HashMap<i64, (f64, f64, String)> = cell_sites(&dataset.files("cells"))?
        .into_iter()
        .map(|(key, lon, lat, district)| (key, (lon, lat, district)))
        .collect();
    let mut zone_of_cell: HashMap<i64, Option<u32>> = HashMap::new();
    for (table, time_col, cell_col) in EVENT_TABLES {
        read::scan_dataset(
            dataset,
            table,
            &["served_msisdn", time_col, cell_col],
            |rows: &Rows| {
                let msisdn = need(rows.strings("served_msisdn")?, "served_msisdn")?;
                let times = need(rows.seconds(time_col)?, time_col)?;
                let cell = need(rows.i64s(cell_col)?, cell_col)?;
                for i in 0..rows.len() {
                    let Some(&person) = text(&msisdn, i).and_then(|m| owner.get(m)) else {
                        continue;
                    };
                    let (Some(t), Some(c)) = (times[i], cell[i]) else {
                        continue;
                    };
                    let zone = *zone_of_cell.entry(c).or_insert_with(|| {
                        cells
                            .get(&c)
                            .and_then(|(x, y, d)| zones.of_place(*x, *y, d))
                    });
                    if let (Some(zone), Some(p)) = (zone, persons.get_mut(&person)) {
                        p.tokens.push((bin(t, bin_s), zone));
                    }
                }
                Ok(())
            },
        )?;
    }
    Ok(())
}

fn load_release(
    inputs: &RiskInputs,
    zones: &Zones,
    raw: &BTreeMap<&str, RawIndex>,
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
    release.traced_owner = (0..release.subjects.len())
        .map(|_| OnceLock::new())
        .collect();
    release.nationality = release_nationalities(&micro, &release.subjects)?;
    release.pseudonyms = pseudonyms.into_iter().collect();
    Ok(release)
}

/// The one view person whose raw points, at the release's level, include every released point
/// of a subject; `None` when no person or several do. `view_tokens` is sorted, so the persons
/// at one point are sorted too and membership is a binary search: at district-hour level a
/// point holds thousands of persons.
fn covering_person(events: &[(u32, i64, u32)], view_tokens: &[((i64, u32), i64)]) -> Option<i64> {
    let mut lists: Vec<&[((i64, u32), i64)]> = events
        .iter()
        .map(|&(_, b, z)| {
            let lo = view_tokens.partition_point(|t| t.0 < (b, z));
            let hi = view_tokens.partition_point(|t| t.0 <= (b, z));
            &view_tokens[lo..hi]
        })
        .collect();
    lists.sort_by_key(|l| l.len());
    let holds = |list: &[((i64, u32), i64)], p: i64| list.binary_search_by_key(&p, |t| t.1).is_ok();
    let mut candidates: Vec<i64> = lists.first()?.iter().map(|t| t.1).collect();
    for list in &lists[1..] {
        if candidates.len() * 8 < list.len() {
            candidates.retain(|&p| holds(list, p));
        } else {
            // Lists of similar length: one merge pass over both, both sorted by person.
            let mut rest = list.iter().map(|t| t.1).peekable();
            candidates.retain(|&p| {
                while rest.next_if(|&q| q < p).is_some() {}
                rest.peek() == Some(&p)
            });
        }
        if candidates.len() <= 1 {
            break;
        }
    }
    match candidates.as_slice() {
        [one] if lists.iter().all(|l| holds(l, *one)) => Some(*one),
        _ => None,
    }
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
    use super::covering_person;

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
        // Persons 1..=40 share points A and B (lists of similar length: merged); only person
        // 7 was also at C (a short list: binary searches).
        let (a, b, c) = ((0, 1), (3_600, 1), (7_200, 2));
        let view = tokens(&[a, b], 40, &[(c, 7), (c, 9)]);
        let events = |pts: &[(i64, u32)]| pts.iter().map(|&(t, z)| (0, t, z)).collect::<Vec<_>>();
        assert_eq!(
            covering_person(&events(&[a, b]), &view),
            None,
            "40 persons cover it"
        );
        assert_eq!(
            covering_person(&events(&[c]), &view),
            None,
            "2 persons cover it"
        );
        let view = tokens(&[a, b], 40, &[(c, 7)]);
        assert_eq!(covering_person(&events(&[a, b, c]), &view), Some(7));
        // A point nobody has.
        assert_eq!(covering_person(&events(&[a, (9_999, 3)]), &view), None);
        // Two long lists overlapping in one person, found by the merge.
        let mut view: Vec<_> = (1..=40)
            .map(|p| (a, p))
            .chain((40..=79).map(|p| (b, p)))
            .collect();
        view.sort_unstable();
        assert_eq!(covering_person(&events(&[a, b]), &view), Some(40));
        view.push((b, 39));
        view.sort_unstable();
        assert_eq!(covering_person(&events(&[a, b]), &view), None, "39 and 40");
    }
}
