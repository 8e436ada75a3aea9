//! Runs a scenario: builds the world once, then generates person blocks in parallel and hands
//! each table's batches to a sink.
//!
//! Work is split by person id into blocks of `outputs.persons_per_block`; block `b` belongs to
//! shard `b mod N`. A block's files depend only on the scenario and the block, never on the thread
//! that ran it, so output is identical for any thread count, and the shards of a split together
//! write exactly the files of the unsplit run.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::network::Network;
use crate::population::{NumberingExhausted, Population, PopulationSpec};
use crate::scenario::Scenario;
use crate::table::{PartKey, Sink, SinkError, TableSchema};
use crate::tables::{
    self, cells::cells_batch, person_sims::PersonSimsBuilder, persons::PersonsBuilder,
    subscribers::SubscribersBuilder,
};

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
}

impl World {
    /// Builds the population plan and the networks of a scenario.
    pub fn build(scenario: Scenario) -> Result<World, NumberingExhausted> {
        let districts = scenario.districts();
        let population = Population::new(PopulationSpec {
            seed: scenario.seed(),
            reference_date: scenario.start_date(),
            districts: districts.clone(),
            size: scenario.population(),
            sims_per_person: scenario.sims_per_person(),
            operator_shares: scenario.operator_shares(),
        })?;
        let network = Network::build(scenario.seed(), &scenario.operator_shares(), &districts);
        Ok(World {
            scenario,
            population,
            network,
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

    /// Number of person blocks of the whole run.
    pub fn blocks(&self) -> u64 {
        self.population
            .len()
            .div_ceil(u64::from(self.scenario.persons_per_block()))
    }
}

/// Rows written per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// (table name, rows), in the order of the scenario's table list.
    pub rows: Vec<(&'static str, u64)>,
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
    let has = |t: &TableSchema| wanted.iter().any(|w| w.name == t.name);
    let counts: Vec<AtomicU64> = wanted.iter().map(|_| AtomicU64::new(0)).collect();
    let count = |t: &TableSchema, n: usize| {
        if let Some(i) = wanted.iter().position(|w| w.name == t.name) {
            counts[i].fetch_add(n as u64, Ordering::Relaxed);
        }
    };

    if has(&tables::CELLS) && shard.index == 0 {
        let total = world.network.cells().len();
        for (block, start) in (0..total.max(1)).step_by(CELLS_PER_FILE).enumerate() {
            let batch = cells_batch(&world.network, start..(start + CELLS_PER_FILE).min(total));
            count(&tables::CELLS, batch.num_rows());
            sink.write(
                PartKey {
                    table: tables::CELLS.name,
                    day: None,
                    shard: 0,
                    block: block as u32,
                },
                batch,
            )?;
        }
    }

    let per_block = u64::from(world.scenario.persons_per_block());
    let blocks: Vec<u64> = (0..world.blocks())
        .filter(|b| b % u64::from(shard.count) == u64::from(shard.index))
        .collect();
    let shard_persons: u64 = blocks
        .iter()
        .map(|b| (world.population.len() - b * per_block).min(per_block))
        .sum();
    let done = AtomicU64::new(0);
    let wants_register = has(&tables::SUBSCRIBERS);
    blocks
        .par_iter()
        .try_for_each(|&block| -> Result<(), SinkError> {
            let ids = block * per_block..((block + 1) * per_block).min(world.population.len());
            let part = |table: &'static TableSchema| PartKey {
                table: table.name,
                day: None,
                shard: shard.index,
                block: block as u32,
            };
            let reference = world.scenario.start_date();
            let mut persons = PersonsBuilder::with_capacity((ids.end - ids.start) as usize);
            let mut sims = PersonSimsBuilder::default();
            let mut people = Vec::with_capacity((ids.end - ids.start) as usize);
            for id in ids.clone() {
                let person = world.population.person(id);
                persons.push(&person, person.age_on(reference));
                let held = world.population.sims(&person);
                for sim in &held {
                    sims.push(id, sim);
                }
                if wants_register && !held.is_empty() {
                    let identity = world.population.identity(&person);
                    people.push((person, identity, held));
                }
            }
            if has(&tables::PERSONS) {
                let batch = persons.finish();
                count(&tables::PERSONS, batch.num_rows());
                sink.write(part(&tables::PERSONS), batch)?;
            }
            if has(&tables::PERSON_SIMS) {
                let batch = sims.finish();
                count(&tables::PERSON_SIMS, batch.num_rows());
                sink.write(part(&tables::PERSON_SIMS), batch)?;
            }
            if wants_register {
                let mut register = SubscribersBuilder::default();
                for (person, identity, held) in &people {
                    for sim in held {
                        register.push(person, identity, sim);
                    }
                }
                let batch = register.finish();
                count(&tables::SUBSCRIBERS, batch.num_rows());
                sink.write(part(&tables::SUBSCRIBERS), batch)?;
            }
            let now =
                done.fetch_add(ids.end - ids.start, Ordering::Relaxed) + (ids.end - ids.start);
            progress(now, shard_persons);
            Ok(())
        })?;

    Ok(Summary {
        rows: wanted
            .iter()
            .zip(&counts)
            .map(|(t, c)| (t.name, c.load(Ordering::Relaxed)))
            .collect(),
    })
}
