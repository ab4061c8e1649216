//! Wall time of `pack` (and of `check_parcel` with the sample methods and cartons)
//! against `PackOptions::with_budget_ms`: whether a budget in milliseconds is honoured.
//! Time is measured here, by the caller; the engine only counts work units.
//!
//! `cargo run --release -p courier-benches --example budget_time [-- 1 100 500]`

use std::time::Instant;

use courier_benches::milp::guillotine;
use courier_benches::mixed_basket;
use courier_engine::packing::{pack, Item, PackOptions};

/// Time this thread has run on a CPU, in ms (Linux `schedstat`, nanoseconds): unlike wall
/// time it does not grow when other processes take the cores. `None` elsewhere.
fn cpu_ms() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}

fn main() {
    let budgets: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let budgets = if budgets.is_empty() {
        vec![1, 100, 500]
    } else {
        budgets
    };
    let mut inputs: Vec<(String, Vec<Item>)> = vec![
        ("two books".into(), vec![Item::new(300, 200, 30, 500, 2)]),
        (
            "two different".into(),
            vec![Item::new(200, 100, 50, 1, 1), Item::new(50, 100, 100, 1, 1)],
        ),
        ("1,000 cubes".into(), vec![Item::new(50, 50, 50, 1, 1000)]),
        (
            "1,000 identical".into(),
            vec![Item::new(120, 80, 45, 200, 1000)],
        ),
        ("basket 4".into(), mixed_basket(4)),
        ("basket 10".into(), mixed_basket(10)),
        ("order 50".into(), mixed_basket(50)),
        ("order 200".into(), mixed_basket(200)),
        ("order 1,000".into(), mixed_basket(1000)),
    ];
    for n in 2..=8 {
        inputs.push((format!("guillotine {n}"), guillotine([300, 200, 150], n, 7)));
    }
    // Random small orders (2–4 units, edges 1–999 mm, some upright): the slowest of each.
    let mut seed = 0x2545_F491u64;
    let mut rnd = move |m: u32| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        1 + (seed % u64::from(m)) as u32
    };
    let random: Vec<Vec<Item>> = (0..300)
        .map(|i| {
            let lines = 1 + i % 2;
            (0..lines)
                .map(|_| {
                    Item::new(rnd(999), rnd(999), rnd(999), 100, rnd(2)).with_upright(rnd(3) == 1)
                })
                .collect()
        })
        .collect();
    println!("input | budget ms | wall ms | ratio | volume | optimal");
    for &ms in &budgets {
        let opts = PackOptions::with_budget_ms(ms);
        let mut worst = (0.0f64, 0usize);
        let mut total = 0.0;
        for (i, items) in random.iter().enumerate() {
            let c0 = cpu_ms().unwrap_or(0.0);
            let _ = pack(items, &opts).expect("valid goods");
            let wall = cpu_ms().unwrap_or(0.0) - c0;
            total += wall;
            if wall > worst.0 {
                worst = (wall, i);
            }
        }
        println!(
            "300 random orders of 1–4 units | {ms} | slowest {:.2} ms CPU (#{}: {:?}), mean {:.2}",
            worst.0,
            worst.1,
            random[worst.1],
            total / 300.0
        );
    }
    for ms in budgets {
        let opts = PackOptions::with_budget_ms(ms);
        for (name, items) in &inputs {
            let (t, c0) = (Instant::now(), cpu_ms().unwrap_or(0.0));
            let p = pack(items, &opts).expect("valid goods");
            let wall = t.elapsed().as_secs_f64() * 1e3;
            let cpu = cpu_ms().unwrap_or(0.0) - c0;
            println!(
                "{name} | {ms} | {wall:.2} | {cpu:.2} | {} | {}",
                p.volume_mm3, p.optimal
            );
        }
    }
}
