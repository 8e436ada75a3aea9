//! The world of a run: a scenario's population, networks and inbound visitors, built once.

use crate::columnar::TableSchema;
use crate::network::Network;
use crate::plan;
use crate::population::{MAX_SIMS, NumberingExhausted, Population};
use crate::scenario::Scenario;
use crate::tables;
use crate::visitors::{Inbound, MAX_VISITORS, VISITOR_SIM_KEY_BASE};

/// A scenario's population and networks, built once and shared by all workers.
pub struct World {
    /// The scenario.
    pub scenario: Scenario,
    /// Its population.
    pub population: Population,
    /// Its operators' networks.
    pub network: Network,
    /// Its inbound visitors.
    pub inbound: Inbound,
}

impl World {
    /// Builds the population plan and the networks of a scenario.
    pub fn build(scenario: Scenario) -> Result<World, NumberingExhausted> {
        let districts = scenario.districts();
        let population = Population::new(plan::population_spec(&scenario))?;
        // Cover the districts residents travel to as well, after the region's own cells.
        let travel = plan::travel_spec(&scenario).coverage(&districts);
        let network = Network::build_with_coverage(
            scenario.seed(),
            &scenario.operator_shares(),
            &districts,
            &travel,
        );
        let inbound = Inbound::new(&plan::inbound_spec(&scenario));
        inbound.check_numbers(&population)?;
        debug_assert!(population.len() * MAX_SIMS <= VISITOR_SIM_KEY_BASE);
        debug_assert!(inbound.len() <= MAX_VISITORS);
        Ok(World {
            scenario,
            population,
            network,
            inbound,
        })
    }

    /// The tables the scenario asks for.
    pub fn tables(&self) -> Vec<&'static TableSchema> {
        self.scenario
            .tables()
            .iter()
            .filter_map(|name| tables::by_name(name))
            .collect()
    }

    /// Number of blocks of the whole run: residents' blocks, then visitors' blocks.
    pub fn blocks(&self) -> u64 {
        self.resident_blocks() + self.inbound.len().div_ceil(self.per_block())
    }

    /// Number of blocks of residents; the blocks after them hold visitor indices.
    pub fn resident_blocks(&self) -> u64 {
        self.population.len().div_ceil(self.per_block())
    }

    fn per_block(&self) -> u64 {
        u64::from(self.scenario.persons_per_block())
    }
}
