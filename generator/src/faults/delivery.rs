//! Faults of delivery: records sent twice (as they are, or re-sent with a new record id), long
//! calls cut into partial records by their switch and large data records by their gateway,
//! records arriving after their day's file, and rows out of time order in a file.

use crate::columnar::{Batch, TableSchema};
use crate::public_data::operators;
use crate::records::ids::RecordIds;
use crate::rng::{Purpose, stream};
use crate::sampling::{index, uniform};
use crate::tables::faults::FaultRow;
use crate::tables::{CDR, IP_SESSIONS};

use super::rows::{Row, Value};
use super::{Faults, Kind, Record, change, fault};

/// Most partial records a split call is cut into; the last one holds what is left.
const MAX_PARTS: i64 = 8;
/// Furthest a displaced row moves in its file, rows (assumption: a record buffered behind a
/// few others, as a mediation system merging streams would).
const MAX_DISPLACEMENT: usize = 20;

/// The stream of operator `operator`'s switch and gateway settings.
fn settings(seed: u64, operator: &str) -> crate::rng::StreamRng {
    let index = operators()
        .iter()
        .position(|o| o.name == operator)
        .unwrap_or(operators().len());
    stream(seed, Purpose::FaultsSwitch, index as u64, 0)
}

/// The interval at which operator `operator`'s switches cut long calls into partial records,
/// seconds: 30 or 60 minutes, keyed by (seed, operator). Partial records on a time limit are
/// an operator setting (3GPP TS 32.250's partial record generation); 30 and 60 minutes are
/// assumed settings.
pub fn switch_cut_s(seed: u64, operator: &str) -> i64 {
    if uniform(&mut settings(seed, operator)) < 0.5 {
        1800
    } else {
        3600
    }
}

/// The volume (up and down) at which operator `operator`'s gateways cut a data record into
/// partial records, bytes: 200 or 500 MB, keyed by (seed, operator). Assumption: a volume
/// limit is a gateway setting (3GPP TS 32.251's partial records on a volume limit); these
/// values are above about 94% and 98% of the generated records (measured on Kuala Lumpur,
/// two days: median 17 MB, 95th percentile 240 MB, 99th 650 MB).
pub fn gateway_limit_bytes(seed: u64, operator: &str) -> i64 {
    let mut rng = settings(seed, operator);
    let _cut = uniform(&mut rng);
    if uniform(&mut rng) < 0.5 {
        200_000_000
    } else {
        500_000_000
    }
}

/// The rows a record is delivered as: `row` cut into partial records, then an exact and a
/// near duplicate of its first part, each when drawn.
pub(super) fn copies(
    faults: &Faults<'_>,
    ids: &RecordIds,
    sources: &[&Batch],
    record: &mut Record,
    row: Row,
    out: &mut Vec<FaultRow>,
) -> Vec<Row> {
    let table = sources[0].schema;
    let id_col = table.index_of("record_id").expect("record_id");
    let mut parts = vec![row];
    if table.name == CDR.name && record.draws.split < faults.rates.of(Kind::LongCallSplit) {
        parts = split(faults, ids, sources, record, parts.remove(0), out);
    }
    if table.name == IP_SESSIONS.name
        && record.draws.split < faults.rates.of(Kind::LongSessionSplit)
    {
        parts = split_volume(faults, ids, sources, record, parts.remove(0), out);
    }
    let first = parts[0].clone();
    if record.draws.exact < faults.rates.of(Kind::ExactDuplicate) {
        out.push(fault(Kind::ExactDuplicate, table, record, None));
        parts.insert(1, first.clone());
    }
    if record.draws.near < faults.rates.of(Kind::NearDuplicate)
        && let Some(new) = ids.copy_id(record.id, 0)
    {
        let mut copy = first;
        copy.set(id_col, Value::Int(new));
        out.push(FaultRow {
            record_id: new,
            ..fault(Kind::NearDuplicate, table, record, None)
        });
        parts.insert(1, copy);
    }
    parts
}

/// A call longer than its switch's cut as partial records: the first keeps the record id and
/// is cut short, the others start at each cut with new ids.
fn split(
    faults: &Faults<'_>,
    ids: &RecordIds,
    sources: &[&Batch],
    record: &Record,
    row: Row,
    out: &mut Vec<FaultRow>,
) -> Vec<Row> {
    let table = sources[0].schema;
    let col = |name| table.index_of(name).expect("a cdr column");
    let (duration_col, start_col) = (col("duration_s"), col("start_time"));
    let (Value::Int(duration), Value::Int(start), Value::Text(operator)) = (
        row.get(sources, duration_col),
        row.get(sources, start_col),
        row.get(sources, col("operator")),
    ) else {
        unreachable!("duration, start and operator are required")
    };
    let cut = switch_cut_s(faults.seed, &operator);
    let count = ((duration + cut - 1) / cut).min(MAX_PARTS);
    let new_ids: Option<Vec<i64>> = (1..count)
        .map(|k| ids.copy_id(record.id, k as u32))
        .collect();
    let Some(new_ids) = new_ids.filter(|_| duration > cut) else {
        return vec![row];
    };
    let mut first = row.clone();
    first.set(duration_col, Value::Int(cut));
    out.push(change(
        Kind::LongCallSplit,
        table,
        record,
        "duration_s",
        &[Value::Int(duration)],
        &[Value::Int(cut)],
    ));
    let mut parts = vec![first];
    for (k, new) in (1..count).zip(new_ids) {
        let mut part = row.clone();
        let left = duration - k * cut;
        part.set(col("record_id"), Value::Int(new));
        part.set(start_col, Value::Int(start + k * cut));
        part.set(
            duration_col,
            Value::Int(if k == count - 1 { left } else { cut }),
        );
        out.push(FaultRow {
            record_id: new,
            new_value: Some(format!("part {} of {count}", k + 1)),
            ..fault(Kind::LongCallSplit, table, record, None)
        });
        parts.push(part);
    }
    parts
}

/// A data record over its gateway's volume limit as partial records of about the limit each
/// (at most [`MAX_PARTS`]): time and bytes shared in proportion, the first keeping the record
/// id (its end and bytes cut), the others with new ids and the record's session and sequence.
fn split_volume(
    faults: &Faults<'_>,
    ids: &RecordIds,
    sources: &[&Batch],
    record: &Record,
    row: Row,
    out: &mut Vec<FaultRow>,
) -> Vec<Row> {
    let table = sources[0].schema;
    let col = |name| table.index_of(name).expect("an ip_sessions column");
    let int = |name| match row.get(sources, col(name)) {
        Value::Int(v) => v,
        _ => unreachable!("times and bytes are required"),
    };
    let (start, end, up, down) = (
        int("start_time"),
        int("end_time"),
        int("bytes_up"),
        int("bytes_down"),
    );
    let Value::Text(operator) = row.get(sources, col("operator")) else {
        unreachable!("operator is required")
    };
    let limit = gateway_limit_bytes(faults.seed, &operator);
    let count = ((up + down + limit - 1) / limit).min(MAX_PARTS);
    let new_ids: Option<Vec<i64>> = (1..count)
        .map(|k| ids.copy_id(record.id, k as u32))
        .collect();
    let Some(new_ids) = new_ids.filter(|_| up + down > limit) else {
        return vec![row];
    };
    // Part k's share of a quantity: the difference of its cumulative shares.
    let share = |total: i64, k: i64| (total * k) / count;
    let part = |k: i64| {
        let mut p = row.clone();
        p.set(col("start_time"), Value::Int(start + share(end - start, k)));
        p.set(
            col("end_time"),
            Value::Int(start + share(end - start, k + 1)),
        );
        p.set(col("bytes_up"), Value::Int(share(up, k + 1) - share(up, k)));
        p.set(
            col("bytes_down"),
            Value::Int(share(down, k + 1) - share(down, k)),
        );
        p
    };
    let first = part(0);
    let changed = ["end_time", "bytes_up", "bytes_down"];
    let after: Vec<Value> = changed.iter().map(|c| first.get(sources, col(c))).collect();
    out.push(change(
        Kind::LongSessionSplit,
        table,
        record,
        "end_time,bytes_up,bytes_down",
        &[Value::Int(end), Value::Int(up), Value::Int(down)],
        &after,
    ));
    let mut parts = vec![first];
    for (k, new) in (1..count).zip(new_ids) {
        let mut p = part(k);
        p.set(col("record_id"), Value::Int(new));
        out.push(FaultRow {
            record_id: new,
            new_value: Some(format!("part {} of {count}", k + 1)),
            ..fault(Kind::LongSessionSplit, table, record, None)
        });
        parts.push(p);
    }
    parts
}

/// How far a record's first row moves in its file, when drawn.
pub(super) fn displacement(faults: &Faults<'_>, record: &mut Record) -> Option<Move> {
    (record.draws.order < faults.rates.of(Kind::OutOfOrder)).then(|| Move {
        by: 1 + index(&mut record.rng, MAX_DISPLACEMENT),
        record: record.id,
        day: record.day_key,
    })
}

/// Whether a record arrives after its day's file (never on the scenario's last day).
pub(super) fn late(faults: &Faults<'_>, record: &Record) -> bool {
    record.draws.late < faults.rates.of(Kind::LateArrival) && record.day + 1 < faults.days
}

/// A row to move out of time order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Move {
    /// Positions, later in the file (or earlier near its end).
    by: usize,
    /// The clean record.
    record: i64,
    /// Its day, days since 1970-01-01.
    day: i32,
}

/// The file's rows sorted by (start time, record id) as written, then the displaced rows
/// moved; each move is listed in `truth`.
pub(super) fn order(
    table: &'static TableSchema,
    sources: &[&Batch],
    rows: Vec<Row>,
    moves: Vec<Option<Move>>,
    written_day: i32,
    truth: &mut Vec<FaultRow>,
) -> Vec<Row> {
    let key = |name| table.index_of(name).expect("record column");
    let (start_col, id_col) = (key("start_time"), key("record_id"));
    let int = |r: &Row, col| match r.get(sources, col) {
        Value::Int(v) => v,
        _ => unreachable!("start and id are required"),
    };
    let keys: Vec<(i64, i64)> = (rows.iter())
        .map(|r| (int(r, start_col), int(r, id_col)))
        .collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| keys[i]);
    let movers: Vec<(usize, Move)> = (order.iter())
        .filter_map(|&i| moves[i].map(|m| (i, m)))
        .collect();
    for (i, m) in movers {
        let p = order.iter().position(|&o| o == i).expect("in the file");
        let target = if p + m.by < order.len() {
            p + m.by
        } else if p >= m.by {
            p - m.by
        } else {
            continue;
        };
        let moved = order.remove(p);
        order.insert(target, moved);
        truth.push(FaultRow {
            kind: Kind::OutOfOrder.name(),
            table: table.name,
            record_id: m.record,
            original_record_id: m.record,
            day: m.day,
            written_day,
            column: None,
            original_value: None,
            new_value: Some(format!("{:+}", target as i64 - p as i64)),
            site_id: None,
        });
    }
    let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|i| rows[i].take().expect("each row once"))
        .collect()
}
