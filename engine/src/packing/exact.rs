//! Exact minimal bounding box for small inputs, by exhaustive search.
//!
//! Why exhaustive search and not a MILP: the placement MILP needs disjunctive
//! non-overlap constraints (six binaries per pair of units, big-M) plus orientation
//! binaries, whose LP relaxations are notoriously weak; a direct search needs no solver
//! dependency. Measured against the Chen–Lee–Shen MILP through `good_lp` + `microlp`
//! (`docs/milp-comparison.md`): same optima, the search 1.5×–633× faster up to 4 units.
//!
//! Candidate boxes are first put to the bounds of [`super::bound`]; only those it cannot
//! refute get the placement search.
//!
//! The search rests on two classical facts:
//!
//! * **Normal patterns** (Herz 1972; Christofides & Whitlock 1977): any packing can be
//!   pushed towards the origin, unit by unit, until every coordinate of every unit is a
//!   sum of extents of other units along that axis. So positions need only range over
//!   the subset sums of unit extents, and each side of a tight bounding box is such a sum.
//! * **Candidate boxes in key order**: the sides `a ≥ b ≥ c` of candidate boxes are
//!   drawn from those subset sums, sorted by (volume, longest side, sum of sides), and the
//!   first one a complete placement search fills is optimal.
//!
//! Symmetry is broken twice: identical units are placed in increasing position order,
//! and a unique first unit has its centre in the lower half of every axis (reflecting
//! the packing, then pushing it back to normal form, only lowers coordinates).
//! The search charges one unit of work per node and gives up when the budget is spent;
//! the caller then reports the heuristic answer with `optimal: false`.

use super::bound;
use super::kind::{Dims, Kind};
use super::loader::Placed;
use super::minbox::{key_of, Found, Key};

struct Unit {
    kind: usize,
    orientations: Vec<Dims>,
}

/// Outcome of the exact search.
pub(crate) enum Exact {
    /// Proven optimal (possibly the incumbent itself).
    Optimal(Found),
    /// The budget ran out before a proof.
    Unproven,
}

/// Every unit, largest kinds first (a failing search fails sooner on big units), units
/// of a kind consecutive (for the symmetry rule).
fn units_of(kinds: &[Kind]) -> Vec<Unit> {
    let mut order: Vec<usize> = (0..kinds.len()).collect();
    order.sort_by(|&a, &b| kinds[b].volume.cmp(&kinds[a].volume).then(a.cmp(&b)));
    order
        .into_iter()
        .flat_map(|k| (0..kinds[k].qty).map(move |_| k))
        .map(|k| Unit {
            kind: k,
            orientations: kinds[k].orientations.clone(),
        })
        .collect()
}

/// Subset sums of the units' extents along `axes` (each unit contributes nothing or one
/// of its allowed extents along one of those axes), capped at `max`.
fn subset_sums(units: &[Unit], axes: &[usize], max: u32) -> Vec<u32> {
    let mut sums = vec![0u32];
    for u in units {
        let mut ext: Vec<u32> = u
            .orientations
            .iter()
            .flat_map(|o| axes.iter().map(move |&a| o[a]))
            .collect();
        ext.sort_unstable();
        ext.dedup();
        let mut next = sums.clone();
        for &s in &sums {
            for &e in &ext {
                let v = s.saturating_add(e);
                if v <= max {
                    next.push(v);
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        sums = next;
    }
    sums
}

/// Searches for the optimal box. `incumbent` is the best known packing (from the
/// heuristic); `lb` the per-axis bound on sorted sides; `free` whether all kinds rotate
/// freely (then the container may be taken with sorted sides).
pub(crate) fn search(
    kinds: &[Kind],
    incumbent: &Found,
    lb: Dims,
    total: u64,
    free: bool,
    budget: u64,
) -> Exact {
    let units = units_of(kinds);
    let best = incumbent.key();
    let max_side = incumbent.dims.iter().copied().max().unwrap_or(0).max(
        u32::try_from(best.0 / (u64::from(lb[1].max(1)) * u64::from(lb[2].max(1))))
            .unwrap_or(u32::MAX),
    );
    let h_axes: &[usize] = if free { &[0, 1, 2] } else { &[0, 1] };
    let hs = subset_sums(&units, h_axes, max_side);
    let vs = if free {
        hs.clone()
    } else {
        subset_sums(&units, &[2], max_side)
    };

    // Candidate containers strictly better than the incumbent, in key order.
    let mut cands: Vec<(Key, Dims)> = Vec::new();
    let mut work = 0u64;
    for &z in vs.iter().filter(|&&z| z > 0) {
        if free && z < lb[2] {
            continue;
        }
        // Sides grow along each list: once the smallest box a side allows (x ≥ y ≥ z
        // with free goods, x ≥ y otherwise) is larger than the incumbent, the rest are.
        let z64 = u64::from(z);
        if free && z64.saturating_mul(z64).saturating_mul(z64) > best.0 {
            break;
        }
        for &y in hs.iter().filter(|&&y| y > 0) {
            let y64 = u64::from(y);
            if y64.saturating_mul(y64).saturating_mul(z64) > best.0 {
                break;
            }
            if free && (y < z || y < lb[1]) {
                continue;
            }
            // No candidate below the units' volume: start the row where `x·y·z` reaches
            // it (for a volume-tight incumbent the row is then a single value).
            let area = u64::from(y) * u64::from(z);
            let least = total.div_ceil(area).max(u64::from(y));
            let least = if free {
                least.max(u64::from(lb[0]))
            } else {
                least
            };
            let from = hs.partition_point(|&x| u64::from(x) < least);
            for &x in &hs[from..] {
                work += 1;
                if work > budget {
                    return Exact::Unproven;
                }
                let d = [x, y, z];
                let k = key_of(d);
                if k.0 > best.0 {
                    break; // x grows: volume only grows.
                }
                if k.0 < total || k >= best {
                    continue;
                }
                if !free && !fits_each(&units, d) {
                    continue;
                }
                cands.push((k, d));
            }
        }
    }
    cands.sort_unstable();
    let positions = [&hs, &hs, &vs];
    let (px, py, pz) = if free {
        (&hs, &hs, &hs)
    } else {
        (positions[0], positions[1], positions[2])
    };
    for (k, d) in cands {
        // Most candidates are too small for a reason a bound can see; only the others
        // need the placement search. A bound costs about as much as a few dozen nodes
        // (up to 48 thresholds over every kind's orientations): it is charged so, or a
        // budget in nodes would not bound the time.
        work += refute_work(kinds);
        if work > budget {
            return Exact::Unproven;
        }
        if bound::refutes(kinds, d) {
            continue;
        }
        let mut placed: Vec<Placed> = Vec::with_capacity(units.len());
        // A candidate exactly as large as the units must be filled without a gap: the
        // perfect-packing search, which only ever fills the first empty corner, is far
        // narrower than trying every position.
        let perfect = k.0 == total;
        let outcome = if perfect {
            let mut left: Vec<u32> = kinds.iter().map(|k| k.qty).collect();
            place_perfect(kinds, &mut left, d, &mut placed, &mut work, budget)
        } else {
            place(0, &units, d, [px, py, pz], &mut placed, &mut work, budget)
        };
        match outcome {
            Some(true) => {
                let dims = super::minbox::bbox(&placed);
                return Exact::Optimal(Found { dims, placed });
            }
            Some(false) => {}
            None => return Exact::Unproven,
        }
    }
    Exact::Optimal(incumbent.clone())
}

/// Fills container `c` *exactly* (the units' volume equals the container's) with the
/// units left (`left[kind]`), depth first. Why it is complete: in a packing without
/// gaps, the empty point that comes first in (z, y, x) order is the minimum corner of
/// the unit that will cover it (any other point of that unit would have a smaller,
/// still empty corner), so trying every remaining kind and orientation *there* misses
/// no packing. That point has every coordinate 0 or the end of a placed unit along that
/// axis. One work unit per unit tried; `None` when `budget` is spent.
fn place_perfect(
    kinds: &[Kind],
    left: &mut [u32],
    c: Dims,
    placed: &mut Vec<Placed>,
    work: &mut u64,
    budget: u64,
) -> Option<bool> {
    let mut checked = 0u64;
    let corner = first_empty_corner(placed, c, &mut checked);
    // Each point checked walks the units placed: about 8 of those per work unit.
    *work += checked * placed.len() as u64 / 8;
    let Some(p) = corner else {
        return Some(left.iter().all(|&n| n == 0));
    };
    // The run of empty points from `p` along x, up to the first unit in the way or the
    // wall, is covered only by units whose minimum corner lies on it (any other unit
    // would leave an earlier point empty): its length must be a sum of x-extents of
    // distinct remaining units.
    let run = placed
        .iter()
        .filter(|q| {
            q.pos[0] > p[0]
                && q.pos[1] <= p[1]
                && p[1] < q.pos[1] + q.size[1]
                && q.pos[2] <= p[2]
                && p[2] < q.pos[2] + q.size[2]
        })
        .map(|q| q.pos[0])
        .min()
        .unwrap_or(c[0])
        - p[0];
    if !run_is_a_sum(kinds, left, run, work) {
        return Some(false);
    }
    // Largest kinds first: a big unit that fits nowhere ends a branch soonest.
    let mut order: Vec<usize> = (0..kinds.len()).filter(|&k| left[k] > 0).collect();
    order.sort_by(|&a, &b| kinds[b].volume.cmp(&kinds[a].volume).then(a.cmp(&b)));
    for k in order {
        for &o in &kinds[k].orientations {
            *work += 1 + placed.len() as u64 / 4;
            if *work > budget {
                return None;
            }
            if (0..3).any(|a| p[a] + o[a] > c[a]) {
                continue;
            }
            let hi = [p[0] + o[0], p[1] + o[1], p[2] + o[2]];
            if placed
                .iter()
                .any(|q| (0..3).all(|a| q.pos[a] < hi[a] && p[a] < q.pos[a] + q.size[a]))
            {
                continue;
            }
            placed.push(Placed {
                kind: k,
                pos: p,
                size: o,
            });
            left[k] -= 1;
            match place_perfect(kinds, left, c, placed, work, budget) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => return None,
            }
            left[k] += 1;
            placed.pop();
        }
    }
    Some(false)
}

/// Whether `run` is a sum of x-extents of distinct units among those left (each unit
/// contributing one of its allowed x-extents, or nothing): a bitset of reachable sums,
/// shifted and or-ed once per unit and extent. Adds its cost to `work` (one unit per
/// 8 words touched).
fn run_is_a_sum(kinds: &[Kind], left: &[u32], run: u32, work: &mut u64) -> bool {
    let words = run as usize / 64 + 1;
    let mut reach = vec![0u64; words];
    reach[0] = 1;
    let target = |r: &[u64]| r[run as usize / 64] >> (run % 64) & 1 == 1;
    let mut next = vec![0u64; words];
    for (k, kind) in kinds.iter().enumerate() {
        let mut ext: Vec<usize> = kind.orientations.iter().map(|o| o[0] as usize).collect();
        ext.sort_unstable();
        ext.dedup();
        for _ in 0..left[k] {
            next.copy_from_slice(&reach);
            for &e in &ext {
                let (ws, bs) = (e / 64, e % 64);
                for i in (ws..words).rev() {
                    let lo = reach[i - ws] << bs;
                    let hi = if bs > 0 && i > ws {
                        reach[i - ws - 1] >> (64 - bs)
                    } else {
                        0
                    };
                    next[i] |= lo | hi;
                }
            }
            *work += (ext.len() * words) as u64 / 8 + 1;
            std::mem::swap(&mut reach, &mut next);
            if target(&reach) {
                return true;
            }
        }
    }
    target(&reach)
}

/// The first point of `c`, in (z, y, x) order, that no placed unit covers; `None` when
/// the container is full. `checked` counts the points tried.
fn first_empty_corner(placed: &[Placed], c: Dims, checked: &mut u64) -> Option<Dims> {
    let mut coords: [Vec<u32>; 3] = [vec![0], vec![0], vec![0]];
    for q in placed {
        for a in 0..3 {
            let end = q.pos[a] + q.size[a];
            if end < c[a] {
                coords[a].push(end);
            }
        }
    }
    for v in &mut coords {
        v.sort_unstable();
        v.dedup();
    }
    for &z in &coords[2] {
        for &y in &coords[1] {
            for &x in &coords[0] {
                *checked += 1;
                let covered = placed.iter().any(|q| {
                    q.pos[0] <= x
                        && x < q.pos[0] + q.size[0]
                        && q.pos[1] <= y
                        && y < q.pos[1] + q.size[1]
                        && q.pos[2] <= z
                        && z < q.pos[2] + q.size[2]
                });
                if !covered {
                    return Some([x, y, z]);
                }
            }
        }
    }
    None
}

/// Work units charged for one [`bound::refutes`] call (one unit is one search node).
fn refute_work(kinds: &[Kind]) -> u64 {
    16 + 8 * kinds.len() as u64
}

/// Every unit fits the container in some allowed orientation.
fn fits_each(units: &[Unit], d: Dims) -> bool {
    units.iter().all(|u| {
        u.orientations
            .iter()
            .any(|o| o[0] <= d[0] && o[1] <= d[1] && o[2] <= d[2])
    })
}

/// Depth-first placement of unit `i` onwards. `Some(true)`: all placed; `Some(false)`:
/// proven impossible; `None`: budget spent.
fn place(
    i: usize,
    units: &[Unit],
    c: Dims,
    pos: [&Vec<u32>; 3],
    placed: &mut Vec<Placed>,
    work: &mut u64,
    budget: u64,
) -> Option<bool> {
    if i == units.len() {
        return Some(true);
    }
    let u = &units[i];
    let same_as_prev = i > 0 && units[i - 1].kind == u.kind;
    let unique_first = i == 0 && units.get(1).is_none_or(|n| n.kind != u.kind);
    let prev = if same_as_prev {
        placed.last().map(|p| (p.pos[2], p.pos[1], p.pos[0]))
    } else {
        None
    };
    for &o in &u.orientations {
        if o[0] > c[0] || o[1] > c[1] || o[2] > c[2] {
            continue;
        }
        for &z in pos[2].iter().take_while(|&&z| z + o[2] <= c[2]) {
            if unique_first && 2 * z + o[2] > c[2] {
                break;
            }
            for &y in pos[1].iter().take_while(|&&y| y + o[1] <= c[1]) {
                if unique_first && 2 * y + o[1] > c[1] {
                    break;
                }
                for &x in pos[0].iter().take_while(|&&x| x + o[0] <= c[0]) {
                    if unique_first && 2 * x + o[0] > c[0] {
                        break;
                    }
                    if let Some(p) = prev {
                        if (z, y, x) <= p {
                            continue;
                        }
                    }
                    *work += 1;
                    if *work > budget {
                        return None;
                    }
                    let lo = [x, y, z];
                    let hi = [x + o[0], y + o[1], z + o[2]];
                    let clash = placed
                        .iter()
                        .any(|q| (0..3).all(|a| q.pos[a] < hi[a] && lo[a] < q.pos[a] + q.size[a]));
                    if clash {
                        continue;
                    }
                    placed.push(Placed {
                        kind: u.kind,
                        pos: lo,
                        size: o,
                    });
                    match place(i + 1, units, c, pos, placed, work, budget) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => return None,
                    }
                    placed.pop();
                }
            }
        }
    }
    Some(false)
}

/// Exact feasibility of packing every unit into a fixed container `c` (axis `z`
/// vertical). `Some(Some(p))`: packed; `Some(None)`: proven impossible; `None`: budget
/// spent. The nodes searched are added to `spent`.
pub(crate) fn feasible(
    kinds: &[Kind],
    c: Dims,
    budget: u64,
    spent: &mut u64,
) -> Option<Option<Vec<Placed>>> {
    let units = units_of(kinds);
    if !fits_each(&units, c) || bound::refutes(kinds, c) {
        return Some(None);
    }
    let max = c.iter().copied().max().unwrap_or(0);
    let px = subset_sums(&units, &[0, 1, 2], max);
    let free = kinds.iter().all(is_free);
    let pz = if free {
        px.clone()
    } else {
        subset_sums(&units, &[2], max)
    };
    let mut placed = Vec::with_capacity(units.len());
    let mut work = 0u64;
    let outcome = place(
        0,
        &units,
        c,
        [&px, &px, &pz],
        &mut placed,
        &mut work,
        budget,
    );
    *spent = spent.saturating_add(work);
    match outcome {
        Some(true) => Some(Some(placed)),
        Some(false) => Some(None),
        None => None,
    }
}

/// A kind whose orientations include every edge standing vertical.
fn is_free(k: &Kind) -> bool {
    k.sorted
        .iter()
        .all(|&e| k.orientations.iter().any(|o| o[2] == e))
}
