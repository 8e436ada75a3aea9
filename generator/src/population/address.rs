//! Postal addresses in a person's home district.
//!
//! Shape: `No. <n>, <street prefix> <name> <k>, <township prefix> <name>, <postcode> <district>,
//! <state>`; street and township words come from the bundled lists through the `fake` locale,
//! postcodes from the state's ranges.

use fake::Fake;
use fake::faker::address::raw::{CityPrefix, StreetName};

use crate::reference::District;
use crate::reference::address::postcode_ranges;
use crate::reference::names::MALAY_GIVEN_FEMALE;
use crate::rng::StreamRng;
use crate::sampling::index;

use super::names::MsMy;

/// A postal address: the text up to the town, and the postcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Full address text.
    pub text: String,
    /// Five-digit postcode.
    pub postcode: String,
}

/// Draws an address in `district`.
pub fn address(district: &District, rng: &mut StreamRng) -> Address {
    let ranges = postcode_ranges(district.state_code);
    let (lo, hi) = ranges[index(rng, ranges.len())];
    let postcode = format!(
        "{:05}",
        lo + (index(rng, ((hi - lo) / 10 + 1) as usize) as u32) * 10
    );
    let street: String = StreetName(MsMy).fake_with_rng(rng);
    let township: &str = CityPrefix(MsMy).fake_with_rng(rng);
    let name = MALAY_GIVEN_FEMALE[index(rng, MALAY_GIVEN_FEMALE.len())];
    let text = format!(
        "No. {}, {street} {}, {township} {name}, {postcode} {}, {}",
        1 + index(rng, 200),
        1 + index(rng, 30),
        district.name,
        district.state
    );
    Address { text, postcode }
}
