//! Eligibility of the weekend add-on: every refusal alone and combined, in order, in
//! both dialects; the 24/7 locker filter; the search filter; the holiday calendar.

use chrono::{DateTime, NaiveDate, Utc};
use courier_rules::inpost::eligibility::{apiv2_error_xml, shipx_error_body, weekend_points};
use courier_rules::inpost::holidays::{
    easter_sunday, public_holiday, public_holidays, PublicHoliday,
};
use courier_rules::inpost::{
    check, EndOfWeekCollectionFilter, PointType, Preset, Refusals, TargetPoint, WeekendRefusal,
    WeekendShipment,
};

const INSIDE: &str = "2026-11-27T10:00:00Z"; // Friday 11:00 CET
const OUTSIDE: &str = "2026-11-28T12:00:00Z"; // Saturday 13:00 CET: the closing edge

fn shipment(outside: bool, pop: bool, not_247: bool, allegro: bool) -> WeekendShipment {
    WeekendShipment {
        service: "inpost_locker_standard".into(),
        allegro,
        end_of_week_collection: true,
        ordered_at: (if outside { OUTSIDE } else { INSIDE }).parse().unwrap(),
        target_point: TargetPoint {
            name: "KRA010".into(),
            point_type: if pop {
                PointType::Pop
            } else {
                PointType::ParcelLocker
            },
            location_247: !not_247,
        },
    }
}

#[test]
fn every_refusal_alone_and_combined_in_order() {
    let window = Preset::Seed.window().unwrap();
    for bits in 0u8..16 {
        let (outside, pop, not_247, allegro) =
            (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0, bits & 8 != 0);
        let mut expected = Vec::new();
        if outside {
            expected.push(WeekendRefusal::OutsideWindow);
        }
        if pop {
            expected.push(WeekendRefusal::PopTarget);
        }
        if not_247 {
            expected.push(WeekendRefusal::NotOpen247);
        }
        if allegro {
            expected.push(WeekendRefusal::Allegro);
        }
        let s = shipment(outside, pop, not_247, allegro);
        let got: Vec<WeekendRefusal> = check(&window, &s).iter().collect();
        assert_eq!(
            got, expected,
            "outside={outside} pop={pop} not_247={not_247} allegro={allegro}"
        );
        assert_eq!(check(&window, &s).is_empty(), expected.is_empty());
        // Not asking for the add-on is never refused.
        let mut without = s.clone();
        without.end_of_week_collection = false;
        assert!(check(&window, &without).is_empty());
    }
}

#[test]
fn keys_and_messages_of_both_dialects() {
    let rows = [
        (WeekendRefusal::OutsideWindow, "invalid_end_of_week_collection", Some("invalidEndOfWeekCollection"),
         "Wybrana usługa dodatkowa jest poza określonym przedziałem czasowym. Przedziały czasowe w których można skorzystać z usługi opisane są w regulaminie."),
        (WeekendRefusal::PopTarget, "invalid_target_point_for_end_of_week_collection",
         Some("invalidBoxMachineNameForEndOfWeekCollection"),
         "Wybrany punkt odbioru nie może być Punktem Obsługi Przesyłek."),
        (WeekendRefusal::NotOpen247, "invalid_target_point_247_for_end_of_week_collection", None,
         "Wybrany paczkomat nie jest dostępny 24/7. Dostawy Weekendowe obsługują tylko paczkomaty dostępne całą dobę."),
        (WeekendRefusal::Allegro, "invalid_allegro_for_end_of_week_collection",
         Some("invalidAllegroForEndOfWeekCollection"),
         "Usługa Dostawy Weekendowej nie jest dostępna dla przesyłek Allegro."),
    ];
    for (r, shipx, apiv2, pl) in rows {
        assert_eq!(r.shipx_key(), shipx);
        assert_eq!(r.apiv2_key(), apiv2);
        assert_eq!(r.message_pl(), pl);
    }
}

#[test]
fn add_on_exists_only_for_the_locker_service() {
    let window = Preset::Seed.window().unwrap();
    let mut s = shipment(true, false, false, false);
    s.service = "inpost_courier_standard".into();
    let got: Vec<WeekendRefusal> = check(&window, &s).iter().collect();
    assert_eq!(
        got,
        [
            WeekendRefusal::ServiceWithoutAddOn,
            WeekendRefusal::OutsideWindow
        ]
    );
}

#[test]
fn shipment_json_defaults_the_add_on_to_false() {
    let s: WeekendShipment = serde_json::from_str(
        r#"{"service":"inpost_locker_standard","ordered_at":"2026-11-24T10:00:00Z",
            "target_point":{"name":"KRA010","type":"pop","location_247":false}}"#,
    )
    .unwrap();
    assert!(!s.end_of_week_collection && !s.allegro);
    assert!(check(&Preset::Seed.window().unwrap(), &s).is_empty());
    let bad = serde_json::from_str::<WeekendShipment>(
        r#"{"service":"x","ordered_at":"2026-11-24T10:00:00Z",
            "target_point":{"name":"KRA010","type":"locker","location_247":false}}"#,
    );
    assert!(bad.unwrap_err().to_string().contains("locker"));
    // Issue 16: a misspelt key is an error naming it, not an add-on silently not asked for.
    let misspelt = serde_json::from_str::<WeekendShipment>(
        r#"{"service":"inpost_locker_standard","ordered_at":"2026-11-24T10:00:00Z",
            "end_of_week_colection":true,
            "target_point":{"name":"KRA010","type":"pop","location_247":false}}"#,
    );
    assert!(misspelt
        .unwrap_err()
        .to_string()
        .contains("end_of_week_colection"));
}

#[test]
fn shipx_body_nests_details_per_field() {
    let all: Refusals = [
        WeekendRefusal::OutsideWindow,
        WeekendRefusal::PopTarget,
        WeekendRefusal::NotOpen247,
        WeekendRefusal::Allegro,
    ]
    .into_iter()
    .collect();
    let body = shipx_error_body(all).unwrap();
    let expected = serde_json::json!({
        "status": 400,
        "error": "invalid_end_of_week_collection",
        "message": WeekendRefusal::OutsideWindow.message_en(),
        "details": {
            "end_of_week_collection": ["invalid_end_of_week_collection",
                                       "invalid_allegro_for_end_of_week_collection"],
            "custom_attributes": {"target_point": [
                "invalid_target_point_for_end_of_week_collection",
                "invalid_target_point_247_for_end_of_week_collection"]}
        }
    });
    assert_eq!(serde_json::to_value(&body).unwrap(), expected);
    let text = serde_json::to_string(&body).unwrap();
    assert!(
        text.starts_with(r#"{"status":400,"error":"invalid_end_of_week_collection","message":"#),
        "{text}"
    );
    assert!(shipx_error_body(Refusals::NONE).is_none());
}

#[test]
fn apiv2_xml_follows_the_seed() {
    let r: Refusals = [
        WeekendRefusal::PopTarget,
        WeekendRefusal::NotOpen247,
        WeekendRefusal::Allegro,
    ]
    .into_iter()
    .collect();
    let xml = apiv2_error_xml("a<1>", r);
    assert_eq!(
        xml,
        "<paczkomaty>\n<pack>\n<id>a&lt;1&gt;</id>\n\
         <error key=\"invalidBoxMachineNameForEndOfWeekCollection\">Wybrany punkt odbioru nie może być Punktem Obsługi Przesyłek.</error>\n\
         <error key=\"invalidAllegroForEndOfWeekCollection\">Usługa Dostawy Weekendowej nie jest dostępna dla przesyłek Allegro.</error>\n\
         </pack>\n</paczkomaty>\n"
    );
}

#[test]
fn weekend_points_keep_24_7_parcel_lockers_only() {
    let p = |name: &str, point_type, location_247| TargetPoint {
        name: name.into(),
        point_type,
        location_247,
    };
    let points = [
        p("A", PointType::ParcelLocker, true),
        p("B", PointType::ParcelLocker, false),
        p("C", PointType::Pop, true),
        p("D", PointType::Pop, false),
        p("E", PointType::ParcelLocker, true),
    ];
    let kept: Vec<&str> = weekend_points(&points).map(|p| p.name.as_str()).collect();
    assert_eq!(kept, ["A", "E"]);
}

#[test]
fn search_filter_true_false_absent() {
    let at: DateTime<Utc> = INSIDE.parse().unwrap();
    let mk = |flag| {
        let mut s = shipment(false, false, false, false);
        s.end_of_week_collection = flag;
        s.ordered_at = at;
        s
    };
    let list = [mk(true), mk(false), mk(true), mk(false), mk(false)];
    let count = |f: EndOfWeekCollectionFilter| f.apply(&list).count();
    assert_eq!(count(EndOfWeekCollectionFilter::Only(true)), 2);
    assert_eq!(count(EndOfWeekCollectionFilter::Only(false)), 3);
    assert_eq!(count(EndOfWeekCollectionFilter::Any), 5);
    assert_eq!(
        EndOfWeekCollectionFilter::from_option(None),
        EndOfWeekCollectionFilter::Any
    );
    assert!(EndOfWeekCollectionFilter::parse("TRUE").is_err());
    // Absent attribute counts as false.
    assert!(EndOfWeekCollectionFilter::Only(false).matches(&None::<bool>));
    assert!(!EndOfWeekCollectionFilter::Only(true).matches(&None::<bool>));
}

#[test]
fn polish_public_holidays() {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    // Easter Sundays from published tables.
    for (y, m, dd) in [
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2028, 4, 16),
        (2038, 4, 25),
        (2285, 3, 22),
    ] {
        assert_eq!(easter_sunday(y), Some(d(y, m, dd)), "{y}");
    }
    let y2026: Vec<NaiveDate> = public_holidays(2026).into_iter().map(|(d, _)| d).collect();
    assert_eq!(
        y2026,
        [
            d(2026, 1, 1),
            d(2026, 1, 6),
            d(2026, 4, 5),
            d(2026, 4, 6),
            d(2026, 5, 1),
            d(2026, 5, 3),
            d(2026, 5, 24),
            d(2026, 6, 4),
            d(2026, 8, 15),
            d(2026, 11, 1),
            d(2026, 11, 11),
            d(2026, 12, 24),
            d(2026, 12, 25),
            d(2026, 12, 26)
        ]
    );
    assert_eq!(
        public_holiday(d(2025, 6, 19)),
        Some(PublicHoliday::CorpusChristi)
    );
    assert_eq!(
        public_holiday(d(2025, 6, 8)),
        Some(PublicHoliday::PentecostSunday)
    );
    assert_eq!(public_holiday(d(2010, 1, 6)), None);
    assert_eq!(public_holidays(2024).len(), 13);
}
