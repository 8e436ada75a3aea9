//! Colleague ties: workers sharing a workplace, calling in working hours.

use super::klang_valley;
use crate::behaviour::calls::{CallRates, Medium, TieCalls, TieDay, tie_calls_on};
use crate::behaviour::contacts::{Tie, candidate_ties};
use crate::mobility::calendar::{day_type, local_midnight};
use crate::mobility::{
    Mobility,
    anchors::{Occupation, Teams},
};
use crate::population::{Population, test_spec};
use crate::vocabulary::PopulationSize;

#[test]
fn colleagues_work_at_the_same_place_and_call_in_working_hours() {
    let population = Population::new(test_spec(
        11,
        klang_valley(),
        PopulationSize::Persons(20_000),
    ))
    .unwrap();
    let start = population.reference_date();
    let mobility = Mobility::new(&population, &klang_valley(), start);
    let rates = CallRates::calibrate(11, &population);
    let (mut pairs, mut workers, mut with_colleague) = (0, 0, 0);
    let (mut calls, mut in_hours) = (0, 0);
    let teams = &mut Teams::default();
    for id in (0..20_000).step_by(13) {
        let person = population.person(id);
        let anchors = mobility.anchors(&person);
        let is_worker = matches!(anchors.occupation, Occupation::Worker(_));
        workers += usize::from(is_worker);
        let ties = candidate_ties(11, &population, teams, id);
        let colleagues: Vec<_> = ties
            .iter()
            .filter(|c| matches!(c.tie, Tie::Colleague(_)))
            .collect();
        with_colleague += usize::from(!colleagues.is_empty());
        for c in colleagues {
            pairs += 1;
            let other = population.person(c.other);
            assert!(is_worker);
            assert_eq!(
                anchors.work(),
                mobility.anchors(&other).work(),
                "{id}, {}",
                c.other
            );
            let (a, b) = (id.min(c.other), id.max(c.other));
            let tie = TieCalls::new(
                11,
                &TieDay {
                    a,
                    b,
                    tie: c.tie,
                    activity: (1.0, 1.0),
                    rates,
                    sims: (1, 1),
                },
            );
            for day in 0..14u32 {
                let date = start + chrono::Days::new(u64::from(day));
                let midnight = local_midnight(date);
                let working = day_type(person.state_code, date).is_working_day();
                for e in tie_calls_on(11, &tie, midnight, day) {
                    if e.medium != Medium::Voice {
                        continue;
                    }
                    calls += 1;
                    let hour = (e.start - midnight) / 3_600;
                    in_hours += usize::from(working && (8..18).contains(&hour));
                }
            }
        }
    }
    assert!(pairs > 100, "{pairs} colleague ties");
    // Workers sharing a workplace (half of them) mostly have a colleague among their contacts.
    let share = with_colleague as f64 / workers as f64;
    assert!((0.1..0.6).contains(&share), "{share} of workers");
    let share = in_hours as f64 / calls as f64;
    assert!(
        calls > 100 && share > 0.7,
        "{in_hours} of {calls} calls in working hours"
    );
}
