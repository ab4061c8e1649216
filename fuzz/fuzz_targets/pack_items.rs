//! `courier_engine::packing::pack` on arbitrary small baskets (at most 6 lines and 12
//! units, sides up to 1,000 mm, smaller budgets than the defaults): the answer must be a valid
//! packing (`verify`), at least the lower bound, deterministic, and no packing found with
//! the default budgets may beat one flagged `optimal`.
#![no_main]

use arbitrary::Arbitrary;
use courier_engine::packing::pack;
use courier_engine::packing::{Item, PackOptions};
use courier_fuzz::{check_packing, key, pack_and_check};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Line {
    length: u16,
    width: u16,
    height: u16,
    weight_g: u16,
    qty: u8,
    upright: bool,
}

#[derive(Debug, Arbitrary)]
struct Input {
    lines: Vec<Line>,
    work_budget: u16,
    exact_work_budget: u32,
    exact_max_units: u8,
}

const MAX_LINES: usize = 6;
const MAX_UNITS: u32 = 12;
const MAX_SIDE: u16 = 1_000;

fuzz_target!(|input: Input| {
    let mut items = Vec::new();
    let mut units = 0u32;
    for l in input.lines.iter().take(MAX_LINES) {
        let qty = (1 + u32::from(l.qty % 4)).min(MAX_UNITS - units);
        if qty == 0 {
            break;
        }
        units += qty;
        let side = |s: u16| u32::from(1 + s % MAX_SIDE);
        items.push(
            Item::new(
                side(l.length),
                side(l.width),
                side(l.height),
                u64::from(l.weight_g),
                qty,
            )
            .with_upright(l.upright),
        );
    }
    if items.is_empty() {
        return;
    }
    let opts = PackOptions {
        work_budget: 500 + u64::from(input.work_budget) % 20_000,
        fit_work_budget: 50_000,
        exact_work_budget: 1_000 + u64::from(input.exact_work_budget) % 100_000,
        exact_max_units: u64::from(input.exact_max_units % 7),
    };
    let fuzzed = pack_and_check(&items, &opts).expect("valid goods must pack");
    // Determinism is checked on the fuzzed budgets only: each pack costs milliseconds.
    let default = pack(&items, &PackOptions::default()).expect("valid goods must pack");
    check_packing(&items, &default);
    if fuzzed.optimal {
        assert!(
            key(&default) >= key(&fuzzed),
            "{items:?}: packing flagged optimal {:?} beaten by {:?} (default budgets)",
            key(&fuzzed),
            key(&default)
        );
    }
    if default.optimal {
        assert!(
            key(&fuzzed) >= key(&default),
            "{items:?}: packing flagged optimal {:?} beaten by {:?} ({opts:?})",
            key(&default),
            key(&fuzzed)
        );
    }
    if fuzzed.optimal && default.optimal {
        assert_eq!(key(&fuzzed), key(&default), "two optimal answers differ");
    }
});
