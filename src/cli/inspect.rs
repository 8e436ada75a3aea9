//! `telcosynth inspect`: realism figures of a dataset against their targets.

use std::fs;

use telcosynth_inspect::{REPORT_FILE, inspect};

use super::{Failure, InspectArgs};

/// Runs `inspect`: writes the JSON report, then prints the text report.
pub fn run(args: InspectArgs) -> Result<(), Failure> {
    if !args.dataset.is_dir() {
        return Err(Failure::Input(format!(
            "{}: not a dataset folder; name the folder telcosynth generate wrote (it holds \
             manifest.json)",
            args.dataset.display()
        )));
    }
    let report = inspect(&args.dataset).map_err(|e| {
        if e.is_input() {
            Failure::Input(e.to_string())
        } else {
            Failure::Runtime(e.to_string())
        }
    })?;
    let path = args.json.unwrap_or_else(|| args.dataset.join(REPORT_FILE));
    fs::write(&path, report.to_json())
        .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display())))?;
    print!("{}", report.to_text());
    println!("\nJSON report: {}", path.display());
    Ok(())
}
