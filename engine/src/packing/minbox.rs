//! The heuristic search for the smallest bounding box, for inputs too large to prove.
//!
//! Two sources of candidate packings:
//!
//! 1. **Grids of one kind** ([`best_grid`]): `nx × ny × nz` units of one orientation,
//!    enumerated exhaustively — this is exact among grid arrangements and is what makes
//!    1,000 identical units a sub-millisecond question. Several kinds' grids stacked give
//!    the always-feasible starting solution.
//! 2. **Candidate containers**: bases `X × Y` drawn from sums of unit edges, visited in
//!    order of their volume lower bound; for each, a binary search over heights finds the
//!    lowest container the [loader](super::loader) fills completely. The search stops when
//!    no remaining base can beat the best box, or when the work budget is spent.

use super::kind::{Dims, Kind};
use super::loader::{self, LoadParams, Placed};

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

/// Tries to pack every unit into `container`; returns the placements if all fit.
pub(crate) fn fill(container: Dims, kinds: &[Kind], work: &mut u64) -> Option<Vec<Placed>> {
    let mut rem: Vec<u32> = kinds.iter().map(|k| k.qty).collect();
    let placed = loader::load(container, kinds, &mut rem, LoadParams::default(), work);
    if rem.iter().all(|&r| r == 0) {
        Some(placed)
    } else {
        None
    }
}

/// Heuristic minimal bounding box within a work budget. `lb` is the per-axis bound on the
/// sorted sides, `total` the total unit volume, `free` whether every kind may rotate freely.
pub(crate) fn search(kinds: &[Kind], lb: Dims, total: u64, free: bool, budget: u64) -> Found {
    let mut best = stacked_grids(kinds);
    let mut work = 0u64;
    let longest = best.dims.iter().copied().max().unwrap_or(1);
    let all_axes = [0usize, 1, 2];
    let horiz: &[usize] = if free { &all_axes } else { &[0, 1] };
    let hv = side_values(kinds, horiz, lb[2], longest, 40);
    let zv = if free {
        hv.clone()
    } else {
        side_values(kinds, &[2], 1, longest, 40)
    };
    // Bases ordered by their volume lower bound.
    let mut bases: Vec<(u64, u32, u32)> = Vec::new();
    for (i, &x) in hv.iter().enumerate() {
        for &y in &hv[..=i] {
            if free && (x < lb[0] || y < lb[1]) {
                continue;
            }
            let area = u64::from(x) * u64::from(y);
            let zmin = total
                .div_ceil(area)
                .max(if free { u64::from(lb[2]) } else { 1 });
            if free && zmin > u64::from(y) {
                continue;
            }
            bases.push((area * zmin, x, y));
        }
    }
    bases.sort_unstable();
    for (bound, x, y) in bases {
        if bound > best.key().0 || work > budget {
            break;
        }
        let area = u64::from(x) * u64::from(y);
        let zmax = best.key().0 / area;
        let zs: Vec<u32> = zv
            .iter()
            .copied()
            .filter(|&z| u64::from(z) * area >= total && u64::from(z) <= zmax && (!free || z <= y))
            .collect();
        // Binary search for the lowest height the loader fills.
        let (mut lo, mut hi) = (0usize, zs.len());
        let mut found: Option<Vec<Placed>> = None;
        while lo < hi && work <= budget {
            let mid = (lo + hi) / 2;
            match fill([x, y, zs[mid]], kinds, &mut work) {
                Some(p) => {
                    found = Some(p);
                    hi = mid;
                }
                None => lo = mid + 1,
            }
        }
        if let Some(p) = found {
            let dims = bbox(&p);
            if key_of(dims) < best.key() {
                best = Found { dims, placed: p };
            }
        }
    }
    best
}
