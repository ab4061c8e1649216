//! How often `pack` reaches and proves the optimum of perfect-fit instances (a box cut by
//! guillotine cuts into pieces, each turned: the optimum is the box itself), and how
//! dense its boxes are on larger ones. Figures: BENCHMARKS.md ("Perfect-fit instances").
//!
//! `cargo run --release -p courier-benches --example perfect_fit_report [-- 50]`
//!
//! Instance `i` of `n` pieces is `perfect_fit(box, n, seed)` with the box's sides drawn
//! from 100–400 mm by the same seed: the same instances on every run.

use std::time::Instant;

use courier_engine::packing::{pack, perfect_fit, Item, PackOptions};

/// Time this thread has run on a CPU, in ms (Linux `schedstat`); 0 elsewhere.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

fn instance(n: usize, i: u64) -> (Vec<Item>, u64) {
    let seed = 1_000 * n as u64 + i;
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut side = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        100 + (s % 301) as u32
    };
    let d = [side(), side(), side()];
    let v = u64::from(d[0]) * u64::from(d[1]) * u64::from(d[2]);
    (perfect_fit(d, n, seed), v)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let per: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    for (label, opts) in [
        ("default options", PackOptions::default()),
        ("with_budget_ms(500)", PackOptions::with_budget_ms(500)),
    ] {
        println!("\n{label}: {per} instances per piece count");
        println!("pieces | optimum found | proven optimal | mean density | median ms (CPU) | max ms (CPU)");
        for n in (2..=8).chain([12, 20, 40]) {
            let (mut found, mut proven, mut density) = (0u64, 0u64, 0.0f64);
            let mut times = Vec::new();
            for i in 0..per {
                let (items, v) = instance(n, i);
                let (t, c0) = (Instant::now(), cpu_ms());
                let p = pack(&items, &opts).expect("valid goods");
                let cpu = cpu_ms() - c0;
                times.push(if cpu > 0.0 {
                    cpu
                } else {
                    t.elapsed().as_secs_f64() * 1e3
                });
                found += u64::from(p.volume_mm3 == v);
                proven += u64::from(p.volume_mm3 == v && p.optimal);
                density += v as f64 / p.volume_mm3 as f64;
            }
            let max = times.iter().copied().fold(0.0, f64::max);
            println!(
                "{n} | {:.0} % | {:.0} % | {:.3} | {:.2} | {:.1}",
                100.0 * found as f64 / per as f64,
                100.0 * proven as f64 / per as f64,
                density / per as f64,
                median(times),
                max
            );
        }
    }
}
