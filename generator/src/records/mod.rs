//! From behaviour to the operator's records: call outcomes, location estimates,
//! data-record splitting and record numbering.

pub(crate) mod busy;
pub(crate) mod communication;
pub(crate) mod ids;
mod location;
mod radio;
pub(crate) mod roaming;
mod rows;
pub(crate) mod sessions;
pub(crate) mod visitor;

pub use crate::numbering::PhoneNumber;
pub(crate) use rows::IpCall;
pub use rows::{CdrRow, IpRecord};
