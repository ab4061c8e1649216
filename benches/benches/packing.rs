//! Packing benchmarks: a 10-unit mixed basket, 1,000 identical units, a 50-unit mixed
//! order, and BoxPacker's 4,288-order catalogue and split runs (skipped, with a notice, when the
//! reference data is absent). Results: BENCHMARKS.md.

use std::hint::black_box;

use courier_benches::{boxpacker_cartons, boxpacker_orders, mixed_basket, reference_or_skip};
use courier_engine::packing::{choose_carton, pack, split_into_cartons, Item, PackOptions};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let opts = PackOptions::default();
    let basket10 = mixed_basket(10);
    c.bench_function("pack/mixed_basket_10_units", |b| {
        b.iter(|| pack(black_box(&basket10), &opts))
    });
    let identical = [Item::new(120, 80, 45, 200, 1000)];
    c.bench_function("pack/identical_1000_units", |b| {
        b.iter(|| pack(black_box(&identical), &opts))
    });
    let order50 = mixed_basket(50);
    c.bench_function("pack/mixed_order_50_units", |b| {
        b.iter(|| pack(black_box(&order50), &opts))
    });

    if let Some(dir) = reference_or_skip("pack/boxpacker_4288_orders") {
        let cartons = boxpacker_cartons(
            &std::fs::read_to_string(dir.join("boxpacker/boxes.csv")).expect("boxes.csv"),
        )
        .expect("cartons");
        let orders = boxpacker_orders(
            &std::fs::read_to_string(dir.join("boxpacker/items.csv")).expect("items.csv"),
        )
        .expect("orders");
        let orders: Vec<Vec<Item>> = orders.into_values().collect();
        let mut g = c.benchmark_group("catalogue");
        g.sample_size(10);
        g.bench_function("choose_carton/boxpacker_4288_orders", |b| {
            b.iter(|| {
                orders
                    .iter()
                    .filter(|o| matches!(choose_carton(o, &cartons, &opts), Ok(Some(_))))
                    .count()
            })
        });
        // Splitting every order across as few cartons as it needs (one for most orders),
        // free rotation and all items upright (BoxPacker's 3D and 2D runs).
        for (name, upright) in [("free", false), ("upright", true)] {
            let orders: Vec<Vec<Item>> = orders
                .iter()
                .map(|o| o.iter().map(|i| i.with_upright(upright)).collect())
                .collect();
            g.bench_function(format!("split/boxpacker_4288_orders_{name}"), |b| {
                b.iter(|| {
                    orders
                        .iter()
                        .map(|o| {
                            split_into_cartons(o, &cartons, &opts).map_or(0, |s| s.cartons_count)
                        })
                        .sum::<usize>()
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
