//! A person's static attributes, a pure function of (seed, person id, home district).
//!
//! Sources: sex, age group, citizenship and ethnic group follow the district's Census 2020 shares.
//! Assumptions (no bundled source): ages are uniform within the census age groups, with the
//! 65+ group decaying exponentially (mean 8 years above 65, at most 100); non-citizens are 20–50
//! years old; their nationalities follow [`NON_CITIZEN_ORIGINS`]; 85% of citizens were born in
//! their home state, the rest in another state in proportion to its population; East Malaysian
//! Bumiputera split between Malay and indigenous naming as in [`EAST_MALAY_NAMING_SHARE`].

use chrono::{Duration, NaiveDate};

use crate::public_data::{District, states};
use crate::rng::StreamRng;
use crate::sampling::{Weighted, bernoulli, exponential, uniform, uniform_in};
pub(crate) use crate::vocabulary::Ethnicity;

/// Naming community, which decides name patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Community {
    /// Malay naming (bin/binti).
    Malay,
    /// Iban naming (anak), Sarawak.
    Iban,
    /// Kadazan-Dusun naming, Sabah.
    Kadazan,
    /// Chinese naming.
    Chinese,
    /// Indian naming (a/l, a/p).
    Indian,
    /// Indonesian nationals.
    Indonesian,
    /// South Asian and Myanmar nationals.
    SouthAsian,
    /// Anyone else.
    Other,
}

/// Nationalities of non-citizen residents (ISO 3166-1 alpha-3) and their assumed shares.
pub(crate) const NON_CITIZEN_ORIGINS: &[(&str, f64)] = &[
    ("IDN", 0.40),
    ("BGD", 0.20),
    ("NPL", 0.12),
    ("MMR", 0.10),
    ("IND", 0.08),
    ("PHL", 0.06),
    ("PAK", 0.04),
];

/// Share of Bumiputera in (Sabah, Sarawak) with Malay naming; the rest use indigenous naming.
pub(crate) const EAST_MALAY_NAMING_SHARE: (f64, f64) = (0.5, 0.45);

/// Sabah and Sarawak state codes.
/// Share of citizens living in their birth state, in a district that is not a metropolis
/// (assumption, near the national figure of about 85% that the census's lifetime migration
/// tables give).
pub(crate) const BORN_IN_STATE: f64 = 0.85;
/// How much lower that share is in the most urban districts (assumption): it falls linearly
/// from [`BORN_IN_STATE`] at an urban share of 0.9 to [`BORN_IN_STATE`] − this at 1.0, so
/// about half of Kuala Lumpur's, Petaling's or Johor Bahru's residents were born in another
/// state, as metropolises draw migrants from the whole country.
pub(crate) const METRO_MIGRANT_EXCESS: f64 = 0.35;
const SABAH: u8 = 12;
const SARAWAK: u8 = 13;

/// A person's static attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Person id, dense from 0.
    pub id: u64,
    /// Home district (index into the public-data districts).
    pub district: u16,
    /// Home state code.
    pub state_code: u8,
    /// Home point (longitude, latitude).
    pub home: (f64, f64),
    /// Male (true) or female.
    pub(crate) male: bool,
    /// Date of birth.
    pub(crate) birth_date: NaiveDate,
    /// Census ethnic group.
    pub(crate) ethnicity: Ethnicity,
    /// Naming community.
    pub(crate) community: Community,
    /// Nationality, ISO 3166-1 alpha-3.
    pub nationality: &'static str,
    /// Birth state code for citizens.
    pub(crate) birth_state: Option<u8>,
    /// Number of SIM cards held (0 to 3).
    pub sims: u8,
}

impl Person {
    /// Whether the person is a Malaysian citizen.
    pub(crate) fn is_citizen(&self) -> bool {
        self.birth_state.is_some()
    }

    /// Age in whole years on `date`.
    pub(crate) fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date).unwrap_or(0)
    }
}

/// Attributes drawn before the home point and SIMs are known.
pub(super) struct Attributes {
    pub(crate) male: bool,
    pub(crate) birth_date: NaiveDate,
    pub(crate) ethnicity: Ethnicity,
    pub(crate) community: Community,
    pub nationality: &'static str,
    pub(crate) birth_state: Option<u8>,
}

/// Draws citizenship, nationality and ethnic group from the district's census shares with the
/// household's stream (members of a household share them), then sex, age and birth state with
/// the person's own stream.
pub(super) fn draw_attributes(
    district: &District,
    reference: NaiveDate,
    household: &mut StreamRng,
    rng: &mut StreamRng,
) -> Attributes {
    let citizen = !bernoulli(household, district.non_citizen_share);
    let e = district.ethnicity;
    let origin = NON_CITIZEN_ORIGINS
        [Weighted::new(NON_CITIZEN_ORIGINS.iter().map(|o| o.1)).sample(household)]
    .0;
    let ethnicity = [
        Ethnicity::Bumiputera,
        Ethnicity::Chinese,
        Ethnicity::Indian,
        Ethnicity::Other,
    ][Weighted::new([e.bumiputera, e.chinese, e.indian, e.other]).sample(household)];
    let malay_naming = match district.state_code {
        SABAH => bernoulli(household, EAST_MALAY_NAMING_SHARE.0),
        SARAWAK => bernoulli(household, EAST_MALAY_NAMING_SHARE.1),
        _ => true,
    };

    let male = bernoulli(rng, district.male_share);
    let age_days = if citizen {
        let a = district.age;
        let years = match Weighted::new([a.under_15, a.from_15_to_64, a.over_64]).sample(rng) {
            0 => uniform_in(rng, 0.0, 15.0),
            1 => uniform_in(rng, 15.0, 65.0),
            _ => (65.0 + exponential(rng, 8.0)).min(100.0),
        };
        (years * 365.2425) as i64
    } else {
        (uniform_in(rng, 20.0, 50.0) * 365.2425) as i64
    };
    let birth_date = reference - Duration::days(age_days);
    if !citizen {
        let community = match origin {
            "IDN" => Community::Indonesian,
            "PHL" => Community::Other,
            _ => Community::SouthAsian,
        };
        return Attributes {
            male,
            birth_date,
            ethnicity: Ethnicity::NonCitizen,
            community,
            nationality: origin,
            birth_state: None,
        };
    }
    let community = match ethnicity {
        Ethnicity::Bumiputera if malay_naming => Community::Malay,
        Ethnicity::Bumiputera if district.state_code == SABAH => Community::Kadazan,
        Ethnicity::Bumiputera => Community::Iban,
        Ethnicity::Chinese => Community::Chinese,
        Ethnicity::Indian => Community::Indian,
        _ => Community::Other,
    };
    let metro = ((district.urban_share - 0.9) / 0.1).clamp(0.0, 1.0);
    let birth_state = if bernoulli(rng, BORN_IN_STATE - METRO_MIGRANT_EXCESS * metro) {
        district.state_code
    } else {
        let all = states();
        all[Weighted::new(all.iter().map(|s| s.population as f64)).sample(rng)].code
    };
    Attributes {
        male,
        birth_date,
        ethnicity,
        community,
        nationality: "MYS",
        birth_state: Some(birth_state),
    }
}

/// Number of SIMs for a person of `age`, given the SIM-count distribution of phone owners.
pub(super) fn draw_sim_count(age: u32, owner_sims: &[f64; 3], rng: &mut StreamRng) -> u8 {
    let owns = match age {
        0..=9 => false,
        10..=14 => bernoulli(rng, YOUNG_TEEN_OWNERSHIP),
        _ => bernoulli(rng, ADULT_OWNERSHIP),
    };
    if !owns {
        return 0;
    }
    let u = uniform(rng);
    if u < owner_sims[0] {
        1
    } else if u < owner_sims[0] + owner_sims[1] {
        2
    } else {
        3
    }
}

/// Share of 10–14 year olds with a phone (assumption).
pub(super) const YOUNG_TEEN_OWNERSHIP: f64 = 0.6;
/// Share of persons 15 and over with a phone (assumption).
pub(super) const ADULT_OWNERSHIP: f64 = 0.97;
