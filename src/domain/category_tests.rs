//! Unit tests of the category taxonomy: every row of docs/ARCHITECTURE.md §1 is checked here.

use super::*;

/// docs/ARCHITECTURE.md §1, transcribed: code, domains, vog, remote, closest formal (`iwmo:06`, or "").
const TABLE: [(&str, &str, bool, bool, &str); 20] = [
    ("boodschappen", "wmo", false, false, "iwmo:06"),
    ("huishouden", "wmo", false, false, "iwmo:01"),
    ("klussen", "wmo", false, false, "iwmo:06"),
    ("tuin", "wmo", false, false, "iwmo:06"),
    ("vervoer", "wmo,participatiewet", false, false, "iwmo:08"),
    ("gezelschap", "wmo", false, false, "iwmo:02"),
    ("telefoonmaatje", "wmo", false, true, "iwmo:02"),
    ("maaltijden", "wmo", false, false, "iwmo:06"),
    (
        "mantelzorgondersteuning",
        "wmo,jeugdwet",
        false,
        false,
        "iwmo:02",
    ),
    (
        "administratie",
        "wmo,participatiewet",
        false,
        true,
        "iwmo:02",
    ),
    (
        "digitale-hulp",
        "wmo,participatiewet",
        false,
        true,
        "iwmo:06",
    ),
    ("huisdieren", "wmo", false, false, ""),
    ("huiswerkbegeleiding", "jeugdwet", true, true, "ijw:45"),
    ("maatje-jongere", "jeugdwet", true, false, "ijw:45"),
    ("gezinsondersteuning", "jeugdwet", true, false, "ijw:45"),
    ("oppas", "jeugdwet", true, false, "ijw:45"),
    ("taalcoaching", "participatiewet", false, true, ""),
    ("sollicitatiehulp", "participatiewet", false, true, ""),
    ("werkfit-coaching", "participatiewet", false, false, ""),
    ("budgetcoaching", "participatiewet,wmo", false, true, ""),
];

#[test]
fn all_twenty_categories_are_present_in_table_order() {
    assert_eq!(Category::ALL.len(), 20);
    for (i, category) in Category::ALL.into_iter().enumerate() {
        assert_eq!(category as usize, i, "variant order matches ALL");
        assert_eq!(category.code(), TABLE[i].0);
    }
}

#[test]
fn every_row_of_the_design_table_matches() {
    for (code, domains, vog, remote, formal) in TABLE {
        let c = Category::parse(code).unwrap();
        let expected: Vec<LawDomain> = domains
            .split(',')
            .map(|d| LawDomain::parse(d).unwrap())
            .collect();
        assert_eq!(c.domains(), expected.as_slice(), "{code}");
        assert_eq!(c.requires_vog(), vog, "{code}");
        assert_eq!(c.remote_possible(), remote, "{code}");
        let actual = c.formal_category().map(|f| f.key()).unwrap_or_default();
        assert_eq!(actual, formal, "{code}");
        for domain in LawDomain::ALL {
            assert_eq!(c.belongs_to(domain), expected.contains(&domain), "{code}");
        }
        assert!(!c.name_nl().is_empty() && !c.name_en().is_empty());
    }
}

#[test]
fn codes_round_trip_through_parse_display_and_serde() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.code()), Ok(c));
        assert_eq!(c.to_string().parse::<Category>(), Ok(c));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{}\"", c.code()));
        assert_eq!(serde_json::from_str::<Category>(&json).unwrap(), c);
    }
}

#[test]
fn unknown_codes_are_rejected_with_a_suggestion_for_typos() {
    let error = Category::parse("digitale_hulp").unwrap_err();
    assert_eq!(error.field, "category");
    assert!(
        en(&error).contains("Did you mean digitale-hulp?"),
        "{error}"
    );
    let error = Category::parse("Boodschappen").unwrap_err();
    assert_eq!(error.params["suggestion"], "boodschappen", "{error}");
    let error = Category::parse("xyz").unwrap_err();
    assert!(en(&error).contains("list of categories"), "{error}");
    assert!(Category::parse("").is_err());
    assert!(serde_json::from_str::<Category>("\"digitale_hulp\"").is_err());
}

#[test]
fn law_domains_round_trip() {
    for d in LawDomain::ALL {
        assert_eq!(LawDomain::parse(d.as_str()), Ok(d));
        assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{d}\""));
    }
    assert_eq!(LawDomain::parse("WMO").unwrap_err().field, "domain");
}

#[test]
fn every_domain_has_categories_and_vog_implies_jeugdwet() {
    for d in LawDomain::ALL {
        assert!(Category::ALL.iter().any(|c| c.belongs_to(d)), "{d}");
    }
    for c in Category::ALL {
        if c.requires_vog() {
            assert!(c.belongs_to(LawDomain::Jeugdwet), "{c}");
        }
    }
}

#[test]
fn category_info_serializes_for_the_categories_endpoint() {
    let json = serde_json::to_value(Category::DigitaleHulp.info()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "code": "digitale-hulp",
            "name_nl": "Digitale hulp",
            "name_en": "Computer and phone help",
            "domains": ["wmo", "participatiewet"],
            "requires_vog": false,
            "remote_possible": true,
            "formal_category": {
                "standard": "iwmo",
                "code": "06",
                "label": "Overige ondersteuning gericht op het individu of huishouden/gezin"
            }
        })
    );
    let none = serde_json::to_value(Category::Huisdieren.info()).unwrap();
    assert_eq!(none["formal_category"], serde_json::Value::Null);
}

#[test]
fn taxonomy_version_is_year_dot_revision() {
    let (year, revision) = TAXONOMY_VERSION.split_once('.').unwrap();
    assert_eq!(year.len(), 4);
    assert!(year.parse::<u16>().is_ok() && revision.parse::<u16>().is_ok());
}

/// The error's message as an English reader sees it.
fn en(error: &crate::domain::FieldError) -> String {
    crate::i18n::field_message(crate::domain::Language::En, error)
}
