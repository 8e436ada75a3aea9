//! Where a person sleeps when not at home in an ordinary week: at work on a night shift, or away
//! (a relative's or friend's home, a hospital, a work trip).
//!
//! Night `n` is the night that ends on the morning of scenario day `n`; it is a pure function of
//! (seed, person, n), drawn from `stream(seed, Purpose::Night, person, n)`, so the plan of day
//! `n − 1` (which ends there) and the plan of day `n` (which starts there) agree without either
//! planning the other.
//!
//! * Night workers: a share [`NIGHT_SHIFT_SHARE`] of workers (not cross-border commuters) work
//!   nights instead of days. A shift starts on the evening of a working day with the work
//!   attendance of [`super::day::WORK`], arriving N([`SHIFT_START_HOURS`]) and leaving
//!   N([`SHIFT_END_HOURS`]) the next morning.
//! * Nights away: on any other night a person sleeps away with probability [`NIGHT_AWAY`], at
//!   the place of their first visit slot of the morning's day (a place they frequent:
//!   [`super::places`]), arriving N([`AWAY_ARRIVAL_HOURS`]) and leaving N([`AWAY_LEAVE_HOURS`]),
//!   or earlier to be home before the day's first departure.
//!
//! Nights touching a trip away from home or a day with a gathering are spent at home, and so
//! are cross-border commuters' nights.

use chrono::{Days, NaiveDate};

use crate::events::Gathering;
use crate::geography::Place;
use crate::population::Person;
use crate::rng::{Purpose, StreamRng, key_hash, stream, unit_f64};
use crate::sampling::{bernoulli, standard_normal};

use super::anchors::{Anchors, Occupation};
use super::attendance;
use super::calendar::{day_type, local_midnight};
use super::day::{StayPurpose, WORK};
use super::places::{SLOTS_PER_DAY, visit};
use super::region::Region;
use super::trips::overlaps_day;

/// Share of workers on night shifts (assumption: manufacturing, hospitals, security and
/// 24-hour services; the bundled data has no Malaysian shift-work share).
pub(crate) const NIGHT_SHIFT_SHARE: f64 = 0.06;
/// Probability of sleeping away from home on a night without a shift (assumption: about one
/// night a month visiting family or friends, in hospital or on a work trip, besides the
/// holiday and leisure trips of [`super::trips`]).
pub(crate) const NIGHT_AWAY: f64 = 0.03;
/// Arrival at a night shift: mean and standard deviation (hours after the evening's midnight),
/// and range (assumption: shifts from about 22:00).
pub(crate) const SHIFT_START_HOURS: (f64, f64, f64, f64) = (22.0, 0.5, 20.5, 23.5);
/// End of a night shift: mean and standard deviation (hours after the morning's midnight), and
/// range (assumption: shifts to about 07:00).
pub(crate) const SHIFT_END_HOURS: (f64, f64, f64, f64) = (7.0, 0.5, 5.5, 9.0);
/// Arrival where a night away is spent: mean, standard deviation and range, hours (assumption).
pub(crate) const AWAY_ARRIVAL_HOURS: (f64, f64, f64, f64) = (20.5, 1.0, 18.0, 23.0);
/// Departure after a night away: mean, standard deviation and range, hours (assumption).
pub(crate) const AWAY_LEAVE_HOURS: (f64, f64, f64, f64) = (8.0, 1.0, 6.0, 11.0);

/// A night spent away from home.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Night {
    /// Where.
    pub(crate) place: Place,
    /// At work (a shift) or lodging.
    pub(crate) purpose: StayPurpose,
    /// Arrival, seconds after the evening's local midnight.
    pub(crate) arrive: i64,
    /// Departure, seconds after the morning's local midnight.
    pub(crate) leave: i64,
}

/// Whether a person with `anchors` works night shifts instead of days.
pub(crate) fn night_worker(seed: u64, person: u64, anchors: &Anchors) -> bool {
    matches!(anchors.occupation, Occupation::Worker(_))
        && anchors.crossing.is_none()
        && unit_f64(key_hash(seed, &[Purpose::Night as u64, person])) < NIGHT_SHIFT_SHARE
}

/// Night `n` of `person` (ending on the morning of `date`, scenario day `n`), or `None` at home.
pub(crate) fn night(
    seed: u64,
    region: &Region,
    (person, anchors): (&Person, &Anchors),
    gatherings: &[Gathering],
    date: NaiveDate,
    n: u32,
) -> Option<Night> {
    let eve = date - Days::new(1);
    let morning = local_midnight(date);
    let trip = anchors
        .trips
        .iter()
        .any(|t| overlaps_day(t, morning) || overlaps_day(t, morning - 86_400));
    let gathering = |date: NaiveDate, day: u32| {
        gatherings
            .iter()
            .any(|g| attendance::visit(g, seed, person, date, day).is_some())
    };
    if anchors.crossing.is_some()
        || trip
        || gathering(date, n)
        || n.checked_sub(1).is_some_and(|d| gathering(eve, d))
    {
        return None;
    }
    let mut rng = stream(seed, Purpose::Night, person.id, n);
    let home = anchors.home_place();
    let night = match anchors.occupation {
        Occupation::Worker(work)
            if night_worker(seed, person.id, anchors)
                && day_type(person.state_code, eve).is_working_day()
                && bernoulli(&mut rng, WORK.attendance) =>
        {
            Night {
                place: work,
                purpose: StayPurpose::Work,
                arrive: hours(&mut rng, SHIFT_START_HOURS),
                leave: hours(&mut rng, SHIFT_END_HOURS),
            }
        }
        _ if bernoulli(&mut rng, NIGHT_AWAY) => Night {
            place: visit(seed, region, person.id, anchors.home, n * SLOTS_PER_DAY),
            purpose: StayPurpose::Lodging,
            arrive: hours(&mut rng, AWAY_ARRIVAL_HOURS),
            leave: hours(&mut rng, AWAY_LEAVE_HOURS),
        },
        _ => return None,
    };
    (night.place.point() != home.point()).then_some(night)
}

/// A clamped normal draw of hours, in whole seconds.
fn hours(rng: &mut StreamRng, (mean, sd, lo, hi): (f64, f64, f64, f64)) -> i64 {
    libm::round((mean + sd * standard_normal(rng)).clamp(lo, hi) * 3_600.0) as i64
}
