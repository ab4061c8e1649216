//! Tariff files (`courier quote --tariff`, `courier tariff check`;
//! `CompiledTariff::from_toml_str`): any text gets a compiled tariff or an error; a
//! tariff then quotes the sample requests (`CalculateShippingCost`), explains every
//! offered option's packaging (`GetDetailsOfCost`, which must add up), and prices the
//! sample ShipX calculation.
#![no_main]

use courier_engine::pricing::{CompiledTariff, QuoteRequest, ShipxCalculationRequest};
use courier_fuzz::QUICK;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use std::sync::OnceLock;

const APLIX_REQUESTS: [&str; 2] = [
    include_str!("../../data/samples/quote/aplix_seed.json"),
    include_str!("../../data/samples/quote/moscow_basket.json"),
];
const SHIPX_REQUEST: &str = include_str!("../../data/samples/quote/shipx_calculate.json");

fn requests() -> &'static (Vec<QuoteRequest>, ShipxCalculationRequest) {
    static R: OnceLock<(Vec<QuoteRequest>, ShipxCalculationRequest)> = OnceLock::new();
    R.get_or_init(|| {
        let mut aplix: Vec<QuoteRequest> = APLIX_REQUESTS
            .iter()
            .map(|t| serde_json::from_str(t).expect("sample request"))
            .collect();
        // The same basket with every option switched on: COD, weekend, region-only address.
        let mut all = aplix[0].clone();
        all.cash_on_delivery = true;
        all.weekend_delivery = true;
        all.sturdy_packaging = !all.sturdy_packaging;
        all.address.index.clear();
        aplix.push(all);
        let shipx = serde_json::from_str(SHIPX_REQUEST).expect("sample ShipX request");
        (aplix, shipx)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tariff = match CompiledTariff::from_toml_str(text) {
        Ok(t) => t,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "empty error message");
            return;
        }
    };
    let (aplix, shipx) = requests();
    for req in aplix {
        let Ok(quote) = tariff.quote_with(req, &QUICK) else {
            continue;
        };
        for o in &quote.options {
            assert_eq!(
                o.cost,
                o.postal_rate + o.insurance + o.preparing_cost,
                "{}: cost is not the sum of its parts",
                o.code
            );
            let lines = tariff
                .details(&quote, o.type_id)
                .unwrap_or_else(|e| panic!("offered type {} has no details: {e}", o.type_id));
            let sum: Decimal = lines.iter().map(|l| l.cost).sum();
            assert_eq!(sum, o.preparing_cost, "{}: details do not add up", o.code);
        }
        assert_eq!(
            tariff.quote_with(req, &QUICK).ok().as_ref(),
            Some(&quote),
            "quote is not deterministic"
        );
    }
    assert_eq!(tariff.shipx_calculate(shipx).len(), shipx.shipments.len());
});
