//! Domestic tourism: weekend and holiday trips of city households to resorts and heritage towns.
//!
//! Who: households (decided by the head, like [`super::trips`]) of urban districts (urban share
//! at least [`MIN_URBAN_SHARE`]); for every run of two or more rest days (weekends and public
//! holidays of the home state) a household goes away with probability `[tourism]
//! domestic_trip_share` (assumption; no Malaysian survey of trips per weekend is bundled), drawn
//! from `stream(seed, Purpose::LeisureTrip, head, first rest day)`, unless it is already away.
//!
//! Where: an attraction (`attractions.csv`: Genting Highlands, Cameron Highlands, Melaka,
//! George Town, Langkawi, Ipoh, Legoland, Kota Kinabalu, …) on the home's landmass between
//! [`MIN_KM`] and [`MAX_KM`] away, weight `1 / (1 + (d / 120 km)²)`; they sleep in a hotel
//! within 2 km of it.
//!
//! When: out on the first rest day at N(09:00, 1.5 h) (06:00–13:00), back on the last at
//! N(14:00, 1.5 h) (09:00–18:00); the drive takes the usual road time. Days between are rest days
//! around the hotel, as on any trip.

use chrono::{Days, NaiveDate};

use crate::geography::Geography;
use crate::geography::projection::distance_km;
use crate::population::Person;
use crate::public_data::{attractions, districts, state};
use crate::rng::{Purpose, stream};
use crate::sampling::{Weighted, standard_normal, uniform, uniform_in};

use super::anchors::Anchors;
use super::calendar::{DAY_SECONDS, day_type, local_midnight};
use super::travel::travel_seconds;
use super::trips::{Trip, TripKind};
use crate::geography::Place;

/// Least urban share of a home district whose households make leisure trips.
pub(crate) const MIN_URBAN_SHARE: f64 = 0.8;
/// Nearest destination, straight-line km (nearer is a day out).
pub(crate) const MIN_KM: f64 = 40.0;
/// Farthest destination, straight-line km.
pub(crate) const MAX_KM: f64 = 350.0;
/// Longest trip, nights.
pub(crate) const MAX_NIGHTS: u64 = 3;

/// The leisure trips of the household headed by `head` that overlap `first..=last`, avoiding
/// the household's other trips `taken`.
pub(crate) fn household_trips(
    seed: u64,
    share: f64,
    (first, last): (NaiveDate, NaiveDate),
    head: &Person,
    anchors: &Anchors,
    taken: &[Trip],
) -> Vec<Trip> {
    let home_district = &districts()[usize::from(head.district)];
    if share <= 0.0 || home_district.urban_share < MIN_URBAN_SHARE {
        return Vec::new();
    }
    let rest = |d: NaiveDate| !day_type(head.state_code, d).is_working_day();
    let home = anchors.home_place();
    let land = state(head.state_code).map(|s| s.region);
    let mut trips: Vec<Trip> = Vec::new();
    let mut day = first - Days::new(MAX_NIGHTS);
    while day <= last {
        let starts = rest(day) && !rest(day - Days::new(1));
        let mut end = day;
        while starts && rest(end + Days::new(1)) && (end - day).num_days() < MAX_NIGHTS as i64 {
            end = end + Days::new(1);
        }
        let key = super::calendar::date_days(day) as u32;
        let next = end + Days::new(1);
        if !starts || end == day {
            day = next;
            continue;
        }
        let mut rng = stream(seed, Purpose::LeisureTrip, head.id, key);
        if uniform(&mut rng) >= share {
            day = next;
            continue;
        }
        let options: Vec<_> = attractions()
            .iter()
            .filter(|a| {
                state(districts()[usize::from(a.district)].state_code).map(|s| s.region) == land
            })
            .map(|a| (a, distance_km(home.point(), (a.lon, a.lat))))
            .filter(|(_, km)| (MIN_KM..=MAX_KM).contains(km))
            .collect();
        if options.is_empty() {
            return trips;
        }
        let w = Weighted::new(options.iter().map(|(_, km)| {
            let x = km / 120.0;
            1.0 / (1.0 + x * x)
        }));
        let (a, _) = options[w.sample(&mut rng)];
        let r = uniform_in(&mut rng, 0.2, 2.0);
        let angle = uniform_in(&mut rng, 0.0, std::f64::consts::TAU);
        let lat = a.lat + r * libm::sin(angle) / 111.32;
        let lon = a.lon + r * libm::cos(angle) / (111.32 * libm::cos(a.lat.to_radians()));
        let district = Geography::get().locate(lon, lat).unwrap_or(a.district);
        let lodging = Place { lon, lat, district };
        let drive = travel_seconds(distance_km(home.point(), lodging.point()));
        let hours = |rng: &mut _, mean: f64, lo: f64, hi: f64| {
            libm::round((mean + 1.5 * standard_normal(rng)).clamp(lo, hi) * 3600.0) as i64
        };
        let latest = libm::round(23.75 * 3600.0) as i64 - drive;
        let depart = local_midnight(day) + hours(&mut rng, 9.0, 6.0, 13.0).min(latest);
        let leave = local_midnight(end) + hours(&mut rng, 14.0, 9.0, 18.0).min(latest);
        let trip = Trip {
            kind: TripKind::Leisure,
            holiday: None,
            destination: Some(a.id),
            origin: home,
            lodging,
            depart,
            arrive: depart + drive,
            leave,
            back: leave + drive,
            gateway: None,
        };
        let clash = taken
            .iter()
            .any(|t| t.depart < trip.back + DAY_SECONDS && trip.depart < t.back + DAY_SECONDS);
        if !clash && trip.depart_date() <= last && trip.return_date() >= first {
            trips.push(trip);
        }
        day = next;
    }
    trips
}
