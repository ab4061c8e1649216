//! Checks shared by the fuzz targets: what must hold of every answer the engine gives,
//! whatever the input. A failed check panics, which libFuzzer reports as a crash.

use courier_engine::packing::{pack, verify, Item, PackOptions, Packing};

/// Small budgets for targets whose subject is parsing: they still run the packers the
/// CLI runs, but cheaply enough for thousands of executions a second.
pub const QUICK: PackOptions = PackOptions {
    work_budget: 2_000,
    fit_work_budget: 5_000,
    exact_work_budget: 10_000,
    exact_max_units: 4,
};

/// Total number of units of `items`, saturating.
pub fn units(items: &[Item]) -> u64 {
    items
        .iter()
        .fold(0u64, |n, i| n.saturating_add(u64::from(i.qty())))
}

/// Packs `items` and, when the engine accepts them, asserts the invariants of a packing:
/// every unit placed exactly once in an allowed orientation, inside the box, no two
/// overlapping (all by [`verify`]); the reported volume is the box's and is at least the
/// lower bound; sides are at least the per-axis bound; the weight adds up; and the same
/// input gives the same answer twice.
pub fn pack_and_check(items: &[Item], opts: &PackOptions) -> Option<Packing> {
    let p = pack(items, opts).ok()?;
    check_packing(items, &p);
    let again = pack(items, opts).ok();
    assert_eq!(again.as_ref(), Some(&p), "pack is not deterministic");
    Some(p)
}

/// The invariants of [`pack_and_check`], on a given answer.
pub fn check_packing(items: &[Item], p: &Packing) {
    if let Err(e) = verify(items, p) {
        panic!("invalid packing of {items:?}: {e}\n{p:?}");
    }
    assert_eq!(p.placements.len() as u64, units(items), "units placed");
    let volume = u64::from(p.length_mm) * u64::from(p.width_mm) * u64::from(p.height_mm);
    assert_eq!(p.volume_mm3, volume, "volume_mm3 is not the box's volume");
    assert!(
        p.volume_mm3 >= p.lower_bound_mm3,
        "volume {} below the lower bound {}",
        p.volume_mm3,
        p.lower_bound_mm3
    );
    assert_eq!(p.lower_bound_mm3, p.lower_bound.volume_mm3);
    let units_volume: u64 = items
        .iter()
        .map(|i| {
            (u64::from(i.length_mm()) * u64::from(i.width_mm()) * u64::from(i.height_mm()))
                .saturating_mul(u64::from(i.qty()))
        })
        .fold(0, u64::saturating_add);
    assert_eq!(p.lower_bound.units_volume_mm3, units_volume);
    let sides = [p.length_mm, p.width_mm, p.height_mm];
    for a in 0..3 {
        assert!(
            sides[a] >= p.lower_bound.sides_mm.to_array()[a],
            "side {a} {sides:?} below the bound {:?}",
            p.lower_bound.sides_mm
        );
    }
    let weight: u64 = items.iter().map(|i| i.weight_g() * u64::from(i.qty())).sum();
    assert_eq!(p.weight_g, weight, "weight does not add up");
}

/// The order in which packings compare (module docs of `courier_engine::packing`):
/// volume, then longest side, then sum of sides.
pub fn key(p: &Packing) -> (u64, u32, u64) {
    (
        p.volume_mm3,
        p.length_mm,
        u64::from(p.length_mm) + u64::from(p.width_mm) + u64::from(p.height_mm),
    )
}
