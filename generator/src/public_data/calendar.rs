//! The 2025 calendar: public holidays per state and school holidays (KPM school calendar).
//!
//! Dates outside the tables (any year but 2025, apart from the school break that starts in
//! December 2024) have no holidays.
//!
//! Also Malaysian time: UTC+8 all year, no daylight saving, and the conversions between UTC
//! seconds and local dates every layer uses.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::csv::{self, Record};

/// Seconds east of UTC of Malaysian time (UTC+8, no daylight saving).
pub const UTC_OFFSET_SECONDS: i64 = 8 * 3600;
/// Seconds in a day.
pub(crate) const DAY_SECONDS: i64 = 86_400;

/// The local date (UTC+8) of UTC epoch second `t`.
pub(crate) fn local_date(t: i64) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    epoch + chrono::Days::new((t + UTC_OFFSET_SECONDS).div_euclid(DAY_SECONDS) as u64)
}

/// UTC epoch seconds of local midnight (00:00 +08:00) starting `date`.
pub fn local_midnight(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    (date - epoch).num_days() * DAY_SECONDS - UTC_OFFSET_SECONDS
}

/// Days since 1970-01-01.
pub(crate) fn date_days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// A public holiday and the states that observe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicHoliday {
    /// The day.
    pub date: NaiveDate,
    /// Name, as `python-holidays` spells it (e.g. `Chinese New Year`, `Thaipusam`).
    pub name: &'static str,
    /// Bit `c` set when the state with DOSM code `c` observes it.
    states: u32,
}

impl PublicHoliday {
    /// Whether the state with DOSM code `state_code` observes the holiday.
    pub(crate) fn observed_in(&self, state_code: u8) -> bool {
        state_code < 32 && self.states & (1 << state_code) != 0
    }

    /// Whether every state and federal territory observes it.
    #[cfg(test)]
    pub(crate) fn is_national(&self) -> bool {
        (1..=16).all(|c| self.observed_in(c))
    }
}

/// A school break of some states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchoolHoliday {
    /// First day without school.
    pub start: NaiveDate,
    /// Last day without school (inclusive).
    pub end: NaiveDate,
    /// KPM name of the break, e.g. `cuti_akhir_persekolahan`.
    pub kind: &'static str,
    /// Bit `c` set for the states with DOSM code `c`.
    states: u32,
}

impl SchoolHoliday {
    /// Whether schools of the state with DOSM code `state_code` are closed for this break.
    pub(crate) fn applies_to(&self, state_code: u8) -> bool {
        state_code < 32 && self.states & (1 << state_code) != 0
    }

    /// Whether `date` falls in the break.
    pub(crate) fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// Public holidays of 2025 in date order (a date may appear twice, for different states).
pub(crate) fn public_holidays() -> &'static [PublicHoliday] {
    static HOLIDAYS: OnceLock<Vec<PublicHoliday>> = OnceLock::new();
    HOLIDAYS.get_or_init(|| {
        let text = include_str!("../../data/public_holidays_2025.csv");
        csv::records("public_holidays_2025.csv", text, ["date", "states", "name"])
            .map(|r| {
                let [date, states, name] = r.fields;
                PublicHoliday {
                    date: parse_date(&r, date),
                    name,
                    states: state_bits(&r, states),
                }
            })
            .collect()
    })
}

/// School breaks touching 2025, ordered by start.
pub(crate) fn school_holidays() -> &'static [SchoolHoliday] {
    static HOLIDAYS: OnceLock<Vec<SchoolHoliday>> = OnceLock::new();
    HOLIDAYS.get_or_init(|| {
        let text = include_str!("../../data/school_holidays_2025.csv");
        let header = ["start", "end", "kind", "states"];
        csv::records("school_holidays_2025.csv", text, header)
            .map(|r| {
                let [start, end, kind, states] = r.fields;
                let (start, end) = (parse_date(&r, start), parse_date(&r, end));
                if end < start {
                    r.fail("the break ends before it starts");
                }
                SchoolHoliday {
                    start,
                    end,
                    kind,
                    states: state_bits(&r, states),
                }
            })
            .collect()
    })
}

/// The public holiday the state with DOSM code `state_code` observes on `date`, if any.
pub(crate) fn public_holiday(state_code: u8, date: NaiveDate) -> Option<&'static PublicHoliday> {
    let all = public_holidays();
    let first = all.partition_point(|h| h.date < date);
    all[first..]
        .iter()
        .take_while(|h| h.date == date)
        .find(|h| h.observed_in(state_code))
}

/// Whether schools of the state with DOSM code `state_code` are on a break on `date`.
pub(crate) fn is_school_holiday(state_code: u8, date: NaiveDate) -> bool {
    school_holidays()
        .iter()
        .any(|h| h.contains(date) && h.applies_to(state_code))
}

fn parse_date<const N: usize>(r: &Record<N>, text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .unwrap_or_else(|e| r.fail(format_args!("bad date {text:?}: {e}")))
}

/// Space-separated state codes 1..=16 as a bit set.
fn state_bits<const N: usize>(r: &Record<N>, text: &str) -> u32 {
    let mut bits = 0;
    for code in text.split(' ') {
        let code: u8 = r.parse(code);
        if !(1..=16).contains(&code) {
            r.fail(format_args!("no state {code}"));
        }
        bits |= 1 << code;
    }
    bits
}
