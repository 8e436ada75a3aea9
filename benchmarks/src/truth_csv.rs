//! The truth indicator tables a benchmark scores against, written as small CSV files beside the
//! report (`truth-indicators/<indicator>.csv`), so that anyone can compare their own computation
//! with the published ones without the dataset.
//!
//! One file per indicator, in the aggregates table's columns and vocabulary
//! (`PIPELINE_CONTRACT.md`): times in ISO 8601 UTC, rows in key order, values rounded to six
//! decimals (the indicators are counts or shares, and rounding keeps the bytes independent of
//! the engine's summation order).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use chrono::DateTime;

use crate::error::HarnessError;
use crate::indicators::{IndicatorSet, Row};

/// Folder of the files, inside the report folder.
pub const FOLDER: &str = "truth-indicators";
/// Header line of every file.
pub const HEADER: &str =
    "indicator,zone_level,zone_id,t_start,t_end,breakdown_key,breakdown_value,value";

/// Writes one CSV per computed indicator of `truth` into `dir/truth-indicators/` (replacing the
/// folder) and returns the paths, in indicator order.
pub fn write(truth: &IndicatorSet, dir: &Path) -> Result<Vec<PathBuf>, HarnessError> {
    let folder = dir.join(FOLDER);
    if folder.exists() {
        std::fs::remove_dir_all(&folder).map_err(HarnessError::io("remove", &folder))?;
    }
    std::fs::create_dir_all(&folder).map_err(HarnessError::io("create", &folder))?;
    let mut paths = Vec::new();
    for (indicator, rows) in &truth.rows {
        let path = folder.join(format!("{indicator}.csv"));
        std::fs::write(&path, csv(rows)).map_err(HarnessError::io("write", &path))?;
        paths.push(path);
    }
    Ok(paths)
}

/// The CSV text of one indicator's rows.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(HEADER);
    out.push('\n');
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            field(&r.indicator),
            field(&r.zone_level),
            field(&r.zone_id),
            iso(r.t_start),
            iso(r.t_end),
            field(r.breakdown_key.as_deref().unwrap_or("")),
            field(r.breakdown_value.as_deref().unwrap_or("")),
            r.value.map_or(String::new(), number),
        );
    }
    out
}

/// A value rounded to six decimals, without trailing zeros.
fn number(v: f64) -> String {
    let text = format!("{:.6}", (v * 1e6).round() / 1e6);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// UTC epoch seconds as ISO 8601.
fn iso(t: i64) -> String {
    DateTime::from_timestamp(t, 0).map_or_else(
        || t.to_string(),
        |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(zone: &str, value: Option<f64>) -> Row {
        Row {
            indicator: "residents".into(),
            zone_level: "district".into(),
            zone_id: zone.into(),
            t_start: 1_736_092_800,
            t_end: 1_736_697_600,
            breakdown_key: None,
            breakdown_value: None,
            value,
        }
    }

    #[test]
    fn rows_become_csv_lines_with_iso_times_and_rounded_values() {
        let text = csv(&[
            row("10_1", Some(12.0)),
            row("a,b", Some(0.1234567)),
            row("x", None),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "residents,district,10_1,2025-01-05T16:00:00Z,2025-01-12T16:00:00Z,,,12"
        );
        assert!(
            lines[2].starts_with("residents,district,\"a,b\","),
            "{}",
            lines[2]
        );
        assert!(lines[2].ends_with(",0.123457"), "{}", lines[2]);
        assert!(lines[3].ends_with(",,,"), "{}", lines[3]);
        assert_eq!(number(-0.0000001), "0");
    }
}
