//! MyKad numbers: `YYMMDD-PB-###G`.
//!
//! `YYMMDD` is the date of birth, `PB` a place-of-birth code of the birth state (or of a foreign
//! region), `###G` a serial whose last digit is odd for males and even for females.

use chrono::{Datelike, NaiveDate};

use crate::rng::StreamRng;
use crate::sampling::{bernoulli, index};

/// Share of births registered under a state's additional codes rather than its primary code.
const ADDITIONAL_CODE_SHARE: f64 = 0.15;

/// A MyKad number for a citizen born on `birth` in state `birth_state` (1..=16).
pub(crate) fn mykad(birth: NaiveDate, birth_state: u8, male: bool, rng: &mut StreamRng) -> String {
    let codes = crate::public_data::mykad::state_birthplace_codes(birth_state);
    let pb = if codes.len() > 1 && bernoulli(rng, ADDITIONAL_CODE_SHARE) {
        codes[1 + index(rng, codes.len() - 1)]
    } else {
        codes[0]
    };
    let serial = index(rng, 1000);
    let last = 2 * index(rng, 5) + usize::from(male);
    format!(
        "{:02}{:02}{:02}-{pb}-{serial:03}{last}",
        birth.year() % 100,
        birth.month(),
        birth.day()
    )
}

/// The parts of a MyKad number: date digits, birthplace code, and whether it marks a male.
pub fn parse(number: &str) -> Option<(NaiveDate, &str, bool)> {
    let b = number.as_bytes();
    if b.len() != 14 || b[6] != b'-' || b[9] != b'-' {
        return None;
    }
    if !number
        .chars()
        .enumerate()
        .all(|(i, c)| i == 6 || i == 9 || c.is_ascii_digit())
    {
        return None;
    }
    let yy: i32 = number[0..2].parse().ok()?;
    let year = if yy <= 25 { 2000 + yy } else { 1900 + yy };
    let date =
        NaiveDate::from_ymd_opt(year, number[2..4].parse().ok()?, number[4..6].parse().ok()?)?;
    let male = (b[13] - b'0') % 2 == 1;
    Some((date, &number[7..9], male))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn numbers_carry_date_birthplace_and_sex(days in 0i64..30_000, state in 1u8..=16, male in any::<bool>(), id in any::<u64>()) {
            let birth = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Duration::days(days);
            let n = mykad(birth, state, male, &mut stream(1, Purpose::PersonAttributes, id, 0));
            let (date, pb, is_male) = parse(&n).expect("well-formed");
            prop_assert_eq!(is_male, male);
            prop_assert_eq!((date.month(), date.day()), (birth.month(), birth.day()));
            prop_assert!(crate::public_data::mykad::state_birthplace_codes(state).contains(&pb));
        }
    }

    #[test]
    fn parse_rejects_malformed_numbers() {
        assert!(parse("900231-10-1235").is_none(), "31 February");
        assert!(parse("900131-10-123").is_none());
        assert!(parse("900131x10-1235").is_none());
        assert!(parse("900131-10-1235").is_some());
    }
}
