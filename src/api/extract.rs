//! Request extractors that turn every malformed input into a problem+json 4xx naming the
//! field: JSON bodies (415 for another media type, 413 past the size limit, 400 for broken
//! JSON or data after it, 422 for a wrong field, 408 for a body that does not arrive in
//! time) and query strings.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::{dev::Payload, error::PayloadError, http::header, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::domain::{FieldError, FieldErrorCode};
use crate::error::AppError;

/// A JSON body deserialised strictly (unknown fields are rejected by the target types).
#[derive(Debug)]
pub struct Json<T>(pub T);

/// Turns a serde path and message into the field name a client can act on.
fn field_of(path: &str, message: &str) -> String {
    // serde reports unknown and missing fields at the parent's path; the name is in backticks.
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| {
            message
                .split(prefix)
                .nth(1)
                .and_then(|rest| rest.split('`').next())
        });
    match (path, named) {
        (".", Some(name)) => name.to_owned(),
        (path, Some(name)) if path == name || path.ends_with(&format!(".{name}")) => {
            path.to_owned()
        }
        (".", None) => "body".to_owned(),
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_owned(),
    }
}

/// The names serde puts in backticks after `prefix`, e.g. the allowed ones of "unknown
/// variant `x`, expected one of `a`, `b`, `c`" (or "expected `a` or `b`", "expected `a`").
fn ticked_after<'m>(message: &'m str, prefix: &str) -> Vec<&'m str> {
    message
        .split_once(prefix)
        .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default()
}

/// The JSON type serde's "expected …" names, for the `expected` parameter of `wrong_type`.
fn expected_type(message: &str) -> Option<&'static str> {
    let expected = message.split_once("expected ")?.1;
    [
        ("a string", "string"),
        ("a boolean", "boolean"),
        ("a sequence", "array"),
        ("struct", "object"),
        ("map", "object"),
        ("f32", "number"),
        ("f64", "number"),
        ("i", "integer"),
        ("u", "integer"),
    ]
    .iter()
    .find(|(serde, _)| expected.starts_with(serde))
    .map(|(_, json)| *json)
}

/// Maps a serde data error to a field error with a code; serde's own words never reach the
/// client. A validated domain type's own [`FieldError`]s are carried through unchanged.
fn field_errors_of(path: &str, message: &str) -> Vec<FieldError> {
    let field = field_of(path, message);
    if let Some(errors) = FieldError::from_serde(message) {
        // The domain type names itself (`start`, `email`); the path says where it sits.
        return errors
            .into_iter()
            .map(|e| {
                let at = if path == "." || e.field.contains('.') || e.field.contains('[') {
                    e.field.clone()
                } else {
                    field.clone()
                };
                e.at(at)
            })
            .collect();
    }
    let error = if message.starts_with("unknown field `") {
        FieldError::of(&field, FieldErrorCode::UnknownField)
            .param("allowed", ticked_after(message, ", expected "))
    } else if message.starts_with("missing field `") {
        FieldError::of(&field, FieldErrorCode::Required)
    } else if message.starts_with("unknown variant `") {
        FieldError::of(&field, FieldErrorCode::UnknownValue)
            .param("allowed", ticked_after(message, ", expected "))
    } else if message.starts_with("invalid value: integer")
        || message.starts_with("invalid length")
        || message.contains("too large")
    {
        FieldError::of(&field, FieldErrorCode::OutOfRange)
    } else {
        // "invalid type: …", "invalid digit found in string", and whatever else serde says.
        let error = FieldError::of(&field, FieldErrorCode::WrongType);
        match expected_type(message) {
            Some(json) => error.param("expected", json),
            None => error,
        }
    };
    vec![error]
}

/// Parses JSON bytes into `T`, mapping failures as described in the module docs.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // serde would accept an array for a struct (as a tuple); every body of this API is an object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(_) => AppError::Validation(vec![FieldError::new(
                "body",
                crate::msg!("field-body-not-object"),
            )
            .code(FieldErrorCode::WrongType)
            .param("expected", "object")]),
            Err(_) => AppError::malformed_json(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                AppError::Validation(field_errors_of(&path, &inner.to_string()))
            }
            _ => AppError::malformed_json(),
        }
    })?;
    // One object per body: `{…}{…}` would otherwise act on the first and drop the rest.
    de.end().map_err(|_| AppError::malformed_json())?;
    Ok(value)
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map_or(64 * 1024, |l| l.0);
        let timeout = req
            .app_data::<web::Data<BodyTimeout>>()
            .map_or(Duration::from_secs(10), |t| t.0);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(AppError::UnsupportedMediaType);
            }
            // actix times out the request head only; a body trickled (or stopped) after it
            // would hold the connection for good.
            let bytes = actix_web::rt::time::timeout(timeout, body)
                .await
                .map_err(|_| AppError::RequestTimeout)?
                .map_err(|err| match err.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => AppError::PayloadTooLarge(limit),
                    _ if err.as_response_error().status_code() == 413 => {
                        AppError::PayloadTooLarge(limit)
                    }
                    _ => AppError::malformed_json(),
                })?;
            parse_json(&bytes).map(Json)
        })
    }
}

/// The configured body limit, shared with the extractor for its error message.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// How long a whole body may take to arrive once the headers have (408 past it).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

/// A query string deserialised strictly, naming the offending parameter on failure.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(req.query_string()));
        let result = serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|err| {
                let path = err.path().to_string();
                AppError::Validation(field_errors_of(&path, &err.into_inner().to_string()))
            });
        std::future::ready(result)
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        nested: Option<Nested>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Nested {
        count: u8,
    }

    fn field(json: &str) -> (u16, String) {
        let err = parse_json::<Body>(json.as_bytes()).unwrap_err();
        let problem = err.problem(crate::domain::Language::En);
        (
            problem.status,
            problem
                .errors
                .first()
                .map(|e| e.field.clone())
                .unwrap_or_default(),
        )
    }

    #[test]
    fn names_the_field_of_each_data_error() {
        assert_eq!(
            field(r#"{"title": "x", "colour": 1}"#),
            (422, "colour".into())
        );
        assert_eq!(field(r#"{}"#), (422, "title".into()));
        assert_eq!(field(r#"{"title": 3}"#), (422, "title".into()));
        assert_eq!(
            field(r#"{"title": "x", "nested": {"count": 300}}"#),
            (422, "nested.count".into())
        );
        assert_eq!(
            field(r#"{"title": "x", "nested": {"x": 1}}"#),
            (422, "nested.x".into())
        );
    }

    /// The code and params of the first field error, and whether serde's words leaked.
    fn code(json: &str) -> (String, serde_json::Value) {
        let problem = parse_json::<Body>(json.as_bytes())
            .unwrap_err()
            .problem(crate::domain::Language::En);
        let text = serde_json::to_string(&problem).unwrap();
        assert!(
            !text.contains('`') && !text.contains("invalid type"),
            "{text}"
        );
        let first = serde_json::to_value(&problem.errors[0]).unwrap();
        (
            first["code"].as_str().unwrap().to_owned(),
            first["params"].clone(),
        )
    }

    #[test]
    fn serde_errors_become_codes_with_params() {
        let (c, p) = code(r#"{"title": "x", "colour": 1}"#);
        assert_eq!(
            (c.as_str(), p),
            (
                "unknown_field",
                serde_json::json!({"allowed": ["title", "nested"]})
            )
        );
        assert_eq!(code(r#"{}"#).0, "required");
        let (c, p) = code(r#"{"title": 3}"#);
        assert_eq!(
            (c.as_str(), p),
            ("wrong_type", serde_json::json!({"expected": "string"}))
        );
        assert_eq!(
            code(r#"{"title": "x", "nested": {"count": 300}}"#).0,
            "out_of_range"
        );
        assert_eq!(
            code(r#"{"title": "x", "nested": {"count": "a"}}"#).0,
            "wrong_type"
        );
        assert_eq!(code("[1]").0, "wrong_type");
        assert_eq!(code("{").0, "malformed_json");
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert_eq!(field(r#"{"title": "#), (400, "body".into()));
        assert_eq!(field("not json"), (400, "body".into()));
        assert_eq!(field("[1, 2]"), (422, "body".into()));
        assert_eq!(field(""), (400, "body".into()));
    }
}
