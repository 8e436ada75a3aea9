//! `telcosynth bench` and `telcosynth baseline`: run by the `telcosynth-bench` executable.
//!
//! The benchmark harness embeds DataFusion, which takes most of a cold build; it is a package of
//! its own (`bench-cli/`, executable `telcosynth-bench`) so that building `telcosynth` does not
//! compile it. `telcosynth bench ARGS…` runs `telcosynth-bench bench ARGS…` in its place (the
//! same process, so its exit code, output and signals are the harness's), like `git` runs
//! `git-<command>`. The executable is looked for beside this one first (an installation, or
//! `target/<profile>/` of a build), then on `PATH`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::Failure;

/// File name of the harness executable.
pub const HARNESS_EXE: &str = "telcosynth-bench";

/// What to run to get the harness, in the message shown when it is missing.
pub const INSTALL_HINT: &str = "install it with `cargo install --locked --path bench-cli` from \
     the telcosynth source folder (next to `cargo install --locked --path .`), or build both \
     executables side by side with `cargo build --release --workspace`";

/// Runs `telcosynth-bench <command> <args>` in place of this process; returns only on failure.
pub fn run(command: &str, args: Vec<OsString>) -> Result<(), Failure> {
    let Some(exe) = find() else {
        return Err(Failure::Runtime(format!(
            "`telcosynth {command}` needs the benchmark harness, the separate executable \
             {HARNESS_EXE} (it embeds DataFusion, so it is built apart from the generator), \
             which is neither beside this executable nor on PATH: {INSTALL_HINT}"
        )));
    };
    let mut child = Command::new(&exe);
    child.arg(command).args(args);
    exec(child, &exe)
}

#[cfg(unix)]
fn exec(mut child: Command, exe: &Path) -> Result<(), Failure> {
    use std::os::unix::process::CommandExt;
    let e = child.exec();
    Err(Failure::Runtime(format!(
        "cannot run {}: {e}",
        exe.display()
    )))
}

#[cfg(not(unix))]
fn exec(mut child: Command, exe: &Path) -> Result<(), Failure> {
    let status = child
        .status()
        .map_err(|e| Failure::Runtime(format!("cannot run {}: {e}", exe.display())))?;
    std::process::exit(status.code().unwrap_or(1));
}

/// The harness executable beside this one, or else on `PATH`.
pub fn find() -> Option<PathBuf> {
    let name = format!("{HARNESS_EXE}{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&name)));
    beside
        .into_iter()
        .chain(search_path(std::env::var_os("PATH").as_deref(), &name))
        .find(|p| is_executable(p))
}

fn search_path(path: Option<&OsStr>, name: &str) -> Vec<PathBuf> {
    path.map(|p| std::env::split_paths(p).map(|dir| dir.join(name)).collect())
        .unwrap_or_default()
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
