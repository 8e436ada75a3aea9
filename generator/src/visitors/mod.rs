//! Inbound visitors: foreign tourists and same-day excursionists who cross into Malaysia during
//! the scenario, move between attractions and their hotels, and leave again.
//!
//! How many: `[tourism] inbound_scale` × `NATIONAL_ARRIVALS_PER_DAY` arrivals a day on average
//! over every calendar month (MOTAC: 10.1 million foreign visitors in Q1 2025, 90 days; the
//! count includes same-day visitors, which the model has too), spread over the month's days by
//! calendar group: Singaporeans peak on Saturdays and shared holidays, Lunar New Year
//! nationalities in the Spring Festival week, the others at weekends and in school breaks (see
//! `arrivals`).
//!
//! Who: nationalities in the shares of the Immigration Department's 2024 arrivals
//! ([`inbound_origins`]); a day's arrivals are numbered group by group, and within a group
//! nationalities follow a Weyl sequence over the group's arrivals (golden-ratio steps), so every
//! run of consecutive arrivals follows the shares to within a few arrivals.
//!
//! Where they enter: a state of entry from the nationality's 2024 states of entry, then a point
//! of that state. Nationals of a neighbour cross at that state's land checkpoints or ferry
//! terminal to their country when it has one (Singaporeans at the Johor Causeway and the Second
//! Link, Thais at Bukit Kayu Hitam and Padang Besar). Everyone else flies in with probability
//! `min(1, the state's airports' foreign arrivals / its arrivals of such visitors)` (airports'
//! international traffic in `INTERNATIONAL_PASSENGERS`), and otherwise crosses from Singapore or
//! by sea (`transit_weight`); airports are weighted by their international traffic. A visitor
//! whose entry point lies outside the scenario's region never appears in it; the others stay in
//! the region: their hotels and outings are attractions of the region on the entry's landmass.
//!
//! How long, and the itinerary: see `itinerary`; the phone: see `phone`.
//!
//! Identity: arrivals are numbered day by day from `MAX_NIGHTS` days before the scenario's first
//! day (so that visitors already in the country on the first day exist); arrival `c` has the
//! person id `VISITOR_ID_BASE`` + c` (disjoint from residents' ids)
//! and the SIM key `VISITOR_SIM_KEY_BASE`` + c`. A visitor is a pure function of (seed, c),
//! drawn from `stream(seed, Purpose::Visitor, c, 0)`; visitors are generated in blocks of
//! consecutive indices after the residents' blocks, so any shard regenerates them identically.

mod arrivals;
mod entry;
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

use arrivals::{GROUPS, Group};
use entry::EntryChoice;

pub(crate) use itinerary::Base;
pub use phone::{Phone, PhoneKind};

/// Foreign arrivals in Malaysia per day: 10.1 million visitors in Q1 2025 (MOTAC via Livemint,
/// `tourism_arrivals_headline.csv`) over 90 days.
pub(crate) const NATIONAL_ARRIVALS_PER_DAY: f64 = 10_100_000.0 / 90.0;
/// Longest stay, nights; arrivals are generated from this many days before the first day.
pub(crate) const MAX_NIGHTS: u32 = 30;
/// Person id of the first visitor index; residents' ids are far below.
pub(crate) const VISITOR_ID_BASE: u64 = 1 << 40;
/// International passengers a year (arrivals and departures, millions) of each airport, by entry
/// point id (assumption: rounded orders of magnitude of MAHB's and Senai's pre-pandemic traffic,
/// which the shared data does not hold; KLIA's split between its terminals by their total
/// traffic; Tawau, Kota Bharu, Miri and Melaka have few or no scheduled international flights).
pub(crate) const INTERNATIONAL_PASSENGERS: [(&str, f64); 13] = [
    ("E01", 22.0),
    ("E02", 23.0),
    ("E03", 0.3),
    ("E04", 3.5),
    ("E05", 2.5),
    ("E06", 0.5),
    ("E07", 0.3),
    ("E08", 0.3),
    ("E09", 0.05),
    ("E10", 0.01),
    ("E11", 0.02),
    ("E12", 0.05),
    ("E13", 0.1),
];
/// Share of an airport's international arrivals that are foreigners (assumption: the rest are
/// Malaysians coming home).
pub(crate) const FOREIGN_SHARE_OF_AIR_ARRIVALS: f64 = 0.5;
/// Months of arrivals in [`InboundOrigin::arrivals`] (January–October 2024).
const ORIGIN_MONTHS: f64 = 10.0;

/// The inbound visitors of a scenario.
pub struct Inbound {
    seed: u64,
    start: NaiveDate,
    days: u32,
    /// First index of each day's arrivals of each group, from `MAX_NIGHTS` days before the
    /// start, then one row past the last day: day `d`'s arrivals of group `g` are
    /// `starts[d][g]..starts[d][g + 1]` (with `starts[d][3] == starts[d + 1][0]`).
    starts: Vec<[u64; 4]>,
    /// Arrivals of each group before each day (the Weyl position of a day's first arrival).
    before: Vec<[u64; 3]>,
    /// Per group: the origins (indices into `inbound_origins`) and their weights.
    groups: [(Vec<usize>, Option<Weighted>); 3],
    /// Per nationality (index into `inbound_origins`): how its visitors choose their entry point.
    entries: Vec<EntryChoice>,
    region: Vec<u16>,
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
        let origins = inbound_origins();
        let groups = GROUPS.map(|g| {
            let members: Vec<usize> = (0..origins.len())
                .filter(|&i| Group::of(origins[i].iso3) == g)
                .collect();
            let weights = (!members.is_empty())
                .then(|| Weighted::new(members.iter().map(|&i| origins[i].share)));
            (members, weights)
        });
        let per_day = groups.each_ref().map(|(members, _)| {
            let share: f64 = members.iter().map(|&i| origins[i].share).sum();
            spec.inbound_scale * NATIONAL_ARRIVALS_PER_DAY * share
        });
        let first = spec.start - Days::new(u64::from(MAX_NIGHTS));
        let counts = arrivals::daily_counts(first, MAX_NIGHTS + spec.days, per_day);
        let (mut starts, mut before) = (Vec::new(), Vec::new());
        let (mut next, mut seen) = (0u64, [0u64; 3]);
        for day in &counts {
            let mut row = [0u64; 4];
            for g in 0..3 {
                row[g] = next;
                next += day[g];
            }
            row[3] = next;
            starts.push(row);
            before.push(seen);
            for g in 0..3 {
                seen[g] += day[g];
            }
        }
        starts.push([next; 4]);
        let len = next;
        Inbound {
            seed,
            start: spec.start,
            days: spec.days,
            starts,
            before,
            groups,
            entries: {
                let air_share = air_shares();
                (origins.iter())
                    .map(|o| EntryChoice::new(o, &air_share))
                    .collect()
            },
            attractions: attractions()
                .iter()
                .filter(|a| region.binary_search(&a.district).is_ok())
                .collect(),
            region,
            phase: unit_f64(key_hash(seed, &[0x5649_5349])),
            hosts: pick(&["celcomdigi", "maxis", "umobile", "unifi", "yes"]),
            sellers: pick(&phone::TOURIST_SIM_OPERATORS),
            imei: ImeiPlan::new(len.max(1), key_hash(seed, &[0x5649_4D45])),
        }
    }

    /// Number of visitor indices (arrivals from `MAX_NIGHTS` days before the first day to the
    /// last day), including those who never enter the region.
    pub fn len(&self) -> u64 {
        self.starts.last().map_or(0, |s| s[0])
    }

    /// Arrivals (visitor indices) on each day from `MAX_NIGHTS` days before the first day to the
    /// last day, including those who never enter the region.
    pub fn arrivals_per_day(&self) -> impl Iterator<Item = (NaiveDate, u64)> + '_ {
        let first = self.start - Days::new(u64::from(MAX_NIGHTS));
        self.starts
            .windows(2)
            .enumerate()
            .map(move |(d, w)| (first + Days::new(d as u64), w[1][0] - w[0][0]))
    }

    /// Arrival `index`'s local date, nationality and entry point (also outside the region).
    pub fn arrival(&self, index: u64) -> (NaiveDate, &'static InboundOrigin, &'static EntryPoint) {
        self.draw_arrival(index, &mut stream(self.seed, Purpose::Visitor, index, 0))
    }

    fn draw_arrival(
        &self,
        index: u64,
        rng: &mut crate::rng::StreamRng,
    ) -> (NaiveDate, &'static InboundOrigin, &'static EntryPoint) {
        let day = self.starts.partition_point(|s| s[0] <= index) - 1;
        let date = self.start - Days::new(u64::from(MAX_NIGHTS)) + Days::new(day as u64);
        let g = (0..3).rfind(|&g| self.starts[day][g] <= index).unwrap_or(0);
        let (members, weights) = &self.groups[g];
        let position = self.before[day][g] + (index - self.starts[day][g]);
        let u = (position as f64 * 0.618_033_988_749_894_9 + self.phase).fract();
        let o = members[weights.as_ref().map_or(0, |w| w.pick(u))];
        (date, &inbound_origins()[o], self.entries[o].draw(rng))
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
        let mut rng = stream(self.seed, Purpose::Visitor, index, 0);
        let (date, origin, entry) = self.draw_arrival(index, &mut rng);
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

/// Per DOSM state code: the probability that a visitor without a crossing of their own into the
/// state (not a national of the country its checkpoints lead to) arrives by air, capped at 1:
/// the foreign arrivals its airports receive over the arrivals of such visitors through the state
/// (a year, from the 2024 arrivals by nationality and state of entry). 1 where such visitors
/// have no other way in; 0 without an airport.
fn air_shares() -> [f64; 17] {
    let mut shares = [1.0; 17];
    for (state_code, share) in shares.iter_mut().enumerate() {
        let points = || {
            entry_points()
                .iter()
                .filter(move |p| usize::from(p.state_code) == state_code)
        };
        let by_air: f64 = points()
            .map(|p| international_passengers(p) * 1e6 / 2.0 * FOREIGN_SHARE_OF_AIR_ARRIVALS)
            .sum();
        if points().all(|p| p.kind == EntryKind::Airport) {
            continue;
        }
        if points().all(|p| transit_weight(p) == 0.0) && by_air > 0.0 {
            continue;
        }
        let arriving: f64 = inbound_origins()
            .iter()
            .filter(|o| !points().any(|p| p.crossing_country == Some(o.iso3)))
            .flat_map(|o| {
                o.entry_states
                    .iter()
                    .filter(|s| usize::from(s.0) == state_code)
                    .map(move |s| o.arrivals as f64 * 12.0 / ORIGIN_MONTHS * s.1)
            })
            .sum();
        *share = if arriving > 0.0 {
            (by_air / arriving).min(1.0)
        } else {
            1.0
        };
    }
    shares
}

/// Weight of the Johor Causeway against 1 for the Second Link among the crossings from Singapore
/// (assumption: the Causeway carries most of the ~300,000 daily crossings,
/// `johor_singapore_cross_border_facts.csv`; the split is not published there).
pub(crate) const CAUSEWAY_WEIGHT: f64 = 2.0;

/// Weight of a land checkpoint or ferry terminal for visitors who are not nationals of the
/// country it leads to: the Singapore crossings (`CAUSEWAY_WEIGHT` and 1: many long-haul visitors
/// fly into Singapore and cross by road), the Batam/Bintan ferry 0.25, the cruise terminal 1,
/// the other land borders 0 (assumption: few besides the neighbours' nationals cross them).
fn transit_weight(p: &EntryPoint) -> f64 {
    match (p.kind, p.crossing_country) {
        (EntryKind::Airport, _) => 0.0,
        (_, Some("SGP")) if p.id == "L01" => CAUSEWAY_WEIGHT,
        (_, Some("SGP")) => 1.0,
        (EntryKind::FerryTerminal, Some(_)) => 0.25,
        (EntryKind::FerryTerminal, None) => 1.0,
        (EntryKind::LandCheckpoint, _) => 0.0,
    }
}

/// An airport's international passengers a year, millions (0 for other points).
fn international_passengers(p: &EntryPoint) -> f64 {
    INTERNATIONAL_PASSENGERS
        .iter()
        .find(|(id, _)| *id == p.id)
        .map_or(0.0, |(_, m)| *m)
}
