//! Data-quality faults (`[faults]`): each kind's count in the truth table `faults`, per record
//! table, beside what its configured rate makes of the table's clean records.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use arrow_array::Array;
use serde::Serialize;
use telcosynth_generator::faults::{FaultRates, Kind, gateway_limit_bytes, switch_cut_s};
use telcosynth_sinks::Manifest;
use telcosynth_sinks::read::DatasetReader;

use crate::error::InspectError;
use crate::period::Period;

/// One kind of fault in one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultCount {
    /// Fault kind (`faults.kind`).
    pub kind: String,
    /// `cdr` or `ip_sessions`.
    pub table: String,
    /// Faults of the kind: records affected; skewed site-days for `clock_skew`; calls or data
    /// records split for `long_call_split` and `long_session_split`.
    pub count: u64,
    /// What the rate applies to: the table's clean records (the rows less duplicates and
    /// split calls' later parts; those with a cell for cell and location faults, those before
    /// the last day for late arrivals), its site-days, its calls longer than their switch's
    /// cut or its data records over their gateway's volume limit.
    pub eligible: u64,
    /// `count / eligible`.
    pub share: f64,
    /// The configured rate.
    pub rate: f64,
    /// Whether the count is within four binomial standard deviations (and one) of the rate's
    /// expectation. Number formats apply only to Malaysian numbers, so with foreign numbers in
    /// the table that count sits below.
    pub within_sampling_error: bool,
}

/// Every fault kind's count in `cdr` and `ip_sessions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Faults {
    /// By table, then kind in `[faults]` order (split calls for `cdr` only, split data
    /// records for `ip_sessions` only).
    pub counts: Vec<FaultCount>,
}

impl Faults {
    /// The report section.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "Faults injected into the operator's records (truth table faults) against their \
             configured rates\n\n",
        );
        out.push_str("table        kind                   count    eligible   share     rate\n");
        for c in &self.counts {
            let _ = writeln!(
                out,
                "{:11}  {:20}  {:>7}  {:>10}  {:>7.5}  {:>7.5}{}",
                c.table,
                c.kind,
                c.count,
                c.eligible,
                c.share,
                c.rate,
                if c.within_sampling_error {
                    ""
                } else {
                    "  (outside sampling error)"
                }
            );
        }
        out
    }
}

/// Counts of the `faults` table of one record table.
#[derive(Default)]
struct Listed {
    by_kind: HashMap<String, u64>,
    /// Rows that are not records of their own: duplicates and split calls' later parts.
    added: u64,
    /// Ids of the rows of split records (every part).
    split_ids: HashSet<i64>,
    /// Skewed (site, local day index) pairs.
    skewed: HashSet<(i32, i64)>,
}

/// What the scans of a record table count.
#[derive(Default)]
struct Scanned {
    rows: u64,
    /// Rows with a cell.
    with_cell: u64,
    /// Rows of the period's last local day.
    last_day: u64,
    /// (site, local day index) pairs with a record.
    site_days: HashSet<(i32, i64)>,
    /// Calls longer than their switch's cut, or data records over their gateway's volume
    /// limit, that are not split.
    long: u64,
}

/// The fault counts of the dataset, or `None` when its scenario has no `[faults]` (or does not
/// parse with this build) or it has no `faults` table.
pub(crate) fn faults(
    data: &DatasetReader,
    manifest: &Manifest,
    period: &Period,
) -> Result<Option<Faults>, InspectError> {
    let Ok(scenario) = telcosynth_generator::scenario::parse(
        telcosynth_sinks::MANIFEST_FILE,
        &manifest.scenario.text,
        &telcosynth_generator::tables::names(),
    ) else {
        return Ok(None);
    };
    let rates = telcosynth_generator::plan::fault_rates(&scenario);
    if rates.is_off() || !data.has("faults") {
        return Ok(None);
    }
    let mut listed: BTreeMap<String, Listed> = BTreeMap::new();
    let columns = [
        "kind",
        "table",
        "record_id",
        "original_record_id",
        "column",
        "original_value",
        "site_id",
    ];
    data.scan::<InspectError>("faults", &columns, |rows| {
        let (kind, table) = (rows.strings("kind")?, rows.strings("table")?);
        let (id, original) = (rows.i64s("record_id")?, rows.i64s("original_record_id")?);
        let column = rows.nullable_strings("column")?;
        let original_value = rows.nullable_strings("original_value")?;
        let site = rows.cast_i64s("site_id")?.unwrap_or_default();
        for i in 0..rows.len() {
            let entry = listed.entry(table.value(i).to_owned()).or_default();
            let kind = kind.value(i);
            let split = kind == Kind::LongCallSplit.name() || kind == Kind::LongSessionSplit.name();
            let later_part = split && id[i] != original[i];
            if split {
                entry.split_ids.insert(id[i]);
            }
            if later_part
                || kind == Kind::ExactDuplicate.name()
                || kind == Kind::NearDuplicate.name()
            {
                entry.added += 1;
            }
            if kind == Kind::ClockSkew.name() {
                // The skewed record's clean start (the first of its changed times).
                let start = original_value.value(i).split(',').next();
                if let (Some(Some(s)), Some(Ok(t))) = (site.get(i), start.map(str::parse)) {
                    entry.skewed.insert((*s as i32, period.local_day(t)));
                }
                continue;
            }
            if split && (later_part || column.is_null(i)) {
                continue;
            }
            *entry.by_kind.entry(kind.to_owned()).or_default() += 1;
        }
        Ok(())
    })?;
    let sites = cell_sites(data)?;
    let seed = manifest.seed;
    let mut counts = Vec::new();
    for (table, cell) in [("cdr", "first_cell_key"), ("ip_sessions", "cell_key")] {
        if !data.has(table) {
            continue;
        }
        let listed = listed.remove(table).unwrap_or_default();
        let scanned = scan(data, table, cell, &sites, (period, seed), &listed.split_ids)?;
        counts.extend(table_counts(table, &rates, &listed, &scanned, period));
    }
    Ok(Some(Faults { counts }))
}

/// Cell key → site.
fn cell_sites(data: &DatasetReader) -> Result<HashMap<i64, i32>, InspectError> {
    let mut sites = HashMap::new();
    if data.has("cells") {
        data.scan::<InspectError>("cells", &["cell_key", "site_id"], |rows| {
            let key = rows.i64s("cell_key")?;
            let site = rows.cast_i64s("site_id")?.unwrap_or_default();
            for (k, s) in key.iter().zip(site) {
                sites.insert(*k, s.unwrap_or(-1) as i32);
            }
            Ok(())
        })?;
    }
    Ok(sites)
}

fn scan(
    data: &DatasetReader,
    table: &str,
    cell: &str,
    sites: &HashMap<i64, i32>,
    (period, seed): (&Period, u64),
    split: &HashSet<i64>,
) -> Result<Scanned, InspectError> {
    let mut s = Scanned::default();
    let cdr = table == "cdr";
    let mut columns = vec![cell, "start_time", "operator", "record_id"];
    if cdr {
        columns.push("duration_s");
    } else {
        columns.extend(["bytes_up", "bytes_down"]);
    }
    // Per operator: its switch's cut (cdr) or its gateway's volume limit (ip_sessions).
    let mut limits: HashMap<String, i64> = HashMap::new();
    data.scan::<InspectError>(table, &columns, |rows| {
        let cells = rows.nullable_i64s(cell)?;
        let start = rows.seconds("start_time")?;
        let operator = rows.strings("operator")?;
        let id = rows.i64s("record_id")?;
        let sizes: Vec<Option<i64>> = if cdr {
            rows.cast_i64s("duration_s")?.unwrap_or_default()
        } else {
            let (up, down) = (rows.i64s("bytes_up")?, rows.i64s("bytes_down")?);
            up.iter().zip(down).map(|(u, d)| Some(u + d)).collect()
        };
        for i in 0..rows.len() {
            s.rows += 1;
            let day = period.local_day(start[i]);
            s.last_day += u64::from(day == i64::from(period.days) - 1);
            if !cells.is_null(i) {
                s.with_cell += 1;
                if let Some(site) = sites.get(&cells.value(i)) {
                    s.site_days.insert((*site, day));
                }
            }
            if split.contains(&id[i]) {
                continue;
            }
            let name = operator.value(i);
            let limit = *limits.entry(name.to_owned()).or_insert_with(|| {
                if cdr {
                    switch_cut_s(seed, name)
                } else {
                    gateway_limit_bytes(seed, name)
                }
            });
            s.long += u64::from(sizes.get(i).copied().flatten().is_some_and(|v| v > limit));
        }
        Ok(())
    })?;
    Ok(s)
}

fn table_counts(
    table: &str,
    rates: &FaultRates,
    listed: &Listed,
    scanned: &Scanned,
    period: &Period,
) -> Vec<FaultCount> {
    let records = scanned.rows.saturating_sub(listed.added);
    let cell_share = if scanned.rows == 0 {
        0.0
    } else {
        let missing = listed.by_kind.get(Kind::CellMissing.name()).copied();
        (scanned.with_cell + missing.unwrap_or(0)) as f64 / scanned.rows as f64
    };
    let with_cell = (records as f64 * cell_share).round() as u64;
    let late_eligible = if period.days > 1 {
        records.saturating_sub(scanned.last_day)
    } else {
        0
    };
    // Calls are split in cdr, data records in ip_sessions.
    let other_split = if table == "cdr" {
        Kind::LongSessionSplit
    } else {
        Kind::LongCallSplit
    };
    Kind::ALL
        .iter()
        .filter(|k| **k != other_split)
        .map(|&kind| {
            let (count, eligible) = match kind {
                Kind::ClockSkew => (listed.skewed.len() as u64, scanned.site_days.len() as u64),
                Kind::LongCallSplit | Kind::LongSessionSplit => {
                    let split = count_of(listed, kind);
                    (split, split + scanned.long)
                }
                Kind::CellMissing
                | Kind::CellUnknown
                | Kind::CellOtherOperator
                | Kind::LocationFar => (count_of(listed, kind), with_cell),
                Kind::LateArrival => (count_of(listed, kind), late_eligible),
                _ => (count_of(listed, kind), records),
            };
            let rate = rates.of(kind);
            let share = if eligible == 0 {
                0.0
            } else {
                count as f64 / eligible as f64
            };
            let mean = eligible as f64 * rate;
            let sd = (mean * (1.0 - rate)).sqrt();
            FaultCount {
                kind: kind.name().to_owned(),
                table: table.to_owned(),
                count,
                eligible,
                share,
                rate,
                within_sampling_error: (count as f64 - mean).abs() <= 4.0 * sd + 1.0,
            }
        })
        .collect()
}

fn count_of(listed: &Listed, kind: Kind) -> u64 {
    listed.by_kind.get(kind.name()).copied().unwrap_or(0)
}
