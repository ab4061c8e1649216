//! "Optimal packing" of goods into one parcel (Aplix CheckDimensions), carrier limits
//! and carton choice.
//!
//! The question a checkout or warehouse service asks first is *what parcel will these
//! goods make, and which delivery methods will take it?* [`pack`] answers the first half:
//! the smallest bounding box of all units (volume first, then the longest side, then the
//! sum of sides), with every unit's placement and the lower bound the answer is measured
//! against. [`check_methods`] answers the second half — whether *some* packing meets each
//! method's limits, which is not always the smallest one — and [`choose_carton`] picks the
//! cheapest carton of a catalogue that holds the goods. [`check_dimensions`] wraps it all
//! in Aplix's contract (metres and kilograms).
//!
//! Small inputs (up to [`PackOptions::exact_max_units`] units) are solved exactly and
//! flagged `optimal: true`; larger ones by a deterministic block-building heuristic within
//! a work budget. Every algorithm is deterministic: same goods, same bytes.
//!
//! ```
//! use courier_engine::packing::{pack, Item, PackOptions};
//! // Two books side by side make a 300 × 200 × 60 parcel.
//! let book = Item::new(300, 200, 30, 500, 2);
//! let p = pack(&[book], &PackOptions::default()).unwrap();
//! assert_eq!((p.length_mm, p.width_mm, p.height_mm), (300, 200, 60));
//! assert_eq!(p.weight_g, 1000);
//! assert!(p.optimal);
//! assert_eq!(p.placements.len(), 2);
//! ```

mod aplix;
mod bound;
mod carton;
mod exact;
mod guillotine;
mod kind;
mod loader;
mod methods;
mod minbox;
mod parcel;
mod perfect_fit;
mod refute;
mod split;
mod verify;

pub use aplix::{check_dimensions, CheckDimensions, CheckDimensionsError, GoodsM};
pub use carton::{choose_carton, fits_in, CartonChoice};
pub use methods::{check_methods, MethodVerdict};
pub use parcel::{check_parcel, ParcelCheck};
pub use perfect_fit::perfect_fit;
pub use refute::{refute_carton, AxisFunction, Refutation};
pub use split::{
    split_budget, split_into_cartons, verify_shipment, CartonSplit, ShippedCarton, SplitError,
    SPLIT_WORK_MIN,
};
pub use verify::verify;

/// Benchmark-facing container loading (fixed container, maximise packed volume), as in
/// the Bischoff–Ratcliff instances.
pub use carton::{load_container, ContainerItem, ContainerLoad};

use courier_rules::Sides;
use kind::{Dims, Kind};
use serde::Serialize;

/// Largest side accepted, in millimetres (100 m): beyond it the input is surely an error
/// (metres typed as millimetres), and the arithmetic stays far from overflow.
pub const MAX_SIDE_MM: u32 = 100_000;
/// Largest number of units in one call.
pub const MAX_UNITS: u64 = 1_000_000;
/// Largest sum over units of their longest side (about 1,000 km): keeps every coordinate,
/// and twice it, inside `u32`.
pub const MAX_TOTAL_LENGTH_MM: u64 = (u32::MAX / 4) as u64;

/// One line of goods: a unit's size and weight, how many units, and whether they must
/// stay upright — the goods type of the whole engine. Packing takes it as is; pricing's
/// [`GoodsLine`](crate::pricing::GoodsLine) is one of these plus the SKU and name it
/// echoes; the Aplix wire shapes in metres and kilograms ([`GoodsM`],
/// `courier_rules::aplix::shapes`) convert into it, rounding up, in one place each.
///
/// The fields are private and set once: [`Item::new`] takes any sizes (goods as a
/// caller wrote them), [`Item::try_new`] refuses a line the packer would refuse, and
/// [`Item::with_upright`] keeps a side vertical. [`Item::new`] does not check, on
/// purpose: what the packer must assume is partly about the whole list (units, weight
/// and length in total, the line a message names), so every entry point ([`pack`],
/// [`check_methods`], [`choose_carton`], [`split_into_cartons`], …) validates the list
/// first, with [`Item::check`] for each line, and answers [`PackError`] naming the line.
/// A quote's goods with a zero side therefore fail where they always did — after the
/// request's own fields, as `goods[i].field` — not while the JSON is read.
///
/// Serialised with the field names of the JSON inputs (`length_mm`, …, `qty`,
/// `upright`), as before the fields were private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Item {
    /// Length of one unit, in mm.
    length_mm: u32,
    /// Width of one unit, in mm.
    width_mm: u32,
    /// Height of one unit, in mm (the vertical side when `upright`).
    height_mm: u32,
    /// Weight of one unit.
    weight_g: u64,
    /// Number of units (at least 1).
    qty: u32,
    /// The unit must keep `height_mm` vertical (it may still turn about the vertical axis).
    #[serde(default)]
    upright: bool,
}

/// A goods line the packer refuses, without its position in the list (the entry points
/// add it: [`PackError::Zero`], [`PackError::TooLarge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemError {
    /// A side or the quantity is 0.
    #[error("{field}: must be greater than 0")]
    Zero {
        /// The field's name (`length_mm`, `width_mm`, `height_mm`, `qty`).
        field: &'static str,
    },
    /// A side exceeds [`MAX_SIDE_MM`].
    #[error("{field}: {value} exceeds the maximum of {max}")]
    TooLarge {
        /// The field's name.
        field: &'static str,
        /// The value given.
        value: u64,
        /// The largest value accepted.
        max: u64,
    },
}

impl ItemError {
    /// A stable, machine-readable code (snake_case), the same as [`PackError::code`] of
    /// the error it becomes.
    pub fn code(&self) -> &'static str {
        match self {
            ItemError::Zero { .. } => "zero",
            ItemError::TooLarge { .. } => "too_large",
        }
    }

    /// The error naming the goods line `line` (0-based index into the list).
    pub fn at(self, line: usize) -> PackError {
        match self {
            ItemError::Zero { field } => PackError::Zero { line, field },
            ItemError::TooLarge { field, value, max } => PackError::TooLarge {
                line,
                field,
                value,
                max,
            },
        }
    }
}

impl Item {
    /// `qty` units of one size and weight, free to rotate; not checked (see the type's
    /// docs): the packing entry points check every line.
    pub fn new(length_mm: u32, width_mm: u32, height_mm: u32, weight_g: u64, qty: u32) -> Item {
        Item {
            length_mm,
            width_mm,
            height_mm,
            weight_g,
            qty,
            upright: false,
        }
    }

    /// [`Item::new`], refused when the packer would refuse the line: a side or `qty` of
    /// 0, or a side over [`MAX_SIDE_MM`].
    ///
    /// ```
    /// use courier_engine::packing::{Item, ItemError};
    /// assert!(Item::try_new(300, 200, 30, 500, 2).is_ok());
    /// let e = Item::try_new(300, 0, 30, 500, 2).unwrap_err();
    /// assert_eq!(e, ItemError::Zero { field: "width_mm" });
    /// assert_eq!(e.at(1).to_string(), "goods[1].width_mm: must be greater than 0");
    /// ```
    pub fn try_new(
        length_mm: u32,
        width_mm: u32,
        height_mm: u32,
        weight_g: u64,
        qty: u32,
    ) -> Result<Item, ItemError> {
        let item = Item::new(length_mm, width_mm, height_mm, weight_g, qty);
        item.check().map(|()| item)
    }

    /// The same line, keeping `height_mm` vertical when `upright` (it may still turn
    /// about the vertical axis), free to rotate otherwise.
    #[must_use]
    pub fn with_upright(self, upright: bool) -> Item {
        Item { upright, ..self }
    }

    /// Whether the packer takes this line on its own: every side in 1..=[`MAX_SIDE_MM`]
    /// (checked in the order length, width, height), then `qty` ≥ 1. The limits on the
    /// whole list (units, weight and length in total) are checked by the entry points.
    pub fn check(&self) -> Result<(), ItemError> {
        for (field, v) in [
            ("length_mm", self.length_mm),
            ("width_mm", self.width_mm),
            ("height_mm", self.height_mm),
        ] {
            if v == 0 {
                return Err(ItemError::Zero { field });
            }
            if v > MAX_SIDE_MM {
                return Err(ItemError::TooLarge {
                    field,
                    value: u64::from(v),
                    max: u64::from(MAX_SIDE_MM),
                });
            }
        }
        if self.qty == 0 {
            return Err(ItemError::Zero { field: "qty" });
        }
        Ok(())
    }

    /// Length of one unit, in mm.
    pub fn length_mm(&self) -> u32 {
        self.length_mm
    }

    /// Width of one unit, in mm.
    pub fn width_mm(&self) -> u32 {
        self.width_mm
    }

    /// Height of one unit, in mm (the vertical side when upright).
    pub fn height_mm(&self) -> u32 {
        self.height_mm
    }

    /// Weight of one unit, in g.
    pub fn weight_g(&self) -> u64 {
        self.weight_g
    }

    /// Number of units.
    pub fn qty(&self) -> u32 {
        self.qty
    }

    /// Whether the units must keep `height_mm` vertical.
    pub fn is_upright(&self) -> bool {
        self.upright
    }
}

/// Effort and exactness settings. Budgets are counted in work units, not time, so an
/// answer never depends on the machine's speed or load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackOptions {
    /// Work units the heuristic may spend: one per orientation of a kind tried in a free
    /// space — about 100 ns on a 10-unit basket, more on large orders, whose loader steps
    /// also walk many free spaces. The default (800) keeps a 10-unit basket near 80 µs
    /// and finds there the box any larger budget finds; larger orders keep gaining with
    /// more (see the budget table in `BENCHMARKS.md`).
    pub work_budget: u64,
    /// Work units (same unit as `work_budget`) for fitting goods into one *given*
    /// container — a carton, a locker cell, a limit check: loader restarts after the
    /// plain attempts. Separate from `work_budget` because a carton question is asked
    /// once per carton type, and "does it fit" deserves more effort than "how small".
    pub fit_work_budget: u64,
    /// Work units (search nodes, 6–25 ns each; a bound tried on a candidate box costs
    /// 16 + 8 per kind, the gap-free search also pays for the points it checks) the
    /// exact search may spend. The default 2,000,000 bounds it to about 12–50 ms per
    /// call, enough to settle the tie-breaks of 90 % of perfect fits of 8 units (see
    /// `BENCHMARKS.md`, "Packing: proofs, perfect fits and budgets").
    pub exact_work_budget: u64,
    /// Inputs with at most this many units go to the exact search. Default 4: small
    /// geometric instances are proven well within 50 ms, while realistic mixed baskets
    /// of 4–5 units can spend the whole budget without a proof (see `docs/packing.md`).
    pub exact_max_units: u64,
}

impl Default for PackOptions {
    fn default() -> Self {
        PackOptions {
            work_budget: 800,
            fit_work_budget: 50_000,
            exact_work_budget: 2_000_000,
            exact_max_units: 4,
        }
    }
}

impl PackOptions {
    /// Budgets for about `ms` milliseconds on the reference machine, never below the
    /// defaults; deterministic like every budget (the engine never reads a clock).
    /// 10,000 heuristic work units per ms (measured on a 10-unit basket; large orders
    /// take longer per unit) and 40,000 exact work units per ms (the slowest exact
    /// searches measured, gap-free packings of 8 units, cost about 22 ns per unit). A
    /// search that proves its answer stops there, so most calls take far less.
    pub fn with_budget_ms(ms: u64) -> Self {
        let d = PackOptions::default();
        PackOptions {
            work_budget: ms.saturating_mul(10_000).max(d.work_budget),
            fit_work_budget: ms.saturating_mul(10_000).max(d.fit_work_budget),
            exact_work_budget: ms.saturating_mul(40_000).max(d.exact_work_budget),
            ..Default::default()
        }
    }
}

/// One unit placed: input line, minimum corner and oriented size, in the frame of the
/// reported parcel (`x` along `length_mm`, `y` along `width_mm`, `z` along `height_mm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// 0-based row of the input this unit comes from.
    pub line: usize,
    /// Minimum corner along `x`, in mm.
    pub x_mm: u32,
    /// Minimum corner along `y`, in mm.
    pub y_mm: u32,
    /// Minimum corner along `z`, in mm.
    pub z_mm: u32,
    /// Oriented size along `x`, in mm.
    pub dx_mm: u32,
    /// Oriented size along `y`, in mm.
    pub dy_mm: u32,
    /// Oriented size along `z`, in mm.
    pub dz_mm: u32,
}

/// What an answer is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LowerBound {
    /// Total volume of the units.
    pub units_volume_mm3: u64,
    /// No parcel can have sorted sides below these: the longest of the units' longest
    /// edges, of their middle edges, of their shortest edges. A [`Sides`]: sorted (the
    /// rank-wise maximum of sorted sides is sorted) and non-zero (every unit is); JSON
    /// `[l, w, h]` as when this was an array.
    pub sides_mm: Sides,
    /// `max(units_volume_mm3, product of sides_mm)`: no packing has a smaller volume.
    pub volume_mm3: u64,
}

/// The answer of [`pack`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Packing {
    /// Sides of the bounding box, longest first.
    pub length_mm: u32,
    /// Middle side of the bounding box.
    pub width_mm: u32,
    /// Shortest side of the bounding box.
    pub height_mm: u32,
    /// Total weight of the goods (no packaging).
    pub weight_g: u64,
    /// Volume of the bounding box.
    pub volume_mm3: u64,
    /// `lower_bound.volume_mm3`, repeated at top level for scripts.
    pub lower_bound_mm3: u64,
    /// The bounds the box is measured against.
    pub lower_bound: LowerBound,
    /// True when the box is proven minimal (volume, then longest side, then sum of sides).
    pub optimal: bool,
    /// When some item must stay upright: which axis of this frame (`"x"`, `"y"`, `"z"`) is
    /// vertical. Absent when every item rotates freely.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical_axis: Option<&'static str>,
    /// Every unit, ordered by input line then position.
    pub placements: Vec<Placement>,
}

/// Bad goods, naming the line and the field.
///
/// A line is named by its 0-based index into the goods list, as a JSON path does:
/// `goods[1].width_mm` (the second line; a quote request's field of that name is the
/// same path). File parsers name what an editor shows instead — a CSV line counts the
/// header as line 1 ([`crate::inputs`]) — so "line N" in a message is always a line of
/// a file, never an index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// No line at all.
    #[error("no goods: at least one line with qty ≥ 1 is required")]
    NoGoods,
    /// A side or the quantity of a line is 0.
    #[error("goods[{line}].{field}: must be greater than 0")]
    Zero {
        /// 0-based index of the line in the goods list.
        line: usize,
        /// The field's name.
        field: &'static str,
    },
    /// A side of a line exceeds [`MAX_SIDE_MM`].
    #[error("goods[{line}].{field}: {value} exceeds the maximum of {max}")]
    TooLarge {
        /// 0-based index of the line in the goods list.
        line: usize,
        /// The field's name.
        field: &'static str,
        /// The value given.
        value: u64,
        /// The largest value accepted.
        max: u64,
    },
    /// More than [`MAX_UNITS`] units in all.
    #[error("too many units: {units} (at most {max} per call)")]
    TooManyUnits {
        /// Units counted up to the line that went over.
        units: u64,
        /// The largest number accepted.
        max: u64,
    },
    /// The total weight does not fit in 64 bits of grams.
    #[error("total weight overflows")]
    WeightOverflow,
    /// A packing's box has a zero side — never for goods this error type did not refuse
    /// (kept as the defensive answer of a packer; a
    /// [`Carton`](courier_rules::catalogue::Carton) has no zero side by construction).
    #[error("{what}: {source}")]
    ZeroSide {
        /// The box, e.g. `the packing's box`.
        what: String,
        /// Which side is zero.
        source: courier_rules::SidesError,
    },
    /// All units laid end to end would exceed [`MAX_TOTAL_LENGTH_MM`]: coordinates of some
    /// packings could then overflow, so the input is refused rather than mis-packed.
    #[error("goods too large in total: {length_mm} mm end to end (at most {max} mm)")]
    TotalLengthTooLarge {
        /// Sum of the units' longest sides, up to the line that went over.
        length_mm: u64,
        /// The largest sum accepted.
        max: u64,
    },
}

impl PackError {
    /// A stable, machine-readable code for the kind of error (snake_case).
    pub fn code(&self) -> &'static str {
        match self {
            PackError::NoGoods => "no_goods",
            PackError::Zero { .. } => "zero",
            PackError::TooLarge { .. } => "too_large",
            PackError::TooManyUnits { .. } => "too_many_units",
            PackError::WeightOverflow => "weight_overflow",
            PackError::ZeroSide { .. } => "zero_side",
            PackError::TotalLengthTooLarge { .. } => "total_length_too_large",
        }
    }

    /// The goods line the error is about (0-based index), when it is about one line.
    pub fn line(&self) -> Option<usize> {
        match self {
            PackError::Zero { line, .. } | PackError::TooLarge { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// Validated goods: kinds for the packers plus totals.
pub(crate) struct Goods {
    pub kinds: Vec<Kind>,
    pub units: u64,
    pub weight_g: u64,
    pub volume_mm3: u64,
    pub lb: LowerBound,
    /// Every kind may rotate freely.
    pub free: bool,
}

impl Goods {
    pub fn new(items: &[Item]) -> Result<Goods, PackError> {
        let mut kinds = Vec::with_capacity(items.len());
        let mut units = 0u64;
        let mut total_length = 0u64;
        let mut weight = 0u64;
        let mut volume = 0u64;
        let mut sides = [0u32; 3];
        for (line, it) in items.iter().enumerate() {
            it.check().map_err(|e| e.at(line))?;
            units += u64::from(it.qty);
            if units > MAX_UNITS {
                return Err(PackError::TooManyUnits {
                    units,
                    max: MAX_UNITS,
                });
            }
            weight = it
                .weight_g
                .checked_mul(u64::from(it.qty))
                .and_then(|w| w.checked_add(weight))
                .ok_or(PackError::WeightOverflow)?;
            let vertical = if it.upright {
                [false, false, true]
            } else {
                [true; 3]
            };
            let k = Kind::new(
                line,
                [it.length_mm, it.width_mm, it.height_mm],
                vertical,
                it.qty,
                it.weight_g,
            );
            total_length += u64::from(k.sorted[0]) * u64::from(it.qty);
            if total_length > MAX_TOTAL_LENGTH_MM {
                return Err(PackError::TotalLengthTooLarge {
                    length_mm: total_length,
                    max: MAX_TOTAL_LENGTH_MM,
                });
            }
            // 1e5³ × 1e6 = 1e21 could overflow u64; saturate (only bounds use it).
            volume = volume.saturating_add(k.volume.saturating_mul(u64::from(it.qty)));
            for a in 0..3 {
                sides[a] = sides[a].max(k.sorted[a]);
            }
            kinds.push(k);
        }
        if kinds.is_empty() {
            return Err(PackError::NoGoods);
        }
        let free = items.iter().all(|i| !i.upright);
        let prod = u64::from(sides[0]) * u64::from(sides[1]) * u64::from(sides[2]);
        // Never an error: every unit's sides passed `Item::check`, so none is zero.
        let sides_mm = Sides::from_array(sides).map_err(|source| PackError::ZeroSide {
            what: "the goods' lower bound".into(),
            source,
        })?;
        let lb = LowerBound {
            units_volume_mm3: volume,
            sides_mm,
            volume_mm3: volume.max(prod),
        };
        Ok(Goods {
            kinds,
            units,
            weight_g: weight,
            volume_mm3: volume,
            lb,
            free,
        })
    }
}

/// Packs all units into the smallest bounding box (see the module docs for the order of
/// criteria). Exact up to `opts.exact_max_units` units, heuristic beyond.
pub fn pack(items: &[Item], opts: &PackOptions) -> Result<Packing, PackError> {
    let goods = Goods::new(items)?;
    let (found, optimal) = solve(&goods, opts);
    Ok(packing_from(&goods, &found, optimal))
}

/// The search itself, shared by [`pack`] and the limit checks.
pub(crate) fn solve(goods: &Goods, opts: &PackOptions) -> (minbox::Found, bool) {
    let lb = goods.lb.sides_mm.to_array();
    // Inputs headed for the exact search get a larger heuristic budget: a tighter
    // incumbent leaves the exact search fewer candidate boxes to rule out.
    let budget = if goods.units <= opts.exact_max_units {
        opts.work_budget.saturating_mul(4)
    } else {
        opts.work_budget
    };
    // A perfect guillotine box, when the units make one, is the best first solution
    // there is: its volume is the units' own, so only the tie-breaks remain to prove.
    let small = goods.units <= guillotine::MAX_UNITS;
    let faces = goods.free
        && goods.units <= guillotine::MERGE_MAX_UNITS
        && guillotine::pieces_share_a_face(&goods.kinds, small);
    let perfect = if faces && small {
        guillotine::perfect(&goods.kinds, opts.exact_work_budget)
    } else {
        None
    };
    if let Some(p) = &perfect {
        if proven_by_bounds(goods, p, opts.exact_work_budget) {
            return (p.clone(), true);
        }
    }
    let (mut found, mut proven) = minbox::search(goods, budget, opts.exact_work_budget);
    let other = match perfect {
        Some(p) => Some(p),
        // Smaller inputs had the exhaustive construction above; merging only pays off
        // beyond it.
        None if faces && goods.units > guillotine::MAX_UNITS => merged_first(goods, budget, opts),
        None => None,
    };
    if let Some(o) = other {
        if o.key() < found.key() {
            found = o;
            proven = proven_by_bounds(goods, &found, opts.exact_work_budget);
        }
    }
    if proven {
        return (found, true);
    }
    // Small inputs get the full search; larger ones whose volume already meets the bound
    // only need the tie-breaks settled, which the same search does cheaply.
    let volume_tight = found.key().0 == goods.lb.volume_mm3 && goods.units <= 64;
    if goods.units <= opts.exact_max_units || volume_tight {
        match exact::search(
            &goods.kinds,
            &found,
            lb,
            goods.volume_mm3,
            goods.free,
            opts.exact_work_budget,
        ) {
            exact::Exact::Optimal(f) => return (f, true),
            exact::Exact::Unproven => {}
        }
    }
    (found, false)
}

/// The heuristic run on the blocks of [`guillotine::merged_blocks`] instead of the units
/// (fewer, larger pieces that already hold the units without gaps), mapped back to the
/// units; `None` when no two units share a face.
fn merged_first(goods: &Goods, budget: u64, opts: &PackOptions) -> Option<minbox::Found> {
    let blocks = guillotine::merged_blocks(&goods.kinds)?;
    let items: Vec<Item> = blocks
        .iter()
        .map(|(d, _)| Item::new(d[0], d[1], d[2], 0, 1))
        .collect();
    let block_goods = Goods::new(&items).ok()?;
    let found = if blocks.len() == 1 {
        minbox::stacked_grids(&block_goods.kinds)
    } else {
        // Proven or not for the blocks, the claim is decided for the units by the caller.
        minbox::search(&block_goods, budget, opts.exact_work_budget).0
    };
    Some(guillotine::expand(&blocks, &found))
}

/// Whether `found` is optimal by the bounds alone: its sorted sides equal the per-axis
/// bound (nothing can be smaller on any criterion), or its volume equals the lower bound
/// and no box of that volume with better tie-breaks survives
/// [`bound::volume_tight_is_optimal`] (at most `budget` work units).
pub(crate) fn proven_by_bounds(goods: &Goods, found: &minbox::Found, budget: u64) -> bool {
    let lb = goods.lb.sides_mm.to_array();
    sorted(found.dims) == lb
        || (found.key().0 == goods.lb.volume_mm3
            && bound::volume_tight_is_optimal(
                &goods.kinds,
                found.dims,
                goods.lb.volume_mm3,
                lb,
                goods.free,
                budget,
            ) == Some(true))
}

fn sorted(d: Dims) -> Dims {
    courier_rules::limits::sort_desc(d)
}

/// Converts an internal packing (z vertical) into the reported frame: sides sorted
/// longest first, placements permuted alike and ordered by line then position.
pub(crate) fn packing_from(goods: &Goods, found: &minbox::Found, optimal: bool) -> Packing {
    let d = found.dims;
    // perm[i] = internal axis reported as output axis i; stable for equal sides.
    let mut perm = [0usize, 1, 2];
    perm.sort_by(|&a, &b| d[b].cmp(&d[a]).then(a.cmp(&b)));
    let mut placements: Vec<Placement> = found
        .placed
        .iter()
        .map(|p| Placement {
            line: goods.kinds[p.kind].line,
            x_mm: p.pos[perm[0]],
            y_mm: p.pos[perm[1]],
            z_mm: p.pos[perm[2]],
            dx_mm: p.size[perm[0]],
            dy_mm: p.size[perm[1]],
            dz_mm: p.size[perm[2]],
        })
        .collect();
    placements.sort_by_key(|p| (p.line, p.z_mm, p.y_mm, p.x_mm));
    let vertical_axis = if goods.free {
        None
    } else {
        Some(["x", "y", "z"][perm.iter().position(|&a| a == 2).unwrap_or(2)])
    };
    let [l, w, h] = [d[perm[0]], d[perm[1]], d[perm[2]]];
    Packing {
        length_mm: l,
        width_mm: w,
        height_mm: h,
        weight_g: goods.weight_g,
        volume_mm3: u64::from(l) * u64::from(w) * u64::from(h),
        lower_bound_mm3: goods.lb.volume_mm3,
        lower_bound: goods.lb,
        optimal,
        vertical_axis,
        placements,
    }
}
