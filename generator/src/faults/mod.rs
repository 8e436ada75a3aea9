//! Data-quality faults injected into the operator's records (`[faults]`, docs/FAULTS.md).
//!
//! A stage between the record batches of `cdr` and `ip_sessions` and the sink: record
//! generation is untouched, and with every rate at 0 the stage is never called. Each record's
//! faults come from the stream `(seed, FaultsCdr | FaultsIpSessions, record id, day)`, a site's
//! clock from `(seed, FaultsSite, site, day)` and a switch's cut from `(seed, FaultsSwitch,
//! operator)`: never from row order, shard or thread, so a block's faulty files are the same in
//! any split. Every fault is listed in the truth table `faults` with what undoes it.
//!
//! - [`network`]: faults of the network elements — cells missing, unknown or another
//!   operator's, site clocks skewed, location estimates far from the site;
//! - [`identifiers`]: malformed IMEIs and IMSIs, numbers in national formats;
//! - [`delivery`]: how records reach the operator's files — duplicates, split long calls and
//!   large data records, late arrivals, rows out of order.

mod delivery;
mod identifiers;
mod network;
mod rows;

use crate::columnar::{Batch, TableSchema};
use crate::network::Network;
use crate::records::ids::RecordIds;
use crate::rng::{Purpose, StreamRng, stream};
use crate::sampling::uniform;
use crate::tables::faults::FaultRow;
use crate::tables::{CDR, IP_SESSIONS};

use delivery::Move;
pub use delivery::{gateway_limit_bytes, switch_cut_s};
use rows::{Row, Value};

/// A kind of fault; its name is the `[faults]` field and the `faults.kind` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A record delivered twice, byte for byte.
    ExactDuplicate,
    /// A record re-sent with a new record id.
    NearDuplicate,
    /// A record without its (start) cell.
    CellMissing,
    /// A record whose (start) cell is not in `cells`.
    CellUnknown,
    /// A record whose (start) cell is another operator's.
    CellOtherOperator,
    /// The records of a site on a day, shifted by the site's clock error.
    ClockSkew,
    /// A long call cut into partial records by its switch.
    LongCallSplit,
    /// A large data record cut into partial records by its gateway's volume limit.
    LongSessionSplit,
    /// A record written into the next day's partition.
    LateArrival,
    /// An IMEI or IMSI empty, truncated or zeroed.
    IdentifierMalformed,
    /// A Malaysian number written `60…` or `0…` instead of `+60…`.
    NumberFormat,
    /// A row out of time order in its file.
    OutOfOrder,
    /// A location estimate far from the serving site.
    LocationFar,
}

impl Kind {
    /// Every kind, in `[faults]` order.
    pub const ALL: [Kind; 13] = [
        Kind::ExactDuplicate,
        Kind::NearDuplicate,
        Kind::CellMissing,
        Kind::CellUnknown,
        Kind::CellOtherOperator,
        Kind::ClockSkew,
        Kind::LongCallSplit,
        Kind::LongSessionSplit,
        Kind::LateArrival,
        Kind::IdentifierMalformed,
        Kind::NumberFormat,
        Kind::OutOfOrder,
        Kind::LocationFar,
    ];

    /// The field and `faults.kind` name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::ExactDuplicate => "exact_duplicate",
            Kind::NearDuplicate => "near_duplicate",
            Kind::CellMissing => "cell_missing",
            Kind::CellUnknown => "cell_unknown",
            Kind::CellOtherOperator => "cell_other_operator",
            Kind::ClockSkew => "clock_skew",
            Kind::LongCallSplit => "long_call_split",
            Kind::LongSessionSplit => "long_session_split",
            Kind::LateArrival => "late_arrival",
            Kind::IdentifierMalformed => "identifier_malformed",
            Kind::NumberFormat => "number_format",
            Kind::OutOfOrder => "out_of_order",
            Kind::LocationFar => "location_far",
        }
    }
}

/// The rate of each kind: a share of records, of site-days for [`Kind::ClockSkew`], of calls
/// longer than their switch's cut for [`Kind::LongCallSplit`], and of data records over their
/// gateway's volume limit for [`Kind::LongSessionSplit`].
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRates(pub [f64; 13]);

impl FaultRates {
    /// The rates as (field name, rate) in [`Kind::ALL`] order; unknown names are refused.
    pub fn from_named(named: &[(&str, f64)]) -> Self {
        let mut rates = [0.0; 13];
        for (name, rate) in named {
            let i = Kind::ALL
                .iter()
                .position(|k| k.name() == *name)
                .expect("the scenario's fault fields are the kinds");
            rates[i] = *rate;
        }
        FaultRates(rates)
    }

    /// The rate of `kind`.
    pub fn of(&self, kind: Kind) -> f64 {
        self.0[Kind::ALL.iter().position(|k| *k == kind).expect("a kind")]
    }

    /// Whether every rate is 0.
    pub fn is_off(&self) -> bool {
        self.0.iter().all(|r| *r == 0.0)
    }
}

/// The faults of a run: rates, the networks (for cells and sites) and the record numberings.
pub(crate) struct Faults<'a> {
    seed: u64,
    rates: FaultRates,
    network: &'a Network,
    /// Number of scenario days: records of the last day are never late.
    days: u32,
    cdr_ids: RecordIds,
    ip_ids: RecordIds,
}

/// Rows of one table held back for the next day's file, with their faults.
pub(crate) struct Late {
    batch: Batch,
    /// How each row moves once in its file ([`Kind::OutOfOrder`]).
    moves: Vec<Option<Move>>,
    truth: Vec<FaultRow>,
}

/// A block's late rows of `cdr` and `ip_sessions`, carried from one day to the next.
#[derive(Default)]
pub(crate) struct Carry {
    cdr: Option<Late>,
    ip_sessions: Option<Late>,
}

/// The clean record a faulty file's rows come from, and the draws that decide its faults.
struct Record {
    id: i64,
    day: u32,
    day_key: i32,
    /// One uniform per decision, drawn in a fixed order whatever the rates.
    draws: Draws,
    rng: StreamRng,
}

/// A record's decisions: one uniform each.
struct Draws {
    cell: f64,
    location: f64,
    identifier: f64,
    number: f64,
    split: f64,
    exact: f64,
    near: f64,
    late: f64,
    order: f64,
}

impl<'a> Faults<'a> {
    /// The faults of a run, or `None` when every rate is 0.
    pub(crate) fn new(
        seed: u64,
        rates: FaultRates,
        network: &'a Network,
        days: u32,
        ids: (RecordIds, RecordIds),
    ) -> Option<Self> {
        (!rates.is_off()).then_some(Faults {
            seed,
            rates,
            network,
            days,
            cdr_ids: ids.0,
            ip_ids: ids.1,
        })
    }

    /// The faulty file of `table` (`cdr` or `ip_sessions`) for scenario day `day` (local day
    /// `day_key`, days since 1970-01-01) from its clean `batch`: with the rows `carry` holds
    /// from the day before, less the rows it now holds for the next day. The faults of the
    /// rows written are appended to `truth`.
    pub(crate) fn apply(
        &self,
        batch: Batch,
        (day, day_key): (u32, i32),
        carry: &mut Carry,
        truth: &mut Vec<FaultRow>,
    ) -> Batch {
        let table = batch.schema;
        let (purpose, ids, held) = if table.name == CDR.name {
            (Purpose::FaultsCdr, &self.cdr_ids, &mut carry.cdr)
        } else {
            assert_eq!(
                table.name, IP_SESSIONS.name,
                "faults apply to record tables"
            );
            (
                Purpose::FaultsIpSessions,
                &self.ip_ids,
                &mut carry.ip_sessions,
            )
        };
        let id_col = table.index_of("record_id").expect("record_id");
        let (mut kept, mut moves, mut late) = (Vec::new(), Vec::new(), Vec::new());
        let (mut late_moves, mut late_truth) = (Vec::new(), Vec::new());
        for i in 0..batch.num_rows() {
            let Value::Int(id) = rows::value(&batch, id_col, i) else {
                unreachable!("record_id is required")
            };
            let mut rng = stream(self.seed, purpose, id as u64, day);
            let draws = Draws {
                cell: uniform(&mut rng),
                location: uniform(&mut rng),
                identifier: uniform(&mut rng),
                number: uniform(&mut rng),
                split: uniform(&mut rng),
                exact: uniform(&mut rng),
                near: uniform(&mut rng),
                late: uniform(&mut rng),
                order: uniform(&mut rng),
            };
            let mut record = Record {
                id,
                day,
                day_key,
                draws,
                rng,
            };
            let mut faults = Vec::new();
            let mut row = Row {
                source: 0,
                row: i,
                edits: Vec::new(),
            };
            let sources = [&batch];
            network::apply(self, &sources, &mut record, &mut row, &mut faults);
            identifiers::apply(self, &sources, &mut record, &mut row, &mut faults);
            let out = delivery::copies(self, ids, &sources, &mut record, row, &mut faults);
            let displaced = delivery::displacement(self, &mut record);
            let is_late = delivery::late(self, &record);
            let (to, to_moves, to_truth) = if is_late {
                (&mut late, &mut late_moves, &mut late_truth)
            } else {
                (&mut kept, &mut moves, &mut *truth)
            };
            for (k, r) in out.into_iter().enumerate() {
                to.push(r);
                to_moves.push(displaced.filter(|_| k == 0));
            }
            if is_late {
                for f in &mut faults {
                    f.written_day = day_key + 1;
                }
                faults.push(fault(Kind::LateArrival, table, &record, None));
                faults.last_mut().expect("pushed").written_day = day_key + 1;
            }
            to_truth.extend(faults);
        }
        let mut sources = vec![&batch];
        let held_now = held.take();
        if let Some(h) = &held_now {
            sources.push(&h.batch);
            for r in 0..h.batch.num_rows() {
                kept.push(Row {
                    source: 1,
                    row: r,
                    edits: Vec::new(),
                });
            }
            moves.extend(h.moves.iter().copied());
            truth.extend(h.truth.iter().cloned());
        }
        if !late.is_empty() {
            *held = Some(Late {
                batch: rows::assemble(&sources, &late),
                moves: late_moves,
                truth: late_truth,
            });
        }
        let ordered = delivery::order(table, &sources, kept, moves, day_key, truth);
        rows::assemble(&sources, &ordered)
    }
}

/// A `faults` row of `kind` on the clean record itself, changing nothing yet.
fn fault(
    kind: Kind,
    table: &'static TableSchema,
    record: &Record,
    column: Option<&'static str>,
) -> FaultRow {
    FaultRow {
        kind: kind.name(),
        table: table.name,
        record_id: record.id,
        original_record_id: record.id,
        day: record.day_key,
        written_day: record.day_key,
        column,
        original_value: None,
        new_value: None,
        site_id: None,
    }
}

/// A `faults` row for `kind` changing `columns` (comma-separated in the row) of the record; the
/// values are joined likewise, and a null written is a null `new_value`.
fn change(
    kind: Kind,
    table: &'static TableSchema,
    record: &Record,
    columns: &'static str,
    before: &[Value],
    after: &[Value],
) -> FaultRow {
    let join = |v: &[Value]| v.iter().map(Value::text).collect::<Vec<_>>().join(",");
    FaultRow {
        original_value: Some(join(before)),
        new_value: (after != [Value::Null]).then(|| join(after)),
        ..fault(kind, table, record, Some(columns))
    }
}
