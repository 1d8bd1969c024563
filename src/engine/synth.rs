//! Synthetic but realistic requests and offers from a fixed seed, for the benchmarks, the
//! exact-solver oracle, the simulation and the property tests. Not used by the service.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::model::*;

/// A place requests and offers can be at: a PC4 coordinate and its municipality number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// The PC4 coordinate.
    pub location: GeoPoint,
    /// The CBS municipality number.
    pub municipality: u16,
}

/// Parses `pc4,municipality_code,lat,lon` lines (as in `data/nl/postcodes_pc4.csv`);
/// malformed lines and the header are skipped.
pub fn parse_pc4_csv(text: &str) -> Vec<Place> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split(',');
            let _pc4 = f.next()?;
            let municipality = f.next()?.trim().trim_start_matches("GM").parse().ok()?;
            let lat = f.next()?.trim().parse().ok()?;
            let lon = f.next()?.trim().parse().ok()?;
            Some(Place {
                location: GeoPoint { lat, lon },
                municipality,
            })
        })
        .collect()
}

/// The starting taxonomy of docs/ARCHITECTURE.md §1, in order: (code, domains, requires VOG, remote).
pub const TAXONOMY: [(&str, &[Domain], bool, bool); 20] = {
    use Domain::{Jeugdwet as J, Participatiewet as P, Wmo as W};
    [
        ("boodschappen", &[W], false, false),
        ("huishouden", &[W], false, false),
        ("klussen", &[W], false, false),
        ("tuin", &[W], false, false),
        ("vervoer", &[W, P], false, false),
        ("gezelschap", &[W], false, false),
        ("telefoonmaatje", &[W], false, true),
        ("maaltijden", &[W], false, false),
        ("mantelzorgondersteuning", &[W, J], false, false),
        ("administratie", &[W, P], false, true),
        ("digitale-hulp", &[W, P], false, true),
        ("huisdieren", &[W], false, false),
        ("huiswerkbegeleiding", &[J], true, true),
        ("maatje-jongere", &[J], true, false),
        ("gezinsondersteuning", &[J], true, false),
        ("oppas", &[J], true, false),
        ("taalcoaching", &[P], false, true),
        ("sollicitatiehulp", &[P], false, true),
        ("werkfit-coaching", &[P], false, false),
        ("budgetcoaching", &[P, W], false, true),
    ]
};

/// The [`CategoryRule`] of taxonomy entry `index` (modulo the taxonomy's size).
pub fn category_rule(index: u8) -> CategoryRule {
    let i = usize::from(index) % TAXONOMY.len();
    let (_, domains, requires_vog, remote_possible) = TAXONOMY[i];
    CategoryRule {
        index: i as u8,
        domains: DomainSet::of(domains),
        requires_vog,
        remote_possible,
    }
}

/// A seeded generator of requests and offers on a set of places.
#[derive(Debug, Clone)]
pub struct Synth {
    rng: StdRng,
    places: Vec<Place>,
    /// The day the generated data is valid on.
    pub today: NaiveDate,
    /// Offer radius range in km.
    pub radius_km: (f64, f64),
    /// Largest offer capacity (capacities are 1..=this).
    pub max_capacity: u32,
    /// Whether offers start with some load already.
    pub with_load: bool,
    /// Share of requests that set a maximum distance.
    pub max_distance_share: f64,
}

impl Synth {
    /// A generator on `places` (random points in the Netherlands when empty).
    pub fn new(seed: u64, places: Vec<Place>, today: NaiveDate) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let places = if places.is_empty() {
            (0..400)
                .map(|i| Place {
                    location: GeoPoint {
                        lat: rng.gen_range(50.8..53.4),
                        lon: rng.gen_range(3.4..7.2),
                    },
                    municipality: (i % 40) as u16,
                })
                .collect()
        } else {
            places
        };
        Synth {
            rng,
            places,
            today,
            radius_km: (2.0, 15.0),
            max_capacity: 3,
            with_load: true,
            max_distance_share: 0.3,
        }
    }

    /// The generator's random source, for callers that draw more themselves.
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    fn place(&mut self) -> Place {
        self.places[self.rng.gen_range(0..self.places.len())]
    }

    /// A category index, groceries-like everyday help being the most common.
    fn category_index(&mut self) -> u8 {
        if self.rng.gen_bool(0.5) {
            self.rng.gen_range(0..8)
        } else {
            self.rng.gen_range(0..TAXONOMY.len() as u8)
        }
    }

    /// Weekly slots: any time, or 1–`max_slots` daytime blocks of 2–4 hours.
    fn week(&mut self, any_share: f64, max_slots: usize) -> WeeklySlots {
        if self.rng.gen_bool(any_share) {
            return WeeklySlots::any_time();
        }
        let n = self.rng.gen_range(1..=max_slots);
        let slots = (0..n)
            .map(|_| {
                let day: u16 = self.rng.gen_range(0..7);
                let start = self.rng.gen_range(8..18) * 60;
                let len = self.rng.gen_range(2..=4) * 60;
                (day * 1440 + start, day * 1440 + (start + len).min(1440))
            })
            .collect();
        WeeklySlots::from_intervals(slots)
    }

    fn window(&mut self, share: f64) -> DateWindow {
        if !self.rng.gen_bool(share) {
            return DateWindow::ANY;
        }
        let from = self.today + Duration::days(self.rng.gen_range(-60..30));
        let until = from + Duration::days(self.rng.gen_range(14..180));
        DateWindow {
            from: Some(from),
            until: Some(until),
        }
    }

    /// A volunteer offer with id and volunteer `id`.
    pub fn offer(&mut self, id: u64) -> OfferProfile {
        let place = self.place();
        let n_cats = self.rng.gen_range(1..=4);
        let cats: Vec<u8> = (0..n_cats).map(|_| self.category_index()).collect();
        let capacity = self.rng.gen_range(1..=self.max_capacity.max(1));
        let load = if self.with_load && self.rng.gen_bool(0.3) {
            self.rng.gen_range(0..=capacity)
        } else {
            0
        };
        let vog_issued = if self.rng.gen_bool(0.4) {
            Some(self.today - Duration::days(self.rng.gen_range(0..5 * 365)))
        } else {
            None
        };
        OfferProfile {
            id,
            volunteer: id,
            categories: CategorySet::of(&cats),
            location: place.location,
            municipality: place.municipality,
            radius_km: self.rng.gen_range(self.radius_km.0..=self.radius_km.1),
            remote_ok: self.rng.gen_bool(0.2),
            active: self.rng.gen_bool(0.95),
            week: self.week(0.3, 4),
            dates: self.window(0.15),
            capacity,
            load,
            vog_issued,
        }
    }

    /// A help request with id `id` from resident `1_000_000_000 + id`.
    pub fn request(&mut self, id: u64) -> RequestProfile {
        let place = self.place();
        let category = category_rule(self.category_index());
        let domains: Vec<Domain> = [Domain::Wmo, Domain::Jeugdwet, Domain::Participatiewet]
            .into_iter()
            .filter(|&d| category.domains.contains(d))
            .collect();
        let domain = domains[self.rng.gen_range(0..domains.len().max(1))];
        let involves_minor = domain == Domain::Jeugdwet && self.rng.gen_bool(0.6);
        let max_distance_km = if self.rng.gen_bool(self.max_distance_share) {
            Some(self.rng.gen_range(3.0..20.0))
        } else {
            None
        };
        RequestProfile {
            id,
            requester: 1_000_000_000 + id,
            category,
            domain,
            location: place.location,
            municipality: place.municipality,
            max_distance_km,
            remote_ok: self.rng.gen_bool(0.5),
            involves_minor,
            week: self.week(0.4, 3),
            dates: self.window(0.2),
            session_minutes: [30, 60, 60, 90, 120][self.rng.gen_range(0..5)],
            urgency: self.rng.gen_range(0..3),
            waiting_since: self.rng.gen_range(0..1_000_000),
            declined_by: Vec::new(),
            helped_by_before: Vec::new(),
            vog_max_age_months: None,
        }
    }
}
