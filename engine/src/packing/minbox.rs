//! The heuristic search for the smallest bounding box, for inputs too large to prove.
//!
//! Two sources of candidate packings:
//!
//! 1. **Grids of one kind** ([`best_grid`]): `nx × ny × nz` units of one orientation,
//!    enumerated exhaustively — this is exact among grid arrangements and is what makes
//!    1,000 identical units a sub-millisecond question. Several kinds' grids stacked give
//!    the always-feasible starting solution.
//! 2. **Candidate containers**: bases `X × Y` drawn from sums of unit edges, visited in
//!    order of their volume lower bound (a heap; the footprint-height part of the bound is
//!    computed when a base reaches the top). Each base gets one fill at the tallest height
//!    that could still beat the best box; only a success starts the binary search for the
//!    lowest height the [loader](super::loader) fills, from below that fill's own bounding
//!    box. A container no larger on any side than one the loader already failed is
//!    skipped. The search stops when no remaining base can beat the best box, or when the
//!    work budget is spent.

use super::kind::{Dims, Kind};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::loader::{self, LoadParams, Placed};
use super::Goods;

/// Ranking of bounding boxes: volume, then longest side, then sum of sides.
pub(crate) type Key = (u64, u32, u64);

pub(crate) fn key_of(d: Dims) -> Key {
    let mut s = d;
    s.sort_unstable_by(|a, b| b.cmp(a));
    (
        u64::from(d[0]) * u64::from(d[1]) * u64::from(d[2]),
        s[0],
        u64::from(d[0]) + u64::from(d[1]) + u64::from(d[2]),
    )
}

/// A complete packing found by a search: bounding box `dims` (axis `z` vertical) and
/// every unit placed.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub dims: Dims,
    pub placed: Vec<Placed>,
}

impl Found {
    pub fn key(&self) -> Key {
        key_of(self.dims)
    }
}

/// Bounding box of placements.
pub(crate) fn bbox(p: &[Placed]) -> Dims {
    let mut d = [0u32; 3];
    for u in p {
        for a in 0..3 {
            d[a] = d[a].max(u.pos[a] + u.size[a]);
        }
    }
    d
}

/// The smallest grid of `qty` units of one kind over all its orientations; returns the
/// orientation and counts.
pub(crate) fn best_grid(kind: &Kind, qty: u32) -> (Dims, [u32; 3]) {
    let mut best: Option<(Key, Dims, [u32; 3])> = None;
    let n = qty.max(1);
    for &o in &kind.orientations {
        let mut nx = 1;
        while nx <= n {
            let rest = n.div_ceil(nx);
            let mut ny = 1;
            while ny <= rest {
                let nz = n.div_ceil(nx * ny);
                let d = [nx * o[0], ny * o[1], nz * o[2]];
                let k = key_of(d);
                if best.as_ref().is_none_or(|b| k < b.0) {
                    best = Some((k, o, [nx, ny, nz]));
                }
                ny += 1;
            }
            nx += 1;
        }
    }
    let (_, o, n) = best.unwrap_or(((0, 0, 0), [0, 0, 0], [0, 0, 0]));
    (o, n)
}

/// The starting solution: every kind as its own best grid, grids stacked along `z`.
/// Always feasible.
pub(crate) fn stacked_grids(kinds: &[Kind]) -> Found {
    let mut placed = Vec::new();
    let mut z = 0u32;
    for (k, kind) in kinds.iter().enumerate() {
        let (o, n) = best_grid(kind, kind.qty);
        let mut left = kind.qty;
        'grid: for l in 0..n[2] {
            for j in 0..n[1] {
                for i in 0..n[0] {
                    if left == 0 {
                        break 'grid;
                    }
                    placed.push(Placed {
                        kind: k,
                        pos: [i * o[0], j * o[1], z + l * o[2]],
                        size: o,
                    });
                    left -= 1;
                }
            }
        }
        z += n[2] * o[2];
    }
    let dims = bbox(&placed);
    Found { dims, placed }
}

/// Candidate side lengths along one axis: single extents, pair sums and small multiples,
/// within `[lo, hi]`, at most `cap` values (evenly thinned, deterministic).
pub(crate) fn side_values(
    kinds: &[Kind],
    axis_choices: &[usize],
    lo: u32,
    hi: u32,
    cap: usize,
) -> Vec<u32> {
    let mut ext: Vec<(u32, u32)> = Vec::new(); // (extent, qty)
    for k in kinds {
        for o in &k.orientations {
            for &a in axis_choices {
                ext.push((o[a], k.qty));
            }
        }
    }
    ext.sort_unstable();
    ext.dedup();
    let mut v: Vec<u32> = Vec::new();
    for (i, &(e, q)) in ext.iter().enumerate() {
        for m in 1..=q.min(32) {
            v.push(e.saturating_mul(m));
        }
        for &(f, _) in &ext[i + 1..] {
            v.push(e.saturating_add(f));
        }
    }
    v.retain(|&x| x >= lo && x <= hi);
    v.sort_unstable();
    v.dedup();
    if v.len() > cap {
        // Evenly spaced indices, in integers: i × len / cap < len for i < cap.
        let len = v.len();
        let thinned: Vec<u32> = (0..cap).map(|i| v[i * len / cap]).collect();
        let last = *v.last().unwrap_or(&hi);
        v = thinned;
        if v.last() != Some(&last) {
            v.push(last);
        }
    }
    v
}

fn sorted_sides(d: Dims) -> Dims {
    courier_rules::limits::sort_desc(d)
}

/// The least height at which every kind stands on an `x × y` base in some allowed
/// orientation, or `None` when some kind cannot stand on it at all.
fn footprint_height(kinds: &[Kind], x: u32, y: u32) -> Option<u32> {
    let mut h = 0;
    for k in kinds {
        let least = k
            .orientations
            .iter()
            .filter(|o| o[0] <= x && o[1] <= y)
            .map(|o| o[2])
            .min()?;
        h = h.max(least);
    }
    Some(h)
}

/// Tries to pack every unit into `container`; returns the placements if all fit.
/// Tries to pack every unit into `container`; returns the placements if all fit.
pub(crate) fn fill(container: Dims, kinds: &[Kind], work: &mut u64) -> Option<Vec<Placed>> {
    let mut filler = Filler::new(kinds);
    filler
        .fill(container, work)
        .then(|| std::mem::take(&mut filler.scratch.placed))
}

/// Runs the loader repeatedly on the same goods, reusing its buffers.
pub(crate) struct Filler<'a> {
    kinds: &'a [Kind],
    /// The loader's visit order for these kinds, computed once.
    order: Vec<usize>,
    rem: Vec<u32>,
    /// After a successful [`Filler::fill`], `scratch.placed` holds the placements.
    pub scratch: loader::Scratch,
}

impl<'a> Filler<'a> {
    pub fn new(kinds: &'a [Kind]) -> Self {
        Filler {
            kinds,
            order: loader::visit_order(kinds, loader::is_greedy(LoadParams::default())),
            rem: Vec::with_capacity(kinds.len()),
            scratch: loader::Scratch::all_or_nothing(),
        }
    }

    /// Whether the loader packs every unit into `container`.
    pub fn fill(&mut self, container: Dims, work: &mut u64) -> bool {
        self.rem.clear();
        self.rem.extend(self.kinds.iter().map(|k| k.qty));
        loader::load_with(
            &mut self.scratch,
            &self.order,
            container,
            self.kinds,
            &mut self.rem,
            LoadParams::default(),
            work,
        );
        self.rem.iter().all(|&r| r == 0)
    }
}

/// Heuristic minimal bounding box of `goods` within a work budget, and whether it is
/// proven optimal by the bounds ([`super::proven_by_bounds`], given `proof_budget` work
/// units of its own; asked of every new best box, so the search stops as soon as one
/// is proven).
pub(crate) fn search(goods: &Goods, budget: u64, proof_budget: u64) -> (Found, bool) {
    let (kinds, lb, total, free) = (
        &goods.kinds[..],
        goods.lb.sides_mm.to_array(),
        goods.volume_mm3,
        goods.free,
    );
    let mut best = stacked_grids(kinds);
    let mut work = 0u64;
    let mut proven = super::proven_by_bounds(goods, &best, proof_budget);
    if proven {
        return (best, true);
    }
    let longest = best.dims.iter().copied().max().unwrap_or(1);
    let all_axes = [0usize, 1, 2];
    let horiz: &[usize] = if free { &all_axes } else { &[0, 1] };
    let cap = 40;
    let hv = side_values(kinds, horiz, lb[2], longest, cap);
    let zv = if free {
        hv.clone()
    } else {
        side_values(kinds, &[2], 1, longest, cap)
    };
    // Bases ordered by their volume lower bound, in a heap rather than a sorted list: a
    // budget-limited search visits few of them. The footprint height (below) tightens a
    // base's bound but costs a pass over every orientation, so it is computed only when
    // the base reaches the top of the heap, which then takes it back with the tighter
    // bound (`true` marks a bound that includes it).
    let zfloor = if free { u64::from(lb[2]) } else { 1 };
    let mut bases: Vec<Reverse<(u64, u32, u32, bool)>> = Vec::new();
    for (i, &x) in hv.iter().enumerate() {
        for &y in &hv[..=i] {
            if free && (x < lb[0] || y < lb[1]) {
                continue;
            }
            let area = u64::from(x) * u64::from(y);
            let zmin = total.div_ceil(area).max(zfloor);
            if free && zmin > u64::from(y) {
                continue;
            }
            bases.push(Reverse((area * zmin, x, y, false)));
        }
    }
    let mut bases = BinaryHeap::from(bases);
    let mut filler = Filler::new(kinds);
    let mut failed: Vec<Dims> = Vec::new();
    while let Some(Reverse((bound, x, y, tight))) = bases.pop() {
        if bound > best.key().0 || work > budget {
            break;
        }
        let area = u64::from(x) * u64::from(y);
        if !tight {
            // Every unit must stand on the base in some orientation: the lowest such
            // orientation bounds the height from below.
            let Some(foot) = footprint_height(kinds, x, y) else {
                continue;
            };
            let zmin = total.div_ceil(area).max(zfloor).max(u64::from(foot));
            if !(free && zmin > u64::from(y)) {
                bases.push(Reverse((area * zmin, x, y, true)));
            }
            continue;
        }
        // A tight bound is `area × zmin` exactly.
        let zmin = bound / area;
        let zmax = (best.key().0 / area).min(if free { u64::from(y) } else { u64::MAX });
        // Candidate heights are sorted: the admissible ones form one slice.
        let from = zv.partition_point(|&z| u64::from(z) < zmin);
        let to = zv.partition_point(|&z| u64::from(z) <= zmax);
        let zs = &zv[from..to.max(from)];
        // Most bases cannot beat the incumbent at all: one fill at the tallest admissible
        // height settles that before the binary search for the lowest height begins.
        let Some(&top) = zs.last() else {
            continue;
        };
        // The loader is nearly monotone: a container no larger on any side than one it
        // could not fill is not worth a run.
        let c = if free {
            sorted_sides([x, y, top])
        } else {
            [x, y, top]
        };
        if failed
            .iter()
            .any(|f: &Dims| c[0] <= f[0] && c[1] <= f[1] && c[2] <= f[2])
        {
            continue;
        }
        if !filler.fill([x, y, top], &mut work) {
            failed.push(c);
            continue;
        }
        // Binary search for the lowest height the loader fills. A fill rarely uses its
        // whole height: its own bounding box is a success already proven, so the search
        // goes on strictly below it.
        let mut found: Vec<Placed> = filler.scratch.placed.clone();
        let below = |placed: &[Placed]| zs.partition_point(|&z| z < bbox(placed)[2]);
        let (mut lo, mut hi) = (0usize, below(&found));
        while lo < hi && work <= budget {
            let mid = (lo + hi) / 2;
            if filler.fill([x, y, zs[mid]], &mut work) {
                found.clone_from(&filler.scratch.placed);
                hi = below(&found).min(mid);
            } else {
                lo = mid + 1;
            }
        }
        let dims = bbox(&found);
        if key_of(dims) < best.key() {
            best = Found {
                dims,
                placed: found,
            };
            proven = super::proven_by_bounds(goods, &best, proof_budget);
            if proven {
                break;
            }
        }
    }
    (best, proven)
}
