//! A person's anchors: home, work or school, and kampung (home-town) district.
//!
//! A pure function of (seed, person, region, reference date), drawn from
//! `stream(seed, Purpose::Anchors, person id, 0)`:
//!
//! * Citizens aged 18–64 are employed with the age- and sex-specific rates of [`EMPLOYMENT`];
//!   non-citizens aged 18–64 with [`NON_CITIZEN_EMPLOYMENT`]. Workers get a work place from the
//!   region's gravity model ([`Region`]).
//! * Of those 18–23 not employed, [`UNIVERSITY_SHARE`] study at a university placed by the same
//!   gravity model.
//! * Children aged 7–17 go to a school uniform in a disc of [`SCHOOL_RADIUS_KM`] around home,
//!   inside the home district.
//! * Kampung: citizens born in another state have one in their birth state; others, with
//!   probability [`KAMPUNG_IN_STATE`], in another district of their home state; non-citizens
//!   have none. The district is drawn by rural population plus [`URBAN_KAMPUNG_WEIGHT`] of the
//!   urban: a home town is rarely a metropolis. Districts may lie outside the scenario region.
//! * Some workers of Johor Bahru and Kulai work in Singapore instead ([`super::border`]).
//! * Colleagues: a share [`SHARED_WORKPLACE`] of the other workers work at a workplace they
//!   share with workers of their home district ([`team`]): the workers of a window of
//!   [`TEAM_WINDOW`] consecutive ids (one district) are split into [`TEAMS_PER_WINDOW`] teams,
//!   and a team's workplace is drawn by the same gravity model from the district's centroid, from
//!   `stream(seed, Purpose::Workplace, team, 0)`. The other workers' places are their own.

use chrono::NaiveDate;
use geo::{Contains, Point};

use crate::geography::projection::offset;
use crate::geography::{Geography, Place};
use crate::population::{Person, Population};
use crate::public_data::districts;
use crate::rng::{KeyMap, Purpose, StreamRng, key_hash, stream, unit_f64};
use crate::sampling::{Weighted, bernoulli, uniform, uniform_in};

use super::region::Region;
use super::trips::Trip;

/// Share employed by age band, citizens: (first age past the band, men, women). Assumption shaped
/// on the DOSM Labour Force Survey 2023 age profile; the bands average about 0.83 for men and
/// 0.58 for women over ages 18–64, near the survey's participation rates (≈0.82 and ≈0.56).
pub(crate) const EMPLOYMENT: [(u32, f64, f64); 5] = [
    (20, 0.30, 0.25),
    (25, 0.70, 0.60),
    (55, 0.93, 0.66),
    (60, 0.80, 0.42),
    (65, 0.55, 0.25),
];
/// Share employed among non-citizens aged 18–64 (assumption: mostly migrant workers).
pub(crate) const NON_CITIZEN_EMPLOYMENT: f64 = 0.95;
/// Share of those aged 18–23 and not employed who attend a university (assumption, near
/// Malaysia's gross tertiary enrolment of about 40%).
pub(crate) const UNIVERSITY_SHARE: f64 = 0.5;
/// Youngest and oldest school age (Malaysian primary and secondary school, ages 7–17).
pub(crate) const SCHOOL_AGES: (u32, u32) = (7, 17);
/// Radius around home schools are drawn in, km (assumption).
pub(crate) const SCHOOL_RADIUS_KM: f64 = 3.0;
/// Share of citizens living in their birth state with a kampung in another district of it
/// (assumption).
pub(crate) const KAMPUNG_IN_STATE: f64 = 0.4;
/// Weight of a district's urban population, relative to its rural population, in drawing a
/// kampung (assumption: balik kampung goes to home towns and villages, so Kuala Lumpur and
/// Petaling, all but fully urban, are rarely one).
pub(crate) const URBAN_KAMPUNG_WEIGHT: f64 = 0.1;
/// Share of workers (not cross-border commuters) sharing their workplace with colleagues of
/// their home district (assumption: most jobs are in establishments with several employees, and
/// a team of neighbours in the id order stands for those of them living in the district).
pub(crate) const SHARED_WORKPLACE: f64 = 0.5;
/// Consecutive ids whose shared-workplace workers form teams (assumption).
pub(crate) const TEAM_WINDOW: u64 = 100;
/// Teams per window of ids (assumption: with about half of adults working, a team has about six
/// members).
pub(crate) const TEAMS_PER_WINDOW: u64 = 4;
/// Tries to draw a school inside the home district before settling at home.
const SCHOOL_TRIES: usize = 8;

/// What takes a person out of home on working days, with where it happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Occupation {
    /// Employed, at a work place.
    Worker(Place),
    /// Aged 7–17, at a school.
    Pupil(Place),
    /// Aged 18–23, at a university.
    Student(Place),
    /// No fixed daily place (young children, retired, not employed).
    Free,
}

/// A person's fixed places.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchors {
    /// Home (lon, lat).
    pub(crate) home: (f64, f64),
    /// Home district index.
    pub(crate) home_district: u16,
    /// Work, school or neither.
    pub(crate) occupation: Occupation,
    /// Home-town district for holiday travel (any district of Malaysia), if any.
    pub(crate) kampung_district: Option<u16>,
    /// The checkpoint a worker in Singapore crosses at ([`super::border`]); their work place is
    /// then in Singapore.
    pub(crate) crossing: Option<Place>,
    /// The household's trips away from home that overlap the scenario period, in time order
    /// (filled by [`super::Mobility::anchors`]; [`Anchors::draw`] leaves it empty).
    pub(crate) trips: Vec<Trip>,
}

impl Anchors {
    /// The anchors of `person` in `region`, with age taken on `reference` (the scenario's
    /// first day).
    pub(crate) fn draw(
        seed: u64,
        region: &Region,
        person: &Person,
        reference: NaiveDate,
    ) -> Anchors {
        let mut rng = stream(seed, Purpose::Anchors, person.id, 0);
        let age = person.age_on(reference);
        let mut occupation =
            if (18..65).contains(&age) && bernoulli(&mut rng, employment(person, age)) {
                Occupation::Worker(match team(seed, person, reference) {
                    Some(team) => {
                        let centroid = districts()[usize::from(person.district)].centroid;
                        let mut team_rng = stream(seed, Purpose::Workplace, team, 0);
                        region.job_place((centroid.x(), centroid.y()), &mut team_rng)
                    }
                    None => region.job_place(person.home, &mut rng),
                })
            } else if (18..24).contains(&age) && bernoulli(&mut rng, UNIVERSITY_SHARE) {
                Occupation::Student(region.job_place(person.home, &mut rng))
            } else if (SCHOOL_AGES.0..=SCHOOL_AGES.1).contains(&age) {
                Occupation::Pupil(school(person, &mut rng))
            } else {
                Occupation::Free
            };
        let kampung_district = kampung(person, &mut rng);
        let mut crossing = None;
        if let Occupation::Worker(_) = occupation
            && let Some(c) = super::border::singapore_work(seed, person)
        {
            occupation = Occupation::Worker(c.work);
            crossing = Some(c.checkpoint);
        }
        Anchors {
            home: person.home,
            home_district: person.district,
            occupation,
            kampung_district,
            crossing,
            trips: Vec::new(),
        }
    }

    /// The home as a place.
    pub(crate) fn home_place(&self) -> Place {
        Place {
            lon: self.home.0,
            lat: self.home.1,
            district: self.home_district,
        }
    }

    /// The work place of a worker.
    #[cfg(test)]
    pub(crate) fn work(&self) -> Option<&Place> {
        match &self.occupation {
            Occupation::Worker(p) => Some(p),
            _ => None,
        }
    }
}

/// The team of colleagues whose workplace `person` shares, if any (ages on `reference`): a
/// pure function of (seed, person), so both ends of a colleague tie find it.
pub(crate) fn team(seed: u64, person: &Person, reference: NaiveDate) -> Option<u64> {
    let age = person.age_on(reference);
    let worker = (18..65).contains(&age)
        && bernoulli(
            &mut stream(seed, Purpose::Anchors, person.id, 0),
            employment(person, age),
        );
    let draw = |tag: u64| key_hash(seed, &[Purpose::Workplace as u64, person.id, tag]);
    if !worker
        || unit_f64(draw(0)) >= SHARED_WORKPLACE
        || super::border::singapore_work(seed, person).is_some()
    {
        return None;
    }
    let window = person.id / TEAM_WINDOW;
    Some((u64::from(person.district) << 48) | (window << 8) | (draw(1) % TEAMS_PER_WINDOW))
}

/// The [`team`]s of persons already asked about, by id: tie lists ask about every member of a
/// team window for each of its workers, and a person is costly to draw. One memo serves one
/// population and seed.
#[derive(Debug, Default)]
pub(crate) struct Teams(KeyMap<u64, Option<u64>>);

impl Teams {
    /// [`team`] of person `id` of `population`.
    pub(crate) fn of(&mut self, seed: u64, population: &Population, id: u64) -> Option<u64> {
        *self
            .0
            .entry(id)
            .or_insert_with(|| team(seed, &population.person(id), population.reference_date()))
    }
}

/// Probability that a person aged 18–64 is employed.
fn employment(person: &Person, age: u32) -> f64 {
    if !person.is_citizen() {
        return NON_CITIZEN_EMPLOYMENT;
    }
    let &(_, men, women) = EMPLOYMENT
        .iter()
        .find(|b| age < b.0)
        .unwrap_or(&EMPLOYMENT[EMPLOYMENT.len() - 1]);
    if person.male { men } else { women }
}

/// A school uniform in the disc of [`SCHOOL_RADIUS_KM`] around home, inside the home district.
fn school(person: &Person, rng: &mut StreamRng) -> Place {
    let boundary = &Geography::get().district(person.district).boundary;
    for _ in 0..SCHOOL_TRIES {
        let r = SCHOOL_RADIUS_KM * libm::sqrt(uniform(rng));
        let theta = uniform_in(rng, 0.0, std::f64::consts::TAU);
        let (lon, lat) = offset(
            person.home.0,
            person.home.1,
            r * libm::sin(theta),
            r * libm::cos(theta),
        );
        if boundary.contains(&Point::new(lon, lat)) {
            return Place {
                lon,
                lat,
                district: person.district,
            };
        }
    }
    Place {
        lon: person.home.0,
        lat: person.home.1,
        district: person.district,
    }
}

/// The kampung district: see the module documentation.
fn kampung(person: &Person, rng: &mut StreamRng) -> Option<u16> {
    let birth_state = person.birth_state?;
    let exclude = if birth_state != person.state_code {
        None
    } else if bernoulli(rng, KAMPUNG_IN_STATE) {
        Some(person.district)
    } else {
        return None;
    };
    let choices: Vec<_> = districts()
        .iter()
        .filter(|d| d.state_code == birth_state && Some(d.index) != exclude)
        .collect();
    if choices.is_empty() {
        return None;
    }
    let w = Weighted::new(choices.iter().map(|d| {
        d.population as f64 * ((1.0 - d.urban_share) + URBAN_KAMPUNG_WEIGHT * d.urban_share)
    }));
    Some(choices[w.sample(rng)].index)
}
