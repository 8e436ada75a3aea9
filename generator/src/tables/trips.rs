//! Truth table `trips`: every trip away from home that overlaps the scenario period.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnBuffer, ColumnData, StringColumn, TableSchema, View};
use crate::geography::Geography;
use crate::mobility::Trip;
use crate::mobility::abroad;

/// Schema of `trips`.
pub static TRIPS: TableSchema = TableSchema {
    name: "trips",
    view: View::Truth,
    doc: "One row per person and trip away from home overlapping the scenario period (ground truth); a household travels together, so its members have one row each with the same times. The trajectories of the trip's days follow it.",
    columns: &[
        Column::new("person_id", Int64, "Person key; joins persons.person_id."),
        Column::new(
            "kind",
            Utf8,
            "balik_kampung: a household's festive return to its home town (kampung); leisure: a city household's weekend or holiday trip to a resort or heritage town; outbound: a household's trip abroad (through an airport or a land checkpoint, staying in the destination country's main city).",
        )
        .categorical(),
        Column::new(
            "holiday",
            Utf8,
            "The holiday the trip is for (Chinese New Year, Hari Raya Aidilfitri); null for trips that are not for a holiday.",
        )
        .categorical()
        .nullable(),
        Column::new("depart_time", TimestampSeconds, "Leaves home, UTC."),
        Column::new(
            "arrive_time",
            TimestampSeconds,
            "Arrives where they stay at the destination, UTC.",
        ),
        Column::new(
            "leave_time",
            TimestampSeconds,
            "Leaves the destination for home, UTC.",
        ),
        Column::new("return_time", TimestampSeconds, "Back home, UTC."),
        Column::new(
            "origin_district_code",
            Utf8,
            "DOSM code of the home district.",
        )
        .categorical(),
        Column::new(
            "destination_district_code",
            Utf8,
            "DOSM code of the district of the destination (the kampung district, or where the hotel is); for a trip abroad, the country's ISO alpha-3 code.",
        )
        .categorical(),
        Column::new(
            "destination_lat",
            Float64,
            "Latitude where they stay (the family home or a hotel), WGS84.",
        ),
        Column::new(
            "destination_lon",
            Float64,
            "Longitude where they stay, WGS84.",
        ),
        Column::new(
            "distance_km",
            Float64,
            "Straight-line km from home to the destination.",
        ),
    ],
    sort_key: Some("person_id"),
};

/// Rows of `trips` for one block, pushed in person order.
#[derive(Default)]
pub(crate) struct TripsBuilder {
    rows: Vec<(i64, Trip)>,
}

impl TripsBuilder {
    /// Adds a person's trips.
    pub(crate) fn push(&mut self, person_id: u64, trips: &[Trip]) {
        for trip in trips {
            self.rows.push((person_id as i64, trip.clone()));
        }
    }

    /// The finished batch, sorted by person and departure.
    pub(crate) fn finish(mut self) -> Batch {
        self.rows.sort_by_key(|(id, t)| (*id, t.depart));
        let n = self.rows.len();
        let geo = Geography::get();
        let mut person_id = Vec::with_capacity(n);
        let mut kind = StringColumn::with_capacity(n, 13);
        let mut holiday = StringColumn::with_capacity(n, 16);
        let mut has_holiday = Vec::with_capacity(n);
        let (mut depart, mut arrive) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut leave, mut back) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut origin = StringColumn::with_capacity(n, 5);
        let mut destination = StringColumn::with_capacity(n, 5);
        let (mut lat, mut lon) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut distance = Vec::with_capacity(n);
        for (id, t) in &self.rows {
            person_id.push(*id);
            kind.push(t.kind.label());
            holiday.push(t.holiday.unwrap_or(""));
            has_holiday.push(t.holiday.is_some());
            depart.push(t.depart);
            arrive.push(t.arrive);
            leave.push(t.leave);
            back.push(t.back);
            origin.push(geo.district(t.origin.district).code);
            destination.push(
                abroad::country(t.lodging.district)
                    .unwrap_or_else(|| geo.district(t.lodging.district).code),
            );
            lat.push(t.lodging.lat);
            lon.push(t.lodging.lon);
            distance.push(t.distance_km());
        }
        Batch::new(
            &TRIPS,
            vec![
                ColumnData::Int64(person_id).into(),
                ColumnData::Utf8(kind).into(),
                ColumnBuffer {
                    data: ColumnData::Utf8(holiday),
                    validity: Some(has_holiday),
                },
                ColumnData::TimestampSeconds(depart).into(),
                ColumnData::TimestampSeconds(arrive).into(),
                ColumnData::TimestampSeconds(leave).into(),
                ColumnData::TimestampSeconds(back).into(),
                ColumnData::Utf8(origin).into(),
                ColumnData::Utf8(destination).into(),
                ColumnData::Float64(lat).into(),
                ColumnData::Float64(lon).into(),
                ColumnData::Float64(distance).into(),
            ],
        )
    }
}
