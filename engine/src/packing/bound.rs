//! Cheap proofs that goods do **not** fit a container.
//!
//! Both searches spend almost all their time on containers that turn out too small: the
//! heuristic runs the loader on them, the exact search explores placements. A container
//! that a bound refutes costs neither. Two bounds, both valid with rotations:
//!
//! * **Every unit fits on its own** in some allowed orientation.
//! * **Dual-feasible functions** (Fekete & Schepers, 2004): for a container side `C` and a
//!   threshold `0 ≤ e ≤ C/2`, the map `u(w) = C` if `w > C − e`, `w` if `e ≤ w ≤ C − e`,
//!   `0` if `w < e` turns any feasible packing into one whose total (transformed) volume
//!   still fits `C_x·C_y·C_z`: a unit longer than `C − e` along an axis can share that
//!   axis only with units shorter than `e`, which vanish. With rotations, each unit is
//!   charged the *smallest* transformed volume over its orientations, which can only
//!   under-estimate what any packing uses. Threshold `0` on every axis is the plain
//!   volume bound; thresholds drawn from the units' own extents catch the typical
//!   "two long things side by side" failures the volume bound misses.
//!
//! Everything is integer arithmetic (u128 sums), deterministic, and allocation-light.

use super::kind::{Dims, Kind};

/// At most this many threshold triples are tried per container; single-axis thresholds
/// come first, so the cap only trims the rarer combined ones.
const MAX_COMBOS: usize = 48;

/// The conservative-scale DFF `u^(e)` on a side of length `c`.
#[inline]
fn dff(w: u32, c: u32, e: u32) -> u64 {
    if w > c - e {
        u64::from(c)
    } else if w >= e {
        u64::from(w)
    } else {
        0
    }
}

/// Whether the bounds prove that all units of `kinds` cannot be packed into container
/// `c` (axis `z` vertical, orientations as each kind allows). `false` means "not refuted",
/// never "fits".
pub(crate) fn refutes(kinds: &[Kind], c: Dims) -> bool {
    // Every unit fits alone; collect each axis's thresholds on the way.
    let mut thresholds: [Vec<u32>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for k in kinds {
        if k.qty == 0 {
            continue;
        }
        let mut fits = false;
        for o in &k.orientations {
            if o[0] <= c[0] && o[1] <= c[1] && o[2] <= c[2] {
                fits = true;
                for a in 0..3 {
                    // `e = w` lets units shorter than `w` vanish; `e = C − w + 1` makes a
                    // unit longer than half the side fill it. Thresholds stay ≤ C/2.
                    let t = if o[a] <= c[a] / 2 {
                        o[a]
                    } else {
                        c[a] - o[a] + 1
                    };
                    if t > 0 && t <= c[a] / 2 {
                        thresholds[a].push(t);
                    }
                }
            }
        }
        if !fits {
            return true;
        }
    }
    let capacity = u128::from(c[0]) * u128::from(c[1]) * u128::from(c[2]);
    for t in &mut thresholds {
        t.sort_unstable();
        t.dedup();
    }
    // Plain volume, then single-axis thresholds, then pairs, then triples, up to the cap.
    let mut combos: Vec<Dims> = vec![[0, 0, 0]];
    'singles: for a in 0..3 {
        for &t in &thresholds[a] {
            if combos.len() >= MAX_COMBOS {
                break 'singles;
            }
            let mut e = [0u32; 3];
            e[a] = t;
            combos.push(e);
        }
    }
    'pairs: for (a, b) in [(0usize, 1usize), (0, 2), (1, 2)] {
        for &ta in &thresholds[a] {
            for &tb in &thresholds[b] {
                if combos.len() >= MAX_COMBOS {
                    break 'pairs;
                }
                let mut e = [0u32; 3];
                e[a] = ta;
                e[b] = tb;
                combos.push(e);
            }
        }
    }
    'triples: for &tx in &thresholds[0] {
        for &ty in &thresholds[1] {
            for &tz in &thresholds[2] {
                if combos.len() >= MAX_COMBOS {
                    break 'triples;
                }
                combos.push([tx, ty, tz]);
            }
        }
    }
    combos
        .into_iter()
        .any(|e| transformed_volume(kinds, c, e) > capacity)
}

/// Largest box side for which [`volume_tight_is_optimal`] builds its table of reachable
/// sides (one byte each): beyond it the proof is not attempted.
const MAX_TIE_SIDE: u32 = 1 << 20;

/// Whether a packing whose box `found` has exactly the smallest possible volume `volume`
/// (the lower bound) is also unbeatable on the tie-breaks — no box of the same volume
/// with a smaller longest side, or the same longest side and a smaller sum of sides,
/// holds the goods. `Some(true)`: proven; `Some(false)`: some such box survives the
/// bounds; `None`: the table or the enumeration would exceed `budget` work units.
///
/// Why it is sound: a minimal box is *tight* — pushed to normal form (see `exact.rs`),
/// each side is a sum of unit extents — so only sides that such sums reach are
/// candidates, and a candidate must multiply to `volume` exactly (less is below the
/// bound, more loses on volume). Every candidate is put to [`refutes`] in each way it
/// could stand. A cube of volume `volume` passes at once: no box of that volume has a
/// shorter longest side (`a ≥ ∛V`) nor, at equal longest side, a smaller sum.
pub(crate) fn volume_tight_is_optimal(
    kinds: &[Kind],
    found: Dims,
    volume: u64,
    lb: Dims,
    free: bool,
    budget: u64,
) -> Option<bool> {
    let key = super::minbox::key_of(found);
    if key.0 != volume {
        return Some(false);
    }
    let longest = key.1;
    if longest > MAX_TIE_SIDE {
        return None;
    }
    // Sides reachable as sums of extents (unbounded multiplicity: a superset of the
    // real sums, so no candidate is missed), up to the longest side.
    let mut ext: Vec<u32> = kinds
        .iter()
        .filter(|k| k.qty > 0)
        .flat_map(|k| k.orientations.iter().flatten().copied())
        .collect();
    ext.sort_unstable();
    ext.dedup();
    let size = longest as usize + 1;
    let mut work = (ext.len() as u64).saturating_mul(size as u64);
    if work > budget {
        return None;
    }
    let mut reach = vec![false; size];
    reach[0] = true;
    for &e in &ext {
        let e = e as usize;
        for s in e..size {
            if reach[s - e] {
                reach[s] = true;
            }
        }
    }
    // Every side of such a box divides its volume.
    let sides: Vec<u64> = (1..size)
        .filter(|&s| reach[s])
        .map(|s| s as u64)
        .filter(|&s| volume.is_multiple_of(s))
        .collect();
    work += size as u64 / 8;
    // Sorted candidate sides a ≥ b ≥ c with a·b·c = volume and a key below `found`.
    for (ci, &c) in sides.iter().enumerate() {
        if c < u64::from(lb[2]) {
            continue;
        }
        if c.saturating_mul(c).saturating_mul(c) > volume {
            break;
        }
        for &b in &sides[ci..] {
            if b < u64::from(lb[1]) {
                continue;
            }
            if c.saturating_mul(b).saturating_mul(b) > volume {
                break;
            }
            work += 1;
            if work > budget {
                return None;
            }
            if !volume.is_multiple_of(c * b) {
                continue;
            }
            let a = volume / (c * b);
            if a < b || a < u64::from(lb[0]) || a > u64::from(longest) || !reach[a as usize] {
                continue;
            }
            // a ≤ longest ≤ MAX_TIE_SIDE: the casts are exact.
            let d = [a as u32, b as u32, c as u32];
            if super::minbox::key_of(d) >= key {
                continue;
            }
            let turns = super::carton::container_turns(d, true);
            work += turns.len() as u64 * 8;
            // Goods that rotate freely fit a box in every turn or in none.
            let survives = if free {
                !refutes(kinds, d)
            } else {
                turns.iter().any(|(t, _)| !refutes(kinds, *t))
            };
            if survives {
                return Some(false);
            }
        }
    }
    Some(true)
}

/// Sum over units of the smallest transformed volume among the orientations that fit.
fn transformed_volume(kinds: &[Kind], c: Dims, e: Dims) -> u128 {
    let mut sum = 0u128;
    for k in kinds {
        if k.qty == 0 {
            continue;
        }
        let mut least = u64::MAX;
        for o in &k.orientations {
            if o[0] > c[0] || o[1] > c[1] || o[2] > c[2] {
                continue;
            }
            let v = dff(o[0], c[0], e[0])
                .saturating_mul(dff(o[1], c[1], e[1]))
                .saturating_mul(dff(o[2], c[2], e[2]));
            least = least.min(v);
        }
        if least == u64::MAX {
            // Fits nowhere: the caller has already refuted such containers.
            least = 0;
        }
        sum += u128::from(least) * u128::from(k.qty);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(line: usize, d: Dims, qty: u32) -> Kind {
        Kind::new(line, d, [true; 3], qty, 1)
    }

    #[test]
    fn a_unit_too_long_for_the_container_is_refuted() {
        assert!(refutes(&[free(0, [300, 10, 10], 1)], [299, 299, 299]));
    }

    #[test]
    fn volume_bound_is_the_zero_threshold() {
        // 8 cubes of 10 need 8,000 mm³; 7,999 is too little whatever the shape.
        assert!(refutes(&[free(0, [10, 10, 10], 8)], [20, 20, 19]));
        assert!(!refutes(&[free(0, [10, 10, 10], 8)], [20, 20, 20]));
    }

    #[test]
    fn two_long_units_that_cannot_share_a_side_are_refuted_beyond_volume() {
        // Two 60×60×60 cubes in 100×100×100: volume 432,000 ≤ 1,000,000, yet any two
        // overlap on every axis (60 + 60 > 100). Threshold 41 on two axes makes each cube
        // 100 × 100 × 60: 2 × 600,000 > 10⁶.
        let kinds = [free(0, [60, 60, 60], 2)];
        assert!(refutes(&kinds, [100, 100, 100]));
        assert!(!refutes(&kinds, [120, 60, 60]));
    }

    #[test]
    fn never_refutes_what_a_grid_packs() {
        // Grids of identical units are feasible by construction.
        for (d, n, c) in [
            ([30, 20, 10], 6, [60, 60, 10]),
            ([7, 5, 3], 24, [14, 15, 12]),
            ([50, 40, 1], 3, [50, 40, 3]),
        ] {
            assert!(!refutes(&[free(0, d, n)], c), "{d:?} × {n} in {c:?}");
        }
    }

    #[test]
    fn upright_units_are_charged_only_their_allowed_orientations() {
        // A 100-tall upright unit cannot lie down in a 50-high container.
        let k = Kind::new(0, [20, 20, 100], [false, false, true], 1, 1);
        assert!(refutes(&[k], [200, 200, 50]));
    }

    use crate::packing::loader::{load, LoadParams};
    use proptest::prelude::*;

    /// The perfect-fit instance of `n` pieces cut from `d`, as kinds.
    fn pieces(d: Dims, n: usize, seed: u64) -> Vec<Kind> {
        let items = crate::packing::perfect_fit(d, n, seed);
        crate::packing::Goods::new(&items)
            .map(|g| g.kinds)
            .unwrap_or_default()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Soundness: the box a guillotine instance was cut from is never refuted.
        #[test]
        fn never_refutes_the_box_the_pieces_came_from(
            d in (2u32..400, 2u32..400, 2u32..400),
            n in 2usize..9,
            seed in any::<u64>(),
        ) {
            let d = [d.0, d.1, d.2];
            let kinds = pieces(d, n, seed);
            // Any turn of the container holds them too.
            for c in [d, [d[1], d[2], d[0]], [d[2], d[0], d[1]], [d[0], d[2], d[1]]] {
                prop_assert!(!refutes(&kinds, c), "{kinds:?} in {c:?}");
            }
        }

        /// Soundness: whatever the loader manages to pack completely is never refuted.
        #[test]
        fn never_refutes_what_the_loader_packs(
            lines in prop::collection::vec((1u32..80, 1u32..80, 1u32..80, 1u32..4, any::<bool>()), 1..6),
            c in (20u32..200, 20u32..200, 20u32..200),
        ) {
            let kinds: Vec<Kind> = lines
                .iter()
                .enumerate()
                .map(|(i, &(l, w, h, q, up))| {
                    Kind::new(i, [l, w, h], if up { [false, false, true] } else { [true; 3] }, q, 1)
                })
                .collect();
            let c = [c.0, c.1, c.2];
            let mut rem: Vec<u32> = kinds.iter().map(|k| k.qty).collect();
            let mut work = 0;
            load(c, &kinds, &mut rem, LoadParams::default(), &mut work);
            if rem.iter().all(|&r| r == 0) {
                prop_assert!(!refutes(&kinds, c));
            }
        }
    }
}
