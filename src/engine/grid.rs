//! The compact locality structure behind [`OfferIndex`](super::index::OfferIndex): per
//! category a grid of latitude–longitude cells, each holding the offers whose reach (the
//! bounding box of the circle of their radius) overlaps the cell, and a structure of arrays
//! with the fields every visit reads.
//!
//! A query looks up the one cell of the request's point and runs a chord test over the
//! compact [`Reach`] entries of that cell: no tree walk and no touch of the full offer.
//! Offers whose box cannot be computed simply (near a pole, across the antimeridian, a huge
//! or non-finite radius) are kept in a short "wide" list per category that every query of
//! the category scans; so the visit never misses an offer that [`check`] accepts.
//!
//! [`check`]: super::constraints::check

use std::collections::HashMap;

use super::constraints::EARTH_RADIUS_KM;
use super::model::{CategorySet, GeoPoint, OfferProfile};

/// Cell height in degrees of latitude (about 5.6 km).
const CELL_LAT_DEG: f64 = 0.05;
/// Cell width in degrees of longitude (about 5.1 km at 52° N).
const CELL_LON_DEG: f64 = 0.075;
/// An offer whose box spans more cells than this goes to the wide list.
const MAX_CELLS_PER_OFFER: i64 = 4096;
/// Slack on chords (unit-sphere units, about 6 mm) so rounding never drops an offer that
/// the exact haversine check accepts.
pub const CHORD_SLACK: f64 = 1e-9;

/// The unit-sphere point of a coordinate.
pub fn unit_vector(p: GeoPoint) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The chord (plus slack) within which every point at great-circle distance <= `km` lies;
/// infinite for a non-finite or huge distance.
pub fn chord_of(km: f64) -> f64 {
    if km.is_nan() || km >= EARTH_RADIUS_KM * std::f64::consts::PI {
        return f64::INFINITY;
    }
    let angle = km.max(0.0) / EARTH_RADIUS_KM;
    2.0 * (angle / 2.0).sin() + CHORD_SLACK
}

/// Squared chord between two unit-sphere points.
#[inline]
pub fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
}

/// The hot fields of one offer, as of the last rebuild (load: always current).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reach {
    /// Unit-sphere point.
    pub unit: [f64; 3],
    /// Squared reach chord (radius plus slack); infinite when the radius is not finite.
    pub reach2: f64,
}

/// The per-slot fields the ranking bound reads, kept apart from the full [`OfferProfile`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BoundFields {
    /// The offer's key.
    pub id: u64,
    /// The volunteer's key.
    pub volunteer: u64,
    /// Radius in km.
    pub radius_km: f64,
    /// Weekly available minutes (a full week for "any time").
    pub week_minutes: u32,
    /// Active proposals plus accepted matches.
    pub load: u32,
    /// Capacity.
    pub capacity: u32,
    /// CBS municipality number.
    pub municipality: u16,
    /// Offer is active.
    pub active: bool,
    /// Offer accepts remote help.
    pub remote_ok: bool,
}

impl BoundFields {
    /// The hot fields of `offer`.
    pub fn of(offer: &OfferProfile) -> Self {
        BoundFields {
            id: offer.id,
            volunteer: offer.volunteer,
            radius_km: offer.radius_km,
            week_minutes: offer.week.total_minutes(),
            load: offer.load,
            capacity: offer.capacity,
            municipality: offer.municipality,
            active: offer.active,
            remote_ok: offer.remote_ok,
        }
    }

    /// Whether constraints 1 (active) and 5 (capacity) already rule the offer out.
    #[inline]
    pub fn closed(&self) -> bool {
        !self.active || self.load >= self.capacity
    }
}

/// The cell of a coordinate, or `None` when it is not a finite, valid coordinate.
fn cell_of(p: GeoPoint) -> Option<(i32, i32)> {
    if !(p.lat.is_finite() && p.lon.is_finite()) || p.lat.abs() > 90.0 {
        return None;
    }
    let lon = (p.lon + 180.0).rem_euclid(360.0) - 180.0;
    Some((
        (p.lat / CELL_LAT_DEG).floor() as i32,
        (lon / CELL_LON_DEG).floor() as i32,
    ))
}

/// The inclusive cell range `(lat_lo, lat_hi, lon_lo, lon_hi)` covering every point within
/// `radius_km` of `p`, or `None` when the box is not simple (then the offer is "wide").
fn cell_box(p: GeoPoint, radius_km: f64) -> Option<(i32, i32, i32, i32)> {
    if !(radius_km.is_finite() && p.lat.is_finite() && p.lon.is_finite()) {
        return None;
    }
    if p.lon.abs() > 180.0 {
        return None;
    }
    // Angular radius with generous slack (1e-6 relative plus about 6 cm).
    let angle = radius_km.max(0.0) / EARTH_RADIUS_KM * (1.0 + 1e-6) + 1e-8;
    let lat = p.lat.to_radians();
    let (lat_lo, lat_hi) = (lat - angle, lat + angle);
    if lat_lo <= -1.5 || lat_hi >= 1.5 || angle >= 0.5 {
        return None; // near a pole, or far too wide
    }
    // Longitude half-width of the circle (exact formula, then slack).
    let dlon = (angle.sin() / lat.cos()).min(1.0).asin() * (1.0 + 1e-6) + 1e-8;
    let (lon_lo, lon_hi) = ((p.lon.to_radians() - dlon), (p.lon.to_radians() + dlon));
    let pi = std::f64::consts::PI;
    if lon_lo <= -pi || lon_hi >= pi {
        return None; // across the antimeridian
    }
    let cells = |lo: f64, hi: f64, size: f64| {
        (
            (lo.to_degrees() / size).floor() as i32,
            (hi.to_degrees() / size).floor() as i32,
        )
    };
    let (a, b) = cells(lat_lo, lat_hi, CELL_LAT_DEG);
    let (c, d) = cells(lon_lo, lon_hi, CELL_LON_DEG);
    let count = (i64::from(b - a) + 1) * (i64::from(d - c) + 1);
    (count <= MAX_CELLS_PER_OFFER).then_some((a, b, c, d))
}

/// A single-precision copy of one slot's reach, so that a query rejects most of a cell's
/// slots with a small, cache-friendly read (see [`Coarse::may_reach`]) before the exact
/// double-precision test. Kept once per slot, not per cell entry: a cell entry is just the
/// slot (4 bytes), which keeps the grid of 100,000 offers at about 20 MB where 20-byte entries
/// took 90.
#[derive(Debug, Clone, Copy, Default)]
pub struct Coarse {
    unit: [f32; 3],
    /// Rounded up so that [`Coarse::may_reach`] never rejects what the exact test accepts.
    reach2: f32,
}

impl Coarse {
    fn of(reach: &Reach) -> Self {
        // Single precision moves the chord by at most about 8e-7 (rounded unit vectors, f32
        // arithmetic; chords are at most 2): widen the reach by 1e-6 and the square by 1e-5
        // (for the cast), so the cheap test stays conservative. 1e-6 of a chord is 6 m.
        let threshold = if reach.reach2.is_finite() {
            ((reach.reach2.sqrt() + 1e-6).powi(2) * (1.0 + 1e-5)) as f32
        } else {
            f32::INFINITY
        };
        Coarse {
            unit: reach.unit.map(|v| v as f32),
            reach2: threshold,
        }
    }

    /// False only when the offer's reach certainly misses `point` (a unit vector in single
    /// precision); the exact double-precision test decides the rest.
    #[inline]
    pub fn may_reach(&self, point: &[f32; 3]) -> bool {
        let d = [
            self.unit[0] - point[0],
            self.unit[1] - point[1],
            self.unit[2] - point[2],
        ];
        d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= self.reach2
    }
}

/// Per category, the cells and the wide list; slots refer to the index's offers.
#[derive(Debug, Clone, Default)]
pub struct ReachGrid {
    /// Per category: cell → range in `slots`.
    cells: Vec<HashMap<(i32, i32), (u32, u32)>>,
    /// The cells' slots, cell after cell, each cell's in slot order.
    slots: Vec<u32>,
    /// Per slot: the single-precision reach.
    coarse: Vec<Coarse>,
    /// Per category: the wide offers.
    wide: Vec<Vec<u32>>,
}

impl ReachGrid {
    /// Builds the grid over `offers` (slot = position) with their reach (same positions).
    ///
    /// Two passes over the offers, counting and then filling, so the build holds nothing but
    /// the finished grid (a sorted list of (cell, slot) pairs took four times its size).
    pub fn build(offers: &[OfferProfile], reach: &[Reach]) -> Self {
        let cats = usize::from(CategorySet::CAPACITY);
        let mut wide = vec![Vec::new(); cats];
        let mut cells: Vec<HashMap<(i32, i32), (u32, u32)>> = vec![HashMap::new(); cats];
        let boxes: Vec<Option<(i32, i32, i32, i32)>> = offers
            .iter()
            .map(|o| cell_box(o.location, o.radius_km))
            .collect();
        // Pass 1: entries per cell.
        let mut total: usize = 0;
        for (slot, (offer, cell_range)) in offers.iter().zip(&boxes).enumerate() {
            match *cell_range {
                Some((a, b, c, d)) => {
                    for cat in offer.categories.indexes() {
                        let map = &mut cells[usize::from(cat)];
                        for i in a..=b {
                            for j in c..=d {
                                map.entry((i, j)).or_insert((0, 0)).1 += 1;
                                total += 1;
                            }
                        }
                    }
                }
                None => {
                    for cat in offer.categories.indexes() {
                        wide[usize::from(cat)].push(slot as u32);
                    }
                }
            }
        }
        // Ranges: (start, count) becomes (start, start), the second moving up to the end as
        // pass 2 fills the cell.
        let mut next: u32 = 0;
        for map in &mut cells {
            let mut keys: Vec<(i32, i32)> = map.keys().copied().collect();
            keys.sort_unstable();
            for key in keys {
                if let Some(range) = map.get_mut(&key) {
                    let count = range.1;
                    *range = (next, next);
                    next += count;
                }
            }
        }
        // Pass 2: fill, in slot order.
        let mut slots = vec![0u32; total];
        for (slot, (offer, cell_range)) in offers.iter().zip(&boxes).enumerate() {
            let Some((a, b, c, d)) = *cell_range else {
                continue;
            };
            for cat in offer.categories.indexes() {
                let map = &mut cells[usize::from(cat)];
                for i in a..=b {
                    for j in c..=d {
                        if let Some(range) = map.get_mut(&(i, j)) {
                            slots[range.1 as usize] = slot as u32;
                            range.1 += 1;
                        }
                    }
                }
            }
        }
        for map in &mut cells {
            map.shrink_to_fit();
        }
        ReachGrid {
            cells,
            slots,
            coarse: reach.iter().map(Coarse::of).collect(),
            wide,
        }
    }

    /// The slots of category `cat` whose reach box may contain `point`: the cell's entries
    /// whose reach may contain it (see [`Entry::may_reach`]) and the wide list (every slot of
    /// the category when the point is not valid).
    pub fn visit(&self, cat: u8, point: GeoPoint, mut f: impl FnMut(u32)) {
        let cat = usize::from(cat);
        let (Some(cells), Some(wide)) = (self.cells.get(cat), self.wide.get(cat)) else {
            return;
        };
        match cell_of(point) {
            Some(cell) => {
                if let Some(&(s, e)) = cells.get(&cell) {
                    let unit = unit_vector(point).map(|v| v as f32);
                    self.slots[s as usize..e as usize]
                        .iter()
                        .filter(|&&slot| {
                            self.coarse
                                .get(slot as usize)
                                .map_or(true, |c| c.may_reach(&unit))
                        })
                        .for_each(|&slot| f(slot));
                }
            }
            None => {
                // Not a valid coordinate: fall back to every slot of the category, each once.
                let mut all: Vec<u32> = cells
                    .values()
                    .flat_map(|&(s, e)| self.slots[s as usize..e as usize].iter().copied())
                    .collect();
                all.sort_unstable();
                all.dedup();
                all.into_iter().for_each(&mut f);
            }
        }
        wide.iter().for_each(|&x| f(x));
    }
}
