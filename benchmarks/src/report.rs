//! The report of a benchmark run as data: every figure of `report.json`. The pipelines are
//! ranked into it by `leaderboard.rs` and it is written out (`report.json`, `report.md`,
//! `report.html`) by `render/`; this module imports neither.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::contract::ReleaseManifest;
use crate::density::Density;
use crate::prepare::{Period, Target};
use crate::risk::RiskReport;
use crate::runner::{Limits, PipelineFailure, Sandbox};
use crate::stages::StageRecord;
use crate::utility::Score;

/// A whole benchmark run.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Harness name and version.
    pub tool: String,
    /// The dataset benchmarked on.
    pub dataset: DatasetInfo,
    /// The operator whose view pipelines received.
    pub target: Target,
    /// The scenario period.
    pub period: Period,
    /// How pipelines were isolated.
    pub sandbox: Sandbox,
    /// Whether the dataset folder was watched for reads while pipelines ran.
    pub truth_watch: String,
    /// Limits of every run.
    pub limits: Limits,
    /// Seed passed to pipelines.
    pub seed: u64,
    /// Districts reported separately as rural (most of their cells rural).
    pub rural_districts: Vec<String>,
    /// How densely the view's subscribers fill its network (privacy figures depend on it).
    pub density: Density,
    /// How far the raw operator view itself is from the truth (coverage and detection, before
    /// any anonymisation).
    pub raw_view: RawView,
    /// Seconds spent preparing the input and the reference indicators.
    pub prepare_s: f64,
    /// Every pipeline, in the order run.
    pub pipelines: Vec<PipelineReport>,
    /// Pipelines ranked by utility and risk (`leaderboard::leaderboard`).
    pub leaderboard: Vec<Entry>,
    /// Time and memory of each stage of the run, in order.
    pub stages: Vec<StageRecord>,
}

/// The dataset a run used.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetInfo {
    /// Folder.
    pub path: String,
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the normalised scenario.
    pub scenario_sha256: String,
    /// The dataset's master seed.
    pub seed: u64,
}

/// Scores of the raw operator view against the truth.
#[derive(Debug, Clone, Serialize)]
pub struct RawView {
    /// Per indicator and subset.
    pub vs_truth: Vec<Score>,
    /// Indicators not compared, with the reason.
    pub notes: BTreeMap<String, String>,
    /// Whether the view holds data-quality faults (`[faults]`): the view compared here is the
    /// faulty one, and releases are scored against the clean view's indicators.
    pub faults: bool,
}

/// One pipeline's result.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineReport {
    /// Name given on the command line.
    pub name: String,
    /// Command run.
    pub command: String,
    /// Seconds from start to scored (or failed).
    pub wall_s: f64,
    /// Bytes the pipeline left in OUT (its release).
    pub output_bytes: u64,
    /// Scores or the failure.
    pub outcome: Outcome,
}

/// A pipeline's outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    /// The release met the contract and was scored.
    Scored(Box<Scored>),
    /// The pipeline failed or broke the contract.
    Failed(PipelineFailure),
}

/// Scores of a release that met the contract.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    /// The release's manifest (its privacy claim recorded, not trusted).
    pub manifest: ReleaseManifest,
    /// Utility of the aggregates table, if released.
    pub aggregates: Option<Utility>,
    /// Utility of indicators recomputed from the microdata, if released.
    pub microdata: Option<Utility>,
    /// Jensen–Shannon distance between raw and released distributions (microdata).
    pub distributions: Option<BTreeMap<String, Option<f64>>>,
    /// Re-identification risk.
    pub risk: RiskSection,
}

/// Utility against the raw view and against the truth.
#[derive(Debug, Clone, Serialize)]
pub struct Utility {
    /// Against the indicators of the raw operator view (what anonymisation lost).
    pub vs_raw: Vec<Score>,
    /// Against the true indicators (coverage, detection and anonymisation together).
    pub vs_truth: Vec<Score>,
    /// Indicators not compared, with the reason.
    pub notes: BTreeMap<String, String>,
}

/// The risk assessment of a release, or why it was not run.
#[derive(Debug, Clone, Serialize)]
pub struct RiskSection {
    /// The assessment; `null` when not run.
    pub report: Option<Box<RiskReport>>,
    /// Why not, when `report` is null.
    pub note: Option<String>,
}

impl RiskSection {
    /// A section for an assessment that did not run.
    pub fn not_run(note: &str) -> RiskSection {
        RiskSection {
            report: None,
            note: Some(note.to_owned()),
        }
    }
}

/// One pipeline's line of the leaderboard (ranked by `leaderboard::leaderboard`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// 1 for the best score; `None` for a failed pipeline.
    pub rank: Option<usize>,
    /// Pipeline name.
    pub pipeline: String,
    /// Whether the release was scored.
    pub scored: bool,
    /// Which part of the release the utility comes from: `aggregates` or `microdata`.
    pub part: Option<String>,
    /// 1 − the mean over the raw view's indicators of their loss against the raw view
    /// (`leaderboard::indicator_loss`: median, 90th percentile, missing and spurious cells,
    /// small areas); an indicator the release lacks or publishes without rows counts as 1.
    /// 1 = every indicator exact, 0 = every indicator lost.
    pub utility: Option<f64>,
    /// The highest normalised risk (Anonymeter), clamped to [0, 1], over every attack that
    /// ran: direct identifiers, pseudonym reversal, unicity, linkage, home-work, attributes,
    /// the leaked register, the trajectory recovery and the linkage of recovered trajectories,
    /// and membership inference (its advantage); 0 when none applies or none beats its
    /// baseline. `None` without an assessment.
    pub risk: Option<f64>,
    /// The attack (and p) giving `risk`; `None` when the risk is 0: no attack is named
    /// unless it did better than its baseline.
    pub risk_attack: Option<String>,
    /// Normalised risk of the trajectory recovery (`leaderboard::RECONSTRUCTION`), clamped to
    /// [0, 1], when it ran.
    pub reconstruction: Option<f64>,
    /// utility × (1 − risk): the ranking key.
    pub score: Option<f64>,
    /// Per indicator: its loss against the raw view (`leaderboard::indicator_loss`), of the
    /// part above.
    pub indicator_errors: BTreeMap<String, f64>,
    /// Unicity attack rate by number of known points.
    pub unicity: BTreeMap<u32, f64>,
    /// Share of released pseudonyms reversed by the hash dictionary, when the attack ran.
    pub reversal: Option<f64>,
}
