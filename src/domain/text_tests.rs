//! Unit tests of the text and contact types.

use super::*;

#[test]
fn title_is_trimmed_and_three_to_120_chars() {
    assert_eq!(Title::parse("  Hulp  ").unwrap().as_str(), "Hulp");
    assert!(Title::parse("abc").is_ok());
    assert_eq!(Title::parse(" ab ").unwrap_err().field, "title");
    assert!(Title::parse(&"a".repeat(120)).is_ok());
    let e = Title::parse(&"a".repeat(121)).unwrap_err();
    assert!(en(&e).contains("at most 120"), "{e}");
    // Characters, not bytes: 120 × 'é' is 240 bytes and still fine.
    assert!(Title::parse(&"é".repeat(120)).is_ok());
    assert!(Title::parse(&"é".repeat(121)).is_err());
}

#[test]
fn single_line_texts_refuse_line_breaks_and_control_characters() {
    for bad in [
        "Eerste\nregel",
        "tab\there",
        "bel\u{7}",
        "nul\0byte",
        "rlo\u{202E}gnp.exe",
    ] {
        assert_eq!(Title::parse(bad).unwrap_err().field, "title", "{bad:?}");
        assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn description_allows_line_breaks_and_tabs_up_to_10000_chars() {
    let d = Description::parse("Regel één\r\n\tRegel twee\n").unwrap();
    assert_eq!(d.as_str(), "Regel één\n\tRegel twee");
    assert!(Description::parse("").is_ok());
    assert!(Description::parse(&"x".repeat(10_000)).is_ok());
    let e = Description::parse(&"x".repeat(10_001)).unwrap_err();
    assert_eq!(e.field, "description");
    assert!(
        en(&e).contains("at most 10000") && e.params["max"] == 10_000,
        "{e}"
    );
    assert!(Description::parse("bel\u{7}").is_err());
    assert!(Description::parse("escape \u{1b}[31m").is_err());
}

#[test]
fn note_is_zero_to_1000_chars() {
    assert!(Note::parse("").is_ok());
    assert!(Note::parse(&"ä".repeat(1_000)).is_ok());
    let e = Note::parse(&"ä".repeat(1_001)).unwrap_err();
    assert_eq!(e.at("resolution_note").field, "resolution_note");
}

#[test]
fn display_name_is_one_to_80_chars() {
    assert_eq!(
        DisplayName::parse("  Anna de Vries ").unwrap().as_str(),
        "Anna de Vries"
    );
    assert_eq!(
        en(&DisplayName::parse("   ").unwrap_err()),
        "Please fill this in."
    );
    assert!(DisplayName::parse(&"n".repeat(80)).is_ok());
    assert!(DisplayName::parse(&"n".repeat(81)).is_err());
}

#[test]
fn text_serde_is_a_plain_string_and_validates() {
    let t = Title::parse("Boodschappen").unwrap();
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"Boodschappen\"");
    assert_eq!(
        serde_json::from_str::<Title>("\" Boodschappen \"").unwrap(),
        t
    );
    assert!(serde_json::from_str::<Title>("\"ab\"").is_err());
}

#[test]
fn emails_are_lower_cased_and_checked() {
    let e = Email::parse("  Anna.de-Vries+hulp@Example.NL ").unwrap();
    assert_eq!(e.as_str(), "anna.de-vries+hulp@example.nl");
    for ok in [
        "a@b.nl",
        "x_y@sub.domain.gemeente.nl",
        "o'brien@example.ie",
        "a@xn--bcher-kva.de",
    ] {
        assert!(Email::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "anna",
        "anna@",
        "@example.nl",
        "anna@example",
        "anna@@example.nl",
        "a@b@c.nl",
        ".anna@example.nl",
        "anna.@example.nl",
        "an..na@example.nl",
        "anna@-example.nl",
        "anna@example-.nl",
        "anna@example..nl",
        "anna@example.n1",
        "anna@example.n",
        "an na@example.nl",
        "anna@exa mple.nl",
        "änna@example.nl",
        "anna@bücher.de",
        "\"anna\"@example.nl",
        "anna@[127.0.0.1]",
    ] {
        assert_eq!(Email::parse(bad).unwrap_err().field, "email", "{bad:?}");
    }
    let local = "a".repeat(65);
    assert!(Email::parse(&format!("{local}@example.nl")).is_err());
    let long_domain = format!("{}.nl", ["abcdefghij"; 23].join("."));
    assert!(
        Email::parse(&format!("anna@{long_domain}")).is_err(),
        "over 254"
    );
}

#[test]
fn phones_are_normalised_without_spaces_and_hyphens() {
    let cases = [
        ("06-12345678", "0612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("030 - 123 45 67", "0301234567"),
        (" +44 20 7946 0958 ", "+442079460958"),
    ];
    for (raw, normal) in cases {
        assert_eq!(Phone::parse(raw).unwrap().as_str(), normal, "{raw}");
    }
    for bad in [
        "",
        "1234567",
        "06 1234 567a",
        "(030) 1234567",
        "+31+612345678",
        "0031-6-1234-5678-901234567",
        "++31612345678",
    ] {
        assert_eq!(Phone::parse(bad).unwrap_err().field, "phone", "{bad}");
    }
    assert!(Phone::parse("12345678").is_ok());
    assert!(Phone::parse(&"1".repeat(20)).is_ok());
    assert!(Phone::parse(&"1".repeat(21)).is_err());
}

#[test]
fn passwords_need_10_to_128_chars_and_are_not_trimmed() {
    assert!(Password::parse("korte9!").is_err());
    assert!(Password::parse("Paard-Batterij-Niet").is_ok());
    assert_eq!(
        Password::parse("  spaties  ").unwrap().expose(),
        "  spaties  "
    );
    assert!(
        Password::parse(&"ğ".repeat(10)).is_ok(),
        "ten chars, twenty bytes"
    );
    assert!(Password::parse(&"x7".repeat(64)).is_ok());
    assert_eq!(
        Password::parse(&"x7".repeat(65)).unwrap_err().field,
        "password"
    );
}

#[test]
fn common_passwords_are_refused_ignoring_case() {
    for common in [
        "password123",
        "1234567890",
        "qwertyuiop",
        "wachtwoord1",
        "welkom1234",
        "WachtWoord123",
        "QWERTYUIOP",
    ] {
        let e = Password::parse(common).unwrap_err();
        assert!(en(&e).contains("used very often"), "{common}");
    }
}

#[test]
fn the_common_password_list_is_long_lower_case_and_unique() {
    let entries: Vec<&str> = contact::COMMON_PASSWORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect();
    assert!(entries.len() >= 300, "{}", entries.len());
    let mut seen = std::collections::HashSet::new();
    for entry in &entries {
        assert!(entry.chars().count() >= 10, "{entry}");
        assert_eq!(*entry, entry.to_lowercase(), "{entry}");
        assert_eq!(*entry, entry.trim(), "{entry:?}");
        assert!(seen.insert(*entry), "duplicate {entry}");
    }
}

#[test]
fn passwords_do_not_leak_through_debug_and_deserialize_validates() {
    let p = Password::parse("Paard-Batterij-Niet").unwrap();
    assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    assert!(serde_json::from_str::<Password>("\"password123\"").is_err());
    assert!(serde_json::from_str::<Password>("\"Paard-Batterij-Niet\"").is_ok());
}

/// The error's message as an English reader sees it.
fn en(error: &crate::domain::FieldError) -> String {
    crate::i18n::field_message(crate::domain::Language::En, error)
}
