//! The scenario mapped into the model's specs, in one place: the model (population, mobility,
//! visitors, events) never reads a [`Scenario`], only the specs made here.

use crate::faults::FaultRates;
use crate::mobility::TravelSpec;
use crate::population::PopulationSpec;
use crate::scenario::Scenario;
use crate::visitors::InboundSpec;

/// What the population needs: seed, ages' reference date, region, size, SIMs and operators.
pub(crate) fn population_spec(scenario: &Scenario) -> PopulationSpec {
    PopulationSpec {
        seed: scenario.seed(),
        reference_date: scenario.start_date(),
        districts: scenario.districts(),
        size: scenario.population(),
        sims_per_person: scenario.sims_per_person(),
        operator_shares: scenario.operator_shares(),
    }
}

/// The travel of a scenario: festival shares, leisure trips, trips abroad and the period.
pub fn travel_spec(scenario: &Scenario) -> TravelSpec {
    TravelSpec {
        cny_share: scenario.balik_kampung_cny_share(),
        raya_share: scenario.balik_kampung_raya_share(),
        leisure_share: scenario.domestic_trip_share(),
        outbound_scale: scenario.outbound_scale(),
        first: scenario.start_date(),
        last: scenario.end_date(),
    }
}

/// The inbound visitors of a scenario.
pub(crate) fn inbound_spec(scenario: &Scenario) -> InboundSpec {
    InboundSpec {
        seed: scenario.seed(),
        start: scenario.start_date(),
        days: scenario.days(),
        districts: scenario.districts(),
        operator_shares: scenario.operator_shares(),
        inbound_scale: scenario.inbound_scale(),
    }
}

/// The data-quality fault rates of a scenario (all 0 without `[faults]`).
pub fn fault_rates(scenario: &Scenario) -> FaultRates {
    FaultRates::from_named(&scenario.fault_rates())
}
