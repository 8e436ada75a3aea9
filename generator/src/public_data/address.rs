//! Address parts (street and township prefixes, towns) and postcode ranges.

use std::sync::OnceLock;

use super::csv;

/// Postcode ranges (inclusive) of a state; empty for a code outside 1..=16.
///
/// Ranges are state-level: not every code inside a range is in use.
pub(crate) fn postcode_ranges(state_code: u8) -> &'static [(u32, u32)] {
    static BY_STATE: OnceLock<Vec<Vec<(u32, u32)>>> = OnceLock::new();
    let by_state = BY_STATE.get_or_init(|| {
        let mut by_state = vec![Vec::new(); 16];
        let text = include_str!("../../data/postcode_ranges.csv");
        for r in csv::records("postcode_ranges.csv", text, ["state_code", "from", "to"]) {
            let [state, from, to] = r.fields;
            let state: usize = r.parse(state);
            let range = (r.parse(from), r.parse(to));
            if range.0 > range.1 {
                r.fail("empty range");
            }
            match by_state.get_mut(state.wrapping_sub(1)) {
                Some(ranges) => ranges.push(range),
                None => r.fail(format_args!("unknown state {state}")),
            }
        }
        by_state
    });
    usize::from(state_code)
        .checked_sub(1)
        .and_then(|i| by_state.get(i))
        .map_or(&[], Vec::as_slice)
}
