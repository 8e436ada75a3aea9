//! The voice and SMS records of one person on one day: both sides of every call with a contact
//! (each end emits only its own side), and calls with numbers outside the scenario.

use crate::behaviour::calls::{
    CallRates, ExternalEvent, Medium, PairEvent, TieDay, external_events, tie_day_events,
};
use crate::behaviour::contacts::Tie;
use crate::mobility::{Mobility, PlanCache};
use crate::network::Cell;
use crate::reference::operators;
use crate::tables::cdr::CdrRow;

use super::RadioNetwork;
use super::ids::RecordIds;
use super::location::estimate;
use super::radio::call_outcome;

/// Share of SMS that fail (assumption).
const SMS_FAILURE: f64 = 0.005;

/// A SIM as the other end of a tie knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachableSim {
    /// SIM key.
    pub key: u64,
    /// Operator index.
    pub operator: usize,
    /// MSISDN.
    pub msisdn: String,
}

/// A person taking part in calls: id, activity and SIMs (slot order).
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// Person id.
    pub id: u64,
    /// Activity: level × SIM count.
    pub activity: f64,
    /// SIMs, slot order.
    pub sims: Vec<ReachableSim>,
}

/// A tie of a resident to another party.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Kind of tie.
    pub tie: Tie,
    /// The other end.
    pub other: Party,
}

/// Per-day context shared by a block's residents.
pub struct DayContext<'a> {
    /// Scenario seed.
    pub seed: u64,
    /// Day index.
    pub day: u32,
    /// UTC seconds of the day's local midnight.
    pub midnight: i64,
    /// Serving cells and load.
    pub radio: &'a RadioNetwork<'a>,
    /// Mobility model, for positions.
    pub mobility: &'a Mobility<'a>,
    /// CDR numbering.
    pub ids: &'a RecordIds,
    /// Call-rate calibration.
    pub rates: CallRates,
}

struct Leg<'a> {
    sim: &'a ReachableSim,
    first: &'a Cell,
    position: (f64, f64),
}

impl DayContext<'_> {
    fn local_hour(&self, t: i64) -> usize {
        ((t - self.midnight).rem_euclid(86_400) / 3_600) as usize
    }

    fn leg<'s>(&self, cache: &mut PlanCache, person: u64, sim: &'s ReachableSim, t: i64) -> Leg<'s>
    where
        Self: 's,
    {
        let position = cache.position(self.mobility, person, t);
        Leg {
            sim,
            first: self.radio.serve(sim.operator, sim.key, position),
            position,
        }
    }
}

/// Appends `me`'s voice and SMS records of the day to `rows`.
pub fn person_day_cdr(
    ctx: &DayContext<'_>,
    cache: &mut PlanCache,
    me: &Party,
    links: &[Link],
    rows: &mut Vec<CdrRow>,
) {
    if me.sims.is_empty() {
        return;
    }
    let mut sequence = vec![0u32; me.sims.len()];
    for link in links {
        let (a, b) = if me.id < link.other.id {
            (me, &link.other)
        } else {
            (&link.other, me)
        };
        let tie_day = TieDay {
            a: a.id,
            b: b.id,
            tie: link.tie,
            activity: (a.activity, b.activity),
            rates: ctx.rates,
            sims: (a.sims.len() as u8, b.sims.len() as u8),
            midnight: ctx.midnight,
            day: ctx.day,
        };
        for event in tie_day_events(ctx.seed, &tie_day) {
            pair_record(ctx, cache, me, &link.other, &event, &mut sequence, rows);
        }
    }
    for event in external_events(
        ctx.seed,
        me.id,
        me.activity,
        me.sims.len() as u8,
        ctx.midnight,
        ctx.day,
    ) {
        external_record(ctx, cache, me, &event, &mut sequence, rows);
    }
}

fn pair_record(
    ctx: &DayContext<'_>,
    cache: &mut PlanCache,
    me: &Party,
    other: &Party,
    event: &PairEvent,
    sequence: &mut [u32],
    rows: &mut Vec<CdrRow>,
) {
    let outgoing = event.caller == me.id;
    let (my_slot, other_slot) = if outgoing {
        (event.caller_slot, event.callee_slot)
    } else {
        (event.callee_slot, event.caller_slot)
    };
    let my_sim = &me.sims[usize::from(my_slot)];
    let other_sim = &other.sims[usize::from(other_slot)];
    let mine = ctx.leg(cache, me.id, my_sim, event.start);
    let (result, duration, last) = match event.medium {
        Medium::Voice => {
            let theirs = ctx.leg(cache, other.id, other_sim, event.start);
            let hour = ctx.local_hour(event.start);
            let risk = ctx
                .radio
                .risk(mine.first, hour)
                .max(ctx.radio.risk(theirs.first, hour));
            let (result, duration) = call_outcome(event.outcome, event.cut, risk, event.talk_s);
            let end = event.start + i64::from(duration);
            let last = ctx.radio.serve(
                my_sim.operator,
                my_sim.key,
                cache.position(ctx.mobility, me.id, end),
            );
            (result.label(), duration, last)
        }
        Medium::Sms => (
            if event.outcome < SMS_FAILURE {
                "failed"
            } else {
                "delivered"
            },
            0,
            mine.first,
        ),
    };
    push(
        ctx,
        &mine,
        record_type(event.medium, outgoing),
        other_sim.msisdn.clone(),
        event.start,
        duration,
        last,
        result,
        sequence,
        my_slot,
        rows,
    );
}

fn external_record(
    ctx: &DayContext<'_>,
    cache: &mut PlanCache,
    me: &Party,
    event: &ExternalEvent,
    sequence: &mut [u32],
    rows: &mut Vec<CdrRow>,
) {
    let slot = usize::from(event.slot).min(me.sims.len() - 1);
    let sim = &me.sims[slot];
    let mine = ctx.leg(cache, me.id, sim, event.start);
    let (result, duration, last) = match event.medium {
        Medium::Voice => {
            let risk = ctx.radio.risk(mine.first, ctx.local_hour(event.start));
            let (result, duration) = call_outcome(event.outcome, event.cut, risk, event.talk_s);
            let end = event.start + i64::from(duration);
            (
                result.label(),
                duration,
                ctx.radio.serve(
                    sim.operator,
                    sim.key,
                    cache.position(ctx.mobility, me.id, end),
                ),
            )
        }
        Medium::Sms => (
            if event.outcome < SMS_FAILURE {
                "failed"
            } else {
                "delivered"
            },
            0,
            mine.first,
        ),
    };
    push(
        ctx,
        &mine,
        record_type(event.medium, event.outgoing),
        event.other.clone(),
        event.start,
        duration,
        last,
        result,
        sequence,
        slot as u8,
        rows,
    );
}

/// MOC/MTC for calls, SMS_MO/SMS_MT for messages.
fn record_type(medium: Medium, outgoing: bool) -> &'static str {
    match (medium, outgoing) {
        (Medium::Voice, true) => "MOC",
        (Medium::Voice, false) => "MTC",
        (Medium::Sms, true) => "SMS_MO",
        (Medium::Sms, false) => "SMS_MT",
    }
}

#[allow(clippy::too_many_arguments)]
fn push(
    ctx: &DayContext<'_>,
    leg: &Leg<'_>,
    record_type: &'static str,
    other_party: String,
    start: i64,
    duration_s: i32,
    last: &Cell,
    result: &'static str,
    sequence: &mut [u32],
    slot: u8,
    rows: &mut Vec<CdrRow>,
) {
    let site = &ctx.radio.network().sites()[leg.first.site as usize];
    let seq = &mut sequence[usize::from(slot)];
    rows.push(CdrRow {
        record_id: ctx.ids.id(leg.sim.key, ctx.day, *seq),
        record_type,
        operator: operators()[leg.sim.operator].name,
        served: leg.sim.key,
        other_party,
        start,
        duration_s,
        first_cell: leg.first.key,
        last_cell: last.key,
        result,
        roaming: "home",
        location: estimate(leg.first, site, leg.position),
    });
    *seq += 1;
}
