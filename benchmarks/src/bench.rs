//! A benchmark run: prepare the operator's view once, compute the reference indicators from the
//! truth and the raw view, then run every pipeline, check its release and score it. A pipeline
//! that fails is recorded as such; the run always goes on to the next one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::contract::{self, ReleaseManifest};
use crate::density::{self, Density};
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::indicators::{self, IndicatorSet, Side};
use crate::leaderboard;
use crate::prepare::{self, Prepared};
use crate::release;
use crate::render;
use crate::report::{
    BenchReport, DatasetInfo, Outcome, PipelineReport, RawView, RiskSection, Scored, Utility,
};
use crate::risk;
use crate::runner::{self, Invocation, Limits, PipelineFailure, Sandbox};
use crate::stages::{Progress, Stages};
use crate::truth_watch::{self, TruthWatch};
use crate::utility::{self, Histograms};

/// A pipeline under test: a name (folder-safe) and the shell command that runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// Name in reports and folder names: letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// Shell command; the harness appends `--input IN --output OUT --seed N`.
    pub command: String,
}

impl Pipeline {
    /// Parses `NAME=COMMAND`.
    pub fn parse(text: &str) -> Result<Pipeline, String> {
        let (name, command) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?}: write NAME=COMMAND, e.g. mine=./anonymise.py"))?;
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !ok {
            return Err(format!(
                "{name:?}: a pipeline name uses letters, digits, '-', '_' and '.' only"
            ));
        }
        if command.trim().is_empty() {
            return Err(format!("{name}: the command is empty"));
        }
        Ok(Pipeline {
            name: name.to_owned(),
            command: command.to_owned(),
        })
    }
}

/// What to benchmark and how.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Generated dataset folder (with its manifest and truth tables).
    pub dataset: PathBuf,
    /// Run folder: `input/`, `releases/<name>/`, `work/<name>/`, `report.json`, `report.md`.
    pub out: PathBuf,
    /// Target operator (key or name); the largest by default.
    pub operator: Option<String>,
    /// Pipelines in order.
    pub pipelines: Vec<Pipeline>,
    /// Seed passed to every pipeline.
    pub seed: u64,
    /// Limits of every pipeline run (`disk_mib` 0: four times the view's size, at least 1024).
    pub limits: Limits,
    /// Whether to run the re-identification risk assessment on each release.
    pub risk: bool,
    /// Whether to run pipelines under bubblewrap where it is available.
    pub sandbox: bool,
    /// Whether to run each aggregates pipeline again on a neighbouring input, for membership
    /// inference (skipped without).
    pub membership_runs: bool,
}

/// What a run folder holds, all of it written (and replaced) by the harness: the operator's
/// view, the pipelines' releases and working folders, the neighbouring input of membership
/// inference and the releases made of it, a dataset generated for the run, the clean records
/// and view of a dataset with data-quality faults, the truth indicator tables and the reports.
pub const RUN_FOLDER_ENTRIES: [&str; 12] = [
    "input",
    crate::clean::CLEAN_INPUT,
    crate::clean::CLEAN_DATASET,
    "releases",
    "work",
    NEIGHBOUR_INPUT,
    NEIGHBOUR_RELEASES,
    "dataset",
    crate::truth_csv::FOLDER,
    "report.json",
    "report.md",
    "report.html",
];

/// The run folder's neighbouring input: the view without half the sampled targets.
const NEIGHBOUR_INPUT: &str = "neighbour-input";
/// The run folder's releases of the neighbouring input, one folder per pipeline.
const NEIGHBOUR_RELEASES: &str = "neighbour-releases";

/// Checks that `out` can be a run folder, before any work: creatable and writable, and, when
/// not empty, holding only [`RUN_FOLDER_ENTRIES`] (with a `dataset/` that is a telcosynth
/// dataset) and temporary files, since the harness replaces them. Anything else (a home
/// folder, a source tree) is refused and nothing in it is touched.
pub fn check_run_folder(out: &Path) -> Result<(), HarnessError> {
    use telcosynth_sinks::ownership;
    let fail = |e: telcosynth_sinks::SinkFailure| HarnessError::RunFolder(e.to_string());
    if !ownership::ensure_output_folder(out).map_err(fail)? {
        return Ok(());
    }
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(out).map_err(HarnessError::io("read", out))? {
        let entry = entry.map_err(HarnessError::io("read", out))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let ours = match name.as_str() {
            "dataset" | crate::clean::CLEAN_DATASET if is_dir => {
                let inside = ownership::foreign_dataset_entries(&entry.path()).map_err(fail)?;
                foreign.extend(inside.into_iter().map(|e| format!("dataset/{e}")));
                true
            }
            "report.json" | "report.md" | "report.html" => is_file,
            n if RUN_FOLDER_ENTRIES.contains(&n) => is_dir,
            n => is_file && ownership::is_temporary_name(n),
        };
        if !ours {
            foreign.push(format!("{name}{}", if is_dir { "/" } else { "" }));
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    Err(HarnessError::RunFolder(format!(
        "run folder {} is not a telcosynth-bench run folder and is not empty (it holds {}); the \
         harness only ever replaces its own output ({}), so nothing was touched: choose a new \
         or empty folder for --out",
        out.display(),
        ownership::list_entries(&foreign),
        RUN_FOLDER_ENTRIES.join(", ")
    )))
}

/// Runs the benchmark and writes `report.json`, `report.md`, `report.html` and the truth
/// indicator tables ([`crate::truth_csv`]) into the run folder (checked first with
/// [`check_run_folder`]); each stage is announced to `progress`.
pub fn bench(opts: &BenchOptions, progress: &dyn Progress) -> Result<BenchReport, HarnessError> {
    check_run_folder(&opts.out)?;
    let mut opts = opts.clone();
    let started = Instant::now();
    let mut stages = Stages::new(progress);
    let dataset = prepare::open_dataset(&opts.dataset)?;
    let target = prepare::choose_target(&dataset, opts.operator.as_deref())?;
    let prepared = stages.run("prepare the operator view", || {
        prepare::prepare(&dataset, target, &opts.out.join("input"))
    })?;
    // With data-quality faults, pipelines receive the faulty view and releases are scored
    // against the clean one; the raw view's own error is that of the faulty view.
    let clean = if crate::clean::has_faults(&prepared) {
        let clean = stages.run("the clean view (the scenario without its faults)", || {
            crate::clean::clean_view(&prepared, &opts.out)
        })?;
        Some(clean)
    } else {
        None
    };
    let reference = stages.run("reference indicators (truth, raw view) and density", || {
        Reference::compute(clean.as_ref().unwrap_or(&prepared))
    })?;
    let faulty_raw = match &clean {
        Some(_) => Some(stages.run("indicators of the faulty view", || {
            Reference::compute(&prepared).map(|r| r.raw)
        })?),
        None => None,
    };
    crate::truth_csv::write(&reference.truth, &opts.out)?;
    if opts.limits.disk_mib == 0 {
        opts.limits.disk_mib = ((4 * runner::tree_bytes(&prepared.dir)) >> 20).max(1024);
    }
    let opts = &opts;
    let prepare_s = started.elapsed().as_secs_f64();
    let sandbox = if opts.sandbox {
        Sandbox::detect()
    } else {
        Sandbox::None {
            reason: "--no-sandbox was given".into(),
        }
    };
    let mut pipelines = Vec::new();
    let mut watch_notes = BTreeSet::new();
    let mut opened_by_others = Vec::new();
    let (mut population, mut neighbour) = (None, None);
    for p in &opts.pipelines {
        let scoring = Scoring {
            prepared: &prepared,
            reference: &reference,
            population: &mut population,
            neighbour: &mut neighbour,
        };
        let (report, note, others) = run_one(opts, p, scoring, &sandbox, &mut stages);
        pipelines.push(report);
        watch_notes.extend(note);
        opened_by_others.extend(others);
    }
    let mut truth_watch = if watch_notes.is_empty() {
        "the dataset folder was watched (inotify) while each pipeline ran".to_owned()
    } else {
        format!(
            "the dataset folder could not be watched: {}",
            watch_notes.into_iter().collect::<Vec<_>>().join("; ")
        )
    };
    for note in opened_by_others {
        truth_watch.push_str("; ");
        truth_watch.push_str(&note);
    }
    let raw = faulty_raw.as_ref().unwrap_or(&reference.raw);
    let (vs_truth, notes) = utility::score_all(&reference.truth, raw, &reference.rural);
    let manifest = &prepared.manifest;
    let mut report = BenchReport {
        tool: format!("telcosynth-benchmarks {}", env!("CARGO_PKG_VERSION")),
        dataset: DatasetInfo {
            path: opts.dataset.display().to_string(),
            scenario: manifest.scenario.name.clone(),
            scenario_sha256: manifest.scenario.sha256.clone(),
            seed: manifest.seed,
        },
        target: prepared.target.clone(),
        period: prepared.period,
        sandbox,
        truth_watch,
        limits: opts.limits,
        seed: opts.seed,
        rural_districts: reference.rural.iter().cloned().collect(),
        density: reference.density,
        raw_view: RawView {
            vs_truth,
            notes,
            faults: clean.is_some(),
        },
        prepare_s,
        pipelines,
        leaderboard: Vec::new(),
        stages: stages.into_records(),
    };
    report.leaderboard = leaderboard::leaderboard(&report.pipelines);
    render::write(&report, &opts.out)?;
    Ok(report)
}

/// The indicators a release is scored against, and the context needed to score it.
struct Reference {
    truth: IndicatorSet,
    raw: IndicatorSet,
    raw_histograms: Histograms,
    rural: BTreeSet<String>,
    has_tourism: bool,
    density: Density,
}

impl Reference {
    fn compute(prepared: &Prepared) -> Result<Reference, HarnessError> {
        let engine = Engine::new()?;
        indicators::register_helpers(&engine, &prepared.period)?;
        indicators::register_view(
            &engine,
            &prepared.dir,
            &prepared.dir.join("cells"),
            contract::SpatialLevel::Cell,
        )?;
        let has_tourism =
            indicators::register_truth(&engine, &prepared.dataset, &prepared.target.name)?;
        let raw = indicators::compute(&engine, Side::View, has_tourism);
        let truth = indicators::compute(&engine, Side::Truth, has_tourism);
        let raw_histograms = utility::histograms(&engine)?;
        let density = density::measure(
            &engine,
            density::region(&prepared.manifest).as_ref(),
            prepared.target.subscribers,
            &prepared.period,
            raw.rows
                .get("present_population")
                .map_or(&[][..], Vec::as_slice),
        )?;
        let rural = indicators::run(
            &engine,
            "rural districts",
            "SELECT 'rural' AS indicator, 'district' AS zone_level, district_code AS zone_id, \
             0 AS t_start, 0 AS t_end, NULL AS breakdown_key, NULL AS breakdown_value, \
             AVG(CASE WHEN environment = 'rural' THEN 1.0 ELSE 0.0 END) AS value \
             FROM cells GROUP BY district_code",
        )?
        .into_iter()
        .filter(|r| r.value.is_some_and(|v| v > 0.5))
        .map(|r| r.zone_id)
        .collect();
        Ok(Reference {
            truth,
            raw,
            raw_histograms,
            rural,
            has_tourism,
            density,
        })
    }
}

/// What every release of a run is scored against.
struct Scoring<'a> {
    prepared: &'a Prepared,
    reference: &'a Reference,
    /// The risk assessment's population, loaded for the first release assessed and kept for
    /// the next ones (or why it could not be loaded).
    population: &'a mut Option<Result<risk::Population, String>>,
    /// The neighbouring input, made for the first aggregates release assessed (or why not).
    neighbour: &'a mut Option<Result<NeighbourInput, String>>,
}

/// The view without a group of sampled targets, which membership inference runs each
/// aggregates pipeline on, and its raw presence counts.
struct NeighbourInput {
    group: risk::NeighbourGroup,
    raw: IndicatorSet,
}

impl NeighbourInput {
    fn make(
        opts: &BenchOptions,
        prepared: &Prepared,
        population: &risk::Population,
        stages: &mut Stages,
    ) -> Result<NeighbourInput, String> {
        let group = population.neighbour_group(risk::RiskParams::default().seed);
        let dir = opts.out.join(NEIGHBOUR_INPUT);
        let raw = stages
            .run(
                "membership: the view without half the sampled targets",
                || {
                    prepare::without_subscribers(prepared, &group.msisdns, &dir)?;
                    indicators::presence_of_view(&dir, &prepared.period)
                },
            )
            .map_err(|e| e.to_string())?;
        Ok(NeighbourInput { group, raw })
    }
}

/// Runs and scores one pipeline; also returns why the dataset could not be watched, if so, and
/// what of the dataset was opened while it ran under a sandbox that hid the dataset from it
/// (by other processes: a sandboxed pipeline is not failed for them).
fn run_one(
    opts: &BenchOptions,
    pipeline: &Pipeline,
    scoring: Scoring,
    sandbox: &Sandbox,
    stages: &mut Stages,
) -> (PipelineReport, Option<String>, Option<String>) {
    let prepared = scoring.prepared;
    let output = opts.out.join("releases").join(&pipeline.name);
    let work = opts.out.join("work").join(&pipeline.name);
    let inv = Invocation {
        command: &pipeline.command,
        input: &prepared.dir,
        output: &output,
        work: &work,
        seed: opts.seed,
        protected: &[opts.dataset.clone(), opts.out.clone()],
    };
    let started = Instant::now();
    let watch = TruthWatch::start(&opts.dataset, &opts.out);
    let run = stages.run(format!("{}: run the pipeline", pipeline.name), || {
        runner::run(&inv, opts.limits, sandbox)
    });
    let (opened, note) = match &watch {
        Ok(w) => (w.opened(), None),
        Err(e) => (Vec::new(), Some(e.clone())),
    };
    drop(watch);
    let hidden = matches!(sandbox, Sandbox::Bubblewrap { .. });
    let others = (hidden && !opened.is_empty()).then(|| {
        format!(
            "while {} ran under bubblewrap, which hides the dataset, other processes opened {} \
             of its paths ({}); the pipeline was not failed for them",
            pipeline.name,
            opened.len(),
            opened[0]
        )
    });
    let outcome = match run {
        Err(failure) => Outcome::Failed(failure),
        Ok(run) if !opened.is_empty() && !hidden => Outcome::Failed(PipelineFailure {
            reason: truth_watch::finding(&opened),
            stderr_tail: run.stderr_tail,
        }),
        Ok(run) => match score_release(opts, pipeline, sandbox, &output, scoring, stages) {
            Ok(scored) => Outcome::Scored(Box::new(scored)),
            Err(reason) => Outcome::Failed(PipelineFailure {
                reason,
                stderr_tail: run.stderr_tail,
            }),
        },
    };
    let report = PipelineReport {
        name: pipeline.name.clone(),
        command: pipeline.command.clone(),
        wall_s: started.elapsed().as_secs_f64(),
        output_bytes: runner::tree_bytes(&output),
        outcome,
    };
    (report, note, others)
}

/// Checks a release against the contract and scores it; the error is the failure's reason.
fn score_release(
    opts: &BenchOptions,
    pipeline: &Pipeline,
    sandbox: &Sandbox,
    out: &Path,
    scoring: Scoring,
    stages: &mut Stages,
) -> Result<Scored, String> {
    let name = pipeline.name.as_str();
    let (prepared, reference) = (scoring.prepared, scoring.reference);
    let manifest = contract::read_release_manifest(out).map_err(|e| e.to_string())?;
    let (aggregates, microdata, distributions) = stages
        .run(format!("{name}: check the release, utility"), || {
            utility_of_release(out, prepared, reference, &manifest)
        })?;
    let risk = if opts.risk {
        assess_risk(opts, pipeline, sandbox, out, &manifest, scoring, stages)
    } else {
        RiskSection::not_run("risk assessment not requested (--no-risk)")
    };
    Ok(Scored {
        manifest,
        aggregates,
        microdata,
        distributions,
        risk,
    })
}

/// Utility of a release's aggregates and microdata, and its distributions' distances.
type ReleaseUtility = (
    Option<Utility>,
    Option<Utility>,
    Option<std::collections::BTreeMap<String, Option<f64>>>,
);

/// Checks a release against the contract and scores its utility.
fn utility_of_release(
    out: &Path,
    prepared: &Prepared,
    reference: &Reference,
    manifest: &ReleaseManifest,
) -> Result<ReleaseUtility, String> {
    let manifest = manifest.clone();
    let engine = Engine::new().map_err(|e| e.to_string())?;
    let aggregates = if manifest.kind.aggregates() {
        let set = release::read_aggregates(&engine, out, &manifest).map_err(|e| e.to_string())?;
        Some(utility_of(&set, reference))
    } else {
        None
    };
    let (microdata, distributions) = if manifest.kind.microdata() {
        release::check_microdata(&engine, out, &manifest).map_err(|e| e.to_string())?;
        let set = release::microdata_indicators(
            &engine,
            out,
            &prepared.dir,
            &manifest,
            &prepared.period,
            reference.has_tourism,
        )
        .map_err(|e| format!("the microdata cannot be read: {e}"))?;
        let distributions = if manifest.spatial_level == contract::SpatialLevel::State {
            None
        } else {
            let hist = utility::histograms(&engine).map_err(|e| e.to_string())?;
            Some(utility::distribution_distances(
                &reference.raw_histograms,
                &hist,
            ))
        };
        (Some(utility_of(&set, reference)), distributions)
    } else {
        (None, None)
    };
    Ok((aggregates, microdata, distributions))
}

fn utility_of(set: &IndicatorSet, reference: &Reference) -> Utility {
    let (vs_raw, mut notes) = utility::score_all(&reference.raw, set, &reference.rural);
    let (vs_truth, truth_notes) = utility::score_all(&reference.truth, set, &reference.rural);
    for (k, v) in truth_notes {
        notes.entry(k).or_insert(v);
    }
    Utility {
        vs_raw,
        vs_truth,
        notes,
    }
}

fn assess_risk(
    opts: &BenchOptions,
    pipeline: &Pipeline,
    sandbox: &Sandbox,
    out: &Path,
    manifest: &ReleaseManifest,
    scoring: Scoring,
    stages: &mut Stages,
) -> RiskSection {
    let (name, prepared) = (pipeline.name.as_str(), scoring.prepared);
    let mut columns: Vec<String> = manifest
        .pseudonym_columns
        .iter()
        .filter_map(|c| c.split_once('.').map(|(_, col)| col.to_owned()))
        .collect();
    columns.sort();
    columns.dedup();
    let view = risk::ReleaseView {
        microdata: manifest.kind.microdata(),
        aggregates: manifest.kind.aggregates(),
        pseudonym_columns: columns,
        spatial_level: match manifest.spatial_level {
            contract::SpatialLevel::Cell => risk::SpatialLevel::Cell,
            contract::SpatialLevel::District => risk::SpatialLevel::District,
            contract::SpatialLevel::State => risk::SpatialLevel::State,
        },
        time_bin_s: manifest.time_bin_s as i64,
    };
    let params = risk::RiskParams::default();
    let population = scoring.population.get_or_insert_with(|| {
        stages
            .run("risk: load the truth and the view, sample persons", || {
                risk::Population::load(&prepared.dataset, &prepared.dir, &params)
            })
            .map_err(|e| e.to_string())
    });
    let population = match population {
        Ok(population) => &*population,
        Err(e) => return RiskSection::not_run(&format!("risk assessment failed: {e}")),
    };
    let neighbour_release = opts.out.join(NEIGHBOUR_RELEASES).join(name);
    let neighbour = if !view.aggregates {
        Err("the release has no aggregates table".to_owned())
    } else if !opts.membership_runs {
        Err("the pipeline was not run on a neighbouring input (--no-membership-runs)".to_owned())
    } else {
        let input = scoring
            .neighbour
            .get_or_insert_with(|| NeighbourInput::make(opts, prepared, population, stages));
        match input {
            Err(e) => Err(format!("the neighbouring input could not be made: {e}")),
            Ok(input) => {
                run_on_neighbour(opts, pipeline, sandbox, &neighbour_release, stages).map(|()| {
                    risk::Neighbour {
                        release: &neighbour_release,
                        raw: &input.raw,
                        removed: &input.group.removed,
                    }
                })
            }
        }
    };
    let inputs = risk::RiskInputs {
        dataset: &prepared.dataset,
        input: &prepared.dir,
        release: out,
        view,
        params,
        neighbour,
    };
    match risk::assess_in_stages(&inputs, population, name, stages) {
        Ok(report) => RiskSection {
            report: Some(Box::new(report)),
            note: None,
        },
        Err(e) => RiskSection::not_run(&format!("risk assessment failed: {e}")),
    }
}

/// Runs `pipeline` on the neighbouring input into `output`, watched and limited as its first
/// run; the error says why it failed.
fn run_on_neighbour(
    opts: &BenchOptions,
    pipeline: &Pipeline,
    sandbox: &Sandbox,
    output: &Path,
    stages: &mut Stages,
) -> Result<(), String> {
    let work = opts
        .out
        .join("work")
        .join(format!("{}.neighbour", pipeline.name));
    let inv = Invocation {
        command: &pipeline.command,
        input: &opts.out.join(NEIGHBOUR_INPUT),
        output,
        work: &work,
        seed: opts.seed,
        protected: &[opts.dataset.clone(), opts.out.clone()],
    };
    let watch = TruthWatch::start(&opts.dataset, &opts.out);
    let run = stages.run(
        format!("{}: run on the neighbouring input", pipeline.name),
        || runner::run(&inv, opts.limits, sandbox),
    );
    let opened = watch.map(|w| w.opened()).unwrap_or_default();
    let hidden = matches!(sandbox, Sandbox::Bubblewrap { .. });
    match run {
        Err(failure) => Err(format!(
            "the run on the neighbouring input failed: {}",
            failure.reason
        )),
        Ok(_) if !opened.is_empty() && !hidden => Err(truth_watch::finding(&opened)),
        Ok(_) => contract::read_release_manifest(output)
            .map(drop)
            .map_err(|e| format!("the release of the neighbouring input: {e}")),
    }
}
