//! The clean operator view of a dataset with data-quality faults (`[faults]`): its scenario
//! regenerated without them (the same records before the faults, byte for byte, since the
//! faults are a stage after record generation) into `RUN/clean-dataset/`, and that dataset's
//! view of the target operator in `RUN/clean-input/`. Releases are scored against indicators
//! of the clean view, while pipelines receive the faulty one.

use std::path::Path;

use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::{plan, scenario, tables};
use telcosynth_sinks::read::DatasetReader;
use telcosynth_sinks::{DatasetWriter, ManifestInfo, ShardInfo, ToolInfo, WriterOptions};

use crate::error::HarnessError;
use crate::prepare::{self, Prepared};

/// The run folder's dataset of clean records.
pub const CLEAN_DATASET: &str = "clean-dataset";
/// The run folder's clean operator view.
pub const CLEAN_INPUT: &str = "clean-input";

/// The tables the clean view is made of.
const TABLES: [&str; 4] = ["subscribers", "cells", "cdr", "ip_sessions"];

/// Whether the dataset of `prepared` was generated with data-quality faults.
pub fn has_faults(prepared: &Prepared) -> bool {
    scenario_of(prepared).is_ok_and(|s| !plan::fault_rates(&s).is_off())
}

fn scenario_of(prepared: &Prepared) -> Result<scenario::Scenario, HarnessError> {
    let text = &prepared.manifest.scenario.text;
    scenario::parse("manifest.json", text, &tables::names()).map_err(|e| {
        HarnessError::Dataset(format!(
            "{e}; regenerate the dataset with this build's telcosynth generate"
        ))
    })
}

/// The clean view of `prepared`'s target operator, from its scenario regenerated without its
/// faults into `out`'s [`CLEAN_DATASET`] (replacing it); the truth tables stay those of
/// `prepared`'s dataset, which the faults never touch.
pub fn clean_view(prepared: &Prepared, out: &Path) -> Result<Prepared, HarnessError> {
    let dirty = scenario_of(prepared)?;
    let clean = scenario::without_faults(&dirty, &TABLES)
        .map_err(|e| HarnessError::Dataset(e.to_string()))?;
    let dir = out.join(CLEAN_DATASET);
    let (name, seed) = (clean.name().to_owned(), clean.seed());
    let text = scenario::normalised_toml(&clean);
    let world = World::build(clean).map_err(|e| HarnessError::Dataset(e.to_string()))?;
    let options = WriterOptions {
        force: true,
        ..WriterOptions::default()
    };
    let fail = |e: &dyn std::fmt::Display| HarnessError::Dataset(format!("{}: {e}", dir.display()));
    let writer = DatasetWriter::create(&dir, options).map_err(|e| fail(&e))?;
    generate::run(&world, Shard::ALL, &writer, &|_, _| {}).map_err(|e| fail(&e))?;
    writer
        .finish(ManifestInfo {
            tool: ToolInfo {
                name: "telcosynth".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            scenario_name: name,
            scenario_text: text,
            seed,
            shard: ShardInfo { index: 0, count: 1 },
            extra: serde_json::Value::Null,
        })
        .map_err(|e| fail(&e))?;
    let dataset = DatasetReader::open(&dir).map_err(|e| fail(&e))?;
    let view = prepare::prepare(&dataset, prepared.target.clone(), &out.join(CLEAN_INPUT))?;
    Ok(Prepared {
        dir: view.dir,
        ..prepared.clone()
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    const CLEAN: &str = r#"name = "clean-view"
seed = 5
[period]
start = 2025-01-13
end = 2025-01-14
[region]
states = ["W.P. Putrajaya"]
[population]
persons = 2000
[outputs]
persons_per_block = 1000
"#;

    const FAULTS: &str =
        "[faults]\nexact_duplicate = 0.05\ncell_unknown = 0.05\nlate_arrival = 0.05\n";

    /// Generates scenario `text` into `dir`.
    fn generate(text: &str, dir: &Path) {
        let s = scenario::parse("t.toml", text, &tables::names()).unwrap();
        let (name, seed) = (s.name().to_owned(), s.seed());
        let world = World::build(s).unwrap();
        let writer = DatasetWriter::create(dir, WriterOptions::default()).unwrap();
        generate::run(&world, Shard::ALL, &writer, &|_, _| {}).unwrap();
        let tool = ToolInfo {
            name: "telcosynth".into(),
            version: "0".into(),
        };
        writer
            .finish(ManifestInfo {
                tool,
                scenario_name: name,
                scenario_text: text.into(),
                seed,
                shard: ShardInfo { index: 0, count: 1 },
                extra: serde_json::Value::Null,
            })
            .unwrap();
    }

    /// Every file of the record tables under `dir`, by path below it.
    fn records(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        for table in ["cdr", "ip_sessions"] {
            for file in telcosynth_sinks::read::table_files(dir, table) {
                let bytes = std::fs::read(&file).unwrap();
                out.insert(file.strip_prefix(dir).unwrap().to_owned(), bytes);
            }
        }
        out
    }

    #[test]
    fn the_clean_view_is_the_view_of_the_run_without_faults() {
        let tmp = tempfile::tempdir().unwrap();
        let (dirty, clean) = (tmp.path().join("dirty"), tmp.path().join("clean"));
        generate(&format!("{CLEAN}{FAULTS}"), &dirty);
        generate(CLEAN, &clean);
        let view = |dataset: &Path, input: &Path| {
            let dataset = prepare::open_dataset(dataset).unwrap();
            let target = prepare::choose_target(&dataset, None).unwrap();
            prepare::prepare(&dataset, target, input).unwrap()
        };
        let faulty = view(&dirty, &tmp.path().join("run/input"));
        let expected = view(&clean, &tmp.path().join("expected"));
        assert!(has_faults(&faulty) && !has_faults(&expected));
        let run = tmp.path().join("run");
        let cleaned = clean_view(&faulty, &run).unwrap();
        assert_eq!(cleaned.dir, run.join(CLEAN_INPUT));
        assert_eq!(
            cleaned.dataset.root(),
            dirty.as_path(),
            "truth from the dataset"
        );
        let (got, want) = (records(&cleaned.dir), records(&expected.dir));
        assert!(!want.is_empty());
        assert!(
            got == want,
            "the clean view differs from the clean run's view"
        );
        assert!(records(&faulty.dir) != want, "the faulty view has faults");
    }
}
