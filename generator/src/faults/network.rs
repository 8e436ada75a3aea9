//! Faults of network elements: a record's cell missing, unknown or another operator's; a site's
//! clock skewed for a day; a location estimate far from the serving site.
//!
//! Only records with a cell (not those served abroad) can have them.

use crate::columnar::Batch;
use crate::geography::projection::offset;
use crate::network::Network;
use crate::rng::{Purpose, stream};
use crate::sampling::{index, uniform, uniform_in};

use super::rows::{Row, Value};
use super::{Faults, Kind, Record, change};

/// Cell keys are the operator index × this plus the cell's index in the network.
const CELL_KEY_STRIDE: i64 = 100_000_000;

/// Share of skewed sites whose clock is off by the time-zone offset (an element set to UTC
/// rather than Malaysia time, or the reverse) rather than drifting. Assumption: the clock
/// problems operators report are mostly drift of seconds to minutes after a lost time source,
/// and some elements configured in the wrong time zone.
const TIME_ZONE_SHARE: f64 = 0.25;
/// Largest drift of a skewed site's clock, seconds (assumption: minutes, until noticed).
const MAX_DRIFT_S: f64 = 600.0;
/// Smallest drift, seconds.
const MIN_DRIFT_S: f64 = 10.0;
/// Distance of a far location estimate from its true estimate, km (assumption: from a
/// neighbouring town to the far side of a state, as a wrong site position in the locating
/// system would give).
const FAR_KM: (f64, f64) = (5.0, 50.0);

/// The index in [`Network::cells`] of cell `key`.
fn cell_index(key: i64) -> usize {
    (key % CELL_KEY_STRIDE) as usize
}

/// The cell, clock and location faults of one record.
pub(super) fn apply(
    faults: &Faults<'_>,
    sources: &[&Batch],
    record: &mut Record,
    row: &mut Row,
    out: &mut Vec<crate::tables::faults::FaultRow>,
) {
    let table = sources[0].schema;
    let cell_column = if table.index_of("first_cell_key").is_some() {
        "first_cell_key"
    } else {
        "cell_key"
    };
    let cell_col = table.index_of(cell_column).expect("a cell column");
    let Value::Int(cell) = row.get(sources, cell_col) else {
        return;
    };
    let network = faults.network;
    let site = network.cells()[cell_index(cell)].site;

    // A site's clock: the same offset for all its records of the day.
    let mut clock = stream(
        faults.seed,
        Purpose::FaultsSite,
        u64::from(site),
        record.day,
    );
    if uniform(&mut clock) < faults.rates.of(Kind::ClockSkew) {
        let sign = if uniform(&mut clock) < 0.5 { -1 } else { 1 };
        let magnitude = if uniform(&mut clock) < TIME_ZONE_SHARE {
            8 * 3600
        } else {
            uniform_in(&mut clock, MIN_DRIFT_S, MAX_DRIFT_S).round() as i64
        };
        let (columns, names): (Vec<usize>, &'static str) = match table.index_of("end_time") {
            Some(end) => (
                vec![table.index_of("start_time").expect("start"), end],
                "start_time,end_time",
            ),
            None => (
                vec![table.index_of("start_time").expect("start")],
                "start_time",
            ),
        };
        let before: Vec<Value> = columns.iter().map(|&c| row.get(sources, c)).collect();
        let after: Vec<Value> = (before.iter())
            .map(|v| match v {
                Value::Int(t) => Value::Int(t + sign * magnitude),
                _ => unreachable!("times are required"),
            })
            .collect();
        for (&c, v) in columns.iter().zip(&after) {
            row.set(c, v.clone());
        }
        let mut f = change(Kind::ClockSkew, table, record, names, &before, &after);
        f.site_id = Some(site as i32);
        out.push(f);
    }

    let rates = &faults.rates;
    let u = record.draws.cell;
    let (missing, unknown) = (rates.of(Kind::CellMissing), rates.of(Kind::CellUnknown));
    let other = rates.of(Kind::CellOtherOperator);
    let replaced = if u < missing {
        Some((Kind::CellMissing, Value::Null))
    } else if u < missing + unknown {
        let operator = cell / CELL_KEY_STRIDE;
        let beyond = network.cells().len() as i64 + 1 + index(&mut record.rng, 10_000) as i64;
        Some((
            Kind::CellUnknown,
            Value::Int(operator * CELL_KEY_STRIDE + beyond),
        ))
    } else if u < missing + unknown + other {
        other_operator_cell(network, cell, &mut record.rng)
            .map(|c| (Kind::CellOtherOperator, Value::Int(c)))
    } else {
        None
    };
    if let Some((kind, value)) = replaced {
        let before = [Value::Int(cell)];
        out.push(change(
            kind,
            table,
            record,
            cell_column,
            &before,
            std::slice::from_ref(&value),
        ));
        row.set(cell_col, value);
    }

    let (lat_col, lon_col) = (
        table.index_of("location_lat").expect("lat"),
        table.index_of("location_lon").expect("lon"),
    );
    if record.draws.location < rates.of(Kind::LocationFar) {
        let (Value::Float(lat), Value::Float(lon)) =
            (row.get(sources, lat_col), row.get(sources, lon_col))
        else {
            return;
        };
        let km = uniform_in(&mut record.rng, FAR_KM.0, FAR_KM.1);
        let bearing = uniform(&mut record.rng) * std::f64::consts::TAU;
        let (far_lon, far_lat) = offset(lon, lat, km * libm::sin(bearing), km * libm::cos(bearing));
        let before = [Value::Float(lat), Value::Float(lon)];
        let after = [Value::Float(far_lat), Value::Float(far_lon)];
        out.push(change(
            Kind::LocationFar,
            table,
            record,
            "location_lat,location_lon",
            &before,
            &after,
        ));
        row.set(lat_col, after[0].clone());
        row.set(lon_col, after[1].clone());
    }
}

/// A cell of another network than `cell`'s: the first such cell from a random index on, or
/// `None` when the scenario has one network.
fn other_operator_cell(
    network: &Network,
    cell: i64,
    rng: &mut crate::rng::StreamRng,
) -> Option<i64> {
    let cells = network.cells();
    let own = cells[cell_index(cell)].operator;
    let start = index(rng, cells.len());
    (0..cells.len())
        .map(|k| &cells[(start + k) % cells.len()])
        .find(|c| c.operator != own)
        .map(|c| c.key)
}
