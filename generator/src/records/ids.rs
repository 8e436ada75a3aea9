//! Opaque, unique record numbers.
//!
//! A record is named by (SIM key, day, sequence within the SIM-day); that composite is mapped
//! through a keyed permutation of 2^53 numbers, so ids are unique, computed by whichever shard
//! owns the SIM, and reveal neither the person nor the order of generation.

use crate::permutation::Permutation;
use crate::rng::key_hash;

/// Days a SIM key's slot of composites spans (more than any scenario period).
const DAYS: u64 = 400;
/// Records per SIM-day.
const SEQUENCE_BITS: u32 = 16;

/// Record numbering of one table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordIds {
    permutation: Permutation,
}

impl RecordIds {
    /// Numbering for the table tagged `table`.
    pub(crate) fn new(seed: u64, table: u64) -> Self {
        RecordIds {
            permutation: Permutation::new(1 << 53, key_hash(seed, &[0x5245_4344, table])),
        }
    }

    /// A new id for copy `part` (0 to 7) of the record `id` of this numbering, as a feed that
    /// re-sends or splits a record gives it: the record's SIM-day with a sequence no generated
    /// record uses (bit 15 set), so it collides with no record and no other copy. `None` for a
    /// record beyond the first 4,096 of its SIM-day.
    pub(crate) fn copy_id(&self, id: i64, part: u32) -> Option<i64> {
        debug_assert!(part < 8);
        let composite = self.permutation.invert(id as u64);
        let sequence = composite & ((1 << SEQUENCE_BITS) - 1);
        (sequence < 1 << 12).then(|| {
            let copy = (composite & !((1 << SEQUENCE_BITS) - 1))
                | (1 << 15)
                | (u64::from(part) << 12)
                | sequence;
            self.permutation.apply(copy) as i64
        })
    }

    /// The id of record `sequence` of SIM `sim_key` on `day`.
    pub(crate) fn id(&self, sim_key: u64, day: u32, sequence: u32) -> i64 {
        debug_assert!(sequence < 1 << SEQUENCE_BITS && u64::from(day) < DAYS);
        let composite = ((sim_key * DAYS + u64::from(day)) << SEQUENCE_BITS) | u64::from(sequence);
        self.permutation.apply(composite) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_new_ids() {
        let ids = RecordIds::new(1, 2);
        let mut seen = std::collections::HashSet::new();
        for seq in [0, 1, 4_095] {
            let id = ids.id(12_345, 3, seq);
            assert!(seen.insert(id));
            for part in 0..8 {
                assert!(seen.insert(ids.copy_id(id, part).unwrap()));
            }
        }
        assert_eq!(ids.copy_id(ids.id(12_345, 3, 4_096), 0), None);
    }

    #[test]
    fn ids_are_unique_and_positive() {
        let ids = RecordIds::new(1, 2);
        let mut seen = std::collections::HashSet::new();
        for sim in [0u64, 1, 2, 99_999_999] {
            for day in [0, 1, 365] {
                for seq in [0, 1, 65_535] {
                    let id = ids.id(sim, day, seq);
                    assert!(id >= 0 && seen.insert(id));
                }
            }
        }
    }
}
