//! Mobile network operators, their network codes and their number ranges.

/// A mobile number block assigned to an operator.
#[derive(Debug, Clone)]
pub struct MsisdnPrefix {
    /// Digits after the country code 60 that start the number, e.g. `12` or `1030`.
    pub digits: &'static str,
    /// Length of the national significant number (after 60): 9, or 10 for the 011 and 015 ranges.
    pub nsn_length: u8,
}

/// A mobile network operator as modelled in scenarios.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Scenario key, e.g. `celcomdigi`.
    pub key: &'static str,
    /// Display name, e.g. `CelcomDigi`.
    pub name: &'static str,
    /// Mobile country code (502 for Malaysia).
    pub mcc: u16,
    /// Mobile network codes in use, the first being the primary one (e.g. `["13", "19", "16"]`).
    pub mncs: Vec<&'static str>,
    /// Default share of the scenario's subscriptions.
    pub market_share: f64,
    /// Share of prepaid subscriptions.
    pub prepaid_share: f64,
    /// Number blocks originally assigned to the operator.
    pub prefixes: Vec<MsisdnPrefix>,
}

/// All modelled operators, largest first.
pub fn operators() -> &'static [Operator] {
    todo!()
}
