//! Goods files as `courier pack` reads them (CSV or JSON, `courier_engine::inputs`): any
//! text gets either goods or an error naming the file; accepted goods then pack into a
//! valid parcel or get the engine's own error.
#![no_main]

use courier_engine::inputs::goods_from_text;
use courier_fuzz::{pack_and_check, units, QUICK};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI refuses non-UTF-8 files before parsing (`read_input`).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match goods_from_text(text, "goods.csv") {
        Ok(items) => {
            // Packing cost grows with the units; the pack_items target covers the engine.
            if units(&items) <= 8 {
                pack_and_check(&items, &QUICK);
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("goods.csv: "),
                "error without the file name: {msg}"
            );
            assert!(msg.len() > "goods.csv: ".len(), "empty error message");
        }
    }
});
