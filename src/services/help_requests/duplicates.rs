//! The near-duplicate rule: a resident who posts the same need twice (a double click, or
//! posting again because nothing happened yet) is asked to confirm, with the earlier
//! request's id, instead of splitting volunteers' attention over two copies.

/// How far back the duplicate check looks.
pub const DUPLICATE_WINDOW_DAYS: i64 = 14;
/// Titles at least this similar (normalised Levenshtein, 0–1) count as the same.
pub const TITLE_SIMILARITY: f64 = 0.85;
/// Descriptions at least this similar (Sørensen–Dice on character bigrams, 0–1) count as the
/// same. Dice rather than Levenshtein because it is linear in the length: a 10,000-character
/// description must not cost a quadratic comparison inside the write transaction.
pub const DESCRIPTION_SIMILARITY: f64 = 0.8;

/// Lower-cased, trimmed, with runs of whitespace collapsed to one space.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether two requests (title, description) are nearly the same text: the title at least
/// [`TITLE_SIMILARITY`] and the description at least [`DESCRIPTION_SIMILARITY`] alike, after
/// [`normalise`]. Two empty descriptions are the same.
pub fn nearly_same(a: (&str, &str), b: (&str, &str)) -> bool {
    let title = strsim::normalized_levenshtein(&normalise(a.0), &normalise(b.0));
    if title < TITLE_SIMILARITY {
        return false;
    }
    let (da, db) = (normalise(a.1), normalise(b.1));
    da == db || strsim::sorensen_dice(&da, &db) >= DESCRIPTION_SIMILARITY
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIPTION: &str = "Ik ben 84 en kan sinds mijn heupoperatie niet meer zelf naar \
        de supermarkt. Wie kan op dinsdagochtend boodschappen voor me doen?";

    #[test]
    fn same_text_in_other_case_and_spacing_is_nearly_the_same() {
        let other = DESCRIPTION.to_uppercase().replace(' ', "  ");
        assert!(nearly_same(
            ("Boodschappen op dinsdag", DESCRIPTION),
            ("  boodschappen OP dinsdag ", &other)
        ));
    }

    #[test]
    fn small_edits_are_nearly_the_same() {
        let edited = DESCRIPTION
            .replace("84", "85")
            .replace("me doen", "mij doen");
        assert!(nearly_same(
            ("Boodschappen op dinsdag", DESCRIPTION),
            ("Boodschappen dinsdag", &edited)
        ));
        assert!(nearly_same(("Hulp bij tuin", ""), ("Hulp bij tuin!", "")));
    }

    #[test]
    fn another_title_or_another_story_is_not_a_duplicate() {
        assert!(!nearly_same(
            ("Boodschappen op dinsdag", DESCRIPTION),
            ("Boodschappen op vrijdag voor mijn buurvrouw", DESCRIPTION)
        ));
        assert!(!nearly_same(
            ("Boodschappen op dinsdag", DESCRIPTION),
            (
                "Boodschappen op dinsdag",
                "Mijn man is ziek; we hebben iemand nodig die de zware \
                 dingen zoals water en melk uit de winkel haalt."
            )
        ));
        assert!(!nearly_same(
            ("Tuin", ""),
            ("Tuin", "Het gras moet gemaaid")
        ));
    }

    #[test]
    fn thresholds_sit_where_documented() {
        // 3 edits in 20 characters: 0.85, exactly the threshold.
        let (a, b) = ("abcdefghijklmnopqrst", "abcdefghijklmnopqxyz");
        assert!((strsim::normalized_levenshtein(a, b) - 0.85).abs() < 1e-9);
        assert!(nearly_same((a, ""), (b, "")));
        assert!(!nearly_same((a, ""), ("abcdefghijklmnopwxyz", "")));
    }

    #[test]
    fn long_descriptions_compare_quickly() {
        let long = "hulp ".repeat(2_000);
        let started = std::time::Instant::now();
        assert!(nearly_same(
            ("titel", &long),
            ("titel", &format!("{long}x"))
        ));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn normalise_collapses_whitespace_and_case() {
        assert_eq!(normalise("  Hallo\n\tDaar  "), "hallo daar");
    }
}
