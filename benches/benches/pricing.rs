//! Pricing benchmarks (issue 3).
//!
//! - `pricing/prepared_parcel/*`: quoting every method of the Aplix sample tariff for a
//!   parcel that is already packed (packing excluded) — the packaging total plus
//!   `price_all` over 4 methods, destination resolved once per request or per iteration.
//!   Throughput is in method quotes.
//! - `pricing/shipx_price`: one InPost ShipX shipment (template, insurance, COD, weekend).
//! - `pricing/quote_end_to_end/basket_5_units`: `quote()` for a 5-unit basket, packing and
//!   carton choice included, building the full answer.
//!
//! Anchor: GoRules ZEN ~8.5 µs per shipment on its shipping-cost example; target
//! > 1,000,000 method quotes per second per core.

use std::hint::black_box;

use courier_engine::packing::{choose_carton, Item, PackOptions};
use courier_engine::pricing::{
    CompiledTariff, Consignment, Parcel, QuoteRequest, Seal, ShipxCalculationRequest,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;

const APLIX: &str = include_str!("../../data/tariffs/aplix.toml");
const INPOST: &str = include_str!("../../data/tariffs/inpost.toml");
const BASKET: &str = include_str!("../../data/samples/quote/moscow_basket.json");

fn bench(c: &mut Criterion) {
    let aplix = CompiledTariff::from_toml_str(APLIX).expect("sample tariff");
    let inpost = CompiledTariff::from_toml_str(INPOST).expect("sample tariff");
    // The 5-unit basket's parcel: box L (index 2), 406×276×186 mm, 2050 g.
    let parcel = Parcel {
        outer_sorted_mm: courier_engine::Sides::new(406, 276, 186).expect("sides"),
        gross_weight_g: 2050,
        goods_volume_mm3: 5_208_000,
        units: 5,
        carton: Some(2),
    };
    let shipment = Consignment {
        parcel,
        declared_value: Decimal::new(845_000, 2),
        cod_amount: None,
        weekend: false,
    };
    let n = aplix.method_count() as u64;
    let mut g = c.benchmark_group("pricing/prepared_parcel");
    g.throughput(Throughput::Elements(n));
    let dest = aplix.destination("125009", "Москва");
    let mut out = Vec::with_capacity(8);
    g.bench_function("all_methods", |b| {
        b.iter(|| {
            let s = black_box(&shipment);
            let preparing = aplix
                .preparing_total(&s.parcel, Seal::Filler, false)
                .unwrap_or_default();
            aplix.price_all(s, black_box(&dest), preparing, &mut out);
            black_box(&out);
        })
    });
    g.bench_function("all_methods_resolving_address", |b| {
        b.iter(|| {
            let s = black_box(&shipment);
            let dest = aplix.destination(black_box("125009"), black_box("Москва"));
            let preparing = aplix
                .preparing_total(&s.parcel, Seal::Filler, false)
                .unwrap_or_default();
            aplix.price_all(s, &dest, preparing, &mut out);
            black_box(&out);
        })
    });
    let with_cod = Consignment {
        cod_amount: Some(Decimal::new(845_000, 2)),
        ..shipment
    };
    g.bench_function("all_methods_cod_one_refused", |b| {
        b.iter(|| {
            let s = black_box(&with_cod);
            let preparing = aplix
                .preparing_total(&s.parcel, Seal::Filler, false)
                .unwrap_or_default();
            aplix.price_all(s, black_box(&dest), preparing, &mut out);
            black_box(&out);
        })
    });
    g.finish();

    let shipx: ShipxCalculationRequest = serde_json::from_str(
        r#"{"shipments": [{"id": "S1", "parcels": [{"template": "small"}],
            "insurance": {"amount": 25, "currency": "PLN"}, "cod": {"amount": 12.50, "currency": "PLN"},
            "end_of_week_collection": true}]}"#,
    )
    .expect("shipx request");
    let mut g = c.benchmark_group("pricing");
    g.throughput(Throughput::Elements(1));
    g.bench_function("shipx_price", |b| {
        b.iter(|| black_box(inpost.shipx_price(black_box(&shipx.shipments[0]))))
    });
    g.finish();

    let basket: QuoteRequest = serde_json::from_str(BASKET).expect("basket");
    let mut g = c.benchmark_group("pricing/quote_end_to_end");
    g.throughput(Throughput::Elements(n));
    g.bench_function("basket_5_units", |b| {
        b.iter(|| black_box(aplix.quote(black_box(&basket)).expect("quote")))
    });
    // The packing share of it: the carton choice alone, as quote() calls it.
    let items: Vec<Item> = basket.goods.iter().map(|l| l.item).collect();
    g.bench_function("basket_5_units_choose_carton_only", |b| {
        b.iter(|| {
            black_box(
                choose_carton(black_box(&items), aplix.boxes(), &PackOptions::default())
                    .expect("carton"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
