//! The case workers' workplace ("werkplek"): server-rendered pages under `/werkplek/`, beside
//! `api` in the same app. Each handler parses its form or query, calls one service (the same
//! ones the JSON API calls) and renders an askama template (`templates/werkplek/`). Browser
//! sessions are their own (`session`); the JSON API's bearer tokens are untouched. Words live
//! in `i18n`, one table per language; every asset is embedded in the binary (`assets`).

mod admin_page;
mod assets;
mod audit_page;
mod case_actions;
mod case_page;
mod case_view;
mod dashboard_page;
mod form;
pub mod i18n;
mod intake_body;
mod intake_form;
mod intake_page;
mod intake_words;
mod labels;
mod login;
mod page;
mod queue_page;
pub mod session;

use actix_web::web;

/// Settings of the workplace (`hulpmarkt --help` lists them with their variables).
#[derive(Debug, Clone, clap::Args)]
pub struct WebSettings {
    /// Send the workplace's cookies with `Secure`, so browsers return them over HTTPS only.
    /// Turn off (`false`) only for plain-HTTP use on one's own machine or in tests.
    #[arg(long = "web-cookie-secure", env = "HULPMARKT_WEB_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// Seconds without a request after which a workplace session ends (30 minutes).
    #[arg(
        long = "web-idle-seconds",
        env = "HULPMARKT_WEB_IDLE_SECONDS",
        default_value_t = 1800
    )]
    pub idle_seconds: u32,

    /// Hours after sign-in at which a workplace session ends, however busy.
    #[arg(
        long = "web-session-hours",
        env = "HULPMARKT_WEB_SESSION_HOURS",
        default_value_t = 10
    )]
    pub session_hours: u32,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            cookie_secure: true,
            idle_seconds: 1800,
            session_hours: 10,
        }
    }
}

impl WebSettings {
    /// The session times these settings give.
    pub fn times(&self) -> crate::services::web_sessions::SessionTimes {
        crate::services::web_sessions::SessionTimes {
            idle: chrono::Duration::seconds(i64::from(self.idle_seconds.max(1))),
            lifetime: chrono::Duration::hours(i64::from(self.session_hours.max(1))),
        }
    }
}

/// Registers the workplace's routes under `/werkplek`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::redirect("/werkplek", "/werkplek/"))
        .service(
            web::scope("/werkplek")
                .service(assets::stylesheet)
                .service(login::start)
                .service(login::login_page)
                .service(login::log_in)
                .service(login::log_out)
                .service(login::choose_language)
                .service(queue_page::show_queue)
                .service(case_page::show_case)
                .service(audit_page::show_audit)
                .service(dashboard_page::show_dashboard)
                .service(dashboard_page::download_figures)
                .service(intake_page::show_list)
                .service(intake_form::new_form)
                .service(intake_form::record)
                .service(intake_page::show_request)
                .service(intake_page::cancel)
                .service(intake_page::make_code)
                .service(admin_page::show_admin)
                .service(admin_page::save_settings)
                .service(admin_page::switch_staff)
                .service(case_actions::claim)
                .service(case_actions::release)
                .service(case_actions::hand_over)
                .service(case_actions::take_over)
                .service(case_actions::add_note)
                .service(case_actions::resolve)
                .default_service(web::to(page::not_found)),
        );
}
