//! A *kind* of unit: one input line, its allowed orientations and its quantity.
//!
//! Every algorithm in the packing engine works on kinds rather than on units, so that
//! 1,000 identical units cost one kind and blocks of them are placed at once.

/// An oriented size `[dx, dy, dz]`; `z` is the vertical axis.
pub type Dims = [u32; 3];

/// One line of goods as the packers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kind {
    /// 0-based input row the units come from.
    pub line: usize,
    /// Distinct allowed orientations, in a fixed order (see [`orientations`]).
    pub orientations: Vec<Dims>,
    pub qty: u32,
    pub weight_g: u64,
    /// Volume of one unit in mm³.
    pub volume: u64,
    /// Sorted sides of one unit, longest first.
    pub sorted: Dims,
    /// Every edge may stand vertical: the unit fits a space iff its sorted sides fit the
    /// space's sorted sides, which is cheaper than trying orientations.
    pub free: bool,
}

impl Kind {
    pub fn new(
        line: usize,
        dims: Dims,
        may_be_vertical: [bool; 3],
        qty: u32,
        weight_g: u64,
    ) -> Kind {
        let mut sorted = dims;
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        Kind {
            line,
            orientations: orientations(dims, may_be_vertical),
            qty,
            weight_g,
            volume: u64::from(dims[0]) * u64::from(dims[1]) * u64::from(dims[2]),
            sorted,
            free: may_be_vertical.iter().all(|&v| v),
        }
    }
}

/// The distinct orientations of a box whose edge `i` may stand vertical when
/// `may_be_vertical[i]`; horizontal quarter turns are always allowed. Deterministic order:
/// by vertical edge index, then the two horizontal turns.
///
/// The caller guarantees at least one flag is set (an empty list would mean the unit
/// cannot be placed at all).
pub(crate) fn orientations(d: Dims, may_be_vertical: [bool; 3]) -> Vec<Dims> {
    let mut out: Vec<Dims> = Vec::with_capacity(6);
    for v in 0..3 {
        if !may_be_vertical[v] {
            continue;
        }
        let (a, b) = match v {
            0 => (d[1], d[2]),
            1 => (d[0], d[2]),
            _ => (d[0], d[1]),
        };
        for o in [[a, b, d[v]], [b, a, d[v]]] {
            if !out.contains(&o) {
                out.push(o);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_orientations_for_a_free_box_with_distinct_sides() {
        assert_eq!(orientations([1, 2, 3], [true; 3]).len(), 6);
    }

    #[test]
    fn a_cube_has_one_orientation() {
        assert_eq!(orientations([5, 5, 5], [true; 3]), vec![[5, 5, 5]]);
    }

    #[test]
    fn upright_keeps_height_vertical() {
        let o = orientations([10, 20, 30], [false, false, true]);
        assert_eq!(o, vec![[10, 20, 30], [20, 10, 30]]);
    }
}
