//! Property: whatever is done to the input files' bytes, the job never panics, and when
//! it runs, every row is counted once and the money adds up (the identity check inside
//! the job would fail the run otherwise).

mod common;

use common::*;
use courier_batch::{reconcile, summary::summarise};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn identities_hold_under_perturbation(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<u32>(), any::<u8>(), 0u8..4), 1..12),
    ) {
        let data = dataset(150, 9);
        let name = ["registry.csv", "invoices.csv", "tracking.csv", "refunds.csv"][which];
        let path = data.path().join(name);
        let mut bytes = std::fs::read(&path).unwrap();
        for (pos, b, op) in edits {
            if bytes.is_empty() { break; }
            let i = pos as usize % bytes.len();
            match op {
                0 => bytes[i] = b,                              // overwrite
                1 => { bytes.remove(i); }                       // delete
                2 => bytes.insert(i, b),                        // insert
                _ => { let line: Vec<u8> = bytes[i..].iter().copied().take_while(|c| *c != b'\n').collect();
                       bytes.splice(i..i, line); }             // duplicate a fragment
            }
        }
        std::fs::write(&path, &bytes).unwrap();
        match reconcile(&options(data.path()), &|_| {}) {
            Ok(t) => {
                let s = summarise(&t);
                prop_assert!(s.is_ok(), "identity failed: {:?}", s.err());
                let s = s.unwrap();
                for (input, r) in &s.row_identity {
                    prop_assert!(r.holds, "{input}: {r:?}");
                }
            }
            // A damaged header is a whole-file error, named.
            Err(e) => prop_assert!(e.to_string().contains(name), "{e}"),
        }
    }
}
