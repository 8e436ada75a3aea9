//! Keyed bijections over `[0, n)`: unique identifiers without a shared counter.
//!
//! A balanced Feistel network over the smallest even power of two at least `n`, with cycle
//! walking back into `[0, n)`. Distinct inputs always give distinct outputs, so any shard can
//! compute any entity's identifier alone and two entities never collide.

use crate::rng::splitmix64;

/// A pseudo-random permutation of `[0, n)` keyed by a 64-bit key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permutation {
    n: u64,
    half_bits: u32,
    key: u64,
}

const ROUNDS: u64 = 6;

impl Permutation {
    /// A permutation of `[0, n)`; `n` must be at least 1.
    pub(crate) fn new(n: u64, key: u64) -> Self {
        assert!(n >= 1, "a permutation needs a non-empty domain");
        let bits = (64 - (n - 1).leading_zeros()).max(2);
        Permutation {
            n,
            half_bits: bits.div_ceil(2),
            key,
        }
    }

    /// The size of the domain.
    pub(crate) fn len(&self) -> u64 {
        self.n
    }

    /// The image of `x`, which must be below [`Self::len`].
    pub(crate) fn apply(&self, x: u64) -> u64 {
        debug_assert!(x < self.n);
        let mut y = self.feistel(x);
        while y >= self.n {
            y = self.feistel(y);
        }
        y
    }

    /// The `x` whose image is `y`, which must be below [`Self::len`].
    pub(crate) fn invert(&self, y: u64) -> u64 {
        debug_assert!(y < self.n);
        let mut x = self.feistel_inverse(y);
        while x >= self.n {
            x = self.feistel_inverse(x);
        }
        x
    }

    fn feistel_inverse(&self, y: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut left, mut right) = (y >> self.half_bits, y & mask);
        for round in (0..ROUNDS).rev() {
            let f = splitmix64(self.key ^ splitmix64(left ^ (round << 56))) & mask;
            (left, right) = (right ^ f, left);
        }
        (left << self.half_bits) | right
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut left, mut right) = (x >> self.half_bits, x & mask);
        for round in 0..ROUNDS {
            let f = splitmix64(self.key ^ splitmix64(right ^ (round << 56))) & mask;
            (left, right) = (right, left ^ f);
        }
        (left << self.half_bits) | right
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn is_a_bijection_on_small_domains() {
        for n in [1u64, 2, 3, 7, 100, 1000, 4097] {
            let p = Permutation::new(n, 99);
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = p.apply(x);
                assert!(y < n);
                assert!(!seen[y as usize], "n = {n}: {y} hit twice");
                seen[y as usize] = true;
            }
        }
    }

    #[test]
    fn invert_undoes_apply() {
        for n in [1u64, 3, 1000, 4097, 1 << 53] {
            let p = Permutation::new(n, 7);
            for x in (0..200u64).map(|i| i.wrapping_mul(0x9E37_79B9) % n) {
                assert_eq!(p.invert(p.apply(x)), x, "n = {n}");
            }
        }
    }

    #[test]
    fn different_keys_shuffle_differently() {
        let a: Vec<u64> = (0..50)
            .map(|x| Permutation::new(1000, 1).apply(x))
            .collect();
        let b: Vec<u64> = (0..50)
            .map(|x| Permutation::new(1000, 2).apply(x))
            .collect();
        assert_ne!(a, b);
    }

    proptest! {
        #[test]
        fn stays_in_domain_and_is_injective_on_pairs(n in 2u64..1u64 << 40, a in any::<u64>(), b in any::<u64>(), key in any::<u64>()) {
            let p = Permutation::new(n, key);
            let (a, b) = (a % n, b % n);
            prop_assert!(p.apply(a) < n);
            prop_assert_eq!(p.apply(a) == p.apply(b), a == b);
        }
    }
}
