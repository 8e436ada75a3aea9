//! GeoParquet 1.1 file metadata for tables with point columns.

use serde_json::{Value, json};
use telcosynth_generator::columnar::{Batch, ColumnData};

/// Parquet key-value metadata key GeoParquet readers look for.
pub const GEO_KEY: &str = "geo";

/// The `geo` metadata JSON for a batch, or `None` if its table has no point column.
///
/// The first point column is the primary one. CRS is omitted, which GeoParquet defines as
/// OGC:CRS84 (WGS84 longitude/latitude). `bbox` covers the non-null points and is omitted
/// when there are none.
pub fn geo_metadata(batch: &Batch) -> Option<String> {
    let mut primary = None;
    let mut columns = serde_json::Map::new();
    for (column, buffer) in batch.schema.columns.iter().zip(&batch.columns) {
        let ColumnData::Point(points) = &buffer.data else {
            continue;
        };
        primary.get_or_insert(column.name);
        let mut meta = json!({ "encoding": "WKB", "geometry_types": ["Point"] });
        let valid = |i: usize| buffer.validity.as_ref().is_none_or(|v| v[i]);
        let present = points
            .iter()
            .enumerate()
            .filter(|&(i, _)| valid(i))
            .map(|(_, &p)| p);
        if let Some(bbox) = bounding_box(present) {
            meta["bbox"] = json!(bbox);
        }
        columns.insert(column.name.to_owned(), meta);
    }
    let metadata = json!({
        "version": "1.1.0",
        "primary_column": primary?,
        "columns": Value::Object(columns),
    });
    Some(metadata.to_string())
}

/// `[min lon, min lat, max lon, max lat]` of the points, or `None` if there are none.
fn bounding_box(points: impl Iterator<Item = (f64, f64)>) -> Option<[f64; 4]> {
    points.fold(None, |bbox, (x, y)| {
        Some(match bbox {
            None => [x, y, x, y],
            Some([x0, y0, x1, y1]) => [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
        })
    })
}
