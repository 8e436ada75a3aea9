//! Serving cells at an instant: the nearest cell of the SIM's operator, a fallback when an
//! outage takes its site down, and the load a crowd or a failed neighbour adds.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::serving_cache::{ServingCache, ServingKey};
use super::{Cell, Network, Site, Technology};
use crate::events::gathering::GATHERING_LOAD;
use crate::events::outage::{FALLBACK_LOAD, FALLBACK_REACH_KM};
use crate::events::{Gathering, Outage};
use crate::population::Population;
use crate::rng::{key_hash, unit_f64};

/// Share of SIMs in 5G-capable handsets: 5G subscriptions per mobile subscription at the end of
/// 2024 (MCMC via the bundled market facts: 53%).
pub(crate) const FIVE_G_HANDSET_SHARE: f64 = 0.53;

/// Serving-cell lookups and cell load, shared by all workers.
pub(crate) struct RadioNetwork<'a> {
    network: &'a Network,
    /// Subscribers per site relative to the operator's average, by site index.
    crowding: Vec<f64>,
    pub(crate) seed: u64,
    /// Distinguishes this network's entries in the per-thread [`ServingCache`].
    id: u64,
    /// The scenario's outages.
    outages: &'a [Outage],
    /// The scenario's gatherings, whose crowds load the cells.
    gatherings: &'a [Gathering],
}

/// The cell serving a handset at an instant, with the load it carries beyond its usual hourly
/// pattern (1 normally; more for a crowd or a failed neighbour, see [`crate::events`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Serving<'a> {
    /// The cell.
    pub cell: &'a Cell,
    /// Factor on its failure and drop risk.
    pub load: f64,
}

/// Source of [`RadioNetwork`] ids.
static NEXT_RADIO_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Recent serving-cell answers of this worker thread.
    static SERVING_CACHE: RefCell<ServingCache> = RefCell::new(ServingCache::new());
}

impl<'a> RadioNetwork<'a> {
    /// Computes each site's crowding from the residents of its district; districts outside the
    /// population's (those residents travel to) count their census population at the
    /// population's scale.
    pub(crate) fn new(seed: u64, network: &'a Network, population: &Population) -> Self {
        let all = crate::public_data::districts();
        let districts = all.len();
        let mut residents = vec![None; districts];
        let mut census = 0.0;
        for (d, n) in population.residents_by_district() {
            residents[usize::from(d)] = Some(n as f64);
            census += all[usize::from(d)].population as f64;
        }
        let operators = crate::public_data::operators().len();
        let mut sites = vec![vec![0.0; districts]; operators];
        let mut covered = vec![false; districts];
        for s in network.sites() {
            sites[s.operator][usize::from(s.district)] += 1.0;
            covered[usize::from(s.district)] = true;
        }
        let scale = population.len() as f64 / census.max(1.0);
        let residents: Vec<f64> = residents
            .iter()
            .zip(all)
            .zip(&covered)
            .map(|((n, d), &covered)| match n {
                Some(n) => *n,
                None if covered => d.population as f64 * scale,
                None => 0.0,
            })
            .collect();
        let mean: Vec<f64> = sites
            .iter()
            .map(|per| {
                let total: f64 = per.iter().sum();
                if total > 0.0 {
                    residents.iter().sum::<f64>() / total
                } else {
                    1.0
                }
            })
            .collect();
        let crowding = network
            .sites()
            .iter()
            .map(|s| {
                let per_site =
                    residents[usize::from(s.district)] / sites[s.operator][usize::from(s.district)];
                (per_site / mean[s.operator]).clamp(0.5, 2.0)
            })
            .collect();
        RadioNetwork {
            network,
            crowding,
            seed,
            id: NEXT_RADIO_ID.fetch_add(1, Ordering::Relaxed),
            outages: &[],
            gatherings: &[],
        }
    }

    /// The network with the scenario's outages and gatherings.
    pub(crate) fn with_events(
        mut self,
        outages: &'a [Outage],
        gatherings: &'a [Gathering],
    ) -> Self {
        self.outages = outages;
        self.gatherings = gatherings;
        self
    }

    /// Whether an outage is under way at `t`.
    pub(crate) fn outage_at(&self, t: i64) -> bool {
        self.outages.iter().any(|o| o.is_on(t))
    }

    /// The network.
    pub(crate) fn network(&self) -> &'a Network {
        self.network
    }

    /// Whether the handset of a SIM supports 5G.
    pub(crate) fn five_g(&self, sim_key: u64) -> bool {
        unit_f64(key_hash(self.seed, &[0x3547, sim_key])) < FIVE_G_HANDSET_SHARE
    }

    /// The cell serving SIM `sim_key` of `operator` at `position`.
    ///
    /// People query the same few positions (home, work, a stay) many times a day, so each
    /// worker thread remembers recent answers in a small direct-mapped [`ServingCache`]; the
    /// answer is a pure function of its key, so the cache never changes the output.
    pub(crate) fn serve(&self, operator: usize, sim_key: u64, position: (f64, f64)) -> &'a Cell {
        let max = if self.five_g(sim_key) {
            Technology::Nr
        } else {
            Technology::Lte
        };
        let key = ServingKey {
            network: self.id,
            operator: operator as u32,
            max,
            lon: position.0.to_bits(),
            lat: position.1.to_bits(),
        };
        let index = SERVING_CACHE.with_borrow_mut(|cache| {
            cache.get_or_insert(key, || {
                self.network
                    .serving_cell_index(operator, position.0, position.1, max)
                    .expect("every network operator has sites")
            })
        });
        &self.network.cells()[index]
    }

    /// The cell serving SIM `sim_key` of `operator` at `position` at UTC second `t`, or `None`
    /// when an outage leaves it without service there ([`crate::events::outage`]).
    pub(crate) fn serve_at(
        &self,
        operator: usize,
        sim_key: u64,
        position: (f64, f64),
        t: i64,
    ) -> Option<Serving<'a>> {
        self.serve_at_from(
            self.serve(operator, sim_key, position),
            operator,
            sim_key,
            position,
            t,
        )
    }

    /// [`RadioNetwork::serve_at`] given `nearest`, the answer of [`RadioNetwork::serve`] for the
    /// same SIM and position (for callers that remember it).
    pub(crate) fn serve_at_from(
        &self,
        nearest: &'a Cell,
        operator: usize,
        sim_key: u64,
        position: (f64, f64),
        t: i64,
    ) -> Option<Serving<'a>> {
        let mut serving = Serving {
            cell: nearest,
            load: 1.0,
        };
        if self.outages.is_empty() && self.gatherings.is_empty() {
            return Some(serving);
        }
        let sites = self.network.sites();
        let down = |site: &Site| {
            self.outages
                .iter()
                .any(|o| o.downs(site.operator, (site.lon, site.lat), t))
        };
        let nearest = &sites[serving.cell.site as usize];
        if down(nearest) {
            let (urban, rural) = FALLBACK_REACH_KM;
            let reach = if nearest.urban { urban } else { rural };
            let site =
                self.network
                    .nearest_working_site(operator, position, |s| !down(s), reach)?;
            let max = if self.five_g(sim_key) {
                Technology::Nr
            } else {
                Technology::Lte
            };
            let index = self.network.cell_facing(site, position.0, position.1, max);
            serving = Serving {
                cell: &self.network.cells()[index],
                load: FALLBACK_LOAD,
            };
        }
        if self.gatherings.iter().any(|g| g.crowds(position, t)) {
            serving.load *= GATHERING_LOAD;
        }
        Some(serving)
    }

    /// Failure and drop risk factor of a serving cell at a local hour (see `records::radio`).
    pub(crate) fn risk(&self, serving: &Serving<'_>, local_hour: usize) -> f64 {
        let cell = serving.cell;
        let load = 0.5 + crate::behaviour::activity::voice_load(local_hour);
        technology_factor(cell.technology) * load * self.crowding[cell.site as usize] * serving.load
    }
}

/// Technology factor of failure and drop risk.
pub(crate) fn technology_factor(tech: Technology) -> f64 {
    match tech {
        Technology::Gsm => 1.8,
        Technology::Lte => 1.0,
        Technology::Nr => 1.2,
    }
}
