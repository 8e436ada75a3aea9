//! How much each person communicates, and when in the day.
//!
//! Sources and assumptions:
//! * Voice: about 1.71 call events (made or received) per user per day (Léo et al. 2016, a
//!   national CDR data set; see the realism targets). [`EXTERNAL_SHARE`] of them are with numbers
//!   outside the scenario (fixed lines, abroad); the rest run over the contact graph.
//! * Activity levels are heavy-tailed: log-normal with mean 1 and σ = [`ACTIVITY_SIGMA`]
//!   (assumption, in line with the log-normal call volumes reported across CDR studies).
//! * SMS: MCMC reported about 27 SMS per subscription per month (≈ 0.9 a day, 2016); person-to-
//!   person SMS has declined since, so contacts exchange [`SMS_PER_CALL`] SMS per call (assumption).
//! * Calls come in conversations: after a call, another follows on the same tie with probability
//!   [`FOLLOW_UP`] after an exponential gap of mean [`FOLLOW_UP_GAP_S`] seconds (burstiness).
//! * Hour-of-day profiles ([`VOICE_BY_HOUR`], [`DATA_BY_HOUR`]) are assumptions shaped like the
//!   diurnal curves of published CDR studies: quiet nights, a morning rise, evening peaks.

use crate::rng::{Purpose, stream};
use crate::sampling::log_normal;

/// σ of the log-normal activity level (mean 1).
pub(crate) const ACTIVITY_SIGMA: f64 = 0.8;
/// Voice events per phone user per day (made or received).
pub(crate) const VOICE_EVENTS_PER_DAY: f64 = 1.71;
/// Share of voice events with numbers outside the scenario.
pub(crate) const EXTERNAL_SHARE: f64 = 0.2;
/// SMS per call on a tie.
pub(crate) const SMS_PER_CALL: f64 = 0.5;
/// Probability that a call is followed by another in the same conversation.
pub(crate) const FOLLOW_UP: f64 = 0.3;
/// Mean gap between calls of a conversation, seconds.
pub(crate) const FOLLOW_UP_GAP_S: f64 = 600.0;

/// Relative voice traffic per local hour (0–23).
pub(crate) const VOICE_BY_HOUR: [f64; 24] = [
    0.3, 0.15, 0.1, 0.08, 0.1, 0.3, 0.8, 1.5, 2.5, 3.2, 3.5, 3.6, 3.4, 3.3, 3.4, 3.5, 3.6, 3.9,
    4.0, 4.0, 3.8, 3.2, 2.2, 1.0,
];

/// Relative data traffic per local hour (0–23).
pub(crate) const DATA_BY_HOUR: [f64; 24] = [
    1.2, 0.7, 0.4, 0.3, 0.3, 0.5, 1.0, 1.6, 1.9, 2.0, 2.1, 2.2, 2.4, 2.3, 2.2, 2.2, 2.3, 2.5, 2.7,
    3.0, 3.3, 3.4, 3.0, 2.0,
];

/// A person's communication activity level (mean 1 over the population).
pub(crate) fn activity(seed: u64, person: u64) -> f64 {
    let sigma = ACTIVITY_SIGMA;
    log_normal(
        &mut stream(seed, Purpose::Activity, person, 0),
        -sigma * sigma / 2.0,
        sigma,
    )
}

/// Network load of an hour relative to the busiest hour, in (0, 1].
pub(crate) fn voice_load(hour: usize) -> f64 {
    let peak = VOICE_BY_HOUR.iter().copied().fold(0.0, f64::max);
    VOICE_BY_HOUR[hour % 24] / peak
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_has_mean_one_and_a_heavy_tail() {
        let xs: Vec<f64> = (0..50_000).map(|p| activity(3, p)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 1.0).abs() < 0.03, "mean {mean}");
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let (p50, p99) = (sorted[25_000], sorted[49_500]);
        assert!(p99 / p50 > 5.0, "p99/p50 = {}", p99 / p50);
    }
}
