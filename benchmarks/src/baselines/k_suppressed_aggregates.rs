//! `k-suppressed-aggregates`: the indicators computed from the raw operator view with the harness's
//! own SQL, published only where at least k = 15 subscribers stand behind a value (counts below
//! 15 left out, as Flowminder does; rates and volumes left out where fewer than 15 subscribers
//! contributed). Aggregates only: no record leaves the operator.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;

use crate::contract::{CONTRACT_VERSION, Kind, Marker, ReleaseManifest, SpatialLevel, Suppression};
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::indicators::{self, Row, Side};
use crate::prepare::{Period, SCHEMA_FILE};

/// Smallest count published.
pub const K: u64 = 15;

/// Indicators whose value is itself a count of subscribers or trips.
const COUNTS: [&str; 5] = [
    "present_population",
    "residents",
    "od_trips",
    "calls",
    "inbound_visitors",
];

/// Distinct subscribers behind each (zone, local day) of the network indicators.
const CONTRIBUTORS: &str = "\
    SELECT 'call_drop_rate' AS indicator, zone, ((start_s + 28800) / 86400) * 86400 - 28800 AS day, \
           COUNT(DISTINCT subscriber) AS n \
    FROM cdr_located WHERE record_type IN ('MOC', 'MTC') AND result IN ('answered', 'dropped') \
    GROUP BY zone, day \
    UNION ALL \
    SELECT 'ip' AS indicator, zone, ((start_s + 28800) / 86400) * 86400 - 28800 AS day, \
           COUNT(DISTINCT subscriber) AS n \
    FROM ip_located GROUP BY zone, day";

pub(super) fn run(input: &Path, output: &Path) -> Result<(), HarnessError> {
    let period = period_from_schema(input)?;
    let engine = Engine::new()?;
    indicators::register_helpers(&engine, &period)?;
    indicators::register_view(&engine, input, &input.join("cells"), SpatialLevel::Cell)?;
    let set = indicators::compute(&engine, Side::View, true);
    let mut enough: BTreeSet<(String, String, i64)> = BTreeSet::new();
    for r in indicators::run(
        &engine,
        "count contributors",
        &format!(
            "SELECT indicator, 'district' AS zone_level, zone AS zone_id, day AS t_start, \
             day AS t_end, CAST(NULL AS VARCHAR) AS breakdown_key, \
             CAST(NULL AS VARCHAR) AS breakdown_value, CAST(n AS DOUBLE) AS value \
             FROM ({CONTRIBUTORS}) AS c WHERE n >= {K}"
        ),
    )? {
        enough.insert((r.indicator, r.zone_id, r.t_start));
    }
    let published = |r: &Row| -> bool {
        let v = r.value.unwrap_or(0.0);
        match r.indicator.as_str() {
            name if COUNTS.contains(&name) => v >= K as f64,
            "call_drop_rate" => {
                enough.contains(&("call_drop_rate".into(), r.zone_id.clone(), r.t_start))
            }
            "data_volume" | "throughput_p50" => {
                enough.contains(&("ip".into(), r.zone_id.clone(), r.t_start))
            }
            _ => v >= K as f64,
        }
    };
    let rows: Vec<&Row> = set
        .rows
        .values()
        .flatten()
        .filter(|r| published(r))
        .collect();
    write_rows(&output.join("aggregates.parquet"), &rows)?;
    super::write_manifest(
        output,
        &ReleaseManifest {
            contract_version: CONTRACT_VERSION,
            kind: Kind::Aggregates,
            pseudonym_columns: Vec::new(),
            spatial_level: SpatialLevel::District,
            time_bin_s: 3600,
            suppression: Some(Suppression {
                k: K,
                marker: Marker::Omitted,
            }),
            privacy_claim: Some(crate::contract::PrivacyClaim {
                mechanism: "k-anonymity threshold".into(),
                epsilon: None,
                delta: None,
                unit: Some("subscriber".into()),
                contribution_bound: None,
            }),
        },
    )
}

/// The period from the input's `schema.json`.
fn period_from_schema(input: &Path) -> Result<Period, HarnessError> {
    let path = input.join(SCHEMA_FILE);
    let text = std::fs::read_to_string(&path).map_err(HarnessError::io("read", &path))?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| HarnessError::Dataset(format!("{}: {e}", path.display())))?;
    let date = |key: &str| {
        doc["period"][key]
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .ok_or_else(|| {
                HarnessError::Dataset(format!("{}: period.{key} is not a date", path.display()))
            })
    };
    Ok(Period::new(date("start")?, date("end")?))
}

/// Writes rows as the contract's aggregates table.
fn write_rows(file: &Path, rows: &[&Row]) -> Result<(), HarnessError> {
    let ts = DataType::Timestamp(TimeUnit::Second, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("indicator", DataType::Utf8, false),
        Field::new("zone_level", DataType::Utf8, false),
        Field::new("zone_id", DataType::Utf8, false),
        Field::new("t_start", ts.clone(), false),
        Field::new("t_end", ts, false),
        Field::new("breakdown_key", DataType::Utf8, true),
        Field::new("breakdown_value", DataType::Utf8, true),
        Field::new("value", DataType::Float64, true),
    ]));
    let text = |f: &dyn Fn(&Row) -> Option<String>| -> ArrayRef {
        Arc::new(rows.iter().map(|r| f(r)).collect::<StringArray>())
    };
    let time = |f: &dyn Fn(&Row) -> i64| -> ArrayRef {
        Arc::new(
            TimestampSecondArray::from(rows.iter().map(|r| f(r)).collect::<Vec<i64>>())
                .with_timezone("UTC"),
        )
    };
    let columns: Vec<ArrayRef> = vec![
        text(&|r| Some(r.indicator.clone())),
        text(&|r| Some(r.zone_level.clone())),
        text(&|r| Some(r.zone_id.clone())),
        time(&|r| r.t_start),
        time(&|r| r.t_end),
        text(&|r| r.breakdown_key.clone()),
        text(&|r| r.breakdown_value.clone()),
        Arc::new(rows.iter().map(|r| r.value).collect::<Float64Array>()),
    ];
    let parquet = |source| HarnessError::Parquet {
        path: file.to_path_buf(),
        source,
    };
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| parquet(e.into()))?;
    let out = File::create(file).map_err(HarnessError::io("create", file))?;
    let mut writer = ArrowWriter::try_new(out, schema, None).map_err(parquet)?;
    writer.write(&batch).map_err(parquet)?;
    writer.close().map_err(parquet)?;
    Ok(())
}
