use std::collections::BTreeSet;

use serde_json::{json, Value as Json};

use super::*;

const SECRET_TITLE: &str = "Boodschappen voor mevrouw Verborgen";

/// A context for `kind` with every variable the brief gives it.
fn sample(kind: &str, name: &str, title: Option<&str>) -> Json {
    let mut context = json!({
        "name": name,
        "app_url": "https://hulpmarkt.example.nl/app",
        "category": "Boodschappen",
        "title": title,
    });
    let extra = match kind {
        "proposal_made" | "proposal_reminder" => {
            json!({"expires_at": "vrijdag 4 december om 15:30"})
        }
        "proposal_accepted" => json!({"volunteer_name": "Sanne"}),
        "match_cancelled" => json!({"by": "volunteer"}),
        "recorded_request_update" => json!({"event": "accepted"}),
        "still_need_help" => json!({"days_open": 7}),
        "request_escalated" => json!({"reason": "no_candidates"}),
        "safeguarding_alert" => json!({"reason": "vog_revoked"}),
        "case_handed_over" => {
            json!({"case_number": "Z-2026-0042", "urgency": "high", "how": "handover"})
        }
        "case_opened" | "case_waiting" => {
            json!({"case_number": "Z-2026-0042", "urgency": "high", "waiting_days": 3})
        }
        "case_resolved" => {
            json!({"outcome": "referred", "formal_label": "Hulp bij het huishouden"})
        }
        "vog_expiring" => json!({"expires_on": "maandag 4 januari 2027"}),
        "password_reset" => {
            json!({"link": "https://hulpmarkt.example.nl/app/password-reset?token=AbC-_1"})
        }
        "verify_email" => {
            json!({"link": "https://hulpmarkt.example.nl/app/verify-email?token=AbC-_1"})
        }
        "digest" => json!({"items": [
            {"subject": "Wilt u iemand helpen?", "text": "Er is een hulpvraag.\n\nGeef uw antwoord."},
            {"subject": "De hulp is klaar", "text": "Bedankt!"},
        ]}),
        _ => json!({}),
    };
    for (key, value) in extra.as_object().unwrap() {
        context[key] = value.clone();
    }
    context
}

fn has_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

#[test]
fn every_kind_renders_in_both_languages_with_and_without_a_title() {
    for &kind in KINDS {
        for &language in Language::ALL {
            for title in [None, Some(SECRET_TITLE)] {
                let context = sample(kind, "Jan de Vries", title);
                let rendered = render(kind, language, &context)
                    .unwrap_or_else(|e| panic!("{kind}/{language}: {e:#}"));
                let what = format!("{kind}/{language}/title={}", title.is_some());
                assert!(!rendered.subject.is_empty(), "{what}: empty subject");
                assert!(!rendered.subject.contains('\n'), "{what}: {rendered:?}");
                assert!(
                    !rendered.subject.contains("Verborgen"),
                    "{what}: title in subject"
                );
                assert!(!has_tag(&rendered.text), "{what}: tag in text");
                assert!(!rendered.text.contains("{{") && !rendered.text.contains("{%"));
                assert!(
                    !rendered.text.contains("\n\n\n"),
                    "{what}: {}",
                    rendered.text
                );
                assert!(rendered.text.ends_with('\n') && !rendered.text.ends_with("\n\n"));
                assert!(rendered.text.contains("Jan de Vries"), "{what}");
                assert!(rendered.html.starts_with("<!DOCTYPE html>"), "{what}");
                assert!(
                    rendered
                        .html
                        .contains(&format!("<html lang=\"{}\">", language.as_str())),
                    "{what}"
                );
                // minijinja escapes '/' as &#x2f;, which the mail client reads back as '/'.
                let html = rendered.html.replace("&#x2f;", "/");
                assert!(html.contains("<a href=\"https://hulpmarkt.example.nl/app\""));
                assert!(!rendered.html.contains("{{") && !rendered.html.contains("{%"));
            }
        }
    }
}

#[test]
fn html_escapes_what_people_typed_and_text_keeps_it() {
    let name = "<script>alert(1)</script>";
    for &kind in KINDS {
        for &language in Language::ALL {
            let context = sample(kind, name, Some("<b>tuin</b> & \"heg\""));
            let rendered = render(kind, language, &context).unwrap();
            assert!(!rendered.html.contains("<script>"), "{kind}/{language}");
            assert!(
                rendered.html.contains("&lt;script&gt;"),
                "{kind}/{language}"
            );
            assert!(!rendered.html.contains("<b>tuin"), "{kind}/{language}");
            assert!(rendered.text.contains(name), "{kind}/{language}");
        }
    }
}

#[test]
fn the_title_appears_in_the_body_when_the_municipality_allows_it() {
    // Every kind about one request shows its title; digest, vog_expiring and the account's
    // own messages are not about one.
    let not_about_one = [
        "digest",
        "vog_expiring",
        "account_exists",
        "password_reset",
        "verify_email",
    ];
    for &kind in KINDS.iter().filter(|k| !not_about_one.contains(k)) {
        for &language in Language::ALL {
            let rendered =
                render(kind, language, &sample(kind, "Jan", Some(SECRET_TITLE))).unwrap();
            assert!(rendered.text.contains(SECRET_TITLE), "{kind}/{language}");
            assert!(rendered.html.contains(SECRET_TITLE), "{kind}/{language}");
        }
    }
}

#[test]
fn every_value_of_a_coded_variable_has_its_own_sentence() {
    let variants: &[(&str, &str, &[&str])] = &[
        ("match_cancelled", "by", &["resident", "volunteer", "staff"]),
        ("case_handed_over", "how", &["handover", "takeover"]),
        (
            "safeguarding_alert",
            "reason",
            &["vog_revoked", "suspended"],
        ),
        (
            "request_escalated",
            "reason",
            &[
                "no_candidates",
                "declined",
                "proposal_timeout",
                "urgent",
                "minor",
                "requested",
            ],
        ),
        (
            "case_resolved",
            "outcome",
            &["referred", "returned", "closed"],
        ),
        ("case_opened", "urgency", &["low", "normal", "high"]),
    ];
    for &(kind, variable, values) in variants {
        for &language in Language::ALL {
            let mut bodies = BTreeSet::new();
            for &value in values {
                let mut context = sample(kind, "Jan", None);
                context[variable] = json!(value);
                let rendered = render(kind, language, &context).unwrap();
                bodies.insert(rendered.text);
            }
            // An unknown code still renders (with a general sentence), and differs from all.
            let mut context = sample(kind, "Jan", None);
            context[variable] = json!("something_new");
            bodies.insert(render(kind, language, &context).unwrap().text);
            assert_eq!(
                bodies.len(),
                values.len() + 1,
                "{kind}.{variable}/{language}"
            );
        }
    }
}

#[test]
fn optional_values_may_be_null() {
    for &language in Language::ALL {
        let mut context = sample("case_resolved", "Jan", None);
        context["formal_label"] = Json::Null;
        context["app_url"] = Json::Null;
        let rendered = render("case_resolved", language, &context).unwrap();
        assert!(!rendered.html.contains("<a href"));
        assert!(!rendered.text.contains("http"));
    }
}

#[test]
fn counts_read_naturally() {
    let rendered = |days: i64, language| {
        let mut context = sample("still_need_help", "Jan", None);
        context["days_open"] = json!(days);
        render("still_need_help", language, &context).unwrap().text
    };
    assert!(rendered(1, Language::Nl).contains("nu 1 dag open"));
    assert!(rendered(8, Language::Nl).contains("nu 8 dagen open"));
    assert!(rendered(1, Language::En).contains("for 1 day."));
    assert!(rendered(8, Language::En).contains("for 8 days."));
    let mut context = sample("case_opened", "Consulent", None);
    context["waiting_days"] = json!(0);
    let text = render("case_opened", Language::Nl, &context).unwrap().text;
    assert!(
        text.contains("Urgentie: hoog\nWacht al: minder dan een dag\n"),
        "{text}"
    );
}

#[test]
fn dutch_messages_avoid_jargon() {
    for &kind in KINDS {
        let rendered = render(kind, Language::Nl, &sample(kind, "Jan", None)).unwrap();
        let all = format!("{}\n{}", rendered.subject, rendered.text).to_lowercase();
        for word in ["match", "escal", "notificatie", "kandida", "propos"] {
            assert!(!all.contains(word), "{kind}: '{word}' in {all}");
        }
    }
}

#[test]
fn a_missing_variable_is_an_error() {
    let mut context = sample("proposal_made", "Jan", None);
    context.as_object_mut().unwrap().remove("expires_at");
    let error = render("proposal_made", Language::Nl, &context).unwrap_err();
    assert!(
        matches!(&error, TemplateError::Render { template, .. } if template == "nl/proposal_made.txt"),
        "{error}"
    );
    let mut context = sample("proposal_made", "Jan", None);
    context.as_object_mut().unwrap().remove("title");
    assert!(render("proposal_made", Language::En, &context).is_err());
    assert!(matches!(
        render("no_such_kind", Language::Nl, &json!({})),
        Err(TemplateError::UnknownKind(_))
    ));
    assert!(matches!(
        render("digest", Language::Nl, &json!([1, 2])),
        Err(TemplateError::NotAnObject(_))
    ));
}

#[test]
fn the_text_has_greeting_body_and_closing() {
    let rendered = render(
        "proposal_made",
        Language::Nl,
        &sample("proposal_made", "Jan", None),
    )
    .unwrap();
    assert_eq!(rendered.subject, "Wilt u iemand helpen?");
    assert!(rendered
        .text
        .starts_with("Beste Jan,\n\nEr is een hulpvraag"));
    assert!(rendered
        .text
        .contains("vóór vrijdag 4 december om 15:30. Dat doet u in de app."));
    assert!(rendered.text.ends_with(
        "Hulpmarkt\n\nDit is een automatisch bericht. U kunt niet antwoorden op deze e-mail.\n"
    ));
    assert!(rendered
        .html
        .contains("<strong>vrijdag 4 december om 15:30</strong>"));
    assert!(rendered
        .html
        .contains("<title>Wilt u iemand helpen?</title>"));
}

#[test]
fn digest_lists_items_and_digest_items_are_bodies_only() {
    let item = digest_item(
        "proposal_declined",
        Language::Nl,
        &sample("proposal_declined", "Jan", None),
    )
    .unwrap();
    assert_eq!(item.subject, "Wij zoeken verder naar een vrijwilliger");
    assert!(item
        .text
        .starts_with("Wij hebben een vrijwilliger gevraagd"));
    assert!(!item.text.contains("Beste") && !item.text.contains("groet"));

    let mut context = sample("digest", "Jan", None);
    context["items"] = json!([item, {"subject": "Tweede", "text": "a < b"}]);
    let rendered = render("digest", Language::Nl, &context).unwrap();
    assert!(rendered
        .text
        .contains("1. Wij zoeken verder naar een vrijwilliger\n\nWij hebben"));
    assert!(rendered.text.contains("2. Tweede\n\na < b\n"));
    assert!(rendered
        .html
        .contains("<h2 style=\"font-size:18px; margin:24px 0 8px 0;\">Tweede</h2>"));
    assert!(rendered.html.contains(">a &lt; b</p>"));
    assert_eq!(
        rendered
            .html
            .matches("<p style=\"white-space:pre-line;\">")
            .count(),
        4
    );

    context["items"] = json!([]);
    let empty = render("digest", Language::En, &context).unwrap();
    assert!(empty.text.contains("Nothing new has happened"));
}

#[test]
fn the_template_directory_holds_exactly_the_kinds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/notifications");
    let expected: BTreeSet<String> = KINDS.iter().map(|k| k.to_string()).collect();
    assert_eq!(expected.len(), KINDS.len(), "a kind is listed twice");
    for &language in Language::ALL {
        for extension in ["txt", "html"] {
            let found: BTreeSet<String> = std::fs::read_dir(root.join(language.as_str()))
                .unwrap()
                .map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .filter(|file| !file.starts_with('_'))
                .filter_map(|file| {
                    file.strip_suffix(&format!(".{extension}"))
                        .map(str::to_owned)
                })
                .collect();
            assert_eq!(found, expected, "{language}/*.{extension}");
        }
        let others: Vec<String> = std::fs::read_dir(root.join(language.as_str()))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|file| !file.ends_with(".txt") && !file.ends_with(".html"))
            .collect();
        assert!(others.is_empty(), "unexpected files: {others:?}");
    }
    // Every embedded template is in the directory and the other way round.
    let mut on_disk = BTreeSet::new();
    for entry in walk(&root) {
        on_disk.insert(entry);
    }
    let embedded: BTreeSet<String> = SOURCES.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(embedded, on_disk);
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let dir = path.file_name().unwrap().to_str().unwrap().to_owned();
            for file in std::fs::read_dir(&path).unwrap() {
                let file = file.unwrap().file_name().into_string().unwrap();
                names.push(format!("{dir}/{file}"));
            }
        } else {
            names.push(path.file_name().unwrap().to_str().unwrap().to_owned());
        }
    }
    names
}

/// Every message as a person reads it, in both languages: a changed word shows up in review
/// (`cargo insta review`, or `INSTA_UPDATE=always cargo test --lib every_message`).
#[test]
fn every_message_reads_as_reviewed() {
    let mut all = String::new();
    for &kind in KINDS {
        for &language in Language::ALL {
            let rendered = render(kind, language, &sample(kind, "Jan", Some("Tuin"))).unwrap();
            all.push_str(&format!(
                "==== {kind}/{language}: {}\n{}\n",
                rendered.subject, rendered.text
            ));
        }
    }
    insta::assert_snapshot!(all);
}

#[test]
fn text_helpers_normalise_whitespace() {
    assert_eq!(one_line("  Nieuwe\n zaak  12 "), "Nieuwe zaak 12");
    assert_eq!(tidy_text("\n\na  \n\n\n\nb\n\n"), "a\n\nb\n");
    assert_eq!(
        paragraphs("een\ntwee\n\n\n drie \n".into()),
        vec!["een\ntwee", "drie"]
    );
}
