//! Deterministic sampling of attack targets from a seed.
//!
//! Each candidate gets a key `hash(seed, purpose, id)`; the sample is the `n` candidates with the
//! smallest keys, returned sorted by id. Membership depends only on the seed and the candidate's
//! own id, so the same person is sampled whatever else the population holds, and the cost of an
//! attack is its sample size, not the population size (beyond one pass to index candidates).

use telcosynth_generator::rng::{key_hash, unit_f64};

/// What a sample or a random draw is for; part of the results, never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Purpose {
    /// Target persons.
    Targets = 1,
    /// Control persons.
    Controls = 2,
    /// The points a target's adversary knows.
    Points = 3,
    /// Noise on known points.
    Noise = 4,
    /// Pairing of controls with targets, and random linking.
    Shuffle = 5,
    /// The targets left out of the neighbouring input of membership inference.
    Neighbour = 6,
}

/// The `n` ids of `candidates` with the smallest keys, sorted.
pub(crate) fn sample(candidates: &[i64], n: usize, seed: u64, purpose: Purpose) -> Vec<i64> {
    let mut keyed: Vec<(u64, i64)> = candidates
        .iter()
        .map(|&id| (key_hash(seed, &[purpose as u64, id as u64]), id))
        .collect();
    keyed.sort_unstable();
    keyed.dedup_by_key(|k| k.1);
    let mut chosen: Vec<i64> = keyed.into_iter().take(n).map(|k| k.1).collect();
    chosen.sort_unstable();
    chosen
}

/// A uniform draw in `[0, 1)` keyed by `(seed, purpose, words)`.
pub(crate) fn uniform(seed: u64, purpose: Purpose, words: &[u64]) -> f64 {
    let mut key = vec![purpose as u64];
    key.extend_from_slice(words);
    unit_f64(key_hash(seed, &key))
}

/// `k` distinct indices of `0..len` (all of them when `k >= len`), sorted, keyed by `words`.
pub(crate) fn choose(
    len: usize,
    k: usize,
    seed: u64,
    purpose: Purpose,
    words: &[u64],
) -> Vec<usize> {
    let mut keyed: Vec<(u64, usize)> = (0..len)
        .map(|i| {
            let mut key = vec![purpose as u64, i as u64];
            key.extend_from_slice(words);
            (key_hash(seed, &key), i)
        })
        .collect();
    keyed.sort_unstable();
    let mut chosen: Vec<usize> = keyed.into_iter().take(k).map(|k| k.1).collect();
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_deterministic_sorted_and_stable_under_growth() {
        let small: Vec<i64> = (0..1_000).collect();
        let large: Vec<i64> = (0..100_000).collect();
        let a = sample(&small, 50, 7, Purpose::Targets);
        assert_eq!(a, sample(&small, 50, 7, Purpose::Targets));
        assert_eq!(a.len(), 50);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_ne!(a, sample(&small, 50, 8, Purpose::Targets));
        // A member of the large population's sample that lies in the small one is in its sample.
        let b = sample(&large, 50, 7, Purpose::Targets);
        assert!(b.iter().filter(|&&id| id < 1_000).all(|id| a.contains(id)));
        assert_eq!(sample(&small[..10], 50, 7, Purpose::Targets).len(), 10);
    }

    #[test]
    fn choose_picks_distinct_indices() {
        let c = choose(20, 5, 1, Purpose::Points, &[3]);
        assert_eq!(c.len(), 5);
        assert!(c.windows(2).all(|w| w[0] < w[1]) && c[4] < 20);
        assert_eq!(choose(3, 5, 1, Purpose::Points, &[3]), vec![0, 1, 2]);
        let u = uniform(1, Purpose::Noise, &[1, 2]);
        assert!((0.0..1.0).contains(&u));
    }
}
