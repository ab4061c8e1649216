//! One-shot timing of the MILP route against the engine's exact search on the random
//! mixed inputs of `benches/tests/milp.rs` (too slow on the MILP side for criterion):
//! `cargo run --release -p courier-benches --example milp_random`.

use std::time::Instant;

use courier_benches::milp::{key_of, min_box_milp, random_mixed, verify_min_box};
use courier_engine::packing::{pack, PackOptions};

fn main() {
    println!("| seed | units | engine | MILP | MILPs solved (infeasible) | same box |");
    println!("|---|---|---|---|---|---|");
    for seed in 0..12 {
        let items = random_mixed(seed);
        let n: u64 = items.iter().map(|i| u64::from(i.qty())).sum();
        if n < 2 {
            continue;
        }
        let opts = PackOptions {
            exact_max_units: n,
            exact_work_budget: 50_000_000,
            ..PackOptions::default()
        };
        let t = Instant::now();
        let e = match pack(&items, &opts) {
            Ok(e) => e,
            Err(err) => {
                eprintln!("seed {seed}: {err}");
                continue;
            }
        };
        let te = t.elapsed();
        let t = Instant::now();
        let m = match min_box_milp(&items) {
            Ok(m) => m,
            Err(err) => {
                eprintln!("seed {seed}: {err}");
                continue;
            }
        };
        let tm = t.elapsed();
        let same = e.optimal
            && m.stats.proven
            && key_of(m.dims) == key_of([e.length_mm, e.width_mm, e.height_mm])
            && verify_min_box(&items, &m).is_ok();
        println!(
            "| {seed} | {n} | {te:.2?} | {tm:.2?} | {} ({}) | {} |",
            m.stats.milp_calls,
            m.stats.infeasible,
            if same { "yes" } else { "NO" }
        );
    }
}
