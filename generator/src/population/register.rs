//! Who a SIM is registered to: the register holder, who is not always the person using it.
//!
//! No bundled source gives SIM registration by age or the share of lines registered to someone
//! else; every share below is an assumption, chosen so that the register differs from the users
//! in the ways real registers do:
//!
//! - children under 12 hold a MyKid, not a MyKad (MyKad is issued at 12, National Registration
//!   Act): a line first activated before its user turned 12 is registered to an adult of the
//!   household (else to an adult living nearby, a relative outside the household);
//! - postpaid contracts need an account holder of 18 or over (the operators' terms): a
//!   teenager's postpaid line is a family line registered to an adult of the household;
//! - [`COMPANY_LINE_SHARE`] of working-age citizens' postpaid lines are company lines,
//!   registered to an employer ([`company`]);
//! - [`FAMILY_LINE_SHARE`] of other adults' postpaid lines are supplementary lines of another
//!   household adult's family plan, and [`PREPAID_OTHER_SHARE`] of adults' prepaid lines were
//!   registered by another household adult (a relative who bought it).
//!
//! A company appears in the register as a company: its name, `id_type` `ssm` and its 12-digit
//! SSM registration number (the format of the Companies Act 2016 numbers issued since 2019:
//! year of incorporation, entity type `01` for a local company, a six-digit serial), no sex, birth
//! date or nationality, a billing e-mail and an address in the user's home district (assumption:
//! the bundled data places no employers). That is what a corporate account's KYC holds: the
//! company, not the employee using the line.

use chrono::NaiveDate;

use super::{Address, Identity, address};
use crate::public_data::District;
use crate::rng::StreamRng;
use crate::sampling::index;

/// Age MyKad is issued at: a younger child holds a MyKid and cannot register a SIM.
pub(crate) const MYKAD_AGE: u32 = 12;
/// Age of an account holder for postpaid plans and of any holder of someone else's line.
pub(crate) const ADULT_AGE: u32 = 18;
/// Share of under-18 users' SIMs on prepaid plans (assumption: pocket-money plans; the third of
/// teenagers' SIMs on postpaid that the generator had before was not plausible).
pub(crate) const TEEN_PREPAID_SHARE: f64 = 0.9;
/// Share of postpaid lines of citizens aged 21–60 registered to their employer (assumption).
pub(crate) const COMPANY_LINE_SHARE: f64 = 0.15;
/// Share of adults' other postpaid lines registered to another adult of the household, when
/// there is one (assumption: supplementary lines of family plans).
pub(crate) const FAMILY_LINE_SHARE: f64 = 0.25;
/// Share of adults' prepaid lines registered to another adult of the household, when there is
/// one (assumption).
pub(crate) const PREPAID_OTHER_SHARE: f64 = 0.05;
/// Ages of users whose postpaid lines may be company lines.
pub(crate) const WORKING_AGES: std::ops::RangeInclusive<u32> = 21..=60;
/// Minimum age gap between a child and the adult their line is registered to.
pub(crate) const PARENT_GAP_YEARS: u32 = 16;
/// How many ids on either side of a household a relative is looked for when the household has
/// no suitable adult.
pub(crate) const RELATIVE_SEARCH: u64 = 200;
/// Residents of a district per employer holding company lines (assumption: with the shares
/// above, a few company lines per employer).
pub(crate) const RESIDENTS_PER_EMPLOYER: u64 = 40;

/// The register holder of a SIM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// The person who uses the SIM.
    User,
    /// Another person: a parent for a child's line, a relative for a family line.
    Person(u64),
    /// An employer of the user's home district, by index: a company line. Also the fallback for
    /// a child's line when no adult could be found (a line registered by a dealer).
    Company(u32),
}

/// Why a line is registered to someone else, in the order the rules are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// The user could not register it: a parent (an adult at least [`PARENT_GAP_YEARS`] older).
    Parent,
    /// Another adult of the household, if there is one.
    Relative,
    /// The user's employer.
    Employer,
    /// The user.
    None,
}

/// Which holder a line needs, from its user's birth date and citizenship, its plan and
/// activation; `draw` gives the Bernoulli draws of the optional rules (in a fixed order).
pub(crate) fn need(
    birth: NaiveDate,
    citizen: bool,
    reference: NaiveDate,
    prepaid: bool,
    activation: NaiveDate,
    mut draw: impl FnMut(f64) -> bool,
) -> Need {
    let age_then = activation.years_since(birth).unwrap_or(0);
    let age_now = reference.years_since(birth).unwrap_or(0);
    let company = draw(COMPANY_LINE_SHARE);
    let family = draw(FAMILY_LINE_SHARE);
    let other = draw(PREPAID_OTHER_SHARE);
    if age_then < MYKAD_AGE || (!prepaid && age_then < ADULT_AGE) {
        Need::Parent
    } else if !prepaid && citizen && WORKING_AGES.contains(&age_now) && company {
        Need::Employer
    } else if (!prepaid && family) || (prepaid && other) {
        Need::Relative
    } else {
        Need::None
    }
}

/// Whether a person born on `holder_birth` can hold the line of a user born on `user_birth`,
/// activated on `activation`, for the given need.
pub(crate) fn can_hold(
    need: Need,
    holder_birth: NaiveDate,
    user_birth: NaiveDate,
    activation: NaiveDate,
) -> bool {
    let adult = activation.years_since(holder_birth).unwrap_or(0) >= ADULT_AGE;
    match need {
        Need::Parent => {
            adult && user_birth.years_since(holder_birth).unwrap_or(0) >= PARENT_GAP_YEARS
        }
        _ => adult,
    }
}

/// The register identity of an employer of `district`, drawn from the employer's own stream.
pub(crate) fn company(district: &District, rng: &mut StreamRng) -> Identity {
    const FIRST: &[&str] = &[
        "Maju", "Jaya", "Sinar", "Mega", "Setia", "Harapan", "Bina", "Gemilang", "Cahaya",
        "Perdana", "Murni", "Indah", "Wawasan", "Kencana", "Delima",
    ];
    const SECOND: &[&str] = &[
        "Trading",
        "Engineering",
        "Logistics",
        "Holdings",
        "Enterprise",
        "Services",
        "Construction",
        "Technology",
        "Resources",
        "Industries",
    ];
    let a = FIRST[index(rng, FIRST.len())];
    let b = FIRST[index(rng, FIRST.len())];
    let kind = SECOND[index(rng, SECOND.len())];
    let name = format!("{a} {b} {kind} Sdn. Bhd.");
    let year = 1980 + index(rng, 45);
    let serial = 1 + index(rng, 999_999);
    let document_number = format!("{year}01{serial:06}");
    let domain: String = format!("{a}{b}")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let address: Address = address::address(district, rng);
    Identity {
        name,
        document_type: "ssm",
        document_number,
        email: format!("accounts@{domain}.com.my"),
        address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_data::districts;
    use crate::rng::{Purpose, stream};
    use proptest::prelude::*;

    /// The year of incorporation an SSM number of a local company carries.
    fn ssm_year(number: &str) -> Option<usize> {
        (number.len() == 12 && number.bytes().all(|b| b.is_ascii_digit()) && &number[4..6] == "01")
            .then(|| number[..4].parse().ok())
            .flatten()
    }

    fn date(days: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(days)
    }

    proptest! {
        #[test]
        fn lines_of_children_and_teen_postpaid_need_a_parent(
            birth in 0i64..27_000, tenure in 1i64..9_000, prepaid in any::<bool>(),
            draws in proptest::collection::vec(any::<bool>(), 3),
        ) {
            let reference = date(27_400);
            let birth = date(birth);
            let activation = (reference - chrono::Duration::days(tenure)).max(birth);
            let mut d = draws.into_iter();
            let need = need(birth, true, reference, prepaid, activation, |_| d.next().unwrap());
            let age_then = activation.years_since(birth).unwrap_or(0);
            if age_then < MYKAD_AGE || (!prepaid && age_then < ADULT_AGE) {
                prop_assert_eq!(need, Need::Parent);
            } else {
                prop_assert_ne!(need, Need::Parent);
            }
        }

        #[test]
        fn holders_are_adults_at_activation(
            holder in 0i64..27_000, user in 0i64..27_000, activation in 0i64..27_400,
        ) {
            let (h, u, a) = (date(holder), date(user), date(activation));
            for need in [Need::Parent, Need::Relative] {
                if can_hold(need, h, u, a) {
                    prop_assert!(a.years_since(h).unwrap_or(0) >= ADULT_AGE);
                }
            }
        }
    }

    #[test]
    fn companies_carry_a_well_formed_ssm_number() {
        let district = &districts()[0];
        for id in 0..200 {
            let c = company(district, &mut stream(3, Purpose::Employer, id, 0));
            assert_eq!(c.document_type, "ssm");
            let year = ssm_year(&c.document_number).expect(&c.document_number);
            assert!((1980..2025).contains(&year));
            assert!(c.name.ends_with(" Sdn. Bhd."));
        }
    }
}
