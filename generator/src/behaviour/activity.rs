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
//! * Not every SIM is on the network every day ([`SimUse`], [`on_network`]): a share
//!   [`DATA_OFF_SHARE`] of SIMs never open data sessions (feature phones, data switched off;
//!   source below), a share [`OCCASIONAL_SHARE`] of second SIMs are used only on about
//!   [`OCCASIONAL_DAY`] of days, and a SIM used daily is off for a whole day (phone off, prepaid
//!   credit run out) with probability [`DAY_OFF`].
//! * Hour-of-day profiles ([`VOICE_BY_HOUR`], [`DATA_BY_HOUR`]) are assumptions shaped like the
//!   diurnal curves of published CDR studies: quiet nights, a morning rise, evening peaks.

use crate::population::MAX_SIMS;
use crate::rng::{Purpose, key_hash, stream, unit_f64};
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

/// Share of SIMs that never use mobile data: 86.9 % of Celcom's 9.24 million subscribers were
/// mobile internet users in 4Q22 (`mobile_market_facts.csv`, CelcomDigi 4Q22 results via
/// Malaysian Wireless; 77.1 % in 4Q19, `mobile_usage_facts.csv`).
pub(crate) const DATA_OFF_SHARE: f64 = 1.0 - 0.869;
/// Share of second SIMs (slot 1 and above) used only occasionally (assumption: a SIM kept for a
/// cheaper tariff or a promotion; 1.31 subscriptions per person in 2018 against a mobile
/// broadband penetration of 1.14, `mobile_usage_facts.csv`, leave many lines with little use).
pub(crate) const OCCASIONAL_SHARE: f64 = 0.5;
/// Probability an occasional SIM is in use on a day (assumption: about once a week).
pub(crate) const OCCASIONAL_DAY: f64 = 1.0 / 7.0;
/// Probability a SIM used daily is off for a whole day (assumption: phone off or lost, prepaid
/// credit run out; about one day a month).
pub(crate) const DAY_OFF: f64 = 0.03;

/// How a SIM is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SimUse {
    /// On the network daily, with calls, SMS and data.
    Daily,
    /// On the network daily, calls and SMS only (a feature phone, or data switched off).
    DataOff,
    /// A second SIM used about once a week.
    Occasional,
}

/// How SIM `key` (person id × `MAX_SIMS` + slot) is used: a pure function of (seed, key).
pub(crate) fn sim_use(seed: u64, key: u64) -> SimUse {
    let draw = |tag: u64| unit_f64(key_hash(seed, &[Purpose::SimUse as u64, key, tag]));
    if !key.is_multiple_of(MAX_SIMS) && draw(0) < OCCASIONAL_SHARE {
        SimUse::Occasional
    } else if draw(1) < DATA_OFF_SHARE {
        SimUse::DataOff
    } else {
        SimUse::Daily
    }
}

/// Whether SIM `key` is on the network on scenario day `day` (any call, SMS or data at all):
/// a pure function of (seed, key, day), so both ends of a call agree.
pub(crate) fn on_network(seed: u64, key: u64, day: u32) -> bool {
    let draw = unit_f64(key_hash(
        seed,
        &[Purpose::SimUse as u64, key, 2, u64::from(day)],
    ));
    match sim_use(seed, key) {
        SimUse::Occasional => draw < OCCASIONAL_DAY,
        SimUse::Daily | SimUse::DataOff => draw >= DAY_OFF,
    }
}

/// Whether SIM `key` opens data sessions on day `day`.
pub(crate) fn uses_data(seed: u64, key: u64, day: u32) -> bool {
    sim_use(seed, key) != SimUse::DataOff && on_network(seed, key, day)
}

/// The slot person `person` (with `sims` SIMs) uses for a call or SMS on day `day` when `drawn`
/// was drawn: that SIM when it is on the network, else the first of their SIMs that is, else
/// `None` (the person makes and receives nothing that day).
pub(crate) fn usable_slot(seed: u64, person: u64, sims: u8, drawn: u8, day: u32) -> Option<u8> {
    let on = |slot: u8| on_network(seed, person * MAX_SIMS + u64::from(slot), day);
    if on(drawn) {
        return Some(drawn);
    }
    (0..sims).find(|&s| s != drawn && on(s))
}

/// Relative voice traffic per local hour (0–23).
pub(crate) const VOICE_BY_HOUR: [f64; 24] = [
    0.3, 0.15, 0.1, 0.08, 0.1, 0.3, 0.8, 1.5, 2.5, 3.2, 3.5, 3.6, 3.4, 3.3, 3.4, 3.5, 3.6, 3.9,
    4.0, 4.0, 3.8, 3.2, 2.2, 1.0,
];

/// Relative voice traffic between colleagues per local hour (0–23; assumption: office hours).
pub(crate) const COLLEAGUE_BY_HOUR: [f64; 24] = [
    0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.1, 0.4, 1.5, 3.0, 3.5, 3.5, 2.5, 2.5, 3.2, 3.4, 3.0, 2.0,
    0.8, 0.4, 0.3, 0.2, 0.1, 0.05,
];
/// Colleagues' calls on a rest day relative to a working day (assumption).
pub(crate) const COLLEAGUE_REST_DAY: f64 = 0.1;

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

    #[test]
    fn sim_uses_and_days_on_the_network_follow_the_shares() {
        let n = 40_000u64;
        let first: Vec<SimUse> = (0..n).map(|p| sim_use(5, p * MAX_SIMS)).collect();
        let share = |uses: &[SimUse], u: SimUse| {
            uses.iter().filter(|&&x| x == u).count() as f64 / uses.len() as f64
        };
        assert_eq!(
            share(&first, SimUse::Occasional),
            0.0,
            "first SIMs are used"
        );
        assert!((share(&first, SimUse::DataOff) - DATA_OFF_SHARE).abs() < 0.01);
        let second: Vec<SimUse> = (0..n).map(|p| sim_use(5, p * MAX_SIMS + 1)).collect();
        assert!((share(&second, SimUse::Occasional) - OCCASIONAL_SHARE).abs() < 0.01);
        let days_on = |key: u64| (0..70).filter(|&d| on_network(5, key, d)).count() as f64;
        let (mut occasional, mut daily) = ((0.0, 0.0), (0.0, 0.0));
        for key in (0..4_000).map(|p| p * MAX_SIMS + 1) {
            let acc = match sim_use(5, key) {
                SimUse::Occasional => &mut occasional,
                _ => &mut daily,
            };
            *acc = (acc.0 + days_on(key), acc.1 + 70.0);
        }
        assert!((occasional.0 / occasional.1 - OCCASIONAL_DAY).abs() < 0.01);
        assert!((daily.0 / daily.1 - (1.0 - DAY_OFF)).abs() < 0.005);
        for key in 0..2_000 {
            if sim_use(5, key) == SimUse::DataOff {
                assert!((0..10).all(|d| !uses_data(5, key, d)));
            }
        }
    }

    #[test]
    fn calls_move_to_a_sim_on_the_network() {
        for person in 0..3_000u64 {
            for day in 0..5 {
                let on = |s: u8| on_network(5, person * MAX_SIMS + u64::from(s), day);
                match usable_slot(5, person, 2, 1, day) {
                    Some(s) => assert!(on(s) && (s == 1 || !on(1))),
                    None => assert!(!on(0) && !on(1)),
                }
            }
        }
    }
}
