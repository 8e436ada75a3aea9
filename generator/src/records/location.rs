//! The operator's location estimate of a record: the serving site, pushed along the sector's
//! azimuth by the timing-advance distance — what an operator hands over as "latitude and
//! longitude", never the true position.
//!
//! Timing advance quantises the distance to the site in steps of about 550 m (GSM), 78 m (LTE,
//! 16·Ts) and 39 m (NR at 30 kHz subcarrier spacing). The estimate sits at the middle of the
//! step on the azimuth; its accuracy radius is the larger of the step and the half-width of the
//! 120° sector at that distance.

use crate::geography::projection::{distance_km, offset};
use crate::network::{Cell, Site, Technology};

/// Timing-advance step in metres.
pub(crate) fn timing_advance_step_m(tech: Technology) -> f64 {
    match tech {
        Technology::Gsm => 553.5,
        Technology::Lte => 78.12,
        Technology::Nr => 39.06,
    }
}

/// (lon, lat, accuracy in metres) estimated for a handset at `position` served by `cell`.
pub(super) fn estimate(cell: &Cell, site: &Site, position: (f64, f64)) -> (f64, f64, i32) {
    let step = timing_advance_step_m(cell.technology);
    let metres = distance_km((site.lon, site.lat), position) * 1_000.0;
    let ring = ((metres / step).floor() + 0.5) * step;
    let azimuth = cell.azimuth.to_radians();
    let (lon, lat) = offset(
        site.lon,
        site.lat,
        ring / 1_000.0 * libm::sin(azimuth),
        ring / 1_000.0 * libm::cos(azimuth),
    );
    let accuracy = step.max(ring * libm::sin(std::f64::consts::FRAC_PI_3));
    (lon, lat, accuracy.round() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_is_near_the_truth_within_its_accuracy() {
        let site = Site {
            operator: 0,
            lon: 101.7,
            lat: 3.15,
            district: 0,
            urban: true,
            gsm_only: false,
            first_cell: 0,
            cell_count: 3,
        };
        let cell = Cell {
            key: 1,
            operator: 0,
            site: 0,
            sector: 1,
            azimuth: 90.0,
            technology: Technology::Lte,
            node_id: 1,
            tac: 1,
        };
        let truth = offset(101.7, 3.15, 0.5, 0.1);
        let (lon, lat, acc) = estimate(&cell, &site, truth);
        let err = distance_km((lon, lat), truth) * 1_000.0;
        assert!(err <= f64::from(acc), "error {err} m > accuracy {acc} m");
        assert!((distance_km((site.lon, site.lat), (lon, lat)) * 1_000.0 - 507.8).abs() < 40.0);
    }
}
