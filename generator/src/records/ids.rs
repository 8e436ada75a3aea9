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
