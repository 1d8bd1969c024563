//! A municipality's webhooks, registered and removed by its admins (audited). The secret is
//! made here and shown once, on registration.

use chrono::NaiveDateTime;

use crate::{
    db::{self, audit::AuditEntry, webhooks::Webhook, DbConnection},
    domain::{ids::new_key, Channel, UserId},
    error::AppError,
};

/// Checks a webhook address: an absolute `https` URL, or `http` to this machine (a local
/// relay or a test receiver), without credentials in it.
pub fn check_url(raw: &str) -> Result<String, AppError> {
    let bad = |why: crate::domain::Message| {
        AppError::field(
            crate::domain::FieldError::new("url", why)
                .code(crate::domain::FieldErrorCode::InvalidFormat),
        )
    };
    if raw.len() > 2_000 {
        return Err(AppError::field(
            crate::domain::FieldError::of("url", crate::domain::FieldErrorCode::TooLong)
                .param("max", 2_000),
        ));
    }
    let url =
        reqwest::Url::parse(raw.trim()).map_err(|_| bad(crate::msg!("field-url-absolute")))?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        _ => return Err(bad(crate::msg!("field-url-https"))),
    }
    if url.host_str().is_none() {
        return Err(bad(crate::msg!("field-url-host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(crate::msg!("field-url-credentials")));
    }
    Ok(url.to_string())
}

/// Registers a webhook for `municipality`; returns it with its secret.
pub fn register(
    conn: &mut DbConnection,
    admin: &UserId,
    municipality: &str,
    url: String,
    now: NaiveDateTime,
) -> Result<Webhook, AppError> {
    let hook = Webhook {
        id: new_key(),
        municipality_code: municipality.to_owned(),
        url,
        secret: crate::notifications::webhook::generate_secret(),
        created_by: Some(admin.clone()),
        created_at: now,
    };
    db::webhooks::insert(conn, &hook)?;
    audit(conn, admin, "webhook.register", &hook.id, municipality, now)?;
    Ok(hook)
}

/// Removes webhook `id` of `municipality` and the deliveries still waiting for it.
pub fn remove(
    conn: &mut DbConnection,
    admin: &UserId,
    municipality: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if !db::webhooks::delete(conn, municipality, id)? {
        return Err(AppError::NotFound("not-found-webhook"));
    }
    db::deliveries::delete_pending_to(conn, Channel::Webhook, id)?;
    audit(conn, admin, "webhook.remove", id, municipality, now)
}

fn audit(
    conn: &mut DbConnection,
    admin: &UserId,
    action: &str,
    id: &str,
    municipality: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let entry = AuditEntry::new(now, Some(admin.as_str()), "admin", action, "webhook", id)
        .in_municipality(municipality);
    Ok(db::audit::record(conn, &entry)?)
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn webhook_urls_are_https_or_local_http_without_credentials() {
        assert!(check_url("https://crm.gemeente.nl/hooks/hulpmarkt").is_ok());
        assert!(check_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(check_url("http://localhost/hook").is_ok());
        for bad in [
            "http://crm.gemeente.nl/hook",
            "ftp://crm.gemeente.nl/hook",
            "https://user:pw@crm.gemeente.nl/hook",
            "crm.gemeente.nl/hook",
            "",
        ] {
            let error = check_url(bad).unwrap_err();
            assert!(
                matches!(error, crate::error::AppError::Validation(ref e) if e[0].field == "url"),
                "{bad}"
            );
        }
    }
}
