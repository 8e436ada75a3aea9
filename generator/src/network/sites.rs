//! Where an operator puts its sites: where people are.
//!
//! Model (per operator and district):
//! * Towns get a jittered hexagonal grid of sites. The inter-site distance (ISD) is
//!   `URBAN_ISD_KM / sqrt(f)` clamped to 0.3–1.0 km, where `f = share / largest share` scales
//!   capacity needs with the operator's subscriber base; inside half the radius of towns above
//!   100,000 residents the ISD shrinks by [`DENSE_CORE_FACTOR`].
//! * Villages get a site at their centre with probability `min(1, 0.4 + f)`.
//! * A rural coverage grid with ISD `RURAL_ISD_KM / sqrt(f)` clamped to 3–15 km adds sites within
//!   1.5 ISD of a settlement and at least 0.7 ISD from every other site, so coverage follows
//!   where people live rather than blanketing forest.
//!
//! Calibration target: 0.3–1 km urban and 3–15 km rural inter-site distances, as in dense and
//! rural LTE deployments; a major operator ends up with a few thousand sites in the Klang Valley.

use geo::{BoundingRect, Contains, Point};
use rstar::RTree;

use crate::geography::projection::{KM_PER_DEG_LAT, km_per_deg_lon, offset, to_plane};
use crate::geography::{Geography, SettlementKind};
use crate::rng::{Purpose, stream};
use crate::sampling::{bernoulli, uniform_in};

/// ISD of the largest operator in towns, km.
pub(crate) const URBAN_ISD_KM: f64 = 0.8;
/// ISD of the largest operator in rural areas, km.
pub(crate) const RURAL_ISD_KM: f64 = 6.0;
/// ISD multiplier in the dense core of large towns.
pub(crate) const DENSE_CORE_FACTOR: f64 = 0.6;
/// Residents above which a town has a dense core.
const DENSE_CORE_RESIDENTS: f64 = 100_000.0;

/// A site position and whether it serves a town.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SitePoint {
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// In a town (true) or rural.
    pub(crate) urban: bool,
}

/// Places one operator's sites in one district. `f` is the operator's share over the largest share.
pub(crate) fn place_sites(seed: u64, operator: usize, district: u16, f: f64) -> Vec<SitePoint> {
    let geo = Geography::get();
    let d = geo.district(district);
    let boundary = &d.boundary;
    let mut rng = stream(
        seed,
        Purpose::CellSites,
        ((operator as u64) << 16) | u64::from(district),
        0,
    );
    let scale = 1.0 / f.max(1e-3).sqrt();
    let urban_isd = (URBAN_ISD_KM * scale).clamp(0.3, 1.0);
    let rural_isd = (RURAL_ISD_KM * scale).clamp(3.0, 15.0);
    let mut sites = Vec::new();
    let settlements = &geo.settlements(district).settlements;

    for town in settlements
        .iter()
        .filter(|s| s.kind == SettlementKind::Town)
    {
        let core = if town.residents >= DENSE_CORE_RESIDENTS {
            town.radius_km / 2.0
        } else {
            0.0
        };
        let dense = hex_grid(core, urban_isd * DENSE_CORE_FACTOR);
        let outer = hex_grid(town.radius_km, urban_isd)
            .into_iter()
            .filter(|&(dx, dy)| dx * dx + dy * dy > core * core);
        for (dx, dy) in dense.into_iter().chain(outer) {
            let jitter = 0.2 * urban_isd;
            let (lon, lat) = offset(
                town.lon,
                town.lat,
                dx + uniform_in(&mut rng, -jitter, jitter),
                dy + uniform_in(&mut rng, -jitter, jitter),
            );
            if boundary.contains(&Point::new(lon, lat)) {
                sites.push(SitePoint {
                    lon,
                    lat,
                    urban: true,
                });
            }
        }
        if !sites.iter().any(|s| s.urban) {
            sites.push(SitePoint {
                lon: town.lon,
                lat: town.lat,
                urban: true,
            });
        }
    }
    let village_coverage = (0.4 + f).min(1.0);
    for village in settlements
        .iter()
        .filter(|s| s.kind == SettlementKind::Village)
    {
        if bernoulli(&mut rng, village_coverage) {
            sites.push(SitePoint {
                lon: village.lon,
                lat: village.lat,
                urban: false,
            });
        }
    }

    // Rural coverage grid near settlements, away from existing sites.
    let mut placed: RTree<[f64; 2]> =
        RTree::bulk_load(sites.iter().map(|s| to_plane(s.lon, s.lat)).collect());
    let near: RTree<[f64; 2]> =
        RTree::bulk_load(settlements.iter().map(|s| to_plane(s.lon, s.lat)).collect());
    let rect = boundary
        .bounding_rect()
        .expect("district boundaries are not empty");
    let lat0 = (rect.min().y + rect.max().y) / 2.0;
    let (step_lon, step_lat) = (
        rural_isd / km_per_deg_lon(lat0),
        rural_isd * 0.866 / KM_PER_DEG_LAT,
    );
    let mut row = 0;
    let mut lat = rect.min().y;
    while lat <= rect.max().y {
        let mut lon = rect.min().x + if row % 2 == 1 { step_lon / 2.0 } else { 0.0 };
        while lon <= rect.max().x {
            let p = to_plane(lon, lat);
            let close_to_people = near
                .nearest_neighbor(&p)
                .is_some_and(|q| dist2(p, *q) <= (1.5 * rural_isd).powi(2));
            let far_from_sites = placed
                .nearest_neighbor(&p)
                .is_none_or(|q| dist2(p, *q) >= (0.7 * rural_isd).powi(2));
            if close_to_people && far_from_sites && boundary.contains(&Point::new(lon, lat)) {
                sites.push(SitePoint {
                    lon,
                    lat,
                    urban: false,
                });
                placed.insert(p);
            }
            lon += step_lon;
        }
        lat += step_lat;
        row += 1;
    }
    sites
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Offsets (km) of a hexagonal lattice with spacing `isd` covering a disc of `radius`.
fn hex_grid(radius: f64, isd: f64) -> Vec<(f64, f64)> {
    let mut points = Vec::new();
    let rows = (radius / (isd * 0.866)).ceil() as i64;
    let cols = (radius / isd).ceil() as i64 + 1;
    for j in -rows..=rows {
        let dy = j as f64 * isd * 0.866;
        let shift = if j.rem_euclid(2) == 1 { isd / 2.0 } else { 0.0 };
        for i in -cols..=cols {
            let dx = i as f64 * isd + shift;
            if dx * dx + dy * dy <= radius * radius {
                points.push((dx, dy));
            }
        }
    }
    points
}
