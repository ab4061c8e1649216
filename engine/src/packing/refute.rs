//! Proofs that goods do **not** fit one given carton, so that "needs more than one
//! carton" can be a fact rather than the loader's failure.
//!
//! A split reports how many orders went into one carton; without this, an order split in
//! two may simply be one the heuristic loader could not pack. [`refute_carton`] tries,
//! cheapest first, the arguments that settle the question for good:
//!
//! 1. **weight**: goods plus the empty carton above its maximum;
//! 2. **a unit too large**: some unit fits the inner size in no allowed orientation;
//! 3. **volume**: the goods' volume above the inner volume;
//! 4. **a stack**: units that pairwise cannot lie side by side along two axes (their
//!    least extents there add up to more than the side, in any orientations) must follow
//!    one another along the third; a clique of such units whose least extents along it
//!    add up to more than the side cannot be packed (branch and bound over the largest
//!    units). It settles flat goods in a flat carton, which the volume-like bounds of 5
//!    cannot: two A4 booklets that overlap in plan are stacked, however thin;
//! 5. **dual-feasible functions** (Fekete & Schepers): one function per axis, applied to
//!    every unit's extents in the orientation that makes its transformed volume least;
//!    if even that sum exceeds the transformed carton, no packing exists. Per axis the
//!    identity, the threshold family `u^(e)` (the one [`super::bound`] uses, thresholds
//!    from the units' own extents) and the staircase family `u^(k)` (`k` = 1–6) are
//!    tried, on one axis, then two, then three at a time, within the work budget;
//! 6. **an exhaustive search on the largest units**: the `m` largest units (by volume)
//!    for `m` = 2, 3, … are put to the exact placement search of [`super::exact`] (every
//!    normal position, every orientation); if some `m` of them cannot be packed, neither
//!    can all. When `m` reaches every unit, the search has found a packing instead.
//!
//! Why the carton is considered in one frame only: with free rotation every turn of the
//! carton is the same problem with the units turned, and with upright units the two
//! horizontal turns are (quarter turns about the vertical are always allowed).
//!
//! Everything is integer arithmetic and counted in work units, never time: the same goods
//! get the same answer on any machine.

use courier_rules::catalogue::Carton;
use serde::Serialize;

use super::exact;
use super::kind::{Dims, Kind};
use super::loader::Placed;
use super::{Goods, Item, PackError, PackOptions};

/// Largest `k` of the staircase family tried per axis.
const STAIR_MAX_K: u32 = 6;

/// Largest number of units the exhaustive search takes on (as a prefix of the largest
/// units): beyond it a subset that does fit costs more than it teaches.
pub(crate) const SEARCH_MAX_UNITS: usize = 24;

/// Largest number of units (the largest) the stacking argument looks at: a bitset each.
const STACK_MAX_UNITS: usize = 128;

/// One dual-feasible function applied along one axis of the carton.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "function", rename_all = "snake_case")]
pub enum AxisFunction {
    /// The extent itself (the plain volume bound on this axis).
    Identity,
    /// `u^(e)`: extents above `side − e` count as the whole side, extents below `e` as
    /// nothing, the rest as themselves (`0 < e ≤ side / 2`).
    Threshold {
        /// The threshold `e`, in mm.
        e_mm: u32,
    },
    /// `u^(k)`: an extent `w` counts as `w` when `(k + 1)·w` is a multiple of the side,
    /// else as `⌊(k + 1)·w / side⌋ · side / k`.
    Staircase {
        /// The step count `k ≥ 1`.
        k: u32,
    },
}

impl AxisFunction {
    /// The transformed extent of `w` on a side of length `c`, and the transformed side,
    /// both scaled by `k` for the staircase so that they stay integers.
    fn apply(self, w: u32, c: u32) -> u64 {
        match self {
            AxisFunction::Identity => u64::from(w),
            AxisFunction::Threshold { e_mm: e } => {
                if w > c - e {
                    u64::from(c)
                } else if w >= e {
                    u64::from(w)
                } else {
                    0
                }
            }
            AxisFunction::Staircase { k } => {
                let (w, c, k) = (u64::from(w), u64::from(c), u64::from(k));
                if ((k + 1) * w).is_multiple_of(c) {
                    k * w
                } else {
                    ((k + 1) * w / c) * c
                }
            }
        }
    }

    /// The transformed side itself (same scale as [`AxisFunction::apply`]).
    fn capacity(self, c: u32) -> u64 {
        match self {
            AxisFunction::Staircase { k } => u64::from(k) * u64::from(c),
            _ => u64::from(c),
        }
    }
}

/// Why goods cannot be packed into one carton, whatever the packing. Each variant is a
/// proof that can be checked from the goods and the carton alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refutation {
    /// The goods plus the empty carton weigh more than the carton's maximum.
    Weight {
        /// Goods plus the empty carton.
        gross_g: u64,
        /// The carton's maximum gross weight.
        max_g: u64,
    },
    /// One unit of this line (0-based input row) fits the inner size in no allowed
    /// orientation.
    UnitTooLarge {
        /// The input line.
        line: usize,
    },
    /// The goods' volume exceeds the inner volume.
    Volume {
        /// Total volume of the units.
        goods_mm3: u64,
        /// The carton's inner volume.
        inner_mm3: u64,
    },
    /// A dual-feasible function per axis (inner length, width, height) under which the
    /// units' least transformed volume exceeds the transformed carton's.
    DualFeasible {
        /// The function per axis of the carton's inner frame.
        functions: [AxisFunction; 3],
    },
    /// Units that pairwise cannot lie side by side along the two other axes must follow
    /// one another along `axis` (0 length, 1 width, 2 height of the inner frame), and
    /// their least extents along it add up to more than the side.
    Stack {
        /// The axis the units would have to share.
        axis: usize,
        /// The input line of each unit of the stack (a line repeats for several units).
        lines: Vec<usize>,
        /// Sum of their least extents along `axis`, in mm.
        extent_mm: u64,
    },
    /// The `units` largest units alone (by volume) cannot be packed: the exhaustive
    /// search over normal positions and allowed orientations tried every placement.
    Exhaustive {
        /// How many units the refuted subset has.
        units: u64,
        /// Search nodes spent on that subset.
        nodes: u64,
    },
}

/// What [`decide`] learned about goods and one carton.
pub(crate) enum Decision {
    /// No packing exists.
    Refuted(Refutation),
    /// The exhaustive search packed every unit (placements in the carton's frame).
    Fits(Vec<Placed>),
    /// Neither within the work budget.
    Unknown,
}

/// A proof that the goods cannot be packed into `carton` (inner length, width, height;
/// the height is vertical for upright lines), or `None` when none was found within
/// `opts.exact_work_budget` work units — which does **not** mean that they fit.
///
/// ```
/// use courier_engine::packing::{refute_carton, Item, PackOptions, Refutation};
/// use courier_engine::rules::catalogue::{Carton, CartonRecord};
/// let cube = Carton::try_from(CartonRecord {
///     reference: "cube".into(), inner_length_mm: 100, inner_width_mm: 100, inner_height_mm: 100,
///     outer_length_mm: 104, outer_width_mm: 104, outer_height_mm: 104,
///     empty_weight_g: 100, max_weight_g: 10_000, price: None,
/// }).unwrap();
/// // Two 60 mm cubes: a quarter of the volume, yet they overlap on every axis.
/// let cubes = Item::new(60, 60, 60, 500, 2);
/// let why = refute_carton(&[cubes], &cube, &PackOptions::default()).unwrap();
/// assert!(matches!(why, Some(Refutation::Stack { extent_mm: 120, .. })));
/// // One cube fits: nothing to refute.
/// let one = Item::new(60, 60, 60, 500, 1);
/// assert_eq!(refute_carton(&[one], &cube, &PackOptions::default()).unwrap(), None);
/// ```
pub fn refute_carton(
    items: &[Item],
    carton: &Carton,
    opts: &PackOptions,
) -> Result<Option<Refutation>, PackError> {
    let goods = Goods::new(items)?;
    Ok(match decide(&goods, carton, opts, &mut 0) {
        Decision::Refuted(r) => Some(r),
        Decision::Fits(_) | Decision::Unknown => None,
    })
}

/// The arguments of the module docs in order, within `opts.exact_work_budget` work
/// units (added to `spent`).
pub(crate) fn decide(
    goods: &Goods,
    carton: &Carton,
    opts: &PackOptions,
    spent: &mut u64,
) -> Decision {
    let gross = goods.weight_g.saturating_add(carton.empty_weight_g());
    if gross > carton.max_weight_g() {
        return Decision::Refuted(Refutation::Weight {
            gross_g: gross,
            max_g: carton.max_weight_g(),
        });
    }
    let c = carton.inner_mm();
    if let Some(k) = goods
        .kinds
        .iter()
        .find(|k| k.qty > 0 && !k.orientations.iter().any(|o| (0..3).all(|a| o[a] <= c[a])))
    {
        return Decision::Refuted(Refutation::UnitTooLarge { line: k.line });
    }
    let inner = carton.inner_volume_mm3();
    if goods.volume_mm3 > inner {
        return Decision::Refuted(Refutation::Volume {
            goods_mm3: goods.volume_mm3,
            inner_mm3: inner,
        });
    }
    let budget = opts.exact_work_budget;
    let mut work = 0u64;
    if let Some(r) = stack(&goods.kinds, c, budget / 4, &mut work) {
        *spent = spent.saturating_add(work);
        return Decision::Refuted(r);
    }
    let found = dual_feasible(&goods.kinds, c, budget / 2, &mut work);
    if let Some(functions) = found {
        *spent = spent.saturating_add(work);
        return Decision::Refuted(Refutation::DualFeasible { functions });
    }
    let decision = largest_subsets(&goods.kinds, c, budget.saturating_sub(work), &mut work);
    *spent = spent.saturating_add(work);
    decision
}

/// The per-axis candidate functions for side `c`: identity, thresholds drawn from the
/// units' extents that fit (`e = w` makes shorter units vanish, `e = c − w + 1` makes a
/// unit longer than half the side fill it), staircases.
fn axis_functions(kinds: &[Kind], c: Dims, axis: usize) -> Vec<AxisFunction> {
    let side = c[axis];
    let mut thresholds: Vec<u32> = Vec::new();
    for k in kinds.iter().filter(|k| k.qty > 0) {
        for o in &k.orientations {
            if (0..3).all(|a| o[a] <= c[a]) {
                let w = o[axis];
                for t in [w, side - w + 1] {
                    if t > 0 && t <= side / 2 {
                        thresholds.push(t);
                    }
                }
            }
        }
    }
    thresholds.sort_unstable();
    thresholds.dedup();
    let mut out = vec![AxisFunction::Identity];
    out.extend(
        thresholds
            .into_iter()
            .map(|e| AxisFunction::Threshold { e_mm: e }),
    );
    out.extend((1..=STAIR_MAX_K).map(|k| AxisFunction::Staircase { k }));
    out
}

/// A triple of axis functions under which the units cannot fit `c`, trying one
/// transformed axis, then two, then three, until `budget` work units (one per kind and
/// orientation evaluated) are spent.
fn dual_feasible(
    kinds: &[Kind],
    c: Dims,
    budget: u64,
    work: &mut u64,
) -> Option<[AxisFunction; 3]> {
    let lists: [Vec<AxisFunction>; 3] = [0, 1, 2].map(|a| axis_functions(kinds, c, a));
    let cost: u64 = kinds
        .iter()
        .filter(|k| k.qty > 0)
        .map(|k| k.orientations.len() as u64)
        .sum::<u64>()
        .max(1);
    // Indices 1.. of each list are the non-identity functions; `level` of them at once.
    for level in 0..=3usize {
        for mask in 0u8..8 {
            if mask.count_ones() as usize != level {
                continue;
            }
            let ranges: [usize; 3] = [0, 1, 2].map(|a| {
                if mask >> a & 1 == 1 {
                    lists[a].len() - 1
                } else {
                    1
                }
            });
            for i in 0..ranges[0] {
                for j in 0..ranges[1] {
                    for k in 0..ranges[2] {
                        *work += cost;
                        if *work > budget {
                            return None;
                        }
                        let pick = |a: usize, i: usize| {
                            if mask >> a & 1 == 1 {
                                lists[a][i + 1]
                            } else {
                                AxisFunction::Identity
                            }
                        };
                        let f = [pick(0, i), pick(1, j), pick(2, k)];
                        if exceeds(kinds, c, f) {
                            return Some(f);
                        }
                    }
                }
            }
        }
    }
    None
}

/// Whether the units' least transformed volume under `f` exceeds the transformed
/// carton's.
fn exceeds(kinds: &[Kind], c: Dims, f: [AxisFunction; 3]) -> bool {
    let capacity: u128 = (0..3).map(|a| u128::from(f[a].capacity(c[a]))).product();
    let mut sum = 0u128;
    for k in kinds.iter().filter(|k| k.qty > 0) {
        let least = k
            .orientations
            .iter()
            .filter(|o| (0..3).all(|a| o[a] <= c[a]))
            .map(|o| {
                (0..3)
                    .map(|a| u128::from(f[a].apply(o[a], c[a])))
                    .product::<u128>()
            })
            .min()
            .unwrap_or(0);
        sum += least * u128::from(k.qty);
        if sum > capacity {
            return true;
        }
    }
    false
}

/// A [`Refutation::Stack`]: for each axis, a clique of units that pairwise cannot be
/// separated along the other two (their least extents there add up to more than the
/// side, whatever the orientations) and whose least extents along the axis exceed it.
/// Branch and bound over the [`STACK_MAX_UNITS`] largest units, heaviest clique first,
/// within `budget` work units (one per node).
fn stack(kinds: &[Kind], c: Dims, budget: u64, work: &mut u64) -> Option<Refutation> {
    // Units largest first; each with its least extent along every axis over the
    // orientations that fit.
    let mut order: Vec<usize> = (0..kinds.len()).filter(|&k| kinds[k].qty > 0).collect();
    order.sort_by(|&a, &b| kinds[b].volume.cmp(&kinds[a].volume).then(a.cmp(&b)));
    let least = |k: &Kind, a: usize| {
        k.orientations
            .iter()
            .filter(|o| (0..3).all(|b| o[b] <= c[b]))
            .map(|o| o[a])
            .min()
            .unwrap_or(u32::MAX)
    };
    let units: Vec<(usize, Dims)> = order
        .iter()
        .flat_map(|&k| {
            let m = [0, 1, 2].map(|a| least(&kinds[k], a));
            std::iter::repeat_n((k, m), kinds[k].qty as usize)
        })
        .take(STACK_MAX_UNITS)
        .collect();
    let n = units.len();
    for axis in 0..3 {
        let others: Vec<usize> = (0..3).filter(|&b| b != axis).collect();
        // adj[i]: the units that must follow unit i along `axis`.
        let adj: Vec<u128> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| {
                        j != i
                            && others.iter().all(|&b| {
                                u64::from(units[i].1[b]) + u64::from(units[j].1[b])
                                    > u64::from(c[b])
                            })
                    })
                    .fold(0u128, |m, j| m | 1 << j)
            })
            .collect();
        *work += (n * n) as u64 / 8 + 1;
        let weight: Vec<u64> = units.iter().map(|u| u64::from(u.1[axis])).collect();
        let mut clique = Vec::new();
        let all = if n == 128 {
            u128::MAX
        } else {
            (1u128 << n) - 1
        };
        match heaviest_clique(
            &adj,
            &weight,
            all,
            0,
            u64::from(c[axis]),
            &mut clique,
            work,
            budget,
        ) {
            Some(true) => {
                return Some(Refutation::Stack {
                    axis,
                    lines: clique.iter().map(|&i| kinds[units[i].0].line).collect(),
                    extent_mm: clique.iter().map(|&i| weight[i]).sum(),
                })
            }
            Some(false) => {}
            None => return None,
        }
    }
    None
}

/// Extends `clique` (of weight `have`) with vertices of `cand` until its weight exceeds
/// `side`: `Some(true)` with the clique left in `clique`, `Some(false)` when no clique
/// does, `None` when `budget` is spent. Pruned by the weight of all candidates.
#[allow(clippy::too_many_arguments)]
fn heaviest_clique(
    adj: &[u128],
    weight: &[u64],
    mut cand: u128,
    have: u64,
    side: u64,
    clique: &mut Vec<usize>,
    work: &mut u64,
    budget: u64,
) -> Option<bool> {
    if have > side {
        return Some(true);
    }
    while cand != 0 {
        *work += 1 + u64::from(cand.count_ones()) / 8;
        if *work > budget {
            return None;
        }
        let rest: u64 = (0..weight.len())
            .filter(|&j| cand >> j & 1 == 1)
            .map(|j| weight[j])
            .sum();
        if have + rest <= side {
            return Some(false);
        }
        let i = cand.trailing_zeros() as usize;
        cand &= !(1u128 << i);
        clique.push(i);
        match heaviest_clique(
            adj,
            weight,
            cand & adj[i],
            have + weight[i],
            side,
            clique,
            work,
            budget,
        ) {
            Some(false) => {}
            other => return other,
        }
        clique.pop();
    }
    Some(false)
}

/// The exhaustive search on the `m` largest units for growing `m` (see the module
/// docs), within `budget` work units.
fn largest_subsets(kinds: &[Kind], c: Dims, budget: u64, work: &mut u64) -> Decision {
    // Units largest first (then by line), as (kind index) — a prefix is a subset.
    let mut order: Vec<usize> = (0..kinds.len()).filter(|&k| kinds[k].qty > 0).collect();
    order.sort_by(|&a, &b| kinds[b].volume.cmp(&kinds[a].volume).then(a.cmp(&b)));
    let units: Vec<usize> = order
        .iter()
        .flat_map(|&k| std::iter::repeat_n(k, kinds[k].qty as usize))
        .take(SEARCH_MAX_UNITS + 1)
        .collect();
    let total: usize = kinds.iter().map(|k| k.qty as usize).sum();
    let last = total.min(SEARCH_MAX_UNITS);
    let start = if total == 1 { 1 } else { 2 };
    for m in start..=last {
        let mut sub: Vec<Kind> = Vec::new();
        for &k in &units[..m] {
            match sub.last_mut() {
                Some(s) if s.line == kinds[k].line => s.qty += 1,
                _ => sub.push(Kind {
                    qty: 1,
                    ..kinds[k].clone()
                }),
            }
        }
        let left = budget.saturating_sub(*work);
        if left == 0 {
            return Decision::Unknown;
        }
        let mut nodes = 0u64;
        let outcome = exact::feasible(&sub, c, left, &mut nodes);
        *work = work.saturating_add(nodes.max(1));
        match outcome {
            Some(None) => {
                return Decision::Refuted(Refutation::Exhaustive {
                    units: m as u64,
                    nodes,
                })
            }
            Some(Some(placed)) if m == total => {
                // `sub` lists the kinds in a different order: map back to `kinds`.
                let placed = placed
                    .into_iter()
                    .map(|p| {
                        let line = sub[p.kind].line;
                        let kind = kinds.iter().position(|k| k.line == line).unwrap_or(0);
                        Placed { kind, ..p }
                    })
                    .collect();
                return Decision::Fits(placed);
            }
            Some(Some(_)) => {}
            None => return Decision::Unknown,
        }
    }
    Decision::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use courier_rules::catalogue::CartonRecord;
    use proptest::prelude::*;

    fn carton(d: [u32; 3], max_g: u64) -> Carton {
        Carton::try_from(CartonRecord {
            reference: "c".into(),
            inner_length_mm: d[0],
            inner_width_mm: d[1],
            inner_height_mm: d[2],
            outer_length_mm: d[0] + 4,
            outer_width_mm: d[1] + 4,
            outer_height_mm: d[2] + 4,
            empty_weight_g: 100,
            max_weight_g: max_g,
            price: None,
        })
        .unwrap()
    }

    fn refute(items: &[Item], d: [u32; 3]) -> Option<Refutation> {
        refute_carton(items, &carton(d, 1_000_000), &PackOptions::default()).unwrap()
    }

    #[test]
    fn weight_size_and_volume_come_first() {
        let c = carton([100, 100, 100], 1_000);
        let heavy = Item::new(10, 10, 10, 500, 2);
        assert_eq!(
            refute_carton(&[heavy], &c, &PackOptions::default()).unwrap(),
            Some(Refutation::Weight {
                gross_g: 1_100,
                max_g: 1_000
            })
        );
        let long = [Item::new(10, 10, 10, 1, 1), Item::new(101, 10, 10, 1, 1)];
        assert_eq!(
            refute(&long, [100, 100, 100]),
            Some(Refutation::UnitTooLarge { line: 1 })
        );
        let many = Item::new(10, 10, 10, 1, 1_001);
        assert!(matches!(
            refute(&[many], [100, 100, 100]),
            Some(Refutation::Volume { .. })
        ));
    }

    #[test]
    fn an_upright_unit_may_not_lie_down() {
        let tall = Item {
            upright: true,
            ..Item::new(20, 20, 100, 1, 1)
        };
        assert_eq!(
            refute(&[tall], [200, 200, 50]),
            Some(Refutation::UnitTooLarge { line: 0 })
        );
        assert_eq!(
            refute(
                &[Item {
                    upright: false,
                    ..tall
                }],
                [200, 200, 50]
            ),
            None
        );
    }

    #[test]
    fn staircase_catches_squares_over_a_third_of_a_side() {
        // Five 50 mm squares in a 120 × 110 tray: area 12,500 ≤ 13,200, but only two fit
        // along each side. u^(2) on the length counts each square as half of it.
        let squares = Item::new(50, 50, 10, 1, 5);
        assert!(matches!(
            refute(&[squares], [120, 110, 10]),
            Some(Refutation::DualFeasible { .. })
        ));
        assert_eq!(refute(&[Item::new(50, 50, 10, 1, 4)], [120, 110, 10]), None);
    }

    #[test]
    fn flat_goods_that_overlap_in_plan_are_stacked() {
        // BoxPacker order d51656af, kept flat, in its 364 × 374 × 40 "Option 2": no two
        // of the three largest can lie side by side (230 + 148 > 374), so 6 + 6 + 32 mm
        // of them stack in 40 mm. Volume and dual-feasible bounds all pass.
        let up = |l, w, h, q| Item {
            upright: true,
            ..Item::new(l, w, h, 100, q)
        };
        let items = [
            up(230, 330, 6, 2),
            up(210, 297, 8, 1),
            up(210, 297, 4, 1),
            up(148, 210, 32, 1),
        ];
        assert_eq!(
            refute(&items, [364, 374, 40]),
            Some(Refutation::Stack {
                axis: 2,
                lines: vec![3, 0, 0],
                extent_mm: 44
            })
        );
        // 4 mm less of the tall one and they stack in 40.
        let lower = [items[0], items[1], items[2], up(148, 210, 28, 1)];
        assert!(!matches!(
            refute(&lower, [364, 374, 40]),
            Some(Refutation::Stack { .. })
        ));
    }

    #[test]
    fn a_pinwheel_is_not_refuted() {
        // Four 60 × 40 plates fit a 100 × 100 tray only as a pinwheel around a 20 × 20
        // hole — no guillotine cut, no shelf: a bound that assumed either would be wrong.
        let plates = Item::new(60, 40, 10, 1, 4);
        assert_eq!(refute(&[plates], [100, 100, 10]), None);
        let goods = Goods::new(&[plates]).unwrap();
        let c = carton([100, 100, 10], 1_000_000);
        assert!(matches!(
            decide(&goods, &c, &PackOptions::default(), &mut 0),
            Decision::Fits(_)
        ));
    }

    #[test]
    fn a_found_packing_is_returned_by_decide() {
        let goods = Goods::new(&[Item::new(50, 50, 50, 1, 8)]).unwrap();
        let c = carton([100, 100, 100], 1_000_000);
        match decide(&goods, &c, &PackOptions::default(), &mut 0) {
            Decision::Fits(p) => assert_eq!(p.len(), 8),
            Decision::Refuted(r) => panic!("refuted a perfect fit: {r:?}"),
            Decision::Unknown => panic!("8 cubes in a 2 × 2 × 2 grid not found"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Soundness: the goods cut from a box never refute a carton at least that big
        /// on every side (in any turn, free rotation).
        #[test]
        fn never_refutes_a_carton_the_pieces_fit(
            d in (2u32..300, 2u32..300, 2u32..300),
            extra in (0u32..20, 0u32..20, 0u32..20),
            n in 1usize..9,
            seed in any::<u64>(),
            turn in 0usize..3,
        ) {
            let d = [d.0, d.1, d.2];
            let items = crate::packing::perfect_fit(d, n, seed);
            let big = [d[0] + extra.0, d[1] + extra.1, d[2] + extra.2];
            let c = [big[turn], big[(turn + 1) % 3], big[(turn + 2) % 3]];
            prop_assert_eq!(refute(&items, c), None, "{:?} in {:?}", items, c);
        }

        /// Soundness with upright goods: pieces cut from a box and only turned about the
        /// vertical axis, kept upright, never refute a carton at least that big.
        #[test]
        fn never_refutes_upright_pieces_in_their_box(
            d in (2u32..300, 2u32..300, 2u32..300),
            extra in (0u32..20, 0u32..20, 0u32..20),
            n in 1usize..9,
            seed in any::<u64>(),
        ) {
            let d = [d.0, d.1, d.2];
            // perfect_fit turns pieces by quarter turns of all axes; undo it by cutting
            // in the same way and keeping each piece's own height from a turn-free cut.
            let items: Vec<Item> = upright_pieces(d, n, seed);
            let c = [d[0] + extra.0, d[1] + extra.1, d[2] + extra.2];
            prop_assert_eq!(refute(&items, c), None, "{:?} in {:?}", items, c);
            let turned = [c[1], c[0], c[2]];
            prop_assert_eq!(refute(&items, turned), None, "{:?} in {:?}", items, turned);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Soundness on mixed goods (free and upright lines): whatever the loader packs
        /// completely is never refuted, and a packing `decide` finds is valid.
        #[test]
        fn never_refutes_what_the_loader_packs(
            lines in prop::collection::vec((1u32..120, 1u32..120, 1u32..60, 1u32..5, any::<bool>()), 1..6),
            c in (20u32..250, 20u32..250, 10u32..120),
        ) {
            let items: Vec<Item> = lines
                .iter()
                .map(|&(l, w, h, q, up)| Item { upright: up, ..Item::new(l, w, h, 1, q) })
                .collect();
            let c = [c.0, c.1, c.2];
            let packed = crate::packing::fits_in(&items, c, &PackOptions::default()).unwrap();
            let goods = Goods::new(&items).unwrap();
            let decision = decide(&goods, &carton(c, 1_000_000), &PackOptions::default(), &mut 0);
            if packed.is_some() {
                prop_assert!(!matches!(decision, Decision::Refuted(_)), "{:?} in {:?}", items, c);
            }
            if let Decision::Fits(p) = decision {
                prop_assert_eq!(p.len() as u64, goods.units);
                for (i, a) in p.iter().enumerate() {
                    let k = &goods.kinds[a.kind];
                    prop_assert!(k.orientations.contains(&a.size));
                    prop_assert!((0..3).all(|x| a.pos[x] + a.size[x] <= c[x]));
                    for b in &p[i + 1..] {
                        prop_assert!((0..3).any(|x| a.pos[x] + a.size[x] <= b.pos[x] || b.pos[x] + b.size[x] <= a.pos[x]));
                    }
                }
            }
        }
    }

    /// Pieces of a guillotine cut of `d`, each kept with its vertical extent vertical
    /// (footprints swapped for odd pieces), upright.
    fn upright_pieces(d: [u32; 3], n: usize, seed: u64) -> Vec<Item> {
        let mut s = seed | 1;
        let mut parts = vec![d];
        while parts.len() < n {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let i = (s % parts.len() as u64) as usize;
            let p = parts[i];
            let a = (s >> 8) as usize % 3;
            if p[a] < 2 {
                break;
            }
            let at = 1 + ((s >> 16) % u64::from(p[a] - 1)) as u32;
            let (mut x, mut y) = (p, p);
            x[a] = at;
            y[a] = p[a] - at;
            parts[i] = x;
            parts.push(y);
        }
        parts
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let (l, w) = if k % 2 == 0 {
                    (p[0], p[1])
                } else {
                    (p[1], p[0])
                };
                Item {
                    upright: true,
                    ..Item::new(l, w, p[2], 1, 1)
                }
            })
            .collect()
    }
}
