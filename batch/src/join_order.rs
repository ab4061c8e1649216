//! The order the job joins in: rows grouped by a 64-bit hash of their key first, and
//! only then by the key's text.
//!
//! Every join of the reconciliation is a sort plus binary searches over text keys —
//! order ids such as `ORD-000123456` and invoice ids shared by thousands of lines, which
//! agree on long prefixes, so a text comparison is a `memcmp` call that runs deep. In a
//! release profile of a million parcels those comparisons were a quarter of the job's
//! CPU. Sorting by `(hash, key)` settles almost every comparison on one integer; rows of
//! one key still sit together, in the exact order of the full comparison (so "the first
//! copy" of a repeated row is the same as before), and a hash collision only costs a
//! text comparison, never a wrong join. The order *between* keys is the hash's, which
//! nothing outside the job sees: every output table is sorted into its documented text
//! order at the end ([`crate::table::Tables::sort`]). The hash is a fixed function of the
//! bytes (no random seed), so runs are repeatable.

use std::cmp::Ordering;

use rayon::prelude::*;

/// A 64-bit hash of `parts` (FxHash's multiply-rotate, with each part's length mixed in
/// so that `("ab", "c")` and `("a", "bc")` differ). Fixed and seedless.
pub(crate) fn key_hash(parts: &[&[u8]]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = 0;
    let mut mix = |w: u64| h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    for p in parts {
        mix(p.len() as u64);
        let mut chunks = p.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            mix(u64::from_le_bytes(w));
        }
    }
    // A final avalanche so that nearby ids spread over the high bits too.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Rows sorted by `(hash, cmp)`, with each row's hash beside it.
#[derive(Debug)]
pub(crate) struct Keyed<T> {
    hashes: Vec<u64>,
    rows: Vec<T>,
}

impl<T: Send + Sync> Keyed<T> {
    /// Sorts `rows` by `hash` and then `cmp` (which must order rows of equal hash
    /// totally, as the full key comparison does). Every row is kept.
    pub(crate) fn sort(
        rows: Vec<T>,
        hash: impl Fn(&T) -> u64 + Sync,
        cmp: impl Fn(&T, &T) -> Ordering + Sync,
    ) -> Keyed<T> {
        let mut order: Vec<(u64, u32)> = rows
            .par_iter()
            .enumerate()
            .map(|(i, r)| (hash(r), i as u32))
            .collect();
        order.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| cmp(&rows[a.1 as usize], &rows[b.1 as usize]))
        });
        let mut slots: Vec<Option<T>> = rows.into_iter().map(Some).collect();
        // Each index appears once in `order`, so every slot is taken exactly once.
        let rows: Vec<T> = order
            .iter()
            .filter_map(|&(_, i)| slots[i as usize].take())
            .collect();
        Keyed {
            hashes: order.into_iter().map(|(h, _)| h).collect(),
            rows,
        }
    }

    /// Rows already in `(hash, …)` order (a subset of a [`Keyed::sort`]'s rows, in
    /// their order), with their hashes.
    pub(crate) fn of_sorted(rows: Vec<T>, hash: impl Fn(&T) -> u64 + Sync) -> Keyed<T> {
        Keyed {
            hashes: rows.par_iter().map(&hash).collect(),
            rows,
        }
    }

    /// The rows in join order.
    pub(crate) fn rows(&self) -> &[T] {
        &self.rows
    }

    /// The rows, given up.
    pub(crate) fn into_rows(self) -> Vec<T> {
        self.rows
    }

    /// The rows whose hash is `h` and for which `cmp` (the row's key against the one
    /// sought) is `Equal`, as an index range: `cmp` must agree with the sort's order.
    pub(crate) fn range(&self, h: u64, cmp: impl Fn(&T) -> Ordering) -> std::ops::Range<usize> {
        let lo = self.hashes.partition_point(|&x| x < h);
        let run = &self.rows[lo..lo + self.hashes[lo..].partition_point(|&x| x == h)];
        let a = run.partition_point(|r| cmp(r) == Ordering::Less);
        let b = a + run[a..].partition_point(|r| cmp(r) != Ordering::Greater);
        lo + a..lo + b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_a_key_stay_together_in_full_order_and_are_found() {
        // A hash with many collisions (the key's first byte) shows that a collision
        // costs a comparison, never a wrong group.
        let rows: Vec<(String, u32)> = (0..500u32)
            .map(|i| {
                (
                    format!("{}ORD-{:04}", (b'a' + (i % 7) as u8) as char, i % 61),
                    500 - i,
                )
            })
            .collect();
        let hash = |r: &(String, u32)| u64::from(r.0.as_bytes()[0]);
        let cmp = |a: &(String, u32), b: &(String, u32)| a.cmp(b);
        let k = Keyed::sort(rows.clone(), hash, cmp);
        assert_eq!(k.rows().len(), rows.len());
        let mut got = k.rows().to_vec();
        got.sort();
        let mut want = rows.clone();
        want.sort();
        assert_eq!(got, want, "every row kept once");
        for w in k.rows().windows(2) {
            assert!((hash(&w[0]), &w[0]) <= (hash(&w[1]), &w[1]));
        }
        for key in ["aORD-0000", "cORD-0030", "gORD-0060", "zORD-0001"] {
            let r = k.range(u64::from(key.as_bytes()[0]), |x| x.0.as_str().cmp(key));
            let expected = rows.iter().filter(|x| x.0 == key).count();
            assert_eq!(r.len(), expected, "{key}");
            assert!(k.rows()[r].iter().all(|x| x.0 == key));
        }
    }

    #[test]
    fn the_hash_is_fixed_and_separates_parts() {
        assert_eq!(key_hash(&[b"ORD-1"]), key_hash(&[b"ORD-1"]));
        assert_ne!(key_hash(&[b"ab", b"c"]), key_hash(&[b"a", b"bc"]));
        assert_ne!(key_hash(&[b"ORD-000000001"]), key_hash(&[b"ORD-000000002"]));
    }
}
