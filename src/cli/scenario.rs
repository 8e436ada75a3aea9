//! `telcosynth scenario list|show|validate`.

use telcosynth_generator::scenario::{self, bundled, normalised_toml};
use telcosynth_generator::tables;

use super::Failure;

/// Prints the bundled scenarios with their descriptions.
pub fn list() -> Result<(), Failure> {
    let width = bundled().iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in bundled() {
        println!("{:width$}  {}", s.name, s.description);
    }
    Ok(())
}

/// Prints a bundled scenario's text.
pub fn show(name: &str) -> Result<(), Failure> {
    let found = bundled().iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = bundled().iter().map(|s| s.name).collect();
        Failure::Input(format!(
            "no bundled scenario named {name:?}; bundled scenarios: {}",
            names.join(", ")
        ))
    })?;
    print!("{}", found.text);
    Ok(())
}

/// Validates a scenario and prints its normalised form.
pub fn validate(arg: &str) -> Result<(), Failure> {
    let parsed = scenario::resolve(arg).load(&tables::names())?;
    print!("{}", normalised_toml(&parsed));
    Ok(())
}
