//! Address parts (street and township prefixes, towns) and postcode ranges.

/// Postcode ranges (inclusive) of a state.
pub fn postcode_ranges(state_code: u8) -> &'static [(u32, u32)] {
    let _ = state_code;
    todo!()
}
