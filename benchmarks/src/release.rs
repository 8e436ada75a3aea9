//! Reading a pipeline's release: the manifest, the aggregates table and the microdata tables,
//! each checked against the contract before anything is scored.

use std::path::{Path, PathBuf};

use arrow_schema::{DataType, Field, Schema, TimeUnit};
use telcosynth_generator::tables;

use crate::contract::{
    AGGREGATE_COLUMNS, ContractError, INPUT_TABLES, Marker, ReleaseManifest, SpatialLevel,
    check_indicator, check_zone_level,
};
use crate::engine::Engine;
use crate::indicators::{self, IndicatorSet};

/// Broad type classes: a release may use any Arrow type of the class its column needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Text,
    Integer,
    Float,
    Timestamp,
    Date,
    Binary,
    Boolean,
    Other,
}

fn class(t: &DataType) -> Class {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Class::Text,
        DataType::Dictionary(_, v) => class(v),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Class::Integer,
        DataType::Float32 | DataType::Float64 => Class::Float,
        DataType::Timestamp(_, _) => Class::Timestamp,
        DataType::Date32 | DataType::Date64 => Class::Date,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => Class::Binary,
        DataType::Boolean => Class::Boolean,
        _ => Class::Other,
    }
}

fn class_name(c: Class) -> &'static str {
    match c {
        Class::Text => "text (Utf8)",
        Class::Integer => "integer",
        Class::Float => "floating point",
        Class::Timestamp => "timestamp (UTC)",
        Class::Date => "date",
        Class::Binary => "binary",
        Class::Boolean => "boolean",
        Class::Other => "other",
    }
}

/// The aggregates file of a release: `OUT/aggregates.parquet` or `OUT/aggregates.csv`.
pub fn aggregates_file(out: &Path) -> Option<PathBuf> {
    ["aggregates.parquet", "aggregates.csv"]
        .into_iter()
        .map(|f| out.join(f))
        .find(|p| p.is_file())
}

/// Reads and checks the aggregates table: column types, vocabularies, nulls.
pub fn read_aggregates(
    engine: &Engine,
    out: &Path,
    manifest: &ReleaseManifest,
) -> Result<IndicatorSet, ContractError> {
    let Some(file) = aggregates_file(out) else {
        return Err(ContractError::new(
            &out.join("aggregates.parquet"),
            "",
            "missing; kind includes aggregates, so write aggregates.parquet (or aggregates.csv)",
        ));
    };
    let fail = |field: &str, message: String| ContractError::new(&file, field, message);
    let registered = if file.extension().is_some_and(|e| e == "csv") {
        engine.register_csv("release_aggregates", &file, &csv_schema())
    } else {
        engine.register_parquet("release_aggregates", &file)
    };
    registered.map_err(|e| fail("", format!("cannot be read: {e}")))?;
    let schema = indicators::column_types(engine, "release_aggregates")
        .map_err(|e| fail("", format!("cannot be read: {e}")))?;
    for column in AGGREGATE_COLUMNS {
        let want: &[Class] = match column {
            "t_start" | "t_end" => &[Class::Timestamp],
            "value" => &[Class::Float, Class::Integer],
            _ => &[Class::Text],
        };
        let Some((_, t)) = schema.iter().find(|(n, _)| n == column) else {
            return Err(fail(
                column,
                format!(
                    "column is missing; the columns are {}",
                    AGGREGATE_COLUMNS.join(", ")
                ),
            ));
        };
        if !want.contains(&class(t)) {
            return Err(fail(
                column,
                format!("has type {t}; write it as {}", class_name(want[0])),
            ));
        }
    }
    let rows = indicators::run(
        engine,
        "read the aggregates",
        "SELECT indicator, zone_level, zone_id, to_unixtime(t_start) AS t_start, \
         to_unixtime(t_end) AS t_end, breakdown_key, breakdown_value, \
         CAST(value AS DOUBLE) AS value FROM release_aggregates",
    )
    .map_err(|e| fail("", format!("cannot be read: {e}")))?;
    let null_ok = manifest
        .suppression
        .as_ref()
        .is_some_and(|s| s.marker == Marker::Null);
    for row in &rows {
        check_indicator(&file, &row.indicator)?;
        check_zone_level(&file, &row.zone_level)?;
        match row.value {
            None if !null_ok => {
                return Err(fail(
                    "value",
                    format!(
                        "null in a {} row; null values need suppression.marker \"null\" in the manifest",
                        row.indicator
                    ),
                ));
            }
            Some(v) if !v.is_finite() => {
                return Err(fail(
                    "value",
                    format!("{v} in a {} row; write finite numbers", row.indicator),
                ));
            }
            _ => {}
        }
        if row.t_end < row.t_start {
            return Err(fail(
                "t_end",
                format!("before t_start in a {} row", row.indicator),
            ));
        }
    }
    Ok(IndicatorSet::from_rows(rows))
}

/// The schema aggregates CSV files are read with.
fn csv_schema() -> Schema {
    let ts = DataType::Timestamp(TimeUnit::Second, Some("UTC".into()));
    Schema::new(vec![
        Field::new("indicator", DataType::Utf8, false),
        Field::new("zone_level", DataType::Utf8, false),
        Field::new("zone_id", DataType::Utf8, false),
        Field::new("t_start", ts.clone(), false),
        Field::new("t_end", ts, false),
        Field::new("breakdown_key", DataType::Utf8, true),
        Field::new("breakdown_value", DataType::Utf8, true),
        Field::new("value", DataType::Float64, true),
    ])
}

/// Checks the microdata tables of a release (`OUT/microdata/<table>/`) and registers them:
/// known tables only, the input's types for the input's columns, the spatial level's location
/// column and the declared pseudonym columns present.
pub fn check_microdata(
    engine: &Engine,
    out: &Path,
    manifest: &ReleaseManifest,
) -> Result<(), ContractError> {
    let root = out.join("microdata");
    let fail = |path: &Path, field: &str, message: String| ContractError::new(path, field, message);
    let entries = std::fs::read_dir(&root).map_err(|e| {
        fail(&root, "", format!("cannot be read ({e}); kind includes microdata, so write OUT/microdata/<table>/*.parquet"))
    })?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !INPUT_TABLES.contains(&name.as_str()) {
            return Err(fail(
                &entry.path(),
                "",
                format!(
                    "unknown table folder; microdata tables are {}",
                    INPUT_TABLES.join(", ")
                ),
            ));
        }
        found.push(name);
    }
    found.sort();
    if !found.iter().any(|t| t == "cdr" || t == "ip_sessions") {
        return Err(fail(
            &root,
            "",
            "holds neither cdr nor ip_sessions; release at least one event table".into(),
        ));
    }
    let (cdr_loc, ip_loc) = manifest.spatial_level.location_columns();
    for table in &found {
        let dir = root.join(table);
        let name = format!("release_{table}");
        engine
            .register_parquet(&name, &dir)
            .map_err(|e| fail(&dir, "", format!("cannot be read as Parquet: {e}")))?;
        let columns = indicators::column_types(engine, &name)
            .map_err(|e| fail(&dir, "", format!("cannot be read as Parquet: {e}")))?;
        let input = tables::by_name(table).expect("input tables are known");
        for (col, t) in &columns {
            let Some(spec) = input.columns.iter().find(|c| c.name == col) else {
                continue;
            };
            let want = class(&telcosynth_sinks::data_type(spec.kind));
            if class(t) != want {
                return Err(fail(
                    &dir,
                    col,
                    format!(
                        "has type {t}; the input's {table}.{col} is {}: keep its type",
                        class_name(want)
                    ),
                ));
            }
        }
        let has = |c: &str| columns.iter().any(|(n, _)| n == c);
        let location = match table.as_str() {
            "cdr" => Some(cdr_loc),
            "ip_sessions" => Some(ip_loc),
            _ => None,
        };
        if let Some(loc) = location {
            for needed in ["served_msisdn", "start_time", loc] {
                if !has(needed) {
                    return Err(fail(
                        &dir,
                        needed,
                        format!(
                            "column is missing; {table} needs it (spatial_level {:?} locates records by {loc})",
                            manifest.spatial_level
                        ),
                    ));
                }
            }
        }
    }
    for pc in &manifest.pseudonym_columns {
        let (table, col) = pc.split_once('.').expect("validated as table.column");
        let present = found.iter().any(|t| t == table)
            && indicators::column_types(engine, &format!("release_{table}"))
                .is_ok_and(|cols| cols.iter().any(|(n, _)| n == col));
        if !present {
            return Err(fail(
                &out.join("manifest.json"),
                "pseudonym_columns",
                format!("{pc} is not a column of the microdata; list only released columns"),
            ));
        }
    }
    Ok(())
}

/// Computes the indicators from a checked microdata release with the operator-view SQL;
/// cell keys map to districts through the release's `cells` or else the input's. The visitor
/// and tourism indicators run only when the reference has their truth tables (`has_tourism`).
pub fn microdata_indicators(
    engine: &Engine,
    out: &Path,
    input: &Path,
    manifest: &ReleaseManifest,
    period: &crate::prepare::Period,
    has_tourism: bool,
) -> Result<IndicatorSet, crate::error::HarnessError> {
    if manifest.spatial_level == SpatialLevel::State {
        let mut set = IndicatorSet::default();
        for ind in indicators::ALL {
            set.missing.insert(
                ind.name.to_owned(),
                "not scored: indicators are defined per district and the release is per state"
                    .to_owned(),
            );
        }
        return Ok(set);
    }
    let micro = out.join("microdata");
    let cells = if micro.join("cells").is_dir() {
        micro.join("cells")
    } else {
        input.join("cells")
    };
    indicators::register_helpers(engine, period)?;
    indicators::register_view(engine, &micro, &cells, manifest.spatial_level)?;
    Ok(indicators::compute(
        engine,
        indicators::Side::View,
        has_tourism,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::parse_release_manifest;

    fn manifest(level: &str) -> ReleaseManifest {
        let text = format!(
            r#"{{"contract_version": 1, "kind": "microdata", "spatial_level": "{level}",
            "pseudonym_columns": ["cdr.served_msisdn"], "time_bin_s": 1}}"#
        );
        parse_release_manifest(Path::new("manifest.json"), &text).unwrap()
    }

    /// Writes `OUT/microdata/<table>/part-0.parquet` from a query and checks the release.
    fn check(table: &str, select: &str, level: &str) -> Result<(), ContractError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir
            .path()
            .join("microdata")
            .join(table)
            .join("part-0.parquet");
        Engine::new()
            .unwrap()
            .write_parquet("write", select, &file)
            .unwrap();
        check_microdata(&Engine::new().unwrap(), dir.path(), &manifest(level))
    }

    const GOOD: &str = "SELECT 'p1' AS served_msisdn, to_timestamp_seconds(1736470800) AS start_time, \
                        CAST(7 AS BIGINT) AS first_cell_key";

    #[test]
    fn a_conforming_cdr_release_passes() {
        check("cdr", GOOD, "cell").unwrap();
    }

    #[test]
    fn a_wrong_column_type_is_named() {
        let e = check(
            "cdr",
            "SELECT 'p1' AS served_msisdn, '2025-01-10 01:00' AS start_time, \
             CAST(7 AS BIGINT) AS first_cell_key",
            "cell",
        )
        .unwrap_err();
        assert_eq!(e.field, "start_time", "{e}");
        assert!(e.message.contains("timestamp"), "{e}");
    }

    #[test]
    fn the_location_column_of_the_level_is_required() {
        let e = check("cdr", GOOD, "district").unwrap_err();
        assert_eq!(e.field, "district_code", "{e}");
    }

    #[test]
    fn unknown_tables_and_undeclared_pseudonym_columns_are_refused() {
        let e = check("persons", GOOD, "cell").unwrap_err();
        assert!(e.message.contains("unknown table folder"), "{e}");
        let e = check(
            "cdr",
            "SELECT to_timestamp_seconds(0) AS start_time, CAST(7 AS BIGINT) AS first_cell_key, \
             'x' AS served_msisdn_hash",
            "cell",
        )
        .unwrap_err();
        assert_eq!(e.field, "served_msisdn", "{e}");
    }
}
