use proptest::prelude::*;

use super::*;
use crate::public_data;

const TABLES: &[&str] = &["persons", "sims", "cells", "cdrs"];
const ORIGIN: &str = "scenarios/x.toml";

/// A valid scenario; the tests below edit one line of it at a time.
const BASE: &str = r#"name = "test"
seed = 7

[period]
start = 2025-01-06
end = 2025-01-12

[population]
persons = 100
"#;

fn quickstart() -> Scenario {
    let b = bundled()
        .iter()
        .find(|b| b.name == "quickstart")
        .expect("quickstart is bundled");
    parse("bundled:quickstart", b.text, TABLES).unwrap_or_else(|e| panic!("{e}"))
}

/// Parses `text`, expecting an error whose message starts with `prefix` (origin, line, column
/// and field) and contains every one of `parts`.
fn assert_error(text: &str, prefix: &str, parts: &[&str]) {
    let message = match parse(ORIGIN, text, TABLES) {
        Ok(s) => panic!("expected an error, parsed {s:?}"),
        Err(e) => e.to_string(),
    };
    assert!(
        message.starts_with(prefix),
        "{message:?} does not start with {prefix:?}"
    );
    for part in parts {
        assert!(
            message.contains(part),
            "{message:?} does not contain {part:?}"
        );
    }
}

#[test]
fn quickstart_covers_the_klang_valley_for_a_week() {
    let s = quickstart();
    let klang_valley = ["Selangor", "W.P. Kuala Lumpur", "W.P. Putrajaya"];
    let expected: Vec<u16> = public_data::districts()
        .iter()
        .filter(|d| klang_valley.contains(&d.state))
        .map(|d| d.index)
        .collect();
    assert_eq!(expected.len(), 11, "9 Selangor districts, KL and Putrajaya");
    assert_eq!(s.districts(), expected);
    assert_eq!(s.name(), "quickstart");
    assert_eq!(s.seed(), 20250106);
    assert_eq!(s.population(), PopulationSize::Persons(20_000));
    assert_eq!(s.start_date(), NaiveDate::from_ymd_opt(2025, 1, 6).unwrap());
    assert_eq!(s.end_date(), NaiveDate::from_ymd_opt(2025, 1, 12).unwrap());
    assert_eq!(s.days(), 7);
    assert_eq!(s.tables(), TABLES);
    assert_eq!(
        (s.format(), s.compression()),
        (Format::Parquet, Compression::Zstd)
    );
    assert_eq!(s.persons_per_block(), 5_000);
    assert_eq!(s.sims_per_person(), DEFAULT_SIMS_PER_PERSON);
    let description = &bundled()
        .iter()
        .find(|b| b.name == "quickstart")
        .unwrap()
        .description;
    assert!(description.starts_with("Twenty thousand") && !description.contains('\n'));
}

#[test]
fn chinese_new_year_covers_the_peninsula_over_the_festival() {
    let b = bundled()
        .iter()
        .find(|b| b.name == "chinese-new-year-2025")
        .expect("bundled");
    let s =
        parse("bundled:chinese-new-year-2025", b.text, TABLES).unwrap_or_else(|e| panic!("{e}"));
    let peninsular: Vec<u16> = public_data::districts()
        .iter()
        .filter(|d| {
            public_data::state(d.state_code).unwrap().region == public_data::Region::Peninsular
        })
        .map(|d| d.index)
        .collect();
    assert_eq!(s.districts(), peninsular);
    assert_eq!(
        s.start_date(),
        NaiveDate::from_ymd_opt(2025, 1, 20).unwrap()
    );
    assert_eq!(s.days(), 17);
    assert_eq!(s.balik_kampung_cny_share(), DEFAULT_BALIK_KAMPUNG_CNY_SHARE);
    assert!(b.description.starts_with("Chinese New Year 2025"));
}

#[test]
fn defaults_cover_malaysia_and_the_market_shares() {
    let s = parse(ORIGIN, BASE, TABLES).unwrap();
    assert_eq!(s.districts().len(), public_data::districts().len());
    let shares = s.operator_shares();
    assert_eq!(shares.len(), public_data::operators().len());
    let total: f64 = public_data::operators()
        .iter()
        .map(|o| o.market_share)
        .sum();
    assert!(
        (total - 1.0).abs() <= 0.001,
        "reference market shares sum to {total}"
    );
    for (i, share) in shares {
        assert!((share - public_data::operators()[i].market_share / total).abs() < 1e-12);
    }
}

#[test]
fn aliases_and_disambiguated_districts_resolve_to_census_names() {
    let text = BASE.replace(
        "[population]",
        "[region]\nstates = [\"kuala lumpur\", \"Penang\", \"Putrajaya\", \"MY-15\"]\n\
         districts = [\"Hulu Langat\", \"selangor/petaling\", \"Johor/Kluang\"]\n\n[population]",
    );
    let s = parse(ORIGIN, &text, TABLES).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = s
        .districts()
        .iter()
        .map(|&i| {
            let d = &public_data::districts()[usize::from(i)];
            format!("{}/{}", d.state, d.name)
        })
        .collect();
    for expected in [
        "W.P. Kuala Lumpur/W.P. Kuala Lumpur",
        "W.P. Putrajaya/W.P. Putrajaya",
        "W.P. Labuan/W.P. Labuan",
        "Pulau Pinang/Timur Laut",
        "Selangor/Ulu Langat",
        "Selangor/Petaling",
        "Johor/Kluang",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n == "Selangor/Klang"));
    let normalised = normalised_toml(&s);
    for census in [
        "\"W.P. Kuala Lumpur\"",
        "\"Pulau Pinang\"",
        "\"Ulu Langat\"",
        "\"Petaling\"",
    ] {
        assert!(
            normalised.contains(census),
            "{census} missing from\n{normalised}"
        );
    }
}

#[test]
fn normalised_toml_round_trips() {
    let custom = BASE
        .replace("persons = 100", "scale = 0.01\nsims_per_person = 1.5")
        .replace(
            "seed = 7",
            "description = \"Two lines\\nof text.\"\nseed = 7",
        )
        + "\n[region]\ndistricts = [\"Kuala Lumpur\", \"Petaling\"]\n\n\
           [operators]\nmaxis = { share = 0.6 }\ncelcomdigi = { share = 0.4 }\n\n\
           [outputs]\ntables = [\"cdrs\", \"persons\"]\nformat = \"csv\"\ncompression = \"none\"\n\
           persons_per_block = 1000\n";
    for scenario in [
        quickstart(),
        parse(ORIGIN, BASE, TABLES).unwrap(),
        parse(ORIGIN, &custom, TABLES).unwrap(),
    ] {
        let normalised = normalised_toml(&scenario);
        let again = parse("normalised", &normalised, TABLES)
            .unwrap_or_else(|e| panic!("{e}\n{normalised}"));
        assert_eq!(again, scenario, "\n{normalised}");
        assert_eq!(normalised_toml(&again), normalised);
    }
    let s = parse(ORIGIN, &custom, TABLES).unwrap();
    assert_eq!(s.tables(), ["persons", "cdrs"]);
    assert_eq!(
        s.operator_shares()[public_data::operators()
            .iter()
            .position(|o| o.key == "maxis")
            .unwrap()]
        .1,
        0.6
    );
    assert_eq!(
        (s.format(), s.compression(), s.persons_per_block()),
        (Format::Csv, Compression::None, 1000)
    );
    assert_eq!(s.description(), "Two lines\nof text.");
}

#[test]
fn resolve_tells_bundled_names_from_paths() {
    let quickstart = bundled().iter().find(|b| b.name == "quickstart").unwrap();
    assert_eq!(resolve("quickstart"), ScenarioSource::Bundled(quickstart));
    assert_eq!(
        resolve("bundled:quickstart"),
        ScenarioSource::Bundled(quickstart)
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/quickstart.toml");
    assert_eq!(resolve(path), ScenarioSource::File(path.into()));
    assert_eq!(
        resolve(path).load(TABLES).unwrap(),
        resolve("quickstart").load(TABLES).unwrap()
    );
}

#[test]
fn unreadable_file_is_named() {
    let e = load(Path::new("scenarios/missing.toml"), TABLES)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("scenarios/missing.toml: cannot read the scenario: "),
        "{e}"
    );
    assert!(e.contains("quickstart"), "{e}");
}

#[test]
fn unknown_top_level_key() {
    let text = BASE.replace("seed = 7", "seed = 7\ncolour = \"red\"");
    assert_error(
        &text,
        "scenarios/x.toml:3:1: colour: unknown key",
        &["name, description, seed"],
    );
}

#[test]
fn unknown_nested_key() {
    let text = BASE.replace("persons = 100", "persons = 100\nscales = 0.1");
    assert_error(
        &text,
        "scenarios/x.toml:10:1: population.scales: unknown key",
        &[
            "valid keys here: scale, persons, subscribers, sims_per_person",
            "did you mean \"scale\"?",
        ],
    );
}

#[test]
fn wrong_type() {
    let text = BASE.replace("seed = 7", "seed = \"seven\"");
    assert_error(
        &text,
        "scenarios/x.toml:2:8: seed: invalid type: string",
        &["write it like `seed = 20250106`"],
    );
}

#[test]
fn missing_required_key() {
    let text = BASE.replace("seed = 7\n", "");
    assert_error(
        &text,
        "scenarios/x.toml:1:1: seed: required key is missing",
        &["`seed = 20250106`"],
    );
    let text = BASE.replace("end = 2025-01-12\n", "");
    assert_error(
        &text,
        "scenarios/x.toml:4:1: period.end: required key is missing",
        &["`end = 2025-01-12`"],
    );
}

#[test]
fn syntax_error() {
    let text = BASE.replace("[population]", "[population");
    assert_error(
        &text,
        "scenarios/x.toml:8:12: unclosed table",
        &["fix the TOML syntax"],
    );
}

#[test]
fn bad_date() {
    let text = BASE.replace("start = 2025-01-06", "start = \"2025-02-30\"");
    assert_error(
        &text,
        "scenarios/x.toml:5:9: period.start: invalid date \"2025-02-30\"",
        &["`start = 2025-01-06`"],
    );
}

#[test]
fn end_before_start() {
    let text = BASE.replace("end = 2025-01-12", "end = 2025-01-05");
    assert_error(
        &text,
        "scenarios/x.toml:6:7: period.end: must not be before period.start",
        &["end = 2025-01-06"],
    );
}

#[test]
fn period_too_long() {
    let text = BASE.replace("end = 2025-01-12", "end = 2026-01-07");
    assert_error(
        &text,
        "scenarios/x.toml:6:7: period.end: the period covers 367 days",
        &["end = 2026-01-06"],
    );
    let text = BASE.replace("end = 2025-01-12", "end = 2026-01-06");
    assert_eq!(parse(ORIGIN, &text, TABLES).map(|s| s.days()), Ok(366));
}

#[test]
fn misspelt_district() {
    let text = BASE.replace(
        "[population]",
        "[region]\ndistricts = [\"Petalin\"]\n\n[population]",
    );
    assert_error(
        &text,
        "scenarios/x.toml:9:14: region.districts: unknown district \"Petalin\"",
        &["did you mean \"Petaling\"?", "\"State/District\""],
    );
    let text = BASE.replace(
        "[population]",
        "[region]\ndistricts = [\"Johor/Petaling\"]\n\n[population]",
    );
    assert_error(
        &text,
        "scenarios/x.toml:9:14: region.districts: Johor has no district \"Petaling\"",
        &["did you mean \"Selangor/Petaling\"?"],
    );
}

#[test]
fn misspelt_state() {
    let text = BASE.replace(
        "[population]",
        "[region]\nstates = [\"Selanger\"]\n\n[population]",
    );
    assert_error(
        &text,
        "scenarios/x.toml:9:11: region.states: unknown state \"Selanger\"",
        &["did you mean \"Selangor\"?", "census name"],
    );
}

#[test]
fn empty_region() {
    let text = BASE.replace("[population]", "[region]\nstates = []\n\n[population]");
    assert_error(
        &text,
        "scenarios/x.toml:8:1: region: selects no district",
        &["remove [region]"],
    );
}

#[test]
fn zero_persons() {
    let text = BASE.replace("persons = 100", "persons = 0");
    assert_error(
        &text,
        "scenarios/x.toml:9:11: population.persons: must be at least 1 (got 0)",
        &["persons = 20000"],
    );
}

#[test]
fn zero_scale() {
    let text = BASE.replace("persons = 100", "scale = 0");
    assert_error(
        &text,
        "scenarios/x.toml:9:9: population.scale: must be greater than 0 and at most 1 (got 0); \
         set a fraction such as 0.001, or use persons = N",
        &[],
    );
}

#[test]
fn scale_and_persons() {
    let text = BASE.replace("persons = 100", "scale = 0.1\npersons = 100");
    assert_error(
        &text,
        "scenarios/x.toml:10:11: population.persons: conflicts with population.scale",
        &["remove one"],
    );
}

#[test]
fn no_population_size() {
    let text = BASE.replace("persons = 100", "sims_per_person = 1.2");
    assert_error(
        &text,
        "scenarios/x.toml:8:1: population: sets no size",
        &["persons = 20000"],
    );
}

#[test]
fn holiday_shares_default_and_validate() {
    let s = parse(ORIGIN, BASE, TABLES).unwrap();
    assert_eq!(s.balik_kampung_cny_share(), DEFAULT_BALIK_KAMPUNG_CNY_SHARE);
    assert_eq!(
        s.balik_kampung_raya_share(),
        DEFAULT_BALIK_KAMPUNG_RAYA_SHARE
    );
    let text = format!("{BASE}\n[holidays]\nbalik_kampung_cny_share = 0.0\n");
    let s = parse(ORIGIN, &text, TABLES).unwrap();
    assert_eq!(s.balik_kampung_cny_share(), 0.0);
    assert_eq!(
        s.balik_kampung_raya_share(),
        DEFAULT_BALIK_KAMPUNG_RAYA_SHARE
    );
    let text = format!("{BASE}\n[holidays]\nbalik_kampung_raya_share = 1.5\n");
    assert_error(
        &text,
        "scenarios/x.toml:12:28: holidays.balik_kampung_raya_share: must be between 0 and 1",
        &["Hari Raya Aidilfitri", "0.6"],
    );
    let text = format!("{BASE}\n[holidays]\nbalik_kampung = 0.5\n");
    assert_error(
        &text,
        "scenarios/x.toml:12:1: holidays",
        &["balik_kampung_cny_share"],
    );
}

#[test]
fn sims_per_person_out_of_range() {
    let text = BASE.replace("persons = 100", "persons = 100\nsims_per_person = 0.5");
    assert_error(
        &text,
        "scenarios/x.toml:10:19: population.sims_per_person: must be between 1.0 and 3.0",
        &["1.35"],
    );
}

#[test]
fn shares_not_summing_to_one() {
    let text =
        format!("{BASE}\n[operators]\nmaxis = {{ share = 0.5 }}\ncelcomdigi = {{ share = 0.4 }}\n");
    assert_error(
        &text,
        "scenarios/x.toml:11:1: operators: shares sum to 0.9, not 1",
        &["raise them by 0.1", "remove [operators]"],
    );
}

#[test]
fn negative_share() {
    let text =
        format!("{BASE}\n[operators]\nmaxis = {{ share = 1.0 }}\nyes = {{ share = -0.1 }}\n");
    assert_error(
        &text,
        "scenarios/x.toml:13:17: operators.yes.share: must be between 0 and 1",
        &["share = 0.25"],
    );
}

#[test]
fn unknown_operator() {
    let text = format!("{BASE}\n[operators]\ndigi = {{ share = 1.0 }}\n");
    assert_error(
        &text,
        "scenarios/x.toml:12:1: operators.digi: unknown operator",
        &["celcomdigi, maxis", "did you mean \"celcomdigi\"?"],
    );
}

#[test]
fn unknown_table() {
    let text = format!("{BASE}\n[outputs]\ntables = [\"persons\", \"cdr\"]\n");
    assert_error(
        &text,
        "scenarios/x.toml:12:22: outputs.tables: unknown table \"cdr\"",
        &[
            "valid tables: persons, sims, cells, cdrs",
            "did you mean \"cdrs\"?",
        ],
    );
}

#[test]
fn unknown_format() {
    let text = format!("{BASE}\n[outputs]\nformat = \"xml\"\n");
    assert_error(
        &text,
        "scenarios/x.toml:12:10: outputs.format: unknown value \"xml\"",
        &["\"parquet\" or \"csv\""],
    );
}

#[test]
fn persons_per_block_out_of_range() {
    let text = format!("{BASE}\n[outputs]\npersons_per_block = 10\n");
    assert_error(
        &text,
        "scenarios/x.toml:12:21: outputs.persons_per_block: must be between 1000",
        &["50000"],
    );
}

#[test]
fn bad_name() {
    let text = BASE.replace("name = \"test\"", "name = \"My Test\"");
    assert_error(
        &text,
        "scenarios/x.toml:1:8: name: must be non-empty",
        &["name = \"my-test\""],
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random byte edits of the quickstart never make `parse` panic, errors always carry a
    /// position, and whatever still parses round-trips through its normalised form.
    #[test]
    fn mutated_quickstart_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..8)
    ) {
        let quickstart = bundled().iter().find(|b| b.name == "quickstart").unwrap();
        let mut bytes = quickstart.text.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match parse("bundled:quickstart", &text, TABLES) {
            Ok(s) => {
                let normalised = normalised_toml(&s);
                let again = parse("normalised", &normalised, TABLES);
                prop_assert_eq!(again, Ok(s));
            }
            Err(e) => prop_assert!(e.position.is_some(), "{}", e),
        }
    }
}

#[test]
fn every_scenario_file_is_bundled_valid_and_says_its_size() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "scenarios/ holds {files:?}");
    for path in &files {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let b = bundled()
            .iter()
            .find(|b| b.name == stem)
            .unwrap_or_else(|| panic!("{} is not bundled (scenario/bundled.rs)", path.display()));
        assert_eq!(b.text, text, "{stem}: bundled text");
        let s = parse(stem, &text, TABLES).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.name(),
            stem,
            "a scenario file is named after its scenario"
        );
        let header: String = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(
            header.contains("Size:"),
            "{stem}: the header comment says what the scenario is for and its size"
        );
        assert!(!b.description.is_empty(), "{stem}: description");
    }
    assert_eq!(
        files.len(),
        bundled().len(),
        "bundled scenarios without a file"
    );
}

#[test]
fn inbound_scale_is_a_fraction_and_off_by_default() {
    let off = parse(ORIGIN, BASE, TABLES).unwrap();
    assert_eq!(off.inbound_scale(), 0.0);
    assert!(!super::normalised_toml(&off).contains("tourism"));
    let on = parse(
        ORIGIN,
        &format!("{BASE}[tourism]\ninbound_scale = 0.001\n"),
        TABLES,
    )
    .unwrap();
    assert_eq!(on.inbound_scale(), 0.001);
    let again = parse(ORIGIN, &super::normalised_toml(&on), TABLES).unwrap();
    assert_eq!(again, on);
    assert_error(
        &format!("{BASE}[tourism]\ninbound_scale = 2.0\n"),
        "scenarios/x.toml:11:17: tourism.inbound_scale: must be between 0 and 1",
        &["foreign arrivals"],
    );
    let b = bundled()
        .iter()
        .find(|b| b.name == "inbound-tourism-q1-2025")
        .expect("bundled");
    let s = parse("bundled:inbound-tourism-q1-2025", b.text, TABLES).unwrap();
    assert!(s.inbound_scale() > 0.0 && s.days() == 90);
}

/// A scenario with one gathering and one outage; the tests below edit one line of it.
const EVENTS: &str = r#"name = "test"
seed = 7

[period]
start = 2025-02-08
end = 2025-02-14

[population]
persons = 100

[[gathering]]
name = "concert"
kind = "concert"
venue = "Batu Caves"
first = 2025-02-08
opens = "19:00"
closes = "23:00"
attendees = 50000

[[outage]]
name = "outage"
operator = "maxis"
lon = 101.6067
lat = 3.1073
radius_km = 3.0
start = "2025-02-12 10:00"
end = "2025-02-12 16:00"
"#;

#[test]
fn events_resolve_and_round_trip() {
    let s = parse(ORIGIN, EVENTS, TABLES).unwrap_or_else(|e| panic!("{e}"));
    let g = &s.gatherings()[0];
    assert_eq!(g.venue.district, public_data::attractions()[3].district);
    assert_eq!((g.opens_s, g.closes_s), (19 * 3600, 23 * 3600));
    assert!(
        g.attendance > 0.0 && g.attendance < 0.05,
        "{}",
        g.attendance
    );
    let o = &s.outages()[0];
    let midnight =
        crate::public_data::calendar::local_midnight(NaiveDate::from_ymd_opt(2025, 2, 12).unwrap());
    assert_eq!(
        (o.start, o.end),
        (midnight + 10 * 3600, midnight + 16 * 3600)
    );
    assert_eq!(
        o.operator.map(|i| public_data::operators()[i].key),
        Some("maxis")
    );
    let bundled = bundled()
        .iter()
        .find(|b| b.name == "network-outage")
        .unwrap();
    for scenario in [s, parse("bundled", bundled.text, TABLES).unwrap()] {
        let normalised = normalised_toml(&scenario);
        let again = parse("normalised", &normalised, TABLES)
            .unwrap_or_else(|e| panic!("{e}\n{normalised}"));
        assert_eq!(again, scenario, "\n{normalised}");
    }
}

#[test]
fn bad_events_name_the_field_and_the_fix() {
    let cases = [
        (
            "kind = \"concert\"",
            "kind = \"rave\"",
            ":13:8: gathering[0].kind",
            "valid kinds",
        ),
        (
            "venue = \"Batu Caves\"",
            "venue = \"Batu Cave\"",
            ":14:9: gathering[0].venue",
            "did you mean \"Batu Caves\"?",
        ),
        (
            "attendees = 50000",
            "attendees = 50000000",
            ":18:13: gathering[0].attendees",
            "eligible residents",
        ),
        (
            "kind = \"concert\"",
            "kind = \"festival\"",
            ":13:8: gathering[0].visit_hours",
            "visit_hours = 3",
        ),
        (
            "first = 2025-02-08",
            "first = 2025-03-08",
            ":15:9: gathering[0].first",
            "outside the scenario period",
        ),
        (
            "closes = \"23:00\"",
            "closes = \"11pm\"",
            ":17:10: gathering[0].closes",
            "HH:MM",
        ),
        (
            "operator = \"maxis\"",
            "operator = \"maxi\"",
            ":22:12: outage[0].operator",
            "did you mean \"maxis\"?",
        ),
        (
            "end = \"2025-02-12 16:00\"",
            "end = \"2025-02-12 09:00\"",
            ":27:7: outage[0].end",
            "after start",
        ),
        (
            "2025-02-12 10:00\"\nend = \"2025-02-12 16:00",
            "2025-02-20 10:00\"\nend = \"2025-02-20 16:00",
            ":26:9: outage[0].start",
            "outside the scenario period",
        ),
        (
            "lon = 101.6067",
            "lon = 3.1073",
            ":23:7: outage[0].lon",
            "no Malaysian district",
        ),
    ];
    for (from, to, position, fix) in cases {
        let text = EVENTS.replacen(from, to, 1);
        assert_ne!(text, EVENTS, "{from}");
        assert_error(&text, &format!("{ORIGIN}{position}"), &[fix]);
    }
}

#[test]
fn faults_are_off_by_default_and_their_table_follows_them() {
    let tables = &["cdr", "faults"];
    let off = parse(ORIGIN, BASE, tables).unwrap();
    assert!(off.fault_rates().iter().all(|(_, r)| *r == 0.0));
    assert!(!super::normalised_toml(&off).contains("faults"));
    assert_eq!(off.tables(), ["cdr"], "no faults table without faults");
    let on = parse(
        ORIGIN,
        &format!("{BASE}[faults]\nexact_duplicate = 0.01\n"),
        tables,
    )
    .unwrap();
    assert_eq!(on.tables(), ["cdr", "faults"]);
    assert!(on.fault_rates().contains(&("exact_duplicate", 0.01)));
    let again = parse(ORIGIN, &super::normalised_toml(&on), tables).unwrap();
    assert_eq!(again, on);
    let clean = super::without_faults(&on, &["cdr"]).unwrap();
    assert_eq!(super::normalised_toml(&clean), super::normalised_toml(&off));
    assert_error(
        &format!("{BASE}[faults]\nclock_skew = 1.5\n"),
        "scenarios/x.toml:11:14: faults.clock_skew: must be between 0 and 1",
        &["site-days"],
    );
    let listed = format!("{BASE}[outputs]\ntables = [\"faults\"]\n");
    let e = parse(ORIGIN, &listed, tables).unwrap_err();
    assert_eq!(e.field, "outputs.tables");
    assert!(e.message.contains("add a [faults] section"), "{e}");
}
