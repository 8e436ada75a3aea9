//! The stages of a run (preparing the view, each pipeline, its indicators, each attack): their
//! wall-clock time, CPU time and peak memory, recorded for the report, and announced to a
//! [`Progress`] (the CLI shows a spinner per stage on a terminal).
//!
//! Peak memory per stage is the harness process's peak resident set (`VmHWM`) after the peak
//! is reset at the stage's start (Linux `clear_refs`); where the reset is refused the figure is
//! the process's peak so far, and the report says so. Pipelines are child processes: their CPU
//! time is counted apart (`RUSAGE_CHILDREN`).

use std::time::Instant;

use serde::Serialize;

/// Told when each stage starts and ends.
pub trait Progress: Sync {
    /// `stage` starts.
    fn start(&self, stage: &str);
    /// `stage` ended after `wall_s` seconds.
    fn finish(&self, stage: &str, wall_s: f64);
}

/// A [`Progress`] that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _stage: &str) {}
    fn finish(&self, _stage: &str, _wall_s: f64) {}
}

/// What one stage took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageRecord {
    /// `prepare`, `pipeline NAME`, `indicators NAME`, `risk NAME: ATTACK`, …
    pub name: String,
    /// Wall-clock seconds.
    pub wall_s: f64,
    /// CPU seconds of the harness process (user and system).
    pub cpu_s: f64,
    /// CPU seconds of child processes (the pipeline) that ended during the stage.
    pub children_cpu_s: f64,
    /// Peak resident memory of the harness process during the stage, MiB.
    pub peak_rss_mib: Option<f64>,
    /// Whether the peak was reset at the start (else it is the peak of the run so far).
    pub peak_reset: bool,
}

/// Records stages in the order they ran.
pub struct Stages<'a> {
    progress: &'a dyn Progress,
    records: Vec<StageRecord>,
}

impl<'a> Stages<'a> {
    /// No stage yet; each is announced to `progress`.
    pub fn new(progress: &'a dyn Progress) -> Stages<'a> {
        Stages {
            progress,
            records: Vec::new(),
        }
    }

    /// Runs `work` as the stage `name`, recording what it took.
    pub fn run<T>(&mut self, name: impl Into<String>, work: impl FnOnce() -> T) -> T {
        let name = name.into();
        self.progress.start(&name);
        let peak_reset = reset_peak();
        let (cpu0, children0) = (cpu_s(libc::RUSAGE_SELF), cpu_s(libc::RUSAGE_CHILDREN));
        let started = Instant::now();
        let out = work();
        let wall_s = started.elapsed().as_secs_f64();
        self.records.push(StageRecord {
            wall_s,
            cpu_s: cpu_s(libc::RUSAGE_SELF) - cpu0,
            children_cpu_s: cpu_s(libc::RUSAGE_CHILDREN) - children0,
            peak_rss_mib: peak_rss_mib(),
            peak_reset,
            name: name.clone(),
        });
        self.progress.finish(&name, wall_s);
        out
    }

    /// The stages recorded, in order.
    pub fn into_records(self) -> Vec<StageRecord> {
        self.records
    }
}

/// Resets the process's peak resident set to its current size; false where refused.
fn reset_peak() -> bool {
    cfg!(target_os = "linux") && std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The process's peak resident set (`VmHWM`), MiB, where the platform reports it.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// User and system CPU seconds of `who` (`RUSAGE_SELF` or `RUSAGE_CHILDREN`), 0 if unknown.
fn cpu_s(who: libc::c_int) -> f64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut raw: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut raw) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(raw.ru_utime) + secs(raw.ru_stime)
}

/// The stages as a Markdown table (no heading).
pub fn markdown(records: &[StageRecord]) -> String {
    let mut md = String::from(
        "| stage | wall (s) | CPU (s) | pipeline CPU (s) | peak memory (MiB) |\n|---|---|---|---|---|\n",
    );
    for r in records {
        let peak = match (r.peak_rss_mib, r.peak_reset) {
            (Some(m), true) => format!("{m:.0}"),
            (Some(m), false) => format!("≤ {m:.0} (peak of the run so far)"),
            (None, _) => "—".to_owned(),
        };
        md.push_str(&format!(
            "| {} | {:.1} | {:.1} | {:.1} | {peak} |\n",
            r.name, r.wall_s, r.cpu_s, r.children_cpu_s
        ));
    }
    md
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    struct Log(Mutex<Vec<String>>);

    impl Progress for Log {
        fn start(&self, stage: &str) {
            self.0.lock().unwrap().push(format!("start {stage}"));
        }
        fn finish(&self, stage: &str, _wall_s: f64) {
            self.0.lock().unwrap().push(format!("finish {stage}"));
        }
    }

    #[test]
    fn stages_are_announced_and_recorded_in_order_with_their_peak_memory() {
        let log = Log(Mutex::new(Vec::new()));
        let mut stages = Stages::new(&log);
        let kept = stages.run("big", || {
            // 64 MiB touched: the stage's peak must see it.
            let v = vec![1u8; 64 << 20];
            v.iter().map(|&b| u64::from(b)).sum::<u64>()
        });
        assert_eq!(kept, 64 << 20);
        stages.run("small", || ());
        let records = stages.into_records();
        assert_eq!(
            *log.0.lock().unwrap(),
            ["start big", "finish big", "start small", "finish small"]
        );
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].name, "big");
        if cfg!(target_os = "linux") {
            let (big, small) = (
                records[0].peak_rss_mib.unwrap(),
                records[1].peak_rss_mib.unwrap(),
            );
            assert!(big >= 64.0, "{big}");
            if records[1].peak_reset {
                assert!(small < big - 32.0, "the peak was reset: {small} vs {big}");
            }
        }
        let md = markdown(&records);
        assert!(md.contains("| big |") && md.contains("| small |"), "{md}");
    }
}
