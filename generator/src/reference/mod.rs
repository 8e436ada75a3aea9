//! Public reference data on Malaysia, embedded in the binary: states, districts and their
//! boundaries, operators and number ranges, handsets, identity-number codes, names and addresses.
//!
//! Every table is derived from public sources by `generator/data/derive.py`; sources and licences
//! are in `generator/data/README.md`. Tables are parsed once, on first use.

pub mod address;
pub mod districts;
pub mod handsets;
pub mod mykad;
pub mod names;
pub mod operators;
pub mod states;

pub use districts::{AgeMix, District, EthnicMix, districts};
pub use handsets::{BrandShare, Tac, handset_brand_shares, tacs};
pub use operators::{MsisdnPrefix, Operator, operators};
pub use states::{Region, State, Weekend, states};
