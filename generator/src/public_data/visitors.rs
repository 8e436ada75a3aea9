//! Foreign visitors: where they come from, where they enter, what they visit, and the home
//! networks their phones roam from.
//!
//! Reference data only, for the inbound-visitor model: the nationalities of the 2024 foreign
//! arrivals (Immigration Department via data.gov.my) with their states of entry, the main
//! airports, land checkpoints and ferry terminals, tourist attractions, and the operational
//! mobile networks (MCC/MNC) of each nationality's country.

use std::sync::OnceLock;

use super::csv::{self, Record};
use super::districts;

/// A nationality of foreign arrivals.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundOrigin {
    /// ISO 3166-1 alpha-3 code.
    pub iso3: &'static str,
    /// Country name.
    pub name: &'static str,
    /// E.164 country calling code, without `+`.
    pub(crate) calling_code: &'static str,
    /// Share of the foreign arrivals of the kept nationalities (they sum to 1).
    pub share: f64,
    /// Arrivals in January–October 2024.
    pub arrivals: u64,
    /// (DOSM state code, share) of the states of entry, summing to 1; only states with a listed
    /// entry point.
    pub(crate) entry_states: Vec<(u8, f64)>,
}

/// How an entry point is crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// An international airport.
    Airport,
    /// A road or rail border checkpoint.
    LandCheckpoint,
    /// A ferry or cruise terminal.
    FerryTerminal,
}

/// A border crossing point.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryPoint {
    /// Id in the shared file (`E..` airports, `L..` land checkpoints, `F..` ferry terminals).
    pub id: &'static str,
    /// Kind.
    pub kind: EntryKind,
    /// Name.
    pub name: &'static str,
    /// DOSM code of the state of entry.
    pub state_code: u8,
    /// District index.
    pub district: u16,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// IATA code of an airport.
    pub(crate) iata: Option<&'static str>,
    /// The neighbouring country (ISO alpha-3) a land checkpoint or ferry terminal leads to;
    /// `None`: anywhere (airports, cruise terminal).
    pub crossing_country: Option<&'static str>,
}

/// A tourist attraction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Attraction {
    /// Id in the shared file (`A..`).
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// District index.
    pub district: u16,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// An operational mobile network of a visitor's home country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoamingPlmn {
    /// ISO alpha-3 code of the country.
    pub iso3: &'static str,
    /// Mobile country code (3 digits).
    pub mcc: &'static str,
    /// Mobile network code (2 or 3 digits).
    pub mnc: &'static str,
    /// Brand (or operator when the source has no brand).
    pub(crate) brand: &'static str,
}

/// Nationalities of foreign arrivals, most arrivals first.
pub fn inbound_origins() -> &'static [InboundOrigin] {
    static ORIGINS: OnceLock<Vec<InboundOrigin>> = OnceLock::new();
    ORIGINS.get_or_init(|| {
        let text = include_str!("../../data/inbound_entry_states.csv");
        let states: Vec<(&str, u8, f64)> = csv::records(
            "inbound_entry_states.csv",
            text,
            ["iso3", "state_code", "share"],
        )
        .map(|r| {
            let [iso3, state, share] = r.fields;
            (iso3, r.parse(state), r.parse(share))
        })
        .collect();
        let text = include_str!("../../data/inbound_origins.csv");
        let header = ["iso3", "name", "calling_code", "share", "arrivals"];
        csv::records("inbound_origins.csv", text, header)
            .map(|r| {
                let [iso3, name, calling_code, share, arrivals] = r.fields;
                InboundOrigin {
                    iso3,
                    name,
                    calling_code,
                    share: r.parse(share),
                    arrivals: r.parse(arrivals),
                    entry_states: states
                        .iter()
                        .filter(|s| s.0 == iso3)
                        .map(|s| (s.1, s.2))
                        .collect(),
                }
            })
            .collect()
    })
}

/// Airports, land checkpoints and ferry terminals.
pub fn entry_points() -> &'static [EntryPoint] {
    static POINTS: OnceLock<Vec<EntryPoint>> = OnceLock::new();
    POINTS.get_or_init(|| {
        let text = include_str!("../../data/entry_points.csv");
        let header = [
            "id",
            "kind",
            "name",
            "state_code",
            "district_code",
            "lat",
            "lon",
            "iata",
            "crossing_country",
        ];
        csv::records("entry_points.csv", text, header)
            .map(|r| {
                let [id, kind, name, state, district, lat, lon, iata, crossing] = r.fields;
                EntryPoint {
                    id,
                    kind: match kind {
                        "airport" => EntryKind::Airport,
                        "land_checkpoint" => EntryKind::LandCheckpoint,
                        "ferry_terminal" => EntryKind::FerryTerminal,
                        other => r.fail(format_args!("unknown entry point kind {other:?}")),
                    },
                    name,
                    state_code: r.parse(state),
                    district: district_index(&r, district),
                    lon: r.parse(lon),
                    lat: r.parse(lat),
                    iata: (!iata.is_empty()).then_some(iata),
                    crossing_country: (!crossing.is_empty()).then_some(crossing),
                }
            })
            .collect()
    })
}

/// Tourist attractions.
pub(crate) fn attractions() -> &'static [Attraction] {
    static ATTRACTIONS: OnceLock<Vec<Attraction>> = OnceLock::new();
    ATTRACTIONS.get_or_init(|| {
        let text = include_str!("../../data/attractions.csv");
        let header = ["id", "name", "district_code", "lat", "lon"];
        csv::records("attractions.csv", text, header)
            .map(|r| {
                let [id, name, district, lat, lon] = r.fields;
                Attraction {
                    id,
                    name,
                    district: district_index(&r, district),
                    lon: r.parse(lon),
                    lat: r.parse(lat),
                }
            })
            .collect()
    })
}

/// Operational mobile networks of the visitors' countries, ordered by country, MCC and MNC.
pub fn roaming_plmns() -> &'static [RoamingPlmn] {
    static PLMNS: OnceLock<Vec<RoamingPlmn>> = OnceLock::new();
    PLMNS.get_or_init(|| {
        let text = include_str!("../../data/roaming_plmns.csv");
        csv::records("roaming_plmns.csv", text, ["iso3", "mcc", "mnc", "brand"])
            .map(|r| {
                let [iso3, mcc, mnc, brand] = r.fields;
                let digits = |s: &str, lengths: &[usize]| {
                    lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
                };
                if !digits(mcc, &[3]) || !digits(mnc, &[2, 3]) {
                    r.fail(format_args!("bad PLMN {mcc}-{mnc}"));
                }
                RoamingPlmn {
                    iso3,
                    mcc,
                    mnc,
                    brand,
                }
            })
            .collect()
    })
}

/// The networks of one country.
pub(crate) fn country_plmns(iso3: &str) -> &'static [RoamingPlmn] {
    let all = roaming_plmns();
    let first = all.partition_point(|p| p.iso3 < iso3);
    let end = first + all[first..].partition_point(|p| p.iso3 == iso3);
    &all[first..end]
}

fn district_index<const N: usize>(r: &Record<N>, code: &str) -> u16 {
    districts()
        .iter()
        .find(|d| d.code == code)
        .map(|d| d.index)
        .unwrap_or_else(|| r.fail(format_args!("unknown district {code:?}")))
}
