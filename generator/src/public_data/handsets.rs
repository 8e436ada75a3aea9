//! Handset type allocation codes (TACs) and brand shares.
//!
//! The TAC table is derived from the Osmocom TAC database and is licensed CC BY-SA 3.0;
//! see `generator/data/README.md`.

use std::sync::OnceLock;

use super::csv;

/// A type allocation code: the first 8 digits of an IMEI.
#[derive(Debug, Clone)]
pub(crate) struct Tac {
    /// The 8 digits.
    pub tac: &'static str,
    /// Brand, e.g. `Samsung`.
    pub(crate) brand: &'static str,
    /// Model name.
    pub model: &'static str,
}

/// A brand's share of handsets in use.
#[derive(Debug, Clone)]
pub(crate) struct BrandShare {
    /// Brand, spelled as in [`Tac::brand`].
    pub(crate) brand: &'static str,
    /// Share; the shares sum to 1.
    pub share: f64,
}

/// All TACs, sorted by brand then TAC.
pub(crate) fn tacs() -> &'static [Tac] {
    static TACS: OnceLock<Vec<Tac>> = OnceLock::new();
    TACS.get_or_init(|| {
        let text = include_str!("../../data/tac_handsets.csv");
        let tacs: Vec<Tac> = csv::records("tac_handsets.csv", text, ["tac", "brand", "model"])
            .map(|r| {
                let [tac, brand, model] = r.fields;
                if tac.len() != 8 || !tac.bytes().all(|b| b.is_ascii_digit()) {
                    r.fail(format_args!("TAC {tac:?} is not 8 digits"));
                }
                Tac { tac, brand, model }
            })
            .collect();
        assert!(
            tacs.is_sorted_by_key(|t| (t.brand, t.tac)),
            "generator/data/tac_handsets.csv: rows must be sorted by brand then TAC"
        );
        tacs
    })
}

/// The TACs of one brand (empty if the brand is unknown).
#[cfg(test)]
pub(crate) fn brand_tacs(brand: &str) -> &'static [Tac] {
    let tacs = tacs();
    let start = tacs.partition_point(|t| t.brand < brand);
    let end = start + tacs[start..].partition_point(|t| t.brand == brand);
    &tacs[start..end]
}

/// Brand shares, restricted to brands that have TACs, renormalised to 1.
pub(crate) fn handset_brand_shares() -> &'static [BrandShare] {
    static SHARES: OnceLock<Vec<BrandShare>> = OnceLock::new();
    SHARES.get_or_init(|| {
        let text = include_str!("../../data/handset_brand_shares.csv");
        csv::records(
            "handset_brand_shares.csv",
            text,
            ["brand", "share", "source"],
        )
        .map(|r| {
            let [brand, share, _source] = r.fields;
            BrandShare {
                brand,
                share: r.parse(share),
            }
        })
        .collect()
    })
}
