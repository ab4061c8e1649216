//! Reference data (BoxPacker orders, Bischoff–Ratcliff instances) read and used, when
//! present beside the checkout; a clear SKIPPED notice otherwise.

use courier_benches::{boxpacker_cartons, boxpacker_orders, reference_or_skip, thpack};
use courier_engine::packing::{choose_carton, load_container, PackOptions};

#[test]
fn boxpacker_orders_get_valid_cartons() {
    let Some(dir) = reference_or_skip("boxpacker_orders_get_valid_cartons") else {
        return;
    };
    let cartons =
        boxpacker_cartons(&std::fs::read_to_string(dir.join("boxpacker/boxes.csv")).expect("read"))
            .expect("parse");
    assert_eq!(cartons.len(), 4);
    let orders =
        boxpacker_orders(&std::fs::read_to_string(dir.join("boxpacker/items.csv")).expect("read"))
            .expect("parse");
    assert_eq!(orders.len(), 4288);
    let mut one = 0;
    for items in orders.values().take(60) {
        let Some(c) = choose_carton(items, &cartons, &PackOptions::default()).expect("valid goods")
        else {
            continue;
        };
        one += 1;
        let carton = &cartons[c.index];
        let inner = carton.inner_mm();
        let units: u32 = items.iter().map(|i| i.qty()).sum();
        assert_eq!(c.placements.len(), units as usize);
        for (i, p) in c.placements.iter().enumerate() {
            assert!(
                p.x_mm + p.dx_mm <= inner[0]
                    && p.y_mm + p.dy_mm <= inner[1]
                    && p.z_mm + p.dz_mm <= inner[2]
            );
            for q in &c.placements[i + 1..] {
                let apart = p.x_mm + p.dx_mm <= q.x_mm
                    || q.x_mm + q.dx_mm <= p.x_mm
                    || p.y_mm + p.dy_mm <= q.y_mm
                    || q.y_mm + q.dy_mm <= p.y_mm
                    || p.z_mm + p.dz_mm <= q.z_mm
                    || q.z_mm + q.dz_mm <= p.z_mm;
                assert!(apart, "overlap in carton {}", c.reference);
            }
        }
        assert!(c.gross_weight_g <= carton.max_weight_g());
    }
    // BoxPacker puts 4,084 of 4,288 (95.2 %) in one carton; the first 60 are no harder.
    assert!(one >= 55, "only {one} of 60 orders in one carton");
}

#[test]
fn bischoff_ratcliff_instances_load_without_overlap() {
    let Some(dir) = reference_or_skip("bischoff_ratcliff_instances_load_without_overlap") else {
        return;
    };
    let problems = thpack(
        &std::fs::read_to_string(dir.join("packing-instances/bischoff-ratcliff/BR1.txt"))
            .expect("read"),
    )
    .expect("parse");
    assert_eq!(problems.len(), 100);
    let p = &problems[0];
    let r = load_container(p.container, &p.items, 20_000);
    let util = r.packed_volume_mm3 as f64 / r.container_volume_mm3 as f64;
    assert!(util > 0.8, "utilisation {util}");
    for (i, a) in r.placements.iter().enumerate() {
        let item = &p.items[a.0];
        let vertical_edge = item
            .dims
            .iter()
            .position(|&d| d == a.2[2])
            .expect("an edge stands vertical");
        assert!(
            item.dims
                .iter()
                .enumerate()
                .any(|(e, &d)| d == a.2[2] && item.may_be_vertical[e]),
            "edge {vertical_edge} may not stand"
        );
        for b in &r.placements[i + 1..] {
            let apart = (0..3).any(|k| a.1[k] + a.2[k] <= b.1[k] || b.1[k] + b.2[k] <= a.1[k]);
            assert!(apart);
        }
        assert!((0..3).all(|k| a.1[k] + a.2[k] <= p.container[k]));
    }
}
