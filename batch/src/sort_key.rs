//! Sorting large row vectors by small keys.
//!
//! The big sorts of a run (registry parcels by order, invoice lines by their dedupe
//! key) compare strings — order ids, line ids, invoice ids that most lines share — and
//! a row is a couple of hundred bytes. Sorting the rows themselves spent most of its time
//! in `memcmp` on equal prefixes and in moving rows (`BENCHMARKS.md`, "Sorting by keys,
//! mimalloc, a small CSV writer"). So [`sort_by_keys`] sorts `(key, index)` pairs, where
//! the key is a few integers that order the rows as the full comparison does, falls back
//! to the full comparison only when two keys are equal, and then moves each row once into
//! place.
//!
//! The order is the full comparison's, whatever the key: a key only has to be
//! *consistent* with it (a smaller key means a smaller row). [`SortKey`] builds such a key
//! from a row's fields; [`Ranks`] turns a string that many rows share (an invoice id)
//! into its rank among the distinct values.

use std::cmp::Ordering;
use std::collections::HashMap;

use foldhash::fast::FixedState;
use rayon::prelude::*;

/// A sort key: a few integers compared in order, built from a row's fields by
/// [`SortKey::int`], [`SortKey::str`] and [`SortKey::rank`], each one word.
///
/// A string is its first 15 bytes (big-endian, missing bytes as zero) followed by its
/// length capped at 16. Such a word orders strings of up to 15 bytes exactly as `str`
/// does: where the padded bytes differ they differ as the strings do, and where they are
/// equal the shorter string is a prefix of the longer, which is also the smaller. A
/// longer string is only ordered by its prefix, so once one is pushed the key is
/// *closed*: later fields are left out (zero), and two rows whose keys tie are compared
/// in full. That is what keeps a key consistent with the full order however the fields
/// are laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SortKey<const N: usize> {
    words: [u128; N],
    len: usize,
    closed: bool,
}

impl<const N: usize> SortKey<N> {
    const PREFIX: usize = 15;

    pub(crate) fn new() -> SortKey<N> {
        SortKey {
            words: [0; N],
            len: 0,
            closed: false,
        }
    }

    fn push(mut self, word: u128, exact: bool) -> SortKey<N> {
        if self.closed || self.len == N {
            self.closed = true;
            return self;
        }
        self.words[self.len] = word;
        self.len += 1;
        self.closed = !exact;
        self
    }

    /// An integer field.
    pub(crate) fn int(self, v: u64) -> SortKey<N> {
        self.push(u128::from(v), true)
    }

    /// A string field, exact up to 15 bytes.
    pub(crate) fn str(self, s: &str) -> SortKey<N> {
        let b = s.as_bytes();
        let mut word = [0u8; 16];
        let n = b.len().min(Self::PREFIX);
        word[..n].copy_from_slice(&b[..n]);
        // At most 16, which marks "longer than the prefix".
        word[Self::PREFIX] = b.len().min(Self::PREFIX + 1) as u8;
        self.push(u128::from_be_bytes(word), b.len() <= Self::PREFIX)
    }

    /// A string field by its rank among `ranks`' values (exact, however long); a value
    /// not ranked closes the key.
    pub(crate) fn rank(self, ranks: &Ranks<'_>, s: &str) -> SortKey<N> {
        match ranks.rank.get(s) {
            Some(&r) => self.push(u128::from(r), true),
            None => self.push(u128::MAX, false),
        }
    }
}

impl<const N: usize> PartialEq for SortKey<N> {
    fn eq(&self, other: &Self) -> bool {
        self.words == other.words
    }
}

impl<const N: usize> Eq for SortKey<N> {}

impl<const N: usize> PartialOrd for SortKey<N> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<const N: usize> Ord for SortKey<N> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.words.cmp(&other.words)
    }
}

/// The rank of each distinct value of a string among all of them: a key for a column
/// that many rows share (an invoice id), compared as one integer.
pub(crate) struct Ranks<'a> {
    rank: HashMap<&'a str, u32, FixedState>,
}

impl<'a> Ranks<'a> {
    /// Ranks the values, in `str` order (the same whatever order they come in).
    pub(crate) fn new(values: impl Iterator<Item = &'a str>) -> Ranks<'a> {
        let mut rank: HashMap<&'a str, u32, FixedState> = HashMap::default();
        for v in values {
            rank.entry(v).or_insert(0);
        }
        let mut distinct: Vec<&'a str> = rank.keys().copied().collect();
        distinct.sort_unstable();
        for (i, v) in distinct.into_iter().enumerate() {
            // More than 4 billion distinct values cannot be held in memory as rows.
            rank.insert(v, u32::try_from(i).unwrap_or(u32::MAX));
        }
        Ranks { rank }
    }
}

/// Sorts `rows` by `full`, a total order, comparing `keys` first (`keys[i]` is the key
/// of `rows[i]`, built by the caller, who may borrow the rows to build it). The keys
/// must be built from the fields `full` compares, in its order, so that `keys[i] <
/// keys[j]` only when `full(rows[i], rows[j])` is `Less`. Rows that `full` finds equal end in an unspecified order, as with
/// `sort_unstable_by`.
pub(crate) fn sort_by_keys<T, const N: usize>(
    rows: &mut Vec<T>,
    keys: Vec<SortKey<N>>,
    full: impl Fn(&T, &T) -> Ordering + Sync,
) where
    T: Send + Sync,
{
    let order = sorted_order(rows, keys, full);
    gather(rows, &order);
}

/// The indices of `rows` in the order [`sort_by_keys`] would put them, the rows left
/// where they are (for a caller that takes them out a window at a time).
pub(crate) fn sorted_order<T, const N: usize>(
    rows: &[T],
    keys: Vec<SortKey<N>>,
    full: impl Fn(&T, &T) -> Ordering + Sync,
) -> Vec<usize>
where
    T: Sync,
{
    debug_assert_eq!(keys.len(), rows.len());
    // The words alone: what is compared, and the smallest thing to move.
    let mut keyed: Vec<([u128; N], usize)> = keys.into_iter().map(|k| k.words).zip(0..).collect();
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| full(&rows[a.1], &rows[b.1])));
    keyed.into_par_iter().map(|(_, i)| i).collect()
}

/// Puts `rows[order[i]]` at `i` for every `i`, moving the rows into a new vector on
/// every core.
///
/// Safe code can move rows within one vector only by swaps along the cycles of the
/// permutation, on one core: with rows of 200 bytes in random order that walk was a
/// tenth of a second per million rows while the other core waited (BENCHMARKS.md,
/// "Serial steps"). Here each slot of the new vector is written once, in parallel, by a
/// bitwise read of the row it takes.
///
/// # Panics
///
/// When `order` is not a permutation of `0..rows.len()` (checked before any row moves:
/// it is what makes the reads below sound). [`sort_by_keys`] passes its sorted indices.
fn gather<T: Send>(rows: &mut Vec<T>, order: &[usize]) {
    let n = rows.len();
    let mut seen = vec![false; n];
    let is_permutation = order.len() == n
        && order
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true));
    assert!(
        is_permutation,
        "gather needs a permutation of the row indices"
    );
    drop(seen);
    let mut out: Vec<T> = Vec::with_capacity(n);
    let from = RowsRead(rows.as_ptr());
    out.spare_capacity_mut()
        .par_iter_mut()
        .zip(order.par_iter())
        .for_each(|(slot, &i)| {
            // SAFETY: `i < n` and `order` is a permutation (checked above), so each row of
            // `rows` is read exactly once, while `rows` is only borrowed and not
            // changed. Nothing here can panic between a read and its write.
            slot.write(unsafe { from.read(i) });
        });
    // SAFETY: every one of the `n` slots of `out` was written above. The rows now
    // belong to `out`, so `rows` forgets them (its length set to zero, it frees its
    // buffer without dropping a row twice).
    unsafe {
        out.set_len(n);
        rows.set_len(0);
    }
    *rows = out;
}

/// The rows [`gather`] reads from, shared by its threads.
struct RowsRead<T>(*const T);

// SAFETY: the threads only read distinct rows of type `T: Send`, each moved to one thread.
unsafe impl<T: Send> Sync for RowsRead<T> {}

impl<T> RowsRead<T> {
    /// # Safety
    ///
    /// `i` is in bounds and no other read of row `i` happens.
    unsafe fn read(&self, i: usize) -> T {
        // SAFETY: the caller's contract.
        unsafe { std::ptr::read(self.0.add(i)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gather_puts_each_row_where_the_order_says() {
        // Strings own heap memory: a row read twice would be freed twice (glibc aborts
        // on most double frees, Miri on every one); a row lost or misplaced fails the
        // comparison.
        let mut rows: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        gather(&mut rows, &[3, 0, 4, 1, 2]);
        assert_eq!(rows, ["d", "a", "e", "b", "c"]);
        let mut none: Vec<String> = Vec::new();
        gather(&mut none, &[]);
        assert!(none.is_empty());
    }

    #[test]
    fn gather_refuses_an_order_that_is_not_a_permutation() {
        for order in [&[0, 0, 1][..], &[0, 1, 3], &[0, 1]] {
            let mut rows: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
            let r =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| gather(&mut rows, order)));
            assert!(r.is_err(), "{order:?} accepted");
            assert_eq!(rows, ["a", "b", "c"], "no row moved");
        }
    }

    #[test]
    fn ranks_follow_str_order() {
        let values = ["INV-b", "INV-a", "INV-b", "INV-c", "INV-a"];
        let ranks = Ranks::new(values.iter().copied());
        let key = |v: &str| SortKey::<1>::new().rank(&ranks, v).words[0];
        assert_eq!(values.map(key), [1, 0, 1, 2, 0], "ranks in str order");
    }

    fn text() -> impl Strategy<Value = String> {
        // Short and long strings over a small alphabet with NUL, so that prefixes,
        // equal prefixes past 16 bytes and zero padding all occur.
        proptest::collection::vec(
            prop_oneof![Just('\0'), Just('a'), Just('b'), Just('é')],
            0..24,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #[test]
        fn a_key_is_consistent_with_the_full_order(
            a in (text(), text(), 0u64..3),
            b in (text(), text(), 0u64..3),
        ) {
            let key = |r: &(String, String, u64)| SortKey::<3>::new().str(&r.0).str(&r.1).int(r.2);
            match key(&a).cmp(&key(&b)) {
                Ordering::Equal => prop_assert!(a.0.len() > 15 || a.1.len() > 15 || a == b),
                o => prop_assert_eq!(o, a.cmp(&b)),
            }
        }

    }

    proptest! {
        // Few cases: each sorts up to 64 rows on the thread pool, slow in a debug build.
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn sort_by_keys_sorts_as_the_full_order(
            rows in proptest::collection::vec((text(), text(), 0u32..4), 0..64)
        ) {
            let ranks = Ranks::new(rows.iter().map(|r| r.0.as_str()));
            let keys = rows
                .iter()
                .map(|r| SortKey::<3>::new().rank(&ranks, &r.0).str(&r.1).int(u64::from(r.2)))
                .collect();
            let mut sorted = rows.clone();
            sort_by_keys(&mut sorted, keys, |a, b| a.cmp(b));
            let mut expected = rows;
            expected.sort();
            prop_assert_eq!(sorted, expected);
        }
    }
}
