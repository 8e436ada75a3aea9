//! Malaysian names by community, and the `fake` locale built from the bundled name lists.
//!
//! Conventions: Malays `<given> bin|binti <father's given>`; Chinese surname first, then a
//! two-syllable given name, sometimes after an English name; Indians `<given> a/l|a/p <father's
//! given>`; Iban (Sarawak) `<given> anak <father's given>`. Name lists carry no population
//! frequencies, so draws within a list are uniform.

use fake::Fake;
use fake::faker::name::raw::FirstName;
use fake::locales::{Data, EN};

use crate::public_data::names::*;
use crate::rng::StreamRng;
use crate::sampling::{bernoulli, index};

use super::person::{Community, Person};

/// `fake` locale for Malaysia (ms_MY), from the bundled name and address lists.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MsMy;

impl Data for MsMy {
    const NAME_FIRST_NAME: &'static [&'static str] = MALAY_GIVEN_MALE;
    const NAME_LAST_NAME: &'static [&'static str] = CHINESE_SURNAMES;
    const INTERNET_FREE_EMAIL_PROVIDER: &'static [&'static str] = &[
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "yahoo.com.my",
    ];
}

/// Share of Chinese Malaysians who put an English given name first.
const CHINESE_ENGLISH_NAME_SHARE: f64 = 0.2;
/// Share of Malay given names that are compound (two parts, e.g. "Muhammad Hafiz").
const MALAY_COMPOUND_SHARE: f64 = 0.5;

fn pick(list: &'static [&'static str], rng: &mut StreamRng) -> &'static str {
    list[index(rng, list.len())]
}

fn malay_given(male: bool, rng: &mut StreamRng) -> String {
    let list = if male {
        MALAY_GIVEN_MALE
    } else {
        MALAY_GIVEN_FEMALE
    };
    let first = pick(list, rng);
    if bernoulli(rng, MALAY_COMPOUND_SHARE) {
        let second = pick(list, rng);
        if second != first {
            return format!("{first} {second}");
        }
    }
    first.to_string()
}

fn chinese_given(rng: &mut StreamRng) -> String {
    let a = pick(CHINESE_GIVEN_SYLLABLES, rng);
    let b = pick(CHINESE_GIVEN_SYLLABLES, rng);
    format!("{} {}", capitalise(a), capitalise(b))
}

fn english_first(rng: &mut StreamRng) -> &'static str {
    FirstName(EN).fake_with_rng(rng)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase()
            .chain(c.flat_map(char::to_lowercase))
            .collect()
    })
}

/// The full legal name of a person, drawn from the person's own name stream.
pub(crate) fn full_name(person: &Person, rng: &mut StreamRng) -> String {
    let male = person.male;
    match person.community {
        Community::Malay => {
            let link = if male { "bin" } else { "binti" };
            format!(
                "{} {link} {}",
                malay_given(male, rng),
                malay_given(true, rng)
            )
        }
        Community::Iban => format!("{} anak {}", english_first(rng), english_first(rng)),
        Community::Kadazan => format!("{} {}", english_first(rng), pick(MALAY_GIVEN_MALE, rng)),
        Community::Chinese => {
            let core = format!("{} {}", pick(CHINESE_SURNAMES, rng), chinese_given(rng));
            if bernoulli(rng, CHINESE_ENGLISH_NAME_SHARE) {
                format!("{} {core}", english_first(rng))
            } else {
                core
            }
        }
        Community::Indian => {
            let list = if male {
                INDIAN_GIVEN_MALE
            } else {
                INDIAN_GIVEN_FEMALE
            };
            let link = if male { "a/l" } else { "a/p" };
            format!(
                "{} {link} {}",
                pick(list, rng),
                pick(INDIAN_GIVEN_MALE, rng)
            )
        }
        Community::Indonesian => {
            format!("{} {}", malay_given(male, rng), pick(MALAY_GIVEN_MALE, rng))
        }
        Community::SouthAsian => {
            let list = if male {
                INDIAN_GIVEN_MALE
            } else {
                INDIAN_GIVEN_FEMALE
            };
            format!("{} {}", pick(list, rng), pick(INDIAN_GIVEN_MALE, rng))
        }
        Community::Other => format!(
            "{} {}",
            english_first(rng),
            fake::faker::name::raw::LastName(EN).fake_with_rng::<&str, _>(rng)
        ),
    }
}

/// A plausible personal e-mail address built from the name and birth year.
pub(crate) fn email(name: &str, birth_year: i32, rng: &mut StreamRng) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .filter(|w| !matches!(*w, "bin" | "binti" | "a/l" | "a/p" | "anak"))
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let user = match words.as_slice() {
        [] => "user".to_string(),
        [one] => one.clone(),
        [first, .., last] => {
            if bernoulli(rng, 0.5) {
                format!("{first}.{last}")
            } else {
                format!("{first}{last}")
            }
        }
    };
    let suffix = if bernoulli(rng, 0.5) {
        format!("{:02}", birth_year % 100)
    } else {
        String::new()
    };
    let provider: &str = fake::faker::internet::raw::FreeEmailProvider(MsMy).fake_with_rng(rng);
    format!("{user}{suffix}@{provider}")
}
