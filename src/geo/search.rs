//! Fuzzy municipality look-up by name: tolerant of typos, case, accents and punctuation, with
//! the common everyday names (`Den Haag`, `Den Bosch`) and the names of merged municipalities.

use super::{Gazetteer, MergerNote, Municipality};

/// Everyday names that differ from the official one.
const ALIASES: &[(&str, &str)] = &[
    ("den haag", "GM0518"),
    ("the hague", "GM0518"),
    ("den bosch", "GM0796"),
    ("hengelo", "GM0164"),
    ("nuenen", "GM0820"),
    ("bergen noord-holland", "GM0373"),
    ("bergen limburg", "GM0893"),
];

/// Below this similarity a name is not offered as a match.
const MIN_SCORE: f64 = 0.75;
/// A former name ranks just below an equally good current name.
const FORMER_NAME_FACTOR: f64 = 0.98;

/// One search result.
#[derive(Debug, Clone)]
pub struct MunicipalityMatch<'a> {
    /// The current municipality.
    pub municipality: &'a Municipality,
    /// Similarity in [0, 1]; 1 is an exact match.
    pub score: f64,
    /// The name (official, alias or former) that matched.
    pub matched_name: String,
    /// When a former municipality's name matched: the merger that leads here.
    pub merger: Option<&'a MergerNote>,
}

/// Lower-cases, strips accents and punctuation, and collapses spaces, so that
/// `'s-Gravenhage`, `S GRAVENHAGE` and `s-gravenhage` compare equal.
pub(crate) fn normalise(input: &str) -> String {
    let mapped: String = input
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'Á' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .flat_map(char::to_lowercase)
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Similarity of a query to one candidate name, both normalised.
fn similarity(query: &str, name: &str) -> f64 {
    if query == name {
        return 1.0;
    }
    // A typed prefix ("amster", "nuenen") is a strong signal; longer prefixes count more.
    if query.chars().count() >= 3 && name.starts_with(query) {
        return 0.9 + 0.09 * (query.len() as f64 / name.len() as f64);
    }
    strsim::jaro_winkler(query, name)
}

/// Keeps the best-scoring name per municipality.
fn consider<'a>(
    best: &mut Vec<MunicipalityMatch<'a>>,
    municipality: &'a Municipality,
    name: &str,
    score: f64,
    merger: Option<&'a MergerNote>,
) {
    if score < MIN_SCORE {
        return;
    }
    match best
        .iter_mut()
        .find(|b| b.municipality.code == municipality.code)
    {
        Some(existing) if existing.score >= score => {}
        Some(existing) => {
            existing.score = score;
            existing.matched_name = name.to_owned();
            existing.merger = merger;
        }
        None => best.push(MunicipalityMatch {
            municipality,
            score,
            matched_name: name.to_owned(),
            merger,
        }),
    }
}

impl Gazetteer {
    /// Municipalities whose official name, common alias or former (merged) name resembles
    /// `query`, best first, at most `limit`.
    pub fn search_municipalities(&self, query: &str, limit: usize) -> Vec<MunicipalityMatch<'_>> {
        let q = normalise(query);
        if q.is_empty() {
            return Vec::new();
        }
        let mut best: Vec<MunicipalityMatch<'_>> = Vec::new();
        for m in self.municipalities() {
            consider(
                &mut best,
                m,
                &m.name,
                similarity(&q, &normalise(&m.name)),
                None,
            );
        }
        for (alias, code) in ALIASES {
            if let Some(m) = self.municipality(code) {
                consider(&mut best, m, alias, similarity(&q, alias), None);
            }
        }
        for change in self.changes() {
            if let Some(m) = self.municipality(&change.new_code) {
                let score = similarity(&q, &normalise(&change.old_name)) * FORMER_NAME_FACTOR;
                consider(&mut best, m, &change.old_name, score, Some(change));
            }
        }
        best.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.municipality.name.cmp(&b.municipality.name))
        });
        best.truncate(limit);
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(query: &str) -> String {
        let g = Gazetteer::load().unwrap();
        g.search_municipalities(query, 5)
            .first()
            .map(|m| m.municipality.code.clone())
            .unwrap_or_default()
    }

    #[test]
    fn finds_municipalities_despite_typos_case_and_aliases() {
        assert_eq!(first("Amsterdm"), "GM0363");
        assert_eq!(first("den haag"), "GM0518");
        assert_eq!(first("Den Bosch"), "GM0796");
        assert_eq!(first("'s-Gravenhage"), "GM0518");
        assert_eq!(first("UTRECHT"), "GM0344");
        assert_eq!(first("sudwest fryslan"), "GM1900");
        assert_eq!(first("Nuenen"), "GM0820");
    }

    #[test]
    fn merged_names_lead_to_their_successor_with_the_merger() {
        let g = Gazetteer::load().unwrap();
        let hits = g.search_municipalities("Weesp", 5);
        assert_eq!(hits[0].municipality.code, "GM0363");
        let merger = hits[0].merger.expect("found through the merger");
        assert_eq!(merger.old_code, "GM0457");
    }

    #[test]
    fn nonsense_finds_nothing_and_results_are_sorted() {
        let g = Gazetteer::load().unwrap();
        assert!(g.search_municipalities("xqzxqzxqz", 5).is_empty());
        assert!(g.search_municipalities("   ", 5).is_empty());
        let hits = g.search_municipalities("Bergen", 10);
        assert!(hits.len() >= 3);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn normalises_punctuation_and_accents() {
        assert_eq!(normalise("'s-Gravenhage"), "s gravenhage");
        assert_eq!(normalise("  Súdwest-Fryslân "), "sudwest fryslan");
    }
}
