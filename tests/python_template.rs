//! The Python pipeline template: its own tests (its contract helpers, standard library only),
//! run wherever `python3` is installed, and the template installed in a virtual environment with
//! pip and benched under bubblewrap, where a package index can be reached.

mod common;

#[test]
fn the_python_template_s_tests_pass() {
    let tests = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benchmarks/examples/python-template/tests"
    );
    let Ok(out) = std::process::Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", tests])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
    else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(report.contains("Ran 3 tests"), "{report}");
}

/// Copies the folder `from` into `to`, recursively.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_python_template_runs_from_a_virtual_environment_under_the_sandbox() {
    if !common::bubblewrap_runs() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    let made = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: python3 -m venv is not available");
        return;
    }
    // Installed as its authors would: pip into the environment, pyarrow from the index.
    let template = dir.path().join("template");
    copy_tree(
        std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benchmarks/examples/python-template"
        )),
        &template,
    );
    let installed = std::process::Command::new(venv.join("bin").join("pip"))
        .args([
            "install",
            "-q",
            "--disable-pip-version-check",
            "--timeout",
            "60",
        ])
        .arg(&template)
        .output();
    match installed {
        Ok(o) if o.status.success() => {}
        other => {
            eprintln!(
                "skipped: the template could not be installed (no package index?): {other:?}"
            );
            return;
        }
    }
    let (_data_dir, data) = common::generate(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml"),
        &[],
    );
    let out = dir.path().join("run");
    let bin = venv.join("bin");
    common::ok(&[
        "bench",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-risk",
        "--pipeline",
        &format!("dp={}", bin.join("telcosynth-aggregates").display()),
        "--pipeline",
        &format!("pseudonyms={}", bin.join("telcosynth-microdata").display()),
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["sandbox"]["kind"], "bubblewrap");
    for p in report["pipelines"].as_array().unwrap() {
        assert_eq!(p["outcome"]["status"], "scored", "{p}");
    }
}
