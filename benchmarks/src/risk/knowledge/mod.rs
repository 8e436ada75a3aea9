//! What the attacks and their scoring know about one release: the [`Population`] placed at
//! the release's spatial level and time bin ([`levels`]), the release's events per pseudonym
//! (read by [`load`]), and the pseudonyms each sampled target owns ([`owners`]).
//!
//! Owners are found by joining released rows to the raw rows of the view on `record_id` (a
//! pseudonym's owner is the person most of its rows belong to); for a pseudonym without such
//! rows, the owner is the one view person whose raw points, placed at the release's level and
//! time bin, include every released point of the pseudonym (none when several do).

mod levels;
mod load;
mod owners;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use super::linkage::{Profile, profiles};
use super::population::{Person, Population};
use super::{RiskError, RiskInputs};
use load::{load_release, load_zones};
use owners::{owned_subjects, view_tokens};

pub(crate) use levels::{Zones, bin, local_hour_weekday};
pub(crate) use load::{EVENT_TABLES, cell_sites, need};

/// The release's events per pseudonym.
#[derive(Default)]
pub(crate) struct Release {
    /// Distinct values of the declared pseudonym columns in every microdata table, sorted.
    pub pseudonyms: Vec<String>,
    /// Pseudonyms that identify the subject of event rows, sorted.
    pub subjects: Vec<String>,
    /// `(subject, bin, zone)` of every located released event, sorted and distinct.
    pub events: Vec<(u32, i64, u32)>,
    /// Where each subject's events start in `events`, and their end.
    pub(super) event_starts: Vec<usize>,
    /// Per zone, `(bin, subject)` sorted and distinct, for bins in `[0, ZONE_BIN_END)` (every
    /// bin of a dataset's period, in seconds or coarser: half the memory of `i64` bins).
    pub by_zone: HashMap<u32, Vec<(u32, u32)>>,
    /// Per subject, the person most of its rows belong to, where the release kept `record_id`.
    pub(super) voted_owner: Vec<Option<i64>>,
    /// Per sampled target, the subjects it owns (see [`owned_subjects`]), sorted.
    pub(super) owned: BTreeMap<i64, Vec<u32>>,
    /// Per subject, the nationality of the released subscriber row under the same pseudonym.
    pub nationality: Vec<Option<String>>,
    /// `(table, column)` whose values are the subjects, per released event table.
    pub subject_columns: Vec<(String, String)>,
}

impl Release {
    /// Whether any sampled target's pseudonym could be traced to them.
    pub fn owners_known(&self) -> bool {
        self.owned.values().any(|s| !s.is_empty())
    }

    /// The subjects a sampled target owns, sorted (empty for anyone else).
    pub fn owned_by(&self, person: i64) -> &[u32] {
        self.owned.get(&person).map_or(&[], Vec::as_slice)
    }

    /// Events of one subject.
    pub fn events_of(&self, subject: u32) -> &[(u32, i64, u32)] {
        let s = subject as usize;
        &self.events[self.event_starts[s]..self.event_starts[s + 1]]
    }

    /// `(bin, subject)` of the events in `zone` at a bin in `[lo, hi]`, sorted (within one bin
    /// the subjects are sorted and distinct).
    pub fn at(&self, zone: u32, lo: i64, hi: i64) -> &[(u32, u32)] {
        let Some(list) = self.by_zone.get(&zone) else {
            return &[];
        };
        let (lo, hi) = (lo.clamp(0, ZONE_BIN_END), hi.clamp(-1, ZONE_BIN_END - 1));
        let a = list.partition_point(|e| i64::from(e.0) < lo);
        let b = list.partition_point(|e| i64::from(e.0) <= hi);
        &list[a..b]
    }
}

/// A `(bin, zone)` point at the release's level.
pub(super) type Point = (i64, u32);

/// End of the bins [`Release::at`] indexes: released events at later (or negative) bins, after
/// 2106 in seconds, can match no point of a dataset's period.
const ZONE_BIN_END: i64 = 1 << 32;

/// Everything the attacks and their scoring know: the population at the release's level and
/// time bin, and the release.
pub(crate) struct Knowledge<'a> {
    pub operator: &'a str,
    pub bin_s: i64,
    pub zones: Zones,
    pub persons: &'a BTreeMap<i64, Person>,
    pub targets: &'a [i64],
    pub controls: &'a [i64],
    pub release: Release,
    /// Distinct `(bin, zone)` points of each sampled person's own raw records at the release's
    /// level, sorted (controls' records at cell level: at the view's cell nearest to their
    /// cell's site).
    tokens: BTreeMap<i64, Vec<(i64, u32)>>,
    /// The same for the points of each sampled person's [`Person::trace`] (one SIM's records).
    traces: BTreeMap<i64, Vec<(i64, u32)>>,
    identifiers: &'a [(&'static str, String)],
    /// Every subject's profile, computed on first use.
    profiles: OnceLock<Vec<Profile>>,
}

impl<'a> Knowledge<'a> {
    /// Places `population` at the release's level and time bin, and loads the release.
    pub fn load(
        inputs: &RiskInputs,
        population: &'a Population,
    ) -> Result<Knowledge<'a>, RiskError> {
        let zones = load_zones(inputs.input, inputs.view.spatial_level)?;
        let bin_s = inputs.view.time_bin_s;
        let control_zones: HashMap<i64, Option<u32>> = population
            .control_sites
            .iter()
            .map(|(&cell, (lon, lat, district))| (cell, zones.of_place(*lon, *lat, district)))
            .collect();
        // Distinct points at the release's level, sorted.
        let place = |id: i64, points: &[(i64, i64)]| {
            let control = population.controls.contains(&id);
            let mut tokens: Vec<(i64, u32)> = points
                .iter()
                .filter_map(|&(t, cell)| {
                    let zone = if control {
                        control_zones.get(&cell).copied().flatten()
                    } else {
                        zones.of_cell(cell)
                    };
                    Some((bin(t, bin_s), zone?))
                })
                .collect();
            tokens.sort_unstable();
            tokens.dedup();
            tokens
        };
        let tokens = population
            .persons
            .iter()
            .map(|(&id, person)| (id, place(id, &person.points)))
            .collect();
        let traces = population
            .persons
            .iter()
            .map(|(&id, person)| (id, place(id, &person.trace)))
            .collect();
        let mut knowledge = Knowledge {
            operator: &population.operator,
            bin_s,
            release: load_release(inputs, &zones, &population.raw)?,
            zones,
            persons: &population.persons,
            targets: &population.targets,
            controls: &population.controls,
            tokens,
            traces,
            identifiers: &population.identifiers,
            profiles: OnceLock::new(),
        };
        knowledge.release.owned = owned_subjects(&knowledge, || {
            view_tokens(&population.view_events, &knowledge.zones, bin_s)
        });
        Ok(knowledge)
    }

    /// A sampled person's points at the release's level (see [`Knowledge::tokens`]).
    pub fn tokens(&self, person: i64) -> &[(i64, u32)] {
        self.tokens.get(&person).map_or(&[], Vec::as_slice)
    }

    /// A sampled person's points at the release's level from their trace alone
    /// ([`Person::trace`]).
    pub fn trace(&self, person: i64) -> &[(i64, u32)] {
        self.traces.get(&person).map_or(&[], Vec::as_slice)
    }

    /// The [`Profile`] of every subject.
    pub fn profiles(&self) -> &[Profile] {
        self.profiles.get_or_init(|| profiles(self))
    }

    /// `(kind, value)` of the identifiers the pipeline was given.
    pub fn view_identifiers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.identifiers.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// The district of a person's most frequent work stays, if they work.
    pub fn work_district(&self, person: i64) -> Option<String> {
        mode(
            self.persons[&person]
                .stays
                .iter()
                .filter(|s| s.purpose == "work")
                .map(|s| s.district_code.clone()),
        )
    }
}

/// The most frequent value (the smallest among ties).
pub(crate) fn mode<T: Ord>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(v, _)| v)
}

/// Values gathered one by one and kept sorted and distinct, compacted whenever they double in
/// number: a release repeats each subject's `(bin, zone)` on many rows, and holding one tuple
/// per row would take gigabytes at full density.
pub(crate) struct Distinct<T> {
    values: Vec<T>,
    compact_len: usize,
}

impl<T: Ord> Default for Distinct<T> {
    fn default() -> Self {
        Distinct {
            values: Vec::new(),
            compact_len: 0,
        }
    }
}

impl<T: Ord> Distinct<T> {
    pub(crate) fn push(&mut self, value: T) {
        self.values.push(value);
        if self.values.len() >= 2 * self.compact_len.max(1 << 20) {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.values.sort_unstable();
        self.values.dedup();
        self.compact_len = self.values.len();
    }

    /// The values, sorted and distinct, holding no spare capacity.
    pub(crate) fn into_sorted(mut self) -> Vec<T> {
        self.compact();
        self.values.shrink_to_fit();
        self.values
    }
}

#[cfg(test)]
mod tests {
    use super::Distinct;

    #[test]
    fn distinct_values_are_sorted_and_distinct_through_compactions() {
        // Enough values to compact several times on the way: each one pushed three times.
        let mut values = Distinct::default();
        let n: u32 = 1_500_000;
        for _ in 0..3 {
            for i in 0..n {
                values.push((999 - i % 1000, i64::from(i / 1000), 0u32));
            }
        }
        let all = values.into_sorted();
        assert_eq!(all.len(), n as usize);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        assert_eq!(all[0], (0, 0, 0));
        assert_eq!(all[all.len() - 1], (999, i64::from(n / 1000 - 1), 0));
    }
}
