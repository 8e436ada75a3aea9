//! Watching the dataset folder while a pipeline runs. The harness never hands a pipeline the
//! dataset (its input is the operator's view, prepared elsewhere), and bubblewrap, where
//! present, keeps the dataset out of the pipeline's sight. Without bubblewrap the pipeline runs
//! as the harness's user and could read the truth tables if it knew or searched for them; the
//! harness then watches every folder of the dataset with inotify (Linux) for the length of the
//! run and reports what was opened, so that such a pipeline fails with the paths it touched.
//!
//! The harness itself reads nothing of the dataset while a pipeline runs. Another process
//! reading the same dataset at the same time (a second `telcosynth bench` on it) would be
//! attributed to the pipeline.

use std::path::{Path, PathBuf};

/// Paths listed in a finding at most.
const LISTED: usize = 8;

/// An inotify watch on every folder of a dataset.
#[derive(Debug)]
pub struct TruthWatch {
    #[cfg(target_os = "linux")]
    fd: std::os::fd::OwnedFd,
    /// Folder of each watch descriptor, relative to the dataset.
    #[cfg(target_os = "linux")]
    dirs: std::collections::HashMap<i32, PathBuf>,
}

/// Every folder under `root` (itself included), skipping `skip` and what lies below it.
fn folders(root: &Path, skip: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if skip.is_some_and(|s| dir.starts_with(s)) {
            continue;
        }
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(e.path());
                }
            }
        }
        out.push(dir);
    }
    out.sort();
    out
}

impl TruthWatch {
    /// Starts watching every folder of `dataset` for opens and reads; `run_folder` (the bench's
    /// own folder: input, releases) is left out when it lies inside the dataset.
    #[cfg(target_os = "linux")]
    pub fn start(dataset: &Path, run_folder: &Path) -> Result<TruthWatch, String> {
        use std::ffi::CString;
        use std::os::fd::{FromRawFd, OwnedFd};
        use std::os::unix::ffi::OsStrExt;

        let dataset =
            std::fs::canonicalize(dataset).map_err(|e| format!("{}: {e}", dataset.display()))?;
        let run = std::fs::canonicalize(run_folder).unwrap_or_else(|_| run_folder.to_path_buf());
        let skip = run.starts_with(&dataset).then_some(run.as_path());
        // SAFETY: inotify_init1 takes flags only and returns a new descriptor or -1.
        let raw = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if raw < 0 {
            return Err(format!(
                "inotify is unavailable: {}",
                std::io::Error::last_os_error()
            ));
        }
        // SAFETY: `raw` is a fresh descriptor owned by nothing else.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let mut dirs = std::collections::HashMap::new();
        for dir in folders(&dataset, skip) {
            let c = CString::new(dir.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
            // SAFETY: a valid descriptor and a NUL-terminated path.
            let wd = unsafe {
                libc::inotify_add_watch(
                    std::os::fd::AsRawFd::as_raw_fd(&fd),
                    c.as_ptr(),
                    libc::IN_OPEN | libc::IN_ACCESS,
                )
            };
            if wd < 0 {
                return Err(format!(
                    "cannot watch {}: {}",
                    dir.display(),
                    std::io::Error::last_os_error()
                ));
            }
            let rel = dir.strip_prefix(&dataset).unwrap_or(&dir).to_path_buf();
            dirs.insert(wd, rel);
        }
        Ok(TruthWatch { fd, dirs })
    }

    /// Not available on this platform.
    #[cfg(not(target_os = "linux"))]
    pub fn start(_dataset: &Path, _run_folder: &Path) -> Result<TruthWatch, String> {
        Err("watching the dataset needs inotify (Linux)".into())
    }

    /// What was opened or read since the start: paths relative to the dataset (`.` for its own
    /// folder), sorted and deduplicated; "events lost" when the kernel's queue overflowed.
    #[cfg(target_os = "linux")]
    pub fn opened(&self) -> Vec<String> {
        use std::os::fd::AsRawFd;

        let mut found = std::collections::BTreeSet::new();
        let header = std::mem::size_of::<libc::inotify_event>();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            // SAFETY: reading into a buffer of the given length from our own descriptor.
            let n = unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast::<libc::c_void>(),
                    buf.len(),
                )
            };
            if n <= 0 {
                break;
            }
            let mut at = 0usize;
            while at + header <= n as usize {
                // SAFETY: the kernel writes whole events; read_unaligned copes with alignment.
                let ev: libc::inotify_event = unsafe {
                    std::ptr::read_unaligned(buf[at..].as_ptr().cast::<libc::inotify_event>())
                };
                let name_bytes = &buf[at + header..at + header + ev.len as usize];
                let name_len = name_bytes
                    .iter()
                    .position(|b| *b == 0)
                    .unwrap_or(name_bytes.len());
                let name = String::from_utf8_lossy(&name_bytes[..name_len]).into_owned();
                if ev.mask & libc::IN_Q_OVERFLOW != 0 {
                    found.insert("(events lost: the kernel's queue overflowed)".to_owned());
                } else if let Some(dir) = self.dirs.get(&ev.wd) {
                    let path = if name.is_empty() {
                        dir.clone()
                    } else {
                        dir.join(&name)
                    };
                    let text = path.display().to_string();
                    found.insert(if text.is_empty() { ".".into() } else { text });
                }
                at += header + ev.len as usize;
            }
        }
        found.into_iter().collect()
    }

    /// Not available on this platform.
    #[cfg(not(target_os = "linux"))]
    pub fn opened(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Whether `path` (relative to the dataset) lies in a truth table's folder.
fn in_truth_table(path: &str) -> bool {
    let table = path.split('/').next().unwrap_or_default();
    telcosynth_generator::tables::by_name(table)
        .is_some_and(|t| t.view == telcosynth_generator::columnar::View::Truth)
}

/// The failure reason for a pipeline that opened `paths` of the dataset; paths in truth tables
/// are listed first.
pub fn finding(paths: &[String]) -> String {
    let mut ordered: Vec<&str> = paths.iter().map(String::as_str).collect();
    ordered.sort_by_key(|p| (!in_truth_table(p), *p));
    let truth = ordered.iter().filter(|p| in_truth_table(p)).count();
    let mut listed: Vec<&str> = ordered.into_iter().take(LISTED).collect();
    if paths.len() > LISTED {
        listed.push("…");
    }
    format!(
        "opened the dataset folder, which holds the ground truth and was never given to the \
         pipeline: {} ({} paths, {truth} of them in truth tables; no sandbox — install \
         bubblewrap to keep the dataset out of reach)",
        listed.join(", "),
        paths.len()
    )
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn opens_in_the_dataset_are_seen_and_the_run_folder_is_not_watched() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("persons")).unwrap();
        std::fs::create_dir_all(data.join("cells")).unwrap();
        std::fs::create_dir_all(data.join("bench/input")).unwrap();
        std::fs::write(data.join("persons/part-0.parquet"), b"x").unwrap();
        std::fs::write(data.join("bench/input/schema.json"), b"{}").unwrap();
        let watch = TruthWatch::start(&data, &data.join("bench")).unwrap();
        assert!(watch.opened().is_empty());
        // The run folder inside the dataset is not watched.
        std::fs::read(data.join("bench/input/schema.json")).unwrap();
        assert!(watch.opened().is_empty(), "{:?}", watch.opened());
        std::fs::read(data.join("persons/part-0.parquet")).unwrap();
        let _ = std::fs::read_dir(data.join("cells")).unwrap().count();
        let seen = watch.opened();
        assert!(
            seen.contains(&"persons/part-0.parquet".to_owned()),
            "{seen:?}"
        );
        assert!(seen.contains(&"cells".to_owned()), "{seen:?}");
        assert!(watch.opened().is_empty(), "events are drained");
        let reason = finding(&seen);
        assert!(reason.contains("ground truth") && reason.contains("1 of them in truth tables"));
        // Truth tables first.
        let many: Vec<String> = (0..20)
            .map(|i| format!("cdr/f{i}"))
            .chain(["trajectories/date=2025-01-10".to_owned()])
            .collect();
        let reason = finding(&many);
        assert!(
            reason.contains("pipeline: trajectories/date=2025-01-10, cdr/f0"),
            "{reason}"
        );
    }
}
