//! The case page's model: the JSON API's `CaseView` (consent already applied) turned into
//! words and times people read, in Dutch time.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{i18n, i18n::Lang, labels, queue_page::case_number, session::WebCaseWorker};
use crate::{
    api::case_views::{CaseView, RelaxationKind, SuggestionView},
    db::users::User,
    domain::{AvailabilityInput, CaseStatus, MatchOrigin},
};

/// A moment as Dutch people read it: `04-12-2026 14:05`, in Europe/Amsterdam.
pub fn when(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// One proposal of the request's history.
pub struct HistoryLine {
    pub proposed: String,
    pub status: &'static str,
    pub answered: String,
    pub ended: String,
    pub by: &'static str,
    pub volunteer: String,
}

/// One note.
pub struct NoteLine {
    pub author: String,
    pub when: String,
    pub body: String,
}

/// One relaxed suggestion: what the offer is, where, when and how full.
pub struct SuggestionCard {
    pub categories: String,
    pub area: String,
    pub distance: String,
    pub gives: String,
    pub times: String,
    pub load: String,
}

/// Everything the case page shows.
pub struct CaseModel {
    pub id: String,
    pub number: String,
    pub status: &'static str,
    pub open: bool,
    pub mine: bool,
    pub held_by_other: bool,
    pub resolved: bool,
    pub holder_id: String,
    pub holder: String,
    pub reason: &'static str,
    pub opened: String,
    pub claimed: Option<String>,
    pub domain: &'static str,
    pub category: &'static str,
    pub pc4: String,
    pub urgency: &'static str,
    pub waiting: String,
    pub consent: bool,
    pub facts: Vec<(&'static str, String)>,
    pub description: Option<String>,
    pub outcome: Option<(&'static str, Vec<(String, String)>)>,
    pub history: Vec<HistoryLine>,
    pub notes: Vec<NoteLine>,
    pub suggestions: Vec<SuggestionCard>,
}

fn name_of(staff: &[User], me: &WebCaseWorker, id: &str) -> String {
    if id == me.id().as_str() {
        return me.lang.words().you.to_owned();
    }
    staff
        .iter()
        .find(|u| u.id.as_str() == id)
        .map_or_else(|| "—".to_owned(), |u| u.display_name.clone())
}

/// When someone can help: "di 09:00–12:00, do 13:00–17:00".
fn times(lang: Lang, a: &AvailabilityInput) -> String {
    if a.slots.is_empty() {
        return lang.words().any_time.to_owned();
    }
    a.slots
        .iter()
        .map(|s| {
            format!(
                "{} {}–{}",
                labels::weekday(lang, &s.weekday),
                s.start,
                s.end
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn card(lang: Lang, s: &SuggestionView) -> SuggestionCard {
    let t = lang.words();
    let gives = match s.relaxation {
        RelaxationKind::None => t.fits.to_owned(),
        RelaxationKind::WiderRadius => lang
            .pick(
                "Afstand: de vrijwilliger moet {n} km reizen (komt tot {r} km)",
                "Distance: the volunteer would travel {n} km (goes up to {r} km)",
            )
            .replace(
                "{n}",
                &format!("{:.1}", s.needed_distance_km.unwrap_or(s.distance_km)),
            )
            .replace("{r}", &format!("{:.0}", s.radius_km.unwrap_or_default())),
        RelaxationKind::NearMissAvailability => lang
            .pick(
                "Tijden: {t} min per week samen (langste stuk {l} min; een bezoek duurt {s} min)",
                "Times: {t} min a week in common (longest stretch {l} min; a visit takes {s} min)",
            )
            .replace("{t}", &s.total_overlap_minutes.unwrap_or(0).to_string())
            .replace("{l}", &s.longest_overlap_minutes.unwrap_or(0).to_string())
            .replace("{s}", &s.session_minutes.unwrap_or(0).to_string()),
    };
    let (categories, area, times, load) = match &s.offer {
        Some(o) => (
            o.categories
                .iter()
                .map(|c| labels::category_code(lang, c))
                .collect::<Vec<_>>()
                .join(", "),
            if o.remote_ok {
                format!("{} ({})", o.pc4, t.remote_too)
            } else {
                o.pc4.clone()
            },
            times(lang, &o.availability),
            format!("{} / {}", o.load, o.capacity),
        ),
        None => (
            t.not_shown.to_owned(),
            String::new(),
            String::new(),
            String::new(),
        ),
    };
    SuggestionCard {
        categories,
        area,
        distance: format!("{:.1} km", s.distance_km),
        gives,
        times,
        load,
    }
}

/// The model of `view` for `me`, with names from `staff`.
pub fn view_model(
    lang: Lang,
    me: &WebCaseWorker,
    staff: &[User],
    view: CaseView,
    now: NaiveDateTime,
) -> CaseModel {
    let t = lang.words();
    let r = &view.request;
    let yes_no = |b: bool| if b { t.yes } else { t.no }.to_owned();
    let mut facts = Vec::new();
    if r.consent_municipality {
        if let Some(title) = &r.title {
            facts.push((t.l_title, title.clone()));
        }
        if let Some(who) = &r.requester {
            facts.push((t.l_requester, who.display_name.clone()));
            facts.push((
                t.l_phone,
                who.phone.clone().unwrap_or_else(|| t.not_set.to_owned()),
            ));
            facts.push((
                t.email,
                who.email.clone().unwrap_or_else(|| t.not_set.to_owned()),
            ));
        }
        facts.push((t.l_minor, yes_no(r.involves_minor.unwrap_or(false))));
        facts.push((t.l_remote, yes_no(r.remote_ok.unwrap_or(false))));
        let max = r
            .max_distance_km
            .map_or_else(|| t.not_set.to_owned(), |k| format!("{k:.0} km"));
        facts.push((t.l_max_distance, max));
        if let Some(a) = &r.availability {
            facts.push((t.col_times, times(lang, a)));
        }
    }
    let outcome = view.outcome.as_ref().map(|o| {
        let mut details = Vec::new();
        if let Some(at) = o.decided_at {
            details.push((t.col_when.to_owned(), when(at)));
        }
        if let Some(f) = &o.formal_category {
            details.push((
                t.l_formal.to_owned(),
                format!("{} {}: {}", f.standard.name(), f.code, f.label),
            ));
        }
        if let Some(i) = &o.instrument {
            details.push((t.l_instrument.to_owned(), i.clone()));
        }
        if let Some(km) = o.max_distance_km {
            details.push((t.l_max_distance.to_owned(), format!("{km:.0} km")));
        }
        if let Some(note) = &o.note {
            details.push((t.l_resident_note.to_owned(), note.clone()));
        }
        (labels::outcome(lang, o.outcome), details)
    });
    let holder_id = view.assigned_to.clone().unwrap_or_default();
    let mine = holder_id == me.id().as_str();
    let dash = || "—".to_owned();
    CaseModel {
        number: case_number(&view.id),
        status: labels::status(lang, view.status),
        open: view.status == CaseStatus::Open,
        mine: mine && view.status == CaseStatus::InProgress,
        held_by_other: !mine && view.status == CaseStatus::InProgress,
        resolved: view.status == CaseStatus::Resolved,
        holder: if holder_id.is_empty() {
            t.nobody.to_owned()
        } else {
            name_of(staff, me, &holder_id)
        },
        holder_id,
        reason: labels::reason(lang, view.reason),
        opened: when(view.opened_at),
        claimed: view.claimed_at.map(when),
        domain: labels::domain(lang, r.domain),
        category: labels::category(lang, r.category),
        pc4: r.pc4.clone(),
        urgency: labels::urgency(lang, r.urgency),
        waiting: i18n::waited(lang, (now - r.waiting_since.naive_utc()).num_minutes()),
        consent: r.consent_municipality,
        facts,
        description: r.description.clone(),
        outcome,
        history: view
            .history
            .iter()
            .map(|h| HistoryLine {
                proposed: when(h.proposed_at),
                status: labels::match_status(lang, h.status),
                answered: h.responded_at.map_or_else(dash, when),
                ended: h.closed_at.map_or_else(dash, when),
                by: MatchOrigin::parse(&h.created_by).map_or("—", |o| labels::origin(lang, o)),
                volunteer: h
                    .volunteer
                    .as_ref()
                    .map_or_else(|| t.not_shown.to_owned(), |v| v.display_name.clone()),
            })
            .collect(),
        notes: view
            .notes
            .iter()
            .map(|n| NoteLine {
                author: n
                    .author_id
                    .as_deref()
                    .map_or_else(dash, |a| name_of(staff, me, a)),
                when: when(n.created_at),
                body: n.body.clone(),
            })
            .collect(),
        suggestions: view.suggestions.iter().map(|s| card(lang, s)).collect(),
        id: view.id,
    }
}
