//! The tables the generator writes: one file per table, each with its schema and batch builder.

pub mod cells;
pub mod person_sims;
pub mod persons;
pub mod subscribers;

use chrono::NaiveDate;

use crate::geography::Geography;
use crate::table::TableSchema;

pub use cells::CELLS;
pub use person_sims::PERSON_SIMS;
pub use persons::PERSONS;
pub use subscribers::SUBSCRIBERS;

/// Every table, operator view first, then truth.
pub static ALL: &[&TableSchema] = &[&SUBSCRIBERS, &CELLS, &PERSONS, &PERSON_SIMS];

/// Names of every table, in [`ALL`] order.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|t| t.name).collect()
}

/// A table by name.
pub fn by_name(name: &str) -> Option<&'static TableSchema> {
    ALL.iter().copied().find(|t| t.name == name)
}

/// Days since 1970-01-01.
pub fn date_days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// (code, district name, state name) of a district.
fn district_columns(district: u16) -> (&'static str, &'static str, &'static str) {
    let d = Geography::get().district(district);
    (d.code, d.name, d.state)
}
