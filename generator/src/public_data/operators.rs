//! Mobile network operators, their network codes and their number ranges.
//!
//! Number blocks nest (e.g. `1163` of unifi Mobile contains `11636` of U Mobile): the holder of
//! a number is the operator with the longest matching block, see [`operator_for_number`].

use std::sync::OnceLock;

use super::csv;

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
    pub(crate) mncs: Vec<&'static str>,
    /// Default share of the scenario's subscriptions.
    pub(crate) market_share: f64,
    /// Share of prepaid subscriptions.
    pub(crate) prepaid_share: f64,
    /// Number blocks originally assigned to the operator.
    pub prefixes: Vec<MsisdnPrefix>,
}

impl Operator {
    /// Key of the operator whose radio network carries this operator's subscribers. MVNO brands
    /// (Tune Talk, XOX, redONE and others) ride mostly on CelcomDigi's network; network operators
    /// carry themselves.
    pub fn network_key(&self) -> &'static str {
        if self.key == "mvno" {
            "celcomdigi"
        } else {
            self.key
        }
    }
}

/// All modelled operators, largest first.
pub fn operators() -> &'static [Operator] {
    static OPERATORS: OnceLock<Vec<Operator>> = OnceLock::new();
    OPERATORS.get_or_init(|| {
        let text = include_str!("../../data/operators.csv");
        let header = [
            "key",
            "name",
            "mcc",
            "mncs",
            "market_share",
            "prepaid_share",
            "source",
        ];
        let mut operators: Vec<Operator> = csv::records("operators.csv", text, header)
            .map(|r| {
                let [key, name, mcc, mncs, market_share, prepaid_share, _source] = r.fields;
                Operator {
                    key,
                    name,
                    mcc: r.parse(mcc),
                    mncs: mncs.split(' ').collect(),
                    market_share: r.parse(market_share),
                    prepaid_share: r.parse(prepaid_share),
                    prefixes: Vec::new(),
                }
            })
            .collect();
        let text = include_str!("../../data/msisdn_prefixes.csv");
        let header = ["operator", "digits", "nsn_length"];
        for r in csv::records("msisdn_prefixes.csv", text, header) {
            let [key, digits, nsn_length] = r.fields;
            let Some(operator) = operators.iter_mut().find(|o| o.key == key) else {
                r.fail(format_args!("unknown operator {key:?}"));
            };
            operator.prefixes.push(MsisdnPrefix {
                digits,
                nsn_length: r.parse(nsn_length),
            });
        }
        operators
    })
}

/// The operator holding the longest number block that starts `nsn` (the digits after the
/// country code 60), if any. With number portability this is the original operator, not
/// necessarily the current one.
#[cfg(test)]
pub(crate) fn operator_for_number(nsn: &str) -> Option<&'static Operator> {
    operators()
        .iter()
        .flat_map(|o| o.prefixes.iter().map(move |p| (o, p)))
        .filter(|(_, p)| nsn.starts_with(p.digits))
        .max_by_key(|(_, p)| p.digits.len())
        .map(|(o, _)| o)
}
