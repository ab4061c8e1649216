//! Fastriver: request validation (table-driven, with the seed's own payloads), INN check
//! digits, time intervals, the lifecycle (property tests) and payability.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use courier_rules::fastriver::inn::{self, InnError, InnKind};
use courier_rules::fastriver::interval::{interval_name, parse_interval_name, CheckDays};
use courier_rules::fastriver::lifecycle::check_callback;
use courier_rules::fastriver::{
    validate_request, DeliveryRequest, DeliveryStatus as D, Event, Lifecycle, Operation,
    PartnerConfig, Payability, RequestStatus as R, Step,
};
use proptest::prelude::*;

const CONFIG: &str = include_str!("../../data/carriers/fastriver.toml");
const SEED_REQUEST: &str = include_str!("../../data/samples/carriers/fastriver_seed_request.json");
const INVALID_REQUEST: &str =
    include_str!("../../data/samples/carriers/fastriver_invalid_request.json");

fn cfg() -> PartnerConfig {
    PartnerConfig::from_toml_str(CONFIG).expect("sample config loads")
}

/// The shipped configuration in strict mode (`require_external_id = true`).
fn strict_cfg() -> PartnerConfig {
    let text = CONFIG.replace("require_external_id = false", "require_external_id = true");
    assert_ne!(text, CONFIG, "the shipped config names require_external_id");
    PartnerConfig::from_toml_str(&text).expect("strict config loads")
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test instant")
        .with_timezone(&Utc)
}

/// A typical valid request: Kazan, tomorrow relative to `NOW`.
fn valid() -> DeliveryRequest {
    DeliveryRequest::from_json(
        r#"{"mobile_phone":"+79261234567","first_name":"Анна","last_name":"Римская-Корсакова",
        "email":"anna@example.ru","delivery_city":"kazan","address":"ул Баумана, д 1",
        "date":"2025-03-11","time_interval_id":2,"product":"credit_card_visa",
        "callback_url":"https://partner.example/cb","external_id":"R-1"}"#,
    )
    .expect("valid json")
}

const NOW: &str = "2025-03-10T09:00:00Z"; // 12:00 in Moscow and Kazan

#[test]
fn typical_request_is_valid() {
    let errs = validate_request(&valid(), &cfg(), at(NOW));
    assert!(errs.is_empty(), "{errs:?}");
}

#[test]
fn seed_request_is_valid_on_the_day_before_its_date() {
    let req = DeliveryRequest::from_json(SEED_REQUEST).expect("seed sample parses");
    let errs = validate_request(&req, &cfg(), at("2020-08-19T10:00:00+03:00"));
    assert!(errs.is_empty(), "{errs:?}");
    // The same request a day after its date: the date is in the past, nothing else.
    let errs = validate_request(&req, &cfg(), at("2020-08-21T10:00:00+03:00"));
    assert_eq!(errs.errors.len(), 1, "{errs:?}");
    assert!(errs.has("date", "in_past"));
}

#[test]
fn invalid_sample_reports_every_error_at_once() {
    let req = DeliveryRequest::from_json(INVALID_REQUEST).expect("parses");
    let errs = validate_request(&req, &cfg(), at(NOW));
    let got: BTreeSet<(&str, &str)> = errs
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code))
        .collect();
    let want: BTreeSet<(&str, &str)> = [
        ("last_name", "required"),
        ("first_name", "name_format"),
        ("patronymic", "name_format"),
        ("mobile_phone", "phone_format"),
        ("additional_phones", "phone_format"),
        ("email", "email_format"),
        ("delivery_city", "city_not_enabled"),
        ("birthday", "not_in_past"),
        ("product", "product_not_enabled"),
        ("address", "required"),
        ("date", "in_past"),
        ("callback_url", "not_https"),
        ("company_name", "required"),
        ("inn", "inn_checksum"),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    // In strict mode the missing external_id is one more error.
    let strict = validate_request(&req, &strict_cfg(), at(NOW));
    assert_eq!(strict.errors.len(), errs.errors.len() + 1, "{strict:?}");
    assert!(strict.has("external_id", "required"));
    // No personal data echoed: the bad additional phone is masked.
    let json = serde_json::to_string(&errs).expect("serialises");
    assert!(json.starts_with(r#"{"validation_errors":{"#));
    assert!(!json.contains("7926765432"), "{json}");
    assert!(json.contains("+7*******32"), "{json}");
}

type Edit = fn(&mut DeliveryRequest);
/// (description, edit of the valid request, now, the one expected (field, code) or none).
type Case = (
    &'static str,
    Edit,
    &'static str,
    Option<(&'static str, &'static str)>,
);

#[test]
fn each_rule_table() {
    // (description, edit of the valid request, now, expected (field, code) or none)
    let cases: Vec<Case> = vec![
        (
            "latin first name",
            |r| r.first_name = Some("Anna".into()),
            NOW,
            Some(("first_name", "name_format")),
        ),
        (
            "name with space",
            |r| r.last_name = Some("Иван Петров".into()),
            NOW,
            Some(("last_name", "name_format")),
        ),
        (
            "hyphenated name",
            |r| r.last_name = Some("Салтыков-Щедрин".into()),
            NOW,
            None,
        ),
        (
            "ё in name",
            |r| r.first_name = Some("Пётр".into()),
            NOW,
            None,
        ),
        (
            "missing first name",
            |r| r.first_name = None,
            NOW,
            Some(("first_name", "required")),
        ),
        (
            "blank last name",
            |r| r.last_name = Some("  ".into()),
            NOW,
            Some(("last_name", "required")),
        ),
        (
            "unknown last name",
            |r| r.last_name = Some("Неизвестно".into()),
            NOW,
            None,
        ),
        (
            "patronymic latin",
            |r| r.patronymic = Some("Ivanovich".into()),
            NOW,
            Some(("patronymic", "name_format")),
        ),
        (
            "phone 8…",
            |r| r.mobile_phone = Some("89261234567".into()),
            NOW,
            Some(("mobile_phone", "phone_format")),
        ),
        (
            "phone 9 digits",
            |r| r.mobile_phone = Some("+7926123456".into()),
            NOW,
            Some(("mobile_phone", "phone_format")),
        ),
        (
            "phone formatted",
            |r| r.mobile_phone = Some("+7 (926) 123-45-67".into()),
            NOW,
            Some(("mobile_phone", "phone_format")),
        ),
        (
            "phone missing",
            |r| r.mobile_phone = None,
            NOW,
            Some(("mobile_phone", "required")),
        ),
        (
            "additional phones ok",
            |r| r.additional_phones = Some(vec!["+79267654321".into()]),
            NOW,
            None,
        ),
        (
            "additional phone bad",
            |r| r.additional_phones = Some(vec!["+380501234567".into()]),
            NOW,
            Some(("additional_phones", "phone_format")),
        ),
        (
            "email no tld",
            |r| r.email = Some("a@b".into()),
            NOW,
            Some(("email", "email_format")),
        ),
        ("email absent ok", |r| r.email = None, NOW, None),
        (
            "birthday past",
            |r| r.birthday = Some("10.11.1969".into()),
            NOW,
            None,
        ),
        (
            "birthday today",
            |r| r.birthday = Some("10.03.2025".into()),
            NOW,
            Some(("birthday", "not_in_past")),
        ),
        (
            "birthday bad format",
            |r| r.birthday = Some("1969/11/10".into()),
            NOW,
            Some(("birthday", "date_format")),
        ),
        (
            "city by name",
            |r| r.delivery_city = Some("Казань".into()),
            NOW,
            None,
        ),
        (
            "city by code any case",
            |r| r.delivery_city = Some("KAZAN".into()),
            NOW,
            None,
        ),
        (
            "city not enabled",
            |r| r.delivery_city = Some("tula".into()),
            NOW,
            Some(("delivery_city", "city_not_enabled")),
        ),
        (
            "city missing",
            |r| r.delivery_city = None,
            NOW,
            Some(("delivery_city", "required")),
        ),
        (
            "product not enabled",
            |r| r.product = Some("mortgage".into()),
            NOW,
            Some(("product", "product_not_enabled")),
        ),
        (
            "product missing",
            |r| r.product = None,
            NOW,
            Some(("product", "required")),
        ),
        (
            "address missing (partner coordinates)",
            |r| r.address = None,
            NOW,
            Some(("address", "required")),
        ),
        (
            "date missing (partner coordinates)",
            |r| r.date = None,
            NOW,
            Some(("date", "required")),
        ),
        (
            "date yesterday",
            |r| r.date = Some("09.03.2025".into()),
            NOW,
            Some(("date", "in_past")),
        ),
        (
            "date bad",
            |r| r.date = Some("2025-02-30".into()),
            NOW,
            Some(("date", "date_format")),
        ),
        (
            "same day before Kazan cut-off 15:00",
            |r| r.date = Some("2025-03-10".into()),
            "2025-03-10T11:59:59Z",
            None,
        ),
        (
            "same day at Kazan cut-off",
            |r| r.date = Some("2025-03-10".into()),
            "2025-03-10T12:00:00Z",
            Some(("date", "same_day_cutoff")),
        ),
        (
            "same day Moscow cut-off 12:00",
            |r| {
                r.date = Some("2025-03-10".into());
                r.delivery_city = Some("moscow".into())
            },
            "2025-03-10T09:00:00Z",
            Some(("date", "same_day_cutoff")),
        ),
        // 08:30 UTC is 13:30 in Yekaterinburg (UTC+5): after its 13:00 cut-off.
        (
            "same day Yekaterinburg local cut-off",
            |r| {
                r.date = Some("2025-03-10".into());
                r.delivery_city = Some("ekaterinburg".into());
                r.time_interval_id = Some(1)
            },
            "2025-03-10T08:30:00Z",
            Some(("date", "same_day_cutoff")),
        ),
        (
            "same day Yekaterinburg before cut-off",
            |r| {
                r.date = Some("2025-03-10".into());
                r.delivery_city = Some("ekaterinburg".into());
                r.time_interval_id = Some(1)
            },
            "2025-03-10T07:30:00Z",
            None,
        ),
        // 20:00 UTC on the 9th is already the 10th in Novosibirsk (UTC+7): "today" is local.
        (
            "date past in local zone",
            |r| {
                r.date = Some("2025-03-09".into());
                r.delivery_city = Some("novosibirsk".into());
                r.time_interval_id = Some(1)
            },
            "2025-03-09T20:00:00Z",
            Some(("date", "in_past")),
        ),
        (
            "slot unknown in city",
            |r| r.time_interval_id = Some(3),
            NOW,
            Some(("time_interval_id", "slot_unknown")),
        ),
        (
            "slot by name",
            |r| {
                r.time_interval_id = None;
                r.time_interval_name = Some("16:00-18:00".into())
            },
            NOW,
            None,
        ),
        (
            "slot name unknown",
            |r| {
                r.time_interval_id = None;
                r.time_interval_name = Some("09:00-10:00".into())
            },
            NOW,
            Some(("time_interval_name", "slot_unknown")),
        ),
        (
            "slot missing",
            |r| r.time_interval_id = None,
            NOW,
            Some(("time_interval_id", "required")),
        ),
        (
            "callback http",
            |r| r.callback_url = Some("http://partner.example/cb".into()),
            NOW,
            Some(("callback_url", "not_https")),
        ),
        (
            "inn company valid",
            |r| {
                r.inn = Some("7707083893".into());
                r.company_name = Some("ПАО Сбербанк".into())
            },
            NOW,
            None,
        ),
        (
            "inn individual valid",
            |r| {
                r.inn = Some("500100732259".into());
                r.company_name = Some("ИП Иванов".into())
            },
            NOW,
            None,
        ),
        (
            "inn checksum",
            |r| {
                r.inn = Some("7707083894".into());
                r.company_name = Some("ПАО".into())
            },
            NOW,
            Some(("inn", "inn_checksum")),
        ),
        (
            "inn 11 digits",
            |r| {
                r.inn = Some("77070838930".into());
                r.company_name = Some("ПАО".into())
            },
            NOW,
            Some(("inn", "inn_format")),
        ),
        (
            "inn without company",
            |r| r.inn = Some("7707083893".into()),
            NOW,
            Some(("company_name", "required")),
        ),
        (
            "legal product needs inn",
            |r| {
                r.product = Some("business_account".into());
                r.company_name = Some("ООО Ракета".into())
            },
            NOW,
            Some(("inn", "required")),
        ),
        (
            "external id missing (optional by default)",
            |r| r.external_id = None,
            NOW,
            None,
        ),
        (
            "external id blank (optional by default)",
            |r| r.external_id = Some("  ".into()),
            NOW,
            None,
        ),
    ];
    let cfg = cfg();
    for (what, edit, now, expected) in cases {
        let mut req = valid();
        edit(&mut req);
        let errs = validate_request(&req, &cfg, at(now));
        match expected {
            None => assert!(errs.is_empty(), "{what}: {errs:?}"),
            Some((field, code)) => {
                assert_eq!(errs.errors.len(), 1, "{what}: {errs:?}");
                assert!(errs.has(field, code), "{what}: {errs:?}");
            }
        }
    }
}

#[test]
fn optional_fields_when_fastriver_coordinates() {
    let cfg = PartnerConfig::from_toml_str(
        &CONFIG.replace("partner_coordinates = true", "partner_coordinates = false"),
    )
    .expect("config");
    let mut req = valid();
    req.address = None;
    req.date = None;
    req.time_interval_id = None;
    assert!(validate_request(&req, &cfg, at(NOW)).is_empty());
}

#[test]
fn inn_published_numbers() {
    for valid in [
        "7707083893",
        "7736207543",
        "7702070139",
        "7728168971",
        "7710140679",
    ] {
        assert_eq!(inn::check(valid), Ok(InnKind::Company), "{valid}");
    }
    for valid in ["500100732259", "773173084809", "526317984689"] {
        assert_eq!(inn::check(valid), Ok(InnKind::Individual), "{valid}");
    }
    for bad in ["7707083894", "7736207542", "500100732258", "500100732269"] {
        assert_eq!(inn::check(bad), Err(InnError::CheckDigit), "{bad}");
    }
    for bad in [
        "",
        "770708389",
        "77070838931",
        "1027700132195",
        "77070838 3",
        "７７０７０８３８９３",
    ] {
        assert_eq!(inn::check(bad), Err(InnError::Format), "{bad}");
    }
}

proptest! {
    #[test]
    fn inn_generated_numbers(prefix9 in "[0-9]{9}", prefix10 in "[0-9]{10}", wrong in 1u32..10) {
        let inn10 = inn::complete(&prefix9).expect("9 digits");
        prop_assert_eq!(inn::check(&inn10), Ok(InnKind::Company));
        let inn12 = inn::complete(&prefix10).expect("10 digits");
        prop_assert_eq!(inn::check(&inn12), Ok(InnKind::Individual));
        // Changing the (last) check digit always breaks it.
        let mut bytes = inn10.into_bytes();
        let last = bytes.len() - 1;
        bytes[last] = b'0' + ((u32::from(bytes[last] - b'0') + wrong) % 10) as u8;
        prop_assert_eq!(inn::check(std::str::from_utf8(&bytes).unwrap()), Err(InnError::CheckDigit));
    }

    #[test]
    fn interval_names_round_trip(from in 0u16..1439, len in 1u16..600) {
        let to = (from + len).min(1440);
        let name = interval_name(from, to).unwrap();
        prop_assert_eq!(parse_interval_name(&name).unwrap(), (from, to));
    }
}

#[test]
fn intervals_and_check_days() {
    assert_eq!(interval_name(600, 720).unwrap(), "10:00-12:00");
    assert_eq!(interval_name(1305, 1335).unwrap(), "21:45-22:15");
    assert!(parse_interval_name("12:00-10:00").is_err());
    assert!(parse_interval_name("10:00-24:01").is_err());
    for n in 1..=7 {
        assert_eq!(CheckDays::new(n).unwrap().get() as i64, n);
    }
    for n in [-1, 0, 8, 365] {
        assert!(CheckDays::new(n).is_err());
    }
    let start = chrono::NaiveDate::from_ymd_opt(2021, 2, 1).unwrap();
    let days: Vec<_> = CheckDays::new(4).unwrap().dates(start).collect();
    assert_eq!(days.len(), 4);
    assert_eq!(
        days[3],
        chrono::NaiveDate::from_ymd_opt(2021, 2, 4).unwrap()
    );
}

#[test]
fn seed_callbacks_against_event_table() {
    // First example of the seed: complete / executed / completed.
    let v: serde_json::Value = serde_json::from_str(include_str!(
        "../../data/samples/carriers/fastriver_callback_complete.json"
    ))
    .unwrap();
    let a = &v["data"]["attributes"];
    let req: R = serde_json::from_value(a["delivery_request_status"].clone()).unwrap();
    let del: D = serde_json::from_value(a["delivery_status"].clone()).unwrap();
    assert_eq!(
        check_callback(a["event"].as_str().unwrap(), req, del),
        Ok(Event::Complete)
    );
    // Every row of the table accepts its own statuses and refuses the others.
    for &e in Event::ALL {
        let (r, ds) = e.carries();
        for rr in R::ALL {
            for dd in D::ALL {
                let ok = rr == r && ds.contains(&dd);
                assert_eq!(
                    check_callback(e.as_str(), rr, dd).is_ok(),
                    ok,
                    "{e:?} {rr:?} {dd:?}"
                );
            }
        }
    }
    assert_eq!(Event::ALL.len(), 25);
}

#[test]
fn operations_by_state_with_http_status() {
    let t = at(NOW);
    let mut l = Lifecycle::new();
    assert!(l.allows(Operation::Patch).is_ok());
    assert!(l.allows(Operation::Cancel).is_ok());
    assert_eq!(l.allows(Operation::Confirm).unwrap_err().http_status, 405);
    assert_eq!(
        l.allows(Operation::CallPlease).unwrap_err().http_status,
        405
    );
    l.apply(Step::Event(Event::AcceptDelivery, D::Pending), t)
        .unwrap();
    assert!(l.allows(Operation::CallPlease).is_ok());
    assert!(l.allows(Operation::TransferDelivery).is_ok());
    assert_eq!(
        l.allows(Operation::CompleteDelivery)
            .unwrap_err()
            .http_status,
        405
    );
    l.apply(Step::Event(Event::Schedule, D::Scheduled), t)
        .unwrap();
    l.apply(Step::Op(Operation::CompleteDelivery), t).unwrap();
    assert_eq!(l.allows(Operation::Cancel).unwrap_err().http_status, 422);
    assert_eq!(l.allows(Operation::Patch).unwrap_err().http_status, 422);
    l.apply(Step::Event(Event::Complete, D::Completed), t)
        .unwrap();
    assert_eq!(l.executed_at, Some(t));
    l.apply(Step::Op(Operation::Reject), t).unwrap();
    assert_eq!(l.request, R::Rejected);
    assert_eq!(l.allows(Operation::Confirm).unwrap_err().http_status, 405);
    let t2 = t + chrono::Duration::days(1);
    l.apply(Step::Event(Event::Fix, D::Completed), t2).unwrap();
    assert_eq!(
        l.executed_at,
        Some(t2),
        "auto-confirmation counts from the fix"
    );
    // Automatic confirmation: 7 days after the (last) execution, not before.
    let due = t2 + chrono::Duration::days(7);
    assert_eq!(l.auto_confirm_due(), Some(due));
    assert_eq!(
        l.apply(Step::AutoConfirm, due - chrono::Duration::seconds(1))
            .unwrap_err()
            .http_status,
        405
    );
    l.apply(Step::AutoConfirm, due).unwrap();
    assert_eq!(l.request, R::Confirmed);
    assert_eq!(l.allows(Operation::Patch).unwrap_err().http_status, 405);
}

#[test]
fn contradicting_or_impossible_events_are_refused() {
    let t = at(NOW);
    let mut l = Lifecycle::new();
    let e = l
        .apply(Step::Event(Event::Complete, D::Failed), t)
        .unwrap_err();
    assert_eq!(e.http_status, 422);
    // `complete` before acceptance is impossible.
    assert!(l
        .apply(Step::Event(Event::Complete, D::Completed), t)
        .is_err());
    assert_eq!(l, Lifecycle::new(), "refusal leaves the state unchanged");
    // A retried callback is a no-op.
    l.apply(Step::Event(Event::AcceptDelivery, D::Pending), t)
        .unwrap();
    let before = l;
    l.apply(Step::Event(Event::AcceptDelivery, D::Pending), t)
        .unwrap();
    assert_eq!(l, before);
}

fn any_step() -> impl Strategy<Value = Step> {
    let ops = proptest::sample::select(Operation::ALL.to_vec()).prop_map(Step::Op);
    let events = (
        proptest::sample::select(Event::ALL.to_vec()),
        proptest::sample::select(D::ALL.to_vec()),
    )
        .prop_map(|(e, d)| Step::Event(e, d));
    prop_oneof![
        ops,
        events,
        Just(Step::Reserve),
        Just(Step::ReleaseReservation),
        Just(Step::AutoConfirm),
    ]
}

/// Every step, each event with each delivery status.
fn all_steps() -> Vec<Step> {
    let mut v: Vec<Step> = Operation::ALL.iter().map(|o| Step::Op(*o)).collect();
    for &e in Event::ALL {
        for d in D::ALL {
            v.push(Step::Event(e, d));
        }
    }
    v.extend([Step::Reserve, Step::ReleaseReservation, Step::AutoConfirm]);
    v
}

proptest! {
    #[test]
    fn no_legal_sequence_leaves_the_defined_states(steps in proptest::collection::vec((any_step(), 0i64..200), 0..60)) {
        let mut l = Lifecycle::new();
        let mut t = at(NOW);
        for (step, hours) in steps {
            t += chrono::Duration::hours(hours);
            let before = l;
            match l.apply(step, t) {
                Ok(()) => prop_assert!(Lifecycle::is_consistent(l.request, l.delivery), "{:?} after {:?}", l, step),
                Err(e) => {
                    prop_assert_eq!(l, before);
                    prop_assert!(e.http_status == 405 || e.http_status == 422);
                }
            }
            // Final request statuses are final: only a repeated callback keeps them.
            if before.request.is_final() {
                prop_assert_eq!(l.request, before.request);
            }
            prop_assert_eq!(l.request == R::Executed, l.auto_confirm_due().is_some());
        }
    }
}

#[test]
fn every_consistent_state_is_reachable() {
    let far = at("2100-01-01T00:00:00Z");
    let start = Lifecycle::new();
    let mut seen = BTreeSet::new();
    let mut queue = vec![start];
    seen.insert((start.request, start.delivery));
    while let Some(l) = queue.pop() {
        for step in all_steps() {
            let mut next = l;
            next.executed_at = l.executed_at.map(|_| at(NOW));
            if next.apply(step, far).is_ok() && seen.insert((next.request, next.delivery)) {
                queue.push(next);
            }
        }
    }
    let mut consistent = BTreeSet::new();
    for r in R::ALL {
        for d in D::ALL {
            if Lifecycle::is_consistent(r, d) {
                consistent.insert((r, d));
            }
        }
    }
    assert_eq!(seen, consistent);
    let requests: BTreeSet<R> = seen.iter().map(|p| p.0).collect();
    let deliveries: BTreeSet<D> = seen.iter().map(|p| p.1).collect();
    assert_eq!(requests.len(), 6);
    assert_eq!(deliveries.len(), 6);
}

#[test]
fn payable_deliveries() {
    let p = cfg().payability;
    assert_eq!(p.payability(D::Completed, None), Payability::Payable);
    assert_eq!(
        p.payability(D::Failed, Some("decline_on_meeting")),
        Payability::Payable
    );
    assert_eq!(
        p.payability(D::Failed, Some("error_documents")),
        Payability::Payable
    );
    assert_eq!(
        p.payability(D::Failed, Some("lose")),
        Payability::NotPayable
    );
    // The seed's own example: a transfer before the meeting, payable false.
    assert_eq!(
        p.payability(D::Failed, Some("transfer_before_meeting")),
        Payability::NotPayable
    );
    assert!(!p.disagrees(D::Failed, Some("transfer_before_meeting"), false));
    assert_eq!(p.payability(D::Failed, None), Payability::Unknown);
    assert_eq!(p.payability(D::Canceled, None), Payability::NotPayable);
    assert_eq!(p.payability(D::Scheduled, None), Payability::NotPayable);
    assert!(p.disagrees(D::Canceled, None, true));
}

#[test]
fn debug_masks_personal_data() {
    let dbg = format!("{:?}", valid());
    assert!(!dbg.contains("79261234567"), "{dbg}");
    assert!(!dbg.contains("anna@example.ru"), "{dbg}");
    assert!(!dbg.contains("Римская"), "{dbg}");
}

#[test]
fn patch_then_validate() {
    let cfg = cfg();
    let mut req = valid();
    let patch =
        DeliveryRequest::from_json(r#"{"data":{"attributes":{"mobile_phone":"+7926"}}}"#).unwrap();
    assert!(!patch.moves_delivery());
    req.apply_patch(&patch);
    let errs = validate_request(&req, &cfg, at(NOW));
    assert_eq!(errs.errors.len(), 1);
    assert!(errs.has("mobile_phone", "phone_format"));
    let moving = DeliveryRequest::from_json(r#"{"date":"2025-03-12"}"#).unwrap();
    assert!(moving.moves_delivery());
    req.apply_patch(&moving);
    assert_eq!(req.date.as_deref(), Some("2025-03-12"));
    assert_eq!(
        req.external_id.as_deref(),
        Some("R-1"),
        "absent fields are kept"
    );
}

#[test]
fn wrong_json_types_are_malformed_not_silently_dropped() {
    assert!(
        DeliveryRequest::from_json(r#"{"data":{"attributes":{"time_interval_id":"2"}}}"#).is_err()
    );
    assert!(DeliveryRequest::from_json(r#"{"time_interval_id":"2"}"#).is_err());
    assert!(DeliveryRequest::from_json(r#"{"data":[]}"#).is_err());
    assert!(DeliveryRequest::from_json("[1,2]").is_err());
}

#[test]
fn callback_receiver_takes_the_seed_callback_idempotently() {
    use courier_rules::fastriver::lifecycle::{
        Callback, CallbackError, CallbackReceiver, Received,
    };
    let cb = Callback::from_json(include_str!(
        "../../data/samples/carriers/fastriver_callback_complete.json"
    ))
    .unwrap();
    assert_eq!(cb.event, "complete");
    let t = at(NOW);
    let mut l = Lifecycle::new();
    l.apply(Step::Event(Event::AcceptDelivery, D::Scheduled), t)
        .unwrap();
    let mut rx = CallbackReceiver::new(l);
    assert_eq!(rx.receive(&cb, t), Ok(Received::Applied));
    assert_eq!(rx.lifecycle.request, R::Executed);
    assert_eq!(rx.receive(&cb, t), Ok(Received::Duplicate));
    // The seed's second example names the event "completed": not in the table.
    let odd = Callback {
        id: "x".into(),
        event: "completed".into(),
        ..cb.clone()
    };
    assert!(matches!(rx.receive(&odd, t), Err(CallbackError::Table(_))));
    // `complete` carrying a validated request contradicts the table.
    let wrong = Callback {
        id: "y".into(),
        delivery_request_status: R::Validated,
        ..cb.clone()
    };
    assert!(matches!(
        rx.receive(&wrong, t),
        Err(CallbackError::Table(_))
    ));
    // A legal-looking event from an impossible state is refused by the lifecycle.
    let mut fresh = CallbackReceiver::new(Lifecycle::new());
    assert!(matches!(
        fresh.receive(&cb, t),
        Err(CallbackError::Refused(_))
    ));
    assert_eq!(fresh.lifecycle, Lifecycle::new());
}

#[test]
fn extreme_instants_do_not_panic() {
    let mut l = Lifecycle::new();
    let end = DateTime::<Utc>::MAX_UTC;
    l.apply(Step::Event(Event::AcceptDelivery, D::Scheduled), end)
        .unwrap();
    l.apply(Step::Event(Event::Complete, D::Completed), end)
        .unwrap();
    assert_eq!(l.auto_confirm_due(), Some(end));
    l.apply(Step::AutoConfirm, end).unwrap();
    let _ = validate_request(&valid(), &cfg(), DateTime::<Utc>::MIN_UTC);
    let _ = validate_request(&valid(), &cfg(), end);
}

proptest! {
    #[test]
    fn validation_never_panics(fields in proptest::collection::vec(".{0,16}", 12), id in any::<Option<i64>>()) {
        let s = |i: usize| Some(fields[i].clone());
        let req = DeliveryRequest {
            mobile_phone: s(0), additional_phones: Some(vec![fields[1].clone()]), first_name: s(2),
            last_name: s(3), patronymic: s(4), email: s(5), inn: s(6), birthday: s(7),
            delivery_city: s(8), date: s(9), time_interval_name: s(10), callback_url: s(11),
            time_interval_id: id, company_name: s(2), product: s(8), ..DeliveryRequest::default()
        };
        let errs = validate_request(&req, &cfg(), at(NOW));
        // The output is Fastriver-shaped whatever the input.
        let json = serde_json::to_string(&errs).unwrap();
        let shaped = json.starts_with(r#"{"validation_errors":"#);
        prop_assert!(shaped, "{}", json);
    }
}

/// Seed 001: external_id is "обязателен при наличии" / "Да, если имеется": optional by
/// default, required in strict mode, and never an error when given.
#[test]
fn external_id_is_optional_by_default_and_required_in_strict_mode() {
    let lax = cfg();
    assert!(!lax.require_external_id);
    let strict = strict_cfg();
    assert!(strict.require_external_id);
    // A config that does not mention the key is lax too (the default).
    let minimal = PartnerConfig::from_toml_str(
        "[products.credit_card_visa]\n[cities.kazan]\nname = \"Казань\"\ntime_zone = \"Europe/Moscow\"\nsame_day_cutoff = \"15:00\"\n",
    )
    .expect("minimal config");
    assert!(!minimal.require_external_id);
    let cases: [(Option<&str>, bool, bool); 4] = [
        // (external_id, valid lax, valid strict)
        (Some("R-1"), true, true),
        (None, true, false),
        (Some(""), true, false),
        (Some(" "), true, false),
    ];
    for (id, lax_ok, strict_ok) in cases {
        let mut req = valid();
        req.external_id = id.map(str::to_string);
        let errs = validate_request(&req, &lax, at(NOW));
        assert_eq!(errs.is_empty(), lax_ok, "lax {id:?}: {errs:?}");
        let errs = validate_request(&req, &strict, at(NOW));
        assert_eq!(errs.is_empty(), strict_ok, "strict {id:?}: {errs:?}");
        if !strict_ok {
            assert_eq!(errs.errors.len(), 1, "{errs:?}");
            assert!(errs.has("external_id", "required"));
        }
    }
}

/// Issue 16: `documents` was carried unchecked (any JSON type, any item, a NUL byte in an
/// address). Each problem is now a field error with the item's path.
#[test]
fn documents_are_validated_with_the_item_path() {
    let with = |documents: &str| {
        let mut req = valid();
        req.documents = Some(serde_json::from_str(documents).expect("test json"));
        let errs = validate_request(&req, &cfg(), at(NOW));
        let mut got: Vec<(String, &str)> = errs
            .errors
            .iter()
            .map(|e| (e.field.clone(), e.code))
            .collect();
        got.sort();
        got
    };
    fn pairs(v: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        let mut v: Vec<(String, &str)> = v.iter().map(|(f, c)| (f.to_string(), *c)).collect();
        v.sort();
        v
    }
    let passport = r#"{"type":"rf_passport","series":"4515","number":"123456",
        "issued_at":"20.01.2019","valid_to":"20.01.2029","issuer":"ОВД Москвы",
        "issuer_departner":"123-321","registration_address":"Воробьёвы горы, влд. 1"}"#;
    assert_eq!(with(&format!("[{passport}]")), pairs(&[]));
    assert_eq!(with("[]"), pairs(&[]));
    assert_eq!(with("null"), pairs(&[]));
    assert_eq!(
        with(r#"{"type":"rf_passport"}"#),
        pairs(&[("documents", "invalid_type")])
    );
    assert_eq!(
        with(r#""passport""#),
        pairs(&[("documents", "invalid_type")])
    );
    let nul = passport.replace("Воробьёвы горы", "Воробьёвы\\u0000горы");
    assert_eq!(
        with(&format!("[{passport}, 7, {nul}]")),
        pairs(&[
            ("documents[1]", "invalid_type"),
            ("documents[2].registration_address", "control_character"),
        ])
    );
    assert_eq!(
        with(
            r#"[{"type":"zagran","series":45,"number":"12345","issued_at":"2026-01-01",
                  "valid_to":"01.01.2020","issuer":" ","issuer_departner":"123321"}]"#
        ),
        pairs(&[
            ("documents[0].issued_at", "in_future"),
            ("documents[0].issuer", "blank"),
            ("documents[0].issuer_departner", "department_code_format"),
            ("documents[0].number", "number_format"),
            ("documents[0].series", "invalid_type"),
            ("documents[0].type", "document_type_unknown"),
            ("documents[0].valid_to", "before_issued_at"),
        ])
    );
    assert_eq!(
        with(
            r#"[{"seires":"4515","number":"123456","issued_at":"31.02.2019",
                  "valid_to":"01.01.2024"}]"#
        ),
        pairs(&[
            ("documents[0].issued_at", "date_format"),
            ("documents[0].series", "required"),
            ("documents[0].type", "required"),
            ("documents[0].valid_to", "expired"),
        ])
    );
    // Fastriver's shape keys the messages by the path; the value is never echoed.
    let mut req = valid();
    req.documents = Some(serde_json::from_str(&format!("[{nul}]")).unwrap());
    let shape = serde_json::to_string(&validate_request(&req, &cfg(), at(NOW))).unwrap();
    assert!(
        shape.contains("\"documents[0].registration_address\""),
        "{shape}"
    );
    assert!(!shape.contains("Воробьёвы"), "{shape}");
}
