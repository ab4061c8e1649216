//! Delivery-method limits against goods: is there *some* packing of the goods that the
//! method accepts?
//!
//! The smallest-volume packing is not always the one to send: a long thin arrangement
//! can have less volume and still break a maximum side, while a squarer one of more
//! volume passes. So each method is answered by a search of its own: first the minimal
//! packing, then candidate boxes the limits admit (smallest volume first), each filled by
//! the loader, within the work budget. Lower bounds short-cut the hopeless cases (an item
//! longer than the maximum side fails every packing).

use courier_rules::limits::{DeliveryMethod, Exceeded, MethodLimits};
use courier_rules::Sides;
use serde::Serialize;

use super::kind::Dims;
use super::minbox::{self, key_of};
use super::{carton, solve, Goods, Item, PackError, PackOptions};

/// The answer for one delivery method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodVerdict {
    /// The method's identifier in the carrier rules.
    pub method_id: String,
    /// The method's display name.
    pub name: String,
    /// Some packing of the goods meets every limit.
    pub within: bool,
    /// Every limit exceeded, with the value measured on the smallest packing (or on the
    /// cell test); empty when `within`.
    pub exceeded: Vec<Exceeded>,
    /// Sides of the packing that meets the limits (when `within`), else of the smallest
    /// packing the excess was measured on; longest first (JSON `[l, w, h]`).
    pub parcel_mm: Sides,
}

/// Checks every method against the goods; one verdict per method, in the given order.
///
/// ```
/// use courier_engine::packing::{check_methods, Item, PackOptions};
/// use courier_engine::rules::limits::{DeliveryMethod, MethodLimits, MethodLimitsRecord};
/// // Six 300 × 100 × 100 units: the smallest box is 600 × 300 × 100 (sides sum 1000),
/// // but 300 × 300 × 200 (sum 800) meets a 900 mm sum-of-sides limit.
/// let limits = MethodLimitsRecord { max_sum_of_sides_mm: Some(900), ..Default::default() };
/// let m = DeliveryMethod { id: "post".into(), name: "Post".into(),
///     limits: MethodLimits::try_from(limits).unwrap() };
/// let v = check_methods(&[Item::new(300, 100, 100, 100, 6)], &[m], &PackOptions::default()).unwrap();
/// assert!(v[0].within, "{:?}", v[0]);
/// ```
pub fn check_methods(
    items: &[Item],
    methods: &[DeliveryMethod],
    opts: &PackOptions,
) -> Result<Vec<MethodVerdict>, PackError> {
    let goods = Goods::new(items)?;
    let (found, _) = solve(&goods, opts);
    verdicts(&goods, &found, methods, opts)
}

/// The verdicts for goods already packed into `found` (so that [`super::check_parcel`]
/// searches the smallest box once, not once per question). `Err` only if a packing had
/// a zero side, which goods [`Goods::new`] accepted never make.
pub(crate) fn verdicts(
    goods: &Goods,
    found: &minbox::Found,
    methods: &[DeliveryMethod],
    opts: &PackOptions,
) -> Result<Vec<MethodVerdict>, PackError> {
    let smallest = packed_sides(found.dims)?;
    methods
        .iter()
        .map(|m| verdict(goods, m, smallest, opts))
        .collect()
}

/// The sides of a packing's bounding box (a packer's working triple, any order).
fn packed_sides(d: Dims) -> Result<Sides, PackError> {
    Sides::from_array(d).map_err(|source| PackError::ZeroSide {
        what: "the packing's box".into(),
        source,
    })
}

fn verdict(
    goods: &Goods,
    m: &DeliveryMethod,
    smallest: Sides,
    opts: &PackOptions,
) -> Result<MethodVerdict, PackError> {
    let limits = &m.limits;
    let mut exceeded = Vec::new();
    if let Some(max) = limits.max_weight_g() {
        if goods.weight_g > max {
            exceeded.push(Exceeded::Weight {
                value_g: goods.weight_g,
                max_g: max,
            });
        }
    }
    let mut parcel = smallest;
    if !limits.admits_sides(smallest) {
        match admissible(goods, limits, opts)? {
            Some(d) => parcel = d,
            None => exceeded.extend(
                limits
                    .check_box_without_cells(smallest, 0)
                    .into_iter()
                    .filter(|e| !matches!(e, Exceeded::Weight { .. })),
            ),
        }
    }
    if !limits.cells().is_empty() {
        let fits = limits.cells().iter().any(|c| {
            c.max_weight_g().is_none_or(|w| goods.weight_g <= w)
                && carton::fit(goods, c.dims_mm(), opts).is_some()
        });
        if !fits {
            exceeded.push(Exceeded::Cells {
                cells: limits
                    .cells()
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect(),
            });
        }
    }
    Ok(MethodVerdict {
        method_id: m.id.clone(),
        name: m.name.clone(),
        within: exceeded.is_empty(),
        exceeded,
        parcel_mm: parcel,
    })
}

/// Searches for a packing whose box the side limits admit: candidate boxes built from
/// the goods' edges, admitted by the limits, smallest volume first, each tried with the
/// loader. `None` when the lower bound already rules it out or the search finds none.
fn admissible(
    goods: &Goods,
    limits: &MethodLimits,
    opts: &PackOptions,
) -> Result<Option<Sides>, PackError> {
    let lb = goods.lb.sides_mm.to_array();
    if !limits.admits_sides(goods.lb.sides_mm) {
        return Ok(None); // Even the per-axis bound breaks a limit: no packing can pass.
    }
    let cap = limits
        .max_side_mm()
        .unwrap_or(u32::MAX)
        .min(limits.max_sum_of_sides_mm().unwrap_or(u32::MAX))
        .min(limits.max_length_plus_girth_mm().unwrap_or(u32::MAX));
    let values = minbox::side_values(
        &goods.kinds,
        &[0, 1, 2],
        lb[2],
        cap.min(super::MAX_SIDE_MM * 10),
        48,
    );
    let mut boxes: Vec<((u64, u32, u64), Dims)> = Vec::new();
    for (i, &a) in values.iter().enumerate() {
        for (j, &b) in values[..=i].iter().enumerate() {
            for &c in &values[..=j] {
                let d = [a, b, c];
                let k = key_of(d);
                // At or above the bound, so no side is zero.
                if a < lb[0] || b < lb[1] || c < lb[2] || k.0 < goods.volume_mm3 {
                    continue;
                }
                if !limits.admits_sides(packed_sides(d)?) {
                    continue;
                }
                boxes.push((k, d));
            }
        }
    }
    boxes.sort_unstable();
    let mut work = 0u64;
    for (_, d) in boxes {
        if work > opts.fit_work_budget {
            break;
        }
        // Upright goods care which side of the box is vertical: try each turn.
        for (t, _) in carton::container_turns(d, true) {
            if let Some(p) = minbox::fill(t, &goods.kinds, &mut work) {
                return packed_sides(minbox::bbox(&p)).map(Some);
            }
            if goods.free {
                break;
            }
        }
    }
    Ok(None)
}
