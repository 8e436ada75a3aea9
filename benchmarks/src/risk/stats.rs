//! Rates with 95% Wilson score intervals and Anonymeter's normalised risk.

use serde::Serialize;

/// Two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// A success rate over `n` trials with its 95% Wilson score interval. `hits` may be fractional
/// (an attack that ties between k candidates scores 1/k).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rate {
    /// Trials.
    pub n: u64,
    /// Successes.
    pub hits: f64,
    /// `hits / n` (0 when `n` is 0).
    pub rate: f64,
    /// 95% Wilson score interval `[low, high]`; `[0, 1]` when `n` is 0.
    pub ci95: [f64; 2],
}

impl Rate {
    /// The rate of `hits` successes in `n` trials.
    pub fn new(hits: f64, n: u64) -> Rate {
        let rate = if n == 0 { 0.0 } else { hits / n as f64 };
        Rate {
            n,
            hits,
            rate,
            ci95: wilson(rate, n),
        }
    }
}

/// The 95% Wilson score interval of a proportion `p` observed in `n` trials.
pub fn wilson(p: f64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let n = n as f64;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // Exact at the ends: the interval of 0/n starts at 0 and that of n/n ends at 1.
    let low = if p <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if p >= 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [low, high]
}

/// Anonymeter's normalised risk `(r_attack − r_baseline) / (1 − r_baseline)`: the share of what
/// the baseline could not achieve that the attack did. `None` when the baseline is 1.
pub fn normalised_risk(attack: f64, baseline: f64) -> Option<f64> {
    (baseline < 1.0).then(|| (attack - baseline) / (1.0 - baseline))
}

/// One attack's outcome: its rate on targets, the baseline rate and the normalised risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackResult {
    /// Attack name, e.g. `unicity`.
    pub attack: String,
    /// Number of known points, for attacks that take them.
    pub p: Option<u32>,
    /// Success on the sampled targets.
    pub attack_rate: Rate,
    /// Success of the baseline (see RISK.md for each attack's baseline).
    pub baseline_rate: Rate,
    /// [`normalised_risk`] of the two rates.
    pub normalised_risk: Option<f64>,
}

impl AttackResult {
    /// Combines an attack rate and its baseline.
    pub fn new(attack: &str, p: Option<u32>, attack_rate: Rate, baseline_rate: Rate) -> Self {
        AttackResult {
            attack: attack.to_owned(),
            p,
            normalised_risk: normalised_risk(attack_rate.rate, baseline_rate.rate),
            attack_rate,
            baseline_rate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    #[test]
    fn wilson_matches_newcombe_1998() {
        // Newcombe (1998), Statistics in Medicine 17:857, table I, method 3.
        let [lo, hi] = wilson(81.0 / 263.0, 263);
        assert!(close(lo, 0.2553) && close(hi, 0.3662), "{lo} {hi}");
        let [lo, hi] = wilson(15.0 / 148.0, 148);
        assert!(close(lo, 0.0624) && close(hi, 0.1605), "{lo} {hi}");
    }

    #[test]
    fn wilson_of_none_and_all() {
        // 0/n: [0, z²/(n+z²)]; n/n mirrors it.
        let [lo, hi] = wilson(0.0, 10);
        assert_eq!(lo, 0.0);
        assert!(close(hi, 0.2775), "{hi}");
        let [lo, hi] = wilson(1.0, 10);
        assert!(close(lo, 0.7225), "{lo}");
        assert_eq!(hi, 1.0);
        assert_eq!(wilson(0.0, 0), [0.0, 1.0]);
    }

    #[test]
    fn normalised_risk_is_anonymeters() {
        assert!(close(normalised_risk(0.6, 0.2).unwrap(), 0.5));
        assert_eq!(normalised_risk(0.2, 0.2), Some(0.0));
        assert_eq!(normalised_risk(1.0, 0.0), Some(1.0));
        assert!(normalised_risk(0.1, 0.3).unwrap() < 0.0);
        assert_eq!(normalised_risk(1.0, 1.0), None);
    }

    #[test]
    fn fractional_hits_count() {
        let r = Rate::new(2.5, 10);
        assert_eq!(r.rate, 0.25);
        assert!(r.ci95[0] < 0.25 && 0.25 < r.ci95[1]);
    }
}
