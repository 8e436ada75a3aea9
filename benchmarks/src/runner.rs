//! Running a pipeline under the contract: `COMMAND --input IN --output OUT --seed N` (and the
//! same as environment variables) in its own working folder, with a wall-clock limit, an
//! address-space limit and, where bubblewrap is installed, a sandbox without network that
//! sees only IN (read-only), OUT, its working folder and the system's programs.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::capped_log::{self, CappedLog};

/// Resource limits of one pipeline run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Wall-clock limit; the process group is killed after it.
    pub timeout: Duration,
    /// Address-space limit (RLIMIT_AS), MiB.
    pub memory_mib: u64,
    /// What the pipeline may write into OUT and its working folder together, and into the
    /// sandbox's private `/tmp`, MiB each; over it the process group is killed.
    pub disk_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(600),
            memory_mib: 8192,
            disk_mib: 4096,
        }
    }
}

/// How often the size of OUT and the working folder is measured during a run.
const DISK_CHECK: Duration = Duration::from_secs(1);

/// Bytes of the regular files under `dir`, symbolic links not followed.
pub fn tree_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => tree_bytes(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// How pipelines are isolated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Sandbox {
    /// bubblewrap: no network, read-only IN and system folders, writable OUT and work folder.
    Bubblewrap {
        /// Path of the bwrap program.
        program: PathBuf,
    },
    /// No sandbox: the pipeline runs as the harness's user and could read anything it can.
    None {
        /// Why not.
        reason: String,
    },
}

impl Sandbox {
    /// bubblewrap when `bwrap` is on PATH and can start a sandbox here with the namespaces a
    /// pipeline runs in, else none.
    pub fn detect() -> Sandbox {
        let Some(program) = find_on_path("bwrap") else {
            return Sandbox::None {
                reason: "bwrap (bubblewrap) is not on PATH".into(),
            };
        };
        let probe = Command::new(&program)
            .args([
                "--unshare-all",
                "--die-with-parent",
                "--ro-bind",
                "/",
                "/",
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--",
                "true",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        match probe {
            Ok(out) if out.status.success() => Sandbox::Bubblewrap { program },
            Ok(out) => Sandbox::None {
                reason: format!(
                    "bwrap cannot create a sandbox here: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            },
            Err(e) => Sandbox::None {
                reason: format!("bwrap does not start: {e}"),
            },
        }
    }
}

/// Why a pipeline produced no scorable release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineFailure {
    /// What went wrong, e.g. "exit status 1" or the contract violation.
    pub reason: String,
    /// The last lines of the pipeline's stderr.
    pub stderr_tail: String,
}

/// A finished run that exited with status 0 within its limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunOk {
    /// Wall-clock seconds.
    pub wall_s: f64,
    /// The last lines of the pipeline's stderr.
    pub stderr_tail: String,
}

/// Bytes of stderr kept in reports.
const TAIL_BYTES: u64 = 4000;

/// One pipeline invocation.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    /// Shell command (run by `sh -c`, followed by the contract's arguments).
    pub command: &'a str,
    /// Input folder (read-only for the pipeline).
    pub input: &'a Path,
    /// Output folder, created empty.
    pub output: &'a Path,
    /// Working folder, created empty; holds `stdout.log` and `stderr.log`.
    pub work: &'a Path,
    /// Seed passed to the pipeline.
    pub seed: u64,
    /// Folders the pipeline must never see (the dataset, the bench's run folder): the sandbox
    /// shows nothing inside them and no folder that holds one of them.
    pub protected: &'a [PathBuf],
}

/// Runs `inv` under `limits` and `sandbox`; returns the run or why it failed.
pub fn run(inv: &Invocation, limits: Limits, sandbox: &Sandbox) -> Result<RunOk, PipelineFailure> {
    let fail = |reason: String| PipelineFailure {
        reason,
        stderr_tail: String::new(),
    };
    for dir in [inv.output, inv.work] {
        if dir.exists() {
            fs::remove_dir_all(dir)
                .map_err(|e| fail(format!("cannot clear {}: {e}", dir.display())))?;
        }
        fs::create_dir_all(dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    }
    let abs = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (input, output, work) = (abs(inv.input), abs(inv.output), abs(inv.work));
    let stderr_path = work.join("stderr.log");
    let seed = inv.seed.to_string();
    let script = format!("{} \"$@\"", inv.command);
    let contract_args = [
        "--input",
        input.to_str().unwrap_or_default(),
        "--output",
        output.to_str().unwrap_or_default(),
        "--seed",
        &seed,
    ];
    let mut cmd = match sandbox {
        Sandbox::Bubblewrap { program } => {
            let mut c = Command::new(program);
            c.args(bwrap_args(inv, &input, &output, &work, limits));
            c.args(["sh", "-c", &script, "pipeline"]);
            c
        }
        Sandbox::None { .. } => {
            let mut c = Command::new("sh");
            c.args(["-c", &script, "pipeline"]);
            c
        }
    };
    cmd.args(contract_args)
        .current_dir(&work)
        .env("TELCOSYNTH_INPUT", &input)
        .env("TELCOSYNTH_OUTPUT", &output)
        .env("TELCOSYNTH_SEED", &seed)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let limit = limits.memory_mib.saturating_mul(1 << 20);
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(move || {
            let rl = libc::rlimit {
                rlim_cur: limit as libc::rlim_t,
                rlim_max: limit as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &rl) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let disk_limit = limits.disk_mib.saturating_mul(1 << 20);
    let mut checked = started;
    let mut child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot start the pipeline: {e}")))?;
    // Logs keep their first and last MiB: a pipeline printing gigabytes fills no disk.
    let mut logs = Vec::new();
    let streams: [(Option<Box<dyn Read + Send>>, &str); 2] = [
        (child.stdout.take().map(|s| Box::new(s) as _), "stdout.log"),
        (child.stderr.take().map(|s| Box::new(s) as _), "stderr.log"),
    ];
    for (stream, name) in streams {
        if let Some(stream) = stream {
            let log =
                CappedLog::spawn(stream, &work.join(name), capped_log::HEAD, capped_log::TAIL);
            match log {
                Ok(log) => logs.push(log),
                Err(e) => {
                    kill_group(child.id());
                    let _ = child.wait();
                    return Err(fail(format!("cannot create {name}: {e}")));
                }
            }
        }
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() >= limits.timeout => {
                kill_group(child.id());
                let _ = child.wait();
                break Err(format!(
                    "timed out after {} s (--timeout-s); the process group was killed",
                    limits.timeout.as_secs()
                ));
            }
            Ok(None) if checked.elapsed() >= DISK_CHECK => {
                checked = Instant::now();
                let used = tree_bytes(&output) + tree_bytes(&work);
                if used > disk_limit {
                    kill_group(child.id());
                    let _ = child.wait();
                    break Err(format!(
                        "wrote {} MiB into OUT and its working folder, over the disk limit of {} \
                         MiB (--disk-mib); the process group was killed",
                        used >> 20,
                        limits.disk_mib
                    ));
                }
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                kill_group(child.id());
                break Err(format!("cannot wait for the pipeline: {e}"));
            }
        }
    };
    // Children left behind by a pipeline that exited go with its group.
    kill_group(child.id());
    for log in logs {
        log.finish(Duration::from_secs(5));
    }
    let wall_s = started.elapsed().as_secs_f64();
    let stderr_tail = tail(&stderr_path);
    match status {
        Ok(s) if s.success() => Ok(RunOk {
            wall_s,
            stderr_tail,
        }),
        Ok(s) => Err(PipelineFailure {
            reason: describe_exit(s, limits),
            stderr_tail,
        }),
        Err(reason) => Err(PipelineFailure {
            reason,
            stderr_tail,
        }),
    }
}

fn kill_group(pid: u32) {
    // SAFETY: kill with a negative pid signals the process group the child leads.
    unsafe {
        libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
    }
}

fn describe_exit(status: ExitStatus, limits: Limits) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(sig)) => format!(
            "killed by signal {sig}{}",
            if sig == libc::SIGKILL || sig == libc::SIGSEGV || sig == libc::SIGABRT {
                format!(
                    " (memory limit {} MiB may have been reached)",
                    limits.memory_mib
                )
            } else {
                String::new()
            }
        ),
        _ => "ended abnormally".into(),
    }
}

/// The last [`TAIL_BYTES`] of a log file, from a line start, lossily decoded.
fn tail(path: &Path) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(TAIL_BYTES);
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(start)).is_err() || file.read_to_end(&mut bytes).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    let text = if start > 0 {
        text.split_once('\n').map_or(&*text, |(_, rest)| rest)
    } else {
        &text
    };
    text.trim_end().to_owned()
}

/// bubblewrap arguments: fresh namespaces (no network), a private /tmp of at most the disk limit, the system's programs
/// and libraries read-only, then what the command needs to start — also read-only, and never a
/// folder inside or holding one of `inv.protected` — and last IN read-only, OUT and the work
/// folder writable.
fn bwrap_args(
    inv: &Invocation,
    input: &Path,
    output: &Path,
    work: &Path,
    limits: Limits,
) -> Vec<String> {
    let tmp_bytes = limits.disk_mib.saturating_mul(1 << 20).to_string();
    let mut a: Vec<String> = [
        "--unshare-all",
        "--die-with-parent",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        &tmp_bytes,
        "--tmpfs",
        "/tmp",
    ]
    .map(str::to_owned)
    .to_vec();
    for dir in [
        "/usr",
        "/bin",
        "/sbin",
        "/lib",
        "/lib64",
        "/etc/alternatives",
        "/etc/ssl",
    ] {
        a.extend(["--ro-bind-try".into(), dir.into(), dir.into()]);
    }
    for file in ["/etc/ld.so.cache", "/etc/localtime", "/etc/passwd"] {
        a.extend(["--ro-bind-try".into(), file.into(), file.into()]);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let paths = program_paths(inv.command, &path, home.as_deref());
    for shown in &paths {
        let shown = shown.clone();
        let Ok(real) = fs::canonicalize(&shown) else {
            continue;
        };
        let overlaps = |p: &PathBuf| {
            let p = fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            p.starts_with(&real) || real.starts_with(&p)
        };
        if inv.protected.iter().any(overlaps) {
            continue;
        }
        let source = real.display().to_string();
        a.extend(["--ro-bind".into(), source.clone(), source.clone()]);
        // A path reached through a linked folder is shown at that path too. A symlink in a
        // folder shown already is not (bubblewrap could not mount over it): it shows through
        // its folder and leads to `real`, shown above.
        let is_link = fs::symlink_metadata(&shown).is_ok_and(|m| m.file_type().is_symlink());
        let in_shown_folder = shown.parent().is_some_and(|d| paths.iter().any(|p| p == d));
        if shown != real && !(is_link && in_shown_folder) {
            a.extend(["--ro-bind".into(), source, shown.display().to_string()]);
        }
    }
    let s = |p: &Path| p.display().to_string();
    a.extend(["--ro-bind".into(), s(input), s(input)]);
    a.extend(["--bind".into(), s(output), s(output)]);
    a.extend(["--bind".into(), s(work), s(work)]);
    a.extend(["--chdir".into(), s(work), "--".into()]);
    a
}

/// What a command needs to start beside the system folders: every absolute path among its
/// shell words (a program, a script, a folder of modules) and the interpreter a named script's
/// `#!` line names, each with the folder of a file (a script's own modules sit beside it), the
/// environment a program in a `bin` folder belongs to (a venv, uv or conda environment: its
/// `pyvenv.cfg` and `site-packages` sit above `bin`), and the same for the file its symlinks
/// lead to (a venv's `python` is a link to its base installation); and every folder of `path`
/// named `bin`, `sbin` or `shims` with the installation above it (`/usr/local`, `~/.pyenv`,
/// `~/.cargo`). Never the root or the home folder whole.
fn program_paths(command: &str, path: &std::ffi::OsStr, home: Option<&Path>) -> Vec<PathBuf> {
    let installation = |bin: &Path| -> Option<PathBuf> {
        let named = |n: &str| bin.file_name().is_some_and(|f| f == n);
        let prefix = bin.parent()?;
        ((named("bin") || named("sbin") || named("shims"))
            && prefix != Path::new("/")
            && Some(prefix) != home)
            .then(|| prefix.to_path_buf())
    };
    let mut named: Vec<PathBuf> = shlex::split(command)
        .unwrap_or_default()
        .into_iter()
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.exists())
        .collect();
    let interpreters: Vec<PathBuf> = named.iter().filter_map(|p| interpreter(p)).collect();
    named.extend(interpreters);
    let mut out = Vec::new();
    for p in named {
        let real = fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        for q in [p, real] {
            if q.is_file()
                && let Some(dir) = q.parent()
            {
                if let Some(env) = installation(dir) {
                    out.extend(path_file_folders(&env));
                    out.push(env);
                }
                out.push(dir.to_path_buf());
            }
            out.push(q);
        }
    }
    for dir in std::env::split_paths(path).filter(|d| d.is_absolute() && d.is_dir()) {
        out.extend(installation(&dir));
        out.push(dir);
    }
    out.sort();
    out.dedup();
    out
}

/// The folders a Python environment's `.pth` files add to its path (an editable install's
/// source tree, `pip install -e`): absolute lines naming existing folders, from every
/// `lib/python*/site-packages` of `env`. Lines that run code (`import …`) are left out.
fn path_file_folders(env: &Path) -> Vec<PathBuf> {
    let mut folders = Vec::new();
    let Ok(libs) = fs::read_dir(env.join("lib")) else {
        return folders;
    };
    for lib in libs.flatten() {
        let Ok(entries) = fs::read_dir(lib.path().join("site-packages")) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "pth") {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            folders.extend(
                text.lines()
                    .map(|l| PathBuf::from(l.trim()))
                    .filter(|p| p.is_absolute() && p.is_dir()),
            );
        }
    }
    folders
}

/// The absolute interpreter a script's `#!` line names (`#!/venv/bin/python`), if it exists.
fn interpreter(script: &Path) -> Option<PathBuf> {
    let mut head = [0u8; 256];
    let n = fs::File::open(script).ok()?.read(&mut head).ok()?;
    let line = head[..n].strip_prefix(b"#!")?;
    let line = std::str::from_utf8(line.split(|&b| b == b'\n').next()?).ok()?;
    let program = PathBuf::from(line.split_whitespace().next()?);
    (program.is_absolute() && program.exists()).then_some(program)
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_script(
        script: &str,
        limits: Limits,
    ) -> (Result<RunOk, PipelineFailure>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(&input).unwrap();
        let (output, work) = (dir.path().join("out"), dir.path().join("work"));
        let inv = Invocation {
            command: script,
            input: &input,
            output: &output,
            work: &work,
            seed: 7,
            protected: &[],
        };
        let none = Sandbox::None {
            reason: "test".into(),
        };
        (run(&inv, limits, &none), dir)
    }

    #[test]
    fn arguments_and_environment_reach_the_pipeline() {
        let script =
            "f() { echo \"$@\" > args; echo $TELCOSYNTH_SEED > \"$TELCOSYNTH_OUTPUT/seed\"; }; f";
        let (r, dir) = run_script(script, Limits::default());
        r.unwrap();
        let args = fs::read_to_string(dir.path().join("work/args")).unwrap();
        assert!(
            args.contains("--input ") && args.contains("--output ") && args.ends_with("--seed 7\n"),
            "{args}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("out/seed")).unwrap(),
            "7\n"
        );
    }

    #[test]
    fn failures_keep_the_stderr_tail() {
        let (r, _dir) = run_script("echo oops >&2; exit 3; :", Limits::default());
        let f = r.unwrap_err();
        assert_eq!(f.reason, "exit status 3");
        assert_eq!(f.stderr_tail, "oops");
    }

    #[test]
    fn a_flood_of_stderr_is_stored_capped_with_its_end() {
        let (r, dir) = run_script(
            "head -c 5000000 /dev/zero | tr '\\0' x >&2; echo >&2; echo the-last-line >&2; exit 4; :",
            Limits::default(),
        );
        let f = r.unwrap_err();
        assert!(
            f.stderr_tail.ends_with("the-last-line"),
            "{}",
            f.stderr_tail
        );
        let log = fs::metadata(dir.path().join("work").join("stderr.log")).unwrap();
        let cap = (capped_log::HEAD + capped_log::TAIL) as u64 + 100;
        assert!(log.len() < cap, "stderr.log holds {} bytes", log.len());
    }

    #[test]
    fn a_pipeline_writing_past_the_disk_limit_is_killed() {
        let limits = Limits {
            disk_mib: 8,
            ..Limits::default()
        };
        let started = Instant::now();
        let (r, _dir) = run_script(
            "while :; do head -c 1048576 /dev/zero >> \"$TELCOSYNTH_OUTPUT/big\"; done; :",
            limits,
        );
        let f = r.unwrap_err();
        assert!(
            f.reason.contains("over the disk limit of 8 MiB"),
            "{}",
            f.reason
        );
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn the_sandbox_tmp_is_bounded_by_the_disk_limit() {
        let Some(sandbox) = bubblewrap() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(&input).unwrap();
        let (output, work) = (dir.path().join("out"), dir.path().join("work"));
        let inv = Invocation {
            command: "head -c 20000000 /dev/zero > /tmp/big || exit 9; :",
            input: &input,
            output: &output,
            work: &work,
            seed: 7,
            protected: &[],
        };
        let limits = Limits {
            disk_mib: 8,
            ..Limits::default()
        };
        let f = run(&inv, limits, &sandbox).unwrap_err();
        assert_eq!(f.reason, "exit status 9", "{f:?}");
    }

    #[test]
    fn a_hanging_pipeline_is_killed() {
        let limits = Limits {
            timeout: Duration::from_millis(300),
            memory_mib: 8192,
            ..Limits::default()
        };
        let started = Instant::now();
        let (r, _dir) = run_script("sleep 30; :", limits);
        assert!(r.unwrap_err().reason.starts_with("timed out"));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn the_memory_limit_applies() {
        let limits = Limits {
            timeout: Duration::from_secs(30),
            memory_mib: 64,
            ..Limits::default()
        };
        // Allocating 200 MiB under a 64 MiB address-space limit fails.
        let (r, _dir) = run_script(
            "head -c 200000000 /dev/zero | tr '\\0' a | { v=$(cat); echo ${#v}; }; exit $?; :",
            limits,
        );
        assert!(r.is_err(), "allocation under the limit succeeded");
    }

    #[test]
    fn tails_start_at_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log");
        let text: String = (0..2000).map(|i| format!("line {i}\n")).collect();
        fs::write(&p, text).unwrap();
        let t = tail(&p);
        assert!(t.starts_with("line ") && t.ends_with("line 1999"), "{t}");
        assert!(t.len() as u64 <= TAIL_BYTES);
    }

    #[test]
    fn program_paths_are_the_command_s_files_with_their_folder_and_installations_on_path() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("my pipeline").join("run.py");
        fs::create_dir_all(script.parent().unwrap()).unwrap();
        fs::write(&script, "").unwrap();
        let tool_bin = dir.path().join(".tool").join("bin");
        let home = dir.path().join("home");
        let home_bin = home.join("bin");
        fs::create_dir_all(&tool_bin).unwrap();
        fs::create_dir_all(&home_bin).unwrap();
        let path = std::env::join_paths([&tool_bin, &home_bin, Path::new("relative/bin")]).unwrap();
        let command = format!("python3 '{}' --fast", script.display());
        let got = program_paths(&command, &path, Some(&home));
        for shown in [
            &script,
            &script.parent().unwrap().to_path_buf(),
            &tool_bin,
            &dir.path().join(".tool"),
            &home_bin,
        ] {
            assert!(got.contains(shown), "{} not in {got:?}", shown.display());
        }
        assert!(!got.contains(&home), "the home folder is never shown whole");
        assert!(!got.iter().any(|p| p.ends_with("relative/bin")), "{got:?}");
    }

    #[test]
    fn bubblewrap_shows_the_script_and_hides_what_is_protected() {
        let Some(sandbox) = bubblewrap() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("dataset");
        fs::create_dir_all(&secret).unwrap();
        fs::write(secret.join("truth.parquet"), "x").unwrap();
        // The script's folder holds the dataset: the sandbox must show the script alone.
        let probe = dir.path().join("probe.sh");
        executable(
            &probe,
            &format!(
                "#!/bin/sh\n[ -e '{}' ] && echo seen > \"$TELCOSYNTH_OUTPUT/seen.txt\"\n\
                 echo ran > \"$TELCOSYNTH_OUTPUT/ran.txt\"\n",
                secret.join("truth.parquet").display()
            ),
        );
        let input = dir.path().join("in");
        fs::create_dir_all(&input).unwrap();
        let (output, work) = (dir.path().join("out"), dir.path().join("work"));
        let command = format!("'{}'", probe.display());
        let inv = Invocation {
            command: &command,
            input: &input,
            output: &output,
            work: &work,
            seed: 7,
            protected: std::slice::from_ref(&secret),
        };
        let limits = Limits {
            timeout: Duration::from_secs(20),
            memory_mib: 1024,
            ..Limits::default()
        };
        let ran = run(&inv, limits, &sandbox);
        assert!(ran.is_ok(), "{:?}", ran.err());
        assert!(output.join("ran.txt").is_file(), "the script did not run");
        assert!(
            !output.join("seen.txt").exists(),
            "the protected folder was visible"
        );
    }

    /// bubblewrap where it works; otherwise says the test is skipped.
    fn bubblewrap() -> Option<Sandbox> {
        let sandbox = Sandbox::detect();
        if matches!(sandbox, Sandbox::None { .. }) {
            eprintln!("skipped: bubblewrap is not available here");
            return None;
        }
        Some(sandbox)
    }

    /// Writes an executable file.
    fn executable(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        let mut perms = fs::metadata(path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        fs::set_permissions(path, perms).unwrap();
    }

    #[test]
    fn a_virtual_environment_runs_under_bubblewrap() {
        let Some(sandbox) = bubblewrap() else {
            return;
        };
        let Some(python) = find_on_path("python3") else {
            eprintln!("skipped: no python3");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let venv = dir.path().join("venv");
        let made = std::process::Command::new(&python)
            .args(["-m", "venv", "--without-pip"])
            .arg(&venv)
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: python3 -m venv is not available");
            return;
        }
        // A module only the environment has: importing it proves the sandbox shows the venv
        // (its pyvenv.cfg and site-packages), not only the interpreter it links to.
        let lib = venv.join("lib");
        let site = fs::read_dir(&lib)
            .unwrap()
            .map(|e| e.unwrap().path().join("site-packages"))
            .find(|p| p.is_dir())
            .expect("the venv has site-packages");
        fs::write(site.join("telcosynth_venv_probe.py"), "VALUE = 'venv'\n").unwrap();
        // An editable install: a .pth naming a source folder outside the environment.
        let source = dir.path().join("project").join("src");
        fs::create_dir_all(&source).unwrap();
        fs::write(
            source.join("telcosynth_editable_probe.py"),
            "VALUE = 'editable'\n",
        )
        .unwrap();
        fs::write(site.join("project.pth"), format!("{}\n", source.display())).unwrap();
        let body = "import os, sys, telcosynth_venv_probe as m, telcosynth_editable_probe as e\n\
                    out = os.environ['TELCOSYNTH_OUTPUT']\n\
                    open(os.path.join(out, 'probe.txt'), 'w').write(m.VALUE + e.VALUE + ' ' + sys.prefix)\n";
        let script = dir.path().join("pipeline").join("run.py");
        executable(&script, body);
        // A console script installed in the environment: its #! line names the venv's python.
        let console = venv.join("bin").join("my-pipeline");
        executable(
            &console,
            &format!("#!{}\n{body}", venv.join("bin").join("python").display()),
        );
        let input = dir.path().join("in");
        fs::create_dir_all(&input).unwrap();
        let limits = Limits {
            timeout: Duration::from_secs(30),
            memory_mib: 2048,
            ..Limits::default()
        };
        for (name, command) in [
            (
                "interpreter and script",
                format!(
                    "'{}' '{}'",
                    venv.join("bin").join("python").display(),
                    script.display()
                ),
            ),
            ("console script", format!("'{}'", console.display())),
        ] {
            let output = dir.path().join(format!("out-{}", name.len()));
            let work = dir.path().join(format!("work-{}", name.len()));
            let inv = Invocation {
                command: &command,
                input: &input,
                output: &output,
                work: &work,
                seed: 7,
                protected: &[],
            };
            let ran = run(&inv, limits, &sandbox);
            assert!(ran.is_ok(), "{name}: {:?}", ran.err());
            let probe = fs::read_to_string(output.join("probe.txt")).unwrap();
            assert_eq!(probe, format!("venveditable {}", venv.display()), "{name}");
        }
    }
}
