//! Mobile data use: a SIM's active periods on a day, its daily volume, and over-the-top voice
//! calls carried in them.
//!
//! Sources and assumptions:
//! * Volume: 18.9 GB per subscription per month in 2023 (MCMC via the bundled market facts), so
//!   about [`MEAN_DAILY_GB`] a day, log-normal across SIM-days with σ = [`VOLUME_SIGMA`]
//!   (assumption: heavy-tailed, a few heavy users carry most traffic) truncated at
//!   [`MAX_DAILY_GB`] (assumption: about 240 GB a month, the heaviest users of unlimited plans;
//!   0.4 % of the draws fall above it and are redrawn) and rescaled so that the mean stays the
//!   target; second SIMs carry [`SECOND_SIM_VOLUME`] of that (assumption). The tail: a first
//!   SIM's day exceeds 1 GB with probability 17 %, 2 GB with 6.1 % and 5 GB with 0.76 %.
//!   The packet-gateway records carry at most the serving technology's sustained throughput
//!   (`records::sessions`), so short active periods carry less than their share of a heavy
//!   day.
//! * Active periods: 1 + Poisson([`EXTRA_PERIODS`]) a day, starting by the hourly data profile,
//!   lasting log-normal with a median of [`MEDIAN_PERIOD_S`] seconds (assumption).
//! * Uplink is [`UPLINK_SHARE`] of the bytes (assumption: downlink-heavy video and browsing).
//! * Over-the-top calls: [`OTT_CALLS_PER_DAY`] a day per active user scaled by activity
//!   (assumption; WhatsApp is Malaysia's dominant messaging app), about 3 kB/s each way.

use crate::rng::{Purpose, stream};
use std::sync::OnceLock;

use crate::sampling::{Weighted, index, log_normal, poisson};

use super::activity::DATA_BY_HOUR;

/// Mean data volume per SIM per day, GB.
pub(crate) const MEAN_DAILY_GB: f64 = 18.9 / 30.4;
/// σ of the log-normal daily volume.
pub(crate) const VOLUME_SIGMA: f64 = 1.2;
/// Largest data volume of a first SIM on one day, GB.
pub(crate) const MAX_DAILY_GB: f64 = 8.0;
/// Volume of a second SIM relative to a first.
pub(crate) const SECOND_SIM_VOLUME: f64 = 0.5;
/// Mean extra active periods a day.
pub(crate) const EXTRA_PERIODS: f64 = 7.0;
/// Median active period, seconds.
pub(crate) const MEDIAN_PERIOD_S: f64 = 900.0;
/// Shortest active period, seconds.
const MIN_PERIOD_S: i64 = 30;
/// Share of bytes sent uplink.
pub(crate) const UPLINK_SHARE: f64 = 0.12;
/// Over-the-top calls per day at activity 1.
pub(crate) const OTT_CALLS_PER_DAY: f64 = 1.2;
/// Bytes per second of an over-the-top call, each way.
pub(crate) const OTT_BYTES_PER_S: f64 = 3_000.0;
/// Applications of over-the-top calls and their shares (assumption).
pub(crate) const OTT_SERVICES: &[(&str, f64)] = &[
    ("whatsapp", 0.80),
    ("telegram", 0.06),
    ("wechat", 0.05),
    ("messenger", 0.05),
    ("other", 0.04),
];

/// A period of data activity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ActivePeriod {
    /// Start, UTC seconds.
    pub start: i64,
    /// End, UTC seconds.
    pub end: i64,
}

/// An over-the-top voice call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OttCall {
    /// Application.
    pub(crate) service: &'static str,
    /// Start, UTC seconds.
    pub start: i64,
    /// Duration, seconds.
    pub duration_s: i32,
}

/// A SIM's data use on one day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DataDay {
    /// Disjoint active periods in time order, inside the day.
    pub(crate) periods: Vec<ActivePeriod>,
    /// Total bytes of the day.
    pub bytes: f64,
    /// Over-the-top calls, each inside a period.
    pub(crate) ott_calls: Vec<OttCall>,
}

/// The data day of SIM `sim_key` (slot `slot`) of a person with activity `activity`.
pub(crate) fn data_day(
    seed: u64,
    sim_key: u64,
    slot: u8,
    activity: f64,
    midnight: i64,
    day: u32,
) -> DataDay {
    let mut rng = stream(seed, Purpose::DataDay, sim_key, day);
    let scale = if slot == 0 { 1.0 } else { SECOND_SIM_VOLUME };
    let bytes = MEAN_DAILY_GB * 1e9 * scale * relative_volume(&mut rng);
    let hours = Weighted::new(DATA_BY_HOUR);
    let mut periods: Vec<ActivePeriod> = (0..1 + poisson(&mut rng, EXTRA_PERIODS))
        .map(|_| {
            let start = hours.sample(&mut rng) as i64 * 3_600 + index(&mut rng, 3_600) as i64;
            // Late starts move back so that every period lasts at least its minimum.
            let start = start.min(86_399 - MIN_PERIOD_S);
            let length = log_normal(&mut rng, libm::log(MEDIAN_PERIOD_S), 1.0)
                .clamp(MIN_PERIOD_S as f64, 4.0 * 3_600.0) as i64;
            ActivePeriod {
                start: midnight + start,
                end: midnight + (start + length).min(86_399),
            }
        })
        .collect();
    periods.sort_by_key(|p| p.start);
    let mut merged: Vec<ActivePeriod> = Vec::with_capacity(periods.len());
    for p in periods {
        match merged.last_mut() {
            Some(last) if p.start <= last.end => last.end = last.end.max(p.end),
            _ => merged.push(p),
        }
    }
    let mut ott_calls = Vec::new();
    if slot == 0 {
        let services = Weighted::new(OTT_SERVICES.iter().map(|s| s.1));
        for _ in 0..poisson(&mut rng, OTT_CALLS_PER_DAY * activity) {
            let period = merged[index(&mut rng, merged.len())];
            let start =
                period.start + index(&mut rng, (period.end - period.start).max(1) as usize) as i64;
            let duration_s = log_normal(&mut rng, libm::log(90.0), 1.0).clamp(5.0, 3_600.0) as i64;
            let duration_s = duration_s.min(period.end - start).max(1) as i32;
            ott_calls.push(OttCall {
                service: OTT_SERVICES[services.sample(&mut rng)].0,
                start,
                duration_s,
            });
        }
        ott_calls.sort_by_key(|c| (c.start, c.duration_s));
    }
    DataDay {
        periods: merged,
        bytes,
        ott_calls,
    }
}

/// Standard normal distribution function.
fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// A day's volume relative to the mean: log-normal with σ = [`VOLUME_SIGMA`], truncated at
/// [`MAX_DAILY_GB`] / [`MEAN_DAILY_GB`] (draws above are redrawn) and scaled to mean 1.
fn relative_volume(rng: &mut crate::rng::StreamRng) -> f64 {
    static LAW: OnceLock<(f64, f64)> = OnceLock::new();
    let sigma = VOLUME_SIGMA;
    // (k, limit): the untruncated mean-1 draw is kept below `limit` and multiplied by k, the
    // inverse of the truncated mean, so that k × limit is the maximum.
    let &(k, limit) = LAW.get_or_init(|| {
        let max = MAX_DAILY_GB / MEAN_DAILY_GB;
        let mut k = 1.0;
        for _ in 0..50 {
            let z = (libm::log(max / k) + sigma * sigma / 2.0) / sigma;
            k = normal_cdf(z) / normal_cdf(z - sigma);
        }
        (k, max / k)
    });
    loop {
        let x = log_normal(rng, -sigma * sigma / 2.0, sigma);
        if x <= limit {
            return k * x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_disjoint_inside_the_day_and_calls_inside_periods() {
        for sim in 0..300 {
            let d = data_day(2, sim, 0, 1.5, 1_000_000, 3);
            assert!(!d.periods.is_empty());
            for w in d.periods.windows(2) {
                assert!(w[0].end < w[1].start);
            }
            assert!(
                d.periods.iter().all(|p| p.start >= 1_000_000
                    && p.end < 1_000_000 + 86_400
                    && p.start <= p.end)
            );
            for c in &d.ott_calls {
                let end = c.start + i64::from(c.duration_s);
                assert!(
                    d.periods.iter().any(|p| p.start <= c.start && end <= p.end),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn daily_volume_has_the_target_mean_and_a_bounded_tail() {
        let mut gb: Vec<f64> = (0..40_000)
            .map(|sim| data_day(2, sim, 0, 1.0, 0, 0).bytes / 1e9)
            .collect();
        let mean_gb = gb.iter().sum::<f64>() / gb.len() as f64;
        assert!(
            (mean_gb - MEAN_DAILY_GB).abs() < 0.05 * MEAN_DAILY_GB,
            "{mean_gb} GB"
        );
        gb.sort_by(f64::total_cmp);
        let above = |x: f64| gb.iter().filter(|&&v| v > x).count() as f64 / gb.len() as f64;
        assert!(gb[gb.len() - 1] <= MAX_DAILY_GB, "{} GB", gb[gb.len() - 1]);
        // The documented tail: 17 % above 1 GB, 6.1 % above 2 GB, 0.76 % above 5 GB.
        assert!((above(1.0) - 0.171).abs() < 0.01, "{}", above(1.0));
        assert!((above(2.0) - 0.061).abs() < 0.006, "{}", above(2.0));
        assert!((above(5.0) - 0.0076).abs() < 0.002, "{}", above(5.0));
    }
}
