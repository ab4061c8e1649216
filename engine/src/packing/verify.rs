//! An independent check of a packing, for tests, fuzzing and callers who want proof.

use super::{Item, Packing, Placement};

/// Whether a placement's size is the unit's sides in some order (the check both this
/// verifier and the split's own verifier make of every placement).
pub(crate) fn is_rotation_of(p: &Placement, item: &Item) -> bool {
    let mut got = [p.dx_mm, p.dy_mm, p.dz_mm];
    let mut want = [item.length_mm, item.width_mm, item.height_mm];
    got.sort_unstable();
    want.sort_unstable();
    got == want
}

/// Checks that `packing` is a valid packing of `items`: every unit of every line placed
/// exactly once with one of its allowed orientations, inside the reported box, with no
/// two units overlapping. Returns the first problem found.
///
/// Quadratic in the number of units: meant for tests and audits, not the hot path.
pub fn verify(items: &[Item], packing: &Packing) -> Result<(), String> {
    let mut count = vec![0u64; items.len()];
    let b = [packing.length_mm, packing.width_mm, packing.height_mm];
    if !(b[0] >= b[1] && b[1] >= b[2]) {
        return Err(format!("sides not sorted longest first: {b:?}"));
    }
    for (i, p) in packing.placements.iter().enumerate() {
        let Some(item) = items.get(p.line) else {
            return Err(format!("placement {i}: line {} does not exist", p.line));
        };
        count[p.line] += 1;
        if !is_rotation_of(p, item) {
            return Err(format!(
                "placement {i}: size {:?} is not a rotation of line {}",
                [p.dx_mm, p.dy_mm, p.dz_mm],
                p.line
            ));
        }
        if item.upright {
            let vertical = match packing.vertical_axis {
                Some("x") => p.dx_mm,
                Some("y") => p.dy_mm,
                _ => p.dz_mm,
            };
            if vertical != item.height_mm {
                return Err(format!("placement {i}: line {} must stay upright", p.line));
            }
        }
        let lo = [p.x_mm, p.y_mm, p.z_mm];
        let sz = [p.dx_mm, p.dy_mm, p.dz_mm];
        for a in 0..3 {
            if u64::from(lo[a]) + u64::from(sz[a]) > u64::from(b[a]) {
                return Err(format!("placement {i}: sticks out of the box on axis {a}"));
            }
        }
    }
    for (line, item) in items.iter().enumerate() {
        if count[line] != u64::from(item.qty) {
            return Err(format!(
                "line {line}: {} units placed, {} expected",
                count[line], item.qty
            ));
        }
    }
    let ps = &packing.placements;
    for i in 0..ps.len() {
        for j in i + 1..ps.len() {
            if overlap(&ps[i], &ps[j]) {
                return Err(format!("placements {i} and {j} overlap"));
            }
        }
    }
    Ok(())
}

/// Whether two placements share interior volume (touching faces do not count).
pub(crate) fn overlap(p: &Placement, q: &Placement) -> bool {
    p.x_mm < q.x_mm + q.dx_mm
        && q.x_mm < p.x_mm + p.dx_mm
        && p.y_mm < q.y_mm + q.dy_mm
        && q.y_mm < p.y_mm + p.dy_mm
        && p.z_mm < q.z_mm + q.dz_mm
        && q.z_mm < p.z_mm + p.dz_mm
}
