//! Cases that move between case workers: the claimer releases a case back to the queue or
//! hands it to a named colleague of the same municipality; a colleague takes over a case
//! whose claimer is absent, with a reason code. Every step is audited, the other case worker
//! is told, and two colleagues taking over at once have exactly one winner.

use serde_json::{json, Value};

use crate::{
    cases::{act, audit_actions, case_for, queue, read_case},
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, problem_naming, TestApp, TestUser},
};

/// A Utrecht request escalated by its resident and claimed by `worker`; returns the case id.
async fn claimed_case(app: &TestApp, worker: &TestUser) -> String {
    let resident = app.resident().await;
    let request = post_request(app, &resident, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let escalate = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&resident.token),
        )
        .await;
    assert!(escalate.status().is_success(), "{}", escalate.status());
    let case = case_for(app, worker, id).await;
    json_with_status(act(app, worker, &case, "claim", json!({})).await, 200).await;
    case
}

/// The kinds and case ids of `user`'s notification feed.
async fn feed(app: &TestApp, user: &TestUser) -> Vec<(String, Option<String>)> {
    let page = json_with_status(
        app.get_as("/api/v1/me/notifications?per_page=100", &user.token)
            .await,
        200,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["case_id"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn closing() -> Value {
    json!({"outcome": "closed", "note": "Wij hebben u gebeld; u heeft de hulp al geregeld."})
}

#[actix_web::test]
async fn the_claimer_releases_a_case_to_the_queue_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let colleague = app.case_worker("GM0344").await;
    let elsewhere = app.case_worker("GM0363").await;
    let case = claimed_case(&app, &worker).await;

    problem(
        act(&app, &colleague, &case, "release", json!({})).await,
        409,
    )
    .await;
    problem(
        act(&app, &elsewhere, &case, "release", json!({})).await,
        404,
    )
    .await;
    problem(
        act(&app, &worker, "no-uuid", "release", json!({})).await,
        404,
    )
    .await;
    assert_eq!(
        read_case(&app, &worker, &case).await["assigned_to"],
        worker.id
    );

    let released =
        json_with_status(act(&app, &worker, &case, "release", json!({})).await, 200).await;
    assert_eq!(released["status"], "open");
    assert_eq!(released["assigned_to"], Value::Null);
    problem(act(&app, &worker, &case, "release", json!({})).await, 409).await;
    let open = queue(&app, &colleague, "?status=open").await;
    assert!(open["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == case));

    // Back in the queue, anyone of the team may claim it.
    let claimed =
        json_with_status(act(&app, &colleague, &case, "claim", json!({})).await, 200).await;
    assert_eq!(claimed["assigned_to"], colleague.id);
    let actions = audit_actions(&app, &worker, &case).await;
    let release = actions.iter().position(|a| a.0 == "case.release");
    assert!(release.is_some(), "{actions:?}");
    assert_eq!(
        actions[release.unwrap()].1,
        None,
        "no detail: ids and codes only"
    );
    assert_eq!(actions.iter().filter(|a| a.0 == "case.claim").count(), 2);
}

#[actix_web::test]
async fn a_handover_gives_the_case_to_a_colleague_who_hears_of_it_and_may_resolve_it() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let colleague = app.case_worker("GM0344").await;
    let case = claimed_case(&app, &worker).await;

    let to = json!({"to": colleague.id});
    problem(
        act(
            &app,
            &colleague,
            &case,
            "handover",
            json!({"to": worker.id}),
        )
        .await,
        409,
    )
    .await;
    let moved =
        json_with_status(act(&app, &worker, &case, "handover", to.clone()).await, 200).await;
    assert_eq!(moved["status"], "in_progress");
    assert_eq!(moved["assigned_to"], colleague.id);
    assert_eq!(
        read_case(&app, &colleague, &case).await["assigned_to"],
        colleague.id
    );
    let told = feed(&app, &colleague).await;
    assert!(
        told.contains(&("case_handed_over".to_owned(), Some(case.clone()))),
        "{told:?}"
    );
    assert!(
        !feed(&app, &worker)
            .await
            .iter()
            .any(|n| n.0 == "case_handed_over"),
        "the one who handed it over is not told"
    );

    // The former claimer holds nothing any more; the colleague decides.
    problem(act(&app, &worker, &case, "resolve", closing()).await, 409).await;
    problem(act(&app, &worker, &case, "release", json!({})).await, 409).await;
    problem(act(&app, &worker, &case, "handover", to).await, 409).await;
    let resolved = json_with_status(
        act(&app, &colleague, &case, "resolve", closing()).await,
        200,
    )
    .await;
    assert_eq!(resolved["status"], "resolved");
    let actions = audit_actions(&app, &colleague, &case).await;
    assert!(
        actions.contains(&("case.handover".to_owned(), Some(colleague.id.clone()))),
        "{actions:?}"
    );
    problem(
        act(&app, &colleague, &case, "release", json!({})).await,
        409,
    )
    .await;
}

#[actix_web::test]
async fn a_handover_names_to_unless_it_is_an_active_case_worker_of_the_same_municipality() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let worker = app.case_worker("GM0344").await;
    let leaving = app.case_worker("GM0344").await;
    let elsewhere = app.case_worker("GM0363").await;
    let resident = app.resident().await;
    let case = claimed_case(&app, &worker).await;
    let deactivate = app
        .post_json(
            &format!("/api/v1/users/{}/deactivate", leaving.id),
            &json!({}),
            Some(&admin.token),
        )
        .await;
    json_with_status(deactivate, 200).await;

    let unknown = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    for to in [
        json!(elsewhere.id),
        json!(resident.id),
        json!(admin.id),
        json!(worker.id),
        json!(leaving.id),
        json!(unknown),
        json!("not-an-id"),
        json!(""),
    ] {
        let answer = act(&app, &worker, &case, "handover", json!({"to": to})).await;
        problem_naming(answer, 422, "to").await;
    }
    for body in [
        json!({}),
        json!({"to": 7}),
        json!({"to": worker.id, "note": "x"}),
    ] {
        let status = act(&app, &worker, &case, "handover", body).await.status();
        assert!(status.is_client_error(), "{status}");
    }
    problem(
        act(
            &app,
            &elsewhere,
            &case,
            "handover",
            json!({"to": elsewhere.id}),
        )
        .await,
        404,
    )
    .await;
    let view = read_case(&app, &worker, &case).await;
    assert_eq!(
        (view["status"].clone(), view["assigned_to"].clone()),
        (json!("in_progress"), json!(worker.id))
    );
    let actions = audit_actions(&app, &worker, &case).await;
    assert!(
        !actions.iter().any(|a| a.0 == "case.handover"),
        "{actions:?}"
    );
}

#[actix_web::test]
async fn a_colleague_takes_over_an_absent_claimers_case_with_a_reason_code() {
    let app = TestApp::spawn().await;
    let absent = app.case_worker("GM0344").await;
    let colleague = app.case_worker("GM0344").await;
    let elsewhere = app.case_worker("GM0363").await;
    let case = claimed_case(&app, &absent).await;

    let from = |holder: &TestUser, code: &str| json!({"from": holder.id, "reason": code});
    problem_naming(
        act(
            &app,
            &colleague,
            &case,
            "takeover",
            from(&absent, "Ziek sinds maandag"),
        )
        .await,
        422,
        "reason",
    )
    .await;
    let no_id = json!({"from": "iemand", "reason": "absent"});
    problem_naming(
        act(&app, &colleague, &case, "takeover", no_id).await,
        422,
        "from",
    )
    .await;
    for body in [
        json!({}),
        json!({"reason": "absent"}),
        json!({"from": absent.id}),
    ] {
        let status = act(&app, &colleague, &case, "takeover", body)
            .await
            .status();
        assert!(status.is_client_error(), "{status}");
    }
    problem(
        act(&app, &elsewhere, &case, "takeover", from(&absent, "absent")).await,
        404,
    )
    .await;
    problem(
        act(&app, &absent, &case, "takeover", from(&absent, "urgent")).await,
        409,
    )
    .await;
    let stale = from(&elsewhere, "absent");
    problem(act(&app, &colleague, &case, "takeover", stale).await, 409).await;

    let taken = act(&app, &colleague, &case, "takeover", from(&absent, "absent")).await;
    assert_eq!(
        json_with_status(taken, 200).await["assigned_to"],
        colleague.id
    );
    problem(
        act(
            &app,
            &colleague,
            &case,
            "takeover",
            from(&colleague, "absent"),
        )
        .await,
        409,
    )
    .await;
    let told = feed(&app, &absent).await;
    assert!(
        told.contains(&("case_handed_over".to_owned(), Some(case.clone()))),
        "{told:?}"
    );
    assert!(!feed(&app, &colleague)
        .await
        .iter()
        .any(|n| n.0 == "case_handed_over"));
    problem(act(&app, &absent, &case, "resolve", closing()).await, 409).await;
    problem(act(&app, &absent, &case, "release", json!({})).await, 409).await;

    let actions = audit_actions(&app, &colleague, &case).await;
    assert!(
        actions.contains(&("case.takeover".to_owned(), Some("absent".to_owned()))),
        "{actions:?}"
    );
    // The one who came back takes it back; an open case is claimed, not taken over.
    let back = act(
        &app,
        &absent,
        &case,
        "takeover",
        from(&colleague, "on_leave"),
    )
    .await;
    json_with_status(back, 200).await;
    json_with_status(act(&app, &absent, &case, "release", json!({})).await, 200).await;
    problem(
        act(&app, &colleague, &case, "takeover", from(&absent, "urgent")).await,
        409,
    )
    .await;
    problem(
        act(&app, &colleague, &case, "resolve", closing()).await,
        409,
    )
    .await;
    let actions = audit_actions(&app, &colleague, &case).await;
    let takeovers: Vec<_> = actions.iter().filter(|a| a.0 == "case.takeover").collect();
    assert_eq!(takeovers.len(), 2, "{actions:?}");
    assert_eq!(takeovers[1].1.as_deref(), Some("on_leave"));
}

#[actix_web::test]
async fn two_colleagues_taking_over_at_the_same_moment_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    let absent = app.case_worker("GM0344").await;
    let (anna, bram) = (
        app.case_worker("GM0344").await,
        app.case_worker("GM0344").await,
    );
    for _ in 0..3 {
        let case = claimed_case(&app, &absent).await;
        let body = json!({"from": absent.id, "reason": "urgent"});
        let (a, b) = tokio::join!(
            act(&app, &anna, &case, "takeover", body.clone()),
            act(&app, &bram, &case, "takeover", body.clone()),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        let winner = if statuses[0] == 200 { &anna } else { &bram };
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409]);
        assert_eq!(
            read_case(&app, &absent, &case).await["assigned_to"],
            winner.id
        );
        let actions = audit_actions(&app, &absent, &case).await;
        assert_eq!(actions.iter().filter(|a| a.0 == "case.takeover").count(), 1);
        let told = feed(&app, &absent).await;
        let handed = ("case_handed_over".to_owned(), Some(case.clone()));
        assert_eq!(told.iter().filter(|n| **n == handed).count(), 1, "{told:?}");
    }
}
