//! `hash-msisdn`: the classic mistake — MSISDNs (the subscriber's and the other party's),
//! IMSIs and IMEIs replaced by their unsalted SHA-256 (hex of the text as written, e.g.
//! `+60123456789`), account numbers, names, ID numbers, e-mail and address dropped, everything
//! else (cells, exact times, birth dates) kept. The identifier space is small enough to hash in
//! full, so the pseudonyms reverse.

use std::path::Path;

use crate::contract::{CONTRACT_VERSION, INPUT_TABLES, Kind, ReleaseManifest, SpatialLevel};
use crate::engine::Engine;
use crate::error::HarnessError;

/// Columns replaced by their SHA-256.
const HASHED: [&str; 7] = [
    "msisdn",
    "imsi",
    "imei",
    "served_msisdn",
    "served_imsi",
    "served_imei",
    "other_party",
];
/// Columns dropped.
const DROPPED: [&str; 6] = [
    "subscriber_id",
    "holder_name",
    "id_number",
    "email",
    "address",
    "id_type",
];

pub(super) fn run(input: &Path, output: &Path) -> Result<(), HarnessError> {
    let engine = Engine::new()?;
    let mut pseudonyms = Vec::new();
    for table in INPUT_TABLES {
        engine.register_parquet(table, &input.join(table))?;
        let list = super::select_list(table, |c| {
            if DROPPED.contains(&c) {
                None
            } else if HASHED.contains(&c) {
                pseudonyms.push(format!("{table}.{c}"));
                Some(format!("encode(sha256({c}), 'hex') AS {c}"))
            } else {
                Some(c.to_owned())
            }
        });
        let file = output.join("microdata").join(table).join("part-0.parquet");
        engine.write_parquet(
            &format!("hash {table}"),
            &format!("SELECT {list} FROM {table}"),
            &file,
        )?;
    }
    pseudonyms.sort();
    super::write_manifest(
        output,
        &ReleaseManifest {
            contract_version: CONTRACT_VERSION,
            kind: Kind::Microdata,
            pseudonym_columns: pseudonyms,
            spatial_level: SpatialLevel::Cell,
            time_bin_s: 1,
            suppression: None,
            privacy_claim: None,
        },
    )
}
