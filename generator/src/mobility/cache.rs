//! A per-worker cache of persons and day plans, for callers that look up other persons'
//! positions (for example the callee of a call). Owned by the caller: no shared state.

use std::hash::Hash;
use std::sync::Arc;

use crate::population::Person;
use crate::rng::KeyMap;

use super::Mobility;
use super::anchors::Anchors;
use super::calendar::{DAY_SECONDS, local_midnight};
use super::day::DayPlan;

/// Two generations of entries: when the current one is full it becomes the previous one, and a
/// hit in the previous one moves back. An approximate LRU in O(1) per lookup and at most
/// 2 × capacity entries.
struct Generations<K, V> {
    current: KeyMap<K, V>,
    previous: KeyMap<K, V>,
    capacity: usize,
}

impl<K: Eq + Hash + Copy, V: Clone> Generations<K, V> {
    fn new(capacity: usize) -> Self {
        Generations {
            current: KeyMap::default(),
            previous: KeyMap::default(),
            capacity: capacity.max(1),
        }
    }

    fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.current.get(&key) {
            return v.clone();
        }
        let v = self.previous.remove(&key).unwrap_or_else(make);
        if self.current.len() >= self.capacity {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(key, v.clone());
        v
    }
}

/// Recently used persons (with their anchors) and day plans.
pub struct PlanCache {
    persons: Generations<u64, Arc<(Person, Anchors)>>,
    plans: Generations<(u64, u32), Arc<DayPlan>>,
}

impl PlanCache {
    /// A cache keeping at least the last `capacity` persons and person-days used.
    pub fn new(capacity: usize) -> Self {
        PlanCache {
            persons: Generations::new(capacity),
            plans: Generations::new(capacity),
        }
    }

    /// The plan of person `id` on scenario day `day`.
    pub(crate) fn plan(&mut self, mobility: &Mobility<'_>, id: u64, day: u32) -> Arc<DayPlan> {
        self.plan_with(mobility, id, day, || mobility.population().person(id))
    }

    /// The plan of `person` on scenario day `day`: the same as [`Self::plan`] of their id, for a
    /// caller that already holds the person.
    pub(crate) fn plan_of(
        &mut self,
        mobility: &Mobility<'_>,
        person: &Person,
        day: u32,
    ) -> Arc<DayPlan> {
        self.plan_with(mobility, person.id, day, || person.clone())
    }

    fn plan_with(
        &mut self,
        mobility: &Mobility<'_>,
        id: u64,
        day: u32,
        person: impl FnOnce() -> Person,
    ) -> Arc<DayPlan> {
        let persons = &mut self.persons;
        self.plans.get_or_insert_with((id, day), || {
            let resident = persons.get_or_insert_with(id, || {
                let person = person();
                let anchors = mobility.anchors(&person);
                Arc::new((person, anchors))
            });
            Arc::new(mobility.plan(&resident.0, &resident.1, day))
        })
    }

    /// Position (lon, lat) of person `id` at UTC epoch second `t` (home before the first day).
    pub fn position(&mut self, mobility: &Mobility<'_>, id: u64, t: i64) -> (f64, f64) {
        self.plan_at(mobility, id, t).position_at(t)
    }

    /// The plan of person `id` for the day holding UTC epoch second `t` (the first day's before
    /// the period).
    pub(crate) fn plan_at(&mut self, mobility: &Mobility<'_>, id: u64, t: i64) -> Arc<DayPlan> {
        let since = t - local_midnight(mobility.start_date());
        let day = u32::try_from(since.div_euclid(DAY_SECONDS)).unwrap_or(0);
        self.plan(mobility, id, day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_keep_recent_entries_and_bound_memory() {
        let mut g = Generations::new(2);
        let mut made = 0;
        for k in [1, 2, 1, 3, 1, 4, 5, 6, 1] {
            g.get_or_insert_with(k, || {
                made += 1;
                k * 10
            });
        }
        // 1, 2, 3, 4, 5, 6 made once each; 1 made again after falling out of both generations.
        assert_eq!(made, 7);
        assert!(g.current.len() + g.previous.len() <= 4);
        assert_eq!(g.get_or_insert_with(1, || 0), 10);
    }
}
