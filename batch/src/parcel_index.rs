//! Where a row finds its parcel: an index of the registry's parcels by (carrier, order).
//!
//! The reconciliation's joins used to sort the invoice lines a second time, by parcel,
//! and binary-search both ways; string comparisons of those sorts and searches were a
//! quarter of the run. The lines now stay in their dedupe order — `(invoice_id,
//! line_id)`, which is the output order — and each line looks its parcel up here.
//!
//! Determinism: the map is only ever *looked up*, never walked, so its order (and its
//! hasher) cannot reach an output. The hasher is foldhash with a fixed seed: fast on
//! short ids, and the same work on every run.

use std::collections::HashMap;

use foldhash::fast::FixedState;

/// Parcels by `(carrier, order_id)`, as positions in the list it was built from.
pub(crate) struct ParcelIndex<'a> {
    by_order: HashMap<(u16, &'a str), usize, FixedState>,
}

impl<'a> ParcelIndex<'a> {
    /// Indexes the parcels' keys, in their order: a key's position is what
    /// [`ParcelIndex::get`] returns. The registry holds one parcel per key (see
    /// [`crate::reconcile::unique_parcels`]); were a key repeated, the first would win.
    pub fn new(keys: impl ExactSizeIterator<Item = (u16, &'a str)>) -> ParcelIndex<'a> {
        let mut by_order = HashMap::with_capacity_and_hasher(keys.len(), FixedState::default());
        for (i, key) in keys.enumerate() {
            by_order.entry(key).or_insert(i);
        }
        ParcelIndex { by_order }
    }

    /// The position of the parcel of `carrier` with this order id.
    pub fn get(&self, carrier: u16, order_id: &str) -> Option<usize> {
        self.by_order.get(&(carrier, order_id)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_carrier_and_order() {
        let keys = [(0u16, "A-1"), (0, "A-2"), (1, "A-1"), (0, "A-1")];
        let index = ParcelIndex::new(keys.iter().copied());
        assert_eq!(index.get(0, "A-1"), Some(0), "the first of a repeated key");
        assert_eq!(index.get(0, "A-2"), Some(1));
        assert_eq!(
            index.get(1, "A-1"),
            Some(2),
            "the carrier is part of the key"
        );
        assert_eq!(index.get(1, "A-2"), None);
        assert_eq!(index.get(0, "A-"), None, "whole ids only");
    }
}
