//! Scenarios compiled into the binary, and telling their names from file paths.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{Scenario, ScenarioError, load, parse};

/// Name and text of every bundled scenario.
const FILES: &[(&str, &str)] = &[
    (
        "chinese-new-year-2025",
        include_str!("../../../scenarios/chinese-new-year-2025.toml"),
    ),
    (
        "dirty-data",
        include_str!("../../../scenarios/dirty-data.toml"),
    ),
    (
        "hari-raya-2025",
        include_str!("../../../scenarios/hari-raya-2025.toml"),
    ),
    (
        "inbound-tourism-q1-2025",
        include_str!("../../../scenarios/inbound-tourism-q1-2025.toml"),
    ),
    (
        "johor-singapore-border",
        include_str!("../../../scenarios/johor-singapore-border.toml"),
    ),
    (
        "kapit-connectivity",
        include_str!("../../../scenarios/kapit-connectivity.toml"),
    ),
    (
        "klang-valley-week",
        include_str!("../../../scenarios/klang-valley-week.toml"),
    ),
    (
        "langkawi-full-density",
        include_str!("../../../scenarios/langkawi-full-density.toml"),
    ),
    (
        "malaysia-q1-2025",
        include_str!("../../../scenarios/malaysia-q1-2025.toml"),
    ),
    (
        "melaka-full-density",
        include_str!("../../../scenarios/melaka-full-density.toml"),
    ),
    (
        "network-outage",
        include_str!("../../../scenarios/network-outage.toml"),
    ),
    (
        "quickstart",
        include_str!("../../../scenarios/quickstart.toml"),
    ),
];

/// A scenario shipped with the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundledScenario {
    /// Name, as given on the command line.
    pub name: &'static str,
    /// First line of the scenario's `description`.
    pub description: String,
    /// The TOML text.
    pub text: &'static str,
}

/// All bundled scenarios, in name order.
pub fn bundled() -> &'static [BundledScenario] {
    static BUNDLED: OnceLock<Vec<BundledScenario>> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        FILES
            .iter()
            .map(|&(name, text)| {
                let table: toml::Table = text.parse().unwrap_or_default();
                let description = table.get("description").and_then(toml::Value::as_str);
                let first_line = description.and_then(|d| d.lines().next()).unwrap_or("");
                BundledScenario {
                    name,
                    description: first_line.trim().to_owned(),
                    text,
                }
            })
            .collect()
    })
}

/// Where a scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioSource {
    /// A bundled scenario.
    Bundled(&'static BundledScenario),
    /// A file.
    File(PathBuf),
}

impl ScenarioSource {
    /// Parses the scenario; errors name `bundled:<name>` or the file path.
    pub fn load(&self, known_tables: &[&str]) -> Result<Scenario, ScenarioError> {
        match self {
            ScenarioSource::Bundled(b) => {
                parse(&format!("bundled:{}", b.name), b.text, known_tables)
            }
            ScenarioSource::File(path) => load(path, known_tables),
        }
    }
}

/// Interprets a command-line argument: `bundled:<name>` or a bare bundled name (such as
/// `quickstart`) is a bundled scenario; anything else, and any argument containing a path
/// separator or ending in `.toml`, is a file path.
pub fn resolve(arg: &str) -> ScenarioSource {
    let looks_like_path = arg.contains(['/', '\\']) || arg.ends_with(".toml");
    let name = arg.strip_prefix("bundled:").unwrap_or(arg);
    match bundled().iter().find(|b| b.name == name) {
        Some(b) if !looks_like_path || name != arg => ScenarioSource::Bundled(b),
        _ => ScenarioSource::File(Path::new(arg).to_path_buf()),
    }
}
