//! Concerts and festivals: on each of its days a gathering draws every eligible resident with
//! the same probability, chosen so that the expected attendance at full population scale is the
//! scenario's `attendees`.
//!
//! Eligible residents live in a district whose census centroid lies within `catchment_km` of the
//! venue and, when the gathering has an `audience`, belong to that ethnic group (Thaipusam draws
//! Hindu devotees, mostly Indian Malaysians). The probability is `attendees` over the census
//! population of those districts (citizens of the group for an audience), so it does not depend
//! on the scenario's scale. Whether a resident attends, when they arrive and when they leave are
//! drawn from `stream(seed, Gathering, person, day, gathering)` by
//! `mobility::attendance`.
//!
//! A concert's attendees arrive in the `CONCERT_ARRIVAL_S` after the doors open and leave up to
//! [`CONCERT_EXIT_S`] after it ends; a festival's stay `visit_hours` × U(`VISIT_SPREAD`),
//! arriving uniformly while there is time for the visit. The day plan (mobility) fits the
//! rest of the day around the visit; cells serving the crowd carry `GATHERING_LOAD`.

use chrono::NaiveDate;

use crate::geography::Place;
use crate::geography::projection::distance_km;
use crate::public_data::calendar::{local_date, local_midnight};
use crate::vocabulary::Ethnicity;

/// Concert attendees arrive within this many seconds after the doors open (assumption).
pub(crate) const CONCERT_ARRIVAL_S: i64 = 3_600;
/// Concert attendees leave within this many seconds after the end (assumption).
pub const CONCERT_EXIT_S: i64 = 1_800;
/// A festival visit lasts `visit_hours` times a uniform draw in this range (assumption).
pub(crate) const VISIT_SPREAD: (f64, f64) = (0.5, 1.5);
/// Positions within this distance of an open venue are in its crowd, km (assumption: a stadium
/// or a temple complex with its approaches).
pub(crate) const VENUE_RADIUS_KM: f64 = 0.5;
/// Failure and drop risk factor of cells serving a crowd (assumption: radio congestion at mass
/// events, which operators counter with temporary capacity).
pub(crate) const GATHERING_LOAD: f64 = 3.0;

/// A concert or a festival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatheringKind {
    /// Attendees stay from the doors' opening to the end.
    Concert,
    /// Attendees come and go during the opening hours.
    Festival,
}

impl GatheringKind {
    /// The scenario file's spelling.
    pub fn label(self) -> &'static str {
        match self {
            GatheringKind::Concert => "concert",
            GatheringKind::Festival => "festival",
        }
    }
}

/// A gathering, resolved from the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Gathering {
    /// Position in the scenario's list, part of its random streams' keys.
    pub index: u32,
    /// Name, as in the scenario.
    pub name: String,
    /// Concert or festival.
    pub kind: GatheringKind,
    /// Where it happens.
    pub venue: Place,
    /// First day.
    pub first: NaiveDate,
    /// Last day, inclusive.
    pub last: NaiveDate,
    /// Opening, seconds after local midnight.
    pub opens_s: i64,
    /// Closing, seconds after local midnight.
    pub closes_s: i64,
    /// Length of a festival visit, seconds; `None` for a concert.
    pub(crate) visit_s: Option<i64>,
    /// Expected attendees per day at full population scale.
    pub attendees: f64,
    /// Districts (sorted indices) whose residents may attend.
    pub catchment: Vec<u16>,
    /// The ethnic group that attends, or everybody.
    pub audience: Option<Ethnicity>,
    /// Probability that an eligible resident attends on one of its days.
    pub attendance: f64,
}

impl Gathering {
    /// Eligible census population of `catchment` for `audience`, at full scale.
    pub(crate) fn eligible_population(catchment: &[u16], audience: Option<Ethnicity>) -> f64 {
        let all = crate::public_data::districts();
        catchment
            .iter()
            .map(|&d| {
                let d = &all[usize::from(d)];
                let share = match audience {
                    None => 1.0,
                    Some(e) => {
                        let citizens = 1.0 - d.non_citizen_share;
                        match e {
                            Ethnicity::Bumiputera => citizens * d.ethnicity.bumiputera,
                            Ethnicity::Chinese => citizens * d.ethnicity.chinese,
                            Ethnicity::Indian => citizens * d.ethnicity.indian,
                            Ethnicity::Other => citizens * d.ethnicity.other,
                            Ethnicity::NonCitizen => d.non_citizen_share,
                        }
                    }
                };
                d.population as f64 * share
            })
            .sum()
    }

    /// Districts whose census centroid is within `km` of `venue`, sorted.
    pub(crate) fn catchment_of(venue: (f64, f64), km: f64) -> Vec<u16> {
        crate::public_data::districts()
            .iter()
            .filter(|d| distance_km(venue, (d.centroid.x(), d.centroid.y())) <= km)
            .map(|d| d.index)
            .collect()
    }

    /// Whether it takes place on `date`.
    pub fn on(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// Whether `position` is in the crowd at UTC second `t`: near the venue while it is open.
    pub(crate) fn crowds(&self, position: (f64, f64), t: i64) -> bool {
        let date = local_date(t);
        let since = t - local_midnight(date);
        self.on(date)
            && self.opens_s <= since
            && since < self.closes_s + CONCERT_EXIT_S
            && distance_km(position, self.venue.point()) <= VENUE_RADIUS_KM
    }
}
