//! Properties over random parcels and requests: breakdowns add up to totals; prices never
//! decrease when weight or declared value grows; the same request gives the same bytes.

use courier_engine::packing::Item;
use courier_engine::pricing::{CompiledTariff, Consignment, Parcel, QuoteRequest};
use courier_engine::Sides;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::OnceLock;

fn aplix() -> &'static CompiledTariff {
    static T: OnceLock<CompiledTariff> = OnceLock::new();
    T.get_or_init(|| {
        CompiledTariff::from_toml_str(include_str!("../../data/tariffs/aplix.toml")).unwrap()
    })
}

const INDEXES: [&str; 8] = [
    "101000", "125009", "190000", "420111", "630099", "684005", "000000", "",
];

fn cents(c: u64) -> Decimal {
    Decimal::new(c as i64, 2)
}

prop_compose! {
    fn shipment()(
        sides in prop::array::uniform3(50u32..1600),
        gross in 1u64..35_000,
        declared in 0u64..20_000_000,
        cod in prop::option::of(0u64..40_000_000),
        weekend in any::<bool>(),
        carton in prop::option::of(0usize..5),
        units in 1u64..20,
    ) -> Consignment {
        let s = Sides::from_array(sides).unwrap();
        Consignment {
            parcel: Parcel { outer_sorted_mm: s, gross_weight_g: gross, goods_volume_mm3: 1_000_000, units, carton },
            declared_value: cents(declared),
            cod_amount: cod.map(cents),
            weekend,
        }
    }
}

proptest! {
    #[test]
    fn breakdowns_add_up(s in shipment(), idx in 0usize..INDEXES.len(), seal in 1u8..=3, sturdy in any::<bool>()) {
        let t = aplix();
        let seal = courier_engine::pricing::Seal::try_from(seal).unwrap();
        let lines = t.preparing_lines(&s.parcel, seal, sturdy).unwrap();
        let preparing = t.preparing_total(&s.parcel, seal, sturdy).unwrap();
        prop_assert_eq!(lines.iter().map(|l| l.cost).sum::<Decimal>(), preparing);
        let dest = t.destination(INDEXES[idx], "");
        let mut out = Vec::new();
        t.price_all(&s, &dest, preparing, &mut out);
        for p in out.iter().flatten() {
            let z = Decimal::ZERO;
            prop_assert_eq!(p.postal_rate, p.rate + p.fuel.unwrap_or(z) + p.notification.unwrap_or(z) + p.weekend.unwrap_or(z) + p.cod_fee.unwrap_or(z));
            prop_assert_eq!(p.cost, p.postal_rate + p.insurance.unwrap_or(z) + p.preparing);
            for d in [p.rate, p.postal_rate, p.cost, p.preparing] {
                prop_assert_eq!(d.scale(), 2);
            }
        }
    }

    #[test]
    fn price_never_decreases_with_weight(s in shipment(), extra in 1u64..10_000, idx in 0usize..INDEXES.len()) {
        let t = aplix();
        let dest = t.destination(INDEXES[idx], "");
        let mut heavier = s;
        heavier.parcel.gross_weight_g += extra;
        for m in 0..t.method_count() {
            if let (Ok(a), Ok(b)) = (t.price_method(m, &s, &dest, Decimal::ZERO), t.price_method(m, &heavier, &dest, Decimal::ZERO)) {
                prop_assert!(a.cost <= b.cost, "method {m}: {} g {} > {} g {}", s.parcel.gross_weight_g, a.cost, heavier.parcel.gross_weight_g, b.cost);
            }
        }
    }

    #[test]
    fn price_never_decreases_with_declared_value(s in shipment(), extra in 1u64..5_000_000, idx in 0usize..INDEXES.len()) {
        let t = aplix();
        let dest = t.destination(INDEXES[idx], "");
        let mut dearer = s;
        dearer.declared_value += cents(extra);
        // Cash on delivery of the goods' value grows with it too.
        dearer.cod_amount = s.cod_amount.map(|c| c + cents(extra));
        for m in 0..t.method_count() {
            if let (Ok(a), Ok(b)) = (t.price_method(m, &s, &dest, Decimal::ZERO), t.price_method(m, &dearer, &dest, Decimal::ZERO)) {
                prop_assert!(a.cost <= b.cost, "method {m}: {} → {}", a.cost, b.cost);
            }
        }
    }

    #[test]
    fn same_request_same_bytes(
        qty in 1u32..4,
        l in 20u32..300, w in 20u32..200, h in 5u32..150,
        weight in 10u64..3000,
        declared in 0u64..10_000_000,
        idx in 0usize..INDEXES.len(),
        seal in 1u8..=3,
        cod in any::<bool>(),
    ) {
        let t = aplix();
        let json = format!(r#"{{"declared_value": "{}", "goods": [{{"length_mm": {l}, "width_mm": {w}, "height_mm": {h}, "weight_g": {weight}, "qty": {qty}}}],
            "address": {{"index": "{}"}}, "type_of_seal": {seal}, "cash_on_delivery": {cod}, "date": "2026-05-01"}}"#, cents(declared), INDEXES[idx]);
        let req: QuoteRequest = serde_json::from_str(&json).unwrap();
        // "000000" and "" are in no zone: an address error, the same every time.
        if INDEXES[idx] == "000000" || INDEXES[idx].is_empty() {
            let e = t.quote(&req).unwrap_err();
            prop_assert_eq!(e.to_string(), t.quote(&req.clone()).unwrap_err().to_string());
            return Ok(());
        }
        let a = serde_json::to_vec(&t.quote(&req).unwrap()).unwrap();
        let b = serde_json::to_vec(&t.quote(&req.clone()).unwrap()).unwrap();
        prop_assert_eq!(&a, &b);
        // The id depends on the content: one more unit, another id.
        let mut other = req.clone();
        let g = other.goods[0].item;
        other.goods[0].item = Item::new(g.length_mm(), g.width_mm(), g.height_mm(), g.weight_g(), g.qty() + 1)
            .with_upright(g.is_upright());
        prop_assert_ne!(t.quote(&req).unwrap().calculation_id, t.quote(&other).unwrap().calculation_id);
    }
}

#[test]
fn calculation_id_ignores_decimal_notation() {
    let t = aplix();
    let req = |v: &str| -> QuoteRequest {
        serde_json::from_str(&format!(r#"{{"declared_value": "{v}", "goods": [{{"length_mm": 100, "width_mm": 100, "height_mm": 10, "weight_g": 100, "qty": 1}}],
            "address": {{"index": "101000"}}, "type_of_seal": 1}}"#)).unwrap()
    };
    let a = t.quote(&req("36370")).unwrap().calculation_id;
    assert_eq!(a, t.quote(&req("36370.00")).unwrap().calculation_id);
    assert_ne!(a, t.quote(&req("36370.01")).unwrap().calculation_id);
    assert_eq!(a.len(), 16);
}

/// Absurd inputs are refusals or errors, never panics.
#[test]
fn absurd_inputs_do_not_panic() {
    // A per_step above MAX_MONEY, which `tariff check` refuses: compiled unchecked, so
    // that u64::MAX grams overflow the rate.
    let raw: courier_rules::tariff::Tariff = toml::from_str(
        &include_str!("../../data/tariffs/aplix.toml")
            .replace("max_weight_g = 31500", "")
            .replace("per_step = \"60.00\"", "per_step = \"9999999999999\""),
    )
    .unwrap();
    let t = CompiledTariff::compile(&raw, 0).unwrap();
    let s = Consignment {
        parcel: Parcel {
            outer_sorted_mm: Sides::new(u32::MAX, u32::MAX, u32::MAX).unwrap(),
            gross_weight_g: u64::MAX,
            goods_volume_mm3: u64::MAX,
            units: u64::MAX,
            carton: Some(99),
        },
        declared_value: Decimal::MAX,
        cod_amount: Some(Decimal::MAX),
        weekend: true,
    };
    let dest = t.destination("101000", "");
    let mut out = Vec::new();
    t.price_all(&s, &dest, Decimal::ZERO, &mut out);
    assert!(out.iter().all(|r| r.is_err()));
    // Lines and total agree, even on absurd sizes and unit counts.
    let seal = courier_engine::pricing::Seal::Filler;
    let lines = t.preparing_lines(&s.parcel, seal, true);
    let total = t.preparing_total(&s.parcel, seal, true);
    assert_eq!(
        lines
            .map(|l| l.iter().map(|l| l.cost).sum::<Decimal>())
            .ok(),
        total.ok()
    );
    let s = Consignment {
        declared_value: Decimal::ZERO,
        cod_amount: None,
        weekend: false,
        parcel: Parcel {
            outer_sorted_mm: Sides::new(100, 100, 100).unwrap(),
            gross_weight_g: u64::MAX,
            ..s.parcel
        },
    };
    let ems = t.method_codes().position(|c| c == "ems").unwrap();
    let r = t.price_method(ems, &s, &dest, Decimal::ZERO).unwrap_err();
    assert_eq!(r[0].code(), "unpriceable");
    let inpost =
        CompiledTariff::from_toml_str(include_str!("../../data/tariffs/inpost.toml")).unwrap();
    let req: courier_engine::pricing::ShipxCalculationRequest = serde_json::from_str(
        r#"{"shipments": [{"parcels": [{"dimensions": {"length": "79228162514264337593543950335", "width": 1, "height": 1},
            "weight": {"amount": "79228162514264337593543950335"}}]}]}"#,
    )
    .unwrap();
    assert!(matches!(
        inpost.shipx_calculate(&req)[0],
        courier_engine::pricing::ShipxOutcome::Refused(_)
    ));
}

/// An unvalidated tariff whose box or limit cannot be built (a zero side, a zero limit)
/// is refused by `compile`, naming it, instead of reaching the packer.
#[test]
fn compiling_refuses_what_the_checked_types_cannot_hold() {
    let text = include_str!("../../data/tariffs/aplix.toml")
        .replacen("inner_length_mm = 260", "inner_length_mm = 0", 1)
        .replacen("max_weight_g = 31500", "max_weight_g = 0", 1);
    assert!(
        CompiledTariff::from_toml_str(&text).is_err(),
        "validation refuses it"
    );
    let raw: courier_rules::tariff::Tariff = toml::from_str(&text).unwrap();
    let e = CompiledTariff::compile(&raw, 0).unwrap_err();
    let shown: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        [
            "method[1] (ems).limits.max_weight_g: must be greater than 0",
            "packaging.box[0] (S): inner_length_mm must be greater than 0",
        ]
    );
    assert!(e.problems.iter().all(|p| p.line.is_none()));
}

proptest! {
    /// A destination resolved for one method prices every method — its own, and any
    /// other through the zoning resolved when asked — exactly as one resolved against
    /// every zoning.
    #[test]
    fn a_destination_for_one_method_prices_as_one_for_all(
        s in shipment(),
        idx in 0usize..INDEXES.len(),
        region in prop_oneof![Just(""), Just("Камчатский край"), Just(" камчатский край "), Just("Москва")],
        made_for in 0usize..12,
    ) {
        let t = aplix();
        let all = t.destination(INDEXES[idx], region);
        let one = t.destination_for(made_for, INDEXES[idx], region);
        for m in 0..t.method_count() + 1 {
            prop_assert_eq!(
                t.price_method(m, &s, &one, Decimal::ZERO),
                t.price_method(m, &s, &all, Decimal::ZERO),
                "method {} with a destination made for {}", m, made_for
            );
        }
    }
}
