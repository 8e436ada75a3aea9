//! Packet-gateway records of a SIM's data day: one session per active period, split into a new
//! record on every change of serving cell (checked every [`CELL_CHECK_S`] seconds along the true
//! trajectory) and at least every hour ([`TIME_LIMIT_S`]), as gateways close interim records.
//!
//! A record carries at most [`sustained_bits_per_s`] of its serving technology for its length:
//! the day's volume is spread over the active seconds (with noise, never beyond the largest
//! daily volume), and what a record cannot carry is not sent.
//!
//! Each session gets a private address in the RFC 6598 shared space and a carrier-grade NAT
//! public address with a 1,024-port block from the operator's pool. Pools are synthetic, one
//! /12 of public unicast space per operator, not the operators' real allocations.

use super::rows::{IpCall, IpRecord};
use crate::behaviour::data::{DataDay, OTT_BYTES_PER_S, UPLINK_SHARE};
use crate::mobility::DayPlan;
use crate::rng::{Purpose, key_hash, stream};
use crate::sampling::log_normal;

use super::ids::RecordIds;
use super::location::estimate;
use super::roaming::OUTBOUND;
use crate::network::Technology;
use crate::network::serving::RadioNetwork;

/// Interval at which the serving cell is re-evaluated during a session, seconds.
pub(crate) const CELL_CHECK_S: i64 = 300;
/// Longest record before an interim record is written, seconds.
pub(crate) const TIME_LIMIT_S: i64 = 3_600;
/// Ports per CGNAT block.
const PORTS_PER_BLOCK: i32 = 1_024;
/// Share of a technology's average download speed a record sustains over its length
/// (assumption: speed tests saturate the link, while sessions alternate transfers with idle
/// time).
const SUSTAINED_SHARE: f64 = 0.5;

/// Highest average throughput of a data record on a cell of technology `technology`, bits per
/// second: [`SUSTAINED_SHARE`] of the average download speed, 35 Mbit/s on 4G and 380 Mbit/s on
/// 5G (DNB, December 2022, `mobile_market_facts.csv`), 0.2 Mbit/s on 2G (assumption: EDGE in
/// practice).
pub(crate) fn sustained_bits_per_s(technology: Technology) -> f64 {
    SUSTAINED_SHARE
        * match technology {
            Technology::Gsm => 0.2e6,
            Technology::Lte => 35e6,
            Technology::Nr => 380e6,
        }
}

/// Technology whose sustained throughput caps records on a visited network abroad (assumption:
/// roaming data is carried on the partner's 4G network).
const VISITED_TECHNOLOGY: Technology = Technology::Lte;

/// Private address, CGNAT public address and first port of session `k` of the SIM on `day`.
fn addresses(seed: u64, sim: &DataSim<'_>, day: u32, k: u32) -> (u32, u32, i32) {
    let h = key_hash(seed, &[0x4950, sim.key, u64::from(day), u64::from(k)]);
    let private_ip = (100 << 24 | 64 << 16) + (h as u32 & 0x003F_FFFF);
    let public_ip = ((48 + sim.operator as u32 * 16) << 24) | ((h >> 24) as u32 & 0x000F_FFFF);
    (
        private_ip,
        public_ip,
        1_024 + PORTS_PER_BLOCK * ((h >> 48) % 63) as i32,
    )
}

/// The SIM whose data records are built.
pub(crate) struct DataSim<'a> {
    /// SIM key.
    pub key: u64,
    /// Operator index.
    pub operator: usize,
    /// Operator name.
    pub operator_name: &'static str,
    /// The SIM's data day.
    pub data: &'a DataDay,
    /// Its holder's day plan.
    pub plan: &'a DayPlan,
    /// `home`, or `inbound` for a visitor's SIM roaming on its home network.
    pub roaming: &'static str,
}

/// Appends the SIM's `ip_sessions` and `ip_calls` rows for `day`, carrying at most `left` bytes
/// (which they reduce); returns the numbers of sessions and records it used.
pub(crate) fn ip_records(
    radio: &RadioNetwork<'_>,
    ids: (&RecordIds, &RecordIds),
    (sim, day): (&DataSim<'_>, u32),
    left: &mut f64,
    records: &mut Vec<IpRecord>,
    calls: &mut Vec<IpCall>,
) -> (u32, u32) {
    let (record_ids, session_ids) = ids;
    let mut noise = stream(radio.seed, Purpose::Radio, sim.key, day);
    let active: i64 = sim
        .data
        .periods
        .iter()
        .map(|p| (p.end - p.start).max(1))
        .sum();
    let bytes_per_s = sim.data.bytes / active as f64;
    let mut sequence = 0u32;
    let network = radio.network();
    for (k, period) in sim.data.periods.iter().enumerate() {
        let session_id = session_ids.id(sim.key, day, k as u32);
        let (private_ip, public_ip, port_start) = addresses(radio.seed, sim, day, k as u32);
        let serve = |t: i64| {
            radio
                .serve_at(sim.operator, sim.key, sim.plan.position_at(t), t)
                .map(|s| s.cell)
        };
        // The open record: its start and cell; `None` while an outage leaves no service.
        let mut open = serve(period.start).map(|cell| (period.start, cell));
        let mut part = 1i16;
        let mut emit =
            |from: i64, to: i64, cell: &crate::network::Cell, cause: &'static str, part: i16| {
                debug_assert!(from < to, "empty record");
                let seconds = (to - from) as f64;
                let total = (bytes_per_s * seconds * log_normal(&mut noise, -0.045, 0.3))
                    .min(sustained_bits_per_s(cell.technology) / 8.0 * seconds)
                    .min(*left);
                *left -= total;
                let site = &network.sites()[cell.site as usize];
                records.push(IpRecord {
                    record_id: record_ids.id(sim.key, day, sequence),
                    session_id,
                    sequence: part,
                    operator: sim.operator_name,
                    served: sim.key,
                    start: from,
                    end: to,
                    cell: cell.key,
                    rat: cell.technology.label(),
                    apn: "internet",
                    private_ip,
                    public_ip,
                    port_start,
                    port_end: port_start + PORTS_PER_BLOCK - 1,
                    bytes_up: (total * UPLINK_SHARE) as i64,
                    bytes_down: (total * (1.0 - UPLINK_SHARE)) as i64,
                    closing_cause: cause,
                    roaming: sim.roaming,
                    visited: None,
                    location: estimate(cell, site, sim.plan.position_at(from)),
                });
                sequence += 1;
            };
        let mut t = period.start;
        while t < period.end {
            let next = (t + CELL_CHECK_S).min(period.end);
            let next_cell = serve(next);
            match (open, next_cell) {
                (Some((start, cell)), Some(next_cell))
                    if next_cell.key != cell.key && next < period.end =>
                {
                    emit(start, next, cell, "cell_change", part);
                    (open, part) = (Some((next, next_cell)), part + 1);
                }
                (Some((start, cell)), Some(_))
                    if next - start >= TIME_LIMIT_S && next < period.end =>
                {
                    emit(start, next, cell, "time_limit", part);
                    (open, part) = (Some((next, cell)), part + 1);
                }
                (Some((start, cell)), None) => {
                    emit(start, next, cell, "radio_loss", part);
                    (open, part) = (None, part + 1);
                }
                (None, Some(cell)) if next < period.end => open = Some((next, cell)),
                _ => {}
            }
            t = next;
        }
        if let Some((start, cell)) = open {
            emit(start, period.end, cell, "normal", part);
        }

        for call in sim
            .data
            .ott_calls
            .iter()
            .filter(|c| period.start <= c.start && c.start <= period.end)
        {
            let Some(served) = radio.serve_at(
                sim.operator,
                sim.key,
                sim.plan.position_at(call.start),
                call.start,
            ) else {
                continue;
            };
            let cell = served.cell;
            let each_way = OTT_BYTES_PER_S * f64::from(call.duration_s);
            calls.push(IpCall {
                session_id,
                operator: sim.operator_name,
                served: sim.key,
                service: call.service,
                start: call.start,
                duration_s: call.duration_s,
                bytes_up: (each_way * log_normal(&mut noise, 0.0, 0.2)) as i64,
                bytes_down: (each_way * log_normal(&mut noise, 0.0, 0.2)) as i64,
                cell: cell.key,
            });
        }
    }
    (sim.data.periods.len() as u32, sequence)
}

/// Appends the `ip_sessions` rows of a SIM's data `abroad` (periods abroad, volume already
/// scaled), served by the partner network `visited`: one record per session and hour, no cell.
/// Sessions and records are numbered from `first`, after the SIM's other records of the day,
/// and carry at most `left` bytes in all (what the day's volume cap leaves, which they reduce);
/// returns the numbers used so far.
pub(crate) fn outbound_ip_records(
    seed: u64,
    ids: (&RecordIds, &RecordIds),
    (sim, visited): (&DataSim<'_>, &'static str),
    (day, first): (u32, (u32, u32)),
    left: &mut f64,
    records: &mut Vec<IpRecord>,
) -> (u32, u32) {
    let (record_ids, session_ids) = ids;
    let mut noise = stream(seed, Purpose::Roaming, sim.key, day);
    let active: i64 = (sim.data.periods.iter())
        .map(|p| (p.end - p.start).max(1))
        .sum();
    let bytes_per_s = sim.data.bytes / active.max(1) as f64;
    let mut sequence = first.1;
    for (k, period) in sim.data.periods.iter().enumerate() {
        let k = first.0 + k as u32;
        let session_id = session_ids.id(sim.key, day, k);
        let (private_ip, public_ip, port_start) = addresses(seed, sim, day, k);
        let (mut from, mut part) = (period.start, 1i16);
        while from < period.end {
            let to = (from + TIME_LIMIT_S).min(period.end);
            let seconds = (to - from) as f64;
            let total = (bytes_per_s * seconds * log_normal(&mut noise, -0.045, 0.3))
                .min(sustained_bits_per_s(VISITED_TECHNOLOGY) / 8.0 * seconds)
                .min(*left);
            *left -= total;
            records.push(IpRecord {
                record_id: record_ids.id(sim.key, day, sequence),
                session_id,
                sequence: part,
                operator: sim.operator_name,
                served: sim.key,
                start: from,
                end: to,
                cell: 0,
                rat: "",
                apn: "internet",
                private_ip,
                public_ip,
                port_start,
                port_end: port_start + PORTS_PER_BLOCK - 1,
                bytes_up: (total * UPLINK_SHARE) as i64,
                bytes_down: (total * (1.0 - UPLINK_SHARE)) as i64,
                closing_cause: if to < period.end {
                    "time_limit"
                } else {
                    "normal"
                },
                roaming: OUTBOUND,
                visited: Some(visited),
                location: (0.0, 0.0, 0),
            });
            (from, part, sequence) = (to, part + 1, sequence + 1);
        }
    }
    (first.0 + sim.data.periods.len() as u32, sequence)
}
