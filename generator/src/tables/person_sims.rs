//! Truth table `person_sims`: the person behind every SIM.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnBuffer, ColumnData, StringColumn, TableSchema, View};
use crate::population::{Holder, Sim};
use crate::public_data::operators;

/// Schema of `person_sims`.
pub static PERSON_SIMS: TableSchema = TableSchema {
    name: "person_sims",
    view: View::Truth,
    doc: "One row per SIM: the person who uses it (ground truth linking the register to persons).",
    columns: &[
        Column::new("person_id", Int64, "Person key (persons.person_id)."),
        Column::new(
            "slot",
            Int8,
            "Position of the SIM among the person's SIMs, from 0.",
        ),
        Column::new(
            "subscriber_id",
            Utf8,
            "Operator account number (subscribers.subscriber_id); null for a visitor's SIM roaming on its home network, which has no Malaysian account.",
        )
        .nullable(),
        Column::new(
            "operator",
            Utf8,
            "Operator name; for a roaming SIM, the Malaysian host network it uses.",
        )
        .categorical(),
        Column::new("msisdn", Utf8, "E.164 number with +."),
        Column::new(
            "imsi",
            Utf8,
            "IMSI (15 digits); a roaming SIM's starts with its home network's MCC and MNC.",
        ),
        Column::new("imei", Utf8, "IMEI of the handset (15 digits, Luhn-valid)."),
        Column::new(
            "holder_id",
            Int64,
            "Person key of the SIM's registered holder (the subscribers row's holder): person_id itself, a parent for a child's line, another adult for a family line; null for a company line and for a roaming SIM (no Malaysian register row).",
        )
        .nullable(),
    ],
    sort_key: Some("person_id"),
};

/// Rows of `person_sims` for one block.
#[derive(Default)]
pub(crate) struct PersonSimsBuilder {
    person_id: Vec<i64>,
    slot: Vec<i8>,
    subscriber_id: StringColumn,
    has_subscriber: Vec<bool>,
    operator: StringColumn,
    msisdn: StringColumn,
    imsi: StringColumn,
    imei: StringColumn,
    holder_id: Vec<i64>,
    has_holder: Vec<bool>,
}

impl PersonSimsBuilder {
    /// Adds one SIM of a person.
    pub(crate) fn push(&mut self, person_id: u64, sim: &Sim) {
        self.person_id.push(person_id as i64);
        self.slot.push(sim.slot as i8);
        self.subscriber_id.push(&sim.numbers.account);
        self.has_subscriber.push(!sim.numbers.account.is_empty());
        self.operator.push(operators()[sim.numbers.operator].name);
        self.msisdn.push(&sim.numbers.msisdn);
        self.imsi.push(&sim.numbers.imsi);
        self.imei.push(&sim.imei);
        let holder = match sim.holder {
            Holder::User => (!sim.numbers.account.is_empty()).then_some(person_id),
            Holder::Person(id) => Some(id),
            Holder::Company(_) => None,
        };
        self.holder_id.push(holder.map_or(0, |h| h as i64));
        self.has_holder.push(holder.is_some());
    }

    /// The finished batch.
    pub(crate) fn finish(self) -> Batch {
        Batch::new(
            &PERSON_SIMS,
            vec![
                ColumnData::Int64(self.person_id).into(),
                ColumnData::Int8(self.slot).into(),
                ColumnBuffer {
                    data: ColumnData::Utf8(self.subscriber_id),
                    validity: Some(self.has_subscriber),
                },
                ColumnData::Utf8(self.operator).into(),
                ColumnData::Utf8(self.msisdn).into(),
                ColumnData::Utf8(self.imsi).into(),
                ColumnData::Utf8(self.imei).into(),
                ColumnBuffer {
                    data: ColumnData::Int64(self.holder_id),
                    validity: Some(self.has_holder),
                },
            ],
        )
    }
}
