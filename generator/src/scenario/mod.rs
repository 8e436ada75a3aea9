//! Scenarios: TOML files that say what to generate.
//!
//! ```toml
//! name = "klang-valley-week"          # required, a-z, 0-9 and '-'
//! description = "One week in the Klang Valley."
//! seed = 20250106                     # required; same seed and scenario, same bytes
//!
//! [period]                            # required; both dates inclusive, local time
//! start = 2025-01-06                  # (Asia/Kuala_Lumpur, UTC+8), at most 366 days
//! end = 2025-01-12
//!
//! [region]                            # optional; default: all of Malaysia; names in census
//! states = ["Selangor", "Kuala Lumpur"] # spelling, any case, or aliases ("Penang", "KL")
//! districts = ["Johor/Kluang"]        # "District" or "State/District"
//!
//! [population]                        # required: exactly one of scale, persons, subscribers
//! persons = 20000
//! sims_per_person = 1.35              # optional, 1.0 to 3.0 (MCMC: ~1.31 per capita in 2018)
//!
//! [operators]                         # optional; default: market shares; must sum to 1,
//!                                     # operators not listed get 0
//! maxis = { share = 0.5 }
//! celcomdigi = { share = 0.5 }
//!
//! [holidays]                          # optional: balik kampung around the 2025 festivals
//! balik_kampung_cny_share = 0.5       # share of eligible Chinese households, 0 to 1
//! balik_kampung_raya_share = 0.6      # share of eligible Malay households, 0 to 1
//!
//! [tourism]                           # optional: foreign visitors
//! inbound_scale = 0.001               # fraction of the country's arrivals, 0 (default) to 1
//! domestic_trip_share = 0.03          # city households away per weekend/holiday, 0 (default)
//! outbound_scale = 1.0                # factor on residents' trips abroad, 0 (default) to 10
//!
//! [[gathering]]                       # optional, repeatable: a concert or festival
//! name = "Thaipusam"
//! kind = "festival"                   # "concert" (stay opens..closes) or "festival"
//! venue = "Batu Caves"                # a bundled attraction, or lon = .., lat = ..
//! first = 2025-02-10                  # within the period
//! last = 2025-02-11                   # optional; default: first
//! opens = "05:00"                     # local HH:MM, the same day as closes
//! closes = "23:00"
//! visit_hours = 3                     # festivals only: how long one attendee stays
//! attendees = 300000                  # per day, at full population scale
//! catchment_km = 50                   # optional: districts whose centre is this close
//! audience = "indian"                 # optional: bumiputera, chinese, indian or other
//!
//! [[outage]]                          # optional, repeatable: sites down in a disc
//! name = "PJ fibre cut"
//! operator = "celcomdigi"             # optional; default: every operator
//! lon = 101.6067
//! lat = 3.1073
//! radius_km = 3.0                     # sites within it fail, up to 100
//! start = "2025-02-12 10:00"          # local, within the period
//! end = "2025-02-12 16:00"            # exclusive
//!
//! [faults]                            # optional: data-quality faults (docs/FAULTS.md), each a
//! exact_duplicate = 0.002             # share from 0 (default) to 1 of records (clock_skew:
//! near_duplicate = 0.001              # of site-days; long_call_split: of calls longer than
//! cell_missing = 0.001                # their switch's cut)
//! cell_unknown = 0.0005
//! cell_other_operator = 0.0002
//! clock_skew = 0.01
//! long_call_split = 1.0
//! long_session_split = 1.0            # of data records over their gateway's volume limit
//! late_arrival = 0.003
//! identifier_malformed = 0.001
//! number_format = 0.02
//! out_of_order = 0.001
//! location_far = 0.001
//!
//! [outputs]                           # optional
//! tables = ["persons"]                # default: all
//! format = "parquet"                  # or "csv"
//! compression = "zstd"                # or "none"
//! persons_per_block = 50000           # 1000 to 10000000
//! ```
//!
//! [`parse`] checks everything and reports the first problem as a [`ScenarioError`] naming the
//! line, the field and a fix.

mod bundled;
mod error;
mod events;
mod model;
mod names;
mod validate;

#[cfg(test)]
mod tests;

use std::path::Path;

use chrono::NaiveDate;

pub use bundled::{BundledScenario, ScenarioSource, bundled, resolve};
pub use error::ScenarioError;
pub use model::{Compression, Format};
#[cfg(test)]
pub(crate) use model::{
    DEFAULT_BALIK_KAMPUNG_CNY_SHARE, DEFAULT_BALIK_KAMPUNG_RAYA_SHARE, DEFAULT_SIMS_PER_PERSON,
};

use crate::events::{Gathering, Outage};
pub(crate) use crate::vocabulary::PopulationSize;
use error::Source;
use model::ScenarioFile;

/// A validated scenario with all defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The file, normalised.
    file: ScenarioFile,
    start: NaiveDate,
    end: NaiveDate,
    districts: Vec<u16>,
    population: PopulationSize,
    operator_shares: Vec<(usize, f64)>,
    gatherings: Vec<Gathering>,
    outages: Vec<Outage>,
    /// The table names it was validated against ([`parse`]'s `known_tables`).
    known_tables: Vec<String>,
}

impl Scenario {
    /// Scenario name: non-empty, a-z, 0-9 and '-'.
    pub fn name(&self) -> &str {
        self.file.name.as_ref()
    }

    /// Free-text description (may be empty).
    #[cfg(test)]
    pub(crate) fn description(&self) -> &str {
        &self.file.description
    }

    /// Master seed of every random stream.
    pub fn seed(&self) -> u64 {
        self.file.seed
    }

    /// First day, inclusive, in Malaysia time (UTC+8).
    pub fn start_date(&self) -> NaiveDate {
        self.start
    }

    /// Last day, inclusive, in Malaysia time (UTC+8).
    pub(crate) fn end_date(&self) -> NaiveDate {
        self.end
    }

    /// Number of days from start to end, both included (1 to 366).
    pub fn days(&self) -> u32 {
        (self.end - self.start).num_days() as u32 + 1
    }

    /// Indices into [`crate::public_data::districts()`] of the districts in the region, sorted.
    pub fn districts(&self) -> Vec<u16> {
        self.districts.clone()
    }

    /// Population size.
    pub(crate) fn population(&self) -> PopulationSize {
        self.population
    }

    /// Mean number of SIMs per person.
    pub fn sims_per_person(&self) -> f64 {
        *self.file.population.as_ref().sims_per_person.as_ref()
    }

    /// Every operator as (index into [`crate::public_data::operators()`], share), in public-data    /// order; shares are divided by their sum so they add up to 1, and may be 0.
    pub(crate) fn operator_shares(&self) -> Vec<(usize, f64)> {
        self.operator_shares.clone()
    }

    /// Share of eligible Chinese Malaysian households that go balik kampung for Chinese New Year.
    pub(crate) fn balik_kampung_cny_share(&self) -> f64 {
        *self.file.holidays.balik_kampung_cny_share.as_ref()
    }

    /// Share of eligible Malay households that go balik kampung for Hari Raya Aidilfitri.
    pub(crate) fn balik_kampung_raya_share(&self) -> f64 {
        *self.file.holidays.balik_kampung_raya_share.as_ref()
    }

    /// Fraction of Malaysia's foreign arrivals that arrive in the scenario (see
    /// the visitors model).
    pub(crate) fn inbound_scale(&self) -> f64 {
        *self.file.tourism.inbound_scale.as_ref()
    }

    /// Share of city households away on a leisure trip over each run of rest days (see
    /// the mobility model's leisure trips).
    pub(crate) fn domestic_trip_share(&self) -> f64 {
        *self.file.tourism.domestic_trip_share.as_ref()
    }

    /// Factor on the documented rate of residents' trips abroad (see the mobility model's
    /// outbound travel).
    pub(crate) fn outbound_scale(&self) -> f64 {
        *self.file.tourism.outbound_scale.as_ref()
    }

    /// The `[faults]` rates as (field name, rate), in file order; every rate is 0 when the
    /// section is absent.
    pub fn fault_rates(&self) -> Vec<(&'static str, f64)> {
        (self.file.faults.rates().iter())
            .map(|(name, rate)| (*name, *rate.as_ref()))
            .collect()
    }

    /// Concerts and festivals, in the file's order.
    pub fn gatherings(&self) -> &[Gathering] {
        &self.gatherings
    }

    /// Network outages, in the file's order.
    pub fn outages(&self) -> &[Outage] {
        &self.outages
    }

    /// Tables to write, in the order of the list given to [`parse`].
    pub(crate) fn tables(&self) -> Vec<&str> {
        let tables = self
            .file
            .outputs
            .tables
            .as_ref()
            .expect("validation fills the tables");
        tables
            .as_ref()
            .iter()
            .map(|t| t.as_ref().as_str())
            .collect()
    }

    /// Output file format.
    pub fn format(&self) -> Format {
        self.file.outputs.format
    }

    /// Output compression.
    pub fn compression(&self) -> Compression {
        self.file.outputs.compression
    }

    /// Persons generated and written together; bounds memory use and file size.
    pub fn persons_per_block(&self) -> u32 {
        *self.file.outputs.persons_per_block.as_ref()
    }
}

/// Parses and validates scenario `text`. `origin` (a path or `bundled:<name>`) prefixes error
/// messages; `known_tables` are the table names `outputs.tables` may list, and its default.
pub fn parse(origin: &str, text: &str, known_tables: &[&str]) -> Result<Scenario, ScenarioError> {
    if text.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(error::too_large(origin));
    }
    let src = Source {
        origin,
        text,
        known_tables,
    };
    let file: ScenarioFile = toml::from_str(text).map_err(|e| src.toml_error(&e))?;
    validate::validate(&src, file)
}

/// Longest scenario file read, in bytes (10 MiB): a scenario is a short TOML file (the bundled
/// ones are a few kilobytes), and reading stops there, so that a wrong path such as a device or
/// a data file is refused at once.
pub(crate) const MAX_SCENARIO_BYTES: u64 = 10 * 1024 * 1024;

/// Reads and parses the scenario file at `path` (see [`parse`]); files over
/// `MAX_SCENARIO_BYTES` are refused after reading that much.
pub fn load(path: &Path, known_tables: &[&str]) -> Result<Scenario, ScenarioError> {
    use std::io::Read;
    let origin = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| error::io_error(&origin, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error::io_error(&origin, &e))?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(error::too_large(&origin));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let e = std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        error::io_error(&origin, &e)
    })?;
    parse(&origin, &text, known_tables)
}

/// The scenario as TOML with every default written out and names in census spelling; parsing
/// it gives back an equal scenario.
pub fn normalised_toml(scenario: &Scenario) -> String {
    toml::to_string_pretty(&scenario.file).expect("a validated scenario serialises")
}

/// `scenario` with its outputs restricted to `tables`, validated again against the table names
/// it was parsed with.
pub fn with_tables(scenario: &Scenario, tables: &[&str]) -> Result<Scenario, ScenarioError> {
    edited(scenario, tables, |_| {})
}

/// `scenario` without its `[faults]` (the clean records of the same run), its outputs
/// restricted to `tables`, validated again against the table names it was parsed with.
pub fn without_faults(scenario: &Scenario, tables: &[&str]) -> Result<Scenario, ScenarioError> {
    edited(scenario, tables, |doc| {
        doc.remove("faults");
    })
}

/// `scenario`'s normalised TOML changed by `edit`, with its outputs restricted to `tables`,
/// parsed again.
fn edited(
    scenario: &Scenario,
    tables: &[&str],
    edit: impl FnOnce(&mut toml::Table),
) -> Result<Scenario, ScenarioError> {
    let mut doc: toml::Table = normalised_toml(scenario)
        .parse()
        .expect("a normalised scenario is TOML");
    edit(&mut doc);
    let outputs = doc
        .entry("outputs")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(outputs) = outputs {
        outputs.insert(
            "tables".into(),
            toml::Value::Array(tables.iter().map(|t| toml::Value::from(*t)).collect()),
        );
    }
    let known: Vec<&str> = scenario.known_tables.iter().map(String::as_str).collect();
    parse(scenario.name(), &doc.to_string(), &known)
}
