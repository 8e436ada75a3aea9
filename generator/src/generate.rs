//! Runs a scenario: builds the world once, then generates person blocks in parallel and hands
//! each table's batches to a sink.
//!
//! Work is split by person id into blocks of `outputs.persons_per_block`; block `b` belongs to
//! shard `b mod N`. A block's files depend only on the scenario and the block, never on the thread
//! that ran it, so output is identical for any thread count, and the shards of a split together
//! write exactly the rows of the unsplit run (file names carry the shard).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::behaviour::activity::activity;
use crate::behaviour::calls::CallRates;
use crate::behaviour::contacts::candidate_ties;
use crate::behaviour::data::{ActivePeriod, DataDay, data_day};
use crate::columnar::{Batch, PartKey, Sink, SinkError, TableSchema};
use crate::mobility::calendar::date_days;
use crate::mobility::{Mobility, PlanCache, TripKind, local_midnight};
use crate::network::Network;
use crate::plan;
use crate::population::{Identity, MAX_SIMS, NumberingExhausted, Person, Population, Sim};
use crate::public_data::operators;
use crate::records::RadioNetwork;
use crate::records::communication::{DayContext, Link, Party, ReachableSim, person_day_cdr};
use crate::records::ids::RecordIds;
use crate::records::sessions::{DataSim, ip_records};
use crate::records::visitor::{ROAMER_FACTOR, VisitorSim, visitor_day_cdr};
use crate::records::{CdrRow, IpCall, IpRecord, PhoneNumber};
use crate::rng::KeyMap;
use crate::scenario::Scenario;
use crate::tables::cdr::{CdrBuilder, Served};
use crate::tables::ip_sessions::{calls_batch, sessions_batch};
use crate::tables::trajectories::TrajectoriesBuilder;
use crate::tables::trips::TripsBuilder;
use crate::tables::visitors::VisitorsBuilder;
use crate::tables::{
    self, cells::cells_batch, person_sims::PersonSimsBuilder, persons::PersonsBuilder,
    subscribers::SubscribersBuilder,
};
use crate::visitors::{Inbound, MAX_VISITORS, PhoneKind, VISITOR_SIM_KEY_BASE, Visitor};

/// Rows per file of the `cells` table.
const CELLS_PER_FILE: usize = 1_000_000;

/// Which part of a split run to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Index, from 0.
    pub index: u32,
    /// Number of shards, at least 1.
    pub count: u32,
}

impl Shard {
    /// The whole run.
    pub const ALL: Shard = Shard { index: 0, count: 1 };
}

/// A scenario's population and networks, built once and shared by all workers.
pub struct World {
    /// The scenario.
    pub scenario: Scenario,
    /// Its population.
    pub population: Population,
    /// Its operators' networks.
    pub network: Network,
    /// Its inbound visitors.
    pub inbound: Inbound,
}

impl World {
    /// Builds the population plan and the networks of a scenario.
    pub fn build(scenario: Scenario) -> Result<World, NumberingExhausted> {
        let districts = scenario.districts();
        let population = Population::new(plan::population_spec(&scenario))?;
        // Cover the districts residents travel to as well, after the region's own cells.
        let travel = plan::travel_spec(&scenario).coverage(&districts);
        let network = Network::build_with_coverage(
            scenario.seed(),
            &scenario.operator_shares(),
            &districts,
            &travel,
        );
        let inbound = Inbound::new(&plan::inbound_spec(&scenario));
        inbound.check_numbers(&population)?;
        debug_assert!(population.len() * MAX_SIMS <= VISITOR_SIM_KEY_BASE);
        debug_assert!(inbound.len() <= MAX_VISITORS);
        Ok(World {
            scenario,
            population,
            network,
            inbound,
        })
    }

    /// The tables the scenario asks for.
    pub fn tables(&self) -> Vec<&'static TableSchema> {
        self.scenario
            .tables()
            .iter()
            .filter_map(|name| tables::by_name(name))
            .collect()
    }

    /// Number of blocks of the whole run: residents' blocks, then visitors' blocks.
    pub fn blocks(&self) -> u64 {
        self.resident_blocks() + self.inbound.len().div_ceil(self.per_block())
    }

    /// Number of blocks of residents; the blocks after them hold visitor indices.
    pub fn resident_blocks(&self) -> u64 {
        self.population.len().div_ceil(self.per_block())
    }

    fn per_block(&self) -> u64 {
        u64::from(self.scenario.persons_per_block())
    }
}

/// Rows written per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// (table name, rows), in the order of the scenario's table list.
    pub rows: Vec<(&'static str, u64)>,
}

/// Counts rows per requested table, from any thread.
struct Counter<'a> {
    wanted: &'a [&'static TableSchema],
    counts: Vec<AtomicU64>,
}

impl Counter<'_> {
    fn wants(&self, table: &TableSchema) -> bool {
        self.wanted.iter().any(|w| w.name == table.name)
    }

    fn add(&self, table: &TableSchema, rows: usize) {
        if let Some(i) = self.wanted.iter().position(|w| w.name == table.name) {
            self.counts[i].fetch_add(rows as u64, Ordering::Relaxed);
        }
    }
}

/// Shared, read-only state of a run.
struct Run<'a> {
    world: &'a World,
    mobility: Mobility<'a>,
    radio: RadioNetwork<'a>,
    cdr_ids: RecordIds,
    ip_ids: RecordIds,
    session_ids: RecordIds,
    rates: CallRates,
    counter: Counter<'a>,
    sink: &'a dyn Sink,
    shard: Shard,
}

/// A person of the block being generated, with everything the days need.
struct Resident {
    person: Person,
    sims: Vec<Sim>,
    party: Arc<Party>,
    links: Vec<Link>,
}

/// Generates the shard's part of every requested table into `sink`. `progress` is called with
/// (persons done, persons in the shard) after each block.
pub fn run(
    world: &World,
    shard: Shard,
    sink: &dyn Sink,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Summary, SinkError> {
    let wanted = world.tables();
    let seed = world.scenario.seed();
    let run = Run {
        world,
        mobility: Mobility::with_travel(
            &world.population,
            &world.scenario.districts(),
            world.scenario.start_date(),
            plan::travel_spec(&world.scenario),
        )
        .with_gatherings(world.scenario.gatherings()),
        radio: RadioNetwork::new(seed, &world.network, &world.population)
            .with_events(world.scenario.outages(), world.scenario.gatherings()),
        cdr_ids: RecordIds::new(seed, 1),
        ip_ids: RecordIds::new(seed, 2),
        session_ids: RecordIds::new(seed, 3),
        rates: CallRates::calibrate(seed, &world.population),
        counter: Counter {
            wanted: &wanted,
            counts: wanted.iter().map(|_| AtomicU64::new(0)).collect(),
        },
        sink,
        shard,
    };

    if run.counter.wants(&tables::CELLS) && shard.index == 0 {
        let total = world.network.cells().len();
        for (block, start) in (0..total.max(1)).step_by(CELLS_PER_FILE).enumerate() {
            let batch = cells_batch(&world.network, start..(start + CELLS_PER_FILE).min(total));
            run.write(&tables::CELLS, None, block as u64, batch)?;
        }
    }

    let per_block = u64::from(world.scenario.persons_per_block());
    let blocks: Vec<u64> = (0..world.blocks())
        .filter(|b| b % u64::from(shard.count) == u64::from(shard.index))
        .collect();
    let residents = world.resident_blocks();
    let shard_persons: u64 = blocks
        .iter()
        .filter(|&&b| b < residents)
        .map(|b| (world.population.len() - b * per_block).min(per_block))
        .sum();
    let done = AtomicU64::new(0);
    blocks
        .par_iter()
        .try_for_each(|&block| -> Result<(), SinkError> {
            if block >= residents {
                let first = (block - residents) * per_block;
                let indices = first..(first + per_block).min(world.inbound.len());
                return run.visitor_block(block, indices);
            }
            let ids = block * per_block..((block + 1) * per_block).min(world.population.len());
            let residents = run.static_tables(block, ids.clone())?;
            if DAILY_TABLES.iter().any(|t| run.counter.wants(t)) {
                run.daily_tables(block, &residents)?;
            }
            let now =
                done.fetch_add(ids.end - ids.start, Ordering::Relaxed) + (ids.end - ids.start);
            progress(now, shard_persons);
            Ok(())
        })?;

    Ok(Summary {
        rows: wanted
            .iter()
            .zip(&run.counter.counts)
            .map(|(t, c)| (t.name, c.load(Ordering::Relaxed)))
            .collect(),
    })
}

/// Tables written once per scenario day.
const DAILY_TABLES: [&TableSchema; 4] = [
    &tables::CDR,
    &tables::IP_SESSIONS,
    &tables::IP_CALLS,
    &tables::TRAJECTORIES,
];

impl Run<'_> {
    fn write(
        &self,
        table: &'static TableSchema,
        day: Option<i32>,
        block: u64,
        batch: Batch,
    ) -> Result<(), SinkError> {
        self.counter.add(table, batch.num_rows());
        let part = PartKey {
            table: table.name,
            day,
            shard: if day.is_none() && table.name == tables::CELLS.name {
                0
            } else {
                self.shard.index
            },
            block: block as u32,
        };
        self.sink.write(part, batch)
    }

    /// Writes the block's persons, person_sims, subscribers and trips; returns its residents.
    /// Writes a block's rows of one day into the requested daily tables (partitioned by local day).
    fn write_day<'s>(
        &self,
        block: u64,
        date: chrono::NaiveDate,
        rows: DayRows,
        lookup: &impl Fn(u64) -> Served<'s>,
    ) -> Result<(), SinkError> {
        let day_key = Some(date_days(date));
        if self.counter.wants(&tables::TRAJECTORIES) {
            self.write(
                &tables::TRAJECTORIES,
                day_key,
                block,
                rows.trajectories.finish(),
            )?;
        }
        if self.counter.wants(&tables::CDR) {
            let batch = CdrBuilder::from_rows(rows.cdr).finish(lookup);
            self.write(&tables::CDR, day_key, block, batch)?;
        }
        if self.counter.wants(&tables::IP_SESSIONS) {
            let batch = sessions_batch(rows.sessions, lookup);
            self.write(&tables::IP_SESSIONS, day_key, block, batch)?;
        }
        if self.counter.wants(&tables::IP_CALLS) {
            let batch = calls_batch(rows.calls, lookup);
            self.write(&tables::IP_CALLS, day_key, block, batch)?;
        }
        Ok(())
    }

    fn static_tables(
        &self,
        block: u64,
        ids: std::ops::Range<u64>,
    ) -> Result<Vec<Resident>, SinkError> {
        let population = &self.world.population;
        let seed = population.seed();
        let reference = self.world.scenario.start_date();
        let mut persons = PersonsBuilder::with_capacity((ids.end - ids.start) as usize);
        let mut person_sims = PersonSimsBuilder::default();
        let mut register = Vec::new();
        let mut trips = TripsBuilder::default();
        let want_persons = self.counter.wants(&tables::PERSONS);
        let want_person_sims = self.counter.wants(&tables::PERSON_SIMS);
        let want_trips = self.counter.wants(&tables::TRIPS);
        let want_visitors = self.counter.wants(&tables::VISITORS);
        let mut visitors = VisitorsBuilder::default();
        let mut residents = Vec::with_capacity((ids.end - ids.start) as usize);
        let mut parties = Parties::new(population);
        for id in ids {
            let person = population.person(id);
            if want_persons {
                persons.push(&person, person.age_on(reference));
            }
            if want_trips || want_visitors {
                let all = self.mobility.trips(&person);
                for t in all.iter().filter(|t| t.kind == TripKind::Leisure) {
                    visitors.push_domestic(id, t);
                }
                trips.push(id, &all);
            }
            let sims = population.sims(&person);
            if want_person_sims {
                sims.iter().for_each(|sim| person_sims.push(id, sim));
            }
            if self.counter.wants(&tables::SUBSCRIBERS) && !sims.is_empty() {
                register.push(population.identity(&person));
            }
            let (party, links) = match parties.of(id) {
                Some(party) => (party, parties.links(id, self.rates)),
                None => (Arc::new(party(seed, id, &sims)), Vec::new()),
            };
            residents.push(Resident {
                person,
                sims,
                party,
                links,
            });
        }
        if want_persons {
            self.write(&tables::PERSONS, None, block, persons.finish())?;
        }
        if want_person_sims {
            self.write(&tables::PERSON_SIMS, None, block, person_sims.finish())?;
        }
        if want_trips {
            self.write(&tables::TRIPS, None, block, trips.finish())?;
        }
        if want_visitors {
            self.write(&tables::VISITORS, None, block, visitors.finish())?;
        }
        if self.counter.wants(&tables::SUBSCRIBERS) {
            let mut builder = SubscribersBuilder::default();
            let holders = residents.iter().filter(|r| !r.sims.is_empty());
            for (r, identity) in holders.zip(&register) {
                for sim in &r.sims {
                    builder.push(&r.person, identity, sim);
                }
            }
            self.write(&tables::SUBSCRIBERS, None, block, builder.finish())?;
        }
        Ok(residents)
    }

    /// Writes the block's cdr, ip_sessions, ip_calls and trajectories, day by day.
    fn daily_tables(&self, block: u64, residents: &[Resident]) -> Result<(), SinkError> {
        let seed = self.world.population.seed();
        let start = self.world.scenario.start_date();
        let mut cache = PlanCache::new(4 * residents.len().max(64));
        // The identifiers of the block's SIMs, inline and side by side, by key: keys are person
        // id × MAX_SIMS + slot, and the block's ids are contiguous.
        let base = residents.first().map_or(0, |r| r.person.id * MAX_SIMS);
        let mut index = vec![u32::MAX; residents.len() * MAX_SIMS as usize];
        let mut identifiers: Vec<[PhoneNumber; 3]> = Vec::new();
        for sim in residents.iter().flat_map(|r| &r.sims) {
            index[(sim.key - base) as usize] = identifiers.len() as u32;
            identifiers.push(self::identifiers(sim));
        }
        let lookup = |key: u64| {
            let [msisdn, imsi, imei] = &identifiers[index[(key - base) as usize] as usize];
            Served { msisdn, imsi, imei }
        };
        let want = self.wanted_rows();
        for day in 0..self.world.scenario.days() {
            let date = start + chrono::Days::new(u64::from(day));
            let midnight = local_midnight(date);
            let ctx = DayContext {
                seed,
                day,
                midnight,
                radio: &self.radio,
                mobility: &self.mobility,
                ids: &self.cdr_ids,
                rates: self.rates,
            };
            let (mut cdr, mut sessions, mut calls) = (Vec::new(), Vec::new(), Vec::new());
            let mut trajectories = TrajectoriesBuilder::default();
            for r in residents {
                // A cdr-only run looks a plan up only for a day with records.
                let plan = (want.trajectories || want.data)
                    .then(|| cache.plan_of(&self.mobility, &r.person, day));
                if let Some(plan) = plan.as_ref().filter(|_| want.trajectories) {
                    trajectories.push(r.person.id, plan);
                }
                if want.cdr {
                    let me = (&r.person, &*r.party);
                    person_day_cdr(&ctx, &mut cache, me, plan.clone(), &r.links, &mut cdr);
                }
                let Some(plan) = plan.filter(|_| want.data) else {
                    continue;
                };
                let abroad = plan.abroad_spans();
                for sim in &r.sims {
                    let level = r.party.activity / r.sims.len() as f64;
                    let mut data = data_day(seed, sim.key, sim.slot, level, midnight, day);
                    if !abroad.is_empty() {
                        data = restrict(data, &outside(&abroad, midnight));
                    }
                    let data_sim = DataSim {
                        key: sim.key,
                        operator: sim.numbers.operator,
                        operator_name: operators()[sim.numbers.operator].name,
                        data: &data,
                        plan: &plan,
                        roaming: "home",
                    };
                    ip_records(
                        &self.radio,
                        (&self.ip_ids, &self.session_ids),
                        &data_sim,
                        day,
                        &mut sessions,
                        &mut calls,
                    );
                }
            }
            let rows = DayRows {
                trajectories,
                cdr,
                sessions,
                calls,
            };
            self.write_day(block, date, rows, &lookup)?;
        }
        Ok(())
    }
}

/// A block's daily rows of one day, before they become batches.
struct DayRows {
    trajectories: TrajectoriesBuilder,
    cdr: Vec<CdrRow>,
    sessions: Vec<IpRecord>,
    calls: Vec<IpCall>,
}

/// Which kinds of daily rows a run computes.
struct WantedRows {
    trajectories: bool,
    cdr: bool,
    /// ip_sessions or ip_calls.
    data: bool,
}

impl Run<'_> {
    /// The kinds of daily rows the requested tables need. Every table's rows come from their own
    /// random streams, so work for a table that is not requested is skipped without changing the
    /// others, for residents and visitors alike.
    fn wanted_rows(&self) -> WantedRows {
        WantedRows {
            trajectories: self.counter.wants(&tables::TRAJECTORIES),
            cdr: self.counter.wants(&tables::CDR),
            data: self.counter.wants(&tables::IP_SESSIONS) || self.counter.wants(&tables::IP_CALLS),
        }
    }

    /// Writes a block of visitor indices: the visitors present in the region during the period,
    /// their SIMs (register entries for tourist SIMs) and their days.
    fn visitor_block(&self, block: u64, indices: std::ops::Range<u64>) -> Result<(), SinkError> {
        let world = self.world;
        let seed = world.scenario.seed();
        let visitors: Vec<Visitor> = indices
            .filter_map(|i| world.inbound.visitor(&world.population, i))
            .collect();
        if self.counter.wants(&tables::VISITORS) {
            let mut builder = VisitorsBuilder::default();
            visitors.iter().for_each(|v| builder.push(v));
            self.write(&tables::VISITORS, None, block, builder.finish())?;
        }
        if self.counter.wants(&tables::PERSON_SIMS) {
            let mut builder = PersonSimsBuilder::default();
            for v in &visitors {
                if let Some(sim) = &v.phone.sim {
                    builder.push(v.id, sim);
                }
            }
            self.write(&tables::PERSON_SIMS, None, block, builder.finish())?;
        }
        if self.counter.wants(&tables::SUBSCRIBERS) {
            let tourists: Vec<(&Visitor, Person, Identity)> = visitors
                .iter()
                .filter(|v| v.phone.kind == PhoneKind::TouristSim)
                .map(|v| (v, v.holder(), v.registration(seed)))
                .collect();
            let mut builder = SubscribersBuilder::default();
            for (v, holder, identity) in &tourists {
                if let Some(sim) = &v.phone.sim {
                    builder.push(holder, identity, sim);
                }
            }
            self.write(&tables::SUBSCRIBERS, None, block, builder.finish())?;
        }
        if DAILY_TABLES.iter().any(|t| self.counter.wants(t)) {
            self.visitor_days(block, &visitors)?;
        }
        Ok(())
    }

    /// Writes the visitors' cdr, ip_sessions, ip_calls and trajectories, day by day.
    fn visitor_days(&self, block: u64, visitors: &[Visitor]) -> Result<(), SinkError> {
        let seed = self.world.scenario.seed();
        let start = self.world.scenario.start_date();
        let served: KeyMap<u64, [PhoneNumber; 3]> = visitors
            .iter()
            .filter_map(|v| v.phone.sim.as_ref())
            .map(|s| (s.key, identifiers(s)))
            .collect();
        let lookup = |key: u64| {
            let [msisdn, imsi, imei] = &served[&key];
            Served { msisdn, imsi, imei }
        };
        let want = self.wanted_rows();
        for day in 0..self.world.scenario.days() {
            let date = start + chrono::Days::new(u64::from(day));
            let midnight = local_midnight(date);
            let (mut cdr, mut sessions, mut calls) = (Vec::new(), Vec::new(), Vec::new());
            let mut trajectories = TrajectoriesBuilder::default();
            for v in visitors {
                let Some(plan) = self.world.inbound.plan(v, date) else {
                    continue;
                };
                if want.trajectories {
                    trajectories.push(v.id, &plan);
                }
                let Some(sim) = &v.phone.sim else {
                    continue;
                };
                let roaming = v.phone.kind.roaming();
                if want.cdr {
                    let on_day = VisitorSim {
                        sim,
                        country: v.origin.iso3,
                        calling_code: v.origin.calling_code,
                        roaming,
                        plan: &plan,
                    };
                    visitor_day_cdr(&self.radio, &self.cdr_ids, &on_day, day, midnight, &mut cdr);
                }
                if !want.data {
                    continue;
                }
                let level = if v.phone.kind == PhoneKind::Roaming {
                    ROAMER_FACTOR
                } else {
                    1.0
                };
                let present = [(
                    plan.segments[0].start(),
                    plan.segments[plan.segments.len() - 1].end(),
                )];
                let data = restrict(data_day(seed, sim.key, 0, level, midnight, day), &present);
                let data_sim = DataSim {
                    key: sim.key,
                    operator: sim.numbers.operator,
                    operator_name: operators()[sim.numbers.operator].name,
                    data: &data,
                    plan: &plan,
                    roaming,
                };
                ip_records(
                    &self.radio,
                    (&self.ip_ids, &self.session_ids),
                    &data_sim,
                    day,
                    &mut sessions,
                    &mut calls,
                );
            }
            let rows = DayRows {
                trajectories,
                cdr,
                sessions,
                calls,
            };
            self.write_day(block, date, rows, &lookup)?;
        }
        Ok(())
    }
}

/// A data day cut to the intervals `keep` (sorted, disjoint): periods clipped and split, bytes in
/// proportion to the active time kept, over-the-top calls that start in a kept period.
fn restrict(mut data: DataDay, keep: &[(i64, i64)]) -> DataDay {
    let active = |d: &DataDay| -> i64 { d.periods.iter().map(|p| (p.end - p.start).max(1)).sum() };
    let before = active(&data).max(1);
    data.periods = data
        .periods
        .iter()
        .flat_map(|p| {
            keep.iter()
                .filter(move |k| k.0 < p.end && p.start < k.1)
                .map(move |k| ActivePeriod {
                    start: p.start.max(k.0),
                    end: p.end.min(k.1),
                })
        })
        .collect();
    data.ott_calls.retain(|c| {
        data.periods
            .iter()
            .any(|p| p.start <= c.start && c.start <= p.end)
    });
    data.bytes *= active(&data) as f64 / before as f64;
    data
}

/// The parts of the local day from `midnight` outside the sorted, disjoint `spans`.
fn outside(spans: &[(i64, i64)], midnight: i64) -> Vec<(i64, i64)> {
    let mut keep = Vec::with_capacity(spans.len() + 1);
    let mut t = midnight;
    for &(s, e) in spans {
        if s > t {
            keep.push((t, s));
        }
        t = t.max(e);
    }
    keep.push((t, midnight + 86_400));
    keep
}

/// A SIM's MSISDN, IMSI and IMEI, inline.
fn identifiers(sim: &Sim) -> [PhoneNumber; 3] {
    [
        PhoneNumber::new(&sim.numbers.msisdn),
        PhoneNumber::new(&sim.numbers.imsi),
        PhoneNumber::new(&sim.imei),
    ]
}

/// A person as a call party: activity and reachable SIMs.
fn party(seed: u64, id: u64, sims: &[Sim]) -> Party {
    Party {
        id,
        activity: activity(seed, id) * sims.len() as f64,
        sims: sims
            .iter()
            .map(|s| ReachableSim {
                key: s.key,
                operator: s.numbers.operator,
                msisdn: PhoneNumber::new(&s.numbers.msisdn),
            })
            .collect(),
    }
}

/// The call parties of a block's residents and of their contacts, each computed once per block
/// (a person is the contact of a dozen others, most of them in the same block).
struct Parties<'p> {
    population: &'p Population,
    /// Person id → party, `None` for persons without a SIM.
    known: KeyMap<u64, Option<Arc<Party>>>,
}

impl<'p> Parties<'p> {
    fn new(population: &'p Population) -> Self {
        Parties {
            population,
            known: KeyMap::default(),
        }
    }

    /// Person `id` as a call party: the same as [`party`] of the person's SIMs, from their SIM
    /// count and MSISDNs alone; `None` without a SIM.
    fn of(&mut self, id: u64) -> Option<Arc<Party>> {
        let population = self.population;
        self.known
            .entry(id)
            .or_insert_with(|| {
                let count = population.sim_count(id);
                (count > 0).then(|| {
                    let seed = population.seed();
                    Arc::new(Party {
                        id,
                        activity: activity(seed, id) * f64::from(count),
                        sims: (0..u64::from(count))
                            .map(|slot| {
                                let key = id * MAX_SIMS + slot;
                                let (operator, msisdn) = population.operator_msisdn(key);
                                ReachableSim {
                                    key,
                                    operator,
                                    msisdn: PhoneNumber::new(&msisdn),
                                }
                            })
                            .collect(),
                    })
                })
            })
            .clone()
    }

    /// The ties of person `id`, who holds a SIM, to others who hold one.
    fn links(&mut self, id: u64, rates: CallRates) -> Vec<Link> {
        let seed = self.population.seed();
        let Some(me) = self.of(id) else {
            return Vec::new();
        };
        candidate_ties(seed, self.population, id)
            .into_iter()
            .filter_map(|c| {
                let other = self.of(c.other)?;
                Some(Link::new(seed, rates, c.tie, &me, other))
            })
            .collect()
    }
}
