//! The voice and SMS records of a visitor's phone on one day: calls and messages while in the
//! country, between 08:00 and 23:00, mostly with numbers of their home country.
//!
//! Rates (assumptions): [`VISITOR_CALLS_PER_DAY`] voice calls and [`VISITOR_SMS_PER_DAY`] SMS a
//! whole day, prorated to the hours present, halved for roamers (roaming tariffs);
//! [`HOME_SHARE`] with home-country mobile numbers, the rest with Malaysian fixed numbers
//! (hotels, tour operators: `+603` and 8 digits, never a subscriber's MSISDN). A call that
//! connects while an earlier answered call lasts meets a busy line.

use std::fmt::Write;

use super::rows::CdrRow;
use crate::behaviour::calls::talk_seconds;
use crate::mobility::DayPlan;
use crate::numbering::PhoneNumber;
use crate::population::Sim;
use crate::public_data::operators;
use crate::rng::{Purpose, stream};
use crate::sampling::{bernoulli, index, poisson, uniform, uniform_in};
use crate::visitors::phone::mobile_format;

use super::ids::RecordIds;
use super::location::estimate;
use super::radio::{CallResult, call_outcome};
use crate::network::serving::RadioNetwork;

/// Voice calls a day of a visitor with a tourist SIM present all day.
pub(crate) const VISITOR_CALLS_PER_DAY: f64 = 2.0;
/// SMS a day, likewise.
pub(crate) const VISITOR_SMS_PER_DAY: f64 = 1.0;
/// Share of calls and SMS with home-country numbers.
pub(crate) const HOME_SHARE: f64 = 0.8;
/// Factor on the rates of roamers.
pub(crate) const ROAMER_FACTOR: f64 = 0.5;
/// Share of outgoing calls and SMS.
const OUTGOING: f64 = 0.6;
/// Share of SMS that fail (as residents').
const SMS_FAILURE: f64 = 0.005;

/// A call or SMS before its records.
struct Event {
    start: i64,
    voice: bool,
    outgoing: bool,
    other: PhoneNumber,
    talk: i32,
    outcome: f64,
    cut: f64,
}

/// A visitor's SIM on a day.
pub(crate) struct VisitorSim<'a> {
    /// The SIM (operator: the Malaysian network it uses).
    pub sim: &'a Sim,
    /// ISO alpha-3 of the home country.
    pub country: &'static str,
    /// Its calling code.
    pub(crate) calling_code: &'static str,
    /// `inbound` for roamers, `home` for tourist SIMs.
    pub roaming: &'static str,
    /// The day's plan (only the hours present).
    pub plan: &'a DayPlan,
}

/// Appends the visitor's voice and SMS records of scenario day `day` (local midnight
/// `midnight`).
pub(crate) fn visitor_day_cdr(
    radio: &RadioNetwork<'_>,
    ids: &RecordIds,
    v: &VisitorSim<'_>,
    day: u32,
    midnight: i64,
    rows: &mut Vec<CdrRow>,
) {
    let first = v.plan.segments[0].start().max(midnight + 8 * 3_600);
    let last = v.plan.segments[v.plan.segments.len() - 1].end();
    let last = last.min(midnight + 23 * 3_600);
    if last <= first {
        return;
    }
    let sim = v.sim;
    let mut rng = stream(radio.seed, Purpose::VisitorCalls, sim.key, day);
    let factor = (last - first) as f64 / (15.0 * 3_600.0)
        * if v.roaming == "inbound" {
            ROAMER_FACTOR
        } else {
            1.0
        };
    let voice = poisson(&mut rng, VISITOR_CALLS_PER_DAY * factor);
    let sms = poisson(&mut rng, VISITOR_SMS_PER_DAY * factor);
    let mut events: Vec<Event> = (0..voice + sms)
        .map(|k| {
            let start = libm::floor(uniform_in(&mut rng, first as f64, last as f64)) as i64;
            let other = if bernoulli(&mut rng, HOME_SHARE) {
                let (lead, digits) = mobile_format(v.country);
                let n = index(&mut rng, 10usize.pow(digits));
                let mut other = PhoneNumber::empty();
                write!(other, "+{}{lead}", v.calling_code).expect("a short number");
                other.push_padded(n as u64, digits as usize);
                other
            } else {
                let mut other = PhoneNumber::new("+603");
                other.push_padded(index(&mut rng, 100_000_000) as u64, 8);
                other
            };
            let voice = k < voice;
            Event {
                start,
                voice,
                talk: if voice { talk_seconds(&mut rng) } else { 0 },
                outgoing: bernoulli(&mut rng, OUTGOING),
                other,
                outcome: uniform(&mut rng),
                cut: uniform(&mut rng),
            }
        })
        .collect();
    events.sort_by(|a, b| (a.start, &a.other).cmp(&(b.start, &b.other)));
    let network = radio.network();
    // The end of the answered call in progress: a call connecting before it meets a busy line
    // (calls start from 08:00 and end by 01:00, so a day's calls never meet the day before's).
    let mut talking_until = i64::MIN;
    for (seq, e) in events.into_iter().enumerate() {
        let start = e.start;
        let position = v.plan.position_at(start);
        // Without service (an outage) the phone neither calls nor is reached.
        let Some(first) = radio.serve_at(sim.numbers.operator, sim.key, position, start) else {
            continue;
        };
        let first_cell = first.cell;
        let (result, duration_s, last_cell) = if e.voice {
            let risk = radio.risk(&first, ((start - midnight) / 3_600) as usize % 24);
            let (result, duration) = match call_outcome(e.outcome, e.cut, risk, e.talk) {
                (CallResult::Answered | CallResult::Dropped, _) if start < talking_until => {
                    (CallResult::Busy, 0)
                }
                outcome => outcome,
            };
            let t = start + i64::from(duration);
            if duration > 0 {
                talking_until = t;
            }
            let end = v.plan.position_at(t);
            let last_cell = radio
                .serve_at(sim.numbers.operator, sim.key, end, t)
                .map_or(first_cell, |s| s.cell);
            (result.label(), duration, last_cell)
        } else {
            let result = if e.outcome < SMS_FAILURE {
                "failed"
            } else {
                "delivered"
            };
            (result, 0, first_cell)
        };
        let record_type = match (e.voice, e.outgoing) {
            (true, true) => "MOC",
            (true, false) => "MTC",
            (false, true) => "SMS_MO",
            (false, false) => "SMS_MT",
        };
        let site = &network.sites()[first_cell.site as usize];
        rows.push(CdrRow {
            record_id: ids.id(sim.key, day, seq as u32),
            record_type,
            operator: operators()[sim.numbers.operator].name,
            served: sim.key,
            other_party: e.other,
            start,
            duration_s,
            first_cell: first_cell.key,
            last_cell: last_cell.key,
            result,
            roaming: v.roaming,
            visited: None,
            location: estimate(first_cell, site, position),
        });
    }
}
