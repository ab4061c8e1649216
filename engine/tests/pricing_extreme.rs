//! Extreme tariffs (issue 16): every money value beyond the representable range is
//! refused by `tariff check` with its key and line, and the engine — handed such a tariff
//! anyway, validation skipped — prices or refuses (`unpriceable`), never panics.
//!
//! The seven sites of the issue: the VAT step (a huge `fuel_percent`), a huge
//! notification, a huge label price, a huge COD band `fixed`, a huge insurance `minimum`,
//! a tiny `value_step`, and on the ShipX path a huge weekend or cell price.

use courier_engine::pricing::{
    CompiledTariff, QuoteRequest, ShipxCalculationRequest, ShipxOutcome,
};
use courier_rules::tariff::{Tariff, MAX_MONEY};
use proptest::prelude::*;
use rust_decimal::Decimal;

const APLIX: &str = include_str!("../../data/tariffs/aplix.toml");
const INPOST: &str = include_str!("../../data/tariffs/inpost.toml");
const MOSCOW: &str = include_str!("../../data/samples/quote/moscow_basket.json");
const SEED: &str = include_str!("../../data/samples/quote/aplix_seed.json");
const SHIPX: &str = include_str!("../../data/samples/quote/shipx_calculate.json");
/// `Decimal::MAX`.
const HUGE: &str = "79228162514264337593543950335";

/// Compiles a tariff **without** validation, as a caller of `CompiledTariff::compile`
/// with a hand-built `Tariff` could (its limits and boxes, which compiling checks, are
/// the sample's).
fn unchecked(text: &str) -> CompiledTariff {
    let t: Tariff = toml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    CompiledTariff::compile(&t, 0).unwrap_or_else(|e| panic!("{e}"))
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in the tariff");
    text.replacen(from, to, 1)
}

/// `tariff check` refuses `text`, naming `key` with a line.
fn refused_by_check(text: &str, key: &str) {
    let err = Tariff::from_toml_str(text).expect_err("tariff check must refuse it");
    let p = err
        .problems
        .iter()
        .find(|p| p.key.contains(key))
        .unwrap_or_else(|| panic!("no problem at {key}: {err}"));
    assert!(p.line.is_some(), "{p}");
    assert!(
        p.message.contains("at most") || p.message.contains("between"),
        "{p}"
    );
}

/// The Moscow basket (COD, seal 3, a date for VAT) quoted with an unchecked tariff:
/// the quote is made, and `method` is refused as unpriceable.
fn quote_refuses(text: &str, method: &str) {
    let t = unchecked(text);
    let req: QuoteRequest = serde_json::from_str(MOSCOW).unwrap();
    let q = t.quote(&req).expect("the basket packs");
    let r = q
        .refused
        .iter()
        .find(|r| r.code == method)
        .unwrap_or_else(|| panic!("{method} not refused: {q:?}"));
    assert!(
        r.reasons.iter().any(|x| x.code() == "unpriceable"),
        "{method}: {:?}",
        r.reasons
    );
    for o in &q.options {
        assert_eq!(o.cost, o.postal_rate + o.insurance + o.preparing_cost);
    }
}

#[test]
fn fuel_percent_that_overflows_vat() {
    let text = edit(
        APLIX,
        "fuel_percent = \"7.5\"",
        "fuel_percent = \"1000000000000000000000000000\"",
    );
    refused_by_check(&text, "(courier).surcharges.fuel_percent");
    quote_refuses(&text, "courier");
}

#[test]
fn huge_notification() {
    let text = edit(
        APLIX,
        "notification = \"15.00\"",
        &format!("notification = \"{HUGE}\""),
    );
    refused_by_check(&text, "(courier).surcharges.notification");
    quote_refuses(&text, "courier");
}

#[test]
fn huge_label_price() {
    let text = edit(APLIX, "label = \"12.00\"", &format!("label = \"{HUGE}\""));
    refused_by_check(&text, "packaging.label");
    // Every method charges packaging in the sample: all are refused, none panics.
    for m in ["russian_post_parcel", "ems", "courier", "pickup_point"] {
        quote_refuses(&text, m);
    }
}

#[test]
fn huge_cod_band_fixed() {
    // The Moscow basket collects 8,450: the third band (up to 20,000) of the post parcel.
    let text = edit(APLIX, "fixed = \"190\"", &format!("fixed = \"{HUGE}\""));
    refused_by_check(&text, "(russian_post_parcel).cod.band[2]");
    quote_refuses(&text, "russian_post_parcel");
}

#[test]
fn huge_insurance_minimum() {
    let text = edit(
        APLIX,
        "minimum = \"10.00\"",
        &format!("minimum = \"{HUGE}\""),
    );
    refused_by_check(&text, "(russian_post_parcel).insurance.minimum");
    quote_refuses(&text, "russian_post_parcel");
}

#[test]
fn tiny_value_step() {
    let text = edit(
        APLIX,
        "value_step = \"1\"",
        "value_step = \"0.0000000000000000000000000001\"",
    );
    let err = Tariff::from_toml_str(&text).unwrap_err();
    let p = err
        .problems
        .iter()
        .find(|p| p.key.ends_with("insurance.value_step"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(p.message.contains("minor unit"), "{p}");
    assert!(p.line.is_some());
    quote_refuses(&text, "russian_post_parcel");
}

/// The ShipX path: both sample shipments, with a tariff that skipped validation.
fn shipx_refuses(text: &str, shipment: usize) {
    let t = unchecked(text);
    let req: ShipxCalculationRequest = serde_json::from_str(SHIPX).unwrap();
    let out = t.shipx_calculate(&req);
    match &out[shipment] {
        ShipxOutcome::Refused(e) => {
            assert!(e.details.iter().any(|d| d == "unpriceable"), "{e:?}")
        }
        ShipxOutcome::Priced(c) => panic!("priced {c:?}"),
    }
}

#[test]
fn huge_weekend_fee() {
    let text = edit(
        INPOST,
        "weekend = \"4.99\"",
        &format!("weekend = \"{HUGE}\""),
    );
    refused_by_check(&text, "surcharges.weekend");
    // Shipment 1 asks for end_of_week_collection.
    shipx_refuses(&text, 0);
}

#[test]
fn huge_cell_price() {
    let text = edit(INPOST, "A = \"12.99\"", &format!("A = \"{HUGE}\""));
    refused_by_check(&text, "cell_prices.A");
    shipx_refuses(&text, 0);
}

#[test]
fn the_bound_itself_is_accepted() {
    let max = MAX_MONEY.to_string();
    assert_eq!(max, "1000000000000");
    let text = edit(APLIX, "label = \"12.00\"", &format!("label = \"{max}\""));
    let t = CompiledTariff::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let req: QuoteRequest = serde_json::from_str(MOSCOW).unwrap();
    let q = t.quote(&req).unwrap();
    assert!(!q.options.is_empty());
    let over = edit(APLIX, "label = \"12.00\"", "label = \"1000000000000.01\"");
    refused_by_check(&over, "packaging.label");
}

// ---------------------------------------------------------------- property

/// A money value for a tariff key: ordinary, at the bound, just over it, far over it,
/// tiny, or negative.
fn amount() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u64..100_000).prop_map(|c| Decimal::new(c as i64, 2).to_string()),
        1 => Just(MAX_MONEY.to_string()),
        1 => Just("1000000000000.01".to_string()),
        1 => Just(HUGE.to_string()),
        1 => Just("1000000000000000000000000000".to_string()),
        1 => Just("0.0000000000000000000000000001".to_string()),
        1 => (1u32..28).prop_map(|e| format!("1{}", "0".repeat(e as usize))),
        1 => (1u64..1000).prop_map(|c| format!("-{c}")),
    ]
}

/// The keys of the sample Aplix tariff an extreme value may replace (first occurrence).
const APLIX_KEYS: [&str; 12] = [
    "fuel_percent = \"7.5\"",
    "notification = \"15.00\"",
    "weekend = \"300.00\"",
    "label = \"12.00\"",
    "handling_per_unit = \"7.50\"",
    "fixed = \"190\"",
    "minimum = \"10.00\"",
    "value_step = \"1\"",
    "per_step = \"40.00\"",
    "base = \"350.00\"",
    "max_declared_value = \"100000\"",
    "rate_percent = \"4\"",
];

/// The sample tariff with the `Some` values put in place of the keys' (`None`: kept).
fn with_values(values: &[Option<String>]) -> String {
    let mut text = APLIX.to_string();
    for (k, v) in APLIX_KEYS.iter().zip(values) {
        let Some(v) = v else { continue };
        let name = k.split(" = ").next().unwrap();
        text = text.replacen(k, &format!("{name} = \"{v}\""), 1);
    }
    text
}

fn requests(declared: &str, cod: bool, weekend: bool) -> Vec<QuoteRequest> {
    let mut out = Vec::new();
    for base in [MOSCOW, SEED] {
        let mut r: QuoteRequest = serde_json::from_str(base).unwrap();
        r.declared_value = declared.parse().unwrap();
        r.cash_on_delivery = cod;
        r.weekend_delivery = weekend;
        out.push(r);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// What `tariff check` accepts, `quote` prices or refuses, never panics — and with
    /// ordinary requests, never as `unpriceable`: the bound leaves room for every sum.
    /// What check refuses, the engine still never panics on.
    #[test]
    fn check_and_quote_agree(
        values in prop::collection::vec(prop::option::weighted(0.3, amount()), APLIX_KEYS.len()),
        declared in prop_oneof![Just("0"), Just("8450.00"), Just("100000"), Just("1000000000000")],
        cod in any::<bool>(),
        weekend in any::<bool>(),
    ) {
        let text = with_values(&values);
        let reqs = requests(declared, cod, weekend);
        let ordinary = declared != "1000000000000";
        match CompiledTariff::from_toml_str(&text) {
            Ok(t) => {
                for req in &reqs {
                    let q = t.quote(req).unwrap();
                    for o in &q.options {
                        prop_assert_eq!(o.cost, o.postal_rate + o.insurance + o.preparing_cost);
                    }
                    for r in &q.refused {
                        let unpriceable = r.reasons.iter().any(|x| x.code() == "unpriceable");
                        prop_assert!(!(ordinary && unpriceable), "{}: {}", r.code, r.comment);
                    }
                }
            }
            Err(e) => {
                prop_assert!(e.problems.iter().all(|p| p.line.is_some() || p.key == "method"), "{e}");
                // The engine, handed the refused tariff anyway, does not panic.
                if let Ok(raw) = toml::from_str::<Tariff>(&text) {
                    let t = CompiledTariff::compile(&raw, 0).unwrap();
                    for req in &reqs {
                        if let Ok(q) = t.quote(req) {
                            for o in &q.options {
                                prop_assert_eq!(o.cost, o.postal_rate + o.insurance + o.preparing_cost);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The ShipX path over extreme InPost prices, checked or not: never a panic.
    #[test]
    fn shipx_never_panics(
        a in amount(), weekend in amount(), notification in amount(), fuel in amount(), cod_min in amount(),
    ) {
        let text = INPOST
            .replacen("A = \"12.99\"", &format!("A = \"{a}\""), 1)
            .replacen("weekend = \"4.99\"", &format!("weekend = \"{weekend}\""), 1)
            .replacen("notification = \"0.00\"", &format!("notification = \"{notification}\""), 1)
            .replacen("fuel_percent = \"5\"", &format!("fuel_percent = \"{fuel}\""), 1)
            .replacen("minimum = \"3.50\"", &format!("minimum = \"{cod_min}\""), 1);
        let req: ShipxCalculationRequest = serde_json::from_str(SHIPX).unwrap();
        let checked = CompiledTariff::from_toml_str(&text);
        if let Ok(t) = &checked {
            for o in t.shipx_calculate(&req) {
                if let ShipxOutcome::Refused(e) = o {
                    prop_assert!(!e.details.iter().any(|d| d == "unpriceable"), "{e:?}");
                }
            }
        }
        if let Ok(raw) = toml::from_str::<Tariff>(&text) {
            prop_assert_eq!(CompiledTariff::compile(&raw, 0).unwrap().shipx_calculate(&req).len(), 2);
        }
    }
}
