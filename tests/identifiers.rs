//! The subscriber register's identifiers are valid, checked on a generated dataset: every IMEI
//! passes Luhn, every MSISDN lies in its operator's number blocks, every MyKad carries the
//! holder's birth date, a birthplace code of a state and the parity of the holder's sex, and its
//! holder was 12 or over when the SIM was activated; a company holder has a 12-digit SSM number
//! and no sex, birth date or nationality.

mod common;

use std::collections::HashSet;

use arrow_array::{Array, Date32Array, StringArray};
use common::*;
use telcosynth_generator::population::imei::luhn_valid;
use telcosynth_generator::population::mykad;
use telcosynth_generator::public_data::{mykad::state_birthplace_codes, operators};

fn text<'a>(b: &'a arrow_array::RecordBatch, name: &str) -> &'a StringArray {
    b.column_by_name(name)
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap()
}

/// The operator owning a national number by longest-prefix match.
fn owner(msisdn: &str) -> Option<&'static str> {
    let national = msisdn.strip_prefix("+60")?;
    operators()
        .iter()
        .flat_map(|o| o.prefixes.iter().map(move |p| (o, p)))
        .filter(|(_, p)| {
            national.starts_with(p.digits) && national.len() == usize::from(p.nsn_length)
        })
        .max_by_key(|(_, p)| p.digits.len())
        .map(|(o, _)| o.name)
}

#[test]
fn register_identifiers_are_valid_and_unique() {
    let (_tmp, out) = generate(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml"),
        &[],
    );
    let state_codes: HashSet<&str> = (1..=16).flat_map(state_birthplace_codes).copied().collect();
    let (mut msisdns, mut imsis, mut imeis, mut ids, mut companies) = (
        HashSet::new(),
        HashSet::new(),
        HashSet::new(),
        0usize,
        0usize,
    );
    for b in read_table(&out, "subscribers") {
        let birth = b
            .column_by_name("holder_birth_date")
            .unwrap()
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        let activation = b
            .column_by_name("activation_date")
            .unwrap()
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        for i in 0..b.num_rows() {
            let imei = text(&b, "imei").value(i);
            assert!(imei.len() == 15 && luhn_valid(imei), "IMEI {imei}");
            let msisdn = text(&b, "msisdn").value(i);
            assert_eq!(
                owner(msisdn),
                Some(text(&b, "operator").value(i)),
                "MSISDN {msisdn}"
            );
            let imsi = text(&b, "imsi").value(i);
            assert!(imsi.len() == 15 && imsi.starts_with("502"), "IMSI {imsi}");
            assert!(
                msisdns.insert(msisdn.to_string())
                    && imsis.insert(imsi.to_string())
                    && imeis.insert(imei.to_string())
            );
            let number = text(&b, "id_number").value(i);
            match text(&b, "id_type").value(i) {
                "mykad" => {
                    let (date, pb, male) =
                        mykad::parse(number).unwrap_or_else(|| panic!("MyKad {number}"));
                    let born = birth.value_as_date(i).unwrap();
                    assert_eq!(
                        date.format("%m%d").to_string(),
                        born.format("%m%d").to_string(),
                        "{number}"
                    );
                    assert_eq!(
                        date.format("%y").to_string(),
                        born.format("%y").to_string(),
                        "{number}"
                    );
                    assert!(state_codes.contains(pb), "birthplace {pb} in {number}");
                    assert_eq!(
                        male,
                        text(&b, "holder_sex").value(i) == "M",
                        "parity of {number}"
                    );
                    assert_eq!(text(&b, "nationality").value(i), "MYS");
                    let activated = activation.value_as_date(i).unwrap();
                    let age = activated.years_since(born).unwrap_or(0);
                    assert!(age >= 12, "{number} was {age} when {msisdn} was activated");
                    ids += 1;
                }
                "passport" => assert_ne!(text(&b, "nationality").value(i), "MYS"),
                "ssm" => {
                    assert!(
                        number.len() == 12 && number.bytes().all(|c| c.is_ascii_digit()),
                        "SSM {number}"
                    );
                    assert!(birth.is_null(i) && text(&b, "holder_sex").is_null(i));
                    assert!(text(&b, "nationality").is_null(i));
                    companies += 1;
                }
                other => panic!("id_type {other}"),
            }
        }
    }
    assert!(ids > 2_000, "only {ids} MyKad holders checked");
    assert!(companies > 10, "only {companies} company lines checked");
}
