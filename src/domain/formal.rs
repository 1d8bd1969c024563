//! The formal-care categories a case worker refers to: the national productcategorieën of the
//! iWmo (01–18) and iJw (40–50) iStandaarden. The Participatiewet has no national code list.

use std::fmt;

use super::FieldError;

/// Which iStandaard a formal category comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FormalStandard {
    /// iWmo productcategorie (Wmo 2015), codes 01–18.
    Iwmo,
    /// iJw productcategorie (Jeugdwet), codes 40–50.
    Ijw,
}

impl FormalStandard {
    /// The wire and storage code: `iwmo` or `ijw`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Iwmo => "iwmo",
            Self::Ijw => "ijw",
        }
    }

    /// The name people use: `iWmo productcategorie`, `iJw productcategorie`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Iwmo => "iWmo productcategorie",
            Self::Ijw => "iJw productcategorie",
        }
    }
}

/// One national productcategorie, e.g. iWmo `06` or iJw `45`, with its Dutch label.
///
/// Serialized as `{"standard": "iwmo", "code": "06", "label": "…"}`; deserializing needs only
/// `standard` and `code` and rejects a pair that is not in the national list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
pub struct FormalCategory {
    /// The iStandaard the code belongs to.
    pub standard: FormalStandard,
    /// The two-digit productcategorie code.
    #[schema(example = "06")]
    pub code: &'static str,
    /// The Dutch name of the productcategorie in the standard.
    #[schema(example = "Overige ondersteuning gericht op het individu of huishouden/gezin")]
    pub label: &'static str,
}

const fn iwmo(code: &'static str, label: &'static str) -> FormalCategory {
    FormalCategory {
        standard: FormalStandard::Iwmo,
        code,
        label,
    }
}

const fn ijw(code: &'static str, label: &'static str) -> FormalCategory {
    FormalCategory {
        standard: FormalStandard::Ijw,
        code,
        label,
    }
}

impl FormalCategory {
    /// Every national productcategorie Hulpmarkt knows, iWmo first, in code order.
    pub const ALL: [FormalCategory; 29] = [
        iwmo("01", "Hulp bij het huishouden"),
        iwmo("02", "Begeleiding"),
        iwmo("03", "Persoonlijke verzorging"),
        iwmo("04", "Kortdurend verblijf"),
        iwmo("05", "Woondiensten"),
        iwmo(
            "06",
            "Overige ondersteuning gericht op het individu of huishouden/gezin",
        ),
        iwmo("07", "Dagbesteding"),
        iwmo("08", "Vervoerdiensten"),
        iwmo("09", "Overige groepsgerichte ondersteuning"),
        iwmo("10", "Overige maatwerkarrangementen"),
        iwmo("11", "Rolstoelen"),
        iwmo("12", "Vervoervoorzieningen"),
        iwmo("13", "Woonvoorzieningen"),
        iwmo("14", "Overige hulpmiddelen"),
        iwmo("15", "Beschermd wonen"),
        iwmo("16", "Opvang"),
        iwmo("17", "Spoedopvang"),
        iwmo("18", "Overige beschermd wonen en opvang"),
        ijw("40", "Persoonlijke verzorging"),
        ijw("41", "Dagbehandeling"),
        ijw("42", "Vervoerdiensten"),
        ijw("43", "Jeugdhulp verblijf (incl. behandeling)"),
        ijw("44", "Jeugdhulp verblijf (excl. behandeling)"),
        ijw("45", "Jeugdhulp ambulant"),
        ijw("46", "Jeugdhulp crisis"),
        ijw("47", "Jeugdreclassering"),
        ijw("48", "Jeugdbescherming"),
        ijw("49", "Activiteiten in het preventief justitieel kader"),
        ijw("50", "Maatwerkarrangementen jeugd"),
    ];

    /// The national category with this standard and code, if there is one.
    pub fn find(standard: FormalStandard, code: &str) -> Option<FormalCategory> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.standard == standard && c.code == code)
    }

    /// Parses the compact storage form `iwmo:06` / `ijw:45` (see [`FormalCategory::key`]).
    pub fn parse(input: &str) -> Result<FormalCategory, FieldError> {
        let error = || {
            FieldError::new(
                "formal_category",
                crate::msg!("field-formal-category-unknown"),
            )
            .code(crate::domain::FieldErrorCode::UnknownValue)
        };
        let (standard, code) = input.split_once(':').ok_or_else(error)?;
        let standard = match standard {
            "iwmo" => FormalStandard::Iwmo,
            "ijw" => FormalStandard::Ijw,
            _ => return Err(error()),
        };
        Self::find(standard, code).ok_or_else(error)
    }

    /// The compact storage form, `iwmo:06`.
    pub fn key(self) -> String {
        format!("{}:{}", self.standard.as_str(), self.code)
    }
}

impl fmt::Display for FormalCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.standard.name(), self.code, self.label)
    }
}

/// The wire form a client sends: standard and code, without the label.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FormalCategoryRef {
    standard: FormalStandard,
    code: String,
    // Clients may echo back the label they received; it is ignored, the code decides.
    #[serde(default)]
    #[allow(dead_code)]
    label: Option<String>,
}

impl<'de> serde::Deserialize<'de> for FormalCategory {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = FormalCategoryRef::deserialize(deserializer)?;
        Self::find(raw.standard, &raw.code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{} {} is not a national productcategorie",
                raw.standard.name(),
                raw.code
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_the_national_ranges() {
        for (i, a) in FormalCategory::ALL.iter().enumerate() {
            let n: u8 = a.code.parse().unwrap();
            match a.standard {
                FormalStandard::Iwmo => assert!((1..=18).contains(&n), "{a}"),
                FormalStandard::Ijw => assert!((40..=50).contains(&n), "{a}"),
            }
            assert_eq!(a.code.len(), 2);
            for b in &FormalCategory::ALL[i + 1..] {
                assert!(a.standard != b.standard || a.code != b.code, "{a}");
            }
        }
    }

    #[test]
    fn key_round_trips_and_unknown_keys_are_rejected() {
        for c in FormalCategory::ALL {
            assert_eq!(FormalCategory::parse(&c.key()), Ok(c));
        }
        for bad in [
            "", "iwmo", "iwmo:19", "ijw:06", "wmo:06", "iwmo:6", "IWMO:06",
        ] {
            let error = FormalCategory::parse(bad).unwrap_err();
            assert_eq!(error.field, "formal_category", "{bad}");
        }
    }

    #[test]
    fn serializes_with_label_and_deserializes_from_standard_and_code() {
        let c = FormalCategory::find(FormalStandard::Ijw, "45").unwrap();
        assert_eq!(c.label, "Jeugdhulp ambulant");
        let json = serde_json::to_value(c).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"standard": "ijw", "code": "45", "label": "Jeugdhulp ambulant"})
        );
        let back: FormalCategory = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
        let short: FormalCategory =
            serde_json::from_str(r#"{"standard": "iwmo", "code": "08"}"#).unwrap();
        assert_eq!(short.label, "Vervoerdiensten");
        assert!(
            serde_json::from_str::<FormalCategory>(r#"{"standard":"iwmo","code":"40"}"#).is_err()
        );
    }
}
