//! Inbound tourism, from the `visitors` and `trajectories` tables: arrivals in the period by
//! nationality against the configured shares (Immigration Department 2024 arrivals, embedded in
//! the generator), arrivals per day, entry points by nationality, and visitor-days and nights per
//! district; and the figures on arrivals and entry points that have targets in `targets.toml`.
//!
//! An arrival is an inbound visitor whose `entry_time` falls in the period. A visitor-day is a
//! (visitor, local day, district) with at least one stay of the visitor there; a night is a
//! `lodging` stay that starts at a local midnight (the visitor slept there).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use serde::Serialize;
use telcosynth_generator::public_data::{EntryKind, districts, entry_points, inbound_origins};

use crate::error::InspectError;
use crate::measure::Measure;
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

/// Arrivals on one day of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayArrivals {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Inbound arrivals that day.
    pub arrivals: u64,
}

/// Arrivals of one nationality at one entry point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryShare {
    /// ISO alpha-3 of the nationality.
    pub country: String,
    /// Entry point id (`generator/data/entry_points.csv`).
    pub entry_point: String,
    /// Arrivals in the period.
    pub arrivals: u64,
    /// Share of the nationality's arrivals, %.
    pub share_pct: f64,
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
    /// Arrivals on each day of the period.
    pub days: Vec<DayArrivals>,
    /// Arrivals by nationality (configured order, then any other) and entry point (most first).
    pub entries: Vec<EntryShare>,
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
        out.push_str(
            "\nArrivals per day (figure inbound_daily_peak_to_mean against its target above):\n",
        );
        for d in &self.days {
            let _ = writeln!(out, "{}  {:>7}", d.date, d.arrivals);
        }
        out.push_str(
            "\nEntry points by nationality (figures inbound_senai_share, \
             inbound_singaporeans_by_land_in_johor and inbound_johor_land_singaporean_share \
             against their targets above):\norigin  entry  arrivals  share %\n",
        );
        for e in &self.entries {
            let _ = writeln!(
                out,
                "{:6}  {:5}  {:>8}  {:>7.2}",
                e.country, e.entry_point, e.arrivals, e.share_pct
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
    let mut per_day = vec![0u64; period.days as usize];
    let mut per_entry: BTreeMap<(String, String), u64> = BTreeMap::new();
    let columns = [
        "person_id",
        "kind",
        "origin_country",
        "entry_point",
        "entry_time",
    ];
    data.scan::<InspectError>("visitors", &columns, |rows| {
        let (id, kind) = (rows.i64s("person_id")?, rows.strings("kind")?);
        let (origin, entry) = (rows.strings("origin_country")?, rows.seconds("entry_time")?);
        let point = rows.strings("entry_point")?;
        for i in 0..rows.len() {
            if kind.value(i) != "inbound" {
                continue;
            }
            ids.insert(id[i]);
            if let Some(day) = period.day_index(entry[i]) {
                *arrivals.entry(origin.value(i).to_owned()).or_default() += 1;
                per_day[day as usize] += 1;
                let key = (origin.value(i).to_owned(), point.value(i).to_owned());
                *per_entry.entry(key).or_default() += 1;
            }
        }
        Ok(())
    })?;
    if ids.is_empty() {
        return Ok(None);
    }
    let total: u64 = arrivals.values().sum();
    let rank = |country: &str| {
        inbound_origins()
            .iter()
            .position(|o| o.iso3 == country)
            .unwrap_or(usize::MAX)
    };
    let mut entries: Vec<EntryShare> = per_entry
        .iter()
        .map(|((country, point), &n)| EntryShare {
            country: country.clone(),
            entry_point: point.clone(),
            arrivals: n,
            share_pct: 100.0 * n as f64 / arrivals[country] as f64,
        })
        .collect();
    entries.sort_by(|a, b| {
        (
            rank(&a.country),
            &a.country,
            std::cmp::Reverse(a.arrivals),
            &a.entry_point,
        )
            .cmp(&(
                rank(&b.country),
                &b.country,
                std::cmp::Reverse(b.arrivals),
                &b.entry_point,
            ))
    });
    let daily = per_day
        .iter()
        .enumerate()
        .map(|(d, &n)| DayArrivals {
            date: period.date(d as u32),
            arrivals: n,
        })
        .collect();
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
        days: daily,
        entries,
        districts,
    }))
}

/// Fewest arrivals a day, on average, for the daily peak to mean a rhythm rather than noise.
pub const MIN_MEAN_ARRIVALS_PER_DAY: f64 = 20.0;

/// The figures on inbound arrivals and entry points (see `targets.toml` for each).
pub(crate) fn figures(tourism: Option<&Tourism>) -> Vec<Measure> {
    let ids = [
        "inbound_daily_peak_to_mean",
        "inbound_senai_share",
        "inbound_singaporeans_by_land_in_johor",
        "inbound_johor_land_singaporean_share",
    ];
    let Some(t) = tourism else {
        return ids
            .map(|id| Measure {
                id,
                value: Err("inbound visitors not in the dataset".into()),
                basis: String::new(),
            })
            .to_vec();
    };
    let point = |id: &str| entry_points().iter().find(|p| p.id == id);
    let johor_land = |id: &str| {
        point(id).is_some_and(|p| p.kind == EntryKind::LandCheckpoint && p.state_code == 1)
    };
    let count = |keep: &dyn Fn(&EntryShare) -> bool| -> u64 {
        t.entries
            .iter()
            .filter(|e| keep(e))
            .map(|e| e.arrivals)
            .sum()
    };
    let share = |id: &'static str, part: u64, whole: u64, of: &str| Measure {
        id,
        value: if whole > 0 {
            Ok(part as f64 / whole as f64)
        } else {
            Err(format!("no {of} in the period"))
        },
        basis: format!("{part} of {whole} {of}"),
    };
    let mean = t.arrivals as f64 / t.days.len().max(1) as f64;
    let peak = t.days.iter().map(|d| d.arrivals).max().unwrap_or(0);
    let peak_to_mean = Measure {
        id: ids[0],
        value: if mean >= MIN_MEAN_ARRIVALS_PER_DAY && t.days.len() >= 7 {
            Ok(peak as f64 / mean)
        } else {
            Err(format!(
                "needs 7 days and {MIN_MEAN_ARRIVALS_PER_DAY} arrivals a day on average"
            ))
        },
        basis: format!(
            "{} days, {mean:.1} arrivals a day, peak {peak}",
            t.days.len()
        ),
    };
    let sgp_johor =
        count(&|e| e.country == "SGP" && point(&e.entry_point).is_some_and(|p| p.state_code == 1));
    let sgp_land = count(&|e| e.country == "SGP" && johor_land(&e.entry_point));
    let land = count(&|e| johor_land(&e.entry_point));
    vec![
        peak_to_mean,
        share(
            ids[1],
            count(&|e| e.entry_point == "E08"),
            t.arrivals,
            "arrivals",
        ),
        share(
            ids[2],
            sgp_land,
            sgp_johor,
            "Singaporean arrivals through Johor",
        ),
        share(
            ids[3],
            sgp_land,
            land,
            "arrivals over the Johor land crossings",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(arrivals: [u64; 7]) -> Tourism {
        Tourism {
            arrivals: arrivals.iter().sum(),
            visitors: arrivals.iter().sum(),
            origins: Vec::new(),
            days: arrivals
                .iter()
                .enumerate()
                .map(|(d, &n)| DayArrivals {
                    date: format!("2025-01-{:02}", d + 6),
                    arrivals: n,
                })
                .collect(),
            entries: Vec::new(),
            districts: Vec::new(),
        }
    }

    #[test]
    fn the_daily_peak_is_measured_against_the_mean_of_a_week() {
        let peak = |t: &Tourism| figures(Some(t))[0].value.clone();
        assert_eq!(peak(&week([30; 7])), Ok(1.0));
        assert_eq!(peak(&week([20, 20, 20, 20, 30, 60, 40])), Ok(2.0));
        assert!(
            peak(&week([1, 1, 1, 1, 1, 1, 8])).is_err(),
            "too few arrivals"
        );
        // Without visitors, every figure is not available.
        assert!(figures(None).iter().all(|m| m.value.is_err()));
    }
}
