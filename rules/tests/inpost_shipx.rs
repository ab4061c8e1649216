//! The seed's ShipX shipment body (seed 003, "Przykładowe zapytanie dla tworzenia
//! przesyłki", transcribed in data/samples/inpost/shipx_seed_shipment.json) checked for
//! the weekend add-on with the target point's attributes from a points list.

use chrono::{DateTime, Utc};
use courier_rules::inpost::shipx::{Points, PointsError, ShipxInputError, ShipxShipment};
use courier_rules::inpost::{check, PointType, Preset, WeekendRefusal};

const SEED: &str = include_str!("../../data/samples/inpost/shipx_seed_shipment.json");
const POINTS: &str = include_str!("../../data/samples/inpost/points.json");

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

// Thursday 26 November 2026, CET: the seed window opens at 20:00 local = 19:00Z.
const OPENS: &str = "2026-11-26T19:00:00Z";
const BEFORE: &str = "2026-11-26T18:59:59Z";
// Saturday 13:00 local = 12:00Z closes it (exclusive).
const LAST: &str = "2026-11-28T11:59:59Z";
const CLOSES: &str = "2026-11-28T12:00:00Z";

fn refusals(body: &str, at: &str) -> Vec<WeekendRefusal> {
    let points = Points::from_json(POINTS).unwrap();
    let s = ShipxShipment::from_json(body).unwrap();
    let shipment = s.to_shipment(&points, t(at)).unwrap();
    check(&Preset::Seed.window().unwrap(), &shipment)
        .iter()
        .collect()
}

#[test]
fn the_seed_shipment_is_accepted_inside_the_window_only() {
    assert_eq!(refusals(SEED, OPENS), []);
    assert_eq!(refusals(SEED, LAST), []);
    assert_eq!(refusals(SEED, BEFORE), [WeekendRefusal::OutsideWindow]);
    assert_eq!(refusals(SEED, CLOSES), [WeekendRefusal::OutsideWindow]);
}

#[test]
fn point_attributes_come_from_the_points_list() {
    let with_point = |name: &str| SEED.replace("\"KRA010\"", &format!("{name:?}"));
    assert_eq!(
        refusals(&with_point("KRA020"), OPENS),
        [WeekendRefusal::NotOpen247]
    );
    assert_eq!(
        refusals(&with_point("KRA01N"), OPENS),
        [WeekendRefusal::PopTarget]
    );
    // A point that is both a locker and a POP is not "parcel_locker_only".
    assert_eq!(
        refusals(&with_point("KRA30M"), OPENS),
        [WeekendRefusal::PopTarget]
    );
    // All refusals at once, in the seed's order.
    let allegro = with_point("KRA01N")
        .replace(
            "\"target_point\"",
            "\"allegro_transaction_id\": \"123\", \"target_point\"",
        )
        .replace("inpost_locker_standard", "inpost_courier_standard");
    assert_eq!(
        refusals(&allegro, BEFORE),
        [
            WeekendRefusal::ServiceWithoutAddOn,
            WeekendRefusal::OutsideWindow,
            WeekendRefusal::PopTarget,
            WeekendRefusal::Allegro
        ]
    );
    // Without the add-on nothing is refused, whatever the point.
    let without = with_point("KRA01N").replace(
        "\"end_of_week_collection\": true",
        "\"end_of_week_collection\": false",
    );
    assert_eq!(refusals(&without, BEFORE), []);
    let absent = with_point("KRA01N").replace("\"end_of_week_collection\": true,", "");
    assert_ne!(absent, with_point("KRA01N"));
    assert_eq!(refusals(&absent, BEFORE), []);
    // allegro_user_id marks Allegro too; an empty id does not.
    let user = SEED.replace(
        "\"target_point\"",
        "\"allegro_user_id\": 42, \"target_point\"",
    );
    assert_eq!(refusals(&user, OPENS), [WeekendRefusal::Allegro]);
    let empty = SEED.replace(
        "\"target_point\"",
        "\"allegro_transaction_id\": \"\", \"target_point\"",
    );
    assert_eq!(refusals(&empty, OPENS), []);
}

#[test]
fn missing_or_unknown_fields_are_named() {
    let points = Points::from_json(POINTS).unwrap();
    let err = |body: &str| {
        ShipxShipment::from_json(body)
            .unwrap()
            .to_shipment(&points, t(OPENS))
            .unwrap_err()
    };
    let e = err(&SEED.replace(
        "\"service\": \"inpost_locker_standard\"",
        "\"service\": \" \"",
    ));
    assert_eq!((e.field(), e.code()), ("service", "required"));
    let e = err(r#"{"service": "inpost_locker_standard", "end_of_week_collection": true}"#);
    assert_eq!(e, ShipxInputError::NoTargetPoint);
    assert_eq!(e.field(), "custom_attributes.target_point");
    let e = err(&SEED.replace("KRA010", "WAW999"));
    assert_eq!(e.code(), "unknown_point");
    assert!(e.to_string().contains("WAW999"), "{e}");
}

#[test]
fn points_lists_in_both_shapes() {
    let p = Points::from_json(POINTS).unwrap();
    assert_eq!(p.len(), 4);
    assert_eq!(p.get("KRA01N").unwrap().point_type, PointType::Pop);
    // Several ShipX pages, as fetched.
    let pages = Points::from_json(&format!(
        "[{}, {}]",
        r#"{"href": "https://api-shipx-pl.easypack24.net/v1/points", "count": 3, "page": 1,
            "items": [{"name": "KRA010", "type": ["parcel_locker"], "location_247": true, "status": "Operating"},
                      {"name": "KRA020", "type": ["parcel_locker"], "location_247": false}]}"#,
        r#"{"items": [{"name": "KRA030", "type": ["parcel_locker"], "location_247": true}]}"#
    ));
    assert_eq!(pages.unwrap().len(), 3);
    // The plain shape of `courier inpost points`.
    let plain =
        Points::from_json(r#"[{"name": "A1", "type": "pop", "location_247": false}]"#).unwrap();
    assert_eq!(plain.get("A1").unwrap().point_type, PointType::Pop);
    for (bad, what) in [
        (r#"[{"type": "pop", "location_247": true}]"#, "name"),
        (
            r#"[{"name": "A", "type": "kiosk", "location_247": true}]"#,
            "type",
        ),
        (
            r#"[{"name": "A", "type": [], "location_247": true}]"#,
            "type",
        ),
        (r#"[{"name": "A", "type": "pop"}]"#, "location_247"),
        (r#"{"count": 0}"#, "items"),
        (r#""KRA010""#, "array"),
    ] {
        let e = Points::from_json(bad).unwrap_err().to_string();
        assert!(e.contains(what), "{bad}: {e}");
    }
    let dup = r#"[{"name": "A", "type": "pop", "location_247": true}, {"name": "A", "type": "pop", "location_247": true}]"#;
    assert!(matches!(
        Points::from_json(dup),
        Err(PointsError::Duplicate(_))
    ));
}

#[test]
fn shape_detection() {
    let v = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert!(ShipxShipment::is_shipx_shape(&v(SEED)));
    assert!(!ShipxShipment::is_shipx_shape(&v(
        r#"{"service": "inpost_locker_standard"}"#
    )));
    assert!(!ShipxShipment::is_shipx_shape(&v(
        r#"{"custom_attributes": {}, "target_point": {"name": "A", "type": "pop", "location_247": true}}"#
    )));
}
