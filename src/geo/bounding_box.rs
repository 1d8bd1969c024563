//! A bounding box on latitude and longitude: the locality pre-filter that keeps a search on
//! the indexed coordinates from scanning the whole country.

/// Slightly fewer km per degree than the Earth's 111.195, so that a box is never too small.
const FLAT_KM_PER_DEGREE: f64 = 111.0;

/// A bounding box around a point.
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    /// Southern edge.
    pub lat_min: f64,
    /// Northern edge.
    pub lat_max: f64,
    /// Western edge.
    pub lon_min: f64,
    /// Eastern edge.
    pub lon_max: f64,
}

impl BoundingBox {
    /// The box that contains every point within `km` of (`lat`, `lon`).
    pub fn around(lat: f64, lon: f64, km: f64) -> Self {
        let dlat = km / FLAT_KM_PER_DEGREE;
        // A degree of longitude is shortest at the edge farthest from the equator.
        let min_cos_lat = (lat.abs() + dlat).min(89.0).to_radians().cos();
        let dlon = km / (FLAT_KM_PER_DEGREE * min_cos_lat);
        Self {
            lat_min: lat - dlat,
            lat_max: lat + dlat,
            lon_min: lon - dlon,
            lon_max: lon + dlon,
        }
    }
}
