//! Splitting BoxPacker's 4,288 real orders across its 4 cartons: every unit of every
//! order placed exactly once (valid placements, weight limits), and never more cartons
//! in total than BoxPacker uses — with free rotation (its "3D": 4,557 cartons) and with
//! every item kept flat (its "2D": 5,832). Skipped, with a notice, when the reference
//! data is absent.

use courier_benches::{boxpacker_cartons, boxpacker_orders, reference_or_skip};
use courier_engine::packing::{split_into_cartons, verify_shipment, Item, PackOptions};

fn run(upright: bool, boxpacker_total: usize) {
    let what = if upright {
        "split_upright_orders_beat_boxpacker_2d"
    } else {
        "split_free_orders_beat_boxpacker_3d"
    };
    let Some(dir) = reference_or_skip(what) else {
        return;
    };
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).expect("read reference file");
    let cartons = boxpacker_cartons(&read("boxpacker/boxes.csv")).expect("boxes.csv");
    let orders = boxpacker_orders(&read("boxpacker/items.csv")).expect("items.csv");
    assert_eq!(orders.len(), 4288);
    let opts = PackOptions::default();
    let mut total = 0usize;
    for (id, items) in &orders {
        let items: Vec<Item> = items.iter().map(|i| i.with_upright(upright)).collect();
        let s = split_into_cartons(&items, &cartons, &opts)
            .unwrap_or_else(|e| panic!("order {id}: {e}"));
        // Every unit exactly once, inside its carton, no overlap, upright kept, weight
        // within each carton's maximum, totals consistent.
        if let Err(e) = verify_shipment(&items, &cartons, &s) {
            panic!("order {id}: {e}");
        }
        let mut per_line = vec![0u32; items.len()];
        for c in &s.cartons {
            for p in &c.placements {
                per_line[p.line] += 1;
            }
        }
        let want: Vec<u32> = items.iter().map(|i| i.qty()).collect();
        assert_eq!(per_line, want, "order {id}");
        total += s.cartons_count;
    }
    assert!(
        total <= boxpacker_total,
        "{total} cartons, BoxPacker uses {boxpacker_total}"
    );
    eprintln!("{what}: {total} cartons (BoxPacker {boxpacker_total})");
}

#[test]
fn split_free_orders_beat_boxpacker_3d() {
    run(false, 4557);
}

#[test]
fn split_upright_orders_beat_boxpacker_2d() {
    run(true, 5832);
}
