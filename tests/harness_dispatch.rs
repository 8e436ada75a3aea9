//! `telcosynth bench` and `telcosynth baseline` run the separate `telcosynth-bench` executable
//! (which embeds DataFusion, so that building `telcosynth` does not compile it): found beside
//! `telcosynth`, else on PATH; when it is missing, the message names the install command.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A copy of the telcosynth executable alone in a fresh folder (nothing beside it).
fn lone_telcosynth(dir: &Path) -> PathBuf {
    let exe = dir.join("bin").join("telcosynth");
    fs::create_dir_all(exe.parent().unwrap()).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_telcosynth"), &exe).unwrap();
    exe
}

fn run(exe: &Path, path: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .env("PATH", path)
        .output()
        .unwrap()
}

/// One test, so that no other thread of this process forks while an executable is being
/// written (which would make running it fail with "text file busy").
#[test]
fn the_harness_is_run_from_path_and_named_when_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = lone_telcosynth(tmp.path());
    missing(&exe, tmp.path());
    #[cfg(unix)]
    on_path(&exe, tmp.path());
}

fn missing(exe: &Path, tmp: &Path) {
    let empty = tmp.join("empty");
    fs::create_dir_all(&empty).unwrap();
    for args in [
        &["bench"][..],
        &["bench", "--help"],
        &["baseline", "identity"],
    ] {
        let out = run(exe, &empty, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("telcosynth-bench")
                && err.contains("cargo install --locked --path bench-cli"),
            "{args:?}: {err}"
        );
    }
    // The generator works without the harness.
    let out = run(exe, &empty, &["scenario", "list"]);
    assert!(out.status.success());
}

/// The harness on PATH gets the arguments unchanged and gives its exit code.
#[cfg(unix)]
fn on_path(exe: &Path, tmp: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let tools = tmp.join("tools");
    fs::create_dir_all(&tools).unwrap();
    let stub = tools.join("telcosynth-bench");
    let log = tmp.join("args.txt");
    fs::write(
        &stub,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '{}'\nexit 7\n",
            log.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&stub, fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths([&tools, Path::new("/usr/bin"), Path::new("/bin")]).unwrap();
    let out = Command::new(exe)
        .args(["bench", "data dir", "--pipeline", "a=b --x", "--help"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        "bench\ndata dir\n--pipeline\na=b --x\n--help\n"
    );
}
