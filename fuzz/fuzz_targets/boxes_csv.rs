//! Carton catalogues (`courier pack --boxes`, `courier_engine::inputs::cartons_from_csv`):
//! any text gets valid cartons or an error naming the file; a catalogue then takes a
//! small basket (`choose_carton`, as the CLI does) and the chosen carton must hold it.
#![no_main]

use courier_engine::inputs::cartons_from_csv;
use courier_engine::rules::catalogue::CartonRecord;
use courier_engine::packing::{choose_carton, Item};
use courier_fuzz::QUICK;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cartons = match cartons_from_csv(text, "boxes.csv") {
        Ok(c) => c,
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("boxes.csv: "),
                "error without the file name: {msg}"
            );
            return;
        }
    };
    assert!(!cartons.is_empty());
    for c in &cartons {
        assert!(
            CartonRecord::from(c.clone()).validate("c").is_empty(),
            "accepted an invalid carton: {c:?}"
        );
        let _ = c.cost_key();
    }
    let basket = [
        Item::new(300, 200, 30, 500, 2),
        Item::new(120, 90, 100, 350, 1).with_upright(true),
    ];
    let Some(choice) = choose_carton(&basket, &cartons, &QUICK).expect("valid basket") else {
        return;
    };
    let carton = &cartons[choice.index];
    assert_eq!(choice.reference, carton.reference());
    assert_eq!(choice.inner_sorted_mm, carton.inner_sorted());
    assert_eq!(choice.placements.len(), 3);
    assert!(choice.gross_weight_g <= carton.max_weight_g(), "{choice:?}");
    assert_eq!(
        choice.gross_weight_g,
        choice.goods_weight_g + carton.empty_weight_g()
    );
    let inner = carton.inner_mm();
    for p in &choice.placements {
        let (lo, size) = ([p.x_mm, p.y_mm, p.z_mm], [p.dx_mm, p.dy_mm, p.dz_mm]);
        for a in 0..3 {
            assert!(
                u64::from(lo[a]) + u64::from(size[a]) <= u64::from(inner[a]),
                "unit sticks out of carton {}: {p:?}",
                carton.reference()
            );
        }
    }
});
