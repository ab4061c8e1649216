//! Splitting goods across several cartons of a catalogue, when no single carton holds
//! them all.
//!
//! [`choose_carton`](super::choose_carton) answers "which one carton?"; a warehouse with a large order asks
//! the next question: *how few cartons, and which, if one will not do?* The answer is a
//! [`CartonSplit`]: every carton used, the units inside with their placements, the gross
//! weight and price of each, and a lower bound on the number of cartons so a caller can
//! see how far from the best possible the answer may be.
//!
//! Objective: **fewest cartons, then the lowest total price** (cartons rank by
//! [`Carton::cost_key`], so unknown prices fall back to the smaller carton). The problem
//! is a three-dimensional bin packing with variable bin sizes — NP-hard — so the search
//! is a deterministic heuristic:
//!
//! 1. if one carton holds everything, it is the cheapest such carton
//!    ([`choose_carton`](super::choose_carton), then for small orders the exhaustive
//!    search of [`refute_carton`](super::refute_carton));
//! 2. otherwise cartons are filled one at a time: each carton type is loaded with the
//!    remaining units (the block loader of [`load_container`](super::load_container), restricted to units the
//!    type can take alone), trimmed to its weight limit, and the type that takes the most
//!    volume is kept; before each fill, the rest is tried in one carton;
//! 3. cartons whose contents fit together in one carton are merged;
//! 4. each carton's contents are re-packed into the cheapest carton that holds them.
//!
//! Every step is deterministic (ties break on catalogue cost order, then on lines), and
//! [`verify_shipment`] checks any shipment independently.
//!
//! ```
//! use courier_engine::packing::{split_into_cartons, verify_shipment, Item, PackOptions};
//! use courier_engine::rules::catalogue::{Carton, CartonRecord};
//! let carton = Carton::try_from(CartonRecord {
//!     reference: "A4-box".into(), inner_length_mm: 300, inner_width_mm: 220, inner_height_mm: 300,
//!     outer_length_mm: 306, outer_width_mm: 226, outer_height_mm: 306,
//!     empty_weight_g: 150, max_weight_g: 5_000, price: Some("2.50".parse().unwrap()),
//! }).unwrap();
//! // 25 reams of 50 mm: six stack in a carton, but only five by weight (900 g each).
//! let reams = Item::new(297, 210, 50, 900, 25);
//! let cat = [carton];
//! let s = split_into_cartons(&[reams], &cat, &PackOptions::default()).unwrap();
//! assert_eq!(s.cartons_count, 5);
//! assert_eq!(s.cartons_lower_bound, 5);
//! assert!(s.cartons.iter().all(|c| c.units == 5 && c.weight_g == 4_650));
//! assert_eq!(s.total_price, Some("12.50".parse().unwrap()));
//! verify_shipment(&[reams], &cat, &s).unwrap();
//! ```

use courier_rules::catalogue::Carton;
use courier_rules::limits::sort_desc;
use courier_rules::Sides;
use rust_decimal::Decimal;
use serde::Serialize;

use std::cell::Cell;

use super::carton::{choose_carton_within, load_container_counted, to_placements, ContainerItem};
use super::kind::Dims;
use super::refute;
use super::{Goods, Item, PackError, PackOptions, Placement};

/// Largest number of carton pairs tried for a merge in one call: bounds the merge pass
/// on very large shipments (it is quadratic in the number of cartons).
const MERGE_ATTEMPTS: usize = 256;

/// Each carton type is loaded with a fifth of `fit_work_budget`: a split loads every type
/// for every carton and tries up to three rules, and on BoxPacker's orders a fifth
/// gives within 0.1 % of the cartons at a quarter of the time (see `docs/packing.md`).
const LOAD_BUDGET_DIVISOR: u64 = 5;

/// Cartons holding this many units are not topped up: finding a free corner is
/// quadratic in the units inside.
const TOP_UP_MAX_UNITS: usize = 400;

/// Lines offered to the loader for one carton (three quarters the largest units left,
/// a quarter the smallest, which fill gaps): enough for many cartons' worth of goods,
/// while the loader's cost per step, linear in the lines it is offered, stays bounded
/// (see [`Alive`]).
const WINDOW_LINES: usize = 256;

/// Lines offered to the single greedy loader run of a carton once the budget is spent
/// (three quarters from the largest end of the window, a quarter from the smallest).
const GREEDY_LINES: usize = 16;

/// Largest number of carton pairs compared (by volume and weight) for a merge in one
/// call: with cartons sorted by volume, a pair whose volumes cannot fit one carton ends
/// the row, but a shipment of thousands of small cartons could still compare millions.
const MERGE_PAIRS: usize = 1 << 16;

/// Cartons the emptiest carton's units may be topped up into, per attempt to drop it.
const EMPTY_OUT_TARGETS: usize = 64;

/// Work units a greedy carton costs per line it takes, as charged: one loader run over
/// [`GREEDY_LINES`] lines places about a dozen distinct units for about 2,400 units of
/// work (measured on 100,000 distinct lines, `split_scaling`). The full search runs only
/// while the budget keeps this much for every line left.
const GREEDY_WORK_PER_LINE: u64 = 200;

/// Work units the shelf pass costs per unit it places (a few comparisons and a
/// placement), and per line (its orientation, an allocation, and its share of the
/// sort): measured on `split_scaling`, 100,000 distinct lines take about 15 ms of CPU
/// and 590,000 units of one line about 13 ms, where a work unit of the loader takes
/// 60–80 ns.
const SHELF_WORK_PER_UNIT: u64 = 1;
const SHELF_WORK_PER_LINE: u64 = 2;

/// What [`Ctx::shelf_rest`] is charged for `lines` lines of `units` units in all.
fn shelf_work(lines: u64, units: u64) -> u64 {
    units
        .saturating_mul(SHELF_WORK_PER_UNIT)
        .saturating_add(lines.saturating_mul(SHELF_WORK_PER_LINE))
}

/// Work units charged per line for setting up a split (validation, orientations, the
/// window orders), besides one per line and carton type for the table of which type
/// takes which line.
const SETUP_WORK_PER_LINE: u64 = 2;

/// Least work budget of a whole split (about half a second on the reference machine):
/// the default `fit_work_budget` is sized for one fit question, a split asks hundreds.
/// BoxPacker's orders never reach it (see `BENCHMARKS.md`).
pub const SPLIT_WORK_MIN: u64 = 5_000_000;

/// One carton of a [`CartonSplit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShippedCarton {
    /// Index into the catalogue slice given to [`split_into_cartons`].
    pub index: usize,
    /// The carton's reference.
    #[serde(rename = "box")]
    pub reference: String,
    /// Number of units inside.
    pub units: u64,
    /// Weight of the goods inside.
    pub goods_weight_g: u64,
    /// Gross weight: goods plus the empty carton (never above the carton's maximum).
    pub weight_g: u64,
    /// The carton's price; `None` when the catalogue gives none.
    pub price: Option<Decimal>,
    /// Every unit inside, with its input line, in the carton's inner frame (inner length,
    /// width, height as listed; the height is vertical for upright lines). Ordered by
    /// line, then position.
    pub placements: Vec<Placement>,
}

/// The answer of [`split_into_cartons`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartonSplit {
    /// The cartons, in the order they were filled (the fullest first).
    pub cartons: Vec<ShippedCarton>,
    /// Number of cartons.
    pub cartons_count: usize,
    /// No split of these goods into this catalogue's cartons uses fewer cartons: the
    /// larger of the volume bound (goods volume over the largest inner volume) and the
    /// weight bound (goods weight over the largest payload, maximum minus empty weight),
    /// rounded up, and at least 1.
    pub cartons_lower_bound: usize,
    /// True when `cartons_count` equals the lower bound: no split uses fewer cartons.
    pub fewest_proven: bool,
    /// Sum of the cartons' prices; `None` when some carton has no price.
    pub total_price: Option<Decimal>,
    /// Units of all lines.
    pub units: u64,
    /// Weight of all goods (no packaging).
    pub goods_weight_g: u64,
}

/// Why goods cannot be split into a catalogue's cartons.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// Bad goods, as in [`pack`](super::pack).
    #[error(transparent)]
    Goods(#[from] PackError),
    /// The catalogue lists no carton.
    #[error("empty carton catalogue: at least one carton is required")]
    NoCartons,
    /// Splitting cannot help: even a single unit of this line has no carton.
    #[error("goods[{line}]: one unit fits no carton of the catalogue ({why})")]
    UnitFitsNoCarton {
        /// 0-based index of the line in the goods list.
        line: usize,
        /// Too large, too heavy, or both, for every carton.
        why: &'static str,
    },
    /// Defensive: the filling loop placed nothing although every unit fits some carton
    /// alone. Reported instead of looping forever.
    #[error("goods[{line}]: no carton could take another unit")]
    NoProgress {
        /// 0-based index of the first line left in the goods list.
        line: usize,
    },
}

impl SplitError {
    /// A stable, machine-readable code for the kind of error (snake_case); bad goods
    /// give [`PackError::code`].
    pub fn code(&self) -> &'static str {
        match self {
            SplitError::Goods(e) => e.code(),
            SplitError::NoCartons => "no_cartons",
            SplitError::UnitFitsNoCarton { .. } => "unit_fits_no_carton",
            SplitError::NoProgress { .. } => "no_progress",
        }
    }
}

/// A carton being built: its catalogue index, how many units of each line it holds
/// (sparse, by line: a dense vector per carton would make a 100,000-line split
/// quadratic in time and memory), their volume and weight, and their placements
/// (line = input line, carton frame).
#[derive(Debug, Clone)]
struct Fill {
    carton: usize,
    counts: Counts,
    volume: u64,
    weight: u64,
    placements: Vec<Placement>,
}

/// Units per line, `(line, units)` with units > 0, ordered by line.
type Counts = Vec<(usize, u32)>;

impl Fill {
    /// A carton holding exactly `placements` (ordered here by line, then position).
    fn new(items: &[Item], carton: usize, mut placements: Vec<Placement>) -> Fill {
        placements.sort_by_key(|p| (p.line, p.z_mm, p.y_mm, p.x_mm));
        let mut counts: Counts = Vec::new();
        for p in &placements {
            match counts.last_mut() {
                Some((l, n)) if *l == p.line => *n += 1,
                _ => counts.push((p.line, 1)),
            }
        }
        let (volume, weight) = totals(items, &counts);
        Fill {
            carton,
            counts,
            volume,
            weight,
            placements,
        }
    }
}

/// Splits the goods across as few cartons of `catalogue` as it can, then at the lowest
/// total price (see the module docs for the method). Every unit is placed exactly once;
/// every carton's gross weight stays within its maximum.
///
/// The whole call is bounded by a work budget (see [`split_budget`]): the full search
/// runs only while the budget covers a cheaper pass for everything left, then greedy
/// cartons, then one shelf pass for the rest, so the answer is still complete, valid and
/// deterministic, only less tight.
///
/// Errors name the line of a unit that fits no carton (too large or too heavy for every
/// one), or the bad goods field, or the bad carton.
pub fn split_into_cartons(
    items: &[Item],
    catalogue: &[Carton],
    opts: &PackOptions,
) -> Result<CartonSplit, SplitError> {
    let goods = Goods::new(items)?;
    check_catalogue(catalogue)?;
    for (line, item) in items.iter().enumerate() {
        if let Some(why) = fits_no_carton(item, catalogue) {
            return Err(SplitError::UnitFitsNoCarton { line, why });
        }
    }
    let lower_bound = cartons_lower_bound(goods.volume_mm3, goods.weight_g, catalogue);
    let ctx = Ctx::new(items, catalogue, opts).with_lower_bound(lower_bound);
    // Building the goods and the tables of which type takes which line costs about
    // 0.4 µs a line (measured on 100,000 lines): charged, so that the budget bounds
    // the whole call.
    ctx.charge((items.len() as u64).saturating_mul(SETUP_WORK_PER_LINE + catalogue.len() as u64));

    // One carton when one will do: the cheapest that holds everything.
    if ctx.might_fit_one(goods.volume_mm3, goods.weight_g) {
        if let Some(f) = ctx.cheapest_single(&ctx.all(), usize::MAX)? {
            return Ok(shipment(catalogue, vec![f], lower_bound));
        }
        // The loader found no single carton; a small order gets the proofs of
        // `refute_carton`, whose exhaustive search may find the packing instead.
        if let Some(f) = ctx.single_by_search(&goods) {
            return Ok(shipment(catalogue, vec![f], lower_bound));
        }
    }
    let mut best: Option<(Vec<Fill>, SplitKey)> = None;
    for rule in [Rule::Volume, Rule::Scarce, Rule::Weight] {
        if rule != Rule::Volume
            && (!ctx.rule_applies(rule) || ctx.tier(ctx.lines(), 0) != Tier::Full)
        {
            continue;
        }
        let fills = ctx.split(rule, lower_bound)?;
        let key = ctx.key(&fills);
        if best.as_ref().is_none_or(|b| key < b.1) {
            best = Some((fills, key));
        }
        if best.as_ref().is_some_and(|b| b.0.len() <= lower_bound) {
            break;
        }
    }
    let fills = best.map(|b| b.0).unwrap_or_default();
    Ok(shipment(catalogue, fills, lower_bound))
}

/// Work units (loader orientations tried, units placed, search nodes: see
/// [`PackOptions`]) one whole split may spend: `fit_work_budget`, and at least
/// [`SPLIT_WORK_MIN`]. A split asks hundreds of fit questions, so the default fit budget
/// alone would starve it; `PackOptions::with_budget_ms` scales `fit_work_budget` with the
/// milliseconds asked for, and so does this.
pub fn split_budget(opts: &PackOptions) -> u64 {
    opts.fit_work_budget.max(SPLIT_WORK_MIN)
}

/// How much effort the next carton gets (see [`Ctx::tier`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    /// Every carton type loaded with a window of lines, topped up, under the rule.
    Full,
    /// One greedy loader run over a few lines ([`Ctx::greedy_carton`]).
    Greedy,
    /// Shelves for everything left ([`Ctx::shelf_rest`]).
    Shelves,
}

/// How a carton type is chosen for the next carton to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// The type the loader fills with the most volume (then weight).
    Volume,
    /// First the lines that fit the fewest carton types: only they are offered to the
    /// loader, in the types that take them; the carton is then topped up with the rest.
    /// Keeps goods that only one type takes from being crowded out of it.
    Scarce,
    /// The type that takes the most weight (then volume): for heavy orders, where
    /// payload rather than space runs out.
    Weight,
}

/// Compares two splits: fewer cartons, then lower total price (unknown prices count as
/// zero), then less total inner volume.
type SplitKey = (usize, Decimal, u64);

/// Lines with units left, in a fixed order (largest unit first, then line), from which
/// each carton's loader is offered a *window* of the first [`WINDOW_LINES`]: the loader
/// scans every kind it is offered at every step, so offering all of 10,000 lines made
/// the split quadratic. Stored reversed, the window at the end, so that dropping the
/// lines used up costs only the window's length.
struct Alive {
    rev: Vec<usize>,
}

impl Alive {
    fn new(order: impl DoubleEndedIterator<Item = usize>) -> Alive {
        Alive {
            rev: order.rev().collect(),
        }
    }

    /// The first `n` lines that still have units (in order), forgetting the used-up
    /// lines passed on the way.
    fn window(&mut self, remaining: &[u32], n: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(n.min(self.rev.len()));
        let mut i = self.rev.len();
        while i > 0 && out.len() < n {
            i -= 1;
            let l = self.rev[i];
            if remaining[l] > 0 {
                out.push(l);
            }
        }
        self.rev.truncate(i);
        self.rev.extend(out.iter().rev());
        out
    }
}

/// Everything one call shares: the goods, the catalogue and its cost order, and the
/// work spent so far against the split's budget.
struct Ctx<'a> {
    items: &'a [Item],
    catalogue: &'a [Carton],
    opts: &'a PackOptions,
    /// Catalogue indices, cheapest first ([`Carton::cost_key`]).
    order: Vec<usize>,
    /// Position of each catalogue index in `order`.
    rank: Vec<usize>,
    max_volume: u64,
    max_payload: u64,
    /// How many carton types take one unit of each line alone.
    types_per_line: Vec<usize>,
    /// Whether carton type `c` takes one unit of line `l` alone, at `l × types + c`:
    /// asked for every line offered to every load, so computed once.
    fits: Vec<bool>,
    /// Lines by unit volume, largest first (then by line): the window order.
    by_volume: Vec<usize>,
    /// Position of each line in `by_volume`.
    position: Vec<usize>,
    spent: Cell<u64>,
    budget: u64,
    /// Work units for loading one carton type ([`Ctx::load_one`]).
    load_budget: u64,
}

impl<'a> Ctx<'a> {
    fn new(items: &'a [Item], catalogue: &'a [Carton], opts: &'a PackOptions) -> Self {
        let mut order: Vec<usize> = (0..catalogue.len()).collect();
        order.sort_by(|&a, &b| catalogue[a].cost_key().cmp(&catalogue[b].cost_key()));
        let mut rank = vec![0usize; catalogue.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let mut by_volume: Vec<usize> = (0..items.len()).collect();
        by_volume.sort_by_key(|&l| (std::cmp::Reverse(unit_volume(&items[l])), l));
        Ctx {
            items,
            catalogue,
            opts,
            order,
            rank,
            max_volume: catalogue
                .iter()
                .map(Carton::inner_volume_mm3)
                .max()
                .unwrap_or(0),
            max_payload: catalogue
                .iter()
                .map(|c| c.max_weight_g().saturating_sub(c.empty_weight_g()))
                .max()
                .unwrap_or(0),
            types_per_line: items
                .iter()
                .map(|it| catalogue.iter().filter(|c| unit_fits(it, c)).count())
                .collect(),
            fits: items
                .iter()
                .flat_map(|it| catalogue.iter().map(move |c| unit_fits(it, c)))
                .collect(),
            position: {
                let mut p = vec![0usize; items.len()];
                for (i, &l) in by_volume.iter().enumerate() {
                    p[l] = i;
                }
                p
            },
            by_volume,
            spent: Cell::new(0),
            budget: split_budget(opts),
            load_budget: 0,
        }
    }

    /// Sizes the per-load budget for a split needing at least `lower_bound` cartons: a
    /// fifth of `fit_work_budget`, but no more than the split's budget shared among
    /// about twice the loads the lower bound implies (each carton loads every type), so
    /// that a large order spends its budget over all its cartons, not its first few.
    fn with_lower_bound(mut self, lower_bound: usize) -> Self {
        let loads = (2 * lower_bound.max(1)).saturating_mul(self.catalogue.len().max(1));
        self.load_budget =
            (self.opts.fit_work_budget / LOAD_BUDGET_DIVISOR).min(self.budget / loads as u64);
        self
    }

    /// Whether carton type `c` takes one unit of line `line` alone.
    fn takes(&self, line: usize, c: usize) -> bool {
        self.fits[line * self.catalogue.len() + c]
    }

    fn all(&self) -> Counts {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.qty > 0)
            .map(|(l, i)| (l, i.qty))
            .collect()
    }

    fn charge(&self, work: u64) {
        self.spent.set(self.spent.get().saturating_add(work));
    }

    /// The split's budget is spent: only the greedy pass remains.
    fn exhausted(&self) -> bool {
        self.spent.get() > self.budget
    }

    /// Lines with units (at the start of a split).
    fn lines(&self) -> u64 {
        self.items.iter().filter(|i| i.qty > 0).count() as u64
    }

    /// How the next carton is filled, given the lines and units left: the full search
    /// while the budget still covers a greedy carton for every line left after it
    /// ([`GREEDY_WORK_PER_LINE`]), greedy cartons while it covers shelves for every unit
    /// left ([`shelf_work`]), then shelves for all the rest at once. So the
    /// budget bounds the whole split, whatever the order's size: each tier reserves
    /// what the cheaper ones will need.
    fn tier(&self, lines: u64, units: u64) -> Tier {
        let spent = self.spent.get();
        if spent.saturating_add(lines.saturating_mul(GREEDY_WORK_PER_LINE)) <= self.budget {
            Tier::Full
        } else if spent.saturating_add(shelf_work(lines, units)) <= self.budget {
            Tier::Greedy
        } else {
            Tier::Shelves
        }
    }

    /// Packs every unit left by shelves, in one pass ([`shelf_pass`]): each line goes to
    /// the largest carton type that takes one of its units (then the cheapest), the
    /// lines of one type by decreasing height, so that each layer holds units of about
    /// one height. Linear in the units after one sort; charged [`shelf_work`].
    fn shelf_rest(&self, remaining: &[u32]) -> Vec<Fill> {
        let mut groups: Vec<Vec<(usize, Dims)>> = vec![Vec::new(); self.catalogue.len()];
        let mut units = 0u64;
        for (l, &n) in remaining.iter().enumerate() {
            if n == 0 {
                continue;
            }
            units += u64::from(n);
            let Some(c) = (0..self.catalogue.len())
                .filter(|&c| self.takes(l, c))
                .max_by_key(|&c| {
                    (
                        self.catalogue[c].inner_volume_mm3(),
                        std::cmp::Reverse(self.rank[c]),
                    )
                })
            else {
                continue; // Cannot happen: every line fits some carton alone.
            };
            if let Some(o) = lying(&self.items[l], &self.catalogue[c]) {
                groups[c].push((l, o));
            }
        }
        self.charge(shelf_work(
            groups.iter().map(|g| g.len() as u64).sum(),
            units,
        ));
        let mut out = Vec::new();
        for (c, mut lines) in groups.into_iter().enumerate() {
            lines.sort_unstable_by_key(|&(l, o)| (std::cmp::Reverse(o[2]), l));
            shelf_pass(
                self.items,
                &self.catalogue[c],
                &lines,
                remaining,
                |placements| {
                    out.push(Fill::new(self.items, c, placements));
                    true
                },
            );
        }
        out
    }

    /// Whether goods of this volume and weight could fit one carton (a quick reject
    /// before a fit attempt).
    fn might_fit_one(&self, volume: u64, weight: u64) -> bool {
        volume <= self.max_volume && weight <= self.max_payload
    }

    /// Whether `rule` could choose differently from [`Rule::Volume`]: some line fits
    /// fewer carton types than another (scarce), or the goods outweigh one payload.
    fn rule_applies(&self, rule: Rule) -> bool {
        match rule {
            Rule::Volume => true,
            Rule::Scarce => {
                let lo = self.types_per_line.iter().min();
                let hi = self.types_per_line.iter().max();
                lo < hi
            }
            Rule::Weight => totals(self.items, &self.all()).1 > self.max_payload,
        }
    }

    fn key(&self, fills: &[Fill]) -> SplitKey {
        let price = fills
            .iter()
            .map(|f| self.catalogue[f.carton].price().unwrap_or(Decimal::ZERO))
            .sum();
        let volume = fills
            .iter()
            .map(|f| self.catalogue[f.carton].inner_volume_mm3())
            .sum();
        (fills.len(), price, volume)
    }

    /// The cheapest carton among the `below_rank` cheapest types that holds `counts`
    /// units of each line, charged to the split's budget; `None` when none does.
    fn cheapest_single(
        &self,
        counts: &[(usize, u32)],
        below_rank: usize,
    ) -> Result<Option<Fill>, SplitError> {
        let (items, catalogue) = (self.items, self.catalogue);
        let lines: Vec<usize> = counts.iter().map(|&(l, _)| l).collect();
        let subset: Vec<Item> = counts
            .iter()
            .map(|&(l, n)| Item { qty: n, ..items[l] })
            .collect();
        let types = &self.order[..below_rank.min(self.order.len())];
        let cheaper: Vec<Carton> = types.iter().map(|&c| catalogue[c].clone()).collect();
        let mut spent = self.spent.get();
        // Building the goods costs one unit per line, like a loader step over them.
        spent = spent.saturating_add(lines.len() as u64);
        let choice = choose_carton_within(&subset, &cheaper, self.opts, &mut spent, self.budget)?;
        self.spent.set(spent);
        let Some(choice) = choice else {
            return Ok(None);
        };
        let mut placements = choice.placements;
        for p in placements.iter_mut() {
            p.line = lines.get(p.line).copied().unwrap_or(p.line);
        }
        Ok(Some(Fill::new(items, types[choice.index], placements)))
    }

    /// The cheapest carton that [`refute::decide`] packs all the goods into by its
    /// exhaustive search, for orders of at most [`refute::SEARCH_MAX_UNITS`] units; the
    /// work is charged to the split.
    fn single_by_search(&self, goods: &Goods) -> Option<Fill> {
        if goods.units > refute::SEARCH_MAX_UNITS as u64 {
            return None;
        }
        for &c in &self.order {
            if self.exhausted() {
                return None;
            }
            // Never more than the split's budget has left.
            let opts = PackOptions {
                exact_work_budget: self
                    .opts
                    .exact_work_budget
                    .min(self.budget.saturating_sub(self.spent.get())),
                ..*self.opts
            };
            let mut spent = 0u64;
            let decision = refute::decide(goods, &self.catalogue[c], &opts, &mut spent);
            self.charge(spent);
            if let refute::Decision::Fits(placed) = decision {
                let placements = to_placements(&goods.kinds, &placed);
                return Some(Fill::new(self.items, c, placements));
            }
        }
        None
    }

    /// One complete split under `rule`: fill cartons one at a time (the rest in one
    /// carton as soon as it fits), merge, empty the emptiest carton into the others
    /// while above the lower bound, then move each carton's contents to the cheapest
    /// carton that holds them. Once the budget is spent, cartons are filled by
    /// [`Ctx::greedy_carton`] and the later steps are skipped.
    fn split(&self, rule: Rule, lower_bound: usize) -> Result<Vec<Fill>, SplitError> {
        let items = self.items;
        let mut remaining: Vec<u32> = items.iter().map(|i| i.qty).collect();
        let (mut rem_volume, mut rem_weight) = totals(items, &self.all());
        let mut rem_units: u64 = items.iter().map(|i| u64::from(i.qty)).sum();
        let mut alive = Alive::new(self.by_volume.iter().copied());
        let mut smallest = Alive::new(self.by_volume.iter().rev().copied());
        // The scarce rule draws its windows from the lines of one scarcity at a time.
        let mut by_scarcity: Vec<Alive> = (0..=self.catalogue.len())
            .map(|t| {
                Alive::new(
                    self.by_volume
                        .iter()
                        .copied()
                        .filter(|&l| self.types_per_line[l] == t)
                        .collect::<Vec<_>>()
                        .into_iter(),
                )
            })
            .collect();
        let mut fills: Vec<Fill> = Vec::new();
        let mut rem_lines = self.lines();
        while rem_units > 0 {
            let tier = self.tier(rem_lines, rem_units);
            if tier == Tier::Shelves {
                fills.extend(self.shelf_rest(&remaining));
                break;
            }
            let full = tier == Tier::Full;
            if !fills.is_empty() && full && self.might_fit_one(rem_volume, rem_weight) {
                let rest: Counts = alive
                    .window(&remaining, usize::MAX)
                    .into_iter()
                    .map(|l| (l, remaining[l]))
                    .collect();
                let mut rest = rest;
                rest.sort_unstable();
                if let Some(f) = self.cheapest_single(&rest, usize::MAX)? {
                    fills.push(f);
                    break;
                }
            }
            // The largest lines left, and a quarter of the window from the smallest,
            // which fill the gaps the large ones leave.
            let mut window = alive.window(&remaining, WINDOW_LINES - WINDOW_LINES / 4);
            window.extend(smallest.window(&remaining, WINDOW_LINES / 4));
            window.sort_by_key(|&l| self.position[l]);
            window.dedup();
            let fill = if !full {
                self.greedy_carton(&remaining, &window, fills.last())
            } else {
                let offered = if rule == Rule::Scarce {
                    by_scarcity
                        .iter_mut()
                        .map(|a| a.window(&remaining, WINDOW_LINES))
                        .find(|w| !w.is_empty())
                        .unwrap_or_default()
                } else {
                    window.clone()
                };
                self.next_carton(rule, &remaining, &offered)
            };
            let Some(mut fill) = fill else {
                let line = window.first().copied().unwrap_or(0);
                return Err(SplitError::NoProgress { line });
            };
            for &(l, n) in &fill.counts {
                remaining[l] -= n;
            }
            if full {
                let mut left: Counts = window
                    .iter()
                    .map(|&l| (l, remaining[l]))
                    .filter(|&(_, n)| n > 0)
                    .collect();
                self.top_up(&mut fill, &mut left);
                for (l, n) in left {
                    remaining[l] = n;
                }
            }
            rem_units -= fill.counts.iter().map(|&(_, n)| u64::from(n)).sum::<u64>();
            // Every line of the carton had units left before it: those with none now
            // are used up.
            rem_lines -= fill
                .counts
                .iter()
                .filter(|&&(l, _)| remaining[l] == 0)
                .count() as u64;
            rem_volume = rem_volume.saturating_sub(fill.volume);
            rem_weight = rem_weight.saturating_sub(fill.weight);
            fills.push(fill);
        }
        merge(self, &mut fills)?;
        self.empty_out(&mut fills, lower_bound);
        for f in fills.iter_mut() {
            if self.exhausted() {
                break;
            }
            let rank = self.rank[f.carton];
            if rank == 0 {
                continue;
            }
            if let Some(cheaper) = self.cheapest_single(&f.counts, rank)? {
                *f = cheaper;
            }
        }
        Ok(fills)
    }

    /// The next carton under `rule`, loading each carton type with the `offered` lines,
    /// or `None` when no carton takes any of them (cannot happen once every line fits
    /// some carton alone).
    fn next_carton(&self, rule: Rule, remaining: &[u32], offered: &[usize]) -> Option<Fill> {
        let offered: Counts = offered.iter().map(|&l| (l, remaining[l])).collect();
        let mut best: Option<(Fill, (u64, u64))> = None;
        for &c in &self.order {
            let f = self.load_one(&offered, c, self.load_budget);
            let (v, w) = (f.volume, f.weight);
            let score = if rule == Rule::Weight { (w, v) } else { (v, w) };
            if f.placements.is_empty() || best.as_ref().is_some_and(|b| b.1 >= score) {
                continue;
            }
            best = Some((f, score));
        }
        best.map(|b| b.0)
    }

    /// A carton of the greedy tier: the previous carton's contents again while enough
    /// units are left (a large order of few lines repeats one fill many times), else one
    /// greedy loader run over [`GREEDY_LINES`] of the `window` lines in the largest
    /// carton type that takes the first of them, and only if that places nothing the
    /// first carton of a [`shelf_pass`] over the window.
    fn greedy_carton(
        &self,
        remaining: &[u32],
        window: &[usize],
        prev: Option<&Fill>,
    ) -> Option<Fill> {
        if let Some(p) = prev {
            if p.counts.iter().all(|&(l, n)| remaining[l] >= n) {
                return Some(p.clone());
            }
        }
        window.first()?;
        let c = (0..self.catalogue.len())
            .filter(|&c| self.takes(window[0], c))
            .max_by_key(|&c| {
                (
                    self.catalogue[c].inner_volume_mm3(),
                    std::cmp::Reverse(self.rank[c]),
                )
            })?;
        // One greedy loader run over a few lines is still cheap, and much tighter
        // than shelves.
        let large = GREEDY_LINES - GREEDY_LINES / 4;
        let small = window.len().saturating_sub(GREEDY_LINES / 4).max(large);
        let few: Counts = window[..large.min(window.len())]
            .iter()
            .chain(window.get(small..).unwrap_or_default())
            .map(|&l| (l, remaining[l]))
            .collect();
        let f = self.load_one(&few, c, 0);
        if !f.placements.is_empty() {
            return Some(f);
        }
        // The first carton of shelves over the window's lines.
        let carton = &self.catalogue[c];
        let mut lines: Vec<(usize, Dims)> = window
            .iter()
            .filter(|&&l| remaining[l] > 0 && self.takes(l, c))
            .filter_map(|&l| Some((l, lying(&self.items[l], carton)?)))
            .collect();
        lines.sort_unstable_by_key(|&(l, o)| (std::cmp::Reverse(o[2]), l));
        let mut first = Vec::new();
        shelf_pass(self.items, carton, &lines, remaining, |p| {
            first = p;
            false
        });
        self.charge(first.len() as u64);
        Some(Fill::new(self.items, c, first)).filter(|f| !f.placements.is_empty())
    }

    /// Loads carton `c` with as much of the `offered` units as the block loader places
    /// (only lines whose unit this carton takes alone) within `budget` work units, then
    /// trims it to the weight limit. The work is charged to the split.
    fn load_one(&self, offered: &[(usize, u32)], c: usize, budget: u64) -> Fill {
        let items = self.items;
        let carton = &self.catalogue[c];
        let mut lines = Vec::new();
        let mut wanted = Vec::new();
        for &(line, n) in offered {
            let it = &items[line];
            if n > 0 && self.takes(line, c) {
                lines.push(line);
                wanted.push(ContainerItem {
                    dims: [it.length_mm, it.width_mm, it.height_mm],
                    may_be_vertical: [!it.upright, !it.upright, true],
                    qty: n,
                });
            }
        }
        let inner = carton.inner_mm();
        let (load, work) = load_container_counted(inner, &wanted, budget, true);
        // Setting up the kinds (orientations, sorted sides; an allocation each) costs
        // about two work units each.
        self.charge(work + 2 * wanted.len() as u64);
        let mut placements: Vec<Placement> = load
            .placements
            .iter()
            .filter_map(|&(i, pos, size)| {
                Some(Placement {
                    line: *lines.get(i)?,
                    x_mm: pos[0],
                    y_mm: pos[1],
                    z_mm: pos[2],
                    dx_mm: size[0],
                    dy_mm: size[1],
                    dz_mm: size[2],
                })
            })
            .collect();
        let payload = carton
            .max_weight_g()
            .saturating_sub(carton.empty_weight_g());
        trim_to_weight(items, &mut placements, payload);
        Fill::new(items, c, placements)
    }

    /// [`top_up`] charged to the split: each unit tried walks the corner points of the
    /// units inside.
    fn top_up(&self, fill: &mut Fill, left: &mut [(usize, u32)]) {
        let inside = fill.placements.len() as u64 + 1;
        let c = fill.carton;
        let tried = top_up(
            self.items,
            &self.catalogue[c],
            |l| self.takes(l, c),
            fill,
            left,
        );
        // A free spot walks about 3 corner points per unit inside, each checked against
        // every unit inside: about inside² / 10 work units of the loader's size.
        self.charge(tried.saturating_mul(1 + inside * inside / 10));
    }

    /// Tries to do with one carton fewer, while the count is above the lower bound: the
    /// units of the emptiest carton are put into the free corners of the others
    /// ([`top_up`], at most [`EMPTY_OUT_TARGETS`] of them); when all of them find room,
    /// that carton is dropped.
    fn empty_out(&self, fills: &mut Vec<Fill>, lower_bound: usize) {
        while fills.len() > lower_bound.max(1) && !self.exhausted() {
            let Some(victim) = (0..fills.len()).min_by_key(|&i| (fills[i].volume, usize::MAX - i))
            else {
                return;
            };
            let mut left = fills[victim].counts.clone();
            let mut changed: Vec<(usize, Fill)> = Vec::new();
            for t in (0..fills.len())
                .filter(|&i| i != victim)
                .take(EMPTY_OUT_TARGETS)
            {
                let mut f = fills[t].clone();
                self.top_up(&mut f, &mut left);
                changed.push((t, f));
                if left.iter().all(|&(_, n)| n == 0) {
                    break;
                }
            }
            if left.iter().any(|&(_, n)| n > 0) {
                return;
            }
            for (t, f) in changed {
                fills[t] = f;
            }
            fills.remove(victim);
        }
    }
}

/// The catalogue must list a carton (each one is valid by construction: positive
/// sizes, the inner box within the outer, a payload).
fn check_catalogue(catalogue: &[Carton]) -> Result<(), SplitError> {
    if catalogue.is_empty() {
        return Err(SplitError::NoCartons);
    }
    Ok(())
}

/// Whether one unit of `item` fits carton `c` alone: some allowed orientation inside
/// the inner size (an upright unit keeps its height along the carton's height), and
/// within the weight limit. Exact for a single unit.
fn unit_fits(item: &Item, c: &Carton) -> bool {
    unit_fits_size(item, c) && unit_fits_weight(item, c)
}

fn unit_fits_size(item: &Item, c: &Carton) -> bool {
    if item.upright {
        let foot = sort_desc([item.length_mm, item.width_mm, 0]);
        let inner = sort_desc([c.inner_length_mm(), c.inner_width_mm(), 0]);
        item.height_mm <= c.inner_height_mm() && foot[0] <= inner[0] && foot[1] <= inner[1]
    } else {
        // Goods are validated before any unit is tried, so a unit has no zero side here
        // (one would fit nothing); a carton has none by construction.
        Sides::new(item.length_mm, item.width_mm, item.height_mm)
            .is_ok_and(|unit| unit.fits_within(&c.inner_sorted()))
    }
}

fn unit_fits_weight(item: &Item, c: &Carton) -> bool {
    item.weight_g.saturating_add(c.empty_weight_g()) <= c.max_weight_g()
}

/// Why one unit of `item` fits no carton, or `None` when some carton takes it.
fn fits_no_carton(item: &Item, catalogue: &[Carton]) -> Option<&'static str> {
    if catalogue.iter().any(|c| unit_fits(item, c)) {
        return None;
    }
    let size = catalogue.iter().any(|c| unit_fits_size(item, c));
    let weight = catalogue.iter().any(|c| unit_fits_weight(item, c));
    Some(match (size, weight) {
        (false, true) => "too large for every carton",
        (true, false) => "too heavy for every carton",
        (false, false) => "too large and too heavy for every carton",
        (true, true) => "each carton large enough is too weak for its weight",
    })
}

/// The volume and weight bounds on the number of cartons (see
/// [`CartonSplit::cartons_lower_bound`]).
fn cartons_lower_bound(volume: u64, weight: u64, catalogue: &[Carton]) -> usize {
    let max_volume = catalogue
        .iter()
        .map(Carton::inner_volume_mm3)
        .max()
        .unwrap_or(1)
        .max(1);
    let max_payload = catalogue
        .iter()
        .map(|c| c.max_weight_g().saturating_sub(c.empty_weight_g()))
        .max()
        .unwrap_or(1)
        .max(1);
    let by_volume = volume.div_ceil(max_volume);
    let by_weight = weight.div_ceil(max_payload);
    usize::try_from(by_volume.max(by_weight).max(1)).unwrap_or(usize::MAX)
}

/// Total volume and weight of `counts` units of each line.
fn totals(items: &[Item], counts: &[(usize, u32)]) -> (u64, u64) {
    counts.iter().fold((0u64, 0u64), |(v, w), &(l, n)| {
        let it = &items[l];
        (
            v.saturating_add(unit_volume(it).saturating_mul(u64::from(n))),
            w.saturating_add(it.weight_g.saturating_mul(u64::from(n))),
        )
    })
}

fn unit_volume(it: &Item) -> u64 {
    u64::from(it.length_mm) * u64::from(it.width_mm) * u64::from(it.height_mm)
}

/// The orientation a unit of `item` takes in `carton` on the shelves: lying on its
/// largest face, longest side along the carton's length, when that fits; else the
/// first allowed orientation (lowest first) that fits; `None` when none does.
fn lying(item: &Item, carton: &Carton) -> Option<Dims> {
    let inner = carton.inner_mm();
    let vertical = if item.upright {
        [false, false, true]
    } else {
        [true; 3]
    };
    let mut os =
        super::kind::orientations([item.length_mm, item.width_mm, item.height_mm], vertical);
    os.sort_by_key(|o| (o[2], std::cmp::Reverse(o[0])));
    os.into_iter().find(|o| (0..3).all(|a| o[a] <= inner[a]))
}

/// Packs all `remaining` units of `lines` (each with its shelf orientation, in order)
/// into as many cartons of one type as it takes, by shelves: units side by side along
/// the length in rows, rows one behind the other along the width in layers, layers
/// stacked; a row is as deep as its deepest unit, a layer as high as its tallest. A
/// carton is closed (handed to `close`, which says whether to go on) when the next unit
/// would break its weight limit or rise above it. Every unit fits the carton alone, so
/// each carton takes at least one. Valid by construction, linear in the units.
fn shelf_pass(
    items: &[Item],
    carton: &Carton,
    lines: &[(usize, Dims)],
    remaining: &[u32],
    mut close: impl FnMut(Vec<Placement>) -> bool,
) {
    let inner = carton.inner_mm();
    let payload = carton
        .max_weight_g()
        .saturating_sub(carton.empty_weight_g());
    let mut out: Vec<Placement> = Vec::new();
    let (mut x, mut y, mut z, mut row_depth, mut layer_height, mut weight) =
        (0u32, 0u32, 0u32, 0u32, 0u32, 0u64);
    for &(line, o) in lines {
        let w = items[line].weight_g;
        for _ in 0..remaining[line] {
            if x + o[0] > inner[0] {
                y += row_depth;
                x = 0;
                row_depth = 0;
            }
            if y + o[1] > inner[1] {
                z += layer_height;
                (x, y, row_depth, layer_height) = (0, 0, 0, 0);
            }
            if z + o[2] > inner[2] || weight.saturating_add(w) > payload {
                if !out.is_empty() && !close(std::mem::take(&mut out)) {
                    return;
                }
                (x, y, z, row_depth, layer_height, weight) = (0, 0, 0, 0, 0, 0);
            }
            out.push(Placement {
                line,
                x_mm: x,
                y_mm: y,
                z_mm: z,
                dx_mm: o[0],
                dy_mm: o[1],
                dz_mm: o[2],
            });
            x += o[0];
            row_depth = row_depth.max(o[1]);
            layer_height = layer_height.max(o[2]);
            weight += w;
        }
    }
    if !out.is_empty() {
        close(out);
    }
}

/// Removes units until the goods weigh at most `payload`: while the excess is larger
/// than every unit, the heaviest unit goes; then the lightest unit that covers the rest
/// of the excess. Ties go to the unit placed last. Removing units keeps a packing valid.
fn trim_to_weight(items: &[Item], placements: &mut Vec<Placement>, payload: u64) {
    let weight = |p: &Placement| items.get(p.line).map_or(0, |i| i.weight_g);
    let total: u64 = placements.iter().map(weight).sum();
    if total <= payload {
        return;
    }
    let mut excess = total - payload;
    // Ascending weight, later placement first among equals.
    let mut by_weight: Vec<(u64, std::cmp::Reverse<usize>)> = placements
        .iter()
        .enumerate()
        .map(|(i, p)| (weight(p), std::cmp::Reverse(i)))
        .collect();
    by_weight.sort_unstable();
    let mut removed = vec![false; placements.len()];
    while excess > 0 {
        let k = by_weight.partition_point(|&(w, _)| w < excess);
        let pick = if k < by_weight.len() {
            by_weight.remove(k)
        } else if let Some(heaviest) = by_weight.pop() {
            heaviest
        } else {
            break;
        };
        removed[pick.1 .0] = true;
        excess = excess.saturating_sub(pick.0);
    }
    let mut i = 0;
    placements.retain(|_| {
        let keep = !removed[i];
        i += 1;
        keep
    });
}

/// Puts more of the `left` units (`(line, units left)`, largest unit first) into a
/// filled carton, one at a time, at the first free corner point found (lowest, then
/// nearest the back wall): a corner of the carton or a point where a placed unit ends
/// along one axis. The loader fills empty cartons with blocks and can leave gaps that
/// single units still fit; this fills them, within the weight limit. Cartons of more
/// than [`TOP_UP_MAX_UNITS`] units are left as they are (the search is quadratic in the
/// units inside). Returns how many free spots were looked for.
fn top_up(
    items: &[Item],
    carton: &Carton,
    takes: impl Fn(usize) -> bool,
    fill: &mut Fill,
    left: &mut [(usize, u32)],
) -> u64 {
    if fill.placements.len() >= TOP_UP_MAX_UNITS {
        return 0;
    }
    let payload = carton
        .max_weight_g()
        .saturating_sub(carton.empty_weight_g());
    let mut weight = fill.weight;
    let inner = carton.inner_mm();
    let mut order: Vec<usize> = (0..left.len())
        .filter(|&i| left[i].1 > 0 && takes(left[i].0))
        .collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(unit_volume(&items[left[i].0])), left[i].0));
    let mut tried = 0u64;
    let mut added = false;
    for i in order {
        let line = left[i].0;
        let item = &items[line];
        while left[i].1 > 0
            && fill.placements.len() < TOP_UP_MAX_UNITS
            && weight.saturating_add(item.weight_g) <= payload
        {
            tried += 1;
            let Some(p) = free_spot(&fill.placements, inner, item, line) else {
                break;
            };
            fill.placements.push(p);
            left[i].1 -= 1;
            weight += item.weight_g;
            added = true;
        }
    }
    if added {
        *fill = Fill::new(items, fill.carton, std::mem::take(&mut fill.placements));
    }
    tried
}

/// The first position (by height, then `y`, then `x`) at a corner point where one unit
/// of `item`, in one of its allowed orientations, lies inside `inner` and overlaps no
/// placement.
fn free_spot(placed: &[Placement], inner: [u32; 3], item: &Item, line: usize) -> Option<Placement> {
    let mut points: Vec<[u32; 3]> = vec![[0, 0, 0]];
    for p in placed {
        points.push([p.x_mm + p.dx_mm, p.y_mm, p.z_mm]);
        points.push([p.x_mm, p.y_mm + p.dy_mm, p.z_mm]);
        points.push([p.x_mm, p.y_mm, p.z_mm + p.dz_mm]);
    }
    points.retain(|q| (0..3).all(|a| q[a] < inner[a]));
    points.sort_unstable_by_key(|q| (q[2], q[1], q[0]));
    points.dedup();
    let d = [item.length_mm, item.width_mm, item.height_mm];
    let vertical = if item.upright {
        [false, false, true]
    } else {
        [true; 3]
    };
    let orientations = super::kind::orientations(d, vertical);
    for q in points {
        for o in &orientations {
            if (0..3).any(|a| u64::from(q[a]) + u64::from(o[a]) > u64::from(inner[a])) {
                continue;
            }
            let clear = placed.iter().all(|p| {
                q[0] >= p.x_mm + p.dx_mm
                    || p.x_mm >= q[0] + o[0]
                    || q[1] >= p.y_mm + p.dy_mm
                    || p.y_mm >= q[1] + o[1]
                    || q[2] >= p.z_mm + p.dz_mm
                    || p.z_mm >= q[2] + o[2]
            });
            if clear {
                return Some(Placement {
                    line,
                    x_mm: q[0],
                    y_mm: q[1],
                    z_mm: q[2],
                    dx_mm: o[0],
                    dy_mm: o[1],
                    dz_mm: o[2],
                });
            }
        }
    }
    None
}

/// Merges cartons whose contents fit together in one carton, smallest contents first,
/// until no pair merges (at most [`MERGE_ATTEMPTS`] fit attempts and [`MERGE_PAIRS`]
/// pairs compared, and not once the split's budget is spent).
fn merge(ctx: &Ctx, fills: &mut Vec<Fill>) -> Result<(), SplitError> {
    let mut attempts = 0usize;
    let mut pairs = 0usize;
    'again: loop {
        if ctx.exhausted() {
            return Ok(());
        }
        let mut idx: Vec<usize> = (0..fills.len()).collect();
        idx.sort_by_key(|&i| (fills[i].volume, i));
        for (a, &i) in idx.iter().enumerate() {
            for &j in &idx[a + 1..] {
                // Sorted by volume: once two cannot fit one carton by volume, no later
                // partner of `i` can.
                if fills[i].volume.saturating_add(fills[j].volume) > ctx.max_volume {
                    break;
                }
                pairs += 1;
                if pairs > MERGE_PAIRS {
                    return Ok(());
                }
                if fills[i].weight.saturating_add(fills[j].weight) > ctx.max_payload {
                    continue;
                }
                if attempts >= MERGE_ATTEMPTS || ctx.exhausted() {
                    return Ok(());
                }
                attempts += 1;
                let both = add_counts(&fills[i].counts, &fills[j].counts);
                if let Some(f) = ctx.cheapest_single(&both, usize::MAX)? {
                    let (lo, hi) = (i.min(j), i.max(j));
                    fills.remove(hi);
                    fills[lo] = f;
                    continue 'again;
                }
            }
        }
        return Ok(());
    }
}

/// The units of two cartons together, by line.
fn add_counts(a: &[(usize, u32)], b: &[(usize, u32)]) -> Counts {
    let mut out: Counts = a.iter().chain(b).copied().collect();
    out.sort_unstable_by_key(|&(l, _)| l);
    out.dedup_by(|next, kept| {
        if next.0 == kept.0 {
            kept.1 += next.1;
            true
        } else {
            false
        }
    });
    out
}

fn shipment(catalogue: &[Carton], fills: Vec<Fill>, cartons_lower_bound: usize) -> CartonSplit {
    let mut total_price = Some(Decimal::ZERO);
    let mut units = 0u64;
    let mut goods_weight_g = 0u64;
    let cartons: Vec<ShippedCarton> = fills
        .into_iter()
        .map(|f| {
            let c = &catalogue[f.carton];
            let w = f.weight;
            let n: u64 = f.counts.iter().map(|&(_, n)| u64::from(n)).sum();
            units += n;
            goods_weight_g += w;
            total_price = match (total_price, c.price()) {
                (Some(t), Some(p)) => Some(t + p),
                _ => None,
            };
            ShippedCarton {
                index: f.carton,
                reference: c.reference().to_string(),
                units: n,
                goods_weight_g: w,
                weight_g: w.saturating_add(c.empty_weight_g()),
                price: c.price(),
                placements: f.placements,
            }
        })
        .collect();
    CartonSplit {
        cartons_count: cartons.len(),
        fewest_proven: cartons.len() == cartons_lower_bound,
        cartons,
        cartons_lower_bound,
        total_price,
        units,
        goods_weight_g,
    }
}

/// Checks that `shipment` is a valid split of `items` into `catalogue`'s cartons: every
/// unit of every line placed exactly once, each in an allowed orientation (upright lines
/// keep their height along the carton's height), inside its carton, without overlaps;
/// every carton within its maximum gross weight; counts, weights, prices and the lower
/// bound consistent. Returns the first problem found.
///
/// Quadratic in the units of a carton: meant for tests and audits, not the hot path.
pub fn verify_shipment(
    items: &[Item],
    catalogue: &[Carton],
    shipment: &CartonSplit,
) -> Result<(), String> {
    let mut placed = vec![0u64; items.len()];
    let mut price = Some(Decimal::ZERO);
    let mut goods_total = 0u64;
    for (k, sc) in shipment.cartons.iter().enumerate() {
        let Some(c) = catalogue.get(sc.index) else {
            return Err(format!("carton {k}: index {} not in catalogue", sc.index));
        };
        if c.reference() != sc.reference || c.price() != sc.price {
            return Err(format!(
                "carton {k}: reference or price differs from catalogue"
            ));
        }
        if sc.placements.is_empty() {
            return Err(format!("carton {k}: empty"));
        }
        if sc.units != sc.placements.len() as u64 {
            return Err(format!("carton {k}: units {} ≠ placements", sc.units));
        }
        let inner = c.inner_mm();
        let mut weight = 0u64;
        for (i, p) in sc.placements.iter().enumerate() {
            let Some(item) = items.get(p.line) else {
                return Err(format!("carton {k}, placement {i}: no line {}", p.line));
            };
            placed[p.line] += 1;
            weight += item.weight_g;
            if !super::verify::is_rotation_of(p, item) {
                return Err(format!(
                    "carton {k}, placement {i}: size is not a rotation of line {}",
                    p.line
                ));
            }
            if item.upright && p.dz_mm != item.height_mm {
                return Err(format!(
                    "carton {k}, placement {i}: line {} must stay upright",
                    p.line
                ));
            }
            let lo = [p.x_mm, p.y_mm, p.z_mm];
            let sz = [p.dx_mm, p.dy_mm, p.dz_mm];
            if (0..3).any(|a| u64::from(lo[a]) + u64::from(sz[a]) > u64::from(inner[a])) {
                return Err(format!("carton {k}, placement {i}: sticks out"));
            }
        }
        let ps = &sc.placements;
        for i in 0..ps.len() {
            for j in i + 1..ps.len() {
                if super::verify::overlap(&ps[i], &ps[j]) {
                    return Err(format!("carton {k}: placements {i} and {j} overlap"));
                }
            }
        }
        if sc.goods_weight_g != weight || sc.weight_g != weight + c.empty_weight_g() {
            return Err(format!("carton {k}: weights inconsistent"));
        }
        if sc.weight_g > c.max_weight_g() {
            return Err(format!(
                "carton {k}: gross {} g over the maximum {} g",
                sc.weight_g,
                c.max_weight_g()
            ));
        }
        goods_total += weight;
        price = match (price, c.price()) {
            (Some(t), Some(p)) => Some(t + p),
            _ => None,
        };
    }
    for (line, item) in items.iter().enumerate() {
        if placed[line] != u64::from(item.qty) {
            return Err(format!(
                "line {line}: {} units placed, {} expected",
                placed[line], item.qty
            ));
        }
    }
    if shipment.cartons_count != shipment.cartons.len() {
        return Err("cartons_count differs from the cartons listed".into());
    }
    if shipment.total_price != price {
        return Err("total_price differs from the sum of the cartons".into());
    }
    if shipment.goods_weight_g != goods_total || shipment.units != placed.iter().sum::<u64>() {
        return Err("shipment totals inconsistent".into());
    }
    if shipment.cartons_lower_bound > shipment.cartons_count
        || shipment.fewest_proven != (shipment.cartons_lower_bound == shipment.cartons_count)
    {
        return Err("lower bound inconsistent with the count".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use courier_rules::catalogue::CartonRecord;

    fn carton(r: &str, d: [u32; 3], empty: u64, max: u64, price: Option<&str>) -> Carton {
        Carton::try_from(CartonRecord {
            reference: r.into(),
            inner_length_mm: d[0],
            inner_width_mm: d[1],
            inner_height_mm: d[2],
            outer_length_mm: d[0] + 4,
            outer_width_mm: d[1] + 4,
            outer_height_mm: d[2] + 4,
            empty_weight_g: empty,
            max_weight_g: max,
            price: price.map(|p| p.parse().unwrap()),
        })
        .unwrap()
    }

    #[test]
    fn trim_removes_the_lightest_unit_that_covers_the_excess() {
        let items = [Item::new(1, 1, 1, 100, 3), Item::new(1, 1, 1, 700, 1)];
        let p = |line, x| Placement {
            line,
            x_mm: x,
            y_mm: 0,
            z_mm: 0,
            dx_mm: 1,
            dy_mm: 1,
            dz_mm: 1,
        };
        let mut ps = vec![p(0, 0), p(0, 1), p(0, 2), p(1, 3)];
        // 1,000 g against 950 g: one 100 g unit (the last placed) goes, not the 700 g one.
        trim_to_weight(&items, &mut ps, 950);
        assert_eq!(ps, vec![p(0, 0), p(0, 1), p(1, 3)]);
        // 900 g against 150 g: the 700 g unit, then one 100 g unit.
        trim_to_weight(&items, &mut ps, 150);
        assert_eq!(ps, vec![p(0, 0)]);
    }

    #[test]
    fn lower_bound_takes_the_larger_of_volume_and_weight() {
        let cat = [carton("a", [10, 10, 10], 0, 1000, None)];
        assert_eq!(cartons_lower_bound(2500, 100, &cat), 3);
        assert_eq!(cartons_lower_bound(10, 4001, &cat), 5);
        assert_eq!(cartons_lower_bound(0, 0, &cat), 1);
    }

    #[test]
    fn the_shelf_pass_places_every_unit_validly() {
        // Mixed sizes, weights and upright lines, more than a few cartons' worth: every
        // unit placed once, inside, without overlap, upright kept, weight limits held.
        let c = carton("M", [300, 200, 150], 150, 10_000, None);
        let mut s = 7u64;
        let mut next = |lo: u32, hi: u32| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lo + (s % u64::from(hi - lo + 1)) as u32
        };
        let items: Vec<Item> = (0..400)
            .map(|_| Item {
                upright: next(0, 3) == 0,
                ..Item::new(
                    next(10, 140),
                    next(10, 140),
                    next(10, 140),
                    u64::from(next(10, 3_000)),
                    next(1, 3),
                )
            })
            .collect();
        let remaining: Vec<u32> = items.iter().map(|i| i.qty).collect();
        let mut lines: Vec<(usize, Dims)> = (0..items.len())
            .map(|l| (l, lying(&items[l], &c).expect("every unit fits alone")))
            .collect();
        lines.sort_unstable_by_key(|&(l, o)| (std::cmp::Reverse(o[2]), l));
        let mut fills = Vec::new();
        shelf_pass(&items, &c, &lines, &remaining, |p| {
            fills.push(Fill::new(&items, 0, p));
            true
        });
        assert!(fills.len() > 5, "{} cartons", fills.len());
        let cat = [c];
        verify_shipment(&items, &cat, &shipment(&cat, fills, 1)).unwrap();
    }

    #[test]
    fn an_upright_unit_needs_the_carton_height() {
        let c = carton("flat", [400, 300, 50], 0, 1000, None);
        let tall = Item {
            upright: true,
            ..Item::new(40, 40, 100, 10, 1)
        };
        assert!(!unit_fits(&tall, &c));
        assert!(unit_fits(&Item::new(40, 40, 100, 10, 1), &c));
    }
}
