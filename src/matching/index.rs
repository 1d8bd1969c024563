//! A locality index over offers, so that a request does not scan every offer.
//!
//! Per category there is an R*-tree (`rstar`) of the offers' reach: each offer is stored as the
//! axis-aligned box around the sphere cap of its radius, in 3D unit-sphere coordinates. A
//! point query returns the offers whose radius may reach the request; the exact hard
//! constraints then decide. Remote-capable offers are also kept in a plain list per category,
//! because remote help ignores distance. The result is exactly the set a brute-force scan
//! with [`check`] returns (a property test holds the two together).

use std::collections::HashMap;

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use super::constraints::{check, Fit, EARTH_RADIUS_KM};
use super::model::{CategorySet, GeoPoint, MatchContext, OfferProfile, RequestProfile};

/// Slack on the boxes (unit-sphere units, about 6 mm) so rounding never drops an offer
/// that the exact haversine check accepts.
const BOX_SLACK: f64 = 1e-9;

/// Changed offers held in the pending list before the trees are rebuilt (plus n / 32).
const REBUILD_PENDING: usize = 128;

type ReachBox = GeomWithData<Rectangle<[f64; 3]>, u32>;

/// A feasible offer for a request, found through the index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// The offer's position in [`OfferIndex::offers`].
    pub slot: usize,
    /// What the hard-constraint check measured.
    pub fit: Fit,
}

/// The candidate index over a set of offers.
#[derive(Debug, Clone)]
pub struct OfferIndex {
    offers: Vec<OfferProfile>,
    slot_by_id: HashMap<u64, usize>,
    trees: Vec<RTree<ReachBox>>,
    remote: Vec<Vec<u32>>,
    /// Offers changed since the last rebuild: their tree entries are stale.
    dirty: Vec<bool>,
    pending: Vec<u32>,
}

/// The unit-sphere point of a coordinate.
fn unit_vector(p: GeoPoint) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn reach_box(offer: &OfferProfile, slot: u32) -> ReachBox {
    let c = unit_vector(offer.location);
    let angle = (offer.radius_km.max(0.0) / EARTH_RADIUS_KM).min(std::f64::consts::PI);
    // A point within great-circle distance r lies within chord 2 sin(r / 2R) of the centre.
    let chord = if angle.is_nan() {
        0.0
    } else {
        2.0 * (angle / 2.0).sin()
    } + BOX_SLACK;
    let lower = [c[0] - chord, c[1] - chord, c[2] - chord];
    let upper = [c[0] + chord, c[1] + chord, c[2] + chord];
    GeomWithData::new(Rectangle::from_corners(lower, upper), slot)
}

impl OfferIndex {
    /// Builds the index over `offers` (bulk-loaded trees). Later offers with a duplicate id
    /// replace earlier ones.
    pub fn new(offers: Vec<OfferProfile>) -> Self {
        let mut index = OfferIndex {
            offers: Vec::with_capacity(offers.len()),
            slot_by_id: HashMap::with_capacity(offers.len()),
            trees: Vec::new(),
            remote: Vec::new(),
            dirty: Vec::new(),
            pending: Vec::new(),
        };
        for offer in offers {
            if let Some(&slot) = index.slot_by_id.get(&offer.id) {
                index.offers[slot] = offer;
            } else {
                index.slot_by_id.insert(offer.id, index.offers.len());
                index.offers.push(offer);
            }
        }
        index.rebuild();
        index
    }

    /// Rebuilds the trees and remote lists from all offers and empties the pending list.
    fn rebuild(&mut self) {
        let cats = usize::from(CategorySet::CAPACITY);
        let mut boxes: Vec<Vec<ReachBox>> = vec![Vec::new(); cats];
        self.remote = vec![Vec::new(); cats];
        for (slot, offer) in self.offers.iter().enumerate() {
            let slot = slot as u32;
            for cat in offer.categories.indexes() {
                boxes[usize::from(cat)].push(reach_box(offer, slot));
                if offer.remote_ok {
                    self.remote[usize::from(cat)].push(slot);
                }
            }
        }
        self.trees = boxes.into_iter().map(RTree::bulk_load).collect();
        self.dirty = vec![false; self.offers.len()];
        self.pending.clear();
    }

    /// All offers, by slot.
    pub fn offers(&self) -> &[OfferProfile] {
        &self.offers
    }

    /// The slot of the offer with this id.
    pub fn slot_of(&self, offer_id: u64) -> Option<usize> {
        self.slot_by_id.get(&offer_id).copied()
    }

    /// The offer with this id.
    pub fn get(&self, offer_id: u64) -> Option<&OfferProfile> {
        self.slot_of(offer_id).map(|s| &self.offers[s])
    }

    /// Sets an offer's load (active proposals plus accepted matches); false if unknown.
    /// Load changes need no re-indexing.
    pub fn set_load(&mut self, offer_id: u64, load: u32) -> bool {
        match self.slot_by_id.get(&offer_id) {
            Some(&slot) => {
                self.offers[slot].load = load;
                true
            }
            None => false,
        }
    }

    /// Adds an offer, or replaces the offer with the same id (for a changed location,
    /// radius, categories, …). Changed offers are scanned from a short pending list until
    /// the next rebuild, instead of being inserted into the bulk-loaded trees: rstar 0.12
    /// can panic when inserting into a bulk-loaded tree (georust/rstar PR #239).
    pub fn upsert(&mut self, offer: OfferProfile) {
        let slot = match self.slot_by_id.get(&offer.id) {
            Some(&slot) => {
                self.offers[slot] = offer;
                slot
            }
            None => {
                let slot = self.offers.len();
                self.slot_by_id.insert(offer.id, slot);
                self.offers.push(offer);
                self.dirty.push(false);
                slot
            }
        };
        if !self.dirty[slot] {
            self.dirty[slot] = true;
            self.pending.push(slot as u32);
        }
        if self.pending.len() > REBUILD_PENDING + self.offers.len() / 32 {
            self.rebuild();
        }
    }

    /// The offers that satisfy every hard constraint for `request`, in slot order.
    pub fn candidates(&self, request: &RequestProfile, ctx: &MatchContext) -> Vec<Candidate> {
        let cat = request.category.index;
        let mut out = Vec::new();
        if cat >= CategorySet::CAPACITY {
            return out;
        }
        let remote_mode = request.category.remote_possible && request.remote_ok;
        let point = unit_vector(request.location);
        let mut consider = |slot: usize| {
            if let Ok(fit) = check(request, &self.offers[slot], ctx) {
                out.push(Candidate { slot, fit });
            }
        };
        for entry in self.trees[usize::from(cat)].locate_all_at_point(&point) {
            let slot = entry.data as usize;
            // Changed offers come from the pending list; in remote mode, remote-capable
            // offers come from the remote list.
            if self.dirty[slot] || (remote_mode && self.offers[slot].remote_ok) {
                continue;
            }
            consider(slot);
        }
        if remote_mode {
            for &slot in &self.remote[usize::from(cat)] {
                if !self.dirty[slot as usize] {
                    consider(slot as usize);
                }
            }
        }
        for &slot in &self.pending {
            consider(slot as usize);
        }
        out.sort_unstable_by_key(|c| c.slot);
        out
    }

    /// The same set as [`candidates`](Self::candidates), by checking every offer.
    pub fn candidates_brute_force(
        &self,
        request: &RequestProfile,
        ctx: &MatchContext,
    ) -> Vec<Candidate> {
        brute_force_candidates(request, &self.offers, ctx)
    }
}

/// Checks `request` against every offer; the reference the index is tested against.
pub fn brute_force_candidates(
    request: &RequestProfile,
    offers: &[OfferProfile],
    ctx: &MatchContext,
) -> Vec<Candidate> {
    offers
        .iter()
        .enumerate()
        .filter_map(|(slot, offer)| {
            check(request, offer, ctx)
                .ok()
                .map(|fit| Candidate { slot, fit })
        })
        .collect()
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
