//! Malaysian geography: districts, the settlement model homes are drawn from, and a
//! point-in-district lookup every later stage uses.

pub(crate) mod grid;
mod place;
pub mod projection;
mod settlements;

use std::sync::OnceLock;

use geo::{BoundingRect, Contains, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use crate::public_data::{District, districts};
use crate::rng::StreamRng;
pub use place::Place;
pub(crate) use settlements::{DistrictSettlements, Settlement, SettlementKind};

type DistrictBox = GeomWithData<Rectangle<[f64; 2]>, u16>;

/// Districts with their settlements and a spatial index over their boundaries.
pub(crate) struct Geography {
    districts: &'static [District],
    boxes: RTree<DistrictBox>,
    settlements: Vec<OnceLock<DistrictSettlements>>,
}

impl Geography {
    /// The geography of Malaysia, built once per process.
    pub(crate) fn get() -> &'static Geography {
        static GEOGRAPHY: OnceLock<Geography> = OnceLock::new();
        GEOGRAPHY.get_or_init(Geography::build)
    }

    fn build() -> Geography {
        let districts = districts();
        let boxes = districts
            .iter()
            .map(|d| {
                let r = d
                    .boundary
                    .bounding_rect()
                    .expect("district boundaries are not empty");
                GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    d.index,
                )
            })
            .collect();
        let settlements = districts.iter().map(|_| OnceLock::new()).collect();
        Geography {
            districts,
            boxes: RTree::bulk_load(boxes),
            settlements,
        }
    }

    /// All districts.
    pub(crate) fn districts(&self) -> &'static [District] {
        self.districts
    }

    /// One district by index.
    pub(crate) fn district(&self, index: u16) -> &'static District {
        &self.districts[usize::from(index)]
    }

    /// The settlement model of a district, built on first use.
    pub(crate) fn settlements(&self, index: u16) -> &DistrictSettlements {
        self.settlements[usize::from(index)]
            .get_or_init(|| DistrictSettlements::build(self.district(index)))
    }

    /// Draws a home point (lon, lat) in a district.
    pub(crate) fn sample_home(&self, index: u16, rng: &mut StreamRng) -> (f64, f64) {
        self.settlements(index)
            .sample_home(&self.district(index).boundary, rng)
    }

    /// The district containing a point, if any (points at sea have none).
    pub(crate) fn locate(&self, lon: f64, lat: f64) -> Option<u16> {
        let p = Point::new(lon, lat);
        let mut hits: Vec<u16> = self
            .boxes
            .locate_all_at_point(&[lon, lat])
            .map(|b| b.data)
            .filter(|&i| self.district(i).boundary.contains(&p))
            .collect();
        hits.sort_unstable();
        hits.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};

    fn find(name: &str) -> u16 {
        districts()
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no district {name}"))
            .index
    }

    #[test]
    fn homes_fall_inside_their_district() {
        let geo = Geography::get();
        for name in ["Petaling", "Ulu Langat", "Kinabatangan", "Kapit"] {
            let d = find(name);
            for i in 0..300 {
                let mut rng = stream(5, Purpose::HomePoint, i, 0);
                let (lon, lat) = geo.sample_home(d, &mut rng);
                assert_eq!(
                    geo.locate(lon, lat),
                    Some(d),
                    "{name}: home {i} at {lon},{lat}"
                );
            }
        }
    }

    #[test]
    fn homes_concentrate_in_towns() {
        // In a large, mostly rural district, homes must cluster: far fewer distinct 5 km cells
        // than a uniform spread over the district would fill.
        let geo = Geography::get();
        let d = find("Kapit");
        let cells: std::collections::BTreeSet<(i64, i64)> = (0..2000)
            .map(|i| {
                let (lon, lat) = geo.sample_home(d, &mut stream(9, Purpose::HomePoint, i, 0));
                ((lon * 20.0) as i64, (lat * 20.0) as i64)
            })
            .collect();
        let area_cells = geo.district(d).area_km2 / 30.0;
        assert!(
            (cells.len() as f64) < area_cells * 0.3,
            "{} cells of about {area_cells}",
            cells.len()
        );
    }

    #[test]
    fn locate_finds_known_places() {
        let geo = Geography::get();
        let klcc = geo.locate(101.7116, 3.1579).map(|i| geo.district(i).name);
        assert!(klcc.is_some_and(|n| n.contains("Kuala Lumpur")), "{klcc:?}");
        assert_eq!(geo.locate(105.0, 3.0), None, "South China Sea");
    }

    #[test]
    fn towns_hold_the_urban_share() {
        let geo = Geography::get();
        for d in geo.districts() {
            let s = geo.settlements(d.index);
            let towns: f64 = s
                .settlements
                .iter()
                .filter(|s| s.kind == SettlementKind::Town)
                .map(|s| s.residents)
                .sum();
            let total: f64 = s.settlements.iter().map(|s| s.residents).sum();
            assert!(
                (towns / total - d.urban_share).abs() < 1e-6 || total <= 1.0,
                "{}",
                d.name
            );
        }
    }
}
