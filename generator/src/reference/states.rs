//! The 13 states and 3 federal territories.

/// Peninsular or East Malaysia.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// Peninsular Malaysia.
    Peninsular,
    /// Sabah, Sarawak and Labuan.
    East,
}

/// Which two days are the weekend (2025 rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekend {
    /// Friday and Saturday (Kedah, Kelantan, Terengganu).
    FriSat,
    /// Saturday and Sunday (the rest, Johor included from 2025).
    SatSun,
}

/// A state or federal territory.
#[derive(Debug, Clone)]
pub struct State {
    /// DOSM state code, 1 to 16 (also the ISO 3166-2 number and the primary MyKad birthplace code).
    pub code: u8,
    /// ISO 3166-2 code, e.g. `MY-10`.
    pub iso: &'static str,
    /// Census spelling, e.g. `Selangor`, `W.P. Kuala Lumpur`.
    pub name: &'static str,
    /// Peninsular or East Malaysia.
    pub region: Region,
    /// Weekend days in 2025.
    pub weekend: Weekend,
    /// Census 2020 population.
    pub population: u64,
}

/// All states, ordered by code.
pub fn states() -> &'static [State] {
    todo!()
}
