//! Why a volunteer was proposed, in the reader's words: rendered from the facts stored with
//! the match (`score_parts.explained`), in the language of the request, for the side that
//! reads it. No names: the same facts the English explanation always showed.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    domain::{Language, MatchOrigin, Message},
    engine::Explained,
    i18n, msg,
};

/// What the explanation says, as data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExplanationParts {
    /// Help at a distance (by phone or online): the distance does not matter.
    pub remote: bool,
    /// Distance between request and volunteer, km.
    pub distance_km: f64,
    /// Both sides can at any time of the week.
    pub any_time: bool,
    /// Weekly time both sides can, minutes.
    pub overlap_minutes: u32,
    /// Request and offer lie in the same municipality.
    pub same_municipality: bool,
    /// This volunteer helped this resident before.
    pub helped_before: bool,
    /// Places of the offer still free when proposed.
    pub places_free: u32,
    /// Places of the offer.
    pub capacity: u32,
}

impl From<Explained> for ExplanationParts {
    fn from(e: Explained) -> Self {
        Self {
            remote: e.remote,
            distance_km: e.distance_km,
            any_time: e.any_time,
            overlap_minutes: e.overlap_minutes,
            same_municipality: e.same_municipality,
            helped_before: e.helped_before,
            places_free: e.places_free,
            capacity: e.capacity,
        }
    }
}

/// The stored facts of a match, from its `score_parts` JSON: the facts and, for a
/// municipality's proposal, the volunteer's own radius. `None` for matches stored before
/// the facts were kept.
pub fn stored(score_parts: &str) -> Option<(ExplanationParts, Option<f64>)> {
    #[derive(Deserialize)]
    struct Stored {
        explained: Explained,
        radius_km: Option<f64>,
    }
    let stored: Stored = serde_json::from_str(score_parts).ok()?;
    Some((stored.explained.into(), stored.radius_km))
}

/// `km` with one decimal (none when whole), written the way `lang` writes it (`1,2` /
/// `1.2`).
fn decimal(lang: Language, km: f64) -> String {
    let text = format!("{km:.1}");
    let text = match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    };
    match lang {
        Language::Nl => text.replace('.', ","),
        Language::En => text,
    }
}

/// The sentences of the explanation, in order.
fn sentences(
    lang: Language,
    parts: &ExplanationParts,
    origin: MatchOrigin,
    radius_km: Option<f64>,
    side: &str,
) -> Vec<Message> {
    let mut out = Vec::new();
    let beyond = radius_km.filter(|radius| !parts.remote && parts.distance_km > *radius);
    match (origin, beyond) {
        // The lead names the distance already.
        (MatchOrigin::CaseWorker, Some(radius)) => out.push(msg!(
            "match-lead-travel",
            distance = decimal(lang, parts.distance_km),
            radius = decimal(lang, radius)
        )),
        (MatchOrigin::CaseWorker, None) => out.push(msg!("match-lead-municipality")),
        _ => {}
    }
    if parts.remote {
        out.push(msg!("match-remote"));
    } else if beyond.is_none() || origin != MatchOrigin::CaseWorker {
        out.push(msg!(
            "match-distance",
            side = side,
            distance = decimal(lang, parts.distance_km)
        ));
    }
    out.push(if parts.any_time {
        msg!("match-any-time")
    } else if parts.overlap_minutes == 0 {
        msg!("match-no-common-time")
    } else if parts.overlap_minutes % 60 == 0 {
        msg!("match-common-time", hours = parts.overlap_minutes / 60)
    } else {
        let hours = f64::from(parts.overlap_minutes) / 60.0;
        msg!("match-common-time", hours = decimal(lang, hours))
    });
    if parts.helped_before {
        out.push(msg!("match-helped-before"));
    }
    out
}

/// The explanation for the reader on `side` (`resident` or `volunteer`), in `lang`.
pub fn render(
    lang: Language,
    parts: &ExplanationParts,
    origin: MatchOrigin,
    radius_km: Option<f64>,
    side: &str,
) -> String {
    sentences(lang, parts, origin, radius_km, side)
        .iter()
        .map(|m| i18n::render(lang, m))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> ExplanationParts {
        ExplanationParts {
            remote: false,
            distance_km: 1.23,
            any_time: false,
            overlap_minutes: 180,
            same_municipality: true,
            helped_before: false,
            places_free: 2,
            capacity: 2,
        }
    }

    #[test]
    fn an_explanation_is_short_plain_and_in_the_language() {
        let incremental = MatchOrigin::Incremental;
        assert_eq!(
            render(Language::Nl, &parts(), incremental, None, "resident"),
            "De vrijwilliger woont op 1,2 km van u. U kunt allebei 3 uur per week op dezelfde momenten."
        );
        assert_eq!(
            render(Language::En, &parts(), incremental, None, "volunteer"),
            "The request is 1.2 km from you. You both have 3 hours a week at the same times."
        );
        let once = ExplanationParts {
            overlap_minutes: 60,
            ..parts()
        };
        assert!(render(Language::En, &once, incremental, None, "resident")
            .ends_with(" 1 hour a week at the same times."));
    }

    #[test]
    fn a_municipal_proposal_says_so_and_asks_for_the_longer_trip() {
        let far = ExplanationParts {
            distance_km: 7.0,
            overlap_minutes: 0,
            ..parts()
        };
        let text = render(
            Language::Nl,
            &far,
            MatchOrigin::CaseWorker,
            Some(5.0),
            "volunteer",
        );
        assert_eq!(
            text,
            "De gemeente vraagt of de vrijwilliger 7 km wil reizen. Dat is verder dan de 5 km \
             van het aanbod. Er is geen vast moment in de week dat u allebei kunt. Spreek samen \
             een tijd af."
        );
        let near = render(
            Language::En,
            &parts(),
            MatchOrigin::CaseWorker,
            Some(5.0),
            "resident",
        );
        assert!(
            near.starts_with("The municipality proposes this match."),
            "{near}"
        );
    }

    #[test]
    fn the_facts_are_read_back_from_the_stored_parts() {
        let json = serde_json::json!({"proximity": 1.0, "explained": {
            "remote": true, "distance_km": 0.0, "any_time": true, "overlap_minutes": 0,
            "same_municipality": false, "helped_before": true, "places_free": 1, "capacity": 1}})
        .to_string();
        let (parts, radius) = stored(&json).unwrap();
        assert!(parts.remote && parts.helped_before && radius.is_none());
        assert!(stored(r#"{"proximity": 1.0}"#).is_none());
    }
}
