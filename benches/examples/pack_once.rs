//! One `pack` call on a benchmark input, for instruction counts under callgrind
//! (deterministic, unlike wall time on a shared machine):
//! `valgrind --tool=callgrind target/release/examples/pack_once basket10`
//! (`basket10` | `identical1000` | `order50`).

use courier_benches::mixed_basket;
use courier_engine::packing::{pack, Item, PackOptions};

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "basket10".into());
    let items = match which.as_str() {
        "identical1000" => vec![Item::new(120, 80, 45, 200, 1000)],
        "order50" => mixed_basket(50),
        _ => mixed_basket(10),
    };
    let p = pack(&items, &PackOptions::default()).expect("valid goods");
    println!(
        "{which}: {} × {} × {} optimal {}",
        p.length_mm, p.width_mm, p.height_mm, p.optimal
    );
}
