//! The workplace's words, one table per language: Dutch first (B1, like a good municipal
//! letter), English on request. Templates print fields of [`Words`]; sentences with numbers
//! are the functions below. Nothing worded lives in the templates themselves, so the tables
//! can move to a message catalogue as they are.

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Nederlands.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// From a `lang` value: `en` is English, anything else Dutch.
    pub fn parse(code: &str) -> Self {
        if code.eq_ignore_ascii_case("en") {
            Self::En
        } else {
            Self::Nl
        }
    }

    /// The `<html lang>` and cookie value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::En => "en",
        }
    }

    /// The other language, offered in the header.
    pub fn other(self) -> Self {
        match self {
            Self::Nl => Self::En,
            Self::En => Self::Nl,
        }
    }

    /// The words of this language.
    pub fn words(self) -> &'static Words {
        match self {
            Self::Nl => &NL,
            Self::En => &EN,
        }
    }

    /// Picks the Dutch or the English text.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Nl => nl,
            Self::En => en,
        }
    }
}

macro_rules! words {
    ($($field:ident: $nl:literal / $en:literal,)+) => {
        /// Every fixed text of the workplace.
        #[derive(Debug)]
        pub struct Words { $(#[doc = $nl] pub $field: &'static str,)+ }
        /// Nederlands.
        pub static NL: Words = Words { $($field: $nl,)+ };
        /// English.
        pub static EN: Words = Words { $($field: $en,)+ };
    };
}
pub(super) use words;

words! {
    this_language: "Nederlands" / "English",
    switch_language: "English" / "Nederlands",
    skip_link: "Naar de inhoud" / "Skip to content",
    app_name: "Hulpmarkt werkplek" / "Hulpmarkt workplace",
    main_nav: "Hoofdmenu" / "Main menu",
    nav_queue: "Wachtrij" / "Queue",
    nav_dashboard: "Cijfers" / "Figures",
    nav_intake: "Telefonische aanvragen" / "Requests by phone",
    nav_admin: "Beheer" / "Administration",
    admin_title: "Beheer van de gemeente" / "Municipality administration",
    settings_title: "Instellingen" / "Settings",
    set_grace_normal: "Uren wachten voordat een gewone hulpvraag naar de gemeente gaat" / "Hours before a normal request goes to the municipality",
    set_grace_high: "Uren wachten voordat een dringende hulpvraag naar de gemeente gaat" / "Hours before an urgent request goes to the municipality",
    set_case_alert: "Uren voordat consulenten een herinnering krijgen over een zaak die niemand oppakt" / "Hours before case workers are reminded of a case nobody takes",
    set_vog: "Maanden dat een VOG geldig blijft" / "Months a VOG stays valid",
    set_retention: "Maanden voordat afgeronde hulpvragen worden geanonimiseerd" / "Months before finished requests are anonymised",
    set_details: "De titel van een hulpvraag mag in e-mails en webhooks staan" / "A request's title may appear in e-mails and webhooks",
    set_save: "Instellingen opslaan" / "Save settings",
    staff_title: "Medewerkers van de gemeente" / "The municipality's staff",
    col_name: "Naam" / "Name",
    col_roles: "Rollen" / "Roles",
    col_active: "Actief" / "Active",
    col_change: "Wijzigen" / "Change",
    staff_off: "Account uitzetten" / "Switch account off",
    staff_on: "Account weer aanzetten" / "Switch account on again",
    staff_hint: "Een uitgezet account kan niet meer inloggen; de zaken van die medewerker gaan terug naar de wachtrij." / "A switched-off account can no longer sign in; that person's cases go back to the queue.",
    role_case_worker: "Consulent" / "Case worker",
    role_admin: "Beheerder" / "Administrator",
    dash_title: "Cijfers van de gemeente" / "The municipality's figures",
    dash_period: "Periode" / "Period",
    dash_from: "Vanaf (jjjj-mm-dd)" / "From (yyyy-mm-dd)",
    dash_to: "Tot en met (jjjj-mm-dd)" / "Up to and including (yyyy-mm-dd)",
    dash_show: "Toon cijfers" / "Show figures",
    dash_csv: "Download deze cijfers als CSV" / "Download these figures as CSV",
    dash_totals: "In het kort" / "In short",
    dash_requests: "Hulpvragen in de periode" / "Requests in the period",
    dash_matched: "Geholpen door een vrijwilliger" / "Helped by a volunteer",
    dash_median: "Tijd tot een vrijwilliger ja zei (mediaan)" / "Time until a volunteer said yes (median)",
    dash_escalated: "Naar de gemeente gegaan" / "Escalated to the municipality",
    dash_cases_opened: "Zaken geopend in de periode" / "Cases opened in the period",
    dash_to_claim: "Tijd tot een consulent de zaak oppakte (mediaan)" / "Time until a case worker took the case (median)",
    dash_to_resolve: "Tijd tot het besluit (mediaan)" / "Time until the decision (median)",
    dash_by_domain: "Hulpvragen per wet en status" / "Requests per law and status",
    dash_by_reason: "Zaken per reden" / "Cases per reason",
    dash_supply: "Aanbod en vraag per soort hulp" / "Supply and demand per kind of help",
    dash_offers: "Actief aanbod" / "Active offers",
    dash_waiting: "Wachtende hulpvragen" / "Requests waiting",
    dash_map: "Kaart: wachtende hulpvragen per postcode" / "Map: requests waiting per postcode",
    dash_map_hint: "Elke grijze stip is een postcodegebied van de gemeente; een rode cirkel toont hoeveel hulpvragen daar nog wachten. Dezelfde cijfers staan in de tabel eronder." / "Each grey dot is a postcode area of the municipality; a red circle shows how many requests still wait there. The table below has the same figures.",
    dash_none: "Geen" / "None",
    dash_trend: "Open zaken door de tijd" / "Open cases over time",
    dash_trend_hint: "Hoeveel zaken aan het eind van elke week nog open waren, per wet en per reden. Het staafdiagram toont het totaal; de tabellen eronder hebben dezelfde cijfers." / "How many cases were still open at the end of each week, per law and per reason. The bar chart shows the total; the tables below have the same figures.",
    dash_trend_domain: "Open zaken per wet" / "Open cases per law",
    dash_trend_reason: "Open zaken per reden" / "Open cases per reason",
    dash_day: "Eind van de dag" / "End of day",
    dash_total: "Totaal" / "Total",
    count: "Aantal" / "Number",
    log_out: "Uitloggen" / "Sign out",
    signed_in_as: "Ingelogd als" / "Signed in as",
    municipality: "Gemeente" / "Municipality",
    login_title: "Inloggen" / "Sign in",
    login_intro: "Log in met het e-mailadres en het wachtwoord van uw account als consulent van de gemeente." / "Sign in with the e-mail address and password of your municipal case-worker account.",
    email: "E-mailadres" / "E-mail address",
    password: "Wachtwoord" / "Password",
    login_button: "Inloggen" / "Sign in",
    login_wrong: "Het e-mailadres of het wachtwoord klopt niet. Controleer ze en probeer het opnieuw." / "The e-mail address or the password is not correct. Check them and try again.",
    login_refused: "Deze werkplek is alleen voor consulenten van een gemeente. Met dit account kunt u hier niet inloggen. Bent u inwoner of vrijwilliger? Gebruik dan de app van Hulpmarkt." / "This workplace is for municipal case workers only. You cannot sign in here with this account. Are you a resident or a volunteer? Please use the Hulpmarkt app.",
    login_too_many: "U heeft het te vaak geprobeerd. Wacht een minuut en probeer het dan opnieuw." / "Too many attempts. Wait a minute and try again.",
    session_expired: "U was een tijd niet actief, of uw sessie is beëindigd. Log opnieuw in." / "You were inactive for a while, or your session was ended. Please sign in again.",
    logged_out: "U bent uitgelogd." / "You have signed out.",
    queue_title: "Wachtrij van zaken" / "Case queue",
    filters: "Filteren en zoeken" / "Filter and search",
    f_domain: "Wet" / "Law",
    f_category: "Soort hulp" / "Kind of help",
    f_reason: "Reden" / "Reason",
    f_status: "Status" / "Status",
    f_pc4: "Postcode (4 cijfers)" / "Postcode (4 digits)",
    f_mine: "Alleen zaken die ik behandel" / "Only cases I handle",
    f_search: "Zoek op titel of zaaknummer" / "Search by title or case number",
    any_unresolved: "Alle open zaken" / "All unresolved cases",
    any: "Alle" / "All",
    apply: "Toon zaken" / "Show cases",
    reset: "Filters wissen" / "Clear filters",
    col_case: "Zaak" / "Case",
    col_request: "Hulpvraag" / "Request",
    col_pc4: "Postcode" / "Postcode",
    col_urgency: "Urgentie" / "Urgency",
    col_waiting: "Wacht al" / "Waiting",
    col_handler: "Behandelaar" / "Handled by",
    title_hidden: "Titel verborgen (geen toestemming)" / "Title hidden (no consent)",
    nobody: "Niemand" / "Nobody",
    you: "U" / "You",
    queue_empty: "Er zijn geen zaken die bij deze filters passen." / "No cases match these filters.",
    pagination: "Pagina's" / "Pages",
    previous: "Vorige pagina" / "Previous page",
    next: "Volgende pagina" / "Next page",
    case_title: "Zaak" / "Case",
    sec_request: "De hulpvraag" / "The request",
    sec_actions: "Behandelen" / "Handle",
    sec_history: "Geschiedenis van de hulpvraag" / "History of the request",
    sec_suggestions: "Vrijwilligers die bijna passen" / "Volunteers who nearly fit",
    sec_notes: "Notities" / "Notes",
    sec_resolve: "Zaak afronden" / "Resolve the case",
    sec_outcome: "Besluit" / "Decision",
    consent_none: "De inwoner heeft geen toestemming gegeven om de hulpvraag aan de gemeente te laten zien. U ziet daarom alleen de wet, de soort hulp, de postcode, de urgentie en de wachttijd." / "The resident did not consent to the municipality seeing the request. You therefore see only the law, the kind of help, the postcode, the urgency and the waiting time.",
    l_title: "Titel" / "Title",
    l_description: "Omschrijving" / "Description",
    l_requester: "Inwoner" / "Resident",
    l_phone: "Telefoon" / "Phone",
    l_minor: "Gaat over een kind (jonger dan 18)" / "Involves a child (under 18)",
    l_remote: "Hulp op afstand is goed" / "Remote help is fine",
    l_max_distance: "Maximale afstand" / "Maximum distance",
    l_opened: "Zaak geopend op" / "Case opened on",
    l_claimed: "In behandeling sinds" / "Being handled since",
    yes: "ja" / "yes",
    no: "nee" / "no",
    not_set: "niet opgegeven" / "not given",
    claim: "Zaak oppakken" / "Take this case",
    release: "Terugzetten in de wachtrij" / "Put back in the queue",
    handover: "Overdragen" / "Hand over",
    handover_to: "Overdragen aan collega" / "Hand over to colleague",
    no_colleagues: "Er is geen andere consulent in uw gemeente om de zaak aan over te dragen." / "There is no other case worker in your municipality to hand the case to.",
    takeover: "Zaak overnemen" / "Take over this case",
    takeover_reason: "Reden van overnemen" / "Reason for taking over",
    note: "Notitie" / "Note",
    note_hint: "Alleen voor collega's van de gemeente. Schrijf geen gegevens die u niet nodig heeft." / "For municipal colleagues only. Do not write down data you do not need.",
    note_add: "Notitie toevoegen" / "Add note",
    notes_empty: "Nog geen notities." / "No notes yet.",
    out_assigned: "Koppelen aan een vrijwilliger" / "Assign a volunteer",
    out_referred: "Doorverwijzen naar formele zorg" / "Refer to formal care",
    out_returned: "Terugzetten op de hulpmarkt" / "Return to the marketplace",
    out_closed: "Zaak sluiten" / "Close the case",
    l_offer: "Aanbod van de vrijwilliger" / "Volunteer's offer",
    no_offers: "Er is geen aanbod dat bijna past. Koppelen kan daarom nu niet." / "There is no offer that nearly fits, so assigning is not possible now.",
    l_formal: "Productcategorie" / "Product category",
    l_instrument: "Instrument (Participatiewet)" / "Instrument (Participatiewet)",
    l_wider: "Nieuwe maximale afstand in km (mag leeg)" / "New maximum distance in km (optional)",
    l_resident_note: "Uitleg voor de inwoner" / "Explanation for the resident",
    l_resident_note_optional: "Uitleg voor de inwoner (mag leeg)" / "Explanation for the resident (optional)",
    resolve: "Afronden" / "Resolve",
    choose: "Kies…" / "Choose…",
    hist_empty: "Er zijn nog geen vrijwilligers voorgesteld." / "No volunteers have been proposed yet.",
    col_proposed: "Voorgesteld op" / "Proposed on",
    col_answered: "Beantwoord op" / "Answered on",
    col_ended: "Gestopt op" / "Ended on",
    col_by: "Voorgesteld door" / "Proposed by",
    col_volunteer: "Vrijwilliger" / "Volunteer",
    col_offer: "Aanbod" / "Offer",
    col_area: "Postcode" / "Postcode",
    col_distance: "Afstand" / "Distance",
    col_gives: "Wat moet wijken" / "What must give",
    col_times: "Tijden" / "Times",
    col_load: "Bezet" / "Load",
    not_shown: "niet getoond" / "not shown",
    fits: "Past zoals het is" / "Fits as it is",
    any_time: "elk moment" / "any time",
    remote_too: "ook op afstand" / "remote too",
    audit_link: "Logboek van deze zaak" / "Audit trail of this case",
    audit_title: "Logboek van de zaak" / "Audit trail of the case",
    audit_intro: "Alles wat met deze zaak en de hulpvraag is gedaan, het oudste eerst. Ook dat u dit logboek bekijkt, wordt vastgelegd." / "Everything done with this case and its request, oldest first. Viewing this audit trail is recorded too.",
    col_when: "Wanneer" / "When",
    col_who: "Wie" / "Who",
    col_role: "Rol" / "Role",
    col_what: "Wat" / "What",
    col_detail: "Bijzonderheden" / "Details",
    system: "Systeem" / "System",
    back_to_case: "Terug naar de zaak" / "Back to the case",
    back_to_queue: "Terug naar de wachtrij" / "Back to the queue",
    conflict: "Iemand anders was u voor. De zaak is intussen veranderd; hieronder ziet u hoe hij nu is." / "Someone else got there first. The case changed meanwhile; below is how it is now.",
    done: "Gelukt." / "Done.",
    err_title: "Dat lukte niet" / "That did not work",
    err_404: "Deze pagina of zaak bestaat niet, of hoort niet bij uw gemeente." / "This page or case does not exist, or does not belong to your municipality.",
    err_403: "Dit formulier is verlopen of niet vanuit de werkplek verstuurd. Ga terug, laad de pagina opnieuw en probeer het nog eens." / "This form has expired or was not sent from the workplace. Go back, reload the page and try again.",
    err_field: "Een veld is niet goed ingevuld:" / "A field is not filled in correctly:",
    err_busy: "De werkplek is even erg druk. Probeer het over een paar seconden opnieuw." / "The workplace is very busy. Please try again in a few seconds.",
    err_internal: "Er ging iets mis aan onze kant. Dat is vastgelegd. Probeer het later opnieuw." / "Something went wrong on our side. It has been logged. Please try again later.",
}

/// A waiting time as people say it: "5 minuten", "3 uur", "4 dagen".
pub fn waited(lang: Lang, minutes: i64) -> String {
    let m = minutes.max(0);
    let (n, nl_one, nl_many, en) = if m < 60 {
        (m, "minuut", "minuten", "minute")
    } else if m < 48 * 60 {
        (m / 60, "uur", "uur", "hour")
    } else {
        (m / (24 * 60), "dag", "dagen", "day")
    };
    match lang {
        Lang::Nl => format!("{n} {}", if n == 1 { nl_one } else { nl_many }),
        Lang::En => format!("{n} {en}{}", if n == 1 { "" } else { "s" }),
    }
}

/// "12 zaken" / "12 cases".
pub fn case_count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Nl, 1) => "1 zaak".into(),
        (Lang::Nl, n) => format!("{n} zaken"),
        (Lang::En, 1) => "1 case".into(),
        (Lang::En, n) => format!("{n} cases"),
    }
}

/// "Pagina 2 van 5".
pub fn page_of(lang: Lang, page: usize, pages: usize) -> String {
    match lang {
        Lang::Nl => format!("Pagina {page} van {pages}"),
        Lang::En => format!("Page {page} of {pages}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_times_read_as_people_say_them() {
        assert_eq!(waited(Lang::Nl, 1), "1 minuut");
        assert_eq!(waited(Lang::Nl, 59), "59 minuten");
        assert_eq!(waited(Lang::Nl, 5 * 60 + 10), "5 uur");
        assert_eq!(waited(Lang::Nl, 47 * 60), "47 uur");
        assert_eq!(waited(Lang::Nl, 3 * 24 * 60 + 100), "3 dagen");
        assert_eq!(waited(Lang::En, 60), "1 hour");
        assert_eq!(waited(Lang::En, 49 * 60), "2 days");
        assert_eq!(waited(Lang::En, -5), "0 minutes");
    }

    #[test]
    fn both_tables_fill_every_field() {
        for words in [&NL, &EN] {
            assert!(!words.login_title.is_empty() && !words.conflict.is_empty());
        }
        assert_eq!(Lang::parse("EN"), Lang::En);
        assert_eq!(Lang::parse("fr"), Lang::Nl);
    }
}
