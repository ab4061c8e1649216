//! Quote requests (`courier quote REQUEST`, `courier quote --shipx REQUEST`) against the
//! built-in sample tariffs: any JSON text is parsed as the CLI parses it; an accepted
//! request gets a quote whose options add up and whose details match, or a clear error.
#![no_main]

use courier_engine::pricing::{CompiledTariff, QuoteRequest, ShipxCalculationRequest};
use courier_fuzz::QUICK;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use std::sync::OnceLock;

fn tariffs() -> &'static [CompiledTariff; 2] {
    static T: OnceLock<[CompiledTariff; 2]> = OnceLock::new();
    T.get_or_init(|| {
        [
            include_str!("../../data/tariffs/aplix.toml"),
            include_str!("../../data/tariffs/inpost.toml"),
        ]
        .map(|t| CompiledTariff::from_toml_str(t).expect("sample tariff"))
    })
}

/// Units beyond which a request is skipped: packing cost grows with them, and the
/// pack_items target covers the packer.
const MAX_UNITS: u64 = 16;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(req) = serde_json::from_str::<ShipxCalculationRequest>(text) {
        let [_, inpost] = tariffs();
        assert_eq!(inpost.shipx_calculate(&req).len(), req.shipments.len());
    }
    let Ok(req) = serde_json::from_str::<QuoteRequest>(text) else {
        return;
    };
    let units = req
        .goods
        .iter()
        .fold(0u64, |n, g| n.saturating_add(u64::from(g.item.qty())));
    if units > MAX_UNITS {
        return;
    }
    for tariff in tariffs() {
        let quote = match tariff.quote_with(&req, &QUICK) {
            Ok(q) => q,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                continue;
            }
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
    }
});
