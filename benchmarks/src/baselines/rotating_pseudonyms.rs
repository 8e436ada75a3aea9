//! `rotating-pseudonyms`: salted random pseudonyms rotated every local day. Each day has its
//! own random salt, `salt_d = HMAC-SHA-256(key, "salt|" d)` under a key derived from the run's
//! seed (neither key nor salts are in the release), and a number's pseudonym on day `d` is
//! `HMAC-SHA-256(salt_d, number)`, truncated to 64 bits: the same subscriber gets unrelated
//! pseudonyms on different days, and no dictionary of numbers reverses them without the salt.
//! Cells are generalised to their district, times truncated to the hour, and every other
//! identifier or quasi-identifier (IMSI, IMEI, IP addresses, location estimates, record and
//! session ids, the subscriber register) left out.
//!
//! The study baseline `cell-hour-pseudonyms` ([`Plan::CELL_HOUR`]) is the same release with
//! one salt for the whole period (a subscriber keeps one pseudonym) and cells kept: the
//! pseudonymised cell-and-hour traces of de Montjoye et al. (2013), for measuring unicity as
//! the literature does. It is not one of the seven ranked baselines.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;
use datafusion::arrow::compute::cast;
use datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};
use sha2::{Digest, Sha256};
use telcosynth_generator::public_data::calendar::UTC_OFFSET_SECONDS;

use crate::contract::{CONTRACT_VERSION, Kind, ReleaseManifest, SpatialLevel};
use crate::engine::Engine;
use crate::error::HarnessError;

/// Hex characters kept of each pseudonym (64 bits).
const PSEUDONYM_HEX: usize = 16;

/// HMAC-SHA-256 (RFC 2104) of `message` under a 32-byte `key`.
fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize();
    outer.into()
}

/// The salt of local day `day` (days since 1970-01-01, as text): HMAC(key, "salt|" day).
fn day_salt(key: &[u8; 32], day: &str) -> [u8; 32] {
    hmac_sha256(key, format!("salt|{day}").as_bytes())
}

/// The pseudonym of `value` under a day's salt: HMAC(salt, value), hex, truncated.
fn pseudonym(salt: &[u8; 32], value: &str) -> String {
    let mac = hmac_sha256(salt, value.as_bytes());
    mac.iter().map(|b| format!("{b:02x}")).collect::<String>()[..PSEUDONYM_HEX].to_owned()
}

/// Registers `pseudonym(value, day)`: `value`'s pseudonym under the salt of `day`, with the key
/// derived from `seed`.
fn register_udf(engine: &Engine, seed: u64) {
    let key: [u8; 32] = Sha256::new()
        .chain_update(b"telcosynth rotating-pseudonyms key")
        .chain_update(seed.to_le_bytes())
        .finalize()
        .into();
    let fun = Arc::new(
        move |args: &[ColumnarValue]| -> datafusion::error::Result<ColumnarValue> {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let text = |a: &ArrayRef| -> datafusion::error::Result<StringArray> {
                let c = cast(a, &DataType::Utf8)?;
                Ok(c.as_any()
                    .downcast_ref::<StringArray>()
                    .expect("utf8")
                    .clone())
            };
            let (values, days) = (text(&arrays[0])?, text(&arrays[1])?);
            let mut salts: HashMap<&str, [u8; 32]> = HashMap::new();
            let out: StringArray = (0..values.len())
                .map(|i| {
                    (values.is_valid(i) && days.is_valid(i)).then(|| {
                        let day = days.value(i);
                        let salt = salts.entry(day).or_insert_with(|| day_salt(&key, day));
                        pseudonym(salt, values.value(i))
                    })
                })
                .collect();
            Ok(ColumnarValue::Array(Arc::new(out) as ArrayRef))
        },
    );
    engine.context().register_udf(create_udf(
        "pseudonym",
        vec![DataType::Utf8, DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        fun,
    ));
}

/// How pseudonyms rotate and where records are placed.
pub(super) struct Plan {
    /// A new salt every local day; otherwise one salt for the whole period.
    pub rotate_daily: bool,
    /// District or cell.
    pub level: SpatialLevel,
}

impl Plan {
    /// `rotating-pseudonyms`: daily pseudonyms, districts.
    pub const ROTATING: Plan = Plan {
        rotate_daily: true,
        level: SpatialLevel::District,
    };
    /// `cell-hour-pseudonyms`: one pseudonym for the period, cells.
    pub const CELL_HOUR: Plan = Plan {
        rotate_daily: false,
        level: SpatialLevel::Cell,
    };

    /// The salt's name for a row: its local day, or one name for the whole period.
    fn period(&self) -> String {
        if self.rotate_daily {
            format!("CAST((to_unixtime(t.start_time) + {UTC_OFFSET_SECONDS}) / 86400 AS VARCHAR)")
        } else {
            "'period'".to_owned()
        }
    }

    /// The released place of a row whose cell is `t.{cell}`, and the join it needs.
    fn place(&self, cell: &str) -> (String, String) {
        match self.level {
            SpatialLevel::Cell => (format!("t.{cell} AS {cell}"), String::new()),
            _ => (
                "x.district_code AS district_code".to_owned(),
                format!(" JOIN cells AS x ON t.{cell} = x.cell_key"),
            ),
        }
    }
}

pub(super) fn run(input: &Path, output: &Path, seed: u64, plan: &Plan) -> Result<(), HarnessError> {
    let engine = Engine::new()?;
    register_udf(&engine, seed);
    for table in ["cells", "cdr", "ip_sessions"] {
        engine.register_parquet(table, &input.join(table))?;
    }
    let micro = output.join("microdata");
    let period = plan.period();
    let (place, join) = plan.place("first_cell_key");
    engine.write_parquet(
        "generalise cdr",
        &format!(
            "SELECT pseudonym(t.served_msisdn, {period}) AS served_msisdn, \
             pseudonym(t.other_party, {period}) AS other_party, t.record_type, t.operator, \
             date_trunc('hour', t.start_time) AS start_time, t.duration_s, t.result, t.roaming, \
             {place} FROM cdr AS t{join}"
        ),
        &micro.join("cdr").join("part-0.parquet"),
    )?;
    let (place, join) = plan.place("cell_key");
    engine.write_parquet(
        "generalise ip_sessions",
        &format!(
            "SELECT pseudonym(t.served_msisdn, {period}) AS served_msisdn, t.operator, \
             date_trunc('hour', t.start_time) AS start_time, \
             date_trunc('hour', t.end_time) AS end_time, t.rat, t.apn, t.bytes_up, \
             t.bytes_down, t.closing_cause, t.roaming, {place} FROM ip_sessions AS t{join}"
        ),
        &micro.join("ip_sessions").join("part-0.parquet"),
    )?;
    super::write_manifest(
        output,
        &ReleaseManifest {
            contract_version: CONTRACT_VERSION,
            kind: Kind::Microdata,
            pseudonym_columns: vec![
                "cdr.other_party".into(),
                "cdr.served_msisdn".into(),
                "ip_sessions.served_msisdn".into(),
            ],
            spatial_level: plan.level,
            time_bin_s: 3600,
            suppression: None,
            privacy_claim: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2_shape() {
        // RFC 4231 test case 2 uses a 4-byte key; ours pads a 32-byte key the same way, so
        // check the construction against the published value with the key zero-padded.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mac = hmac_sha256(&key, b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn pseudonyms_rotate_daily_and_depend_on_the_key() {
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        let p = |key, day| pseudonym(&day_salt(key, day), "+60123456789");
        let a = p(&k1, "20098");
        assert_eq!(a.len(), PSEUDONYM_HEX);
        assert_eq!(a, p(&k1, "20098"));
        assert_ne!(day_salt(&k1, "20098"), day_salt(&k1, "20099"));
        assert_ne!(a, p(&k1, "20099"));
        assert_ne!(a, p(&k2, "20098"));
        assert_ne!(a, pseudonym(&day_salt(&k1, "20098"), "+60123456780"));
    }
}
