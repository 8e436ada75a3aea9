//! Which pseudonyms each sampled target owns: by `record_id` where the release kept it, else by
//! the one view person present at every point of the pseudonym ([`Presence`]).

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::super::population::ViewEvents;
use super::levels::{Zones, bin};
use super::{Distinct, Knowledge, Point};

/// Every view person's points at the release's level, `((bin, zone), person)`, sorted and
/// distinct: the persons at one point are sorted too.
pub(super) fn view_tokens(
    view_events: &ViewEvents,
    zones: &Zones,
    bin_s: i64,
) -> Vec<((i64, u32), i64)> {
    let mut tokens = Distinct::default();
    for (person, t, cell) in view_events.iter() {
        if let Some(zone) = zones.of_cell(cell) {
            tokens.push(((bin(t, bin_s), zone), person));
        }
    }
    tokens.into_sorted()
}

/// Each sampled target's subjects, sorted. A subject with rows whose `record_id` the view
/// holds belongs to the person most of them belong to; any other to the one view person whose
/// raw points include every point of the subject (none when several do). Only the subjects a
/// target covers are traced, each found through its first point among the target's points:
/// tracing every subject of a release costs a search among thousands of persons per point at
/// full density.
pub(super) fn owned_subjects(
    knowledge: &Knowledge,
    view_tokens: impl FnOnce() -> Vec<((i64, u32), i64)>,
) -> BTreeMap<i64, Vec<u32>> {
    let (release, targets) = (&knowledge.release, knowledge.targets);
    let mut owned: BTreeMap<i64, Vec<u32>> = targets.iter().map(|&t| (t, Vec::new())).collect();
    let mut by_first: HashMap<(i64, u32), Vec<u32>> = HashMap::new();
    for s in 0..release.subjects.len() as u32 {
        match release.voted_owner[s as usize] {
            Some(person) => {
                if let Some(list) = owned.get_mut(&person) {
                    list.push(s);
                }
            }
            None => {
                if let Some(&(_, b, z)) = release.events_of(s).first() {
                    by_first.entry((b, z)).or_default().push(s);
                }
            }
        }
    }
    if by_first.is_empty() {
        return owned;
    }
    let presence = Presence::new(view_tokens());
    let traced: Vec<(i64, Vec<u32>)> = targets
        .par_iter()
        .map(|&target| {
            let tokens = knowledge.tokens(target);
            let covered = |s: u32| {
                release
                    .events_of(s)
                    .iter()
                    .all(|&(_, b, z)| tokens.binary_search(&(b, z)).is_ok())
            };
            let mine = tokens
                .iter()
                .filter_map(|point| by_first.get(point))
                .flatten()
                .copied()
                .filter(|&s| covered(s) && presence.covered_only_by(release.events_of(s), target))
                .collect();
            (target, mine)
        })
        .collect();
    for (target, mine) in traced {
        let list = owned.entry(target).or_default();
        list.extend(mine);
        list.sort_unstable();
    }
    owned
}

/// The view persons at each point at the release's level, for tracing pseudonyms: per point a
/// sorted list, and for crowded points (at district-hour level, tens of thousands of persons)
/// also a bitset over the persons, no larger than the list itself, so that "who else was at
/// every one of these points" is a few word-wise ANDs instead of a search per person.
pub(crate) struct Presence {
    /// `((bin, zone), person)`, sorted and distinct.
    tokens: Vec<((i64, u32), i64)>,
    /// Every person of `tokens`, sorted: a person's bit is their rank here.
    persons: Vec<i64>,
    /// Bitsets of the crowded points.
    crowded: HashMap<(i64, u32), Vec<u64>>,
}

impl Presence {
    /// `tokens` sorted and distinct, as [`view_tokens`] gives them.
    pub(crate) fn new(tokens: Vec<((i64, u32), i64)>) -> Presence {
        let mut persons: Vec<i64> = tokens.iter().map(|t| t.1).collect();
        persons.sort_unstable();
        persons.dedup();
        let words = persons.len().div_ceil(64);
        // A bitset costs `persons` bits, a list entry 192: bitsets only where they are smaller.
        let crowded_from = (persons.len() / 192).max(64);
        let mut crowded = HashMap::new();
        for run in tokens.chunk_by(|a, b| a.0 == b.0) {
            if run.len() < crowded_from {
                continue;
            }
            let mut bits = vec![0u64; words];
            for &(_, p) in run {
                let i = persons.binary_search(&p).expect("a person of the tokens");
                bits[i / 64] |= 1 << (i % 64);
            }
            crowded.insert(run[0].0, bits);
        }
        Presence {
            tokens,
            persons,
            crowded,
        }
    }

    /// The persons at a point, sorted.
    fn at(&self, point: (i64, u32)) -> &[((i64, u32), i64)] {
        let lo = self.tokens.partition_point(|t| t.0 < point);
        let hi = self.tokens.partition_point(|t| t.0 <= point);
        &self.tokens[lo..hi]
    }

    /// Whether `person` is at `point`, whose persons are `list`.
    fn holds(&self, point: (i64, u32), list: &[((i64, u32), i64)], person: i64) -> bool {
        match self.crowded.get(&point) {
            Some(bits) => self
                .persons
                .binary_search(&person)
                .is_ok_and(|i| bits[i / 64] & (1 << (i % 64)) != 0),
            None => list.binary_search_by_key(&person, |t| t.1).is_ok(),
        }
    }

    /// Whether no view person but `person` has every point of `events` among their raw points
    /// (`person` is known to have them).
    pub(crate) fn covered_only_by(&self, events: &[(u32, i64, u32)], person: i64) -> bool {
        let mut lists: Vec<(Point, &[(Point, i64)])> = events
            .iter()
            .map(|&(_, b, z)| ((b, z), self.at((b, z))))
            .collect();
        lists.sort_by_key(|l| l.1.len());
        let Some(((first, shortest), rest)) = lists.split_first() else {
            return false;
        };
        if self.crowded.contains_key(first) {
            // Every point is crowded: AND the bitsets, leaving out the person's own bit.
            let me = self.persons.binary_search(&person).ok();
            let bitsets: Vec<&Vec<u64>> = lists.iter().map(|l| &self.crowded[&l.0]).collect();
            return (0..bitsets[0].len()).all(|w| {
                let mut common = bitsets.iter().fold(!0u64, |acc, b| acc & b[w]);
                if let Some(i) = me.filter(|i| i / 64 == w) {
                    common &= !(1 << (i % 64));
                }
                common == 0
            });
        }
        !shortest.iter().any(|&(_, other)| {
            other != person
                && rest
                    .iter()
                    .all(|&(point, list)| self.holds(point, list, other))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Presence;

    /// `((bin, zone), person)` of persons 1..=n at every point of `points`, plus `extra`, sorted.
    fn tokens(
        points: &[(i64, u32)],
        n: i64,
        extra: &[((i64, u32), i64)],
    ) -> Vec<((i64, u32), i64)> {
        let mut t: Vec<_> = points
            .iter()
            .flat_map(|&pt| (1..=n).map(move |p| (pt, p)))
            .chain(extra.iter().copied())
            .collect();
        t.sort_unstable();
        t
    }

    #[test]
    fn the_one_person_at_every_point_owns_the_subject() {
        // Persons 1..=40 share points A and B; only person 7 was also at C.
        let (a, b, c) = ((0, 1), (3_600, 1), (7_200, 2));
        let events = |pts: &[(i64, u32)]| pts.iter().map(|&(t, z)| (0, t, z)).collect::<Vec<_>>();
        let covered = |events: &[(u32, i64, u32)], person: i64, view: &[((i64, u32), i64)]| {
            Presence::new(view.to_vec()).covered_only_by(events, person)
        };
        let view = tokens(&[a, b], 40, &[(c, 7), (c, 9)]);
        assert!(!covered(&events(&[a, b]), 7, &view), "40 persons cover it");
        assert!(!covered(&events(&[c]), 7, &view), "7 and 9 cover it");
        let view = tokens(&[a, b], 40, &[(c, 7)]);
        assert!(covered(&events(&[a, b, c]), 7, &view));
        assert!(covered(&events(&[c]), 7, &view));
        // Two long lists overlapping in one person.
        let mut view: Vec<_> = (1..=40)
            .map(|p| (a, p))
            .chain((40..=79).map(|p| (b, p)))
            .collect();
        view.sort_unstable();
        assert!(covered(&events(&[a, b]), 40, &view));
        view.push((b, 39));
        view.sort_unstable();
        assert!(!covered(&events(&[a, b]), 40, &view), "39 and 40");
        assert!(!covered(&events(&[a, b]), 39, &view), "39 and 40");
    }

    #[test]
    fn crowded_points_answer_as_lists_do() {
        // Random persons at random points, some points crowded enough for bitsets (over 64
        // persons), checked against a search of every person.
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let mut view: Vec<((i64, u32), i64)> = Vec::new();
        for point in 0..12u32 {
            let crowd = if point % 3 == 0 {
                2 + next(5)
            } else {
                80 + next(120)
            };
            for _ in 0..crowd {
                view.push(((i64::from(point % 4) * 3_600, point), next(300) as i64));
            }
        }
        view.sort_unstable();
        view.dedup();
        let presence = Presence::new(view.clone());
        assert!(!presence.crowded.is_empty(), "some points are crowded");
        let points: Vec<(i64, u32)> = {
            let mut p: Vec<_> = view.iter().map(|t| t.0).collect();
            p.dedup();
            p
        };
        let mut checked = [0; 2];
        for _ in 0..400 {
            let chosen: Vec<(i64, u32)> = (0..1 + next(3))
                .map(|_| points[next(points.len() as u64) as usize])
                .collect();
            let at_all = |p: i64| chosen.iter().all(|&pt| view.contains(&(pt, p)));
            let holders: Vec<i64> = (0..300).filter(|&p| at_all(p)).collect();
            let Some(&person) = holders.first() else {
                continue;
            };
            let events: Vec<(u32, i64, u32)> = chosen.iter().map(|&(b, z)| (0, b, z)).collect();
            assert_eq!(
                presence.covered_only_by(&events, person),
                holders.len() == 1,
                "{chosen:?}: {holders:?}"
            );
            checked[usize::from(holders.len() == 1)] += 1;
        }
        assert!(checked[0] > 10 && checked[1] > 10, "{checked:?}");
    }
}
