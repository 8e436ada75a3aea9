use std::collections::HashSet;

use geo::{Contains, GeodesicArea, Point, Validation};

use super::address::postcode_ranges;
use super::calendar::{public_holidays, school_holidays};
use super::handsets::brand_tacs;
use super::mykad::birthplace_codes;
use super::operators::operator_for_number;
use super::*;

/// Districts whose DOSM polygon differs from the official area by more than 10% already in the
/// unsimplified source (boundary changes and coastal or island outlines); see
/// `generator/data/README.md`.
const AREA_OUTLIERS: [&str; 10] = [
    "2_7", "4_3", "12_25", "13_1", "13_5", "13_23", "13_29", "13_30", "13_35", "13_37",
];

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn counts_and_order() {
    assert_eq!(states().len(), 16);
    assert_eq!(districts().len(), 160);
    for (i, d) in districts().iter().enumerate() {
        assert_eq!(usize::from(d.index), i);
        let (state, number) = d.code.split_once('_').unwrap();
        assert_eq!(state.parse::<u8>().unwrap(), d.state_code);
        if i > 0 {
            let prev = &districts()[i - 1];
            let prev_number: u32 = prev.code.split_once('_').unwrap().1.parse().unwrap();
            let key = (d.state_code, number.parse::<u32>().unwrap());
            assert!(
                (prev.state_code, prev_number) < key,
                "{} after {}",
                d.code,
                prev.code
            );
        }
        assert_eq!(state_by_code(d.state_code).name, d.state);
    }
}

fn state_by_code(code: u8) -> &'static State {
    state(code).unwrap_or_else(|| panic!("no state {code}"))
}

#[test]
fn populations_add_up() {
    let total: u64 = districts().iter().map(|d| d.population).sum();
    assert_eq!(total, 32_447_385);
    for s in states() {
        let sum: u64 = districts()
            .iter()
            .filter(|d| d.state_code == s.code)
            .map(|d| d.population)
            .sum();
        assert_eq!(sum, s.population, "{}", s.name);
    }
}

#[test]
fn district_shares_are_consistent() {
    for d in districts() {
        let e = d.ethnicity;
        let a = d.age;
        assert!(
            close(e.bumiputera + e.chinese + e.indian + e.other, 1.0, 1e-3),
            "{}",
            d.code
        );
        assert!(
            close(a.under_15 + a.from_15_to_64 + a.over_64, 1.0, 1e-3),
            "{}",
            d.code
        );
        for share in [
            d.urban_share,
            d.male_share,
            d.non_citizen_share,
            e.indian,
            a.over_64,
        ] {
            assert!((0.0..=1.0).contains(&share), "{}", d.code);
        }
        assert!((2.0..7.0).contains(&d.household_size), "{}", d.code);
        assert!(d.area_km2 > 0.0, "{}", d.code);
    }
}

#[test]
fn boundaries_match_official_areas() {
    for d in districts() {
        let area_km2 = d.boundary.geodesic_area_unsigned() / 1e6;
        assert!(area_km2 > 0.0, "{}", d.code);
        let error = (area_km2 - d.area_km2).abs() / d.area_km2;
        let message = format!(
            "{} {}: {area_km2:.0} km² vs {} km²",
            d.code, d.name, d.area_km2
        );
        if AREA_OUTLIERS.contains(&d.code) {
            // Known mismatches (the list must not go stale), still roughly right.
            assert!(error > 0.05 && error < 0.3, "{message}");
        } else {
            assert!(error <= 0.1, "{message}");
        }
    }
}

#[test]
fn boundaries_are_valid() {
    for d in districts() {
        assert!(
            d.boundary.is_valid(),
            "{}: {:?}",
            d.code,
            d.boundary.validation_errors()
        );
    }
}

#[test]
fn boundaries_are_lon_lat() {
    let find = |name: &str| districts().iter().find(|d| d.name == name).unwrap();
    // Petronas Towers, Kuala Lumpur; Putrajaya; Kuching waterfront.
    assert!(
        find("W.P. Kuala Lumpur")
            .boundary
            .contains(&Point::new(101.7117, 3.1579))
    );
    assert!(
        find("W.P. Putrajaya")
            .boundary
            .contains(&Point::new(101.6958, 2.9264))
    );
    assert!(
        find("Kuching")
            .boundary
            .contains(&Point::new(110.3486, 1.5585))
    );
    assert!(
        !find("Kuching")
            .boundary
            .contains(&Point::new(101.7117, 3.1579))
    );
}

#[test]
fn operators_are_complete() {
    let ops = operators();
    assert_eq!(ops.len(), 6);
    let total: f64 = ops.iter().map(|o| o.market_share).sum();
    assert!(close(total, 1.0, 1e-9), "market shares sum to {total}");
    assert!(
        ops.windows(2)
            .all(|w| w[0].market_share >= w[1].market_share)
    );
    let mut seen = HashSet::new();
    for o in ops {
        assert_eq!(o.mcc, 502);
        assert!(!o.mncs.is_empty(), "{}", o.key);
        for mnc in &o.mncs {
            assert!(
                (2..=3).contains(&mnc.len()) && mnc.bytes().all(|b| b.is_ascii_digit()),
                "{mnc}"
            );
        }
        assert!(o.prepaid_share > 0.0 && o.prepaid_share < 1.0, "{}", o.key);
        assert!(!o.prefixes.is_empty(), "{} has no prefix", o.key);
        for p in &o.prefixes {
            assert!(p.digits.starts_with('1'), "{}", p.digits);
            assert!(p.digits.bytes().all(|b| b.is_ascii_digit()), "{}", p.digits);
            let long = p.digits.starts_with("11") || p.digits.starts_with("15");
            assert_eq!(p.nsn_length, if long { 10 } else { 9 }, "{}", p.digits);
            assert!(seen.insert(p.digits), "{} listed twice", p.digits);
        }
    }
    assert_eq!(ops[0].mncs, ["13", "19", "16"]);
}

#[test]
fn longest_prefix_wins() {
    let key = |nsn| operator_for_number(nsn).map(|o| o.key);
    assert_eq!(key("123456789"), Some("maxis"));
    assert_eq!(key("1163012345"), Some("unifi"));
    assert_eq!(key("1163612345"), Some("umobile"));
    assert_eq!(key("1171012345"), Some("celcomdigi"));
    assert_eq!(key("3012345678"), None);
}

#[test]
fn handsets_are_consistent() {
    assert!(!tacs().is_empty());
    for t in tacs() {
        assert!(
            t.tac.len() == 8 && t.tac.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            t.tac
        );
        assert!(!t.model.is_empty(), "{}", t.tac);
    }
    let shares = handset_brand_shares();
    let total: f64 = shares.iter().map(|s| s.share).sum();
    assert!(close(total, 1.0, 1e-5), "brand shares sum to {total}");
    let share_brands: HashSet<_> = shares.iter().map(|s| s.brand).collect();
    let tac_brands: HashSet<_> = tacs().iter().map(|t| t.brand).collect();
    assert_eq!(share_brands, tac_brands);
    for s in shares {
        let tacs = brand_tacs(s.brand);
        assert!(!tacs.is_empty() && tacs.iter().all(|t| t.brand == s.brand));
    }
    assert!(brand_tacs("Nokia").is_empty());
}

#[test]
fn every_state_has_birthplace_codes_and_postcodes() {
    for s in states() {
        let codes = state_birthplace_codes(s.code);
        assert_eq!(
            codes.first(),
            Some(&format!("{:02}", s.code).as_str()),
            "{}",
            s.name
        );
        assert!(!postcode_ranges(s.code).is_empty(), "{}", s.name);
    }
    assert_eq!(state_birthplace_codes(10), ["10", "41", "42", "43", "44"]);
    assert!(state_birthplace_codes(0).is_empty() && state_birthplace_codes(17).is_empty());
    assert!(postcode_ranges(0).is_empty() && postcode_ranges(17).is_empty());
    assert!(
        birthplace_codes()
            .iter()
            .any(|b| b.code == "71" && b.state_code.is_none())
    );
}

#[test]
fn postcode_ranges_do_not_overlap() {
    let mut all: Vec<_> = states()
        .iter()
        .flat_map(|s| postcode_ranges(s.code).iter().copied())
        .collect();
    all.sort_unstable();
    assert!(all.windows(2).all(|w| w[0].1 < w[1].0), "{all:?}");
    assert!(all.iter().all(|&(from, to)| from >= 1000 && to <= 99999));
}

#[test]
fn name_lists_are_clean() {
    use names::*;
    let lists: [&[&str]; 12] = [
        MALAY_GIVEN_MALE,
        MALAY_GIVEN_FEMALE,
        CHINESE_SURNAMES,
        CHINESE_GIVEN_SYLLABLES,
        INDIAN_GIVEN_MALE,
        INDIAN_GIVEN_FEMALE,
        STREET_PREFIXES,
        TOWNSHIP_PREFIXES,
        TOWNSHIP_SUFFIXES,
        TOWNS,
        MALAY_TITLES_MALE,
        BUILDING_PREFIXES,
    ];
    for list in lists {
        assert!(!list.is_empty());
        let unique: HashSet<_> = list.iter().collect();
        assert_eq!(unique.len(), list.len(), "duplicates in {list:?}");
    }
    assert_eq!(CHINESE_SURNAMES[..3], ["Lee", "Lim", "Ong"]);
    assert_eq!(STREET_PREFIXES.len(), STREET_PREFIX_WEIGHTS.len());
    assert_eq!(TOWNSHIP_PREFIXES.len(), TOWNSHIP_PREFIX_WEIGHTS.len());
    assert_eq!(BUILDING_PREFIXES.len(), BUILDING_PREFIX_WEIGHTS.len());
}

#[test]
fn calendar_tables_are_consistent() {
    let holidays = public_holidays();
    assert_eq!(holidays.len(), 58);
    assert!(holidays.windows(2).all(|w| w[0].date <= w[1].date));
    let national: Vec<&str> = holidays
        .iter()
        .filter(|h| h.is_national())
        .map(|h| h.name)
        .collect();
    for name in [
        "Chinese New Year",
        "Eid al-Fitr",
        "National Day",
        "Malaysia Day",
    ] {
        assert!(national.contains(&name), "{name} is national");
    }
    let date = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    let thaipusam = public_holiday(10, date(2, 11)).expect("Thaipusam in Selangor");
    assert_eq!(thaipusam.name, "Thaipusam");
    assert!(public_holiday(3, date(2, 11)).is_none());
    for s in states() {
        // Every state has a dozen or more public holidays, and six school breaks from December
        // 2024 to December 2025, none overlapping.
        let days = holidays.iter().filter(|h| h.observed_in(s.code)).count();
        assert!((12..=25).contains(&days), "{}: {days} holidays", s.name);
        let breaks: Vec<_> = school_holidays()
            .iter()
            .filter(|h| h.applies_to(s.code))
            .collect();
        assert_eq!(breaks.len(), 6, "{}", s.name);
        assert!(
            breaks.windows(2).all(|w| w[0].end < w[1].start),
            "{}",
            s.name
        );
    }
    assert!(is_school_holiday(14, date(1, 29)));
    assert!(!is_school_holiday(14, date(1, 6)));
}

#[test]
fn visitor_tables_are_consistent() {
    let origins = inbound_origins();
    assert_eq!(origins.len(), 23);
    assert_eq!(origins[0].iso3, "SGP");
    assert!(close(origins.iter().map(|o| o.share).sum(), 1.0, 1e-4));
    assert!(origins.windows(2).all(|w| w[0].arrivals >= w[1].arrivals));
    let points = entry_points();
    for o in origins {
        assert!(
            close(o.entry_states.iter().map(|s| s.1).sum(), 1.0, 1e-4),
            "{}",
            o.iso3
        );
        for &(state, _) in &o.entry_states {
            assert!(
                points.iter().any(|p| p.state_code == state),
                "{} enters {state}, which has no entry point",
                o.iso3
            );
        }
        let plmns = country_plmns(o.iso3);
        assert!(!plmns.is_empty(), "{} has no network", o.iso3);
        assert!(plmns.iter().all(|p| p.iso3 == o.iso3));
        assert!(!o.calling_code.is_empty() && o.calling_code.bytes().all(|b| b.is_ascii_digit()));
    }
    // Singaporeans enter mostly through Johor, over the causeway and the second link.
    let sg = &origins[0];
    let johor = sg.entry_states.iter().find(|s| s.0 == 1).unwrap().1;
    assert!(johor > 0.9, "{johor}");
    assert!(country_plmns("SGP").iter().all(|p| p.mcc == "525"));
    let crossings: Vec<&str> = points
        .iter()
        .filter(|p| p.kind == EntryKind::LandCheckpoint)
        .map(|p| p.crossing_country.unwrap())
        .collect();
    assert_eq!(crossings, ["SGP", "SGP", "THA", "THA", "THA", "BRN", "IDN"]);
    let causeway = points.iter().find(|p| p.id == "L01").unwrap();
    assert_eq!(causeway.crossing_country, Some("SGP"));
    let klia = points.iter().find(|p| p.iata == Some("KUL")).unwrap();
    assert!(klia.crossing_country.is_none() && klia.state_code == 10);
    // Points lie in (or, on the coast, within 3 km of) their district.
    use geo::Distance;
    let geo_check = |lon: f64, lat: f64, district: u16| {
        let d = &districts()[usize::from(district)];
        d.boundary.contains(&Point::new(lon, lat))
            || geo::Euclidean.distance(&d.boundary, &Point::new(lon, lat)) < 0.03
    };
    for p in points {
        assert!(geo_check(p.lon, p.lat, p.district), "{}", p.id);
    }
    assert_eq!(attractions().len(), 25);
    for a in attractions() {
        assert!(geo_check(a.lon, a.lat, a.district), "{}", a.id);
    }
}
