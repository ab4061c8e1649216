use courier_benches::mixed_basket;
use courier_engine::packing::{pack, PackOptions};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let n: usize = a[1].parse().unwrap();
    let units: u32 = a[2].parse().unwrap();
    let b = mixed_basket(units);
    let opts = PackOptions::default();
    let mut v = 0;
    for _ in 0..n {
        v = pack(&b, &opts).unwrap().volume_mm3;
    }
    println!("{v}");
}
