//! Population density: whether a scenario puts its region's whole census population on the
//! region's network, or a sample of it.
//!
//! The network is always the region's real one (every site and cell), so a scenario that samples
//! people (`scale < 1`, or `persons`/`subscribers` below the census) leaves each cell serving
//! that fraction of its real users. Privacy figures depend on density more than on anything
//! else: in a sparse world almost everyone is alone in their cell-hour, so unicity, linkage and
//! small-cell shares read too high, and suppressing small counts removes too much. The figures
//! of benchmarks/DENSITY.md measure by how much.

use crate::population::person_count;
use crate::public_data::districts;
use crate::scenario::Scenario;

/// The bundled scenarios at full census density, for benchmarking privacy at real density.
pub(crate) const FULL_DENSITY_SCENARIOS: [&str; 3] = [
    "langkawi-full-density",
    "melaka-full-density",
    "kapit-connectivity",
];

/// Below this share of the census population a scenario counts as sampled (rounding of the
/// apportionment leaves a full-scale run within a person of the census).
pub(crate) const SAMPLED_BELOW: f64 = 0.99;

/// How many of its region's census residents a scenario generates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampling {
    /// Persons the scenario generates.
    pub persons: u64,
    /// Census 2020 population of the scenario's region.
    pub census: u64,
}

impl Sampling {
    /// The sampling of `scenario`.
    pub fn of(scenario: &Scenario) -> Sampling {
        let all = districts();
        let census = scenario
            .districts()
            .iter()
            .map(|&d| all[usize::from(d)].population)
            .sum();
        Sampling {
            persons: person_count(scenario.population(), census, scenario.sims_per_person()),
            census,
        }
    }

    /// Persons as a share of the census population.
    pub fn share(&self) -> f64 {
        self.persons as f64 / self.census.max(1) as f64
    }

    /// Whether the scenario samples its region's population while keeping the whole network.
    pub fn is_sampled(&self) -> bool {
        self.share() < SAMPLED_BELOW
    }

    /// The warning for a sampled scenario (one paragraph, no trailing newline), `None` at full
    /// density.
    pub fn warning(&self) -> Option<String> {
        if !self.is_sampled() {
            return None;
        }
        let share = self.share();
        Some(format!(
            "warning: this scenario samples its population: {} persons, {} of the region's \
             census population of {}, on the region's whole network, so each cell serves about \
             1/{:.0} of its real users. Privacy figures (unicity, linkage, small cells) will \
             read too high and the utility lost to suppressing small counts too large. To \
             benchmark at real density, use a full-density scenario: {}.",
            self.persons,
            percent(share),
            self.census,
            1.0 / share,
            FULL_DENSITY_SCENARIOS.join(" or ")
        ))
    }
}

/// A share as a percentage with two significant digits at least.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{bundled, resolve};

    fn sampling(name: &str) -> Sampling {
        Sampling::of(&resolve(name).load(&crate::tables::names()).unwrap())
    }

    #[test]
    fn full_density_scenarios_are_bundled_and_not_sampled() {
        for name in FULL_DENSITY_SCENARIOS {
            assert!(
                bundled().iter().any(|b| b.name == name),
                "{name} is bundled"
            );
            let s = sampling(name);
            assert!(!s.is_sampled(), "{name}: {s:?}");
            assert_eq!(s.warning(), None);
            assert!((s.share() - 1.0).abs() < 1e-6, "{name}: {s:?}");
        }
    }

    #[test]
    fn sampled_scenarios_warn_with_their_share_and_the_alternatives() {
        let s = sampling("quickstart");
        assert_eq!(s.persons, 20_000);
        assert!(s.is_sampled());
        let w = s.warning().unwrap();
        assert!(w.contains("20000 persons"), "{w}");
        assert!(w.contains("0.22 %"), "{w}");
        for name in FULL_DENSITY_SCENARIOS {
            assert!(w.contains(name), "{w}");
        }
        // Every other bundled scenario samples.
        for b in bundled() {
            let full = FULL_DENSITY_SCENARIOS.contains(&b.name);
            assert_eq!(sampling(b.name).is_sampled(), !full, "{}", b.name);
        }
    }
}
