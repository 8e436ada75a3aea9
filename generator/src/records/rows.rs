//! The records' values: one row of `cdr`, `ip_sessions` or `ip_calls`, as [`super`] computes
//! them and the tables' builders write them.

use crate::numbering::PhoneNumber;

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
    /// PLMN of the visited network of an outbound roaming record, which then has no cells and
    /// no location.
    pub visited: Option<&'static str>,
    /// Location estimate (lon, lat, accuracy in metres).
    pub location: (f64, f64, i32),
}

/// One `ip_sessions` row.
#[derive(Debug, Clone, PartialEq)]
pub struct IpRecord {
    /// Opaque record number.
    pub record_id: i64,
    /// Charging id of the session.
    pub session_id: i64,
    /// Record number within the session.
    pub sequence: i16,
    /// Operator name.
    pub operator: &'static str,
    /// Served SIM key.
    pub served: u64,
    /// Start, UTC seconds.
    pub start: i64,
    /// End, UTC seconds.
    pub end: i64,
    /// Serving cell.
    pub cell: i64,
    /// RAT label.
    pub rat: &'static str,
    /// APN.
    pub apn: &'static str,
    /// Private address.
    pub private_ip: u32,
    /// Public CGNAT address.
    pub public_ip: u32,
    /// First port of the block.
    pub port_start: i32,
    /// Last port of the block.
    pub port_end: i32,
    /// Uplink bytes.
    pub bytes_up: i64,
    /// Downlink bytes.
    pub bytes_down: i64,
    /// Closing cause.
    pub closing_cause: &'static str,
    /// Roaming label.
    pub roaming: &'static str,
    /// PLMN of the visited network of an outbound roaming record, which then has no cell, RAT
    /// or location.
    pub visited: Option<&'static str>,
    /// Location estimate (lon, lat, accuracy in metres).
    pub location: (f64, f64, i32),
}

/// One `ip_calls` row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IpCall {
    /// Session carrying the call.
    pub session_id: i64,
    /// Operator name.
    pub operator: &'static str,
    /// Served SIM key.
    pub served: u64,
    /// Application.
    pub(crate) service: &'static str,
    /// Start, UTC seconds.
    pub start: i64,
    /// Duration, seconds.
    pub duration_s: i32,
    /// Uplink bytes.
    pub bytes_up: i64,
    /// Downlink bytes.
    pub bytes_down: i64,
    /// Serving cell.
    pub cell: i64,
}
