//! Outbound travel: residents' trips abroad — to Singapore and Thailand by road, further by air,
//! and the Umrah pilgrimage to Saudi Arabia.
//!
//! Who and how often: households (decided by the head, and travelling together, like
//! [`super::trips`]) leave on a given day with probability `[tourism] outbound_scale` ×
//! [`TRIPS_PER_PERSON_YEAR`] / 365 × the day's weight (rest days [`REST_DAY_WEIGHT`] times a
//! working day, normalised so a week keeps the yearly rate), unless already away; drawn from
//! `key_hash(seed, Purpose::OutboundTrip, head, day)`, so a larger scale only adds trips.
//!
//! Where ([`DESTINATIONS`]): a country by share, and a stay of a log-normal number of nights
//! (median by country, σ [`NIGHTS_SIGMA`], 1 to [`MAX_NIGHTS`]). Saudi Arabia (Umrah) is for
//! Muslim households only (Malays, as [`super::trips::Celebrants::Malay`]); others share its
//! weight out among the other countries. Every share and stay is an assumption: no statistics
//! of Malaysians' trips abroad by destination are bundled. The yearly rate is of the order of
//! Malaysia's pre-pandemic outbound departures (around twelve million a year for some 33 million
//! residents), also an assumption rather than a bundled figure.
//!
//! How: by road through the nearest land checkpoint to the country ([`crate::public_data::
//! entry_points`]) when that is within [`LAND_MAX_KM`] of home (Johor to Singapore, the northern
//! states to southern Thailand, where they stay in Hat Yai), otherwise by air from the nearest
//! of [`AIRPORTS`] on the home's landmass: [`AIRPORT_BEFORE_S`] at the airport before the
//! flight, a flight of [`FLIGHT_FIXED_S`] plus distance at [`FLIGHT_KMH`], and
//! [`AIRPORT_AFTER_S`] at the airport on the way back. Departure at N(09:00, 3 h), return at
//! N(12:00, 3 h), moved earlier so that the journey ends by 23:45 (and never before 04:00).
//! Abroad the household stays at the destination city's point all day (abroad, only the fact and
//! the country matter to the operator's records).

use chrono::{Days, NaiveDate};

use crate::geography::Place;
use crate::geography::projection::distance_km;
use crate::population::Person;
use crate::public_data::{EntryKind, entry_points, state};
use crate::rng::{Purpose, key_hash, stream, unit_f64};
use crate::sampling::{Weighted, log_normal, standard_normal};

use super::abroad;
use super::anchors::Anchors;
use super::calendar::{DAY_SECONDS, date_days, day_type, local_midnight};
use super::travel::travel_seconds;
use super::trips::{Celebrants, Gateway, Trip, TripKind};

/// Trips abroad per resident per year at `outbound_scale = 1`.
pub(crate) const TRIPS_PER_PERSON_YEAR: f64 = 0.35;
/// Weight of a departure on a rest day relative to a working day.
pub(crate) const REST_DAY_WEIGHT: f64 = 2.0;
/// σ of the log of the nights away.
pub(crate) const NIGHTS_SIGMA: f64 = 0.4;
/// Longest stay abroad, nights.
pub(crate) const MAX_NIGHTS: u64 = 21;
/// Farthest land checkpoint households drive to, straight-line km from home.
pub(crate) const LAND_MAX_KM: f64 = 300.0;
/// Time at the airport before an outward flight, seconds.
pub(crate) const AIRPORT_BEFORE_S: i64 = 2 * 3600 + 1800;
/// Time at the airport after a return flight (immigration, baggage), seconds.
pub(crate) const AIRPORT_AFTER_S: i64 = 3600;
/// Time at a land checkpoint each way, seconds.
pub(crate) const CHECKPOINT_S: i64 = 2700;
/// Taxiing, climb and descent of a flight, seconds.
pub(crate) const FLIGHT_FIXED_S: f64 = 1800.0;
/// Cruising speed of a flight, km/h.
pub(crate) const FLIGHT_KMH: f64 = 800.0;
/// Airports with international flights residents leave from: KLIA, Penang, Senai, Kota
/// Kinabalu and Kuching (ids of `entry_points.csv`).
pub(crate) const AIRPORTS: [&str; 5] = ["E01", "E04", "E08", "E05", "E06"];

/// A country residents travel to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Destination {
    /// ISO alpha-3 code.
    pub iso3: &'static str,
    /// Share of trips.
    pub share: f64,
    /// Median nights.
    pub nights: f64,
    /// Where they stay when flying in: (lon, lat) of the main destination city.
    pub by_air: (f64, f64),
    /// Where they stay when driving in, if they may: (lon, lat).
    pub by_road: Option<(f64, f64)>,
    /// Muslim households only (Umrah).
    pub pilgrimage: bool,
}

/// The destinations: Singapore, Thailand (Bangkok; Hat Yai by road), Indonesia (Jakarta), China
/// (Guangzhou), Vietnam (Ho Chi Minh City), Japan (Tokyo), South Korea (Seoul) and Saudi Arabia
/// (Mecca, Umrah). Shares and stays are assumptions (see the module doc).
pub(crate) const DESTINATIONS: [Destination; 8] = [
    dest("SGP", 0.28, 2.0, (103.85, 1.29), Some((103.85, 1.29))),
    dest("THA", 0.22, 3.0, (100.50, 13.75), Some((100.47, 7.01))),
    dest("IDN", 0.14, 4.0, (106.85, -6.20), None),
    dest("CHN", 0.08, 6.0, (113.26, 23.13), None),
    dest("VNM", 0.07, 4.0, (106.70, 10.78), None),
    dest("JPN", 0.06, 7.0, (139.69, 35.68), None),
    dest("KOR", 0.05, 6.0, (126.98, 37.57), None),
    Destination {
        pilgrimage: true,
        ..dest("SAU", 0.10, 12.0, (39.83, 21.42), None)
    },
];

const fn dest(
    iso3: &'static str,
    share: f64,
    nights: f64,
    by_air: (f64, f64),
    by_road: Option<(f64, f64)>,
) -> Destination {
    Destination {
        iso3,
        share,
        nights,
        by_air,
        by_road,
        pilgrimage: false,
    }
}

/// The trips abroad of the household headed by `head` that overlap `first..=last`, avoiding
/// the household's other trips `taken`.
pub(crate) fn household_trips(
    seed: u64,
    scale: f64,
    (first, last): (NaiveDate, NaiveDate),
    head: &Person,
    anchors: &Anchors,
    taken: &[Trip],
) -> Vec<Trip> {
    if scale <= 0.0 {
        return Vec::new();
    }
    let per_day = scale * TRIPS_PER_PERSON_YEAR / 365.0;
    let mean_weight = (5.0 + 2.0 * REST_DAY_WEIGHT) / 7.0;
    let mut trips: Vec<Trip> = Vec::new();
    let mut day = first - Days::new(MAX_NIGHTS);
    while day <= last {
        let weight = if day_type(head.state_code, day).is_working_day() {
            1.0
        } else {
            REST_DAY_WEIGHT
        };
        let key = date_days(day) as u64;
        let u = unit_f64(key_hash(
            seed,
            &[Purpose::OutboundTrip as u64, head.id, key],
        ));
        let away =
            |t: &Trip| t.depart < local_midnight(day) + DAY_SECONDS && t.back > local_midnight(day);
        if u < per_day * weight / mean_weight
            && !trips.iter().chain(taken).any(away)
            && let Some(trip) = trip(seed, head, anchors, day)
        {
            let clash = (taken.iter())
                .any(|t| t.depart < trip.back + DAY_SECONDS && trip.depart < t.back + DAY_SECONDS);
            if !clash && trip.depart_date() <= last && trip.return_date() >= first {
                trips.push(trip);
            }
        }
        day = day + Days::new(1);
    }
    trips
}

/// The trip of the household headed by `head` leaving on `day`; `None` when the journey does
/// not fit in a day.
fn trip(seed: u64, head: &Person, anchors: &Anchors, day: NaiveDate) -> Option<Trip> {
    let mut rng = stream(seed, Purpose::OutboundTrip, head.id, date_days(day) as u32);
    let muslim = Celebrants::Malay.include(head);
    let options: Vec<&Destination> = (DESTINATIONS.iter())
        .filter(|d| muslim || !d.pilgrimage)
        .collect();
    let to = options[Weighted::new(options.iter().map(|d| d.share)).sample(&mut rng)];
    let nights = log_normal(&mut rng, libm::log(to.nights), NIGHTS_SIGMA)
        .round()
        .clamp(1.0, MAX_NIGHTS as f64) as u64;
    let home = anchors.home_place();
    let (gateway, lodging, legs) = route(home, to)?;
    let country = abroad::district(to.iso3);
    let lodging = Place {
        lon: lodging.0,
        lat: lodging.1,
        district: country,
    };
    let journey = legs.out.iter().sum::<i64>();
    let journey_back = legs.back.iter().sum::<i64>();
    let hours = |rng: &mut _, mean: f64| (mean + 3.0 * standard_normal(rng)).clamp(4.0, 20.0);
    let out_at = fitted(hours(&mut rng, 9.0), journey)?;
    let back_at = fitted(hours(&mut rng, 12.0), journey_back)?;
    let depart = local_midnight(day) + out_at;
    let leave = local_midnight(day + Days::new(nights)) + back_at;
    let [drive, wait, _] = legs.out;
    let [cross_back, wait_back, _] = legs.back;
    Some(Trip {
        kind: TripKind::Outbound,
        holiday: None,
        destination: None,
        origin: home,
        lodging,
        depart,
        arrive: depart + journey,
        leave,
        back: leave + journey_back,
        gateway: Some(Gateway {
            place: gateway,
            out: (depart + drive, depart + drive + wait),
            back: (leave + cross_back, leave + cross_back + wait_back),
            by_air: legs.by_air,
        }),
    })
}

/// Seconds of each part of a journey abroad: out (to the gateway, at it, across), back (across,
/// at the gateway, home).
struct Legs {
    out: [i64; 3],
    back: [i64; 3],
    by_air: bool,
}

/// The gateway, where they stay abroad, and the legs' durations from `home` to `to`; `None`
/// when no airport serves the home's landmass.
fn route(home: Place, to: &Destination) -> Option<(Place, (f64, f64), Legs)> {
    let km = |p: &crate::public_data::EntryPoint, q: (f64, f64)| distance_km((p.lon, p.lat), q);
    let place = |p: &crate::public_data::EntryPoint| Place {
        lon: p.lon,
        lat: p.lat,
        district: p.district,
    };
    let road = |a: (f64, f64), b: (f64, f64)| travel_seconds(distance_km(a, b));
    if let Some(stay) = to.by_road {
        let checkpoint = (entry_points().iter())
            .filter(|p| p.kind == EntryKind::LandCheckpoint && p.crossing_country == Some(to.iso3))
            .min_by(|a, b| km(a, home.point()).total_cmp(&km(b, home.point())));
        if let Some(c) = checkpoint.filter(|c| km(c, home.point()) <= LAND_MAX_KM) {
            let (drive, across) = (
                road(home.point(), (c.lon, c.lat)),
                road((c.lon, c.lat), stay),
            );
            let legs = Legs {
                out: [drive, CHECKPOINT_S, across],
                back: [across, CHECKPOINT_S, drive],
                by_air: false,
            };
            return Some((place(c), stay, legs));
        }
    }
    let region = state(home_state(home)?).map(|s| s.region);
    let airport = (entry_points().iter())
        .filter(|p| AIRPORTS.contains(&p.id) && state(p.state_code).map(|s| s.region) == region)
        .min_by(|a, b| km(a, home.point()).total_cmp(&km(b, home.point())))?;
    let drive = road(home.point(), (airport.lon, airport.lat));
    let flight = libm::round(FLIGHT_FIXED_S + km(airport, to.by_air) / FLIGHT_KMH * 3600.0) as i64;
    let legs = Legs {
        out: [drive, AIRPORT_BEFORE_S, flight],
        back: [flight, AIRPORT_AFTER_S, drive],
        by_air: true,
    };
    Some((place(airport), to.by_air, legs))
}

/// Districts of the airports and land checkpoints trips abroad may cross at.
pub(crate) fn gateway_districts() -> Vec<u16> {
    let crossing = |p: &&crate::public_data::EntryPoint| {
        AIRPORTS.contains(&p.id)
            || (p.kind == EntryKind::LandCheckpoint
                && (DESTINATIONS.iter())
                    .any(|d| d.by_road.is_some() && p.crossing_country == Some(d.iso3)))
    };
    entry_points()
        .iter()
        .filter(crossing)
        .map(|p| p.district)
        .collect()
}

/// The state code of a Malaysian place.
fn home_state(home: Place) -> Option<u8> {
    (crate::public_data::districts().get(usize::from(home.district))).map(|d| d.state_code)
}

/// Seconds after midnight to leave at `hours` so that a journey of `seconds` ends by 23:45,
/// never before 04:00; `None` when it cannot.
fn fitted(hours: f64, seconds: i64) -> Option<i64> {
    let (earliest, latest) = (4 * 3600, 23 * 3600 + 2700 - seconds);
    (latest >= earliest).then(|| (libm::round(hours * 3600.0) as i64).clamp(earliest, latest))
}
