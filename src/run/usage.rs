//! Resource use of this process: peak resident memory and CPU time, from `getrusage`.

use std::time::Duration;

/// What the process has used so far.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// Peak resident set size (max RSS), bytes.
    pub max_rss_bytes: u64,
    /// CPU time in user mode.
    pub user: Duration,
    /// CPU time in the kernel.
    pub system: Duration,
}

/// Resource use of this process so far (`getrusage(RUSAGE_SELF)`), if the platform reports it.
pub fn usage() -> Option<Usage> {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut raw: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut raw) } != 0 {
        return None;
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    // Linux reports ru_maxrss in KiB, macOS in bytes.
    let unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
    Some(Usage {
        max_rss_bytes: raw.ru_maxrss as u64 * unit,
        user: time(raw.ru_utime),
        system: time(raw.ru_stime),
    })
}

/// Bytes as MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
