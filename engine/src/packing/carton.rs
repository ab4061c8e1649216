//! Fixed containers: does a set of goods fit a carton or a locker cell, which carton of
//! a catalogue is the cheapest that holds them, and how much of a container a load fills.

use courier_rules::catalogue::Carton;
use courier_rules::Sides;

use super::exact;
use super::kind::{Dims, Kind};
use super::loader::{self, LoadParams, Placed};
use super::{Goods, Item, PackError, PackOptions, Placement};

/// Restarts of the randomised loader tried before giving up on a fit.
const RESTARTS: u64 = 24;

/// Kinds or free spaces walked by the loader per work unit charged, when a caller asks
/// for the walk to be charged ([`load_container_counted`]): a walked entry costs a few
/// nanoseconds, an orientation tried (one work unit) about a hundred.
const SCANNED_PER_WORK: u64 = 16;

/// The distinct axis permutations of a container, for free goods (all six) or goods with
/// a fixed vertical (the two horizontal ones, vertical kept as `z`).
pub(crate) fn container_turns(c: Dims, free: bool) -> Vec<(Dims, [usize; 3])> {
    let perms: &[[usize; 3]] = if free {
        &[
            [0, 1, 2],
            [1, 0, 2],
            [0, 2, 1],
            [2, 0, 1],
            [1, 2, 0],
            [2, 1, 0],
        ]
    } else {
        &[[0, 1, 2], [1, 0, 2]]
    };
    let mut out: Vec<(Dims, [usize; 3])> = Vec::new();
    for p in perms {
        let d = [c[p[0]], c[p[1]], c[p[2]]];
        if !out.iter().any(|(e, _)| *e == d) {
            out.push((d, *p));
        }
    }
    out
}

/// Maps a placement made in a turned container back to the container's own frame
/// (turned axis `i` is the container's axis `perm[i]`).
fn unturn(p: Placed, perm: [usize; 3]) -> Placed {
    let mut pos = [0; 3];
    let mut size = [0; 3];
    for i in 0..3 {
        pos[perm[i]] = p.pos[i];
        size[perm[i]] = p.size[i];
    }
    Placed {
        kind: p.kind,
        pos,
        size,
    }
}

/// Packs every unit into the container `c` if it can: quick volume and size rejects,
/// then the block loader in every distinct orientation of the container, then seeded
/// restarts, then (small inputs) the exact search. Placements are in `c`'s own frame.
pub(crate) fn fit(goods: &Goods, c: Dims, opts: &PackOptions) -> Option<Vec<Placed>> {
    fit_within(goods, c, opts, &mut 0, u64::MAX)
}

/// [`fit`] for a caller with a budget of its own: the work spent is added to `spent`,
/// and no restart or exact search begins once `spent` exceeds `cap` (the plain loader
/// runs, one per turn of the container, always happen).
pub(crate) fn fit_within(
    goods: &Goods,
    c: Dims,
    opts: &PackOptions,
    spent: &mut u64,
    cap: u64,
) -> Option<Vec<Placed>> {
    let start = *spent;
    let mut work = 0u64;
    let found = fit_counted(goods, c, opts, &mut work, cap.saturating_sub(start));
    *spent = start.saturating_add(work);
    found
}

fn fit_counted(
    goods: &Goods,
    c: Dims,
    opts: &PackOptions,
    work: &mut u64,
    cap: u64,
) -> Option<Vec<Placed>> {
    let cv = u64::from(c[0]) * u64::from(c[1]) * u64::from(c[2]);
    if goods.volume_mm3 > cv {
        return None;
    }
    let cs = courier_rules::limits::sort_desc(c);
    let lb = goods.lb.sides_mm.to_array();
    if (0..3).any(|a| lb[a] > cs[a]) {
        return None;
    }
    let turns = container_turns(c, goods.free);
    let back = |placed: Vec<Placed>, perm: [usize; 3]| {
        placed.into_iter().map(|p| unturn(p, perm)).collect()
    };
    for &(d, perm) in &turns {
        if let Some(p) = super::minbox::fill(d, &goods.kinds, work) {
            return Some(back(p, perm));
        }
    }
    for seed in 1..=RESTARTS {
        if *work > opts.fit_work_budget.min(cap) {
            break;
        }
        let (d, perm) = turns[(seed as usize) % turns.len()];
        let mut rem: Vec<u32> = goods.kinds.iter().map(|k| k.qty).collect();
        let params = LoadParams {
            seed: Some(seed),
            top_k: 2 + (seed as usize % 3),
        };
        let p = loader::load(d, &goods.kinds, &mut rem, params, work);
        if rem.iter().all(|&r| r == 0) {
            return Some(back(p, perm));
        }
    }
    if goods.units <= opts.exact_max_units {
        for &(d, perm) in &turns {
            let budget = opts.exact_work_budget.min(cap.saturating_sub(*work));
            if budget == 0 {
                break;
            }
            if let Some(Some(p)) = exact::feasible(&goods.kinds, d, budget, work) {
                return Some(back(p, perm));
            }
        }
    }
    None
}

/// Placements of the packers (kind, corner, size) as the engine reports them: input line
/// instead of kind, ordered by line, then position.
pub(crate) fn to_placements(kinds: &[Kind], placed: &[Placed]) -> Vec<Placement> {
    let mut out: Vec<Placement> = placed
        .iter()
        .map(|p| Placement {
            line: kinds[p.kind].line,
            x_mm: p.pos[0],
            y_mm: p.pos[1],
            z_mm: p.pos[2],
            dx_mm: p.size[0],
            dy_mm: p.size[1],
            dz_mm: p.size[2],
        })
        .collect();
    out.sort_by_key(|p| (p.line, p.z_mm, p.y_mm, p.x_mm));
    out
}

/// Whether the goods fit a container of inner size `inner` (length, width, height; the
/// container may be turned when every item rotates freely), and a packing if so.
///
/// ```
/// use courier_engine::packing::{fits_in, Item, PackOptions};
/// let a4 = Item::new(297, 210, 8, 300, 5);
/// assert!(fits_in(&[a4], [300, 220, 40], &PackOptions::default()).unwrap().is_some());
/// assert!(fits_in(&[a4], [300, 220, 39], &PackOptions::default()).unwrap().is_none());
/// ```
pub fn fits_in(
    items: &[Item],
    inner: [u32; 3],
    opts: &PackOptions,
) -> Result<Option<Vec<Placement>>, PackError> {
    let goods = Goods::new(items)?;
    Ok(fit(&goods, inner, opts).map(|p| to_placements(&goods.kinds, &p)))
}

/// The carton chosen for a set of goods.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CartonChoice {
    /// Index into the catalogue slice given to [`choose_carton`].
    pub index: usize,
    /// The carton's reference.
    pub reference: String,
    /// Every unit, in the carton's inner frame (inner length, width, height as listed).
    pub placements: Vec<Placement>,
    /// Weight of the goods alone.
    pub goods_weight_g: u64,
    /// Goods plus the empty carton.
    pub gross_weight_g: u64,
    /// Volume of the units.
    pub goods_volume_mm3: u64,
    /// The carton's inner sides, longest first (JSON `[l, w, h]`).
    pub inner_sorted_mm: Sides,
    /// The carton's outer sides, longest first (what a carrier measures).
    pub outer_sorted_mm: Sides,
}

/// The cheapest carton (see [`Carton::cost_key`]) that holds all the goods within its
/// weight limit; `Ok(None)` when none does. `Err` only for bad goods: a [`Carton`] has
/// no zero side by construction.
///
/// ```
/// use courier_engine::packing::{choose_carton, Item, PackOptions};
/// use courier_engine::rules::catalogue::Carton;
/// use courier_engine::rules::catalogue::CartonRecord;
/// let carton = |r: &str, l, w, h| Carton::try_from(CartonRecord {
///     reference: r.into(), inner_length_mm: l, inner_width_mm: w, inner_height_mm: h,
///     outer_length_mm: l + 6, outer_width_mm: w + 6, outer_height_mm: h + 6,
///     empty_weight_g: 100, max_weight_g: 10_000, price: None,
/// }).unwrap();
/// let cat = [carton("big", 400, 300, 300), carton("small", 300, 220, 60)];
/// let books = Item::new(297, 210, 25, 400, 2);
/// let c = choose_carton(&[books], &cat, &PackOptions::default()).unwrap().unwrap();
/// assert_eq!(c.reference, "small");
/// assert_eq!(c.gross_weight_g, 900);
/// ```
pub fn choose_carton(
    items: &[Item],
    cartons: &[Carton],
    opts: &PackOptions,
) -> Result<Option<CartonChoice>, PackError> {
    choose_carton_within(items, cartons, opts, &mut 0, u64::MAX)
}

/// [`choose_carton`] within a caller's budget: the fit work is added to `spent`, and
/// each fit stops its restarts once `spent` exceeds `cap` (see [`fit_within`]).
pub(crate) fn choose_carton_within(
    items: &[Item],
    cartons: &[Carton],
    opts: &PackOptions,
    spent: &mut u64,
    cap: u64,
) -> Result<Option<CartonChoice>, PackError> {
    let goods = Goods::new(items)?;
    let mut order: Vec<usize> = (0..cartons.len()).collect();
    order.sort_by(|&a, &b| cartons[a].cost_key().cmp(&cartons[b].cost_key()));
    for i in order {
        let c = &cartons[i];
        let gross = goods.weight_g.saturating_add(c.empty_weight_g());
        if gross > c.max_weight_g() {
            continue;
        }
        if let Some(p) = fit_within(&goods, c.inner_mm(), opts, spent, cap) {
            return Ok(Some(CartonChoice {
                index: i,
                reference: c.reference().to_string(),
                placements: to_placements(&goods.kinds, &p),
                goods_weight_g: goods.weight_g,
                gross_weight_g: gross,
                goods_volume_mm3: goods.volume_mm3,
                inner_sorted_mm: c.inner_sorted(),
                outer_sorted_mm: c.outer_sorted(),
            }));
        }
    }
    Ok(None)
}

/// A box type offered for container loading: edges, which edges may stand vertical, and
/// how many boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerItem {
    /// Edges of one box, in mm.
    pub dims: [u32; 3],
    /// Whether edge `i` may stand vertical.
    pub may_be_vertical: [bool; 3],
    /// Number of boxes.
    pub qty: u32,
}

/// Result of [`load_container`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerLoad {
    /// Volume of the boxes packed.
    pub packed_volume_mm3: u64,
    /// Inner volume of the container.
    pub container_volume_mm3: u64,
    /// Number of boxes packed.
    pub units_packed: u64,
    /// Placements as (item index, position, oriented size).
    pub placements: Vec<(usize, [u32; 3], [u32; 3])>,
}

/// Loads as much volume as it can into one container (axis `z` vertical), trying the two
/// horizontal orientations of the container and seeded restarts until `work_budget` is
/// spent; keeps the best. This is the Bischoff–Ratcliff benchmark's problem.
pub fn load_container(
    container: [u32; 3],
    items: &[ContainerItem],
    work_budget: u64,
) -> ContainerLoad {
    load_container_counted(container, items, work_budget, false).0
}

/// [`load_container`], also returning the work spent. With `charge_placements`, every
/// unit a run places costs one more work unit, and every [`SCANNED_PER_WORK`] kinds or
/// spaces its steps walk another: a run of large identical blocks is cheap in
/// orientations tried yet places thousands of units, a run offered hundreds of kinds
/// walks them all at every step, and a caller that loads many cartons (the split) needs
/// the budget to bound that time too.
pub(crate) fn load_container_counted(
    container: [u32; 3],
    items: &[ContainerItem],
    work_budget: u64,
    charge_placements: bool,
) -> (ContainerLoad, u64) {
    let kinds: Vec<Kind> = items
        .iter()
        .enumerate()
        .filter(|(_, it)| {
            it.qty > 0 && it.dims.iter().all(|&d| d > 0) && it.may_be_vertical.iter().any(|&v| v)
        })
        .map(|(i, it)| Kind::new(i, it.dims, it.may_be_vertical, it.qty, 0))
        .collect();
    let turns = container_turns(container, false);
    let mut work = 0u64;
    let mut best: Option<(u64, Vec<Placed>, [usize; 3])> = None;
    let mut attempt = 0u64;
    loop {
        let (d, perm) = turns[(attempt as usize) % turns.len()];
        let params = if attempt < turns.len() as u64 {
            LoadParams::default()
        } else {
            LoadParams {
                seed: Some(attempt),
                top_k: 2 + (attempt as usize % 3),
            }
        };
        let mut rem: Vec<u32> = kinds.iter().map(|k| k.qty).collect();
        let (p, scanned) = loader::load_scanned(d, &kinds, &mut rem, params, &mut work);
        if charge_placements {
            work += p.len() as u64 + scanned / SCANNED_PER_WORK;
        }
        let v = loader::placed_volume(&p);
        if best.as_ref().is_none_or(|b| v > b.0) {
            best = Some((v, p, perm));
        }
        attempt += 1;
        if work > work_budget || attempt > 10_000 {
            break;
        }
    }
    let (v, p, perm) = best.unwrap_or((0, Vec::new(), [0, 1, 2]));
    let placements = p
        .iter()
        .map(|u| {
            let p = unturn(*u, perm);
            (kinds[u.kind].line, p.pos, p.size)
        })
        .collect::<Vec<_>>();
    let load = ContainerLoad {
        packed_volume_mm3: v,
        container_volume_mm3: u64::from(container[0])
            * u64::from(container[1])
            * u64::from(container[2]),
        units_packed: placements.len() as u64,
        placements,
    };
    (load, work)
}

#[cfg(test)]
mod tests {
    use super::*;

    use courier_rules::catalogue::CartonRecord;

    fn carton(reference: &str, inner: [u32; 3], outer: [u32; 3]) -> Carton {
        Carton::try_from(CartonRecord {
            reference: reference.into(),
            inner_length_mm: inner[0],
            inner_width_mm: inner[1],
            inner_height_mm: inner[2],
            outer_length_mm: outer[0],
            outer_width_mm: outer[1],
            outer_height_mm: outer[2],
            empty_weight_g: 100,
            max_weight_g: 10_000,
            price: None,
        })
        .unwrap()
    }

    #[test]
    fn the_choice_reports_sorted_sides() {
        let cat = [carton("a", [220, 300, 60], [226, 306, 66])];
        let books = Item::new(297, 210, 25, 400, 2);
        let c = choose_carton(&[books], &cat, &PackOptions::default())
            .unwrap()
            .unwrap();
        assert_eq!(c.inner_sorted_mm.to_array(), [300, 220, 60]);
        assert_eq!(c.outer_sorted_mm.to_array(), [306, 226, 66]);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["inner_sorted_mm"], serde_json::json!([300, 220, 60]));
        assert_eq!(json["outer_sorted_mm"], serde_json::json!([306, 226, 66]));
    }
}
