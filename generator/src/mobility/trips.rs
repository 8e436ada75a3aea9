//! Trips away from home over several days. For now one kind: balik kampung, the return of
//! households to their home town (kampung) around Chinese New Year and Hari Raya Aidilfitri.
//!
//! Who: a household (consecutive person ids sharing home, citizenship and ethnic group, see
//! [`crate::population::Population::household`]) travels as a whole, decided by its first
//! member, the head. It is eligible for a festival when the head celebrates it — Chinese
//! Malaysians Chinese New Year, Malays (Bumiputera with Malay naming) Hari Raya — and has a
//! kampung district ([`super::Anchors::kampung_district`]) other than the home district on the
//! same landmass (Peninsular or East Malaysia: flights are not modelled, so kampungs across the
//! South China Sea are not visited), at least [`MIN_TRIP_KM`] from home (a nearer kampung is
//! visited for the day, which is not modelled as a trip). A share of eligible households travel: scenario
//! `[holidays] balik_kampung_cny_share` and `balik_kampung_raya_share` (defaults 0.5 and 0.6,
//! assumptions; see below).
//!
//! When: a departure day and a return day drawn from the festival's waves ([`FESTIVALS`]), set
//! from the 2025 highway figures of `balik_kampung_2025_facts.csv` (LLM: traffic leaving the
//! Klang Valley rises 24–28 January, returns peak 1–2 February; PLUS: 2.2 million vehicles
//! leave 27–29 March, return traffic is more than 20% above normal 4–6 April). Departure: on a
//! working day in the evening, N(19:00, 1.5 h) clamped to 16:00–23:00, otherwise in the morning,
//! N(09:00, 2.5 h) clamped to 05:00–20:00; return N(11:00, 2.5 h) clamped to 06:00–20:00; both
//! are moved earlier when the drive would end after 23:45 (and never before 04:00), so a drive
//! never crosses midnight; households whose drive would not fit in a day (across Sabah and
//! Sarawak) do not travel. Drives take the road time of [`super::travel`] times
//! [`FESTIVE_CONGESTION`].
//!
//! Where: the family home, a point of the kampung district drawn like a home (by settlement
//! residents). On the days in between the household members spend rest days around it: 0–3
//! stops at places within [`super::places::TRIP_PLACE_MAX_KM`] of it.
//!
//! Determinism: a household's trip for a festival is a pure function of (seed, head id,
//! festival), drawn from `stream(seed, Purpose::Trip, head, festival id)`; a trip is used when
//! it overlaps the scenario period. The share is compared with the stream's first draw, so a
//! larger share only adds households.
//!
//! Calibration target, not fitted: the highway exodus figures above. Measured on 20,000
//! Klang Valley residents (seed 11, see the tests): with the default share 0.5, 6% of Chinese
//! Malaysian residents (357 of 5,590) travel for Chinese New Year, about half of them out of the
//! Klang Valley; the others have no kampung (85% of citizens live in their birth state, and only 40%
//! of those have a kampung in another district of it), have one within 50 km, or stay home.
//! This is likely fewer than in reality, where many more Klang Valley residents were born in
//! other states than the national 15% the population model uses.

use chrono::NaiveDate;

use crate::geography::Geography;
use crate::geography::projection::distance_km;
use crate::population::{Community, Ethnicity, Person};
use crate::public_data::{districts, state};
use crate::rng::{Purpose, stream};
use crate::sampling::{Weighted, standard_normal, uniform};

use super::anchors::Anchors;
use super::calendar::{DAY_SECONDS, day_type, local_date, local_midnight};
use super::travel::travel_seconds;
use crate::geography::Place;

/// Factor on road time of festive drives (assumption: PLUS reported return trips taking up to
/// twice their normal time at the 2025 Hari Raya peak; half again on average).
pub(crate) const FESTIVE_CONGESTION: f64 = 1.5;
/// Departure on a working day: mean and standard deviation in hours, and range.
pub(crate) const WORKDAY_DEPARTURE_HOURS: (f64, f64, f64, f64) = (19.0, 1.5, 16.0, 23.0);
/// Departure on a weekend day or holiday: mean and standard deviation in hours, and range.
pub(crate) const REST_DAY_DEPARTURE_HOURS: (f64, f64, f64, f64) = (9.0, 2.5, 5.0, 20.0);
/// Return departure: mean and standard deviation in hours, and range.
pub(crate) const RETURN_HOURS: (f64, f64, f64, f64) = (11.0, 2.5, 6.0, 20.0);
/// Latest arrival of a drive, hours after local midnight.
pub(crate) const LATEST_ARRIVAL_HOURS: f64 = 23.75;
/// Earliest departure of a drive, hours after local midnight.
pub(crate) const EARLIEST_DEPARTURE_HOURS: f64 = 4.0;
/// Shortest trip, straight-line km from home to the family home (assumption: a nearer kampung
/// is visited for the day rather than stayed at; the highway exodus is long-distance).
pub(crate) const MIN_TRIP_KM: f64 = 50.0;
/// Longest festive drive: from the earliest departure to the latest arrival. Households whose
/// kampung is farther (across Sabah and Sarawak) would fly, which is not modelled.
const MAX_DRIVE_SECONDS: i64 = ((LATEST_ARRIVAL_HOURS - EARLIEST_DEPARTURE_HOURS) * 3600.0) as i64;

/// What kind of trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TripKind {
    /// A household's festive return to its kampung.
    BalikKampung,
    /// A household's weekend or holiday trip to a resort or heritage town.
    Leisure,
    /// A household's trip abroad ([`super::outbound`]).
    Outbound,
}

impl TripKind {
    /// Lower-case label used in tables.
    pub(crate) fn label(self) -> &'static str {
        match self {
            TripKind::BalikKampung => "balik_kampung",
            TripKind::Leisure => "leisure",
            TripKind::Outbound => "outbound",
        }
    }
}

/// Who celebrates a festival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Celebrants {
    /// Chinese Malaysians.
    Chinese,
    /// Malays: Bumiputera with Malay naming.
    Malay,
}

impl Celebrants {
    /// Whether `person` celebrates.
    pub(crate) fn include(self, person: &Person) -> bool {
        match self {
            Celebrants::Chinese => person.ethnicity == Ethnicity::Chinese,
            Celebrants::Malay => {
                person.ethnicity == Ethnicity::Bumiputera && person.community == Community::Malay
            }
        }
    }
}

/// A festival with a balik kampung exodus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Festival {
    /// Stream key: the first public holiday as YYYYMMDD.
    pub id: u32,
    /// Name in the trips table.
    pub name: &'static str,
    /// Who travels.
    pub(crate) celebrants: Celebrants,
    /// The public holidays (first and last day).
    pub holidays: ((i32, u32, u32), (i32, u32, u32)),
    /// Departure days and their weights.
    pub departures: &'static [((i32, u32, u32), f64)],
    /// Return days and their weights.
    pub returns: &'static [((i32, u32, u32), f64)],
}

impl Festival {
    fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid festival date")
    }

    /// First possible departure and last possible return day.
    pub(crate) fn window(&self) -> (NaiveDate, NaiveDate) {
        let first = self.departures.iter().map(|d| Self::date(d.0)).min();
        let last = self.returns.iter().map(|d| Self::date(d.0)).max();
        (first.expect("departures"), last.expect("returns"))
    }
}

/// Chinese New Year 2025: public holidays Wednesday 29 and Thursday 30 January. Departures
/// 24–28 January (the LLM's outbound peak, the eve's reunion dinner on the 28th), returns
/// 31 January – 3 February, most on the weekend of 1–2 February (the LLM's return peak).
pub(crate) const CHINESE_NEW_YEAR_2025: Festival = Festival {
    id: 20250129,
    name: "Chinese New Year",
    celebrants: Celebrants::Chinese,
    holidays: ((2025, 1, 29), (2025, 1, 30)),
    departures: &[
        ((2025, 1, 24), 0.20),
        ((2025, 1, 25), 0.25),
        ((2025, 1, 26), 0.20),
        ((2025, 1, 27), 0.15),
        ((2025, 1, 28), 0.20),
    ],
    returns: &[
        ((2025, 1, 31), 0.10),
        ((2025, 2, 1), 0.35),
        ((2025, 2, 2), 0.45),
        ((2025, 2, 3), 0.10),
    ],
};

/// Hari Raya Aidilfitri 2025: public holidays Monday 31 March and Tuesday 1 April. Departures
/// 27–30 March (PLUS's outbound peak 27–29 March), returns 2–6 April, most on 4–6 April (PLUS's
/// return flow; schools reopen on 7 April).
pub(crate) const HARI_RAYA_2025: Festival = Festival {
    id: 20250331,
    name: "Hari Raya Aidilfitri",
    celebrants: Celebrants::Malay,
    holidays: ((2025, 3, 31), (2025, 4, 1)),
    departures: &[
        ((2025, 3, 27), 0.25),
        ((2025, 3, 28), 0.30),
        ((2025, 3, 29), 0.30),
        ((2025, 3, 30), 0.15),
    ],
    returns: &[
        ((2025, 4, 2), 0.10),
        ((2025, 4, 3), 0.10),
        ((2025, 4, 4), 0.20),
        ((2025, 4, 5), 0.30),
        ((2025, 4, 6), 0.30),
    ],
};

/// Every festival with a balik kampung exodus.
pub(crate) const FESTIVALS: [Festival; 2] = [CHINESE_NEW_YEAR_2025, HARI_RAYA_2025];

/// A trip away from home: out, stay, back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trip {
    /// Kind of trip.
    pub kind: TripKind,
    /// The holiday it is for, if any.
    pub holiday: Option<&'static str>,
    /// Id of the attraction visited (`attractions.csv`), for leisure trips.
    pub(crate) destination: Option<&'static str>,
    /// Where it starts and ends (home).
    pub(crate) origin: Place,
    /// Where the traveller sleeps.
    pub(crate) lodging: Place,
    /// Leaves home, UTC epoch seconds.
    pub(crate) depart: i64,
    /// Arrives at the lodging.
    pub(crate) arrive: i64,
    /// Leaves the lodging.
    pub(crate) leave: i64,
    /// Back home.
    pub(crate) back: i64,
    /// The border crossing of a trip abroad.
    pub(crate) gateway: Option<Gateway>,
}

/// Where a trip abroad crosses the border, and when.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gateway {
    /// The airport or land checkpoint.
    pub place: Place,
    /// Arrival at it and crossing, outward (UTC epoch seconds).
    pub out: (i64, i64),
    /// Arrival at it and leaving it for home.
    pub back: (i64, i64),
    /// Whether the crossing is a flight.
    pub by_air: bool,
}

impl Trip {
    /// Local date of the departure.
    pub(crate) fn depart_date(&self) -> NaiveDate {
        local_date(self.depart)
    }

    /// Local date of the return home.
    pub(crate) fn return_date(&self) -> NaiveDate {
        local_date(self.back)
    }

    /// Straight-line km from home to the lodging.
    pub(crate) fn distance_km(&self) -> f64 {
        distance_km(self.origin.point(), self.lodging.point())
    }
}

/// What the scenario says about travel: festival shares and the period trips must overlap.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelSpec {
    /// Share of eligible households travelling for Chinese New Year.
    pub(crate) cny_share: f64,
    /// Share of eligible households travelling for Hari Raya Aidilfitri.
    pub(crate) raya_share: f64,
    /// Share of city households away on a leisure trip over a run of rest days.
    pub(crate) leisure_share: f64,
    /// Factor on the rate of trips abroad ([`super::outbound`]).
    pub(crate) outbound_scale: f64,
    /// First day of the period.
    pub(crate) first: NaiveDate,
    /// Last day of the period.
    pub(crate) last: NaiveDate,
}

impl TravelSpec {
    /// No travel.
    pub(crate) fn none() -> TravelSpec {
        let day = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
        TravelSpec {
            cny_share: 0.0,
            raya_share: 0.0,
            leisure_share: 0.0,
            outbound_scale: 0.0,
            first: day,
            last: day,
        }
    }

    /// The share of eligible households travelling for `festival`.
    pub(crate) fn share(&self, festival: &Festival) -> f64 {
        match festival.celebrants {
            Celebrants::Chinese => self.cny_share,
            Celebrants::Malay => self.raya_share,
        }
    }

    /// Festivals with travellers whose trips may overlap the period.
    pub(crate) fn festivals(&self) -> impl Iterator<Item = &'static Festival> + '_ {
        FESTIVALS.iter().filter(|f| {
            let (first, last) = f.window();
            self.share(f) > 0.0 && first <= self.last && last >= self.first
        })
    }

    /// Whether anyone may travel in the period.
    #[cfg(test)]
    pub(crate) fn has_travel(&self) -> bool {
        self.festivals().next().is_some() || self.any_household_travels()
    }

    /// Whether any household, whatever it celebrates, may take a leisure trip or go abroad.
    pub(crate) fn any_household_travels(&self) -> bool {
        self.leisure_share > 0.0 || self.outbound_scale > 0.0
    }

    /// Whether a festival of the period is celebrated by `person` (and so by their household).
    pub(crate) fn celebrated_by(&self, person: &Person) -> bool {
        self.festivals().any(|f| f.celebrants.include(person))
    }

    /// Districts outside `region` that residents of `region` may travel to in the period: every
    /// district on the landmasses of the region's districts when anyone travels in Malaysia, the
    /// districts of the border gateways on them when they only go abroad, else none.
    pub(crate) fn coverage(&self, region: &[u16]) -> Vec<u16> {
        let all = districts();
        let landmasses: Vec<_> = region
            .iter()
            .map(|&d| landmass(all[usize::from(d)].state_code))
            .collect();
        let reachable = |d: &&crate::public_data::District| {
            !region.contains(&d.index) && landmasses.contains(&landmass(d.state_code))
        };
        if self.festivals().next().is_some() || self.leisure_share > 0.0 {
            return all.iter().filter(reachable).map(|d| d.index).collect();
        }
        if self.outbound_scale > 0.0 {
            let gateways = super::outbound::gateway_districts();
            return (all.iter().filter(reachable))
                .filter(|d| gateways.contains(&d.index))
                .map(|d| d.index)
                .collect();
        }
        Vec::new()
    }
}

/// Peninsular or East Malaysia.
fn landmass(state_code: u8) -> Option<crate::public_data::Region> {
    state(state_code).map(|s| s.region)
}

/// The trips of the household headed by `head` (with its anchors) that overlap the period.
pub(crate) fn household_trips(
    seed: u64,
    spec: &TravelSpec,
    head: &Person,
    anchors: &Anchors,
) -> Vec<Trip> {
    let Some(kampung) = anchors.kampung_district else {
        return Vec::new();
    };
    let kampung_state = districts()[usize::from(kampung)].state_code;
    if kampung == head.district || landmass(kampung_state) != landmass(head.state_code) {
        return Vec::new();
    }
    let mut trips = Vec::new();
    for festival in spec.festivals() {
        if !festival.celebrants.include(head) {
            continue;
        }
        let mut rng = stream(seed, Purpose::Trip, head.id, festival.id);
        if uniform(&mut rng) >= spec.share(festival) {
            continue;
        }
        let pick = |rng: &mut _, days: &[((i32, u32, u32), f64)]| {
            let i = Weighted::new(days.iter().map(|d| d.1)).sample(rng);
            Festival::date(days[i].0)
        };
        let out = pick(&mut rng, festival.departures);
        let back = pick(&mut rng, festival.returns);
        let out_hours = if day_type(head.state_code, out).is_working_day() {
            clamped(&mut rng, WORKDAY_DEPARTURE_HOURS)
        } else {
            clamped(&mut rng, REST_DAY_DEPARTURE_HOURS)
        };
        let back_hours = clamped(&mut rng, RETURN_HOURS);
        let (lon, lat) = Geography::get().sample_home(kampung, &mut rng);
        let lodging = Place {
            lon,
            lat,
            district: kampung,
        };
        let origin = anchors.home_place();
        let km = distance_km(origin.point(), lodging.point());
        let drive = festive_drive_seconds(km);
        if km < MIN_TRIP_KM || drive > MAX_DRIVE_SECONDS {
            continue; // a day visit, or a flight: neither is modelled
        }
        let depart = local_midnight(out) + start_seconds(out_hours, drive);
        let leave = local_midnight(back) + start_seconds(back_hours, drive);
        let trip = Trip {
            kind: TripKind::BalikKampung,
            holiday: Some(festival.name),
            destination: None,
            origin,
            lodging,
            depart,
            arrive: depart + drive,
            leave,
            back: leave + drive,
            gateway: None,
        };
        if trip.depart_date() <= spec.last && trip.return_date() >= spec.first {
            trips.push(trip);
        }
    }
    trips
}

/// Seconds a festive drive of `km` straight-line kilometres takes.
pub(crate) fn festive_drive_seconds(km: f64) -> i64 {
    libm::round(travel_seconds(km) as f64 * FESTIVE_CONGESTION) as i64
}

/// Seconds after midnight to leave at `hours`, moved earlier so that a drive of `drive` seconds
/// ends by [`LATEST_ARRIVAL_HOURS`], and never before [`EARLIEST_DEPARTURE_HOURS`].
fn start_seconds(hours: f64, drive: i64) -> i64 {
    let wanted = libm::round(hours * 3600.0) as i64;
    let latest = libm::round(LATEST_ARRIVAL_HOURS * 3600.0) as i64 - drive;
    let earliest = libm::round(EARLIEST_DEPARTURE_HOURS * 3600.0) as i64;
    wanted.min(latest).max(earliest)
}

/// A normal draw (mean, sd) clamped to (lo, hi).
fn clamped(rng: &mut crate::rng::StreamRng, (mean, sd, lo, hi): (f64, f64, f64, f64)) -> f64 {
    (mean + sd * standard_normal(rng)).clamp(lo, hi)
}

/// Whether the local day starting at `midnight` overlaps the trip.
pub(super) fn overlaps_day(trip: &Trip, midnight: i64) -> bool {
    trip.depart < midnight + DAY_SECONDS && trip.back > midnight
}
