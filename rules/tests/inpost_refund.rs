//! Refund / invoicing decisions of the weekend add-on: the full matrix of client type ×
//! dispatched × placement, and the edges of the service week and dispatch deadline.

use chrono::{DateTime, Utc};
use courier_rules::inpost::refund::{
    ClientType, Dispatch, DispatchEvent, DispatchKind, HistoryError, Outcome, ParcelHistory,
    Placement, RefundPolicy,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

// Service week 2026-11-23 (Mon) .. 2026-11-29 (Sun), CET (UTC+1).
const BOUGHT: &str = "2026-11-26T19:30:00Z"; // Thursday 20:30
const DISPATCHED: &str = "2026-11-27T09:00:00Z"; // Friday 10:00
const FRIDAY: &str = "2026-11-27T15:00:00Z";
const SATURDAY: &str = "2026-11-28T09:00:00Z";
const SUNDAY: &str = "2026-11-29T22:59:59Z"; // Sunday 23:59:59 local
const MONDAY: &str = "2026-11-30T07:00:00Z";

fn history(client: ClientType, dispatched: bool, placed: Option<&str>) -> ParcelHistory {
    ParcelHistory {
        client_type: client,
        bought_at: t(BOUGHT),
        dispatched: if dispatched {
            vec![DispatchEvent {
                kind: DispatchKind::CourierPickup,
                at: t(DISPATCHED),
            }]
        } else {
            vec![]
        },
        placed_in_target_at: placed.map(t),
    }
}

#[test]
fn refund_matrix() {
    use ClientType::{Postpaid, Prepaid};
    use Outcome::*;
    // (client, dispatched, placed, fee_owed, outcome)
    let rows: [(ClientType, bool, Option<&str>, bool, Outcome); 20] = [
        (
            Prepaid,
            true,
            Some(SATURDAY),
            true,
            PrepaidDeliveredAtWeekend,
        ),
        (Prepaid, true, Some(SUNDAY), true, PrepaidDeliveredAtWeekend),
        (Prepaid, true, Some(MONDAY), false, PrepaidRefundDue),
        (Prepaid, true, None, false, PrepaidRefundDue),
        (Prepaid, true, Some(FRIDAY), false, PrepaidRefundDue),
        (
            Prepaid,
            false,
            Some(SATURDAY),
            true,
            PrepaidDeliveredAtWeekend,
        ),
        (
            Prepaid,
            false,
            Some(SUNDAY),
            true,
            PrepaidDeliveredAtWeekend,
        ),
        (Prepaid, false, Some(MONDAY), true, PrepaidNotDispatched),
        (Prepaid, false, None, true, PrepaidNotDispatched),
        (Prepaid, false, Some(FRIDAY), true, PrepaidNotDispatched),
        (Postpaid, true, Some(SATURDAY), true, PostpaidInvoiced),
        (Postpaid, true, Some(SUNDAY), true, PostpaidInvoiced),
        (
            Postpaid,
            true,
            Some(MONDAY),
            false,
            PostpaidNotDeliveredAtWeekend,
        ),
        (Postpaid, true, None, false, PostpaidNotDeliveredAtWeekend),
        (
            Postpaid,
            true,
            Some(FRIDAY),
            false,
            PostpaidNotDeliveredAtWeekend,
        ),
        (
            Postpaid,
            false,
            Some(SATURDAY),
            false,
            PostpaidNotDispatched,
        ),
        (Postpaid, false, Some(SUNDAY), false, PostpaidNotDispatched),
        (Postpaid, false, Some(MONDAY), false, PostpaidNotDispatched),
        (Postpaid, false, None, false, PostpaidNotDispatched),
        (Postpaid, false, Some(FRIDAY), false, PostpaidNotDispatched),
    ];
    let policy = RefundPolicy::default();
    for (client, dispatched, placed, fee_owed, outcome) in rows {
        let d = policy.decide(&history(client, dispatched, placed));
        let label = format!("{client:?} dispatched={dispatched} placed={placed:?}");
        assert_eq!(d.fee_owed, fee_owed, "{label}");
        assert_eq!(d.outcome, outcome, "{label}");
        assert_eq!(d.service_week().to_string(), "2026-11-23", "{label}");
        let reason = d.reason();
        assert!(
            reason.contains("2026-11-28") && reason.contains("2026-11-29"),
            "{reason}"
        );
    }
}

#[test]
fn placement_is_judged_in_warsaw_time() {
    let policy = RefundPolicy::default();
    let place = |at: &str| {
        policy
            .decide(&history(ClientType::Prepaid, true, Some(at)))
            .placement
    };
    // Friday 23:59:59 local, Saturday 00:00 local, Sunday 23:59:59, Monday 00:00.
    assert!(matches!(
        place("2026-11-27T22:59:59Z"),
        Placement::BeforeWeekend { .. }
    ));
    assert!(matches!(
        place("2026-11-27T23:00:00Z"),
        Placement::Saturday { .. }
    ));
    assert!(matches!(
        place("2026-11-29T22:59:59Z"),
        Placement::Sunday { .. }
    ));
    assert!(matches!(
        place("2026-11-29T23:00:00Z"),
        Placement::AfterWeekend { .. }
    ));
    // Daylight-saving Sunday 2026-03-29 (CEST from 01:00Z): 23:30 local = 21:30Z.
    let h = ParcelHistory {
        client_type: ClientType::Postpaid,
        bought_at: t("2026-03-26T19:30:00Z"),
        dispatched: vec![DispatchEvent {
            kind: DispatchKind::Branch,
            at: t("2026-03-27T08:00:00Z"),
        }],
        placed_in_target_at: Some(t("2026-03-29T21:30:00Z")),
    };
    let d = policy.decide(&h);
    assert!(matches!(d.placement, Placement::Sunday { .. }));
    assert_eq!(d.outcome, Outcome::PostpaidInvoiced);
    let late = ParcelHistory {
        placed_in_target_at: Some(t("2026-03-29T22:00:00Z")),
        ..h
    };
    assert_eq!(
        policy.decide(&late).outcome,
        Outcome::PostpaidNotDeliveredAtWeekend
    );
}

#[test]
fn service_week_is_the_warsaw_calendar_week_of_purchase() {
    let policy = RefundPolicy::default();
    // Sunday 2026-11-22 23:30 local (22:30Z) belongs to the week of 16 November.
    let mut h = history(ClientType::Prepaid, false, None);
    h.bought_at = t("2026-11-22T22:30:00Z");
    assert_eq!(policy.decide(&h).service_week().to_string(), "2026-11-16");
    // Monday 00:00 local (Sunday 23:00Z) starts the week of 23 November.
    h.bought_at = t("2026-11-22T23:00:00Z");
    assert_eq!(policy.decide(&h).service_week().to_string(), "2026-11-23");
}

#[test]
fn dispatch_deadline_is_saturday_end_of_pickup_hours_inclusive() {
    let policy = RefundPolicy::default();
    let with_dispatch = |at: &str, kind| ParcelHistory {
        client_type: ClientType::Prepaid,
        bought_at: t(BOUGHT),
        dispatched: vec![DispatchEvent { kind, at: t(at) }],
        placed_in_target_at: Some(t(MONDAY)),
    };
    // Saturday 13:00 CET = 12:00Z.
    let d = policy.decide(&with_dispatch(
        "2026-11-28T12:00:00Z",
        DispatchKind::SendingLocker,
    ));
    assert_eq!(d.dispatch_deadline(), t("2026-11-28T12:00:00Z"));
    assert_eq!(d.outcome, Outcome::PrepaidRefundDue);
    let d = policy.decide(&with_dispatch(
        "2026-11-28T12:00:01Z",
        DispatchKind::SendingLocker,
    ));
    assert!(matches!(d.dispatch, Dispatch::TooLate { .. }));
    assert_eq!(d.outcome, Outcome::PrepaidNotDispatched);
    assert!(d.reason().contains("too late"), "{}", d.reason());
    let d = policy.decide(&with_dispatch(
        "2026-11-28T12:00:00.5Z",
        DispatchKind::SendingLocker,
    ));
    assert!(
        matches!(d.dispatch, Dispatch::TooLate { .. }),
        "half a second late"
    );
    // Dispatched before buying the add-on does not count.
    let d = policy.decide(&with_dispatch("2026-11-26T19:29:59Z", DispatchKind::Branch));
    assert!(matches!(d.dispatch, Dispatch::BeforePurchase { .. }));
    assert_eq!(d.outcome, Outcome::PrepaidNotDispatched);
    // At the purchase instant counts.
    let d = policy.decide(&with_dispatch(BOUGHT, DispatchKind::Branch));
    assert!(d.dispatch.as_required());
    // In summer time the deadline is 11:00Z.
    let mut h = with_dispatch("2026-06-13T11:00:00Z", DispatchKind::CourierPickup);
    h.bought_at = t("2026-06-11T18:00:00Z");
    assert_eq!(
        policy.decide(&h).dispatch_deadline(),
        t("2026-06-13T11:00:00Z")
    );
    // Any of several events in time is enough, whatever their order.
    let h = ParcelHistory {
        dispatched: vec![
            DispatchEvent {
                kind: DispatchKind::Branch,
                at: t("2026-11-30T10:00:00Z"),
            },
            DispatchEvent {
                kind: DispatchKind::SendingLocker,
                at: t("2026-11-27T10:00:00Z"),
            },
        ],
        ..with_dispatch(DISPATCHED, DispatchKind::Branch)
    };
    assert!(matches!(
        policy.decide(&h).dispatch,
        Dispatch::InTime {
            kind: DispatchKind::SendingLocker,
            ..
        }
    ));
}

#[test]
fn policy_loads_from_toml_and_deadline_is_configurable() {
    let shipped = RefundPolicy::from_toml_str(RefundPolicy::shipped_toml()).unwrap();
    assert_eq!(shipped, RefundPolicy::default());
    let p =
        RefundPolicy::from_toml_str("zone = 'Europe/Warsaw'\ndispatch_deadline = 'saturday 10:00'")
            .unwrap();
    let h = ParcelHistory {
        client_type: ClientType::Postpaid,
        bought_at: t(BOUGHT),
        dispatched: vec![DispatchEvent {
            kind: DispatchKind::Branch,
            at: t("2026-11-28T10:00:00Z"),
        }],
        placed_in_target_at: Some(t(SUNDAY)),
    };
    assert_eq!(shipped.decide(&h).outcome, Outcome::PostpaidInvoiced);
    // The 10:00 deadline makes the 11:00 local dispatch late: it no longer counts for a
    // prepaid refund, but a postpaid parcel was still sent and placed on Sunday.
    assert!(matches!(p.decide(&h).dispatch, Dispatch::TooLate { .. }));
    assert_eq!(p.decide(&h).outcome, Outcome::PostpaidInvoiced);
    let prepaid_monday = ParcelHistory {
        client_type: ClientType::Prepaid,
        placed_in_target_at: Some(t(MONDAY)),
        ..h.clone()
    };
    assert_eq!(
        shipped.decide(&prepaid_monday).outcome,
        Outcome::PrepaidRefundDue
    );
    assert_eq!(
        p.decide(&prepaid_monday).outcome,
        Outcome::PrepaidNotDispatched
    );
    assert!(RefundPolicy::from_toml_str(
        "zone = 'Mars/Base'\ndispatch_deadline = 'saturday 10:00'"
    )
    .is_err());
    assert!(
        RefundPolicy::from_toml_str("zone = 'Europe/Warsaw'\ndispatch_deadline = '10:00'").is_err()
    );
}

#[test]
fn history_json_shape() {
    let h: ParcelHistory = serde_json::from_str(
        r#"{"client_type":"postpaid","bought_at":"2026-11-26T19:30:00Z",
            "dispatched":[{"kind":"sending_locker","at":"2026-11-27T09:00:00Z"}],
            "placed_in_target_at":null}"#,
    )
    .unwrap();
    let d = RefundPolicy::default().decide(&h);
    assert!(!d.fee_owed);
    assert!(
        d.reason().starts_with("postpaid: fee left off the invoice"),
        "{}",
        d.reason()
    );
    let err = serde_json::from_str::<ParcelHistory>(
        r#"{"client_type":"credit","bought_at":"2026-11-26T19:30:00Z"}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("credit"));
}

/// Seed 003, postpaid: the fee is left off only if the parcel "nie została nadana" (was
/// not sent) or was not placed in the target locker that Saturday/Sunday. The Saturday
/// pick-up deadline belongs to the prepaid refund, so sending late does not waive it.
#[test]
fn postpaid_sent_late_but_placed_at_weekend_owes_the_fee() {
    let policy = RefundPolicy::default();
    let case = |client, dispatched_at: &str, placed: Option<&str>| {
        policy.decide(&ParcelHistory {
            client_type: client,
            bought_at: t(BOUGHT),
            dispatched: vec![DispatchEvent {
                kind: DispatchKind::SendingLocker,
                at: t(dispatched_at),
            }],
            placed_in_target_at: placed.map(t),
        })
    };
    // Deadline Saturday 13:00 CET = 12:00Z; one second later is late.
    const DEADLINE: &str = "2026-11-28T12:00:00Z";
    const LATE: &str = "2026-11-28T12:00:01Z";
    const LATE_SUNDAY: &str = "2026-11-29T07:00:00Z"; // Sunday 08:00 local
    const BEFORE_PURCHASE: &str = "2026-11-26T19:29:59Z";
    use ClientType::{Postpaid, Prepaid};
    use Outcome::*;
    // (client, dispatched at, placed, fee_owed, outcome)
    let rows: [(ClientType, &str, Option<&str>, bool, Outcome); 14] = [
        (Postpaid, DEADLINE, Some(SUNDAY), true, PostpaidInvoiced),
        (Postpaid, LATE, Some(SUNDAY), true, PostpaidInvoiced),
        (Postpaid, LATE, Some(SATURDAY), true, PostpaidInvoiced),
        (Postpaid, LATE_SUNDAY, Some(SUNDAY), true, PostpaidInvoiced),
        (
            Postpaid,
            BEFORE_PURCHASE,
            Some(SUNDAY),
            true,
            PostpaidInvoiced,
        ),
        (
            Postpaid,
            LATE,
            Some(MONDAY),
            false,
            PostpaidNotDeliveredAtWeekend,
        ),
        (Postpaid, LATE, None, false, PostpaidNotDeliveredAtWeekend),
        (
            Postpaid,
            BEFORE_PURCHASE,
            None,
            false,
            PostpaidNotDeliveredAtWeekend,
        ),
        (Prepaid, DEADLINE, Some(MONDAY), false, PrepaidRefundDue),
        (Prepaid, LATE, Some(MONDAY), true, PrepaidNotDispatched),
        (Prepaid, LATE, None, true, PrepaidNotDispatched),
        (Prepaid, BEFORE_PURCHASE, None, true, PrepaidNotDispatched),
        (Prepaid, LATE, Some(SUNDAY), true, PrepaidDeliveredAtWeekend),
        (
            Prepaid,
            LATE_SUNDAY,
            Some(SUNDAY),
            true,
            PrepaidDeliveredAtWeekend,
        ),
    ];
    for (client, at, placed, fee_owed, outcome) in rows {
        let d = case(client, at, placed);
        let label = format!("{client:?} dispatched={at} placed={placed:?}");
        assert_eq!(d.outcome, outcome, "{label}");
        assert_eq!(d.fee_owed, fee_owed, "{label}");
    }
    let d = case(Postpaid, LATE, Some(SUNDAY));
    assert!(matches!(d.dispatch, Dispatch::TooLate { .. }));
    let reason = d.reason();
    assert!(
        reason.starts_with("postpaid: fee invoiced")
            && reason.contains("binds prepaid refunds only"),
        "{reason}"
    );
    // No dispatch event at all: not sent, left off whatever the placement.
    let d = policy.decide(&history(Postpaid, false, Some(SUNDAY)));
    assert_eq!(d.outcome, PostpaidNotDispatched);
    assert!(d.reason().contains("not sent"), "{}", d.reason());
}

/// Issue 16: a history placed in the target locker before its add-on was bought used to
/// be answered as a refund due (the placement fell "before the weekend"); it is refused,
/// naming the field, both when read from JSON and by `try_decide`.
#[test]
fn placed_before_purchase_is_refused_naming_the_field() {
    let h = history(ClientType::Prepaid, true, Some("2026-11-26T19:29:59Z"));
    let e = RefundPolicy::default().try_decide(&h).unwrap_err();
    assert!(
        matches!(e, HistoryError::PlacedBeforePurchase { .. }),
        "{e:?}"
    );
    assert_eq!(
        (e.code(), e.field()),
        ("placed_before_purchase", "placed_in_target_at")
    );
    assert!(e.to_string().starts_with("placed_in_target_at: "), "{e}");
    let err = serde_json::from_str::<ParcelHistory>(
        r#"{"client_type":"prepaid","bought_at":"2026-11-26T19:30:00Z",
            "dispatched":[{"kind":"branch","at":"2026-11-27T09:00:00Z"}],
            "placed_in_target_at":"2026-11-20T10:00:00Z"}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("placed_in_target_at"), "{err}");
    // The instant of purchase itself is not "before" it; unknown keys stay refused.
    let same = history(ClientType::Prepaid, true, Some(BOUGHT));
    assert!(RefundPolicy::default().try_decide(&same).is_ok());
    assert!(serde_json::from_str::<ParcelHistory>(
        r#"{"client_type":"prepaid","bought_at":"2026-11-26T19:30:00Z","placed":null}"#
    )
    .is_err());
}

/// Issue 16: a bad policy file called itself a "window configuration".
#[test]
fn policy_errors_name_the_policy_not_the_window() {
    use courier_rules::inpost::PolicyError;
    for (text, code) in [
        (
            "zone = 'Mars/Base'\ndispatch_deadline = 'saturday 10:00'",
            "unknown_zone",
        ),
        (
            "zone = 'Europe/Warsaw'\ndispatch_deadline = 'noon'",
            "bad_dispatch_deadline",
        ),
        (
            "zone = 'Europe/Warsaw'\ndispatch_deadlin = 'saturday 10:00'",
            "policy_syntax",
        ),
    ] {
        let e: PolicyError = RefundPolicy::from_toml_str(text).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        let m = e.to_string();
        assert!(m.starts_with("refund policy"), "{m}");
        assert!(!m.contains("window"), "{m}");
    }
}
