//! The pipeline contract: what a pipeline writes into `OUT` (see `PIPELINE_CONTRACT.md`), the
//! release manifest's types and its validation with errors that name file, field and fix.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// File name of the release manifest inside `OUT`.
pub const RELEASE_MANIFEST: &str = "manifest.json";
/// Contract version this harness reads.
pub const CONTRACT_VERSION: u64 = 1;
/// The tables of the operator's view a pipeline receives (and may release as microdata).
pub const INPUT_TABLES: [&str; 4] = ["subscribers", "cells", "cdr", "ip_sessions"];
/// The indicator vocabulary of aggregate releases.
pub const INDICATORS: [&str; 20] = [
    "present_population",
    "residents",
    "od_trips",
    "inbound_visitors",
    "inbound_nights",
    "calls",
    "call_drop_rate",
    "data_volume",
    "throughput_p50",
    "technology_share",
    "low_throughput_share",
    "dropped_session_share",
    "user_density",
    "coverage_gap",
    "domestic_trips",
    "domestic_nights",
    "same_day_visits",
    "inbound_visitors_by_entry",
    "outbound_trips",
    "outbound_nights",
];
/// Columns of the aggregates table, in order.
pub const AGGREGATE_COLUMNS: [&str; 8] = [
    "indicator",
    "zone_level",
    "zone_id",
    "t_start",
    "t_end",
    "breakdown_key",
    "breakdown_value",
    "value",
];
/// Zone levels an aggregate row may use (`country` for national totals such as visitors,
/// `entry_point` for the ids of `generator/data/entry_points.csv`).
pub const ZONE_LEVELS: [&str; 5] = ["cell", "district", "state", "country", "entry_point"];

/// What a release contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Record-level tables under `OUT/microdata/<table>/`.
    Microdata,
    /// The long table `OUT/aggregates.parquet` (or `.csv`).
    Aggregates,
    /// Both of the above.
    Both,
}

impl Kind {
    /// Whether the release holds microdata.
    pub fn microdata(self) -> bool {
        matches!(self, Kind::Microdata | Kind::Both)
    }
    /// Whether the release holds aggregates.
    pub fn aggregates(self) -> bool {
        matches!(self, Kind::Aggregates | Kind::Both)
    }
}

/// Finest spatial unit left in a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpatialLevel {
    /// Cell keys of the input `cells` table.
    Cell,
    /// DOSM district codes (column `district_code`).
    District,
    /// State names (column `state`).
    State,
}

impl SpatialLevel {
    /// The location column an event table of this level carries: `(cdr, ip_sessions)`.
    pub fn location_columns(self) -> (&'static str, &'static str) {
        match self {
            SpatialLevel::Cell => ("first_cell_key", "cell_key"),
            SpatialLevel::District => ("district_code", "district_code"),
            SpatialLevel::State => ("state", "state"),
        }
    }
}

/// How suppressed aggregate cells appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Marker {
    /// The row is left out.
    Omitted,
    /// The row is present with a null `value`.
    Null,
}

/// The release's suppression convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Smallest count published.
    pub k: u64,
    /// How suppressed cells appear.
    pub marker: Marker,
}

/// A privacy claim: recorded in the report, never trusted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivacyClaim {
    /// Mechanism, e.g. `laplace`, `gaussian`, `k-anonymity`.
    pub mechanism: String,
    /// ε, when the mechanism has one.
    #[serde(default)]
    pub epsilon: Option<f64>,
    /// δ, when the mechanism has one.
    #[serde(default)]
    pub delta: Option<f64>,
    /// Privacy unit, e.g. `subscriber`, `subscriber-day`.
    #[serde(default)]
    pub unit: Option<String>,
    /// Contribution bound per unit, free text or a number.
    #[serde(default)]
    pub contribution_bound: Option<Value>,
}

/// Contents of `OUT/manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseManifest {
    /// Always [`CONTRACT_VERSION`].
    pub contract_version: u64,
    /// What the release contains.
    pub kind: Kind,
    /// Columns holding pseudonyms, as `table.column`.
    pub pseudonym_columns: Vec<String>,
    /// Finest spatial unit left.
    pub spatial_level: SpatialLevel,
    /// Time resolution in seconds (1 when times are exact).
    pub time_bin_s: u64,
    /// Suppression convention; null when nothing is suppressed.
    pub suppression: Option<Suppression>,
    /// Optional privacy claim.
    #[serde(default)]
    pub privacy_claim: Option<PrivacyClaim>,
}

/// A release that breaks the contract: the file, the field and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractError {
    /// File at fault.
    pub file: PathBuf,
    /// Field or column at fault (empty for the whole file).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.field,
                self.message
            )
        }
    }
}

impl std::error::Error for ContractError {}

impl ContractError {
    /// An error about `field` of `file`.
    pub fn new(file: &Path, field: &str, message: impl Into<String>) -> Self {
        ContractError {
            file: file.to_path_buf(),
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Reads and validates `OUT/manifest.json`, after checking that the release holds regular
/// files and folders only: a symbolic link could lead the harness's reads out of `OUT`.
pub fn read_release_manifest(out: &Path) -> Result<ReleaseManifest, ContractError> {
    refuse_links(out)?;
    let path = out.join(RELEASE_MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ContractError::new(
            &path,
            "",
            format!("cannot read the release manifest ({e}); write it last, after the data"),
        )
    })?;
    parse_release_manifest(&path, &text)
}

/// Fails on the first symbolic link under `dir` (not following any).
fn refuse_links(dir: &Path) -> Result<(), ContractError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ContractError::new(dir, "", format!("cannot read the release ({e})")))?;
    for entry in entries {
        let entry = entry
            .map_err(|e| ContractError::new(dir, "", format!("cannot read the release ({e})")))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| ContractError::new(&path, "", format!("cannot read ({e})")))?;
        if kind.is_symlink() {
            let target = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(ContractError::new(
                &path,
                "",
                format!(
                    "is a symbolic link (to {target}); a release holds regular files and \
                     folders only: write the data into OUT itself"
                ),
            ));
        }
        if kind.is_dir() {
            refuse_links(&path)?;
        }
    }
    Ok(())
}

/// Validates the text of a release manifest; `path` names it in errors.
pub fn parse_release_manifest(path: &Path, text: &str) -> Result<ReleaseManifest, ContractError> {
    let err = |field: &str, message: String| ContractError::new(path, field, message);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        err(
            "",
            format!("not valid JSON ({e}); write one JSON object, see manifest.schema.json"),
        )
    })?;
    let Value::Object(map) = &value else {
        return Err(err("", "must be a JSON object".into()));
    };
    const KNOWN: [&str; 7] = [
        "contract_version",
        "kind",
        "pseudonym_columns",
        "spatial_level",
        "time_bin_s",
        "suppression",
        "privacy_claim",
    ];
    if let Some(unknown) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(err(
            unknown,
            format!("unknown field; the fields are {}", KNOWN.join(", ")),
        ));
    }
    let field = |name: &str| map.get(name).filter(|v| !v.is_null());
    let required =
        |name: &str| field(name).ok_or_else(|| err(name, "missing; it is required".into()));
    let version = required("contract_version")?;
    if version.as_u64() != Some(CONTRACT_VERSION) {
        return Err(err(
            "contract_version",
            format!("is {version}; this harness reads contract version {CONTRACT_VERSION}"),
        ));
    }
    let enum_field = |name: &str, allowed: &[&str]| -> Result<(), ContractError> {
        let v = required(name)?;
        match v.as_str() {
            Some(s) if allowed.contains(&s) => Ok(()),
            _ => Err(err(
                name,
                format!("is {v}; write one of {}", quoted(allowed)),
            )),
        }
    };
    enum_field("kind", &["microdata", "aggregates", "both"])?;
    enum_field("spatial_level", &["cell", "district", "state"])?;
    let columns = required("pseudonym_columns")?;
    let Some(columns) = columns.as_array() else {
        return Err(err(
            "pseudonym_columns",
            format!("is {columns}; write a list of \"table.column\" strings (empty if none)"),
        ));
    };
    for c in columns {
        let ok = c
            .as_str()
            .and_then(|s| s.split_once('.'))
            .is_some_and(|(t, col)| INPUT_TABLES.contains(&t) && !col.is_empty());
        if !ok {
            return Err(err(
                "pseudonym_columns",
                format!(
                    "entry {c} is not \"table.column\" with table one of {}",
                    quoted(&INPUT_TABLES)
                ),
            ));
        }
    }
    let bin = required("time_bin_s")?;
    if bin.as_u64().is_none_or(|b| b < 1) {
        return Err(err(
            "time_bin_s",
            format!("is {bin}; write a whole number of seconds, at least 1 (1 = exact times)"),
        ));
    }
    if let Some(s) = field("suppression") {
        let k = s.get("k");
        if k.and_then(Value::as_u64).is_none_or(|k| k < 1) {
            return Err(err(
                "suppression.k",
                format!(
                    "is {}; write the smallest published count, a whole number >= 1",
                    k.unwrap_or(&Value::Null)
                ),
            ));
        }
        let marker = s.get("marker").and_then(Value::as_str);
        if !matches!(marker, Some("omitted" | "null")) {
            return Err(err(
                "suppression.marker",
                "write \"omitted\" (rows left out) or \"null\" (value null)".into(),
            ));
        }
    }
    if let Some(claim) = field("privacy_claim") {
        if !claim.get("mechanism").is_some_and(Value::is_string) {
            return Err(err(
                "privacy_claim.mechanism",
                "missing; name the mechanism, e.g. \"laplace\"".into(),
            ));
        }
        for key in ["epsilon", "delta"] {
            if let Some(v) = claim.get(key).filter(|v| !v.is_null())
                && !v.as_f64().is_some_and(|x| x >= 0.0)
            {
                return Err(err(
                    &format!("privacy_claim.{key}"),
                    format!("is {v}; write a non-negative number or null"),
                ));
            }
        }
    }
    serde_json::from_value(value).map_err(|e| err("", format!("{e}; see manifest.schema.json")))
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks an indicator name against the vocabulary.
pub fn check_indicator(file: &Path, name: &str) -> Result<(), ContractError> {
    if INDICATORS.contains(&name) {
        Ok(())
    } else {
        Err(ContractError::new(
            file,
            "indicator",
            format!(
                "unknown indicator \"{name}\"; use one of {}",
                quoted(&INDICATORS)
            ),
        ))
    }
}

/// Checks a zone level against the vocabulary.
pub fn check_zone_level(file: &Path, level: &str) -> Result<(), ContractError> {
    if ZONE_LEVELS.contains(&level) {
        Ok(())
    } else {
        Err(ContractError::new(
            file,
            "zone_level",
            format!(
                "unknown zone level \"{level}\"; use one of {}",
                quoted(&ZONE_LEVELS)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"contract_version": 1, "kind": "both",
        "pseudonym_columns": ["cdr.served_msisdn"], "spatial_level": "district",
        "time_bin_s": 3600, "suppression": {"k": 15, "marker": "omitted"},
        "privacy_claim": {"mechanism": "laplace", "epsilon": 1.0, "unit": "subscriber-day"}}"#;

    fn parse(text: &str) -> Result<ReleaseManifest, ContractError> {
        parse_release_manifest(Path::new("OUT/manifest.json"), text)
    }

    /// The good manifest with `key` set to `value` (JSON) or removed (`None`).
    fn with(key: &str, value: Option<&str>) -> String {
        let mut v: Value = serde_json::from_str(GOOD).unwrap();
        match value {
            Some(x) => v[key] = serde_json::from_str(x).unwrap(),
            None => {
                v.as_object_mut().unwrap().remove(key);
            }
        }
        v.to_string()
    }

    #[test]
    fn a_good_manifest_parses() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.kind, Kind::Both);
        assert!(m.kind.microdata() && m.kind.aggregates());
        assert_eq!(m.spatial_level, SpatialLevel::District);
        assert_eq!(m.suppression.unwrap().marker, Marker::Omitted);
        assert_eq!(m.privacy_claim.unwrap().epsilon, Some(1.0));
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            (with("kind", Some("\"tables\"")), "kind"),
            (with("kind", None), "kind"),
            (with("spatial_level", Some("\"ward\"")), "spatial_level"),
            (with("time_bin_s", Some("0")), "time_bin_s"),
            (with("time_bin_s", Some("\"1h\"")), "time_bin_s"),
            (
                with("pseudonym_columns", Some("\"msisdn\"")),
                "pseudonym_columns",
            ),
            (
                with("pseudonym_columns", Some("[\"persons.id\"]")),
                "pseudonym_columns",
            ),
            (with("contract_version", Some("2")), "contract_version"),
            (
                with("suppression", Some("{\"k\": 0, \"marker\": \"omitted\"}")),
                "suppression.k",
            ),
            (
                with("suppression", Some("{\"k\": 5, \"marker\": \"-\"}")),
                "suppression.marker",
            ),
            (
                with("privacy_claim", Some("{\"epsilon\": 1}")),
                "privacy_claim.mechanism",
            ),
            (
                with(
                    "privacy_claim",
                    Some("{\"mechanism\": \"laplace\", \"epsilon\": -1}"),
                ),
                "privacy_claim.epsilon",
            ),
            (with("extra_field", Some("1")), "extra_field"),
        ];
        for (text, field) in cases {
            let e = parse(&text).unwrap_err();
            assert_eq!(e.field, field, "{text}: {e}");
            assert!(e.to_string().starts_with("OUT/manifest.json: "), "{e}");
        }
    }

    #[test]
    fn garbage_is_rejected_as_a_whole() {
        for text in ["", "not json", "[1, 2]"] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.field, "", "{e}");
        }
    }

    #[test]
    fn vocabularies() {
        let f = Path::new("OUT/aggregates.parquet");
        assert!(check_indicator(f, "od_trips").is_ok());
        let e = check_indicator(f, "footfall").unwrap_err();
        assert!(
            e.to_string().contains("unknown indicator \"footfall\""),
            "{e}"
        );
        assert!(check_zone_level(f, "district").is_ok());
        assert!(check_zone_level(f, "mukim").is_err());
    }
}
