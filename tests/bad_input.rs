//! Careless and hostile input through the CLI: `--force` never deletes what telcosynth did not
//! write, sizes and thread counts are bounded before any work, and every bad input exits with
//! code 2 (a dataset that differs from its reference with 3) and a message naming the fix.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// The small test scenario (3 000 persons, two days).
const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");

/// Runs telcosynth; returns (exit code, stdout + stderr, wall time).
fn run(args: &[&str]) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let out = telcosynth(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text, started.elapsed())
}

/// Asserts exit code 2 with every hint in the message.
fn refused(args: &[&str], hints: &[&str]) -> String {
    let (code, text, _) = run(args);
    assert_eq!(code, Some(2), "telcosynth {args:?}: {text}");
    for hint in hints {
        assert!(
            text.contains(hint),
            "telcosynth {args:?}: {hint:?} not in {text}"
        );
    }
    text
}

/// A folder as someone's project: files telcosynth never wrote.
fn precious_folder(dir: &Path) {
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::write(dir.join("precious.txt"), "keep me").unwrap();
    fs::write(dir.join("src/main.rs"), "fn main() {}").unwrap();
}

fn assert_intact(dir: &Path) {
    assert_eq!(
        fs::read_to_string(dir.join("precious.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        fs::read_to_string(dir.join("src/main.rs")).unwrap(),
        "fn main() {}"
    );
}

#[test]
fn force_never_empties_a_folder_that_is_not_a_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    precious_folder(&dir);
    let out = dir.to_str().unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["generate", SMALL, "--out", out];
        args.extend_from_slice(extra);
        let text = refused(&args, &[out, "precious.txt", "src/"]);
        assert!(text.contains("nothing was touched"), "{text}");
        assert_intact(&dir);
    }
    // The mistyped `--out . --force`, from inside the folder.
    let run = Command::new(env!("CARGO_BIN_EXE_telcosynth"))
        .args(["generate", SMALL, "--out", ".", "--force"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert_intact(&dir);
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 2, "nothing was added");
    // A shard writes only into its own folder, so a root holding other files is fine; a shard
    // folder holding a foreign file is refused, even with --force.
    ok(&["generate", SMALL, "--out", out, "--shard", "0/2", "--force"]);
    assert_intact(&dir);
    fs::write(dir.join("shard-0000-of-0002/precious.txt"), "mine").unwrap();
    refused(
        &["generate", SMALL, "--out", out, "--shard", "0/2", "--force"],
        &["precious.txt"],
    );
    assert!(dir.join("shard-0000-of-0002/manifest.json").is_file());
}

#[test]
fn force_replaces_a_dataset_but_not_one_with_a_foreign_file_in_it() {
    let (_tmp, out) = generate(SMALL, &["--format", "csv"]);
    let dir = out.to_str().unwrap();
    // An interrupted run's leftovers are telcosynth's too.
    let stray = out.join("persons/.persons-0000-00009.parquet.tmp");
    fs::write(&stray, "half").unwrap();
    fs::write(out.join("realism.json"), "{}").unwrap();
    ok(&["generate", SMALL, "--out", dir, "--force"]);
    assert!(!stray.exists() && !out.join("realism.json").exists());
    assert!(out.join("manifest.json").is_file());

    fs::write(out.join("cdr/notes.md"), "mine").unwrap();
    refused(
        &["generate", SMALL, "--out", dir, "--force"],
        &["cdr/notes.md", "not a telcosynth dataset"],
    );
    assert!(out.join("manifest.json").is_file(), "nothing was removed");
    assert_eq!(
        fs::read_to_string(out.join("cdr/notes.md")).unwrap(),
        "mine"
    );
}

#[test]
fn bad_output_folders_exit_with_code_2_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file.txt");
    fs::write(&file, "x").unwrap();
    let under = file.join("data");
    for (out, hint) in [
        (file.to_str().unwrap(), "is a file"),
        (under.to_str().unwrap(), "cannot be"),
        ("/proc/x", "cannot be"),
    ] {
        refused(&["generate", SMALL, "--out", out], &[out, hint]);
        refused(&["generate", SMALL, "--out", out, "--shard", "0/2"], &[out]);
    }
    // The reference's folder is checked before its (long) generation.
    let (code, text, took) = run(&["reference", "klang-valley-week", "--out", "/proc/x"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("/proc/x"), "{text}");
    assert!(
        took < Duration::from_secs(20),
        "checked after generating: {took:?}"
    );
    let project = tmp.path().join("project");
    precious_folder(&project);
    let (code, text, took) = run(&[
        "reference",
        "klang-valley-week",
        "--out",
        project.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("precious.txt"), "{text}");
    assert!(
        took < Duration::from_secs(20),
        "checked after generating: {took:?}"
    );
    assert_intact(&project);
}

#[test]
fn paths_that_are_not_datasets_exit_with_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file.txt");
    fs::write(&file, "x").unwrap();
    let file = file.to_str().unwrap();
    refused(&["inspect", "/etc/passwd"], &["/etc/passwd"]);
    refused(&["inspect", file], &[file]);
    refused(&["inspect", "/nonexistent"], &["/nonexistent"]);
    refused(&["merge-manifests", "/nonexistent"], &["/nonexistent"]);
    refused(&["merge-manifests", file], &[file, "is a file"]);
    refused(
        &["verify", "reference-outputs/quickstart", "--dataset", file],
        &["not a dataset folder"],
    );
}

#[test]
fn thread_counts_are_bounded() {
    for threads in ["0", "1025", "65535", "99999999999"] {
        for command in [
            &["generate", SMALL, "--dry-run"][..],
            &["verify", "reference-outputs/quickstart"][..],
            &["reference", SMALL],
            &["bench-speed", SMALL],
        ] {
            let mut args = command.to_vec();
            args.extend(["--threads", threads]);
            let (code, text, took) = run(&args);
            assert_eq!(code, Some(2), "{args:?}: {text}");
            assert!(text.contains("from 1 to"), "{args:?}: {text}");
            assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
        }
    }
    ok(&["generate", SMALL, "--dry-run", "--threads", "16"]);
}

#[test]
fn scenario_files_are_bounded_in_size() {
    let (code, text, took) = run(&["scenario", "validate", "/dev/zero"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("/dev/zero") && text.contains("10 MiB"),
        "{text}"
    );
    assert!(
        took < Duration::from_secs(20),
        "/dev/zero read for {took:?}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.toml");
    let mut text = fs::read_to_string(SMALL).unwrap();
    text.push_str(&"#".repeat(10 * 1024 * 1024));
    fs::write(&big, text).unwrap();
    refused(
        &["generate", big.to_str().unwrap(), "--dry-run"],
        &["10 MiB"],
    );
}

#[test]
fn populations_beyond_the_numbering_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let small = fs::read_to_string(SMALL).unwrap();
    let values = [
        "1000000000000000000",
        "4611686018427387904",
        "9223372036854775807",
        "18446744073709551615",
        "66666667",
        "1e18",
    ];
    for field in ["persons", "subscribers"] {
        for value in values {
            let text = small.replace("persons = 3000", &format!("{field} = {value}"));
            let path = tmp.path().join(format!("{field}-{value}.toml"));
            fs::write(&path, text).unwrap();
            let path = path.to_str().unwrap();
            for args in [
                &["scenario", "validate", path][..],
                &["generate", path, "--dry-run"][..],
            ] {
                let (code, text, took) = run(args);
                assert_eq!(code, Some(2), "{args:?}: {text}");
                assert!(text.contains(&format!("population.{field}")), "{text}");
                assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
            }
        }
        // Sizes that parse name the limit and its reason.
        let text = small.replace("persons = 3000", &format!("{field} = 1000000000000000000"));
        let path = tmp.path().join("limit.toml");
        fs::write(&path, text).unwrap();
        refused(
            &["scenario", "validate", path.to_str().unwrap()],
            &["66666666", "1000000000000000000", "scale = 1.0"],
        );
    }
    // An operator's number ranges: the whole country on one MVNO's blocks.
    let text = small.replace("persons = 3000", "scale = 1.0").replace(
        "[outputs]",
        "[operators]\nyes = { share = 1.0 }\n\n[outputs]",
    );
    let path = tmp.path().join("one-mvno.toml");
    fs::write(&path, text).unwrap();
    refused(
        &["scenario", "validate", path.to_str().unwrap()],
        &["population.scale", "number ranges hold"],
    );
}

#[test]
fn verify_lists_missing_and_extra_files_with_exit_code_3() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    ok(&["reference", SMALL, "--out", reference.to_str().unwrap()]);
    let (_data_tmp, data) = generate(SMALL, &[]);
    let m = manifest(&data);
    let gone = m["tables"]["cdr"]["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    fs::remove_file(data.join(&gone)).unwrap();
    fs::write(data.join("cdr/extra.parquet"), "x").unwrap();
    fs::write(data.join("notes.txt"), "x").unwrap();
    let (code, text, _) = run(&[
        "verify",
        reference.to_str().unwrap(),
        "--dataset",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains(&format!("{gone}: missing from the dataset")),
        "{text}"
    );
    assert!(
        text.contains("cdr/extra.parquet: in the dataset but not in the reference"),
        "{text}"
    );
    assert!(
        text.contains("notes.txt: in the dataset but not in the reference"),
        "{text}"
    );
    assert!(text.contains("3 places"), "{text}");
    // The realism report beside the data is not a difference.
    let (_t, clean) = generate(SMALL, &[]);
    ok(&["inspect", clean.to_str().unwrap()]);
    ok(&[
        "verify",
        reference.to_str().unwrap(),
        "--dataset",
        clean.to_str().unwrap(),
    ]);
}

#[test]
fn a_refused_re_merge_leaves_no_merged_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("split");
    let root_arg = root.to_str().unwrap();
    for shard in ["0/2", "1/2"] {
        ok(&["generate", SMALL, "--out", root_arg, "--shard", shard]);
    }
    ok(&["merge-manifests", root_arg]);
    assert!(root.join("manifest.json").is_file());
    let m = manifest(&root.join("shard-0001-of-0002"));
    let file = root
        .join("shard-0001-of-0002")
        .join(m["tables"]["cdr"]["files"][0]["path"].as_str().unwrap());
    let mut bytes = fs::read(&file).unwrap();
    bytes.push(0);
    fs::write(&file, bytes).unwrap();
    refused(
        &["merge-manifests", root_arg],
        &["shard-0001-of-0002", "bytes"],
    );
    assert!(
        !root.join("manifest.json").exists(),
        "the folder must not look complete after a refused merge"
    );
}
