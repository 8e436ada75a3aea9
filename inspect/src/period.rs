//! The scenario period a dataset covers, read from its manifest, and local (UTC+8) days.

use std::path::Path;

use serde::Serialize;
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;
use telcosynth_sinks::{MANIFEST_FILE, Manifest};

use crate::error::InspectError;

/// Seconds per day.
const DAY_S: i64 = 86_400;

/// Local dates of the scenario period, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`.
    pub end: String,
    /// Number of days.
    pub days: u32,
    /// First day as days since 1970-01-01.
    #[serde(skip)]
    first_day: i64,
}

impl Period {
    /// The `[period]` of the manifest's scenario text.
    pub(crate) fn from_manifest(dir: &Path, manifest: &Manifest) -> Result<Period, InspectError> {
        let error = |message: String| InspectError::Period {
            path: dir.join(MANIFEST_FILE),
            message,
        };
        let scenario: toml::Table =
            toml::from_str(&manifest.scenario.text).map_err(|e| error(format!("not TOML: {e}")))?;
        let date = |field: &str| -> Result<(String, i64), InspectError> {
            let value = scenario
                .get("period")
                .and_then(|p| p.get(field))
                .ok_or_else(|| error(format!("no period.{field}")))?;
            let text = match value {
                toml::Value::Datetime(dt) => dt.to_string(),
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let days = epoch_day(&text).ok_or_else(|| {
                error(format!("period.{field} = {text} is not a date YYYY-MM-DD"))
            })?;
            Ok((text, days))
        };
        let ((start, first_day), (end, last_day)) = (date("start")?, date("end")?);
        if last_day < first_day {
            return Err(error(format!(
                "period.end {end} is before period.start {start}"
            )));
        }
        Ok(Period {
            start,
            end,
            days: (last_day - first_day + 1) as u32,
            first_day,
        })
    }

    /// Index (from 0) of the local day of `utc_seconds` within the period, if inside it.
    pub(crate) fn day_index(&self, utc_seconds: i64) -> Option<u32> {
        let day = self.local_day(utc_seconds);
        (0..i64::from(self.days))
            .contains(&day)
            .then_some(day as u32)
    }

    /// Local days from the first day of the period to the day of `utc_seconds` (negative
    /// before the period).
    pub(crate) fn local_day(&self, utc_seconds: i64) -> i64 {
        (utc_seconds + UTC_OFFSET_SECONDS).div_euclid(DAY_S) - self.first_day
    }

    /// The date `YYYY-MM-DD` of day `index` of the period.
    pub(crate) fn date(&self, index: u32) -> String {
        let (y, m, d) = civil_from_days(self.first_day + i64::from(index));
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Whether `utc_seconds` falls in local night hours, 22:00 to 06:00.
pub(crate) fn is_night(utc_seconds: i64) -> bool {
    let hour = (utc_seconds + UTC_OFFSET_SECONDS).rem_euclid(DAY_S) / 3600;
    !(6..22).contains(&hour)
}

/// Days since 1970-01-01 of a proleptic Gregorian date `YYYY-MM-DD`.
fn epoch_day(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (
        text[..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..].parse().ok()?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    // Days from civil (H. Hinnant): years start in March so the leap day comes last.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_days_of_known_dates() {
        assert_eq!(epoch_day("1970-01-01"), Some(0));
        assert_eq!(epoch_day("2000-03-01"), Some(11_017));
        assert_eq!(epoch_day("2025-01-06"), Some(20_094));
        assert_eq!(epoch_day("2024-02-29"), Some(19_782));
        assert_eq!(epoch_day("2025-02-29"), None);
        assert_eq!(epoch_day("2025-1-06"), None);
    }

    #[test]
    fn dates_round_trip_through_day_counts() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2000-03-01",
            "2024-12-31",
            "2025-01-29",
        ] {
            let (y, m, d) = civil_from_days(epoch_day(text).unwrap());
            assert_eq!(format!("{y:04}-{m:02}-{d:02}"), text);
        }
        let p = Period {
            start: "2025-01-20".into(),
            end: "2025-02-05".into(),
            days: 17,
            first_day: epoch_day("2025-01-20").unwrap(),
        };
        assert_eq!(p.date(0), "2025-01-20");
        assert_eq!(p.date(12), "2025-02-01");
        assert_eq!(
            p.local_day(p.first_day * DAY_S - UTC_OFFSET_SECONDS - 1),
            -1
        );
    }

    #[test]
    fn local_days_and_nights_are_malaysia_time() {
        let p = Period {
            start: "2025-01-06".into(),
            end: "2025-01-07".into(),
            days: 2,
            first_day: 20_094,
        };
        let midnight = 20_094 * DAY_S - UTC_OFFSET_SECONDS; // 2025-01-06 00:00 local
        assert_eq!(p.day_index(midnight - 1), None);
        assert_eq!(p.day_index(midnight), Some(0));
        assert_eq!(p.day_index(midnight + DAY_S), Some(1));
        assert_eq!(p.day_index(midnight + 2 * DAY_S), None);
        assert!(is_night(midnight + 5 * 3600 + 3599));
        assert!(!is_night(midnight + 6 * 3600));
        assert!(!is_night(midnight + 21 * 3600 + 3599));
        assert!(is_night(midnight + 22 * 3600));
    }
}
