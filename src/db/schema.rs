//! The database schema, written with portable types only (Text, Bool, Integer, Double, Date,
//! Timestamp) so one definition serves SQLite and PostgreSQL. Keep it in step with both
//! migration folders; `tests/api/schema.rs` checks that each backend's live schema matches it.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        phone -> Nullable<Text>,
        is_resident -> Bool,
        is_volunteer -> Bool,
        is_case_worker -> Bool,
        is_admin -> Bool,
        municipality_code -> Nullable<Text>,
        vog_issued_on -> Nullable<Date>,
        vog_recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
        language -> Text,
        email_notifications -> Bool,
        email_digest -> Bool,
        sessions_ended_at -> Nullable<Timestamp>,
        email_verified_at -> Nullable<Timestamp>,
        deactivated_at -> Nullable<Timestamp>,
        suspended_at -> Nullable<Timestamp>,
        suspension_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    municipality_settings (municipality_code) {
        municipality_code -> Text,
        grace_hours_normal -> Integer,
        grace_hours_high -> Integer,
        vog_max_age_months -> Integer,
        retention_months -> Integer,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
        case_alert_hours -> Integer,
        details_in_notifications -> Bool,
        daily_proposal_cap -> Nullable<Integer>,
        participating -> Nullable<Bool>,
    }
}

diesel::table! {
    help_requests (id) {
        id -> Text,
        requester_id -> Nullable<Text>,
        domain -> Text,
        category -> Text,
        title -> Text,
        description -> Text,
        pc4 -> Text,
        municipality_code -> Text,
        lat -> Double,
        lon -> Double,
        urgency -> Text,
        involves_minor -> Bool,
        remote_ok -> Bool,
        max_distance_km -> Nullable<Double>,
        availability -> Text,
        available_from -> Nullable<Date>,
        available_until -> Nullable<Date>,
        session_minutes -> Integer,
        consent_municipality -> Bool,
        status -> Text,
        outcome -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        status_changed_at -> Timestamp,
        matched_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
        channel -> Text,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        municipality_code -> Text,
        name -> Text,
        phone -> Nullable<Text>,
        address_line -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorder_role -> Text,
        created_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        claim_code_hash -> Nullable<Text>,
        claim_code_expires_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    representations (request_id) {
        request_id -> Text,
        person_id -> Text,
        recorded_by -> Nullable<Text>,
        recorder_role -> Text,
        consent_via -> Text,
        consent_recorded_at -> Timestamp,
        contact -> Text,
    }
}

diesel::table! {
    offers (id) {
        id -> Text,
        volunteer_id -> Nullable<Text>,
        pc4 -> Text,
        municipality_code -> Text,
        lat -> Double,
        lon -> Double,
        radius_km -> Double,
        remote_ok -> Bool,
        availability -> Text,
        available_from -> Nullable<Date>,
        available_until -> Nullable<Date>,
        capacity -> Integer,
        note -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        active_load -> Integer,
        /// Grows with every insert and dated update (triggers; migration `offer_revision`).
        revision -> BigInt,
        held -> Bool,
    }
}

diesel::table! {
    offer_categories (offer_id, category) {
        offer_id -> Text,
        category -> Text,
    }
}

diesel::table! {
    matches (id) {
        id -> Text,
        request_id -> Text,
        offer_id -> Text,
        volunteer_id -> Nullable<Text>,
        status -> Text,
        score -> Double,
        score_parts -> Text,
        explanation -> Text,
        decline_reason -> Nullable<Text>,
        proposed_at -> Timestamp,
        expires_at -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        created_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        request_id -> Text,
        municipality_code -> Text,
        reason -> Text,
        status -> Text,
        assigned_to -> Nullable<Text>,
        outcome -> Nullable<Text>,
        outcome_detail -> Nullable<Text>,
        resolution_note -> Nullable<Text>,
        resolved_offer_id -> Nullable<Text>,
        opened_at -> Timestamp,
        claimed_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_notes (id) {
        id -> Text,
        case_id -> Text,
        author_id -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Text,
        municipality_code -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        event_id -> Text,
        kind -> Text,
        recipient_id -> Nullable<Text>,
        recipient_role -> Text,
        municipality_code -> Text,
        request_id -> Nullable<Text>,
        match_id -> Nullable<Text>,
        case_id -> Nullable<Text>,
        data -> Text,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        municipality_code -> Text,
        url -> Text,
        secret -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        notification_id -> Text,
        channel -> Text,
        target -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_tokens (user_id, purpose) {
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    web_sessions (id_hash) {
        id_hash -> Text,
        user_id -> Text,
        issued_at -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(notifications -> users (recipient_id));
diesel::joinable!(deliveries -> notifications (notification_id));
diesel::joinable!(help_requests -> users (requester_id));
diesel::joinable!(offers -> users (volunteer_id));
diesel::joinable!(offer_categories -> offers (offer_id));
diesel::joinable!(matches -> help_requests (request_id));
diesel::joinable!(matches -> offers (offer_id));
diesel::joinable!(cases -> help_requests (request_id));
diesel::joinable!(representations -> help_requests (request_id));
diesel::joinable!(representations -> people (person_id));
diesel::joinable!(case_notes -> cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    municipality_settings,
    help_requests,
    offers,
    offer_categories,
    matches,
    cases,
    case_notes,
    audit_log,
    notifications,
    webhooks,
    deliveries,
    account_tokens,
    people,
    representations,
    web_sessions,
);
