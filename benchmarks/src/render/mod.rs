//! Writing the report of a run: `report.json` (every figure), `report.md` ([`md`], readable)
//! and `report.html` ([`html`], the leaderboard and [`charts`]). Rendering reads the report
//! data ([`crate::report`]) and the ranking ([`crate::leaderboard`]); neither reads it.

pub mod charts;
pub mod html;
pub mod md;

use std::path::Path;

use crate::error::HarnessError;
use crate::report::BenchReport;

/// Writes `report.json`, `report.md` and `report.html` of `report` into `dir`.
pub fn write(report: &BenchReport, dir: &Path) -> Result<(), HarnessError> {
    let mut json = serde_json::to_string_pretty(report).expect("report serialises");
    json.push('\n');
    let path = dir.join("report.json");
    std::fs::write(&path, json).map_err(HarnessError::io("write", &path))?;
    let path = dir.join("report.md");
    std::fs::write(&path, md::markdown(report)).map_err(HarnessError::io("write", &path))?;
    let path = dir.join("report.html");
    let html = html::html(report, &report.leaderboard);
    std::fs::write(&path, html).map_err(HarnessError::io("write", &path))
}
