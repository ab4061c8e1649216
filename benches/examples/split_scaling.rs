//! How the time of `split_into_cartons` grows with the order: 1,000 / 10,000 / 100,000
//! distinct lines and 1,000,000 units of one line, into the sample catalogue
//! (`data/boxes.csv`), at the default options and at `with_budget_ms(1000)`. Every
//! shipment is checked with `verify_shipment`. Figures: BENCHMARKS.md.
//!
//! `cargo run --release -p courier-benches --example split_scaling [-- 1000 10000]`

use std::time::Instant;

use courier_engine::packing::{
    split_budget, split_into_cartons, verify_shipment, Item, PackOptions,
};
use courier_engine::rules::catalogue::{Carton, CartonRecord};

/// Time this thread has run on a CPU, in ms (Linux `schedstat`); 0 elsewhere.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

/// `data/boxes.csv`: reference, inner L W H, outer L W H, empty and max weight, price.
fn catalogue() -> Vec<Carton> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/boxes.csv");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let n = |i: usize| {
                f[i].trim()
                    .parse::<u32>()
                    .unwrap_or_else(|e| panic!("{l}: {e}"))
            };
            let record = CartonRecord {
                reference: f[0].to_string(),
                inner_length_mm: n(1),
                inner_width_mm: n(2),
                inner_height_mm: n(3),
                outer_length_mm: n(4),
                outer_width_mm: n(5),
                outer_height_mm: n(6),
                empty_weight_g: u64::from(n(7)),
                max_weight_g: u64::from(n(8)),
                price: f.get(9).and_then(|p| p.trim().parse().ok()),
            };
            Carton::try_from(record).unwrap_or_else(|e| panic!("{l}: {e}"))
        })
        .collect()
}

/// `n` distinct lines of one unit each: edges 20–250 mm, 50–2,000 g, one in five upright
/// (a deterministic xorshift, so every run splits the same order).
fn distinct_lines(n: usize) -> Vec<Item> {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |lo: u32, hi: u32| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        lo + (s % u64::from(hi - lo + 1)) as u32
    };
    (0..n)
        .map(|_| {
            Item::new(
                next(20, 250),
                next(20, 250),
                next(20, 250),
                u64::from(next(50, 2000)),
                1,
            )
            .with_upright(next(0, 4) == 0)
        })
        .collect()
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        sizes
    };
    let cat = catalogue();
    let mut orders: Vec<(String, Vec<Item>)> = sizes
        .iter()
        .map(|&n| (format!("{n} distinct lines"), distinct_lines(n)))
        .collect();
    orders.push((
        "1,000,000 units of one line".into(),
        vec![Item::new(60, 40, 30, 25, 1_000_000)],
    ));
    println!(
        "order | options | wall ms | CPU ms | cartons | lower bound | split budget (work units)"
    );
    for (name, items) in &orders {
        for (label, opts) in [
            ("default", PackOptions::default()),
            ("budget 1000 ms", PackOptions::with_budget_ms(1000)),
        ] {
            let (t, c0) = (Instant::now(), cpu_ms());
            let s = split_into_cartons(items, &cat, &opts).expect("every unit fits a carton");
            let (wall, cpu) = (t.elapsed().as_secs_f64() * 1e3, cpu_ms() - c0);
            verify_shipment(items, &cat, &s).unwrap_or_else(|e| panic!("{name}: {e}"));
            let again = split_into_cartons(items, &cat, &opts).expect("same input");
            assert_eq!(again, s, "{name}: not deterministic");
            println!(
                "{name} | {label} | {wall:.0} | {cpu:.0} | {} | {} | {}",
                s.cartons_count,
                s.cartons_lower_bound,
                split_budget(&opts)
            );
        }
    }
}
