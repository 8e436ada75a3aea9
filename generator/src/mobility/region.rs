//! The scenario's region as mobility sees it: where its jobs are, and the settlements visited
//! places are snapped to.
//!
//! Jobs: a town settlement offers one job unit per resident, a village [`VILLAGE_JOBS`]; a
//! district's attractiveness is the sum over its settlements times its [`job_hub_factor`]. Its job
//! centre is the job-weighted mean of its settlement centres.
//!
//! Work district: a gravity model over the region's districts,
//! P(j) ∝ attractiveness_j × exp(−d(home, centre_j) / [`COMMUTE_DECAY_KM`]); the work settlement
//! inside j is then drawn with P(s) ∝ jobs_s × exp(−d(home, s) / [`COMMUTE_DECAY_KM`]), and the work
//! point around it like a home (Gaussian, σ = radius / 2, inside the district).
//!
//! Visited places: a target point is kept where it lies inside a settlement of a region district,
//! else moved into one of its [`SNAP_CANDIDATES`] nearest settlements, chosen with
//! P ∝ residents × exp(−distance / [`SNAP_DECAY_KM`]), around which it is jittered the same way.
//!
//! Travel districts ([`Region::with_travel`]): districts outside the region that residents
//! travel to (their kampung). Places visited while away snap to the settlements of the region
//! and these districts alike; jobs and everyday places stay in the region.

use crate::geography::grid::PointGrid;
use crate::geography::projection::{distance_km, offset, to_plane};
use crate::geography::{Geography, SettlementKind};
use crate::public_data::District;
use crate::rng::StreamRng;
use crate::sampling::{Weighted, standard_normal, uniform};
use geo::{Contains, Point};

use crate::geography::Place;

/// Job units per village resident, relative to one per town resident (assumption: farms,
/// plantations and village shops employ fewer people than towns per resident).
pub(crate) const VILLAGE_JOBS: f64 = 0.6;
/// Distance decay of the commute gravity model, km. Calibrated (assumption) so that the median
/// home–work distance in the Klang Valley is 8–15 km; measured there: see the module tests.
pub(crate) const COMMUTE_DECAY_KM: f64 = 8.0;
/// Settlements considered when snapping a visited place to a settlement (assumption).
pub(crate) const SNAP_CANDIDATES: usize = 6;
/// Distance decay of the choice among snap candidates, km (assumption: pulls places towards
/// large towns rather than the nearest hamlet).
pub(crate) const SNAP_DECAY_KM: f64 = 2.0;
/// Settlements per occupied cell of the grid that finds snap candidates.
const SNAP_GRID_PER_CELL: f64 = 2.0;
/// Tries to jitter a point inside its district before falling back to the settlement centre.
const JITTER_TRIES: usize = 8;

/// Jobs per resident relative to other districts (assumption: commuting inflow of the national
/// capital, the federal administrative centre and the largest Selangor job district).
pub(crate) fn job_hub_factor(district: &District) -> f64 {
    match district.code {
        "14_1" => 1.6, // W.P. Kuala Lumpur
        "16_1" => 2.5, // W.P. Putrajaya
        "10_5" => 1.2, // Petaling
        _ => 1.0,
    }
}

/// A settlement in the region's index: (district, position in the district's settlements).
type SettlementRef = ([f64; 2], (u16, u32));

/// The districts of a scenario with what mobility needs precomputed. Build once per scenario.
pub(crate) struct Region {
    districts: Vec<u16>,
    member: Vec<bool>,
    centres: Vec<(f64, f64)>,
    attractiveness: Vec<f64>,
    settlements: PointGrid<(u16, u32)>,
    /// Districts trips may go to besides the region's, sorted.
    #[cfg(test)]
    travel: Vec<u16>,
    /// Region and travel districts.
    covered: Vec<bool>,
    /// Settlements of the region and travel districts, when there are travel districts.
    travel_settlements: Option<PointGrid<(u16, u32)>>,
}

impl Region {
    /// The region made of `districts` (indices into the public-data districts).
    #[cfg(test)]
    pub(crate) fn new(districts: &[u16]) -> Region {
        Region::with_travel(districts, &[])
    }

    /// The region made of `districts`, whose residents may also travel to `travel` districts
    /// (trips away from home: places visited there snap to their settlements).
    pub(crate) fn with_travel(districts: &[u16], travel: &[u16]) -> Region {
        let geo = Geography::get();
        let mut districts = districts.to_vec();
        districts.sort_unstable();
        districts.dedup();
        assert!(!districts.is_empty(), "a region needs a district");
        let mut member = vec![false; geo.districts().len()];
        let mut centres = Vec::with_capacity(districts.len());
        let mut attractiveness = Vec::with_capacity(districts.len());
        let mut refs = Vec::new();
        for &d in &districts {
            member[usize::from(d)] = true;
            let (mut jobs, mut lon, mut lat) = (0.0, 0.0, 0.0);
            for (i, s) in geo.settlements(d).settlements.iter().enumerate() {
                let j = s.residents * settlement_jobs(s.kind);
                jobs += j;
                lon += j * s.lon;
                lat += j * s.lat;
                refs.push((to_plane(s.lon, s.lat), (d, i as u32)));
            }
            centres.push((lon / jobs, lat / jobs));
            attractiveness.push(jobs * job_hub_factor(geo.district(d)));
        }
        let mut travel: Vec<u16> = travel
            .iter()
            .copied()
            .filter(|&d| !member[usize::from(d)])
            .collect();
        travel.sort_unstable();
        travel.dedup();
        let mut covered = member.clone();
        let travel_settlements = (!travel.is_empty()).then(|| {
            let mut all = refs.clone();
            for &d in &travel {
                covered[usize::from(d)] = true;
                let settlements = &geo.settlements(d).settlements;
                all.extend(
                    settlements
                        .iter()
                        .enumerate()
                        .map(|(i, s)| -> SettlementRef { (to_plane(s.lon, s.lat), (d, i as u32)) }),
                );
            }
            PointGrid::new(all, SNAP_GRID_PER_CELL)
        });
        Region {
            districts,
            member,
            centres,
            attractiveness,
            settlements: PointGrid::new(refs, SNAP_GRID_PER_CELL),
            #[cfg(test)]
            travel,
            covered,
            travel_settlements,
        }
    }

    /// Districts trips may go to besides the region's, sorted.
    #[cfg(test)]
    pub(crate) fn travel_districts(&self) -> &[u16] {
        &self.travel
    }

    /// Whether a district belongs to the region.
    #[cfg(test)]
    pub(crate) fn contains(&self, district: u16) -> bool {
        self.member
            .get(usize::from(district))
            .copied()
            .unwrap_or(false)
    }

    /// Draws a work (or university) place for someone living at `home`.
    pub(super) fn job_place(&self, home: (f64, f64), rng: &mut StreamRng) -> Place {
        let gaps: Vec<f64> = self.centres.iter().map(|&c| distance_km(home, c)).collect();
        let district = self.districts[gravity_pick(&self.attractiveness, &gaps, uniform(rng))];
        let geo = Geography::get();
        let all = &geo.settlements(district).settlements;
        let jobs: Vec<f64> = all
            .iter()
            .map(|s| s.residents * settlement_jobs(s.kind))
            .collect();
        let gaps: Vec<f64> = all
            .iter()
            .map(|s| distance_km(home, (s.lon, s.lat)))
            .collect();
        let s = &all[gravity_pick(&jobs, &gaps, uniform(rng))];
        jitter_in_district(district, (s.lon, s.lat), s.radius_km / 2.0, rng)
    }

    /// Snaps a target point to the region's settled land: kept when it lies in a settlement of a
    /// region district, else moved into one of the nearest [`SNAP_CANDIDATES`] settlements, chosen
    /// by residents × exp(−distance / [`SNAP_DECAY_KM`]).
    pub(super) fn snap(&self, target: (f64, f64), rng: &mut StreamRng) -> Place {
        snap_to(&self.settlements, &self.member, target, rng)
    }

    /// Like [`Region::snap`], over the settlements of the region and its travel districts.
    pub(super) fn snap_travel(&self, target: (f64, f64), rng: &mut StreamRng) -> Place {
        match &self.travel_settlements {
            Some(grid) => snap_to(grid, &self.covered, target, rng),
            None => self.snap(target, rng),
        }
    }
}

/// Share of the workers and students living in `districts` whose work or study district the
/// same gravity model over every district of Malaysia would put outside `districts`: the share a
/// scenario of that region places inside it instead (its edge is closed). Homes are taken at
/// settlement centres, weighted by residents.
#[cfg(test)]
pub(crate) fn outside_job_share(districts: &[u16]) -> f64 {
    let geo = Geography::get();
    let all: Vec<u16> = (0..geo.districts().len() as u16).collect();
    let nation = Region::new(&all);
    let inside: Vec<bool> = nation
        .districts
        .iter()
        .map(|d| districts.contains(d))
        .collect();
    let (mut out, mut total) = (0.0, 0.0);
    for &d in districts {
        for s in &geo.settlements(d).settlements {
            let gaps: Vec<f64> = nation
                .centres
                .iter()
                .map(|&c| distance_km((s.lon, s.lat), c))
                .collect();
            let nearest = gaps.iter().copied().fold(f64::INFINITY, f64::min);
            let weight = |i: usize| {
                nation.attractiveness[i] * libm::exp(-(gaps[i] - nearest) / COMMUTE_DECAY_KM)
            };
            let sum: f64 = (0..gaps.len()).map(weight).sum();
            let outside: f64 = (0..gaps.len()).filter(|&i| !inside[i]).map(weight).sum();
            out += s.residents * outside / sum;
            total += s.residents;
        }
    }
    out / total
}

/// Snaps `target` to the settlements of `grid`, whose districts are those marked in `member`.
fn snap_to(
    grid: &PointGrid<(u16, u32)>,
    member: &[bool],
    target: (f64, f64),
    rng: &mut StreamRng,
) -> Place {
    let geo = Geography::get();
    let (nearest, found) = grid.k_nearest::<SNAP_CANDIDATES>(to_plane(target.0, target.1));
    let candidates: Vec<(u16, &crate::geography::Settlement, f64)> = nearest[..found]
        .iter()
        .map(|&(_, (d, i))| {
            let s = &geo.settlements(d).settlements[i as usize];
            (d, s, distance_km(target, (s.lon, s.lat)))
        })
        .collect();
    if candidates.iter().any(|&(_, s, gap)| gap <= s.radius_km)
        && let Some(district) = geo.locate(target.0, target.1)
        && member.get(usize::from(district)).copied().unwrap_or(false)
    {
        return Place {
            lon: target.0,
            lat: target.1,
            district,
        };
    }
    let residents: Vec<f64> = candidates.iter().map(|c| c.1.residents).collect();
    let gaps: Vec<f64> = candidates.iter().map(|c| c.2).collect();
    let i = decayed_pick(&residents, &gaps, SNAP_DECAY_KM, uniform(rng));
    let (district, s, _) = candidates[i];
    jitter_in_district(district, (s.lon, s.lat), s.radius_km / 2.0, rng)
}

/// Job units per resident of a settlement kind.
fn settlement_jobs(kind: SettlementKind) -> f64 {
    match kind {
        SettlementKind::Town => 1.0,
        SettlementKind::Village => VILLAGE_JOBS,
    }
}

/// The gravity-model pick with [`COMMUTE_DECAY_KM`].
fn gravity_pick(mass: &[f64], gaps: &[f64], u: f64) -> usize {
    decayed_pick(mass, gaps, COMMUTE_DECAY_KM, u)
}

/// Index picked by `u` with P(i) ∝ mass_i × exp(−gap_i / decay); gaps are shifted by their
/// minimum so that the weights never all underflow.
fn decayed_pick(mass: &[f64], gaps: &[f64], decay: f64, u: f64) -> usize {
    let nearest = gaps.iter().copied().fold(f64::INFINITY, f64::min);
    Weighted::new(
        mass.iter()
            .zip(gaps)
            .map(|(&m, &g)| m * libm::exp(-(g - nearest) / decay)),
    )
    .pick(u)
}

/// A point around `centre` (Gaussian, σ = `sigma_km`) inside the district, else the centre.
pub(super) fn jitter_in_district(
    district: u16,
    centre: (f64, f64),
    sigma_km: f64,
    rng: &mut StreamRng,
) -> Place {
    let boundary = &Geography::get().district(district).boundary;
    for _ in 0..JITTER_TRIES {
        let (dx, dy) = (
            standard_normal(rng) * sigma_km,
            standard_normal(rng) * sigma_km,
        );
        let (lon, lat) = offset(centre.0, centre.1, dx, dy);
        if boundary.contains(&Point::new(lon, lat)) {
            return Place { lon, lat, district };
        }
    }
    Place {
        lon: centre.0,
        lat: centre.1,
        district,
    }
}
