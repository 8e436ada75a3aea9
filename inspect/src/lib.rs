//! Realism figures of a telcosynth dataset, each beside its target and source.
//!
//! [`inspect`] reads a Parquet dataset folder through its `manifest.json` (only the files the
//! manifest lists, one file and one record batch at a time, decoding only the columns it needs,
//! so memory grows with the number of SIMs and persons, not rows) and computes:
//!
//! | figure | from |
//! |---|---|
//! | voice records, SMS sent and all cdr records per SIM per day | `cdr`, `subscribers` |
//! | share of SIMs active per day (any cdr or ip_sessions record) | `cdr`, `ip_sessions`, `subscribers` |
//! | active days per SIM: shares of SIMs active every day and at most one day in seven | `cdr`, `ip_sessions`, `subscribers` |
//! | radius of gyration p10, p50, p90 and share above 100 km | cell sites of `cdr` and `ip_sessions` records |
//! | trips per person per day, commute distance p50 and p90 | `trajectories`, `persons` |
//! | answered share and dropped rate of originating calls | `cdr` |
//! | data volume per SIM per day | `ip_sessions`, `subscribers` |
//! | home-detection accuracy (most frequent night cell → district) | `cdr`, `ip_sessions`, `cells`, `person_sims`, `persons` |
//! | share of the register's SIMs registered to someone other than their user | `subscribers`, `person_sims` |
//!
//! When the dataset has trips, the report adds holiday travel ([`Travel`]): balik kampung
//! departures, returns and travellers away per day out of the Klang Valley, and visitor-days per
//! destination district (`trips`). These series have no targets. Trips abroad ([`Outbound`])
//! are counted by destination country beside the generator's configured shares. With
//! `[faults]`, each data-quality fault kind's count in the truth table `faults` is reported
//! against its configured rate ([`Faults`]).
//!
//! Per-SIM figures cover the SIMs of `subscribers` (matched on IMSI) over the local days of the
//! scenario period in the manifest; a figure whose tables are missing is reported as not
//! available. Targets, their sources and the reasoning behind each band live in one file,
//! `inspect/targets.toml`, embedded in the binary ([`targets`]).
//!
//! `telcosynth inspect DATASET` prints [`Report::to_text`] and writes [`Report::to_json`] to
//! `DATASET/realism.json` ([`REPORT_FILE`]) unless `--json FILE` says otherwise. That file is
//! not listed in the manifest and does not change the checksums of the data files.

mod error;
mod events;
mod faults;
mod measure;
mod outbound;
mod period;
mod report;
mod targets;
mod tourism;
mod travel;

use std::path::Path;

use telcosynth_sinks::read::DatasetReader;

pub use error::InspectError;
pub use events::{Events, GatheringDay, GatheringFigures, OutageFigures};
pub use faults::{FaultCount, Faults};
pub use measure::MIN_RECORDS;
pub use outbound::{Country, Outbound};
pub use period::Period;
pub use report::{Density, Figure, Report, Status};
pub use targets::{TARGETS_TOML, Target, parse_targets, targets};
pub use tourism::{
    DayArrivals, EntryShare, MIN_MEAN_ARRIVALS_PER_DAY, ORIGIN_TOLERANCE_PP, OriginShare, Tourism,
    VisitorDistrict,
};
pub use travel::{Destination, HolidayWave, Travel, TravelDay};

/// Default name of the JSON report inside the dataset folder (not listed in the manifest).
pub const REPORT_FILE: &str = "realism.json";

/// Computes the realism figures of the Parquet dataset in folder `dataset`.
pub fn inspect(dataset: &Path) -> Result<Report, InspectError> {
    let manifest = telcosynth_sinks::read_manifest(dataset).map_err(InspectError::Manifest)?;
    let period = Period::from_manifest(dataset, &manifest)?;
    let data = DatasetReader::from_manifest(dataset, &manifest);
    let (mut measures, warnings) = measure::measure(&data, &period)?;
    let travel = travel::travel(&data, &period)?;
    let outbound = outbound::outbound(&data, &period)?;
    let tourism = tourism::tourism(&data, &period)?;
    measures.extend(tourism::figures(tourism.as_ref()));
    let manifest_path = dataset.join(telcosynth_sinks::MANIFEST_FILE);
    let events = events::events(&data, &manifest, &manifest_path, &period)?;
    let faults = faults::faults(&data, &manifest, &period)?;
    Ok(Report::new(
        manifest.scenario.name.clone(),
        manifest.seed,
        period,
        targets(),
        measures,
        warnings,
    )
    .with_travel(travel)
    .with_outbound(outbound)
    .with_tourism(tourism)
    .with_events(events)
    .with_density(density(&manifest))
    .with_faults(faults))
}

/// The scenario's population density, when its text parses with this build.
fn density(manifest: &telcosynth_sinks::Manifest) -> Option<report::Density> {
    let scenario = telcosynth_generator::scenario::parse(
        telcosynth_sinks::MANIFEST_FILE,
        &manifest.scenario.text,
        &telcosynth_generator::tables::names(),
    )
    .ok()?;
    Some(report::Density::of(
        &telcosynth_generator::density::Sampling::of(&scenario),
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use telcosynth_sinks::{Manifest, ScenarioInfo, ShardInfo, ToolInfo};

    use super::*;

    /// With no tables every figure is computed (as not available), once, for exactly the targets.
    #[test]
    fn every_target_has_exactly_one_figure() {
        let manifest = Manifest {
            format_version: telcosynth_sinks::MANIFEST_FORMAT_VERSION,
            tool: ToolInfo {
                name: "test".into(),
                version: "0".into(),
            },
            scenario: ScenarioInfo {
                name: "empty".into(),
                sha256: String::new(),
                text: "[period]\nstart = 2025-01-06\nend = 2025-01-07\n".into(),
            },
            seed: 1,
            shard: ShardInfo { index: 0, count: 1 },
            tables: BTreeMap::new(),
            extra: serde_json::Value::Null,
        };
        let dir = Path::new("unused");
        let period = Period::from_manifest(dir, &manifest).unwrap();
        assert_eq!(period.days, 2);
        let data = DatasetReader::from_manifest(dir, &manifest);
        let (mut measures, warnings) = measure::measure(&data, &period).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(tourism::tourism(&data, &period).unwrap(), None);
        measures.extend(tourism::figures(None));
        let mut ids: Vec<&str> = measures.iter().map(|m| m.id).collect();
        let mut expected: Vec<&str> = targets().iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        expected.sort_unstable();
        assert_eq!(ids, expected);
        for m in &measures {
            let why = m.value.as_ref().unwrap_err();
            assert!(why.contains("not in the dataset"), "{}: {why}", m.id);
        }
    }
}
