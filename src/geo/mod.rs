//! The gazetteer: the 342 Dutch municipalities, the 4,086 PC4 postcode areas with their
//! coordinates, and the municipal mergers of 2018–2023, embedded from `data/nl/` (CBS/Kadaster
//! and GeoNames, CC BY 4.0; see `data/nl/README.md`).

mod bounding_box;
mod gazetteer;
mod search;

pub use bounding_box::BoundingBox;
pub use gazetteer::{Gazetteer, MergerNote, Municipality, MunicipalityCode, Pc4Area, SharedArea};
pub use search::MunicipalityMatch;

/// Mean Earth radius in km (IUGG), used for great-circle distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle (haversine) distance in km between two WGS84 coordinates.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().clamp(0.0, 1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_between_amsterdam_and_utrecht_is_about_35_km() {
        // Dam square (1012) to Utrecht Domplein (3512).
        let d = distance_km(52.3731, 4.8926, 52.0907, 5.1214);
        assert!((d - 35.0).abs() < 1.5, "{d}");
        assert_eq!(distance_km(52.0, 5.0, 52.0, 5.0), 0.0);
    }
}
