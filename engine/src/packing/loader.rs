//! The block-building container loader: packs as much of a set of kinds as it can into
//! one fixed container.
//!
//! This is the work-horse of the heuristic modes (carton choice, locker cells, the
//! minimal-box search on large inputs, the Bischoff–Ratcliff benchmark). It follows the
//! maximal-space block-building scheme of Parreño, Alvarez-Valdes, Oliveira and Tamarit
//! (2008): the free volume is kept as the list of *maximal* empty cuboids; the space
//! closest to a container corner is filled with the best *block* — a grid `nx × ny × nz`
//! of identical units in one orientation — anchored at that corner. Blocks are why 1,000
//! identical units cost a handful of steps instead of 1,000.
//!
//! Everything is deterministic: ties break on indices, and the randomised restarts use a
//! seeded xorshift generator, never the clock.

use super::kind::{Dims, Kind};

/// One unit placed: which kind, where (minimum corner) and its oriented size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placed {
    pub kind: usize,
    pub pos: Dims,
    pub size: Dims,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Space {
    lo: Dims,
    hi: Dims,
}

impl Space {
    fn size(&self) -> Dims {
        [
            self.hi[0] - self.lo[0],
            self.hi[1] - self.lo[1],
            self.hi[2] - self.lo[2],
        ]
    }
    fn volume(&self) -> u64 {
        let s = self.size();
        u64::from(s[0]) * u64::from(s[1]) * u64::from(s[2])
    }
    fn contains(&self, o: &Space) -> bool {
        (0..3).all(|a| self.lo[a] <= o.lo[a] && o.hi[a] <= self.hi[a])
    }
    fn overlaps(&self, lo: Dims, hi: Dims) -> bool {
        (0..3).all(|a| self.lo[a] < hi[a] && lo[a] < self.hi[a])
    }
}

/// How the loader chooses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoadParams {
    /// `None`: always take the best block. `Some(seed)`: pick at random (seeded) among the
    /// best `top_k` blocks — used by restarts to explore other solutions.
    pub seed: Option<u64>,
    pub top_k: usize,
}

impl Default for LoadParams {
    fn default() -> Self {
        LoadParams {
            seed: None,
            top_k: 1,
        }
    }
}

/// A deterministic xorshift64* generator; the engine never uses OS randomness.
#[derive(Debug, Clone)]
pub(crate) struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[derive(Debug, Clone, Copy)]
struct Block {
    kind: usize,
    orient: Dims,
    n: [u32; 3],
    volume: u64,
    /// Secondary score: how snugly the block fills the space (smaller is better).
    slack: u64,
}

/// Loads units of `kinds` (counts in `remaining`, decremented as units are placed) into a
/// container of inner size `container`. Returns the placements; `work` is charged one unit
/// per candidate block evaluated, so callers can bound the effort.
pub(crate) fn load(
    container: Dims,
    kinds: &[Kind],
    remaining: &mut [u32],
    params: LoadParams,
    work: &mut u64,
) -> Vec<Placed> {
    let mut placed = Vec::new();
    let mut spaces = vec![Space {
        lo: [0, 0, 0],
        hi: container,
    }];
    let mut rng = params.seed.map(XorShift::new);
    let mut candidates: Vec<Block> = Vec::new();
    loop {
        let Some(min_side) = min_remaining_side(kinds, remaining) else {
            break;
        };
        spaces.retain(|s| s.size().iter().all(|&d| d >= min_side));
        let Some(si) = pick_space(&spaces, container) else {
            break;
        };
        let space = spaces[si];
        let size = space.size();
        candidates.clear();
        for (k, kind) in kinds.iter().enumerate() {
            let r = remaining[k];
            if r == 0 {
                continue;
            }
            for &o in &kind.orientations {
                if o[0] > size[0] || o[1] > size[1] || o[2] > size[2] {
                    continue;
                }
                let m = [size[0] / o[0], size[1] / o[1], size[2] / o[2]];
                for perm in [
                    [0, 1, 2],
                    [0, 2, 1],
                    [1, 0, 2],
                    [1, 2, 0],
                    [2, 0, 1],
                    [2, 1, 0],
                ] {
                    *work += 1;
                    let mut n = [1u32; 3];
                    let mut left = r;
                    for &a in &perm {
                        n[a] = m[a].min(left).max(1);
                        left /= n[a];
                        left = left.max(1);
                    }
                    let count = u64::from(n[0]) * u64::from(n[1]) * u64::from(n[2]);
                    if count > u64::from(r) {
                        continue;
                    }
                    let b = [n[0] * o[0], n[1] * o[1], n[2] * o[2]];
                    let slack = (0..3).map(|a| u64::from(size[a] - b[a])).sum();
                    let block = Block {
                        kind: k,
                        orient: o,
                        n,
                        volume: count * kind.volume,
                        slack,
                    };
                    if !candidates
                        .iter()
                        .any(|c| c.kind == k && c.orient == o && c.n == n)
                    {
                        candidates.push(block);
                    }
                }
            }
        }
        if candidates.is_empty() {
            spaces.swap_remove(si);
            continue;
        }
        // Best volume first, then the snuggest fit, then the earliest kind/orientation.
        candidates.sort_by(|a, b| b.volume.cmp(&a.volume).then(a.slack.cmp(&b.slack)));
        let pick = match rng.as_mut() {
            Some(rng) if params.top_k > 1 => {
                let k = params.top_k.min(candidates.len());
                (rng.next() % k as u64) as usize
            }
            _ => 0,
        };
        let block = candidates[pick];
        let bsize = [
            block.n[0] * block.orient[0],
            block.n[1] * block.orient[1],
            block.n[2] * block.orient[2],
        ];
        // Anchor the block at the corner of the space nearest the container's corner.
        let mut lo = [0u32; 3];
        for a in 0..3 {
            lo[a] = if space.lo[a] <= container[a] - space.hi[a] {
                space.lo[a]
            } else {
                space.hi[a] - bsize[a]
            };
        }
        let hi = [lo[0] + bsize[0], lo[1] + bsize[1], lo[2] + bsize[2]];
        for i in 0..block.n[0] {
            for j in 0..block.n[1] {
                for l in 0..block.n[2] {
                    placed.push(Placed {
                        kind: block.kind,
                        pos: [
                            lo[0] + i * block.orient[0],
                            lo[1] + j * block.orient[1],
                            lo[2] + l * block.orient[2],
                        ],
                        size: block.orient,
                    });
                }
            }
        }
        remaining[block.kind] -= block.n[0] * block.n[1] * block.n[2];
        split_spaces(&mut spaces, lo, hi);
    }
    placed
}

/// The smallest side of any remaining unit, or `None` when nothing remains.
fn min_remaining_side(kinds: &[Kind], remaining: &[u32]) -> Option<u32> {
    kinds
        .iter()
        .zip(remaining)
        .filter(|(_, &r)| r > 0)
        .map(|(k, _)| k.sorted[2])
        .min()
}

/// The space whose nearest container corner is closest (distance vector sorted ascending,
/// compared lexicographically), ties to the larger space, then the lower index.
fn pick_space(spaces: &[Space], c: Dims) -> Option<usize> {
    let mut best: Option<(usize, [u32; 3], u64)> = None;
    for (i, s) in spaces.iter().enumerate() {
        let mut d = [0u32; 3];
        for a in 0..3 {
            d[a] = s.lo[a].min(c[a] - s.hi[a]);
        }
        d.sort_unstable();
        let v = s.volume();
        let better = match &best {
            None => true,
            Some((_, bd, bv)) => d < *bd || (d == *bd && v > *bv),
        };
        if better {
            best = Some((i, d, v));
        }
    }
    best.map(|b| b.0)
}

/// Removes the block `[lo, hi)` from every maximal space it overlaps, keeping the
/// remaining parts maximal and dropping spaces contained in others.
fn split_spaces(spaces: &mut Vec<Space>, lo: Dims, hi: Dims) {
    let mut fresh: Vec<Space> = Vec::new();
    let mut i = 0;
    while i < spaces.len() {
        let s = spaces[i];
        if !s.overlaps(lo, hi) {
            i += 1;
            continue;
        }
        spaces.swap_remove(i);
        for a in 0..3 {
            if s.lo[a] < lo[a] {
                let mut n = s;
                n.hi[a] = lo[a];
                fresh.push(n);
            }
            if hi[a] < s.hi[a] {
                let mut n = s;
                n.lo[a] = hi[a];
                fresh.push(n);
            }
        }
    }
    // Drop fresh spaces contained in any other space (old or fresh).
    let mut keep = vec![true; fresh.len()];
    for i in 0..fresh.len() {
        if spaces.iter().any(|o| o.contains(&fresh[i])) {
            keep[i] = false;
            continue;
        }
        for j in 0..fresh.len() {
            if i != j && keep[j] && fresh[j].contains(&fresh[i]) && (fresh[j] != fresh[i] || j < i)
            {
                keep[i] = false;
                break;
            }
        }
    }
    spaces.extend(
        fresh
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(s, _)| s),
    );
}

/// Volume of a list of placements.
pub(crate) fn placed_volume(p: &[Placed]) -> u64 {
    p.iter()
        .map(|u| u64::from(u.size[0]) * u64::from(u.size[1]) * u64::from(u.size[2]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: usize, d: Dims, qty: u32) -> Kind {
        Kind::new(line, d, [true; 3], qty, 1)
    }

    #[test]
    fn identical_units_fill_an_exact_container() {
        let kinds = vec![kind(0, [10, 20, 30], 1000)];
        let mut rem = vec![1000];
        let mut work = 0;
        let p = load(
            [100, 200, 300],
            &kinds,
            &mut rem,
            LoadParams::default(),
            &mut work,
        );
        assert_eq!(p.len(), 1000);
        assert_eq!(rem[0], 0);
        assert!(work < 200, "blocks, not units: {work}");
    }

    #[test]
    fn stops_when_nothing_fits() {
        let kinds = vec![kind(0, [50, 50, 50], 3)];
        let mut rem = vec![3];
        let mut work = 0;
        let p = load(
            [60, 60, 120],
            &kinds,
            &mut rem,
            LoadParams::default(),
            &mut work,
        );
        assert_eq!(p.len(), 2);
        assert_eq!(rem[0], 1);
    }
}
