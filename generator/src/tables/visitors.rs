//! Truth table `visitors`: every visitor in the region during the scenario period.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnData, StringColumn, TableSchema, View};
use crate::geography::Geography;
use crate::mobility::Trip;
use crate::visitors::Visitor;

use crate::mobility::calendar::date_days;

/// Schema of `visitors`. The first seven columns are the tourism harness's interface: keep their
/// names, types and order.
pub static VISITORS: TableSchema = TableSchema {
    name: "visitors",
    view: View::Truth,
    doc: "One row per visitor in the region during the scenario period (ground truth): inbound foreign visitors, including same-day visitors, from entry to exit, and residents on a leisure trip (domestic visitors, also in trips). Their stays and moves are in trajectories (nights with purpose lodging, the border crossing with purpose transit), their SIM in person_sims; they are not in persons.",
    columns: &[
        Column::new("person_id", Int64, "Person key (trajectories.person_id, person_sims.person_id); visitors' ids start at 2^40."),
        Column::new("kind", Utf8, "inbound: a foreign visitor; domestic: a resident on a leisure trip.").categorical(),
        Column::new(
            "origin_country",
            Utf8,
            "ISO 3166-1 alpha-3 nationality (MYS for domestic visitors).",
        )
        .categorical(),
        Column::new(
            "entry_point",
            Utf8,
            "Id of the entry point in generator/data/entry_points.csv: E.. airports, L.. land checkpoints, F.. ferry terminals; for domestic visitors the DOSM code of the home district.",
        )
        .categorical(),
        Column::new("entry_date", Date, "Local date of the entry."),
        Column::new("exit_point", Utf8, "Id of the exit point, as entry_point.").categorical(),
        Column::new("exit_date", Date, "Local date of the exit."),
        Column::new("entry_time", TimestampSeconds, "Crossing in (domestic: leaving home), UTC."),
        Column::new("exit_time", TimestampSeconds, "Crossing out (domestic: back home), UTC."),
        Column::new("nights", Int16, "Nights spent in Malaysia; 0 for same-day visitors."),
        Column::new(
            "phone",
            Utf8,
            "roaming (home network, records with roaming = inbound), tourist_sim (a Malaysian prepaid SIM registered with the passport) or none (no records); resident for domestic visitors (their own SIMs).",
        )
        .categorical(),
        Column::new(
            "itinerary",
            Utf8,
            "Ids of the attractions (generator/data/attractions.csv) near the hotels, in order, separated by ';'; the one attraction of a same-day visitor.",
        ),
    ],
    sort_key: Some("person_id"),
};

/// Rows of `visitors` for one block, pushed in id order.
#[derive(Default)]
pub(crate) struct VisitorsBuilder {
    person_id: Vec<i64>,
    kind: StringColumn,
    origin: StringColumn,
    entry: StringColumn,
    entry_date: Vec<i32>,
    exit: StringColumn,
    exit_date: Vec<i32>,
    entry_time: Vec<i64>,
    exit_time: Vec<i64>,
    nights: Vec<i16>,
    phone: StringColumn,
    itinerary: StringColumn,
}

impl VisitorsBuilder {
    /// Adds an inbound visitor.
    pub(crate) fn push(&mut self, v: &Visitor) {
        self.person_id.push(v.id as i64);
        self.kind.push("inbound");
        self.origin.push(v.origin.iso3);
        self.entry.push(v.entry.id);
        self.entry_date.push(date_days(v.entry_date()));
        self.exit.push(v.exit.id);
        self.exit_date.push(date_days(v.exit_date()));
        self.entry_time.push(v.arrival);
        self.exit_time.push(v.departure);
        self.nights.push(v.nights.len() as i16);
        self.phone.push(v.phone.kind.label());
        let ids: Vec<&str> = v.bases.iter().map(|b| b.attraction.id).collect();
        self.itinerary.push(&ids.join(";"));
    }

    /// Adds a resident on a leisure trip (a domestic visitor): the home district code stands
    /// for the entry and exit points.
    pub(crate) fn push_domestic(&mut self, person_id: u64, trip: &Trip) {
        let home = Geography::get().district(trip.origin.district).code;
        self.person_id.push(person_id as i64);
        self.kind.push("domestic");
        self.origin.push("MYS");
        self.entry.push(home);
        self.entry_date.push(date_days(trip.depart_date()));
        self.exit.push(home);
        self.exit_date.push(date_days(trip.return_date()));
        self.entry_time.push(trip.depart);
        self.exit_time.push(trip.back);
        self.nights
            .push((trip.return_date() - trip.depart_date()).num_days() as i16);
        self.phone.push("resident");
        self.itinerary.push(trip.destination.unwrap_or(""));
    }

    /// The finished batch.
    pub(crate) fn finish(self) -> Batch {
        Batch::new(
            &VISITORS,
            vec![
                ColumnData::Int64(self.person_id).into(),
                ColumnData::Utf8(self.kind).into(),
                ColumnData::Utf8(self.origin).into(),
                ColumnData::Utf8(self.entry).into(),
                ColumnData::Date(self.entry_date).into(),
                ColumnData::Utf8(self.exit).into(),
                ColumnData::Date(self.exit_date).into(),
                ColumnData::TimestampSeconds(self.entry_time).into(),
                ColumnData::TimestampSeconds(self.exit_time).into(),
                ColumnData::Int16(self.nights).into(),
                ColumnData::Utf8(self.phone).into(),
                ColumnData::Utf8(self.itinerary).into(),
            ],
        )
    }
}
