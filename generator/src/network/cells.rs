//! Cells: three sectors per site, one cell per sector and radio layer, with identities in the
//! real formats (CGI for GSM, ECGI for LTE, NR CGI for 5G).
//!
//! Layers: LTE band 3 (1800 MHz) on every site; 5G NR n78 (3500 MHz, the DNB wholesale band)
//! on [`NR_URBAN_SHARE`] of urban and [`NR_RURAL_SHARE`] of rural sites, scaled by the state's 5G
//! population coverage when known; GSM 900 on [`GSM_RURAL_SHARE`] of the rural sites of the
//! operators that still run 2G (CelcomDigi and Maxis).

use crate::rng::StreamRng;
use crate::sampling::{bernoulli, uniform_in};

/// Share of urban sites with a 5G layer.
pub(crate) const NR_URBAN_SHARE: f64 = 0.7;
/// Share of rural sites with a 5G layer.
pub(crate) const NR_RURAL_SHARE: f64 = 0.1;
/// Share of rural sites of 2G operators with a GSM layer.
pub(crate) const GSM_RURAL_SHARE: f64 = 0.5;

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

/// Radio layers of a site.
pub(crate) fn site_layers(urban: bool, runs_2g: bool, rng: &mut StreamRng) -> Vec<Technology> {
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
