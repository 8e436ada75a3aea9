//! Districts (daerah) with census figures and simplified boundaries.

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::{LineString, MultiPolygon, Point, Polygon};

use super::csv::{self, Record};

/// Shares of Malaysian citizens by ethnic group; they sum to 1.
///
/// The census publishes ethnicity for citizens only; non-citizens are counted in
/// [`District::non_citizen_share`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EthnicMix {
    /// Bumiputera (Malay and indigenous peoples).
    pub(crate) bumiputera: f64,
    /// Chinese.
    pub(crate) chinese: f64,
    /// Indian.
    pub(crate) indian: f64,
    /// Other citizens.
    pub other: f64,
}

/// Shares of the census population by age group; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AgeMix {
    /// Aged 0 to 14.
    pub(crate) under_15: f64,
    /// Aged 15 to 64.
    pub(crate) from_15_to_64: f64,
    /// Aged 65 and over.
    pub(crate) over_64: f64,
}

/// A district with its Census 2020 figures and boundary.
#[derive(Debug, Clone)]
pub struct District {
    /// Position in [`districts`].
    pub index: u16,
    /// DOSM join key `<state code>_<district code>`, e.g. `10_6`.
    pub code: &'static str,
    /// DOSM state code (1..=16).
    pub state_code: u8,
    /// State name (census spelling).
    pub state: &'static str,
    /// District name (census spelling).
    pub name: &'static str,
    /// Census 2020 population.
    pub population: u64,
    /// Official area in km².
    pub area_km2: f64,
    /// Share of the population living in urban areas.
    pub(crate) urban_share: f64,
    /// Share of males.
    pub(crate) male_share: f64,
    /// Share of non-citizens.
    pub(crate) non_citizen_share: f64,
    /// Average household size.
    pub(crate) household_size: f64,
    /// Population by ethnic group.
    pub(crate) ethnicity: EthnicMix,
    /// Population by age group.
    pub(crate) age: AgeMix,
    /// Area-weighted centroid (x = longitude, y = latitude); may lie in the sea for coastal districts.
    pub(crate) centroid: Point<f64>,
    /// Simplified boundary in WGS84 (x = longitude, y = latitude).
    pub(crate) boundary: MultiPolygon<f64>,
}

/// All 160 districts, ordered by state code then district code.
pub fn districts() -> &'static [District] {
    static DISTRICTS: OnceLock<Vec<District>> = OnceLock::new();
    DISTRICTS.get_or_init(|| {
        let mut boundaries = boundaries();
        let text = include_str!("../../data/districts.csv");
        let districts: Vec<District> = csv::records("districts.csv", text, HEADER)
            .enumerate()
            .map(|(position, r)| {
                let district = parse_district(&r, &mut boundaries);
                if usize::from(district.index) != position {
                    r.fail("index does not match the line position");
                }
                district
            })
            .collect();
        if let Some(code) = boundaries.keys().next() {
            panic!("generator/data/district_boundaries.txt: unknown district {code}");
        }
        districts
    })
}

const HEADER: [&str; 20] = [
    "index",
    "code",
    "state_code",
    "state",
    "district",
    "population_2020",
    "area_km2",
    "urban_share",
    "male_share",
    "non_citizen_share",
    "household_size_avg",
    "eth_bumi",
    "eth_chinese",
    "eth_indian",
    "eth_other",
    "age_0_14",
    "age_15_64",
    "age_65_plus",
    "centroid_lat",
    "centroid_lon",
];

fn parse_district(
    r: &Record<20>,
    boundaries: &mut HashMap<&'static str, MultiPolygon<f64>>,
) -> District {
    let [
        index,
        code,
        state_code,
        state,
        name,
        population,
        area_km2,
        urban,
        male,
        non_citizen,
        household,
        bumi,
        chinese,
        indian,
        other,
        under_15,
        from_15_to_64,
        over_64,
        lat,
        lon,
    ] = r.fields;
    District {
        index: r.parse(index),
        code,
        state_code: r.parse(state_code),
        state,
        name,
        population: r.parse(population),
        area_km2: r.parse(area_km2),
        urban_share: r.parse(urban),
        male_share: r.parse(male),
        non_citizen_share: r.parse(non_citizen),
        household_size: r.parse(household),
        ethnicity: EthnicMix {
            bumiputera: r.parse(bumi),
            chinese: r.parse(chinese),
            indian: r.parse(indian),
            other: r.parse(other),
        },
        age: AgeMix {
            under_15: r.parse(under_15),
            from_15_to_64: r.parse(from_15_to_64),
            over_64: r.parse(over_64),
        },
        centroid: Point::new(r.parse(lon), r.parse(lat)),
        boundary: boundaries
            .remove(code)
            .unwrap_or_else(|| r.fail(format_args!("no boundary for district {code}"))),
    }
}

/// Parses `district_boundaries.txt`: one ring a line, `code;part;ring;lon lat,lon lat,...`,
/// parts and rings numbered from 0 in order, ring 0 being the exterior of its part.
fn boundaries() -> HashMap<&'static str, MultiPolygon<f64>> {
    const FILE: &str = "generator/data/district_boundaries.txt";
    let text = include_str!("../../data/district_boundaries.txt");
    // Per district, its parts as lists of rings.
    let mut parts: HashMap<&'static str, Vec<Vec<LineString<f64>>>> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let fail = |message: &str| -> ! { panic!("{FILE}:{}: {message}", i + 1) };
        let mut fields = line.splitn(4, ';');
        let (Some(code), Some(part), Some(ring), Some(coords)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            fail("expected code;part;ring;coordinates");
        };
        let (Ok(part), Ok(ring)) = (part.parse::<usize>(), ring.parse::<usize>()) else {
            fail("bad part or ring index");
        };
        let ring_coords = coords
            .split(',')
            .map(|pair| {
                let (lon, lat) = pair
                    .split_once(' ')
                    .unwrap_or_else(|| fail("bad coordinate"));
                match (lon.parse::<f64>(), lat.parse::<f64>()) {
                    (Ok(lon), Ok(lat)) => (lon, lat),
                    _ => fail("bad coordinate"),
                }
            })
            .collect::<Vec<_>>();
        if ring_coords.len() < 3 {
            fail("a ring needs at least 3 points");
        }
        let district = parts.entry(code).or_default();
        if ring == 0 && part == district.len() {
            district.push(Vec::new());
        }
        if part + 1 != district.len() {
            fail("parts must be numbered in order from 0");
        }
        let rings = district.last_mut().expect("the part was pushed above");
        if ring != rings.len() {
            fail("rings must be numbered in order from 0");
        }
        rings.push(LineString::from(ring_coords));
    }
    parts
        .into_iter()
        .map(|(code, parts)| {
            let polygons = parts.into_iter().map(|mut rings| {
                let exterior = rings.remove(0);
                Polygon::new(exterior, rings)
            });
            (code, MultiPolygon::new(polygons.collect()))
        })
        .collect()
}
