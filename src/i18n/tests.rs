//! The catalogue's own checks: both languages hold the same messages with the same
//! variables, every message is used by the code and every id the code names exists.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

use super::*;

/// Message id → the variables it uses, for one language.
type Ids = BTreeMap<String, BTreeSet<String>>;

fn inline_vars(expr: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match expr {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => args_vars(arguments, vars),
        ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => args_vars(arguments, vars),
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

fn args_vars(args: &ast::CallArguments<&str>, vars: &mut BTreeSet<String>) {
    for expr in &args.positional {
        inline_vars(expr, vars);
    }
    for named in &args.named {
        inline_vars(&named.value, vars);
    }
}

fn expression_vars(expr: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match expr {
        ast::Expression::Inline(inline) => inline_vars(inline, vars),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for variant in variants {
                pattern_vars(&variant.value, vars);
            }
        }
    }
}

fn pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

/// The messages (not terms) of one language with their variables.
fn messages(lang: Language) -> Ids {
    let mut ids = Ids::new();
    for (_, name, source) in FILES.iter().filter(|(l, _, _)| *l == lang) {
        let resource = fluent_syntax::parser::parse(*source)
            .unwrap_or_else(|(_, errors)| panic!("{lang:?}/{name} does not parse: {errors:?}"));
        for entry in resource.body {
            if let ast::Entry::Message(message) = entry {
                let mut vars = BTreeSet::new();
                let value = message.value.as_ref().expect("every message has a value");
                pattern_vars(value, &mut vars);
                let id = message.id.name.to_owned();
                assert!(
                    ids.insert(id.clone(), vars).is_none(),
                    "{id} twice in {lang:?}"
                );
            }
        }
    }
    ids
}

#[test]
fn both_languages_have_the_same_messages_with_the_same_variables() {
    let (nl, en) = (messages(Language::Nl), messages(Language::En));
    let only_nl: Vec<_> = nl.keys().filter(|id| !en.contains_key(*id)).collect();
    let only_en: Vec<_> = en.keys().filter(|id| !nl.contains_key(*id)).collect();
    assert!(only_nl.is_empty(), "only in nl: {only_nl:?}");
    assert!(only_en.is_empty(), "only in en: {only_en:?}");
    for (id, vars) in &nl {
        assert_eq!(
            vars, &en[id],
            "the variables of {id} differ between nl and en"
        );
    }
}

/// The ids the code names: every string literal of `src/` shaped like a catalogue id
/// (`conflict-…`, `field-…`, …). Ids are literals by rule (`msg!("…")`), so this is all.
fn ids_in_code() -> BTreeSet<String> {
    const PREFIXES: &[&str] = &[
        "problem-",
        "field-",
        "conflict-",
        "forbidden-",
        "unauthorized-",
        "not-found-",
        "violation-",
        "match-",
        "outcome-",
    ];
    let mut found = BTreeSet::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("i18n/tests.rs")
            {
                let source = std::fs::read_to_string(&path).unwrap();
                // Every `"…"` whose inside is id-shaped, wherever a quote stands (escaped
                // quotes and '"' in the code cannot throw the reading out of step).
                for (at, _) in source.match_indices('"') {
                    let rest = &source[at + 1..];
                    let Some(end) = rest.find('"') else { continue };
                    let literal = &rest[..end];
                    let shaped = literal
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if shaped && PREFIXES.iter().any(|p| literal.starts_with(p)) {
                        found.insert(literal.to_owned());
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_message_is_used_and_every_used_id_exists() {
    let catalogue: BTreeSet<String> = messages(Language::Nl).into_keys().collect();
    let code = ids_in_code();
    let missing: Vec<_> = code.difference(&catalogue).collect();
    let unused: Vec<_> = catalogue.difference(&code).collect();
    assert!(
        missing.is_empty(),
        "named in src/ but not in the catalogue: {missing:?}"
    );
    assert!(
        unused.is_empty(),
        "in the catalogue but used nowhere in src/: {unused:?}"
    );
}

#[test]
fn every_message_renders_cleanly_in_both_languages() {
    for lang in Language::ALL {
        for (id, vars) in messages(*lang) {
            let mut message = Message {
                id: id.clone().into(),
                args: Vec::new(),
            };
            for var in vars {
                let value = if var == "status" || var == "next" {
                    MessageArg::Text("open".into())
                } else {
                    MessageArg::Number(2)
                };
                message.args.push((var.into(), value));
            }
            let bundle = bundle(*lang);
            let pattern = bundle.get_message(&id).and_then(|m| m.value()).unwrap();
            let mut args = FluentArgs::new();
            for (name, value) in &message.args {
                match value {
                    MessageArg::Number(n) => args.set(name.as_ref(), *n),
                    MessageArg::Text(t) => args.set(name.as_ref(), t.as_str()),
                }
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty(), "{lang:?} {id}: {errors:?}");
            assert!(
                !text.trim().is_empty() && !text.contains('{'),
                "{lang:?} {id}: {text}"
            );
            assert_eq!(text, render(*lang, &message));
        }
    }
}

#[test]
fn field_errors_read_their_figures() {
    let error = FieldError::of("title", FieldErrorCode::TooLong).param("max", 120);
    assert_eq!(
        field_message(Language::Nl, &error),
        "Schrijf hooguit 120 tekens."
    );
    assert_eq!(
        field_message(Language::En, &error),
        "Write at most 120 characters."
    );
    let choice = FieldError::of("urgency", FieldErrorCode::UnknownValue)
        .param("allowed", vec!["low", "normal", "high"]);
    assert!(field_message(Language::Nl, &choice).ends_with("Kies uit: low, normal, high."));
    let missing_figure = FieldError::of("title", FieldErrorCode::TooLong);
    assert_eq!(
        field_message(Language::En, &missing_figure),
        "This is not possible."
    );
}

#[test]
fn a_status_is_named_in_the_language() {
    let message = crate::msg!("conflict-change-needs-open", status = "matched");
    assert!(render(Language::Nl, &message).ends_with("is gekoppeld aan een vrijwilliger."));
    assert!(render(Language::En, &message).ends_with("is matched with a volunteer."));
}
