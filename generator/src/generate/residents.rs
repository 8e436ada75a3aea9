//! A block of residents: persons, SIMs, subscribers and trips, then their days' cdr, data
//! records and trajectories.

use std::sync::Arc;

use crate::behaviour::activity::{activity, uses_data};
use crate::behaviour::calls::{CallBook, CallRates};
use crate::behaviour::contacts::candidate_ties;
use crate::behaviour::data::{MAX_DAILY_GB, data_day};
use crate::columnar::SinkError;
use crate::faults::Carry;
use crate::mobility::anchors::Teams;
use crate::mobility::{PlanCache, TripKind, local_midnight};
use crate::population::{MAX_SIMS, Person, Population, Sim};
use crate::public_data::operators;
use crate::records::PhoneNumber;
use crate::records::busy::BusyLines;
use crate::records::communication::{
    DayContext, DayEvents, Link, Party, ReachableSim, person_day_cdr,
};
use crate::records::roaming::{roams, visited_network};
use crate::records::sessions::{DataSim, ip_records, outbound_ip_records};
use crate::records::visitor::ROAMER_FACTOR;
use crate::rng::KeyMap;
use crate::tables::cdr::Served;
use crate::tables::trajectories::TrajectoriesBuilder;
use crate::tables::trips::TripsBuilder;
use crate::tables::visitors::VisitorsBuilder;
use crate::tables::{
    self, person_sims::PersonSimsBuilder, persons::PersonsBuilder, subscribers::SubscribersBuilder,
};

use super::run::*;

/// A person of the block being generated, with everything the days need.
pub(super) struct Resident {
    pub(super) person: Person,
    pub(super) sims: Vec<Sim>,
    pub(super) party: Arc<Party>,
    pub(super) links: Vec<Link>,
}

impl Run<'_> {
    /// Writes the block's persons, person_sims, subscribers and trips; returns its residents.
    pub(super) fn static_tables(
        &self,
        block: u64,
        ids: std::ops::Range<u64>,
    ) -> Result<Vec<Resident>, SinkError> {
        let population = &self.world.population;
        let seed = population.seed();
        let reference = self.world.scenario.start_date();
        let mut persons = PersonsBuilder::with_capacity((ids.end - ids.start) as usize);
        let mut person_sims = PersonSimsBuilder::default();
        let mut register = Vec::new();
        let mut trips = TripsBuilder::default();
        let want_persons = self.counter.wants(&tables::PERSONS);
        let want_person_sims = self.counter.wants(&tables::PERSON_SIMS);
        let want_trips = self.counter.wants(&tables::TRIPS);
        let want_visitors = self.counter.wants(&tables::VISITORS);
        let mut visitors = VisitorsBuilder::default();
        let mut residents = Vec::with_capacity((ids.end - ids.start) as usize);
        let mut parties = Parties::new(population);
        for id in ids {
            let person = population.person(id);
            if want_persons {
                persons.push(&person, person.age_on(reference));
            }
            if want_trips || want_visitors {
                let all = self.mobility.trips(&person);
                for t in all.iter().filter(|t| t.kind == TripKind::Leisure) {
                    visitors.push_domestic(id, t);
                }
                trips.push(id, &all);
            }
            let sims = population.sims(&person);
            if want_person_sims {
                sims.iter().for_each(|sim| person_sims.push(id, sim));
            }
            if self.counter.wants(&tables::SUBSCRIBERS) && !sims.is_empty() {
                let own = population.identity(&person);
                register.extend(
                    sims.iter()
                        .map(|sim| population.registration(&person, &own, sim)),
                );
            }
            let (party, links) = match parties.of(id) {
                Some(party) => (party, parties.links(id, self.rates)),
                None => (Arc::new(party(seed, id, &sims)), Vec::new()),
            };
            residents.push(Resident {
                person,
                sims,
                party,
                links,
            });
        }
        if want_persons {
            self.write(&tables::PERSONS, None, block, persons.finish())?;
        }
        if want_person_sims {
            self.write(&tables::PERSON_SIMS, None, block, person_sims.finish())?;
        }
        if want_trips {
            self.write(&tables::TRIPS, None, block, trips.finish())?;
        }
        if want_visitors {
            self.write(&tables::VISITORS, None, block, visitors.finish())?;
        }
        if self.counter.wants(&tables::SUBSCRIBERS) {
            let mut builder = SubscribersBuilder::default();
            let sims = residents.iter().flat_map(|r| &r.sims);
            for (sim, registration) in sims.zip(register) {
                builder.push(registration, sim);
            }
            self.write(&tables::SUBSCRIBERS, None, block, builder.finish())?;
        }
        Ok(residents)
    }

    /// Writes the block's cdr, ip_sessions, ip_calls and trajectories, day by day.
    pub(super) fn daily_tables(&self, block: u64, residents: &[Resident]) -> Result<(), SinkError> {
        let seed = self.world.population.seed();
        let start = self.world.scenario.start_date();
        let mut cache = PlanCache::new(4 * residents.len().max(64));
        let mut busy = BusyLines::new(&self.world.population, self.rates);
        for r in residents {
            busy.know(r.person.id, call_book(r));
        }
        // The identifiers of the block's SIMs, inline and side by side, by key: keys are person
        // id × MAX_SIMS + slot, and the block's ids are contiguous.
        let base = residents.first().map_or(0, |r| r.person.id * MAX_SIMS);
        let mut index = vec![u32::MAX; residents.len() * MAX_SIMS as usize];
        let mut identifiers: Vec<[PhoneNumber; 3]> = Vec::new();
        for sim in residents.iter().flat_map(|r| &r.sims) {
            index[(sim.key - base) as usize] = identifiers.len() as u32;
            identifiers.push(self::identifiers(sim));
        }
        let lookup = |key: u64| {
            let [msisdn, imsi, imei] = &identifiers[index[(key - base) as usize] as usize];
            Served { msisdn, imsi, imei }
        };
        let want = self.wanted_rows();
        let mut carry = Carry::default();
        for day in 0..self.world.scenario.days() {
            let date = start + chrono::Days::new(u64::from(day));
            let midnight = local_midnight(date);
            let ctx = DayContext {
                seed,
                day,
                midnight,
                radio: &self.radio,
                mobility: &self.mobility,
                ids: &self.cdr_ids,
            };
            let (mut cdr, mut sessions, mut calls) = (Vec::new(), Vec::new(), Vec::new());
            let mut trajectories = TrajectoriesBuilder::default();
            // Every resident's calls of the day first, so that the busy lines know them all
            // before any record asks (instead of drawing a resident's day twice).
            let mut events: Vec<Option<DayEvents>> = residents
                .iter()
                .map(|r| {
                    let calls = want.cdr && !r.party.sims.is_empty();
                    calls.then(|| {
                        let events = DayEvents::of(&ctx, &r.party, &r.links);
                        busy.know_calls(r.person.id, day, events.voice_calls());
                        events
                    })
                })
                .collect();
            for (r, events) in residents.iter().zip(&mut events) {
                // A cdr-only run looks a plan up only for a day with records.
                let plan = (want.trajectories || want.data)
                    .then(|| cache.plan_of(&self.mobility, &r.person, day));
                if let Some(plan) = plan.as_ref().filter(|_| want.trajectories) {
                    trajectories.push(r.person.id, plan);
                }
                if let Some(events) = events.take() {
                    let me = (&r.person, &*r.party);
                    let (lines, plan) = ((&mut cache, &mut busy), plan.clone());
                    person_day_cdr(&ctx, lines, me, plan, (&r.links, events), &mut cdr);
                }
                let Some(plan) = plan.filter(|_| want.data) else {
                    continue;
                };
                let abroad = plan.abroad_spans();
                for (sim, reach) in r.sims.iter().zip(&r.party.sims) {
                    if !uses_data(seed, sim.key, day) {
                        continue;
                    }
                    let level = r.party.activity / r.sims.len() as f64;
                    let whole = data_day(seed, sim.key, sim.slot, level, midnight, day);
                    // Abroad, a roaming SIM's data goes through the partner network of each
                    // country, with the tariff's lower volume.
                    let away: Vec<_> = (abroad.iter())
                        .filter(|_| reach.roams)
                        .map(|&(start, end, country)| {
                            let mut away = restrict(whole.clone(), &[(start, end)]);
                            away.bytes *= ROAMER_FACTOR;
                            (away, country)
                        })
                        .collect();
                    let data = if abroad.is_empty() {
                        whole
                    } else {
                        let spans: Vec<_> = abroad.iter().map(|&(s, e, _)| (s, e)).collect();
                        restrict(whole, &outside(&spans, midnight))
                    };
                    let mut data_sim = DataSim {
                        key: sim.key,
                        operator: sim.numbers.operator,
                        operator_name: operators()[sim.numbers.operator].name,
                        data: &data,
                        plan: &plan,
                        roaming: "home",
                    };
                    let ids = (&self.ip_ids, &self.session_ids);
                    // What the day's records may still carry: their noise never takes a day
                    // past the largest daily volume.
                    let mut left = MAX_DAILY_GB * 1e9;
                    let (at, records) = ((&data_sim, day), &mut sessions);
                    let mut used = ip_records(&self.radio, ids, at, &mut left, records, &mut calls);
                    for (data, country) in &away {
                        data_sim.data = data;
                        let visited = visited_network(seed, sim.key, country);
                        let (sim, at) = ((&data_sim, visited), (day, used));
                        used = outbound_ip_records(seed, ids, sim, at, &mut left, &mut sessions);
                    }
                }
            }
            let rows = DayRows {
                trajectories,
                cdr,
                sessions,
                calls,
            };
            self.write_day(block, (day, date), rows, &lookup, &mut carry)?;
        }
        Ok(())
    }
}

/// The parts of the local day from `midnight` outside the sorted, disjoint `spans`.
pub(super) fn outside(spans: &[(i64, i64)], midnight: i64) -> Vec<(i64, i64)> {
    let mut keep = Vec::with_capacity(spans.len() + 1);
    let mut t = midnight;
    for &(s, e) in spans {
        if s > t {
            keep.push((t, s));
        }
        t = t.max(e);
    }
    keep.push((t, midnight + 86_400));
    keep
}

/// A resident's call book from their party and links: the same as [`CallBook::of`] (links are
/// the ties to persons with a SIM, in the order of the candidate ties).
pub(super) fn call_book(r: &Resident) -> CallBook {
    let ties = r.links.iter().map(|l| l.calls).collect();
    CallBook::new(
        r.person.id,
        r.party.activity,
        r.party.sims.len() as u8,
        ties,
    )
}

/// A person as a call party: activity and reachable SIMs.
pub(super) fn party(seed: u64, id: u64, sims: &[Sim]) -> Party {
    Party {
        id,
        activity: activity(seed, id) * sims.len() as f64,
        sims: sims
            .iter()
            .map(|s| ReachableSim {
                key: s.key,
                operator: s.numbers.operator,
                msisdn: PhoneNumber::new(&s.numbers.msisdn),
                roams: roams(seed, s.key),
            })
            .collect(),
    }
}

/// The call parties of a block's residents and of their contacts, each computed once per block
/// (a person is the contact of a dozen others, most of them in the same block).
pub(super) struct Parties<'p> {
    pub(super) population: &'p Population,
    /// Person id → party, `None` for persons without a SIM.
    pub(super) known: KeyMap<u64, Option<Arc<Party>>>,
    /// Teams of the persons whose ties were drawn.
    teams: Teams,
}

impl<'p> Parties<'p> {
    pub(super) fn new(population: &'p Population) -> Self {
        Parties {
            population,
            known: KeyMap::default(),
            teams: Teams::default(),
        }
    }

    /// Person `id` as a call party: the same as [`party`] of the person's SIMs, from their SIM
    /// count and MSISDNs alone; `None` without a SIM.
    pub(super) fn of(&mut self, id: u64) -> Option<Arc<Party>> {
        let population = self.population;
        self.known
            .entry(id)
            .or_insert_with(|| {
                let count = population.sim_count(id);
                (count > 0).then(|| {
                    let seed = population.seed();
                    Arc::new(Party {
                        id,
                        activity: activity(seed, id) * f64::from(count),
                        sims: (0..u64::from(count))
                            .map(|slot| {
                                let key = id * MAX_SIMS + slot;
                                let (operator, msisdn) = population.operator_msisdn(key);
                                ReachableSim {
                                    key,
                                    operator,
                                    msisdn: PhoneNumber::new(&msisdn),
                                    roams: roams(seed, key),
                                }
                            })
                            .collect(),
                    })
                })
            })
            .clone()
    }

    /// The ties of person `id`, who holds a SIM, to others who hold one.
    pub(super) fn links(&mut self, id: u64, rates: CallRates) -> Vec<Link> {
        let seed = self.population.seed();
        let Some(me) = self.of(id) else {
            return Vec::new();
        };
        candidate_ties(seed, self.population, &mut self.teams, id)
            .into_iter()
            .filter_map(|c| {
                let other = self.of(c.other)?;
                Some(Link::new(seed, rates, c.tie, &me, other))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::test_spec;
    use crate::public_data::districts;
    use crate::vocabulary::PopulationSize;

    /// The call books the busy lines are given for a block's residents are those any shard
    /// computes for them from the population.
    #[test]
    fn residents_call_books_are_the_populations() {
        let klang_valley = districts()
            .iter()
            .filter(|d| matches!(d.state_code, 10 | 14 | 16))
            .map(|d| d.index)
            .collect();
        let spec = test_spec(7, klang_valley, PopulationSize::Persons(3_000));
        let population = Population::new(spec).unwrap();
        let seed = population.seed();
        let rates = CallRates::calibrate(seed, &population);
        let mut parties = Parties::new(&population);
        let mut ties = 0;
        for id in (0..3_000).step_by(11) {
            let person = population.person(id);
            let sims = population.sims(&person);
            let (party, links) = match parties.of(id) {
                Some(party) => (party, parties.links(id, rates)),
                None => (Arc::new(party(seed, id, &sims)), Vec::new()),
            };
            ties += links.len();
            let resident = Resident {
                person,
                sims,
                party,
                links,
            };
            let book = CallBook::of(seed, &population, &mut Teams::default(), rates, id);
            assert_eq!(call_book(&resident), book, "person {id}");
        }
        assert!(ties > 1_000, "{ties} ties");
    }
}
