//! The voice and SMS records of one person on one day: both sides of every call with a contact
//! (each end emits only its own side), and calls with numbers outside the scenario.

use std::sync::Arc;

use super::rows::CdrRow;
use crate::behaviour::calls::{
    CallRates, ExternalEvent, Medium, PairEvent, TieCalls, TieDay, VoiceCall, external_events,
    tie_calls_on,
};
use crate::behaviour::contacts::Tie;
use crate::mobility::{DayPlan, Mobility, PlanCache};
use crate::network::Cell;
use crate::numbering::PhoneNumber;
use crate::population::{MAX_SIMS, Person};
use crate::public_data::operators;

use super::busy::BusyLines;
use super::ids::RecordIds;
use super::location::estimate;
use super::radio::CallResult;
use super::radio::call_outcome;
use super::roaming::{OUTBOUND, ROAMING_RISK, visited_network};
use crate::network::serving::{RadioNetwork, Serving};

/// Share of SMS that fail (assumption).
const SMS_FAILURE: f64 = 0.005;

/// A SIM as the other end of a tie knows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReachableSim {
    /// SIM key.
    pub key: u64,
    /// Operator index.
    pub operator: usize,
    /// MSISDN.
    pub msisdn: PhoneNumber,
    /// Whether the SIM has roaming on ([`super::roaming::roams`]).
    pub roams: bool,
}

/// A person taking part in calls: id, activity and SIMs (slot order).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Party {
    /// Person id.
    pub id: u64,
    /// Activity: level × SIM count.
    pub(crate) activity: f64,
    /// SIMs, slot order.
    pub sims: Vec<ReachableSim>,
}

/// A tie of a resident to another party.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Link {
    /// Kind of tie.
    pub(crate) tie: Tie,
    /// The other end (shared by every tie to it).
    pub other: Arc<Party>,
    /// What the tie's daily events depend on, inline: most tie-days have no event, and
    /// deciding so needs only this.
    pub calls: TieCalls,
}

impl Link {
    /// A tie of kind `tie` between `me` and `other`.
    pub(crate) fn new(
        seed: u64,
        rates: CallRates,
        tie: Tie,
        me: &Party,
        other: Arc<Party>,
    ) -> Self {
        let (a, b) = if me.id < other.id {
            (me, &*other)
        } else {
            (&*other, me)
        };
        let calls = TieCalls::new(
            seed,
            &TieDay {
                a: a.id,
                b: b.id,
                tie,
                activity: (a.activity, b.activity),
                rates,
                sims: (a.sims.len() as u8, b.sims.len() as u8),
            },
        );
        Link { tie, other, calls }
    }
}

/// Per-day context shared by a block's residents.
pub(crate) struct DayContext<'a> {
    /// Scenario seed.
    pub seed: u64,
    /// Day index.
    pub day: u32,
    /// UTC seconds of the day's local midnight.
    pub(crate) midnight: i64,
    /// Serving cells and load.
    pub(crate) radio: &'a RadioNetwork<'a>,
    /// Mobility model, for positions.
    pub mobility: &'a Mobility<'a>,
    /// CDR numbering.
    pub ids: &'a RecordIds,
}

impl DayContext<'_> {
    fn local_hour(&self, t: i64) -> usize {
        ((t - self.midnight).rem_euclid(86_400) / 3_600) as usize
    }

    /// How the network reaches a party's SIM at an instant, where the party is.
    fn leg(&self, cache: &mut PlanCache, person: u64, sim: &ReachableSim, t: i64) -> Reach<'_> {
        let plan = cache.plan_at(self.mobility, person, t);
        if plan.abroad_at(t) {
            return if sim.roams {
                Reach::Roaming
            } else {
                Reach::Unreachable
            };
        }
        match (self.radio).serve_at(sim.operator, sim.key, plan.position_at(t), t) {
            Some(serving) => Reach::Served(serving),
            None => Reach::Unreachable,
        }
    }
}

/// How the network reaches a SIM at an instant.
enum Reach<'a> {
    /// Through this Malaysian cell.
    Served(Serving<'a>),
    /// Abroad, on a partner network.
    Roaming,
    /// Not at all: no service (an outage), or abroad without roaming.
    Unreachable,
}

/// The calls and SMS of one party on one day, before any record: each tie's events (in link
/// order) and the calls with numbers outside the scenario.
pub(crate) struct DayEvents {
    ties: Vec<Vec<PairEvent>>,
    external: Vec<ExternalEvent>,
}

impl DayEvents {
    /// The events of the day of call party `me`, whose ties are `links`.
    pub(crate) fn of(ctx: &DayContext<'_>, me: &Party, links: &[Link]) -> DayEvents {
        let ties = (links.iter())
            .map(|link| tie_calls_on(ctx.seed, &link.calls, ctx.midnight, ctx.day))
            .collect();
        let sims = me.sims.len() as u8;
        let external = external_events(ctx.seed, me.id, me.activity, sims, ctx.midnight, ctx.day);
        DayEvents { ties, external }
    }

    /// The voice calls among them: the party's calls of their call book that day, which the
    /// busy lines need.
    pub(crate) fn voice_calls(&self) -> Vec<VoiceCall> {
        (self.ties.iter().flatten().filter_map(PairEvent::voice_call))
            .chain(self.external.iter().filter_map(ExternalEvent::voice_call))
            .collect()
    }
}

/// Appends the voice and SMS records of the day of `person`, as call party `me` with the day's
/// `events` (of [`DayEvents::of`] for `me` and `links`), to `rows`. `plan` is their plan of the
/// day when the caller already has it; otherwise it is looked up only if the day has a record
/// (a third of person-days, without a SIM or an event, need none). `busy` decides which calls
/// meet a busy line; it must have been told the day's voice calls of `me`.
pub(crate) fn person_day_cdr(
    ctx: &DayContext<'_>,
    (cache, busy): (&mut PlanCache, &mut BusyLines<'_>),
    (person, me): (&Person, &Party),
    plan: Option<Arc<DayPlan>>,
    (links, events): (&[Link], DayEvents),
    rows: &mut Vec<CdrRow>,
) {
    if me.sims.is_empty() {
        return;
    }
    let mut served = Me {
        party: me,
        person,
        plan,
        memo: Memo::default(),
    };
    let mut sequence = [0u32; MAX_SIMS as usize];
    for (link, day) in links.iter().zip(&events.ties) {
        for event in day {
            pair_record(
                ctx,
                (cache, &mut *busy),
                &mut served,
                &link.other,
                event,
                &mut sequence,
                rows,
            );
        }
    }
    for event in events.external {
        let engaged = event.medium == Medium::Voice
            && busy.engaged(me.id, (ctx.midnight, ctx.day), event.start, event.order);
        external_record(
            ctx,
            cache,
            &mut served,
            (&event, engaged),
            &mut sequence,
            rows,
        );
    }
}

/// The served party, their plan of the day (once needed) and their recent serving answers.
struct Me<'a> {
    party: &'a Party,
    person: &'a Person,
    plan: Option<Arc<DayPlan>>,
    memo: Memo<'a>,
}

impl Me<'_> {
    /// The served party's plan of the day.
    fn plan(&mut self, ctx: &DayContext<'_>, cache: &mut PlanCache) -> Arc<DayPlan> {
        self.plan
            .get_or_insert_with(|| cache.plan_of(ctx.mobility, self.person, ctx.day))
            .clone()
    }
}

/// Entries of a [`Memo`]: a day's stays, with room to spare.
const MEMO_ENTRIES: usize = 8;

/// The served party's recent positions with the cell [`RadioNetwork::serve`] gives there and the
/// location estimate of that cell: a stay does not move, so its records repeat them. Pure
/// functions of the key, so remembering them never changes the output.
#[derive(Default)]
struct Memo<'a> {
    /// (SIM slot, lon bits, lat bits), cell, estimate for that cell.
    entries: [Option<MemoEntry<'a>>; MEMO_ENTRIES],
    next: usize,
}

#[derive(Clone, Copy)]
struct MemoEntry<'a> {
    key: (u8, u64, u64),
    cell: &'a Cell,
    estimate: Option<(f64, f64, i32)>,
}

impl<'a> Memo<'a> {
    fn find(&self, key: (u8, u64, u64)) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.is_some_and(|e| e.key == key))
    }

    /// The entry of `key`, made with `serve` when missing.
    fn entry(&mut self, key: (u8, u64, u64), serve: impl FnOnce() -> &'a Cell) -> usize {
        if let Some(i) = self.find(key) {
            return i;
        }
        let i = self.next;
        self.next = (self.next + 1) % MEMO_ENTRIES;
        self.entries[i] = Some(MemoEntry {
            key,
            cell: serve(),
            estimate: None,
        });
        i
    }
}

/// A call or SMS seen from the served party's side.
struct Exchange {
    medium: Medium,
    outgoing: bool,
    slot: u8,
    other_party: PhoneNumber,
    start: i64,
    talk_s: i32,
    outcome: f64,
    cut: f64,
    /// Failure and drop risk of the other party's cell, when the other party is in the scenario.
    other_risk: Option<f64>,
    /// The other party has no service (an outage): a call to it fails.
    unreachable: bool,
    /// A party is already in a call ([`BusyLines`]): a call that connects meets a busy line.
    busy: bool,
}

fn pair_record<'a>(
    ctx: &DayContext<'a>,
    (cache, busy): (&mut PlanCache, &mut BusyLines<'_>),
    me: &mut Me<'a>,
    other: &Party,
    event: &PairEvent,
    sequence: &mut [u32],
    rows: &mut Vec<CdrRow>,
) {
    let outgoing = event.caller == me.party.id;
    let (slot, other_slot) = if outgoing {
        (event.caller_slot, event.callee_slot)
    } else {
        (event.callee_slot, event.caller_slot)
    };
    let other_sim = &other.sims[usize::from(other_slot)];
    // Whether the other party is reachable (it may be in an outage, or abroad without roaming)
    // decides whether it could call or send to me, and whether my call or message reaches it:
    // a message to it fails rather than waiting without a record at the other end.
    let voice = event.medium == Medium::Voice;
    let theirs = (voice || !other_sim.roams || ctx.radio.outage_at(event.start))
        .then(|| ctx.leg(cache, other.id, other_sim, event.start));
    let unreachable = matches!(theirs, Some(Reach::Unreachable));
    if unreachable && !outgoing {
        return;
    }
    let at = (ctx.midnight, ctx.day);
    let busy = voice
        && !unreachable
        && (busy.engaged(me.party.id, at, event.start, event.order)
            || busy.engaged(other.id, at, event.start, event.order));
    let other_risk = match theirs {
        Some(Reach::Served(theirs)) if voice => {
            Some(ctx.radio.risk(&theirs, ctx.local_hour(event.start)))
        }
        Some(Reach::Roaming) if voice => Some(ROAMING_RISK),
        _ => None,
    };
    let exchange = Exchange {
        medium: event.medium,
        outgoing,
        slot,
        other_party: other_sim.msisdn,
        start: event.start,
        talk_s: event.talk_s,
        outcome: event.outcome,
        cut: event.cut,
        other_risk,
        unreachable,
        busy,
    };
    record(ctx, cache, me, exchange, sequence, rows);
}

fn external_record<'a>(
    ctx: &DayContext<'a>,
    cache: &mut PlanCache,
    me: &mut Me<'a>,
    (event, busy): (&ExternalEvent, bool),
    sequence: &mut [u32],
    rows: &mut Vec<CdrRow>,
) {
    let exchange = Exchange {
        medium: event.medium,
        outgoing: event.outgoing,
        slot: event.slot.min(me.party.sims.len() as u8 - 1),
        other_party: event.other,
        start: event.start,
        talk_s: event.talk_s,
        outcome: event.outcome,
        cut: event.cut,
        other_risk: None,
        unreachable: false,
        busy,
    };
    record(ctx, cache, me, exchange, sequence, rows);
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

/// Appends the served party's record of an exchange: serving cells at start and end, outcome
/// from the worse of the two parties' cells, location estimate, record id; abroad at the start,
/// a roaming record ([`outbound_record`]) or nothing without roaming.
fn record<'a>(
    ctx: &DayContext<'a>,
    cache: &mut PlanCache,
    me: &mut Me<'a>,
    x: Exchange,
    sequence: &mut [u32],
    rows: &mut Vec<CdrRow>,
) {
    // Every exchange starts on the day of `me.plan`.
    debug_assert!((ctx.midnight..ctx.midnight + 86_400).contains(&x.start));
    let plan = me.plan(ctx, cache);
    let sim = &me.party.sims[usize::from(x.slot)];
    if let Some(country) = plan.country_at(x.start) {
        if sim.roams {
            outbound_record(ctx, (sim, country), &x, sequence, rows);
        }
        return;
    }
    // Without service (an outage) the phone neither calls nor is reached.
    let position = plan.position_at(x.start);
    let radio = ctx.radio;
    let key = (x.slot, position.0.to_bits(), position.1.to_bits());
    let at = me
        .memo
        .entry(key, || radio.serve(sim.operator, sim.key, position));
    let nearest = me.memo.entries[at].expect("just made").cell;
    let Some(first) = radio.serve_at_from(nearest, sim.operator, sim.key, position, x.start) else {
        return;
    };
    let serving = first;
    let first = serving.cell;
    let (result, duration_s, last) = match x.medium {
        Medium::Voice if x.unreachable => (CallResult::Failed.label(), 0, first),
        Medium::Voice => {
            let own = radio.risk(&serving, ctx.local_hour(x.start));
            let (result, duration) = voice_outcome(&x, own);
            let end = x.start + i64::from(duration);
            let position = if end < ctx.midnight + 86_400 {
                plan.position_at(end)
            } else {
                cache.position(ctx.mobility, me.party.id, end)
            };
            let key = (x.slot, position.0.to_bits(), position.1.to_bits());
            let at = me
                .memo
                .entry(key, || radio.serve(sim.operator, sim.key, position));
            let nearest = me.memo.entries[at].expect("just made").cell;
            let last = radio
                .serve_at_from(nearest, sim.operator, sim.key, position, end)
                .map_or(first, |s| s.cell);
            (result.label(), duration, last)
        }
        Medium::Sms => (sms_result(&x), 0, first),
    };
    let site = &radio.network().sites()[first.site as usize];
    // The start's entry may have made way for the end's.
    let location = match me.memo.find(key).and_then(|i| me.memo.entries[i].as_mut()) {
        Some(entry) if std::ptr::eq(entry.cell, first) => *entry
            .estimate
            .get_or_insert_with(|| estimate(first, site, position)),
        _ => estimate(first, site, position),
    };
    let served = RecordedOn::Home {
        cells: (first.key, last.key),
        location,
    };
    push_row(ctx, (sim, served), &x, (result, duration_s), sequence, rows);
}

/// Where the served party's record of an exchange was made.
enum RecordedOn {
    /// On the home network: first and last cell, location estimate.
    Home {
        cells: (i64, i64),
        location: (f64, f64, i32),
    },
    /// Abroad, on the visited network with this PLMN.
    Abroad(&'static str),
}

/// Appends the served party's record of `x` with its outcome (result, seconds), numbered next
/// in the SIM's sequence.
fn push_row(
    ctx: &DayContext<'_>,
    (sim, served): (&ReachableSim, RecordedOn),
    x: &Exchange,
    (result, duration_s): (&'static str, i32),
    sequence: &mut [u32],
    rows: &mut Vec<CdrRow>,
) {
    let ((first_cell, last_cell), location, roaming, visited) = match served {
        RecordedOn::Home { cells, location } => (cells, location, "home", None),
        RecordedOn::Abroad(plmn) => ((0, 0), (0.0, 0.0, 0), OUTBOUND, Some(plmn)),
    };
    let seq = &mut sequence[usize::from(x.slot)];
    rows.push(CdrRow {
        record_id: ctx.ids.id(sim.key, ctx.day, *seq),
        record_type: record_type(x.medium, x.outgoing),
        operator: operators()[sim.operator].name,
        served: sim.key,
        other_party: x.other_party,
        start: x.start,
        duration_s,
        first_cell,
        last_cell,
        result,
        roaming,
        visited,
        location,
    });
    *seq += 1;
}

/// Outcome and conversation seconds of a call that reached the other party, from the served
/// party's risk factor `own` and the other party's: set-up failure first, then a busy line.
fn voice_outcome(x: &Exchange, own: f64) -> (CallResult, i32) {
    let risk = x.other_risk.map_or(own, |r| r.max(own));
    match call_outcome(x.outcome, x.cut, risk, x.talk_s) {
        (CallResult::Failed, _) => (CallResult::Failed, 0),
        _ if x.busy => (CallResult::Busy, 0),
        connected => connected,
    }
}

/// Appends the record of an exchange of a SIM roaming abroad: outcome from the visited network's
/// risk and the other party's, no Malaysian cell, the visited network's PLMN.
fn outbound_record(
    ctx: &DayContext<'_>,
    (sim, country): (&ReachableSim, &str),
    x: &Exchange,
    sequence: &mut [u32],
    rows: &mut Vec<CdrRow>,
) {
    let (result, duration_s) = match x.medium {
        Medium::Voice if x.unreachable => (CallResult::Failed.label(), 0),
        Medium::Voice => {
            let (result, duration) = voice_outcome(x, ROAMING_RISK);
            (result.label(), duration)
        }
        Medium::Sms => (sms_result(x), 0),
    };
    let served = RecordedOn::Abroad(visited_network(ctx.seed, sim.key, country));
    push_row(ctx, (sim, served), x, (result, duration_s), sequence, rows);
}

/// Result of a message: failed when the other party cannot be reached or at the failure rate.
fn sms_result(x: &Exchange) -> &'static str {
    if x.unreachable || x.outcome < SMS_FAILURE {
        "failed"
    } else {
        "delivered"
    }
}
