//! Truth table `persons`: who lives where, with their demographics.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnData, StringColumn, TableSchema, View};
use crate::population::Person;

use super::district_columns;
use crate::mobility::calendar::date_days;

/// Schema of `persons`.
pub static PERSONS: TableSchema = TableSchema {
    name: "persons",
    view: View::Truth,
    doc: "One row per synthetic person: home, demographics and number of SIMs (ground truth).",
    columns: &[
        Column::new(
            "person_id",
            Int64,
            "Person key; joins person_sims.person_id.",
        ),
        Column::new(
            "home_district_code",
            Utf8,
            "DOSM code of the home district, e.g. 10_5.",
        )
        .categorical(),
        Column::new("home_district", Utf8, "Home district (census spelling).").categorical(),
        Column::new("home_state", Utf8, "Home state (census spelling).").categorical(),
        Column::new("home_lat", Float64, "Home latitude, WGS84."),
        Column::new("home_lon", Float64, "Home longitude, WGS84."),
        Column::new("sex", Utf8, "M or F.").categorical(),
        Column::new("birth_date", Date, "Date of birth."),
        Column::new(
            "age_band",
            Utf8,
            "Age on the scenario's first day in ten-year bands: 00-09 … 70+.",
        )
        .categorical(),
        Column::new(
            "ethnicity",
            Utf8,
            "bumiputera, chinese, indian, other or non_citizen.",
        )
        .categorical(),
        Column::new("nationality", Utf8, "ISO 3166-1 alpha-3 nationality.").categorical(),
        Column::new("sim_count", Int8, "Number of SIMs the person holds (0–3)."),
    ],
    sort_key: Some("person_id"),
};

/// Rows of `persons` for one block.
pub(crate) struct PersonsBuilder {
    person_id: Vec<i64>,
    district_code: StringColumn,
    district: StringColumn,
    state: StringColumn,
    lat: Vec<f64>,
    lon: Vec<f64>,
    sex: StringColumn,
    birth_date: Vec<i32>,
    age_band: StringColumn,
    ethnicity: StringColumn,
    nationality: StringColumn,
    sim_count: Vec<i8>,
}

impl PersonsBuilder {
    /// An empty builder with room for `rows`.
    pub(crate) fn with_capacity(rows: usize) -> Self {
        PersonsBuilder {
            person_id: Vec::with_capacity(rows),
            district_code: StringColumn::with_capacity(rows, 5),
            district: StringColumn::with_capacity(rows, 10),
            state: StringColumn::with_capacity(rows, 10),
            lat: Vec::with_capacity(rows),
            lon: Vec::with_capacity(rows),
            sex: StringColumn::with_capacity(rows, 1),
            birth_date: Vec::with_capacity(rows),
            age_band: StringColumn::with_capacity(rows, 5),
            ethnicity: StringColumn::with_capacity(rows, 10),
            nationality: StringColumn::with_capacity(rows, 3),
            sim_count: Vec::with_capacity(rows),
        }
    }

    /// Adds a person; `age` is their age on the scenario's first day.
    pub(crate) fn push(&mut self, p: &Person, age: u32) {
        let (code, name, state) = district_columns(p.district);
        self.person_id.push(p.id as i64);
        self.district_code.push(code);
        self.district.push(name);
        self.state.push(state);
        self.lat.push(p.home.1);
        self.lon.push(p.home.0);
        self.sex.push(if p.male { "M" } else { "F" });
        self.birth_date.push(date_days(p.birth_date));
        self.age_band.push(age_band(age));
        self.ethnicity.push(p.ethnicity.label());
        self.nationality.push(p.nationality);
        self.sim_count.push(p.sims as i8);
    }

    /// The finished batch.
    pub(crate) fn finish(self) -> Batch {
        Batch::new(
            &PERSONS,
            vec![
                ColumnData::Int64(self.person_id).into(),
                ColumnData::Utf8(self.district_code).into(),
                ColumnData::Utf8(self.district).into(),
                ColumnData::Utf8(self.state).into(),
                ColumnData::Float64(self.lat).into(),
                ColumnData::Float64(self.lon).into(),
                ColumnData::Utf8(self.sex).into(),
                ColumnData::Date(self.birth_date).into(),
                ColumnData::Utf8(self.age_band).into(),
                ColumnData::Utf8(self.ethnicity).into(),
                ColumnData::Utf8(self.nationality).into(),
                ColumnData::Int8(self.sim_count).into(),
            ],
        )
    }
}

/// Ten-year age band label.
pub(crate) fn age_band(age: u32) -> &'static str {
    const BANDS: [&str; 8] = [
        "00-09", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+",
    ];
    BANDS[(age / 10).min(7) as usize]
}
