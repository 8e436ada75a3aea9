//! `telcosynth-bench` refuses bad input with exit code 2 before any work, and never replaces a
//! run folder that is not its own. (The harness's scoring is tested end to end through
//! `telcosynth bench` in the workspace's tests/bench.rs.)

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_telcosynth-bench"))
        .args(args)
        .output()
        .unwrap()
}

fn refused(args: &[&str], hints: &[&str]) {
    let out = bench(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    for hint in hints {
        assert!(err.contains(hint), "{args:?}: {hint:?} not in {err}");
    }
}

/// A folder with the files a dataset has at its top, and a garbage manifest.
fn garbage_dataset(dir: &Path) {
    fs::create_dir_all(dir.join("subscribers")).unwrap();
    fs::write(dir.join("manifest.json"), "this is not JSON").unwrap();
}

#[test]
fn bad_datasets_operators_and_run_folders_exit_with_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    garbage_dataset(&data);
    let data = data.to_str().unwrap();
    refused(&["bench", data], &[data, "manifest.json"]);
    refused(
        &["bench", "/nonexistent"],
        &["/nonexistent", "not a dataset folder"],
    );
    refused(
        &["bench", "--operator", "bogus"],
        &["--operator bogus", "celcomdigi"],
    );
    refused(
        &["bench", data, "--operator", "bogus"],
        &["--operator bogus"],
    );
    refused(
        &["baseline", "bogus", "--input", "x", "--output", "y"],
        &["unknown baseline"],
    );
}

#[test]
fn a_run_folder_that_is_not_the_harness_s_is_never_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("home");
    fs::create_dir_all(out.join("work")).unwrap();
    fs::write(out.join("precious.txt"), "keep me").unwrap();
    fs::write(out.join("work/notes.txt"), "keep me too").unwrap();
    let out_arg = out.to_str().unwrap();
    // Refused before the scenario is generated into OUT/dataset.
    refused(&["bench", "--out", out_arg], &[out_arg, "precious.txt"]);
    assert_eq!(
        fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        fs::read_to_string(out.join("work/notes.txt")).unwrap(),
        "keep me too"
    );
    assert!(!out.join("dataset").exists());
    // A run folder whose dataset/ holds a foreign file is refused too.
    let run = tmp.path().join("run");
    fs::create_dir_all(run.join("dataset")).unwrap();
    fs::write(run.join("dataset/precious.txt"), "keep me").unwrap();
    refused(
        &["bench", "--out", run.to_str().unwrap()],
        &["dataset/precious.txt"],
    );
    assert!(run.join("dataset/precious.txt").exists());
    let file = tmp.path().join("file.txt");
    fs::write(&file, "x").unwrap();
    refused(&["bench", "--out", file.to_str().unwrap()], &["is a file"]);
    refused(&["bench", "--out", "/proc/x"], &["/proc/x"]);
}

#[test]
fn without_a_dataset_the_small_full_density_scenario_is_benched() {
    // The default scenario is one at real density, whose privacy figures are not inflated by
    // sampling (that it samples nothing is checked in tests/density.rs).
    let out = bench(&["bench", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{help}");
    assert!(help.contains("[default: langkawi-full-density]"), "{help}");
}
