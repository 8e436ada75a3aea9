//! The Python pipeline template's own tests (its contract helpers, standard library only), run
//! wherever `python3` is installed.

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
