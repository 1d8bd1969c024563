//! A locality index over offers, so that a request does not scan every offer.
//!
//! Per category a grid of cells holds the offers whose reach may cover each cell (see
//! [`super::grid`]); a query reads one cell, runs a chord test on the compact [`Reach`]
//! array and rejects inactive or full offers on the compact [`BoundFields`] array before the exact
//! hard constraints decide. Remote-capable offers are also kept in lists per category (and
//! per category and municipality), because remote help ignores distance. The result is
//! exactly the set a brute-force scan with [`check`] returns (a property test holds the two
//! together).

use std::collections::HashMap;

use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::constraints::{check, check_regardless_of_load, Capacity, Fit};
use super::grid::{chord2, chord_of, unit_vector, BoundFields, Reach, ReachGrid};
use super::model::{CategorySet, GeoPoint, MatchContext, OfferProfile, RequestProfile};

/// Changed offers held in the pending list before the grid is rebuilt (plus n / 32).
const REBUILD_PENDING: usize = 128;

/// A feasible offer for a request, found through the index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// The offer's position in [`OfferIndex::offers`].
    pub slot: usize,
    /// What the hard-constraint check measured.
    pub fit: Fit,
}

/// Which remote-capable offers to visit (see [`OfferIndex::remote_candidates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemotePart {
    /// Offers in the request's municipality or of a volunteer who helped before (their score
    /// has parts that [`crate::engine::score::remote_plain_upper_bound`] leaves out).
    Preferred,
    /// All other remote-capable offers of the category.
    Rest,
}

/// The candidate index over a set of offers.
#[derive(Debug, Clone)]
pub struct OfferIndex {
    offers: Vec<OfferProfile>,
    slot_by_id: HashMap<u64, usize>,
    grid: ReachGrid,
    /// Per slot: unit-sphere point and squared reach chord, as of the last rebuild.
    reach: Vec<Reach>,
    /// Per slot: the fields the cheap rejection and the ranking bound read.
    bound_fields: Vec<BoundFields>,
    remote: Vec<Vec<u32>>,
    /// Per category, the remote-capable offers as points, for nearest-first visits.
    remote_points: Vec<RTree<GeomWithData<[f64; 3], u32>>>,
    remote_local: HashMap<(u8, u16), Vec<u32>>,
    by_volunteer: HashMap<u64, Vec<u32>>,
    /// Offers changed since the last rebuild: their grid and list entries are stale.
    dirty: Vec<bool>,
    pending: Vec<u32>,
}

/// The Morton (Z-order) code of a coordinate on a 2^16 × 2^16 grid.
fn z_order(p: GeoPoint) -> u32 {
    let quantise = |v: f64, lo: f64, span: f64| {
        let x = ((v - lo) / span).clamp(0.0, 1.0);
        if x.is_nan() {
            0
        } else {
            (x * 65535.0) as u32
        }
    };
    let spread = |mut v: u32| {
        v &= 0xffff;
        v = (v | (v << 8)) & 0x00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    };
    spread(quantise(p.lat, -90.0, 180.0)) | (spread(quantise(p.lon, -180.0, 360.0)) << 1)
}

impl OfferIndex {
    /// Builds the index over `offers` (bulk-loaded trees). Later offers with a duplicate id
    /// replace earlier ones. Offers are stored in Z-order of their location, so that the
    /// offers one query touches lie close together in memory (slots are internal).
    pub fn new(mut offers: Vec<OfferProfile>) -> Self {
        // A stable sort keeps "later duplicates replace earlier ones" within one place.
        offers.sort_by_cached_key(|o| z_order(o.location));
        let mut index = OfferIndex {
            offers: Vec::with_capacity(offers.len()),
            slot_by_id: HashMap::with_capacity(offers.len()),
            grid: ReachGrid::default(),
            reach: Vec::new(),
            bound_fields: Vec::new(),
            remote: Vec::new(),
            remote_points: Vec::new(),
            remote_local: HashMap::new(),
            by_volunteer: HashMap::new(),
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

    /// Rebuilds the grid, the compact arrays and the lists; empties the pending list.
    fn rebuild(&mut self) {
        let cats = usize::from(CategorySet::CAPACITY);
        self.remote = vec![Vec::new(); cats];
        self.remote_local.clear();
        self.by_volunteer.clear();
        self.reach = self.offers.iter().map(reach_of).collect();
        self.grid = ReachGrid::build(&self.offers, &self.reach);
        self.bound_fields = self.offers.iter().map(BoundFields::of).collect();
        for (slot, offer) in self.offers.iter().enumerate() {
            let s = slot as u32;
            self.by_volunteer
                .entry(offer.volunteer)
                .or_default()
                .push(s);
            if offer.remote_ok {
                for cat in offer.categories.indexes() {
                    self.remote[usize::from(cat)].push(s);
                    let key = (cat, offer.municipality);
                    self.remote_local.entry(key).or_default().push(s);
                }
            }
        }
        self.remote_points = self
            .remote
            .iter()
            .map(|list| {
                let points = list
                    .iter()
                    .map(|&s| GeomWithData::new(self.reach[s as usize].unit, s));
                RTree::bulk_load(points.collect())
            })
            .collect();
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
                self.bound_fields[slot].load = load;
                true
            }
            None => false,
        }
    }

    /// Adds an offer, or replaces the offer with the same id (for a changed location,
    /// radius, categories, …). Changed offers are scanned from a short pending list until
    /// the next rebuild (the grid is built in one go; rstar 0.12 can also panic when
    /// inserting into a bulk-loaded tree, georust/rstar PR #239).
    pub fn upsert(&mut self, offer: OfferProfile) {
        let slot = match self.slot_by_id.get(&offer.id) {
            Some(&slot) => {
                self.bound_fields[slot] = BoundFields::of(&offer);
                self.offers[slot] = offer;
                slot
            }
            None => {
                let slot = self.offers.len();
                self.slot_by_id.insert(offer.id, slot);
                self.bound_fields.push(BoundFields::of(&offer));
                self.reach.push(reach_of(&offer));
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
        let mut out = Vec::new();
        self.local_candidates(request, ctx, &mut out);
        self.remote_candidates(request, ctx, RemotePart::Preferred, &mut out);
        self.remote_candidates(request, ctx, RemotePart::Rest, &mut out);
        out.sort_unstable_by_key(|c| c.slot);
        out
    }

    /// Whether `request` may take remote help (its category allows it and it accepts it).
    pub fn remote_mode(request: &RequestProfile) -> bool {
        request.category.remote_possible && request.remote_ok
    }

    /// Feasible offers within reach, plus every feasible changed offer; in remote mode
    /// without the remote-capable ones of the grid (see [`Self::remote_candidates`]).
    pub fn local_candidates(
        &self,
        request: &RequestProfile,
        ctx: &MatchContext,
        out: &mut Vec<Candidate>,
    ) {
        self.visit_local(request, |slot, _| {
            if let Ok(fit) = check(request, &self.offers[slot], ctx) {
                out.push(Candidate { slot, fit });
            }
        });
        self.pending_candidates(request, ctx, out);
    }

    /// Calls `f(slot, squared chord)` for every unchanged offer of the request's category
    /// whose radius (and the request's maximum distance) may reach the request, that is
    /// active and has capacity left; in remote mode without the remote-capable ones.
    /// Every offer of the grid that [`check`] accepts is visited (changed offers are not:
    /// see [`Self::pending_candidates`]).
    pub fn visit_local(&self, request: &RequestProfile, f: impl FnMut(usize, f64)) {
        self.visit_local_with(request, Capacity::Counts, f);
    }

    /// The offers that could serve `request` if they had room (every hard constraint but
    /// capacity, as [`check_regardless_of_load`]): `f` gets each one's key, once. What
    /// demand (issue 5) counts, read off this index rather than a copy of it without loads.
    pub fn demand_candidates(
        &self,
        request: &RequestProfile,
        ctx: &MatchContext,
        mut f: impl FnMut(u64),
    ) {
        self.visit_local_with(request, Capacity::Ignored, |slot, _| {
            if check_regardless_of_load(request, &self.offers[slot], ctx).is_ok() {
                f(self.offers[slot].id);
            }
        });
        let remote = self
            .remote_slots(request, RemotePart::Preferred)
            .chain(self.remote_slots(request, RemotePart::Rest));
        for slot in remote.chain(self.pending.iter().map(|&s| s as usize)) {
            if check_regardless_of_load(request, &self.offers[slot], ctx).is_ok() {
                f(self.offers[slot].id);
            }
        }
    }

    fn visit_local_with(
        &self,
        request: &RequestProfile,
        capacity: Capacity,
        mut f: impl FnMut(usize, f64),
    ) {
        let cat = request.category.index;
        if cat >= CategorySet::CAPACITY || !request.category.domains.contains(request.domain) {
            return; // constraint 1 fails for every offer
        }
        let remote_mode = Self::remote_mode(request);
        let point = unit_vector(request.location);
        let max_chord2 = request
            .max_distance_km
            .map_or(f64::INFINITY, |m| chord_of(m).powi(2));
        self.grid.visit(cat, request.location, |s| {
            let slot = s as usize;
            // Cheap conservative distance test before the exact haversine check.
            let c2 = chord2(&self.reach[slot].unit, &point);
            if c2 > self.reach[slot].reach2 || c2 > max_chord2 {
                return;
            }
            let hot = &self.bound_fields[slot];
            let shut = match capacity {
                Capacity::Counts => hot.closed(),
                Capacity::Ignored => !hot.active,
            };
            if shut || (remote_mode && hot.remote_ok) || self.dirty[slot] {
                return;
            }
            f(slot, c2);
        });
    }

    /// The feasible changed offers (scanned, not indexed, until the next rebuild).
    pub fn pending_candidates(
        &self,
        request: &RequestProfile,
        ctx: &MatchContext,
        out: &mut Vec<Candidate>,
    ) {
        for &slot in &self.pending {
            if let Ok(fit) = check(request, &self.offers[slot as usize], ctx) {
                out.push(Candidate {
                    slot: slot as usize,
                    fit,
                });
            }
        }
    }

    /// The compact per-slot fields (current load included).
    pub fn bound_fields(&self) -> &[BoundFields] {
        &self.bound_fields
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

/// The compact reach of an offer.
fn reach_of(offer: &OfferProfile) -> Reach {
    let chord = chord_of(offer.radius_km);
    Reach {
        unit: unit_vector(offer.location),
        reach2: chord * chord,
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

#[path = "index_remote.rs"]
mod remote;

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
