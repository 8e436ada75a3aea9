//! Truth table `trajectories`: every stay and move of every person-day.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnData, StringColumn, TableSchema, View};
use crate::geography::Geography;
use crate::mobility::abroad;
use crate::mobility::{DayPlan, Segment};

/// Schema of `trajectories`.
pub static TRAJECTORIES: TableSchema = TableSchema {
    name: "trajectories",
    view: View::Truth,
    doc: "One row per stay or move of a person's local day; a day's rows are contiguous in time and cover it (ground truth).",
    columns: &[
        Column::new("person_id", Int64, "Person key; joins persons.person_id."),
        Column::new(
            "seq",
            Int16,
            "Position of the segment in the person's day, from 0.",
        ),
        Column::new("kind", Utf8, "stay or move.").categorical(),
        Column::new("start_time", TimestampSeconds, "Start (inclusive), UTC."),
        Column::new("end_time", TimestampSeconds, "End (exclusive), UTC."),
        Column::new("start_lat", Float64, "Latitude at the start, WGS84."),
        Column::new("start_lon", Float64, "Longitude at the start, WGS84."),
        Column::new(
            "end_lat",
            Float64,
            "Latitude at the end, WGS84 (equal to start_lat for a stay).",
        ),
        Column::new(
            "end_lon",
            Float64,
            "Longitude at the end, WGS84 (equal to start_lon for a stay).",
        ),
        Column::new(
            "district_code",
            Utf8,
            "DOSM code of the district of the stay, or of the move's destination; abroad, the country's ISO alpha-3 code (SGP for Johor residents who work in Singapore; the destinations of trips abroad).",
        )
        .categorical(),
        Column::new(
            "purpose",
            Utf8,
            "home, work, school, errand or leisure for stays (lodging: where a person sleeps while away on a trip or a visitor's hotel; transit: a visitor at a border crossing on entering or leaving); walk or road for moves.",
        )
        .categorical(),
        Column::new(
            "distance_km",
            Float64,
            "Straight-line length of a move in km; 0 for a stay.",
        ),
    ],
    sort_key: Some("start_time"),
};

/// One row before sorting.
struct Row {
    person_id: i64,
    seq: i16,
    segment: Segment,
}

/// Rows of `trajectories` for one block.
#[derive(Default)]
pub(crate) struct TrajectoriesBuilder {
    rows: Vec<Row>,
}

impl TrajectoriesBuilder {
    /// Adds the segments of one person-day.
    pub(crate) fn push(&mut self, person_id: u64, plan: &DayPlan) {
        for (seq, segment) in plan.segments.iter().enumerate() {
            self.rows.push(Row {
                person_id: person_id as i64,
                seq: i16::try_from(seq).expect("fewer than 32768 segments a day"),
                segment: *segment,
            });
        }
    }

    /// The finished batch, sorted by start time, then person and sequence.
    pub(crate) fn finish(mut self) -> Batch {
        self.rows
            .sort_by_key(|r| (r.segment.start(), r.person_id, r.seq));
        let n = self.rows.len();
        let geo = Geography::get();
        let mut person_id = Vec::with_capacity(n);
        let mut seq = Vec::with_capacity(n);
        let mut kind = StringColumn::with_capacity(n, 4);
        let mut start = Vec::with_capacity(n);
        let mut end = Vec::with_capacity(n);
        let (mut start_lat, mut start_lon) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut end_lat, mut end_lon) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut district = StringColumn::with_capacity(n, 5);
        let mut purpose = StringColumn::with_capacity(n, 5);
        let mut distance = Vec::with_capacity(n);
        for r in &self.rows {
            person_id.push(r.person_id);
            seq.push(r.seq);
            start.push(r.segment.start());
            end.push(r.segment.end());
            let (from, to, d, label, km) = match &r.segment {
                Segment::Stay(s) => (
                    (s.lon, s.lat),
                    (s.lon, s.lat),
                    s.district,
                    s.purpose.label(),
                    0.0,
                ),
                Segment::Move(m) => (m.from, m.to, m.district, m.mode.label(), m.distance_km()),
            };
            kind.push(if matches!(r.segment, Segment::Stay(_)) {
                "stay"
            } else {
                "move"
            });
            start_lat.push(from.1);
            start_lon.push(from.0);
            end_lat.push(to.1);
            end_lon.push(to.0);
            district.push(abroad::country(d).unwrap_or_else(|| geo.district(d).code));
            purpose.push(label);
            distance.push(km);
        }
        Batch::new(
            &TRAJECTORIES,
            vec![
                ColumnData::Int64(person_id).into(),
                ColumnData::Int16(seq).into(),
                ColumnData::Utf8(kind).into(),
                ColumnData::TimestampSeconds(start).into(),
                ColumnData::TimestampSeconds(end).into(),
                ColumnData::Float64(start_lat).into(),
                ColumnData::Float64(start_lon).into(),
                ColumnData::Float64(end_lat).into(),
                ColumnData::Float64(end_lon).into(),
                ColumnData::Utf8(district).into(),
                ColumnData::Utf8(purpose).into(),
                ColumnData::Float64(distance).into(),
            ],
        )
    }
}
