//! Input preparation: a fresh folder with the operator's view only — `subscribers`, `cells`,
//! `cdr`, `ip_sessions` of one target operator, and `schema.json` — never a truth table.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use arrow_array::{Array, BooleanArray, RecordBatch, StringArray};
use chrono::NaiveDate;
use datafusion::arrow::compute::filter_record_batch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::KeyValue;
use rayon::prelude::*;
use serde::Serialize;
use telcosynth_generator::public_data::{Operator, operators};
use telcosynth_generator::tables;
use telcosynth_sinks::{Compression, Manifest, read_manifest, writer_properties};

use crate::contract::INPUT_TABLES;
use crate::error::HarnessError;
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;
use telcosynth_sinks::read::{self, DatasetReader};

/// File name of the schema description in the input folder.
pub const SCHEMA_FILE: &str = "schema.json";

/// The target operator: whose subscribers a pipeline receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Scenario key, e.g. `celcomdigi`.
    pub key: String,
    /// Name as written in the tables' `operator` column.
    pub name: String,
    /// Name of the operator whose cells carry the target's subscribers (itself, or the host
    /// network of an MVNO).
    pub network_name: String,
    /// Subscribers (SIMs) of the target in the dataset.
    pub subscribers: u64,
}

/// The scenario period in local days, with its bounds in UTC epoch seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First local day.
    pub start: NaiveDate,
    /// Last local day (inclusive).
    pub end: NaiveDate,
    /// Local midnight starting the first day, UTC epoch seconds.
    pub t_start: i64,
    /// Local midnight ending the last day, UTC epoch seconds.
    pub t_end: i64,
}

impl Period {
    /// The period from `start` to `end` (inclusive local days).
    pub fn new(start: NaiveDate, end: NaiveDate) -> Period {
        let midnight = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp()
                - UTC_OFFSET_SECONDS
        };
        Period {
            start,
            end,
            t_start: midnight(start),
            t_end: midnight(end) + 86_400,
        }
    }
}

/// A prepared input folder.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The folder handed to pipelines as `--input`.
    pub dir: PathBuf,
    /// The target operator.
    pub target: Target,
    /// The scenario period.
    pub period: Period,
    /// The dataset's manifest.
    pub manifest: Manifest,
    /// The dataset the view was taken from.
    pub dataset: DatasetReader,
}

/// Reads the scenario period from a dataset manifest's normalised scenario text.
pub fn period_of(manifest: &Manifest) -> Result<Period, HarnessError> {
    let bad = |what: &str| {
        HarnessError::Dataset(format!(
            "manifest.json: scenario.text: {what}; regenerate the dataset with telcosynth generate"
        ))
    };
    let value: toml::Table = manifest
        .scenario
        .text
        .parse()
        .map_err(|e| bad(&format!("not TOML ({e})")))?;
    let date = |key: &str| -> Result<NaiveDate, HarnessError> {
        let text = value
            .get("period")
            .and_then(|p| p.get(key))
            .map(|d| d.to_string())
            .ok_or_else(|| bad(&format!("period.{key} is missing")))?;
        NaiveDate::parse_from_str(text.trim_matches('"'), "%Y-%m-%d")
            .map_err(|_| bad(&format!("period.{key} = {text} is not a date")))
    };
    Ok(Period::new(date("start")?, date("end")?))
}

/// Opens the dataset at `root` by its `manifest.json`; a dataset of CSV files is refused (the
/// harness reads Parquet).
pub fn open_dataset(root: &Path) -> Result<DatasetReader, HarnessError> {
    let dataset = DatasetReader::open(root).map_err(|e| HarnessError::Dataset(e.to_string()))?;
    if let Some(csv) = dataset.non_parquet_file() {
        return Err(HarnessError::Dataset(format!(
            "{}: {csv}: the harness reads Parquet datasets; regenerate with --format parquet",
            root.display()
        )));
    }
    Ok(dataset)
}

/// Dataset-relative paths of `table`'s files; an error naming the fix when the dataset lacks
/// the table.
fn table_files(dataset: &DatasetReader, table: &str) -> Result<Vec<String>, HarnessError> {
    dataset.relative_files(table).ok_or_else(|| {
        HarnessError::Dataset(format!(
            "{}: the dataset has no table {table}; generate it (outputs.tables)",
            dataset.root().display()
        ))
    })
}

/// Chooses the target operator: `requested` (key or name, any case), or the one with the most
/// subscribers in the dataset (ties to the alphabetically first key).
pub fn choose_target(
    dataset: &DatasetReader,
    requested: Option<&str>,
) -> Result<Target, HarnessError> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for file in &table_files(dataset, "subscribers")? {
        for batch in read_batches(&dataset.root().join(file))? {
            let ops = text_column(&batch, "operator", file)?;
            for i in 0..ops.len() {
                *counts.entry(ops.value(i).to_owned()).or_default() += 1;
            }
        }
    }
    let all = operators();
    let operator: &Operator = match requested {
        Some(want) => all
            .iter()
            .find(|o| o.key.eq_ignore_ascii_case(want) || o.name.eq_ignore_ascii_case(want))
            .ok_or_else(|| {
                let keys: Vec<&str> = all.iter().map(|o| o.key).collect();
                HarnessError::Dataset(format!(
                    "--operator {want}: unknown operator; use one of {}",
                    keys.join(", ")
                ))
            })?,
        None => all
            .iter()
            .max_by_key(|o| {
                (
                    counts.get(o.name).copied().unwrap_or(0),
                    std::cmp::Reverse(o.key),
                )
            })
            .expect("operators exist"),
    };
    let subscribers = counts.get(operator.name).copied().unwrap_or(0);
    if subscribers == 0 {
        return Err(HarnessError::Dataset(format!(
            "{}: operator {} has no subscribers in this dataset; choose another with --operator",
            dataset.root().display(),
            operator.key
        )));
    }
    let network = all
        .iter()
        .find(|o| o.key == operator.network_key())
        .expect("host network exists");
    Ok(Target {
        key: operator.key.to_owned(),
        name: operator.name.to_owned(),
        network_name: network.name.to_owned(),
        subscribers,
    })
}

/// Writes the operator's view of `dataset` for `target` into the folder `dir` (replacing it),
/// read-only.
pub fn prepare(
    dataset: &DatasetReader,
    target: Target,
    dir: &Path,
) -> Result<Prepared, HarnessError> {
    let manifest =
        read_manifest(dataset.root()).map_err(|e| HarnessError::Dataset(e.to_string()))?;
    let period = period_of(&manifest)?;
    if dir.exists() {
        set_read_only(dir, false)?;
        fs::remove_dir_all(dir).map_err(HarnessError::io("clear", dir))?;
    }
    let mut work = Vec::new();
    for table in INPUT_TABLES {
        let keep = if table == "cells" {
            target.network_name.as_str()
        } else {
            target.name.as_str()
        };
        let schema = tables::by_name(table).expect("input tables are known");
        let files = table_files(dataset, table)?;
        if files.is_empty() {
            return Err(HarnessError::Dataset(format!(
                "{}: table {table} has no files; generate it (outputs.tables)",
                dataset.root().display()
            )));
        }
        for file in &files {
            let source = dataset.root().join(file);
            let dest = dir.join(table).join(path_within_table(file, table));
            work.push((source, dest, schema, keep));
        }
    }
    // Files are independent: filter them on every core (each output depends on its file only).
    work.par_iter()
        .try_for_each(|(source, dest, schema, keep)| {
            filter_file(source, dest, schema, "operator", &|op| op == Some(*keep))
        })?;
    let description = schema_json(&target, &period);
    let path = dir.join(SCHEMA_FILE);
    fs::write(&path, description).map_err(HarnessError::io("write", &path))?;
    set_read_only(dir, true)?;
    Ok(Prepared {
        dir: dir.to_path_buf(),
        target,
        period,
        manifest,
        dataset: dataset.clone(),
    })
}

/// Writes `prepared`'s view without every row served to one of `msisdns` (their register rows
/// and their own records; other subscribers' records of calls with them stay) into the folder
/// `dir` (replacing it), read-only: a neighbouring input for membership inference.
pub fn without_subscribers(
    prepared: &Prepared,
    msisdns: &BTreeSet<String>,
    dir: &Path,
) -> Result<(), HarnessError> {
    if dir.exists() {
        set_read_only(dir, false)?;
        fs::remove_dir_all(dir).map_err(HarnessError::io("clear", dir))?;
    }
    let mut work = Vec::new();
    for table in INPUT_TABLES {
        let schema = tables::by_name(table).expect("input tables are known");
        let column = match table {
            "cells" => "operator",
            "subscribers" => "msisdn",
            _ => "served_msisdn",
        };
        for source in read::parquet_files(&prepared.dir.join(table)) {
            let within = source
                .strip_prefix(&prepared.dir)
                .expect("files of the input folder");
            work.push((source.clone(), dir.join(within), schema, column));
        }
    }
    let keep = |value: Option<&str>| value.is_none_or(|v| !msisdns.contains(v));
    work.par_iter()
        .try_for_each(|(source, dest, schema, column)| {
            filter_file(source, dest, schema, column, &keep)
        })?;
    let schema = prepared.dir.join(SCHEMA_FILE);
    let copy = dir.join(SCHEMA_FILE);
    fs::copy(&schema, &copy).map_err(HarnessError::io("copy", &schema))?;
    set_read_only(dir, true)
}

/// Makes every file under `dir` read-only (or writable again), so that an unsandboxed pipeline
/// cannot change by accident the input the next pipeline receives. Folders stay writable so
/// that the run folder can always be removed.
fn set_read_only(dir: &Path, read_only: bool) -> Result<(), HarnessError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if read_only { 0o444 } else { 0o644 };
    for entry in fs::read_dir(dir).map_err(HarnessError::io("read", dir))? {
        let path = entry.map_err(HarnessError::io("read", dir))?.path();
        if path.is_dir() {
            set_read_only(&path, read_only)?;
        } else {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode))
                .map_err(HarnessError::io("set permissions of", &path))?;
        }
    }
    Ok(())
}

/// The part of a dataset-relative path below the table folder (`date=…/file.parquet`).
fn path_within_table(file: &str, table: &str) -> PathBuf {
    let parts: Vec<&str> = file.split('/').collect();
    let at = parts.iter().position(|p| *p == table).map_or(0, |i| i + 1);
    parts[at..].iter().collect()
}

fn read_batches(path: &Path) -> Result<Vec<RecordBatch>, HarnessError> {
    let file = File::open(path).map_err(HarnessError::io("open", path))?;
    let parquet = |source| HarnessError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(parquet)?
        .build()
        .map_err(parquet)?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| parquet(e.into()))
}

fn text_column<'a>(
    batch: &'a RecordBatch,
    name: &str,
    file: &str,
) -> Result<&'a StringArray, HarnessError> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
        .ok_or_else(|| HarnessError::Dataset(format!("{file}: column {name} is not Utf8")))
}

/// Copies the rows of `source` whose value in column `column` (`None`: null) `keep` accepts into `dest`,
/// with the generator's writer settings and GeoParquet metadata kept.
fn filter_file(
    source: &Path,
    dest: &Path,
    schema: &'static telcosynth_generator::columnar::TableSchema,
    column: &str,
    keep: &(dyn Fn(Option<&str>) -> bool + Sync),
) -> Result<(), HarnessError> {
    let file = File::open(source).map_err(HarnessError::io("open", source))?;
    let parquet = |path: &Path| {
        let path = path.to_path_buf();
        move |source| HarnessError::Parquet { path, source }
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet(source))?;
    let extra: Vec<KeyValue> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter(|kv| kv.key == telcosynth_sinks::GEO_KEY)
        .cloned()
        .collect();
    let arrow_schema = builder.schema().clone();
    let reader = builder.build().map_err(parquet(source))?;
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(HarnessError::io("create", parent))?;
    }
    let out = File::create(dest).map_err(HarnessError::io("create", dest))?;
    let props = writer_properties(schema, Compression::Zstd, extra);
    let mut writer = ArrowWriter::try_new(out, arrow_schema, Some(props)).map_err(parquet(dest))?;
    let name = source.display().to_string();
    for batch in reader {
        let batch = batch.map_err(|e| parquet(source)(e.into()))?;
        let values = text_column(&batch, column, &name)?;
        let mask: BooleanArray = (0..values.len())
            .map(|i| Some(keep(values.is_valid(i).then(|| values.value(i)))))
            .collect();
        let kept = filter_record_batch(&batch, &mask).map_err(|e| parquet(source)(e.into()))?;
        writer.write(&kept).map_err(parquet(dest))?;
    }
    writer.close().map_err(parquet(dest))?;
    Ok(())
}

/// `schema.json`: the target, the period and every input table's columns.
fn schema_json(target: &Target, period: &Period) -> String {
    let tables: serde_json::Map<String, serde_json::Value> = INPUT_TABLES
        .iter()
        .map(|name| {
            let t = tables::by_name(name).expect("input tables are known");
            let columns: Vec<serde_json::Value> = t
                .columns
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "name": c.name,
                        "type": telcosynth_sinks::data_type(c.kind).to_string(),
                        "nullable": c.nullable,
                        "doc": c.doc,
                    })
                })
                .collect();
            let table = serde_json::json!({ "doc": t.doc, "columns": columns });
            (name.to_string(), table)
        })
        .collect();
    let doc = serde_json::json!({
        "contract_version": crate::contract::CONTRACT_VERSION,
        "operator": target,
        "period": {
            "start": period.start.to_string(),
            "end": period.end.to_string(),
            "t_start_utc_s": period.t_start,
            "t_end_utc_s": period.t_end,
            "timezone": "Asia/Kuala_Lumpur (UTC+8)",
        },
        "tables": tables,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("json");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_bounds_are_local_midnights() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = Period::new(d("2025-01-10"), d("2025-01-11"));
        // 2025-01-10 00:00 +08:00 = 2025-01-09 16:00 UTC.
        assert_eq!(p.t_start, 1_736_438_400);
        assert_eq!(p.t_end - p.t_start, 2 * 86_400);
    }

    #[test]
    fn paths_below_the_table_folder() {
        let p = path_within_table("cdr/date=2025-01-10/cdr-0000-00000.parquet", "cdr");
        assert_eq!(p, PathBuf::from("date=2025-01-10/cdr-0000-00000.parquet"));
        let p = path_within_table("shard-0001-of-0002/cells/cells-0001-00001.parquet", "cells");
        assert_eq!(p, PathBuf::from("cells-0001-00001.parquet"));
    }
}
