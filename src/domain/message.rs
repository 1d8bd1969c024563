//! A sentence for a person, named by its id in the message catalogue (`locales/*/*.ftl`) with
//! the values it needs. Errors and explanations carry a [`Message`], never finished text:
//! `crate::i18n` renders it in the language of the request at the HTTP edge.

use std::borrow::Cow;

/// A catalogue message id and its arguments, e.g. `msg!("field-too-long", max = 120)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The message's id in every `locales/<lang>/*.ftl` file.
    pub id: Cow<'static, str>,
    /// The values of the message's variables (`{ $max }`), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(Cow<'static, str>, MessageArg)>,
}

/// A value for a message variable: a whole number (plural forms follow it) or text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum MessageArg {
    /// A count or a limit.
    Number(i64),
    /// A word or a code (a status, a date, a field name).
    Text(String),
}

impl Message {
    /// The message `id` without arguments.
    pub const fn new(id: &'static str) -> Self {
        Self {
            id: Cow::Borrowed(id),
            args: Vec::new(),
        }
    }

    /// The same message with one more argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<MessageArg>) -> Self {
        self.args.push((Cow::Borrowed(name), value.into()));
        self
    }
}

impl std::fmt::Display for Message {
    /// The id and arguments, for logs (the rendered text is language-dependent).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)?;
        for (name, value) in &self.args {
            match value {
                MessageArg::Number(n) => write!(f, " {name}={n}")?,
                MessageArg::Text(t) => write!(f, " {name}={t}")?,
            }
        }
        Ok(())
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for MessageArg {
            fn from(n: $t) -> Self {
                MessageArg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i32, i64, u8, u16, u32, u64, usize);

impl From<String> for MessageArg {
    fn from(text: String) -> Self {
        MessageArg::Text(text)
    }
}

impl From<&str> for MessageArg {
    fn from(text: &str) -> Self {
        MessageArg::Text(text.to_owned())
    }
}

/// A [`Message`]: `msg!("id")` or `msg!("id", name = value, …)`. The id is a literal so the
/// catalogue test can find every id the code uses.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::domain::Message::new($id)$(.arg(stringify!($name), $value))*
    };
}
