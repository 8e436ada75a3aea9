//! The progress bar of a run that writes a dataset.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress bars appear only for work that lasts longer than this.
const PROGRESS_DELAY: Duration = Duration::from_secs(1);

/// A progress bar that shows itself only on a terminal and after [`PROGRESS_DELAY`].
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
}

impl Progress {
    /// A hidden bar of `total` persons.
    pub fn new(total: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} persons ({per_sec}, eta {eta})",
            )
            .expect("valid template"),
        );
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    /// Shows `done` of `total` persons (shown from now on if on a terminal and late enough).
    pub fn update(&self, done: u64, total: u64) {
        if self.bar.is_hidden()
            && self.started.elapsed() > PROGRESS_DELAY
            && std::io::stderr().is_terminal()
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
