//! Operator table `cdr`: voice and SMS call detail records, one per served party.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnBuffer, ColumnData, StringColumn, TableSchema, View};

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
        ),
        Column::new("served_imsi", Utf8, "Served subscriber's IMSI."),
        Column::new("served_imei", Utf8, "Served subscriber's handset IMEI."),
        Column::new(
            "other_party",
            Utf8,
            "The other party's number (E.164 with +).",
        ),
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
            "Serving cell at the start (cells.cell_key).",
        ),
        Column::new(
            "last_cell_key",
            Int64,
            "Serving cell at the end, after any handover.",
        ),
        Column::new(
            "result",
            Utf8,
            "answered, no_answer, busy, failed, dropped; SMS: delivered or failed.",
        )
        .categorical(),
        Column::new(
            "roaming",
            Utf8,
            "home for subscribers on their own network (residents, visitors with a tourist SIM); inbound for a foreign SIM roaming on the operator's network (served_msisdn and served_imsi are then foreign).",
        )
        .categorical(),
        Column::new(
            "location_lat",
            Float64,
            "Operator's location estimate (cell and timing advance), latitude; never the true position.",
        ),
        Column::new(
            "location_lon",
            Float64,
            "Operator's location estimate, longitude.",
        ),
        Column::new(
            "location_accuracy_m",
            Int32,
            "Radius of the location estimate's uncertainty, metres.",
        ),
    ],
    sort_key: Some("start_time"),
};

/// One CDR row.
#[derive(Debug, Clone, PartialEq)]
pub struct CdrRow {
    /// Opaque record number.
    pub record_id: i64,
    /// MOC, MTC, SMS_MO or SMS_MT.
    pub record_type: &'static str,
    /// Operator name.
    pub operator: &'static str,
    /// Served subscriber's SIM key (to look up MSISDN, IMSI, IMEI).
    pub served: u64,
    /// The other party's number.
    pub other_party: PhoneNumber,
    /// Start, UTC seconds.
    pub start: i64,
    /// Duration, seconds.
    pub duration_s: i32,
    /// First serving cell.
    pub first_cell: i64,
    /// Last serving cell.
    pub last_cell: i64,
    /// Result label.
    pub result: &'static str,
    /// Roaming label.
    pub roaming: &'static str,
    /// Location estimate (lon, lat, accuracy in metres).
    pub location: (f64, f64, i32),
}

/// A phone number (E.164 with +) held inline: no allocation per record. Also holds other short
/// ASCII identifiers (IMSI, IMEI).
#[derive(Clone, Copy)]
pub struct PhoneNumber {
    len: u8,
    bytes: [u8; PhoneNumber::CAPACITY],
}

impl PhoneNumber {
    /// Longest number held, bytes (E.164 allows 15 digits after the +).
    pub const CAPACITY: usize = 23;

    /// The number `text`; panics beyond [`PhoneNumber::CAPACITY`] bytes or on non-ASCII text.
    pub fn new(text: &str) -> Self {
        let mut n = PhoneNumber::empty();
        n.push_str(text);
        n
    }

    /// No characters yet.
    pub const fn empty() -> Self {
        PhoneNumber {
            len: 0,
            bytes: [0; PhoneNumber::CAPACITY],
        }
    }

    /// Appends ASCII `text`.
    pub fn push_str(&mut self, text: &str) {
        assert!(text.is_ascii(), "phone numbers are ASCII");
        let at = usize::from(self.len);
        let end = at + text.len();
        assert!(end <= Self::CAPACITY, "phone number too long: {text}");
        self.bytes[at..end].copy_from_slice(text.as_bytes());
        self.len = end as u8;
    }

    /// Appends `value` in decimal, zero-padded to `width` digits (like `{value:0width$}`).
    pub fn push_padded(&mut self, value: u64, width: usize) {
        let mut digits = [0u8; 20];
        let (mut v, mut n) = (value, 0);
        while v > 0 || n == 0 {
            digits[n] = b'0' + (v % 10) as u8;
            v /= 10;
            n += 1;
        }
        let total = n.max(width);
        let at = usize::from(self.len);
        assert!(at + total <= Self::CAPACITY, "phone number too long");
        for (k, slot) in self.bytes[at..at + total].iter_mut().enumerate() {
            let from_end = total - 1 - k;
            *slot = if from_end < n { digits[from_end] } else { b'0' };
        }
        self.len = (at + total) as u8;
    }

    /// Appends the number to a string column (ASCII: valid UTF-8 without a check).
    pub fn push_to(&self, column: &mut StringColumn) {
        if column.offsets.is_empty() {
            column.offsets.push(0);
        }
        column.bytes.extend_from_slice(self.digits());
        column
            .offsets
            .push(i32::try_from(column.bytes.len()).expect("string column over 2 GiB"));
    }

    fn digits(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("ASCII")
    }
}

impl std::ops::Deref for PhoneNumber {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Write for PhoneNumber {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let at = usize::from(self.len);
        if !s.is_ascii() || at + s.len() > Self::CAPACITY {
            return Err(std::fmt::Error);
        }
        self.push_str(s);
        Ok(())
    }
}

impl PartialEq for PhoneNumber {
    fn eq(&self, other: &Self) -> bool {
        self.digits() == other.digits()
    }
}

impl Eq for PhoneNumber {}

impl PartialOrd for PhoneNumber {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PhoneNumber {
    /// The order of the numbers as strings.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.digits().cmp(other.digits())
    }
}

impl std::fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
        let (mut result, mut roaming) = (text(8), text(4));
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
            lon.push(r.location.0);
            lat.push(r.location.1);
            accuracy.push(r.location.2);
        }
        let [id, start, first, last] = ints;
        let utf8 = |c| ColumnBuffer::from(ColumnData::Utf8(c));
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
                ColumnData::Int64(first).into(),
                ColumnData::Int64(last).into(),
                utf8(result),
                utf8(roaming),
                ColumnData::Float64(lat).into(),
                ColumnData::Float64(lon).into(),
                ColumnData::Int32(accuracy).into(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_read_like_formatted_strings() {
        for (prefix, value, width) in [("+603", 42u64, 8usize), ("+86", 0, 11), ("+977", 123, 2)] {
            let mut n = PhoneNumber::new(prefix);
            n.push_padded(value, width);
            assert_eq!(n.as_str(), format!("{prefix}{value:0width$}"));
        }
        let (a, b) = (PhoneNumber::new("+6012"), PhoneNumber::new("+603"));
        assert_eq!(a.cmp(&b), "+6012".cmp("+603"));
        assert_eq!(format!("{a:?}"), "\"+6012\"");
    }
}
