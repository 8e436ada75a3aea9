//! MyKad place-of-birth codes (the `PB` in `YYMMDD-PB-###G`).

/// Birthplace codes of a state (primary code first, then the additional ones).
pub fn state_birthplace_codes(state_code: u8) -> &'static [&'static str] {
    let _ = state_code;
    todo!()
}
