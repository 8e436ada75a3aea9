//! A visitor's stay: how many nights, in which hotels, and what they do each day.
//!
//! Nights: same-day visitors (excursionists) are [`stay_profile`]'s first share of the
//! nationality (Singaporeans arriving on a weekend: [`SINGAPORE_WEEKEND_SAME_DAY`]); the others stay a log-normal number of nights (median by nationality, σ of the
//! log [`NIGHTS_SIGMA`]) clamped to 1..=[`MAX_NIGHTS`]. Assumptions, set so that the mean over
//! all staying visitors is near Tourism Malaysia's average length of stay of 7.4 nights (2019,
//! `tourism_arrivals_headline.csv`) for long-haul markets and short for the land neighbours.
//!
//! Hotels: one base per [`NIGHTS_PER_BASE`] nights (at most [`MAX_BASES`]), each a point within
//! [`LODGING_KM`] of an attraction of the region on the entry's landmass; the first drawn with
//! weight `1 / (1 + (d / 60 km)²)` from the entry point, the next ones `1 / (1 + (d / 200 km)²)`
//! from the previous base, none farther than [`MAX_LEG_KM`]. Nights are split evenly.
//!
//! Days: arrival (at the entry point for [`dwell`] seconds, then to the first hotel); days at a
//! base with 0–2 outings to attractions within [`DAY_TRIP_KM`] ([`OUTINGS`]); a move to the next
//! hotel with a visit to its attraction; departure (hotel until check-out, to the exit point, its
//! dwell, out). A same-day visitor goes from the entry point to one attraction and back.
//! Airport visitors leave through the airport they came in by unless the last base is more than
//! [`OPEN_JAW_KM`] from it, then through the airport nearest to it; land and ferry visitors leave
//! the way they came. No move crosses midnight: times are pulled earlier when needed.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::geography::Geography;
use crate::geography::Place;
use crate::geography::projection::distance_km;
use crate::mobility::calendar::{DAY_SECONDS, local_midnight};
use crate::mobility::travel::travel_seconds;
use crate::mobility::{DayPlan, Mode, Move, Segment, Stay, StayPurpose};
use crate::public_data::{Attraction, EntryKind, EntryPoint, InboundOrigin, entry_points};
use crate::rng::{Purpose, StreamRng, stream};
use crate::sampling::{Weighted, bernoulli, log_normal, standard_normal, uniform_in};

use super::{Inbound, MAX_NIGHTS, Visitor};

/// σ of the logarithm of the number of nights.
pub(crate) const NIGHTS_SIGMA: f64 = 0.5;
/// Nights at one base before moving on.
pub(crate) const NIGHTS_PER_BASE: usize = 4;
/// Most bases of one stay.
pub(crate) const MAX_BASES: usize = 3;
/// Farthest hotel from its attraction, km.
pub(crate) const LODGING_KM: f64 = 2.5;
/// Longest move between an entry point and a base or between bases, km.
pub(crate) const MAX_LEG_KM: f64 = 450.0;
/// Farthest attraction of a day trip from the hotel, km.
pub(crate) const DAY_TRIP_KM: f64 = 150.0;
/// Distance from the last base beyond which air visitors fly out of another airport, km.
pub(crate) const OPEN_JAW_KM: f64 = 300.0;
/// Probabilities of 0, 1 and 2 outings on a day at a base.
pub(crate) const OUTINGS: [f64; 3] = [0.15, 0.5, 0.35];
/// Latest return to the hotel and latest crossing out, hours after local midnight.
const LATEST_HOURS: f64 = 23.5;
/// Earliest move of the day, hours after local midnight.
const EARLIEST_HOURS: f64 = 5.0;

/// Same-day share of Singaporeans arriving on a Saturday or Sunday: day trips to Johor Bahru for
/// shopping and food (assumption).
pub(crate) const SINGAPORE_WEEKEND_SAME_DAY: f64 = 0.6;

/// (same-day share, median nights of those who stay) of a nationality (assumptions).
pub(crate) fn stay_profile(iso3: &str) -> (f64, f64) {
    match iso3 {
        "SGP" => (0.35, 2.0),
        "BRN" | "THA" => (0.2, 3.0),
        "IDN" => (0.05, 4.0),
        "AUS" | "GBR" | "USA" | "FRA" | "DEU" | "RUS" | "NLD" | "CAN" => (0.0, 9.0),
        _ => (0.0, 5.0),
    }
}

/// Seconds spent at an entry point on entering (immigration, baggage) and on leaving (check-in
/// and security at airports); assumptions.
pub(crate) fn dwell(point: &EntryPoint, entering: bool) -> i64 {
    match (point.kind, entering) {
        (EntryKind::Airport, true) => 2_700,
        (EntryKind::Airport, false) => 7_200,
        _ => 1_200,
    }
}

/// A hotel and the attraction it is near.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Base {
    /// The attraction.
    pub(crate) attraction: &'static Attraction,
    /// The hotel (the attraction itself for same-day visitors).
    pub(crate) lodging: Place,
}

/// The drawn stay of a visitor.
pub(super) struct Drawn {
    pub(crate) exit: &'static EntryPoint,
    pub arrival: i64,
    pub departure: i64,
    pub(crate) checkout: i64,
    pub(crate) bases: Vec<Base>,
    pub nights: Vec<u8>,
}

fn hours(h: f64) -> i64 {
    libm::round(h * 3600.0) as i64
}

fn clamped_normal(rng: &mut StreamRng, mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    (mean + sd * standard_normal(rng)).clamp(lo, hi)
}

fn attraction_place(a: &Attraction) -> Place {
    Place {
        lon: a.lon,
        lat: a.lat,
        district: a.district,
    }
}

fn trip(from: Place, to: Place) -> i64 {
    travel_seconds(distance_km(from.point(), to.point()))
}

/// Draws the stay of a visitor from `origin` entering at `entry` on `date`.
pub(super) fn draw(
    inbound: &Inbound,
    origin: &InboundOrigin,
    entry: &'static EntryPoint,
    date: NaiveDate,
    rng: &mut StreamRng,
) -> Option<Drawn> {
    let (mut same_day, median) = stay_profile(origin.iso3);
    if origin.iso3 == "SGP" && matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        same_day = SINGAPORE_WEEKEND_SAME_DAY;
    }
    let nights = if bernoulli(rng, same_day) {
        0
    } else {
        let n = libm::round(log_normal(rng, libm::log(median), NIGHTS_SIGMA));
        (n as u32).clamp(1, MAX_NIGHTS) as usize
    };
    let gate = Inbound::entry_place(entry);
    let candidates: Vec<&'static Attraction> = inbound
        .reachable(entry.district)
        .filter(|a| distance_km(gate.point(), (a.lon, a.lat)) <= MAX_LEG_KM)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let near = |from: (f64, f64), scale: f64, a: &Attraction| {
        let d = distance_km(from, (a.lon, a.lat)) / scale;
        1.0 / (1.0 + d * d)
    };
    let w = Weighted::new(candidates.iter().map(|a| near(gate.point(), 60.0, a)));
    let first = candidates[w.sample(rng)];
    let mut chosen = vec![first];
    let wanted = nights.div_ceil(NIGHTS_PER_BASE).clamp(1, MAX_BASES);
    while chosen.len() < wanted {
        let last = chosen[chosen.len() - 1];
        let next: Vec<&'static Attraction> = inbound
            .reachable(entry.district)
            .filter(|a| !chosen.iter().any(|c| c.id == a.id))
            .filter(|a| distance_km((last.lon, last.lat), (a.lon, a.lat)) <= MAX_LEG_KM)
            .collect();
        if next.is_empty() {
            break;
        }
        let w = Weighted::new(next.iter().map(|a| near((last.lon, last.lat), 200.0, a)));
        chosen.push(next[w.sample(rng)]);
    }
    let bases: Vec<Base> = chosen
        .iter()
        .map(|&a| Base {
            attraction: a,
            lodging: if nights == 0 {
                attraction_place(a)
            } else {
                lodging_near(inbound, a, rng)
            },
        })
        .collect();
    let per = nights.div_ceil(bases.len()).max(1);
    let night_bases: Vec<u8> = (0..nights).map(|n| (n / per) as u8).collect();
    let last_base = bases[night_bases.last().map_or(0, |&b| usize::from(b))];
    let exit = exit_point(inbound, entry, last_base.lodging);
    let out = Inbound::entry_place(exit);

    let midnight = local_midnight(date);
    let airport = entry.kind == EntryKind::Airport;
    let arrive_h = if nights == 0 {
        clamped_normal(rng, 9.5, 1.5, 6.0, 14.0)
    } else if airport {
        uniform_in(rng, 6.0, 23.0)
    } else {
        clamped_normal(rng, 10.0, 2.5, 6.0, 20.0)
    };
    let (dwell_in, dwell_out) = (dwell(entry, true), dwell(exit, false));
    let latest = midnight + hours(LATEST_HOURS);
    if nights == 0 {
        let a = bases[0].lodging;
        let mut visit = hours(uniform_in(rng, 3.0, 7.0));
        let legs = dwell_in + trip(gate, a) + trip(a, out) + dwell_out;
        let mut arrival = midnight + hours(arrive_h);
        let over = arrival + legs + visit - latest;
        if over > 0 {
            let cut = over.min(visit - 3_600);
            visit -= cut;
            arrival = (arrival - (over - cut)).max(midnight + hours(EARLIEST_HOURS));
        }
        let departure = arrival + legs + visit;
        if departure > latest {
            return None;
        }
        return Some(Drawn {
            exit,
            arrival,
            departure,
            checkout: arrival,
            bases,
            nights: night_bases,
        });
    }
    let arrival = (midnight + hours(arrive_h))
        .min(latest - dwell_in - trip(gate, bases[0].lodging))
        .max(midnight + hours(EARLIEST_HOURS));
    let last_midnight = midnight + nights as i64 * DAY_SECONDS;
    let checkout_h = clamped_normal(rng, 11.0, 1.5, 6.0, 20.0);
    let to_exit = trip(last_base.lodging, out) + dwell_out;
    let checkout = (last_midnight + hours(checkout_h))
        .min(latest + nights as i64 * DAY_SECONDS - to_exit)
        .max(last_midnight + hours(EARLIEST_HOURS));
    Some(Drawn {
        exit,
        arrival,
        departure: checkout + to_exit,
        checkout,
        bases,
        nights: night_bases,
    })
}

/// A hotel within [`LODGING_KM`] of an attraction, in its district when the point falls outside
/// the region.
fn lodging_near(inbound: &Inbound, a: &Attraction, rng: &mut StreamRng) -> Place {
    let r = uniform_in(rng, 0.2, LODGING_KM);
    let angle = uniform_in(rng, 0.0, 2.0 * std::f64::consts::PI);
    let lat = a.lat + r * libm::sin(angle) / 111.32;
    let lon = a.lon + r * libm::cos(angle) / (111.32 * libm::cos(a.lat.to_radians()));
    let district = Geography::get()
        .locate(lon, lat)
        .filter(|&d| inbound.in_region(d))
        .unwrap_or(a.district);
    Place { lon, lat, district }
}

/// Where a visitor who entered at `entry` and spent the last night at `last` leaves.
fn exit_point(inbound: &Inbound, entry: &'static EntryPoint, last: Place) -> &'static EntryPoint {
    let far = distance_km(last.point(), (entry.lon, entry.lat)) > OPEN_JAW_KM;
    if entry.kind != EntryKind::Airport || !far {
        return entry;
    }
    entry_points()
        .iter()
        .filter(|p| p.kind == EntryKind::Airport && p.iata != Some("SZB"))
        .filter(|p| inbound.in_region(p.district))
        .min_by(|a, b| {
            let d = |p: &EntryPoint| distance_km(last.point(), (p.lon, p.lat));
            d(a).total_cmp(&d(b)).then(a.id.cmp(b.id))
        })
        .unwrap_or(entry)
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

/// A move segment from `from` leaving at `start`; returns it and the arrival time.
fn go(from: Place, to: Place, start: i64) -> (Segment, i64) {
    let km = distance_km(from.point(), to.point());
    let end = start + travel_seconds(km);
    let m = Move {
        start,
        end,
        from: from.point(),
        to: to.point(),
        district: to.district,
        mode: Mode::for_distance(km),
    };
    (Segment::Move(m), end)
}

/// Appends a move to `to` leaving at `start` and a stay there until `end` (or the arrival, when
/// later); returns the end of the stay.
fn visit(
    segments: &mut Vec<Segment>,
    from: Place,
    to: Place,
    purpose: StayPurpose,
    start: i64,
    end: i64,
) -> i64 {
    let (m, arrive) = go(from, to, start);
    segments.push(m);
    segments.push(stay(to, purpose, arrive, end.max(arrive)));
    end.max(arrive)
}

impl Inbound {
    /// The visitor's plan on local `date`: their segments from the arrival (or midnight) to the
    /// departure (or the next midnight); `None` on days they are not in the country.
    pub(crate) fn plan(&self, v: &Visitor, date: NaiveDate) -> Option<DayPlan> {
        let midnight = local_midnight(date);
        let day_end = midnight + DAY_SECONDS;
        if v.departure <= midnight || v.arrival >= day_end {
            return None;
        }
        let gate = Inbound::entry_place(v.entry);
        let out = Inbound::entry_place(v.exit);
        let hotel = |night: usize| v.bases[usize::from(v.nights[night])].lodging;
        let mut segments = Vec::with_capacity(8);
        let first_day = v.arrival >= midnight;
        let last_day = v.departure <= day_end;
        let n = v.nights.len();
        if first_day {
            let t = v.arrival + dwell(v.entry, true);
            segments.push(stay(gate, StayPurpose::Transit, v.arrival, t));
            if n == 0 {
                let a = v.bases[0].lodging;
                let leave = v.departure - dwell(v.exit, false) - trip(a, out);
                visit(&mut segments, gate, a, StayPurpose::Leisure, t, leave);
                visit(
                    &mut segments,
                    a,
                    out,
                    StayPurpose::Transit,
                    leave,
                    v.departure,
                );
            } else {
                visit(
                    &mut segments,
                    gate,
                    hotel(0),
                    StayPurpose::Lodging,
                    t,
                    day_end,
                );
            }
            return Some(DayPlan { segments });
        }
        let night = ((midnight - local_midnight(v.entry_date())) / DAY_SECONDS) as usize;
        let last = hotel(night - 1);
        if last_day {
            segments.push(stay(last, StayPurpose::Lodging, midnight, v.checkout));
            visit(
                &mut segments,
                last,
                out,
                StayPurpose::Transit,
                v.checkout,
                v.departure,
            );
            return Some(DayPlan { segments });
        }
        let next = hotel(night);
        let mut rng = stream(
            self.seed,
            Purpose::VisitorDay,
            v.index,
            crate::mobility::calendar::date_days(date) as u32,
        );
        let mut stops: Vec<(Place, i64)> = Vec::new();
        let depart;
        if next.point() != last.point() {
            // Moving on: to the next hotel, then its attraction if there is time.
            depart = midnight + hours(clamped_normal(&mut rng, 10.5, 1.0, 7.0, 14.0));
            let base = v.bases[usize::from(v.nights[night])];
            stops.push((next, hours(1.0)));
            stops.push((attraction_place(base.attraction), hours(2.0)));
        } else {
            depart = midnight + hours(clamped_normal(&mut rng, 9.5, 1.0, 7.0, 13.0));
            let outings = Weighted::new(OUTINGS).sample(&mut rng);
            let base = v.bases[usize::from(v.nights[night])].attraction;
            for _ in 0..outings {
                let options: Vec<&Attraction> = self
                    .reachable(next.district)
                    .filter(|a| distance_km(next.point(), (a.lon, a.lat)) <= DAY_TRIP_KM)
                    .filter(|a| !stops.iter().any(|s| s.0.point() == (a.lon, a.lat)))
                    .collect();
                if options.is_empty() {
                    break;
                }
                let w = Weighted::new(options.iter().map(|a| {
                    if a.id == base.id {
                        4.0
                    } else {
                        let d = distance_km(next.point(), (a.lon, a.lat)) / 40.0;
                        1.0 / (1.0 + d * d)
                    }
                }));
                let a = options[w.sample(&mut rng)];
                let minutes = log_normal(&mut rng, libm::log(150.0), 0.4).clamp(45.0, 360.0);
                stops.push((attraction_place(a), libm::round(minutes * 60.0) as i64));
            }
        }
        // Drop stops from the end until the return to the hotel fits in the day.
        let latest = midnight + hours(LATEST_HOURS);
        loop {
            let mut t = depart;
            let mut at = last;
            for &(p, s) in &stops {
                t += trip(at, p) + s;
                at = p;
            }
            if stops.is_empty() || t + trip(at, next) <= latest {
                break;
            }
            stops.pop();
        }
        if stops.is_empty() && next.point() == last.point() {
            segments.push(stay(last, StayPurpose::Lodging, midnight, day_end));
            return Some(DayPlan { segments });
        }
        segments.push(stay(last, StayPurpose::Lodging, midnight, depart));
        let (mut at, mut t) = (last, depart);
        for &(p, s) in &stops {
            let purpose = if p.point() == next.point() {
                StayPurpose::Lodging
            } else {
                StayPurpose::Leisure
            };
            let (m, arrive) = go(at, p, t);
            segments.push(m);
            segments.push(stay(p, purpose, arrive, arrive + s));
            (at, t) = (p, arrive + s);
        }
        visit(&mut segments, at, next, StayPurpose::Lodging, t, day_end);
        Some(DayPlan { segments })
    }
}
