//! The three law domains and the fixed, versioned category taxonomy (docs/ARCHITECTURE.md §1).

use std::{fmt, str::FromStr};

use super::formal::{FormalCategory, FormalStandard};
use super::FieldError;

/// Version of the taxonomy below; bump it whenever a category is added or a row changes, so
/// stored data and clients can tell which table they were made with.
pub const TAXONOMY_VERSION: &str = "2026.1";

/// The law a help request falls under.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "lowercase")]
pub enum LawDomain {
    /// Wmo 2015: support at home for elderly, ill or disabled people.
    Wmo,
    /// Jeugdwet: youth and families.
    Jeugdwet,
    /// Participatiewet: work, income, taking part.
    Participatiewet,
}

impl LawDomain {
    /// All domains, in the order of docs/ARCHITECTURE.md.
    pub const ALL: [LawDomain; 3] = [Self::Wmo, Self::Jeugdwet, Self::Participatiewet];

    /// The wire and storage code: `wmo`, `jeugdwet`, `participatiewet`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wmo => "wmo",
            Self::Jeugdwet => "jeugdwet",
            Self::Participatiewet => "participatiewet",
        }
    }

    /// The name of the law as people write it.
    pub fn name_nl(self) -> &'static str {
        match self {
            Self::Wmo => "Wmo 2015",
            Self::Jeugdwet => "Jeugdwet",
            Self::Participatiewet => "Participatiewet",
        }
    }

    /// Parses a wire code; the error is reported on field `domain`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == input)
            .ok_or_else(|| {
                FieldError::of("domain", crate::domain::FieldErrorCode::UnknownValue)
                    .param("allowed", Self::ALL.map(|d| d.as_str()).to_vec())
            })
    }
}

impl fmt::Display for LawDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

super::stored::stored_as_text!(
    LawDomain,
    write = |v| v.as_str(),
    read = |code| LawDomain::parse(&code)
);

impl FromStr for LawDomain {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A kind of help, from the fixed taxonomy. The wire code is the kebab-case name
/// (`boodschappen`, `digitale-hulp`, `maatje-jongere`, …).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Groceries.
    Boodschappen,
    /// Light household help.
    Huishouden,
    /// Small jobs in and around the house.
    Klussen,
    /// Garden.
    Tuin,
    /// Transport, accompanying to appointments.
    Vervoer,
    /// Company, visits.
    Gezelschap,
    /// Telephone buddy.
    Telefoonmaatje,
    /// Meals.
    Maaltijden,
    /// Relief for informal carers.
    Mantelzorgondersteuning,
    /// Paperwork.
    Administratie,
    /// Computer and phone help (`digitale-hulp`).
    DigitaleHulp,
    /// Pets, walking the dog.
    Huisdieren,
    /// Homework support.
    Huiswerkbegeleiding,
    /// Buddy for a young person (`maatje-jongere`).
    MaatjeJongere,
    /// Support for a family.
    Gezinsondersteuning,
    /// Child-minding.
    Oppas,
    /// Dutch language coaching.
    Taalcoaching,
    /// Job applications, CV.
    Sollicitatiehulp,
    /// Getting ready for work (`werkfit-coaching`).
    WerkfitCoaching,
    /// Money and debts.
    Budgetcoaching,
}

/// One row of the taxonomy table.
struct Row {
    code: &'static str,
    name_nl: &'static str,
    name_en: &'static str,
    domains: &'static [LawDomain],
    requires_vog: bool,
    remote_possible: bool,
    formal: Option<(FormalStandard, &'static str)>,
}

use FormalStandard::{Ijw, Iwmo};
use LawDomain::{Jeugdwet, Participatiewet, Wmo};

#[rustfmt::skip] // one row per line reads like the table in docs/ARCHITECTURE.md §1
const ROWS: [Row; 20] = [
    Row { code: "boodschappen", name_nl: "Boodschappen", name_en: "Groceries", domains: &[Wmo], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "06")) },
    Row { code: "huishouden", name_nl: "Lichte hulp in het huishouden", name_en: "Light household help", domains: &[Wmo], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "01")) },
    Row { code: "klussen", name_nl: "Klussen in en om het huis", name_en: "Small jobs in and around the house", domains: &[Wmo], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "06")) },
    Row { code: "tuin", name_nl: "Tuin", name_en: "Garden", domains: &[Wmo], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "06")) },
    Row { code: "vervoer", name_nl: "Vervoer en begeleiding naar afspraken", name_en: "Transport and accompanying to appointments", domains: &[Wmo, Participatiewet], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "08")) },
    Row { code: "gezelschap", name_nl: "Gezelschap en bezoek", name_en: "Company and visits", domains: &[Wmo], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "02")) },
    Row { code: "telefoonmaatje", name_nl: "Telefoonmaatje", name_en: "Telephone buddy", domains: &[Wmo], requires_vog: false, remote_possible: true, formal: Some((Iwmo, "02")) },
    Row { code: "maaltijden", name_nl: "Maaltijden", name_en: "Meals", domains: &[Wmo], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "06")) },
    Row { code: "mantelzorgondersteuning", name_nl: "Mantelzorgondersteuning", name_en: "Relief for informal carers", domains: &[Wmo, Jeugdwet], requires_vog: false, remote_possible: false, formal: Some((Iwmo, "02")) },
    Row { code: "administratie", name_nl: "Administratie", name_en: "Paperwork", domains: &[Wmo, Participatiewet], requires_vog: false, remote_possible: true, formal: Some((Iwmo, "02")) },
    Row { code: "digitale-hulp", name_nl: "Digitale hulp", name_en: "Computer and phone help", domains: &[Wmo, Participatiewet], requires_vog: false, remote_possible: true, formal: Some((Iwmo, "06")) },
    Row { code: "huisdieren", name_nl: "Huisdieren en hond uitlaten", name_en: "Pets and walking the dog", domains: &[Wmo], requires_vog: false, remote_possible: false, formal: None },
    Row { code: "huiswerkbegeleiding", name_nl: "Huiswerkbegeleiding", name_en: "Homework support", domains: &[Jeugdwet], requires_vog: true, remote_possible: true, formal: Some((Ijw, "45")) },
    Row { code: "maatje-jongere", name_nl: "Maatje voor een jongere", name_en: "Buddy for a young person", domains: &[Jeugdwet], requires_vog: true, remote_possible: false, formal: Some((Ijw, "45")) },
    Row { code: "gezinsondersteuning", name_nl: "Gezinsondersteuning", name_en: "Support for a family", domains: &[Jeugdwet], requires_vog: true, remote_possible: false, formal: Some((Ijw, "45")) },
    Row { code: "oppas", name_nl: "Oppas", name_en: "Child-minding", domains: &[Jeugdwet], requires_vog: true, remote_possible: false, formal: Some((Ijw, "45")) },
    Row { code: "taalcoaching", name_nl: "Taalcoaching", name_en: "Dutch language coaching", domains: &[Participatiewet], requires_vog: false, remote_possible: true, formal: None },
    Row { code: "sollicitatiehulp", name_nl: "Sollicitatiehulp", name_en: "Job applications and CV", domains: &[Participatiewet], requires_vog: false, remote_possible: true, formal: None },
    Row { code: "werkfit-coaching", name_nl: "Werkfit-coaching", name_en: "Getting ready for work", domains: &[Participatiewet], requires_vog: false, remote_possible: false, formal: None },
    Row { code: "budgetcoaching", name_nl: "Budgetcoaching", name_en: "Money and debts", domains: &[Participatiewet, Wmo], requires_vog: false, remote_possible: true, formal: None },
];

impl Category {
    /// Every category, in taxonomy order (the order of docs/ARCHITECTURE.md §1).
    pub const ALL: [Category; 20] = [
        Self::Boodschappen,
        Self::Huishouden,
        Self::Klussen,
        Self::Tuin,
        Self::Vervoer,
        Self::Gezelschap,
        Self::Telefoonmaatje,
        Self::Maaltijden,
        Self::Mantelzorgondersteuning,
        Self::Administratie,
        Self::DigitaleHulp,
        Self::Huisdieren,
        Self::Huiswerkbegeleiding,
        Self::MaatjeJongere,
        Self::Gezinsondersteuning,
        Self::Oppas,
        Self::Taalcoaching,
        Self::Sollicitatiehulp,
        Self::WerkfitCoaching,
        Self::Budgetcoaching,
    ];

    fn row(self) -> &'static Row {
        // `ALL` and `ROWS` are in the same order, and the variants are declared in that order
        // too; a unit test checks all three line up.
        &ROWS[self as usize]
    }

    /// The stable wire and storage code, e.g. `digitale-hulp`.
    pub fn code(self) -> &'static str {
        self.row().code
    }

    /// Dutch name for display.
    pub fn name_nl(self) -> &'static str {
        self.row().name_nl
    }

    /// English name for display.
    pub fn name_en(self) -> &'static str {
        self.row().name_en
    }

    /// The law domains this category belongs to; the first is its main domain.
    pub fn domains(self) -> &'static [LawDomain] {
        self.row().domains
    }

    /// Whether a request in this category may only go to a volunteer with a valid VOG.
    pub fn requires_vog(self) -> bool {
        self.row().requires_vog
    }

    /// Whether this help can be given without proximity (phone, video).
    pub fn remote_possible(self) -> bool {
        self.row().remote_possible
    }

    /// The closest national productcategorie a case worker would refer to, if any.
    pub fn formal_category(self) -> Option<FormalCategory> {
        let (standard, code) = self.row().formal?;
        FormalCategory::find(standard, code)
    }

    /// Whether a request in `domain` may use this category.
    pub fn belongs_to(self, domain: LawDomain) -> bool {
        self.domains().contains(&domain)
    }

    /// Parses a wire code exactly; the error is reported on field `category` and suggests the
    /// closest code when the input looks like a typo.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        if let Some(category) = Self::ALL.into_iter().find(|c| c.code() == input) {
            return Ok(category);
        }
        let closest = Self::ALL
            .into_iter()
            .map(|c| (strsim::jaro_winkler(&input.to_lowercase(), c.code()), c))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(similarity, _)| *similarity >= 0.85);
        Err(match closest {
            Some((_, c)) => FieldError::new(
                "category",
                crate::msg!("field-category-suggestion", suggestion = c.code()),
            )
            .code(crate::domain::FieldErrorCode::UnknownValue)
            .param("suggestion", c.code()),
            None => FieldError::new("category", crate::msg!("field-category-unknown"))
                .code(crate::domain::FieldErrorCode::UnknownValue),
        })
    }

    /// The public description of this category, as listed by `GET /api/v1/categories`.
    pub fn info(self) -> CategoryInfo {
        CategoryInfo {
            code: self,
            name_nl: self.name_nl(),
            name_en: self.name_en(),
            domains: self.domains().to_vec(),
            requires_vog: self.requires_vog(),
            remote_possible: self.remote_possible(),
            formal_category: self.formal_category(),
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

super::stored::stored_as_text!(
    Category,
    write = |v| v.code(),
    read = |code| Category::parse(&code)
);

impl FromStr for Category {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// One entry of `GET /api/v1/categories`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CategoryInfo {
    /// The stable code, e.g. `digitale-hulp`.
    pub code: Category,
    /// Dutch name.
    #[schema(example = "Digitale hulp")]
    pub name_nl: &'static str,
    /// English name.
    #[schema(example = "Computer and phone help")]
    pub name_en: &'static str,
    /// The law domains a request in this category may have.
    pub domains: Vec<LawDomain>,
    /// Only volunteers with a recorded, recent VOG may be matched.
    pub requires_vog: bool,
    /// Help can be given at a distance when both sides allow it.
    pub remote_possible: bool,
    /// The closest national productcategorie, or `null`.
    pub formal_category: Option<FormalCategory>,
}

#[cfg(test)]
#[path = "category_tests.rs"]
mod tests;
