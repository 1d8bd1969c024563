//! The demand count of the offer index (issue 5): for every offer, the recent requests it
//! could have served.

use super::*;

impl LiveOffers {
    /// Counts the demand of the last [`engine::DEMAND_WINDOW_DAYS`] days (issue 5): for
    /// every offer, the recent requests it could have served, whatever became of them.
    /// Ranking then prefers, among the volunteers who can help, the one fewer others need.
    pub fn count_demand(
        &self,
        conn: &mut DbConnection,
        now: NaiveDateTime,
        ctx: &MatchContext,
    ) -> Result<(), AppError> {
        self.load_once(conn)?;
        let since = now - Duration::days(i64::from(engine::DEMAND_WINDOW_DAYS));
        // Every indexed offer starts at zero, so one that nobody could use counts as known.
        let mut demand = {
            let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
            let Some(book) = guard.as_ref() else {
                return Ok(());
            };
            engine::Demand::from_counts(book.index.offers().iter().map(|o| (o.id, 0)))
        };
        // Requests a page at a time, counted against the live index itself (capacity aside:
        // demand is about who could help), a few hundred per read lock so that writers
        // noting a new load never wait long. Nothing is copied but one page of rows. Past
        // DEMAND_SAMPLE requests, every stride-th one is counted for stride.
        let total = crate::db::help_requests::count_recent_requests(conn, since)?;
        let stride = sample_stride(u64::try_from(total).unwrap_or(0));
        let mut position: u64 = 0;
        let mut after: Option<(NaiveDateTime, HelpRequestId)> = None;
        loop {
            let rows =
                crate::db::help_requests::recent_requests(conn, since, after.as_ref(), LOAD_PAGE)?;
            let Some(last) = rows.last() else {
                break;
            };
            after = Some((last.created_at, last.id.clone()));
            for chunk in rows.chunks(DEMAND_CHUNK) {
                let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
                let Some(book) = guard.as_ref() else {
                    return Ok(());
                };
                for row in chunk {
                    position += 1;
                    if (position - 1) % u64::from(stride) != 0 {
                        continue;
                    }
                    let mut profile = request_profile(row, &mut EngineIds::default(), &[], &[]);
                    profile.requester = row
                        .requester_id
                        .as_ref()
                        .and_then(|r| book.volunteers.get(&key(r)).copied())
                        .unwrap_or(NOT_A_VOLUNTEER);
                    book.index
                        .demand_candidates(&profile, ctx, |offer| demand.add(offer, stride));
                }
            }
        }
        self.with_book(|book| {
            book.demand = demand;
            book.demand_counted = Some(Instant::now());
        });
        Ok(())
    }

    /// Whether demand was counted at most `every` ago (false if never).
    pub fn demand_fresh(&self, every: StdDuration) -> bool {
        self.book
            .read()
            .map(|b| {
                b.as_ref()
                    .and_then(|b| b.demand_counted)
                    .is_some_and(|at| at.elapsed() < every)
            })
            .unwrap_or(false)
    }

    /// Whether ranking uses demand (it was counted for the current index).
    pub fn has_demand(&self) -> bool {
        self.book
            .read()
            .map(|b| b.as_ref().is_some_and(|b| b.demand_counted.is_some()))
            .unwrap_or(false)
    }

    /// The recent requests this offer could have served, as last counted (0 if unknown).
    pub fn recent_requests(&self, offer_id: &str) -> u32 {
        let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().map_or(0, |book| {
            book.offer_numbers
                .get(&key(offer_id))
                .map_or(0, |n| book.demand.recent_requests(*n))
        })
    }
}
