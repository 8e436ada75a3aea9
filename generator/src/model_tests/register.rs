//! The subscriber register against the users: no MyKad holder under 12, children's lines held
//! by adults, and the share of lines registered to someone other than their user, on every
//! bundled scenario.

use proptest::prelude::*;

use crate::plan::population_spec;
use crate::population::register::{ADULT_AGE, MYKAD_AGE};
use crate::population::{Holder, Population, mykad};
use crate::scenario::{self, bundled};

/// Band of the share of SIMs whose register holder is not their user (the `register_holder_other`
/// target of inspect/targets.toml, from the assumptions of `population::register`).
const HOLDER_OTHER_BAND: (f64, f64) = (0.14, 0.25);

fn populations() -> &'static [(String, Population)] {
    static POPULATIONS: std::sync::OnceLock<Vec<(String, Population)>> = std::sync::OnceLock::new();
    POPULATIONS.get_or_init(|| {
        bundled()
            .iter()
            .map(|b| {
                let s = scenario::parse(b.name, b.text, &crate::tables::names()).expect(b.name);
                let population = Population::new(population_spec(&s)).expect(b.name);
                (b.name.to_owned(), population)
            })
            .collect()
    })
}

/// Checks every SIM of person `id`: a MyKad holder is 12 or over at activation and on the first
/// day, and its MyKad carries the holder's birth date; a person holding another's line is an
/// adult at activation; a user under 12 at activation holds none of their lines.
fn check_person(population: &Population, id: u64) -> Result<(), TestCaseError> {
    let user = population.person(id);
    let start = population.reference_date();
    let own = population.identity(&user);
    for sim in population.sims(&user) {
        let r = population.registration(&user, &own, &sim);
        if user.age_on(sim.activation) < MYKAD_AGE {
            prop_assert!(sim.holder != Holder::User, "{id}: child registered to self");
        }
        match &r.person {
            Some(holder) => {
                if r.identity.document_type == "mykad" {
                    prop_assert!(holder.age_on(sim.activation) >= MYKAD_AGE);
                    prop_assert!(holder.age_on(start) >= MYKAD_AGE);
                    let (birth, _, male) =
                        mykad::parse(&r.identity.document_number).expect("well-formed MyKad");
                    prop_assert_eq!(male, holder.male);
                    prop_assert_eq!(
                        birth.format("%m%d").to_string(),
                        holder.birth_date.format("%m%d").to_string()
                    );
                }
                if holder.id != id {
                    prop_assert!(holder.age_on(sim.activation) >= ADULT_AGE);
                    prop_assert_eq!(sim.holder, Holder::Person(holder.id));
                }
            }
            None => {
                prop_assert!(matches!(sim.holder, Holder::Company(_)));
                prop_assert_eq!(r.identity.document_type, "ssm");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_mykad_holder_is_under_12(scenario in 0usize..64, at in 0.0f64..1.0) {
        let all = populations();
        let (_, population) = &all[scenario % all.len()];
        let id = ((population.len() as f64 * at) as u64).min(population.len() - 1);
        check_person(population, id)?;
    }
}

#[test]
fn children_aged_10_and_11_hold_no_line_themselves() {
    let (_, population) = &populations()[0];
    let start = population.reference_date();
    let mut children = 0;
    for id in 0..population.len().min(20_000) {
        let user = population.person(id);
        if user.age_on(start) < MYKAD_AGE && user.sims > 0 {
            children += 1;
            check_person(population, id).unwrap();
        }
    }
    assert!(
        children > 50,
        "{children} children with a SIM: nothing tested"
    );
}

#[test]
fn teenagers_lines_are_mostly_prepaid() {
    let (mut teen, mut prepaid) = (0u64, 0u64);
    for (_, population) in populations() {
        let start = population.reference_date();
        let step = (population.len() / 20_000).max(1);
        for id in (0..population.len()).step_by(step as usize) {
            let user = population.person(id);
            if user.age_on(start) < ADULT_AGE && user.is_citizen() {
                for sim in population.sims(&user) {
                    teen += 1;
                    prepaid += u64::from(sim.prepaid);
                }
            }
        }
    }
    let share = prepaid as f64 / teen as f64;
    assert!(teen > 1_000, "{teen} teenagers' SIMs");
    assert!(
        (0.87..=0.93).contains(&share),
        "{share} of {teen} on prepaid"
    );
}

#[test]
fn the_register_holder_differs_from_the_user_within_the_band() {
    for (name, population) in populations() {
        let (mut sims, mut other, mut company) = (0u64, 0u64, 0u64);
        let step = (population.len() / 6_000).max(1);
        for id in (0..population.len()).step_by(step as usize) {
            for sim in population.sims(&population.person(id)) {
                sims += 1;
                other += u64::from(sim.holder != Holder::User);
                company += u64::from(matches!(sim.holder, Holder::Company(_)));
            }
        }
        let share = other as f64 / sims as f64;
        assert!(
            (HOLDER_OTHER_BAND.0..=HOLDER_OTHER_BAND.1).contains(&share),
            "{name}: {share} of {sims} SIMs registered to someone else"
        );
        assert!(company > 0, "{name}: no company line");
    }
}
