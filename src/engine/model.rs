//! The engine's own plain input types. The service layer builds them from database rows;
//! they deliberately know nothing of diesel, HTTP or the crate's other modules.

use chrono::NaiveDate;

/// Minutes in one week; weekly availability is expressed in minutes from Monday 00:00.
pub const MINUTES_PER_WEEK: u16 = 7 * 24 * 60;

/// One of the three law domains of docs/ARCHITECTURE.md §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// Wmo 2015: support at home.
    Wmo,
    /// Jeugdwet: youth and families.
    Jeugdwet,
    /// Participatiewet: work, income, taking part.
    Participatiewet,
}

impl Domain {
    /// The bit of this domain inside a [`DomainSet`].
    pub const fn bit(self) -> u8 {
        match self {
            Domain::Wmo => 1,
            Domain::Jeugdwet => 2,
            Domain::Participatiewet => 4,
        }
    }
}

/// A small set of domains (a bitmask), the domains a category belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DomainSet(pub u8);

impl DomainSet {
    /// The set holding exactly the given domains.
    pub fn of(domains: &[Domain]) -> Self {
        DomainSet(domains.iter().fold(0, |acc, d| acc | d.bit()))
    }

    /// Whether `domain` is in the set.
    pub const fn contains(self, domain: Domain) -> bool {
        self.0 & domain.bit() != 0
    }
}

/// A set of category indexes (0..64) as a bitmask: the categories an offer covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CategorySet(pub u64);

impl CategorySet {
    /// The largest number of categories a set can hold.
    pub const CAPACITY: u8 = 64;

    /// The set holding exactly the given category indexes (indexes >= 64 are ignored).
    pub fn of(indexes: &[u8]) -> Self {
        CategorySet(
            indexes
                .iter()
                .filter(|&&i| i < Self::CAPACITY)
                .fold(0, |acc, &i| acc | (1u64 << i)),
        )
    }

    /// Whether the category with this index is in the set.
    pub const fn contains(self, index: u8) -> bool {
        index < Self::CAPACITY && self.0 & (1u64 << index) != 0
    }

    /// The indexes in the set, ascending.
    pub fn indexes(self) -> impl Iterator<Item = u8> {
        (0..Self::CAPACITY).filter(move |&i| self.contains(i))
    }
}

/// What the engine needs to know of a taxonomy category (docs/ARCHITECTURE.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CategoryRule {
    /// The category's position in the versioned taxonomy (0..64), used in [`CategorySet`].
    pub index: u8,
    /// The domains the category belongs to.
    pub domains: DomainSet,
    /// Whether only a volunteer with a valid VOG may help.
    pub requires_vog: bool,
    /// Whether the help needs no proximity (a telephone buddy, online coaching).
    pub remote_possible: bool,
}

/// A coordinate in decimal degrees (WGS84), usually the PC4 centroid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

/// An inclusive date window; `None` on a side means open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateWindow {
    /// First day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive).
    pub until: Option<NaiveDate>,
}

impl DateWindow {
    /// A window without bounds.
    pub const ANY: DateWindow = DateWindow {
        from: None,
        until: None,
    };

    /// Whether `day` lies inside the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from.map_or(true, |f| f <= day) && self.until.map_or(true, |u| day <= u)
    }
}

/// Weekly availability as sorted, merged, half-open minute intervals `[start, end)` from
/// Monday 00:00 local time. An empty list means "any time" (docs/ARCHITECTURE.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklySlots {
    intervals: Vec<(u16, u16)>,
}

impl WeeklySlots {
    /// Availability at any time of the week.
    pub const fn any_time() -> Self {
        WeeklySlots {
            intervals: Vec::new(),
        }
    }

    /// Normalises raw intervals: clamps them to the week, drops empty ones, sorts them and
    /// merges overlapping or touching ones (so 09:00–12:00 plus 12:00–14:00 is one slot).
    pub fn from_intervals(mut raw: Vec<(u16, u16)>) -> Self {
        for iv in raw.iter_mut() {
            iv.0 = iv.0.min(MINUTES_PER_WEEK);
            iv.1 = iv.1.min(MINUTES_PER_WEEK);
        }
        raw.retain(|&(s, e)| s < e);
        raw.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(raw.len());
        for (s, e) in raw {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        WeeklySlots { intervals: merged }
    }

    /// The normalised intervals; empty means any time.
    pub fn intervals(&self) -> &[(u16, u16)] {
        &self.intervals
    }

    /// Whether this is "any time".
    pub fn is_any_time(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Total minutes per week (a full week for "any time").
    pub fn total_minutes(&self) -> u32 {
        if self.is_any_time() {
            return u32::from(MINUTES_PER_WEEK);
        }
        self.intervals.iter().map(|&(s, e)| u32::from(e - s)).sum()
    }
}

/// A help request as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestProfile {
    /// The request's key (the service maps its UUID to this).
    pub id: u64,
    /// The requesting resident's key.
    pub requester: u64,
    /// The request's category.
    pub category: CategoryRule,
    /// The request's law domain.
    pub domain: Domain,
    /// The PC4 coordinate of the request.
    pub location: GeoPoint,
    /// The CBS municipality number of the PC4 (363 for GM0363).
    pub municipality: u16,
    /// The resident's maximum distance in km, if any.
    pub max_distance_km: Option<f64>,
    /// Whether the resident accepts remote help.
    pub remote_ok: bool,
    /// Whether a minor is involved (safeguarding, docs/ARCHITECTURE.md §5).
    pub involves_minor: bool,
    /// When the resident can be helped.
    pub week: WeeklySlots,
    /// The period in which help is wanted.
    pub dates: DateWindow,
    /// Length of one visit in minutes (default 60).
    pub session_minutes: u16,
    /// 0 low, 1 normal, 2 high.
    pub urgency: u8,
    /// Unix seconds since when the request waits for help.
    pub waiting_since: i64,
    /// Volunteers that declined this request before (never proposed again).
    pub declined_by: Vec<u64>,
    /// Volunteers that helped this resident before (continuity).
    pub helped_by_before: Vec<u64>,
    /// The longest a VOG may be old for this request, in months: its municipality's policy;
    /// `None` uses the context's default.
    pub vog_max_age_months: Option<u32>,
}

/// A volunteer offer as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferProfile {
    /// The offer's key.
    pub id: u64,
    /// The volunteer's key (the same key space as [`RequestProfile::requester`]).
    pub volunteer: u64,
    /// The categories the offer covers.
    pub categories: CategorySet,
    /// The PC4 coordinate of the offer.
    pub location: GeoPoint,
    /// The CBS municipality number of the PC4.
    pub municipality: u16,
    /// How far the volunteer travels, in km.
    pub radius_km: f64,
    /// Whether the volunteer helps remotely.
    pub remote_ok: bool,
    /// False when paused or withdrawn.
    pub active: bool,
    /// When the volunteer is available.
    pub week: WeeklySlots,
    /// The period the offer runs.
    pub dates: DateWindow,
    /// How many requests the volunteer takes on at once.
    pub capacity: u32,
    /// Active proposals plus accepted matches.
    pub load: u32,
    /// The issue date of the volunteer's VOG as recorded by a case worker.
    pub vog_issued: Option<NaiveDate>,
}

/// Settings that hold for one matching run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchContext {
    /// The day the run happens (Europe/Amsterdam).
    pub today: NaiveDate,
    /// The municipality's VOG policy: the maximum age of a VOG in months (default 36).
    pub vog_max_age_months: u32,
}

impl MatchContext {
    /// The default VOG policy of docs/ARCHITECTURE.md §5.
    pub const DEFAULT_VOG_MAX_AGE_MONTHS: u32 = 36;

    /// A context for `today` with the default VOG policy.
    pub fn new(today: NaiveDate) -> Self {
        MatchContext {
            today,
            vog_max_age_months: Self::DEFAULT_VOG_MAX_AGE_MONTHS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_clamped_sorted_and_merged() {
        let w =
            WeeklySlots::from_intervals(vec![(720, 840), (540, 720), (100, 100), (10_000, 20_000)]);
        assert_eq!(w.intervals(), &[(540, 840), (10_000, MINUTES_PER_WEEK)]);
        assert_eq!(w.total_minutes(), 300 + 80);
        assert_eq!(WeeklySlots::any_time().total_minutes(), 10_080);
    }

    #[test]
    fn sets_and_windows() {
        let d = DomainSet::of(&[Domain::Wmo, Domain::Participatiewet]);
        assert!(d.contains(Domain::Wmo) && !d.contains(Domain::Jeugdwet));
        let c = CategorySet::of(&[0, 5, 63, 64]);
        assert_eq!(c.indexes().collect::<Vec<_>>(), vec![0, 5, 63]);
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default();
        let w = DateWindow {
            from: Some(day(2)),
            until: Some(day(4)),
        };
        assert!(
            !w.contains(day(1)) && w.contains(day(2)) && w.contains(day(4)) && !w.contains(day(5))
        );
        assert!(DateWindow::ANY.contains(day(1)));
    }
}
