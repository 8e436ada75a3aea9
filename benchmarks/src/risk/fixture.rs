//! A tiny hand-built world for the attacks' tests, where the answers are known: 40 target
//! persons with a SIM of operator `Alpha` and 20 control persons of `Beta`, two days of eight
//! three-hour stays each at one of 20 cells (two districts of Johor, 5.5 km apart), and per stay
//! one call record (30 min in) and one data record (90 min in). Releases are written from the
//! view's rows through a [`Transform`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use parquet::arrow::ArrowWriter;
use sha2::{Digest, Sha256};
use telcosynth_generator::population::imei::luhn_check_digit;
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;
use telcosynth_generator::rng::key_hash;
use telcosynth_sinks::read::DatasetReader;

use super::{ReleaseView, RiskInputs, RiskParams, SpatialLevel};

pub(crate) const TARGETS: i64 = 40;
pub(crate) const CONTROLS: i64 = 20;
const CELLS: i64 = 20;
/// 2025-01-10 00:00 local (UTC+8), a Friday.
const DAY0: i64 = 1_736_467_200 - UTC_OFFSET_SECONDS;

/// A test world on disk.
pub(crate) struct Fixture {
    dir: tempfile::TempDir,
    dataset: DatasetReader,
    input: PathBuf,
}

/// How a release is made from the view's rows.
pub(crate) struct Transform {
    /// Applied to every identifier (MSISDN, IMSI, IMEI, other party).
    pub pseudonym: fn(&str) -> String,
    /// Applied to cell keys.
    pub cell: fn(i64) -> i64,
    /// Applied to times.
    pub time: fn(i64) -> i64,
    /// Keep names, MyKad numbers and e-mails in the released register.
    pub keep_register: bool,
    /// Keep `record_id` in the released event tables.
    pub record_id: bool,
    /// Keep the register's quasi-identifiers in the released register: plan, activation
    /// date, handset brand, holder's sex and birth date, the address's postcode, district
    /// and state.
    pub attributes: bool,
}

/// Keyed pseudonyms, everything else as in the view (`record_id` kept, the register's names
/// and attributes dropped): the release most tests vary from.
pub(crate) const KEYED: Transform = Transform {
    pseudonym: keyed,
    cell: |c| c,
    time: |t| t,
    keep_register: false,
    record_id: true,
    attributes: false,
};

/// The identity release.
pub(crate) const IDENTITY: Transform = Transform {
    pseudonym: |s| s.to_owned(),
    cell: |c| c,
    time: |t| t,
    keep_register: true,
    record_id: true,
    attributes: true,
};

/// Unsalted SHA-256 of the identifier as written.
pub(crate) fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 under a secret key: what the adversary cannot rebuild.
pub(crate) fn keyed(s: &str) -> String {
    sha256_hex(&format!("secret-key-7f3a|{s}"))
}

pub(crate) fn msisdn(p: i64) -> String {
    format!("+6012{:07}", 3_000_000 + p)
}

fn imei(p: i64) -> String {
    let body = format!("35209900{:06}", p);
    format!("{body}{}", luhn_check_digit(&body))
}

fn district(cell: i64) -> &'static str {
    if (cell - 1) % CELLS < 10 {
        "1_1"
    } else {
        "1_2"
    }
}

/// A stay: person, start, cell (1..=20), purpose.
fn stays() -> Vec<(i64, i64, i64, &'static str)> {
    let mut out = Vec::new();
    for p in 1..=TARGETS + CONTROLS {
        let home = 1 + (key_hash(p as u64, &[0]) % CELLS as u64) as i64;
        let work = 1 + (key_hash(p as u64, &[1]) % CELLS as u64) as i64;
        for day in 0..2 {
            for slot in 0..8 {
                let (cell, purpose) = match (day, slot) {
                    (_, 0 | 1 | 7) => (home, "home"),
                    (0, 3 | 4) => (work, "work"),
                    _ => (
                        1 + (key_hash(p as u64, &[2, day, slot]) % CELLS as u64) as i64,
                        if slot % 2 == 0 { "errand" } else { "leisure" },
                    ),
                };
                out.push((
                    p,
                    DAY0 + day as i64 * 86_400 + slot as i64 * 3 * 3600,
                    cell,
                    purpose,
                ));
            }
        }
    }
    out
}

fn write(dir: &Path, table: &str, columns: Vec<(&str, ArrayRef)>) {
    let folder = dir.join(table);
    std::fs::create_dir_all(&folder).unwrap();
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let file = std::fs::File::create(folder.join("part-0.parquet")).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn strings(v: impl IntoIterator<Item = String>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(v))
}

fn ints(v: impl IntoIterator<Item = i64>) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(v))
}

fn floats(v: impl IntoIterator<Item = f64>) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(v))
}

fn times(v: impl IntoIterator<Item = i64>) -> ArrayRef {
    Arc::new(
        TimestampMillisecondArray::from_iter_values(v.into_iter().map(|t| t * 1000))
            .with_timezone("UTC"),
    )
}

fn operator(p: i64) -> &'static str {
    if p <= TARGETS { "Alpha" } else { "Beta" }
}

/// An event record: id, person, time, cell key of the person's operator.
fn records() -> Vec<(i64, i64, i64, i64)> {
    let mut out = Vec::new();
    for (i, (p, start, cell, _)) in stays().into_iter().enumerate() {
        let key = if p <= TARGETS { cell } else { 100 + cell };
        out.push((1_000 + 2 * i as i64, p, start + 1_800, key));
        out.push((1_001 + 2 * i as i64, p, start + 5_400, key));
    }
    out
}

/// The home district of person `p` (of their first stay).
fn home_district(p: i64) -> &'static str {
    district(stays().into_iter().find(|s| s.0 == p).unwrap().2)
}

/// The register's quasi-identifiers of person `p`: (column, value).
pub(crate) fn attributes(p: i64) -> [(&'static str, String); 8] {
    let code = home_district(p);
    let name = telcosynth_generator::public_data::districts()
        .iter()
        .find(|d| d.code == code)
        .unwrap()
        .name;
    [
        (
            "plan",
            if p % 3 == 0 { "postpaid" } else { "prepaid" }.to_owned(),
        ),
        (
            "activation_date",
            format!("20{}-{:02}-{:02}", 20 + p % 4, 1 + p % 12, 1 + (p * 7) % 28),
        ),
        (
            "handset_brand",
            if p % 2 == 0 { "Samsung" } else { "Apple" }.to_owned(),
        ),
        ("holder_sex", if p % 2 == 0 { "F" } else { "M" }.to_owned()),
        (
            "holder_birth_date",
            format!("19{}-{:02}-{:02}", 60 + p % 40, 1 + p % 12, 1 + p % 28),
        ),
        ("postcode", format!("8{}", 3_000 + p % 2)),
        ("district", name.to_owned()),
        ("state", "Johor".to_owned()),
    ]
}

fn write_register(dir: &Path, persons: &[i64], t: &Transform) {
    let pick = |f: &dyn Fn(i64) -> String| strings(persons.iter().map(|&p| f(p)));
    let register = |f: &dyn Fn(i64) -> String| {
        strings(
            persons
                .iter()
                .map(|&p| if t.keep_register { f(p) } else { String::new() }),
        )
    };
    let mut columns = vec![
        ("subscriber_id", register(&|p| format!("AL{p:010}"))),
        ("operator", pick(&|p| operator(p).to_owned())),
        ("msisdn", pick(&|p| (t.pseudonym)(&msisdn(p)))),
        ("imsi", pick(&|p| (t.pseudonym)(&format!("50212{p:010}")))),
        ("imei", pick(&|p| (t.pseudonym)(&imei(p)))),
        (
            "holder_name",
            register(&|p| format!("Siti binti Ahmad {p}")),
        ),
        ("id_number", register(&|p| format!("900101-01-{p:04}"))),
        ("email", register(&|p| format!("person{p}@example.my"))),
        (
            "nationality",
            pick(&|p| if p % 5 == 0 { "IDN" } else { "MYS" }.to_owned()),
        ),
    ];
    if t.attributes {
        for (k, (column, _)) in attributes(1).into_iter().enumerate() {
            columns.push((column, pick(&|p| attributes(p)[k].1.clone())));
        }
    }
    write(dir, "subscribers", columns);
}

/// Event tables of the persons `keep` selects, through `t`.
fn write_events(dir: &Path, keep: fn(i64) -> bool, t: &Transform) {
    let rows: Vec<(i64, i64, i64, i64)> = records().into_iter().filter(|r| keep(r.1)).collect();
    for (table, cell_col, parity) in [("cdr", "first_cell_key", 0), ("ip_sessions", "cell_key", 1)]
    {
        let rows: Vec<&(i64, i64, i64, i64)> = rows.iter().filter(|r| r.0 % 2 == parity).collect();
        let mut columns = vec![
            (
                "served_msisdn",
                strings(rows.iter().map(|r| (t.pseudonym)(&msisdn(r.1)))),
            ),
            (
                "served_imsi",
                strings(
                    rows.iter()
                        .map(|r| (t.pseudonym)(&format!("50212{:010}", r.1))),
                ),
            ),
            (
                "served_imei",
                strings(rows.iter().map(|r| (t.pseudonym)(&imei(r.1)))),
            ),
            ("start_time", times(rows.iter().map(|r| (t.time)(r.2)))),
            (cell_col, ints(rows.iter().map(|r| (t.cell)(r.3)))),
        ];
        if t.record_id {
            columns.push(("record_id", ints(rows.iter().map(|r| r.0))));
        }
        if table == "cdr" {
            let other = |p: i64| {
                msisdn(if p <= TARGETS {
                    p % TARGETS + 1
                } else {
                    TARGETS + 1 + p % CONTROLS
                })
            };
            columns.push((
                "other_party",
                strings(rows.iter().map(|r| (t.pseudonym)(&other(r.1)))),
            ));
        }
        write(dir, table, columns);
    }
}

impl Fixture {
    /// Writes the dataset (truth included) and the view of `Alpha`.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let (dataset, input) = (dir.path().join("dataset"), dir.path().join("input"));
        let persons: Vec<i64> = (1..=TARGETS + CONTROLS).collect();
        write(
            &dataset,
            "persons",
            vec![
                ("person_id", ints(persons.clone())),
                (
                    "home_district_code",
                    strings(persons.iter().map(|&p| home_district(p).to_owned())),
                ),
                (
                    "nationality",
                    strings(
                        persons
                            .iter()
                            .map(|&p| if p % 5 == 0 { "IDN" } else { "MYS" }.to_owned()),
                    ),
                ),
            ],
        );
        write(
            &dataset,
            "person_sims",
            vec![
                ("person_id", ints(persons.clone())),
                (
                    "operator",
                    strings(persons.iter().map(|&p| operator(p).to_owned())),
                ),
                ("msisdn", strings(persons.iter().map(|&p| msisdn(p)))),
            ],
        );
        write_register(&dataset, &persons, &IDENTITY);
        write_register(&input, &persons[..TARGETS as usize], &IDENTITY);
        let stays = stays();
        write(
            &dataset,
            "trajectories",
            vec![
                ("person_id", ints(stays.iter().map(|s| s.0))),
                ("kind", strings(stays.iter().map(|_| "stay".to_owned()))),
                ("start_time", times(stays.iter().map(|s| s.1))),
                ("end_time", times(stays.iter().map(|s| s.1 + 3 * 3600))),
                ("start_lat", floats(stays.iter().map(|_| 2.0))),
                (
                    "start_lon",
                    floats(stays.iter().map(|s| 101.0 + 0.05 * (s.2 - 1) as f64)),
                ),
                (
                    "district_code",
                    strings(stays.iter().map(|s| district(s.2).to_owned())),
                ),
                ("purpose", strings(stays.iter().map(|s| s.3.to_owned()))),
            ],
        );
        let cells = |dir: &Path, keys: Vec<i64>| {
            write(
                dir,
                "cells",
                vec![
                    ("cell_key", ints(keys.clone())),
                    (
                        "operator",
                        strings(
                            keys.iter()
                                .map(|&k| if k < 100 { "Alpha" } else { "Beta" }.to_owned()),
                        ),
                    ),
                    ("lat", floats(keys.iter().map(|_| 2.0))),
                    (
                        "lon",
                        floats(keys.iter().map(|&k| 101.0 + 0.05 * ((k % 100) - 1) as f64)),
                    ),
                    (
                        "district_code",
                        strings(keys.iter().map(|&k| district(k % 100).to_owned())),
                    ),
                ],
            )
        };
        cells(&dataset, (1..=CELLS).chain(101..=100 + CELLS).collect());
        cells(&input, (1..=CELLS).collect());
        write_events(&dataset, |_| true, &IDENTITY);
        write_events(&input, |p| p <= TARGETS, &IDENTITY);
        Fixture {
            dir,
            dataset: DatasetReader::folder(&dataset),
            input,
        }
    }

    /// Writes a microdata release of the view through `t` into `OUT-name/microdata/`.
    pub fn release(&self, name: &str, t: &Transform) -> PathBuf {
        let out = self.dir.path().join(format!("out-{name}"));
        let micro = out.join("microdata");
        write_events(&micro, |p| p <= TARGETS, t);
        let targets: Vec<i64> = (1..=TARGETS).collect();
        write_register(&micro, &targets, t);
        out
    }

    /// Rewrites the truth's `person_sims` with a `holder_id` column: person `p`'s SIM is
    /// registered to `holder(p)` (`None`: a company).
    pub fn register_to(&self, holder: impl Fn(i64) -> Option<i64>) {
        let persons: Vec<i64> = (1..=TARGETS + CONTROLS).collect();
        let holders: Int64Array = persons.iter().map(|&p| holder(p)).collect();
        write(
            self.dataset.root(),
            "person_sims",
            vec![
                ("person_id", ints(persons.clone())),
                (
                    "operator",
                    strings(persons.iter().map(|&p| operator(p).to_owned())),
                ),
                ("msisdn", strings(persons.iter().map(|&p| msisdn(p)))),
                ("holder_id", Arc::new(holders)),
            ],
        );
    }

    /// The persons an assessment of this fixture samples with default parameters.
    pub fn population(&self) -> super::Population {
        super::Population::load(&self.dataset, &self.input, &RiskParams::default()).unwrap()
    }

    /// Inputs for assessing `release` declared as `view`, with every person sampled.
    pub fn inputs<'a>(&'a self, release: &'a Path, view: ReleaseView) -> RiskInputs<'a> {
        RiskInputs {
            dataset: &self.dataset,
            input: &self.input,
            release,
            view,
            params: RiskParams::default(),
            neighbour: Err("no run on a neighbouring input".into()),
        }
    }
}

/// A microdata view with pseudonyms in the event tables' identifier columns.
pub(crate) fn microdata_view(level: SpatialLevel, time_bin_s: i64) -> ReleaseView {
    ReleaseView {
        microdata: true,
        aggregates: false,
        pseudonym_columns: [
            "served_msisdn",
            "served_imsi",
            "served_imei",
            "other_party",
            "msisdn",
            "imsi",
            "imei",
        ]
        .map(str::to_owned)
        .to_vec(),
        spatial_level: level,
        time_bin_s,
    }
}

/// Cells generalised to their district (the district's first cell) and times to the local day.
pub(crate) const GENERALISED: Transform = Transform {
    pseudonym: keyed,
    cell: |c| if (c - 1) % 20 < 10 { 1 } else { 11 },
    time: |t| t - (t + UTC_OFFSET_SECONDS).rem_euclid(86_400),
    keep_register: false,
    record_id: false,
    attributes: false,
};

/// The view's hourly present population per district: (district, UTC hour, distinct
/// targets with a record in the hour).
pub(crate) fn presence_counts(without: &[i64]) -> Vec<(&'static str, i64, f64)> {
    let mut counts: std::collections::BTreeMap<(&str, i64), std::collections::BTreeSet<i64>> =
        Default::default();
    for (_, p, t, cell) in records()
        .into_iter()
        .filter(|r| r.1 <= TARGETS && !without.contains(&r.1))
    {
        counts
            .entry((district(cell), t - t.rem_euclid(3_600)))
            .or_default()
            .insert(p);
    }
    counts
        .into_iter()
        .map(|((d, t), s)| (d, t, s.len() as f64))
        .collect()
}

/// Writes `OUT-name/aggregates.parquet` with the hourly present population of the view per
/// district, and the district–hour count pairs.
pub(crate) fn write_presence(fixture: &Fixture, name: &str) -> PathBuf {
    write_presence_with(fixture, name, &[], |_, v| v)
}

/// [`write_presence`] of the view without the persons `without`, each count `v` of row `i`
/// published as `publish(i, v)`.
pub(crate) fn write_presence_with(
    fixture: &Fixture,
    name: &str,
    without: &[i64],
    publish: fn(usize, f64) -> f64,
) -> PathBuf {
    let out = fixture.dir.path().join(format!("out-{name}"));
    let rows: Vec<(&str, i64, f64)> = presence_counts(without)
        .into_iter()
        .enumerate()
        .map(|(i, (d, t, v))| (d, t, publish(i, v)))
        .collect();
    let batch = RecordBatch::try_from_iter(vec![
        (
            "indicator",
            strings(rows.iter().map(|_| "present_population".to_owned())),
        ),
        (
            "zone_level",
            strings(rows.iter().map(|_| "district".to_owned())),
        ),
        ("zone_id", strings(rows.iter().map(|r| r.0.to_owned()))),
        ("t_start", times(rows.iter().map(|r| r.1))),
        ("t_end", times(rows.iter().map(|r| r.1 + 3_600))),
        (
            "breakdown_key",
            Arc::new(StringArray::new_null(rows.len())) as ArrayRef,
        ),
        (
            "breakdown_value",
            Arc::new(StringArray::new_null(rows.len())) as ArrayRef,
        ),
        ("value", floats(rows.iter().map(|r| r.2))),
    ])
    .unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let file = std::fs::File::create(out.join("aggregates.parquet")).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    out
}
