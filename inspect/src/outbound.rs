//! Residents' trips abroad, from the `trips` table (kind `outbound`): person-trips overlapping
//! the period by destination country, beside the generator's configured share, with the mean
//! nights away.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;
use telcosynth_generator::mobility::outbound_destinations;

use crate::error::InspectError;
use crate::period::Period;
use telcosynth_sinks::read::DatasetReader;

/// The trip kind counted.
pub const KIND: &str = "outbound";

/// Trips to one country.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Country {
    /// ISO alpha-3 code (trips.destination_district_code).
    pub country: String,
    /// Person-trips overlapping the period.
    pub trips: u64,
    /// Share of all person-trips abroad.
    pub share: f64,
    /// The generator's configured share of trips (before Umrah is restricted to Muslim
    /// households); `None` for a country it does not send residents to.
    pub configured_share: Option<f64>,
    /// Mean nights away.
    pub mean_nights: f64,
    /// The generator's configured median nights.
    pub configured_median_nights: Option<f64>,
}

/// Trips abroad over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outbound {
    /// Person-trips abroad overlapping the period.
    pub trips: u64,
    /// By country, most trips first (ties by code).
    pub countries: Vec<Country>,
}

impl Outbound {
    /// The report section.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} person-trips abroad overlapping the period (households travel together; Umrah \
             to SAU is for Muslim households only, so its share sits below the configured one \
             and the others above)\n\n",
            self.trips
        );
        out.push_str("country  trips   share  configured  mean nights  configured median\n");
        let opt = |v: Option<f64>, digits: usize| v.map_or("-".into(), |v| format!("{v:.digits$}"));
        for c in &self.countries {
            let _ = writeln!(
                out,
                "{:7}  {:>5}  {:>6.3}  {:>10}  {:>11.1}  {:>17}",
                c.country,
                c.trips,
                c.share,
                opt(c.configured_share, 3),
                c.mean_nights,
                opt(c.configured_median_nights, 0)
            );
        }
        out
    }
}

/// The trips abroad of the dataset, or `None` without a `trips` table or without such a trip.
pub(crate) fn outbound(
    data: &DatasetReader,
    period: &Period,
) -> Result<Option<Outbound>, InspectError> {
    if !data.has("trips") {
        return Ok(None);
    }
    let mut by_country: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    let columns = [
        "kind",
        "depart_time",
        "return_time",
        "destination_district_code",
    ];
    data.scan::<InspectError>("trips", &columns, |rows| {
        let kind = rows.strings("kind")?;
        let (depart, back) = (rows.seconds("depart_time")?, rows.seconds("return_time")?);
        let destination = rows.strings("destination_district_code")?;
        for i in 0..rows.len() {
            if kind.value(i) != KIND {
                continue;
            }
            let (first, last) = (period.local_day(depart[i]), period.local_day(back[i]));
            if last < 0 || first >= i64::from(period.days) {
                continue;
            }
            let entry = by_country
                .entry(destination.value(i).to_owned())
                .or_default();
            entry.0 += 1;
            entry.1 += last - first;
        }
        Ok(())
    })?;
    let trips: u64 = by_country.values().map(|v| v.0).sum();
    if trips == 0 {
        return Ok(None);
    }
    let configured: Vec<(&str, f64, f64)> = outbound_destinations().collect();
    let mut countries: Vec<Country> = by_country
        .into_iter()
        .map(|(country, (n, nights))| {
            let known = configured.iter().find(|c| c.0 == country);
            Country {
                trips: n,
                share: n as f64 / trips as f64,
                configured_share: known.map(|c| c.1),
                mean_nights: nights as f64 / n as f64,
                configured_median_nights: known.map(|c| c.2),
                country,
            }
        })
        .collect();
    countries.sort_by_key(|c| std::cmp::Reverse(c.trips));
    Ok(Some(Outbound { trips, countries }))
}
