//! Fuzzing of scenario parsing and validation: mutated scenario files (byte edits, hostile
//! values in real fields, shuffled, duplicated and invented lines and sections) must never make
//! `scenario::parse` panic or hang. Every error carries the file name; whatever still parses
//! round-trips through its normalised form.
//!
//! `fuzz_smoke` runs a few thousand cases with the rest of the tests. The long run is ignored
//! by default and sized by environment variables (see docs/FUZZING.md for the recorded run):
//!
//! ```sh
//! TELCOSYNTH_FUZZ_CASES=1000000 TELCOSYNTH_FUZZ_SEED=1 nice -n 19 \
//!   cargo test -p telcosynth-generator --test fuzz_scenarios -- --ignored --nocapture
//! ```
//!
//! The cases come from a seeded generator, so a failure is reproduced by its seed and case
//! number (printed with the input that failed).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use telcosynth_generator::scenario::{bundled, normalised_toml, parse};
use telcosynth_generator::tables;

/// Longest a single case may take, in wall-clock time, before it counts as a hang. The slowest
/// cases (100 kB strings) take up to 0.3 s on a quiet core; on a machine shared with other
/// builds a niced run has seen 1.7 s and more, so the limit leaves room for that.
const HANG: Duration = Duration::from_secs(10);

/// SplitMix64: a small, seedable generator (the cases must not depend on a library's streams).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that have broken parsers: limits of integer types, floats that are not numbers,
/// wrong types, impossible dates, huge and empty strings, control characters.
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "3000",
    "66666666",
    "66666667",
    "1000000000000",
    "1000000000000000000",
    "4611686018427387904",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "1e18",
    "1e308",
    "-1e308",
    "5e-324",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "0.0",
    "-0.0",
    "0.5",
    "1.0",
    "1.0000001",
    "3.0",
    "3.0000001",
    "true",
    "\"\"",
    "\"x\"",
    "\"Petaling\"",
    "\"Selangor/Petaling\"",
    "\"W.P. Kuala Lumpur\"",
    "\"\\u0000\"",
    "\"\\u202e\"",
    "[]",
    "[\"\"]",
    "[\"cdr\", \"cdr\"]",
    "[1, 2]",
    "{}",
    "{ share = 2.0 }",
    "{ share = nan }",
    "2025-01-06",
    "2025-02-29",
    "2024-02-29",
    "0000-01-01",
    "9999-12-31",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "\"24:00\"",
    "\"23:59\"",
    "\"25:61\"",
    "\"2025-01-06 10:00\"",
    "\"2025-13-01 10:00\"",
];

/// Lines that may be inserted anywhere: section headers and fields of every section.
const LINES: &[&str] = &[
    "[period]",
    "[region]",
    "[population]",
    "[operators]",
    "[holidays]",
    "[tourism]",
    "[outputs]",
    "[[gathering]]",
    "[[outage]]",
    "[population.scale]",
    "name = \"x\"",
    "seed = 1",
    "start = 2025-01-06",
    "end = 2025-12-31",
    "end = 2026-01-06",
    "states = [\"Johor\"]",
    "districts = [\"Johor/Kluang\", \"Kluang\"]",
    "scale = 0.001",
    "persons = 3000",
    "subscribers = 4000",
    "sims_per_person = 1.35",
    "maxis = { share = 1.0 }",
    "celcomdigi = { share = 0.0 }",
    "balik_kampung_cny_share = 0.5",
    "inbound_scale = 1.0",
    "domestic_trip_share = 1.0",
    "kind = \"festival\"",
    "kind = \"concert\"",
    "venue = \"Batu Caves\"",
    "lon = 101.6",
    "lat = 3.1",
    "first = 2025-01-07",
    "last = 2025-01-06",
    "opens = \"05:00\"",
    "closes = \"04:00\"",
    "visit_hours = 30",
    "attendees = 18446744073709551615",
    "catchment_km = -1",
    "audience = \"martian\"",
    "operator = \"nobody\"",
    "radius_km = 1000",
    "tables = [\"persons\"]",
    "format = \"csv\"",
    "compression = \"brotli\"",
    "persons_per_block = 999",
    "persons_per_block = 10000000",
    "# comment",
    "",
];

/// Bytes likely to matter to TOML.
const BYTES: &[u8] = b"=\"'[]{},.-+_:#\n\r\t 0123456789eE\\\x00\x7f\xff";

/// The texts cases start from: every bundled scenario.
fn bases() -> Vec<String> {
    bundled().iter().map(|b| b.text.to_owned()).collect()
}

/// One mutated scenario text.
fn mutate(rng: &mut Rng, base: &str) -> String {
    let rounds = 1 + rng.below(4);
    let mut text = base.to_owned();
    for _ in 0..rounds {
        text = match rng.below(5) {
            0 => byte_edits(rng, &text),
            1 | 2 => replace_value(rng, &text),
            3 => line_edits(rng, &text),
            _ => {
                let other = replace_value(rng, &text);
                line_edits(rng, &other)
            }
        };
    }
    text
}

fn byte_edits(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(8) {
        let i = rng.below(bytes.len() + 1);
        let byte = if rng.below(2) == 0 {
            *rng.pick(BYTES)
        } else {
            rng.next() as u8
        };
        match rng.below(3) {
            0 if i < bytes.len() => bytes[i] = byte,
            1 => bytes.insert(i, byte),
            _ if i < bytes.len() => {
                bytes.remove(i);
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Replaces the value of one `key = value` line with a hostile value.
fn replace_value(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let fields: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains(" = ") && !lines[i].trim_start().starts_with('#'))
        .collect();
    if fields.is_empty() {
        return text.to_owned();
    }
    let i = *rng.pick(&fields);
    let key = lines[i].split(" = ").next().unwrap_or("").to_owned();
    let value = if rng.below(8) == 0 {
        format!("\"{}\"", "x".repeat(rng.below(100_000)))
    } else {
        (*rng.pick(VALUES)).to_owned()
    };
    lines[i] = format!("{key} = {value}");
    lines.join("\n")
}

fn line_edits(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(lines.len() + 1);
        match rng.below(4) {
            0 => lines.insert(i, (*rng.pick(LINES)).to_owned()),
            1 if i < lines.len() => {
                lines.remove(i);
            }
            2 if i < lines.len() => {
                let copy = lines[i].clone();
                lines.insert(rng.below(lines.len() + 1), copy);
            }
            _ if i < lines.len() => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            _ => {}
        }
    }
    lines.join("\n")
}

/// What a run saw.
#[derive(Debug, Default)]
struct Outcome {
    cases: u64,
    valid: u64,
    slowest: Duration,
}

/// Runs `cases` cases from `seed`; panics (with the seed, case number and input) on a panic,
/// a hang, an error without the file name, or a normalised form that does not round-trip.
fn fuzz(seed: u64, cases: u64) -> Outcome {
    let bases = bases();
    let names = tables::names();
    let mut rng = Rng(seed);
    let mut outcome = Outcome::default();
    for case in 0..cases {
        let base = rng.pick(&bases).clone();
        let text = mutate(&mut rng, &base);
        let started = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            match parse("fuzz.toml", &text, &names) {
                Ok(s) => {
                    let normalised = normalised_toml(&s);
                    let again = parse("normalised", &normalised, &names);
                    assert_eq!(
                        again.as_ref(),
                        Ok(&s),
                        "the normalised form does not round-trip"
                    );
                    true
                }
                Err(e) => {
                    assert!(e.to_string().starts_with("fuzz.toml"), "{e}");
                    false
                }
            }
        }));
        let took = started.elapsed();
        let report = |what: &str| {
            panic!(
                "case {case} of seed {seed}: {what}; input ({} bytes):\n{}",
                text.len(),
                text.chars().take(4000).collect::<String>()
            )
        };
        match result {
            Ok(valid) => outcome.valid += u64::from(valid),
            Err(_) => report("panicked"),
        }
        if took > HANG {
            report(&format!("took {took:?}, more than {HANG:?}"));
        }
        outcome.slowest = outcome.slowest.max(took);
        outcome.cases += 1;
    }
    outcome
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v}: not a number"))
        })
        .unwrap_or(default)
}

#[test]
fn fuzz_smoke() {
    let outcome = fuzz(1, 3_000);
    assert_eq!(outcome.cases, 3_000);
    // The mutations are not all fatal: some cases must still be valid scenarios, or the
    // validation beyond the parser would never be reached.
    assert!(outcome.valid > 100, "{outcome:?}");
    assert!(outcome.valid < outcome.cases, "{outcome:?}");
}

#[test]
#[ignore = "long run: TELCOSYNTH_FUZZ_CASES cases (default 1,000,000), see docs/FUZZING.md"]
fn fuzz_long() {
    let cases = env_u64("TELCOSYNTH_FUZZ_CASES", 1_000_000);
    let seed = env_u64("TELCOSYNTH_FUZZ_SEED", 1);
    let started = Instant::now();
    let outcome = fuzz(seed, cases);
    println!(
        "fuzz_scenarios: seed {seed}: {} cases, {} valid, {} refused, no panic, slowest case \
         {:?}, {:.1} s in all",
        outcome.cases,
        outcome.valid,
        outcome.cases - outcome.valid,
        outcome.slowest,
        started.elapsed().as_secs_f64()
    );
}
