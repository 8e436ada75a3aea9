//! A person's day: an activity chain turned into contiguous stays and moves covering the local
//! day, drawn from `stream(seed, Purpose::Day, person, day)` (places also from the keyed streams
//! of [`super::places`]).
//!
//! Chains (every day starts and ends at home):
//!
//! * Working day, worker present ([`WORK`] attendance): home → work → maybe one errand or leisure
//!   stop → home. Pupils and students likewise with [`SCHOOL`] and [`UNIVERSITY`].
//! * Weekend or holiday: workers work with probability [`WEEKEND_WORK`] (citizens, non-citizens);
//!   pupils and students have no classes. Pupils have none during their state's school breaks
//!   either.
//! * Any other day: 0 to 3 chained stops with probabilities [`FREE_DAY_STOPS`] (working day,
//!   rest day), leaving home at N([`FREE_DEPARTURE_HOURS`]) hours.
//!
//! A stop is leisure with probability [`LEISURE_SHARE`] (working day, rest day), otherwise an
//! errand; it lasts a log-normal time ([`ERRAND_MINUTES`], [`LEISURE_MINUTES`]: median, σ of the
//! logarithm), clamped to [`STOP_MINUTES`]. When the chain would bring the person home after
//! [`LATEST_HOME_HOURS`], stops are dropped from the end, then the anchored stay is shortened (or
//! dropped when under half an hour). Nobody leaves home before [`EARLIEST_DEPARTURE_HOURS`]. Start times and durations are clamped normal draws; all figures are assumptions
//! shaped on common office (08:00–17:00 plus a lunch hour) and school (07:30–13:30) hours.

use chrono::{Days, NaiveDate};

use crate::events::Gathering;
use crate::geography::projection::distance_km;
use crate::population::Person;
use crate::public_data::is_school_holiday;
use crate::rng::{Purpose, StreamRng, stream};
use crate::sampling::{Weighted, bernoulli, log_normal, standard_normal};

use super::abroad;
use super::anchors::{Anchors, Occupation};
use super::attendance;
use super::border;
use super::calendar::{DAY_SECONDS, DayType, day_type, local_midnight};
use super::nights::{self, Night};
use super::places::{SLOTS_PER_DAY, trip_visit, visit};
use super::region::Region;
use super::travel::{MIN_MOVE_SECONDS, Mode, travel_seconds};
use super::trips::{Gateway, Trip, overlaps_day};
use crate::geography::Place;

/// Start and length of an anchored activity (hours; normal draws clamped to the ranges).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schedule {
    /// Probability of going on a working day.
    pub attendance: f64,
    /// Mean and standard deviation of the arrival time, hours after local midnight.
    pub start: (f64, f64),
    /// Earliest and latest arrival.
    pub(crate) start_range: (f64, f64),
    /// Mean and standard deviation of the stay, hours.
    pub(crate) hours: (f64, f64),
    /// Shortest and longest stay.
    pub(crate) hours_range: (f64, f64),
    /// Probability of one errand or leisure stop on the way home.
    pub(crate) stop_after: f64,
}

/// Work: arrive N(8:15, 45 min), stay N(9 h, 1 h); 95% attendance (leave, sickness).
pub(crate) const WORK: Schedule = Schedule {
    attendance: 0.95,
    start: (8.25, 0.75),
    start_range: (5.5, 13.0),
    hours: (9.0, 1.0),
    hours_range: (4.0, 12.0),
    stop_after: 0.35,
};
/// School: arrive N(7:20, 10 min), stay N(6.5 h, 30 min).
pub(crate) const SCHOOL: Schedule = Schedule {
    attendance: 0.97,
    start: (7.33, 0.17),
    start_range: (6.75, 8.0),
    hours: (6.5, 0.5),
    hours_range: (5.0, 8.0),
    stop_after: 0.2,
};
/// University: arrive N(9:30, 1 h), stay N(5 h, 1.5 h).
pub(crate) const UNIVERSITY: Schedule = Schedule {
    attendance: 0.85,
    start: (9.5, 1.0),
    start_range: (7.5, 14.0),
    hours: (5.0, 1.5),
    hours_range: (2.0, 10.0),
    stop_after: 0.3,
};
/// Probability a worker works on a rest day: (citizen, non-citizen).
pub(crate) const WEEKEND_WORK: (f64, f64) = (0.15, 0.5);
/// Probabilities of 0, 1, 2 and 3 stops on a free day: (working day, rest day).
pub(crate) const FREE_DAY_STOPS: ([f64; 4], [f64; 4]) =
    ([0.3, 0.4, 0.2, 0.1], [0.15, 0.35, 0.3, 0.2]);
/// First departure on a free day: mean and standard deviation in hours, and range.
pub(crate) const FREE_DEPARTURE_HOURS: (f64, f64, f64, f64) = (10.0, 2.0, 7.0, 20.0);
/// Share of stops that are leisure: (working day, rest day).
pub(crate) const LEISURE_SHARE: (f64, f64) = (0.35, 0.7);
/// Errand stop length: median minutes and σ of the log.
pub(crate) const ERRAND_MINUTES: (f64, f64) = (45.0, 0.6);
/// Leisure stop length: median minutes and σ of the log.
pub(crate) const LEISURE_MINUTES: (f64, f64) = (100.0, 0.6);
/// Shortest and longest stop, minutes.
pub(crate) const STOP_MINUTES: (f64, f64) = (10.0, 300.0);
/// Latest return home, hours after local midnight.
pub(crate) const LATEST_HOME_HOURS: f64 = 23.75;
/// Earliest departure from home, hours after local midnight.
pub(crate) const EARLIEST_DEPARTURE_HOURS: f64 = 4.0;
/// Shortest anchored stay kept when a day is too long, seconds (assumption).
const MIN_ANCHOR_SECONDS: i64 = 1800;

/// Why a person stays somewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StayPurpose {
    /// At home.
    Home,
    /// At work.
    Work,
    /// At school or university.
    School,
    /// Shopping, services, meals.
    Errand,
    /// Social and recreational visits.
    Leisure,
    /// Where a person sleeps while away on a trip (the family home in the kampung, a visitor's
    /// hotel).
    Lodging,
    /// At a border crossing: a visitor entering or leaving the country.
    Transit,
    /// At a concert or festival ([`crate::events::gathering`]).
    Event,
}

impl StayPurpose {
    /// Lower-case label used in tables.
    pub(crate) fn label(self) -> &'static str {
        match self {
            StayPurpose::Home => "home",
            StayPurpose::Work => "work",
            StayPurpose::School => "school",
            StayPurpose::Errand => "errand",
            StayPurpose::Leisure => "leisure",
            StayPurpose::Lodging => "lodging",
            StayPurpose::Transit => "transit",
            StayPurpose::Event => "event",
        }
    }
}

/// Time spent at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stay {
    /// Start, UTC epoch seconds (inclusive).
    pub(crate) start: i64,
    /// End, UTC epoch seconds (exclusive).
    pub(crate) end: i64,
    /// Longitude.
    pub(crate) lon: f64,
    /// Latitude.
    pub(crate) lat: f64,
    /// District of the point.
    pub(crate) district: u16,
    /// Why the person is there.
    pub(crate) purpose: StayPurpose,
}

/// Travel in a straight line at constant speed between two stays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Move {
    /// Start, UTC epoch seconds (inclusive).
    pub(crate) start: i64,
    /// End, UTC epoch seconds (exclusive).
    pub(crate) end: i64,
    /// Origin (lon, lat).
    pub(crate) from: (f64, f64),
    /// Destination (lon, lat).
    pub(crate) to: (f64, f64),
    /// District of the destination.
    pub(crate) district: u16,
    /// Walk or road.
    pub(crate) mode: Mode,
}

impl Move {
    /// Straight-line length in km.
    pub(crate) fn distance_km(&self) -> f64 {
        distance_km(self.from, self.to)
    }
}

/// A stay or a move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// Staying at a point.
    Stay(Stay),
    /// Moving between two points.
    Move(Move),
}

impl Segment {
    /// Start, UTC epoch seconds.
    pub(crate) fn start(&self) -> i64 {
        match self {
            Segment::Stay(s) => s.start,
            Segment::Move(m) => m.start,
        }
    }

    /// End, UTC epoch seconds (exclusive).
    pub(crate) fn end(&self) -> i64 {
        match self {
            Segment::Stay(s) => s.end,
            Segment::Move(m) => m.end,
        }
    }
}

/// One person's local day as contiguous segments, from local midnight to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct DayPlan {
    /// Segments in time order; each starts where the previous one ends.
    pub segments: Vec<Segment>,
}

impl DayPlan {
    /// Position (lon, lat) at `t`, moving linearly along moves; clamped to the day's ends.
    pub(crate) fn position_at(&self, t: i64) -> (f64, f64) {
        let i = self
            .segments
            .partition_point(|s| s.end() <= t)
            .min(self.segments.len() - 1);
        match &self.segments[i] {
            Segment::Stay(s) => (s.lon, s.lat),
            Segment::Move(m) => {
                let f = ((t - m.start) as f64 / (m.end - m.start) as f64).clamp(0.0, 1.0);
                (
                    m.from.0 + (m.to.0 - m.from.0) * f,
                    m.from.1 + (m.to.1 - m.from.1) * f,
                )
            }
        }
    }

    /// The country (ISO alpha-3) the person is in at `t` when outside Malaysia: at a stay
    /// abroad, or on a move to or from one ([`border`], [`super::outbound`]); `None` in
    /// Malaysia.
    pub(crate) fn country_at(&self, t: i64) -> Option<&'static str> {
        let i = self
            .segments
            .partition_point(|s| s.end() <= t)
            .min(self.segments.len() - 1);
        self.segment_country(i)
    }

    /// Whether the person is outside Malaysia at `t`.
    pub(crate) fn abroad_at(&self, t: i64) -> bool {
        self.country_at(t).is_some()
    }

    /// The intervals (start, end, country) the person spends outside Malaysia, in time order.
    pub(crate) fn abroad_spans(&self) -> Vec<(i64, i64, &'static str)> {
        let mut spans: Vec<(i64, i64, &'static str)> = Vec::new();
        for (i, s) in self.segments.iter().enumerate() {
            let Some(country) = self.segment_country(i) else {
                continue;
            };
            match spans.last_mut() {
                Some(last) if last.1 == s.start() && last.2 == country => last.1 = s.end(),
                _ => spans.push((s.start(), s.end(), country)),
            }
        }
        spans
    }

    fn segment_country(&self, i: usize) -> Option<&'static str> {
        let country = |s: &Segment| match s {
            Segment::Stay(s) => abroad::country(s.district),
            Segment::Move(m) => abroad::country(m.district),
        };
        country(&self.segments[i]).or_else(|| {
            let after_abroad = matches!(self.segments[i], Segment::Move(_)) && i > 0;
            after_abroad
                .then(|| country(&self.segments[i - 1]))
                .flatten()
        })
    }

    /// The stays, in time order.
    #[cfg(test)]
    pub(crate) fn stays(&self) -> impl Iterator<Item = &Stay> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Stay(s) => Some(s),
            Segment::Move(_) => None,
        })
    }

    /// The moves, in time order.
    #[cfg(test)]
    pub(crate) fn moves(&self) -> impl Iterator<Item = &Move> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Move(m) => Some(m),
            Segment::Stay(_) => None,
        })
    }
}

/// A planned stay away from home.
struct Activity {
    place: Place,
    purpose: StayPurpose,
    seconds: i64,
}

/// The plan of `person` on `date`, day `day_index` of the scenario (0 on its first day).
///
/// On the days of a trip ([`Anchors::trips`]) the plan follows it: on the departure day the
/// usual day ends at home before the drive to the lodging; on the days between, the person
/// spends a rest day around the lodging; on the return day they stay there until the drive
/// home.
///
/// On a day at home a resident may attend one of the scenario's `gatherings` (the first of the
/// list they attend; cross-border commuters never do): the usual day then ends at home in time
/// to travel to the venue, and they come home after the visit.
pub(crate) fn plan_day(
    seed: u64,
    region: &Region,
    person: &Person,
    anchors: &Anchors,
    gatherings: &[Gathering],
    date: NaiveDate,
    day_index: u32,
) -> DayPlan {
    let midnight = local_midnight(date);
    let day_end = midnight + DAY_SECONDS;
    let home = anchors.home_place();
    let latest = hours_to_seconds(LATEST_HOME_HOURS);
    let Some(trip) = anchors.trips.iter().find(|t| overlaps_day(t, midnight)) else {
        let day = Day {
            seed,
            region,
            person,
            anchors,
            date,
            index: day_index,
        };
        let night = |date, n| nights::night(seed, region, (person, anchors), gatherings, date, n);
        let (morning, evening) = (
            night(date, day_index),
            night(date + Days::new(1), day_index + 1),
        );
        if morning.is_some() || evening.is_some() {
            return nights_day(&day, morning, evening);
        }
        let visit = gatherings
            .iter()
            .filter(|_| anchors.crossing.is_none())
            .find_map(|g| {
                Some((
                    g.venue,
                    attendance::visit(g, seed, person, date, day_index)?,
                ))
            });
        if let Some((venue, (arrive, leave))) = visit
            && let Some(plan) = gathering_day(&day, venue, arrive, leave)
        {
            return plan;
        }
        let (depart, acts) = usual_day(seed, region, person, anchors, date, day_index, latest);
        return build(midnight, home, StayPurpose::Home, depart, &acts);
    };
    if let Some(gateway) = &trip.gateway {
        let usual = |latest| usual_day(seed, region, person, anchors, date, day_index, latest);
        return abroad_day(midnight, home, trip, gateway, &usual);
    }
    let lodging = trip.lodging;
    let drive = |start: i64, end: i64, from: Place, to: Place| {
        let km = distance_km(from.point(), to.point());
        Segment::Move(Move {
            start,
            end,
            from: from.point(),
            to: to.point(),
            district: to.district,
            mode: Mode::for_distance(km),
        })
    };
    if trip.depart >= midnight {
        // Departure day: home at least a minute before leaving.
        let latest = trip.depart - midnight - MIN_MOVE_SECONDS;
        let (depart, acts) = usual_day(seed, region, person, anchors, date, day_index, latest);
        let mut plan = build(midnight, home, StayPurpose::Home, depart, &acts);
        if let Some(Segment::Stay(last)) = plan.segments.last_mut() {
            last.end = trip.depart;
        }
        plan.segments
            .push(drive(trip.depart, trip.arrive, home, lodging));
        plan.segments
            .push(stay(lodging, StayPurpose::Lodging, trip.arrive, day_end));
        return plan;
    }
    if trip.back <= day_end {
        // Return day.
        let segments = vec![
            stay(lodging, StayPurpose::Lodging, midnight, trip.leave),
            drive(trip.leave, trip.back, lodging, home),
            stay(home, StayPurpose::Home, trip.back, day_end),
        ];
        return DayPlan { segments };
    }
    // A whole day away: a rest day around the lodging.
    let mut rng = stream(seed, Purpose::Day, person.id, day_index);
    let stops = Weighted::new(FREE_DAY_STOPS.1).sample(&mut rng) as u32;
    let (mean, sd, lo, hi) = FREE_DEPARTURE_HOURS;
    let depart = hours_to_seconds(clamped_normal(&mut rng, (mean, sd), (lo, hi)));
    let mut acts: Vec<Activity> = (0..stops)
        .map(|k| {
            let slot = day_index * SLOTS_PER_DAY + k;
            let place = trip_visit(seed, region, person.id, lodging.point(), slot);
            draw_stop(&mut rng, DayType::Holiday, place)
        })
        .collect();
    fit_in_day(lodging, depart, &mut acts, latest);
    build(midnight, lodging, StayPurpose::Lodging, depart, &acts)
}

/// A day of a trip abroad: on the departure day the usual day ends at home before the drive to
/// the gateway (an airport or a land checkpoint), the wait there and the crossing; on the return
/// day the way back in reverse; in between, the whole day at the lodging abroad. `usual` plans
/// the usual day ending at home by the given second after midnight.
fn abroad_day(
    midnight: i64,
    home: Place,
    trip: &Trip,
    gateway: &Gateway,
    usual: &dyn Fn(i64) -> (i64, Vec<Activity>),
) -> DayPlan {
    let day_end = midnight + DAY_SECONDS;
    let (gate, lodging) = (gateway.place, trip.lodging);
    let go = |start: i64, end: i64, from: Place, to: Place, mode: Mode| {
        Segment::Move(Move {
            start,
            end,
            from: from.point(),
            to: to.point(),
            district: to.district,
            mode,
        })
    };
    let road = |from: Place, to: Place| Mode::for_distance(distance_km(from.point(), to.point()));
    let cross = if gateway.by_air {
        Mode::Air
    } else {
        road(gate, lodging)
    };
    if trip.depart >= midnight {
        // Departure day: home at least a minute before leaving.
        let (depart, acts) = usual(trip.depart - midnight - MIN_MOVE_SECONDS);
        let mut plan = build(midnight, home, StayPurpose::Home, depart, &acts);
        if let Some(Segment::Stay(last)) = plan.segments.last_mut() {
            last.end = trip.depart;
        }
        let (at_gate, across) = gateway.out;
        plan.segments.extend([
            go(trip.depart, at_gate, home, gate, road(home, gate)),
            stay(gate, StayPurpose::Transit, at_gate, across),
            go(across, trip.arrive, gate, lodging, cross),
            stay(lodging, StayPurpose::Lodging, trip.arrive, day_end),
        ]);
        return plan;
    }
    if trip.back <= day_end {
        let (at_gate, leave_gate) = gateway.back;
        let segments = vec![
            stay(lodging, StayPurpose::Lodging, midnight, trip.leave),
            go(trip.leave, at_gate, lodging, gate, cross),
            stay(gate, StayPurpose::Transit, at_gate, leave_gate),
            go(leave_gate, trip.back, gate, home, road(gate, home)),
            stay(home, StayPurpose::Home, trip.back, day_end),
        ];
        return DayPlan { segments };
    }
    DayPlan {
        segments: vec![stay(lodging, StayPurpose::Lodging, midnight, day_end)],
    }
}

/// Who plans which day.
struct Day<'a> {
    seed: u64,
    region: &'a Region,
    person: &'a Person,
    anchors: &'a Anchors,
    date: NaiveDate,
    index: u32,
}

/// A day with a visit to a gathering at `venue` from `arrive` to `leave` (seconds after local
/// midnight): the usual day, cut to be home in time to set out, then the visit and the way
/// back. `None` when the visit does not fit in the day.
fn gathering_day(day: &Day<'_>, venue: Place, arrive: i64, leave: i64) -> Option<DayPlan> {
    let midnight = local_midnight(day.date);
    let home = day.anchors.home_place();
    let km = distance_km(home.point(), venue.point());
    let travel = travel_seconds(km);
    let set_out = (arrive - travel).max(hours_to_seconds(EARLIEST_DEPARTURE_HOURS));
    let arrive = set_out + travel;
    let leave = leave.min(DAY_SECONDS - travel - MIN_MOVE_SECONDS);
    if leave <= arrive {
        return None;
    }
    let latest = set_out - MIN_MOVE_SECONDS;
    let (depart, acts) = usual_day(
        day.seed,
        day.region,
        day.person,
        day.anchors,
        day.date,
        day.index,
        latest,
    );
    let mut plan = build(midnight, home, StayPurpose::Home, depart, &acts);
    if let Some(Segment::Stay(last)) = plan.segments.last_mut() {
        last.end = midnight + set_out;
    }
    let mode = Mode::for_distance(km);
    let back = midnight + leave + travel;
    plan.segments.extend([
        Segment::Move(Move {
            start: midnight + set_out,
            end: midnight + arrive,
            from: home.point(),
            to: venue.point(),
            district: venue.district,
            mode,
        }),
        stay(
            venue,
            StayPurpose::Event,
            midnight + arrive,
            midnight + leave,
        ),
        Segment::Move(Move {
            start: midnight + leave,
            end: back,
            from: venue.point(),
            to: home.point(),
            district: home.district,
            mode,
        }),
        stay(home, StayPurpose::Home, back, midnight + DAY_SECONDS),
    ]);
    Some(plan)
}

/// A day that starts or ends away from home ([`nights`]): in the morning, from where the night
/// was spent back home, before the usual day's first departure when that leaves time (a night
/// away) and else at the night's leaving time, the day's activities then given up; the usual
/// day, fitted to be home in time to leave for the evening's place; the way there and the stay
/// until midnight.
fn nights_day(day: &Day<'_>, morning: Option<Night>, evening: Option<Night>) -> DayPlan {
    let midnight = local_midnight(day.date);
    let home = day.anchors.home_place();
    let travel = |place: Place| travel_seconds(distance_km(place.point(), home.point()));
    let latest = evening.map_or(hours_to_seconds(LATEST_HOME_HOURS), |e| {
        e.arrive - travel(e.place) - MIN_MOVE_SECONDS
    });
    let (seed, region, person, anchors) = (day.seed, day.region, day.person, day.anchors);
    let (depart, mut acts) = usual_day(seed, region, person, anchors, day.date, day.index, latest);
    let mut segments = Vec::new();
    let mut home_from = midnight;
    if let Some(m) = morning {
        let travel = travel(m.place);
        let before_first = depart - travel - MIN_MOVE_SECONDS;
        let leave = match m.purpose {
            StayPurpose::Lodging if before_first >= hours_to_seconds(EARLIEST_DEPARTURE_HOURS) => {
                m.leave.min(before_first)
            }
            _ => m.leave,
        };
        if leave + travel + MIN_MOVE_SECONDS > depart {
            acts.clear();
        }
        home_from = midnight + leave + travel;
        segments.push(stay(m.place, m.purpose, midnight, midnight + leave));
        segments.push(Segment::Move(Move {
            start: midnight + leave,
            end: home_from,
            from: m.place.point(),
            to: home.point(),
            district: home.district,
            mode: Mode::for_distance(distance_km(m.place.point(), home.point())),
        }));
    }
    let mut chain = build(midnight, home, StayPurpose::Home, depart, &acts).segments;
    if let Some(Segment::Stay(first)) = chain.first_mut() {
        first.start = home_from;
    }
    segments.extend(chain);
    if let Some(e) = evening {
        let leave = midnight + e.arrive - travel(e.place);
        if let Some(Segment::Stay(last)) = segments.last_mut() {
            last.end = leave;
        }
        segments.push(Segment::Move(Move {
            start: leave,
            end: midnight + e.arrive,
            from: home.point(),
            to: e.place.point(),
            district: e.place.district,
            mode: Mode::for_distance(distance_km(home.point(), e.place.point())),
        }));
        segments.push(stay(
            e.place,
            e.purpose,
            midnight + e.arrive,
            midnight + DAY_SECONDS,
        ));
    }
    DayPlan { segments }
}

/// The usual day's chain: when the person leaves home (seconds after midnight) and the stays
/// away, fitted to be home by `latest` seconds after midnight.
fn usual_day(
    seed: u64,
    region: &Region,
    person: &Person,
    anchors: &Anchors,
    date: NaiveDate,
    day_index: u32,
    latest: i64,
) -> (i64, Vec<Activity>) {
    let mut rng = stream(seed, Purpose::Day, person.id, day_index);
    let kind = day_type(person.state_code, date);
    let home = anchors.home_place();
    let stop = |rng: &mut StreamRng, k: u32| {
        let slot = day_index * SLOTS_PER_DAY + k;
        draw_stop(
            rng,
            kind,
            visit(seed, region, person.id, anchors.home, slot),
        )
    };
    let anchored = match anchors.occupation {
        // Night workers work the shifts of [`nights`] instead.
        Occupation::Worker(_) if nights::night_worker(seed, person.id, anchors) => None,
        Occupation::Worker(p) => Some((p, StayPurpose::Work, WORK)),
        Occupation::Pupil(p) => Some((p, StayPurpose::School, SCHOOL)),
        Occupation::Student(p) => Some((p, StayPurpose::School, UNIVERSITY)),
        Occupation::Free => None,
    };
    // Pupils stay home during the state's school breaks.
    let open = !matches!(anchors.occupation, Occupation::Pupil(_))
        || !is_school_holiday(person.state_code, date);
    let present = match anchored {
        Some((_, purpose, s)) => {
            let p = match (kind.is_working_day() && open, purpose) {
                (true, _) => s.attendance,
                (false, StayPurpose::Work) if person.is_citizen() => WEEKEND_WORK.0,
                (false, StayPurpose::Work) => WEEKEND_WORK.1,
                (false, _) => 0.0,
            };
            bernoulli(&mut rng, p)
        }
        None => false,
    };
    let mut acts = Vec::with_capacity(SLOTS_PER_DAY as usize + 1);
    let depart = match anchored {
        Some((place, StayPurpose::Work, s)) if present && anchors.crossing.is_some() => {
            // Across the border: through the checkpoint both ways, leaving before dawn.
            let checkpoint = anchors.crossing.expect("a crossing");
            let hours = clamped_normal(&mut rng, s.hours, s.hours_range);
            let depart = border::departure_hours(&mut rng);
            let wait = |rng: &mut StreamRng| Activity {
                place: checkpoint,
                purpose: StayPurpose::Transit,
                seconds: border::checkpoint_seconds(rng),
            };
            acts.push(wait(&mut rng));
            acts.push(Activity {
                place,
                purpose: StayPurpose::Work,
                seconds: hours_to_seconds(hours),
            });
            acts.push(wait(&mut rng));
            if bernoulli(&mut rng, s.stop_after) {
                acts.push(stop(&mut rng, 0));
            }
            hours_to_seconds(depart)
        }
        Some((place, purpose, s)) if present => {
            let start = clamped_normal(&mut rng, s.start, s.start_range);
            let hours = clamped_normal(&mut rng, s.hours, s.hours_range);
            acts.push(Activity {
                place,
                purpose,
                seconds: hours_to_seconds(hours),
            });
            if bernoulli(&mut rng, s.stop_after) {
                acts.push(stop(&mut rng, 0));
            }
            let travel = travel_seconds(distance_km(anchors.home, place.point()));
            (hours_to_seconds(start) - travel).max(hours_to_seconds(EARLIEST_DEPARTURE_HOURS))
        }
        _ => {
            let probabilities = if kind.is_working_day() {
                FREE_DAY_STOPS.0
            } else {
                FREE_DAY_STOPS.1
            };
            let stops = Weighted::new(probabilities).sample(&mut rng) as u32;
            let (mean, sd, lo, hi) = FREE_DEPARTURE_HOURS;
            let depart = clamped_normal(&mut rng, (mean, sd), (lo, hi));
            for k in 0..stops {
                acts.push(stop(&mut rng, k));
            }
            hours_to_seconds(depart)
        }
    };
    fit_in_day(home, depart, &mut acts, latest);
    (depart, acts)
}

/// An errand or leisure stop at `place`.
fn draw_stop(rng: &mut StreamRng, kind: DayType, place: Place) -> Activity {
    let leisure_share = if kind.is_working_day() {
        LEISURE_SHARE.0
    } else {
        LEISURE_SHARE.1
    };
    let (purpose, (median, sigma)) = if bernoulli(rng, leisure_share) {
        (StayPurpose::Leisure, LEISURE_MINUTES)
    } else {
        (StayPurpose::Errand, ERRAND_MINUTES)
    };
    let minutes = log_normal(rng, libm::log(median), sigma).clamp(STOP_MINUTES.0, STOP_MINUTES.1);
    Activity {
        place,
        purpose,
        seconds: libm::round(minutes * 60.0) as i64,
    }
}

/// A normal draw clamped to a range.
fn clamped_normal(rng: &mut StreamRng, (mean, sd): (f64, f64), (lo, hi): (f64, f64)) -> f64 {
    (mean + sd * standard_normal(rng)).clamp(lo, hi)
}

/// Whole seconds in `hours`.
fn hours_to_seconds(hours: f64) -> i64 {
    libm::round(hours * 3600.0) as i64
}

/// Seconds after midnight at which the chain leaving home at `depart` is back home.
fn return_time(home: Place, depart: i64, acts: &[Activity]) -> i64 {
    let mut t = depart;
    let mut at = home.point();
    for a in acts {
        t += travel_seconds(distance_km(at, a.place.point())) + a.seconds;
        at = a.place.point();
    }
    t + travel_seconds(distance_km(at, home.point()))
}

/// Drops stops from the end, then shortens or drops the anchored stay, until the person is home
/// by `latest` seconds after midnight ([`LATEST_HOME_HOURS`] on a usual day).
fn fit_in_day(home: Place, depart: i64, acts: &mut Vec<Activity>, latest: i64) {
    while !acts.is_empty() {
        let late = return_time(home, depart, acts) - latest;
        if late <= 0 {
            return;
        }
        let last = acts.last_mut().expect("not empty");
        let anchored = matches!(last.purpose, StayPurpose::Work | StayPurpose::School);
        if anchored && last.seconds - late >= MIN_ANCHOR_SECONDS {
            last.seconds -= late;
        } else {
            acts.pop();
        }
    }
}

/// The segments of a chain that leaves `home` (where the person stays for `base`: home, or the
/// lodging on a trip) `depart` seconds after `midnight` and returns there.
fn build(midnight: i64, home: Place, base: StayPurpose, depart: i64, acts: &[Activity]) -> DayPlan {
    let day_end = midnight + DAY_SECONDS;
    let mut segments = Vec::with_capacity(2 * acts.len() + 5);
    if acts.is_empty() {
        segments.push(stay(home, base, midnight, day_end));
        return DayPlan { segments };
    }
    let mut t = midnight + depart;
    segments.push(stay(home, base, midnight, t));
    let mut at = home;
    let legs = acts
        .iter()
        .map(|a| (a.place, a.purpose, Some(a.seconds)))
        .chain([(home, base, None)]);
    for (place, purpose, seconds) in legs {
        if place.point() == at.point() {
            // Already there (a stop at the previous place): the stay goes on, without a move of
            // zero length; a stay at the base is the base.
            t = seconds.map_or(day_end, |s| t + s);
            if let Some(Segment::Stay(last)) = segments.last_mut() {
                last.end = t;
                if place.point() == home.point() {
                    last.purpose = base;
                }
            }
            continue;
        }
        let km = distance_km(at.point(), place.point());
        let arrive = t + travel_seconds(km);
        segments.push(Segment::Move(Move {
            start: t,
            end: arrive,
            from: at.point(),
            to: place.point(),
            district: place.district,
            mode: Mode::for_distance(km),
        }));
        t = seconds.map_or(day_end, |s| arrive + s);
        segments.push(stay(place, purpose, arrive, t));
        at = place;
    }
    DayPlan { segments }
}

/// A stay segment.
fn stay(place: Place, purpose: StayPurpose, start: i64, end: i64) -> Segment {
    Segment::Stay(Stay {
        start,
        end,
        lon: place.lon,
        lat: place.lat,
        district: place.district,
        purpose,
    })
}
