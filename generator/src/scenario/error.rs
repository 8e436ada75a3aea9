//! Errors that point at a file, line, column and field, and say how to fix the problem.

use std::ops::Range;

use super::names::{join_or, valid_choices};

/// An invalid or unreadable scenario.
///
/// Displays as `<origin>:<line>:<column>: <field>: <problem>; <fix>`, for example
/// `scenarios/x.toml:7:9: population.scale: must be greater than 0 and at most 1 (got 0); set a
/// fraction such as 0.001, or use persons = N`. Syntax errors have no field; I/O errors have no
/// line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}{}{}: {message}", position_suffix(.position), field_suffix(.field))]
pub struct ScenarioError {
    /// File path, or `bundled:<name>`.
    pub(crate) origin: String,
    /// 1-based line and column (in characters) of the offending text, if known.
    pub position: Option<(usize, usize)>,
    /// Dotted path of the field, e.g. `population.scale`; empty for syntax and I/O errors.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

fn position_suffix(position: &Option<(usize, usize)>) -> String {
    position.map_or_else(String::new, |(line, column)| format!(":{line}:{column}"))
}

fn field_suffix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!(": {field}")
    }
}

/// The text being parsed, to turn spans into positions.
pub(crate) struct Source<'a> {
    pub(crate) origin: &'a str,
    pub text: &'a str,
    pub(crate) known_tables: &'a [&'a str],
}

impl Source<'_> {
    /// An error at `span` in field `field`.
    pub(super) fn error(&self, span: Range<usize>, field: &str, message: String) -> ScenarioError {
        ScenarioError {
            origin: self.origin.to_owned(),
            position: Some(self.position(span.start)),
            field: field.to_owned(),
            message,
        }
    }

    /// 1-based line and character column of byte `offset`.
    fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    /// Rewords a syntax or type error from the TOML deserializer.
    pub(crate) fn toml_error(&self, error: &toml::de::Error) -> ScenarioError {
        let keys = error_keys(error);
        let message = error.message();
        let (field, message) = if let Some(rest) = message.strip_prefix("unknown field `") {
            let (unknown, expected) = rest.split_once('`').unwrap_or((rest, ""));
            let valid = backticked(expected);
            let fix = if valid.is_empty() {
                "this table takes no keys: remove it".to_owned()
            } else {
                valid_choices("keys here", unknown, &valid)
            };
            (join(&keys, unknown), format!("unknown key; {fix}"))
        } else if let Some(rest) = message.strip_prefix("missing field `") {
            let missing = rest.split_once('`').map_or(rest, |(m, _)| m);
            let field = join(&keys, missing);
            let fix = self
                .example(&field)
                .map_or(String::new(), |e| format!("; add a line such as {e}"));
            (field, format!("required key is missing{fix}"))
        } else if let Some(rest) = message.strip_prefix("unknown variant `") {
            let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
            let valid = backticked(expected);
            let field = keys.join(".");
            let valid: Vec<String> = valid.iter().map(|v| format!("\"{v}\"")).collect();
            (
                field,
                format!("unknown value \"{value}\"; write {}", join_or(&valid)),
            )
        } else {
            let field = keys.join(".");
            let fix = match self.example(&field) {
                Some(example) => format!("; write it like {example}"),
                None if field.is_empty() => "; fix the TOML syntax here".to_owned(),
                None => String::new(),
            };
            (field, format!("{}{fix}", plain_types(message)))
        };
        ScenarioError {
            origin: self.origin.to_owned(),
            position: error.span().map(|s| self.position(s.start)),
            field,
            message,
        }
    }

    /// A correct line for `field`, quoted with backticks.
    pub(super) fn example(&self, field: &str) -> Option<String> {
        let example = match field {
            "name" => "name = \"klang-valley-week\"",
            "description" => "description = \"One week in the Klang Valley.\"",
            "seed" => "seed = 20250106",
            "period" => "[period] with start = 2025-01-06 and end = 2025-01-12",
            "period.start" => "start = 2025-01-06",
            "period.end" => "end = 2025-01-12",
            "region.states" => "states = [\"Selangor\", \"W.P. Kuala Lumpur\"]",
            "region.districts" => "districts = [\"Petaling\", \"Selangor/Klang\"]",
            "population" => "[population] with persons = 20000",
            "population.scale" => "scale = 0.001",
            "population.persons" => "persons = 20000",
            "population.subscribers" => "subscribers = 27000",
            "population.sims_per_person" => "sims_per_person = 1.35",
            "operators" => "[operators] with maxis = { share = 0.25 } and one line per operator",
            "holidays.balik_kampung_cny_share" => "balik_kampung_cny_share = 0.5",
            "holidays.balik_kampung_raya_share" => "balik_kampung_raya_share = 0.6",
            "outputs.format" => "format = \"parquet\" (or \"csv\")",
            "outputs.compression" => "compression = \"zstd\" (or \"none\")",
            "outputs.persons_per_block" => "persons_per_block = 50000",
            "outputs.tables" => {
                let quoted: Vec<String> = self
                    .known_tables
                    .iter()
                    .take(2)
                    .map(|t| format!("\"{t}\""))
                    .collect();
                return Some(format!("`tables = [{}]`", quoted.join(", ")));
            }
            f if f.starts_with("operators.") && f.ends_with(".share") => "share = 0.25",
            f if f.starts_with("operators.") => "maxis = { share = 0.25 }",
            _ => return None,
        };
        Some(format!("`{example}`"))
    }
}

/// The error for a file that cannot be read.
/// A scenario file over [`super::MAX_SCENARIO_BYTES`].
pub(crate) fn too_large(origin: &str) -> ScenarioError {
    ScenarioError {
        origin: origin.to_owned(),
        position: None,
        field: String::new(),
        message: format!(
            "the file is larger than {} MiB ({} bytes), too large for a scenario (a short TOML \
             file); check the path, or name a bundled scenario",
            super::MAX_SCENARIO_BYTES / (1024 * 1024),
            super::MAX_SCENARIO_BYTES
        ),
    }
}

pub(crate) fn io_error(origin: &str, error: &std::io::Error) -> ScenarioError {
    let bundled: Vec<&str> = super::bundled().iter().map(|b| b.name).collect();
    ScenarioError {
        origin: origin.to_owned(),
        position: None,
        field: String::new(),
        message: format!(
            "cannot read the scenario: {error}; check the path, or name a bundled scenario ({})",
            bundled.join(", ")
        ),
    }
}

/// The table keys leading to the value `error` is about. `toml` keeps them private but prints
/// them as a last line "in `a.b`" when it has no input to quote.
fn error_keys(error: &toml::de::Error) -> Vec<String> {
    let mut bare = error.clone();
    bare.set_input(None);
    let text = bare.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix("in `").and_then(|l| l.strip_suffix('`')))
        .map_or_else(Vec::new, |path| {
            path.split('.').map(str::to_owned).collect()
        })
}

/// The names quoted in backticks in `text`.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn join(keys: &[String], last: &str) -> String {
    keys.iter()
        .map(String::as_str)
        .chain([last])
        .collect::<Vec<_>>()
        .join(".")
}

/// serde's Rust type names in plain words: "expected u64" → "expected a whole number".
fn plain_types(message: &str) -> String {
    [
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a table"),
    ]
    .iter()
    .fold(message.to_owned(), |m, (from, to)| m.replace(from, to))
}
