//! A visitor's phone: roaming on the home network, a Malaysian tourist SIM, or none.
//!
//! Shares by nationality ([`phone_shares`], assumptions): visitors from Singapore and Brunei,
//! mostly short and frequent trips, usually keep roaming; from farther away more buy a prepaid
//! tourist SIM at the airport or border; [`NO_PHONE`] of each show no activity (phone off, or
//! Wi-Fi only).
//!
//! * Roaming: IMSI of one of the country's first three networks by MNC (weights
//!   [`PLMN_WEIGHTS`]; operators list their main networks first) with a keyed MSIN, an E.164
//!   MSISDN in the country's mobile format ([`mobile_format`]), served by a Malaysian host network
//!   by market share; records carry `roaming = 'inbound'`.
//! * Tourist SIM: a prepaid SIM of CelcomDigi, Maxis or U Mobile (the brands sold at the entry
//!   points), by market share, numbered from the operator's reserved ranks (never a resident's
//!   number, see [`crate::population::NumberingPlan::reserved_numbers`]), activated on the day of
//!   arrival and registered with the passport.
//!
//! Handsets: IMEIs from a plan over the visitor indices with serials counted down from the top of
//! each TAC, so they never meet residents' IMEIs.

use crate::permutation::Permutation;
use crate::population::{Holder, Population, Sim, SimNumbers};
use crate::public_data::country_plmns;
use crate::rng::{Purpose, key_hash, stream};
use crate::sampling::{Weighted, uniform};

use super::{Inbound, VISITOR_SIM_KEY_BASE, Visitor};

/// Operators whose tourist SIMs are sold at the entry points.
pub(crate) const TOURIST_SIM_OPERATORS: [&str; 3] = ["celcomdigi", "maxis", "umobile"];
/// Share of visitors without phone activity (assumption).
pub(crate) const NO_PHONE: f64 = 0.15;
/// Weights of a country's first three networks by MNC.
pub(crate) const PLMN_WEIGHTS: [f64; 3] = [0.5, 0.3, 0.2];

/// Relative weights of roaming and a tourist SIM among the visitors of a nationality who use a
/// phone (1 − [`NO_PHONE`]).
pub(crate) fn phone_shares(iso3: &str) -> (f64, f64) {
    match iso3 {
        "SGP" | "BRN" => (0.75, 0.10),
        "THA" | "IDN" => (0.55, 0.30),
        _ => (0.40, 0.45),
    }
}

/// (leading digits, digits after them) of a country's mobile numbers, national part
/// (assumptions from the national numbering plans; 10 digits for others).
pub(crate) fn mobile_format(iso3: &str) -> (&'static str, u32) {
    match iso3 {
        "SGP" => ("9", 7),
        "IDN" => ("812", 8),
        "CHN" => ("13", 9),
        "THA" => ("8", 8),
        "BRN" => ("8", 6),
        "IND" => ("9", 9),
        "PHL" => ("917", 7),
        "KOR" => ("10", 8),
        "TWN" => ("9", 8),
        "AUS" => ("4", 8),
        "GBR" => ("7", 9),
        "VNM" => ("9", 8),
        "JPN" => ("90", 8),
        "BGD" => ("17", 8),
        "USA" | "CAN" => ("415", 7),
        "FRA" => ("6", 8),
        "MMR" => ("9", 8),
        "DEU" => ("151", 8),
        "PAK" => ("3", 9),
        "RUS" => ("9", 9),
        "NPL" => ("98", 8),
        "NLD" => ("6", 8),
        _ => ("9", 9),
    }
}

/// How a visitor's phone is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    /// Roaming on the home network.
    Roaming,
    /// A Malaysian prepaid tourist SIM.
    TouristSim,
    /// No phone activity.
    None,
}

impl PhoneKind {
    /// Label used in tables.
    pub fn label(self) -> &'static str {
        match self {
            PhoneKind::Roaming => "roaming",
            PhoneKind::TouristSim => "tourist_sim",
            PhoneKind::None => "none",
        }
    }

    /// The `roaming` column of the records.
    pub(crate) fn roaming(self) -> &'static str {
        match self {
            PhoneKind::Roaming => "inbound",
            _ => "home",
        }
    }
}

/// A visitor's phone.
#[derive(Debug, Clone, PartialEq)]
pub struct Phone {
    /// Kind.
    pub kind: PhoneKind,
    /// The SIM in use: for a roamer the operator is the Malaysian host network and the account
    /// is empty.
    pub sim: Option<Sim>,
}

impl Phone {
    /// No phone.
    pub const NONE: Phone = Phone {
        kind: PhoneKind::None,
        sim: None,
    };
}

/// A number `n` in `prefix` + `digits` digits, unique for distinct `n` below 10^digits.
fn keyed_number(seed: u64, tag: &[u64], digits: u32, n: u64) -> u64 {
    let space = 10u64.pow(digits);
    Permutation::new(space, key_hash(seed, tag)).apply(n % space)
}

/// Draws the phone of visitor `v`.
pub(super) fn draw(inbound: &Inbound, population: &Population, v: &Visitor) -> Phone {
    let seed = inbound.seed;
    let mut rng = stream(seed, Purpose::VisitorPhone, v.index, 0);
    let (roam, local) = phone_shares(v.origin.iso3);
    let u = uniform(&mut rng);
    let kind = if u < roam * (1.0 - NO_PHONE) / (roam + local) {
        PhoneKind::Roaming
    } else if u < 1.0 - NO_PHONE {
        PhoneKind::TouristSim
    } else {
        PhoneKind::None
    };
    let key = VISITOR_SIM_KEY_BASE + v.index;
    let (imei, brand, model) = inbound.imei.imei_from_top(v.index);
    let numbers = match kind {
        PhoneKind::None => return Phone::NONE,
        PhoneKind::Roaming if inbound.hosts.is_empty() => return Phone::NONE,
        PhoneKind::TouristSim if inbound.sellers.is_empty() => return Phone::NONE,
        PhoneKind::Roaming => {
            let hosts = Weighted::new(inbound.hosts.iter().map(|h| h.1));
            let host = inbound.hosts[hosts.sample(&mut rng)].0;
            let plmns = country_plmns(v.origin.iso3);
            let n = plmns.len().min(PLMN_WEIGHTS.len());
            let plmn = &plmns[Weighted::new(PLMN_WEIGHTS[..n].iter().copied()).sample(&mut rng)];
            let msin_digits = 15 - 3 - plmn.mnc.len() as u32;
            let plmn_tag =
                plmn.mcc.parse::<u64>().unwrap_or(0) * 1000 + plmn.mnc.parse::<u64>().unwrap_or(0);
            let msin = keyed_number(seed, &[0x4D53_494E, plmn_tag], msin_digits, v.index);
            let (lead, digits) = mobile_format(v.origin.iso3);
            let country = v.origin.calling_code.parse::<u64>().unwrap_or(0);
            let number = keyed_number(seed, &[0x4D53_4953, country], digits, v.index);
            SimNumbers {
                operator: host,
                msisdn: format!(
                    "+{}{lead}{number:0width$}",
                    v.origin.calling_code,
                    width = digits as usize
                ),
                imsi: format!(
                    "{}{}{msin:0width$}",
                    plmn.mcc,
                    plmn.mnc,
                    width = msin_digits as usize
                ),
                account: String::new(),
            }
        }
        PhoneKind::TouristSim => {
            let sellers = Weighted::new(inbound.sellers.iter().map(|s| s.1));
            let seller = inbound.sellers[sellers.sample(&mut rng)].0;
            population
                .reserved_numbers(seller, v.index)
                .expect("checked by Inbound::check_numbers")
        }
    };
    Phone {
        kind,
        sim: Some(Sim {
            key,
            slot: 0,
            numbers,
            imei,
            brand,
            model,
            prepaid: true,
            activation: v.entry_date(),
            holder: Holder::User,
        }),
    }
}
