//! Tastamat: payload validation, the parcel lifecycle (legal transitions, property tests
//! for idempotent and out-of-order updates, reachability) and the withdrawal list.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use courier_rules::tastamat::{
    must_withdraw, OpenCode, Parcel, ParcelStatus as S, Payload, TastamatConfig, UpdateError,
    UpdateOutcome,
};
use proptest::prelude::*;

fn cfg() -> TastamatConfig {
    TastamatConfig::from_toml_str(include_str!("../../data/carriers/tastamat.toml")).unwrap()
}

fn t(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap() + Duration::hours(h)
}

fn codes(p: &Payload, now: DateTime<Utc>) -> Vec<(String, &'static str)> {
    p.validate(&cfg(), now)
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn sample_payloads() {
    let details = Payload::from_json(include_str!(
        "../../data/samples/carriers/tastamat_parcel_details.json"
    ))
    .unwrap();
    assert_eq!(details.kind(), "parcel_details");
    assert!(codes(&details, t(0)).is_empty());
    let bad = Payload::from_json(include_str!(
        "../../data/samples/carriers/tastamat_parcel_details_invalid.json"
    ))
    .unwrap();
    assert_eq!(
        codes(&bad, t(0)),
        vec![
            ("parcel_id".into(), "required"),
            ("locker_index".into(), "index_format"),
            ("phone".into(), "phone_format"),
            ("cost".into(), "negative"),
        ]
    );
    let dep = Payload::from_json(include_str!(
        "../../data/samples/carriers/tastamat_status_deposited.json"
    ))
    .unwrap();
    assert_eq!(dep.kind(), "status_update");
    assert!(codes(&dep, t(24)).is_empty());
    // Dated 04:15 UTC: refused when "now" is 03:00 UTC (more than 5 minutes ahead).
    assert_eq!(codes(&dep, t(3)), vec![("occurred_at".into(), "in_future")]);
    let bad = Payload::from_json(include_str!(
        "../../data/samples/carriers/tastamat_status_invalid.json"
    ))
    .unwrap();
    assert_eq!(
        codes(&bad, t(0)),
        vec![
            ("status".into(), "unknown_status"),
            ("occurred_at".into(), "time_format")
        ]
    );
}

#[test]
fn details_table() {
    let cases = [
        (
            r#"{"parcel_id":"P","recipient_address":"Алматы, пр. Абая 1","phone":"87011234567","cost":0}"#,
            vec![],
        ),
        (
            r#"{"parcel_id":"P","locker_index":"050000","phone":"+77011234567","cost":100.5}"#,
            vec![],
        ),
        (
            r#"{"parcel_id":"P","phone":"+77011234567","cost":1}"#,
            vec![("locker_index", "required")],
        ),
        (
            r#"{"parcel_id":"P","locker_index":"050000","cost":1}"#,
            vec![("phone", "required")],
        ),
        (
            r#"{"parcel_id":"P","locker_index":"050000","phone":"+77011234567"}"#,
            vec![("cost", "required")],
        ),
        (
            r#"{"parcel_id":"P","locker_index":"050000","phone":"+77011234567","cost":"1.001"}"#,
            vec![("cost", "precision")],
        ),
        (
            r#"{"parcel_id":"P","locker_index":"050000","phone":"+7701123456x","cost":1}"#,
            vec![("phone", "phone_format")],
        ),
        (
            r#"{"parcel_id":"P","status":"deposited","occurred_at":"2024-03-01T00:00:00Z"}"#,
            vec![("open_code", "required")],
        ),
        (
            r#"{"parcel_id":"P","status":"deposited","occurred_at":"2024-03-01T00:00:00Z","open_code":"../x"}"#,
            vec![("open_code", "code_format")],
        ),
        (
            r#"{"parcel_id":"P","status":"picked_up","occurred_at":"2024-03-01T00:00:00Z","locker_index":"5"}"#,
            vec![("locker_index", "index_format")],
        ),
    ];
    for (json, want) in cases {
        let p = Payload::from_json(json).unwrap();
        let want: Vec<(String, &str)> = want.into_iter().map(|(f, c)| (f.to_string(), c)).collect();
        assert_eq!(codes(&p, t(1)), want, "{json}");
    }
    let shown = format!(
        "{:?}",
        Payload::from_json(r#"{"parcel_id":"P","phone":"+77011234567","open_code":"x"}"#).unwrap()
    );
    assert!(!shown.contains("7011234567"), "{shown}");
}

fn deposited(id: &str, at: DateTime<Utc>) -> Parcel {
    let cfg = cfg();
    let mut p = Parcel::registered(id, at);
    p.apply(S::CellBooked, at, None, &cfg).unwrap();
    p.apply(S::Deposited, at, Some(OpenCode("C0DE".into())), &cfg)
        .unwrap();
    p
}

#[test]
fn lifecycle_rules() {
    let cfg = cfg();
    let mut p = deposited("P1", t(0));
    assert_eq!(
        cfg.open_link(&p.open_code.clone().unwrap().0),
        "tastamat.kz/open/C0DE"
    );
    assert!(!format!("{p:?}").contains("C0DE"));
    // Withdrawal before the storage period is over is refused; after it, allowed.
    assert!(matches!(
        p.apply(S::Withdrawn, t(71), None, &cfg),
        Err(UpdateError::WithdrawnEarly { .. })
    ));
    assert_eq!(
        p.apply(S::Withdrawn, t(72), None, &cfg),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(
        p.apply(S::PickedUp, t(73), None, &cfg)
            .unwrap_err()
            .to_string(),
        "parcel P1: withdrawn → picked_up is not a transition of the lifecycle"
    );
    assert_eq!(
        p.apply(S::Returned, t(80), None, &cfg),
        Ok(UpdateOutcome::Applied)
    );
    // Picked up is final.
    let mut q = deposited("P2", t(0));
    q.apply(S::PickedUp, t(5), None, &cfg).unwrap();
    assert!(q.apply(S::Expired, t(80), None, &cfg).is_err());
    // A deposit needs its open code.
    let mut r = Parcel::registered("P3", t(0));
    r.apply(S::CellBooked, t(1), None, &cfg).unwrap();
    assert_eq!(
        r.apply(S::Deposited, t(2), None, &cfg),
        Err(UpdateError::MissingOpenCode("P3".into()))
    );
    // Booking released and booked again.
    assert_eq!(
        r.apply(S::Registered, t(3), None, &cfg),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(
        r.apply(S::CellBooked, t(4), None, &cfg),
        Ok(UpdateOutcome::Applied)
    );
}

#[test]
fn status_update_payload_applies() {
    let cfg = cfg();
    let Payload::StatusUpdate(u) = Payload::from_json(include_str!(
        "../../data/samples/carriers/tastamat_status_deposited.json"
    ))
    .unwrap() else {
        panic!("a status update");
    };
    let mut p = Parcel::registered("KZ-000123", t(0));
    assert!(
        p.apply_update(&u, &cfg).is_err(),
        "cell_booked has not arrived yet"
    );
    p.apply(S::CellBooked, t(1), None, &cfg).unwrap();
    assert_eq!(p.apply_update(&u, &cfg), Ok(UpdateOutcome::Applied));
    assert_eq!(p.apply_update(&u, &cfg), Ok(UpdateOutcome::Duplicate));
    assert_eq!(
        p.deposited_at,
        Some(Utc.with_ymd_and_hms(2024, 3, 1, 4, 15, 0).unwrap())
    );
    let mut other = Parcel::registered("X", t(0));
    assert!(matches!(
        other.apply_update(&u, &cfg),
        Err(UpdateError::WrongParcel { .. })
    ));
}

#[test]
fn withdrawal_list() {
    let cfg = cfg();
    let mut expired = deposited("E", t(10));
    expired.apply(S::Expired, t(82), None, &cfg).unwrap();
    let parcels = vec![
        deposited("B", t(0)),
        deposited("A", t(0)),
        deposited("C", t(5)),
        expired,
        {
            let mut p = deposited("D", t(0));
            p.apply(S::PickedUp, t(1), None, &cfg).unwrap();
            p
        },
        Parcel::registered("R", t(0)),
    ];
    let ids = |at| {
        must_withdraw(&parcels, at, &cfg)
            .iter()
            .map(|p| p.parcel_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(t(71)), Vec::<String>::new());
    assert_eq!(ids(t(72)), vec!["A", "B"]);
    assert_eq!(ids(t(77)), vec!["A", "B", "C"]);
    assert_eq!(ids(t(82)), vec!["A", "B", "C", "E"]);
}

fn any_status() -> impl Strategy<Value = S> {
    proptest::sample::select(S::ALL.to_vec())
}

proptest! {
    #[test]
    fn updates_keep_the_lifecycle_defined(steps in proptest::collection::vec((any_status(), -5i64..100), 0..40)) {
        let cfg = cfg();
        let mut p = Parcel::registered("P", t(0));
        let mut clock = 0i64;
        for (status, dt) in steps {
            clock += dt;
            let before = p.clone();
            let out = p.apply(status, t(clock), Some(OpenCode("C".into())), &cfg);
            match out {
                Ok(UpdateOutcome::Applied) => {
                    prop_assert!(before.status.can_become(p.status));
                    prop_assert_eq!(p.status, status);
                    prop_assert!(p.updated_at >= before.updated_at, "time never goes back");
                }
                Ok(_) | Err(_) => prop_assert_eq!(&p, &before),
            }
            // Re-sending the same update is always harmless.
            let again = p.clone();
            if out == Ok(UpdateOutcome::Applied) {
                prop_assert_eq!(p.apply(status, t(clock), Some(OpenCode("C".into())), &cfg), Ok(UpdateOutcome::Duplicate));
                prop_assert_eq!(&p, &again);
            }
            if before.status.is_final() {
                prop_assert_eq!(p.status, before.status);
            }
            if !matches!(p.status, S::Registered | S::CellBooked) {
                prop_assert!(p.deposited_at.is_some(), "{:?} without a deposit time", p.status);
            }
        }
    }
}

#[test]
fn every_status_is_reachable() {
    let cfg = cfg();
    let mut seen = BTreeSet::new();
    let mut queue = vec![Parcel::registered("P", t(0))];
    seen.insert(S::Registered);
    while let Some(p) = queue.pop() {
        for s in S::ALL {
            let mut next = p.clone();
            if next.apply(s, t(1000), Some(OpenCode("C".into())), &cfg)
                == Ok(UpdateOutcome::Applied)
                && seen.insert(s)
            {
                queue.push(next);
            }
        }
    }
    assert_eq!(seen.len(), S::ALL.len());
}

/// Seed 000: the SMS goes to a "сотовый номер телефона". Mobile operator codes are the
/// documented list in `data/carriers/kz-mobile-prefixes.toml`; landlines are refused.
#[test]
fn phone_must_be_a_kazakh_mobile_number_from_the_listed_codes() {
    use courier_rules::tastamat::MobilePrefixes;
    let shipped = MobilePrefixes::from_toml_str(MobilePrefixes::shipped_toml()).unwrap();
    assert_eq!(shipped, MobilePrefixes::shipped());
    assert_eq!(
        cfg().mobile_prefixes,
        shipped,
        "the config defaults to the list"
    );
    let listed: Vec<String> = shipped.codes().collect();
    assert_eq!(
        listed,
        [
            "700", "701", "702", "705", "706", "707", "708", "747", "771", "775", "776", "777",
            "778"
        ]
    );
    for code in &listed {
        for form in [
            format!("+7{code}1234567"),
            format!("8{code}1234567"),
            format!("7{code}1234567"),
            format!("+7 ({code}) 123-45-67"),
        ] {
            assert!(shipped.is_mobile(&form), "{form}");
        }
    }
    let refused = [
        "+77272123456",    // Almaty landline (727): the issue's example
        "+77172123456",    // Astana landline (717)
        "+77102123456",    // Karaganda (710), lowest geographic code
        "+77292123456",    // Mangystau (729), highest geographic code
        "+77032123456",    // 703: not listed
        "+77092123456",    // 709: not listed
        "+77702123456",    // 770: not listed
        "+77792123456",    // 779: not listed
        "+77602123456",    // 760: satellite, left out (see the data file)
        "+77852123456",    // 785: left out
        "+79261234567",    // a Russian mobile
        "+87011234567",    // "+8" is not a country code
        "7+7011234567",    // '+' not first
        "+7701123456",     // 10 digits
        "+770112345678",   // 12 digits
        "+7701123456x",    // a letter
        "+7 701 123 45 6", // 10 digits with spaces
        "",
    ];
    for p in refused {
        assert!(!shipped.is_mobile(p), "{p:?}");
    }
    // Through the payload, with the field named and the number masked.
    let p = Payload::from_json(
        r#"{"parcel_id":"P","locker_index":"050000","phone":"+77272123456","cost":1}"#,
    )
    .unwrap();
    let errs = p.validate(&cfg(), t(0));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].field.as_str(), errs[0].code),
        ("phone", "phone_format")
    );
    assert!(!errs[0].message.contains("2123456"), "{}", errs[0].message);
    // A configuration may carry its own list (an operator code added without a release).
    let own =
        TastamatConfig::from_toml_str("storage_period_hours = 72\nmobile_prefixes = [\"727\"]")
            .unwrap();
    assert!(p.validate(&own, t(0)).is_empty());
    // Lists that cannot be used are refused, naming the entry.
    for (bad, what) in [
        ("mobile_prefixes = [\"7O1\"]", "7O1"),
        ("mobile_prefixes = [\"7011\"]", "7011"),
        ("mobile_prefixes = [\"701\", \"701\"]", "twice"),
        ("mobile_prefixes = []", "empty"),
    ] {
        let e = TastamatConfig::from_toml_str(&format!("storage_period_hours = 72\n{bad}"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(what), "{bad}: {e}");
    }
    let e = MobilePrefixes::from_toml_str("country = \"RU\"\nprefixes = [\"900\"]").unwrap_err();
    assert!(e.to_string().contains("KZ"), "{e}");
}

/// The locker index format is data (`locker_index_format`, Kazakhstan six digits), the
/// same pattern type as a tariff's `[address]`.
#[test]
fn locker_index_format_is_configuration() {
    assert_eq!(cfg().locker_index_format.pattern(), "NNNNNN");
    let p = |index: &str| {
        Payload::from_json(&format!(
            r#"{{"parcel_id":"P","locker_index":"{index}","phone":"+77011234567","cost":1}}"#
        ))
        .unwrap()
    };
    for good in ["050000", "010000", " 050000 "] {
        assert!(codes(&p(good), t(0)).is_empty(), "{good}");
    }
    for bad in ["05000", "0500000", "05000A", "050-000", ""] {
        assert_eq!(
            codes(&p(bad), t(0)),
            vec![("locker_index".into(), "index_format")],
            "{bad:?}"
        );
    }
    // Another format by configuration (an example only: a dash after three digits).
    let other = TastamatConfig::from_toml_str(
        "storage_period_hours = 72\nlocker_index_format = \"NNN-NNN\"",
    )
    .unwrap();
    assert!(p("050-000").validate(&other, t(0)).is_empty());
    assert!(TastamatConfig::from_toml_str(
        "storage_period_hours = 72\nlocker_index_format = \"---\""
    )
    .is_err());
    // Without the key: six digits.
    let bare = TastamatConfig::from_toml_str("storage_period_hours = 72").unwrap();
    assert_eq!(bare.locker_index_format.pattern(), "NNNNNN");
    // The configuration-free entry point uses the shipped file.
    let courier_rules::tastamat::Payload::ParcelDetails(d) = p("05000") else {
        unreachable!()
    };
    assert_eq!(d.validate()[0].code, "index_format");
}
