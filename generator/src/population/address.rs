//! Postal addresses in a person's home district.
//!
//! Shape: `No. <n>, <street prefix> <name> <k>, <township prefix> <name>, <postcode> <district>,
//! <state>`, e.g. `No. 23, Jalan Anggerik 3, Taman Bahagia, 43000 Ulu Langat, Selangor`. Street
//! and township words come from the bundled lists; "Jalan" starts [`JALAN_SHARE`] of street
//! names (assumption: the bundled list weights are repetition counts, not frequencies), other
//! prefixes and township prefixes follow the list weights. Postcodes come from the state's
//! ranges (the bundled data has no district-level postcodes).

use crate::public_data::District;
use crate::public_data::address::postcode_ranges;
use crate::public_data::names::{
    STREET_PREFIX_WEIGHTS, STREET_PREFIXES, TOWNSHIP_PREFIX_WEIGHTS, TOWNSHIP_PREFIXES,
    TOWNSHIP_SUFFIXES,
};
use crate::rng::StreamRng;
use crate::sampling::{Weighted, bernoulli, index};

/// Share of street names that start with "Jalan".
pub(crate) const JALAN_SHARE: f64 = 0.8;

/// A postal address: the full text and the postcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Full address text.
    pub text: String,
    /// Five-digit postcode.
    pub(crate) postcode: String,
}

fn weighted(list: &'static [&'static str], weights: &[u32], rng: &mut StreamRng) -> &'static str {
    list[Weighted::new(weights.iter().map(|&w| f64::from(w))).sample(rng)]
}

/// Draws an address in `district`.
pub(crate) fn address(district: &District, rng: &mut StreamRng) -> Address {
    let ranges = postcode_ranges(district.state_code);
    let (lo, hi) = ranges[index(rng, ranges.len())];
    let postcode = format!(
        "{:05}",
        lo + (index(rng, ((hi - lo) / 10 + 1) as usize) as u32) * 10
    );
    let street_prefix = if bernoulli(rng, JALAN_SHARE) {
        "Jalan"
    } else {
        weighted(STREET_PREFIXES, STREET_PREFIX_WEIGHTS, rng)
    };
    let street_name = TOWNSHIP_SUFFIXES[index(rng, TOWNSHIP_SUFFIXES.len())];
    let township_prefix = weighted(TOWNSHIP_PREFIXES, TOWNSHIP_PREFIX_WEIGHTS, rng);
    let township_name = TOWNSHIP_SUFFIXES[index(rng, TOWNSHIP_SUFFIXES.len())];
    let text = format!(
        "No. {}, {street_prefix} {street_name} {}, {township_prefix} {township_name}, {postcode} {}, {}",
        1 + index(rng, 200),
        1 + index(rng, 30),
        district.name,
        district.state
    );
    Address { text, postcode }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_data::districts;
    use crate::rng::{Purpose, stream};

    #[test]
    fn addresses_name_their_district_and_a_postcode_of_its_state() {
        for d in districts().iter().step_by(7) {
            let a = address(d, &mut stream(1, Purpose::Address, u64::from(d.index), 0));
            assert!(
                a.text
                    .ends_with(&format!("{} {}, {}", a.postcode, d.name, d.state)),
                "{}",
                a.text
            );
            let code: u32 = a.postcode.parse().unwrap();
            assert!(
                postcode_ranges(d.state_code)
                    .iter()
                    .any(|&(lo, hi)| (lo..=hi).contains(&code))
            );
        }
    }
}
