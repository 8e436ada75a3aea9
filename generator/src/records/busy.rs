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

use std::sync::Arc;

use super::radio::may_be_answered;
use crate::behaviour::calls::{CallBook, CallRates, VoiceCall, voice_calls_around};
use crate::population::Population;
use crate::rng::KeyMap;

/// A block's call books and a day's conversations of the persons asked about.
pub(crate) struct BusyLines<'p> {
    seed: u64,
    population: &'p Population,
    rates: CallRates,
    /// Person id → call book, for the block.
    books: KeyMap<u64, Arc<CallBook>>,
    /// The day of `talks`.
    day: Option<u32>,
    /// Person id → the calls that may be answered of the day and the day before, by start.
    talks: KeyMap<u64, Vec<VoiceCall>>,
}

impl<'p> BusyLines<'p> {
    /// Busy lines of persons of `population`, with call rates `rates`.
    pub(crate) fn new(population: &'p Population, rates: CallRates) -> Self {
        BusyLines {
            seed: population.seed(),
            population,
            rates,
            books: KeyMap::default(),
            day: None,
            talks: KeyMap::default(),
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
        if self.day != Some(day) {
            self.talks.clear();
            self.day = Some(day);
        }
        let (seed, population, rates) = (self.seed, self.population, self.rates);
        let books = &mut self.books;
        let talks = self.talks.entry(id).or_insert_with(|| {
            let book = books
                .entry(id)
                .or_insert_with(|| Arc::new(CallBook::of(seed, population, rates, id)));
            let mut calls: Vec<VoiceCall> = voice_calls_around(seed, book, midnight, day)
                .into_iter()
                .filter(|c| may_be_answered(c.outcome))
                .collect();
            calls.sort_by_key(|c| (c.start, c.order));
            calls
        });
        talks
            .iter()
            .take_while(|c| (c.start, c.order) < (start, order))
            .any(|c| start < c.end)
    }
}
