//! Places and times at the release's spatial level and time bin: the [`Zones`] of the view's
//! cells (a grid of their sites for nearest-cell searches) and the local time bins.

use std::collections::HashMap;

use telcosynth_generator::geography::projection::distance_km;
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;

use super::super::SpatialLevel;

/// Places at the release's spatial level.
pub(crate) struct Zones {
    pub level: SpatialLevel,
    pub(super) names: Vec<String>,
    pub(super) ids: HashMap<String, u32>,
    /// The view's cells: key, lon, lat, zone, district code.
    pub(super) cells: Vec<(i64, f64, f64, u32, String)>,
    pub(super) cell_index: HashMap<i64, usize>,
    /// Indices into `cells` by [`grid_bucket`] of their site.
    pub(super) grid: HashMap<(i64, i64), Vec<usize>>,
    pub(super) state_of: HashMap<&'static str, &'static str>,
}

/// Side of a bucket of the cell grid, in degrees (about 2.2 km).
const GRID_DEG: f64 = 0.02;

/// The cell grid's bucket holding a position.
pub(super) fn grid_bucket(lon: f64, lat: f64) -> (i64, i64) {
    (
        (lon / GRID_DEG).floor() as i64,
        (lat / GRID_DEG).floor() as i64,
    )
}

impl Zones {
    pub(super) fn intern(&mut self, name: String) -> u32 {
        if let Some(&id) = self.ids.get(&name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.clone(), id);
        self.names.push(name);
        id
    }

    /// Number of zones.
    pub fn count(&self) -> usize {
        self.names.len()
    }

    /// Zone id of a zone name, if known.
    pub fn id(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// Name of a zone.
    pub fn name(&self, zone: u32) -> &str {
        &self.names[zone as usize]
    }

    /// Zone of one of the view's cells.
    pub fn of_cell(&self, key: i64) -> Option<u32> {
        self.cell_index.get(&key).map(|&i| self.cells[i].3)
    }

    /// State of a district code.
    pub fn state(&self, district_code: &str) -> &str {
        self.state_of.get(district_code).copied().unwrap_or("")
    }

    /// The view's cells whose site may lie within `radius_km` of a position: those in the grid
    /// buckets covering a box around it.
    fn cells_near(
        &self,
        lon: f64,
        lat: f64,
        radius_km: f64,
    ) -> impl Iterator<Item = &(i64, f64, f64, u32, String)> {
        // A degree of latitude is at least 110.5 km; of longitude, 111.3 km × cos(latitude).
        let dlat = radius_km / 110.5;
        let dlon = radius_km / (111.3 * (lat.abs() + dlat).min(89.0).to_radians().cos());
        let (x0, y0) = grid_bucket(lon - dlon, lat - dlat);
        let (x1, y1) = grid_bucket(lon + dlon, lat + dlat);
        (x0..=x1)
            .flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
            .filter_map(|b| self.grid.get(&b))
            .flatten()
            .map(|&i| &self.cells[i])
    }

    /// Zone of a place known by position and district: the nearest of the view's cells at cell
    /// level (the smallest zone among equals), else its district or state.
    pub fn of_place(&self, lon: f64, lat: f64, district_code: &str) -> Option<u32> {
        let nearest = |cells: &mut dyn Iterator<Item = &(i64, f64, f64, u32, String)>| {
            cells
                .map(|c| (distance_km((lon, lat), (c.1, c.2)), c.3))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        };
        match self.level {
            SpatialLevel::Cell => {
                // Widen the search until the nearest cell in the box lies within its radius:
                // every cell nearer than it is then in the box too.
                let mut radius_km = 2.0;
                while radius_km < 2_000.0 {
                    match nearest(&mut self.cells_near(lon, lat, radius_km)) {
                        Some((d, zone)) if d <= radius_km => return Some(zone),
                        _ => radius_km *= 4.0,
                    }
                }
                nearest(&mut self.cells.iter()).map(|c| c.1)
            }
            SpatialLevel::District => self.id(district_code),
            SpatialLevel::State => self.id(self.state(district_code)),
        }
    }

    /// Zones a noisy known place may be released as: at cell level every cell whose site lies
    /// within `radius_m`, else the place's district or state.
    pub fn around(&self, lon: f64, lat: f64, district_code: &str, radius_m: f64) -> Vec<u32> {
        let mut zones: Vec<u32> = match self.level {
            SpatialLevel::Cell => self
                .cells_near(lon, lat, radius_m / 1000.0)
                .filter(|c| distance_km((lon, lat), (c.1, c.2)) * 1000.0 <= radius_m)
                .map(|c| c.3)
                .collect(),
            _ => self.of_place(lon, lat, district_code).into_iter().collect(),
        };
        zones.sort_unstable();
        zones.dedup();
        zones
    }

    /// The district (state at state level) a zone lies in: attributes are compared at this
    /// level.
    pub fn region(&self, zone: u32) -> String {
        match self.level {
            SpatialLevel::Cell => {
                let key: i64 = self.name(zone).parse().unwrap_or(i64::MIN);
                self.cell_index
                    .get(&key)
                    .map(|&i| self.cells[i].4.clone())
                    .unwrap_or_default()
            }
            _ => self.name(zone).to_owned(),
        }
    }

    /// [`Zones::region`] of a district code.
    pub fn region_of_district(&self, district_code: &str) -> String {
        match self.level {
            SpatialLevel::State => self.state(district_code).to_owned(),
            _ => district_code.to_owned(),
        }
    }
}

/// Time bin of a UTC time in seconds: bins of `bin_s` aligned to local midnight, or the time
/// itself when `bin_s <= 1`.
pub(crate) fn bin(t: i64, bin_s: i64) -> i64 {
    if bin_s <= 1 {
        t
    } else {
        (t + UTC_OFFSET_SECONDS).div_euclid(bin_s)
    }
}

/// Local start of a bin: (hour of day, day of week with 0 = Monday).
pub(crate) fn local_hour_weekday(b: i64, bin_s: i64) -> (i64, i64) {
    let local = if bin_s <= 1 {
        b + UTC_OFFSET_SECONDS
    } else {
        b * bin_s
    };
    let day = local.div_euclid(86_400);
    (local.rem_euclid(86_400) / 3_600, (day + 3).rem_euclid(7))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use telcosynth_generator::geography::projection::distance_km;

    use super::{SpatialLevel, Zones, grid_bucket};

    #[test]
    fn the_cell_grid_finds_what_a_search_of_every_cell_finds() {
        // Cells scattered over a few degrees, dense in one corner; a fixed pseudo-random walk.
        let mut state = 7_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut zones = Zones {
            level: SpatialLevel::Cell,
            names: Vec::new(),
            ids: HashMap::new(),
            cells: Vec::new(),
            cell_index: HashMap::new(),
            grid: HashMap::new(),
            state_of: HashMap::new(),
        };
        for i in 0..2_000_i64 {
            let spread = if i % 2 == 0 { 0.1 } else { 3.0 };
            let (lon, lat) = (101.0 + spread * next(), 2.0 + spread * next());
            let zone = zones.intern(i.to_string());
            zones
                .grid
                .entry(grid_bucket(lon, lat))
                .or_default()
                .push(zones.cells.len());
            zones.cells.push((i, lon, lat, zone, String::new()));
        }
        for _ in 0..300 {
            let (lon, lat) = (100.5 + 4.0 * next(), 1.5 + 4.0 * next());
            let nearest = zones
                .cells
                .iter()
                .map(|c| (distance_km((lon, lat), (c.1, c.2)), c.3))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|c| c.1);
            assert_eq!(zones.of_place(lon, lat, ""), nearest);
            let mut within: Vec<u32> = zones
                .cells
                .iter()
                .filter(|c| distance_km((lon, lat), (c.1, c.2)) <= 2.0)
                .map(|c| c.3)
                .collect();
            within.sort_unstable();
            assert_eq!(zones.around(lon, lat, "", 2_000.0), within);
        }
    }
}
