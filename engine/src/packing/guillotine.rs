//! Perfect guillotine boxes: can the units be stacked, two groups at a time, into a box
//! with no empty space at all?
//!
//! A box cut by guillotine cuts comes apart into two sub-boxes sharing a whole face, and
//! each of them again, down to the units. Turned around, this builds packings: for every
//! subset of the units, the boxes it fills *exactly* are the units themselves (one
//! unit), or two such boxes of complementary subsets that share a face, stacked across
//! it. Over all subsets (dynamic programming over bitmasks, `3ⁿ` subset pairs) this
//! finds every zero-waste guillotine packing's box, so a basket that is a perfect fit
//! gets its optimum as a first solution — which the exact search then only has to
//! confirm on the tie-breaks ([`super::bound::volume_tight_is_optimal`]), instead of
//! discovering it among thousands of candidate boxes.
//!
//! Only for goods that rotate freely (a block is then turned any way), and only up to
//! [`MAX_UNITS`] units. Deterministic: subsets, boxes and faces are visited in a fixed
//! order and the first box of each shape is kept.

use super::kind::{Dims, Kind};
use super::loader::Placed;
use super::minbox::{bbox, key_of, Found};

/// Largest number of units the construction takes: `3ⁿ` subset pairs (59,049 for 10).
pub(crate) const MAX_UNITS: u64 = 10;

/// Distinct box shapes kept per subset: enough for real instances (a perfect box
/// rarely has more than a few shapes per subset), and a bound on the work.
const MAX_SHAPES: usize = 32;

/// A zero-waste block: its size in its own frame and its units placed in that frame.
#[derive(Debug, Clone)]
struct Block {
    dims: Dims,
    parts: Vec<Placed>,
}

impl Block {
    /// The block turned so that its new axis `i` is its old axis `perm[i]`.
    fn turned(&self, perm: [usize; 3]) -> Block {
        let dims = [self.dims[perm[0]], self.dims[perm[1]], self.dims[perm[2]]];
        let parts = self
            .parts
            .iter()
            .map(|p| Placed {
                kind: p.kind,
                pos: [p.pos[perm[0]], p.pos[perm[1]], p.pos[perm[2]]],
                size: [p.size[perm[0]], p.size[perm[1]], p.size[perm[2]]],
            })
            .collect();
        Block { dims, parts }
    }
}

/// The axis permutations putting axis `s` last (the stacking axis), the other two first
/// in both orders.
fn stack_last(s: usize) -> [[usize; 3]; 2] {
    let (a, b) = match s {
        0 => (1, 2),
        1 => (0, 2),
        _ => (0, 1),
    };
    [[a, b, s], [b, a, s]]
}

/// The best (by [`key_of`]) zero-waste guillotine packing of all units, or `None` when
/// there is none, the goods do not all rotate freely, there are more than [`MAX_UNITS`]
/// units, or the work would exceed `budget` (one unit per pair of shapes compared).
pub(crate) fn perfect(kinds: &[Kind], budget: u64) -> Option<Found> {
    if kinds.iter().any(|k| !k.free) {
        return None;
    }
    let units: Vec<(usize, Dims)> = kinds
        .iter()
        .enumerate()
        .flat_map(|(i, k)| (0..k.qty).map(move |_| (i, k.sorted)))
        .collect();
    let n = units.len();
    if n == 0 || n as u64 > MAX_UNITS {
        return None;
    }
    let full = (1usize << n) - 1;
    let mut shapes: Vec<Vec<Block>> = vec![Vec::new(); full + 1];
    for (i, &(kind, d)) in units.iter().enumerate() {
        shapes[1 << i].push(Block {
            dims: d,
            parts: vec![Placed {
                kind,
                pos: [0, 0, 0],
                size: d,
            }],
        });
    }
    let mut work = 0u64;
    // Subsets in increasing order: both halves of a subset are smaller numbers.
    for set in 1..=full {
        if set.count_ones() < 2 {
            continue;
        }
        let low = set & set.wrapping_neg();
        let mut found: Vec<Block> = Vec::new();
        // Halves `a` containing the lowest unit, so each split is seen once.
        let mut a = (set - 1) & set;
        while a > 0 {
            let b = set & !a;
            if a & low != 0 && b != 0 {
                for x in &shapes[a] {
                    for y in &shapes[b] {
                        work += 1;
                        if work > budget {
                            return None;
                        }
                        combine(x, y, &mut found);
                        if found.len() >= MAX_SHAPES {
                            break;
                        }
                    }
                }
            }
            a = (a - 1) & set;
        }
        shapes[set] = found;
    }
    let best = shapes[full].iter().min_by_key(|b| key_of(b.dims))?.clone();
    let dims = bbox(&best.parts);
    Some(Found {
        dims,
        placed: best.parts,
    })
}

/// Adds to `out` every box made by stacking `x` and `y` across a face they share
/// exactly, unless `out` already has a box of that shape (sorted sides).
fn combine(x: &Block, y: &Block, out: &mut Vec<Block>) {
    for sx in 0..3 {
        for px in stack_last(sx) {
            let xf = [x.dims[px[0]], x.dims[px[1]]];
            for sy in 0..3 {
                for py in stack_last(sy) {
                    if [y.dims[py[0]], y.dims[py[1]]] != xf {
                        continue;
                    }
                    let total = [xf[0], xf[1], x.dims[sx] + y.dims[sy]];
                    let shape = courier_rules::limits::sort_desc(total);
                    if out
                        .iter()
                        .any(|b| courier_rules::limits::sort_desc(b.dims) == shape)
                    {
                        continue;
                    }
                    let bx = x.turned(px);
                    let by = y.turned(py);
                    let lift = bx.dims[2];
                    let mut parts = bx.parts;
                    parts.extend(by.parts.iter().map(|p| Placed {
                        kind: p.kind,
                        pos: [p.pos[0], p.pos[1], p.pos[2] + lift],
                        size: p.size,
                    }));
                    out.push(Block { dims: total, parts });
                    if out.len() >= MAX_SHAPES {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packing::{perfect_fit, Goods};

    #[test]
    fn rebuilds_the_box_a_guillotine_instance_was_cut_from() {
        for n in 2..=8 {
            for seed in 0..20 {
                let items = perfect_fit([300, 200, 150], n, seed);
                let goods = Goods::new(&items).expect("valid");
                let f = perfect(&goods.kinds, u64::MAX).expect("a perfect box exists");
                assert_eq!(key_of(f.dims).0, 300 * 200 * 150, "n {n} seed {seed}");
                assert_eq!(f.placed.len(), n);
                // No two units overlap, all inside.
                for (i, p) in f.placed.iter().enumerate() {
                    for a in 0..3 {
                        assert!(p.pos[a] + p.size[a] <= f.dims[a]);
                    }
                    for q in &f.placed[i + 1..] {
                        assert!((0..3).any(|a| p.pos[a] + p.size[a] <= q.pos[a]
                            || q.pos[a] + q.size[a] <= p.pos[a]));
                    }
                }
            }
        }
    }

    #[test]
    fn no_perfect_box_for_goods_that_leave_a_gap() {
        // 10 × 10 × 10 and 10 × 10 × 7 stack perfectly; 10 × 9 × 7 cannot share a face.
        let ok = [
            Kind::new(0, [10, 10, 10], [true; 3], 1, 1),
            Kind::new(1, [10, 10, 7], [true; 3], 1, 1),
        ];
        assert_eq!(perfect(&ok, u64::MAX).map(|f| key_of(f.dims).0), Some(1700));
        let gap = [
            Kind::new(0, [10, 10, 10], [true; 3], 1, 1),
            Kind::new(1, [10, 9, 7], [true; 3], 1, 1),
        ];
        assert!(perfect(&gap, u64::MAX).is_none());
    }
}
