//! Public data on Malaysia, embedded in the binary: states, districts and their
//! boundaries, operators and number ranges, handsets, identity-number codes, names and addresses,
//! the 2025 public and school holidays, and foreign visitors' origins, entry points and home
//! networks.
//!
//! Every table is derived from public sources by `generator/data/derive.py`; sources and licences
//! are in `generator/data/README.md`. Tables are parsed once, on first use.

pub mod address;
pub mod calendar;
mod csv;
pub mod districts;
pub mod handsets;
pub mod mykad;
pub mod names;
pub mod operators;
pub mod states;
#[cfg(test)]
mod tests;
pub mod visitors;

pub use address::postcode_ranges;
pub use calendar::{
    PublicHoliday, SchoolHoliday, is_school_holiday, public_holiday, public_holidays,
    school_holidays,
};
pub use districts::{AgeMix, District, EthnicMix, districts};
pub use handsets::{BrandShare, Tac, brand_tacs, handset_brand_shares, tacs};
pub use mykad::{BirthplaceCode, birthplace_codes, state_birthplace_codes};
pub use operators::{MsisdnPrefix, Operator, operator_for_number, operators};
pub use states::{Region, State, Weekend, state, states};
pub use visitors::{
    Attraction, EntryKind, EntryPoint, InboundOrigin, RoamingPlmn, attractions, country_plmns,
    entry_points, inbound_origins, roaming_plmns,
};
