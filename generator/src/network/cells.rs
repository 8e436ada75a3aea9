//! Cells: three sectors per site, one cell per sector and radio layer, with identities in the
//! real formats (CGI for GSM, ECGI for LTE, NR CGI for 5G).
//!
//! Layers: LTE band 3 (1800 MHz) on every site; 5G NR n78 (3500 MHz, the DNB wholesale band)
//! on [`NR_URBAN_SHARE`] of urban and [`NR_RURAL_SHARE`] of rural sites, scaled by the state's 5G
//! population coverage when known; GSM 900 on [`GSM_RURAL_SHARE`] of the rural sites of the
//! operators that still run 2G (CelcomDigi and Maxis).
//!
//! 2G-only sites: a remote rural site of those operators carries GSM 900 alone with probability
//! [`gsm_only_share`], which grows as its district's population density falls (from 0 at
//! [`DENSE_PER_KM2`] to [`GSM_ONLY_MAX`] at [`SPARSE_PER_KM2`] and below, linear in the
//! logarithm of the density); rural sites within [`TOWN_LTE_KM`] of one of the district's town
//! sites always carry LTE. Assumption: 4G roll-out reached towns and their surroundings first and
//! the interior of Sabah and Sarawak last. Calibration target: 96.96% of the residents of
//! Malaysia live within reach of a 4G site (`coverage_4g_populated_areas`, September 2023,
//! `mobile_market_facts.csv`; Celcom reported 96.4% at the end of 2022), checked per state by the
//! network's tests for CelcomDigi and Maxis.

use crate::rng::StreamRng;
use crate::sampling::{bernoulli, uniform_in};

/// Share of urban sites with a 5G layer.
pub(crate) const NR_URBAN_SHARE: f64 = 0.7;
/// Share of rural sites with a 5G layer.
pub(crate) const NR_RURAL_SHARE: f64 = 0.1;
/// Share of rural sites of 2G operators with a GSM layer.
pub(crate) const GSM_RURAL_SHARE: f64 = 0.5;
/// Share of remote rural sites of 2G operators that carry GSM only, in the sparsest districts.
pub(crate) const GSM_ONLY_MAX: f64 = 1.0;
/// District population density at and above which no site is 2G-only, residents per km².
pub(crate) const DENSE_PER_KM2: f64 = 1000.0;
/// District population density at and below which [`GSM_ONLY_MAX`] of the remote rural sites are
/// 2G-only, residents per km².
pub(crate) const SPARSE_PER_KM2: f64 = 5.0;
/// Distance from a town site within which a rural site always carries LTE, km.
pub(crate) const TOWN_LTE_KM: f64 = 3.0;

/// Radio technology of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Technology {
    /// 2G.
    Gsm,
    /// 4G.
    Lte,
    /// 5G.
    Nr,
}

impl Technology {
    /// Label used in tables: `2G`, `4G`, `5G`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Technology::Gsm => "2G",
            Technology::Lte => "4G",
            Technology::Nr => "5G",
        }
    }

    /// Frequency band label.
    pub(crate) fn band(self) -> &'static str {
        match self {
            Technology::Gsm => "GSM900",
            Technology::Lte => "B3",
            Technology::Nr => "n78",
        }
    }
}

/// Share of a 2G operator's remote rural sites that carry GSM only, in a district of
/// `density` residents per km².
pub(crate) fn gsm_only_share(density: f64) -> f64 {
    let remoteness =
        (DENSE_PER_KM2.ln() - density.max(1e-9).ln()) / (DENSE_PER_KM2.ln() - SPARSE_PER_KM2.ln());
    GSM_ONLY_MAX * remoteness.clamp(0.0, 1.0)
}

/// Radio layers of a site: GSM alone with probability `gsm_only` (the site's
/// [`gsm_only_share`], 0 where it cannot be 2G-only), otherwise LTE with 5G and GSM layers
/// by their shares.
pub(crate) fn site_layers(
    urban: bool,
    runs_2g: bool,
    gsm_only: f64,
    rng: &mut StreamRng,
) -> Vec<Technology> {
    if gsm_only > 0.0 && bernoulli(rng, gsm_only) {
        return vec![Technology::Gsm];
    }
    let mut layers = vec![Technology::Lte];
    if bernoulli(
        rng,
        if urban {
            NR_URBAN_SHARE
        } else {
            NR_RURAL_SHARE
        },
    ) {
        layers.push(Technology::Nr);
    }
    if !urban && runs_2g && bernoulli(rng, GSM_RURAL_SHARE) {
        layers.insert(0, Technology::Gsm);
    }
    layers
}

/// Azimuth of the first sector, degrees; the others follow at +120° and +240°.
pub(crate) fn first_azimuth(rng: &mut StreamRng) -> f64 {
    uniform_in(rng, 0.0, 120.0).floor()
}

/// Global cell identity: the 28-bit E-UTRAN cell identity, the 36-bit NR cell identity, or the
/// GSM cell identity, as an integer.
pub(crate) fn global_cell_identity(tech: Technology, node_id: u32, sector: u8) -> i64 {
    match tech {
        Technology::Lte => (i64::from(node_id) << 8) | i64::from(sector),
        Technology::Nr => (i64::from(node_id) << 12) | i64::from(sector),
        Technology::Gsm => (i64::from(node_id % 6_000) * 10) + i64::from(sector),
    }
}

/// The cell global identity text, `MCC-MNC-<node>-<cell>` (`MCC-MNC-LAC-CI` for GSM).
pub(crate) fn cgi_text(
    tech: Technology,
    mcc: u16,
    mnc: &str,
    node_id: u32,
    sector: u8,
    tac: u32,
) -> String {
    match tech {
        Technology::Gsm => format!(
            "{mcc}-{mnc}-{tac}-{}",
            global_cell_identity(tech, node_id, sector)
        ),
        _ => format!("{mcc}-{mnc}-{node_id}-{sector}"),
    }
}
