//! Ground-truth mobility: where each person is at every second of the scenario.
//!
//! * `anchors`: home, work or school, kampung — a pure function of (seed, person).
//! * `attendance`: who attends a scenario gathering, and when.
//! * `border`: Johor residents who work in Singapore.
//! * `calendar`: weekday, weekend or holiday per state and date.
//! * `day`: the day's activity chain as contiguous stays and moves — a pure function of
//!   (seed, person, day).
//! * `places`: errand and leisure places by exploration and preferential return, recomputable
//!   per day without replaying earlier days.
//! * `region`: the scenario's districts with job attractiveness (commute gravity model) and
//!   the settlements places snap to.
//! * `travel`: trip modes and durations.
//! * `trips`: trips away from home over several days (balik kampung around Chinese New Year
//!   and Hari Raya) — a pure function of (seed, household, festival).
//! * `leisure`: weekend and holiday trips of city households to resorts and heritage towns.
//! * `nights`: nights on a night shift or away from home in an ordinary week.
//! * `outbound`: trips abroad; `abroad`: the district indices of places outside Malaysia.
//! * `cache`: a caller-owned cache of plans for looking up other persons' positions.
//!
//! Every behavioural parameter is a documented constant in its module, with its source or marked
//! as an assumption.
//!
//! Measured on 20,000 persons of the Klang Valley (Selangor, Kuala Lumpur, Putrajaya; seed 11,
//! week of 2025-01-06; see the tests): 51% of persons work; median home–work distance 9.8 km
//! (p90 24.9 km; target 8–15 km); 92% of workers work in their home district or an adjacent
//! Greater KL district; 7-day radius of gyration over stays p50 5.3 km, p90 12.7 km, p99 21.5 km.
//! `plan_day` costs about 2.3–2.6 µs per person-day in a release build (anchors: 1.2 µs per
//! person).

pub(crate) mod abroad;
pub(crate) mod anchors;
mod attendance;
pub(crate) mod border;
mod cache;
pub(crate) mod calendar;
mod day;
mod leisure;
pub(crate) mod nights;
pub(crate) mod outbound;
mod places;
pub(crate) mod region;

pub(crate) mod travel;
pub(crate) mod trips;

use chrono::{Days, NaiveDate};

use crate::events::Gathering;
use crate::population::{Person, Population};

pub use anchors::Anchors;
pub use cache::PlanCache;
pub use calendar::local_midnight;
pub use day::{DayPlan, Move, Segment, Stay};
pub(crate) use day::{StayPurpose, plan_day};
pub(crate) use region::Region;
pub(crate) use travel::Mode;
pub use trips::TravelSpec;
pub(crate) use trips::{Trip, TripKind};

/// The countries residents travel to (ISO alpha-3), each with its configured share of trips
/// abroad and median nights; Saudi Arabia's trips (Umrah) are for Muslim households only.
pub fn outbound_destinations() -> impl Iterator<Item = (&'static str, f64, f64)> {
    outbound::DESTINATIONS
        .iter()
        .map(|d| (d.iso3, d.share, d.nights))
}

/// The mobility model of a scenario: its population, region, first day and travel.
pub struct Mobility<'a> {
    population: &'a Population,
    region: Region,
    start: NaiveDate,
    travel: TravelSpec,
    gatherings: &'a [Gathering],
}

impl<'a> Mobility<'a> {
    /// The model for `population` over the region `districts`, starting on `start`, without
    /// trips away from home.
    pub fn new(population: &'a Population, districts: &[u16], start: NaiveDate) -> Self {
        Mobility::with_travel(population, districts, start, TravelSpec::none())
    }

    /// The model with residents attending `gatherings` (`plan_day`).
    pub fn with_gatherings(mut self, gatherings: &'a [Gathering]) -> Self {
        self.gatherings = gatherings;
        self
    }

    /// The model with the trips of `travel`; the region then covers the districts trips may go
    /// to (`TravelSpec::coverage`).
    pub fn with_travel(
        population: &'a Population,
        districts: &[u16],
        start: NaiveDate,
        travel: TravelSpec,
    ) -> Self {
        Mobility {
            population,
            region: Region::with_travel(districts, &travel.coverage(districts)),
            start,
            travel,
            gatherings: &[],
        }
    }

    /// The population.
    pub(crate) fn population(&self) -> &'a Population {
        self.population
    }

    /// The region.
    #[cfg(test)]
    pub(crate) fn region(&self) -> &Region {
        &self.region
    }

    /// The scenario's first day.
    pub(crate) fn start_date(&self) -> NaiveDate {
        self.start
    }

    /// The travel settings.
    #[cfg(test)]
    pub(crate) fn travel(&self) -> &TravelSpec {
        &self.travel
    }

    /// A person's anchors (ages taken on the first day), with the trips of their household that
    /// overlap the period.
    pub fn anchors(&self, person: &Person) -> Anchors {
        let mut anchors = Anchors::draw(self.population.seed(), &self.region, person, self.start);
        anchors.trips = self.household_trips(person, &anchors);
        anchors
    }

    /// The trips of a person (those of their household) that overlap the period.
    pub(crate) fn trips(&self, person: &Person) -> Vec<Trip> {
        if !self.travel.celebrated_by(person) && !self.travel.any_household_travels() {
            return Vec::new();
        }
        self.anchors(person).trips
    }

    /// The household's trips, decided by its first member, in time order.
    fn household_trips(&self, person: &Person, anchors: &Anchors) -> Vec<Trip> {
        if !self.travel.celebrated_by(person) && !self.travel.any_household_travels() {
            return Vec::new();
        }
        let seed = self.population.seed();
        let head = self.population.household(person.id).start;
        let other;
        let (head, head_anchors) = if head == person.id {
            (person, anchors)
        } else {
            let p = self.population.person(head);
            let a = Anchors::draw(seed, &self.region, &p, self.start);
            other = (p, a);
            (&other.0, &other.1)
        };
        let mut all = if self.travel.celebrated_by(head) {
            trips::household_trips(seed, &self.travel, head, head_anchors)
        } else {
            Vec::new()
        };
        let period = (self.travel.first, self.travel.last);
        let share = self.travel.leisure_share;
        let leisure = leisure::household_trips(seed, share, period, head, head_anchors, &all);
        all.extend(leisure);
        let scale = self.travel.outbound_scale;
        let abroad = outbound::household_trips(seed, scale, period, head, head_anchors, &all);
        all.extend(abroad);
        all.sort_by_key(|t| t.depart);
        all
    }

    /// A person's plan on scenario day `day` (0 is the first day).
    pub fn plan(&self, person: &Person, anchors: &Anchors, day: u32) -> DayPlan {
        let date = self.start + Days::new(u64::from(day));
        plan_day(
            self.population.seed(),
            &self.region,
            person,
            anchors,
            self.gatherings,
            date,
            day,
        )
    }
}
