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
    /// Branch-free on purpose: it is the loader's innermost test (every new space against
    /// every other), and its outcome is too irregular for the branch predictor.
    #[inline]
    fn contains(&self, o: &Space) -> bool {
        (self.lo[0] <= o.lo[0])
            & (self.lo[1] <= o.lo[1])
            & (self.lo[2] <= o.lo[2])
            & (o.hi[0] <= self.hi[0])
            & (o.hi[1] <= self.hi[1])
            & (o.hi[2] <= self.hi[2])
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

/// Axis orders in which a block's grid is grown (first axis takes as many units as fit).
const AXIS_ORDERS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
];

/// The two orders that differ when only axes (x, y), (x, z) or (y, z) take several units.
const PAIR_ORDERS: [[[usize; 3]; 2]; 3] = [
    [[0, 1, 2], [1, 0, 2]],
    [[0, 2, 1], [2, 0, 1]],
    [[1, 2, 0], [2, 1, 0]],
];

/// Whether block `a` ranks strictly before block `b`: more volume, then less slack, then
/// the lower kind index (within a kind, the earlier orientation: it is generated first).
fn better(a: &Block, b: &Block) -> bool {
    a.volume > b.volume
        || (a.volume == b.volume && (a.slack < b.slack || (a.slack == b.slack && a.kind < b.kind)))
}

/// How many units of extent `unit` fit along `side`, capped at `cap` (more never matter:
/// a block holds at most the units left). Small caps count by multiplication instead of
/// dividing: a division costs more than the few comparisons it replaces.
#[inline]
fn fit_count(side: u32, unit: u32, cap: u32) -> u32 {
    if cap <= 8 {
        let mut n = 1;
        while n < cap && u64::from(n + 1) * u64::from(unit) <= u64::from(side) {
            n += 1;
        }
        n
    } else {
        (side / unit).min(cap)
    }
}

/// How snugly a block of size `b` fills a space of size `size`: the room it leaves,
/// summed over the axes (smaller is better).
#[inline]
fn slack_of(size: Dims, b: Dims) -> u64 {
    u64::from(size[0] - b[0]) + u64::from(size[1] - b[1]) + u64::from(size[2] - b[2])
}

/// Adds a candidate block. The greedy rule keeps only the best one (first wins ties);
/// the randomised rule keeps all of them, to pick among the best few later.
#[inline]
fn offer(candidates: &mut Vec<Block>, greedy: bool, block: Block) {
    if !greedy {
        candidates.push(block);
        return;
    }
    match candidates.first() {
        Some(c) if !better(&block, c) => {}
        _ => {
            candidates.clear();
            candidates.push(block);
        }
    }
}

/// Buffers the loader reuses between calls: a search that runs the loader hundreds of
/// times on the same goods would otherwise spend a fifth of its time in the allocator.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The placements of the last [`load_with`] call.
    pub placed: Vec<Placed>,
    spaces: Vec<Space>,
    fresh: Vec<Space>,
    keep: Vec<bool>,
    candidates: Vec<Block>,
    /// Stop as soon as some unit can no longer be placed (the caller only wants to know
    /// whether *all* units fit): the load is then incomplete but cheap.
    pub all_or_nothing: bool,
    /// Kinds and free spaces walked, summed over the steps of every call: the part of
    /// a load's cost that `work` (orientations tried) does not see, which dominates when
    /// hundreds of kinds are offered and most no longer fit (see [`load_scanned`]).
    pub scanned: u64,
}

impl Scratch {
    /// Buffers for a caller that only wants to know whether every unit fits.
    pub fn all_or_nothing() -> Self {
        Scratch {
            all_or_nothing: true,
            ..Scratch::default()
        }
    }
}

/// The order in which the loader visits kinds: largest unit first for the greedy rule,
/// so that it can skip every kind whose whole remainder is smaller than the best block so
/// far; generation (index) order for the randomised rule, whose candidate list keeps
/// generation order among equals. Ties of the greedy rule go to the lowest kind index
/// (see `better`), so this order changes the time, never the answer.
pub(crate) fn visit_order(kinds: &[Kind], greedy: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..kinds.len()).collect();
    if greedy {
        order.sort_by(|&a, &b| kinds[b].volume.cmp(&kinds[a].volume).then(a.cmp(&b)));
    }
    order
}

/// Whether `params` choose greedily (always the best block).
pub(crate) fn is_greedy(params: LoadParams) -> bool {
    params.seed.is_none() || params.top_k <= 1
}

/// Loads units of `kinds` (counts in `remaining`, decremented as units are placed) into a
/// container of inner size `container`. Returns the placements; `work` is charged one unit
/// per orientation of a kind evaluated for a space, so callers can bound the effort.
pub(crate) fn load(
    container: Dims,
    kinds: &[Kind],
    remaining: &mut [u32],
    params: LoadParams,
    work: &mut u64,
) -> Vec<Placed> {
    load_scanned(container, kinds, remaining, params, work).0
}

/// [`load`], also returning how many kinds and free spaces its steps walked
/// ([`Scratch::scanned`]).
pub(crate) fn load_scanned(
    container: Dims,
    kinds: &[Kind],
    remaining: &mut [u32],
    params: LoadParams,
    work: &mut u64,
) -> (Vec<Placed>, u64) {
    let mut scratch = Scratch::default();
    let order = visit_order(kinds, is_greedy(params));
    load_with(
        &mut scratch,
        &order,
        container,
        kinds,
        remaining,
        params,
        work,
    );
    (scratch.placed, scratch.scanned)
}

/// [`load`] into reusable buffers (the placements are left in `scratch.placed`), with the
/// kinds' [`visit_order`] computed once by the caller that loads the same goods repeatedly.
pub(crate) fn load_with(
    scratch: &mut Scratch,
    order: &[usize],
    container: Dims,
    kinds: &[Kind],
    remaining: &mut [u32],
    params: LoadParams,
    work: &mut u64,
) {
    debug_assert_eq!(order.len(), kinds.len(), "visit order of other goods");
    let Scratch {
        placed,
        spaces,
        fresh,
        keep,
        candidates,
        all_or_nothing,
        scanned,
    } = scratch;
    placed.clear();
    spaces.clear();
    spaces.push(Space {
        lo: [0, 0, 0],
        hi: container,
    });
    let mut rng = params.seed.map(XorShift::new);
    let greedy = is_greedy(params);
    while let Some(min_side) = min_remaining_side(kinds, remaining) {
        spaces.retain(|s| s.size().iter().all(|&d| d >= min_side));
        // Spaces only shrink: a unit that fits no space now never will. A caller that
        // needs every unit placed learns the answer here instead of after the last step.
        if *all_or_nothing && some_unit_is_stranded(kinds, remaining, spaces) {
            break;
        }
        let Some(si) = pick_space(spaces, container) else {
            break;
        };
        let space = spaces[si];
        let size = space.size();
        let mut ascending = size;
        sort3(&mut ascending);
        *scanned += (order.len() + spaces.len()) as u64;
        candidates.clear();
        for &k in order {
            let kind = &kinds[k];
            let r = remaining[k];
            if r == 0 {
                continue;
            }
            if greedy {
                if let Some(c) = candidates.first() {
                    if u64::from(r).saturating_mul(kind.volume) < c.volume {
                        continue;
                    }
                }
            }
            // A free unit fits the space in some orientation iff its sorted sides fit
            // the space's: one test instead of six for the kinds too large for it.
            if kind.free
                && (kind.sorted[0] > ascending[2]
                    || kind.sorted[1] > ascending[1]
                    || kind.sorted[2] > ascending[0])
            {
                continue;
            }
            for &o in &kind.orientations {
                if o[0] > size[0] || o[1] > size[1] || o[2] > size[2] {
                    continue;
                }
                *work += 1;
                if r == 1 {
                    // One unit left: the block is the unit itself (the common case in
                    // small baskets, worth skipping the grid arithmetic for).
                    let block = Block {
                        kind: k,
                        orient: o,
                        n: [1, 1, 1],
                        volume: kind.volume,
                        slack: slack_of(size, o),
                    };
                    offer(candidates, greedy, block);
                    if greedy {
                        // Every orientation of one unit has the same volume and the same
                        // slack (the sum of its sides is fixed): the first that fits wins.
                        break;
                    }
                    continue;
                }
                let m = [
                    fit_count(size[0], o[0], r),
                    fit_count(size[1], o[1], r),
                    fit_count(size[2], o[2], r),
                ];
                // The six axis orders give at most six grids. They all coincide when
                // every unit the space holds fits at once; otherwise only distinct ones
                // are scored.
                // Axes along which more than one unit fits decide the grid; with at
                // most one such axis every order gives the same grid, with two only the
                // order between those two matters.
                let all = u64::from(m[0]) * u64::from(m[1]) * u64::from(m[2]);
                let multi = (m[0] > 1) as usize + (m[1] > 1) as usize + (m[2] > 1) as usize;
                let orders: &[[usize; 3]] = if all <= u64::from(r) || multi <= 1 {
                    &AXIS_ORDERS[..1]
                } else if multi == 2 {
                    match (m[0] > 1, m[1] > 1) {
                        (true, true) => &PAIR_ORDERS[0],
                        (true, false) => &PAIR_ORDERS[1],
                        _ => &PAIR_ORDERS[2],
                    }
                } else {
                    &AXIS_ORDERS
                };
                let mut seen: [[u32; 3]; 6] = [[0; 3]; 6];
                let mut nseen = 0usize;
                for perm in orders {
                    let mut n = [1u32; 3];
                    let mut left = r;
                    for &a in perm {
                        n[a] = m[a].min(left).max(1);
                        left /= n[a];
                        left = left.max(1);
                    }
                    if seen[..nseen].contains(&n) {
                        continue;
                    }
                    seen[nseen] = n;
                    nseen += 1;
                    let count = u64::from(n[0]) * u64::from(n[1]) * u64::from(n[2]);
                    if count > u64::from(r) {
                        continue;
                    }
                    let b = [n[0] * o[0], n[1] * o[1], n[2] * o[2]];
                    let block = Block {
                        kind: k,
                        orient: o,
                        n,
                        volume: count * kind.volume,
                        slack: slack_of(size, b),
                    };
                    offer(candidates, greedy, block);
                }
            }
        }
        if candidates.is_empty() {
            spaces.swap_remove(si);
            continue;
        }
        // Best volume first, then the snuggest fit, then the earliest kind/orientation
        // (a stable sort keeps generation order among equals).
        if !greedy {
            candidates.sort_by(|a, b| b.volume.cmp(&a.volume).then(a.slack.cmp(&b.slack)));
            // Several axis orders yield the same block; keep one so that the random pick
            // among the best `top_k` chooses among different blocks.
            candidates.dedup_by(|a, b| a.kind == b.kind && a.orient == b.orient && a.n == b.n);
        }
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
        split_spaces(spaces, fresh, keep, lo, hi);
        // Each fresh space was checked against every space.
        *scanned += (fresh.len() * spaces.len()) as u64;
    }
}

/// Whether some kind with units left fits no current space in any allowed orientation.
fn some_unit_is_stranded(kinds: &[Kind], remaining: &[u32], spaces: &[Space]) -> bool {
    kinds.iter().zip(remaining).any(|(k, &r)| {
        r > 0
            && !spaces.iter().any(|sp| {
                let sz = sp.size();
                if k.free {
                    let mut d = sz;
                    sort3(&mut d);
                    k.sorted[0] <= d[2] && k.sorted[1] <= d[1] && k.sorted[2] <= d[0]
                } else {
                    k.orientations
                        .iter()
                        .any(|o| o[0] <= sz[0] && o[1] <= sz[1] && o[2] <= sz[2])
                }
            })
    })
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
        sort3(&mut d);
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

/// Ascending sort of three values without the general sort's overhead.
#[inline]
fn sort3(d: &mut [u32; 3]) {
    if d[0] > d[1] {
        d.swap(0, 1);
    }
    if d[1] > d[2] {
        d.swap(1, 2);
    }
    if d[0] > d[1] {
        d.swap(0, 1);
    }
}

/// Removes the block `[lo, hi)` from every maximal space it overlaps, keeping the
/// remaining parts maximal and dropping spaces contained in others.
fn split_spaces(
    spaces: &mut Vec<Space>,
    fresh: &mut Vec<Space>,
    keep: &mut Vec<bool>,
    lo: Dims,
    hi: Dims,
) {
    fresh.clear();
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
    keep.clear();
    keep.resize(fresh.len(), true);
    for i in 0..fresh.len() {
        let f = fresh[i];
        if spaces.iter().any(|o| o.contains(&f)) {
            keep[i] = false;
            continue;
        }
        for j in 0..fresh.len() {
            if i != j && keep[j] && fresh[j].contains(&f) && (fresh[j] != f || j < i) {
                keep[i] = false;
                break;
            }
        }
    }
    spaces.extend(
        fresh
            .iter()
            .zip(keep.iter())
            .filter(|(_, &k)| k)
            .map(|(s, _)| *s),
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
