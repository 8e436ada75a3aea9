//! Communication behaviour: activity levels, the contact graph, calls and SMS, data use.

pub(crate) mod activity;
pub(crate) mod calls;
pub(crate) mod contacts;
pub(crate) mod data;
