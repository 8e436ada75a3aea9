//! Public data on Malaysia, embedded in the binary: states, districts and their
//! boundaries, operators and number ranges, handsets, identity-number codes, names and addresses,
//! the 2025 public and school holidays, and foreign visitors' origins, entry points and home
//! networks.
//!
//! Every table is derived from public sources by `generator/data/derive.py`; sources and licences
//! are in `generator/data/README.md`. Tables are parsed once, on first use.

pub(crate) mod address;
pub mod calendar;
mod csv;
mod districts;
mod handsets;
pub mod mykad;
pub(crate) mod names;
mod operators;
mod states;
#[cfg(test)]
mod tests;
pub mod visitors;

pub(crate) use calendar::{is_school_holiday, public_holiday};
pub use districts::{District, districts};
pub(crate) use handsets::{handset_brand_shares, tacs};
pub use mykad::state_birthplace_codes;
pub use operators::{MsisdnPrefix, Operator, operators};
pub(crate) use states::{Region, State, Weekend, state, states};
pub(crate) use visitors::{Attraction, attractions, country_plmns};
pub use visitors::{
    EntryKind, EntryPoint, InboundOrigin, RoamingPlmn, entry_points, inbound_origins, roaming_plmns,
};
