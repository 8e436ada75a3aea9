//! The figures: one streaming pass per table into per-SIM and per-person aggregates, then the
//! values. Each figure is a [`Measure`]: a value with what it was computed over, or why it is not
//! available.

use std::collections::HashMap;

use arrow_array::Array;

use telcosynth_generator::geography::projection::{KM_PER_DEG_LAT, distance_km, km_per_deg_lon};

use crate::error::InspectError;
use crate::period::{Period, is_night};
use telcosynth_sinks::read::{DatasetReader, Rows};

/// SIMs need at least this many located records for the radius of gyration and home detection.
pub const MIN_RECORDS: u32 = 10;

/// Bytes per GB (decimal, as operators report data volumes).
const BYTES_PER_GB: f64 = 1e9;

/// One computed figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Figure id (a target id of `targets.toml`).
    pub id: &'static str,
    /// The value, or why there is none.
    pub value: Result<f64, String>,
    /// What the value was computed over, e.g. `27012 SIMs × 7 days`.
    pub basis: String,
}

/// A cell's site position and district.
struct Cell {
    lon: f64,
    lat: f64,
    district: u32,
}

/// What is kept per SIM of the register.
#[derive(Default)]
struct Sim {
    /// The person using it (person_sims).
    person: Option<i64>,
    /// Whether its register holder is someone other than that person (person_sims.holder_id
    /// null or another person); `None` when person_sims has no holder_id.
    held_by_other: Option<bool>,
    /// Bit `d` set when the SIM has a record on day `d` of the period.
    active: Vec<u64>,
    /// Located records in the period.
    located: u32,
    /// (cell key, records, night records) of the located records.
    cells: Vec<(i64, u32, u32)>,
}

impl Sim {
    fn mark_active(&mut self, day: u32) {
        let (word, bit) = ((day / 64) as usize, day % 64);
        if self.active.len() <= word {
            self.active.resize(word + 1, 0);
        }
        self.active[word] |= 1 << bit;
    }

    fn add_cell(&mut self, cell: i64, night: bool) {
        self.located += 1;
        let i = match self.cells.iter().position(|c| c.0 == cell) {
            Some(i) => i,
            None => {
                self.cells.push((cell, 0, 0));
                self.cells.len() - 1
            }
        };
        self.cells[i].1 += 1;
        self.cells[i].2 += u32::from(night);
    }

    /// The cell seen most often at night, or at any hour if never at night; ties go to the
    /// smallest cell key.
    fn home_cell(&self) -> Option<i64> {
        let best = |count: fn(&(i64, u32, u32)) -> u32| {
            self.cells
                .iter()
                .filter(|c| count(c) > 0)
                .max_by(|a, b| count(a).cmp(&count(b)).then(b.0.cmp(&a.0)))
                .map(|c| c.0)
        };
        best(|c| c.2).or_else(|| best(|c| c.1))
    }
}

/// What is kept per person.
struct Person {
    /// Home (lon, lat).
    home: (f64, f64),
    district: u32,
    /// (work point (lon, lat), stays there).
    work: Vec<((f64, f64), u32)>,
}

/// District codes as small integers.
#[derive(Default)]
struct Districts(HashMap<String, u32>);

impl Districts {
    fn id(&mut self, code: &str) -> u32 {
        let next = self.0.len() as u32;
        *self.0.entry(code.to_owned()).or_insert(next)
    }
}

/// Record counts over the register's SIMs in the period (every figure uses the same records).
#[derive(Default)]
struct Counts {
    voice: u64,
    sms_mo: u64,
    cdr: u64,
    bytes: u128,
    moc: u64,
    moc_answered: u64,
    moc_dropped: u64,
    /// Records of SIMs that are not in the register.
    unknown_sim: u64,
    /// Records outside the period.
    outside_period: u64,
    /// Records on cells not in `cells`.
    unknown_cell: u64,
    /// Records whose served IMSI is not one (a data-quality fault).
    malformed_imsi: u64,
}

/// Computes every figure of the dataset; also returns warnings about records left out.
pub(crate) fn measure(
    data: &DatasetReader,
    period: &Period,
) -> Result<(Vec<Measure>, Vec<String>), InspectError> {
    let mut districts = Districts::default();
    let cells = read_cells(data, &mut districts)?;
    let (sim_index, mut sims) = read_register(data)?;
    let mut persons = read_persons(data, &mut districts)?;
    let columns = ["imsi", "person_id", "holder_id"];
    data.scan_present::<InspectError>("person_sims", &columns, |rows| {
        let (imsi, person) = (rows.strings("imsi")?, rows.i64s("person_id")?);
        let holder = rows.cast_i64s("holder_id")?;
        for (i, &person) in person.iter().enumerate() {
            if let Some(&s) = sim_index.get(&parse_imsi(rows, "imsi", imsi.value(i))?) {
                let sim = &mut sims[s as usize];
                sim.person = Some(person);
                sim.held_by_other = holder.as_ref().map(|h| h[i] != Some(person));
            }
        }
        Ok(())
    })?;

    let mut counts = Counts::default();
    // A record without a cell (roaming abroad) locates nothing.
    let locate = |sim: &mut Sim, cell: Option<i64>, t: i64, counts: &mut Counts| {
        let Some(cell) = cell else { return };
        if cells.contains_key(&cell) {
            sim.add_cell(cell, is_night(t));
        } else {
            counts.unknown_cell += 1;
        }
    };
    let columns = [
        "served_imsi",
        "record_type",
        "start_time",
        "first_cell_key",
        "result",
    ];
    data.scan::<InspectError>("cdr", &columns, |rows| {
        let imsi = rows.strings("served_imsi")?;
        let (kind, result) = (rows.strings("record_type")?, rows.strings("result")?);
        let (start, cell) = (
            rows.seconds("start_time")?,
            rows.nullable_i64s("first_cell_key")?,
        );
        for (i, &t) in start.iter().enumerate() {
            let Some(day) = period.day_index(t) else {
                counts.outside_period += 1;
                continue;
            };
            let Some(imsi) = imsi_number(imsi.value(i)) else {
                counts.malformed_imsi += 1;
                continue;
            };
            let Some(&s) = sim_index.get(&imsi) else {
                counts.unknown_sim += 1;
                continue;
            };
            let kind = kind.value(i);
            if kind == "MOC" {
                counts.moc += 1;
                match result.value(i) {
                    "answered" => counts.moc_answered += 1,
                    "dropped" => counts.moc_dropped += 1,
                    _ => {}
                }
            }
            counts.cdr += 1;
            counts.voice += u64::from(kind == "MOC" || kind == "MTC");
            counts.sms_mo += u64::from(kind == "SMS_MO");
            let sim = &mut sims[s as usize];
            sim.mark_active(day);
            locate(sim, cell.is_valid(i).then(|| cell.value(i)), t, &mut counts);
        }
        Ok(())
    })?;
    let columns = [
        "served_imsi",
        "start_time",
        "cell_key",
        "bytes_up",
        "bytes_down",
    ];
    data.scan::<InspectError>("ip_sessions", &columns, |rows| {
        let imsi = rows.strings("served_imsi")?;
        let (start, cell) = (rows.seconds("start_time")?, rows.nullable_i64s("cell_key")?);
        let (up, down) = (rows.i64s("bytes_up")?, rows.i64s("bytes_down")?);
        for i in 0..rows.len() {
            let Some(day) = period.day_index(start[i]) else {
                counts.outside_period += 1;
                continue;
            };
            let Some(imsi) = imsi_number(imsi.value(i)) else {
                counts.malformed_imsi += 1;
                continue;
            };
            let Some(&s) = sim_index.get(&imsi) else {
                counts.unknown_sim += 1;
                continue;
            };
            for (column, v) in [("bytes_up", up[i]), ("bytes_down", down[i])] {
                if v < 0 {
                    return Err(rows
                        .bad_value(column, format!("negative byte count {v}"))
                        .into());
                }
                counts.bytes += v as u128;
            }
            let sim = &mut sims[s as usize];
            sim.mark_active(day);
            locate(
                sim,
                cell.is_valid(i).then(|| cell.value(i)),
                start[i],
                &mut counts,
            );
        }
        Ok(())
    })?;
    let (trips, unknown_persons) = read_trajectories(data, period, &mut persons)?;

    let mut out = Vec::new();
    sim_figures(data, period, &sims, &counts, &mut out);
    location_figures(data, &cells, &sims, &persons, &mut out);
    person_figures(data, period, &persons, trips, &mut out);
    call_figures(data, &counts, &mut out);
    register_figures(data, &sims, &mut out);

    let mut warnings = Vec::new();
    let mut warn = |n: u64, what: &str| {
        if n > 0 {
            warnings.push(format!("{n} {what} left out"));
        }
    };
    warn(
        counts.unknown_sim,
        "cdr/ip_sessions records of SIMs not in subscribers were",
    );
    warn(
        counts.outside_period,
        "cdr/ip_sessions records outside the period were",
    );
    warn(
        counts.unknown_cell,
        "cdr/ip_sessions records on cells not in cells were",
    );
    warn(
        counts.malformed_imsi,
        "cdr/ip_sessions records whose served IMSI is not one were",
    );
    warn(
        unknown_persons,
        "trajectories rows of persons not in persons were",
    );
    Ok((out, warnings))
}

/// Per SIM-day figures over the register.
fn sim_figures(
    data: &DatasetReader,
    period: &Period,
    sims: &[Sim],
    c: &Counts,
    out: &mut Vec<Measure>,
) {
    let register = need(data, &["subscribers"]).and_then(|()| {
        if sims.is_empty() {
            Err("subscribers has no rows".to_owned())
        } else {
            Ok(sims.len() as f64 * f64::from(period.days))
        }
    });
    let basis = format!("{} SIMs × {} days", sims.len(), period.days);
    let per_sim_day = |tables: &[&str], total: f64| {
        register
            .clone()
            .and_then(|n| need(data, tables).map(|()| total / n))
    };
    let mut push = |id, value| {
        out.push(Measure {
            id,
            value,
            basis: basis.clone(),
        })
    };
    push(
        "voice_records_per_sim_day",
        per_sim_day(&["cdr"], c.voice as f64),
    );
    push(
        "sms_sent_per_sim_day",
        per_sim_day(&["cdr"], c.sms_mo as f64),
    );
    push(
        "cdr_records_per_sim_day",
        per_sim_day(&["cdr"], c.cdr as f64),
    );
    let active: u64 = sims
        .iter()
        .flat_map(|s| &s.active)
        .map(|w| u64::from(w.count_ones()))
        .sum();
    let active =
        need_any(data, &["cdr", "ip_sessions"]).and_then(|()| per_sim_day(&[], active as f64));
    push("active_sim_share_per_day", active.clone());
    // How many days of the period each SIM is active.
    let days: Vec<u32> = sims
        .iter()
        .map(|s| s.active.iter().map(|w| w.count_ones()).sum())
        .collect();
    let share_of_sims = |keep: &dyn Fn(u32) -> bool| {
        active
            .clone()
            .map(|_| days.iter().filter(|&&d| keep(d)).count() as f64 / days.len() as f64)
    };
    push(
        "sims_active_every_day_share",
        share_of_sims(&|d| d == period.days),
    );
    let weekly = share_of_sims(&|d| at_most_weekly(d, period.days)).and_then(|share| {
        if period.days < 7 {
            Err(format!(
                "needs 7 days to tell weekly use, the period has {}",
                period.days
            ))
        } else {
            Ok(share)
        }
    });
    push("sims_active_at_most_weekly_share", weekly);
    push(
        "data_gb_per_sim_day",
        per_sim_day(&["ip_sessions"], c.bytes as f64 / BYTES_PER_GB),
    );
}

/// Whether a SIM active on `days` of a period of `period` days is active at least once and at
/// most one day in seven.
fn at_most_weekly(days: u32, period: u32) -> bool {
    days > 0 && 7 * days <= period
}

/// Radius of gyration and home detection over SIMs with enough located records.
fn location_figures(
    data: &DatasetReader,
    cells: &HashMap<i64, Cell>,
    sims: &[Sim],
    persons: &HashMap<i64, Person>,
    out: &mut Vec<Measure>,
) {
    let located: Vec<&Sim> = sims.iter().filter(|s| s.located >= MIN_RECORDS).collect();
    let usable = need(data, &["subscribers", "cells"])
        .and_then(|()| need_any(data, &["cdr", "ip_sessions"]))
        .and_then(|()| {
            if located.is_empty() {
                Err(format!("no SIM has {MIN_RECORDS} located records"))
            } else {
                Ok(())
            }
        });
    let basis = format!(
        "{} SIMs with ≥ {MIN_RECORDS} located records",
        located.len()
    );
    let mut radii: Vec<f64> = located.iter().map(|s| gyration_km(s, cells)).collect();
    radii.sort_by(f64::total_cmp);
    let rg = |f: &dyn Fn(&[f64]) -> f64| usable.clone().map(|()| f(&radii));
    for (id, p) in [("rg_p10_km", 0.1), ("rg_p50_km", 0.5), ("rg_p90_km", 0.9)] {
        out.push(Measure {
            id,
            value: rg(&|r| quantile(r, p)),
            basis: basis.clone(),
        });
    }
    out.push(Measure {
        id: "rg_share_above_100km",
        value: rg(&|r| r.iter().filter(|&&r| r > 100.0).count() as f64 / r.len() as f64),
        basis: basis.clone(),
    });

    let (mut evaluated, mut correct) = (0u64, 0u64);
    for sim in &located {
        let home = sim.person.and_then(|p| persons.get(&p));
        if let (Some(person), Some(cell)) = (home, sim.home_cell()) {
            evaluated += 1;
            correct += u64::from(cells[&cell].district == person.district);
        }
    }
    let value = usable
        .and_then(|()| need(data, &["person_sims", "persons"]))
        .and_then(|()| {
            if evaluated == 0 {
                Err("no located SIM has a person in person_sims and persons".into())
            } else {
                Ok(correct as f64 / evaluated as f64)
            }
        });
    out.push(Measure {
        id: "home_detection_accuracy",
        value,
        basis: format!("{evaluated} SIMs with ≥ {MIN_RECORDS} located records and a known person"),
    });
}

/// Trips and commutes of persons.
fn person_figures(
    data: &DatasetReader,
    period: &Period,
    persons: &HashMap<i64, Person>,
    trips: u64,
    out: &mut Vec<Measure>,
) {
    let usable = need(data, &["trajectories", "persons"]);
    let value = usable.clone().and_then(|()| {
        if persons.is_empty() {
            Err("persons has no rows".into())
        } else {
            Ok(trips as f64 / (persons.len() as f64 * f64::from(period.days)))
        }
    });
    out.push(Measure {
        id: "trips_per_person_day",
        value,
        basis: format!("{} persons × {} days", persons.len(), period.days),
    });

    let mut commutes: Vec<f64> = persons
        .values()
        .filter_map(|p| {
            let work = p.work.iter().max_by(|a, b| {
                a.1.cmp(&b.1)
                    .then(b.0.1.total_cmp(&a.0.1))
                    .then(b.0.0.total_cmp(&a.0.0))
            })?;
            Some(distance_km(p.home, work.0))
        })
        .collect();
    commutes.sort_by(f64::total_cmp);
    let basis = format!("{} persons with work stays", commutes.len());
    for (id, p) in [("commute_p50_km", 0.5), ("commute_p90_km", 0.9)] {
        let value = usable.clone().and_then(|()| {
            if commutes.is_empty() {
                Err("no person has a work stay".into())
            } else {
                Ok(quantile(&commutes, p))
            }
        });
        out.push(Measure {
            id,
            value,
            basis: basis.clone(),
        });
    }
}

/// Results of originating voice calls.
fn call_figures(data: &DatasetReader, c: &Counts, out: &mut Vec<Measure>) {
    let share = |part: u64, whole: u64, what: &str| {
        need(data, &["cdr"]).and_then(|()| {
            if whole == 0 {
                Err(format!("no {what}"))
            } else {
                Ok(part as f64 / whole as f64)
            }
        })
    };
    out.push(Measure {
        id: "voice_answered_share",
        value: share(c.moc_answered, c.moc, "MOC records"),
        basis: format!("{} MOC records", c.moc),
    });
    let established = c.moc_answered + c.moc_dropped;
    out.push(Measure {
        id: "voice_dropped_rate",
        value: share(
            c.moc_dropped,
            established,
            "answered or dropped MOC records",
        ),
        basis: format!("{established} answered or dropped MOC records"),
    });
}

/// The share of the register's SIMs whose registered holder is not their user (a parent, a
/// relative, an employer), over the SIMs person_sims knows the user and holder of.
fn register_figures(data: &DatasetReader, sims: &[Sim], out: &mut Vec<Measure>) {
    let known: Vec<bool> = sims.iter().filter_map(|s| s.held_by_other).collect();
    let other = known.iter().filter(|&&o| o).count();
    let value = need(data, &["subscribers", "person_sims"]).and_then(|()| {
        if known.is_empty() {
            Err("no SIM of the register has a holder in person_sims.holder_id".into())
        } else {
            Ok(other as f64 / known.len() as f64)
        }
    });
    out.push(Measure {
        id: "register_holder_other_share",
        value,
        basis: format!("{} SIMs with a known user and holder", known.len()),
    });
}

/// `Ok` if the dataset has every table, else which one is missing.
fn need(data: &DatasetReader, tables: &[&str]) -> Result<(), String> {
    match tables.iter().find(|t| !data.has(t)) {
        Some(t) => Err(format!("table {t} is not in the dataset")),
        None => Ok(()),
    }
}

/// `Ok` if the dataset has at least one of the tables.
fn need_any(data: &DatasetReader, tables: &[&str]) -> Result<(), String> {
    if tables.iter().any(|t| data.has(t)) {
        Ok(())
    } else {
        Err(format!(
            "tables {} are not in the dataset",
            tables.join(", ")
        ))
    }
}

fn read_cells(
    data: &DatasetReader,
    districts: &mut Districts,
) -> Result<HashMap<i64, Cell>, InspectError> {
    let mut cells = HashMap::new();
    data.scan::<InspectError>(
        "cells",
        &["cell_key", "lat", "lon", "district_code"],
        |rows| {
            let (key, lat, lon) = (rows.i64s("cell_key")?, rows.f64s("lat")?, rows.f64s("lon")?);
            let district = rows.strings("district_code")?;
            for i in 0..rows.len() {
                let cell = Cell {
                    lon: lon[i],
                    lat: lat[i],
                    district: districts.id(district.value(i)),
                };
                cells.insert(key[i], cell);
            }
            Ok(())
        },
    )?;
    Ok(cells)
}

/// The register: IMSI → index into the returned SIMs.
fn read_register(data: &DatasetReader) -> Result<(HashMap<u64, u32>, Vec<Sim>), InspectError> {
    let mut index = HashMap::new();
    data.scan::<InspectError>("subscribers", &["imsi"], |rows| {
        let imsi = rows.strings("imsi")?;
        for i in 0..rows.len() {
            let next = index.len() as u32;
            index
                .entry(parse_imsi(rows, "imsi", imsi.value(i))?)
                .or_insert(next);
        }
        Ok(())
    })?;
    let sims = (0..index.len()).map(|_| Sim::default()).collect();
    Ok((index, sims))
}

fn read_persons(
    data: &DatasetReader,
    districts: &mut Districts,
) -> Result<HashMap<i64, Person>, InspectError> {
    let mut persons = HashMap::new();
    let columns = ["person_id", "home_district_code", "home_lat", "home_lon"];
    data.scan::<InspectError>("persons", &columns, |rows| {
        let (id, district) = (rows.i64s("person_id")?, rows.strings("home_district_code")?);
        let (lat, lon) = (rows.f64s("home_lat")?, rows.f64s("home_lon")?);
        for i in 0..rows.len() {
            let person = Person {
                home: (lon[i], lat[i]),
                district: districts.id(district.value(i)),
                work: Vec::new(),
            };
            persons.insert(id[i], person);
        }
        Ok(())
    })?;
    Ok(persons)
}

/// Counts the moves of known persons in the period and collects their work stay points;
/// returns the trips and the rows of unknown persons.
fn read_trajectories(
    data: &DatasetReader,
    period: &Period,
    persons: &mut HashMap<i64, Person>,
) -> Result<(u64, u64), InspectError> {
    let (mut trips, mut unknown) = (0, 0);
    let columns = [
        "person_id",
        "kind",
        "start_time",
        "purpose",
        "start_lat",
        "start_lon",
    ];
    data.scan::<InspectError>("trajectories", &columns, |rows| {
        let (id, kind, purpose) = (
            rows.i64s("person_id")?,
            rows.strings("kind")?,
            rows.strings("purpose")?,
        );
        let (start, lat, lon) = (
            rows.seconds("start_time")?,
            rows.f64s("start_lat")?,
            rows.f64s("start_lon")?,
        );
        for i in 0..rows.len() {
            if period.day_index(start[i]).is_none() {
                continue;
            }
            let Some(person) = persons.get_mut(&id[i]) else {
                unknown += 1;
                continue;
            };
            match (kind.value(i), purpose.value(i)) {
                ("move", _) => trips += 1,
                ("stay", "work") => {
                    let point = (lon[i], lat[i]);
                    match person.work.iter_mut().find(|w| w.0 == point) {
                        Some(w) => w.1 += 1,
                        None => person.work.push((point, 1)),
                    }
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok((trips, unknown))
}

/// An IMSI (up to 15 digits) as a number; `None` for any other text.
fn imsi_number(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse::<u64>().ok()).flatten()
}

/// An IMSI of the register as a number; any other text is an error.
fn parse_imsi(rows: &Rows<'_>, column: &str, text: &str) -> Result<u64, InspectError> {
    match imsi_number(text) {
        Some(v) => Ok(v),
        None => Err(InspectError::from(rows.bad_value(
            column,
            format!("\"{text}\" is not an IMSI of up to 15 digits"),
        ))),
    }
}

/// Radius of gyration in km of a SIM's located records at their cells' sites: the root mean
/// square distance from their centre of mass, on a plane tangent at the centre's latitude.
fn gyration_km(sim: &Sim, cells: &HashMap<i64, Cell>) -> f64 {
    let points: Vec<(&Cell, f64)> = sim
        .cells
        .iter()
        .map(|c| (&cells[&c.0], f64::from(c.1)))
        .collect();
    let n: f64 = points.iter().map(|p| p.1).sum();
    let mean = |f: fn(&Cell) -> f64| points.iter().map(|(c, w)| f(c) * w).sum::<f64>() / n;
    let (lon0, lat0) = (mean(|c| c.lon), mean(|c| c.lat));
    let kx = km_per_deg_lon(lat0);
    let squares: f64 = points
        .iter()
        .map(|(c, w)| {
            let (dx, dy) = ((c.lon - lon0) * kx, (c.lat - lat0) * KM_PER_DEG_LAT);
            w * (dx * dx + dy * dy)
        })
        .sum();
    (squares / n).sqrt()
}

/// The `p` quantile of sorted values, interpolating linearly between closest ranks.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.9), 4.6);
        assert_eq!(quantile(&v, 0.1), 1.4);
        assert_eq!(quantile(&[7.0], 0.9), 7.0);
    }

    #[test]
    fn home_cell_prefers_nights_then_counts_then_small_keys() {
        let mut sim = Sim::default();
        for _ in 0..3 {
            sim.add_cell(9, false);
        }
        assert_eq!(sim.home_cell(), Some(9));
        sim.add_cell(5, true);
        assert_eq!(sim.home_cell(), Some(5));
        sim.add_cell(2, true);
        assert_eq!(sim.home_cell(), Some(2), "tie at one night record each");
        sim.add_cell(5, true);
        assert_eq!(sim.home_cell(), Some(5));
        assert_eq!(sim.located, 6);
    }

    #[test]
    fn weekly_use_is_one_day_in_seven_at_most() {
        assert!(at_most_weekly(1, 7) && at_most_weekly(2, 14) && at_most_weekly(1, 13));
        assert!(!at_most_weekly(0, 14) && !at_most_weekly(2, 13) && !at_most_weekly(7, 7));
    }

    #[test]
    fn active_days_are_bits() {
        let mut sim = Sim::default();
        for day in [0, 0, 3, 64, 300] {
            sim.mark_active(day);
        }
        let days: u32 = sim.active.iter().map(|w| w.count_ones()).sum();
        assert_eq!(days, 4);
    }
}
