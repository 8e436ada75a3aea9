//! Network outages: an operator's sites within `radius_km` of a point stop serving from `start`
//! to `end` (a power cut, a fibre cut, a flood).
//!
//! A handset whose nearest site is down is served by the nearest working site of its operator
//! within [`FALLBACK_REACH_KM`] (urban or rural, as the failed site), whose cells then carry
//! `FALLBACK_LOAD`; with none in reach
//! it has no service: it places no calls, cannot be reached (callers' attempts fail) and its
//! data sessions break off with `radio_loss` until service returns.

use crate::geography::projection::distance_km;

/// Farthest a handset is served from when its nearest site is down, km, where that site is
/// (urban, rural) (assumption: the edge of an urban and of a rural LTE macro cell, a few
/// inter-site distances of `crate::network`).
pub const FALLBACK_REACH_KM: (f64, f64) = (2.0, 8.0);
/// Failure and drop risk factor of a working cell serving a failed site's area (assumption: the
/// cell edge, with the neighbour's traffic on top of its own).
pub(crate) const FALLBACK_LOAD: f64 = 2.0;

/// An outage, resolved from the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Outage {
    /// Name, as in the scenario.
    pub name: String,
    /// Operator index whose sites fail, or every operator.
    pub operator: Option<usize>,
    /// Centre (lon, lat).
    pub centre: (f64, f64),
    /// Sites within this distance of the centre fail, km.
    pub radius_km: f64,
    /// Start, UTC epoch seconds (inclusive).
    pub start: i64,
    /// End, UTC epoch seconds (exclusive).
    pub end: i64,
}

impl Outage {
    /// Whether it is under way at `t`.
    pub fn is_on(&self, t: i64) -> bool {
        self.start <= t && t < self.end
    }

    /// Whether a site of `operator` at `site` is down at `t`.
    pub(crate) fn downs(&self, operator: usize, site: (f64, f64), t: i64) -> bool {
        self.is_on(t)
            && self.operator.is_none_or(|o| o == operator)
            && distance_km(site, self.centre) <= self.radius_km
    }
}
