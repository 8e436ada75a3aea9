//! Arrivals per day: how many visitors of each calendar group cross in on each day of the window.
//!
//! Each calendar month receives `NATIONAL_ARRIVALS_PER_DAY` × scale × days × the group's share
//! of the origins (rounded on a running total, so that months keep the average), spread over its
//! days in proportion to a day weight
//! (weekday, Lunar New Year, school break) by largest remainders. The counts are a pure function
//! of the spec; no random draw is involved.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::public_data::calendar::{is_school_holiday, public_holidays};

/// A set of nationalities that share a travel calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    /// Singaporeans: many same-day visitors, weekend and holiday trips over the causeway.
    Singapore,
    /// Nationalities that celebrate the Lunar New Year (China, Taiwan, Korea, Viet Nam).
    LunarNewYear,
    /// Everyone else.
    Other,
}

/// The groups, in the order their arrivals are numbered within a day.
pub(crate) const GROUPS: [Group; 3] = [Group::Singapore, Group::LunarNewYear, Group::Other];

impl Group {
    /// The group of a nationality (ISO alpha-3).
    pub(crate) fn of(iso3: &str) -> Group {
        match iso3 {
            "SGP" => Group::Singapore,
            "CHN" | "TWN" | "KOR" | "VNM" => Group::LunarNewYear,
            _ => Group::Other,
        }
    }

    /// Relative arrivals on `date` (1 on an ordinary mid-week day).
    pub(crate) fn day_weight(self, date: NaiveDate) -> f64 {
        let cny = public_holidays()
            .iter()
            .find(|h| h.name == "Chinese New Year")
            .map(|h| h.date);
        match self {
            Group::Singapore => {
                let holiday = public_holidays()
                    .iter()
                    .any(|h| h.date == date && SINGAPORE_HOLIDAYS.contains(&h.name));
                if holiday {
                    SINGAPORE_SATURDAY
                } else {
                    match date.weekday() {
                        Weekday::Sat => SINGAPORE_SATURDAY,
                        Weekday::Fri | Weekday::Sun => SINGAPORE_FRIDAY_SUNDAY,
                        _ => 1.0,
                    }
                }
            }
            Group::LunarNewYear => {
                let in_week = cny.is_some_and(|d| {
                    date >= d - Days::new(GOLDEN_WEEK_BEFORE)
                        && date <= d + Days::new(GOLDEN_WEEK_AFTER)
                });
                let weekend = matches!(date.weekday(), Weekday::Fri | Weekday::Sat);
                (if in_week { GOLDEN_WEEK } else { 1.0 })
                    * (if weekend { REGIONAL_WEEKEND } else { 1.0 })
            }
            Group::Other => {
                let weekend = matches!(date.weekday(), Weekday::Fri | Weekday::Sat);
                let school = is_school_holiday(SCHOOL_CALENDAR_STATE, date);
                (if weekend { REGIONAL_WEEKEND } else { 1.0 })
                    * (if school { SCHOOL_BREAK } else { 1.0 })
            }
        }
    }
}

/// Malaysian public holidays (as `python-holidays` names them) that are Singaporean public
/// holidays on the same day in 2025 (Singapore's Ministry of Manpower,
/// https://www.mom.gov.sg/employment-practices/public-holidays; the dates come from the
/// Malaysian file, which covers 2025 only).
const SINGAPORE_HOLIDAYS: [&str; 10] = [
    "New Year's Day",
    "Chinese New Year",
    "Chinese New Year (Second Day)",
    "Good Friday",
    "Eid al-Fitr",
    "Labor Day",
    "Vesak Day",
    "Eid al-Adha",
    "Diwali",
    "Christmas Day",
];
/// Singaporean arrivals on a Saturday or a Singaporean public holiday against a Monday–Thursday (assumption: no daily series of
/// arrivals is published; Singapore's ICA reports weekend and festive peaks at Woodlands of
/// about twice the weekday flow).
pub(crate) const SINGAPORE_SATURDAY: f64 = 2.0;
/// Singaporean arrivals on a Friday or Sunday against a Monday–Thursday (assumption, as
/// `SINGAPORE_SATURDAY`).
pub(crate) const SINGAPORE_FRIDAY_SUNDAY: f64 = 1.4;
/// Arrivals of the Lunar New Year group on each day of China's Spring Festival holiday week,
/// against an ordinary day (assumption: the week's outbound peak, no daily Malaysian series).
pub(crate) const GOLDEN_WEEK: f64 = 2.0;
/// Days of that week before Chinese New Year's day (the eve and the official holiday's start,
/// 28 January in 2025).
const GOLDEN_WEEK_BEFORE: u64 = 1;
/// Days of that week after Chinese New Year's day (to 4 February in 2025).
const GOLDEN_WEEK_AFTER: u64 = 6;
/// Arrivals of non-Singaporean visitors on a Friday or Saturday against other days (assumption:
/// short-haul weekend breaks; no daily series).
pub(crate) const REGIONAL_WEEKEND: f64 = 1.15;
/// Arrivals of the other nationalities during Malaysian school breaks (assumption: families
/// visiting relatives in Malaysia from Indonesia and Brunei travel when Malaysian children are
/// free; no source gives the size).
pub(crate) const SCHOOL_BREAK: f64 = 1.2;
/// The state whose school calendar `SCHOOL_BREAK` follows: Selangor (group B, most states).
const SCHOOL_CALENDAR_STATE: u8 = 10;

/// Arrivals of each group on each day from `first` for `days` days, where each group arrives at
/// `per_day[g]` a day on average. Every calendar month is spread whole, so a day's count depends
/// only on its month, not on the window.
pub(crate) fn daily_counts(first: NaiveDate, days: u32, per_day: [f64; 3]) -> Vec<[u64; 3]> {
    let mut counts = Vec::with_capacity(days as usize);
    let mut month = first.with_day(1).expect("day 1");
    let last = first + Days::new(u64::from(days));
    while month < last {
        let next = month + Months::new(1);
        let dates: Vec<NaiveDate> = month.iter_days().take_while(|&d| d < next).collect();
        let mut month_counts = vec![[0u64; 3]; dates.len()];
        for (g, group) in GROUPS.iter().enumerate() {
            // Rounded on the running total from a fixed day, so that months keep the average.
            let running = |d: NaiveDate| libm::round(per_day[g] * (d - EPOCH).num_days() as f64);
            let total = (running(next) - running(month)) as u64;
            let weights: Vec<f64> = dates.iter().map(|&d| group.day_weight(d)).collect();
            for (day, n) in month_counts.iter_mut().zip(spread(total, &weights)) {
                day[g] = n;
            }
        }
        counts.extend(
            dates
                .iter()
                .zip(month_counts)
                .filter(|(d, _)| **d >= first && **d < last)
                .map(|(_, c)| c),
        );
        month = next;
    }
    counts
}

/// The day the running totals of `daily_counts` start from.
const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");

/// `total` split in proportion to `weights` by largest remainders (ties to the earlier day).
fn spread(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut counts: Vec<u64> = exact.iter().map(|&x| libm::floor(x) as u64).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let frac = |i: usize| exact[i] - libm::floor(exact[i]);
        frac(b).total_cmp(&frac(a)).then(a.cmp(&b))
    });
    let left = total - counts.iter().sum::<u64>();
    for &i in order.iter().take(left as usize) {
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keeps_the_total_and_follows_the_weights() {
        assert_eq!(spread(10, &[1.0, 1.0, 3.0]), [2, 2, 6]);
        assert_eq!(spread(3, &[1.0, 1.0, 1.0, 1.0]), [1, 1, 1, 0]);
        assert_eq!(spread(0, &[2.0, 1.0]), [0, 0]);
    }

    #[test]
    fn months_keep_their_totals_and_cny_and_saturdays_stand_out() {
        let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let counts = daily_counts(first, 90, [500.0, 100.0, 400.0]);
        let month = |m: u32, g: usize| -> u64 {
            counts
                .iter()
                .enumerate()
                .filter(|(d, _)| (first + Days::new(*d as u64)).month() == m)
                .map(|(_, c)| c[g])
                .sum()
        };
        assert_eq!(
            [month(1, 0), month(2, 0), month(3, 0)],
            [15_500, 14_000, 15_500]
        );
        assert_eq!(
            [month(1, 1), month(2, 1), month(3, 1)],
            [3_100, 2_800, 3_100]
        );
        // 4 January 2025 is a Saturday, 6 January a Monday; CNY is on 29 January.
        assert!(counts[3][0] as f64 > 1.8 * counts[5][0] as f64);
        // A window inside a month sees the same days.
        assert_eq!(
            daily_counts(first + Days::new(10), 5, [500.0, 100.0, 400.0]),
            counts[10..15]
        );
        let week = |from: usize, g: usize| counts[from..from + 7].iter().map(|c| c[g]).sum::<u64>();
        assert!(
            week(27, 1) as f64 > 1.5 * week(6, 1) as f64,
            "{} vs {}",
            week(27, 1),
            week(6, 1)
        );
    }
}
