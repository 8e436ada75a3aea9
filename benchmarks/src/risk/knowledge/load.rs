//! Loading what the attacks work on from the pipeline's input and release folders: the view's
//! cells as zones, and the release's events per pseudonym with their nationality.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use telcosynth_generator::public_data::districts;
use telcosynth_sinks::read::{DatasetReader, text};

use super::super::population::RawIndex;
use super::super::{RiskError, RiskInputs, SpatialLevel};
use super::levels::{Zones, bin, grid_bucket};
use super::{Distinct, Release};

/// Event tables of the operator view: name, time column, cell column.
pub(crate) const EVENT_TABLES: [(&str, &str, &str); 2] = [
    ("cdr", "start_time", "first_cell_key"),
    ("ip_sessions", "start_time", "cell_key"),
];

/// Columns that identify the served subscriber of an event row, in order of preference.
const SUBJECT_COLUMNS: [&str; 3] = ["served_msisdn", "served_imsi", "served_imei"];

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

pub(super) fn load_zones(input: &Path, level: SpatialLevel) -> Result<Zones, RiskError> {
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

pub(super) fn load_release(
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
