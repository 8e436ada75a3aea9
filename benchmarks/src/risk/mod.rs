//! Re-identification risk of a release: attacks with Wilson intervals, baselines on a control
//! population and Anonymeter's normalised risk.
//!
//! [`assess`] loads the truth of the generated dataset, the operator view the pipeline was given
//! and the pipeline's release, samples targets (persons with a SIM of the view's operator) and
//! controls (persons without one, whose numbers never appear in the view), and runs each attack
//! that applies to the release. Parameters and baselines are documented in `benchmarks/RISK.md`.

mod aggregates;
mod attribute;
mod direct;
#[cfg(test)]
mod fixture;
mod knowledge;
mod leak;
mod linkage;
mod membership;
mod population;
mod quasi;
mod recovered_linkage;
mod reversal;
mod sample;
mod stats;
mod unicity;

use std::path::Path;

use serde::Serialize;
use telcosynth_sinks::read::DatasetReader;

use crate::indicators::IndicatorSet;
use crate::stages::Stages;

pub use aggregates::AggregatesReport;
pub use direct::DirectReport;
pub use leak::LeakReport;
pub use linkage::HomeWorkReport;
pub use membership::{Estimate, MembershipReport};
pub use population::{NeighbourGroup, Population};
pub use quasi::{ModelRisk, QuasiReport};
pub use reversal::{ReversalReport, ReversalSpace};
pub use stats::{AttackResult, Rate, normalised_risk, wilson};

/// The spatial resolution of released locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpatialLevel {
    /// Cells (`cells.cell_key`).
    Cell,
    /// Districts (`cells.district_code`).
    District,
    /// States (`cells.state`).
    State,
}

/// What the pipeline's manifest declares about its release.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView {
    /// `OUT/microdata/<table>/` holds event microdata.
    pub microdata: bool,
    /// `OUT/aggregates.parquet` holds aggregates.
    pub aggregates: bool,
    /// Columns whose identifiers were replaced by pseudonyms (e.g. `served_msisdn`).
    pub pseudonym_columns: Vec<String>,
    /// Spatial level of released locations.
    pub spatial_level: SpatialLevel,
    /// Width of released time bins in seconds (1 or less: exact times). Bins are aligned to local
    /// midnight (UTC+8).
    pub time_bin_s: i64,
}

/// Attack parameters. [`RiskParams::default`] gives the fixed defaults that make scores
/// comparable between pipelines.
#[derive(Debug, Clone, Serialize)]
pub struct RiskParams {
    /// Target persons sampled (default 1 000).
    pub targets: usize,
    /// Control persons sampled (default 1 000).
    pub controls: usize,
    /// Known points for unicity and linkage (default 1 to 5).
    pub points: Vec<u32>,
    /// Known points the linkage preceding attribute inference uses (default 3).
    pub attribute_points: u32,
    /// Uniform noise on a known point's time, ± seconds (default 900).
    pub time_noise_s: i64,
    /// Uniform noise on a known point's position: a random offset within this radius (default
    /// 300 m).
    pub position_noise_m: f64,
    /// A released event matches a known point within this time (default 3 600 s) ...
    pub match_window_s: i64,
    /// ... and, at cell level, at a cell whose site lies within this distance (default 2 000 m).
    pub match_radius_m: f64,
    /// Count thresholds for small published cells (default 5 and 15).
    pub k: Vec<u32>,
    /// Identifier space of the pseudonym reversal dictionary.
    pub reversal_space: ReversalSpace,
    /// Seed of every sample and random draw (default 1).
    pub seed: u64,
}

impl Default for RiskParams {
    fn default() -> Self {
        RiskParams {
            targets: 1_000,
            controls: 1_000,
            points: vec![1, 2, 3, 4, 5],
            attribute_points: 3,
            time_noise_s: 900,
            position_noise_m: 300.0,
            match_window_s: 3_600,
            match_radius_m: 2_000.0,
            k: vec![5, 15],
            reversal_space: ReversalSpace::InputIdentifiers,
            seed: 1,
        }
    }
}

/// Everything an assessment reads.
#[derive(Debug, Clone)]
pub struct RiskInputs<'a> {
    /// The generated dataset, truth tables included.
    pub dataset: &'a DatasetReader,
    /// The operator view the pipeline was given.
    pub input: &'a Path,
    /// The pipeline's output folder.
    pub release: &'a Path,
    /// What the release declares.
    pub view: ReleaseView,
    /// Attack parameters.
    pub params: RiskParams,
    /// The pipeline's run on the neighbouring input, for membership inference; without it
    /// (`Err`: why not) membership inference is skipped.
    pub neighbour: Result<Neighbour<'a>, String>,
}

/// The pipeline run again on its input without a [`NeighbourGroup`]: what membership
/// inference plays its game on.
#[derive(Debug, Clone)]
pub struct Neighbour<'a> {
    /// That run's output folder.
    pub release: &'a Path,
    /// The raw presence counts of that input (`present_population` of the view without the
    /// group).
    pub raw: &'a IndicatorSet,
    /// The sampled targets left out.
    pub removed: &'a [i64],
}

/// Every attack's outcome; attacks that do not apply to the release are absent, with the
/// reason in `skipped`.
#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    /// Operator of the view (the target population's operator).
    pub operator: String,
    /// The release as declared.
    pub view: ReleaseView,
    /// Parameters used.
    pub params: RiskParams,
    /// Target and control persons sampled.
    pub targets: usize,
    /// Control persons sampled.
    pub controls: usize,
    /// Direct identifiers left in the release.
    pub direct: DirectReport,
    /// Pseudonyms reversed by a dictionary of hashes.
    pub reversal: Option<ReversalReport>,
    /// Unicity for each number of points.
    pub unicity: Vec<AttackResult>,
    /// Linkage with noisy known points, for each number of points.
    pub linkage: Vec<AttackResult>,
    /// Linkage knowing home and work district only.
    pub home_work: Option<HomeWorkReport>,
    /// Attribute inference after linkage: home district, nationality, sensitive place.
    pub attributes: Vec<AttackResult>,
    /// Released pseudonyms linked to a leaked copy of the operator's register.
    pub leaked_register: Option<LeakReport>,
    /// Quasi-identifier risk of a released subscriber table (reported, not in the
    /// leaderboard's risk: `leaked_register` measures the linkage it allows).
    pub quasi_identifiers: Option<QuasiReport>,
    /// Attacks on published aggregates.
    pub aggregates: Option<AggregatesReport>,
    /// Membership inference on published aggregates.
    pub membership: Option<MembershipReport>,
    /// Attacks not run, with the reason.
    pub skipped: Vec<String>,
}

/// A failure to read the inputs of an assessment.
#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    /// A table could not be read (the file and column named).
    #[error(transparent)]
    Data(#[from] telcosynth_sinks::read::ReadError),
    /// The inputs do not hold what an assessment needs.
    #[error("{0}")]
    Missing(String),
}

/// Runs every attack that applies to the release.
pub fn assess(inputs: &RiskInputs) -> Result<RiskReport, RiskError> {
    let population = Population::load(inputs.dataset, inputs.input, &inputs.params)?;
    assess_in_stages(
        inputs,
        &population,
        "release",
        &mut Stages::new(&crate::stages::Silent),
    )
}

/// [`assess`] against a [`Population`] loaded once for every release of the same view (with
/// the same dataset, view and parameters as `inputs`), each attack timed as a stage of `stages`
/// named after `release` and the attack.
pub fn assess_in_stages(
    inputs: &RiskInputs,
    population: &Population,
    release: &str,
    stages: &mut Stages,
) -> Result<RiskReport, RiskError> {
    let params = &inputs.params;
    let stage = |attack: &str| format!("{release}: risk, {attack}");
    let knowledge = stages.run(stage("load the release"), || {
        knowledge::Knowledge::load(inputs, population)
    })?;
    let mut skipped = Vec::new();
    let direct = stages.run(stage("direct identifiers"), || {
        direct::assess(inputs, &knowledge)
    })?;
    let reversal = if knowledge.release.pseudonyms.is_empty() {
        skipped.push("reversal: the release has no pseudonym values".to_owned());
        None
    } else {
        Some(stages.run(stage("pseudonym reversal"), || {
            reversal::assess(&knowledge, params.reversal_space)
        })?)
    };
    let (mut unicity, mut linkage, mut home_work, mut attributes) =
        (Vec::new(), Vec::new(), None, Vec::new());
    if knowledge.release.events.is_empty() {
        skipped.push(
            "unicity, linkage, home-work, attributes: the release has no event microdata with a pseudonym, time and place".to_owned(),
        );
    } else {
        unicity = stages.run(stage("unicity"), || unicity::assess(&knowledge, params));
        if knowledge.release.owners_known() {
            linkage = stages.run(stage("linkage"), || linkage::assess(&knowledge, params));
            home_work = Some(stages.run(stage("home-work linkage"), || {
                linkage::home_work(&knowledge, params)
            }));
            attributes = stages.run(stage("attribute inference"), || {
                attribute::assess(&knowledge, params)
            });
        } else {
            skipped.push(
                "linkage, home-work, attributes: no sampled target's released pseudonym can be traced to them (by record_id or by its points)".to_owned(),
            );
        }
    }
    let leaked_register = if inputs.view.microdata {
        match stages.run(stage("leaked register"), || {
            leak::assess(inputs, &knowledge)
        })? {
            Ok(report) => Some(report),
            Err(reason) => {
                skipped.push(format!("leaked register: {reason}"));
                None
            }
        }
    } else {
        skipped.push("leaked register: the release has no microdata".to_owned());
        None
    };
    let quasi_identifiers = if inputs.view.microdata {
        match stages.run(stage("quasi-identifiers"), || quasi::assess(inputs))? {
            Ok(report) => Some(report),
            Err(reason) => {
                skipped.push(format!("quasi-identifiers: {reason}"));
                None
            }
        }
    } else {
        skipped.push("quasi-identifiers: the release has no microdata".to_owned());
        None
    };
    let aggregates = if inputs.view.aggregates {
        stages.run(stage("aggregates attacks"), || {
            aggregates::assess(inputs, &mut skipped)
        })?
    } else {
        None
    };
    let membership = if aggregates.is_some() {
        let assessed = match &inputs.neighbour {
            Ok(neighbour) => match aggregates::load(neighbour.release) {
                Ok(cells) => stages.run(stage("membership inference"), || {
                    membership::assess(neighbour, &knowledge, &cells)
                }),
                Err(e) => Err(format!("the release of the neighbouring input: {e}")),
            },
            Err(reason) => Err(reason.clone()),
        };
        match assessed {
            Ok(report) => Some(report),
            Err(reason) => {
                skipped.push(format!("membership inference: {reason}"));
                None
            }
        }
    } else {
        skipped.push("membership inference: the release has no aggregates table".to_owned());
        None
    };
    Ok(RiskReport {
        operator: knowledge.operator.to_owned(),
        view: inputs.view.clone(),
        params: params.clone(),
        targets: knowledge.targets.len(),
        controls: knowledge.controls.len(),
        direct,
        reversal,
        unicity,
        linkage,
        home_work,
        attributes,
        leaked_register,
        quasi_identifiers,
        aggregates,
        membership,
        skipped,
    })
}
