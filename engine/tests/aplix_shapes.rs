//! Aplix's own shapes (seed 002): the seed's CheckDimensions and CalculateShippingCost
//! examples, transcribed in data/samples/aplix/ (see data/samples/SOURCES.md), run
//! through the engine unchanged; metres and kilograms rounded up at their edges.

use courier_engine::aplix::{
    self, AplixShapeError, CalculateShippingCostRequest, CheckDimensionsRequest,
    CheckDimensionsResponse,
};
use courier_engine::packing::PackOptions;
use courier_engine::pricing::{CompiledTariff, QuoteError};
use courier_engine::rules::limits::MethodCatalogue;

const CHECK: &str = include_str!("../../data/samples/aplix/check_dimensions_seed.json");
const CALC: &str = include_str!("../../data/samples/aplix/calculate_shipping_cost_seed.json");

fn methods() -> MethodCatalogue {
    MethodCatalogue::from_toml_str(include_str!("../../data/methods.toml")).unwrap()
}

fn tariff() -> CompiledTariff {
    CompiledTariff::from_toml_str(include_str!("../../data/tariffs/aplix.toml")).unwrap()
}

fn check(text: &str) -> Result<CheckDimensionsResponse, AplixShapeError> {
    let req: CheckDimensionsRequest = serde_json::from_str(text).unwrap();
    aplix::check(&req, &methods().methods, &PackOptions::default())
}

#[test]
fn seed_check_dimensions_example() {
    let a = check(CHECK).unwrap();
    assert!(a.result);
    assert_eq!(a.comment, "");
    assert_eq!(a.weight, 0.775, "2 × 0.1 kg + 0.575 kg, goods only");
    // 0.1331 × 0.0998 × 0.0788 m rounds up to 134 × 100 × 79 mm; the two 1 mm cards lie
    // on it: 134 × 100 × 81 mm, longest first.
    assert_eq!((a.length, a.width, a.height), (0.134, 0.1, 0.081));
    // The seed's out-parameter names, the Boolean as Result.
    let v = serde_json::to_value(&a).unwrap();
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["Comment", "Height", "Length", "Result", "Weight", "Width"]
    );
}

#[test]
fn metres_and_kilograms_round_up_to_whole_mm_and_g() {
    let one = |l: &str, w: &str| {
        let text = format!(
            r#"{{"DimensionsList": [{{"Length": {l}, "Width": 0.1, "Height": 0.1, "Weight": {w}, "Qty": 1}}]}}"#
        );
        let req: CheckDimensionsRequest = serde_json::from_str(&text).unwrap();
        let g = aplix::items(&req).unwrap();
        (u64::from(g[0].length_mm()), g[0].weight_g())
    };
    assert_eq!(
        one("0.3", "0.6"),
        (300, 600),
        "exact values stay (no float drift)"
    );
    assert_eq!(one("0.1331", "0.575"), (134, 575));
    assert_eq!(one("0.130", "0.1"), (130, 100));
    assert_eq!(
        one("0.1300001", "0.1000001"),
        (131, 101),
        "a hair over is the next unit"
    );
    assert_eq!(one("0.0001", "0.0000001"), (1, 1), "never rounded to zero");
    assert_eq!(one("1.999", "25"), (1999, 25000));
    for (l, field) in [
        ("0", "DimensionsList[0].Length"),
        ("-0.1", "DimensionsList[0].Length"),
    ] {
        let text = format!(
            r#"{{"DimensionsList": [{{"Length": {l}, "Width": 0.1, "Height": 0.1, "Weight": 1, "Qty": 1}}]}}"#
        );
        let req: CheckDimensionsRequest = serde_json::from_str(&text).unwrap();
        let e = aplix::items(&req).unwrap_err();
        assert_eq!(e.code(), "not_positive");
        assert!(e.to_string().starts_with(field), "{e}");
    }
    let req: CheckDimensionsRequest = serde_json::from_str(
        r#"{"DimensionsList": [{"Length": 0.1, "Width": 0.1, "Height": 0.1, "Weight": 1, "Qty": 1},
                               {"Length": 0.1, "Width": 0.1, "Height": 0.1, "Weight": 1, "Qty": 0}]}"#,
    )
    .unwrap();
    assert!(aplix::items(&req)
        .unwrap_err()
        .to_string()
        .starts_with("DimensionsList[1].Qty"));
    let req: CheckDimensionsRequest = serde_json::from_str(
        r#"{"DimensionsList": [{"Length": 99999999, "Width": 0.1, "Height": 0.1, "Weight": 1, "Qty": 1}]}"#,
    )
    .unwrap();
    assert_eq!(aplix::items(&req).unwrap_err().code(), "too_large");
    // Unknown or misspelt fields are refused, not ignored.
    assert!(serde_json::from_str::<CheckDimensionsRequest>(
        r#"{"DimensionsList": [{"Lenght": 0.1, "Width": 0.1, "Height": 0.1, "Weight": 1, "Qty": 1}]}"#
    )
    .is_err());
}

#[test]
fn a_parcel_over_every_limit_is_false_with_a_comment() {
    let a = check(r#"{"DimensionsList": [{"Length": 3, "Width": 0.1, "Height": 0.1, "Weight": 40, "Qty": 1}]}"#).unwrap();
    assert!(!a.result);
    assert!(!a.comment.is_empty());
    assert_eq!((a.length, a.weight), (3.0, 40.0));
}

#[test]
fn seed_calculate_shipping_cost_example() {
    let req: CalculateShippingCostRequest = serde_json::from_str(CALC).unwrap();
    let q = aplix::quote_request(&req).unwrap();
    // The same request as data/samples/quote/aplix_seed.json (the engine's own shape,
    // in mm and g), but for the date the seed's call does not carry.
    let mut own: courier_engine::pricing::QuoteRequest =
        serde_json::from_str(include_str!("../../data/samples/quote/aplix_seed.json")).unwrap();
    own.date = None;
    let strip = |mut r: courier_engine::pricing::QuoteRequest| {
        // The seed writes U+2010 in the district and the product name; our sample does not
        // carry the district and writes an ASCII hyphen.
        r.address.district.clear();
        for g in &mut r.goods {
            g.name = g.name.replace('\u{2010}', "-");
        }
        r
    };
    assert_eq!(strip(q.clone()), strip(own));
    let t = tariff();
    let (quote, a) = aplix::calculate(&req, &t).unwrap();
    assert_eq!(a, aplix::quote_answer(&t.quote(&q).unwrap()));
    assert_eq!(a.calculation_id, quote.calculation_id);
    assert_eq!(a.calculation_id.len(), 16);
    // Kamchatka (zone 5): Russian Post parcel and EMS; the courier and the pick-up
    // points do not serve 684005 and are the comments.
    let got: Vec<(u32, String, String, String, String)> = a
        .types
        .iter()
        .map(|t| {
            (
                t.type_id,
                t.cost.to_string(),
                t.insurance.to_string(),
                t.postal_rate.to_string(),
                t.preparing_cost.to_string(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        [
            (3, s("2179.30"), s("1454.80"), s("515.00"), s("209.50")),
            (4, s("1973.20"), s("363.70"), s("1400.00"), s("209.50")),
        ]
    );
    for ty in &a.types {
        assert_eq!(
            ty.cost,
            ty.postal_rate + ty.insurance + ty.preparing_cost,
            "{ty:?}"
        );
    }
    assert!(a.types[0].address.starts_with("684005"), "the post office");
    assert!(
        a.comments.contains("Курьерская доставка: ")
            && a.comments.contains("Пункт выдачи заказов: "),
        "{}",
        a.comments
    );
    let v = serde_json::to_value(&a).unwrap();
    let mut keys: Vec<&String> = v["Types"][0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "AdditionalInformation",
            "Address",
            "Cost",
            "Insurance",
            "MaxPeriod",
            "MinPeriod",
            "PostalRate",
            "PreparingCost",
            "TypeDescription",
            "TypeId",
            "TypeName",
            "Worktime"
        ]
    );
}

#[test]
fn seed_shaped_errors_name_the_seed_field() {
    let t = tariff();
    let edit = |from: &str, to: &str| {
        let text = CALC.replacen(from, to, 1);
        assert_ne!(text, CALC, "{from}");
        serde_json::from_str::<CalculateShippingCostRequest>(&text).unwrap()
    };
    let e =
        aplix::calculate(&edit("\"Index\": \"684005\"", "\"Index\": \"12A!\""), &t).unwrap_err();
    assert_eq!(e.code(), "index_format");
    assert!(e.to_string().starts_with("Address.Index: "), "{e}");
    // An index no zone knows is still zoned by the region (Kamchatka, by name) ...
    let by_region = edit("\"Index\": \"684005\"", "\"Index\": \"000000\"");
    assert!(aplix::calculate(&by_region, &t).is_ok());
    // ... and refused as a whole without it.
    let mut unknown = by_region.clone();
    unknown.address.region = None;
    let e = aplix::calculate(&unknown, &t).unwrap_err();
    assert_eq!(e.code(), "address_not_served");
    assert!(e.to_string().starts_with("Address.Index: "), "{e}");
    let e = aplix::calculate(&edit("\"Weight\": 0.575, ", ""), &t).unwrap_err();
    assert_eq!(e.to_string(), "Goods[1].Weight: required");
    let e = aplix::calculate(&edit("\"Qty\": 2", "\"Qty\": 0"), &t).unwrap_err();
    assert!(e.to_string().starts_with("Goods[0].Qty"), "{e}");
    let e = aplix::calculate(&edit("\"TypeOfSeal\": 1", "\"TypeOfSeal\": 4"), &t).unwrap_err();
    assert_eq!(e.code(), "type_of_seal");
    let e =
        aplix::calculate(&edit("\"DeclaredCost\": 36370", "\"DeclaredCost\": -1"), &t).unwrap_err();
    assert!(
        matches!(
            e,
            AplixShapeError::Quote(QuoteError::NegativeDeclaredValue(_))
        ),
        "{e}"
    );
    // A field of another method is refused, not ignored.
    assert!(
        serde_json::from_str::<CalculateShippingCostRequest>(&CALC.replacen(
            "\"TypeOfSeal\"",
            "\"DeliveryTypeId\": 3, \"TypeOfSeal\"",
            1
        ))
        .is_err()
    );
}

mod props {
    use super::*;
    use courier_engine::Decimal;
    use proptest::prelude::*;

    proptest! {
        /// Rounding up never reports a parcel smaller or lighter than it is, and never
        /// by a whole unit more than needed.
        #[test]
        fn metres_round_up_to_the_smallest_whole_mm_not_below(micro in 1u64..5_000_000_000, scale in 3u32..=7) {
            let v = Decimal::new(micro as i64, scale);
            let text = format!(r#"{{"DimensionsList": [{{"Length": "{v}", "Width": "{v}", "Height": "{v}", "Weight": "{v}", "Qty": 1}}]}}"#);
            let req: CheckDimensionsRequest = serde_json::from_str(&text).unwrap();
            match aplix::items(&req) {
                Ok(items) => {
                    let i = &items[0];
                    let mm = Decimal::from(i.length_mm());
                    let thousand = Decimal::from(1000);
                    prop_assert!(mm >= v * thousand, "{} m -> {} mm", v, i.length_mm());
                    prop_assert!(mm - Decimal::ONE < v * thousand, "{} m -> {} mm", v, i.length_mm());
                    prop_assert_eq!(u64::from(i.length_mm()), i.weight_g());
                }
                Err(e) => prop_assert_eq!(e.code(), "too_large", "{}", v),
            }
        }
    }
}
