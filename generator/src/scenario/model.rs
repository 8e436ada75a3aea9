//! The scenario file as written: serde types mirroring the TOML, with spans on the values that
//! semantic checks point at. [`super::Scenario`] holds a validated, normalised copy.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::Spanned;

/// Default mean number of SIMs per person: MCMC reported about 1.31 mobile subscriptions per
/// capita in 2018, rising since.
pub(crate) const DEFAULT_SIMS_PER_PERSON: f64 = 1.35;
/// Default number of persons generated per block.
pub(crate) const DEFAULT_PERSONS_PER_BLOCK: u32 = 50_000;
/// Default share of eligible Chinese Malaysian households that go balik kampung for Chinese New
/// Year (assumption; calibration target: the highway exodus figures of
/// `balik_kampung_2025_facts.csv`, see the mobility model's trips).
pub(crate) const DEFAULT_BALIK_KAMPUNG_CNY_SHARE: f64 = 0.5;
/// Default share of eligible Malay households that go balik kampung for Hari Raya Aidilfitri
/// (assumption, as for Chinese New Year; Raya is the larger exodus).
pub(crate) const DEFAULT_BALIK_KAMPUNG_RAYA_SHARE: f64 = 0.6;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioFile {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    pub seed: u64,
    pub period: PeriodFile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Spanned<RegionFile>>,
    pub population: Spanned<PopulationFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) operators: Option<Spanned<BTreeMap<Spanned<String>, Spanned<OperatorShareFile>>>>,
    #[serde(default)]
    pub holidays: HolidaysFile,
    /// Omitted from the normalised file when off, so scenarios without visitors keep their hash.
    #[serde(default, skip_serializing_if = "TourismFile::is_off")]
    pub tourism: TourismFile,
    /// Concerts and festivals (`[[gathering]]`); omitted when there are none, so scenarios
    /// without them keep their hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gathering: Vec<Spanned<GatheringFile>>,
    /// Network outages (`[[outage]]`); omitted when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outage: Vec<Spanned<OutageFile>>,
    /// Data-quality faults in the operator's records (`[faults]`); omitted when off, so
    /// scenarios without faults keep their hash.
    #[serde(default, skip_serializing_if = "FaultsFile::is_off")]
    pub faults: FaultsFile,
    #[serde(default)]
    pub(crate) outputs: OutputsFile,
}

/// `[period]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PeriodFile {
    pub start: Spanned<Date>,
    pub end: Spanned<Date>,
}

/// `[region]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegionFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub states: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub districts: Option<Vec<Spanned<String>>>,
}

/// `[population]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PopulationFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons: Option<Spanned<u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<Spanned<u64>>,
    /// Mean SIMs per person. MCMC reported about 1.31 mobile subscriptions per capita in 2018,
    /// rising since; 1.35 is the default.
    #[serde(default = "default_sims_per_person")]
    pub sims_per_person: Spanned<f64>,
}

/// One entry of `[operators]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperatorShareFile {
    pub share: Spanned<f64>,
}

/// `[holidays]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HolidaysFile {
    #[serde(default = "default_cny_share")]
    pub(crate) balik_kampung_cny_share: Spanned<f64>,
    #[serde(default = "default_raya_share")]
    pub(crate) balik_kampung_raya_share: Spanned<f64>,
}

impl Default for HolidaysFile {
    fn default() -> Self {
        HolidaysFile {
            balik_kampung_cny_share: default_cny_share(),
            balik_kampung_raya_share: default_raya_share(),
        }
    }
}

/// `[tourism]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TourismFile {
    #[serde(default = "default_zero")]
    pub(crate) inbound_scale: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) domestic_trip_share: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) outbound_scale: Spanned<f64>,
}

impl TourismFile {
    fn is_off(&self) -> bool {
        *self.inbound_scale.as_ref() == 0.0
            && *self.domestic_trip_share.as_ref() == 0.0
            && *self.outbound_scale.as_ref() == 0.0
    }
}

impl Default for TourismFile {
    fn default() -> Self {
        TourismFile {
            inbound_scale: default_zero(),
            domestic_trip_share: default_zero(),
            outbound_scale: default_zero(),
        }
    }
}

/// `[faults]`: the rate of each data-quality fault, every one 0 (off) by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultsFile {
    #[serde(default = "default_zero")]
    pub(crate) exact_duplicate: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) near_duplicate: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) cell_missing: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) cell_unknown: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) cell_other_operator: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) clock_skew: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) long_call_split: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) long_session_split: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) late_arrival: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) identifier_malformed: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) number_format: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) out_of_order: Spanned<f64>,
    #[serde(default = "default_zero")]
    pub(crate) location_far: Spanned<f64>,
}

impl FaultsFile {
    /// The rates as (field name, value), in file order.
    pub(crate) fn rates(&self) -> [(&'static str, &Spanned<f64>); 13] {
        [
            ("exact_duplicate", &self.exact_duplicate),
            ("near_duplicate", &self.near_duplicate),
            ("cell_missing", &self.cell_missing),
            ("cell_unknown", &self.cell_unknown),
            ("cell_other_operator", &self.cell_other_operator),
            ("clock_skew", &self.clock_skew),
            ("long_call_split", &self.long_call_split),
            ("long_session_split", &self.long_session_split),
            ("late_arrival", &self.late_arrival),
            ("identifier_malformed", &self.identifier_malformed),
            ("number_format", &self.number_format),
            ("out_of_order", &self.out_of_order),
            ("location_far", &self.location_far),
        ]
    }

    /// Whether every rate is 0.
    pub(crate) fn is_off(&self) -> bool {
        self.rates().iter().all(|(_, r)| *r.as_ref() == 0.0)
    }
}

impl Default for FaultsFile {
    fn default() -> Self {
        FaultsFile {
            exact_duplicate: default_zero(),
            near_duplicate: default_zero(),
            cell_missing: default_zero(),
            cell_unknown: default_zero(),
            cell_other_operator: default_zero(),
            clock_skew: default_zero(),
            long_call_split: default_zero(),
            long_session_split: default_zero(),
            late_arrival: default_zero(),
            identifier_malformed: default_zero(),
            number_format: default_zero(),
            out_of_order: default_zero(),
            location_far: default_zero(),
        }
    }
}

/// One `[[gathering]]`: a concert or a festival that draws residents to a venue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GatheringFile {
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    /// A bundled attraction (id or name); or give `lon` and `lat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<Spanned<f64>>,
    pub first: Spanned<Date>,
    /// Last day, inclusive; the first day when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Spanned<Date>>,
    /// Local opening time, `HH:MM`.
    pub(crate) opens: Spanned<String>,
    /// Local closing time, `HH:MM`, the same day.
    pub(crate) closes: Spanned<String>,
    /// How long one attendee stays, hours; the whole opening when omitted (a concert).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) visit_hours: Option<Spanned<f64>>,
    /// Attendees per day at full population scale.
    pub attendees: Spanned<f64>,
    /// Attendees come from districts whose centroid is within this distance of the venue.
    #[serde(default = "default_catchment_km")]
    pub(crate) catchment_km: Spanned<f64>,
    /// Only residents of this ethnic group attend (`bumiputera`, `chinese`, `indian`, `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Spanned<String>>,
}

/// One `[[outage]]`: an operator's cells down in a disc for a time window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutageFile {
    pub name: Spanned<String>,
    /// Operator whose cells fail; every operator when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<Spanned<String>>,
    pub lon: Spanned<f64>,
    pub lat: Spanned<f64>,
    pub radius_km: Spanned<f64>,
    /// Local start, `YYYY-MM-DD HH:MM`.
    pub start: Spanned<String>,
    /// Local end (exclusive), `YYYY-MM-DD HH:MM`.
    pub end: Spanned<String>,
}

/// `[outputs]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutputsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub format: Format,
    #[serde(default)]
    pub compression: Compression,
    #[serde(default = "default_persons_per_block")]
    pub persons_per_block: Spanned<u32>,
}

impl Default for OutputsFile {
    fn default() -> Self {
        OutputsFile {
            tables: None,
            format: Format::default(),
            compression: Compression::default(),
            persons_per_block: default_persons_per_block(),
        }
    }
}

/// File format of the output tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Apache Parquet.
    #[default]
    Parquet,
    /// Comma-separated values with a header line.
    Csv,
}

/// Compression applied by the sink.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Zstandard.
    #[default]
    Zstd,
    /// Uncompressed.
    None,
}

fn default_sims_per_person() -> Spanned<f64> {
    Spanned::new(0..0, DEFAULT_SIMS_PER_PERSON)
}

fn default_cny_share() -> Spanned<f64> {
    Spanned::new(0..0, DEFAULT_BALIK_KAMPUNG_CNY_SHARE)
}

fn default_raya_share() -> Spanned<f64> {
    Spanned::new(0..0, DEFAULT_BALIK_KAMPUNG_RAYA_SHARE)
}

fn default_zero() -> Spanned<f64> {
    Spanned::new(0..0, 0.0)
}

fn default_catchment_km() -> Spanned<f64> {
    Spanned::new(0..0, crate::events::DEFAULT_CATCHMENT_KM)
}

fn default_persons_per_block() -> Spanned<u32> {
    Spanned::new(0..0, DEFAULT_PERSONS_PER_BLOCK)
}

/// A calendar date, written as a TOML local date (`2025-01-06`) or a string (`"2025-01-06"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = match toml::Value::deserialize(deserializer)? {
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            toml::Value::Datetime(dt) => {
                return Err(D::Error::custom(format!(
                    "expected a date without time or offset, found {dt}"
                )));
            }
            toml::Value::String(s) => s,
            other => {
                return Err(D::Error::custom(format!(
                    "expected a date YYYY-MM-DD, found {}",
                    other.type_str()
                )));
            }
        };
        let shape = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) if shape => Ok(Date(date)),
            Ok(_) => Err(D::Error::custom(format!(
                "invalid date \"{text}\", expected YYYY-MM-DD"
            ))),
            Err(e) => Err(D::Error::custom(format!(
                "invalid date \"{text}\" ({e}), expected YYYY-MM-DD"
            ))),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let date = toml::value::Date {
            year: u16::try_from(self.0.year()).map_err(serde::ser::Error::custom)?,
            month: self.0.month() as u8,
            day: self.0.day() as u8,
        };
        toml::value::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }
        .serialize(serializer)
    }
}
