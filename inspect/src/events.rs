//! Scenario events (`[[gathering]]`, `[[outage]]`), from the truth and the operator's view.
//!
//! * A gathering's attendees on one of its days are the persons with an `event` stay at its
//!   venue that day (`trajectories`); the expectation is the attendance probability times the
//!   eligible residents of the dataset (`persons`: home district in the catchment, and the
//!   audience's ethnic group). Residents away on a trip or working in Singapore that day do not
//!   attend, so attendance runs slightly under it.
//! * An outage's failed cells are the operator's cells whose site is within its radius; they
//!   must carry no record while down. Its neighbours are the operator's other cells within the
//!   rural [`FALLBACK_REACH_KM`] of the disc: their voice calls and the share failed or dropped during
//!   the window are set against the mean of the same clock hours on the other days. Data
//!   records closed by `radio_loss` count the sessions the outage cut.

use arrow_array::Array;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;
use std::path::Path;

use serde::Serialize;
use telcosynth_generator::events::outage::FALLBACK_REACH_KM;
use telcosynth_generator::events::{Gathering, Outage};
use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::public_data::{districts, operators};
use telcosynth_generator::scenario::{self, Scenario};
use telcosynth_generator::tables;

use crate::error::InspectError;
use crate::period::Period;
use telcosynth_sinks::Manifest;
use telcosynth_sinks::read::DatasetReader;

/// Seconds in a day.
const DAY_S: i64 = 86_400;

/// Attendance of a gathering on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GatheringDay {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Persons with an `event` stay at the venue that day.
    pub attendees: u64,
    /// Attendance probability × eligible residents of the dataset.
    pub expected: f64,
}

/// One gathering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GatheringFigures {
    /// Its name.
    pub name: String,
    /// `concert` or `festival`.
    pub kind: String,
    /// Residents of the dataset who may attend.
    pub eligible: u64,
    /// Its days inside the period.
    pub days: Vec<GatheringDay>,
}

/// One outage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutageFigures {
    /// Its name.
    pub name: String,
    /// Operator whose sites fail, or `all`.
    pub operator: String,
    /// Failed cells.
    pub failed_cells: u64,
    /// CDR records on failed cells while they are down (0 expected).
    pub records_on_failed_cells: u64,
    /// Neighbouring cells.
    pub neighbour_cells: u64,
    /// Voice calls on neighbouring cells during the window.
    pub calls_during: u64,
    /// Mean of the same clock hours on the other days of the period.
    pub calls_usual: f64,
    /// Share of those calls failed or dropped during the window, %.
    pub failed_pct_during: f64,
    /// The same share on the other days, %.
    pub failed_pct_usual: f64,
    /// Data records closed by `radio_loss` in the whole dataset (every outage together).
    pub radio_losses: u64,
}

/// The events section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Events {
    /// One entry per gathering, in scenario order.
    pub gatherings: Vec<GatheringFigures>,
    /// One entry per outage, in scenario order.
    pub outages: Vec<OutageFigures>,
}

impl Events {
    /// The report section.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for g in &self.gatherings {
            let _ = writeln!(
                out,
                "{} ({}), {} eligible residents:",
                g.name, g.kind, g.eligible
            );
            out.push_str("  date        attendees  expected\n");
            for d in &g.days {
                let _ = writeln!(out, "  {}  {:>9}  {:>8.1}", d.date, d.attendees, d.expected);
            }
        }
        for o in &self.outages {
            let _ = writeln!(
                out,
                "{} ({}): {} failed cells carried {} records while down; {} neighbouring cells \
                 carried {} voice calls in the window against {:.1} in the same hours of other \
                 days, {:.1} % failed or dropped against {:.1} %; {} data records ended in \
                 radio_loss",
                o.name,
                o.operator,
                o.failed_cells,
                o.records_on_failed_cells,
                o.neighbour_cells,
                o.calls_during,
                o.calls_usual,
                o.failed_pct_during,
                o.failed_pct_usual,
                o.radio_losses
            );
        }
        out
    }
}

/// The events of the dataset's scenario, or `None` when it has none.
pub(crate) fn events(
    data: &DatasetReader,
    manifest: &Manifest,
    manifest_path: &Path,
    period: &Period,
) -> Result<Option<Events>, InspectError> {
    // Only a scenario with events needs the full parse (a hand-made manifest may hold no more
    // than its period).
    let text = &manifest.scenario.text;
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    if !table.contains_key("gathering") && !table.contains_key("outage") {
        return Ok(None);
    }
    let scenario = scenario::parse("manifest", text, &tables::names()).map_err(|e| {
        InspectError::Scenario {
            path: manifest_path.to_owned(),
            message: e.to_string(),
        }
    })?;
    if scenario.gatherings().is_empty() && scenario.outages().is_empty() {
        return Ok(None);
    }
    Ok(Some(Events {
        gatherings: gatherings(data, &scenario, period)?,
        outages: outages(data, &scenario, period)?,
    }))
}

fn gatherings(
    data: &DatasetReader,
    scenario: &Scenario,
    period: &Period,
) -> Result<Vec<GatheringFigures>, InspectError> {
    let all = scenario.gatherings();
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let index: HashMap<&str, u16> = districts().iter().map(|d| (d.code, d.index)).collect();
    let mut eligible = vec![0u64; all.len()];
    data.scan::<InspectError>("persons", &["home_district_code", "ethnicity"], |rows| {
        let (district, ethnicity) = (
            rows.strings("home_district_code")?,
            rows.strings("ethnicity")?,
        );
        for i in 0..rows.len() {
            let Some(&d) = index.get(district.value(i)) else {
                continue;
            };
            for (g, count) in all.iter().zip(&mut eligible) {
                let audience = g.audience.is_none_or(|e| e.label() == ethnicity.value(i));
                if audience && g.catchment.binary_search(&d).is_ok() {
                    *count += 1;
                }
            }
        }
        Ok(())
    })?;
    let mut attendees: BTreeMap<(usize, i64), HashSet<i64>> = BTreeMap::new();
    let columns = [
        "person_id",
        "purpose",
        "start_time",
        "start_lat",
        "start_lon",
    ];
    data.scan::<InspectError>("trajectories", &columns, |rows| {
        let (person, purpose) = (rows.i64s("person_id")?, rows.strings("purpose")?);
        let start = rows.seconds("start_time")?;
        let (lat, lon) = (rows.f64s("start_lat")?, rows.f64s("start_lon")?);
        for i in 0..rows.len() {
            if purpose.value(i) != "event" {
                continue;
            }
            let day = period.local_day(start[i]);
            let at = |g: &Gathering| distance_km((lon[i], lat[i]), g.venue.point()) < 0.01;
            if let Some(g) = all.iter().position(at) {
                attendees.entry((g, day)).or_default().insert(person[i]);
            }
        }
        Ok(())
    })?;
    let first = scenario.start_date();
    Ok(all
        .iter()
        .enumerate()
        .map(|(k, g)| GatheringFigures {
            name: g.name.clone(),
            kind: g.kind.label().to_owned(),
            eligible: eligible[k],
            days: (0..period.days)
                .zip(first.iter_days())
                .filter(|&(_, date)| g.on(date))
                .map(|(d, _)| GatheringDay {
                    date: period.date(d),
                    attendees: attendees
                        .get(&(k, i64::from(d)))
                        .map_or(0, |s| s.len() as u64),
                    expected: g.attendance * eligible[k] as f64,
                })
                .collect(),
        })
        .collect())
}

fn outages(
    data: &DatasetReader,
    scenario: &Scenario,
    period: &Period,
) -> Result<Vec<OutageFigures>, InspectError> {
    let all = scenario.outages();
    if all.is_empty() {
        return Ok(Vec::new());
    }
    // Per outage: failed and neighbouring cell keys.
    let mut failed: Vec<HashSet<i64>> = vec![HashSet::new(); all.len()];
    let mut neighbours: Vec<HashSet<i64>> = vec![HashSet::new(); all.len()];
    data.scan::<InspectError>("cells", &["cell_key", "operator", "lat", "lon"], |rows| {
        let (key, operator) = (rows.i64s("cell_key")?, rows.strings("operator")?);
        let (lat, lon) = (rows.f64s("lat")?, rows.f64s("lon")?);
        for i in 0..rows.len() {
            for (k, o) in all.iter().enumerate() {
                if !fails_for(o, operator.value(i)) {
                    continue;
                }
                let km = distance_km((lon[i], lat[i]), o.centre);
                if km <= o.radius_km {
                    failed[k].insert(key[i]);
                } else if km <= o.radius_km + FALLBACK_REACH_KM.1 {
                    neighbours[k].insert(key[i]);
                }
            }
        }
        Ok(())
    })?;
    let n = all.len();
    let mut on_failed = vec![0u64; n];
    // (calls, failed or dropped) in the window, and in the same hours of other days.
    let mut during = vec![(0u64, 0u64); n];
    let mut usual = vec![(0u64, 0u64); n];
    let columns = ["record_type", "start_time", "first_cell_key", "result"];
    data.scan::<InspectError>("cdr", &columns, |rows| {
        let (kind, result) = (rows.strings("record_type")?, rows.strings("result")?);
        let (start, cells) = (
            rows.seconds("start_time")?,
            rows.nullable_i64s("first_cell_key")?,
        );
        for (i, &t) in start.iter().enumerate() {
            // Roaming records abroad have no cell.
            if cells.is_null(i) {
                continue;
            }
            let cell = cells.value(i);
            for (k, o) in all.iter().enumerate() {
                if o.is_on(t) && failed[k].contains(&cell) {
                    on_failed[k] += 1;
                }
                let voice = matches!(kind.value(i), "MOC" | "MTC");
                if !voice || !neighbours[k].contains(&cell) {
                    continue;
                }
                let bad = u64::from(matches!(result.value(i), "failed" | "dropped"));
                let shifted = t - (t - o.start).div_euclid(DAY_S) * DAY_S;
                if o.is_on(t) {
                    during[k].0 += 1;
                    during[k].1 += bad;
                } else if shifted < o.end {
                    usual[k].0 += 1;
                    usual[k].1 += bad;
                }
            }
        }
        Ok(())
    })?;
    let mut radio_losses = 0u64;
    data.scan::<InspectError>("ip_sessions", &["closing_cause"], |rows| {
        let cause = rows.strings("closing_cause")?;
        radio_losses += (0..rows.len())
            .filter(|&i| cause.value(i) == "radio_loss")
            .count() as u64;
        Ok(())
    })?;
    let pct = |(calls, bad): (u64, u64)| {
        if calls == 0 {
            0.0
        } else {
            100.0 * bad as f64 / calls as f64
        }
    };
    Ok(all
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let other_days = f64::from(period.days.saturating_sub(1).max(1));
            OutageFigures {
                name: o.name.clone(),
                operator: o
                    .operator
                    .map_or("all".to_owned(), |i| operators()[i].name.to_owned()),
                failed_cells: failed[k].len() as u64,
                records_on_failed_cells: on_failed[k],
                neighbour_cells: neighbours[k].len() as u64,
                calls_during: during[k].0,
                calls_usual: usual[k].0 as f64 / other_days,
                failed_pct_during: pct(during[k]),
                failed_pct_usual: pct(usual[k]),
                radio_losses,
            }
        })
        .collect())
}

/// Whether outage `o` takes down cells of the operator named `name`.
fn fails_for(o: &Outage, name: &str) -> bool {
    o.operator.is_none_or(|i| operators()[i].name == name)
}
