//! What a run would write (`telcosynth generate --dry-run`): rows, bytes and time per table,
//! estimated from the scenario's size and rates measured on the quickstart, without generating
//! anything.
//!
//! The rates below were measured with `telcosynth bench-speed --rates` (release build, the
//! bundled quickstart: 20,000 Klang Valley residents, Monday 2025-01-06 to Sunday 2025-01-12, so
//! weekdays and a weekend in their usual proportion), on the machine described in
//! docs/PERFORMANCE.md. Re-measure and paste the printed table here when the generator's
//! behaviour changes; the estimate is only as good as its likeness to the quickstart (urban
//! Klang Valley residents: rural regions make fewer trips and records).

use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

use telcosynth_generator::generate::World;
use telcosynth_generator::mobility::local_midnight;
use telcosynth_generator::visitors::PhoneKind;
use telcosynth_sinks::{Format, ShardInfo};

/// How a table's rows grow with the scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Per {
    /// Rows per person per day (event tables).
    PersonDay(f64),
    /// Rows per person (persons).
    Person(f64),
    /// Rows per SIM (subscribers, person_sims).
    Sim(f64),
    /// One row per cell of the network (cells), counted exactly.
    Cell,
}

/// Measured rates of one table.
#[derive(Debug, Clone, Copy)]
pub struct TableRate {
    /// Table name.
    pub table: &'static str,
    /// Rows per unit of the scenario's size.
    pub rows: Per,
    /// Bytes per row in Parquet (zstd level 1, as written).
    pub parquet_bytes_per_row: f64,
    /// Bytes per row in CSV.
    pub csv_bytes_per_row: f64,
}

/// Rows and bytes per table, measured on the quickstart (see the module documentation).
pub const RATES: &[TableRate] = &[
    TableRate {
        table: "subscribers",
        rows: Per::Sim(1.0),
        parquet_bytes_per_row: 61.8,
        csv_bytes_per_row: 276.8,
    },
    TableRate {
        table: "cells",
        rows: Per::Cell,
        parquet_bytes_per_row: 8.5,
        csv_bytes_per_row: 195.8,
    },
    TableRate {
        table: "cdr",
        rows: Per::PersonDay(3.4012),
        parquet_bytes_per_row: 37.8,
        csv_bytes_per_row: 187.9,
    },
    TableRate {
        table: "ip_sessions",
        rows: Per::PersonDay(8.6138),
        parquet_bytes_per_row: 60.1,
        csv_bytes_per_row: 265.5,
    },
    TableRate {
        table: "ip_calls",
        rows: Per::PersonDay(0.8239),
        parquet_bytes_per_row: 24.3,
        csv_bytes_per_row: 96.5,
    },
    TableRate {
        table: "persons",
        rows: Per::Person(1.0),
        parquet_bytes_per_row: 7.4,
        csv_bytes_per_row: 104.8,
    },
    TableRate {
        table: "person_sims",
        rows: Per::Sim(1.0),
        parquet_bytes_per_row: 24.3,
        csv_bytes_per_row: 83.1,
    },
    TableRate {
        table: "trajectories",
        rows: Per::PersonDay(5.4906),
        parquet_bytes_per_row: 25.6,
        csv_bytes_per_row: 149.6,
    },
];

/// Rows of the event tables per inbound visitor-day (a visitor in the region on a day, whatever
/// the hours), measured on the bundled inbound-tourism-q1-2025 scenario (3,245 residents, 90
/// days, 0.03 % of the national arrivals): the rows of its visitors' blocks over its
/// visitor-days. Bytes per row are taken as the residents'.
pub const VISITOR_RATES: &[(&str, f64)] = &[
    ("cdr", VISITOR_CDR),
    ("ip_sessions", VISITOR_IP_SESSIONS),
    ("ip_calls", VISITOR_IP_CALLS),
    ("trajectories", VISITOR_TRAJECTORIES),
];
/// 18,701 rows over 12,833 visitor-days (version 0.3.0).
const VISITOR_CDR: f64 = 1.4573;
/// 92,885 rows.
const VISITOR_IP_SESSIONS: f64 = 7.2380;
/// 7,379 rows.
const VISITOR_IP_CALLS: f64 = 0.5750;
/// 56,947 rows.
const VISITOR_TRAJECTORIES: f64 = 4.4375;

/// Visitor indices sampled to count a shard's inbound visitors.
const VISITOR_SAMPLE: u64 = 4_000;

/// CPU seconds one thread spends per inbound visitor-day, every table written (fitted with
/// [`SECONDS_PER_PERSON`]; 56 µs when measured alone on inbound-tourism-q1-2025 at `dc631eb`).
pub const SECONDS_PER_VISITOR_DAY: f64 = 53e-6;

/// SIMs per person the generator draws, relative to the scenario's `sims_per_person` (the
/// quickstart asks for 1.35 and gets 27,360 SIMs for 20,000 persons).
pub const SIMS_FACTOR: f64 = 1.0133;

/// CPU seconds one thread spends per person of a run, once (person, SIMs, identities, contact
/// list, static tables), with every table written (Parquet, zstd). Fitted by least squares on
/// relative errors, with the three constants below, to seven `generate --stats --threads 1` runs
/// (user + system time) on the machine of docs/PERFORMANCE.md when it was quiet, at version
/// 0.3.0 (`2953275` and the writer that skips empty parts): the quickstart (3.87 s), 100,000
/// Klang Valley residents × 1 day (3.97 s), 5,000 × 28 days (3.64 s), langkawi-full-density
/// (23.39 s), kapit-connectivity (15.38 s), chinese-new-year-2025 (12.03 s) and
/// inbound-tourism-q1-2025 (8.72 s); the fit is within 1.1 % of each. (10 and 27 µs with no
/// block-day term at `dc631eb`; 45 and 70 µs before the generator's speed work.)
pub const SECONDS_PER_PERSON: f64 = 14e-6;

/// CPU seconds one thread spends per person-day (mobility, records, every event table written).
pub const SECONDS_PER_PERSON_DAY: f64 = 25.5e-6;

/// CPU seconds one thread spends per block-day, residents' or visitors' blocks alike: creating a
/// day's files (most of it system time: file creation is slow on the measuring machine's
/// filesystem) and drawing a visitor block's arrivals. A full-density region with inbound
/// visitors has hundreds of visitor blocks (langkawi-full-density: 413 for 10 of residents).
pub const SECONDS_PER_BLOCK_DAY: f64 = 1.2e-3;

/// Speed-up of the run per added thread beyond the first (1.0 = perfect scaling), as far as
/// there are blocks to share out.
pub const THREAD_EFFICIENCY: f64 = 0.9;

/// The blocks of `blocks` that `shard` generates (block `b` belongs to shard `b mod count`).
fn blocks_of(shard: ShardInfo, blocks: std::ops::Range<u64>) -> impl Iterator<Item = u64> {
    blocks.filter(move |b| b % u64::from(shard.count) == u64::from(shard.index))
}

/// One table's estimate; `None` for a table without a measured rate (a table added after the
/// rates were measured: `telcosynth bench-speed --rates` measures it).
#[derive(Debug, Clone, Copy)]
pub struct TableEstimate {
    /// Table name.
    pub table: &'static str,
    /// Rows.
    pub rows: Option<f64>,
    /// Bytes in the chosen format.
    pub bytes: Option<f64>,
}

/// What a run would write and how long it would take.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// Scenario name.
    pub scenario: String,
    /// Persons in the whole run.
    pub persons: u64,
    /// Persons in the shard estimated.
    pub shard_persons: u64,
    /// Days of the scenario.
    pub days: u32,
    /// Cells of the networks.
    pub cells: u64,
    /// Estimated SIMs of the shard.
    pub sims: f64,
    /// Shard estimated (0 of 1 for the whole run).
    pub shard: ShardInfo,
    /// Person blocks of the shard.
    pub shard_blocks: u64,
    /// Worker threads.
    pub threads: usize,
    /// Measured time to build the world (population plan and networks).
    pub world_build: Duration,
    /// Inbound visitors of the shard.
    pub visitors: VisitorCount,
    /// Per-table estimates, in the scenario's table order.
    pub tables: Vec<TableEstimate>,
    /// Format.
    pub format: Format,
    /// Estimated generation time after the world is built.
    pub generation: Duration,
}

impl Estimate {
    /// Estimates a run of `world` (shard `shard`, `threads` workers) writing `format`.
    pub fn new(
        world: &World,
        format: Format,
        shard: ShardInfo,
        threads: usize,
        world_build: Duration,
    ) -> Estimate {
        let persons = world.population.len();
        let per_block = u64::from(world.scenario.persons_per_block());
        // Residents' blocks; visitors (their own blocks after these) are counted apart.
        let blocks = world.resident_blocks();
        let shard_blocks: Vec<u64> = blocks_of(shard, 0..blocks).collect();
        let shard_persons: u64 = shard_blocks
            .iter()
            .map(|b| (persons - b * per_block).min(per_block))
            .sum();
        let days = world.scenario.days();
        let sims = shard_persons as f64 * world.scenario.sims_per_person() * SIMS_FACTOR;
        let cells = world.network.cells().len() as u64;
        let person_days = shard_persons as f64 * f64::from(days);
        let visitors = VisitorCount::of(world, shard);
        let tables = world
            .tables()
            .iter()
            .map(|schema| {
                let Some(rate) = RATES.iter().find(|r| r.table == schema.name) else {
                    return TableEstimate {
                        table: schema.name,
                        rows: None,
                        bytes: None,
                    };
                };
                let residents = match rate.rows {
                    Per::PersonDay(r) => r * person_days,
                    Per::Person(r) => r * shard_persons as f64,
                    Per::Sim(r) => r * sims,
                    Per::Cell if shard.index == 0 => cells as f64,
                    Per::Cell => 0.0,
                };
                let rows = residents + visitors.rows(rate.table);
                let per_row = match format {
                    Format::Parquet => rate.parquet_bytes_per_row,
                    Format::Csv => rate.csv_bytes_per_row,
                };
                TableEstimate {
                    table: rate.table,
                    rows: Some(rows),
                    bytes: Some(rows * per_row),
                }
            })
            .collect();
        // Blocks are the unit of parallel work: more threads than blocks do not help.
        let busy = threads.min(shard_blocks.len().max(1)) as f64;
        let speedup = 1.0 + (busy - 1.0) * THREAD_EFFICIENCY;
        let all_blocks = blocks_of(shard, 0..world.blocks()).count();
        let cpu = shard_persons as f64 * SECONDS_PER_PERSON
            + person_days * SECONDS_PER_PERSON_DAY
            + visitors.days * SECONDS_PER_VISITOR_DAY
            + (all_blocks as f64 * f64::from(days)) * SECONDS_PER_BLOCK_DAY;
        let generation = Duration::from_secs_f64(cpu / speedup);
        Estimate {
            scenario: world.scenario.name().to_owned(),
            persons,
            shard_persons,
            days,
            cells,
            sims,
            shard,
            shard_blocks: shard_blocks.len() as u64,
            threads,
            world_build,
            visitors,
            tables,
            format,
            generation,
        }
    }

    /// Total estimated rows of the tables with a rate.
    pub fn rows(&self) -> f64 {
        self.tables.iter().filter_map(|t| t.rows).sum()
    }

    /// Total estimated bytes of the tables with a rate.
    pub fn bytes(&self) -> f64 {
        self.tables.iter().filter_map(|t| t.bytes).sum()
    }

    /// The report `--dry-run` prints.
    pub fn to_text(&self, dir: &Path) -> String {
        let mut out = String::new();
        let part = if self.shard.count > 1 {
            format!(", shard {}/{}", self.shard.index, self.shard.count)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "Dry run of {}{part}: nothing is written (would write {}).",
            self.scenario,
            dir.display()
        );
        let _ = writeln!(
            out,
            "size: {} persons{} x {} days = {} person-days; ~{} SIMs; {} cells; {} blocks",
            self.shard_persons,
            if self.shard.count > 1 {
                format!(" (of {})", self.persons)
            } else {
                String::new()
            },
            self.days,
            self.shard_persons * u64::from(self.days),
            self.sims.round(),
            self.cells,
            self.shard_blocks
        );
        if self.visitors.visitors > 0.0 {
            let _ = writeln!(
                out,
                "inbound visitors: ~{} in the region during the period, ~{} visitor-days \
                 (counted on a sample of their indices; in the rows and time below)",
                self.visitors.visitors.round(),
                self.visitors.days.round()
            );
        }
        let _ = writeln!(
            out,
            "{:<14} {:>14} {:>12}",
            "table",
            "rows (est.)",
            format!("{} (est.)", self.format.extension())
        );
        for t in &self.tables {
            match (t.rows, t.bytes) {
                (Some(rows), Some(bytes)) => {
                    let _ = writeln!(
                        out,
                        "{:<14} {:>14.0} {:>12}",
                        t.table,
                        rows,
                        human_bytes(bytes)
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "{:<14} {:>14} {:>12}  (no rate measured yet: not in the totals)",
                        t.table, "?", "?"
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "{:<14} {:>14.0} {:>12}",
            "total",
            self.rows(),
            human_bytes(self.bytes())
        );
        let total = self.world_build + self.generation;
        let _ = writeln!(
            out,
            "time (est.): {} on {} thread{} ({} to build the world, measured; {} to generate at \
             {:.0} us per person, {:.1} us per person-day{} and {:.1} ms per block-day of one \
             thread)",
            human_duration(total),
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            human_duration(self.world_build),
            human_duration(self.generation),
            SECONDS_PER_PERSON * 1e6,
            SECONDS_PER_PERSON_DAY * 1e6,
            if self.visitors.days > 0.0 {
                format!(", {:.0} us per visitor-day", SECONDS_PER_VISITOR_DAY * 1e6)
            } else {
                String::new()
            },
            SECONDS_PER_BLOCK_DAY * 1e3
        );
        let _ = writeln!(
            out,
            "Rates were measured on the quickstart (Klang Valley, one week) and the CPU time fitted \
             to seven runs from the quickstart to full density (docs/PERFORMANCE.md): time \
             assumes a machine like that one and counts all tables."
        );
        out
    }
}

/// A shard's inbound visitors: those in the region during the period, counted on an evenly spaced
/// sample of the shard's visitor indices and scaled up.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VisitorCount {
    /// Visitors in the region on at least one day of the period.
    pub visitors: f64,
    /// Visitor-days: the days of the period each visitor spends at least partly in the country.
    pub days: f64,
    /// Visitors with a SIM (roaming or tourist SIM): rows of person_sims.
    pub sims: f64,
    /// Visitors with a tourist SIM: rows of subscribers.
    pub tourist_sims: f64,
}

impl VisitorCount {
    /// Counts the visitors of `shard` in `world`.
    pub fn of(world: &World, shard: ShardInfo) -> VisitorCount {
        let per_block = u64::from(world.scenario.persons_per_block());
        let len = world.inbound.len();
        let first_block = world.resident_blocks();
        let ranges: Vec<(u64, u64)> = blocks_of(shard, first_block..world.blocks())
            .map(|b| {
                let first = (b - first_block) * per_block;
                (first, (first + per_block).min(len))
            })
            .collect();
        let total: u64 = ranges.iter().map(|(a, b)| b - a).sum();
        if total == 0 {
            return VisitorCount::default();
        }
        // Local time is UTC+8 all year: days are 86,400 s.
        let first_midnight = local_midnight(world.scenario.start_date());
        let midnights: Vec<i64> = (0..world.scenario.days())
            .map(|d| first_midnight + i64::from(d) * 86_400)
            .collect();
        let step = total.div_ceil(VISITOR_SAMPLE).max(1);
        let (mut count, mut sampled) = (VisitorCount::default(), 0u64);
        let mut ranges = ranges.iter().copied();
        let (mut range, mut before) = (ranges.next().expect("total > 0"), 0u64);
        for k in (0..total).step_by(step as usize) {
            while k >= before + (range.1 - range.0) {
                before += range.1 - range.0;
                range = ranges.next().expect("k < total");
            }
            sampled += 1;
            let Some(v) = world
                .inbound
                .visitor(&world.population, range.0 + k - before)
            else {
                continue;
            };
            count.visitors += 1.0;
            count.days += midnights
                .iter()
                .filter(|&&m| v.departure > m && v.arrival < m + 86_400)
                .count() as f64;
            if v.phone.sim.is_some() {
                count.sims += 1.0;
            }
            if v.phone.kind == PhoneKind::TouristSim {
                count.tourist_sims += 1.0;
            }
        }
        let scale = total as f64 / sampled as f64;
        VisitorCount {
            visitors: count.visitors * scale,
            days: count.days * scale,
            sims: count.sims * scale,
            tourist_sims: count.tourist_sims * scale,
        }
    }

    /// The visitors' rows of `table`.
    pub fn rows(&self, table: &str) -> f64 {
        match table {
            "person_sims" => self.sims,
            "subscribers" => self.tourist_sims,
            _ => VISITOR_RATES
                .iter()
                .find(|(t, _)| *t == table)
                .map_or(0.0, |(_, r)| r * self.days),
        }
    }
}

/// Bytes in B, kB, MB, GB or TB (powers of 1000).
fn human_bytes(bytes: f64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// A duration as s, min or h.
fn human_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 120.0 {
        format!("{s:.1} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(human_bytes(999.0), "999 B");
        assert_eq!(human_bytes(21_515_515.0), "21.5 MB");
        assert_eq!(human_duration(Duration::from_secs(30)), "30.0 s");
        assert_eq!(human_duration(Duration::from_secs(600)), "10.0 min");
        assert_eq!(human_duration(Duration::from_secs(36_000)), "10.0 h");
    }

    #[test]
    fn the_measured_tables_have_rates() {
        for name in [
            "subscribers",
            "cells",
            "cdr",
            "ip_sessions",
            "ip_calls",
            "persons",
            "person_sims",
            "trajectories",
        ] {
            assert!(
                RATES.iter().any(|r| r.table == name),
                "no dry-run rate for {name}"
            );
        }
    }
}
