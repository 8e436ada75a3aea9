//! Operator table `subscribers`: the subscriber register (KYC) of every SIM.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnBuffer, ColumnData, StringColumn, TableSchema, View};
use crate::population::{Registration, Sim};
use crate::public_data::operators;

use super::district_columns;
use crate::mobility::calendar::date_days;

/// Schema of `subscribers`.
pub static SUBSCRIBERS: TableSchema = TableSchema {
    name: "subscribers",
    view: View::Operator,
    doc: "One row per SIM: the operator's subscriber register with the registered holder's identity. The holder is not always the user (person_sims): children's lines are registered to a parent, family lines to another adult, company lines to the employer.",
    columns: &[
        Column::new(
            "subscriber_id",
            Utf8,
            "Operator account number: two letters and ten digits.",
        ),
        Column::new("operator", Utf8, "Operator name.").categorical(),
        Column::new(
            "msisdn",
            Utf8,
            "E.164 number with +, from the operator's real number blocks.",
        ),
        Column::new(
            "imsi",
            Utf8,
            "IMSI: MCC 502, the operator's MNC, MSIN (15 digits).",
        ),
        Column::new(
            "imei",
            Utf8,
            "IMEI of the handset: real TAC, serial, Luhn check digit.",
        ),
        Column::new("handset_brand", Utf8, "Handset brand from the TAC.").categorical(),
        Column::new("handset_model", Utf8, "Handset model from the TAC."),
        Column::new("plan", Utf8, "prepaid or postpaid.").categorical(),
        Column::new(
            "activation_date",
            Date,
            "Date the subscription was activated.",
        ),
        Column::new(
            "holder_name",
            Utf8,
            "Registered holder's full name, or company name.",
        ),
        Column::new("holder_sex", Utf8, "M or F; null for a company.")
            .categorical()
            .nullable(),
        Column::new(
            "holder_birth_date",
            Date,
            "Holder's date of birth; null for a company.",
        )
        .nullable(),
        Column::new("id_type", Utf8, "mykad, passport, or ssm for a company.").categorical(),
        Column::new(
            "id_number",
            Utf8,
            "MyKad number YYMMDD-PB-###G, passport number, or 12-digit SSM company registration number.",
        ),
        Column::new(
            "nationality",
            Utf8,
            "Holder's ISO 3166-1 alpha-3 nationality; null for a company.",
        )
        .categorical()
        .nullable(),
        Column::new("email", Utf8, "Holder's e-mail (postpaid only).").nullable(),
        Column::new("address", Utf8, "Registered address in the home district."),
        Column::new("postcode", Utf8, "Five-digit postcode."),
        Column::new(
            "district",
            Utf8,
            "District of the address (census spelling).",
        )
        .categorical(),
        Column::new("state", Utf8, "State of the address (census spelling).").categorical(),
    ],
    sort_key: Some("msisdn"),
};

/// One register row, before sorting by MSISDN.
struct Row<'a> {
    registration: Registration,
    sim: &'a Sim,
}

/// Rows of `subscribers` for one block; sorted by MSISDN when finished.
#[derive(Default)]
pub(crate) struct SubscribersBuilder<'a> {
    rows: Vec<Row<'a>>,
}

impl<'a> SubscribersBuilder<'a> {
    /// Adds one SIM with its register entry.
    pub(crate) fn push(&mut self, registration: Registration, sim: &'a Sim) {
        self.rows.push(Row { registration, sim });
    }

    /// The finished batch, sorted by MSISDN.
    pub(crate) fn finish(mut self) -> Batch {
        self.rows
            .sort_by(|a, b| a.sim.numbers.msisdn.cmp(&b.sim.numbers.msisdn));
        let n = self.rows.len();
        let text = |avg| StringColumn::with_capacity(n, avg);
        let (mut id, mut op, mut msisdn, mut imsi, mut imei, mut brand, mut model, mut plan) = (
            text(12),
            text(10),
            text(13),
            text(15),
            text(15),
            text(7),
            text(12),
            text(8),
        );
        let (
            mut name,
            mut sex,
            mut id_type,
            mut id_number,
            mut nationality,
            mut email,
            mut address,
            mut postcode,
        ) = (
            text(24),
            text(1),
            text(6),
            text(14),
            text(3),
            text(24),
            text(60),
            text(5),
        );
        let (mut district, mut state) = (text(10), text(10));
        let (mut activation, mut birth, mut has_email, mut is_person) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for Row { registration, sim } in &self.rows {
            let identity = &registration.identity;
            let person = registration.person.as_ref();
            id.push(&sim.numbers.account);
            op.push(operators()[sim.numbers.operator].name);
            msisdn.push(&sim.numbers.msisdn);
            imsi.push(&sim.numbers.imsi);
            imei.push(&sim.imei);
            brand.push(sim.brand);
            model.push(sim.model);
            plan.push(if sim.prepaid { "prepaid" } else { "postpaid" });
            activation.push(date_days(sim.activation));
            name.push(&identity.name);
            sex.push(person.map_or("", |p| if p.male { "M" } else { "F" }));
            birth.push(person.map_or(0, |p| date_days(p.birth_date)));
            is_person.push(person.is_some());
            id_type.push(identity.document_type);
            id_number.push(&identity.document_number);
            nationality.push(person.map_or("", |p| p.nationality));
            email.push(if sim.prepaid { "" } else { &identity.email });
            has_email.push(!sim.prepaid);
            address.push(&identity.address.text);
            postcode.push(&identity.address.postcode);
            let (_, d, s) = district_columns(registration.district);
            district.push(d);
            state.push(s);
        }
        let utf8 = |c: StringColumn| ColumnBuffer::from(ColumnData::Utf8(c));
        Batch::new(
            &SUBSCRIBERS,
            vec![
                utf8(id),
                utf8(op),
                utf8(msisdn),
                utf8(imsi),
                utf8(imei),
                utf8(brand),
                utf8(model),
                utf8(plan),
                ColumnData::Date(activation).into(),
                utf8(name),
                ColumnBuffer {
                    data: ColumnData::Utf8(sex),
                    validity: Some(is_person.clone()),
                },
                ColumnBuffer {
                    data: ColumnData::Date(birth),
                    validity: Some(is_person.clone()),
                },
                utf8(id_type),
                utf8(id_number),
                ColumnBuffer {
                    data: ColumnData::Utf8(nationality),
                    validity: Some(is_person),
                },
                ColumnBuffer {
                    data: ColumnData::Utf8(email),
                    validity: Some(has_email),
                },
                utf8(address),
                utf8(postcode),
                utf8(district),
                utf8(state),
            ],
        )
    }
}
