//! Pseudonym reversal by a dictionary of unsalted hashes.
//!
//! Every identifier of the dictionary's space (MSISDNs, IMSIs, IMEIs and account numbers) is
//! hashed with MD5, SHA-1 and SHA-256, MSISDNs in
//! three spellings (E.164 with and without `+`, national with `0`); a released pseudonym is
//! reversed when it equals one of these digests in hex (either case). Attack rate: share of the
//! distinct released pseudonym values reversed. Baseline: share of control persons (whose
//! identifiers never reach the pipeline) with a pseudonym equal to the digest of one of their
//! identifiers — a coincidence.

use std::collections::{BTreeMap, HashSet};

use md5::Md5;
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::RiskError;
use super::direct::spellings;
use super::knowledge::Knowledge;
use super::stats::{AttackResult, Rate};

/// The identifiers the dictionary hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReversalSpace {
    /// Every MSISDN, IMSI, IMEI and account number of the view's register and every number in
    /// the view's records. A pipeline can only hash identifiers it was given, so a dictionary of the whole
    /// numbering space reverses exactly the same pseudonyms (barring digest collisions); this
    /// space gives that result at a cost proportional to the view.
    InputIdentifiers,
    /// As `InputIdentifiers`, plus every MSISDN of each 10 000-number block (all digits but the
    /// last four) that a register MSISDN lies in: the enumeration an adversary without the
    /// register would run, restricted to the blocks in use.
    UsedBlocks,
}

/// Pseudonyms reversed.
#[derive(Debug, Clone, Serialize)]
pub struct ReversalReport {
    /// Share of distinct pseudonyms reversed and the control baseline.
    pub attack: AttackResult,
    /// Space hashed.
    pub space: ReversalSpace,
    /// Identifiers hashed (each in every spelling and algorithm).
    pub identifiers_hashed: u64,
    /// Pseudonyms reversed per `algorithm/spelling`.
    pub reversed_by: BTreeMap<String, u64>,
}

/// Digest algorithms.
const ALGORITHMS: [&str; 3] = ["md5", "sha1", "sha256"];

fn digest(algorithm: &str, input: &[u8]) -> Vec<u8> {
    match algorithm {
        "md5" => Md5::digest(input).to_vec(),
        "sha1" => Sha1::digest(input).to_vec(),
        _ => Sha256::digest(input).to_vec(),
    }
}

/// A released value as digest bytes, when it is hex of a digest's length.
fn unhex(value: &str) -> Option<Vec<u8>> {
    let v = value.trim();
    if !matches!(v.len(), 32 | 40 | 64) {
        return None;
    }
    (0..v.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&v[i..i + 2], 16).ok())
        .collect()
}

/// Names of the spellings [`spellings`] produces for an MSISDN, in order.
const MSISDN_SPELLINGS: [&str; 3] = ["e164_plus", "e164", "national"];

/// The dictionary attack against a set of digests.
struct Dictionary {
    digests: HashSet<Vec<u8>>,
    reversed: HashSet<Vec<u8>>,
    reversed_by: BTreeMap<String, u64>,
    hashed: u64,
}

impl Dictionary {
    /// Hashes every spelling of an identifier; returns whether any digest is released.
    fn try_identifier(&mut self, kind: &str, value: &str) -> bool {
        let mut any = false;
        self.hashed += 1;
        for (i, spelling) in spellings(kind, value).iter().enumerate() {
            let name = if kind == "msisdn" {
                MSISDN_SPELLINGS[i]
            } else {
                kind
            };
            for algorithm in ALGORITHMS {
                let d = digest(algorithm, spelling.as_bytes());
                if self.digests.contains(&d) {
                    any = true;
                    if self.reversed.insert(d) {
                        *self
                            .reversed_by
                            .entry(format!("{algorithm}/{name}"))
                            .or_default() += 1;
                    }
                }
            }
        }
        any
    }
}

/// Runs the dictionary attack on the release's pseudonyms.
pub(crate) fn assess(
    knowledge: &Knowledge,
    space: ReversalSpace,
) -> Result<ReversalReport, RiskError> {
    let released = &knowledge.release.pseudonyms;
    let mut dictionary = Dictionary {
        digests: released.iter().filter_map(|p| unhex(p)).collect(),
        reversed: HashSet::new(),
        reversed_by: BTreeMap::new(),
        hashed: 0,
    };
    // Control persons first: their hits are the baseline.
    let mut control_hits = 0;
    for id in knowledge.controls {
        let mut hit = false;
        for sim in &knowledge.persons[id].sims {
            hit |= dictionary.try_identifier("msisdn", &sim.msisdn);
            hit |= dictionary.try_identifier("imsi", &sim.imsi);
            hit |= dictionary.try_identifier("imei", &sim.imei);
            hit |= dictionary.try_identifier("account", &sim.subscriber_id);
        }
        control_hits += u64::from(hit);
    }
    for (kind, value) in knowledge.view_identifiers() {
        dictionary.try_identifier(kind, value);
    }
    if space == ReversalSpace::UsedBlocks {
        let mut blocks: Vec<String> = knowledge
            .view_identifiers()
            .filter(|(k, v)| *k == "msisdn" && v.len() > 4)
            .map(|(_, v)| {
                let digits = v.trim_start_matches('+');
                digits[..digits.len() - 4].to_owned()
            })
            .collect();
        blocks.sort();
        blocks.dedup();
        for block in blocks {
            for n in 0..10_000 {
                dictionary.try_identifier("msisdn", &format!("+{block}{n:04}"));
            }
        }
    }
    let reversed = released
        .iter()
        .filter_map(|p| unhex(p))
        .filter(|d| dictionary.reversed.contains(d))
        .count();
    Ok(ReversalReport {
        attack: AttackResult::new(
            "pseudonym_reversal",
            None,
            Rate::new(reversed as f64, released.len() as u64),
            Rate::new(control_hits as f64, knowledge.controls.len() as u64),
        ),
        space,
        identifiers_hashed: dictionary.hashed,
        reversed_by: dictionary.reversed_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::fixture::{Fixture, KEYED, Transform, keyed, microdata_view, sha256_hex};
    use crate::risk::{SpatialLevel, assess};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn release(f: &Fixture, name: &str, pseudonym: fn(&str) -> String) -> std::path::PathBuf {
        let t = Transform { pseudonym, ..KEYED };
        f.release(name, &t)
    }

    #[test]
    fn unsalted_sha256_of_e164_is_reversed_and_keyed_hashes_are_not() {
        let f = Fixture::new();
        let view = microdata_view(SpatialLevel::Cell, 1);
        let out = release(&f, "sha256", sha256_hex);
        let r = assess(&f.inputs(&out, view.clone()))
            .unwrap()
            .reversal
            .unwrap();
        // 40 MSISDNs, IMSIs and IMEIs.
        assert_eq!(r.attack.attack_rate.n, 120);
        assert_eq!(r.attack.attack_rate.rate, 1.0);
        assert_eq!(r.attack.baseline_rate.rate, 0.0);
        assert_eq!(r.reversed_by["sha256/e164_plus"], 40);

        let out = release(&f, "keyed", keyed);
        let r = assess(&f.inputs(&out, view)).unwrap().reversal.unwrap();
        assert_eq!(r.attack.attack_rate.rate, 0.0);
    }

    #[test]
    fn used_blocks_reverse_national_md5_and_uppercase_sha1() {
        let f = Fixture::new();
        let out = release(&f, "mixed", |s| match s.strip_prefix("+60") {
            Some(n) => hex(&Md5::digest(format!("0{n}").as_bytes())),
            None => hex(&Sha1::digest(s.as_bytes())).to_uppercase(),
        });
        let mut inputs = f.inputs(&out, microdata_view(SpatialLevel::Cell, 1));
        inputs.params.reversal_space = ReversalSpace::UsedBlocks;
        let r = assess(&inputs).unwrap().reversal.unwrap();
        assert_eq!(r.attack.attack_rate.rate, 1.0);
        assert!(r.identifiers_hashed >= 10_000, "{r:?}");
        assert_eq!(r.reversed_by["md5/national"], 40);
        assert_eq!(r.reversed_by["sha1/imsi"], 40);
    }
}
