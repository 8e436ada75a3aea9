//! Direct identifiers left in the release: an exact scan for the identifiers of the view's
//! register (MSISDN in three spellings, IMSI, IMEI, account number, holder name, MyKad or
//! passport number, e-mail) over every string and integer column of every file of the release,
//! and pattern scans over every string column.
//!
//! Attack rate: share of sampled targets with any identifier of their SIMs of the view's
//! operator found: the line's numbers (MSISDN, IMSI, IMEI, account), and the holder's name,
//! document number and e-mail only when the line is registered to the target (a parent's or
//! an employer's name does not name the user). Baseline: the same for control persons, whose identifiers never reach the
//! pipeline, so a hit is a coincidence (a shared name, say).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use arrow_schema::DataType;
use rayon::prelude::*;
use serde::Serialize;
use telcosynth_generator::population::imei::luhn_valid;

use super::knowledge::{Knowledge, need};
use super::stats::{AttackResult, Rate};
use super::{RiskError, RiskInputs};
use telcosynth_sinks::read::{self, DatasetReader, text};

/// Direct identifiers found in the release.
#[derive(Debug, Clone, Serialize)]
pub struct DirectReport {
    /// Persons with an identifier found.
    pub attack: AttackResult,
    /// Register rows of the view with the identifier of this kind found, per kind.
    pub register_rows_found: BTreeMap<String, u64>,
    /// Register rows of the view.
    pub register_rows: u64,
    /// Values matching an identifier pattern, per `table.column` and pattern.
    pub pattern_hits: BTreeMap<String, BTreeMap<String, u64>>,
}

/// Identifier kinds and the register column they come from.
const KINDS: [(&str, &str); 7] = [
    ("msisdn", "msisdn"),
    ("imsi", "imsi"),
    ("imei", "imei"),
    ("account", "subscriber_id"),
    ("name", "holder_name"),
    ("id_number", "id_number"),
    ("email", "email"),
];

/// The spellings of an identifier an exact scan looks for.
pub(crate) fn spellings(kind: &str, value: &str) -> Vec<String> {
    if value.is_empty() {
        return Vec::new();
    }
    match kind {
        "msisdn" => {
            let e164 = value.trim_start_matches('+');
            let national = e164.strip_prefix("60").map(|n| format!("0{n}"));
            let mut s = vec![format!("+{e164}"), e164.to_owned()];
            s.extend(national);
            s
        }
        "id_number" if value.contains('-') => vec![value.to_owned(), value.replace('-', "")],
        _ => vec![value.to_owned()],
    }
}

/// The patterns a string value or token matches.
pub(crate) fn patterns(token: &str) -> Vec<&'static str> {
    let b = token.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let mut hits = Vec::new();
    let dashes = b.len() == 14 && b[6] == b'-' && b[9] == b'-';
    if dashes && digits(&b[..6]) && digits(&b[7..9]) && digits(&b[10..]) {
        hits.push("mykad");
    }
    if b.len() == 15 && digits(b) {
        if token.starts_with("502") {
            hits.push("imsi");
        }
        if luhn_valid(token) {
            hits.push("imei");
        }
    }
    let msisdn = match b {
        [b'+', b'6', b'0', b'1', rest @ ..] => digits(rest) && (8..=9).contains(&rest.len()),
        [b'6', b'0', b'1', rest @ ..] => digits(rest) && (8..=9).contains(&rest.len()),
        [b'0', b'1', rest @ ..] => digits(rest) && (8..=9).contains(&rest.len()),
        _ => false,
    };
    if msisdn {
        hits.push("msisdn");
    }
    hits
}

/// Tokens of a value: the value and its parts between separators.
fn tokens(value: &str) -> impl Iterator<Item = &str> {
    std::iter::once(value).chain(
        value
            .split(|c: char| c.is_whitespace() || ",;|/:=<>()[]{}\"'".contains(c))
            .filter(|t| !t.is_empty() && t.len() < value.len()),
    )
}

/// Runs the scans.
pub(crate) fn assess(
    inputs: &RiskInputs,
    knowledge: &Knowledge,
) -> Result<DirectReport, RiskError> {
    // Every identifier looked for: the view's register and the sampled persons' SIMs.
    let mut register: Vec<[String; 7]> = Vec::new();
    let columns: Vec<&str> = KINDS.iter().map(|k| k.1).collect();
    DatasetReader::folder(inputs.input).scan_present::<RiskError>(
        "subscribers",
        &columns,
        |rows| {
            let cols = columns
                .iter()
                .map(|c| rows.cast_strings(c))
                .collect::<Result<Vec<_>, _>>()?;
            need(cols[0].as_ref(), "subscribers.msisdn")?;
            for i in 0..rows.len() {
                register.push(std::array::from_fn(|k| {
                    cols[k]
                        .as_ref()
                        .and_then(|c| text(c, i))
                        .unwrap_or("")
                        .to_owned()
                }));
            }
            Ok(())
        },
    )?;
    let mut wanted: HashSet<String> = HashSet::new();
    for row in &register {
        for (k, (kind, _)) in KINDS.iter().enumerate() {
            wanted.extend(spellings(kind, &row[k]));
        }
    }
    let person_ids = |id: &i64, only_operator: bool| -> Vec<Vec<String>> {
        knowledge.persons[id]
            .sims
            .iter()
            .filter(|s| !only_operator || s.operator == knowledge.operator)
            .map(|s| {
                // The holder's name, document and e-mail identify the person only when the
                // line is registered to them; the line's numbers identify its user anyway.
                let own = s.holder == Some(*id);
                let values = [
                    &s.msisdn,
                    &s.imsi,
                    &s.imei,
                    &s.subscriber_id,
                    &s.holder_name,
                    &s.id_number,
                    &s.email,
                ];
                KINDS
                    .iter()
                    .zip(values)
                    .enumerate()
                    .filter(|(k, _)| own || *k < 4)
                    .flat_map(|(_, ((kind, _), v))| spellings(kind, v))
                    .collect()
            })
            .collect()
    };
    for id in knowledge.targets.iter().chain(knowledge.controls) {
        for ids in person_ids(id, false) {
            wanted.extend(ids);
        }
    }

    let wanted = Wanted::new(wanted);
    let scans = read::parquet_files(inputs.release)
        .par_iter()
        .map_init(ValueCache::default, |cache, path| {
            scan_file(inputs.release, path, &wanted, cache)
        })
        .collect::<Result<Vec<_>, RiskError>>()?;
    let mut found: HashSet<String> = HashSet::new();
    let mut pattern_hits: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for scan in scans {
        found.extend(scan.found);
        for (column, hits) in scan.pattern_hits {
            let total = pattern_hits.entry(column).or_default();
            for (pattern, n) in hits {
                *total.entry(pattern.to_owned()).or_default() += n;
            }
        }
    }

    let mut register_rows_found: BTreeMap<String, u64> =
        KINDS.iter().map(|k| (k.0.to_owned(), 0)).collect();
    for row in &register {
        for (k, (kind, _)) in KINDS.iter().enumerate() {
            if spellings(kind, &row[k]).iter().any(|s| found.contains(s)) {
                *register_rows_found.get_mut(*kind).expect("every kind") += 1;
            }
        }
    }
    let hit = |ids: &[i64], only_operator: bool| {
        let hits = ids
            .iter()
            .filter(|id| {
                person_ids(id, only_operator)
                    .iter()
                    .flatten()
                    .any(|s| found.contains(s))
            })
            .count();
        Rate::new(hits as f64, ids.len() as u64)
    };
    Ok(DirectReport {
        attack: AttackResult::new(
            "direct_identifiers",
            None,
            hit(knowledge.targets, true),
            hit(knowledge.controls, false),
        ),
        register_rows_found,
        register_rows: register.len() as u64,
        pattern_hits,
    })
}

/// What one file of the release gave away.
#[derive(Default)]
struct FileScan {
    /// Wanted identifiers found.
    found: HashSet<String>,
    /// Values matching a pattern, per `table.column` and pattern.
    pattern_hits: BTreeMap<String, BTreeMap<&'static str, u64>>,
}

/// The identifiers looked for, as text and, those that are numbers, as numbers.
struct Wanted {
    text: HashSet<String>,
    /// Values whose decimal text is a wanted identifier: how a number column holds one.
    numbers: HashSet<i64>,
}

impl Wanted {
    fn new(text: HashSet<String>) -> Wanted {
        let numbers = text
            .iter()
            .filter_map(|w| w.parse::<i64>().ok().filter(|n| n.to_string() == *w))
            .collect();
        Wanted { text, numbers }
    }
}

/// Per `table.column`, the patterns of each text value already seen: a release repeats each
/// pseudonym or identifier on many rows, and tokenising it once is enough. Kept per worker
/// across the files it scans.
type ValueCache = HashMap<String, HashMap<String, Vec<&'static str>>>;

/// Distinct values a [`ValueCache`] keeps per column before it starts afresh.
const VALUE_CACHE: usize = 1 << 20;

/// Scans one file: every text column's values (each distinct value tokenised once per
/// worker) and every integer column's numbers against the wanted identifiers.
fn scan_file(
    root: &Path,
    path: &Path,
    wanted: &Wanted,
    seen: &mut ValueCache,
) -> Result<FileScan, RiskError> {
    let table = path
        .strip_prefix(root)
        .ok()
        .and_then(|p| p.iter().find(|c| *c != "microdata"))
        .and_then(|c| c.to_str())
        .unwrap_or("")
        .trim_end_matches(".parquet")
        .to_owned();
    let mut scan = FileScan::default();
    read::scan_file::<RiskError>(path, |rows| {
        let schema = rows.batch().schema();
        for field in schema.fields() {
            // Patterns are looked for in text only; numbers that fit an i64 are compared as
            // numbers, larger ones as text.
            let (is_text, as_number) = match field.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => (true, false),
                DataType::Dictionary(_, v) => (
                    matches!(
                        **v,
                        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                    ),
                    false,
                ),
                DataType::Int32 | DataType::Int64 | DataType::UInt32 => (false, true),
                DataType::UInt64 => (false, false),
                _ => continue,
            };
            if as_number {
                let Some(numbers) = rows.cast_i64s(field.name())? else {
                    continue;
                };
                for n in numbers.into_iter().flatten() {
                    if wanted.numbers.contains(&n) {
                        scan.found.insert(n.to_string());
                    }
                }
                continue;
            }
            let Some(values) = rows.cast_strings(field.name())? else {
                continue;
            };
            let column = format!("{table}.{}", field.name());
            let cache = seen.entry(column.clone()).or_default();
            let mut hits: BTreeMap<&'static str, u64> = BTreeMap::new();
            for value in values.iter().flatten() {
                if let Some(patterns) = cache.get(value) {
                    for p in patterns {
                        *hits.entry(p).or_default() += 1;
                    }
                    continue;
                }
                let mut value_patterns = Vec::new();
                for token in tokens(value) {
                    if wanted.text.contains(token) {
                        scan.found.insert(token.to_owned());
                    }
                    if is_text {
                        value_patterns.extend(patterns(token));
                    }
                }
                for p in &value_patterns {
                    *hits.entry(p).or_default() += 1;
                }
                if cache.len() >= VALUE_CACHE {
                    cache.clear();
                }
                cache.insert(value.to_owned(), value_patterns);
            }
            if !hits.is_empty() {
                let total = scan.pattern_hits.entry(column).or_default();
                for (p, n) in hits {
                    *total.entry(p).or_default() += n;
                }
            }
        }
        Ok(())
    })?;
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_recognise_identifier_formats() {
        assert_eq!(patterns("900101-14-5678"), vec!["mykad"]);
        assert_eq!(patterns("+60123456789"), vec!["msisdn"]);
        assert_eq!(patterns("60123456789"), vec!["msisdn"]);
        assert_eq!(patterns("0112345678"), vec!["msisdn"]);
        assert!(patterns("502130123456789").contains(&"imsi"));
        // A real-format IMEI: TAC 35 209900, serial, Luhn digit.
        assert_eq!(patterns("490154203237518"), vec!["imei"]);
        assert!(patterns("490154203237519").is_empty());
        assert!(patterns("a1b2c3").is_empty());
        assert!(patterns("+6012345").is_empty());
    }

    #[test]
    fn spellings_cover_e164_and_national() {
        assert_eq!(
            spellings("msisdn", "+60123456789"),
            vec!["+60123456789", "60123456789", "0123456789"]
        );
        assert_eq!(
            spellings("id_number", "900101-14-5678"),
            vec!["900101-14-5678", "900101145678"]
        );
        assert!(spellings("name", "").is_empty());
    }

    #[test]
    fn tokens_split_embedded_identifiers() {
        let t: Vec<&str> = tokens("call from +60123456789; ok").collect();
        assert!(t.contains(&"+60123456789"));
        assert_eq!(t[0], "call from +60123456789; ok");
    }
}

#[cfg(test)]
mod release_tests {
    use crate::risk::fixture::{Fixture, IDENTITY, KEYED, microdata_view};
    use crate::risk::{SpatialLevel, assess};

    #[test]
    fn identifiers_left_in_are_caught_and_pseudonyms_are_not() {
        let f = Fixture::new();
        let out = f.release("identity", &IDENTITY);
        let report = assess(&f.inputs(&out, microdata_view(SpatialLevel::Cell, 1))).unwrap();
        let d = &report.direct;
        assert_eq!(d.attack.attack_rate.rate, 1.0);
        assert_eq!(d.attack.baseline_rate.rate, 0.0);
        assert_eq!(d.register_rows, 40);
        for kind in [
            "msisdn",
            "imsi",
            "imei",
            "name",
            "id_number",
            "email",
            "account",
        ] {
            assert_eq!(d.register_rows_found[kind], 40, "{kind}");
        }
        assert_eq!(d.pattern_hits["subscribers.id_number"]["mykad"], 40);
        assert_eq!(d.pattern_hits["cdr.served_msisdn"]["msisdn"], 40 * 16);
        assert_eq!(d.pattern_hits["cdr.served_imsi"]["imsi"], 40 * 16);

        let hashed = KEYED;
        let out = f.release("keyed", &hashed);
        let report = assess(&f.inputs(&out, microdata_view(SpatialLevel::Cell, 1))).unwrap();
        assert_eq!(report.direct.attack.attack_rate.rate, 0.0);
        assert!(report.direct.pattern_hits.is_empty(), "{:?}", report.direct);
    }

    #[test]
    fn numbers_and_repeated_text_are_scanned_like_text() {
        use std::collections::HashSet;
        use std::sync::Arc;

        use arrow_array::{Int64Array, RecordBatch, StringArray, UInt64Array};

        use super::{ValueCache, Wanted, scan_file};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cdr").join("part-0.parquet");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let imsi: i64 = 502_130_000_000_017;
        let batch = RecordBatch::try_from_iter([
            (
                "imsi_number",
                Arc::new(Int64Array::from(vec![imsi, 7, imsi])) as _,
            ),
            (
                "big",
                Arc::new(UInt64Array::from(vec![u64::MAX, 1, 2])) as _,
            ),
            (
                "note",
                Arc::new(StringArray::from(vec![
                    "to 0123456789;x",
                    "to 0123456789;x",
                    "-",
                ])) as _,
            ),
        ])
        .unwrap();
        let mut writer = parquet::arrow::ArrowWriter::try_new(
            std::fs::File::create(&path).unwrap(),
            batch.schema(),
            None,
        )
        .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();

        let wanted: HashSet<String> = [
            imsi.to_string(),
            "0123456789".to_owned(),
            u64::MAX.to_string(),
        ]
        .into_iter()
        .collect();
        let scan = scan_file(
            dir.path(),
            &path,
            &Wanted::new(wanted.clone()),
            &mut ValueCache::default(),
        )
        .unwrap();
        assert_eq!(
            scan.found, wanted,
            "a number column, a large one and a text token"
        );
        // The repeated value counts twice although it is tokenised once; numbers are never
        // pattern-matched.
        assert_eq!(scan.pattern_hits["cdr.note"]["msisdn"], 2);
        assert_eq!(scan.pattern_hits.len(), 1, "{:?}", scan.pattern_hits);
    }
}
