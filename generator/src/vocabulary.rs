//! Plain words the scenario and the model share: how large a population is and the census
//! ethnic groups. This module imports nothing from the crate, so any layer may use it.

/// How large the population is, as the scenario says it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PopulationSize {
    /// Fraction of the region's census population, in (0, 1].
    Scale(f64),
    /// Number of persons, at least 1.
    Persons(u64),
    /// Number of SIMs (subscriptions), at least 1; the generator derives the persons.
    Subscribers(u64),
}

/// Number of persons of a population of `size` in a region of `census` residents, with
/// `sims_per_person` SIMs per person on average; at least 1. Scenario validation refuses sizes
/// above the most persons the SIM numbering holds (`numbering::MAX_PERSONS`).
pub(crate) fn person_count(size: PopulationSize, census: u64, sims_per_person: f64) -> u64 {
    match size {
        PopulationSize::Scale(s) => (census as f64 * s).round() as u64,
        PopulationSize::Persons(n) => n,
        PopulationSize::Subscribers(n) => (n as f64 / sims_per_person).round() as u64,
    }
    .max(1)
}

/// Census ethnic group of a citizen; non-citizens are [`Ethnicity::NonCitizen`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ethnicity {
    /// Malays and the indigenous peoples of Sabah and Sarawak.
    Bumiputera,
    /// Chinese Malaysians.
    Chinese,
    /// Indian Malaysians.
    Indian,
    /// Other citizens.
    Other,
    /// Not a Malaysian citizen.
    NonCitizen,
}

impl Ethnicity {
    /// Lower-case label used in tables.
    pub fn label(self) -> &'static str {
        match self {
            Ethnicity::Bumiputera => "bumiputera",
            Ethnicity::Chinese => "chinese",
            Ethnicity::Indian => "indian",
            Ethnicity::Other => "other",
            Ethnicity::NonCitizen => "non_citizen",
        }
    }
}
