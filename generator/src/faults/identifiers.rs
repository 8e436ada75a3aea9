//! Faults of a record's identifiers: an IMEI or IMSI empty (the feed's null), truncated or all
//! zeros; a Malaysian number in a national format (`60…` or `0…`) instead of E.164 (`+60…`).

use crate::columnar::Batch;
use crate::sampling::uniform;
use crate::tables::faults::FaultRow;

use super::rows::{Row, Value};
use super::{Faults, Kind, Record, change};

/// The identifier faults of one record.
pub(super) fn apply(
    faults: &Faults<'_>,
    sources: &[&Batch],
    record: &mut Record,
    row: &mut Row,
    out: &mut Vec<FaultRow>,
) {
    let table = sources[0].schema;
    if record.draws.identifier < faults.rates.of(Kind::IdentifierMalformed) {
        // Assumption: IMEIs are the identifier feeds lose most (the handset reports it), so
        // two thirds of these faults are on the IMEI.
        let column = if uniform(&mut record.rng) < 2.0 / 3.0 {
            "served_imei"
        } else {
            "served_imsi"
        };
        let col = table.index_of(column).expect("identifier column");
        let Value::Text(clean) = row.get(sources, col) else {
            unreachable!("identifiers are required")
        };
        let form = uniform(&mut record.rng);
        let malformed = if form < 1.0 / 3.0 {
            String::new()
        } else if form < 2.0 / 3.0 {
            clean[..clean.len().saturating_sub(1)].to_owned()
        } else {
            "0".repeat(clean.len())
        };
        let (before, after) = (Value::Text(clean), Value::Text(malformed));
        out.push(change(
            Kind::IdentifierMalformed,
            table,
            record,
            column,
            &[before],
            std::slice::from_ref(&after),
        ));
        row.set(col, after);
    }
    if record.draws.number < faults.rates.of(Kind::NumberFormat) {
        let national = uniform(&mut record.rng) < 0.5;
        let columns: &[&'static str] = if uniform(&mut record.rng) < 0.5 {
            &["served_msisdn", "other_party"]
        } else {
            &["other_party", "served_msisdn"]
        };
        // The first of the columns (in random order) that holds a Malaysian E.164 number.
        let found = (columns.iter())
            .filter_map(|&c| Some((c, table.index_of(c)?)))
            .find_map(|(c, col)| match row.get(sources, col) {
                Value::Text(n) if n.starts_with("+60") => Some((c, col, n)),
                _ => None,
            });
        if let Some((column, col, number)) = found {
            let written = if national {
                format!("0{}", &number[3..])
            } else {
                number[1..].to_owned()
            };
            let (before, after) = (Value::Text(number), Value::Text(written));
            out.push(change(
                Kind::NumberFormat,
                table,
                record,
                column,
                &[before],
                std::slice::from_ref(&after),
            ));
            row.set(col, after);
        }
    }
}
