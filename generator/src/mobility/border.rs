//! Johor residents who work in Singapore: on working days they cross the border in the early
//! morning and come back in the evening; while in Singapore their phones leave the Malaysian
//! network (outbound roaming), so the operators' records show nothing of them.
//!
//! Who: citizens who work ([`super::Occupation::Worker`]) and live in the districts next to the
//! crossings ([`COMMUTER_DISTRICTS`]: Johor Bahru and Kulai), with probability
//! [`SINGAPORE_WORK_SHARE`], drawn from `stream(seed, Purpose::CrossBorder, person, 0)` (so no
//! other draw of anyone moves). Calibration: about 296,000 persons crossed the Causeway and the
//! Second Link a day in 2015 (Straits Times, `johor_singapore_cross_border_facts.csv`), some
//! 148,000 each way; taking about two thirds as Malaysian workers gives roughly 100,000
//! commuters, a tenth of the about one million workers of the two districts (assumption).
//!
//! Where: a work place in one of Singapore's employment areas ([`WORKPLACES`], weights are
//! assumptions), reached through the checkpoint nearer to it (Johor Causeway or Second Link).
//! Points in Singapore have the district index [`super::abroad::SINGAPORE`] (`SGP` in tables).
//!
//! When: they leave home at N(05:00, 30 min), clamped to 04:00–07:00 (Sin Chew, 2024: daily
//! commuters leave around 04:30; FMT: workers wake at 4 am), wait at the checkpoint a log-normal
//! time (median [`CHECKPOINT_MINUTES`]) each way, and work the usual hours.

use crate::population::Person;
use crate::public_data::entry_points;
use crate::rng::{Purpose, StreamRng, stream};
use crate::sampling::{Weighted, bernoulli, log_normal, standard_normal};

use crate::geography::Place;

/// DOSM codes of the districts whose workers may work in Singapore.
pub(crate) const COMMUTER_DISTRICTS: [&str; 2] = ["1_2", "1_9"];
/// Share of the workers of those districts who work in Singapore (see the module doc).
pub(crate) const SINGAPORE_WORK_SHARE: f64 = 0.1;
/// Waiting and clearance time at the checkpoint: median minutes and σ of the log (assumption).
pub(crate) const CHECKPOINT_MINUTES: (f64, f64) = (30.0, 0.5);
/// Departure from home: mean and standard deviation in hours, and range.
pub(crate) const DEPARTURE_HOURS: (f64, f64, f64, f64) = (5.0, 0.5, 4.0, 7.0);
/// Singapore's employment areas: name, longitude, latitude, weight.
pub(crate) const WORKPLACES: [(&str, f64, f64, f64); 5] = [
    ("Woodlands", 103.7865, 1.4370, 0.3),
    ("Jurong", 103.7420, 1.3330, 0.25),
    ("Tuas", 103.6500, 1.3200, 0.15),
    ("Central Business District", 103.8510, 1.2830, 0.2),
    ("Changi Business Park", 103.9630, 1.3340, 0.1),
];

/// A cross-border commuter's work place and checkpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Crossing {
    /// Where they work, in Singapore.
    pub work: Place,
    /// The checkpoint they cross at, on the Malaysian side.
    pub(crate) checkpoint: Place,
}

/// The Singapore job of a worker, if they commute there.
pub(crate) fn singapore_work(seed: u64, person: &Person) -> Option<Crossing> {
    let code = crate::public_data::districts()[usize::from(person.district)].code;
    if !person.is_citizen() || !COMMUTER_DISTRICTS.contains(&code) {
        return None;
    }
    let mut rng = stream(seed, Purpose::CrossBorder, person.id, 0);
    if !bernoulli(&mut rng, SINGAPORE_WORK_SHARE) {
        return None;
    }
    let w = Weighted::new(WORKPLACES.iter().map(|p| p.3));
    let (_, lon, lat, _) = WORKPLACES[w.sample(&mut rng)];
    let work = Place {
        lon,
        lat,
        district: super::abroad::SINGAPORE,
    };
    let checkpoint = entry_points()
        .iter()
        .filter(|p| p.crossing_country == Some("SGP"))
        .min_by(|a, b| {
            let d = |p: &crate::public_data::EntryPoint| {
                crate::geography::projection::distance_km((p.lon, p.lat), (lon, lat))
            };
            d(a).total_cmp(&d(b)).then(a.id.cmp(b.id))
        })
        .map(|p| Place {
            lon: p.lon,
            lat: p.lat,
            district: p.district,
        })?;
    Some(Crossing { work, checkpoint })
}

/// Seconds at the checkpoint on one crossing.
pub(crate) fn checkpoint_seconds(rng: &mut StreamRng) -> i64 {
    let (median, sigma) = CHECKPOINT_MINUTES;
    libm::round(log_normal(rng, libm::log(median), sigma).clamp(10.0, 180.0) * 60.0) as i64
}

/// Departure from home, hours after local midnight.
pub(crate) fn departure_hours(rng: &mut StreamRng) -> f64 {
    let (mean, sd, lo, hi) = DEPARTURE_HOURS;
    (mean + sd * standard_normal(rng)).clamp(lo, hi)
}
