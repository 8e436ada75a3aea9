//! IMEIs: 8-digit type allocation code, 6-digit serial, Luhn check digit.
//!
//! Each SIM's IMEI comes from a keyed permutation over a domain split into one segment per TAC,
//! sized by the brand's market share. Distinct SIM keys land on distinct (TAC, serial) pairs, so
//! IMEIs are unique without any shared state.

use crate::permutation::Permutation;
use crate::public_data::{handset_brand_shares, tacs};

/// Serial numbers available under one TAC.
const SERIALS_PER_TAC: u64 = 1_000_000;

/// The Luhn check digit of a string of digits.
pub fn luhn_check_digit(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Whether a full number passes the Luhn check.
pub fn luhn_valid(number: &str) -> bool {
    number.len() >= 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && luhn_check_digit(&number[..number.len() - 1])
            == number.as_bytes()[number.len() - 1] - b'0'
}

/// Assigns IMEIs to SIM keys in `[0, keys)`.
#[derive(Debug, Clone)]
pub(crate) struct ImeiPlan {
    permutation: Permutation,
    /// Start of each TAC's segment in the permuted domain, plus the end.
    starts: Vec<u64>,
}

impl ImeiPlan {
    /// A plan for `keys` SIM keys, keyed by `key`.
    pub(crate) fn new(keys: u64, key: u64) -> Self {
        let tacs = tacs();
        let weight = |brand: &str| {
            let share = handset_brand_shares()
                .iter()
                .find(|b| b.brand == brand)
                .map_or(0.0, |b| b.share);
            let n = tacs.iter().filter(|t| t.brand == brand).count() as f64;
            share / n
        };
        let weights: Vec<f64> = tacs.iter().map(|t| weight(t.brand)).collect();
        let sizes = |f: f64| -> Vec<u64> {
            weights
                .iter()
                .map(|w| ((w * keys as f64 * f).ceil() as u64).min(SERIALS_PER_TAC))
                .collect()
        };
        let mut factor = 1.0;
        let mut segment = sizes(factor);
        while segment.iter().sum::<u64>() < keys.max(1) {
            factor *= 1.25;
            segment = sizes(factor);
            assert!(
                factor < 1e9,
                "{keys} handsets exceed the TAC table's serial space"
            );
        }
        let mut starts = Vec::with_capacity(segment.len() + 1);
        let mut acc = 0;
        starts.push(0);
        for s in segment {
            acc += s;
            starts.push(acc);
        }
        ImeiPlan {
            permutation: Permutation::new(acc, key),
            starts,
        }
    }

    /// The IMEI of SIM key `sim_key`, and the brand and model of its handset.
    pub(crate) fn imei(&self, sim_key: u64) -> (String, &'static str, &'static str) {
        self.imei_with(sim_key, |serial| serial)
    }

    /// As [`Self::imei`] with serials counted down from the top of each TAC: a plan used this way
    /// (for visitors' handsets) never collides with one used by [`Self::imei`] (for residents')
    /// while a TAC's two segments together fit in its serials.
    pub(crate) fn imei_from_top(&self, sim_key: u64) -> (String, &'static str, &'static str) {
        self.imei_with(sim_key, |serial| SERIALS_PER_TAC - 1 - serial)
    }

    fn imei_with(
        &self,
        sim_key: u64,
        serial: impl Fn(u64) -> u64,
    ) -> (String, &'static str, &'static str) {
        let x = self.permutation.apply(sim_key);
        let t = self.starts.partition_point(|&s| s <= x) - 1;
        let tac = &tacs()[t];
        let body = format!("{}{:06}", tac.tac, serial(x - self.starts[t]));
        let check = luhn_check_digit(&body);
        (format!("{body}{check}"), tac.brand, tac.model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_known_imeis() {
        // Worked example of the IMEI check digit from 3GPP TS 23.003 Annex B.
        assert_eq!(luhn_check_digit("49015420323751"), 8);
        assert!(luhn_valid("490154203237518"));
        assert!(!luhn_valid("490154203237519"));
    }

    #[test]
    fn imeis_are_valid_unique_and_follow_brand_shares() {
        let plan = ImeiPlan::new(30_000, 11);
        let mut seen = std::collections::HashSet::new();
        let mut brands = std::collections::HashMap::<&str, usize>::new();
        for k in 0..30_000 {
            let (imei, brand, _) = plan.imei(k);
            assert_eq!(imei.len(), 15);
            assert!(luhn_valid(&imei), "{imei}");
            assert!(seen.insert(imei.clone()), "duplicate {imei}");
            *brands.entry(brand).or_default() += 1;
        }
        for b in handset_brand_shares() {
            let got = *brands.get(b.brand).unwrap_or(&0) as f64 / 30_000.0;
            assert!(
                (got - b.share).abs() < 0.02 + b.share * 0.1,
                "{}: {got} vs {}",
                b.brand,
                b.share
            );
        }
    }
}
