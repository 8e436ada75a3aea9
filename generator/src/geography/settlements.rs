//! Where people live inside a district: a settlement model.
//!
//! The bundled data gives each district's census population, urban share and boundary, not the
//! position of its towns. Homes are therefore placed by a documented model rather than uniformly
//! over jungle and plantations:
//!
//! * The urban population lives in towns whose sizes follow the rank-size rule (Zipf, exponent 1),
//!   one town per [`URBAN_PERSONS_PER_TOWN`] urban residents (1 to [`MAX_TOWNS`]). Each town covers
//!   `size / URBAN_DENSITY_PER_KM2` km², shrunk where the towns would exceed the district's area.
//!   The largest town sits at the district's centroid when it lies inside the boundary (otherwise
//!   at an interior point); the others at uniform points inside the boundary.
//! * The rural population lives in villages of about [`RURAL_PERSONS_PER_VILLAGE`] persons
//!   (log-normal sizes, σ = 0.5) with a radius of [`VILLAGE_RADIUS_KM`], uniform inside the boundary.
//! * A home is drawn from a settlement chosen in proportion to its size, then offset by a 2-D
//!   Gaussian with σ = radius / 2 and kept only if it lies inside the district.
//!
//! Settlements depend on the district alone (a fixed stream, not the scenario seed), so every
//! scenario shares the same towns. Calibration: the 4,000 persons/km² urban density sits between
//! Petaling's census density (about 3,700/km²) and Kuala Lumpur's (about 8,200/km²).

use geo::{BoundingRect, Contains, InteriorPoint, MultiPolygon, Point};

use crate::public_data::District;
use crate::rng::{Purpose, StreamRng, stream};
use crate::sampling::{Weighted, log_normal, standard_normal, uniform_in};

use super::projection::offset;

/// Persons per square kilometre in towns.
pub(crate) const URBAN_DENSITY_PER_KM2: f64 = 4_000.0;
/// Urban residents per town.
pub(crate) const URBAN_PERSONS_PER_TOWN: f64 = 25_000.0;
/// Most towns in one district.
pub(crate) const MAX_TOWNS: usize = 40;
/// Rural residents per village.
pub(crate) const RURAL_PERSONS_PER_VILLAGE: f64 = 1_500.0;
/// Most villages in one district.
pub(crate) const MAX_VILLAGES: usize = 300;
/// Radius of a village in km.
pub(crate) const VILLAGE_RADIUS_KM: f64 = 0.6;
/// Share of the district's area towns may cover at most.
const MAX_URBAN_AREA_SHARE: f64 = 0.8;
/// Fixed key of the settlement streams: geography is the same in every scenario.
const GEOGRAPHY_KEY: u64 = 0x7E1C_05F1_2025;

/// Whether a settlement is a town or a village.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SettlementKind {
    /// Part of the urban population.
    Town,
    /// Part of the rural population.
    Village,
}

/// A town or village: a centre, a radius and a share of the district's residents.
#[derive(Debug, Clone)]
pub(crate) struct Settlement {
    /// Town or village.
    pub kind: SettlementKind,
    /// Centre, longitude.
    pub lon: f64,
    /// Centre, latitude.
    pub lat: f64,
    /// Radius in km.
    pub radius_km: f64,
    /// Census residents it stands for.
    pub residents: f64,
}

/// The settlements of one district and the weights to draw homes from them.
#[derive(Debug, Clone)]
pub(crate) struct DistrictSettlements {
    /// Towns first (largest first), then villages.
    pub(crate) settlements: Vec<Settlement>,
    weights: Weighted,
}

impl DistrictSettlements {
    /// Builds the settlement model of a district.
    pub(crate) fn build(district: &District) -> Self {
        let mut rng = stream(
            GEOGRAPHY_KEY,
            Purpose::Settlement,
            u64::from(district.index),
            0,
        );
        let boundary = &district.boundary;
        let population = district.population as f64;
        let urban = population * district.urban_share;
        let rural = population - urban;
        let mut settlements = Vec::new();

        if urban >= 1.0 {
            let n = ((urban / URBAN_PERSONS_PER_TOWN).round() as usize).clamp(1, MAX_TOWNS);
            let harmonic: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
            let urban_area = urban / URBAN_DENSITY_PER_KM2;
            let shrink = (MAX_URBAN_AREA_SHARE * district.area_km2 / urban_area).min(1.0);
            for rank in 1..=n {
                let residents = urban / (rank as f64 * harmonic);
                let area = residents / URBAN_DENSITY_PER_KM2 * shrink;
                let radius_km = (area / std::f64::consts::PI).sqrt().max(0.3);
                let (lon, lat) = if rank == 1 {
                    main_centre(district)
                } else {
                    uniform_point(boundary, &mut rng)
                };
                settlements.push(Settlement {
                    kind: SettlementKind::Town,
                    lon,
                    lat,
                    radius_km,
                    residents,
                });
            }
        }
        if rural >= 1.0 {
            let n = ((rural / RURAL_PERSONS_PER_VILLAGE).round() as usize).clamp(1, MAX_VILLAGES);
            let sizes: Vec<f64> = (0..n).map(|_| log_normal(&mut rng, 0.0, 0.5)).collect();
            let total: f64 = sizes.iter().sum();
            for size in sizes {
                let (lon, lat) = uniform_point(boundary, &mut rng);
                settlements.push(Settlement {
                    kind: SettlementKind::Village,
                    lon,
                    lat,
                    radius_km: VILLAGE_RADIUS_KM,
                    residents: rural * size / total,
                });
            }
        }
        if settlements.is_empty() {
            let (lon, lat) = main_centre(district);
            settlements.push(Settlement {
                kind: SettlementKind::Village,
                lon,
                lat,
                radius_km: VILLAGE_RADIUS_KM,
                residents: 1.0,
            });
        }
        let weights = Weighted::new(settlements.iter().map(|s| s.residents));
        DistrictSettlements {
            settlements,
            weights,
        }
    }

    /// Draws a home point (lon, lat) inside the district.
    pub(crate) fn sample_home(
        &self,
        boundary: &MultiPolygon<f64>,
        rng: &mut StreamRng,
    ) -> (f64, f64) {
        let s = &self.settlements[self.weights.sample(rng)];
        let sigma = s.radius_km / 2.0;
        for _ in 0..16 {
            let (dx, dy) = (standard_normal(rng) * sigma, standard_normal(rng) * sigma);
            let (lon, lat) = offset(s.lon, s.lat, dx, dy);
            if boundary.contains(&Point::new(lon, lat)) {
                return (lon, lat);
            }
        }
        (s.lon, s.lat)
    }
}

/// The centroid when it lies inside the boundary, else an interior point.
fn main_centre(district: &District) -> (f64, f64) {
    if district.boundary.contains(&district.centroid) {
        return (district.centroid.x(), district.centroid.y());
    }
    let p = district
        .boundary
        .interior_point()
        .unwrap_or(district.centroid);
    (p.x(), p.y())
}

/// A uniform point inside the boundary, by rejection from its bounding box.
fn uniform_point(boundary: &MultiPolygon<f64>, rng: &mut StreamRng) -> (f64, f64) {
    let rect = boundary
        .bounding_rect()
        .expect("district boundaries are not empty");
    for _ in 0..10_000 {
        let lon = uniform_in(rng, rect.min().x, rect.max().x);
        let lat = uniform_in(rng, rect.min().y, rect.max().y);
        if boundary.contains(&Point::new(lon, lat)) {
            return (lon, lat);
        }
    }
    let p = boundary
        .interior_point()
        .expect("district boundaries are not empty");
    (p.x(), p.y())
}
