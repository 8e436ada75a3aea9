//! Operator tables `ip_sessions` (packet-gateway data records) and `ip_calls` (over-the-top
//! voice calls seen in the data sessions).

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnBuffer, ColumnData, StringColumn, TableSchema, View};

use super::cdr::Served;
use crate::records::{IpCall, IpRecord};

/// Schema of `ip_sessions`.
pub static IP_SESSIONS: TableSchema = TableSchema {
    name: "ip_sessions",
    view: View::Operator,
    doc: "One row per packet-gateway data record: a session is split into records on every cell \
          change and at least every hour, as gateways do.",
    columns: &[
        Column::new("record_id", Int64, "Opaque unique record number."),
        Column::new(
            "session_id",
            Int64,
            "Charging id shared by the records of one session.",
        ),
        Column::new(
            "sequence",
            Int16,
            "Record number within the session, from 1.",
        ),
        Column::new("operator", Utf8, "Operator of the served subscriber.").categorical(),
        Column::new("served_msisdn", Utf8, "Served subscriber's MSISDN.").repeated(),
        Column::new("served_imsi", Utf8, "Served subscriber's IMSI.").repeated(),
        Column::new("served_imei", Utf8, "Served subscriber's handset IMEI.").repeated(),
        Column::new("start_time", TimestampSeconds, "Start of the record, UTC."),
        Column::new("end_time", TimestampSeconds, "End of the record, UTC."),
        Column::new(
            "cell_key",
            Int64,
            "Serving cell during the record (cells.cell_key); null when roaming abroad.",
        )
        .nullable(),
        Column::new(
            "rat",
            Utf8,
            "Radio access technology: 2G, 4G or 5G; null when roaming abroad.",
        )
        .nullable()
        .categorical(),
        Column::new("apn", Utf8, "Access point name.").categorical(),
        Column::new(
            "private_ip",
            Utf8,
            "Address assigned to the handset (RFC 1918 / RFC 6598 space).",
        ),
        Column::new("public_ip", Utf8, "Carrier-grade NAT public address."),
        Column::new("port_start", Int32, "First port of the CGNAT port block."),
        Column::new("port_end", Int32, "Last port of the CGNAT port block."),
        Column::new("bytes_up", Int64, "Uplink bytes in the record."),
        Column::new("bytes_down", Int64, "Downlink bytes in the record."),
        Column::new("closing_cause", Utf8, "normal, cell_change, time_limit or radio_loss (service lost in an outage).").categorical(),
        Column::new(
            "roaming",
            Utf8,
            "home for subscribers on their own network (residents, visitors with a tourist SIM); inbound for a foreign SIM roaming on the operator's network (served_msisdn and served_imsi are then foreign); outbound for the operator's own subscriber served abroad by a partner network (from its roaming files: no cell, RAT or location).",
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
            "Operator's location estimate, latitude; never the true position; null when roaming abroad.",
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

/// Schema of `ip_calls`.
pub static IP_CALLS: TableSchema = TableSchema {
    name: "ip_calls",
    view: View::Operator,
    doc: "One row per over-the-top voice call (WhatsApp, Telegram, …) detected in a data session.",
    columns: &[
        Column::new(
            "session_id",
            Int64,
            "Data session carrying the call (ip_sessions.session_id).",
        ),
        Column::new("operator", Utf8, "Operator of the served subscriber.").categorical(),
        Column::new("served_msisdn", Utf8, "Served subscriber's MSISDN.").repeated(),
        Column::new(
            "service",
            Utf8,
            "Application: whatsapp, telegram, wechat, messenger, other.",
        )
        .categorical(),
        Column::new(
            "start_time",
            TimestampSeconds,
            "Start of the call flow, UTC.",
        ),
        Column::new("duration_s", Int32, "Duration, seconds."),
        Column::new("bytes_up", Int64, "Uplink bytes of the flow."),
        Column::new("bytes_down", Int64, "Downlink bytes of the flow."),
        Column::new("cell_key", Int64, "Serving cell at the start of the call."),
    ],
    sort_key: Some("start_time"),
};

fn ipv4(a: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        a >> 24,
        (a >> 16) & 255,
        (a >> 8) & 255,
        a & 255
    )
}

/// Builds the `ip_sessions` batch of one (block, day), sorted by (start, record id).
pub fn sessions_batch<'a>(mut rows: Vec<IpRecord>, served: impl Fn(u64) -> Served<'a>) -> Batch {
    rows.sort_by_key(|r| (r.start, r.record_id));
    let n = rows.len();
    let text = |avg| StringColumn::with_capacity(n, avg);
    let (mut op, mut msisdn, mut imsi, mut imei, mut rat, mut apn) =
        (text(10), text(13), text(15), text(15), text(2), text(8));
    let (mut private, mut public, mut cause, mut roaming) = (text(12), text(13), text(8), text(4));
    let (mut visited, mut located) = (text(0), Vec::with_capacity(n));
    let mut i64s: [Vec<i64>; 7] = Default::default();
    let (mut seq, mut p0, mut p1, mut acc) = (vec![], vec![], vec![], vec![]);
    let (mut lat, mut lon) = (vec![], vec![]);
    for r in &rows {
        let s = served(r.served);
        i64s[0].push(r.record_id);
        i64s[1].push(r.session_id);
        seq.push(r.sequence);
        op.push(r.operator);
        s.msisdn.push_to(&mut msisdn);
        s.imsi.push_to(&mut imsi);
        s.imei.push_to(&mut imei);
        i64s[2].push(r.start);
        i64s[3].push(r.end);
        i64s[4].push(r.cell);
        rat.push(r.rat);
        apn.push(r.apn);
        private.push(&ipv4(r.private_ip));
        public.push(&ipv4(r.public_ip));
        p0.push(r.port_start);
        p1.push(r.port_end);
        i64s[5].push(r.bytes_up);
        i64s[6].push(r.bytes_down);
        cause.push(r.closing_cause);
        roaming.push(r.roaming);
        visited.push(r.visited.unwrap_or(""));
        located.push(r.visited.is_none());
        lon.push(r.location.0);
        lat.push(r.location.1);
        acc.push(r.location.2);
    }
    let [id, session, start, end, cell, up, down] = i64s;
    let utf8 = |c| ColumnBuffer::from(ColumnData::Utf8(c));
    // Roaming records abroad have no cell, RAT or location, and only they a visited network.
    let abroad: Vec<bool> = located.iter().map(|l| !l).collect();
    let known = |data| ColumnBuffer::with_nulls(data, &located);
    Batch::new(
        &IP_SESSIONS,
        vec![
            ColumnData::Int64(id).into(),
            ColumnData::Int64(session).into(),
            ColumnData::Int16(seq).into(),
            utf8(op),
            utf8(msisdn),
            utf8(imsi),
            utf8(imei),
            ColumnData::TimestampSeconds(start).into(),
            ColumnData::TimestampSeconds(end).into(),
            known(ColumnData::Int64(cell)),
            known(ColumnData::Utf8(rat)),
            utf8(apn),
            utf8(private),
            utf8(public),
            ColumnData::Int32(p0).into(),
            ColumnData::Int32(p1).into(),
            ColumnData::Int64(up).into(),
            ColumnData::Int64(down).into(),
            utf8(cause),
            utf8(roaming),
            ColumnBuffer::with_nulls(ColumnData::Utf8(visited), &abroad),
            known(ColumnData::Float64(lat)),
            known(ColumnData::Float64(lon)),
            known(ColumnData::Int32(acc)),
        ],
    )
}

/// Builds the `ip_calls` batch of one (block, day), sorted by (start, session).
pub(crate) fn calls_batch<'a>(mut rows: Vec<IpCall>, served: impl Fn(u64) -> Served<'a>) -> Batch {
    rows.sort_by_key(|r| (r.start, r.session_id, r.served));
    let n = rows.len();
    let (mut op, mut msisdn, mut service) = (
        StringColumn::with_capacity(n, 10),
        StringColumn::with_capacity(n, 13),
        StringColumn::with_capacity(n, 8),
    );
    let (mut session, mut start, mut dur, mut up, mut down, mut cell) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for r in &rows {
        session.push(r.session_id);
        op.push(r.operator);
        served(r.served).msisdn.push_to(&mut msisdn);
        service.push(r.service);
        start.push(r.start);
        dur.push(r.duration_s);
        up.push(r.bytes_up);
        down.push(r.bytes_down);
        cell.push(r.cell);
    }
    Batch::new(
        &IP_CALLS,
        vec![
            ColumnData::Int64(session).into(),
            ColumnData::Utf8(op).into(),
            ColumnData::Utf8(msisdn).into(),
            ColumnData::Utf8(service).into(),
            ColumnData::TimestampSeconds(start).into(),
            ColumnData::Int32(dur).into(),
            ColumnData::Int64(up).into(),
            ColumnData::Int64(down).into(),
            ColumnData::Int64(cell).into(),
        ],
    )
}
