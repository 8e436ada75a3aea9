//! A block of inbound visitors: who is in the region, their SIMs and their days.

use crate::behaviour::data::{MAX_DAILY_GB, data_day};
use crate::columnar::SinkError;
use crate::faults::Carry;
use crate::mobility::local_midnight;
use crate::population::{Identity, Person, Registration};
use crate::public_data::operators;
use crate::records::PhoneNumber;
use crate::records::sessions::{DataSim, ip_records};
use crate::records::visitor::{ROAMER_FACTOR, VisitorSim, visitor_day_cdr};
use crate::rng::KeyMap;
use crate::tables::cdr::Served;
use crate::tables::trajectories::TrajectoriesBuilder;
use crate::tables::visitors::VisitorsBuilder;
use crate::tables::{self, person_sims::PersonSimsBuilder, subscribers::SubscribersBuilder};
use crate::visitors::{PhoneKind, Visitor};

use super::run::*;

impl Run<'_> {
    /// Writes a block of visitor indices: the visitors present in the region during the period,
    /// their SIMs (register entries for tourist SIMs) and their days.
    pub(super) fn visitor_block(
        &self,
        block: u64,
        indices: std::ops::Range<u64>,
    ) -> Result<(), SinkError> {
        let world = self.world;
        let seed = world.scenario.seed();
        let visitors: Vec<Visitor> = indices
            .filter_map(|i| world.inbound.visitor(&world.population, i))
            .collect();
        if self.counter.wants(&tables::VISITORS) {
            let mut builder = VisitorsBuilder::default();
            visitors.iter().for_each(|v| builder.push(v));
            self.write(&tables::VISITORS, None, block, builder.finish())?;
        }
        if self.counter.wants(&tables::PERSON_SIMS) {
            let mut builder = PersonSimsBuilder::default();
            for v in &visitors {
                if let Some(sim) = &v.phone.sim {
                    builder.push(v.id, sim);
                }
            }
            self.write(&tables::PERSON_SIMS, None, block, builder.finish())?;
        }
        if self.counter.wants(&tables::SUBSCRIBERS) {
            let tourists: Vec<(&Visitor, Person, Identity)> = visitors
                .iter()
                .filter(|v| v.phone.kind == PhoneKind::TouristSim)
                .map(|v| (v, v.holder(), v.registration(seed)))
                .collect();
            let mut builder = SubscribersBuilder::default();
            for (v, holder, identity) in tourists {
                if let Some(sim) = &v.phone.sim {
                    let registration = Registration {
                        district: holder.district,
                        person: Some(holder),
                        identity,
                    };
                    builder.push(registration, sim);
                }
            }
            self.write(&tables::SUBSCRIBERS, None, block, builder.finish())?;
        }
        if DAILY_TABLES.iter().any(|t| self.counter.wants(t)) {
            self.visitor_days(block, &visitors)?;
        }
        Ok(())
    }

    /// Writes the visitors' cdr, ip_sessions, ip_calls and trajectories, day by day.
    pub(super) fn visitor_days(&self, block: u64, visitors: &[Visitor]) -> Result<(), SinkError> {
        let seed = self.world.scenario.seed();
        let start = self.world.scenario.start_date();
        let served: KeyMap<u64, [PhoneNumber; 3]> = visitors
            .iter()
            .filter_map(|v| v.phone.sim.as_ref())
            .map(|s| (s.key, identifiers(s)))
            .collect();
        let lookup = |key: u64| {
            let [msisdn, imsi, imei] = &served[&key];
            Served { msisdn, imsi, imei }
        };
        let want = self.wanted_rows();
        let mut carry = Carry::default();
        for day in 0..self.world.scenario.days() {
            let date = start + chrono::Days::new(u64::from(day));
            let midnight = local_midnight(date);
            let (mut cdr, mut sessions, mut calls) = (Vec::new(), Vec::new(), Vec::new());
            let mut trajectories = TrajectoriesBuilder::default();
            for v in visitors {
                let Some(plan) = self.world.inbound.plan(v, date) else {
                    continue;
                };
                if want.trajectories {
                    trajectories.push(v.id, &plan);
                }
                let Some(sim) = &v.phone.sim else {
                    continue;
                };
                let roaming = v.phone.kind.roaming();
                if want.cdr {
                    let on_day = VisitorSim {
                        sim,
                        country: v.origin.iso3,
                        calling_code: v.origin.calling_code,
                        roaming,
                        plan: &plan,
                    };
                    visitor_day_cdr(&self.radio, &self.cdr_ids, &on_day, day, midnight, &mut cdr);
                }
                if !want.data {
                    continue;
                }
                let level = if v.phone.kind == PhoneKind::Roaming {
                    ROAMER_FACTOR
                } else {
                    1.0
                };
                let present = [(
                    plan.segments[0].start(),
                    plan.segments[plan.segments.len() - 1].end(),
                )];
                let data = restrict(data_day(seed, sim.key, 0, level, midnight, day), &present);
                let data_sim = DataSim {
                    key: sim.key,
                    operator: sim.numbers.operator,
                    operator_name: operators()[sim.numbers.operator].name,
                    data: &data,
                    plan: &plan,
                    roaming,
                };
                let mut left = MAX_DAILY_GB * 1e9;
                ip_records(
                    &self.radio,
                    (&self.ip_ids, &self.session_ids),
                    (&data_sim, day),
                    &mut left,
                    &mut sessions,
                    &mut calls,
                );
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
