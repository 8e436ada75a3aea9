//! Distances and offsets in kilometres on the WGS84 lon/lat plane, good to well under 1% across
//! Malaysia (latitudes 0.8° to 7.4°).

/// Kilometres per degree of latitude near the equator.
pub const KM_PER_DEG_LAT: f64 = 110.574;
/// Kilometres per degree of longitude at the equator.
pub(crate) const KM_PER_DEG_LON_EQUATOR: f64 = 111.320;

/// Kilometres per degree of longitude at a latitude.
pub fn km_per_deg_lon(lat: f64) -> f64 {
    KM_PER_DEG_LON_EQUATOR * libm::cos(lat.to_radians())
}

/// The point `(dx_km, dy_km)` east and north of `(lon, lat)`.
pub fn offset(lon: f64, lat: f64, dx_km: f64, dy_km: f64) -> (f64, f64) {
    (
        lon + dx_km / km_per_deg_lon(lat),
        lat + dy_km / KM_PER_DEG_LAT,
    )
}

/// Planar coordinates in km (fixed equirectangular projection at [`REFERENCE_LAT_DEG`]), for
/// nearest-neighbour indexes where one consistent metric matters more than local exactness.
pub(crate) fn to_plane(lon: f64, lat: f64) -> [f64; 2] {
    const KX: f64 = 111.320 * 0.997_564_050_259_824_2; // cos(4°)
    [lon * KX, lat * KM_PER_DEG_LAT]
}

/// Distance in km between two lon/lat points (equirectangular at their mean latitude).
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = (a.0 - b.0) * km_per_deg_lon((a.1 + b.1) / 2.0);
    let dy = (a.1 - b.1) * KM_PER_DEG_LAT;
    libm::sqrt(dx * dx + dy * dy)
}

/// Initial bearing in degrees clockwise from north from `a` to `b` (planar approximation).
pub(crate) fn bearing_deg(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = (b.0 - a.0) * km_per_deg_lon((a.1 + b.1) / 2.0);
    let dy = (b.1 - a.1) * KM_PER_DEG_LAT;
    let deg = libm::atan2(dx, dy).to_degrees();
    if deg < 0.0 { deg + 360.0 } else { deg }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_distances_agree() {
        let (lon, lat) = offset(101.7, 3.15, 3.0, 4.0);
        let d = distance_km((101.7, 3.15), (lon, lat));
        assert!((d - 5.0).abs() < 1e-3, "{d}");
    }

    #[test]
    fn bearings_point_the_right_way() {
        assert!(bearing_deg((101.0, 3.0), (101.0, 3.1)).abs() < 1e-9);
        assert!((bearing_deg((101.0, 3.0), (101.1, 3.0)) - 90.0).abs() < 1e-9);
        assert!((bearing_deg((101.0, 3.0), (101.0, 2.9)) - 180.0).abs() < 1e-9);
        assert!((bearing_deg((101.0, 3.0), (100.9, 3.0)) - 270.0).abs() < 1e-9);
    }
}
