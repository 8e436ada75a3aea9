//! What kind of day a date is for a state, and when a local day starts.
//!
//! Weekends follow the state's 2025 rule from the reference data (Friday–Saturday in Kedah,
//! Kelantan and Terengganu, Saturday–Sunday elsewhere). Public holidays are the state's 2025
//! holidays of the reference calendar (python-holidays, from the federal and state gazettes);
//! a holiday on a weekend day counts as a holiday. School days are working days outside the
//! state's KPM school breaks. Dates outside 2025 have weekends only.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::public_data::{Weekend, public_holiday, state};

/// Malaysian time: one definition, in the public data (the scenario layer reads local times
/// too), re-exported here with the rest of the calendar.
pub use crate::public_data::calendar::local_midnight;
pub(crate) use crate::public_data::calendar::{DAY_SECONDS, date_days, local_date};

/// How a day is spent, as far as the calendar decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayType {
    /// A working day.
    Weekday,
    /// One of the state's two weekend days.
    Weekend,
    /// A public holiday.
    Holiday,
}

impl DayType {
    /// Whether work and school normally happen (a weekday).
    pub(crate) fn is_working_day(self) -> bool {
        self == DayType::Weekday
    }
}

/// The day type of `date` in the state with DOSM code `state_code` (Sat–Sun for unknown codes).
pub(crate) fn day_type(state_code: u8, date: NaiveDate) -> DayType {
    if public_holiday(state_code, date).is_some() {
        return DayType::Holiday;
    }
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

/// Whether schools of the state are open on `date`: a working day outside the school breaks.
#[cfg(test)]
pub(crate) fn is_school_day(state_code: u8, date: NaiveDate) -> bool {
    day_type(state_code, date).is_working_day()
        && !crate::public_data::is_school_holiday(state_code, date)
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

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const KELANTAN: u8 = 3;
    const SELANGOR: u8 = 10;

    #[test]
    fn chinese_new_year_is_a_holiday_everywhere() {
        for state in 1..=16 {
            for day in [29, 30] {
                assert_eq!(
                    day_type(state, ymd(2025, 1, day)),
                    DayType::Holiday,
                    "{state}"
                );
            }
            // CNY eve, Tuesday 28 January, is a working day everywhere.
            assert_eq!(day_type(state, ymd(2025, 1, 28)), DayType::Weekday);
        }
    }

    #[test]
    fn state_holidays_follow_the_state() {
        // Thaipusam, Tuesday 11 February 2025: Selangor, not Kelantan.
        assert_eq!(day_type(SELANGOR, ymd(2025, 2, 11)), DayType::Holiday);
        assert_eq!(day_type(KELANTAN, ymd(2025, 2, 11)), DayType::Weekday);
        // Federal Territory Day falls on a Saturday: a holiday in Kuala Lumpur, a weekend day in
        // Selangor.
        assert_eq!(day_type(14, ymd(2025, 2, 1)), DayType::Holiday);
        assert_eq!(day_type(SELANGOR, ymd(2025, 2, 1)), DayType::Weekend);
        // Hari Raya Aidilfitri: two national days, a third in Melaka.
        assert_eq!(day_type(SELANGOR, ymd(2025, 3, 31)), DayType::Holiday);
        assert_eq!(day_type(4, ymd(2025, 4, 2)), DayType::Holiday);
        assert_eq!(day_type(SELANGOR, ymd(2025, 4, 2)), DayType::Weekday);
        // No holiday data outside 2025.
        assert_eq!(day_type(SELANGOR, ymd(2026, 1, 1)), DayType::Weekday);
    }

    #[test]
    fn friday_is_a_weekend_day_in_kelantan() {
        // Friday 10 January and Friday 7 February 2025.
        for day in [ymd(2025, 1, 10), ymd(2025, 2, 7)] {
            assert_eq!(day_type(KELANTAN, day), DayType::Weekend);
            assert_eq!(day_type(SELANGOR, day), DayType::Weekday);
        }
        assert_eq!(day_type(KELANTAN, ymd(2025, 1, 12)), DayType::Weekday); // Sunday
    }

    #[test]
    fn school_days_skip_breaks_and_holidays() {
        // Term time in the week of 6 January; the end-of-session break from 18 January to
        // 16 February (15 February in the Friday–Saturday states, whose term starts on Sunday
        // 16 February).
        assert!(is_school_day(SELANGOR, ymd(2025, 1, 6)));
        assert!(!is_school_day(SELANGOR, ymd(2025, 1, 20)));
        assert!(!is_school_day(SELANGOR, ymd(2025, 2, 11)));
        assert!(is_school_day(SELANGOR, ymd(2025, 2, 17)));
        assert!(is_school_day(KELANTAN, ymd(2025, 2, 16)));
        assert!(!is_school_day(KELANTAN, ymd(2025, 2, 13)));
        // Extra Hari Raya school days off.
        assert!(!is_school_day(SELANGOR, ymd(2025, 4, 3)));
        assert!(is_school_day(SELANGOR, ymd(2025, 4, 7)));
    }

    #[test]
    fn local_midnight_is_eight_hours_before_utc_midnight() {
        // 2025-01-06T00:00:00+08:00 = 2025-01-05T16:00:00Z.
        assert_eq!(local_midnight(date(6)), 1_736_092_800);
        assert_eq!(
            local_midnight(date(7)) - local_midnight(date(6)),
            DAY_SECONDS
        );
        assert_eq!(local_date(local_midnight(date(6))), date(6));
        assert_eq!(local_date(local_midnight(date(7)) - 1), date(6));
    }
}
