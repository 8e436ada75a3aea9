//! Busy lines: a person holds at most one answered call at a time (call waiting is not
//! modelled).
//!
//! Both legs of a call are generated apart, each by its own end, so whether a call meets a busy
//! line must follow from what both ends can regenerate: the day's calls of both parties (their
//! [`CallBook`]s, computable for anyone from the population). A call is busy when, at its start,
//! either party is already in a call that may be answered whatever the cells
//! ([`may_be_answered`], over its intended length) and that started earlier (in the same second:
//! with a smaller tie-breaker). Every answered call is such a call, so no two answered calls of a
//! person overlap; a call kept from a conversation that ended up unanswered or shorter is busy
//! too (a slight excess of busy lines).

use super::radio::may_be_answered;
use crate::behaviour::calls::{CallBook, CallRates, VoiceCall, voice_calls_on};
use crate::mobility::anchors::Teams;
use crate::population::Population;
use crate::rng::KeyMap;

/// A block's call books and the conversations of the persons asked about, day by day.
pub(crate) struct BusyLines<'p> {
    seed: u64,
    population: &'p Population,
    rates: CallRates,
    /// Person id → call book, for the block.
    books: KeyMap<u64, CallBook>,
    /// Teams of the persons whose call books were made.
    teams: Teams,
    /// The day of `today`.
    day: Option<u32>,
    /// Person id → the calls that may be answered starting on `day`, by start.
    today: KeyMap<u64, Vec<VoiceCall>>,
    /// Person id → the latest end of those calls of the day before `day`: kept from the
    /// previous day when days come in order.
    yesterday: KeyMap<u64, i64>,
}

impl<'p> BusyLines<'p> {
    /// Busy lines of persons of `population`, with call rates `rates`.
    pub(crate) fn new(population: &'p Population, rates: CallRates) -> Self {
        BusyLines {
            seed: population.seed(),
            population,
            rates,
            books: KeyMap::default(),
            teams: Teams::default(),
            day: None,
            today: KeyMap::default(),
            yesterday: KeyMap::default(),
        }
    }

    /// Gives person `id`'s call book, which must equal [`CallBook::of`] it (the block's
    /// residents have its parts at hand).
    pub(crate) fn know(&mut self, id: u64, book: CallBook) {
        self.books.insert(id, book);
    }

    /// Gives person `id`'s voice calls of day `day`, which must be those of their call book
    /// that day in any order (a resident's records of the day have them at hand).
    pub(crate) fn know_calls(&mut self, id: u64, day: u32, calls: Vec<VoiceCall>) {
        self.turn_to(day);
        self.today.entry(id).or_insert_with(|| answerable(calls));
    }

    /// Makes `day` the day of `today`, keeping the previous day's calls when it is the day before.
    fn turn_to(&mut self, day: u32) {
        if self.day != Some(day) {
            let next = self.day.and_then(|d| d.checked_add(1)) == Some(day);
            self.yesterday = if next {
                (self.today.iter())
                    .map(|(&id, calls)| (id, latest_end(calls)))
                    .collect()
            } else {
                KeyMap::default()
            };
            self.today.clear();
            self.day = Some(day);
        }
    }

    /// Whether person `id` is in a call that may be answered, started before the call starting
    /// at `start` with tie-breaker `order` on day `day` (local midnight `midnight`).
    pub(crate) fn engaged(
        &mut self,
        id: u64,
        (midnight, day): (i64, u32),
        start: i64,
        order: u64,
    ) -> bool {
        self.turn_to(day);
        let (seed, population, rates) = (self.seed, self.population, self.rates);
        let (books, teams) = (&mut self.books, &mut self.teams);
        let today = self.today.entry(id).or_insert_with(|| {
            let book = book_of((&mut *books, &mut *teams), (population, rates), id);
            answerable(voice_calls_on(seed, book, midnight, day))
        });
        // A call that may still be running: one that started earlier today or yesterday (every
        // call of yesterday started before this one).
        let earlier = today
            .iter()
            .take_while(|c| (c.start, c.order) < (start, order))
            .any(|c| start < c.end);
        if earlier {
            return true;
        }
        let Some(previous) = day.checked_sub(1) else {
            return false;
        };
        let yesterday = *self.yesterday.entry(id).or_insert_with(|| {
            let book = book_of((&mut *books, &mut *teams), (population, rates), id);
            let calls = voice_calls_on(seed, book, midnight - 86_400, previous);
            latest_end(&answerable(calls))
        });
        start < yesterday
    }
}

/// Person `id`'s call book in `books`, made when missing.
fn book_of<'b>(
    (books, teams): (&'b mut KeyMap<u64, CallBook>, &mut Teams),
    (population, rates): (&Population, CallRates),
    id: u64,
) -> &'b CallBook {
    books
        .entry(id)
        .or_insert_with(|| CallBook::of(population.seed(), population, teams, rates, id))
}

/// The latest end of `calls`, or `i64::MIN` without any.
fn latest_end(calls: &[VoiceCall]) -> i64 {
    calls.iter().map(|c| c.end).max().unwrap_or(i64::MIN)
}

/// The calls of `calls` that may be answered, by (start, tie-breaker).
fn answerable(mut calls: Vec<VoiceCall>) -> Vec<VoiceCall> {
    calls.retain(|c| may_be_answered(c.outcome));
    calls.sort_by_key(|c| (c.start, c.order));
    calls
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::test_spec;
    use crate::public_data::districts;
    use crate::vocabulary::PopulationSize;

    const MIDNIGHT: i64 = 1_736_092_800;

    fn population(seed: u64) -> Population {
        let klang_valley = districts()
            .iter()
            .filter(|d| matches!(d.state_code, 10 | 14 | 16))
            .map(|d| d.index)
            .collect();
        Population::new(test_spec(
            seed,
            klang_valley,
            PopulationSize::Persons(3_000),
        ))
        .unwrap()
    }

    /// A person's calls of a day that may be answered and meet no call in progress on their
    /// side never overlap, whatever order the questions come in.
    #[test]
    fn calls_kept_on_a_persons_side_never_overlap() {
        let (mut kept_total, mut blocked_total) = (0, 0);
        for seed in [1, 2] {
            let population = population(seed);
            let rates = CallRates::calibrate(seed, &population);
            let mut forward = BusyLines::new(&population, rates);
            let mut backward = BusyLines::new(&population, rates);
            for day in 1..4u32 {
                let midnight = MIDNIGHT + i64::from(day) * 86_400;
                for id in (0..3_000).step_by(7) {
                    let book = CallBook::of(seed, &population, &mut Teams::default(), rates, id);
                    let day_calls = voice_calls_on(seed, &book, midnight, day);
                    let calls = answerable(day_calls.clone());
                    let at = (midnight, day);
                    let ask = |lines: &mut BusyLines<'_>, c: &VoiceCall| {
                        lines.engaged(id, at, c.start, c.order)
                    };
                    let answers: Vec<bool> = calls.iter().map(|c| ask(&mut forward, c)).collect();
                    let again: Vec<bool> =
                        calls.iter().rev().map(|c| ask(&mut backward, c)).collect();
                    assert!(
                        answers.iter().eq(again.iter().rev()),
                        "person {id} day {day}"
                    );
                    // Without the day before kept from the previous day.
                    let mut alone = BusyLines::new(&population, rates);
                    let fresh: Vec<bool> = calls.iter().map(|c| ask(&mut alone, c)).collect();
                    assert_eq!(answers, fresh, "person {id} day {day}");
                    // Told the day's calls, in another order.
                    let mut told = BusyLines::new(&population, rates);
                    told.know_calls(id, day, day_calls.into_iter().rev().collect());
                    let given: Vec<bool> = calls.iter().map(|c| ask(&mut told, c)).collect();
                    assert_eq!(answers, given, "person {id} day {day}");
                    let kept: Vec<&VoiceCall> = calls
                        .iter()
                        .zip(&answers)
                        .filter(|(_, engaged)| !**engaged)
                        .map(|(c, _)| c)
                        .collect();
                    for w in kept.windows(2) {
                        assert!(w[0].end <= w[1].start, "person {id}: {w:?}");
                    }
                    kept_total += kept.len();
                    blocked_total += calls.len() - kept.len();
                }
            }
        }
        assert!(
            kept_total > 2_000 && blocked_total > 20,
            "{kept_total} kept, {blocked_total} blocked"
        );
    }
}
