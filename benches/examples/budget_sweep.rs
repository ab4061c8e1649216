//! How the minimal-box answer depends on `work_budget`: the benchmark baskets and, when
//! the reference data is present, the total volume of BoxPacker's 4,288 real orders
//! against their lower bounds. Quality only — time is measured by the criterion benches.
//!
//! `cargo run --release -p courier-benches --example budget_sweep [-- 1000 2000 50000]`

use courier_benches::{boxpacker_orders, mixed_basket, reference_or_skip};
use courier_engine::packing::{pack, Item, PackOptions};

fn main() {
    let budgets: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let budgets = if budgets.is_empty() {
        vec![500, 1_000, 2_000, 5_000, 20_000, 50_000]
    } else {
        budgets
    };
    let orders: Option<Vec<Vec<Item>>> =
        reference_or_skip("budget sweep (BoxPacker orders)").map(|dir| {
            let text = std::fs::read_to_string(dir.join("boxpacker/items.csv"))
                .unwrap_or_else(|e| panic!("boxpacker/items.csv: {e}"));
            boxpacker_orders(&text)
                .unwrap_or_else(|e| panic!("boxpacker/items.csv: {e}"))
                .into_values()
                .collect()
        });
    println!("budget | basket 10 (mm³) | order 50 (mm³) | BoxPacker orders: volume / bound | proven optimal");
    for budget in budgets {
        let opts = PackOptions {
            work_budget: budget,
            ..PackOptions::default()
        };
        let volume = |items: &[Item]| pack(items, &opts).map(|p| p.volume_mm3).unwrap_or(0);
        let (b10, b50) = (volume(&mixed_basket(10)), volume(&mixed_basket(50)));
        let corpus = orders.as_ref().map(|orders| {
            let (mut total, mut bound, mut proven) = (0u128, 0u128, 0usize);
            for o in orders {
                if let Ok(p) = pack(o, &opts) {
                    total += u128::from(p.volume_mm3);
                    bound += u128::from(p.lower_bound_mm3);
                    proven += usize::from(p.optimal);
                }
            }
            (total as f64 / bound as f64, proven)
        });
        match corpus {
            Some((ratio, proven)) => {
                println!("{budget} | {b10} | {b50} | {ratio:.4} | {proven}")
            }
            None => println!("{budget} | {b10} | {b50} | skipped | skipped"),
        }
    }
}
