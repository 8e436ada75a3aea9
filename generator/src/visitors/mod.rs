//! Inbound visitors: foreign tourists and same-day excursionists who cross into Malaysia during
//! the scenario, move between attractions and their hotels, and leave again.
//!
//! How many: `[tourism] inbound_scale` × `NATIONAL_ARRIVALS_PER_DAY` arrivals a day, the same
//! every day (MOTAC: 10.1 million foreign visitors in Q1 2025, 90 days; the count includes
//! same-day visitors, which the model has too).
//!
//! Who: nationalities in the shares of the Immigration Department's 2024 arrivals
//! ([`inbound_origins`]), assigned along a Weyl sequence over the arrival index (golden-ratio
//! steps), so every run of consecutive arrivals follows the shares to within a few arrivals.
//!
//! Where they enter: a state of entry from the nationality's 2024 states of entry, then an entry
//! point of that state that connects to the country; a land checkpoint or ferry terminal for the
//! neighbour ([`EntryPoint::connects_to`]) weighs `DEDICATED_CROSSING_WEIGHT` against 1 for an
//! airport (Subang, a turboprop airport, `SUBANG_WEIGHT`). Singaporeans thus cross mostly at the
//! Johor Causeway and the Second Link, Thais at Bukit Kayu Hitam and Padang Besar, long-haul
//! visitors fly into KLIA/klia2, Penang, Kota Kinabalu or Kuching. A visitor whose entry point lies
//! outside the scenario's region never appears in it; the others stay in the region: their hotels
//! and outings are attractions of the region on the entry's landmass.
//!
//! How long, and the itinerary: see `itinerary`; the phone: see `phone`.
//!
//! Identity: arrival `i` of day `d` (counted from `MAX_NIGHTS` days before the scenario's first
//! day, so that visitors already in the country on the first day exist) has the index
//! `c = d × per_day + i`, the person id `VISITOR_ID_BASE`` + c` (disjoint from residents' ids)
//! and the SIM key `VISITOR_SIM_KEY_BASE`` + c`. A visitor is a pure function of (seed, c),
//! drawn from `stream(seed, Purpose::Visitor, c, 0)`; visitors are generated in blocks of
//! consecutive indices after the residents' blocks, so any shard regenerates them identically.

mod itinerary;
pub(crate) mod phone;

pub(crate) use crate::numbering::{MAX_VISITORS, VISITOR_SIM_KEY_BASE};

use chrono::{Days, NaiveDate};

use crate::geography::Geography;
use crate::geography::Place;
use crate::mobility::calendar::local_midnight;
use crate::population::{
    Community, Ethnicity, Identity, ImeiPlan, NumberingExhausted, Person, Population, address,
    names, passport_number,
};
use crate::public_data::{
    Attraction, EntryKind, EntryPoint, InboundOrigin, attractions, districts, entry_points,
    inbound_origins, state,
};
use crate::rng::{Purpose, key_hash, stream, unit_f64};
use crate::sampling::{Weighted, bernoulli, uniform_in};

pub(crate) use itinerary::Base;
pub use phone::{Phone, PhoneKind};

/// Foreign arrivals in Malaysia per day: 10.1 million visitors in Q1 2025 (MOTAC via Livemint,
/// `tourism_arrivals_headline.csv`) over 90 days.
pub(crate) const NATIONAL_ARRIVALS_PER_DAY: f64 = 10_100_000.0 / 90.0;
/// Longest stay, nights; arrivals are generated from this many days before the first day.
pub(crate) const MAX_NIGHTS: u32 = 30;
/// Person id of the first visitor index; residents' ids are far below.
pub(crate) const VISITOR_ID_BASE: u64 = 1 << 40;
/// Weight of a land checkpoint or ferry terminal dedicated to the visitor's country against an
/// airport of the same state (assumption: 94% of Singaporean arrivals enter through Johor, nearly
/// all by road).
pub(crate) const DEDICATED_CROSSING_WEIGHT: f64 = 8.0;
/// Weight of Subang airport (SZB) against 1 for the other airports of Selangor (assumption: it
/// serves turboprop flights to Singapore only).
pub(crate) const SUBANG_WEIGHT: f64 = 0.05;

/// The inbound visitors of a scenario.
pub struct Inbound {
    seed: u64,
    start: NaiveDate,
    days: u32,
    per_day: u64,
    region: Vec<u16>,
    origins: Weighted,
    phase: f64,
    /// Attractions of the region.
    attractions: Vec<&'static Attraction>,
    /// Roaming host networks and tourist-SIM operators: (operator index, share).
    hosts: Vec<(usize, f64)>,
    sellers: Vec<(usize, f64)>,
    imei: ImeiPlan,
}

/// Everything the inbound visitors need from a scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InboundSpec {
    /// Scenario seed.
    pub seed: u64,
    /// First day of the period.
    pub start: NaiveDate,
    /// Days in the period.
    pub days: u32,
    /// The region's districts (indices into the public-data districts), sorted.
    pub districts: Vec<u16>,
    /// Every operator as (index, share), shares summing to 1.
    pub(crate) operator_shares: Vec<(usize, f64)>,
    /// Fraction of Malaysia's foreign arrivals that arrive in the scenario.
    pub(crate) inbound_scale: f64,
}

/// One inbound visitor.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// Visitor index.
    pub index: u64,
    /// Person id.
    pub id: u64,
    /// Nationality.
    pub(crate) origin: &'static InboundOrigin,
    /// Where they enter.
    pub entry: &'static EntryPoint,
    /// Where they leave.
    pub(crate) exit: &'static EntryPoint,
    /// Crossing in, UTC seconds.
    pub arrival: i64,
    /// Crossing out, UTC seconds.
    pub departure: i64,
    /// Leaving the last hotel on the last day, UTC seconds (the arrival for same-day visitors).
    pub(crate) checkout: i64,
    /// Where they stay, in order.
    pub(crate) bases: Vec<Base>,
    /// Index into `bases` of each night's hotel; empty for same-day visitors.
    pub nights: Vec<u8>,
    /// Male (true) or female.
    pub(crate) male: bool,
    /// Date of birth.
    pub(crate) birth_date: NaiveDate,
    /// Phone.
    pub phone: Phone,
}

impl Visitor {
    /// The visitor as the holder of a tourist SIM in the register: a non-citizen of their
    /// nationality, with the district and point of their first hotel as address.
    pub(crate) fn holder(&self) -> Person {
        let hotel = self.bases[0].lodging;
        let community = match self.origin.iso3 {
            "CHN" | "TWN" | "SGP" | "HKG" => Community::Chinese,
            "IDN" => Community::Indonesian,
            "BRN" => Community::Malay,
            "IND" | "BGD" | "PAK" | "NPL" | "LKA" | "MMR" => Community::SouthAsian,
            _ => Community::Other,
        };
        Person {
            id: self.id,
            district: hotel.district,
            state_code: districts()[usize::from(hotel.district)].state_code,
            home: hotel.point(),
            male: self.male,
            birth_date: self.birth_date,
            ethnicity: Ethnicity::NonCitizen,
            community,
            nationality: self.origin.iso3,
            birth_state: None,
            sims: u8::from(self.phone.sim.is_some()),
        }
    }

    /// The passport registration of the visitor's tourist SIM: name, passport number and the
    /// hotel's address (no e-mail: prepaid).
    pub(crate) fn registration(&self, seed: u64) -> Identity {
        let holder = self.holder();
        let name = names::full_name(&holder, &mut stream(seed, Purpose::Name, self.id, 0));
        let mut doc = stream(seed, Purpose::IdentityDocument, self.id, 0);
        Identity {
            name,
            document_type: "passport",
            document_number: passport_number(holder.nationality, &mut doc),
            email: String::new(),
            address: address::address(
                Geography::get().district(holder.district),
                &mut stream(seed, Purpose::Address, self.id, 0),
            ),
        }
    }

    /// Local date of the arrival.
    pub(crate) fn entry_date(&self) -> NaiveDate {
        crate::mobility::calendar::local_date(self.arrival)
    }

    /// Local date of the departure.
    pub(crate) fn exit_date(&self) -> NaiveDate {
        crate::mobility::calendar::local_date(self.departure)
    }
}

impl Inbound {
    /// The inbound visitors of a scenario, as `spec` describes it.
    pub(crate) fn new(spec: &InboundSpec) -> Inbound {
        let seed = spec.seed;
        let region = spec.districts.clone();
        let shares = &spec.operator_shares;
        let pick = |keys: &[&str]| -> Vec<(usize, f64)> {
            shares
                .iter()
                .filter(|(op, s)| {
                    *s > 0.0 && keys.contains(&crate::public_data::operators()[*op].key)
                })
                .copied()
                .collect()
        };
        let per_day = libm::round(spec.inbound_scale * NATIONAL_ARRIVALS_PER_DAY) as u64;
        let len = per_day * u64::from(MAX_NIGHTS + spec.days);
        Inbound {
            seed,
            start: spec.start,
            days: spec.days,
            per_day,
            attractions: attractions()
                .iter()
                .filter(|a| region.binary_search(&a.district).is_ok())
                .collect(),
            region,
            origins: Weighted::new(inbound_origins().iter().map(|o| o.share)),
            phase: unit_f64(key_hash(seed, &[0x5649_5349])),
            hosts: pick(&["celcomdigi", "maxis", "umobile", "unifi", "yes"]),
            sellers: pick(&phone::TOURIST_SIM_OPERATORS),
            imei: ImeiPlan::new(len.max(1), key_hash(seed, &[0x5649_4D45])),
        }
    }

    /// Number of visitor indices (arrivals from `MAX_NIGHTS` days before the first day to the
    /// last day), including those who never enter the region.
    pub fn len(&self) -> u64 {
        self.per_day * u64::from(MAX_NIGHTS + self.days)
    }

    /// Whether there are no visitors.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn in_region(&self, district: u16) -> bool {
        self.region.binary_search(&district).is_ok()
    }

    /// Visitor `index`, or `None` when they enter outside the region, find no attraction of the
    /// region within reach, or are not in the country during the scenario.
    pub fn visitor(&self, population: &Population, index: u64) -> Option<Visitor> {
        let seed = self.seed;
        let day = index / self.per_day.max(1);
        let date = self.start - Days::new(u64::from(MAX_NIGHTS)) + Days::new(day);
        let u = (index as f64 * 0.618_033_988_749_894_9 + self.phase).fract();
        let origin = &inbound_origins()[self.origins.pick(u)];
        let mut rng = stream(seed, Purpose::Visitor, index, 0);
        let entry = entry_point(origin, &mut rng);
        if !self.in_region(entry.district) {
            return None;
        }
        let male = bernoulli(&mut rng, 0.55);
        let age_days = libm::round(uniform_in(&mut rng, 18.0, 70.0) * 365.25) as u64;
        let birth_date = date - Days::new(age_days);
        let it = itinerary::draw(self, origin, entry, date, &mut rng)?;
        let first = local_midnight(self.start);
        let end = first + i64::from(self.days) * 86_400;
        if it.departure < first || it.arrival >= end {
            return None;
        }
        let mut visitor = Visitor {
            index,
            id: VISITOR_ID_BASE + index,
            origin,
            entry,
            exit: it.exit,
            arrival: it.arrival,
            departure: it.departure,
            checkout: it.checkout,
            bases: it.bases,
            nights: it.nights,
            male,
            birth_date,
            phone: Phone::NONE,
        };
        visitor.phone = phone::draw(self, population, &visitor);
        Some(visitor)
    }

    /// Checks that the tourist-SIM operators' reserved number ranges hold every visitor index.
    pub(crate) fn check_numbers(&self, population: &Population) -> Result<(), NumberingExhausted> {
        for &(op, _) in &self.sellers {
            let room = population.reserved_room(op);
            if room < self.len() {
                return Err(NumberingExhausted {
                    operator: crate::public_data::operators()[op].name,
                    needed: self.len(),
                    available: room,
                });
            }
        }
        Ok(())
    }

    /// The attractions within reach of a point on the landmass of `district`.
    fn reachable(&self, district: u16) -> impl Iterator<Item = &'static Attraction> + '_ {
        let land = landmass(district);
        self.attractions
            .iter()
            .copied()
            .filter(move |a| landmass(a.district) == land)
    }

    /// A place at an entry point.
    fn entry_place(point: &EntryPoint) -> Place {
        Place {
            lon: point.lon,
            lat: point.lat,
            district: point.district,
        }
    }
}

/// Peninsular or East Malaysia.
fn landmass(district: u16) -> Option<crate::public_data::Region> {
    state(districts()[usize::from(district)].state_code).map(|s| s.region)
}

/// The entry point of a visitor from `origin`: a state from its states of entry (those with a
/// point that connects to the country), then a point of that state that connects to it.
fn entry_point(origin: &InboundOrigin, rng: &mut crate::rng::StreamRng) -> &'static EntryPoint {
    let usable = |state_code: u8| {
        entry_points()
            .iter()
            .filter(move |p| p.state_code == state_code && p.connects_to(origin.iso3))
    };
    let states = Weighted::new(origin.entry_states.iter().map(|&(state_code, share)| {
        if usable(state_code).next().is_some() {
            share
        } else {
            0.0
        }
    }));
    let state_code = origin.entry_states[states.sample(rng)].0;
    let candidates: Vec<&'static EntryPoint> = usable(state_code).collect();
    let pick = Weighted::new(candidates.iter().map(|p| point_weight(p)));
    candidates[pick.sample(rng)]
}

/// Weight of an entry point among those of its state that a visitor can use.
fn point_weight(p: &EntryPoint) -> f64 {
    match (p.kind, p.iata) {
        (EntryKind::Airport, Some("SZB")) => SUBANG_WEIGHT,
        (EntryKind::Airport, _) => 1.0,
        (_, _) if p.crossing_country.is_some() => DEDICATED_CROSSING_WEIGHT,
        _ => 1.0,
    }
}
