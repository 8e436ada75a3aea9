//! The people an assessment is about, loaded once per view and shared by every release
//! assessed against it: the SIM holders of the dataset's truth, the target and control persons
//! sampled among them with their truth, identifiers and own raw points, and the view's raw events
//! that owners of released pseudonyms are found from.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::knowledge::{EVENT_TABLES, cell_sites, mode, need};
use super::sample::{Purpose, sample};
use super::{RiskError, RiskParams};
use telcosynth_sinks::read::{DatasetReader, Rows, text};

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
    /// Person key of the register holder (`person_sims.holder_id`; the user when the dataset
    /// has no such column, as registers had no other holders before it); `None` for a company
    /// line: the name a leaked register row gives is this person's, not always the user's.
    pub holder: Option<i64>,
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
    /// `(time, cell key)` of the person's own raw records: for targets the view's, for
    /// controls their operator's in the dataset.
    pub points: Vec<(i64, i64)>,
    /// The part of `points` from one SIM, the one with the most records (the smallest MSISDN
    /// among ties): a subscriber's trace, as unicity is defined on.
    pub trace: Vec<(i64, i64)>,
}

/// Sampled persons' points per SIM, from which each person's [`Person::trace`] is chosen.
#[derive(Default)]
struct Traces(HashMap<i64, BTreeMap<String, Vec<(i64, i64)>>>);

impl Traces {
    fn push(&mut self, person: i64, msisdn: &str, t: i64, cell: i64) {
        let sims = self.0.entry(person).or_default();
        match sims.get_mut(msisdn) {
            Some(points) => points.push((t, cell)),
            None => {
                sims.insert(msisdn.to_owned(), vec![(t, cell)]);
            }
        }
    }

    /// Gives each person the points of their SIM with the most records.
    fn give(self, persons: &mut BTreeMap<i64, Person>) {
        for (id, sims) in self.0 {
            let Some(person) = persons.get_mut(&id) else {
                continue;
            };
            // Ascending MSISDNs: `max_by_key` keeps the last of equal maxima, so reverse.
            if let Some((_, points)) = sims.into_iter().rev().max_by_key(|(_, p)| p.len()) {
                person.trace = points;
            }
        }
    }
}

/// The sampled persons and the view's raw events: what does not depend on the release.
pub struct Population {
    /// Operator of the view (the target population's operator).
    pub(crate) operator: String,
    /// Sampled targets and controls, by person id.
    pub(crate) persons: BTreeMap<i64, Person>,
    /// Persons with a SIM of the view's operator, sampled.
    pub(crate) targets: Vec<i64>,
    /// Persons without one, whose numbers never appear in the view, sampled.
    pub(crate) controls: Vec<i64>,
    /// `(kind, value)` of every MSISDN, IMSI, IMEI and account number of the view's register
    /// and every number in its records, sorted and distinct.
    pub(crate) identifiers: Vec<(&'static str, String)>,
    /// `(person, time, cell key)` of every view event of a known person.
    pub(crate) view_events: ViewEvents,
    /// Per event table, the person each `record_id` of the view belongs to.
    pub(crate) raw: BTreeMap<&'static str, RawIndex>,
    /// Sites of the cells control persons used: key → (lon, lat, district code).
    pub(crate) control_sites: HashMap<i64, (f64, f64, String)>,
}

impl Population {
    /// Loads the truth of `dataset` and the operator view at `input`, and samples persons as
    /// `params` say.
    pub fn load(
        dataset: &DatasetReader,
        input: &Path,
        params: &RiskParams,
    ) -> Result<Population, RiskError> {
        let operator = view_operator(input)?;

        // Who uses which SIM (person_id), and who it is registered to (holder_id).
        let mut sims_of: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let mut person_of_msisdn: HashMap<String, i64> = HashMap::new();
        let mut operator_of: HashMap<String, String> = HashMap::new();
        let mut holder_of: HashMap<String, Option<i64>> = HashMap::new();
        dataset.scan_present::<RiskError>(
            "person_sims",
            &["person_id", "msisdn", "operator", "holder_id"],
            |rows| {
                let (id, msisdn, op) = (
                    need(rows.cast_i64s("person_id")?, "person_sims.person_id")?,
                    need(rows.cast_strings("msisdn")?, "person_sims.msisdn")?,
                    need(rows.cast_strings("operator")?, "person_sims.operator")?,
                );
                let holder = rows.cast_i64s("holder_id")?;
                for i in 0..rows.len() {
                    let (Some(id), Some(m)) = (id[i], text(&msisdn, i)) else {
                        continue;
                    };
                    sims_of.entry(id).or_default().push(m.to_owned());
                    person_of_msisdn.insert(m.to_owned(), id);
                    operator_of.insert(m.to_owned(), op.value(i).to_owned());
                    let held_by = holder.as_ref().map_or(Some(id), |h| h[i]);
                    holder_of.insert(m.to_owned(), held_by);
                }
                Ok(())
            },
        )?;
        if sims_of.is_empty() {
            return Err(RiskError::Missing(format!(
                "{}: no person_sims (the truth of the dataset)",
                dataset.root().display()
            )));
        }

        // Targets: persons with a SIM of the view's operator.
        let holds_target = |sims: &[String]| {
            sims.iter()
                .any(|m| operator_of.get(m).is_some_and(|o| *o == operator))
        };
        let target_candidates: Vec<i64> = sims_of
            .iter()
            .filter(|(_, s)| holds_target(s))
            .map(|(&id, _)| id)
            .collect();
        let targets = sample(
            &target_candidates,
            params.targets,
            params.seed,
            Purpose::Targets,
        );
        let is_target: HashSet<i64> = targets.iter().copied().collect();
        let mut traces = Traces::default();

        // The view's raw events: owner index, other parties, and targets' SIM traces.
        let mut raw: BTreeMap<&'static str, RawIndex> = BTreeMap::new();
        let mut other_parties: HashSet<String> = HashSet::new();
        let mut view_events = ViewEvents::default();
        for (table, time_col, cell_col) in EVENT_TABLES {
            let index = raw.entry(table).or_default();
            DatasetReader::folder(input).scan_present::<RiskError>(
                table,
                &[
                    "record_id",
                    "served_msisdn",
                    time_col,
                    cell_col,
                    "other_party",
                ],
                |rows| {
                    let msisdn = need(rows.cast_strings("served_msisdn")?, "served_msisdn")?;
                    let times = need(rows.cast_seconds(time_col)?, time_col)?;
                    let cells = need(rows.cast_i64s(cell_col)?, cell_col)?;
                    let records = rows.cast_i64s("record_id")?;
                    if let Some(other) = rows.cast_strings("other_party")? {
                        for m in other.iter().flatten() {
                            if !other_parties.contains(m) {
                                other_parties.insert(m.to_owned());
                            }
                        }
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
                        view_events.push(person, t, c);
                        if is_target.contains(&person) {
                            traces.push(person, text(&msisdn, i).unwrap_or_default(), t, c);
                        }
                    }
                    Ok(())
                },
            )?;
            index.by_record.sort_unstable();
            index.by_record.shrink_to_fit();
        }
        view_events.events.shrink_to_fit();

        let mut identifiers: Vec<(&'static str, String)> = other_parties
            .iter()
            .map(|m| ("msisdn", m.clone()))
            .collect();
        DatasetReader::folder(input).scan_present::<RiskError>(
            "subscribers",
            &["msisdn", "imsi", "imei"],
            |rows| {
                for kind in ["msisdn", "imsi", "imei"] {
                    if let Some(values) = rows.cast_strings(kind)? {
                        identifiers.extend(values.iter().flatten().map(|v| (kind, v.to_owned())));
                    }
                }
                Ok(())
            },
        )?;
        identifiers.sort_unstable();
        identifiers.dedup();

        // Controls.
        let control_candidates: Vec<i64> = sims_of
            .iter()
            .filter(|(_, s)| !holds_target(s) && !s.iter().any(|m| other_parties.contains(m)))
            .map(|(&id, _)| id)
            .collect();
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
        load_persons(dataset, &mut persons)?;
        load_sims(dataset, &sims_of, &holder_of, &mut persons)?;
        load_stays(dataset, &mut persons)?;

        for (person, t, cell) in view_events.iter() {
            if let Some(p) = persons.get_mut(&person) {
                p.points.push((t, cell));
            }
        }
        traces.give(&mut persons);
        let control_sites = load_control_points(dataset, &controls, &mut persons)?;
        Ok(Population {
            operator,
            persons,
            targets,
            controls,
            identifiers,
            view_events,
            raw,
            control_sites,
        })
    }
}

impl Population {
    /// The group membership inference leaves out of the neighbouring input: half the sampled
    /// targets (keyed by `seed`), with the MSISDNs of their SIMs of the view's operator.
    pub fn neighbour_group(&self, seed: u64) -> NeighbourGroup {
        let removed = sample(
            &self.targets,
            self.targets.len() / 2,
            seed,
            Purpose::Neighbour,
        );
        let msisdns = removed
            .iter()
            .flat_map(|id| &self.persons[id].sims)
            .filter(|sim| sim.operator == self.operator)
            .map(|sim| sim.msisdn.clone())
            .collect();
        NeighbourGroup { removed, msisdns }
    }
}

/// Sampled targets whose records a neighbouring input lacks.
#[derive(Debug, Clone)]
pub struct NeighbourGroup {
    /// Their person ids, sorted.
    pub removed: Vec<i64>,
    /// Their SIMs' MSISDNs of the view's operator: every row of the view served to one of them
    /// is left out of the neighbouring input.
    pub msisdns: BTreeSet<String>,
}

/// `(person, time, cell key)` of view events, held as three 32-bit numbers each (persons
/// and cells numbered as first seen, times in seconds since the epoch): at full density the
/// view has a hundred million events.
#[derive(Default)]
pub(crate) struct ViewEvents {
    persons: Vec<i64>,
    person_index: HashMap<i64, u32>,
    cells: Vec<i64>,
    cell_index: HashMap<i64, u32>,
    events: Vec<(u32, u32, u32)>,
}

impl ViewEvents {
    /// Adds an event; one at a time outside `u32` seconds (after 2106) cannot be held and is
    /// left out.
    fn push(&mut self, person: i64, t: i64, cell: i64) {
        let Ok(t) = u32::try_from(t) else {
            return;
        };
        let number = |values: &mut Vec<i64>, index: &mut HashMap<i64, u32>, v: i64| {
            *index.entry(v).or_insert_with(|| {
                values.push(v);
                values.len() as u32 - 1
            })
        };
        let p = number(&mut self.persons, &mut self.person_index, person);
        let c = number(&mut self.cells, &mut self.cell_index, cell);
        self.events.push((p, t, c));
    }

    /// Every event as `(person, time, cell key)`, in the order added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (i64, i64, i64)> + '_ {
        self.events.iter().map(|&(p, t, c)| {
            (
                self.persons[p as usize],
                i64::from(t),
                self.cells[c as usize],
            )
        })
    }
}

/// Raw rows of the view keyed for the owner join: `(record_id, person)`, sorted.
#[derive(Default)]
pub(crate) struct RawIndex {
    by_record: Vec<(i64, i64)>,
}

impl RawIndex {
    pub(crate) fn record(&self, id: i64) -> Option<i64> {
        let i = self.by_record.partition_point(|r| r.0 < id);
        self.by_record.get(i).filter(|r| r.0 == id).map(|r| r.1)
    }
}

/// The operator of the view: the one most of its register's rows belong to.
fn view_operator(input: &Path) -> Result<String, RiskError> {
    let mut operators = Vec::new();
    DatasetReader::folder(input).scan_present::<RiskError>(
        "subscribers",
        &["operator"],
        |rows| {
            let op = need(rows.cast_strings("operator")?, "subscribers.operator")?;
            operators.extend(op.iter().flatten().map(str::to_owned));
            Ok(())
        },
    )?;
    mode(operators).ok_or_else(|| {
        RiskError::Missing(format!("{}: the view has no subscribers", input.display()))
    })
}

fn load_persons(
    dataset: &DatasetReader,
    persons: &mut BTreeMap<i64, Person>,
) -> Result<(), RiskError> {
    dataset.scan_present::<RiskError>(
        "persons",
        &["person_id", "home_district_code", "nationality"],
        |rows| {
            let id = need(rows.cast_i64s("person_id")?, "persons.person_id")?;
            let home = need(
                rows.cast_strings("home_district_code")?,
                "persons.home_district_code",
            )?;
            let nationality = need(rows.cast_strings("nationality")?, "persons.nationality")?;
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
    dataset: &DatasetReader,
    sims_of: &BTreeMap<i64, Vec<String>>,
    holder_of: &HashMap<String, Option<i64>>,
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
    dataset.scan_present::<RiskError>("subscribers", &wanted_columns, |rows| {
        let get = |c: &str| rows.cast_strings(c);
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
                    holder: holder_of.get(&value(1)).copied().unwrap_or(Some(person)),
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

fn load_stays(
    dataset: &DatasetReader,
    persons: &mut BTreeMap<i64, Person>,
) -> Result<(), RiskError> {
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
    dataset.scan_present::<RiskError>("trajectories", &columns, |rows| {
        let id = need(rows.cast_i64s("person_id")?, "trajectories.person_id")?;
        let kind = need(rows.cast_strings("kind")?, "trajectories.kind")?;
        let start = need(rows.cast_seconds("start_time")?, "trajectories.start_time")?;
        let end = need(rows.cast_seconds("end_time")?, "trajectories.end_time")?;
        let lat = need(rows.cast_f64s("start_lat")?, "trajectories.start_lat")?;
        let lon = need(rows.cast_f64s("start_lon")?, "trajectories.start_lon")?;
        let district = need(
            rows.cast_strings("district_code")?,
            "trajectories.district_code",
        )?;
        let purpose = need(rows.cast_strings("purpose")?, "trajectories.purpose")?;
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

/// Control persons' points: their own operator's records in the dataset; returns the sites of
/// the cells they used (key: lon, lat, district code).
fn load_control_points(
    dataset: &DatasetReader,
    controls: &[i64],
    persons: &mut BTreeMap<i64, Person>,
) -> Result<HashMap<i64, (f64, f64, String)>, RiskError> {
    let mut owner: HashMap<String, i64> = HashMap::new();
    for id in controls {
        for sim in &persons[id].sims {
            owner.insert(sim.msisdn.clone(), *id);
        }
    }
    if owner.is_empty() {
        return Ok(HashMap::new());
    }
    let cells: HashMap<i64, (f64, f64, String)> = cell_sites(dataset)?
        .into_iter()
        .map(|(key, lon, lat, district)| (key, (lon, lat, district)))
        .collect();
    let mut used: HashMap<i64, (f64, f64, String)> = HashMap::new();
    let mut traces = Traces::default();
    for (table, time_col, cell_col) in EVENT_TABLES {
        dataset.scan_present::<RiskError>(
            table,
            &["served_msisdn", time_col, cell_col],
            |rows: &Rows| {
                let msisdn = need(rows.cast_strings("served_msisdn")?, "served_msisdn")?;
                let times = need(rows.cast_seconds(time_col)?, time_col)?;
                let cell = need(rows.cast_i64s(cell_col)?, cell_col)?;
                for i in 0..rows.len() {
                    let Some((m, &person)) =
                        text(&msisdn, i).and_then(|m| Some((m, owner.get(m)?)))
                    else {
                        continue;
                    };
                    let (Some(t), Some(c)) = (times[i], cell[i]) else {
                        continue;
                    };
                    if let (Some(site), Some(p)) = (cells.get(&c), persons.get_mut(&person)) {
                        used.entry(c).or_insert_with(|| site.clone());
                        p.points.push((t, c));
                        traces.push(person, m, t, c);
                    }
                }
                Ok(())
            },
        )?;
    }
    traces.give(persons);
    Ok(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_is_the_busiest_sim_and_the_smallest_number_among_ties() {
        let mut traces = Traces::default();
        for (person, msisdn, t) in [
            (1, "60112", 10),
            (1, "60111", 20),
            (1, "60112", 30),
            (2, "60129", 40),
            (2, "60121", 50),
            (3, "60131", 60),
        ] {
            traces.push(person, msisdn, t, 7);
        }
        let mut persons: BTreeMap<i64, Person> = [1, 2]
            .into_iter()
            .map(|id| (id, Person::default()))
            .collect();
        traces.give(&mut persons);
        assert_eq!(persons[&1].trace, vec![(10, 7), (30, 7)]);
        assert_eq!(persons[&2].trace, vec![(50, 7)]);
        // Persons not sampled get nothing.
        assert_eq!(persons.len(), 2);
    }
}
