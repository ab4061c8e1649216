//! Aplix: PushOrder and PushReestr validation (the seed's own examples and a table of
//! broken ones) and the GetTrackNumbers merge (properties: idempotent, order-independent,
//! no resurrection, monotone watermark).

use std::collections::BTreeSet;

use courier_rules::aplix::{
    validate_order, validate_registry, AplixConfig, KnownOrder, KnownOrders, PushOrder, PushReestr,
    RegistryBook, TrackBook, TrackIncrement, TrackNumber,
};
use proptest::prelude::*;

fn cfg() -> AplixConfig {
    AplixConfig::from_toml_str(include_str!("../../data/carriers/aplix.toml")).expect("config")
}

fn seed_order() -> PushOrder {
    PushOrder::from_json(include_str!(
        "../../data/samples/carriers/aplix_seed_order.json"
    ))
    .expect("seed order parses")
}

fn known() -> KnownOrders {
    KnownOrders::from_json(include_str!(
        "../../data/samples/carriers/aplix_known_orders.json"
    ))
    .expect("known orders parse")
}

fn codes(errs: &[courier_rules::field::FieldError]) -> BTreeSet<(String, &'static str)> {
    errs.iter().map(|e| (e.field.clone(), e.code)).collect()
}

#[test]
fn seed_order_is_valid() {
    let order = seed_order();
    assert_eq!(
        order.comment.as_deref(),
        Some("Тестовый заказ"),
        "the seed's Cyrillic С alias"
    );
    let errs = validate_order(&order, &cfg());
    assert!(errs.is_empty(), "{errs:?}");
}

#[test]
fn invalid_order_reports_everything() {
    let order = PushOrder::from_json(include_str!(
        "../../data/samples/carriers/aplix_invalid_order.json"
    ))
    .expect("parses");
    let errs = validate_order(&order, &cfg());
    let want: BTreeSet<(String, &str)> = [
        ("Customer.Phone", "phone_format"),
        ("Customer.Email", "email_format"),
        ("Customer.Address.Index", "index_format"),
        ("Customer.Address.City", "required"),
        ("Customer.Address.Home", "required"),
        ("DeclaredCost", "negative"),
        ("AmountToBePaid", "precision"),
        ("TypeOfSeal", "unknown_seal"),
        ("Goods[0].Qty", "quantity_below_one"),
        ("Goods[0].Price", "negative"),
        ("Goods[0].VATRate", "unknown_vat_rate"),
        ("DeliveryDate", "before_order_date"),
        ("StartTimeDelivery", "hour_interval"),
    ]
    .into_iter()
    .map(|(f, c)| (f.to_string(), c))
    .collect();
    assert_eq!(codes(&errs), want);
    let text = serde_json::to_string(&errs).unwrap();
    assert!(!text.contains("975-53"), "phone echoed: {text}");
    assert!(!text.contains("psv@vardex"), "e-mail echoed: {text}");
}

type Edit = fn(&mut PushOrder);
/// (description, edit of the seed order, the one expected (field, code) or none).
type Case = (&'static str, Edit, Option<(&'static str, &'static str)>);

#[test]
fn order_rules_table() {
    let cases: Vec<Case> = vec![
        ("no id", |o| o.id = None, Some(("ID", "required"))),
        (
            "no number",
            |o| o.number = Some(" ".into()),
            Some(("Number", "required")),
        ),
        (
            "bad date",
            |o| o.date = Some("30.08.2013".into()),
            Some(("Date", "date_format")),
        ),
        (
            "datetime ok",
            |o| o.date = Some("2013-08-30T15:20:00".into()),
            None,
        ),
        (
            "no customer",
            |o| o.customer = None,
            Some(("Customer", "required")),
        ),
        (
            "no phone",
            |o| o.customer.as_mut().unwrap().phone = None,
            Some(("Customer.Phone", "required")),
        ),
        (
            "no email",
            |o| o.customer.as_mut().unwrap().email = None,
            Some(("Customer.Email", "required")),
        ),
        (
            "no address",
            |o| o.customer.as_mut().unwrap().address = None,
            Some(("Customer.Address", "required")),
        ),
        (
            "settlement instead of city",
            |o| {
                let a = o.customer.as_mut().unwrap().address.as_mut().unwrap();
                a.city = None;
                a.settlement = Some("Пионерский п".into());
            },
            None,
        ),
        (
            "declared value zero",
            |o| o.declared_cost = Some(rust_decimal::Decimal::ZERO),
            None,
        ),
        (
            "no declared value",
            |o| o.declared_cost = None,
            Some(("DeclaredCost", "required")),
        ),
        (
            "cash on delivery",
            |o| o.amount_to_be_paid = Some(rust_decimal::Decimal::new(3635000, 2)),
            None,
        ),
        (
            "negative COD",
            |o| o.amount_to_be_paid = Some(rust_decimal::Decimal::new(-1, 0)),
            Some(("AmountToBePaid", "negative")),
        ),
        (
            "unknown delivery type",
            |o| o.delivery_type_id = Some(99),
            Some(("DeliveryTypeId", "unknown_delivery_type")),
        ),
        ("seal 1", |o| o.type_of_seal = Some(1), None),
        ("seal 3", |o| o.type_of_seal = Some(3), None),
        (
            "seal 0",
            |o| o.type_of_seal = Some(0),
            Some(("TypeOfSeal", "unknown_seal")),
        ),
        ("no goods", |o| o.goods.clear(), Some(("Goods", "required"))),
        (
            "qty 0",
            |o| o.goods[1].qty = Some(0),
            Some(("Goods[1].Qty", "quantity_below_one")),
        ),
        (
            "price 0 (gift)",
            |o| o.goods[1].price = Some(rust_decimal::Decimal::ZERO),
            None,
        ),
        (
            "no VAT",
            |o| o.goods[0].vat_rate = None,
            Some(("Goods[0].VATRate", "required")),
        ),
        (
            "zero weight",
            |o| o.goods[0].weight = Some(rust_decimal::Decimal::ZERO),
            Some(("Goods[0].Weight", "not_positive")),
        ),
        ("courier ok", |o| o.delivery_type_id = Some(1), None),
        (
            "courier no date",
            |o| {
                o.delivery_type_id = Some(1);
                o.delivery_date = None
            },
            Some(("DeliveryDate", "required")),
        ),
        (
            "courier no hours",
            |o| {
                o.delivery_type_id = Some(1);
                o.end_time_delivery = None
            },
            Some(("EndTimeDelivery", "required")),
        ),
        (
            "courier empty interval",
            |o| {
                o.delivery_type_id = Some(1);
                o.start_time_delivery = Some(14)
            },
            Some(("StartTimeDelivery", "hour_interval")),
        ),
        (
            "courier outside hours",
            |o| {
                o.delivery_type_id = Some(1);
                o.start_time_delivery = Some(7)
            },
            Some(("StartTimeDelivery", "hour_interval")),
        ),
        (
            "EMS ignores hours",
            |o| {
                o.start_time_delivery = Some(20);
                o.end_time_delivery = Some(3)
            },
            None,
        ),
        (
            "cancelled: identity only",
            |o| {
                o.activity = false;
                o.goods.clear();
                o.customer = None
            },
            None,
        ),
        (
            "cancelled without id",
            |o| {
                o.activity = false;
                o.id = None
            },
            Some(("ID", "required")),
        ),
    ];
    let cfg = cfg();
    for (what, edit, expected) in cases {
        let mut o = seed_order();
        edit(&mut o);
        let errs = validate_order(&o, &cfg);
        match expected {
            None => assert!(errs.is_empty(), "{what}: {errs:?}"),
            Some((f, c)) => assert_eq!(
                codes(&errs),
                [(f.to_string(), c)].into_iter().collect(),
                "{what}"
            ),
        }
    }
}

#[test]
fn seed_registry_is_valid() {
    let r = PushReestr::from_json(include_str!(
        "../../data/samples/carriers/aplix_seed_registry.json"
    ))
    .expect("parses");
    assert!(validate_registry(&r, &known()).is_empty());
}

#[test]
fn invalid_registry_reports_everything() {
    let r = PushReestr::from_json(include_str!(
        "../../data/samples/carriers/aplix_invalid_registry.json"
    ))
    .expect("parses");
    let errs = validate_registry(&r, &known());
    let want: BTreeSet<(String, &str)> = [
        ("DateOfShipment", "shipment_before_registry_date"),
        ("IDs[1]", "duplicate_order"),
        ("IDs[2]", "cancelled_order"),
        ("IDs[3]", "order_in_other_registry"),
        ("IDs[4]", "unknown_order"),
    ]
    .into_iter()
    .map(|(f, c)| (f.to_string(), c))
    .collect();
    assert_eq!(codes(&errs), want);
}

#[test]
fn registry_book_keeps_orders_in_one_registry() {
    let mut book = RegistryBook::new(known());
    let seed = PushReestr::from_json(include_str!(
        "../../data/samples/carriers/aplix_seed_registry.json"
    ))
    .unwrap();
    assert!(book.push(&seed).is_empty());
    assert!(
        book.push(&seed).is_empty(),
        "pushing the same registry again is idempotent"
    );
    assert_eq!(book.registry_of("2013‐1234567890"), Some("2013‐r12345"));
    let mut other = seed.clone();
    other.id = Some("2013‐r99999".into());
    other.ids = vec!["2013‐1234567891".into()];
    let errs = book.push(&other);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].code, "order_in_other_registry");
    // Same-day hand-over is allowed.
    let mut same_day = seed.clone();
    same_day.date_of_shipment = Some("2013-10-22".into());
    assert!(validate_registry(&same_day, &known()).is_empty());
    let none: KnownOrders = std::iter::empty::<KnownOrder>().collect();
    assert!(!validate_registry(&seed, &none).is_empty());
}

#[test]
fn seed_track_feed_supersedes() {
    let incs: Vec<TrackIncrement> = serde_json::from_str(include_str!(
        "../../data/samples/carriers/aplix_track_increments.json"
    ))
    .unwrap();
    let mut book = TrackBook::new();
    for inc in &incs {
        book.merge(inc).unwrap();
    }
    assert_eq!(book.current("2013‐1234567890"), Some("EA123456801RU"));
    assert_eq!(book.current("2013‐1234567891"), Some("EA123456792RU"));
    let again = book.clone();
    let report = book.merge(&incs[0]).unwrap();
    assert_eq!(book, again, "replaying an old increment changes nothing");
    assert_eq!(report.ignored_stale, 1);
    assert!(report.changed.is_empty());
    assert_eq!(
        book.date_of_last_getting.unwrap().to_string(),
        "2013-08-01 11:00:00",
        "the watermark does not move back"
    );
    assert!(book
        .merge(&TrackIncrement {
            new_date_of_last_getting: "yesterday".into(),
            track_numbers: vec![]
        })
        .is_err());
}

fn line() -> impl Strategy<Value = TrackNumber> {
    ("[AB]", "T[1-4]", any::<bool>()).prop_map(|(o, n, a)| TrackNumber {
        order_id: o,
        number: n,
        activity: a,
    })
}

fn increment() -> impl Strategy<Value = TrackIncrement> {
    (0u32..24, proptest::collection::vec(line(), 0..6)).prop_map(|(h, lines)| TrackIncrement {
        new_date_of_last_getting: format!("2013-08-01T{h:02}:00:00"),
        track_numbers: lines,
    })
}

proptest! {
    #[test]
    fn merge_is_idempotent_and_never_resurrects(incs in proptest::collection::vec(increment(), 1..8), pick in any::<prop::sample::Index>()) {
        let mut book = TrackBook::new();
        let mut max_mark = None;
        for inc in &incs {
            book.merge(inc).unwrap();
            let mark = courier_rules::aplix::parse_datetime(&inc.new_date_of_last_getting);
            max_mark = max_mark.max(mark);
            let snapshot = book.clone();
            book.merge(inc).unwrap();
            prop_assert_eq!(&book, &snapshot, "merging the same increment twice");
            for tracks in book.orders.values() {
                if let Some(c) = &tracks.current {
                    prop_assert!(!tracks.superseded.contains(c));
                }
            }
        }
        prop_assert_eq!(book.date_of_last_getting, max_mark);
        // Replaying any earlier increment never brings back a superseded number.
        let before = book.clone();
        book.merge(&incs[pick.index(incs.len())]).unwrap();
        for (order, tracks) in &book.orders {
            if let Some(c) = &tracks.current {
                let old = before.orders.get(order).map(|t| t.superseded.contains(c)).unwrap_or(false);
                prop_assert!(!old, "{} resurrected", c);
            }
        }
    }

    #[test]
    fn deactivation_order_inside_an_increment_does_not_matter(old in "T[1-3]", new in "T[4-6]") {
        let l = |n: &str, a: bool| TrackNumber { order_id: "A".into(), number: n.into(), activity: a };
        let start = TrackIncrement { new_date_of_last_getting: "2013-08-01T10:00:00".into(), track_numbers: vec![l(&old, true)] };
        let a = TrackIncrement { new_date_of_last_getting: "2013-08-01T11:00:00".into(), track_numbers: vec![l(&old, false), l(&new, true)] };
        let b = TrackIncrement { new_date_of_last_getting: "2013-08-01T11:00:00".into(), track_numbers: vec![l(&new, true), l(&old, false)] };
        let (mut x, mut y) = (TrackBook::new(), TrackBook::new());
        x.merge(&start).unwrap(); x.merge(&a).unwrap();
        y.merge(&start).unwrap(); y.merge(&b).unwrap();
        prop_assert_eq!(x.current("A"), Some(new.as_str()));
        prop_assert_eq!(x, y);
    }
}
