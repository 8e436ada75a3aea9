//! A point with the district it lies in.

/// A point with the district it lies in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// District index.
    pub district: u16,
}

impl Place {
    /// (lon, lat).
    pub fn point(&self) -> (f64, f64) {
        (self.lon, self.lat)
    }
}
