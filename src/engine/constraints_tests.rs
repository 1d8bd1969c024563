use super::*;
use crate::engine::fixtures::*;
use crate::engine::model::*;

#[test]
fn haversine_matches_known_distances() {
    assert!(haversine_km(UTRECHT, UTRECHT).abs() < 1e-9);
    let d = haversine_km(UTRECHT, AMSTERDAM);
    assert!((d - 34.6).abs() < 0.5, "Utrecht–Amsterdam {d}");
    // a quarter of the equator
    let q = haversine_km(
        GeoPoint { lat: 0.0, lon: 0.0 },
        GeoPoint {
            lat: 0.0,
            lon: 90.0,
        },
    );
    assert!((q - EARTH_RADIUS_KM * std::f64::consts::FRAC_PI_2).abs() < 1e-6);
}

#[test]
fn a_good_pair_passes_and_reports_what_it_measured() {
    let fit = check(&request(), &offer(), &ctx()).unwrap();
    assert!(!fit.remote);
    assert!(fit.distance_km > 0.5 && fit.distance_km < 2.0);
    assert_eq!(fit.overlap_minutes, 180);
}

#[test]
fn constraint_1_category_domain_active_window() {
    let mut o = offer();
    o.categories = CategorySet::of(&[1]);
    assert_eq!(
        check(&request(), &o, &ctx()),
        Err(Violation::CategoryNotCovered)
    );
    let mut r = request();
    r.domain = Domain::Jeugdwet;
    assert_eq!(check(&r, &offer(), &ctx()), Err(Violation::DomainMismatch));
    let mut o = offer();
    o.active = false;
    assert_eq!(check(&request(), &o, &ctx()), Err(Violation::OfferInactive));
    let mut o = offer();
    o.dates.until = Some(day(2026, 11, 30));
    assert_eq!(
        check(&request(), &o, &ctx()),
        Err(Violation::OfferOutsideDateWindow)
    );
    o.dates = DateWindow {
        from: Some(day(2026, 12, 2)),
        until: None,
    };
    assert_eq!(
        check(&request(), &o, &ctx()),
        Err(Violation::OfferOutsideDateWindow)
    );
    assert_eq!(Violation::OfferInactive.constraint(), 1);
}

#[test]
fn constraint_2_radius_and_maximum_distance() {
    let mut o = offer();
    o.location = AMSTERDAM;
    o.radius_km = 30.0;
    let err = check(&request(), &o, &ctx()).unwrap_err();
    assert!(matches!(err, Violation::BeyondOfferRadius { radius_km, .. } if radius_km == 30.0));
    o.radius_km = 50.0;
    let err = check(&request(), &o, &ctx()).unwrap_err();
    assert!(matches!(err, Violation::BeyondRequestMaximum { max_km, .. } if max_km == 10.0));
    assert_eq!(err.constraint(), 2);
    let mut r = request();
    r.max_distance_km = None;
    assert!(check(&r, &o, &ctx()).is_ok());
}

#[test]
fn remote_help_ignores_distance_only_when_all_three_allow_it() {
    let mut r = request();
    r.category = PHONE_BUDDY;
    r.remote_ok = true;
    let mut o = offer();
    o.location = AMSTERDAM;
    o.remote_ok = true;
    let fit = check(&r, &o, &ctx()).unwrap();
    assert!(fit.remote && fit.distance_km > 30.0);
    // the offer does not help remotely
    o.remote_ok = false;
    assert_eq!(check(&r, &o, &ctx()).unwrap_err().constraint(), 2);
    // the resident does not want remote help
    o.remote_ok = true;
    r.remote_ok = false;
    assert_eq!(check(&r, &o, &ctx()).unwrap_err().constraint(), 2);
    // the category needs presence
    r.remote_ok = true;
    r.category = GROCERIES;
    assert_eq!(check(&r, &o, &ctx()).unwrap_err().constraint(), 2);
}

#[test]
fn constraint_3_weekly_overlap_must_hold_one_session() {
    let mut o = offer();
    o.week = WeeklySlots::from_intervals(vec![(TUE_9_12.0 + 150, TUE_9_12.1 + 60)]);
    // overlap 11:30–12:00 is 30 minutes, a visit takes 60
    assert_eq!(
        check(&request(), &o, &ctx()),
        Err(Violation::NoCommonTime {
            longest_overlap_minutes: 30,
            session_minutes: 60
        })
    );
    let mut r = request();
    r.session_minutes = 30;
    assert_eq!(check(&r, &o, &ctx()).unwrap().overlap_minutes, 30);
    // two short overlaps do not add up to one session
    o.week = WeeklySlots::from_intervals(vec![
        (TUE_9_12.0, TUE_9_12.0 + 40),
        (TUE_9_12.0 + 130, TUE_9_12.1),
    ]);
    assert_eq!(check(&request(), &o, &ctx()).unwrap_err().constraint(), 3);
    // any time on both sides
    let mut r = request();
    r.week = WeeklySlots::any_time();
    assert_eq!(check(&r, &offer(), &ctx()).unwrap().overlap_minutes, 10_080);
}

#[test]
fn constraint_3_date_windows_must_meet_from_today_on() {
    let mut r = request();
    r.dates = DateWindow {
        from: Some(day(2027, 1, 1)),
        until: Some(day(2027, 2, 1)),
    };
    let mut o = offer();
    o.dates.until = Some(day(2026, 12, 31));
    assert_eq!(check(&r, &o, &ctx()), Err(Violation::DateWindowsDisjoint));
    o.dates.until = Some(day(2027, 1, 1));
    assert!(check(&r, &o, &ctx()).is_ok());
    assert!(!date_windows_meet(
        &DateWindow {
            from: None,
            until: Some(day(2026, 11, 30))
        },
        &DateWindow::ANY,
        today()
    ));
}

#[test]
fn constraint_4_vog_gate_for_minors_and_vog_categories() {
    let mut r = request();
    r.involves_minor = true;
    assert_eq!(check(&r, &offer(), &ctx()), Err(Violation::VogMissing));
    let mut o = offer();
    o.vog_issued = Some(day(2023, 11, 30));
    assert_eq!(
        check(&r, &o, &ctx()),
        Err(Violation::VogExpired {
            issued: day(2023, 11, 30)
        })
    );
    o.vog_issued = Some(day(2023, 12, 1)); // exactly 36 months old: still valid
    assert!(check(&r, &o, &ctx()).is_ok());
    let strict = MatchContext {
        vog_max_age_months: 12,
        ..ctx()
    };
    assert_eq!(check(&r, &o, &strict).unwrap_err().constraint(), 4);
    // a VOG category without a minor
    let mut r = request();
    r.category = HOMEWORK;
    r.domain = Domain::Jeugdwet;
    assert_eq!(check(&r, &offer(), &ctx()), Err(Violation::VogMissing));
    assert!(check(&r, &o, &ctx()).is_ok());
}

#[test]
fn constraint_5_capacity() {
    let mut o = offer();
    o.load = 2;
    assert_eq!(
        check(&request(), &o, &ctx()),
        Err(Violation::NoCapacityLeft)
    );
    o.load = 1;
    assert!(check(&request(), &o, &ctx()).is_ok());
    o.capacity = 0;
    o.load = 0;
    assert_eq!(check(&request(), &o, &ctx()).unwrap_err().constraint(), 5);
}

#[test]
fn constraint_6_not_oneself_and_not_declined() {
    let mut o = offer();
    o.volunteer = request().requester;
    assert_eq!(check(&request(), &o, &ctx()), Err(Violation::OwnRequest));
    let mut r = request();
    r.declined_by = vec![7, offer().volunteer];
    assert_eq!(check(&r, &offer(), &ctx()), Err(Violation::DeclinedBefore));
    assert_eq!(Violation::DeclinedBefore.constraint(), 6);
}

#[test]
fn violations_explain_themselves() {
    let v = Violation::BeyondOfferRadius {
        distance_km: 7.26,
        radius_km: 5.0,
    };
    assert_eq!(
        v.to_string(),
        "7.3 km away, beyond the volunteer's radius of 5.0 km"
    );
}
