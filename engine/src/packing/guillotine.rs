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
///
/// Subsets are *multisets* — how many units of each kind — since units of one kind are
/// interchangeable: ten identical units have 11 subsets, not 1,024. Only subsets that
/// some zero-waste block fills are ever combined, so goods without shared faces cost
/// a few comparisons, not `3ⁿ`.
pub(crate) fn perfect(kinds: &[Kind], budget: u64) -> Option<Found> {
    if kinds.iter().any(|k| !k.free) {
        return None;
    }
    let units: u64 = kinds.iter().map(|k| u64::from(k.qty)).sum();
    if units == 0 || units > MAX_UNITS {
        return None;
    }
    // Mixed-radix index of a count vector: kind k counts in steps of `radix[k]`.
    let mut radix = vec![1usize; kinds.len()];
    for k in 1..kinds.len() {
        radix[k] = radix[k - 1] * (kinds[k - 1].qty as usize + 1);
    }
    let states = radix[kinds.len() - 1] * (kinds[kinds.len() - 1].qty as usize + 1);
    let full = states - 1;
    let counts = |mut i: usize| -> Vec<u32> {
        kinds
            .iter()
            .map(|k| {
                let q = k.qty as usize + 1;
                let c = (i % q) as u32;
                i /= q;
                c
            })
            .collect()
    };
    let mut shapes: Vec<Vec<Block>> = vec![Vec::new(); states];
    // Non-empty subsets by their number of units.
    let mut by_size: Vec<Vec<usize>> = vec![Vec::new(); units as usize + 1];
    for (k, kind) in kinds.iter().enumerate() {
        if kind.qty == 0 {
            continue;
        }
        shapes[radix[k]].push(Block {
            dims: kind.sorted,
            parts: vec![Placed {
                kind: k,
                pos: [0, 0, 0],
                size: kind.sorted,
            }],
        });
        by_size[1].push(radix[k]);
    }
    let mut work = 0u64;
    for size in 2..=units as usize {
        let mut made: Vec<usize> = Vec::new();
        for small in 1..=size / 2 {
            for (ai, &a) in by_size[small].iter().enumerate() {
                let ca = counts(a);
                let partners = &by_size[size - small];
                // Equal sizes: each unordered pair once.
                let from = if small == size - small { ai } else { 0 };
                for &b in &partners[from..] {
                    let cb = counts(b);
                    if ca
                        .iter()
                        .zip(&cb)
                        .zip(kinds)
                        .any(|((x, y), k)| x + y > k.qty)
                    {
                        continue;
                    }
                    let set = a + b;
                    if shapes[set].len() >= MAX_SHAPES {
                        continue;
                    }
                    let mut found = std::mem::take(&mut shapes[set]);
                    let before = found.len();
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
                    if before == 0 && !found.is_empty() {
                        made.push(set);
                    }
                    shapes[set] = found;
                }
            }
        }
        made.sort_unstable();
        by_size[size] = made;
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

/// Whether two pieces of different shapes share a whole face (two equal sides), a piece
/// being a unit or, with `stacks`, two equal units stacked. Goods cut from one box
/// almost always have such a pair: the last two pieces cut apart share their cut face,
/// and when they are equal, their stack shares a face with the block cut off beside it
/// — unless that block is itself a stack of equal pieces more than two deep, which this
/// does not look for (the heuristic and the exact search then have the instance alone).
/// A shop's basket rarely has such a pair: without one, neither [`perfect`] nor
/// [`merged_blocks`] is worth its time. Tried on every basket, the construction made a
/// ten-unit basket's packing 1.7× slower, and the stacks let merging run on a 50-unit
/// order for nothing, 1.5× slower (`BENCHMARKS.md`, "Perfect fits whose last pieces are
/// equal"), so [`merged_blocks`] is asked without them.
pub(crate) fn pieces_share_a_face(kinds: &[Kind], stacks: bool) -> bool {
    // Units per shape: kinds of one shape (the same goods on two lines) count together.
    let mut shapes: Vec<(Dims, u64)> = Vec::new();
    for k in kinds {
        match shapes.iter_mut().find(|(d, _)| *d == k.sorted) {
            Some((_, n)) => *n += u64::from(k.qty),
            None => shapes.push((k.sorted, u64::from(k.qty))),
        }
    }
    // (shape, sorted sides) of every unit shape and of every stack of two equal units.
    let mut pieces: Vec<(usize, Dims)> = Vec::new();
    for (i, &(d, n)) in shapes.iter().enumerate() {
        if n == 0 {
            continue;
        }
        pieces.push((i, d));
        if stacks && n >= 2 {
            for axis in 0..3 {
                let mut twice = d;
                twice[axis] = d[axis].saturating_mul(2);
                pieces.push((i, courier_rules::limits::sort_desc(twice)));
            }
        }
    }
    let faces = |s: Dims| [[s[0], s[1]], [s[0], s[2]], [s[1], s[2]]];
    pieces.iter().enumerate().any(|(i, &(shape, a))| {
        let fa = faces(a);
        pieces[i + 1..]
            .iter()
            .filter(|(other, _)| *other != shape)
            .any(|&(_, b)| faces(b).iter().any(|f| fa.contains(f)))
    })
}

/// Largest number of units [`merged_blocks`] takes (its pair scan is quadratic per merge).
pub(crate) const MERGE_MAX_UNITS: u64 = 400;

/// Greedy face merging, for inputs too large for [`perfect`]: while two blocks share a
/// whole face, the pair with the largest shared face is stacked into one block (ties to
/// the lowest indices). Each merge leaves no gap, so the blocks hold the units with
/// their own volume; what remains for the heuristic is fewer, larger pieces — one
/// when the goods were cut from one box and the merges found the cuts. `None` when the
/// goods do not all rotate freely, are too many, or no two units share a face.
pub(crate) fn merged_blocks(kinds: &[Kind]) -> Option<Vec<(Dims, Vec<Placed>)>> {
    if kinds.iter().any(|k| !k.free) {
        return None;
    }
    let units: u64 = kinds.iter().map(|k| u64::from(k.qty)).sum();
    if units > MERGE_MAX_UNITS {
        return None;
    }
    let mut blocks: Vec<Block> = kinds
        .iter()
        .enumerate()
        .flat_map(|(i, k)| {
            (0..k.qty).map(move |_| Block {
                dims: k.sorted,
                parts: vec![Placed {
                    kind: i,
                    pos: [0, 0, 0],
                    size: k.sorted,
                }],
            })
        })
        .collect();
    let start = blocks.len();
    loop {
        let mut best: Option<(u64, usize, usize)> = None;
        for i in 0..blocks.len() {
            for j in i + 1..blocks.len() {
                if let Some(area) = shared_face(&blocks[i], &blocks[j]) {
                    if best.is_none_or(|b| area > b.0) {
                        best = Some((area, i, j));
                    }
                }
            }
        }
        let Some((_, i, j)) = best else {
            break;
        };
        let mut out = Vec::new();
        combine(&blocks[i], &blocks[j], &mut out);
        // The largest face: `combine` lists stackings face by face; keep the one whose
        // face is the largest shared.
        let Some(m) = out.into_iter().max_by_key(|b| {
            (
                u64::from(b.dims[0]) * u64::from(b.dims[1]),
                std::cmp::Reverse(b.dims[2]),
            )
        }) else {
            break;
        };
        blocks.swap_remove(j);
        blocks[i] = m;
    }
    if blocks.len() == start {
        return None;
    }
    Some(blocks.into_iter().map(|b| (b.dims, b.parts)).collect())
}

/// The largest face area two blocks share exactly (two equal sides), if any.
fn shared_face(x: &Block, y: &Block) -> Option<u64> {
    let mut best = None;
    for a in 0..3 {
        for b in a + 1..3 {
            let f = courier_rules::limits::sort_desc([x.dims[a], x.dims[b], 0]);
            for c in 0..3 {
                for d in c + 1..3 {
                    let g = courier_rules::limits::sort_desc([y.dims[c], y.dims[d], 0]);
                    if f == g {
                        let area = u64::from(f[0]) * u64::from(f[1]);
                        if best.is_none_or(|v| area > v) {
                            best = Some(area);
                        }
                    }
                }
            }
        }
    }
    best
}

/// The units of `blocks` placed where `found` put the blocks (`found.placed[i].kind` is
/// a block index, its size the block's sides in some order).
pub(crate) fn expand(blocks: &[(Dims, Vec<Placed>)], found: &Found) -> Found {
    let mut placed = Vec::new();
    for p in &found.placed {
        let (dims, parts) = &blocks[p.kind];
        // perm[i]: the block axis lying along axis i.
        let mut perm = [0usize; 3];
        let mut used = [false; 3];
        for i in 0..3 {
            let a = (0..3)
                .find(|&a| !used[a] && dims[a] == p.size[i])
                .unwrap_or(i);
            used[a] = true;
            perm[i] = a;
        }
        let turned = Block {
            dims: *dims,
            parts: parts.clone(),
        }
        .turned(perm);
        placed.extend(turned.parts.iter().map(|q| Placed {
            kind: q.kind,
            pos: [
                q.pos[0] + p.pos[0],
                q.pos[1] + p.pos[1],
                q.pos[2] + p.pos[2],
            ],
            size: q.size,
        }));
    }
    Found {
        dims: bbox(&placed),
        placed,
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
