//! Reference report for the packing engine: BoxPacker's 4,288 real orders (how many fit
//! one carton, which cartons) and the Bischoff–Ratcliff BR1–BR7 container instances
//! (mean volume packed), beside the published figures. Figures go to BENCHMARKS.md.
//!
//! It also splits every order across cartons (`split_into_cartons`), free and upright,
//! beside BoxPacker's 3D and 2D totals, and for every order split into more than one
//! carton asks `refute_carton` about each carton type: the orders refuted in all of them
//! are *proven* to need more than one carton, the rest are the gap to the best possible
//! (`REFUTE_DEBUG=1` lists them); `--verify` checks every shipment,
//! `--split-budget N` sets the split's work budget, and `SPLIT_DEBUG=1` lists the orders
//! where the split uses more cartons than BoxPacker.
//!
//! `cargo run --release -p courier-benches --bin packing_report [-- --budget N --br-problems K]`

use std::time::Instant;

use courier_benches::{boxpacker_cartons, boxpacker_orders, reference_or_skip, thpack};
use courier_engine::packing::{
    choose_carton, load_container, refute_carton, split_into_cartons, verify_shipment, Item,
    PackOptions, Refutation,
};

fn main() {
    let Some(dir) = reference_or_skip("packing report") else {
        return;
    };
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let br_budget = arg("--budget", 2_000_000);
    let br_problems = arg("--br-problems", 100) as usize;
    let check = args.iter().any(|a| a == "--verify");
    let split_opts = PackOptions {
        fit_work_budget: arg("--split-budget", PackOptions::default().fit_work_budget),
        ..PackOptions::default()
    };

    let read =
        |p: &str| std::fs::read_to_string(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let cartons = boxpacker_cartons(&read("boxpacker/boxes.csv")).expect("boxes.csv");
    let orders = boxpacker_orders(&read("boxpacker/items.csv")).expect("items.csv");
    let opts = PackOptions::default();
    let t = Instant::now();
    let mut one = 0usize;
    let mut per_box = vec![0usize; cartons.len()];
    for items in orders.values() {
        if let Some(c) = choose_carton(items, &cartons, &opts).expect("valid order") {
            one += 1;
            per_box[c.index] += 1;
        }
    }
    println!(
        "BoxPacker orders: {} of {} in one carton (BoxPacker 3D: 4084) in {:.2} s",
        one,
        orders.len(),
        t.elapsed().as_secs_f64()
    );
    for (c, n) in cartons.iter().zip(&per_box) {
        println!("  {:<10} {n}", c.reference());
    }

    // BoxPacker's own count per order (expected.csv: id, boxes2D, .., boxes3D, ..).
    let expected: std::collections::BTreeMap<String, (usize, usize)> =
        read("boxpacker/expected.csv")
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').map(str::trim).collect();
                Some((
                    f.first()?.to_string(),
                    (f.get(1)?.parse().ok()?, f.get(4)?.parse().ok()?),
                ))
            })
            .collect();
    // Splitting across cartons, free rotation (BoxPacker 3D) and upright (2D, KeepFlat).
    for (label, upright, bp_total, bp_single) in [
        ("free rotation (3D)", false, 4557, 4084),
        ("upright (2D)", true, 5832, 3097),
    ] {
        let t = Instant::now();
        let (mut total, mut single, mut bound, mut proven) = (0usize, 0usize, 0usize, 0usize);
        let mut hist = std::collections::BTreeMap::<usize, usize>::new();
        let (mut fewer, mut more) = (0usize, 0usize);
        // Multi-carton orders proven not to fit any single carton, and how each carton
        // type was refuted (the first argument that worked).
        let (mut refuted_orders, mut refute_ms) = (0usize, 0.0f64);
        let mut why = std::collections::BTreeMap::<&'static str, usize>::new();
        let mut open = Vec::new();
        for (id, items) in &orders {
            let items: Vec<Item> = items.iter().map(|i| i.with_upright(upright)).collect();
            let s = split_into_cartons(&items, &cartons, &split_opts).expect("split");
            if check {
                verify_shipment(&items, &cartons, &s).expect("valid shipment");
            }
            total += s.cartons_count;
            bound += s.cartons_lower_bound;
            proven += usize::from(s.fewest_proven);
            single += usize::from(s.cartons_count == 1);
            if let Some(&(b2, b3)) = expected.get(id) {
                let theirs = if upright { b2 } else { b3 };
                fewer += usize::from(s.cartons_count < theirs);
                more += usize::from(s.cartons_count > theirs);
                if s.cartons_count > theirs && std::env::var_os("SPLIT_DEBUG").is_some() {
                    eprintln!("{id} upright={upright}: ours {} theirs {theirs} lb {} boxes {:?} items {:?}", s.cartons_count, s.cartons_lower_bound, s.cartons.iter().map(|c| (c.reference.clone(), c.units, c.weight_g)).collect::<Vec<_>>(), items.iter().map(|i| (i.length_mm(), i.width_mm(), i.height_mm(), i.weight_g(), i.qty())).collect::<Vec<_>>());
                }
            }
            *hist.entry(s.cartons_count).or_default() += 1;
            if s.cartons_count > 1 {
                let t = Instant::now();
                let mut all = true;
                let mut open_types = Vec::new();
                for c in &cartons {
                    let r = refute_carton(&items, c, &opts).expect("valid order");
                    let name = match r {
                        Some(Refutation::Weight { .. }) => "weight",
                        Some(Refutation::UnitTooLarge { .. }) => "unit too large",
                        Some(Refutation::Volume { .. }) => "volume",
                        Some(Refutation::DualFeasible { .. }) => "dual-feasible",
                        Some(Refutation::Stack { .. }) => "stack",
                        Some(Refutation::Exhaustive { .. }) => "exhaustive",
                        None => {
                            all = false;
                            open_types.push(c.reference().to_string());
                            "not refuted"
                        }
                    };
                    *why.entry(name).or_default() += 1;
                }
                refute_ms += t.elapsed().as_secs_f64() * 1e3;
                if all {
                    refuted_orders += 1;
                } else {
                    let units: u32 = items.iter().map(|i| i.qty()).sum();
                    open.push((id.clone(), units, open_types));
                }
            }
        }
        println!(
            "Split, {label}: {total} cartons (BoxPacker {bp_total}), {single} single-carton orders (BoxPacker {bp_single}), lower bound {bound}, count proven fewest in {proven} orders, {:.2} s",
            t.elapsed().as_secs_f64()
        );
        println!("  cartons per order: {hist:?}");
        println!("  orders with fewer cartons than BoxPacker: {fewer}, with more: {more}");
        println!(
            "  proven not to fit any single carton: {refuted_orders} of {} multi-carton orders; gap to the best possible: {} orders ({:.0} ms for the proofs)",
            orders.len() - single,
            orders.len() - single - refuted_orders,
            refute_ms
        );
        println!("  carton types refuted by (first argument that worked): {why:?}");
        if std::env::var_os("REFUTE_DEBUG").is_some() {
            for (id, units, types) in &open {
                let items = &orders[id];
                eprintln!(
                    "open {id} upright={upright}: {units} units, not refuted in {types:?}; items {:?}",
                    items
                        .iter()
                        .map(|i| (i.length_mm(), i.width_mm(), i.height_mm(), i.weight_g(), i.qty()))
                        .collect::<Vec<_>>()
                );
            }
        }
    }

    let published = [88.97, 88.96, 88.44, 88.17, 87.62, 87.43, 87.09];
    let mut all = 0.0;
    for class in 1..=7 {
        let file = format!("packing-instances/bischoff-ratcliff/BR{class}.txt");
        let problems = thpack(&read(&file)).expect("BR file");
        let t = Instant::now();
        let mut sum = 0.0;
        let mut worst = f64::MAX;
        let n = problems.len().min(br_problems);
        for p in problems.iter().take(n) {
            let r = load_container(p.container, &p.items, br_budget);
            let u = 100.0 * r.packed_volume_mm3 as f64 / r.container_volume_mm3 as f64;
            sum += u;
            worst = worst.min(u);
        }
        let mean = sum / n as f64;
        all += mean;
        println!(
            "BR{class}: mean {mean:.2} % (EB-AFIT {:.2} %), worst {worst:.2} %, {:.1} ms per instance",
            published[class - 1],
            t.elapsed().as_secs_f64() * 1000.0 / n as f64
        );
    }
    println!(
        "BR1-BR7 mean: {:.2} % (BoxPacker ~79 %, EB-AFIT 88.10 %, best published 95.9 %)",
        all / 7.0
    );
}
