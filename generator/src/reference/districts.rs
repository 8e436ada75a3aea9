//! Districts (daerah) with census figures and simplified boundaries.

use geo::{MultiPolygon, Point};

/// Shares of the census population by ethnic group; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EthnicMix {
    /// Bumiputera (Malay and indigenous peoples).
    pub bumiputera: f64,
    /// Chinese.
    pub chinese: f64,
    /// Indian.
    pub indian: f64,
    /// Others (including most non-citizens).
    pub other: f64,
}

/// Shares of the census population by age group; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeMix {
    /// Aged 0 to 14.
    pub under_15: f64,
    /// Aged 15 to 64.
    pub from_15_to_64: f64,
    /// Aged 65 and over.
    pub over_64: f64,
}

/// A district with its Census 2020 figures and boundary.
#[derive(Debug, Clone)]
pub struct District {
    /// Position in [`districts`].
    pub index: u16,
    /// DOSM join key `<state code>_<district code>`, e.g. `10_6`.
    pub code: &'static str,
    /// DOSM state code (1..=16).
    pub state_code: u8,
    /// State name (census spelling).
    pub state: &'static str,
    /// District name (census spelling).
    pub name: &'static str,
    /// Census 2020 population.
    pub population: u64,
    /// Official area in km².
    pub area_km2: f64,
    /// Share of the population living in urban areas.
    pub urban_share: f64,
    /// Share of males.
    pub male_share: f64,
    /// Share of non-citizens.
    pub non_citizen_share: f64,
    /// Average household size.
    pub household_size: f64,
    /// Population by ethnic group.
    pub ethnicity: EthnicMix,
    /// Population by age group.
    pub age: AgeMix,
    /// Area-weighted centroid (x = longitude, y = latitude); may lie in the sea for coastal districts.
    pub centroid: Point<f64>,
    /// Simplified boundary in WGS84 (x = longitude, y = latitude).
    pub boundary: MultiPolygon<f64>,
}

/// All 160 districts, ordered by state code then district code.
pub fn districts() -> &'static [District] {
    todo!()
}
