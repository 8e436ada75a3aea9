//! `manifest.json`: what a completed dataset folder holds and how it was made.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use telcosynth_generator::columnar::View;

use crate::error::SinkFailure;
use crate::hashing::sha256_hex;

/// File name of the manifest inside a dataset folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Manifest format version this build writes and reads.
pub const MANIFEST_FORMAT_VERSION: u32 = 1;

/// The tool that wrote a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Program name.
    pub name: String,
    /// Program version.
    pub version: String,
}

/// Which shard of a split run a dataset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// This shard, from 0.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

/// What the caller knows about a run, passed to [`crate::DatasetWriter::finish`].
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestInfo {
    /// The tool that generated the data.
    pub tool: ToolInfo,
    /// Scenario name.
    pub scenario_name: String,
    /// The scenario's normalised text; the manifest stores it and its SHA-256.
    pub scenario_text: String,
    /// Master seed.
    pub seed: u64,
    /// Shard of this run.
    pub shard: ShardInfo,
    /// Free-form extras (`null` to leave out).
    pub extra: serde_json::Value,
}

/// The scenario a dataset was generated from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// Lowercase hex SHA-256 of `text`.
    pub sha256: String,
    /// The normalised scenario text.
    pub text: String,
}

/// Whether a table is the operator's view or ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableView {
    /// What a pipeline under test receives.
    Operator,
    /// Ground truth.
    Truth,
}

impl From<View> for TableView {
    fn from(view: View) -> Self {
        match view {
            View::Operator => TableView::Operator,
            View::Truth => TableView::Truth,
        }
    }
}

/// One data file of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the dataset folder, with `/` separators.
    pub path: String,
    /// Rows in the file.
    pub rows: u64,
    /// File size in bytes.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the file.
    pub sha256: String,
}

/// One table of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// Operator view or truth.
    pub view: TableView,
    /// Rows over all files.
    pub rows: u64,
    /// The files, sorted by path.
    pub files: Vec<FileEntry>,
}

/// Contents of `manifest.json`, written last so that its presence marks a complete dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT_VERSION`].
    pub format_version: u32,
    /// The generating tool.
    pub tool: ToolInfo,
    /// The scenario.
    pub scenario: ScenarioInfo,
    /// Master seed.
    pub seed: u64,
    /// Shard of this run.
    pub shard: ShardInfo,
    /// Every table by name, including declared tables that received no rows.
    pub tables: BTreeMap<String, TableEntry>,
    /// Free-form extras from [`ManifestInfo::extra`].
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub extra: serde_json::Value,
}

impl Manifest {
    /// A manifest for `info` and the given tables.
    pub(crate) fn new(info: ManifestInfo, tables: BTreeMap<String, TableEntry>) -> Self {
        Manifest {
            format_version: MANIFEST_FORMAT_VERSION,
            tool: info.tool,
            scenario: ScenarioInfo {
                name: info.scenario_name,
                sha256: sha256_hex(info.scenario_text.as_bytes()),
                text: info.scenario_text,
            },
            seed: info.seed,
            shard: info.shard,
            tables,
            extra: info.extra,
        }
    }

    /// Pretty-printed JSON with a trailing newline; the same manifest always gives the same bytes.
    pub(crate) fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self).map(|mut text| {
            text.push('\n');
            text
        })
    }

    /// Whether this manifest was made by merging the shards of a split run
    /// ([`crate::merge_shards`]): its `extra` then lists the shard manifests.
    pub fn is_merged(&self) -> bool {
        self.extra.get(MERGED_SHARDS_KEY).is_some()
    }
}

/// Key in a merged manifest's `extra` that lists the shard manifests it was made from.
pub const MERGED_SHARDS_KEY: &str = "merged_shards";

/// Writes `manifest` as `dir/manifest.json`, under a temporary name first and then renamed, so
/// that a reader never sees a partial manifest.
pub(crate) fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), SinkFailure> {
    let path = dir.join(MANIFEST_FILE);
    let json = manifest.to_json().map_err(|source| SinkFailure::Manifest {
        path: path.clone(),
        source,
    })?;
    let tmp = dir.join(format!(".{MANIFEST_FILE}.tmp"));
    fs::write(&tmp, json).map_err(SinkFailure::io("write", &tmp))?;
    fs::rename(&tmp, &path).map_err(SinkFailure::io("rename into", &path))
}

/// Reads and checks the manifest of the dataset folder `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, SinkFailure> {
    let path = dir.join(MANIFEST_FILE);
    let text = fs::read(&path).map_err(SinkFailure::io("read", &path))?;
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|source| SinkFailure::Manifest {
            path: path.clone(),
            source,
        })?;
    if manifest.format_version != MANIFEST_FORMAT_VERSION {
        return Err(SinkFailure::ManifestVersion {
            path,
            found: manifest.format_version,
            expected: MANIFEST_FORMAT_VERSION,
        });
    }
    Ok(manifest)
}
