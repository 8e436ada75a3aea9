//! Outbound roaming: a resident's SIM abroad (a Johor commuter at work in Singapore, a traveller
//! on a trip abroad) is served by a partner network there, and the home operator records its calls and data from the visited
//! network's roaming (TAP) files: `roaming = 'outbound'`, the visited network's PLMN, no
//! Malaysian cell and no location estimate. A SIM without roaming is unreachable abroad: calls
//! and messages to it fail, and it makes none on the home network.
//!
//! Assumptions, no source found: [`ROAMING_SHARE`] of SIMs have roaming on (Malaysian operators
//! sell Singapore roaming passes aimed at commuters, while many commuters and travellers buy a
//! local prepaid SIM instead); in Singapore the visited network is one of the three
//! long-established networks ([`PARTNER_MNCS`]), elsewhere any of the country's networks in
//! `roaming_plmns.csv`, chosen per SIM and country as steering of roaming keeps a SIM on one
//! partner;
//! a call's failure and drop risk there is that of an LTE cell at average load
//! ([`ROAMING_RISK`]); data volume abroad is that of the day at home, halved for roaming tariffs
//! as for inbound roamers ([`super::visitor::ROAMER_FACTOR`]).

use std::sync::OnceLock;

use crate::mobility::abroad::COUNTRIES;
use crate::public_data::visitors::country_plmns;
use crate::rng::{Purpose, key_hash, unit_f64};

/// `roaming` label of a record of a resident's SIM served abroad.
pub(crate) const OUTBOUND: &str = "outbound";
/// Share of SIMs with roaming on.
pub(crate) const ROAMING_SHARE: f64 = 0.6;
/// Failure and drop risk factor of a call leg on the visited network (see `super::radio`).
pub(crate) const ROAMING_RISK: f64 = 1.0;
/// Singapore networks that serve roaming Malaysian SIMs: SingTel, M1 and StarHub.
pub(crate) const PARTNER_MNCS: [&str; 3] = ["01", "03", "05"];

/// Whether SIM `sim_key` has roaming on.
pub(crate) fn roams(seed: u64, sim_key: u64) -> bool {
    unit_f64(key_hash(seed, &[Purpose::Roaming as u64, sim_key])) < ROAMING_SHARE
}

/// PLMN (MCC and MNC digits) of the network serving SIM `sim_key` in `country` (ISO alpha-3).
pub(crate) fn visited_network(seed: u64, sim_key: u64, country: &str) -> &'static str {
    static PARTNERS: OnceLock<Vec<(&'static str, Vec<String>)>> = OnceLock::new();
    let partners = PARTNERS.get_or_init(|| {
        (COUNTRIES.iter())
            .map(|&c| {
                let plmns = country_plmns(c);
                let codes = (plmns.iter())
                    .filter(|p| c != "SGP" || PARTNER_MNCS.contains(&p.mnc))
                    .map(|p| format!("{}{}", p.mcc, p.mnc))
                    .collect::<Vec<_>>();
                assert!(
                    !codes.is_empty(),
                    "roaming_plmns.csv lacks a network of {c}"
                );
                (c, codes)
            })
            .collect()
    });
    let (_, codes) = (partners.iter().find(|(c, _)| *c == country))
        .unwrap_or_else(|| panic!("{country} is not a country residents go to"));
    let h = key_hash(seed, &[Purpose::Roaming as u64, sim_key, 1]);
    &codes[(h % codes.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_the_roaming_share_of_sims_roam_on_a_partner_network() {
        let n = 20_000;
        let on = (0..n).filter(|&k| roams(7, k)).count() as f64 / n as f64;
        assert!((on - ROAMING_SHARE).abs() < 0.02, "{on}");
        let mut seen: Vec<&str> = (0..n).map(|k| visited_network(7, k, "SGP")).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, ["52501", "52503", "52505"]);
        for c in COUNTRIES {
            assert!(
                country_plmns(c)
                    .iter()
                    .any(|p| visited_network(7, 1, c).starts_with(p.mcc))
            );
        }
    }
}
