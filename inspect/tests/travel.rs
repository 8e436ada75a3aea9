//! The travel sections of a generated dataset's report, through the generator, the Parquet
//! writer and the inspector: the Chinese New Year exodus out of the Klang Valley, and trips
//! abroad by destination country.

use telcosynth_generator::generate::{Shard, World, run};
use telcosynth_generator::scenario::parse;
use telcosynth_generator::tables;
use telcosynth_inspect::inspect;
use telcosynth_sinks::{DatasetWriter, ManifestInfo, ShardInfo, ToolInfo, WriterOptions};

/// Ten thousand Klang Valley residents from a fortnight before Chinese New Year to after the
/// return; only the static tables, so no events are generated.
const SCENARIO: &str = r#"name = "cny-travel"
seed = 11

[period]
start = 2025-01-13
end = 2025-02-05

[region]
states = ["Selangor", "W.P. Kuala Lumpur", "W.P. Putrajaya"]

[population]
persons = 10000

[outputs]
tables = ["persons", "trips"]
persons_per_block = 5000
"#;

/// The inspector's report of the dataset of scenario `text`.
fn report_of(text: &str) -> telcosynth_inspect::Report {
    let scenario = parse("travel.toml", text, &tables::names()).unwrap();
    let (name, seed) = (scenario.name().to_owned(), scenario.seed());
    let world = World::build(scenario).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(tmp.path(), WriterOptions::default()).unwrap();
    run(&world, Shard::ALL, &writer, &|_, _| {}).unwrap();
    writer
        .finish(ManifestInfo {
            tool: ToolInfo {
                name: "test".into(),
                version: "0".into(),
            },
            scenario_name: name,
            scenario_text: text.into(),
            seed,
            shard: ShardInfo { index: 0, count: 1 },
            extra: serde_json::Value::Null,
        })
        .unwrap();
    inspect(tmp.path()).unwrap()
}

/// Twenty thousand Johor residents over February with three times the usual trips abroad;
/// only the static tables.
const ABROAD: &str = r#"name = "johor-abroad"
seed = 12

[period]
start = 2025-02-01
end = 2025-02-28

[region]
states = ["Johor"]

[population]
persons = 20000

[tourism]
outbound_scale = 3.0

[outputs]
tables = ["persons", "trips"]
persons_per_block = 10000
"#;

#[test]
fn trips_abroad_are_reported_by_country_beside_the_configured_shares() {
    let report = report_of(ABROAD);
    let outbound = report
        .outbound
        .as_ref()
        .expect("the dataset has trips abroad");
    eprintln!("{}", outbound.to_text());
    assert!(report.to_text().contains("Trips abroad:"));
    assert!(
        outbound.trips >= 300,
        "{} person-trips abroad",
        outbound.trips
    );
    let total: u64 = outbound.countries.iter().map(|c| c.trips).sum();
    assert_eq!(total, outbound.trips);
    // Households travel together, so person-trips come in clumps: a wide band.
    for c in &outbound.countries {
        let configured = c.configured_share.expect("a configured destination");
        if c.country != "SAU" {
            assert!(
                (c.share - configured).abs() < 0.5 * configured + 0.03,
                "{}: share {:.3}, configured {configured}",
                c.country,
                c.share
            );
        }
        let median = c.configured_median_nights.unwrap();
        assert!(
            c.mean_nights >= 0.5 * median && c.mean_nights <= 2.5 * median,
            "{c:?}"
        );
    }
    assert!(outbound.countries.len() >= 6, "{:?}", outbound.countries);
}

#[test]
fn chinese_new_year_departures_come_in_a_wave() {
    let report = report_of(SCENARIO);
    let travel = report.travel.as_ref().expect("the dataset has trips");
    let text = report.to_text();
    eprintln!("{}", travel.to_text());
    assert!(text.contains("Holiday travel:") && text.contains("Visitor-days"));
    let departures = |first: &str, last: &str| -> u64 {
        let days = travel
            .days
            .iter()
            .filter(|d| first <= d.date.as_str() && d.date.as_str() <= last);
        days.map(|d| d.departures).sum()
    };
    let (wave, before) = (
        departures("2025-01-24", "2025-01-28"),
        departures("2025-01-13", "2025-01-17"),
    );
    assert!(wave >= 100, "{wave} departures on 24-28 Jan");
    let cny = travel
        .holidays
        .iter()
        .find(|w| w.holiday == "Chinese New Year")
        .expect("a Chinese New Year wave");
    assert!(
        ("2025-01-24".."2025-01-29").contains(&cny.peak_day.as_str()),
        "{cny:?}"
    );
    assert!(
        wave >= 5 * before.max(1),
        "{wave} on 24-28 Jan, {before} on 13-17 Jan"
    );
    assert_eq!(wave, travel.trips, "every trip leaves in the wave");
    let returns: u64 = travel.days.iter().map(|d| d.returns).sum();
    assert_eq!(returns, travel.trips, "every trip comes back in the period");
    // Nobody is away before the wave or after the return; most are away over the new year.
    let away = |date: &str| travel.days.iter().find(|d| d.date == date).unwrap().away;
    assert_eq!(away("2025-01-20"), 0);
    assert_eq!(away("2025-02-04"), 0);
    assert!(away("2025-01-29") * 10 >= travel.trips * 9);
    let nights: u64 = travel.destinations.iter().map(|d| d.visitor_days).sum();
    let away_nights: u64 = travel.days.iter().map(|d| d.away).sum();
    assert_eq!(nights, away_nights);
    assert!(travel.destinations.iter().all(|d| !d.district.is_empty()));
    // Trips go at least 50 km: to kampungs all over the peninsula, and to the far ends of
    // Selangor.
    let klang_valley = |code: &str| ["10_", "14_", "16_"].iter().any(|s| code.starts_with(s));
    let states: std::collections::BTreeSet<&str> = travel
        .destinations
        .iter()
        .filter(|d| !klang_valley(&d.district_code))
        .map(|d| d.state.as_str())
        .collect();
    assert!(states.len() >= 5, "destination states {states:?}");
}
