//! Loading and looking up the embedded reference data.

use std::collections::HashMap;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::domain::Postcode;

const MUNICIPALITIES_CSV: &str = include_str!("../../data/nl/municipalities.csv");
const POSTCODES_CSV: &str = include_str!("../../data/nl/postcodes_pc4.csv");
const LINKS_CSV: &str = include_str!("../../data/nl/pc4_municipality_links.csv");
const CHANGES_CSV: &str = include_str!("../../data/nl/municipal_changes_2018_2026.csv");

/// A CBS municipality code such as `GM0363`.
pub type MunicipalityCode = String;

/// A current municipality.
#[derive(Debug, Clone, Deserialize)]
pub struct Municipality {
    /// CBS code, `GM` and four digits.
    pub code: MunicipalityCode,
    /// Official name, e.g. `'s-Gravenhage`.
    pub name: String,
    /// Province name.
    pub province: String,
    /// Latitude of the centroid.
    pub lat: f64,
    /// Longitude of the centroid.
    pub lon: f64,
}

/// A four-digit postcode area.
#[derive(Debug, Clone)]
pub struct Pc4Area {
    /// The PC4.
    pub pc4: u16,
    /// The municipality that holds most of its addresses.
    pub municipality_code: MunicipalityCode,
    /// Latitude of the GeoNames postcode point.
    pub lat: f64,
    /// Longitude of the GeoNames postcode point.
    pub lon: f64,
    /// Every municipality with addresses in this PC4 when it spans more than one.
    pub shared_with: Vec<SharedArea>,
}

/// One municipality's share of a PC4 that spans several.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SharedArea {
    /// Municipality code.
    pub municipality_code: String,
    /// Municipality name.
    pub municipality_name: String,
    /// Share of the PC4's six-digit postcodes in that municipality (0–1).
    pub share: f64,
}

/// A municipality that no longer exists, with where it went.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MergerNote {
    /// Former CBS code.
    pub old_code: String,
    /// Former name.
    pub old_name: String,
    /// Successor code.
    pub new_code: String,
    /// Successor name.
    pub new_name: String,
    /// Date the change took effect (YYYY-MM-DD).
    pub effective_date: String,
    /// `merged` (wholly) or `split` (partly, `share` of its postcode points).
    pub change: String,
    /// Share of the old municipality that went to this successor (0–1).
    pub share: f64,
}

#[derive(Deserialize)]
struct PostcodeRow {
    pc4: u16,
    municipality_code: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct LinkRow {
    pc4: u16,
    municipality_code: String,
    municipality_name: String,
    // Empty for the few PC4s without six-digit postcodes in the 2022 count.
    share: Option<f64>,
}

#[derive(Deserialize)]
struct ChangeRow {
    effective_date: String,
    old_code: String,
    old_name: String,
    new_code: String,
    new_name: String,
    #[serde(rename = "type")]
    change: String,
    share_of_old_pc4_points: f64,
}

/// The reference data, loaded once at start and shared read-only.
#[derive(Debug)]
pub struct Gazetteer {
    municipalities: Vec<Municipality>,
    by_code: HashMap<String, usize>,
    postcodes: HashMap<u16, Pc4Area>,
    changes: Vec<MergerNote>,
}

fn read_csv<T: for<'de> Deserialize<'de>>(name: &str, data: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(data.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("reading embedded {name}"))
}

impl Gazetteer {
    /// Parses the embedded CSV files.
    pub fn load() -> anyhow::Result<Self> {
        let municipalities: Vec<Municipality> = read_csv("municipalities.csv", MUNICIPALITIES_CSV)?;
        let by_code = municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.clone(), i))
            .collect();
        let mut shared: HashMap<u16, Vec<SharedArea>> = HashMap::new();
        for link in read_csv::<LinkRow>("pc4_municipality_links.csv", LINKS_CSV)? {
            shared.entry(link.pc4).or_default().push(SharedArea {
                municipality_code: link.municipality_code,
                municipality_name: link.municipality_name,
                share: link.share.unwrap_or(1.0),
            });
        }
        let postcodes = read_csv::<PostcodeRow>("postcodes_pc4.csv", POSTCODES_CSV)?
            .into_iter()
            .map(|row| {
                let mut shared_with = shared.remove(&row.pc4).unwrap_or_default();
                if shared_with.len() < 2 {
                    shared_with.clear();
                }
                let area = Pc4Area {
                    pc4: row.pc4,
                    municipality_code: row.municipality_code,
                    lat: row.lat,
                    lon: row.lon,
                    shared_with,
                };
                (row.pc4, area)
            })
            .collect();
        let changes = read_csv::<ChangeRow>("municipal_changes_2018_2026.csv", CHANGES_CSV)?
            .into_iter()
            .map(|c| MergerNote {
                old_code: c.old_code,
                old_name: c.old_name,
                new_code: c.new_code,
                new_name: c.new_name,
                effective_date: c.effective_date,
                change: c.change,
                share: c.share_of_old_pc4_points,
            })
            .collect();
        Ok(Self {
            municipalities,
            by_code,
            postcodes,
            changes,
        })
    }

    /// All current municipalities, in CBS code order.
    pub fn municipalities(&self) -> &[Municipality] {
        &self.municipalities
    }

    /// A current municipality by its code (case-insensitive).
    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.by_code
            .get(&code.to_ascii_uppercase())
            .map(|&i| &self.municipalities[i])
    }

    /// The mergers and splits that ended the municipality with this former code, largest
    /// share first.
    pub fn successors_of(&self, old_code: &str) -> Vec<&MergerNote> {
        let code = old_code.to_ascii_uppercase();
        let mut notes: Vec<_> = self.changes.iter().filter(|c| c.old_code == code).collect();
        notes.sort_by(|a, b| b.share.total_cmp(&a.share));
        notes
    }

    /// Every recorded merger or split.
    pub fn changes(&self) -> &[MergerNote] {
        &self.changes
    }

    /// The postcode area of a PC4.
    pub fn postcode(&self, postcode: Postcode) -> Option<&Pc4Area> {
        self.postcodes.get(&postcode.value())
    }

    /// Every postcode area (unordered).
    pub fn postcodes(&self) -> impl Iterator<Item = &Pc4Area> {
        self.postcodes.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer() -> Gazetteer {
        Gazetteer::load().unwrap()
    }

    #[test]
    fn loads_every_row() {
        let g = gazetteer();
        assert_eq!(g.municipalities().len(), 342);
        assert_eq!(g.postcodes().count(), 4086);
        assert_eq!(g.changes().len(), 70);
    }

    #[test]
    fn resolves_known_postcodes() {
        let g = gazetteer();
        let pc = |s: &str| {
            g.postcode(Postcode::parse(s).unwrap())
                .map(|a| a.municipality_code.as_str())
        };
        assert_eq!(pc("1012"), Some("GM0363"));
        assert_eq!(pc("3511"), Some("GM0344"));
        assert_eq!(pc("9711"), Some("GM0014"));
        assert_eq!(pc("1381"), Some("GM0363"), "Weesp merged into Amsterdam");
        assert_eq!(pc("1000"), None);
    }

    #[test]
    fn every_postcode_points_at_a_current_municipality() {
        let g = gazetteer();
        for area in g.postcodes() {
            assert!(
                g.municipality(&area.municipality_code).is_some(),
                "{}",
                area.pc4
            );
        }
    }

    #[test]
    fn former_codes_resolve_to_successors() {
        let g = gazetteer();
        let weesp = g.successors_of("gm0457");
        assert_eq!(weesp.len(), 1);
        assert_eq!(weesp[0].new_code, "GM0363");
        assert_eq!(
            g.successors_of("GM0788").len(),
            4,
            "Haaren was split four ways"
        );
    }
}
