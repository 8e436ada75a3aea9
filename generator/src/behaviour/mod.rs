//! Communication behaviour: activity levels, the contact graph, calls and SMS, data use.

pub mod activity;
pub mod calls;
pub mod contacts;
pub mod data;
