//! The report: every figure beside its target and source, as text and as JSON.

use std::fmt::Write;

use serde::Serialize;

use crate::events::Events;
use crate::faults::Faults;
use crate::measure::Measure;
use crate::outbound::Outbound;
use crate::period::Period;
use crate::targets::{Target, number};
use crate::tourism::Tourism;
use crate::travel::Travel;

/// Whether a figure meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The value lies in the target band.
    Within,
    /// The value lies outside the target band.
    Outside,
    /// The dataset lacks what the figure needs.
    NotAvailable,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Within => "within",
            Status::Outside => "OUTSIDE",
            Status::NotAvailable => "n/a",
        }
    }
}

/// One realism figure with its target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Figure id.
    pub id: String,
    /// The value, absent when not available.
    pub value: Option<f64>,
    /// Unit of the value.
    pub unit: String,
    /// Within, outside or not available.
    pub status: Status,
    /// What the value was computed over, or why it is not available.
    pub basis: String,
    /// The target, with its source.
    pub target: Target,
}

/// The realism figures of one dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Scenario name from the manifest.
    pub scenario: String,
    /// Master seed from the manifest.
    pub seed: u64,
    /// The period the figures cover.
    pub period: Period,
    /// The figures, in the order of the targets file.
    pub figures: Vec<Figure>,
    /// Records or rows left out, and why.
    pub warnings: Vec<String>,
    /// Holiday travel series, when the dataset has trips.
    pub travel: Option<Travel>,
    /// Trips abroad by destination country, when the dataset has any.
    pub outbound: Option<Outbound>,
    /// Inbound tourism, when the dataset has inbound visitors.
    pub tourism: Option<Tourism>,
    /// Scenario events, when the scenario has any.
    pub events: Option<Events>,
    /// How much of its region's census population the scenario generates, when the manifest's
    /// scenario parses with this build.
    pub density: Option<Density>,
    /// Data-quality faults against their rates, when the scenario has `[faults]`.
    pub faults: Option<Faults>,
}

/// How much of its region's census population a scenario generates (on the region's whole
/// network), see `telcosynth_generator::density`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Density {
    /// Persons generated.
    pub persons: u64,
    /// Census 2020 population of the region.
    pub census: u64,
    /// `persons / census`.
    pub share: f64,
    /// Whether the scenario samples the population (privacy figures read too high).
    pub sampled: bool,
    /// The warning printed for a sampled scenario.
    pub warning: Option<String>,
}

impl Density {
    /// The density figures of a sampling.
    pub fn of(sampling: &telcosynth_generator::density::Sampling) -> Density {
        Density {
            persons: sampling.persons,
            census: sampling.census,
            share: sampling.share(),
            sampled: sampling.is_sampled(),
            warning: sampling.warning(),
        }
    }
}

impl Report {
    /// Pairs each target with its measure, in target order.
    pub(crate) fn new(
        scenario: String,
        seed: u64,
        period: Period,
        targets: &[Target],
        measures: Vec<Measure>,
        warnings: Vec<String>,
    ) -> Report {
        let figures = targets
            .iter()
            .map(|target| {
                let m = measures
                    .iter()
                    .find(|m| m.id == target.id)
                    .unwrap_or_else(|| panic!("no figure computes target {}", target.id));
                let (value, status, basis) = match &m.value {
                    Ok(v) if target.contains(*v) => (Some(*v), Status::Within, m.basis.clone()),
                    Ok(v) => (Some(*v), Status::Outside, m.basis.clone()),
                    Err(why) => (None, Status::NotAvailable, why.clone()),
                };
                Figure {
                    id: target.id.clone(),
                    value,
                    unit: target.unit.clone(),
                    status,
                    basis,
                    target: target.clone(),
                }
            })
            .collect();
        Report {
            scenario,
            seed,
            period,
            figures,
            warnings,
            travel: None,
            outbound: None,
            faults: None,
            tourism: None,
            events: None,
            density: None,
        }
    }

    /// The report with the holiday travel series.
    pub(crate) fn with_travel(mut self, travel: Option<Travel>) -> Report {
        self.travel = travel;
        self
    }

    /// The report with the trips abroad.
    pub(crate) fn with_outbound(mut self, outbound: Option<Outbound>) -> Report {
        self.outbound = outbound;
        self
    }

    /// The report with the scenario events section.
    pub(crate) fn with_events(mut self, events: Option<Events>) -> Report {
        self.events = events;
        self
    }

    /// The report with the data-quality faults section.
    pub(crate) fn with_faults(mut self, faults: Option<Faults>) -> Report {
        self.faults = faults;
        self
    }

    /// The report with the scenario's population density.
    pub(crate) fn with_density(mut self, density: Option<Density>) -> Report {
        self.density = density;
        self
    }

    /// The report with the inbound tourism section.
    pub(crate) fn with_tourism(mut self, tourism: Option<Tourism>) -> Report {
        self.tourism = tourism;
        self
    }

    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a report serialises");
        text.push('\n');
        text
    }

    /// An aligned table (figure, value, target, status, source), then what each value was
    /// computed over, the notes, the sources in full and any warnings.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Realism of scenario {} (seed {}), {} to {} ({} days)\n\n",
            self.scenario, self.seed, self.period.start, self.period.end, self.period.days
        );
        if let Some(warning) = self.density.as_ref().and_then(|d| d.warning.as_ref()) {
            let _ = writeln!(out, "{warning}\n");
        }
        let rows: Vec<[String; 5]> = self
            .figures
            .iter()
            .map(|f| {
                let value = match f.value {
                    Some(v) => format!("{} {}", number(v), f.unit),
                    None => "not available".to_owned(),
                };
                [
                    f.id.clone(),
                    value,
                    f.target.band_text(),
                    f.status.label().to_owned(),
                    f.target.cite.clone(),
                ]
            })
            .collect();
        let header = ["figure", "value", "target", "status", "source"].map(String::from);
        let mut widths = [0; 4];
        for row in std::iter::once(&header).chain(&rows) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            for (w, cell) in widths.iter().zip(row) {
                let pad = w - cell.chars().count();
                let _ = write!(out, "{cell}{:pad$}  ", "");
            }
            out.push_str(&row[4]);
            out.push('\n');
        }

        out.push_str("\nComputed over:\n");
        for f in &self.figures {
            let _ = writeln!(out, "  {}: {}", f.id, f.basis);
        }
        let notes: Vec<&str> = self
            .figures
            .iter()
            .filter_map(|f| f.target.note.as_deref())
            .collect();
        if !notes.is_empty() {
            out.push_str("\nNotes:\n");
            for note in notes {
                let _ = writeln!(out, "  {note}");
            }
        }
        out.push_str("\nSources:\n");
        for f in &self.figures {
            let _ = writeln!(
                out,
                "  {}: {} [band: {}]",
                f.id, f.target.source, f.target.band
            );
        }
        if let Some(travel) = &self.travel {
            out.push_str("\nHoliday travel:\n");
            out.push_str(&travel.to_text());
        }
        if let Some(outbound) = &self.outbound {
            out.push_str("\nTrips abroad:\n");
            out.push_str(&outbound.to_text());
        }
        if let Some(tourism) = &self.tourism {
            out.push_str("\nInbound tourism:\n");
            out.push_str(&tourism.to_text());
        }
        if let Some(events) = &self.events {
            out.push_str("\nScenario events:\n");
            out.push_str(&events.to_text());
        }
        if let Some(faults) = &self.faults {
            out.push_str("\nData-quality faults:\n");
            out.push_str(&faults.to_text());
        }
        if !self.warnings.is_empty() {
            out.push_str("\nWarnings:\n");
            for w in &self.warnings {
                let _ = writeln!(out, "  {w}");
            }
        }
        out
    }
}
