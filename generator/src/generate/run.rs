//! The scheduler: a shard's blocks in parallel, rows counted per table, batches to the sink.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::behaviour::calls::CallRates;
use crate::behaviour::data::{ActivePeriod, DataDay};
use crate::columnar::{Batch, PartKey, Sink, SinkError, TableSchema};
use crate::faults::{Carry, Faults};
use crate::mobility::Mobility;
use crate::mobility::calendar::date_days;
use crate::network::serving::RadioNetwork;
use crate::plan;
use crate::population::Sim;
use crate::records::ids::RecordIds;
use crate::records::{CdrRow, IpCall, IpRecord, PhoneNumber};
use crate::tables::cdr::{CdrBuilder, Served};
use crate::tables::ip_sessions::{calls_batch, sessions_batch};
use crate::tables::trajectories::TrajectoriesBuilder;
use crate::tables::{self, cells::cells_batch, faults::faults_batch};

use super::World;

/// Rows per file of the `cells` table.
pub(super) const CELLS_PER_FILE: usize = 1_000_000;

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

/// Rows written per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// (table name, rows), in the order of the scenario's table list.
    pub rows: Vec<(&'static str, u64)>,
}

/// Counts rows per requested table, from any thread.
pub(super) struct Counter<'a> {
    pub(super) wanted: &'a [&'static TableSchema],
    pub(super) counts: Vec<AtomicU64>,
}

impl Counter<'_> {
    pub(super) fn wants(&self, table: &TableSchema) -> bool {
        self.wanted.iter().any(|w| w.name == table.name)
    }

    pub(super) fn add(&self, table: &TableSchema, rows: usize) {
        if let Some(i) = self.wanted.iter().position(|w| w.name == table.name) {
            self.counts[i].fetch_add(rows as u64, Ordering::Relaxed);
        }
    }
}

/// Shared, read-only state of a run.
pub(super) struct Run<'a> {
    pub(super) world: &'a World,
    pub(super) mobility: Mobility<'a>,
    pub(super) radio: RadioNetwork<'a>,
    pub(super) cdr_ids: RecordIds,
    pub(super) ip_ids: RecordIds,
    pub(super) session_ids: RecordIds,
    pub(super) rates: CallRates,
    pub(super) counter: Counter<'a>,
    pub(super) sink: &'a dyn Sink,
    pub(super) shard: Shard,
    /// The data-quality faults, `None` when the scenario has none.
    pub(super) faults: Option<Faults<'a>>,
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
        faults: Faults::new(
            seed,
            plan::fault_rates(&world.scenario),
            &world.network,
            world.scenario.days(),
            (RecordIds::new(seed, 1), RecordIds::new(seed, 2)),
        ),
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
    // One block per task: rayon would otherwise hand each thread a contiguous range it can no
    // longer split, and one thread would get every resident block (visitor blocks, after them,
    // are light): a full-density region with visitors ran on one core.
    blocks
        .par_iter()
        .with_max_len(1)
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
pub(super) const DAILY_TABLES: [&TableSchema; 5] = [
    &tables::CDR,
    &tables::IP_SESSIONS,
    &tables::IP_CALLS,
    &tables::TRAJECTORIES,
    &tables::FAULTS,
];

impl Run<'_> {
    pub(super) fn write(
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

    /// Writes a block's rows of scenario day `day` (local date `date`) into the requested daily
    /// tables (partitioned by local day), through the faults when the scenario has any (`carry`
    /// holds the block's late rows from one day to the next).
    pub(super) fn write_day<'s>(
        &self,
        block: u64,
        (day, date): (u32, chrono::NaiveDate),
        rows: DayRows,
        lookup: &impl Fn(u64) -> Served<'s>,
        carry: &mut Carry,
    ) -> Result<(), SinkError> {
        let day_key = Some(date_days(date));
        let mut truth = Vec::new();
        let mut faulty = |batch: Batch| match &self.faults {
            Some(faults) => faults.apply(batch, (day, date_days(date)), carry, &mut truth),
            None => batch,
        };
        if self.counter.wants(&tables::TRAJECTORIES) {
            self.write(
                &tables::TRAJECTORIES,
                day_key,
                block,
                rows.trajectories.finish(),
            )?;
        }
        if self.counter.wants(&tables::CDR) {
            let batch = faulty(CdrBuilder::from_rows(rows.cdr).finish(lookup));
            self.write(&tables::CDR, day_key, block, batch)?;
        }
        if self.counter.wants(&tables::IP_SESSIONS) {
            let batch = faulty(sessions_batch(rows.sessions, lookup));
            self.write(&tables::IP_SESSIONS, day_key, block, batch)?;
        }
        if self.counter.wants(&tables::IP_CALLS) {
            let batch = calls_batch(rows.calls, lookup);
            self.write(&tables::IP_CALLS, day_key, block, batch)?;
        }
        if self.counter.wants(&tables::FAULTS) {
            self.write(&tables::FAULTS, day_key, block, faults_batch(&truth))?;
        }
        Ok(())
    }
}

/// A block's daily rows of one day, before they become batches.
pub(super) struct DayRows {
    pub(super) trajectories: TrajectoriesBuilder,
    pub(super) cdr: Vec<CdrRow>,
    pub(super) sessions: Vec<IpRecord>,
    pub(super) calls: Vec<IpCall>,
}

/// Which kinds of daily rows a run computes.
pub(super) struct WantedRows {
    pub(super) trajectories: bool,
    pub(super) cdr: bool,
    /// ip_sessions or ip_calls.
    pub(super) data: bool,
}

impl Run<'_> {
    /// The kinds of daily rows the requested tables need. Every table's rows come from their own
    /// random streams, so work for a table that is not requested is skipped without changing the
    /// others, for residents and visitors alike.
    pub(super) fn wanted_rows(&self) -> WantedRows {
        WantedRows {
            trajectories: self.counter.wants(&tables::TRAJECTORIES),
            cdr: self.counter.wants(&tables::CDR),
            data: self.counter.wants(&tables::IP_SESSIONS) || self.counter.wants(&tables::IP_CALLS),
        }
    }
}

/// A data day cut to the intervals `keep` (sorted, disjoint): periods clipped and split, bytes in
/// proportion to the active time kept, over-the-top calls that start in a kept period.
pub(super) fn restrict(mut data: DataDay, keep: &[(i64, i64)]) -> DataDay {
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

/// A SIM's MSISDN, IMSI and IMEI, inline.
pub(super) fn identifiers(sim: &Sim) -> [PhoneNumber; 3] {
    [
        PhoneNumber::new(&sim.numbers.msisdn),
        PhoneNumber::new(&sim.numbers.imsi),
        PhoneNumber::new(&sim.imei),
    ]
}
