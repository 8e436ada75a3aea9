//! The operators' radio networks: sites placed where people are, their cells, and the
//! serving-cell lookup every later stage uses.

pub(crate) mod cells;
pub(crate) mod serving;
mod serving_cache;
mod sites;

use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::events::outage::FALLBACK_REACH_KM;
use crate::geography::grid::PointGrid;
use crate::geography::projection::{bearing_deg, distance_km, to_plane};
use crate::public_data::operators;
use crate::rng::{Purpose, stream};

pub(crate) use cells::Technology;

/// One cell of one operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Unique key of the cell in the dataset.
    pub key: i64,
    /// Index into the public-data operators.
    pub operator: usize,
    /// Index of the site in [`Network::sites`].
    pub site: u32,
    /// Sector 1 to 3.
    pub(crate) sector: u8,
    /// Antenna azimuth, degrees clockwise from north.
    pub(crate) azimuth: f64,
    /// Radio technology.
    pub(crate) technology: Technology,
    /// eNodeB / gNodeB / BTS number within the operator.
    pub(crate) node_id: u32,
    /// Tracking (or location) area code.
    pub tac: u32,
}

/// A site: a mast with three sectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Index into the public-data operators.
    pub operator: usize,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// District index.
    pub district: u16,
    /// In a town.
    pub(crate) urban: bool,
    /// Carries GSM only: no 4G or 5G layer (see [`cells`]).
    pub(crate) gsm_only: bool,
    /// First cell of the site in [`Network::cells`]; its cells are contiguous.
    pub first_cell: u32,
    /// Number of cells.
    pub(crate) cell_count: u8,
}

type SiteRef = GeomWithData<[f64; 2], u32>;

/// All sites and cells of the scenario's operators over its districts.
pub struct Network {
    sites: Vec<Site>,
    cells: Vec<Cell>,
    /// One spatial index of sites per network operator (indexed by operator index).
    index: Vec<Option<RTree<SiteRef>>>,
    /// The same sites in grids, for the nearest site (indexed by operator index).
    grids: Vec<Option<PointGrid<u32>>>,
    /// The network operator carrying each operator's subscribers (indexed by operator index).
    carrier: Vec<usize>,
}

/// Shares of the network operators: each operator's share plus those of the MVNOs it hosts.
fn network_shares(operator_shares: &[(usize, f64)]) -> (Vec<usize>, Vec<(usize, f64)>) {
    let all = operators();
    let carrier: Vec<usize> = all
        .iter()
        .map(|o| {
            all.iter()
                .position(|h| h.key == o.network_key())
                .expect("host operator exists")
        })
        .collect();
    let mut shares = vec![0.0; all.len()];
    for &(op, share) in operator_shares {
        shares[carrier[op]] += share;
    }
    let networks = shares
        .into_iter()
        .enumerate()
        .filter(|s| s.1 > 0.0)
        .collect();
    (carrier, networks)
}

/// Operators that still run a 2G layer.
const OPERATORS_WITH_2G: &[&str] = &["celcomdigi", "maxis"];

impl Network {
    /// Builds the networks carrying `(operator index, share)` over `districts`.
    #[cfg(test)]
    pub(crate) fn build(seed: u64, operator_shares: &[(usize, f64)], districts: &[u16]) -> Network {
        Network::build_with_coverage(seed, operator_shares, districts, &[])
    }

    /// Builds the networks over `districts` and the `extra` districts residents travel to.
    /// The extra districts' sites and cells come after all others, so the cells of `districts`
    /// are the same with or without them.
    pub(crate) fn build_with_coverage(
        seed: u64,
        operator_shares: &[(usize, f64)],
        districts: &[u16],
        extra: &[u16],
    ) -> Network {
        let (carrier, operator_shares) = network_shares(operator_shares);
        let operator_shares = &operator_shares[..];
        let largest = operator_shares.iter().map(|s| s.1).fold(0.0, f64::max);
        let jobs: Vec<(usize, f64, u16)> = [districts, extra]
            .into_iter()
            .flat_map(|districts| {
                operator_shares
                    .iter()
                    .filter(|s| s.1 > 0.0)
                    .flat_map(move |&(op, share)| {
                        districts.iter().map(move |&d| (op, share / largest, d))
                    })
            })
            .collect();
        let placed: Vec<Vec<sites::SitePoint>> = jobs
            .par_iter()
            .map(|&(op, f, d)| sites::place_sites(seed, op, d, f))
            .collect();

        let mut network = Network {
            sites: Vec::new(),
            cells: Vec::new(),
            index: vec![None; operators().len()],
            grids: (0..operators().len()).map(|_| None).collect(),
            carrier,
        };
        let mut node_ids = vec![0u32; operators().len()];
        for (&(op, _, district), points) in jobs.iter().zip(placed) {
            let runs_2g = OPERATORS_WITH_2G.contains(&operators()[op].key);
            let tac = 10_000 + u32::from(district) * 8;
            let d = &crate::public_data::districts()[usize::from(district)];
            let gsm_only_share = if runs_2g {
                cells::gsm_only_share(d.population as f64 / d.area_km2)
            } else {
                0.0
            };
            let towns: Vec<(f64, f64)> = if gsm_only_share > 0.0 {
                points
                    .iter()
                    .filter(|p| p.urban)
                    .map(|p| (p.lon, p.lat))
                    .collect()
            } else {
                Vec::new()
            };
            for p in points {
                let remote = !p.urban
                    && !towns
                        .iter()
                        .any(|&t| distance_km(t, (p.lon, p.lat)) <= cells::TOWN_LTE_KM);
                let site_index = network.sites.len() as u32;
                let mut rng = stream(
                    seed,
                    Purpose::CellRadio,
                    (u64::from(site_index) << 8) | op as u64,
                    0,
                );
                let gsm_only = if remote { gsm_only_share } else { 0.0 };
                let layers = cells::site_layers(p.urban, runs_2g, gsm_only, &mut rng);
                let azimuth0 = cells::first_azimuth(&mut rng);
                node_ids[op] += 1;
                let node_id = 100_000 + node_ids[op];
                let first_cell = network.cells.len() as u32;
                for tech in &layers {
                    for sector in 1..=3u8 {
                        network.cells.push(Cell {
                            key: (op as i64) * 100_000_000 + i64::from(network.cells.len() as u32),
                            operator: op,
                            site: site_index,
                            sector,
                            azimuth: (azimuth0 + 120.0 * f64::from(sector - 1)) % 360.0,
                            technology: *tech,
                            node_id,
                            tac,
                        });
                    }
                }
                network.sites.push(Site {
                    operator: op,
                    lon: p.lon,
                    lat: p.lat,
                    district,
                    urban: p.urban,
                    gsm_only: layers == [Technology::Gsm],
                    first_cell,
                    cell_count: (layers.len() * 3) as u8,
                });
            }
        }
        for &(op, share) in operator_shares {
            if share > 0.0 {
                let points: Vec<([f64; 2], u32)> = network
                    .sites
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.operator == op)
                    .map(|(i, s)| (to_plane(s.lon, s.lat), i as u32))
                    .collect();
                let refs = points
                    .iter()
                    .map(|&(p, i)| GeomWithData::new(p, i))
                    .collect();
                network.index[op] = Some(RTree::bulk_load(refs));
                network.grids[op] = Some(PointGrid::new(points, 1.0));
            }
        }
        network
    }

    /// All sites.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// All cells, grouped by site.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The site nearest to a point on the network carrying `operator`'s subscribers.
    pub fn nearest_site(&self, operator: usize, lon: f64, lat: f64) -> Option<&Site> {
        let grid = self.grids.get(*self.carrier.get(operator)?)?.as_ref()?;
        grid.nearest(to_plane(lon, lat))
            .map(|i| &self.sites[i as usize])
    }

    /// The cell serving a point: the sector facing the point of the [`Network::serving_site`],
    /// on the best technology the handset supports (`max_tech`).
    #[cfg(test)]
    pub(crate) fn serving_cell(
        &self,
        operator: usize,
        lon: f64,
        lat: f64,
        max_tech: Technology,
    ) -> Option<&Cell> {
        self.serving_cell_index(operator, lon, lat, max_tech)
            .map(|i| &self.cells[i])
    }

    /// Index in [`Network::cells`] of the [`Network::serving_cell`].
    pub(crate) fn serving_cell_index(
        &self,
        operator: usize,
        lon: f64,
        lat: f64,
        max_tech: Technology,
    ) -> Option<usize> {
        let site = self.serving_site(operator, lon, lat)?;
        Some(self.cell_facing(site, lon, lat, max_tech))
    }

    /// The site serving a point: the nearest site of the network carrying `operator`'s
    /// subscribers, unless it carries GSM only and a site with 4G lies within reach
    /// ([`FALLBACK_REACH_KM`] of that site, urban or rural), in which case the nearest such
    /// site (handsets camp on 4G wherever they receive it). A point beyond the reach of every
    /// site is still served by the nearest one: the model has no dead zones apart from outages.
    pub fn serving_site(&self, operator: usize, lon: f64, lat: f64) -> Option<&Site> {
        let nearest = self.nearest_site(operator, lon, lat)?;
        if !nearest.gsm_only {
            return Some(nearest);
        }
        Some(
            self.broadband_site_in_reach(operator, (lon, lat))
                .unwrap_or(nearest),
        )
    }

    /// The nearest site with a 4G (or 5G) layer of the network carrying `operator`'s
    /// subscribers within that site's reach of a point ([`FALLBACK_REACH_KM`], urban or rural).
    pub(crate) fn broadband_site_in_reach(
        &self,
        operator: usize,
        (lon, lat): (f64, f64),
    ) -> Option<&Site> {
        let (urban, rural) = FALLBACK_REACH_KM;
        let tree = self.index.get(*self.carrier.get(operator)?)?.as_ref()?;
        tree.nearest_neighbor_iter(&to_plane(lon, lat))
            .map(|r| &self.sites[r.data as usize])
            .map(|s| (s, distance_km((s.lon, s.lat), (lon, lat))))
            .take_while(|&(_, d)| d <= urban.max(rural))
            .find(|&(s, d)| !s.gsm_only && d <= if s.urban { urban } else { rural })
            .map(|(s, _)| s)
    }

    /// The nearest site of `operator` to a point that `works`, if one lies within `reach_km`.
    pub(crate) fn nearest_working_site(
        &self,
        operator: usize,
        (lon, lat): (f64, f64),
        works: impl Fn(&Site) -> bool,
        reach_km: f64,
    ) -> Option<&Site> {
        let tree = self.index.get(*self.carrier.get(operator)?)?.as_ref()?;
        tree.nearest_neighbor_iter(&to_plane(lon, lat))
            .map(|r| &self.sites[r.data as usize])
            .take_while(|s| distance_km((s.lon, s.lat), (lon, lat)) <= reach_km)
            .find(|s| works(s))
    }

    /// Index in [`Network::cells`] of the sector of `site` facing a point, on the best
    /// technology the handset supports (`max_tech`).
    pub(crate) fn cell_facing(
        &self,
        site: &Site,
        lon: f64,
        lat: f64,
        max_tech: Technology,
    ) -> usize {
        let bearing = bearing_deg((site.lon, site.lat), (lon, lat));
        let first = site.first_cell as usize;
        let cells = &self.cells[first..first + usize::from(site.cell_count)];
        let tech = cells
            .iter()
            .map(|c| c.technology)
            .filter(|&t| t <= max_tech)
            .max()
            .unwrap_or(Technology::Lte);
        cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.technology == tech)
            .min_by(|(_, a), (_, b)| {
                angular_gap(a.azimuth, bearing)
                    .total_cmp(&angular_gap(b.azimuth, bearing))
                    .then(a.sector.cmp(&b.sector))
            })
            .map(|(i, _)| first + i)
            .expect("every site has a cell of its best technology")
    }
}

/// Smallest angle between two bearings, degrees.
fn angular_gap(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geography::Geography;
    use crate::geography::projection::distance_km;
    use crate::public_data::districts;

    fn klang_valley() -> Vec<u16> {
        districts()
            .iter()
            .filter(|d| matches!(d.state_code, 10 | 14 | 16))
            .map(|d| d.index)
            .collect()
    }

    fn shares() -> Vec<(usize, f64)> {
        operators()
            .iter()
            .enumerate()
            .map(|(i, o)| (i, o.market_share))
            .collect()
    }

    #[test]
    fn serving_cell_is_on_the_nearest_site_and_faces_the_point() {
        let net = Network::build(1, &shares(), &klang_valley());
        let geo = Geography::get();
        let (urban, rural) = FALLBACK_REACH_KM;
        for i in 0..500u64 {
            let d = klang_valley()[(i % 10) as usize];
            let (lon, lat) = geo.sample_home(d, &mut stream(3, Purpose::HomePoint, i, 0));
            let cell = net
                .serving_cell(0, lon, lat, Technology::Nr)
                .expect("coverage");
            let site = &net.sites()[cell.site as usize];
            let (best, nearest) = net
                .sites()
                .iter()
                .filter(|s| s.operator == 0)
                .map(|s| (distance_km((s.lon, s.lat), (lon, lat)), s))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap();
            let distance = distance_km((site.lon, site.lat), (lon, lat));
            // The nearest site, or the nearest 4G site within reach of a 2G-only one.
            assert!(
                distance <= best + 0.05
                    || (nearest.gsm_only
                        && !site.gsm_only
                        && distance <= if site.urban { urban } else { rural }),
                "home {i} served {distance} km away, nearest site {best} km"
            );
            assert!(
                angular_gap(cell.azimuth, bearing_deg((site.lon, site.lat), (lon, lat)))
                    <= 60.0 + 1e-9
            );
        }
    }

    #[test]
    fn inter_site_distances_are_realistic() {
        let net = Network::build(1, &shares(), &klang_valley());
        let urban: Vec<&Site> = net
            .sites()
            .iter()
            .filter(|s| s.operator == 0 && s.urban)
            .collect();
        assert!(urban.len() > 1000, "{} urban sites", urban.len());
        let mut gaps: Vec<f64> = urban
            .iter()
            .take(300)
            .map(|s| {
                net.sites()
                    .iter()
                    .filter(|o| o.operator == 0 && !std::ptr::eq(*o, *s))
                    .map(|o| distance_km((o.lon, o.lat), (s.lon, s.lat)))
                    .fold(f64::MAX, f64::min)
            })
            .collect();
        gaps.sort_by(f64::total_cmp);
        let median = gaps[gaps.len() / 2];
        assert!(
            (0.3..=1.0).contains(&median),
            "median urban nearest-site distance {median} km"
        );
    }

    #[test]
    fn mvno_subscribers_ride_on_their_host_network() {
        let net = Network::build(1, &shares(), &klang_valley());
        let mvno = operators().iter().position(|o| o.key == "mvno").unwrap();
        let host = operators()
            .iter()
            .position(|o| o.key == "celcomdigi")
            .unwrap();
        assert!(
            net.sites().iter().all(|s| s.operator != mvno),
            "MVNOs have no sites"
        );
        let cell = net
            .serving_cell(mvno, 101.6869, 3.1390, Technology::Nr)
            .expect("coverage");
        assert_eq!(cell.operator, host);
    }

    #[test]
    fn cell_keys_are_unique_and_nodes_fit_their_id_spaces() {
        let net = Network::build(1, &shares(), &klang_valley());
        let mut keys: Vec<i64> = net.cells().iter().map(|c| c.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), net.cells().len());
        assert!(net.cells().iter().all(|c| c.node_id < 1 << 20));
    }

    /// Population-weighted share of residents of each state whose home lies within reach of a
    /// 4G site of `operator`, and nationally: `(state code, share)` and the national share,
    /// from `per_district` homes sampled in every district.
    fn four_g_home_coverage(
        net: &Network,
        operator: usize,
        per_district: u64,
    ) -> (Vec<(u8, f64)>, f64) {
        let geo = Geography::get();
        let mut by_state: std::collections::BTreeMap<u8, (f64, f64)> = Default::default();
        for d in districts() {
            let mut rng = stream(7, Purpose::HomePoint, u64::from(d.index), 0);
            let covered = (0..per_district)
                .filter(|_| {
                    let home = geo.sample_home(d.index, &mut rng);
                    net.broadband_site_in_reach(operator, home).is_some()
                })
                .count();
            let e = by_state.entry(d.state_code).or_default();
            e.0 += d.population as f64 * covered as f64 / per_district as f64;
            e.1 += d.population as f64;
        }
        let national = by_state.values().map(|v| v.0).sum::<f64>()
            / by_state.values().map(|v| v.1).sum::<f64>();
        (
            by_state.into_iter().map(|(s, (c, n))| (s, c / n)).collect(),
            national,
        )
    }

    /// Share of the rural sites of `operator` in `states` that carry GSM only.
    fn gsm_only_share_of_rural_sites(net: &Network, operator: usize, states: &[u8]) -> f64 {
        let rural: Vec<&Site> = net
            .sites()
            .iter()
            .filter(|s| s.operator == operator && !s.urban)
            .filter(|s| states.contains(&districts()[usize::from(s.district)].state_code))
            .collect();
        rural.iter().filter(|s| s.gsm_only).count() as f64 / rural.len() as f64
    }

    #[test]
    fn four_g_reaches_the_documented_share_of_homes_with_gaps_in_the_interior() {
        const SELANGOR: u8 = 10;
        const SABAH: u8 = 12;
        const SARAWAK: u8 = 13;
        let all: Vec<u16> = districts().iter().map(|d| d.index).collect();
        let net = Network::build(1, &shares(), &all);
        for key in OPERATORS_WITH_2G {
            let op = operators().iter().position(|o| &o.key == key).unwrap();
            let (states, national) = four_g_home_coverage(&net, op, 200);
            let state = |code: u8| states.iter().find(|s| s.0 == code).unwrap().1;
            assert!(
                (0.955..=0.985).contains(&national),
                "{key}: 4G reaches {national:.4} of homes, target 0.9696"
            );
            assert!(state(SELANGOR) >= 0.995, "{key}: Selangor {states:?}");
            for borneo in [SABAH, SARAWAK] {
                assert!(
                    1.0 - state(borneo) >= 5.0 * (1.0 - state(SELANGOR)).max(0.005),
                    "{key}: state {borneo} has no more gaps than Selangor: {states:?}"
                );
            }
            let borneo = gsm_only_share_of_rural_sites(&net, op, &[SABAH, SARAWAK]);
            let selangor = gsm_only_share_of_rural_sites(&net, op, &[SELANGOR]);
            assert!(
                borneo >= 0.5 && borneo >= 3.0 * selangor,
                "{key}: 2G-only rural sites {borneo:.3} in Borneo, {selangor:.3} in Selangor"
            );
        }
        let umobile = operators().iter().position(|o| o.key == "umobile").unwrap();
        assert_eq!(
            gsm_only_share_of_rural_sites(&net, umobile, &[SABAH, SARAWAK]),
            0.0
        );
    }

    #[test]
    fn gsm_only_sites_are_remote_and_handsets_camp_on_4g_within_reach() {
        let interior: Vec<u16> = districts()
            .iter()
            .filter(|d| ["Tongod", "Nabawan", "Telupid"].contains(&d.name))
            .map(|d| d.index)
            .collect();
        assert_eq!(interior.len(), 3);
        let net = Network::build(1, &shares(), &interior);
        let sites = net.sites();
        assert!(sites.iter().any(|s| s.gsm_only), "no 2G-only site");
        for s in sites.iter().filter(|s| s.gsm_only) {
            let cells = &net.cells()[s.first_cell as usize..][..usize::from(s.cell_count)];
            assert!(cells.iter().all(|c| c.technology == Technology::Gsm));
            assert!(!s.urban && OPERATORS_WITH_2G.contains(&operators()[s.operator].key));
            assert!(
                sites
                    .iter()
                    .filter(|t| t.operator == s.operator && t.urban && t.district == s.district)
                    .all(|t| distance_km((t.lon, t.lat), (s.lon, s.lat)) > cells::TOWN_LTE_KM)
            );
        }
        let geo = Geography::get();
        let (urban, rural) = FALLBACK_REACH_KM;
        let mut gsm = 0;
        for i in 0..2_000u64 {
            let d = interior[(i % 3) as usize];
            let (lon, lat) = geo.sample_home(d, &mut stream(5, Purpose::HomePoint, i, 0));
            let op = (i % 2) as usize;
            let cell = net.serving_cell(op, lon, lat, Technology::Nr).unwrap();
            let in_reach = sites.iter().any(|s| {
                s.operator == op
                    && !s.gsm_only
                    && distance_km((s.lon, s.lat), (lon, lat))
                        <= if s.urban { urban } else { rural }
            });
            let nearest = net.nearest_site(op, lon, lat).unwrap();
            assert_eq!(
                cell.technology == Technology::Gsm,
                nearest.gsm_only && !in_reach,
                "home {i} at ({lon}, {lat})"
            );
            gsm += usize::from(cell.technology == Technology::Gsm);
        }
        assert!(gsm > 100, "only {gsm} of 2,000 homes on 2G");
    }
}
