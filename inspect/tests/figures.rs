//! Every figure on a tiny dataset with known answers, written through the real writers, and the
//! errors on bad datasets.

use std::path::Path;

use telcosynth_generator::columnar::{
    Batch, Column, ColumnData, ColumnKind, PartKey, Sink, StringColumn, TableSchema, View,
};
use telcosynth_generator::geography::projection::{KM_PER_DEG_LAT, km_per_deg_lon};
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;
use telcosynth_generator::records::{CdrRow, IpRecord, PhoneNumber};
use telcosynth_generator::tables::cdr::{CdrBuilder, Served};
use telcosynth_generator::tables::ip_sessions::sessions_batch;
use telcosynth_generator::tables::{
    CELLS, PERSON_SIMS, PERSONS, SUBSCRIBERS, TRAJECTORIES, VISITORS,
};
use telcosynth_inspect::{InspectError, Report, Status, inspect};
use telcosynth_sinks::{DatasetWriter, Format, ManifestInfo, ShardInfo, ToolInfo, WriterOptions};

/// 2025-01-06 00:00 Malaysia time, UTC seconds: the first day of the test period.
const T0: i64 = 20_094 * 86_400 - UTC_OFFSET_SECONDS;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// IMSIs of SIM keys 0 to 4; key 5 is a SIM the register does not have.
const IMSIS: [&str; 6] = [
    "502120000000001",
    "502120000000002",
    "502120000000003",
    "502120000000004",
    "502120000000005",
    "502199999999999",
];
const HOME: (f64, f64) = (101.6, 3.0);

/// A point `km` north of [`HOME`].
fn north(km: f64) -> (f64, f64) {
    (HOME.0, HOME.1 + km / KM_PER_DEG_LAT)
}

/// A point `km` east of [`HOME`].
fn east(km: f64) -> (f64, f64) {
    (HOME.0 + km / km_per_deg_lon(HOME.1), HOME.1)
}

/// A batch of `schema` with `n` rows: the given columns, every other column filled with zeros
/// or empty strings.
fn batch(schema: &'static TableSchema, n: usize, mut given: Vec<(&str, ColumnData)>) -> Batch {
    let columns = schema
        .columns
        .iter()
        .map(|c| {
            let data = match given.iter().position(|g| g.0 == c.name) {
                Some(i) => given.swap_remove(i).1,
                None => match c.kind {
                    ColumnKind::Int8 => ColumnData::Int8(vec![0; n]),
                    ColumnKind::Int16 => ColumnData::Int16(vec![0; n]),
                    ColumnKind::Int32 => ColumnData::Int32(vec![0; n]),
                    ColumnKind::Int64 => ColumnData::Int64(vec![0; n]),
                    ColumnKind::Float64 => ColumnData::Float64(vec![0.0; n]),
                    ColumnKind::Bool => ColumnData::Bool(vec![false; n]),
                    ColumnKind::Utf8 => text(&vec![""; n]),
                    ColumnKind::Date => ColumnData::Date(vec![0; n]),
                    ColumnKind::TimestampSeconds => ColumnData::TimestampSeconds(vec![0; n]),
                    ColumnKind::PointWkb => ColumnData::Point(vec![(0.0, 0.0); n]),
                },
            };
            data.into()
        })
        .collect();
    assert!(
        given.is_empty(),
        "unknown columns {:?}",
        given.iter().map(|g| g.0).collect::<Vec<_>>()
    );
    Batch::new(schema, columns)
}

fn text(values: &[&str]) -> ColumnData {
    let mut c = StringColumn::default();
    for v in values {
        c.push(v);
    }
    ColumnData::Utf8(c)
}

fn served(key: u64) -> Served<'static> {
    static NUMBERS: std::sync::OnceLock<(PhoneNumber, Vec<PhoneNumber>, PhoneNumber)> =
        std::sync::OnceLock::new();
    let (msisdn, imsis, imei) = NUMBERS.get_or_init(|| {
        (
            PhoneNumber::new("+60120000000"),
            IMSIS.iter().map(|i| PhoneNumber::new(i)).collect(),
            PhoneNumber::new("000000000000000"),
        )
    });
    Served {
        msisdn,
        imsi: &imsis[key as usize],
        imei,
    }
}

fn cdr(sim: u64, kind: &'static str, result: &'static str, start: i64, cell: i64) -> CdrRow {
    CdrRow {
        record_id: start + sim as i64,
        record_type: kind,
        operator: "Maxis",
        served: sim,
        other_party: PhoneNumber::new("+60130000000"),
        start,
        duration_s: 0,
        first_cell: cell,
        last_cell: cell,
        result,
        roaming: "home",
        visited: None,
        location: (0.0, 0.0, 0),
    }
}

fn ip(sim: u64, start: i64, cell: i64, bytes_up: i64, bytes_down: i64) -> IpRecord {
    IpRecord {
        record_id: start + sim as i64,
        session_id: 1,
        sequence: 1,
        operator: "Maxis",
        served: sim,
        start,
        end: start + 60,
        cell,
        rat: "4G",
        apn: "internet",
        private_ip: 0,
        public_ip: 0,
        port_start: 0,
        port_end: 0,
        bytes_up,
        bytes_down,
        closing_cause: "normal",
        roaming: "home",
        visited: None,
        location: (0.0, 0.0, 0),
    }
}

/// One trajectory segment: (person, kind, start, point, purpose).
type Segment = (i64, &'static str, i64, (f64, f64), &'static str);

/// A person's day at home with trips to `stops` (point, purpose), each an hour apart.
fn day_out(person: i64, day: i64, stops: &[((f64, f64), &'static str)]) -> Vec<Segment> {
    let t = T0 + day * DAY;
    let mut out = vec![(person, "stay", t, HOME, "home")];
    for (hour, &(point, purpose)) in (8..).zip(stops.iter().chain(&[(HOME, "home")])) {
        out.push((person, "move", t + hour * HOUR, point, "road"));
        out.push((person, "stay", t + hour * HOUR + 1800, point, purpose));
    }
    out
}

fn trajectories(rows: &[Segment]) -> Batch {
    let n = rows.len();
    batch(
        &TRAJECTORIES,
        n,
        vec![
            (
                "person_id",
                ColumnData::Int64(rows.iter().map(|r| r.0).collect()),
            ),
            ("kind", text(&rows.iter().map(|r| r.1).collect::<Vec<_>>())),
            (
                "start_time",
                ColumnData::TimestampSeconds(rows.iter().map(|r| r.2).collect()),
            ),
            (
                "start_lat",
                ColumnData::Float64(rows.iter().map(|r| r.3.1).collect()),
            ),
            (
                "start_lon",
                ColumnData::Float64(rows.iter().map(|r| r.3.0).collect()),
            ),
            (
                "purpose",
                text(&rows.iter().map(|r| r.4).collect::<Vec<_>>()),
            ),
        ],
    )
}

fn part(table: &'static str, day: Option<i32>) -> PartKey {
    PartKey {
        table,
        day,
        shard: 0,
        block: 0,
    }
}

fn finish(writer: DatasetWriter) {
    writer
        .finish(ManifestInfo {
            tool: ToolInfo {
                name: "test".into(),
                version: "0".into(),
            },
            scenario_name: "tiny".into(),
            scenario_text:
                "name = \"tiny\"\nseed = 7\n\n[period]\nstart = 2025-01-06\nend = 2025-01-07\n"
                    .into(),
            seed: 7,
            shard: ShardInfo { index: 0, count: 1 },
            extra: serde_json::Value::Null,
        })
        .unwrap();
}

/// The tiny dataset (two days, five SIMs, five persons), described where each figure is checked.
fn write_tiny(dir: &Path, format: Format) {
    let writer = DatasetWriter::create(
        dir,
        WriterOptions {
            format,
            ..WriterOptions::default()
        },
    )
    .unwrap();
    // Cells 1 and 2 are 10 km apart in districts A and B, cell 3 in C, cell 4 250 km from cell 1.
    let (c2, c4) = (north(10.0), north(250.0));
    let sites = [
        (1, HOME, "A"),
        (2, c2, "B"),
        (3, east(5.0), "C"),
        (4, c4, "D"),
    ];
    let cells = batch(
        &CELLS,
        4,
        vec![
            (
                "cell_key",
                ColumnData::Int64(sites.iter().map(|s| s.0).collect()),
            ),
            (
                "lon",
                ColumnData::Float64(sites.iter().map(|s| s.1.0).collect()),
            ),
            (
                "lat",
                ColumnData::Float64(sites.iter().map(|s| s.1.1).collect()),
            ),
            (
                "district_code",
                text(&sites.iter().map(|s| s.2).collect::<Vec<_>>()),
            ),
            (
                "geometry",
                ColumnData::Point(sites.iter().map(|s| s.1).collect()),
            ),
        ],
    );
    writer.write(part("cells", None), cells).unwrap();
    let register = batch(&SUBSCRIBERS, 5, vec![("imsi", text(&IMSIS[..5]))]);
    writer.write(part("subscribers", None), register).unwrap();
    // SIM k belongs to person k + 1; homes: persons 1, 2, 5 in A, 3 and 4 in C. SIM 1 is
    // registered to person 1.
    let sims = batch(
        &PERSON_SIMS,
        5,
        vec![
            ("person_id", ColumnData::Int64(vec![1, 2, 3, 4, 5])),
            ("imsi", text(&IMSIS[..5])),
            ("holder_id", ColumnData::Int64(vec![1, 1, 3, 4, 5])),
        ],
    );
    writer.write(part("person_sims", None), sims).unwrap();
    let persons = batch(
        &PERSONS,
        5,
        vec![
            ("person_id", ColumnData::Int64(vec![1, 2, 3, 4, 5])),
            ("home_district_code", text(&["A", "A", "C", "C", "A"])),
            ("home_lat", ColumnData::Float64(vec![HOME.1; 5])),
            ("home_lon", ColumnData::Float64(vec![HOME.0; 5])),
        ],
    );
    writer.write(part("persons", None), persons).unwrap();

    // Day 0. SIM 0: ten cdr records alternating cells 1 (at 23:00) and 2 (at noon):
    // MOC answered, answered, dropped, no_answer; MTC ×2; SMS_MO ×2; SMS_MT ×2.
    let mut day0 = CdrBuilder::default();
    let kinds = [
        ("MOC", "answered"),
        ("MOC", "answered"),
        ("MOC", "dropped"),
        ("MOC", "no_answer"),
        ("MTC", "answered"),
        ("MTC", "answered"),
        ("SMS_MO", "delivered"),
        ("SMS_MO", "delivered"),
        ("SMS_MT", "delivered"),
        ("SMS_MT", "delivered"),
    ];
    for (i, (kind, result)) in kinds.into_iter().enumerate() {
        let (hour, cell) = if i % 2 == 0 { (23, 1) } else { (12, 2) };
        day0.push(cdr(0, kind, result, T0 + hour * HOUR + i as i64, cell));
    }
    // A record of a SIM not in the register, and one of SIM 2 the day before the period.
    day0.push(cdr(5, "MOC", "busy", T0 + HOUR, 1));
    day0.push(cdr(2, "MOC", "failed", T0 - HOUR, 3));
    writer
        .write(part("cdr", Some(20_094)), day0.finish(served))
        .unwrap();
    // Day 1. SIM 2: MOC answered, MTC, SMS_MO, one of them on a cell missing from `cells`.
    let mut day1 = CdrBuilder::default();
    day1.push(cdr(2, "MOC", "answered", T0 + DAY + 10 * HOUR, 3));
    day1.push(cdr(2, "MTC", "answered", T0 + DAY + 11 * HOUR, 3));
    day1.push(cdr(2, "SMS_MO", "delivered", T0 + DAY + 12 * HOUR, 999));
    writer
        .write(part("cdr", Some(20_095)), day1.finish(served))
        .unwrap();

    // SIM 1, day 1: six records at cell 2 at 02:00, four at cell 1 at 15:00, 0.5 GB each.
    // SIM 4, day 0: five records at cell 1 and five at cell 4, all by day, no bytes.
    let mut records = Vec::new();
    for i in 0..10 {
        let (hour, cell) = if i < 6 { (2, 2) } else { (15, 1) };
        records.push(ip(
            1,
            T0 + DAY + hour * HOUR + i,
            cell,
            100_000_000,
            400_000_000,
        ));
    }
    for i in 0..10 {
        records.push(ip(
            4,
            T0 + 9 * HOUR + i,
            if i % 2 == 0 { 1 } else { 4 },
            0,
            0,
        ));
    }
    writer
        .write(part("ip_sessions", None), sessions_batch(records, served))
        .unwrap();

    // Person 1 commutes 10 km on both days (4 trips); person 2 works at 3 km twice and 20 km
    // once on day 0 (4 trips) and stays home on day 1; person 3 goes out for leisure on day 0
    // (2 trips); persons 4 and 5 stay home. Person 99 is unknown; one trip is after the period.
    let (w1, w2, w3) = (north(10.0), east(3.0), north(20.0));
    let mut rows = Vec::new();
    rows.extend(day_out(1, 0, &[(w1, "work")]));
    rows.extend(day_out(1, 1, &[(w1, "work")]));
    rows.extend(day_out(2, 0, &[(w2, "work"), (w3, "work"), (w2, "work")]));
    rows.extend(day_out(2, 1, &[]).into_iter().take(1));
    rows.extend(day_out(3, 0, &[(east(1.0), "leisure")]));
    rows.push((99, "move", T0 + 8 * HOUR, HOME, "road"));
    rows.push((1, "move", T0 + 2 * DAY + 8 * HOUR, HOME, "road"));
    writer
        .write(part("trajectories", None), trajectories(&rows))
        .unwrap();

    // Inbound arrivals: 20 on day 0, 30 on day 1. Singaporeans: 28 over the Causeway, 1 by
    // the Johor ferry, 1 at KLIA; Chinese: 6 at KLIA, 1 at Senai, 3 over the Second Link;
    // Indians: 10 at KLIA. A domestic visitor and an arrival before the period are left out.
    let mut arrivals: Vec<(&'static str, &'static str, &'static str, i64)> = Vec::new();
    let mut by = |n: usize, country: &'static str, point: &'static str| {
        for _ in 0..n {
            let i = arrivals.len() as i64;
            let day = if i < 20 { 0 } else { 1 };
            arrivals.push(("inbound", country, point, T0 + day * DAY + 10 * HOUR + i));
        }
    };
    by(28, "SGP", "L01");
    by(1, "SGP", "F01");
    by(1, "SGP", "E01");
    by(6, "CHN", "E01");
    by(1, "CHN", "E08");
    by(3, "CHN", "L02");
    by(10, "IND", "E01");
    arrivals.push(("domestic", "MYS", "10_1", T0 + HOUR));
    arrivals.push(("inbound", "SGP", "L01", T0 - HOUR));
    type Arrival = (&'static str, &'static str, &'static str, i64);
    let column =
        |f: fn(&Arrival) -> &'static str| text(&arrivals.iter().map(f).collect::<Vec<_>>());
    let visitors = batch(
        &VISITORS,
        arrivals.len(),
        vec![
            (
                "person_id",
                ColumnData::Int64((0..arrivals.len() as i64).map(|i| (1 << 40) + i).collect()),
            ),
            ("kind", column(|a| a.0)),
            ("origin_country", column(|a| a.1)),
            ("entry_point", column(|a| a.2)),
            (
                "entry_time",
                ColumnData::TimestampSeconds(arrivals.iter().map(|a| a.3).collect()),
            ),
        ],
    );
    writer.write(part("visitors", None), visitors).unwrap();
    finish(writer);
}

fn value(report: &Report, id: &str) -> f64 {
    let figure = report.figures.iter().find(|f| f.id == id).unwrap();
    figure
        .value
        .unwrap_or_else(|| panic!("{id}: {}", figure.basis))
}

fn assert_close(report: &Report, id: &str, expected: f64) {
    let v = value(report, id);
    assert!(
        (v - expected).abs() < 1e-9,
        "{id}: {v}, expected {expected}"
    );
}

#[test]
fn figures_of_a_tiny_dataset_are_exact() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny(tmp.path(), Format::Parquet);
    let report = inspect(tmp.path()).unwrap();
    assert_eq!((report.period.days, report.seed), (2, 7));

    // 5 SIMs × 2 days; in-period register records: SIM 0 has 10, SIM 2 has 3.
    assert_close(&report, "voice_records_per_sim_day", 8.0 / 10.0);
    assert_close(&report, "sms_sent_per_sim_day", 3.0 / 10.0);
    assert_close(&report, "cdr_records_per_sim_day", 13.0 / 10.0);
    // Active SIM-days: SIM 0 day 0, SIM 1 day 1, SIM 2 day 1, SIM 4 day 0.
    assert_close(&report, "active_sim_share_per_day", 4.0 / 10.0);
    // No SIM is active on both days; two days cannot tell weekly use.
    assert_close(&report, "sims_active_every_day_share", 0.0);
    let weekly = report.figures.iter();
    let weekly = weekly.filter(|f| f.id == "sims_active_at_most_weekly_share");
    assert!(weekly.map(|f| f.value).eq([None]));
    // Radii of SIMs with ≥ 10 located records: SIM 1 = 10 km × √(0.6 × 0.4), SIM 0 = 5 km,
    // SIM 4 = 125 km; SIM 2 has only two located records.
    let r1 = 10.0 * 0.24f64.sqrt();
    assert_close(&report, "rg_p10_km", r1 + 0.2 * (5.0 - r1));
    assert_close(&report, "rg_p50_km", 5.0);
    assert_close(&report, "rg_p90_km", 5.0 + 0.8 * 120.0);
    assert_close(&report, "rg_share_above_100km", 1.0 / 3.0);
    // 10 trips over 5 persons × 2 days; commutes 10 km and 3 km.
    assert_close(&report, "trips_per_person_day", 1.0);
    assert_close(&report, "commute_p50_km", 6.5);
    assert_close(&report, "commute_p90_km", 3.0 + 0.9 * 7.0);
    // MOC of register SIMs in the period: answered ×3, dropped, no_answer.
    assert_close(&report, "voice_answered_share", 3.0 / 5.0);
    assert_close(&report, "voice_dropped_rate", 1.0 / 4.0);
    // SIM 1: ten records of 0.5 GB over 10 SIM-days.
    assert_close(&report, "data_gb_per_sim_day", 0.5);
    // SIM 0: night cell 1 in A, home A: right. SIM 1: night cell 2 in B, home A: wrong.
    // SIM 4: no night record; cells 1 and 4 tie, the smaller key wins: A, home A: right.
    assert_close(&report, "home_detection_accuracy", 2.0 / 3.0);
    // SIM 1 of the five is registered to someone other than its user.
    assert_close(&report, "register_holder_other_share", 1.0 / 5.0);
    // 50 arrivals in the period: Senai 1; of 29 Singaporeans through Johor 28 by land; 31 over
    // the Johor land crossings, 28 of them Singaporeans. Two days: no daily rhythm.
    assert_close(&report, "inbound_senai_share", 1.0 / 50.0);
    assert_close(
        &report,
        "inbound_singaporeans_by_land_in_johor",
        28.0 / 29.0,
    );
    assert_close(&report, "inbound_johor_land_singaporean_share", 28.0 / 31.0);
    let tourism = report.tourism.as_ref().unwrap();
    assert_eq!(tourism.arrivals, 50);
    let per_day: Vec<u64> = tourism.days.iter().map(|d| d.arrivals).collect();
    assert_eq!(per_day, [20, 30]);
    let first = &tourism.entries[0];
    assert_eq!(
        (first.country.as_str(), first.entry_point.as_str()),
        ("SGP", "L01")
    );
    assert!((first.share_pct - 2800.0 / 30.0).abs() < 1e-9);
    let peak = report
        .figures
        .iter()
        .find(|f| f.id == "inbound_daily_peak_to_mean")
        .unwrap();
    assert_eq!(peak.status, Status::NotAvailable);
    assert!(peak.basis.contains("needs 7 days"), "{}", peak.basis);

    let status = |id: &str| report.figures.iter().find(|f| f.id == id).unwrap().status;
    assert_eq!(status("voice_records_per_sim_day"), Status::Outside);
    assert_eq!(status("rg_p50_km"), Status::Within);
    assert_eq!(
        report.warnings,
        [
            "1 cdr/ip_sessions records of SIMs not in subscribers were left out",
            "1 cdr/ip_sessions records outside the period were left out",
            "1 cdr/ip_sessions records on cells not in cells were left out",
            "1 trajectories rows of persons not in persons were left out",
        ]
    );
}

#[test]
fn the_text_report_is_an_aligned_table_and_the_json_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny(tmp.path(), Format::Parquet);
    let report = inspect(tmp.path()).unwrap();
    let text = report.to_text();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("figure")).unwrap();
    let status_column = lines[header].find("status").unwrap();
    for (line, figure) in lines[header + 1..].iter().zip(&report.figures) {
        assert!(line.starts_with(&figure.id), "{line}");
        let status = line
            .chars()
            .skip(lines[header][..status_column].chars().count());
        let status: String = status.take_while(|c| !c.is_whitespace()).collect();
        assert!(
            ["within", "OUTSIDE", "n/a"].contains(&status.as_str()),
            "{line}"
        );
        assert!(line.ends_with(&figure.target.cite), "{line}");
    }
    let rg = lines.iter().find(|l| l.starts_with("rg_p50_km ")).unwrap();
    assert!(rg.contains(" 5 km "), "{rg}");
    assert!(text.contains("González"), "the r_g note is printed");

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let figures = json["figures"].as_array().unwrap();
    assert_eq!(figures.len(), report.figures.len());
    for f in figures {
        if f["id"] == "inbound_daily_peak_to_mean" || f["id"] == "sims_active_at_most_weekly_share"
        {
            // Two days: not available (see figures_of_a_tiny_dataset_are_exact).
            continue;
        }
        assert!(f["value"].is_number(), "{f}");
        assert!(!f["target"]["source"].as_str().unwrap().is_empty(), "{f}");
        assert!(
            ["within", "outside"].contains(&f["status"].as_str().unwrap()),
            "{f}"
        );
    }
    assert_eq!(json["period"]["start"], "2025-01-06");
}

#[test]
fn missing_tables_make_figures_not_available() {
    let tmp = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(tmp.path(), WriterOptions::default()).unwrap();
    let persons = batch(&PERSONS, 1, vec![("person_id", ColumnData::Int64(vec![1]))]);
    writer.write(part("persons", None), persons).unwrap();
    finish(writer);
    let report = inspect(tmp.path()).unwrap();
    for f in &report.figures {
        assert_eq!(f.status, Status::NotAvailable, "{}", f.id);
        assert_eq!(f.value, None);
    }
    let trips = report
        .figures
        .iter()
        .find(|f| f.id == "trips_per_person_day")
        .unwrap();
    assert_eq!(trips.basis, "table trajectories is not in the dataset");
    assert!(report.to_text().contains("not available"));
}

#[test]
fn a_folder_without_manifest_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let err = inspect(tmp.path()).unwrap_err();
    assert!(err.is_input());
    assert!(err.to_string().contains("manifest.json"), "{err}");
}

#[test]
fn a_csv_dataset_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny(tmp.path(), Format::Csv);
    let err = inspect(tmp.path()).unwrap_err();
    assert!(matches!(err, InspectError::NotParquet { .. }), "{err}");
    assert!(err.is_input());
    let message = err.to_string();
    assert!(
        message.contains(".csv") && message.contains("Parquet"),
        "{message}"
    );
}

/// A `cdr` table whose `start_time` is a plain integer and which lacks `result`.
static BAD_CDR: TableSchema = TableSchema {
    name: "cdr",
    view: View::Operator,
    doc: "",
    columns: &[
        Column::new("served_imsi", ColumnKind::Utf8, ""),
        Column::new("record_type", ColumnKind::Utf8, ""),
        Column::new("start_time", ColumnKind::Int64, ""),
        Column::new("first_cell_key", ColumnKind::Int64, ""),
    ],
    sort_key: None,
};

static BAD_CDR_WITH_RESULT: TableSchema = TableSchema {
    name: "cdr",
    view: View::Operator,
    doc: "",
    columns: &[
        Column::new("served_imsi", ColumnKind::Utf8, ""),
        Column::new("record_type", ColumnKind::Utf8, ""),
        Column::new("start_time", ColumnKind::Int64, ""),
        Column::new("first_cell_key", ColumnKind::Int64, ""),
        Column::new("result", ColumnKind::Utf8, ""),
    ],
    sort_key: None,
};

fn bad_cdr_error(schema: &'static TableSchema) -> InspectError {
    let tmp = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(tmp.path(), WriterOptions::default()).unwrap();
    writer
        .write(part("cdr", None), batch(schema, 1, vec![]))
        .unwrap();
    finish(writer);
    inspect(tmp.path()).unwrap_err()
}

#[test]
fn missing_columns_and_wrong_types_name_the_file_and_column() {
    let err = bad_cdr_error(&BAD_CDR);
    assert!(err.is_input());
    let message = err.to_string();
    assert!(message.contains("cdr-0000-00000.parquet"), "{message}");
    assert!(message.contains("no column result"), "{message}");

    let err = bad_cdr_error(&BAD_CDR_WITH_RESULT);
    assert!(err.is_input());
    let message = err.to_string();
    assert!(message.contains("cdr-0000-00000.parquet"), "{message}");
    assert!(
        message.contains("column start_time has type Int64; expected Timestamp"),
        "{message}"
    );
}

#[test]
fn a_malformed_imsi_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::create(tmp.path(), WriterOptions::default()).unwrap();
    let register = batch(&SUBSCRIBERS, 1, vec![("imsi", text(&["50212x"]))]);
    writer.write(part("subscribers", None), register).unwrap();
    finish(writer);
    let message = inspect(tmp.path()).unwrap_err().to_string();
    assert!(
        message.contains("subscribers-0000-00000.parquet: column imsi"),
        "{message}"
    );
    assert!(message.contains("\"50212x\""), "{message}");
}

#[test]
fn a_file_missing_from_the_folder_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny(tmp.path(), Format::Parquet);
    let file = tmp.path().join("cells/cells-0000-00000.parquet");
    std::fs::remove_file(&file).unwrap();
    let err = inspect(tmp.path()).unwrap_err();
    assert!(err.is_input());
    assert!(
        err.to_string().contains("cells-0000-00000.parquet"),
        "{err}"
    );
}
