//! MyKad place-of-birth codes (the `PB` in `YYMMDD-PB-###G`).

use std::sync::OnceLock;

use super::csv;

/// A place-of-birth code of the National Registration Department.
#[derive(Debug, Clone)]
pub(crate) struct BirthplaceCode {
    /// The two digits, e.g. `10`.
    pub code: &'static str,
    /// DOSM state code (1..=16) for codes of a Malaysian state; `None` otherwise.
    pub state_code: Option<u8>,
}

/// All place-of-birth codes, in code order.
pub(crate) fn birthplace_codes() -> &'static [BirthplaceCode] {
    static CODES: OnceLock<Vec<BirthplaceCode>> = OnceLock::new();
    CODES.get_or_init(|| {
        let text = include_str!("../../data/mykad_birthplace_codes.csv");
        let header = ["code", "state_code", "category", "place"];
        csv::records("mykad_birthplace_codes.csv", text, header)
            .map(|r| {
                let [code, state_code, _category, _place] = r.fields;
                if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
                    r.fail(format_args!("code {code:?} is not 2 digits"));
                }
                BirthplaceCode {
                    code,
                    state_code: (!state_code.is_empty()).then(|| r.parse(state_code)),
                }
            })
            .collect()
    })
}

/// Birthplace codes of a state (primary code first, then the additional ones); empty for a
/// code outside 1..=16.
pub fn state_birthplace_codes(state_code: u8) -> &'static [&'static str] {
    static BY_STATE: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    let by_state = BY_STATE.get_or_init(|| {
        let mut by_state = vec![Vec::new(); 16];
        for b in birthplace_codes() {
            if let Some(state) = b.state_code {
                let codes: &mut Vec<_> = &mut by_state[usize::from(state) - 1];
                // The primary code is the state code itself.
                if b.code.parse::<u8>() == Ok(state) {
                    codes.insert(0, b.code);
                } else {
                    codes.push(b.code);
                }
            }
        }
        by_state
    });
    usize::from(state_code)
        .checked_sub(1)
        .and_then(|i| by_state.get(i))
        .map_or(&[], Vec::as_slice)
}
