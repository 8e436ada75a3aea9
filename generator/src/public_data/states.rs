//! The 13 states and 3 federal territories.

use std::sync::OnceLock;

use super::csv;

/// Peninsular or East Malaysia.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region {
    /// Peninsular Malaysia.
    Peninsular,
    /// Sabah, Sarawak and Labuan.
    East,
}

/// Which two days are the weekend (2025 rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weekend {
    /// Friday and Saturday (Kedah, Kelantan, Terengganu).
    FriSat,
    /// Saturday and Sunday (the rest, Johor included from 2025).
    SatSun,
}

/// A state or federal territory.
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// DOSM state code, 1 to 16 (also the ISO 3166-2 number and the primary MyKad birthplace code).
    pub code: u8,
    /// ISO 3166-2 code, e.g. `MY-10`.
    pub(crate) iso: &'static str,
    /// Census spelling, e.g. `Selangor`, `W.P. Kuala Lumpur`.
    pub name: &'static str,
    /// Peninsular or East Malaysia.
    pub region: Region,
    /// Weekend days in 2025.
    pub(crate) weekend: Weekend,
    /// Census 2020 population.
    pub population: u64,
}

/// All states, ordered by code.
pub(crate) fn states() -> &'static [State] {
    static STATES: OnceLock<Vec<State>> = OnceLock::new();
    STATES.get_or_init(|| {
        let text = include_str!("../../data/states.csv");
        let header = [
            "code",
            "iso",
            "name",
            "region",
            "weekend",
            "population_2020",
        ];
        let states: Vec<State> = csv::records("states.csv", text, header)
            .map(|r| {
                let [code, iso, name, region, weekend, population] = r.fields;
                State {
                    code: r.parse(code),
                    iso,
                    name,
                    region: match region {
                        "Peninsular" => Region::Peninsular,
                        "East" => Region::East,
                        other => r.fail(format_args!("unknown region {other:?}")),
                    },
                    weekend: match weekend {
                        "FriSat" => Weekend::FriSat,
                        "SatSun" => Weekend::SatSun,
                        other => r.fail(format_args!("unknown weekend {other:?}")),
                    },
                    population: r.parse(population),
                }
            })
            .collect();
        assert!(
            states.iter().zip(1..).all(|(s, code)| s.code == code),
            "generator/data/states.csv: states must be ordered by code, from 1"
        );
        states
    })
}

/// The state or federal territory with DOSM code `code` (1..=16), if any.
pub(crate) fn state(code: u8) -> Option<&'static State> {
    states().get(usize::from(code).checked_sub(1)?)
}
