//! Operator table `cdr`: voice and SMS call detail records, one per served party.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnBuffer, ColumnData, StringColumn, TableSchema, View};
use crate::records::{CdrRow, PhoneNumber};

/// Schema of `cdr`.
pub static CDR: TableSchema = TableSchema {
    name: "cdr",
    view: View::Operator,
    doc: "One row per voice call or SMS leg as the served subscriber's operator records it: \
          MOC/SMS_MO for the originating party, MTC/SMS_MT for the terminating party.",
    columns: &[
        Column::new("record_id", Int64, "Opaque unique record number."),
        Column::new("record_type", Utf8, "MOC, MTC, SMS_MO or SMS_MT.").categorical(),
        Column::new("operator", Utf8, "Operator of the served subscriber.").categorical(),
        Column::new(
            "served_msisdn",
            Utf8,
            "Served subscriber's MSISDN (E.164 with +).",
        )
        .repeated(),
        Column::new("served_imsi", Utf8, "Served subscriber's IMSI.").repeated(),
        Column::new("served_imei", Utf8, "Served subscriber's handset IMEI.").repeated(),
        Column::new(
            "other_party",
            Utf8,
            "The other party's number (E.164 with +).",
        )
        .repeated(),
        Column::new(
            "start_time",
            TimestampSeconds,
            "Call set-up or SMS submission time, UTC.",
        ),
        Column::new(
            "duration_s",
            Int32,
            "Conversation time in seconds (0 for SMS and unanswered calls).",
        ),
        Column::new(
            "first_cell_key",
            Int64,
            "Serving cell at the start (cells.cell_key); null when roaming abroad.",
        )
        .nullable(),
        Column::new(
            "last_cell_key",
            Int64,
            "Serving cell at the end, after any handover; null when roaming abroad.",
        )
        .nullable(),
        Column::new(
            "result",
            Utf8,
            "answered, no_answer, busy, failed, dropped; SMS: delivered or failed.",
        )
        .categorical(),
        Column::new(
            "roaming",
            Utf8,
            "home for subscribers on their own network (residents, visitors with a tourist SIM); inbound for a foreign SIM roaming on the operator's network (served_msisdn and served_imsi are then foreign); outbound for the operator's own subscriber served abroad by a partner network (from its roaming files: no cell and no location).",
        )
        .categorical(),
        Column::new(
            "visited_plmn",
            Utf8,
            "MCC and MNC of the foreign network serving an outbound roaming record; null otherwise.",
        )
        .nullable()
        .categorical(),
        Column::new(
            "location_lat",
            Float64,
            "Operator's location estimate (cell and timing advance), latitude; never the true position; null when roaming abroad.",
        )
        .nullable(),
        Column::new(
            "location_lon",
            Float64,
            "Operator's location estimate, longitude.",
        )
        .nullable(),
        Column::new(
            "location_accuracy_m",
            Int32,
            "Radius of the location estimate's uncertainty, metres.",
        )
        .nullable(),
    ],
    sort_key: Some("start_time"),
};

/// Served-subscriber identifiers, looked up once per SIM.
pub struct Served<'a> {
    /// MSISDN.
    pub msisdn: &'a PhoneNumber,
    /// IMSI.
    pub imsi: &'a PhoneNumber,
    /// IMEI.
    pub imei: &'a PhoneNumber,
}

/// Rows of `cdr` for one (block, day), sorted by start time when finished.
#[derive(Default)]
pub struct CdrBuilder {
    rows: Vec<CdrRow>,
}

impl CdrBuilder {
    /// A builder holding `rows`.
    pub fn from_rows(rows: Vec<CdrRow>) -> Self {
        CdrBuilder { rows }
    }

    /// Adds a row.
    pub fn push(&mut self, row: CdrRow) {
        self.rows.push(row);
    }

    /// Number of rows so far.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The finished batch, sorted by (start time, record id); `served` maps a SIM key to its
    /// identifiers.
    pub fn finish<'a>(self, served: impl Fn(u64) -> Served<'a>) -> Batch {
        // Sorting (start, record id, position) keys rather than the rows themselves moves far
        // less memory; the position makes the order that of a stable sort by (start, record id).
        let mut order: Vec<(i64, i64, u32)> = (self.rows.iter().enumerate())
            .map(|(i, r)| (r.start, r.record_id, i as u32))
            .collect();
        order.sort_unstable();
        let n = self.rows.len();
        let text = |avg| StringColumn::with_capacity(n, avg);
        let (mut kind, mut op, mut msisdn, mut imsi, mut imei, mut other) =
            (text(3), text(10), text(13), text(15), text(15), text(13));
        let (mut result, mut roaming, mut visited) = (text(8), text(4), text(0));
        let mut located = Vec::with_capacity(n);
        let mut ints: [Vec<i64>; 4] = Default::default();
        let (mut duration, mut accuracy) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut lat, mut lon) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for &(_, _, i) in &order {
            let r = &self.rows[i as usize];
            let s = served(r.served);
            ints[0].push(r.record_id);
            kind.push(r.record_type);
            op.push(r.operator);
            s.msisdn.push_to(&mut msisdn);
            s.imsi.push_to(&mut imsi);
            s.imei.push_to(&mut imei);
            r.other_party.push_to(&mut other);
            ints[1].push(r.start);
            duration.push(r.duration_s);
            ints[2].push(r.first_cell);
            ints[3].push(r.last_cell);
            result.push(r.result);
            roaming.push(r.roaming);
            visited.push(r.visited.unwrap_or(""));
            located.push(r.visited.is_none());
            lon.push(r.location.0);
            lat.push(r.location.1);
            accuracy.push(r.location.2);
        }
        let [id, start, first, last] = ints;
        let utf8 = |c| ColumnBuffer::from(ColumnData::Utf8(c));
        // Roaming records abroad have no cell and no location, and only they a visited network.
        let abroad: Vec<bool> = located.iter().map(|l| !l).collect();
        let known = |data| ColumnBuffer::with_nulls(data, &located);
        Batch::new(
            &CDR,
            vec![
                ColumnData::Int64(id).into(),
                utf8(kind),
                utf8(op),
                utf8(msisdn),
                utf8(imsi),
                utf8(imei),
                utf8(other),
                ColumnData::TimestampSeconds(start).into(),
                ColumnData::Int32(duration).into(),
                known(ColumnData::Int64(first)),
                known(ColumnData::Int64(last)),
                utf8(result),
                utf8(roaming),
                ColumnBuffer::with_nulls(ColumnData::Utf8(visited), &abroad),
                known(ColumnData::Float64(lat)),
                known(ColumnData::Float64(lon)),
                known(ColumnData::Int32(accuracy)),
            ],
        )
    }
}
