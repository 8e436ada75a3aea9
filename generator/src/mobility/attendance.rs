//! Who attends a gathering and when: an eligible resident attends each of its days with the
//! gathering's probability, drawn from `stream(seed, Gathering, person, day, gathering)`.

use chrono::NaiveDate;
use rand::SeedableRng;

use crate::events::Gathering;
use crate::events::gathering::{CONCERT_ARRIVAL_S, CONCERT_EXIT_S, VISIT_SPREAD};
use crate::population::Person;
use crate::rng::{Purpose, StreamRng, key_hash};
use crate::sampling::uniform;

/// Whether `person` attends `gathering` on `date` (day `day` of the scenario), and if so when they arrive
/// at and leave the venue, seconds after local midnight.
pub(super) fn visit(
    gathering: &Gathering,
    seed: u64,
    person: &Person,
    date: NaiveDate,
    day: u32,
) -> Option<(i64, i64)> {
    if !gathering.on(date)
        || gathering.audience.is_some_and(|e| e != person.ethnicity)
        || gathering.catchment.binary_search(&person.district).is_err()
    {
        return None;
    }
    let key = [
        Purpose::Gathering as u64,
        person.id,
        u64::from(day),
        u64::from(gathering.index),
    ];
    let mut rng = StreamRng::seed_from_u64(key_hash(seed, &key));
    let mut u = || uniform(&mut rng);
    if u() >= gathering.attendance {
        return None;
    }
    let open = gathering.closes_s - gathering.opens_s;
    Some(match gathering.visit_s {
        None => {
            let arrive = gathering.opens_s + (u() * CONCERT_ARRIVAL_S.min(open) as f64) as i64;
            (
                arrive,
                gathering.closes_s + (u() * CONCERT_EXIT_S as f64) as i64,
            )
        }
        Some(visit) => {
            let (lo, hi) = VISIT_SPREAD;
            let stay = ((visit as f64 * (lo + (hi - lo) * u())) as i64).clamp(60, open);
            let arrive = gathering.opens_s + (u() * (open - stay) as f64) as i64;
            (arrive, arrive + stay)
        }
    })
}
