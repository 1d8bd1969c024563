//! A posted form (`application/x-www-form-urlencoded`), read by name. Built only by the
//! session's CSRF check (`session::WebCaseWorker::form`) and the login form's.

/// The fields of a posted form, in order.
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Reads a form body; `Err` when it is not a form at all.
    pub(super) fn parse(body: &[u8]) -> Result<Self, serde_urlencoded::de::Error> {
        serde_urlencoded::from_bytes(body).map(Self)
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name` (ticked checkboxes of one group), in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Adds a field (the defaults of an empty form).
    pub fn push(&mut self, name: &str, value: &str) {
        self.0.push((name.to_owned(), value.to_owned()));
    }

    /// The first value of `name`, trimmed, `None` when absent or blank.
    pub fn filled(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_by_name_and_blank_ones_count_as_missing() {
        let form = FormData::parse(b"csrf=abc&note=+Hallo+wereld+&empty=%20").expect("a form");
        assert_eq!(form.get("csrf"), Some("abc"));
        assert_eq!(form.filled("note"), Some("Hallo wereld"));
        assert_eq!(form.filled("empty"), None);
        assert_eq!(form.get("missing"), None);
        let days = FormData::parse(b"dag=mon&x=1&dag=wed").expect("a form");
        assert_eq!(days.all("dag").collect::<Vec<_>>(), ["mon", "wed"]);
    }
}
