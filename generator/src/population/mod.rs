//! The population: persons as pure functions of their id, their SIMs and identities.
//!
//! Person ids are dense and contiguous per home district, in census proportion, so an id maps to
//! its district by binary search, and any shard computes any person in O(1).

pub(crate) mod address;
pub mod imei;
pub mod mykad;
pub(crate) mod names;
mod person;
pub(crate) mod register;

use chrono::{Duration, NaiveDate};

use crate::geography::Geography;
use crate::public_data::{District, operators};
use crate::rng::{Purpose, key_hash, stream};
use crate::sampling::{bernoulli, exponential, index};
pub(crate) use crate::vocabulary::{PopulationSize, person_count};

pub use crate::numbering::NumberingExhausted;
pub(crate) use crate::numbering::{MAX_SIMS, NumberingPlan, SimNumbers};
pub use crate::vocabulary::Ethnicity;
pub use address::Address;
pub(crate) use imei::ImeiPlan;
pub(crate) use person::Community;
pub use person::Person;
pub use register::Holder;
use register::Need;

/// Everything the population needs from a scenario.
#[derive(Debug, Clone)]
pub(crate) struct PopulationSpec {
    /// Scenario seed.
    pub seed: u64,
    /// Date ages are computed on (the first day of the period).
    pub(crate) reference_date: NaiveDate,
    /// Home districts (indices into the public-data districts), sorted.
    pub districts: Vec<u16>,
    /// Size.
    pub size: PopulationSize,
    /// Mean SIMs per person over the whole population.
    pub sims_per_person: f64,
    /// (operator index, share) pairs summing to 1.
    pub(crate) operator_shares: Vec<(usize, f64)>,
}

/// A SIM's subscription: who holds it, on which operator, with which numbers and handset.
#[derive(Debug, Clone, PartialEq)]
pub struct Sim {
    /// Global SIM key: `person id × MAX_SIMS + slot`.
    pub key: u64,
    /// Slot of the SIM in the person's list (0-based).
    pub slot: u8,
    /// Operator and identifiers.
    pub(crate) numbers: SimNumbers,
    /// 15-digit IMEI of the handset.
    pub imei: String,
    /// Handset brand.
    pub(crate) brand: &'static str,
    /// Handset model.
    pub model: &'static str,
    /// Prepaid (true) or postpaid.
    pub(crate) prepaid: bool,
    /// Date the subscription was activated.
    pub(crate) activation: NaiveDate,
    /// Who the SIM is registered to.
    pub holder: Holder,
}

/// A SIM's entry in the register: the holder's identity, and the holder as a person unless
/// the holder is a company.
#[derive(Debug, Clone)]
pub(crate) struct Registration {
    /// The holding person (sex, birth date, nationality); `None` for a company.
    pub(crate) person: Option<Person>,
    /// District of the registered address.
    pub(crate) district: u16,
    /// Name, document, e-mail and address.
    pub(crate) identity: Identity,
}

/// Identity fields an operator records at registration (KYC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Full legal name.
    pub name: String,
    /// `mykad`, `passport`, or `ssm` for a company.
    pub(crate) document_type: &'static str,
    /// MyKad or passport number.
    pub(crate) document_number: String,
    /// Personal e-mail.
    pub email: String,
    /// Postal address in the home district.
    pub(crate) address: Address,
}

/// The population of a scenario.
#[derive(Debug, Clone)]
pub struct Population {
    spec: PopulationSpec,
    /// `starts[i]..starts[i + 1]` are the ids of persons living in `spec.districts[i]`.
    starts: Vec<u64>,
    /// Distribution of 1, 2, 3 SIMs among phone owners.
    owner_sims: [f64; 3],
    numbering: NumberingPlan,
    imei: ImeiPlan,
}

/// Tenure of prepaid and postpaid subscriptions (mean years since activation; assumption).
const MEAN_TENURE_YEARS: (f64, f64) = (2.5, 5.0);
/// Share of non-citizens on prepaid plans (assumption: postpaid needs local credit checks).
const NON_CITIZEN_PREPAID: f64 = 0.95;

impl Population {
    /// Sizes the population and its numbering plans; fails when an operator's number ranges are
    /// too small for the scenario.
    pub(crate) fn new(spec: PopulationSpec) -> Result<Self, NumberingExhausted> {
        let geo = Geography::get();
        let region: Vec<&District> = spec.districts.iter().map(|&d| geo.district(d)).collect();
        let census: u64 = region.iter().map(|d| d.population).sum();
        let young: f64 = region
            .iter()
            .map(|d| d.population as f64 * d.age.under_15)
            .sum::<f64>()
            / census as f64;
        let owner_share =
            young / 3.0 * person::YOUNG_TEEN_OWNERSHIP + (1.0 - young) * person::ADULT_OWNERSHIP;
        let owner_mean = (spec.sims_per_person / owner_share).clamp(1.0, 3.0);
        let persons = person_count(spec.size, census, spec.sims_per_person);
        let starts = apportion_persons(persons, &region);
        let keys = persons * MAX_SIMS;
        let numbering = NumberingPlan::new(spec.seed, keys, &spec.operator_shares)?;
        let imei = ImeiPlan::new(keys, key_hash(spec.seed, &[0x494D_4549]));
        Ok(Population {
            owner_sims: sim_count_distribution(owner_mean),
            starts,
            numbering,
            imei,
            spec,
        })
    }

    /// Number of persons.
    pub fn len(&self) -> u64 {
        *self.starts.last().expect("starts has an end")
    }

    /// Whether there are no persons.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The scenario seed.
    pub(crate) fn seed(&self) -> u64 {
        self.spec.seed
    }

    /// The date ages are computed on: the first day of the period.
    pub(crate) fn reference_date(&self) -> NaiveDate {
        self.spec.reference_date
    }

    /// Persons living in each region district: `(district index, count)`.
    pub(crate) fn residents_by_district(&self) -> impl Iterator<Item = (u16, u64)> + '_ {
        self.spec
            .districts
            .iter()
            .zip(self.starts.windows(2))
            .map(|(&d, w)| (d, w[1] - w[0]))
    }

    /// The household of a person: ids `first..first + size`. Households are consecutive ids of
    /// one district, of the district's census average size (rounded); members share the home
    /// point, citizenship and ethnic group.
    pub(crate) fn household(&self, id: u64) -> std::ops::Range<u64> {
        let i = self.starts.partition_point(|&s| s <= id) - 1;
        let (start, end) = (self.starts[i], self.starts[i + 1]);
        let size = household_size(Geography::get().district(self.spec.districts[i]));
        let first = start + (id - start) / size * size;
        first..(first + size).min(end)
    }

    /// The ids `ids` split into runs of one home district: (district, ids of the run), in id
    /// order. Same as [`Self::home_district`] of each id, without a search per id.
    pub(crate) fn district_runs(
        &self,
        ids: std::ops::Range<u64>,
    ) -> impl Iterator<Item = (u16, std::ops::Range<u64>)> + '_ {
        let end = ids.end.min(self.len());
        let first = self.starts.partition_point(|&s| s <= ids.start).max(1) - 1;
        (first..self.spec.districts.len())
            .map(move |i| {
                let run = self.starts[i].max(ids.start)..self.starts[i + 1].min(end);
                (self.spec.districts[i], run)
            })
            .take_while(move |(_, run)| run.start < end)
            .filter(|(_, run)| !run.is_empty())
    }

    /// Home district of a person.
    pub fn home_district(&self, id: u64) -> u16 {
        let i = self.starts.partition_point(|&s| s <= id) - 1;
        self.spec.districts[i]
    }

    /// A person's attributes and SIM count, without the home point: (district, household's
    /// first id, attributes, SIMs).
    fn attributes(&self, id: u64) -> (u16, u64, person::Attributes, u8) {
        let district = self.home_district(id);
        let d = Geography::get().district(district);
        let seed = self.spec.seed;
        let household = self.household(id).start;
        let mut rng = stream(seed, Purpose::PersonAttributes, id, 0);
        let mut shared = stream(seed, Purpose::Household, household, 0);
        let a = person::draw_attributes(d, self.spec.reference_date, &mut shared, &mut rng);
        let age = self
            .spec
            .reference_date
            .years_since(a.birth_date)
            .unwrap_or(0);
        let sims = person::draw_sim_count(age, &self.owner_sims, &mut rng);
        (district, household, a, sims)
    }

    /// How many SIMs person `id` holds: [`Person::sims`] of [`Self::person`], without drawing
    /// the home point.
    pub(crate) fn sim_count(&self, id: u64) -> u8 {
        self.attributes(id).3
    }

    /// Operator and MSISDN of the SIM with key `sim_key`: those of [`Self::sims`], without the
    /// other identifiers, handset and subscription.
    pub(crate) fn operator_msisdn(&self, sim_key: u64) -> (usize, String) {
        self.numbering.operator_msisdn(sim_key)
    }

    /// A person's static attributes.
    pub fn person(&self, id: u64) -> Person {
        let geo = Geography::get();
        let seed = self.spec.seed;
        let (district, household, a, sims) = self.attributes(id);
        let d = geo.district(district);
        let home = geo.sample_home(
            district,
            &mut stream(seed, Purpose::HomePoint, household, 0),
        );
        Person {
            id,
            district,
            state_code: d.state_code,
            home,
            male: a.male,
            birth_date: a.birth_date,
            ethnicity: a.ethnicity,
            community: a.community,
            nationality: a.nationality,
            birth_state: a.birth_state,
            sims,
        }
    }

    /// The SIMs a person holds, slot by slot.
    pub(crate) fn sims(&self, person: &Person) -> Vec<Sim> {
        (0..person.sims)
            .map(|slot| self.sim(person, slot))
            .collect()
    }

    fn sim(&self, person: &Person, slot: u8) -> Sim {
        let key = person.id * MAX_SIMS + u64::from(slot);
        let numbers = self.numbering.numbers(key);
        let (imei, brand, model) = self.imei.imei(key);
        let mut rng = stream(self.spec.seed, Purpose::Subscription, key, 0);
        let start = self.spec.reference_date;
        let prepaid_share = if !person.is_citizen() {
            NON_CITIZEN_PREPAID
        } else if person.age_on(start) < register::ADULT_AGE {
            register::TEEN_PREPAID_SHARE
        } else {
            operators()[numbers.operator].prepaid_share
        };
        let prepaid = bernoulli(&mut rng, prepaid_share);
        let mean_years = if prepaid {
            MEAN_TENURE_YEARS.0
        } else {
            MEAN_TENURE_YEARS.1
        };
        let earliest = (person.birth_date + Duration::days(10 * 365))
            .max(NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"));
        let tenure = Duration::days((exponential(&mut rng, mean_years) * 365.2425) as i64 + 1);
        let activation = (start - tenure)
            .max(earliest)
            .min(start - Duration::days(1));
        let need = register::need(
            person.birth_date,
            person.is_citizen(),
            start,
            prepaid,
            activation,
            |p| bernoulli(&mut rng, p),
        );
        let holder = self.holder(person, need, activation, &mut rng);
        Sim {
            key,
            slot,
            numbers,
            imei,
            brand,
            model,
            prepaid,
            activation,
            holder,
        }
    }

    /// The holder a line of `user` activated on `activation` gets for `need`: an adult of the
    /// household (for a parent, else an adult among the [`register::RELATIVE_SEARCH`] nearest
    /// ids outside it, else an employer: a dealer-registered line), or an employer.
    fn holder(
        &self,
        user: &Person,
        need: Need,
        activation: NaiveDate,
        rng: &mut crate::rng::StreamRng,
    ) -> Holder {
        let fits = |id: u64| {
            register::can_hold(
                need,
                self.attributes(id).2.birth_date,
                user.birth_date,
                activation,
            )
        };
        let household = self.household(user.id);
        match need {
            Need::None => return Holder::User,
            Need::Employer => return Holder::Company(self.employer(user.id, rng)),
            Need::Relative | Need::Parent => {
                let adults: Vec<u64> = household
                    .clone()
                    .filter(|&m| m != user.id && fits(m))
                    .collect();
                if !adults.is_empty() {
                    return Holder::Person(adults[index(rng, adults.len())]);
                }
            }
        }
        if need == Need::Relative {
            return Holder::User;
        }
        let n = self.len();
        let nearby = (1..=register::RELATIVE_SEARCH).flat_map(|k| {
            let after = (household.end - 1 + k < n).then(|| household.end - 1 + k);
            let before = household.start.checked_sub(k);
            after.into_iter().chain(before)
        });
        match nearby.into_iter().find(|&id| fits(id)) {
            Some(id) => Holder::Person(id),
            None => Holder::Company(self.employer(user.id, rng)),
        }
    }

    /// An employer of the home district of person `id`, by index.
    fn employer(&self, id: u64, rng: &mut crate::rng::StreamRng) -> u32 {
        let i = self.starts.partition_point(|&s| s <= id) - 1;
        let residents = self.starts[i + 1] - self.starts[i];
        let employers = (residents / register::RESIDENTS_PER_EMPLOYER).max(1);
        index(rng, employers as usize) as u32
    }

    /// The register entry of `sim`, used by `user` whose own identity is `own`.
    pub(crate) fn registration(&self, user: &Person, own: &Identity, sim: &Sim) -> Registration {
        match sim.holder {
            Holder::User => Registration {
                person: Some(user.clone()),
                district: user.district,
                identity: own.clone(),
            },
            Holder::Person(id) => {
                let holder = self.person(id);
                Registration {
                    identity: self.identity(&holder),
                    district: holder.district,
                    person: Some(holder),
                }
            }
            Holder::Company(employer) => {
                let key = u64::from(user.district) << 32 | u64::from(employer);
                let mut rng = stream(self.spec.seed, Purpose::Employer, key, 0);
                Registration {
                    person: None,
                    district: user.district,
                    identity: register::company(Geography::get().district(user.district), &mut rng),
                }
            }
        }
    }

    /// Identifiers of reserved number `j` of `operator`, never a resident's (see
    /// [`NumberingPlan::reserved_numbers`]).
    pub(crate) fn reserved_numbers(&self, operator: usize, j: u64) -> Option<SimNumbers> {
        self.numbering.reserved_numbers(operator, j)
    }

    /// How many reserved numbers `operator` has.
    pub(crate) fn reserved_room(&self, operator: usize) -> u64 {
        self.numbering.reserved_room(operator)
    }

    /// The identity the operator registered for a person.
    pub(crate) fn identity(&self, person: &Person) -> Identity {
        let seed = self.spec.seed;
        let mut rng = stream(seed, Purpose::Name, person.id, 0);
        let name = names::full_name(person, &mut rng);
        let email = names::email(&name, chrono::Datelike::year(&person.birth_date), &mut rng);
        let mut doc = stream(seed, Purpose::IdentityDocument, person.id, 0);
        let (document_type, document_number) = match person.birth_state {
            Some(state) => (
                "mykad",
                mykad::mykad(person.birth_date, state, person.male, &mut doc),
            ),
            None => ("passport", passport_number(person.nationality, &mut doc)),
        };
        let address = address::address(
            Geography::get().district(person.district),
            &mut stream(seed, Purpose::Address, person.id, 0),
        );
        Identity {
            name,
            document_type,
            document_number,
            email,
            address,
        }
    }
}

/// A passport number in the common one-letter, seven- or eight-digit shape of the country.
pub(crate) fn passport_number(nationality: &str, rng: &mut crate::rng::StreamRng) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    let letter = char::from(LETTERS[index(rng, LETTERS.len())]);
    let digits = if matches!(nationality, "IDN" | "PHL") {
        7
    } else {
        8
    };
    let n = index(rng, 10usize.pow(digits));
    format!("{letter}{n:0width$}", width = digits as usize)
}

/// A population spec for tests: starting Monday 2025-01-06, 1.35 SIMs per person, default
/// operator shares.
#[cfg(test)]
pub(crate) fn test_spec(seed: u64, districts: Vec<u16>, size: PopulationSize) -> PopulationSpec {
    PopulationSpec {
        seed,
        reference_date: NaiveDate::from_ymd_opt(2025, 1, 6).expect("date"),
        districts,
        size,
        sims_per_person: 1.35,
        operator_shares: operators()
            .iter()
            .enumerate()
            .map(|(i, o)| (i, o.market_share))
            .collect(),
    }
}

/// Persons per household in a district: its census average, rounded, at least 1.
fn household_size(district: &District) -> u64 {
    (district.household_size.round() as u64).max(1)
}

/// Distribution of 1, 2 and 3 SIMs among owners with the given mean (1 to 3).
fn sim_count_distribution(mean: f64) -> [f64; 3] {
    let extra = mean - 1.0;
    if extra <= 1.0 {
        let three = 0.2 * extra;
        let two = extra - 2.0 * three;
        [1.0 - two - three, two, three]
    } else {
        [0.0, 3.0 - mean, mean - 2.0]
    }
}

/// Contiguous id ranges per district: largest-remainder apportionment of `persons` by census
/// population, so every district gets its share to within one person.
fn apportion_persons(persons: u64, region: &[&District]) -> Vec<u64> {
    let census: u64 = region.iter().map(|d| d.population).sum();
    let exact: Vec<f64> = region
        .iter()
        .map(|d| d.population as f64 * persons as f64 / census as f64)
        .collect();
    let mut counts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut order: Vec<usize> = (0..region.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let missing = persons - counts.iter().sum::<u64>();
    for &i in order.iter().take(missing as usize) {
        counts[i] += 1;
    }
    let mut starts = Vec::with_capacity(region.len() + 1);
    let mut acc = 0;
    starts.push(0);
    for c in counts {
        acc += c;
        starts.push(acc);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_data::districts;

    fn spec(size: PopulationSize, districts: Vec<u16>) -> PopulationSpec {
        test_spec(7, districts, size)
    }

    #[test]
    fn residents_follow_census_shares_everywhere() {
        let all: Vec<u16> = districts().iter().map(|d| d.index).collect();
        let pop = Population::new(spec(PopulationSize::Scale(0.001), all)).unwrap();
        let (mut xs, mut ys) = (vec![], vec![]);
        for (d, n) in pop.residents_by_district() {
            let census = districts()[usize::from(d)].population;
            assert!(
                n >= 1,
                "{} has no residents",
                districts()[usize::from(d)].name
            );
            xs.push(census as f64);
            ys.push(n as f64);
        }
        let r = pearson(&xs, &ys);
        assert!(r >= 0.99, "correlation {r}");
    }

    #[test]
    fn district_runs_split_ids_by_home_district() {
        let selangor: Vec<u16> = districts()
            .iter()
            .filter(|d| d.state_code == 10)
            .map(|d| d.index)
            .collect();
        let pop = Population::new(spec(PopulationSize::Persons(3_000), selangor)).unwrap();
        let n = pop.len();
        for (start, end) in [
            (0, n),
            (0, 1),
            (n - 1, n),
            (250, 2_700),
            (1_000, 1_000),
            (n - 5, n + 9),
        ] {
            let runs: Vec<(u16, std::ops::Range<u64>)> = pop.district_runs(start..end).collect();
            let ids: Vec<u64> = runs.iter().flat_map(|(_, r)| r.clone()).collect();
            assert_eq!(
                ids,
                (start..end.min(n)).collect::<Vec<_>>(),
                "{start}..{end}"
            );
            for (d, run) in &runs {
                assert!(run.clone().all(|id| pop.home_district(id) == *d));
            }
            assert!(
                runs.windows(2).all(|w| w[0].0 != w[1].0),
                "runs not maximal"
            );
        }
        assert!(
            pop.district_runs(0..n).count() > 1,
            "one district only: nothing tested"
        );
    }

    #[test]
    fn mean_sims_per_person_matches_the_target() {
        let all: Vec<u16> = districts()
            .iter()
            .filter(|d| d.state_code == 10)
            .map(|d| d.index)
            .collect();
        let pop = Population::new(spec(PopulationSize::Persons(20_000), all)).unwrap();
        let sims: u64 = (0..pop.len())
            .map(|id| u64::from(pop.person(id).sims))
            .sum();
        let mean = sims as f64 / pop.len() as f64;
        assert!((mean - 1.35).abs() < 0.03, "mean SIMs per person {mean}");
    }

    #[test]
    fn persons_are_pure_functions_of_their_id() {
        let region: Vec<u16> = districts()
            .iter()
            .filter(|d| d.state_code == 14)
            .map(|d| d.index)
            .collect();
        let pop = Population::new(spec(PopulationSize::Persons(500), region)).unwrap();
        let forward: Vec<Person> = (0..500).map(|id| pop.person(id)).collect();
        let backward: Vec<Person> = (0..500).rev().map(|id| pop.person(id)).collect();
        assert!(forward.iter().eq(backward.iter().rev()));
        assert_eq!(pop.identity(&forward[3]), pop.identity(&pop.person(3)));
    }

    #[test]
    fn sim_counts_and_msisdns_match_full_persons_and_sims() {
        let region: Vec<u16> = districts()
            .iter()
            .filter(|d| d.state_code == 14)
            .map(|d| d.index)
            .collect();
        let pop = Population::new(spec(PopulationSize::Persons(2_000), region)).unwrap();
        for id in (0..2_000).step_by(7) {
            let person = pop.person(id);
            assert_eq!(pop.sim_count(id), person.sims);
            for sim in pop.sims(&person) {
                let (operator, msisdn) = pop.operator_msisdn(sim.key);
                assert_eq!(
                    (operator, msisdn),
                    (sim.numbers.operator, sim.numbers.msisdn)
                );
            }
        }
    }

    #[test]
    fn households_share_home_and_ethnic_group() {
        let region: Vec<u16> = districts()
            .iter()
            .filter(|d| d.state_code == 10)
            .map(|d| d.index)
            .collect();
        let pop = Population::new(spec(PopulationSize::Persons(3_000), region)).unwrap();
        let mut shared = 0;
        for id in (0..3_000).step_by(97) {
            let h = pop.household(id);
            assert!(h.contains(&id) && !h.is_empty() && h.end - h.start <= 6);
            let members: Vec<Person> = h.clone().map(|m| pop.person(m)).collect();
            assert!(
                members
                    .iter()
                    .all(|m| m.home == members[0].home && m.district == members[0].district)
            );
            assert!(members.iter().all(|m| m.ethnicity == members[0].ethnicity));
            shared += usize::from(members.len() > 1);
        }
        assert!(shared > 20, "households of one only");
    }

    #[test]
    fn sim_count_distribution_has_the_requested_mean() {
        for mean in [1.0, 1.3, 1.6, 2.0, 2.5, 3.0] {
            let p = sim_count_distribution(mean);
            assert!(p.iter().all(|&x| x >= 0.0));
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!((p[0] + 2.0 * p[1] + 3.0 * p[2] - mean).abs() < 1e-12);
        }
    }

    fn pearson(x: &[f64], y: &[f64]) -> f64 {
        let n = x.len() as f64;
        let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
        let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
        let vx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
        let vy: f64 = y.iter().map(|b| (b - my) * (b - my)).sum();
        cov / (vx * vy).sqrt()
    }
}
