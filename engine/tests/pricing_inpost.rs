//! ShipX price calculation against `data/tariffs/inpost.toml`, derived by hand.

use courier_engine::pricing::{CompiledTariff, ShipxCalculationRequest, ShipxOutcome};
use rust_decimal_macros::dec;

fn tariff() -> CompiledTariff {
    CompiledTariff::from_toml_str(include_str!("../../data/tariffs/inpost.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn calc(json: &str) -> Vec<ShipxOutcome> {
    let req: ShipxCalculationRequest = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
    tariff().shipx_calculate(&req)
}

#[test]
fn sample_request_fields() {
    let out = calc(include_str!(
        "../../data/samples/quote/shipx_calculate.json"
    ));
    let ShipxOutcome::Priced(a) = &out[0] else {
        panic!("{out:?}")
    };
    // Template small = A 12.99; fuel 5 % = 0.6495 → 0.65; notification 0.00;
    // insurance 25 PLN → tier up to 500: 1.50; COD 12.50 × 1.5 % = 0.19 < minimum 3.50.
    assert_eq!(a.fuel_charge_amount, Some(dec!(0.65)));
    assert_eq!(a.notification_charge_amount, Some(dec!(0.00)));
    assert_eq!(a.insurance_charge_amount, Some(dec!(1.50)));
    assert_eq!(a.cod_charge_amount, Some(dec!(3.50)));
    assert_eq!(a.calculated_charge_amount, dec!(18.64));
    assert_eq!(a.calculated_charge_amount_non_commission, Some(dec!(13.64)));
    assert_eq!(a.end_of_week_collection_charge_amount, Some(dec!(4.99)));
    assert_eq!(a.total_charge_amount, dec!(23.63));
    // 600 × 350 × 150 mm is too high for A (80 mm), fits B: 13.99 + 0.70 fuel.
    let ShipxOutcome::Priced(b) = &out[1] else {
        panic!("{out:?}")
    };
    assert_eq!(b.calculated_charge_amount, dec!(14.69));
    assert_eq!(b.cod_charge_amount, None);
    assert_eq!(b.insurance_charge_amount, None);
    assert_eq!(b.calculated_charge_amount_non_commission, None);
    assert_eq!(b.end_of_week_collection_charge_amount, None);
    // Decimal strings and nulls, as in the seed.
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(json[0]["calculated_charge_amount"], "18.64");
    assert_eq!(json[0]["end_of_week_collection_charge_amount"], "4.99");
    assert!(json[1]["cod_charge_amount"].is_null());
    assert_eq!(json[1]["fuel_charge_amount"], "0.70");
}

#[test]
fn templates_price_by_cell() {
    for (t, price) in [
        ("small", dec!(13.64)),
        ("medium", dec!(14.69)),
        ("large", dec!(16.26)),
    ] {
        // 15.49 × 5 % = 0.7745 → 0.77; 15.49 + 0.77 = 16.26
        let out = calc(&format!(
            r#"{{"shipments": [{{"id": "x", "parcels": [{{"template": "{t}"}}]}}]}}"#
        ));
        let ShipxOutcome::Priced(c) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(c.calculated_charge_amount, price, "{t}");
    }
}

#[test]
fn insurance_tiers() {
    for (amount, premium) in [
        ("500", dec!(1.50)),
        ("500.01", dec!(2.50)),
        ("20000", dec!(30.00)),
    ] {
        let out = calc(&format!(
            r#"{{"shipments": [{{"id": "x", "parcels": [{{"template": "small"}}], "insurance": {{"amount": "{amount}"}}}}]}}"#
        ));
        let ShipxOutcome::Priced(c) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(c.insurance_charge_amount, Some(premium), "{amount}");
    }
}

fn error_of(json: &str) -> String {
    let out = calc(json);
    match &out[0] {
        ShipxOutcome::Refused(e) => {
            assert_eq!(e.status, 400);
            e.error.clone()
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn refusals_in_shipx_shape() {
    assert_eq!(
        error_of(
            r#"{"shipments": [{"id": "x", "parcels": [{"dimensions": {"length": 700, "width": 100, "height": 100}}]}]}"#
        ),
        "invalid_parcel"
    );
    assert_eq!(
        error_of(
            r#"{"shipments": [{"id": "x", "parcels": [{"template": "small", "weight": {"amount": 26}}]}]}"#
        ),
        "invalid_parcel"
    );
    assert_eq!(
        error_of(r#"{"shipments": [{"id": "x", "parcels": [{"template": "xl"}]}]}"#),
        "invalid_template"
    );
    assert_eq!(
        error_of(
            r#"{"shipments": [{"id": "x", "parcels": [{"template": "small"}], "insurance": {"amount": 20000.01}}]}"#
        ),
        "invalid_insurance"
    );
    assert_eq!(
        error_of(
            r#"{"shipments": [{"id": "x", "parcels": [{"template": "small"}], "cod": {"amount": 6000}}]}"#
        ),
        "invalid_cod"
    );
    assert_eq!(
        error_of(
            r#"{"shipments": [{"id": "x", "parcels": [{"template": "small"}], "cod": {"amount": 60, "currency": "EUR"}}]}"#
        ),
        "validation_failed"
    );
    assert_eq!(
        error_of(
            r#"{"shipments": [{"id": "x", "service": "inpost_courier_standard", "parcels": [{"template": "small"}]}]}"#
        ),
        "invalid_service"
    );
    assert_eq!(
        error_of(r#"{"shipments": [{"id": "x", "parcels": []}]}"#),
        "validation_failed"
    );
}
