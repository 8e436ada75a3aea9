//! Inbound tourism, from the `visitors` and `trajectories` tables: arrivals in the period by
//! nationality against the configured shares (Immigration Department 2024 arrivals, embedded in
//! the generator), and visitor-days and nights per district.
//!
//! An arrival is an inbound visitor whose `entry_time` falls in the period. A visitor-day is a
//! (visitor, local day, district) with at least one stay of the visitor there; a night is a
//! `lodging` stay that starts at a local midnight (the visitor slept there).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use serde::Serialize;
use telcosynth_generator::public_data::{districts, inbound_origins};

use crate::error::InspectError;
use crate::period::Period;
use telcosynth_sinks::read::DatasetReader;

/// Largest difference between an arrival share and its configured share, percentage points.
pub const ORIGIN_TOLERANCE_PP: f64 = 2.0;
/// Districts printed in the text report (all are in the JSON).
const PRINTED_DISTRICTS: usize = 15;

/// Arrivals of one nationality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OriginShare {
    /// ISO alpha-3.
    pub country: String,
    /// Arrivals in the period.
    pub arrivals: u64,
    /// Share of the arrivals, %.
    pub share_pct: f64,
    /// Configured share, %.
    pub target_pct: f64,
    /// Whether the share is within [`ORIGIN_TOLERANCE_PP`] of the target.
    pub within: bool,
}

/// Visitors in one district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitorDistrict {
    /// DOSM district code.
    pub district_code: String,
    /// District name (census spelling), empty for an unknown code.
    pub district: String,
    /// Visitor-days in the period.
    pub visitor_days: u64,
    /// Nights in the period.
    pub nights: u64,
}

/// The inbound tourism section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tourism {
    /// Inbound arrivals in the period.
    pub arrivals: u64,
    /// Inbound visitors in the dataset (also those who arrived before the period).
    pub visitors: u64,
    /// One entry per configured nationality, in configured order, then any other.
    pub origins: Vec<OriginShare>,
    /// Districts by visitor-days, most first.
    pub districts: Vec<VisitorDistrict>,
}

impl Tourism {
    /// The report section.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Inbound visitors: {} arrivals in the period ({} visitors in the dataset)\n\n",
            self.arrivals, self.visitors
        );
        out.push_str(
            "Targets are the national shares: they hold when the region has every entry point \
             (all of Malaysia); a smaller region keeps only the visitors who enter it.\n",
        );
        out.push_str("origin  arrivals  share %  target %  within ±2 pp\n");
        for o in &self.origins {
            let _ = writeln!(
                out,
                "{:6}  {:>8}  {:>7.2}  {:>8.2}  {}",
                o.country,
                o.arrivals,
                o.share_pct,
                o.target_pct,
                if o.within { "yes" } else { "NO" }
            );
        }
        let shown = self.districts.len().min(PRINTED_DISTRICTS);
        let _ = writeln!(
            out,
            "\nVisitor-days and nights of inbound visitors by district, top {shown} of {}:",
            self.districts.len()
        );
        let names: Vec<String> = self.districts[..shown]
            .iter()
            .map(|d| format!("{} ({})", d.district, d.district_code))
            .collect();
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(8);
        let _ = writeln!(out, "{:width$}  visitor-days  nights", "district");
        for (d, name) in self.districts[..shown].iter().zip(&names) {
            let _ = writeln!(
                out,
                "{name:width$}  {:>12}  {:>6}",
                d.visitor_days, d.nights
            );
        }
        out
    }
}

/// The tourism section of the dataset, or `None` when it has no inbound visitor.
pub(crate) fn tourism(
    data: &DatasetReader,
    period: &Period,
) -> Result<Option<Tourism>, InspectError> {
    if !data.has("visitors") {
        return Ok(None);
    }
    let mut ids = HashSet::new();
    let mut arrivals: BTreeMap<String, u64> = BTreeMap::new();
    let columns = ["person_id", "kind", "origin_country", "entry_time"];
    data.scan::<InspectError>("visitors", &columns, |rows| {
        let (id, kind) = (rows.i64s("person_id")?, rows.strings("kind")?);
        let (origin, entry) = (rows.strings("origin_country")?, rows.seconds("entry_time")?);
        for i in 0..rows.len() {
            if kind.value(i) != "inbound" {
                continue;
            }
            ids.insert(id[i]);
            if period.day_index(entry[i]).is_some() {
                *arrivals.entry(origin.value(i).to_owned()).or_default() += 1;
            }
        }
        Ok(())
    })?;
    if ids.is_empty() {
        return Ok(None);
    }
    let total: u64 = arrivals.values().sum();
    let pct = |n: u64| 100.0 * n as f64 / total.max(1) as f64;
    let mut origins: Vec<OriginShare> = inbound_origins()
        .iter()
        .map(|o| {
            let n = arrivals.remove(o.iso3).unwrap_or(0);
            let (share_pct, target_pct) = (pct(n), 100.0 * o.share);
            OriginShare {
                country: o.iso3.to_owned(),
                arrivals: n,
                share_pct,
                target_pct,
                within: (share_pct - target_pct).abs() <= ORIGIN_TOLERANCE_PP,
            }
        })
        .collect();
    origins.extend(arrivals.into_iter().map(|(country, n)| OriginShare {
        country,
        arrivals: n,
        share_pct: pct(n),
        target_pct: 0.0,
        within: pct(n) <= ORIGIN_TOLERANCE_PP,
    }));

    let mut days: BTreeSet<(i64, u32, String)> = BTreeSet::new();
    let mut nights: BTreeMap<String, u64> = BTreeMap::new();
    if data.has("trajectories") {
        let columns = [
            "person_id",
            "kind",
            "start_time",
            "district_code",
            "purpose",
        ];
        data.scan::<InspectError>("trajectories", &columns, |rows| {
            let (id, kind) = (rows.i64s("person_id")?, rows.strings("kind")?);
            let start = rows.seconds("start_time")?;
            let (district, purpose) = (rows.strings("district_code")?, rows.strings("purpose")?);
            for i in 0..rows.len() {
                if kind.value(i) != "stay" || !ids.contains(&id[i]) {
                    continue;
                }
                let Some(day) = period.day_index(start[i]) else {
                    continue;
                };
                days.insert((id[i], day, district.value(i).to_owned()));
                let midnight = period.local_day(start[i]) != period.local_day(start[i] - 1);
                if purpose.value(i) == "lodging" && midnight {
                    *nights.entry(district.value(i).to_owned()).or_default() += 1;
                }
            }
            Ok(())
        })?;
    }
    let mut per_district: BTreeMap<String, u64> = BTreeMap::new();
    for (_, _, d) in days {
        *per_district.entry(d).or_default() += 1;
    }
    let mut districts: Vec<VisitorDistrict> = per_district
        .into_iter()
        .map(|(code, visitor_days)| VisitorDistrict {
            district: districts()
                .iter()
                .find(|d| d.code == code)
                .map_or(String::new(), |d| d.name.to_owned()),
            nights: nights.get(&code).copied().unwrap_or(0),
            district_code: code,
            visitor_days,
        })
        .collect();
    districts.sort_by_key(|d| std::cmp::Reverse(d.visitor_days));
    Ok(Some(Tourism {
        arrivals: total,
        visitors: ids.len() as u64,
        origins,
        districts,
    }))
}
