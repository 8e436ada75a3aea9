//! Operator table `cells`: every cell of the scenario's operators, with a GeoParquet point.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnData, StringColumn, TableSchema, View};
use crate::network::Network;
use crate::public_data::operators;

use super::district_columns;

/// Schema of `cells`.
pub static CELLS: TableSchema = TableSchema {
    name: "cells",
    view: View::Operator,
    doc: "One row per cell: operator, identity in the real formats, technology, sector and position.",
    columns: &[
        Column::new(
            "cell_key",
            Int64,
            "Key of the cell in this dataset; event tables refer to it.",
        ),
        Column::new("operator", Utf8, "Operator name.").categorical(),
        Column::new("mcc", Int16, "Mobile country code (502)."),
        Column::new(
            "mnc",
            Utf8,
            "Mobile network code of the operator's primary PLMN.",
        )
        .categorical(),
        Column::new("technology", Utf8, "2G, 4G or 5G.").categorical(),
        Column::new(
            "band",
            Utf8,
            "Frequency band: GSM900, B3 (LTE 1800) or n78 (NR 3500).",
        )
        .categorical(),
        Column::new("site_id", Int32, "Site (mast) number in this dataset."),
        Column::new(
            "node_id",
            Int32,
            "BTS, eNodeB or gNodeB number within the operator.",
        ),
        Column::new("sector", Int8, "Sector 1 to 3."),
        Column::new(
            "azimuth_deg",
            Int16,
            "Antenna azimuth, degrees clockwise from north.",
        ),
        Column::new(
            "cell_identity",
            Int64,
            "28-bit ECI (4G), 36-bit NCI (5G) or GSM CI.",
        ),
        Column::new(
            "cgi",
            Utf8,
            "Cell global identity: MCC-MNC-node-cell (MCC-MNC-LAC-CI for 2G).",
        ),
        Column::new(
            "tac",
            Int32,
            "Tracking area code (location area code for 2G).",
        ),
        Column::new("environment", Utf8, "urban or rural site.").categorical(),
        Column::new("lat", Float64, "Site latitude, WGS84."),
        Column::new("lon", Float64, "Site longitude, WGS84."),
        Column::new("district_code", Utf8, "DOSM code of the site's district.").categorical(),
        Column::new("district", Utf8, "District of the site.").categorical(),
        Column::new("state", Utf8, "State of the site.").categorical(),
        Column::new(
            "geometry",
            PointWkb,
            "Site position as a GeoParquet WKB point (OGC:CRS84).",
        ),
    ],
    sort_key: Some("cell_key"),
};

/// The `cells` rows in `range` (indices into [`Network::cells`]).
pub(crate) fn cells_batch(network: &Network, range: std::ops::Range<usize>) -> Batch {
    let cells = &network.cells()[range];
    let n = cells.len();
    let text = |avg| StringColumn::with_capacity(n, avg);
    let (mut operator, mut mnc, mut tech, mut band, mut cgi, mut env) =
        (text(10), text(2), text(2), text(3), text(20), text(5));
    let (mut dcode, mut dname, mut state) = (text(5), text(10), text(10));
    let (
        mut key,
        mut mcc,
        mut site_id,
        mut node,
        mut sector,
        mut azimuth,
        mut identity,
        mut tac,
        mut lat,
        mut lon,
        mut point,
    ) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for c in cells {
        let site = &network.sites()[c.site as usize];
        let op = &operators()[c.operator];
        key.push(c.key);
        operator.push(op.name);
        mcc.push(op.mcc as i16);
        mnc.push(op.mncs[0]);
        tech.push(c.technology.label());
        band.push(c.technology.band());
        site_id.push(c.site as i32);
        node.push(c.node_id as i32);
        sector.push(c.sector as i8);
        azimuth.push(c.azimuth.round() as i16);
        identity.push(crate::network::cells::global_cell_identity(
            c.technology,
            c.node_id,
            c.sector,
        ));
        cgi.push(&crate::network::cells::cgi_text(
            c.technology,
            op.mcc,
            op.mncs[0],
            c.node_id,
            c.sector,
            c.tac,
        ));
        tac.push(c.tac as i32);
        env.push(if site.urban { "urban" } else { "rural" });
        lat.push(site.lat);
        lon.push(site.lon);
        point.push((site.lon, site.lat));
        let (code, name, st) = district_columns(site.district);
        dcode.push(code);
        dname.push(name);
        state.push(st);
    }
    Batch::new(
        &CELLS,
        vec![
            ColumnData::Int64(key).into(),
            ColumnData::Utf8(operator).into(),
            ColumnData::Int16(mcc).into(),
            ColumnData::Utf8(mnc).into(),
            ColumnData::Utf8(tech).into(),
            ColumnData::Utf8(band).into(),
            ColumnData::Int32(site_id).into(),
            ColumnData::Int32(node).into(),
            ColumnData::Int8(sector).into(),
            ColumnData::Int16(azimuth).into(),
            ColumnData::Int64(identity).into(),
            ColumnData::Utf8(cgi).into(),
            ColumnData::Int32(tac).into(),
            ColumnData::Utf8(env).into(),
            ColumnData::Float64(lat).into(),
            ColumnData::Float64(lon).into(),
            ColumnData::Utf8(dcode).into(),
            ColumnData::Utf8(dname).into(),
            ColumnData::Utf8(state).into(),
            ColumnData::Point(point).into(),
        ],
    )
}
