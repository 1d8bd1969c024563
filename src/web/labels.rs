//! How the workplace names the service's codes, in Dutch and English: laws, categories,
//! reasons, statuses, outcomes, audit actions and form fields. Part of the word tables of
//! `i18n` (each entry a Dutch and an English text), kept apart because they follow the
//! domain's vocabularies.

use super::i18n::Lang;
use crate::domain::{
    CaseOutcome, CaseStatus, Category, EscalationReason, HelpRequestStatus, LawDomain, MatchOrigin,
    MatchStatus, TakeoverReason, Urgency,
};

/// A law's name.
pub fn domain(lang: Lang, d: LawDomain) -> &'static str {
    lang.pick(d.name_nl(), d.name_nl())
}

/// A category's name.
pub fn category(lang: Lang, c: Category) -> &'static str {
    lang.pick(c.name_nl(), c.name_en())
}

/// A category code's name (codes stored on offers), the code itself when unknown.
pub fn category_code(lang: Lang, code: &str) -> String {
    Category::parse(code).map_or_else(|_| code.to_owned(), |c| category(lang, c).to_owned())
}

/// Why a request became a case.
pub fn reason(lang: Lang, r: EscalationReason) -> &'static str {
    match r {
        EscalationReason::NoCandidates => {
            lang.pick("Geen vrijwilliger gevonden", "No volunteer found")
        }
        EscalationReason::Declined => lang.pick("Vrijwilligers zeiden nee", "Volunteers declined"),
        EscalationReason::ProposalTimeout => {
            lang.pick("Voorstel duurde te lang", "Proposal took too long")
        }
        EscalationReason::ResidentRequest => lang.pick(
            "Inwoner vroeg de gemeente",
            "Resident asked the municipality",
        ),
    }
}

/// Where a case is.
pub fn status(lang: Lang, s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::Open => lang.pick("Nieuw", "New"),
        CaseStatus::InProgress => lang.pick("In behandeling", "In progress"),
        CaseStatus::Resolved => lang.pick("Afgerond", "Resolved"),
    }
}

/// Where a help request is.
pub fn request_status(lang: Lang, s: HelpRequestStatus) -> &'static str {
    match s {
        HelpRequestStatus::Open => lang.pick("Open", "Open"),
        HelpRequestStatus::Proposed => lang.pick("Voorgesteld", "Proposed"),
        HelpRequestStatus::Matched => lang.pick("Gekoppeld", "Matched"),
        HelpRequestStatus::Escalated => lang.pick("Bij de gemeente", "With the municipality"),
        HelpRequestStatus::Completed => lang.pick("Geholpen", "Helped"),
        HelpRequestStatus::Cancelled => lang.pick("Ingetrokken", "Cancelled"),
        HelpRequestStatus::Referred => lang.pick("Doorverwezen", "Referred"),
        HelpRequestStatus::Closed => lang.pick("Gesloten", "Closed"),
    }
}

/// How soon help is needed.
pub fn urgency(lang: Lang, u: Urgency) -> &'static str {
    match u {
        Urgency::Low => lang.pick("Kan wachten", "Can wait"),
        Urgency::Normal => lang.pick("Normaal", "Normal"),
        Urgency::High => lang.pick("Dringend", "Urgent"),
    }
}

/// A case's decision.
pub fn outcome(lang: Lang, o: CaseOutcome) -> &'static str {
    let w = lang.words();
    match o {
        CaseOutcome::AssignedVolunteer => w.out_assigned,
        CaseOutcome::ReferredFormal => w.out_referred,
        CaseOutcome::ReturnedToMarketplace => w.out_returned,
        CaseOutcome::Closed => w.out_closed,
    }
}

/// Where a proposal is.
pub fn match_status(lang: Lang, s: MatchStatus) -> &'static str {
    match s {
        MatchStatus::Proposed => {
            lang.pick("Voorgesteld, nog geen antwoord", "Proposed, no answer yet")
        }
        MatchStatus::Accepted => lang.pick("Geaccepteerd", "Accepted"),
        MatchStatus::Declined => lang.pick("Vrijwilliger zei nee", "Volunteer declined"),
        MatchStatus::Expired => lang.pick("Niet op tijd beantwoord", "Not answered in time"),
        MatchStatus::Withdrawn => lang.pick("Ingetrokken", "Withdrawn"),
        MatchStatus::Completed => lang.pick("Hulp gegeven", "Help given"),
        MatchStatus::Cancelled => lang.pick("Afgezegd", "Called off"),
    }
}

/// Who proposed.
pub fn origin(lang: Lang, o: MatchOrigin) -> &'static str {
    match o {
        MatchOrigin::Incremental => lang.pick("Hulpmarkt (direct)", "Hulpmarkt (at once)"),
        MatchOrigin::Batch => lang.pick("Hulpmarkt (ronde)", "Hulpmarkt (batch)"),
        MatchOrigin::CaseWorker => lang.pick("Consulent", "Case worker"),
    }
}

/// Why a colleague takes a case over.
pub fn takeover(lang: Lang, r: TakeoverReason) -> &'static str {
    match r {
        TakeoverReason::Absent => {
            lang.pick("Collega is vandaag afwezig", "Colleague is away today")
        }
        TakeoverReason::OnLeave => lang.pick("Collega heeft verlof", "Colleague is on leave"),
        TakeoverReason::LeftTheTeam => lang.pick(
            "Collega werkt niet meer in het team",
            "Colleague left the team",
        ),
        TakeoverReason::Urgent => lang.pick("Zaak kan niet wachten", "Case cannot wait"),
    }
}

/// An audit action, the code itself when unknown.
pub fn action(lang: Lang, code: &str) -> String {
    let named = match code {
        "case.read" => lang.pick("Zaak bekeken", "Case viewed"),
        "case.claim" => lang.pick("Zaak opgepakt", "Case taken"),
        "case.note" => lang.pick("Notitie toegevoegd", "Note added"),
        "case.resolve" => lang.pick("Zaak afgerond", "Case resolved"),
        "case.release" | "case.released" => {
            lang.pick("Teruggezet in de wachtrij", "Put back in the queue")
        }
        "case.handover" => lang.pick("Overgedragen aan collega", "Handed over"),
        "case.takeover" => lang.pick("Overgenomen van collega", "Taken over"),
        "case.audit_read" => lang.pick("Logboek bekeken", "Audit trail viewed"),
        "case.cancelled_by_resident" => lang.pick("Inwoner trok de vraag in", "Resident cancelled"),
        "case.closed_by_erasure" => lang.pick("Gesloten: account gewist", "Closed: account erased"),
        "help_request.escalate" => {
            lang.pick("Naar de gemeente gegaan", "Escalated to the municipality")
        }
        "help_request.consent_given" => {
            lang.pick("Inwoner gaf toestemming", "Resident gave consent")
        }
        other => return other.to_owned(),
    };
    named.to_owned()
}

/// The role an audit entry names.
pub fn actor_role(lang: Lang, role: &str) -> &'static str {
    match role {
        "resident" => lang.pick("Inwoner", "Resident"),
        "volunteer" => lang.pick("Vrijwilliger", "Volunteer"),
        "case_worker" => lang.pick("Consulent", "Case worker"),
        "admin" => lang.pick("Beheerder", "Administrator"),
        "operator" => lang.pick("Beheer (opdrachtregel)", "Operator"),
        _ => lang.words().system,
    }
}

/// A form field's name in an error message.
pub fn field(lang: Lang, name: &str) -> String {
    let named = match name {
        "domain" => lang.words().f_domain,
        "category" => lang.words().f_category,
        "reason" => lang.words().f_reason,
        "status" => lang.words().f_status,
        "pc4" => lang.words().f_pc4,
        "q" => lang.words().f_search,
        "page" => lang.pick("Pagina", "Page"),
        "to" => lang.words().handover_to,
        "from" => lang.pick("Huidige behandelaar", "Current handler"),
        "body" | "note" => lang.words().note,
        "outcome" => lang.words().sec_resolve,
        "offer_id" => lang.words().l_offer,
        "formal_category" => lang.words().l_formal,
        "instrument" => lang.words().l_instrument,
        "max_distance_km" => lang.words().l_wider,
        "email" => lang.words().email,
        "grace_hours_normal" => lang.words().set_grace_normal,
        "grace_hours_high" => lang.words().set_grace_high,
        "case_alert_hours" => lang.words().set_case_alert,
        "vog_max_age_months" => lang.words().set_vog,
        "retention_months" => lang.words().set_retention,
        "password" => lang.words().password,
        other => return other.to_owned(),
    };
    named.to_owned()
}

/// Common Participatiewet instruments a case worker refers to (the law has no national code
/// list; the service stores the chosen text as the instrument).
pub const INSTRUMENTS: [&str; 7] = [
    "Werkfit-traject via het Werkgeversservicepunt",
    "Loonkostensubsidie (art. 10d Participatiewet)",
    "Jobcoaching",
    "Beschut werk (art. 10b Participatiewet)",
    "Participatieplaats (art. 10a Participatiewet)",
    "Sociale activering",
    "Taaltraject (taaleis, art. 18b Participatiewet)",
];

/// A weekday code (`mon` … `sun`) as a short word.
pub fn weekday(lang: Lang, code: &str) -> &'static str {
    let (nl, en) = match code {
        "mon" => ("ma", "Mon"),
        "tue" => ("di", "Tue"),
        "wed" => ("wo", "Wed"),
        "thu" => ("do", "Thu"),
        "fri" => ("vr", "Fri"),
        "sat" => ("za", "Sat"),
        _ => ("zo", "Sun"),
    };
    lang.pick(nl, en)
}

/// A weekday code (`mon` … `sun`) as its full name.
pub fn weekday_long(lang: Lang, code: &str) -> &'static str {
    let (nl, en) = match code {
        "mon" => ("maandag", "Monday"),
        "tue" => ("dinsdag", "Tuesday"),
        "wed" => ("woensdag", "Wednesday"),
        "thu" => ("donderdag", "Thursday"),
        "fri" => ("vrijdag", "Friday"),
        "sat" => ("zaterdag", "Saturday"),
        _ => ("zondag", "Sunday"),
    };
    lang.pick(nl, en)
}
