//! From behaviour to the operator's records: call outcomes, location estimates,
//! data-record splitting and record numbering.

pub mod communication;
pub mod ids;
pub mod location;
pub mod radio;
mod rows;
pub mod sessions;
pub mod visitor;

pub use crate::numbering::PhoneNumber;
pub use rows::{CdrRow, IpCall, IpRecord};
