//! Handset type allocation codes (TACs) and brand shares.
//!
//! The TAC table is derived from the Osmocom TAC database and is licensed CC BY-SA 3.0;
//! see `generator/data/README.md`.

/// A type allocation code: the first 8 digits of an IMEI.
#[derive(Debug, Clone)]
pub struct Tac {
    /// The 8 digits.
    pub tac: &'static str,
    /// Brand, e.g. `Samsung`.
    pub brand: &'static str,
    /// Model name.
    pub model: &'static str,
}

/// A brand's share of handsets in use.
#[derive(Debug, Clone)]
pub struct BrandShare {
    /// Brand, spelled as in [`Tac::brand`].
    pub brand: &'static str,
    /// Share; the shares sum to 1.
    pub share: f64,
}

/// All TACs, grouped by brand.
pub fn tacs() -> &'static [Tac] {
    todo!()
}

/// Brand shares, restricted to brands that have TACs, renormalised to 1.
pub fn handset_brand_shares() -> &'static [BrandShare] {
    todo!()
}
