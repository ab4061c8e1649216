//! Delivery-method limits (`courier pack --methods`, `MethodCatalogue::from_toml_str`):
//! any text gets a validated catalogue or an error; a catalogue then judges a small
//! basket (`check_methods`, as the CLI does) and rigid boxes of extreme sizes.
#![no_main]

use courier_engine::packing::{check_methods, Item};
use courier_engine::rules::limits::{MethodCatalogue, MethodLimitsRecord};
use courier_fuzz::QUICK;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cat = match MethodCatalogue::from_toml_str(text) {
        Ok(cat) => cat,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "empty error message");
            return;
        }
    };
    assert!(!cat.methods.is_empty());
    for m in &cat.methods {
        let written = MethodLimitsRecord::from(m.limits.clone());
        assert!(written.validate("m").is_empty(), "accepted invalid limits");
        for (sides, weight) in [
            ([1, 1, 1], 0),
            ([300, 200, 60], 1_000),
            ([u32::MAX, u32::MAX, u32::MAX], u64::MAX),
        ] {
            let sides = courier_rules::Sides::from_array(sides).expect("non-zero sides");
            for e in m.limits.check_box(sides, weight) {
                assert!(!e.describe().is_empty());
            }
            let _ = m.limits.admits_sides(sides);
        }
    }
    let basket = [
        Item::new(300, 200, 30, 500, 2),
        Item::new(120, 90, 100, 350, 1).with_upright(true),
    ];
    let verdicts = check_methods(&basket, &cat.methods, &QUICK).expect("valid basket");
    assert_eq!(verdicts.len(), cat.methods.len());
    for (v, m) in verdicts.iter().zip(&cat.methods) {
        assert_eq!(v.method_id, m.id);
        assert_eq!(v.within, v.exceeded.is_empty(), "{v:?}");
        for e in &v.exceeded {
            assert!(!e.describe().is_empty());
        }
    }
});
