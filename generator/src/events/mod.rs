//! Scenario events: concerts and festivals that draw residents to a venue ([`gathering`]), and
//! network outages that take an operator's cells down in an area for a time window
//! ([`outage`]).
//!
//! Both are written in the scenario file (`[[gathering]]`, `[[outage]]`) and resolved by its
//! validation; a scenario without them generates exactly what it did before they existed.

pub mod gathering;
pub mod outage;

pub use gathering::{Gathering, GatheringKind};
pub use outage::Outage;

/// Default catchment of a gathering, km: districts whose centroid is this close to the venue
/// send attendees (assumption: a day trip within a metropolitan area).
pub(crate) const DEFAULT_CATCHMENT_KM: f64 = 50.0;
