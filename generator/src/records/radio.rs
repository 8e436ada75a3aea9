//! Call outcomes on the radio network: failures and drops depend on the serving cells'
//! technology and load.
//!
//! Of the calls that connect, [`ANSWERED`] are answered, [`BUSY`] meet a busy line and the rest
//! ring out (assumption); calls to or from a party already in a call meet a busy line besides
//! (`records::busy`), which brings busy lines to about 4 % of voice legs. Set-up failure and drop probabilities start from [`BASE_FAILURE`] and
//! [`BASE_DROP`] (assumption consistent with the 2% dropped-call ceiling common in regulators'
//! quality-of-service standards) and scale with the worse of the two parties' cells: by
//! technology (GSM ×1.8, LTE ×1, NR ×1.2 while voice over NR matures) and by load
//! (0.5 + the hour's traffic relative to the busy hour) × crowding (subscribers per site in the
//! site's district relative to the network average, clamped to 0.5–2).

/// Share of connected calls that are answered.
pub(crate) const ANSWERED: f64 = 0.80;
/// Share of connected calls that meet a busy line for reasons other than a call in progress
/// (declined calls).
pub(crate) const BUSY: f64 = 0.022;
/// Call set-up failure probability at factor 1.
pub(crate) const BASE_FAILURE: f64 = 0.01;
/// Drop probability of an answered call at factor 1.
pub(crate) const BASE_DROP: f64 = 0.008;
/// Highest set-up failure probability, whatever the cells.
const MAX_FAILURE: f64 = 0.5;

/// Whether a call with outcome draw `outcome` can be answered (or dropped after an answer) on
/// some cells: answered calls have `outcome` in [failure, failure + (1 − failure) × ANSWERED),
/// below ANSWERED + (1 − ANSWERED) × [`MAX_FAILURE`] for any failure probability.
pub(crate) fn may_be_answered(outcome: f64) -> bool {
    outcome < ANSWERED + (1.0 - ANSWERED) * MAX_FAILURE
}

/// How a voice call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallResult {
    /// Answered and released normally.
    Answered,
    /// Rang out.
    NoAnswer,
    /// Busy line.
    Busy,
    /// Set-up failed.
    Failed,
    /// Answered, then lost.
    Dropped,
}

impl CallResult {
    /// Label used in tables.
    pub(super) fn label(self) -> &'static str {
        match self {
            CallResult::Answered => "answered",
            CallResult::NoAnswer => "no_answer",
            CallResult::Busy => "busy",
            CallResult::Failed => "failed",
            CallResult::Dropped => "dropped",
        }
    }
}

/// Outcome and conversation seconds of a call from its shared draws, the risk factor of the
/// worse cell, and the intended talk time.
pub(crate) fn call_outcome(outcome: f64, cut: f64, risk: f64, talk_s: i32) -> (CallResult, i32) {
    let failure = (BASE_FAILURE * risk).min(MAX_FAILURE);
    if outcome < failure {
        return (CallResult::Failed, 0);
    }
    let u = (outcome - failure) / (1.0 - failure);
    if u >= ANSWERED {
        return if u < ANSWERED + BUSY {
            (CallResult::Busy, 0)
        } else {
            (CallResult::NoAnswer, 0)
        };
    }
    let drop = (BASE_DROP * risk).min(0.5);
    if u / ANSWERED < drop {
        (
            CallResult::Dropped,
            ((f64::from(talk_s) * cut) as i32).max(1),
        )
    } else {
        (CallResult::Answered, talk_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_follow_the_parameters_and_risk_raises_drops() {
        let shares = |risk: f64| {
            let mut counts = [0usize; 5];
            for i in 0..100_000 {
                let u = (i as f64 + 0.5) / 100_000.0;
                let (r, _) = call_outcome(u, 0.5, risk, 60);
                counts[r as usize] += 1;
            }
            counts.map(|c| c as f64 / 100_000.0)
        };
        let low = shares(1.0);
        assert!((low[CallResult::Failed as usize] - BASE_FAILURE).abs() < 1e-3);
        assert!(
            (low[CallResult::Answered as usize] + low[CallResult::Dropped as usize]
                - ANSWERED * 0.99)
                .abs()
                < 2e-3
        );
        for risk in [1.0, 3.0, 1e9] {
            for i in 0..10_000 {
                let u = (i as f64 + 0.5) / 10_000.0;
                let (r, _) = call_outcome(u, 0.5, risk, 60);
                if matches!(r, CallResult::Answered | CallResult::Dropped) {
                    assert!(may_be_answered(u), "{u} answered at risk {risk}");
                }
            }
        }
        let high = shares(3.0);
        assert!(high[CallResult::Dropped as usize] > 2.5 * low[CallResult::Dropped as usize]);
    }
}
