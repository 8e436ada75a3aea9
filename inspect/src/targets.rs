//! The realism targets: `inspect/targets.toml`, embedded and checked.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The embedded targets file.
pub const TARGETS_TOML: &str = include_str!("../targets.toml");

/// One figure's target, as written in `targets.toml` (see the file's header for each field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Figure id.
    pub id: String,
    /// What is measured, over what population.
    pub description: String,
    /// Unit of the value.
    pub unit: String,
    /// Reference figure of the source, if it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Lower end of the acceptance band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper end of the acceptance band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Short source label.
    pub cite: String,
    /// Full citation with DOI or URL, or `assumption: …`.
    pub source: String,
    /// How the band was set.
    pub band: String,
    /// How the dataset is expected to compare, if worth saying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Target {
    /// Whether `value` lies in the band.
    pub fn contains(&self, value: f64) -> bool {
        self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m)
    }

    /// The band as text, e.g. `0.85 – 3.42 (ref 1.71)` or `≥ 0.85`.
    pub fn band_text(&self) -> String {
        let band = match (self.min, self.max) {
            (Some(a), Some(b)) => format!("{} – {}", number(a), number(b)),
            (Some(a), None) => format!("≥ {}", number(a)),
            (None, Some(b)) => format!("≤ {}", number(b)),
            (None, None) => String::new(),
        };
        match self.value {
            Some(v) => format!("{band} (ref {})", number(v)),
            None => band,
        }
    }

    /// Why this entry is unusable, if it is.
    fn problem(&self) -> Option<String> {
        let text = [
            ("description", &self.description),
            ("unit", &self.unit),
            ("cite", &self.cite),
            ("source", &self.source),
            ("band", &self.band),
        ];
        if let Some((field, _)) = text.iter().find(|(_, v)| v.trim().is_empty()) {
            return Some(format!("{field} is empty"));
        }
        let s = &self.source;
        if !(s.starts_with("assumption: ") || s.contains("doi:") || s.contains("https://")) {
            return Some("source needs a DOI, a URL or an \"assumption: …\"".into());
        }
        match (self.min, self.max) {
            (None, None) => return Some("needs min or max".into()),
            (Some(a), Some(b)) if a > b => return Some(format!("min {a} is above max {b}")),
            _ => {}
        }
        if let Some(v) = self.value.filter(|&v| !self.contains(v)) {
            return Some(format!("reference value {v} lies outside its own band"));
        }
        None
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    target: Vec<Target>,
}

/// Parses and checks a targets file: unique ids, text fields filled, a source with a DOI, a URL
/// or an explicit assumption, and a band that holds the reference value.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, String> {
    let file: TargetsFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut ids = HashSet::new();
    for t in &file.target {
        if !ids.insert(t.id.as_str()) {
            return Err(format!("target {}: duplicate id", t.id));
        }
        if let Some(problem) = t.problem() {
            return Err(format!("target {}: {problem}", t.id));
        }
    }
    Ok(file.target)
}

/// The embedded targets, in report order.
pub fn targets() -> &'static [Target] {
    static TARGETS: OnceLock<Vec<Target>> = OnceLock::new();
    TARGETS.get_or_init(|| {
        parse_targets(TARGETS_TOML)
            .unwrap_or_else(|e| panic!("inspect/targets.toml (checked by its tests): {e}"))
    })
}

/// A number to about three significant digits (at most three decimals), trailing zeros removed.
pub(crate) fn number(v: f64) -> String {
    let a = v.abs();
    let decimals = match a {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    };
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text == "-0" {
            "0".into()
        } else {
            text.into()
        }
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_is_valid() {
        let targets = parse_targets(TARGETS_TOML).expect("targets.toml");
        assert!(!targets.is_empty());
    }

    #[test]
    fn every_target_has_a_source() {
        for t in targets() {
            let s = &t.source;
            assert!(
                s.starts_with("assumption: ") || s.contains("doi:10.") || s.contains("https://"),
                "{}: {s}",
                t.id
            );
            assert!(!t.cite.trim().is_empty(), "{}", t.id);
        }
    }

    #[test]
    fn problems_are_reported() {
        let ok = r#"
[[target]]
id = "x"
description = "d"
unit = "u"
min = 1.0
cite = "c"
source = "assumption: because"
band = "b"
"#;
        assert_eq!(parse_targets(ok).unwrap().len(), 1);
        let cases = [
            (
                ok.replace("assumption: because", "my guess"),
                "source needs",
            ),
            (ok.replace("min = 1.0", ""), "needs min or max"),
            (ok.replace("min = 1.0", "min = 2.0\nmax = 1.0"), "above max"),
            (
                ok.replace("min = 1.0", "min = 1.0\nvalue = 0.5"),
                "outside its own band",
            ),
            (ok.replace("unit = \"u\"", "unit = \" \""), "unit is empty"),
            (format!("{ok}{ok}"), "duplicate id"),
            (
                ok.replace("band = \"b\"", "band = \"b\"\nextra = 1"),
                "unknown field",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_targets(&text).unwrap_err();
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn bands_read_naturally() {
        let t = &parse_targets(TARGETS_TOML).unwrap()[0];
        assert_eq!(t.band_text(), "0.85 – 3.42 (ref 1.71)");
        assert_eq!(
            (number(0.0), number(0.8969), number(69.4), number(350.0)),
            ("0".into(), "0.897".into(), "69.4".into(), "350".into())
        );
        assert!(t.contains(0.85) && t.contains(3.42) && !t.contains(3.5));
    }

    /// The González et al. quantiles in the file are those of the fitted distribution.
    #[test]
    fn gonzalez_reference_quantiles_match_the_fit() {
        let (r0, beta, kappa) = (5.8, 1.65, 350.0);
        let density = |r: f64| (r + r0).powf(-beta) * (-r / kappa).exp();
        let (step, n) = (0.001, 5_000_000);
        let total: f64 = (0..n).map(|i| density((i as f64 + 0.5) * step)).sum();
        let mut quantiles = [(0.1, f64::NAN), (0.5, f64::NAN), (0.9, f64::NAN)];
        let (mut acc, mut above_100) = (0.0, 0.0);
        for i in 0..n {
            let r = (i as f64 + 0.5) * step;
            acc += density(r) / total;
            if r > 100.0 {
                above_100 += density(r) / total;
            }
            for q in quantiles.iter_mut().filter(|q| q.1.is_nan() && acc >= q.0) {
                q.1 = r;
            }
        }
        let reference = |id: &str| {
            targets()
                .iter()
                .find(|t| t.id == id)
                .and_then(|t| t.value)
                .unwrap()
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 0.01 * b;
        assert!(
            close(reference("rg_p10_km"), quantiles[0].1),
            "{quantiles:?}"
        );
        assert!(
            close(reference("rg_p50_km"), quantiles[1].1),
            "{quantiles:?}"
        );
        assert!(
            close(reference("rg_p90_km"), quantiles[2].1),
            "{quantiles:?}"
        );
        assert!(
            close(reference("rg_share_above_100km"), above_100),
            "{above_100}"
        );
    }
}
