//! Holiday travel out of the Klang Valley, from the `trips` table: balik kampung departures,
//! returns and travellers away per local day of the period, and visitor-days per destination
//! district.
//!
//! A trip row is one person's trip. A visitor-day is a night spent at the destination: the
//! local days from the departure day up to the day before the return, counted inside the
//! period.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;
use telcosynth_generator::public_data::districts;

use crate::error::InspectError;
use crate::period::Period;
use telcosynth_sinks::read::DatasetReader;

/// The trip kind the series count.
pub const KIND: &str = "balik_kampung";
/// DOSM state codes of the Klang Valley: Selangor, W.P. Kuala Lumpur, W.P. Putrajaya.
pub const KLANG_VALLEY_STATES: [&str; 3] = ["10", "14", "16"];
/// Destinations printed in the text report (all are in the JSON).
const PRINTED_DESTINATIONS: usize = 15;

/// One local day of the series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TravelDay {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Trips leaving the Klang Valley that day.
    pub departures: u64,
    /// Trips coming back that day.
    pub returns: u64,
    /// Travellers spending the night away.
    pub away: u64,
}

/// Visits to one destination district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Destination {
    /// DOSM district code.
    pub district_code: String,
    /// District name (census spelling), empty for an unknown code.
    pub district: String,
    /// State name.
    pub state: String,
    /// Trips to the district overlapping the period.
    pub trips: u64,
    /// Nights spent there within the period.
    pub visitor_days: u64,
}

/// The departure wave of one holiday's balik kampung trips from the Klang Valley.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolidayWave {
    /// The holiday (trips.holiday).
    pub holiday: String,
    /// Trips for it overlapping the period.
    pub trips: u64,
    /// The day with most departures, `YYYY-MM-DD`, and their number (empty and 0 when every
    /// departure is before the period).
    pub peak_day: String,
    /// Departures on the peak day.
    pub peak_departures: u64,
}

/// Balik kampung from the Klang Valley over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Travel {
    /// Trips from the Klang Valley overlapping the period.
    pub trips: u64,
    /// Trips of the dataset of any kind and origin (for context).
    pub all_trips: u64,
    /// One entry per day of the period.
    pub days: Vec<TravelDay>,
    /// Destinations by visitor-days, most first (ties by district code).
    pub destinations: Vec<Destination>,
    /// One wave per holiday, in name order.
    pub holidays: Vec<HolidayWave>,
}

impl Travel {
    /// The report section: the day series, then the top destinations.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Balik kampung from the Klang Valley (Selangor, W.P. Kuala Lumpur, W.P. Putrajaya): \
             {} trips ({} trips of any kind and origin in the dataset)\n\n",
            self.trips, self.all_trips
        );
        out.push_str("date        departures  returns  away\n");
        for d in &self.days {
            let _ = writeln!(
                out,
                "{}  {:>10}  {:>7}  {:>4}",
                d.date, d.departures, d.returns, d.away
            );
        }
        for w in &self.holidays {
            let _ = writeln!(
                out,
                "{}: {} trips, departures peak on {} ({})",
                w.holiday, w.trips, w.peak_day, w.peak_departures
            );
        }
        let shown = self.destinations.len().min(PRINTED_DESTINATIONS);
        let _ = writeln!(
            out,
            "\nVisitor-days (nights at the destination) by district, top {shown} of {}:",
            self.destinations.len()
        );
        let names: Vec<String> = self.destinations[..shown]
            .iter()
            .map(|d| format!("{} ({})", d.district, d.district_code))
            .collect();
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let state_width = self.destinations[..shown]
            .iter()
            .map(|d| d.state.chars().count())
            .max()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "{:width$}  {:state_width$}  trips  visitor-days",
            "district", "state"
        );
        for (d, name) in self.destinations[..shown].iter().zip(&names) {
            let _ = writeln!(
                out,
                "{name:width$}  {:state_width$}  {:>5}  {:>12}",
                d.state, d.trips, d.visitor_days
            );
        }
        out
    }
}

/// The travel series of the dataset, or `None` when it has no `trips` table or no trip.
pub(crate) fn travel(
    data: &DatasetReader,
    period: &Period,
) -> Result<Option<Travel>, InspectError> {
    if !data.has("trips") {
        return Ok(None);
    }
    let days = period.days as usize;
    let (mut departures, mut returns, mut away) = (vec![0; days], vec![0; days], vec![0; days]);
    let mut destinations: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (mut trips, mut all_trips) = (0, 0);
    let mut waves: BTreeMap<String, (u64, Vec<u64>)> = BTreeMap::new();
    let columns = [
        "kind",
        "holiday",
        "depart_time",
        "return_time",
        "origin_district_code",
        "destination_district_code",
    ];
    data.scan::<InspectError>("trips", &columns, |rows| {
        let kind = rows.strings("kind")?;
        let holiday = rows.nullable_strings("holiday")?;
        let (depart, back) = (rows.seconds("depart_time")?, rows.seconds("return_time")?);
        let origin = rows.strings("origin_district_code")?;
        let destination = rows.strings("destination_district_code")?;
        for i in 0..rows.len() {
            all_trips += 1;
            let state = origin.value(i).split('_').next().unwrap_or("");
            if kind.value(i) != KIND || !KLANG_VALLEY_STATES.contains(&state) {
                continue;
            }
            if back[i] < depart[i] {
                return Err(rows
                    .bad_value("return_time", "before depart_time".into())
                    .into());
            }
            let (first, last) = (period.local_day(depart[i]), period.local_day(back[i]));
            if last < 0 || first >= days as i64 {
                continue;
            }
            trips += 1;
            let wave = waves
                .entry(holiday.value(i).to_owned())
                .or_insert_with(|| (0, vec![0; days]));
            wave.0 += 1;
            if let Ok(d) = usize::try_from(first)
                && d < days
            {
                departures[d] += 1;
                wave.1[d] += 1;
            }
            if let Ok(d) = usize::try_from(last)
                && d < days
            {
                returns[d] += 1;
            }
            let nights = first.max(0) as usize..last.min(days as i64).max(0) as usize;
            let count = nights.len() as u64;
            for d in nights {
                away[d] += 1;
            }
            let entry = destinations
                .entry(destination.value(i).to_owned())
                .or_default();
            entry.0 += 1;
            entry.1 += count;
        }
        Ok(())
    })?;
    if all_trips == 0 {
        return Ok(None);
    }
    let days = (0..days)
        .map(|d| TravelDay {
            date: period.date(d as u32),
            departures: departures[d],
            returns: returns[d],
            away: away[d],
        })
        .collect();
    let mut destinations: Vec<Destination> = destinations
        .into_iter()
        .map(|(code, (trips, visitor_days))| {
            let known = districts().iter().find(|d| d.code == code);
            Destination {
                district: known.map_or(String::new(), |d| d.name.to_owned()),
                state: known.map_or(String::new(), |d| d.state.to_owned()),
                district_code: code,
                trips,
                visitor_days,
            }
        })
        .collect();
    destinations.sort_by_key(|d| std::cmp::Reverse(d.visitor_days));
    let holidays = waves
        .into_iter()
        .map(|(holiday, (trips, per_day))| {
            // The first day with the most departures.
            let peak = (0..per_day.len()).fold(None, |best: Option<usize>, d| match best {
                Some(b) if per_day[b] >= per_day[d] => Some(b),
                _ if per_day[d] > 0 => Some(d),
                other => other,
            });
            HolidayWave {
                holiday,
                trips,
                peak_day: peak.map_or(String::new(), |d| period.date(d as u32)),
                peak_departures: peak.map_or(0, |d| per_day[d]),
            }
        })
        .collect();
    Ok(Some(Travel {
        trips,
        all_trips,
        days,
        destinations,
        holidays,
    }))
}
