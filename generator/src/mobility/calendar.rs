//! What kind of day a date is for a state, and when a local day starts.
//!
//! Weekends follow the state's 2025 rule from the reference data (Friday–Saturday in Kedah,
//! Kelantan and Terengganu, Saturday–Sunday elsewhere). Public holidays are not modelled yet:
//! [`day_type`] is the one place to add them.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::reference::{Weekend, state};

/// Seconds east of UTC of Malaysian time (UTC+8, no daylight saving).
pub const UTC_OFFSET_SECONDS: i64 = 8 * 3600;
/// Seconds in a day.
pub const DAY_SECONDS: i64 = 86_400;

/// How a day is spent, as far as the calendar decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayType {
    /// A working day.
    Weekday,
    /// One of the state's two weekend days.
    Weekend,
    /// A public holiday.
    Holiday,
}

impl DayType {
    /// Whether work and school normally happen (a weekday).
    pub fn is_working_day(self) -> bool {
        self == DayType::Weekday
    }
}

/// The day type of `date` in the state with DOSM code `state_code` (Sat–Sun for unknown codes).
pub fn day_type(state_code: u8, date: NaiveDate) -> DayType {
    let weekend = state(state_code).map_or(Weekend::SatSun, |s| s.weekend);
    let rest = match weekend {
        Weekend::FriSat => [Weekday::Fri, Weekday::Sat],
        Weekend::SatSun => [Weekday::Sat, Weekday::Sun],
    };
    if rest.contains(&date.weekday()) {
        DayType::Weekend
    } else {
        DayType::Weekday
    }
}

/// UTC epoch seconds of local midnight (00:00 +08:00) starting `date`.
pub fn local_midnight(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    (date - epoch).num_days() * DAY_SECONDS - UTC_OFFSET_SECONDS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(d: u32) -> NaiveDate {
        // 2025-01-06 is a Monday.
        NaiveDate::from_ymd_opt(2025, 1, d).unwrap()
    }

    #[test]
    fn weekends_follow_the_state() {
        const SELANGOR: u8 = 10;
        const KEDAH: u8 = 2;
        assert_eq!(day_type(SELANGOR, date(10)), DayType::Weekday); // Friday
        assert_eq!(day_type(SELANGOR, date(11)), DayType::Weekend);
        assert_eq!(day_type(SELANGOR, date(12)), DayType::Weekend);
        assert_eq!(day_type(KEDAH, date(10)), DayType::Weekend);
        assert_eq!(day_type(KEDAH, date(11)), DayType::Weekend);
        assert_eq!(day_type(KEDAH, date(12)), DayType::Weekday); // Sunday
        let weekdays = (6..=12)
            .filter(|&d| day_type(SELANGOR, date(d)).is_working_day())
            .count();
        assert_eq!(weekdays, 5);
    }

    #[test]
    fn local_midnight_is_eight_hours_before_utc_midnight() {
        // 2025-01-06T00:00:00+08:00 = 2025-01-05T16:00:00Z.
        assert_eq!(local_midnight(date(6)), 1_736_092_800);
        assert_eq!(
            local_midnight(date(7)) - local_midnight(date(6)),
            DAY_SECONDS
        );
    }
}
