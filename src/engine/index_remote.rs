//! The remote-capable offers of the index: kept per category and municipality, because
//! remote help ignores distance.

use super::*;

impl OfferIndex {
    /// Feasible remote-capable offers of the request's category (none outside remote mode);
    /// changed offers come from [`Self::local_candidates`] instead.
    pub fn remote_candidates(
        &self,
        request: &RequestProfile,
        ctx: &MatchContext,
        part: RemotePart,
        out: &mut Vec<Candidate>,
    ) {
        for slot in self.remote_slots(request, part) {
            if let Ok(fit) = check(request, &self.offers[slot], ctx) {
                out.push(Candidate { slot, fit });
            }
        }
    }

    /// The slots of the unchanged remote-capable offers of the request's category in `part`,
    /// before any constraint check (none outside remote mode).
    pub fn remote_slots<'a>(
        &'a self,
        request: &'a RequestProfile,
        part: RemotePart,
    ) -> impl Iterator<Item = usize> + 'a {
        let cat = request.category.index;
        let active = Self::remote_mode(request) && cat < CategorySet::CAPACITY;
        let muni = request.municipality;
        let helped = &request.helped_by_before;
        let (local, by_helped, rest): (&[u32], &[u64], &[u32]) = match (active, part) {
            (false, _) => (&[], &[], &[]),
            (true, RemotePart::Preferred) => (
                self.remote_local
                    .get(&(cat, muni))
                    .map_or(&[][..], Vec::as_slice),
                helped.as_slice(),
                &[],
            ),
            (true, RemotePart::Rest) => (&[], &[], self.remote[usize::from(cat)].as_slice()),
        };
        let helped_slots = by_helped
            .iter()
            .enumerate()
            .filter(move |(i, v)| !helped[..*i].contains(v))
            .flat_map(move |(_, v)| self.by_volunteer.get(v).map_or(&[][..], Vec::as_slice))
            .copied()
            .filter(move |&s| {
                let o = &self.offers[s as usize];
                o.remote_ok && o.municipality != muni && o.categories.contains(cat)
            });
        let rest = rest.iter().copied().filter(move |&s| {
            let o = &self.bound_fields[s as usize];
            o.municipality != muni && !helped.contains(&o.volunteer)
        });
        local
            .iter()
            .copied()
            .chain(helped_slots)
            .chain(rest)
            .map(|s| s as usize)
            .filter(move |&s| !self.dirty[s])
    }

    /// The [`RemotePart::Rest`] slots nearest first (before any constraint check).
    pub fn remote_rest_nearest_first<'a>(
        &'a self,
        request: &'a RequestProfile,
    ) -> impl Iterator<Item = usize> + 'a {
        let cat = usize::from(request.category.index);
        let tree = self
            .remote_points
            .get(cat)
            .filter(|_| Self::remote_mode(request));
        let muni = request.municipality;
        tree.into_iter()
            .flat_map(move |t| t.nearest_neighbor_iter(&unit_vector(request.location)))
            .map(|e| e.data as usize)
            .filter(move |&s| {
                let o = &self.offers[s];
                !self.dirty[s]
                    && o.municipality != muni
                    && !request.helped_by_before.contains(&o.volunteer)
            })
    }
}
