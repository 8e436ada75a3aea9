//! Official-statistics indicators as SQL (`benchmarks/indicators/`), run by the embedded
//! engine over the truth, the raw operator view or a microdata release; see `INDICATORS.md`.

use std::collections::BTreeMap;
use std::path::Path;

use arrow_array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::DataType;
use datafusion::arrow::compute::cast;
use serde::Serialize;

use crate::contract::SpatialLevel;
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::prepare::Period;
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;
use telcosynth_sinks::read::DatasetReader;

/// One indicator's SQL: over the operator view (also used for releases) and, for indicators
/// about people, over the truth.
#[derive(Debug, Clone, Copy)]
pub struct IndicatorSql {
    /// Indicator name (the contract's vocabulary).
    pub name: &'static str,
    /// Query over `events`, `cdr_located`, `ip_located`, `roaming_events`, `cells`, `period`,
    /// `mcc_country`, `district_areas`, `entry_points`.
    pub view: &'static str,
    /// Query over `persons`, `trajectories`, `target_persons`, `visitors`, `trips`, `period`,
    /// `days`, `district_areas` (and the view's `cells`);
    /// `None` for network indicators, whose truth is the operator's own records.
    pub truth: Option<&'static str>,
    /// Whether the indicator needs the tourism truth tables, `visitors` and `trips` (skipped
    /// without them).
    pub needs_tourism: bool,
}

macro_rules! indicator {
    ($name:literal, truth, $tourism:expr) => {
        IndicatorSql {
            name: $name,
            view: include_str!(concat!("../indicators/", $name, ".sql")),
            truth: Some(include_str!(concat!("../indicators/truth/", $name, ".sql"))),
            needs_tourism: $tourism,
        }
    };
    ($name:literal) => {
        IndicatorSql {
            name: $name,
            view: include_str!(concat!("../indicators/", $name, ".sql")),
            truth: None,
            needs_tourism: false,
        }
    };
}

/// Every indicator, in the contract's order.
pub const ALL: [IndicatorSql; 20] = [
    indicator!("present_population", truth, false),
    indicator!("residents", truth, false),
    indicator!("od_trips", truth, false),
    indicator!("inbound_visitors", truth, true),
    indicator!("inbound_nights", truth, true),
    indicator!("calls"),
    indicator!("call_drop_rate"),
    indicator!("data_volume"),
    indicator!("throughput_p50"),
    indicator!("technology_share"),
    indicator!("low_throughput_share"),
    indicator!("dropped_session_share"),
    indicator!("user_density", truth, false),
    indicator!("coverage_gap", truth, false),
    indicator!("domestic_trips", truth, true),
    indicator!("domestic_nights", truth, true),
    indicator!("same_day_visits", truth, true),
    indicator!("inbound_visitors_by_entry", truth, true),
    indicator!("outbound_trips", truth, true),
    indicator!("outbound_nights", truth, true),
];

/// One row of the aggregates table, times as UTC epoch seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Indicator name.
    pub indicator: String,
    /// `district`, `country`, …
    pub zone_level: String,
    /// Zone identifier.
    pub zone_id: String,
    /// Start of the time bin.
    pub t_start: i64,
    /// End of the time bin.
    pub t_end: i64,
    /// Breakdown dimension, if any.
    pub breakdown_key: Option<String>,
    /// Breakdown value, if any.
    pub breakdown_value: Option<String>,
    /// The value; `None` when suppressed with the null marker.
    pub value: Option<f64>,
}

/// Key of a row: everything but the value and t_end.
pub type RowKey = (String, String, i64, Option<String>, Option<String>);

impl Row {
    /// The key that identifies the row within its indicator.
    pub fn key(&self) -> RowKey {
        (
            self.zone_level.clone(),
            self.zone_id.clone(),
            self.t_start,
            self.breakdown_key.clone(),
            self.breakdown_value.clone(),
        )
    }
}

/// Indicator values by indicator name, and why any indicator is missing.
#[derive(Debug, Clone, Default)]
pub struct IndicatorSet {
    /// Rows by indicator, sorted by key.
    pub rows: BTreeMap<String, Vec<Row>>,
    /// Indicators not computed, with the reason.
    pub missing: BTreeMap<String, String>,
}

impl IndicatorSet {
    /// Groups `rows` by indicator, sorted by key.
    pub fn from_rows(rows: Vec<Row>) -> IndicatorSet {
        let mut set = IndicatorSet::default();
        for row in rows {
            set.rows.entry(row.indicator.clone()).or_default().push(row);
        }
        for rows in set.rows.values_mut() {
            rows.sort_by_key(|a| a.key());
        }
        set
    }
}

/// Which computation of an indicator to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The operator-view SQL (raw view or a microdata release).
    View,
    /// The truth SQL where it exists, else the operator-view SQL on the raw view.
    Truth,
}

/// Runs every indicator on `engine` (set up by [`register_view`] and, for the truth,
/// [`register_truth`]).
pub fn compute(engine: &Engine, side: Side, has_tourism: bool) -> IndicatorSet {
    let mut set = IndicatorSet::default();
    for ind in ALL {
        if ind.needs_tourism && !has_tourism {
            set.missing.insert(
                ind.name.to_owned(),
                "skipped: the dataset has no visitors or trips table".to_owned(),
            );
            continue;
        }
        let sql = match side {
            Side::Truth => ind.truth.unwrap_or(ind.view),
            Side::View => ind.view,
        };
        match run(engine, ind.name, sql) {
            Ok(rows) => {
                set.rows.insert(ind.name.to_owned(), sorted(rows));
            }
            Err(e) => {
                set.missing
                    .insert(ind.name.to_owned(), format!("not computable: {e}"));
            }
        }
    }
    set
}

fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by_key(|a| a.key());
    rows
}

/// `present_population` of the operator view in `dir` (the raw counts a neighbouring input's
/// release is compared with).
pub fn presence_of_view(dir: &Path, period: &Period) -> Result<IndicatorSet, HarnessError> {
    let engine = Engine::new()?;
    register_helpers(&engine, period)?;
    register_view(&engine, dir, &dir.join("cells"), SpatialLevel::Cell)?;
    let ind = &ALL[0];
    debug_assert_eq!(ind.name, "present_population");
    Ok(IndicatorSet::from_rows(run(&engine, ind.name, ind.view)?))
}

/// Runs one query with the aggregates table's columns and reads its rows.
pub fn run(engine: &Engine, context: &str, sql: &str) -> Result<Vec<Row>, HarnessError> {
    let batches = engine.sql(context, sql)?;
    let mut rows = Vec::new();
    for batch in &batches {
        read_rows(batch, &mut rows)
            .map_err(|e| HarnessError::Dataset(format!("{context}: {e}")))?;
    }
    Ok(rows)
}

/// Appends the rows of a batch with the aggregates table's columns (any text, integer or float
/// types; times as epoch seconds).
fn read_rows(batch: &RecordBatch, rows: &mut Vec<Row>) -> Result<(), String> {
    let col = |name: &str, to: &DataType| {
        let c = batch
            .column_by_name(name)
            .ok_or_else(|| format!("column {name} is missing"))?;
        cast(c, to).map_err(|e| format!("column {name}: {e}"))
    };
    let text = |name: &str| -> Result<StringArray, String> {
        let c = col(name, &DataType::Utf8)?;
        Ok(c.as_any()
            .downcast_ref::<StringArray>()
            .expect("utf8")
            .clone())
    };
    let (indicator, level, zone) = (text("indicator")?, text("zone_level")?, text("zone_id")?);
    let (bkey, bvalue) = (text("breakdown_key")?, text("breakdown_value")?);
    let t_start = col("t_start", &DataType::Int64)?;
    let t_end = col("t_end", &DataType::Int64)?;
    let value = col("value", &DataType::Float64)?;
    let t_start = t_start.as_any().downcast_ref::<Int64Array>().expect("i64");
    let t_end = t_end.as_any().downcast_ref::<Int64Array>().expect("i64");
    let value = value.as_any().downcast_ref::<Float64Array>().expect("f64");
    let opt = |a: &StringArray, i: usize| a.is_valid(i).then(|| a.value(i).to_owned());
    for i in 0..batch.num_rows() {
        for (name, a) in [
            ("indicator", &indicator),
            ("zone_level", &level),
            ("zone_id", &zone),
        ] {
            if a.is_null(i) {
                return Err(format!("row {i}: {name} is null; it is required"));
            }
        }
        if t_start.is_null(i) || t_end.is_null(i) {
            return Err(format!("row {i}: t_start and t_end are required"));
        }
        rows.push(Row {
            indicator: indicator.value(i).to_owned(),
            zone_level: level.value(i).to_owned(),
            zone_id: zone.value(i).to_owned(),
            t_start: t_start.value(i),
            t_end: t_end.value(i),
            breakdown_key: opt(&bkey, i),
            breakdown_value: opt(&bvalue, i),
            value: value.is_valid(i).then(|| value.value(i)),
        });
    }
    Ok(())
}

/// Registers the helper tables every side uses: `period`, `days`, `mcc_country`,
/// `district_areas` (`zone`, `area_km2`: every district's official land area, from the
/// generator's public district table) and `entry_points` (`entry_point`, `lat`, `lon`: the
/// airports, land checkpoints and ferry terminals of the generator's public data).
pub fn register_helpers(engine: &Engine, period: &Period) -> Result<(), HarnessError> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let day = |d: chrono::NaiveDate| d.signed_duration_since(epoch).num_days();
    engine.sql(
        "create the period table",
        &format!(
            "CREATE TABLE period AS SELECT CAST({} AS BIGINT) AS t_start, \
             CAST({} AS BIGINT) AS t_end, CAST({} AS BIGINT) AS start_day, \
             CAST({} AS BIGINT) AS end_day",
            period.t_start,
            period.t_end,
            day(period.start),
            day(period.end),
        ),
    )?;
    let days: Vec<String> = period
        .start
        .iter_days()
        .take_while(|d| *d <= period.end)
        .map(|d| {
            let t = d
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp()
                - UTC_OFFSET_SECONDS;
            format!("(CAST('{d}' AS DATE), CAST({t} AS BIGINT))")
        })
        .collect();
    engine.sql(
        "create the days table",
        &format!(
            "CREATE TABLE days AS SELECT column1 AS day, column2 AS t_start FROM (VALUES {})",
            days.join(", ")
        ),
    )?;
    let mut mcc: BTreeMap<&str, &str> = BTreeMap::new();
    for plmn in telcosynth_generator::public_data::visitors::roaming_plmns() {
        mcc.entry(plmn.mcc).or_insert(plmn.iso3);
    }
    let values: Vec<String> = mcc.iter().map(|(m, c)| format!("('{m}', '{c}')")).collect();
    engine.sql(
        "create the mcc_country table",
        &format!(
            "CREATE TABLE mcc_country AS SELECT column1 AS mcc, column2 AS country FROM (VALUES {})",
            values.join(", ")
        ),
    )?;
    let areas: Vec<String> = telcosynth_generator::public_data::districts()
        .iter()
        .map(|d| format!("('{}', CAST({:?} AS DOUBLE))", d.code, d.area_km2))
        .collect();
    engine.sql(
        "create the district_areas table",
        &format!(
            "CREATE TABLE district_areas AS SELECT column1 AS zone, column2 AS area_km2 \
             FROM (VALUES {})",
            areas.join(", ")
        ),
    )?;
    let points: Vec<String> = telcosynth_generator::public_data::visitors::entry_points()
        .iter()
        .map(|e| {
            format!(
                "('{}', CAST({:?} AS DOUBLE), CAST({:?} AS DOUBLE))",
                e.id, e.lat, e.lon
            )
        })
        .collect();
    engine.sql(
        "create the entry_points table",
        &format!(
            "CREATE TABLE entry_points AS SELECT column1 AS entry_point, column2 AS lat, \
             column3 AS lon FROM (VALUES {})",
            points.join(", ")
        ),
    )?;
    Ok(())
}

/// Columns the located views take from `cdr` (`NULL` when a release lacks them).
const CDR_COLUMNS: [(&str, &str); 5] = [
    ("served_imsi", "imsi"),
    ("record_type", "record_type"),
    ("result", "result"),
    ("duration_s", "duration_s"),
    ("roaming", "roaming"),
];
/// Columns the located views take from `ip_sessions`.
const IP_COLUMNS: [(&str, &str); 6] = [
    ("served_imsi", "imsi"),
    ("bytes_up", "bytes_up"),
    ("bytes_down", "bytes_down"),
    ("roaming", "roaming"),
    ("rat", "rat"),
    ("closing_cause", "closing_cause"),
];

/// Registers the operator-view tables of `dir` (`cdr`, `ip_sessions`; cells from `cells_dir`)
/// and the views the indicator SQL reads: `cdr_located`, `ip_located` (every record with a
/// location, with its subscriber, epoch-second times, district `zone` and position: the cell's
/// site, or the district's centroid for district-level releases), `events` (both, with
/// [start, end)) and `roaming_events` (every record, located or not, with `roaming` and
/// `visited_plmn`).
/// A table missing from `dir` gives an empty view.
pub fn register_view(
    engine: &Engine,
    dir: &Path,
    cells_dir: &Path,
    level: SpatialLevel,
) -> Result<(), HarnessError> {
    engine.register_parquet("cells", cells_dir)?;
    engine.sql(
        "create view zone_centroids",
        "CREATE VIEW zone_centroids AS SELECT district_code AS zone, AVG(lat) AS lat, \
         AVG(lon) AS lon FROM cells GROUP BY district_code",
    )?;
    let (cdr_loc, ip_loc) = level.location_columns();
    let mut roaming = Vec::new();
    for (table, loc, extra, view) in [
        ("cdr", cdr_loc, &CDR_COLUMNS[..], "cdr_located"),
        ("ip_sessions", ip_loc, &IP_COLUMNS[..], "ip_located"),
    ] {
        let path = dir.join(table);
        let sql = if path.is_dir() {
            engine.register_parquet(table, &path)?;
            let present: Vec<String> = column_types(engine, table)?
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            roaming.push(roaming_select(table, &present));
            located_view(table, view, loc, extra, &present, level)
        } else {
            empty_view(view, extra)
        };
        engine.sql(&format!("create view {view}"), &sql)?;
    }
    engine.sql(
        "create view events",
        "CREATE VIEW events AS \
         SELECT subscriber, start_s, start_s + 1 AS end_s, zone, lat, lon FROM cdr_located \
         UNION ALL \
         SELECT subscriber, start_s, GREATEST(end_s, start_s + 1) AS end_s, zone, lat, lon \
         FROM ip_located",
    )?;
    if roaming.is_empty() {
        roaming.push(
            "SELECT CAST(NULL AS VARCHAR) AS subscriber, CAST(NULL AS BIGINT) AS start_s, \
             CAST(NULL AS VARCHAR) AS roaming, CAST(NULL AS VARCHAR) AS visited_plmn WHERE FALSE"
                .to_owned(),
        );
    }
    engine.sql(
        "create view roaming_events",
        &format!(
            "CREATE VIEW roaming_events AS {}",
            roaming.join(" UNION ALL ")
        ),
    )?;
    Ok(())
}

/// Every record of `table` with its subscriber, epoch-second start, `roaming` and
/// `visited_plmn` (`NULL` when a release lacks them), located or not: what the trips abroad
/// are read from.
fn roaming_select(table: &str, present: &[String]) -> String {
    let column = |c: &str| {
        if present.iter().any(|p| p == c) {
            format!("CAST(t.{c} AS VARCHAR) AS {c}")
        } else {
            format!("CAST(NULL AS VARCHAR) AS {c}")
        }
    };
    format!(
        "SELECT t.served_msisdn AS subscriber, to_unixtime(t.start_time) AS start_s, {}, {} \
         FROM {table} AS t",
        column("roaming"),
        column("visited_plmn")
    )
}

/// Column names and types of a registered table.
pub fn column_types(engine: &Engine, table: &str) -> Result<Vec<(String, DataType)>, HarnessError> {
    let df = engine
        .block_on(engine.context().table(table))
        .map_err(HarnessError::query(format!("read the schema of {table}")))?;
    Ok(df
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect())
}

fn located_view(
    table: &str,
    view: &str,
    loc: &str,
    extra: &[(&str, &str)],
    present: &[String],
    level: SpatialLevel,
) -> String {
    let has = |c: &str| present.iter().any(|p| p == c);
    let mut cols = vec!["t.served_msisdn AS subscriber".to_owned()];
    cols.push("to_unixtime(t.start_time) AS start_s".to_owned());
    if table == "ip_sessions" {
        cols.push("to_unixtime(t.end_time) AS end_s".to_owned());
    }
    for (c, alias) in extra {
        cols.push(if has(c) {
            format!("t.{c} AS {alias}")
        } else {
            format!("NULL AS {alias}")
        });
    }
    match level {
        SpatialLevel::Cell => format!(
            "CREATE VIEW {view} AS SELECT {}, x.district_code AS zone, x.lat AS lat, \
             x.lon AS lon FROM {table} AS t JOIN cells AS x ON t.{loc} = x.cell_key",
            cols.join(", ")
        ),
        SpatialLevel::District => format!(
            "CREATE VIEW {view} AS SELECT {}, CAST(t.{loc} AS VARCHAR) AS zone, z.lat AS lat, \
             z.lon AS lon FROM {table} AS t \
             LEFT JOIN zone_centroids AS z ON CAST(t.{loc} AS VARCHAR) = z.zone \
             WHERE t.{loc} IS NOT NULL",
            cols.join(", ")
        ),
        SpatialLevel::State => format!(
            "CREATE VIEW {view} AS SELECT {}, CAST(t.{loc} AS VARCHAR) AS zone, \
             CAST(NULL AS DOUBLE) AS lat, CAST(NULL AS DOUBLE) AS lon FROM {table} AS t \
             WHERE t.{loc} IS NOT NULL",
            cols.join(", ")
        ),
    }
}

fn empty_view(view: &str, extra: &[(&str, &str)]) -> String {
    let mut cols = vec![
        "CAST(NULL AS VARCHAR) AS subscriber",
        "CAST(NULL AS BIGINT) AS start_s",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    if view == "ip_located" {
        cols.push("CAST(NULL AS BIGINT) AS end_s".to_owned());
    }
    for (_, alias) in extra {
        cols.push(format!("NULL AS {alias}"));
    }
    cols.push("CAST(NULL AS VARCHAR) AS zone".to_owned());
    cols.push("CAST(NULL AS DOUBLE) AS lat".to_owned());
    cols.push("CAST(NULL AS DOUBLE) AS lon".to_owned());
    format!(
        "CREATE VIEW {view} AS SELECT {} WHERE FALSE",
        cols.join(", ")
    )
}

/// Registers the truth tables of `dataset` (`persons`, `person_sims`, `trajectories`, and
/// `visitors` and `trips` when present) and `target_persons`: persons holding a SIM of
/// `operator_name`. Returns whether both tourism tables, `visitors` and `trips`, exist.
pub fn register_truth(
    engine: &Engine,
    dataset: &DatasetReader,
    operator_name: &str,
) -> Result<bool, HarnessError> {
    for table in ["persons", "person_sims", "trajectories"] {
        let files = dataset.files(table);
        if files.is_empty() {
            return Err(HarnessError::Dataset(format!(
                "{}: truth table {table} is missing; generate it (outputs.tables)",
                dataset.root().display()
            )));
        }
        engine.register_parquet_files(table, &files)?;
    }
    let mut has_tourism = true;
    for table in ["visitors", "trips"] {
        let files = dataset.files(table);
        if files.is_empty() {
            has_tourism = false;
        } else {
            engine.register_parquet_files(table, &files)?;
        }
    }
    engine.sql(
        "create view target_persons",
        &format!(
            "CREATE VIEW target_persons AS SELECT DISTINCT person_id FROM person_sims \
             WHERE operator = '{}'",
            operator_name.replace('\'', "''")
        ),
    )?;
    Ok(has_tourism)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-01-10 00:00 local time (UTC+8), epoch seconds.
    const DAY0: i64 = 1_736_438_400;

    /// The published queries spell the UTC offset as a number so that they run unchanged on
    /// other engines (`INDICATORS.md`); it must be the generator's: every local day or hour
    /// is `start_s + offset` (then `… * 86400 - offset` for the day's start), and the offset's
    /// digits appear nowhere else.
    #[test]
    fn the_published_queries_shift_to_local_time_by_the_generators_offset() {
        let offset = UTC_OFFSET_SECONDS.to_string();
        let queries = ALL.iter().flat_map(|q| [Some(q.view), q.truth]).flatten();
        let mut shifted = 0;
        for sql in queries {
            let numbers_after = |prefix: &str| -> Vec<&str> {
                sql.match_indices(prefix)
                    .map(|(i, _)| {
                        let rest = &sql[i + prefix.len()..];
                        &rest[..rest
                            .find(|c: char| !c.is_ascii_digit())
                            .unwrap_or(rest.len())]
                    })
                    .collect()
            };
            let shifts: Vec<&str> =
                [numbers_after("start_s + "), numbers_after("86400 - ")].concat();
            assert!(shifts.iter().all(|n| *n == offset), "{shifts:?} in\n{sql}");
            assert_eq!(sql.matches(&offset).count(), shifts.len(), "{sql}");
            shifted += shifts.len();
        }
        assert!(shifted > 0);
    }

    fn ts(s: i64) -> String {
        format!("to_timestamp_seconds({s})")
    }

    /// A hand-built operator view: cells 1 and 2 in districts A (urban) and B (rural); two
    /// subscribers on one local day.
    fn view() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let write = Engine::new().unwrap();
        let file = |t: &str| dir.path().join(t).join("part-0.parquet");
        write
            .write_parquet(
                "cells",
                "SELECT * FROM (VALUES (CAST(1 AS BIGINT), 'A', 'urban', 3.0, 101.0), \
                 (CAST(2 AS BIGINT), 'B', 'rural', 3.0, 101.1)) \
                 AS t(cell_key, district_code, environment, lat, lon)",
                &file("cells"),
            )
            .unwrap();
        // s1: 01:00 MOC in A (answered), 02:30 MTC in B (dropped); s2: 23:00 MOC in A.
        let h = 3600;
        write
            .write_parquet(
                "cdr",
                &format!(
                    "SELECT served_msisdn, served_imsi, record_type, result, roaming, \
                     duration_s, start_time, first_cell_key FROM (VALUES \
                     ('s1', '502130000000001', 'MOC', 'answered', 'home', 60, {}, CAST(1 AS BIGINT)), \
                     ('s1', '502130000000001', 'MTC', 'dropped', 'home', 10, {}, CAST(2 AS BIGINT)), \
                     ('s2', '502130000000002', 'MOC', 'answered', 'home', 30, {}, CAST(1 AS BIGINT))) \
                     AS t(served_msisdn, served_imsi, record_type, result, roaming, duration_s, \
                     start_time, first_cell_key)",
                    ts(DAY0 + h),
                    ts(DAY0 + 2 * h + h / 2),
                    ts(DAY0 + 23 * h)
                ),
                &file("cdr"),
            )
            .unwrap();
        // s1: a data record 02:40–03:20 in B, 4000 bytes over 2400 s.
        write
            .write_parquet(
                "ip_sessions",
                &format!(
                    "SELECT * FROM (VALUES ('s1', '502130000000001', 'home', \
                     CAST(1000 AS BIGINT), CAST(3000 AS BIGINT), {}, {}, CAST(2 AS BIGINT))) \
                     AS t(served_msisdn, served_imsi, roaming, bytes_up, bytes_down, \
                     start_time, end_time, cell_key)",
                    ts(DAY0 + 2 * h + 40 * 60),
                    ts(DAY0 + 3 * h + 20 * 60)
                ),
                &file("ip_sessions"),
            )
            .unwrap();
        let engine = Engine::new().unwrap();
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        register_helpers(&engine, &Period::new(d("2025-01-10"), d("2025-01-10"))).unwrap();
        register_view(
            &engine,
            dir.path(),
            &dir.path().join("cells"),
            SpatialLevel::Cell,
        )
        .unwrap();
        (dir, engine)
    }

    fn values(set: &IndicatorSet, name: &str) -> Vec<(String, i64, Option<String>, f64)> {
        set.rows[name]
            .iter()
            .map(|r| {
                (
                    r.zone_id.clone(),
                    r.t_start,
                    r.breakdown_value.clone(),
                    r.value.unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn indicators_of_a_hand_built_view() {
        let (_dir, engine) = view();
        let set = compute(&engine, Side::View, false);
        let h = 3600;
        let a = |t, v| ("A".to_owned(), t, None, v);
        let b = |t, v| ("B".to_owned(), t, None, v);
        assert_eq!(
            values(&set, "present_population"),
            vec![
                a(DAY0 + h, 1.0),
                a(DAY0 + 23 * h, 1.0),
                b(DAY0 + 2 * h, 1.0),
                b(DAY0 + 3 * h, 1.0)
            ]
        );
        // Night events (before 06:00, from 22:00): s1 at 01:00 in A, 02:30 and 02:40 in B → B;
        // s2 at 23:00 in A → A.
        assert_eq!(values(&set, "residents"), vec![a(DAY0, 1.0), b(DAY0, 1.0)]);
        assert_eq!(
            values(&set, "od_trips"),
            vec![("A".to_owned(), DAY0, Some("B".to_owned()), 1.0)]
        );
        assert_eq!(values(&set, "calls"), vec![a(DAY0, 2.0), b(DAY0, 1.0)]);
        assert_eq!(
            values(&set, "call_drop_rate"),
            vec![a(DAY0, 0.0), b(DAY0, 1.0)]
        );
        assert_eq!(values(&set, "data_volume"), vec![b(DAY0, 4000.0)]);
        let p50 = values(&set, "throughput_p50");
        assert_eq!(p50.len(), 1);
        assert!((p50[0].3 - 4000.0 * 8.0 / 2400.0).abs() < 1e-9, "{p50:?}");
        assert!(set.missing["inbound_visitors"].contains("no visitors or trips table"));
    }

    /// A hand-built view for the ICT indicators: in W.P. Kuala Lumpur (14_1, 243 km²) an urban
    /// site at (3.15, 101.70) with a 4G cell (1) and a 5G cell (2); in Gombak (10_1, 653 km²)
    /// a rural 2G cell (3) at (3.80, 101.00) and a rural 4G cell (4) at (3.60, 101.00).
    fn ict_view(dir: &Path) -> Engine {
        let write = Engine::new().unwrap();
        let file = |t: &str| dir.join(t).join("part-0.parquet");
        write
            .write_parquet(
                "cells",
                "SELECT * FROM (VALUES \
                 (CAST(1 AS BIGINT), '14_1', 'urban', '4G', 3.15, 101.70), \
                 (CAST(2 AS BIGINT), '14_1', 'urban', '5G', 3.15, 101.70), \
                 (CAST(3 AS BIGINT), '10_1', 'rural', '2G', 3.80, 101.00), \
                 (CAST(4 AS BIGINT), '10_1', 'rural', '4G', 3.60, 101.00)) \
                 AS t(cell_key, district_code, environment, technology, lat, lon)",
                &file("cells"),
            )
            .unwrap();
        // (subscriber, start, end (local minutes of the day), bytes, cell, rat, closing cause):
        // s1 at 10 Mbit/s on 4G then 3 Mbit/s on 5G in 14_1; s2 at 0.5 Mbit/s on 2G, then a
        // record of no duration on 4G, in 10_1; s3 at 2 Mbit/s on 2G in 10_1.
        let records = [
            ("s1", 60, 90, 2_250_000_000i64, 1, "4G", "cell_change"),
            ("s1", 90, 130, 900_000_000, 2, "5G", "radio_loss"),
            ("s2", 300, 320, 75_000_000, 3, "2G", "radio_loss"),
            ("s2", 320, 320, 0, 4, "4G", "normal"),
            ("s3", 420, 450, 450_000_000, 3, "2G", "time_limit"),
        ];
        let rows: Vec<String> = records
            .iter()
            .map(|(s, a, b, bytes, cell, rat, cause)| {
                format!(
                    "('{s}', 'home', CAST({} AS BIGINT), CAST({} AS BIGINT), {}, {}, \
                     CAST({cell} AS BIGINT), '{rat}', '{cause}')",
                    bytes / 4,
                    bytes - bytes / 4,
                    ts(DAY0 + a * 60),
                    ts(DAY0 + b * 60)
                )
            })
            .collect();
        write
            .write_parquet(
                "ip_sessions",
                &format!(
                    "SELECT * FROM (VALUES {}) AS t(served_msisdn, roaming, bytes_up, \
                     bytes_down, start_time, end_time, cell_key, rat, closing_cause)",
                    rows.join(", ")
                ),
                &file("ip_sessions"),
            )
            .unwrap();
        let engine = Engine::new().unwrap();
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        register_helpers(&engine, &Period::new(d("2025-01-10"), d("2025-01-10"))).unwrap();
        register_view(&engine, dir, &dir.join("cells"), SpatialLevel::Cell).unwrap();
        engine
    }

    #[test]
    fn ict_indicators_of_a_hand_built_view() {
        let dir = tempfile::tempdir().unwrap();
        let engine = ict_view(dir.path());
        let set = compute(&engine, Side::View, false);
        let row =
            |z: &str, t: i64, b: Option<&str>, v: f64| (z.to_owned(), t, b.map(str::to_owned), v);
        let (kl, gombak) = ("14_1", "10_1");
        assert_eq!(
            values(&set, "technology_share"),
            vec![
                row(gombak, DAY0, Some("2G"), 2.0 / 3.0),
                row(gombak, DAY0, Some("4G"), 1.0 / 3.0),
                row(kl, DAY0, Some("4G"), 0.5),
                row(kl, DAY0, Some("5G"), 0.5),
            ]
        );
        // Records of positive duration: 0.5 and 2 Mbit/s in Gombak, 10 and 3 in KL.
        assert_eq!(
            values(&set, "low_throughput_share"),
            vec![
                row(gombak, DAY0, Some("1000000"), 0.5),
                row(gombak, DAY0, Some("5000000"), 1.0),
                row(kl, DAY0, Some("1000000"), 0.0),
                row(kl, DAY0, Some("5000000"), 0.5),
            ]
        );
        assert_eq!(
            values(&set, "dropped_session_share"),
            vec![row(gombak, DAY0, None, 1.0 / 3.0), row(kl, DAY0, None, 0.5)]
        );
        // Subscriber-hours: s2 at 05:00 (2G and 4G: not a gap), s3 at 07:00 (2G only: a gap);
        // s1 at 01:00 and 02:00 on 4G and 5G.
        assert_eq!(
            values(&set, "coverage_gap"),
            vec![row(gombak, DAY0, None, 0.5), row(kl, DAY0, None, 0.0)]
        );
        let h = 3600;
        assert_eq!(
            values(&set, "user_density"),
            vec![
                row(gombak, DAY0 + 5 * h, None, 1.0 / 653.0),
                row(gombak, DAY0 + 7 * h, None, 1.0 / 653.0),
                row(kl, DAY0 + h, None, 1.0 / 243.0),
                row(kl, DAY0 + 2 * h, None, 1.0 / 243.0),
            ]
        );
        // The densities are the presence counts over the official areas.
        let presence = values(&set, "present_population");
        assert_eq!(presence.len(), 4);
        assert!(presence.iter().all(|p| p.3 == 1.0));
    }

    #[test]
    fn ict_indicators_of_a_hand_built_truth() {
        let dir = tempfile::tempdir().unwrap();
        let engine = ict_view(dir.path());
        // p1: a stay at the KL site 00:00–02:00, a move to (3.80, 101.00) in Gombak (22 km
        // from the rural 4G site; the 2G cell there does not count) and a stay there until
        // 04:00. p2: a stay 5.6 km from the rural 4G site (covered, reach 8 km) 00:00–01:00,
        // then one 3.3 km from the urban site (not covered, reach 2 km) 01:00–02:00. p3 is not
        // a target person.
        let segments = [
            (1, 0, "stay", 0, 120, 3.15, 101.70, "14_1"),
            (1, 1, "move", 120, 150, 3.80, 101.00, "10_1"),
            (1, 2, "stay", 150, 240, 3.80, 101.00, "10_1"),
            (2, 0, "stay", 0, 60, 3.65, 101.00, "10_1"),
            (2, 1, "stay", 60, 120, 3.15, 101.73, "14_1"),
            (3, 0, "stay", 0, 120, 3.80, 101.00, "10_1"),
        ];
        let rows: Vec<String> = segments
            .iter()
            .map(|(p, seq, kind, a, b, lat, lon, zone)| {
                format!(
                    "(CAST({p} AS BIGINT), CAST({seq} AS SMALLINT), '{kind}', {}, {}, \
                     {lat:?}, {lon:?}, '{zone}')",
                    ts(DAY0 + a * 60),
                    ts(DAY0 + b * 60)
                )
            })
            .collect();
        let file = dir.path().join("trajectories").join("part-0.parquet");
        engine
            .write_parquet(
                "trajectories",
                &format!(
                    "SELECT * FROM (VALUES {}) AS t(person_id, seq, kind, start_time, end_time, \
                     end_lat, end_lon, district_code)",
                    rows.join(", ")
                ),
                &file,
            )
            .unwrap();
        engine
            .register_parquet("trajectories", &dir.path().join("trajectories"))
            .unwrap();
        engine
            .sql(
                "target persons",
                "CREATE VIEW target_persons AS SELECT CAST(column1 AS BIGINT) AS person_id \
                 FROM (VALUES (1), (2))",
            )
            .unwrap();
        let truth = |name: &str| {
            let ind = ALL.iter().find(|i| i.name == name).unwrap();
            IndicatorSet::from_rows(run(&engine, name, ind.truth.unwrap()).unwrap())
        };
        let row = |z: &str, t: i64, v: f64| (z.to_owned(), t, None, v);
        let (kl, gombak) = ("14_1", "10_1");
        // KL: p1 at 00:00 and 01:00 (covered), p2 at 01:00 (not); Gombak: p2 at 00:00
        // (covered), p1 at 02:00 and 03:00 (not).
        assert_eq!(
            values(&truth("coverage_gap"), "coverage_gap"),
            vec![row(gombak, DAY0, 2.0 / 3.0), row(kl, DAY0, 1.0 / 3.0)]
        );
        let h = 3600;
        assert_eq!(
            values(&truth("user_density"), "user_density"),
            vec![
                row(gombak, DAY0, 1.0 / 653.0),
                row(gombak, DAY0 + 2 * h, 1.0 / 653.0),
                row(gombak, DAY0 + 3 * h, 1.0 / 653.0),
                row(kl, DAY0, 1.0 / 243.0),
                row(kl, DAY0 + h, 2.0 / 243.0),
            ]
        );
    }

    const TOURISM: [&str; 6] = [
        "domestic_trips",
        "domestic_nights",
        "same_day_visits",
        "inbound_visitors_by_entry",
        "outbound_trips",
        "outbound_nights",
    ];

    /// Cells of the tourism views: 1 in W.P. Kuala Lumpur (14_1), 2 in Gombak (10_1), 3 in
    /// Melaka Tengah (4_3), 4 in Sepang (10_7) 0.5 km from KLIA's terminal 1 (E01) and 2.8 km
    /// from klia2 (E02); every other entry point is more than 10 km from cells 1–3.
    const TOURISM_CELLS: &str = "SELECT * FROM (VALUES \
        (CAST(1 AS BIGINT), '14_1', 'urban', 3.15, 101.70), \
        (CAST(2 AS BIGINT), '10_1', 'urban', 3.30, 101.60), \
        (CAST(3 AS BIGINT), '4_3', 'urban', 2.60, 102.60), \
        (CAST(4 AS BIGINT), '10_7', 'rural', 2.75, 101.71)) \
        AS t(cell_key, district_code, environment, lat, lon)";

    /// Four local days from 2025-01-10 (days 0–3); the helpers, and the view of `dir` when it
    /// holds one.
    fn tourism_engine(dir: &Path) -> Engine {
        let engine = Engine::new().unwrap();
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        register_helpers(&engine, &Period::new(d("2025-01-10"), d("2025-01-13"))).unwrap();
        register_view(&engine, dir, &dir.join("cells"), SpatialLevel::Cell).unwrap();
        engine
    }

    #[test]
    fn tourism_indicators_of_a_hand_built_view() {
        let dir = tempfile::tempdir().unwrap();
        let write = Engine::new().unwrap();
        let file = |t: &str| dir.path().join(t).join("part-0.parquet");
        write
            .write_parquet("cells", TOURISM_CELLS, &file("cells"))
            .unwrap();
        let h = 3600;
        let day = 86_400;
        // (subscriber, roaming, seconds from day 0's midnight, cell). s1 sleeps at home in KL
        // (nights 0 and 3, three night events there), and in Melaka on nights 1 (23:00) and 2
        // (seen at 02:00 on day 3): one trip of two nights. s2 sleeps in KL every night, works
        // in Gombak on days 0 and 1 (half the days: usual environment) and visits Melaka on day
        // 2. s3, seen once in Melaka at noon, has no home (no night-time event) and no visit.
        // Roamer r1 lands at KLIA on day 1 and stays; r2 is seen on day 3 only, in KL and
        // Melaka, its first record 17 km from the nearest entry point.
        let records = [
            ("s1", "home", 23 * h, 1),
            ("s1", "home", 23 * h + 1800, 1),
            ("s1", "home", day + 12 * h, 3),
            ("s1", "home", day + 23 * h, 3),
            ("s1", "home", 3 * day + 2 * h, 3),
            ("s1", "home", 3 * day + 23 * h, 1),
            ("s2", "home", 10 * h, 2),
            ("s2", "home", 23 * h, 1),
            ("s2", "home", day + 10 * h, 2),
            ("s2", "home", day + 23 * h, 1),
            ("s2", "home", 2 * day + 14 * h, 3),
            ("s2", "home", 2 * day + 23 * h, 1),
            ("s2", "home", 3 * day + 23 * h, 1),
            ("s3", "home", 2 * day + 12 * h, 3),
            ("r1", "inbound", day + 10 * h, 4),
            ("r1", "inbound", day + 15 * h, 1),
            ("r1", "inbound", 2 * day + 9 * h, 1),
            ("r2", "inbound", 3 * day + 11 * h, 1),
            ("r2", "inbound", 3 * day + 16 * h, 3),
        ];
        let rows: Vec<String> = records
            .iter()
            .map(|(s, roaming, t, cell)| {
                format!(
                    "('{s}', '525010000000001', 'MOC', 'answered', '{roaming}', 30, {}, \
                     CAST({cell} AS BIGINT))",
                    ts(DAY0 + t)
                )
            })
            .collect();
        write
            .write_parquet(
                "cdr",
                &format!(
                    "SELECT * FROM (VALUES {}) AS t(served_msisdn, served_imsi, record_type, \
                     result, roaming, duration_s, start_time, first_cell_key)",
                    rows.join(", ")
                ),
                &file("cdr"),
            )
            .unwrap();
        let engine = tourism_engine(dir.path());
        let set = compute(&engine, Side::View, true);
        for name in TOURISM {
            assert!(!set.missing.contains_key(name), "{:?}", set.missing[name]);
        }
        let row =
            |z: &str, t: i64, b: Option<&str>, v: f64| (z.to_owned(), t, b.map(str::to_owned), v);
        assert_eq!(
            values(&set, "domestic_trips"),
            vec![row("4_3", DAY0, Some("14"), 1.0)]
        );
        assert_eq!(
            values(&set, "domestic_nights"),
            vec![row("4_3", DAY0, Some("14"), 2.0)]
        );
        assert_eq!(
            values(&set, "same_day_visits"),
            vec![
                row("14_1", DAY0 + 3 * day, Some("inbound"), 1.0),
                row("4_3", DAY0 + 2 * day, Some("domestic"), 1.0),
                row("4_3", DAY0 + 3 * day, Some("inbound"), 1.0),
            ]
        );
        assert_eq!(
            values(&set, "inbound_visitors_by_entry"),
            vec![row("E01", DAY0 + day, None, 1.0)]
        );
        let by_entry = &set.rows["inbound_visitors_by_entry"][0];
        assert_eq!(
            (by_entry.zone_level.as_str(), by_entry.t_end),
            ("entry_point", DAY0 + 2 * day)
        );
    }

    #[test]
    fn tourism_indicators_of_a_hand_built_truth() {
        let dir = tempfile::tempdir().unwrap();
        let write = Engine::new().unwrap();
        let file = |t: &str| dir.path().join(t).join("part-0.parquet");
        write
            .write_parquet("cells", TOURISM_CELLS, &file("cells"))
            .unwrap();
        let h = 3600;
        let day = 86_400;
        write
            .write_parquet(
                "persons",
                "SELECT * FROM (VALUES (CAST(1 AS BIGINT), '14_1'), (CAST(2 AS BIGINT), '14_1'), \
                 (CAST(3 AS BIGINT), '10_1')) AS t(person_id, home_district_code)",
                &file("persons"),
            )
            .unwrap();
        // (person, depart, arrive, leave, origin, destination): person 1 in Melaka on nights 1
        // and 2, and a trip within KL (not outside the usual environment); person 2 in Alor Gajah
        // (4_1) from day 3 to day 5 (night 3 in the period); person 3 is not a target person.
        // Trips abroad: person 2 in Thailand on night 0; person 1 in Singapore from day 3 (night
        // 3 ends after the period); person 3's is not a target person's.
        let trips = [
            ("outbound", 2, 5 * h, 10 * h, day + 20 * h, "14_1", "THA"),
            (
                "outbound",
                1,
                3 * day + 5 * h,
                3 * day + 9 * h,
                5 * day,
                "14_1",
                "SGP",
            ),
            ("outbound", 3, 5 * h, 10 * h, day + 20 * h, "10_1", "THA"),
            (
                "balik_kampung",
                1,
                day + 9 * h,
                day + 12 * h,
                3 * day + 10 * h,
                "14_1",
                "4_3",
            ),
            (
                "leisure",
                1,
                2 * day + 9 * h,
                2 * day + 12 * h,
                3 * day + 8 * h,
                "14_1",
                "14_1",
            ),
            (
                "leisure",
                2,
                3 * day + 9 * h,
                3 * day + 12 * h,
                5 * day + 10 * h,
                "14_1",
                "4_1",
            ),
            (
                "balik_kampung",
                3,
                day + 9 * h,
                day + 12 * h,
                3 * day + 10 * h,
                "10_1",
                "4_3",
            ),
        ];
        let rows: Vec<String> = trips
            .iter()
            .map(|(kind, p, depart, arrive, leave, origin, dest)| {
                format!(
                    "('{kind}', CAST({p} AS BIGINT), {}, {}, {}, '{origin}', '{dest}')",
                    ts(DAY0 + depart),
                    ts(DAY0 + arrive),
                    ts(DAY0 + leave)
                )
            })
            .collect();
        write
            .write_parquet(
                "trips",
                &format!(
                    "SELECT * FROM (VALUES {}) AS t(kind, person_id, depart_time, arrive_time, \
                     leave_time, origin_district_code, destination_district_code)",
                    rows.join(", ")
                ),
                &file("trips"),
            )
            .unwrap();
        // (person, kind, start, end, district, purpose): person 1 in Melaka on day 1, lodging
        // there at night (not same-day); person 2 works in Gombak on days 0 and 1 (half the
        // days), visits Melaka Tengah on day 2 (the move, ending in 4_2, is no stay) and lodges
        // in Alor Gajah on day 3. Visitor V (2^40) comes for the day on day 3 through KLIA;
        // V + 1 enters on day 1 at Senai (E08) for two nights; V + 2 entered before the period.
        let v = 1_i64 << 40;
        let segments = [
            (1, "stay", day, day + 9 * h, "14_1", "home"),
            (1, "stay", day + 12 * h, day + 20 * h, "4_3", "leisure"),
            (1, "stay", day + 20 * h, 2 * day, "4_3", "lodging"),
            (2, "stay", 9 * h, 17 * h, "10_1", "work"),
            (2, "stay", 17 * h, day, "14_1", "home"),
            (2, "stay", day + 9 * h, day + 17 * h, "10_1", "work"),
            // Abroad: in no district, so no same-day visit.
            (2, "stay", day + 17 * h, day + 18 * h, "THA", "leisure"),
            (2, "move", 2 * day + 9 * h, 2 * day + 11 * h, "4_2", "road"),
            (
                2,
                "stay",
                2 * day + 11 * h,
                2 * day + 16 * h,
                "4_3",
                "leisure",
            ),
            (2, "stay", 2 * day + 18 * h, 3 * day, "14_1", "home"),
            (2, "stay", 3 * day + 12 * h, 4 * day, "4_1", "lodging"),
            (
                v,
                "stay",
                3 * day + 8 * h,
                3 * day + 9 * h,
                "10_7",
                "transit",
            ),
            (
                v,
                "stay",
                3 * day + 10 * h,
                3 * day + 18 * h,
                "14_1",
                "leisure",
            ),
            (v + 1, "stay", day + 12 * h, 2 * day, "1_9", "lodging"),
        ];
        let rows: Vec<String> = segments
            .iter()
            .map(|(p, kind, a, b, zone, purpose)| {
                format!(
                    "(CAST({p} AS BIGINT), '{kind}', {}, {}, '{zone}', '{purpose}')",
                    ts(DAY0 + a),
                    ts(DAY0 + b)
                )
            })
            .collect();
        write
            .write_parquet(
                "trajectories",
                &format!(
                    "SELECT * FROM (VALUES {}) AS t(person_id, kind, start_time, end_time, \
                     district_code, purpose)",
                    rows.join(", ")
                ),
                &file("trajectories"),
            )
            .unwrap();
        write
            .write_parquet(
                "visitors",
                &format!(
                    "SELECT * FROM (VALUES \
                     (CAST({v} AS BIGINT), 'inbound', 'E01', CAST('2025-01-13' AS DATE), \
                      CAST(0 AS SMALLINT)), \
                     (CAST({} AS BIGINT), 'inbound', 'E08', CAST('2025-01-11' AS DATE), \
                      CAST(2 AS SMALLINT)), \
                     (CAST({} AS BIGINT), 'inbound', 'E01', CAST('2025-01-05' AS DATE), \
                      CAST(9 AS SMALLINT)), \
                     (CAST(1 AS BIGINT), 'domestic', '14_1', CAST('2025-01-11' AS DATE), \
                      CAST(2 AS SMALLINT))) \
                     AS t(person_id, kind, entry_point, entry_date, nights)",
                    v + 1,
                    v + 2
                ),
                &file("visitors"),
            )
            .unwrap();
        let engine = tourism_engine(dir.path());
        for table in ["persons", "trips", "trajectories", "visitors"] {
            engine
                .register_parquet(table, &dir.path().join(table))
                .unwrap();
        }
        engine
            .sql(
                "target persons",
                "CREATE VIEW target_persons AS SELECT CAST(column1 AS BIGINT) AS person_id \
                 FROM (VALUES (1), (2))",
            )
            .unwrap();
        let set = compute(&engine, Side::Truth, true);
        for name in TOURISM {
            assert!(!set.missing.contains_key(name), "{:?}", set.missing[name]);
        }
        let row =
            |z: &str, t: i64, b: Option<&str>, v: f64| (z.to_owned(), t, b.map(str::to_owned), v);
        assert_eq!(
            values(&set, "domestic_trips"),
            vec![
                row("4_1", DAY0, Some("14"), 1.0),
                row("4_3", DAY0, Some("14"), 1.0)
            ]
        );
        assert_eq!(
            values(&set, "domestic_nights"),
            vec![
                row("4_1", DAY0, Some("14"), 1.0),
                row("4_3", DAY0, Some("14"), 2.0)
            ]
        );
        assert_eq!(
            values(&set, "same_day_visits"),
            vec![
                row("10_7", DAY0 + 3 * day, Some("inbound"), 1.0),
                row("14_1", DAY0 + 3 * day, Some("inbound"), 1.0),
                row("4_3", DAY0 + 2 * day, Some("domestic"), 1.0),
            ]
        );
        assert_eq!(
            values(&set, "inbound_visitors_by_entry"),
            vec![
                row("E01", DAY0 + 3 * day, None, 1.0),
                row("E08", DAY0 + day, None, 1.0),
            ]
        );
        assert_eq!(
            values(&set, "outbound_trips"),
            vec![row("THA", DAY0, None, 1.0)]
        );
        assert_eq!(
            values(&set, "outbound_nights"),
            vec![row("THA", DAY0, None, 1.0)]
        );
    }

    #[test]
    fn trips_abroad_of_a_hand_built_view() {
        let dir = tempfile::tempdir().unwrap();
        let write = Engine::new().unwrap();
        let file = |t: &str| dir.path().join(t).join("part-0.parquet");
        write
            .write_parquet("cells", TOURISM_CELLS, &file("cells"))
            .unwrap();
        let (h, day) = (3600, 86_400);
        // (subscriber, seconds from day 0's midnight, visited network; None at home in KL).
        // t1 is in Singapore on nights 0 and 1 (one trip); c1 commutes there and sleeps at home;
        // t2 is in Thailand on night 2; t3 reaches Singapore on day 3 (its night ends after the
        // period); t4 comes home on day 2 between two nights in Singapore (one trip of one
        // night in the period, night 2).
        let sgp = Some("52501");
        let records = [
            ("t1", 10 * h, None),
            ("t1", 20 * h, sgp),
            ("t1", day + 9 * h, sgp),
            ("t1", day + 22 * h, sgp),
            ("t1", 2 * day + 8 * h, sgp),
            ("t1", 2 * day + 19 * h, None),
            ("c1", 7 * h, sgp),
            ("c1", 20 * h, None),
            ("c1", day + 7 * h, sgp),
            ("c1", day + 20 * h, None),
            ("t2", 2 * day + 21 * h, Some("52003")),
            ("t2", 3 * day + 10 * h, Some("52003")),
            ("t3", 3 * day + 20 * h, sgp),
            ("t4", day + 23 * h, sgp),
            ("t4", 2 * day + 6 * h, None),
            ("t4", 2 * day + 23 * h, sgp),
            ("t4", 3 * day + 7 * h, sgp),
        ];
        let rows: Vec<String> = records
            .iter()
            .map(|(s, t, visited)| {
                let (roaming, plmn, cell) = match visited {
                    Some(p) => ("outbound", format!("'{p}'"), "NULL"),
                    None => ("home", "NULL".into(), "1"),
                };
                format!(
                    "('{s}', '502120000000001', 'MOC', 'answered', '{roaming}', 30, {}, \
                     CAST({cell} AS BIGINT), CAST({plmn} AS VARCHAR))",
                    ts(DAY0 + t)
                )
            })
            .collect();
        write
            .write_parquet(
                "cdr",
                &format!(
                    "SELECT * FROM (VALUES {}) AS t(served_msisdn, served_imsi, record_type, \
                     result, roaming, duration_s, start_time, first_cell_key, visited_plmn)",
                    rows.join(", ")
                ),
                &file("cdr"),
            )
            .unwrap();
        let engine = tourism_engine(dir.path());
        let set = compute(&engine, Side::View, true);
        let row = |z: &str, v: f64| (z.to_owned(), DAY0, None, v);
        assert_eq!(
            values(&set, "outbound_trips"),
            vec![row("SGP", 2.0), row("THA", 1.0)]
        );
        assert_eq!(
            values(&set, "outbound_nights"),
            vec![row("SGP", 3.0), row("THA", 1.0)]
        );
        // Records abroad locate nothing: every located event is in a district.
        let located = values(&set, "present_population");
        assert!(located.iter().all(|r| r.0 == "14_1"), "{located:?}");
    }

    #[test]
    fn district_areas_are_the_official_areas() {
        let engine = Engine::new().unwrap();
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        register_helpers(&engine, &Period::new(d("2025-01-10"), d("2025-01-10"))).unwrap();
        let rows = run(
            &engine,
            "areas",
            "SELECT 'a' AS indicator, 'district' AS zone_level, zone AS zone_id, 0 AS t_start, \
             0 AS t_end, NULL AS breakdown_key, NULL AS breakdown_value, area_km2 AS value \
             FROM district_areas",
        )
        .unwrap();
        let districts = telcosynth_generator::public_data::districts();
        assert_eq!(rows.len(), districts.len());
        for d in districts {
            let r = rows.iter().find(|r| r.zone_id == d.code).unwrap();
            assert_eq!(r.value, Some(d.area_km2), "{}", d.code);
        }
    }
}
