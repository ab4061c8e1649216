//! The minimal-bounding-box question as a MILP (Chen–Lee–Shen style) through `good_lp`
//! and the pure-Rust `microlp` solver — built only to *measure* it against the engine's
//! exhaustive normal-pattern search (issue 2), never used by the engine itself.
//!
//! Why it lives here and not in the engine: the comparison (see `docs/milp-comparison.md`)
//! is what justifies the engine's choice of a direct search; keeping the solver out of
//! `courier-engine` keeps the engine free of a float-based dependency whose run time is
//! bounded by wall-clock limits rather than deterministic work budgets.
//!
//! The model, for a fixed container `L × W × H` (axis `z` vertical):
//!
//! * per unit `i`: continuous corner coordinates `x_i, y_i, z_i ≥ 0`, and one binary per
//!   allowed orientation (six for a free unit, two for an upright one, fewer when edges are
//!   equal or an orientation cannot fit the container), exactly one chosen; the unit's
//!   extents along each axis are linear in those binaries;
//! * containment: `x_i + ext_x(i) ≤ L`, likewise for `y` and `z`;
//! * per pair `i < j`: six relative-position binaries (`i` left of `j`, right of, behind,
//!   in front of, below, above) with sum ≥ 1, each enforcing its separation by a big-M
//!   constraint with `M` = the container side on that axis (the tightest valid value);
//! * one symmetry cut: consecutive identical units are ordered by `x` (valid: relabelling
//!   identical units never changes a packing);
//! * objective 0: any feasible point answers the question, so the branch-and-bound stops
//!   at the first integer solution.
//!
//! [`min_box_milp`] then asks this feasibility question for candidate boxes in the
//! engine's order (volume, longest side, sum of sides); sides are sums of unit edges
//! (normal patterns), bounded below by the per-axis bound and above by the engine's
//! heuristic answer. The first feasible candidate is optimal; if none is, the heuristic's
//! box is.

use std::time::{Duration, Instant};

use courier_engine::packing::{pack, verify, Item, LowerBound, PackError, PackOptions, Packing};
use courier_engine::packing::{Placement, MAX_SIDE_MM};
use good_lp::solvers::{ResolutionError, WithTimeLimit};
use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};

/// Answer of a single feasibility question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MilpAnswer {
    /// Every unit placed (frame of the container: `x` along its first side, `z` vertical).
    Fits(Vec<Placement>),
    /// Proven impossible by the solver (or trivially: some unit fits in no orientation).
    DoesNotFit,
    /// The time limit ran out before an answer.
    TimedOut,
}

/// Why the MILP could not be asked or its answer not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MilpError {
    /// The goods themselves are invalid (same checks as the engine).
    Goods(PackError),
    /// A container side is zero or above [`MAX_SIDE_MM`].
    BadContainer([u32; 3]),
    /// The solver failed for another reason than infeasibility or time.
    Solver(String),
    /// The solver's point, rounded to millimetres, is not a valid packing.
    InvalidSolution(String),
}

impl std::fmt::Display for MilpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MilpError::Goods(e) => write!(f, "goods: {e}"),
            MilpError::BadContainer(c) => {
                write!(f, "container {c:?}: sides must be 1..={MAX_SIDE_MM} mm")
            }
            MilpError::Solver(s) => write!(f, "solver: {s}"),
            MilpError::InvalidSolution(s) => write!(f, "solver point is not a packing: {s}"),
        }
    }
}

impl std::error::Error for MilpError {}

/// Size of one MILP model, for the comparison report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelSize {
    pub binaries: usize,
    pub continuous: usize,
    pub constraints: usize,
}

/// One unit (an item line expanded by its quantity) and its distinct orientations.
#[derive(Debug, Clone)]
struct Unit {
    line: usize,
    orientations: Vec<[u32; 3]>,
}

/// Distinct orientations of an item: the six permutations, or the two turns about the
/// vertical axis for an upright one.
fn orientations(it: &Item) -> Vec<[u32; 3]> {
    let (l, w, h) = (it.length_mm(), it.width_mm(), it.height_mm());
    let mut v = if it.is_upright() {
        vec![[l, w, h], [w, l, h]]
    } else {
        vec![
            [l, w, h],
            [l, h, w],
            [w, l, h],
            [w, h, l],
            [h, l, w],
            [h, w, l],
        ]
    };
    v.sort_unstable();
    v.dedup();
    v
}

fn units_of(items: &[Item]) -> Vec<Unit> {
    items
        .iter()
        .enumerate()
        .flat_map(|(line, it)| {
            let o = orientations(it);
            (0..it.qty()).map(move |_| Unit {
                line,
                orientations: o.clone(),
            })
        })
        .collect()
}

fn fits(o: &[u32; 3], c: [u32; 3]) -> bool {
    o[0] <= c[0] && o[1] <= c[1] && o[2] <= c[2]
}

/// Asks the MILP whether every unit of `items` fits the container `box_mm` (axis `z`
/// vertical for upright items), with no time limit.
///
/// ```
/// use courier_benches::milp::{fits_milp, MilpAnswer};
/// use courier_engine::packing::Item;
/// let books = [Item::new(300, 200, 30, 500, 2)];
/// assert!(matches!(fits_milp(&books, [300, 200, 60]).unwrap(), MilpAnswer::Fits(_)));
/// assert_eq!(fits_milp(&books, [300, 200, 59]).unwrap(), MilpAnswer::DoesNotFit);
/// ```
pub fn fits_milp(items: &[Item], box_mm: [u32; 3]) -> Result<MilpAnswer, MilpError> {
    fits_milp_within(items, box_mm, None).map(|(a, _)| a)
}

/// [`fits_milp`] with an optional wall-clock limit; also returns the model's size.
pub fn fits_milp_within(
    items: &[Item],
    box_mm: [u32; 3],
    limit: Option<Duration>,
) -> Result<(MilpAnswer, ModelSize), MilpError> {
    // Same validation as the engine, so both sides answer the same questions.
    pack_heuristic(items)?;
    if box_mm.iter().any(|&s| s == 0 || s > MAX_SIDE_MM) {
        return Err(MilpError::BadContainer(box_mm));
    }
    let units = units_of(items);
    feasible(&units, box_mm, limit)
}

/// The model for a fixed container and its answer.
fn feasible(
    units: &[Unit],
    c: [u32; 3],
    limit: Option<Duration>,
) -> Result<(MilpAnswer, ModelSize), MilpError> {
    let mut size = ModelSize::default();
    // Orientations that can fit at all; a unit with none settles the question.
    let allowed: Vec<Vec<[u32; 3]>> = units
        .iter()
        .map(|u| {
            u.orientations
                .iter()
                .copied()
                .filter(|o| fits(o, c))
                .collect()
        })
        .collect();
    if allowed.iter().any(Vec::is_empty) {
        return Ok((MilpAnswer::DoesNotFit, size));
    }
    let cf = c.map(f64::from);
    let mut vars = ProblemVariables::new();
    let mut pos: Vec<[Variable; 3]> = Vec::with_capacity(units.len());
    let mut orient: Vec<Vec<Variable>> = Vec::with_capacity(units.len());
    let mut ext: Vec<[Expression; 3]> = Vec::with_capacity(units.len());
    for os in &allowed {
        pos.push([0, 1, 2].map(|a| vars.add(variable().min(0.0).max(cf[a]))));
        size.continuous += 3;
        if os.len() == 1 {
            orient.push(Vec::new());
            ext.push([0, 1, 2].map(|a| Expression::from(f64::from(os[0][a]))));
        } else {
            let bs: Vec<Variable> = os.iter().map(|_| vars.add(variable().binary())).collect();
            size.binaries += bs.len();
            ext.push([0, 1, 2].map(|a| {
                bs.iter()
                    .zip(os)
                    .map(|(&b, o)| f64::from(o[a]) * b)
                    .sum::<Expression>()
            }));
            orient.push(bs);
        }
    }
    let n = units.len();
    let mut pairs: Vec<(usize, usize, [Variable; 6])> = Vec::with_capacity(n * n / 2);
    for i in 0..n {
        for j in i + 1..n {
            let s = [(); 6].map(|_| vars.add(variable().binary()));
            size.binaries += 6;
            pairs.push((i, j, s));
        }
    }
    let mut model = vars.minimise(Expression::from(0.0)).using(microlp);
    if let Some(l) = limit {
        model = model.with_time_limit(l.as_secs_f64());
    }
    for (i, bs) in orient.iter().enumerate() {
        if !bs.is_empty() {
            let one: Expression = bs.iter().copied().sum();
            model = model.with(constraint!(one == 1.0));
            size.constraints += 1;
        }
        for a in 0..3 {
            model = model.with(constraint!(pos[i][a] + ext[i][a].clone() <= cf[a]));
            size.constraints += 1;
        }
    }
    for (i, j, s) in &pairs {
        let (i, j) = (*i, *j);
        let any: Expression = s.iter().copied().sum();
        model = model.with(constraint!(any >= 1.0));
        size.constraints += 1;
        for a in 0..3 {
            let (before, after) = (s[2 * a], s[2 * a + 1]);
            // i before j on axis a: pos_i + ext_i ≤ pos_j + M (1 − before).
            model = model.with(constraint!(
                pos[i][a] + ext[i][a].clone() - pos[j][a] + cf[a] * before <= cf[a]
            ));
            model = model.with(constraint!(
                pos[j][a] + ext[j][a].clone() - pos[i][a] + cf[a] * after <= cf[a]
            ));
            size.constraints += 2;
        }
        if units[i].line == units[j].line && j == i + 1 {
            model = model.with(constraint!(pos[i][0] <= pos[j][0]));
            size.constraints += 1;
        }
    }
    let solution = match model.solve() {
        Ok(s) => s,
        Err(ResolutionError::Infeasible) => return Ok((MilpAnswer::DoesNotFit, size)),
        Err(ResolutionError::Other(m)) if m.starts_with("Time limit") => {
            return Ok((MilpAnswer::TimedOut, size))
        }
        Err(e) => return Err(MilpError::Solver(e.to_string())),
    };
    let mut placements = Vec::with_capacity(n);
    for (i, u) in units.iter().enumerate() {
        let o = if orient[i].is_empty() {
            allowed[i][0]
        } else {
            let k = orient[i]
                .iter()
                .position(|&b| solution.value(b) > 0.5)
                .ok_or_else(|| MilpError::InvalidSolution(format!("unit {i}: no orientation")))?;
            allowed[i][k]
        };
        let p = pos[i].map(|v| solution.value(v).round().max(0.0));
        // Rounded values are within [0, side] ≤ MAX_SIDE_MM, so the casts are exact.
        let p = p.map(|v| v.min(f64::from(MAX_SIDE_MM)) as u32);
        placements.push(Placement {
            line: u.line,
            x_mm: p[0],
            y_mm: p[1],
            z_mm: p[2],
            dx_mm: o[0],
            dy_mm: o[1],
            dz_mm: o[2],
        });
    }
    check_inside_disjoint(&placements, c).map_err(MilpError::InvalidSolution)?;
    Ok((MilpAnswer::Fits(placements), size))
}

/// Independent check of the solver's rounded point: inside the container, no overlap.
fn check_inside_disjoint(ps: &[Placement], c: [u32; 3]) -> Result<(), String> {
    for (i, p) in ps.iter().enumerate() {
        let hi = [p.x_mm + p.dx_mm, p.y_mm + p.dy_mm, p.z_mm + p.dz_mm];
        if hi[0] > c[0] || hi[1] > c[1] || hi[2] > c[2] {
            return Err(format!("unit {i} sticks out of {c:?}: {p:?}"));
        }
        for (j, q) in ps.iter().enumerate().skip(i + 1) {
            let overlap = p.x_mm < q.x_mm + q.dx_mm
                && q.x_mm < hi[0]
                && p.y_mm < q.y_mm + q.dy_mm
                && q.y_mm < hi[1]
                && p.z_mm < q.z_mm + q.dz_mm
                && q.z_mm < hi[2];
            if overlap {
                return Err(format!("units {i} and {j} overlap: {p:?} {q:?}"));
            }
        }
    }
    Ok(())
}

/// The engine's heuristic answer alone (no exact search): the MILP's upper bound, and the
/// validation of the goods.
fn pack_heuristic(items: &[Item]) -> Result<Packing, MilpError> {
    let opts = PackOptions {
        exact_max_units: 0,
        ..PackOptions::default()
    };
    pack(items, &opts).map_err(MilpError::Goods)
}

/// Ranking of boxes, as in the engine: volume, then longest side, then sum of sides.
pub fn key_of(d: [u32; 3]) -> (u64, u32, u64) {
    let longest = d[0].max(d[1]).max(d[2]);
    (
        u64::from(d[0]) * u64::from(d[1]) * u64::from(d[2]),
        longest,
        u64::from(d[0]) + u64::from(d[1]) + u64::from(d[2]),
    )
}

/// What [`min_box_milp`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MilpStats {
    /// Candidate boxes strictly better than the heuristic's, in key order.
    pub candidates: usize,
    /// Feasibility MILPs actually solved (candidates after the first feasible one are not).
    pub milp_calls: usize,
    /// Candidates proven infeasible by the solver.
    pub infeasible: usize,
    /// Largest model solved.
    pub largest: ModelSize,
    /// True when the answer is proven minimal; false when the time limit ran out first.
    pub proven: bool,
}

/// The MILP route's answer: the box (frame with `z` vertical, as solved), placements in
/// that frame, and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilpMinBox {
    pub dims: [u32; 3],
    pub placements: Vec<Placement>,
    pub stats: MilpStats,
}

impl MilpMinBox {
    /// Sides longest first, as the engine reports them.
    pub fn sides_mm(&self) -> [u32; 3] {
        let mut s = self.dims;
        s.sort_unstable_by(|a, b| b.cmp(a));
        s
    }

    /// The answer as an engine [`Packing`] (sides longest first, placements permuted
    /// alike), so that [`courier_engine::packing::verify`] can check it.
    pub fn to_packing(&self, items: &[Item], lower_bound: LowerBound) -> Packing {
        let d = self.dims;
        let mut perm = [0usize, 1, 2];
        perm.sort_by(|&a, &b| d[b].cmp(&d[a]).then(a.cmp(&b)));
        let placements = self
            .placements
            .iter()
            .map(|p| {
                let lo = [p.x_mm, p.y_mm, p.z_mm];
                let sz = [p.dx_mm, p.dy_mm, p.dz_mm];
                Placement {
                    line: p.line,
                    x_mm: lo[perm[0]],
                    y_mm: lo[perm[1]],
                    z_mm: lo[perm[2]],
                    dx_mm: sz[perm[0]],
                    dy_mm: sz[perm[1]],
                    dz_mm: sz[perm[2]],
                }
            })
            .collect();
        let free = items.iter().all(|i| !i.is_upright());
        let vertical_axis = if free {
            None
        } else {
            let at = perm.iter().position(|&a| a == 2).unwrap_or(2);
            Some(["x", "y", "z"][at])
        };
        let [l, w, h] = [d[perm[0]], d[perm[1]], d[perm[2]]];
        Packing {
            length_mm: l,
            width_mm: w,
            height_mm: h,
            weight_g: items
                .iter()
                .map(|i| i.weight_g().saturating_mul(u64::from(i.qty())))
                .fold(0u64, u64::saturating_add),
            volume_mm3: u64::from(l) * u64::from(w) * u64::from(h),
            lower_bound_mm3: lower_bound.volume_mm3,
            lower_bound,
            optimal: self.stats.proven,
            vertical_axis,
            placements,
        }
    }
}

/// Subset sums of one extent per unit (each unit contributes nothing or one of `ext(u)`),
/// capped at `max`: the normal-pattern coordinates and candidate sides.
fn subset_sums(units: &[Unit], ext: impl Fn(&Unit) -> Vec<u32>, max: u32) -> Vec<u32> {
    let mut sums = vec![0u32];
    for u in units {
        let mut e = ext(u);
        e.sort_unstable();
        e.dedup();
        let mut next = sums.clone();
        for &s in &sums {
            for &x in &e {
                let v = s.saturating_add(x);
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

/// Candidate boxes for one input, and what they are measured against.
struct Candidates {
    units: Vec<Unit>,
    /// Boxes strictly better than the incumbent, in key order (frame with `z` vertical).
    boxes: Vec<[u32; 3]>,
    /// The heuristic's box and placements in that frame.
    incumbent: ([u32; 3], Vec<Placement>),
}

/// Candidate boxes whose sides are sums of unit edges (normal patterns: a tight box side
/// always is one), at least the units' volume, each unit fitting in some orientation,
/// and — when every item rotates freely — taken with sorted sides at least the per-axis
/// bound; strictly better than the heuristic's box; in key order. With upright items the
/// vertical side is drawn from vertical edges and the two horizontal ones from horizontal
/// edges.
fn candidates(items: &[Item]) -> Result<Candidates, MilpError> {
    let heuristic = pack_heuristic(items)?;
    let units = units_of(items);
    let free = items.iter().all(|i| !i.is_upright());
    let lb = heuristic.lower_bound.sides_mm.to_array();
    let total = heuristic.lower_bound.units_volume_mm3;
    let hs = [heuristic.length_mm, heuristic.width_mm, heuristic.height_mm];
    let incumbent = to_vertical_frame(&heuristic, hs);
    let best = key_of(incumbent.0);
    let max_side = hs[0].max(
        u32::try_from(best.0 / (u64::from(lb[1].max(1)) * u64::from(lb[2].max(1))))
            .unwrap_or(u32::MAX),
    );
    let all = |u: &Unit| u.orientations.iter().flat_map(|o| *o).collect::<Vec<u32>>();
    let horiz = |u: &Unit| {
        u.orientations
            .iter()
            .flat_map(|o| [o[0], o[1]])
            .collect::<Vec<u32>>()
    };
    let vert = |u: &Unit| u.orientations.iter().map(|o| o[2]).collect::<Vec<u32>>();
    let (h_sums, v_sums) = if free {
        let s = subset_sums(&units, all, max_side);
        (s.clone(), s)
    } else {
        (
            subset_sums(&units, horiz, max_side),
            subset_sums(&units, vert, max_side),
        )
    };
    let mut cands: Vec<((u64, u32, u64), [u32; 3])> = Vec::new();
    for &z in v_sums.iter().filter(|&&z| z > 0 && (!free || z >= lb[2])) {
        for &y in h_sums
            .iter()
            .filter(|&&y| y > 0 && (!free || (y >= z && y >= lb[1])))
        {
            for &x in h_sums.iter().filter(|&&x| x >= y && (!free || x >= lb[0])) {
                let d = [x, y, z];
                let k = key_of(d);
                if k.0 > best.0 {
                    break; // x grows: volume only grows.
                }
                let each_fits = units
                    .iter()
                    .all(|u| u.orientations.iter().any(|o| fits(o, d)));
                if k.0 >= total && k < best && each_fits {
                    cands.push((k, d));
                }
            }
        }
    }
    cands.sort_unstable();
    Ok(Candidates {
        units,
        boxes: cands.into_iter().map(|(_, d)| d).collect(),
        incumbent,
    })
}

/// The hardest infeasible question on the way to `optimum` (frame with `z` vertical):
/// the last candidate box ranked below it, which passes the volume and per-axis checks
/// and so must be refuted by search. `None` when no candidate ranks below it.
pub fn last_candidate_below(
    items: &[Item],
    optimum: [u32; 3],
) -> Result<Option<[u32; 3]>, MilpError> {
    let k = key_of(optimum);
    let c = candidates(items)?;
    Ok(c.boxes.into_iter().rev().find(|&d| key_of(d) < k))
}

/// The minimal bounding box by MILP feasibility over candidate boxes, without a time limit.
pub fn min_box_milp(items: &[Item]) -> Result<MilpMinBox, MilpError> {
    min_box_milp_within(items, None)
}

/// [`min_box_milp`] with an optional overall wall-clock limit; when it runs out, the best
/// known box (the heuristic's) is returned with `stats.proven == false`.
pub fn min_box_milp_within(
    items: &[Item],
    limit: Option<Duration>,
) -> Result<MilpMinBox, MilpError> {
    let start = Instant::now();
    let Candidates {
        units,
        boxes,
        incumbent: (inc_dims, inc_placements),
    } = candidates(items)?;
    let mut stats = MilpStats {
        candidates: boxes.len(),
        ..MilpStats::default()
    };
    for d in boxes {
        let left = match limit {
            Some(l) => match l.checked_sub(start.elapsed()) {
                Some(left) => Some(left),
                None => break,
            },
            None => None,
        };
        stats.milp_calls += 1;
        let (answer, size) = feasible(&units, d, left)?;
        if size.binaries > stats.largest.binaries {
            stats.largest = size;
        }
        match answer {
            MilpAnswer::Fits(placements) => {
                stats.proven = true;
                return Ok(MilpMinBox {
                    dims: d,
                    placements,
                    stats,
                });
            }
            MilpAnswer::DoesNotFit => stats.infeasible += 1,
            MilpAnswer::TimedOut => {
                return Ok(MilpMinBox {
                    dims: inc_dims,
                    placements: inc_placements,
                    stats,
                })
            }
        }
    }
    // Every better candidate is infeasible (unless the limit ran out between calls).
    stats.proven = stats.infeasible == stats.candidates;
    Ok(MilpMinBox {
        dims: inc_dims,
        placements: inc_placements,
        stats,
    })
}

/// The heuristic's packing in a frame with `z` vertical (its own frame when every item
/// rotates freely).
fn to_vertical_frame(p: &Packing, sides: [u32; 3]) -> ([u32; 3], Vec<Placement>) {
    let v = match p.vertical_axis {
        Some("x") => 0,
        Some("y") => 1,
        _ => 2,
    };
    let h: Vec<usize> = (0..3).filter(|&a| a != v).collect();
    let perm = [h[0], h[1], v];
    let dims = perm.map(|a| sides[a]);
    let placements = p
        .placements
        .iter()
        .map(|q| {
            let lo = [q.x_mm, q.y_mm, q.z_mm];
            let sz = [q.dx_mm, q.dy_mm, q.dz_mm];
            Placement {
                line: q.line,
                x_mm: lo[perm[0]],
                y_mm: lo[perm[1]],
                z_mm: lo[perm[2]],
                dx_mm: sz[perm[0]],
                dy_mm: sz[perm[1]],
                dz_mm: sz[perm[2]],
            }
        })
        .collect();
    (dims, placements)
}

/// Checks a MILP answer with the engine's own validator.
pub fn verify_min_box(items: &[Item], m: &MilpMinBox) -> Result<(), String> {
    let lb = pack_heuristic(items)
        .map_err(|e| e.to_string())?
        .lower_bound;
    verify(items, &m.to_packing(items, lb))
}

/// The engine's perfect-fit generator ([`courier_engine::packing::perfect_fit`]): the box
/// `d` cut into `pieces` turned cuboids, optimal volume `d`'s. One generator for the
/// tests, the property tests and every benchmark.
pub fn guillotine(d: [u32; 3], pieces: usize, seed: u64) -> Vec<Item> {
    courier_engine::packing::perfect_fit(d, pieces, seed)
}

/// A small deterministic mixed input for comparisons: 1–3 lines, at most 4 units, edges
/// 10–120 mm, about one line in three upright.
pub fn random_mixed(seed: u64) -> Vec<Item> {
    let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = |m: u64| {
        // A 64-bit LCG (Knuth's MMIX constants), high bits only.
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        u32::try_from((s >> 33) % m).unwrap_or(0)
    };
    let lines = 1 + next(3);
    let mut items = Vec::new();
    let mut left = 4u32;
    for _ in 0..lines {
        if left == 0 {
            break;
        }
        let qty = (1 + next(2)).min(left);
        left -= qty;
        items.push(
            Item::new(10 + next(111), 10 + next(111), 10 + next(111), 100, qty)
                .with_upright(next(3) == 0),
        );
    }
    items
}

/// The first `n` units of a goods CSV in the CLI's format (`sku,length_mm,width_mm,
/// height_mm,weight_g,qty,upright`, e.g. `data/basket.csv`), lines cut at `n` units.
pub fn first_units(csv_text: &str, n: u32) -> Result<Vec<Item>, String> {
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    let mut left = n;
    for (row, rec) in rd.records().enumerate() {
        if left == 0 {
            break;
        }
        let rec = rec.map_err(|e| format!("row {row}: {e}"))?;
        let field = |i: usize, name: &str| {
            rec.get(i)
                .ok_or_else(|| format!("row {row}: missing {name}"))
        };
        let num = |i: usize, name: &str| -> Result<u32, String> {
            field(i, name)?
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("row {row}: {name} is not a whole number"))
        };
        let qty = num(5, "qty")?.min(left);
        let upright = match field(6, "upright")?.trim() {
            "true" => true,
            "false" | "" => false,
            other => {
                return Err(format!(
                    "row {row}: upright must be true or false, got `{other}`"
                ))
            }
        };
        out.push(
            Item::new(
                num(1, "length_mm")?,
                num(2, "width_mm")?,
                num(3, "height_mm")?,
                u64::from(num(4, "weight_g")?),
                qty,
            )
            .with_upright(upright),
        );
        left -= qty;
    }
    Ok(out)
}

/// `data/basket.csv` of this checkout.
pub fn basket_csv() -> std::io::Result<String> {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/basket.csv"))
}
