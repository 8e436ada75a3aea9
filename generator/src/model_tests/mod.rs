//! Unit tests of the model that read scenarios or write tables: they sit above every layer, so
//! the model's own modules never import the scenario or the output tables.

mod colleagues;
mod mobility;
mod register;
mod visitors;

/// Districts of Selangor, Kuala Lumpur and Putrajaya.
pub(super) fn klang_valley() -> Vec<u16> {
    crate::public_data::districts()
        .iter()
        .filter(|d| matches!(d.state_code, 10 | 14 | 16))
        .map(|d| d.index)
        .collect()
}
