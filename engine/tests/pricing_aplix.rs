//! Prices derived by hand from `data/tariffs/aplix.toml` (the arithmetic is in the
//! comments), for each zone, step boundaries, volumetric weight, insurance minimum, COD
//! fee, every seal type, sturdy packaging, and a refusal for each reason.

use courier_engine::pricing::{
    CompiledTariff, Consignment, MethodRefusal, Parcel, Quote, QuoteRequest, Seal,
};
use courier_engine::Sides;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const APLIX: &str = include_str!("../../data/tariffs/aplix.toml");

fn tariff() -> CompiledTariff {
    CompiledTariff::from_toml_str(APLIX).unwrap_or_else(|e| panic!("{e}"))
}

fn method(t: &CompiledTariff, code: &str) -> usize {
    t.method_codes().position(|c| c == code).unwrap()
}

/// Box M outer sides, a gross weight, one unit.
fn parcel(gross_weight_g: u64) -> Parcel {
    Parcel {
        outer_sorted_mm: Sides::new(306, 206, 156).unwrap(),
        gross_weight_g,
        goods_volume_mm3: 3_000_000,
        units: 1,
        carton: Some(1),
    }
}

fn ship(parcel: Parcel) -> Consignment {
    Consignment {
        parcel,
        declared_value: Decimal::ZERO,
        cod_amount: None,
        weekend: false,
    }
}

fn post_rate(t: &CompiledTariff, index: &str, region: &str, gross: u64) -> Decimal {
    let dest = t.destination(index, region);
    let p = t
        .price_method(
            method(t, "russian_post_parcel"),
            &ship(parcel(gross)),
            &dest,
            Decimal::ZERO,
        )
        .unwrap_or_else(|r| panic!("{r:?}"));
    p.postal_rate
}

#[test]
fn each_post_zone() {
    let t = tariff();
    // 820 g: base 500 g + ceil(320 / 500) = 1 step.
    assert_eq!(post_rate(&t, "101000", "", 820), dec!(275.00)); // zone 1: 250 + 25
    assert_eq!(post_rate(&t, "190000", "", 820), dec!(310.00)); // zone 2: 280 + 30
    assert_eq!(post_rate(&t, "420111", "", 820), dec!(358.00)); // zone 3: 320 + 38
    assert_eq!(post_rate(&t, "630099", "", 820), dec!(430.00)); // zone 4: 380 + 50
    assert_eq!(post_rate(&t, "684005", "", 820), dec!(515.00)); // zone 5: 450 + 65
                                                                // No index: the region rule puts Kamchatka in zone 5.
    assert_eq!(post_rate(&t, "", "Камчатский край", 820), dec!(515.00));
    // Amounts print with exactly two decimals.
    assert_eq!(post_rate(&t, "101000", "", 820).to_string(), "275.00");
}

#[test]
fn weight_step_boundaries() {
    let t = tariff();
    assert_eq!(post_rate(&t, "101000", "", 500), dec!(250.00)); // exactly the base
    assert_eq!(post_rate(&t, "101000", "", 501), dec!(275.00)); // one gram over: 1 step
    assert_eq!(post_rate(&t, "101000", "", 1000), dec!(275.00)); // exactly 1 step
    assert_eq!(post_rate(&t, "101000", "", 1001), dec!(300.00)); // 2 steps
}

#[test]
fn volumetric_weight_wins() {
    let t = tariff();
    let dest = t.destination("101000", "");
    // XL box outer 536 × 366 × 226 = 44,335,776 mm³ / 5000 = 8867.16 → 8868 g > 2000 g.
    let p = Parcel {
        outer_sorted_mm: Sides::new(536, 366, 226).unwrap(),
        gross_weight_g: 2000,
        goods_volume_mm3: 0,
        units: 1,
        carton: Some(3),
    };
    let ems = t
        .price_method(method(&t, "ems"), &ship(p), &dest, Decimal::ZERO)
        .unwrap();
    assert_eq!(ems.volumetric_weight_g, Some(8868));
    assert_eq!(ems.chargeable_weight_g, 8868);
    // ceil((8868 - 1000) / 500) = 16 steps: 600 + 16 × 60 = 1560.00
    assert_eq!(ems.steps, 16);
    assert_eq!(ems.postal_rate, dec!(1560.00));
    // The Russian Post parcel has no volumetric weight: 2000 g → 3 steps.
    let post = t
        .price_method(
            method(&t, "russian_post_parcel"),
            &ship(p),
            &dest,
            Decimal::ZERO,
        )
        .unwrap();
    assert_eq!(post.volumetric_weight_g, None);
    assert_eq!(post.postal_rate, dec!(325.00));
}

#[test]
fn insurance_rate_step_and_minimum() {
    let t = tariff();
    let dest = t.destination("101000", "");
    let m = method(&t, "russian_post_parcel");
    let premium = |v: Decimal| {
        let s = Consignment {
            declared_value: v,
            ..ship(parcel(820))
        };
        t.price_method(m, &s, &dest, Decimal::ZERO)
            .unwrap()
            .insurance
    };
    assert_eq!(premium(dec!(0)), None); // nothing declared, nothing insured
    assert_eq!(premium(dec!(100)), Some(dec!(10.00))); // 4 % = 4.00 < minimum 10.00
    assert_eq!(premium(dec!(250)), Some(dec!(10.00))); // 4 % = 10.00 = minimum
    assert_eq!(premium(dec!(1000.01)), Some(dec!(40.04))); // per partial rouble: 1001 × 4 %
    assert_eq!(premium(dec!(36370)), Some(dec!(1454.80)));
}

#[test]
fn cod_fee_by_band_and_minimum() {
    let t = tariff();
    let dest = t.destination("101000", "");
    let fee = |code: &str, amount: Decimal| {
        let s = Consignment {
            cod_amount: Some(amount),
            ..ship(parcel(820))
        };
        t.price_method(method(&t, code), &s, &dest, Decimal::ZERO)
            .unwrap()
            .cod_fee
    };
    assert_eq!(fee("russian_post_parcel", dec!(1000)), Some(dec!(130.00))); // 80 + 5 % × 1000
    assert_eq!(
        fee("russian_post_parcel", dec!(1000.01)),
        Some(dec!(130.00))
    ); // 90 + 40.0004
    assert_eq!(fee("russian_post_parcel", dec!(3000)), Some(dec!(210.00))); // 90 + 120
    assert_eq!(fee("courier", dec!(1000)), Some(dec!(50.00))); // 2.5 % = 25 < minimum 50
    assert_eq!(fee("courier", dec!(10000)), Some(dec!(250.00)));
    // The fee is part of the postal rate.
    let s = Consignment {
        cod_amount: Some(dec!(3000)),
        ..ship(parcel(820))
    };
    let p = t
        .price_method(method(&t, "russian_post_parcel"), &s, &dest, Decimal::ZERO)
        .unwrap();
    assert_eq!(p.postal_rate, dec!(485.00)); // 275 + 210
}

#[test]
fn courier_fuel_and_notification() {
    let t = tariff();
    let dest = t.destination("125009", "");
    let p = t
        .price_method(
            method(&t, "courier"),
            &ship(parcel(820)),
            &dest,
            Decimal::ZERO,
        )
        .unwrap();
    // Box M outer 306 × 206 × 156 = 9,833,616 mm³ / 5000 → 1967 g; 1 step of 1000 g.
    assert_eq!(p.chargeable_weight_g, 1967);
    assert_eq!(p.rate, dec!(390.00)); // 350 + 40
    assert_eq!(p.fuel, Some(dec!(29.25))); // 7.5 % of 390
    assert_eq!(p.notification, Some(dec!(15.00)));
    assert_eq!(p.postal_rate, dec!(434.25));
    let weekend = Consignment {
        weekend: true,
        ..ship(parcel(820))
    };
    let p = t
        .price_method(method(&t, "courier"), &weekend, &dest, Decimal::ZERO)
        .unwrap();
    assert_eq!(p.weekend, Some(dec!(300.00)));
    assert_eq!(p.postal_rate, dec!(734.25));
}

fn request(json: &str) -> QuoteRequest {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"))
}

fn box_request(seal: u8, sturdy: bool) -> QuoteRequest {
    request(&format!(
        r#"{{
        "declared_value": "0",
        "goods": [{{"length_mm": 200, "width_mm": 150, "height_mm": 100, "weight_g": 700, "qty": 1}}],
        "address": {{"index": "101000"}},
        "type_of_seal": {seal},
        "sturdy_packaging": {sturdy}
    }}"#
    ))
}

fn option<'q>(q: &'q Quote, code: &str) -> &'q courier_engine::pricing::DeliveryOption {
    q.options
        .iter()
        .find(|o| o.code == code)
        .unwrap_or_else(|| panic!("{code} not offered: {:#?}", q.refused))
}

#[test]
fn every_seal_type_and_sturdy_packaging() {
    let t = tariff();
    // 200×150×100 goes into box M (S is 80 mm high): inner 300×200×150.
    // Box 35.00, label 12.00, handling 7.50 × 1.
    // Bubble wrap: 2 × (300×200 + 300×150 + 200×150) = 270,000 mm² = 0.27 m² × 45.00 = 12.15
    // Filler: 9 L inner − 3 L goods = 6 L × 1.80 = 10.80.  Sturdy: 150.00.
    let cases = [
        (1, false, dec!(54.50)),
        (2, false, dec!(66.65)),
        (3, false, dec!(65.30)),
        (1, true, dec!(204.50)),
        (2, true, dec!(216.65)),
    ];
    for (seal, sturdy, expected) in cases {
        let q = t.quote(&box_request(seal, sturdy)).unwrap();
        assert_eq!(
            q.parcel.as_ref().unwrap().box_reference.as_deref(),
            Some("M")
        );
        let o = option(&q, "russian_post_parcel");
        assert_eq!(o.preparing_cost, expected, "seal {seal} sturdy {sturdy}");
        let lines = t.details(&q, o.type_id).unwrap();
        assert_eq!(lines.iter().map(|l| l.cost).sum::<Decimal>(), expected);
        // 820 g: 275.00; nothing declared.
        assert_eq!(o.postal_rate, dec!(275.00));
        assert_eq!(o.cost, dec!(275.00) + expected);
    }
    let q = t.quote(&box_request(2, false)).unwrap();
    let lines = t.details(&q, 3).unwrap();
    let wrap = lines.iter().find(|l| l.kind == "bubble_wrap").unwrap();
    assert_eq!(
        (wrap.price, wrap.qty, wrap.cost),
        (dec!(45.00), dec!(0.27), dec!(12.15))
    );
    let q = t.quote(&box_request(3, false)).unwrap();
    let lines = t.details(&q, 3).unwrap();
    let filler = lines.iter().find(|l| l.kind == "filler").unwrap();
    assert_eq!((filler.qty, filler.cost), (dec!(6), dec!(10.80)));
}

#[test]
fn bad_seal_type_is_a_clear_error() {
    let e = serde_json::from_str::<QuoteRequest>(
        r#"{"declared_value": 0, "goods": [], "address": {}, "type_of_seal": 4}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("type_of_seal must be 1"), "{e}");
}

/// The seed's CalculateShippingCost example, in mm and g (metres rounded up).
#[test]
fn seed_example_end_to_end() {
    let t = tariff();
    let text = include_str!("../../data/samples/quote/aplix_seed.json");
    let q = t.quote(&request(text)).unwrap();
    let parcel = q.parcel.as_ref().unwrap();
    // Cards 130×100×1 ×2 and camera 134×100×79 fit box S (260×170×80).
    assert_eq!(parcel.box_reference.as_deref(), Some("S"));
    assert_eq!(parcel.gross_weight_g, 855); // 2 × 100 + 575 + 80
    let post = option(&q, "russian_post_parcel");
    assert_eq!(post.postal_rate, dec!(515.00)); // zone 5: 450 + 1 step 65
    assert_eq!(post.insurance, dec!(1454.80)); // 4 % of 36370
                                               // Box S 25.00 + sturdy 150.00 + label 12.00 + handling 3 × 7.50
    assert_eq!(post.preparing_cost, dec!(209.50));
    assert_eq!(post.cost, dec!(2179.30));
    assert_eq!(post.point_code.as_deref(), Some("684005"));
    assert!(post.address.as_deref().unwrap().contains("Елизово"));
    assert_eq!((post.min_period, post.max_period), (8, 16));
    let ems = option(&q, "ems");
    // Volumetric 266×176×86 / 5000 = 806 g < 855 g; within the 1000 g base.
    assert_eq!(ems.postal_rate, dec!(1400.00));
    assert_eq!(ems.insurance, dec!(363.70)); // 1 %
    assert_eq!(ems.cost, dec!(1973.20));
    // No courier and no pick-up point in Kamchatka.
    for code in ["courier", "pickup_point"] {
        let r = q.refused.iter().find(|r| r.code == code).unwrap();
        assert_eq!(r.reasons[0].code(), "zone_not_served");
    }
    // VAT 22 % included on 2026-03-02: 2179.30 × 22 / 122 = 392.99
    let vat = post.vat.as_ref().unwrap();
    assert_eq!((vat.rate_percent, vat.amount), (dec!(22), dec!(392.99)));
    assert!(vat.included);
}

#[test]
fn a_refusal_for_each_reason() {
    let t = tariff();
    let reasons = |q: &Quote, code: &str| -> Vec<&'static str> {
        q.refused
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("{code} was not refused"))
            .reasons
            .iter()
            .map(MethodRefusal::code)
            .collect()
    };
    // Limit exceeded: 700 × 350 × 350 goes into XXL (808 × 408 × 408): sum of sides 1624 > 1400.
    let big = request(
        r#"{"declared_value": 0, "goods": [{"length_mm": 700, "width_mm": 350, "height_mm": 350, "weight_g": 5000, "qty": 1}],
            "address": {"index": "101000"}, "type_of_seal": 1}"#,
    );
    let q = t.quote(&big).unwrap();
    assert_eq!(reasons(&q, "russian_post_parcel"), ["limit_exceeded"]);
    assert_eq!(reasons(&q, "pickup_point"), ["limit_exceeded"]);
    option(&q, "ems");
    // Zone not served; COD not offered; declared value too high; weekend not offered.
    let q = t
        .quote(&request(
            r#"{"declared_value": 150000, "goods": [{"length_mm": 100, "width_mm": 100, "height_mm": 50, "weight_g": 300, "qty": 1}],
                "address": {"index": "684005"}, "type_of_seal": 1, "cash_on_delivery": true, "cod_amount": 5000,
                "weekend_delivery": true}"#,
        ))
        .unwrap();
    assert_eq!(reasons(&q, "courier"), ["zone_not_served"]);
    assert_eq!(
        reasons(&q, "ems"),
        ["cod_not_offered", "weekend_not_offered"]
    );
    assert_eq!(
        reasons(&q, "russian_post_parcel"),
        ["declared_value_too_high", "weekend_not_offered"]
    );
    assert_eq!(
        reasons(&q, "pickup_point"),
        [
            "zone_not_served",
            "no_pickup_point",
            "declared_value_too_high",
            "weekend_not_offered"
        ]
    );
    assert!(q.options.is_empty());
    assert!(!q.comments.is_empty());
    // COD amount above the maximum.
    let q = t
        .quote(&request(
            r#"{"declared_value": 1000, "goods": [{"length_mm": 100, "width_mm": 100, "height_mm": 50, "weight_g": 300, "qty": 1}],
                "address": {"index": "101000"}, "type_of_seal": 1, "cash_on_delivery": true, "cod_amount": 200000}"#,
        ))
        .unwrap();
    assert_eq!(reasons(&q, "russian_post_parcel"), ["cod_amount_too_high"]);
    option(&q, "courier");
    // No pick-up point although the zone is served.
    let t2 =
        CompiledTariff::from_toml_str(&APLIX.replace("serves = [\"420\"]", "serves = [\"4201\"]"))
            .unwrap();
    let q = t2
        .quote(&request(
            r#"{"declared_value": 0, "goods": [{"length_mm": 100, "width_mm": 100, "height_mm": 50, "weight_g": 300, "qty": 1}],
                "address": {"index": "420000"}, "type_of_seal": 1}"#,
        ))
        .unwrap();
    assert_eq!(reasons(&q, "pickup_point"), ["no_pickup_point"]);
    // Goods that fit no box at all.
    let q = t
        .quote(&request(
            r#"{"declared_value": 0, "goods": [{"length_mm": 2000, "width_mm": 100, "height_mm": 50, "weight_g": 300, "qty": 1}],
                "address": {"index": "101000"}, "type_of_seal": 1}"#,
        ))
        .unwrap();
    assert!(q.options.is_empty());
    assert!(q
        .refused
        .iter()
        .all(|r| r.reasons == [MethodRefusal::NoCarton]));
    // details() for a refused method is an error, not lines.
    assert!(t.details(&q, 3).is_err());
    assert!(t.details(&q, 99).is_err());
}

#[test]
fn bad_requests_are_errors() {
    let t = tariff();
    let zero = request(
        r#"{"declared_value": 0, "goods": [{"length_mm": 0, "width_mm": 100, "height_mm": 50, "weight_g": 300, "qty": 1}],
            "address": {"index": "101000"}, "type_of_seal": 1}"#,
    );
    let e = t.quote(&zero).unwrap_err().to_string();
    assert!(e.contains("goods") && e.contains("length"), "{e}");
    let neg = request(
        r#"{"declared_value": "-1", "goods": [{"length_mm": 10, "width_mm": 100, "height_mm": 50, "weight_g": 300, "qty": 1}],
            "address": {"index": "101000"}, "type_of_seal": 1}"#,
    );
    assert!(t
        .quote(&neg)
        .unwrap_err()
        .to_string()
        .contains("declared_value"));
    let inpost =
        CompiledTariff::from_toml_str(include_str!("../../data/tariffs/inpost.toml")).unwrap();
    assert!(inpost
        .quote(&box_request(1, false))
        .unwrap_err()
        .to_string()
        .contains("packaging"));
    let _ = Seal::None;
}

/// Issue 16: year 0 and negative or five-digit years were accepted and VAT silently
/// vanished; now the request is refused, naming the date.
#[test]
fn request_dates_outside_years_1_to_9999_are_refused() {
    let base: serde_json::Value =
        serde_json::from_str(include_str!("../../data/samples/quote/aplix_seed.json")).unwrap();
    for bad in ["0000-03-02", "-0001-03-02", "+10000-03-02", "2026-3-2"] {
        let mut v = base.clone();
        v["date"] = serde_json::Value::String(bad.into());
        let e = serde_json::from_value::<QuoteRequest>(v)
            .unwrap_err()
            .to_string();
        assert!(e.contains(bad) || e.contains("YYYY-MM-DD"), "{bad}: {e}");
    }
    let mut v = base.clone();
    v["date"] = serde_json::Value::Null;
    assert_eq!(
        serde_json::from_value::<QuoteRequest>(v).unwrap().date,
        None
    );
    let ok: QuoteRequest = serde_json::from_value(base).unwrap();
    assert_eq!(ok.date.unwrap().to_string(), "2026-03-02");
}

/// Issue 16: our request format refuses a misspelt or a repeated key (serde's derive with
/// `deny_unknown_fields`), in the request and in its goods.
#[test]
fn request_unknown_and_repeated_keys_are_refused() {
    let seed = include_str!("../../data/samples/quote/aplix_seed.json");
    let typo = seed.replacen("\"sturdy_packaging\"", "\"sturdy_packagin\"", 1);
    let e = serde_json::from_str::<QuoteRequest>(&typo)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `sturdy_packagin`"), "{e}");
    let goods = seed.replacen("\"qty\": 2", "\"qty\": 2, \"uprigth\": true", 1);
    let e = serde_json::from_str::<QuoteRequest>(&goods)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `uprigth`"), "{e}");
    let twice = seed.replacen("\"qty\": 2", "\"qty\": 2, \"qty\": 3", 1);
    let e = serde_json::from_str::<QuoteRequest>(&twice)
        .unwrap_err()
        .to_string();
    assert!(e.contains("duplicate field `qty`"), "{e}");
}
