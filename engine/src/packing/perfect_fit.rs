//! Perfect-fit instances: a box cut by guillotine cuts into pieces, each piece turned.
//!
//! The optimum of such an instance is known — the original box, whose volume equals the
//! pieces' total volume — so they measure how often the search *reaches and proves* the
//! optimum (tests, property tests and the benchmarks all draw from this one generator,
//! which is why it lives in the engine rather than in three copies).

use super::Item;

/// Cuts the box `d` recursively into `pieces` cuboids — always the largest part along its
/// longest side, at a position drawn from a deterministic generator seeded by `seed` —
/// each turned a different way (piece `k` by `k mod 3` quarter turns of its axes). Fewer
/// pieces come back when a part is too thin to cut (a side of 1 mm). Every piece weighs
/// 10 g and rotates freely.
///
/// ```
/// use courier_engine::packing::{pack, perfect_fit, PackOptions};
/// let items = perfect_fit([300, 200, 150], 3, 7);
/// assert_eq!(items.len(), 3);
/// let p = pack(&items, &PackOptions::default()).unwrap();
/// assert_eq!(p.volume_mm3, 300 * 200 * 150);
/// assert!(p.optimal);
/// ```
pub fn perfect_fit(d: [u32; 3], pieces: usize, seed: u64) -> Vec<Item> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        // xorshift64*: deterministic and dependency-free.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32
    };
    let mut parts = vec![d];
    while parts.len() < pieces {
        parts.sort_by_key(|p| {
            std::cmp::Reverse(u64::from(p[0]) * u64::from(p[1]) * u64::from(p[2]))
        });
        let p = parts[0];
        let a = (0..3).max_by_key(|&a| (p[a], 3 - a)).unwrap_or(0);
        if p[a] < 2 {
            break;
        }
        let at = 1 + u32::try_from(next() % u64::from(p[a] - 1)).unwrap_or(0);
        let mut x = p;
        let mut y = p;
        x[a] = at;
        y[a] = p[a] - at;
        parts[0] = x;
        parts.push(y);
    }
    parts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let t = k % 3;
            Item::new(p[t], p[(t + 1) % 3], p[(t + 2) % 3], 10, 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_fill_the_box_exactly() {
        for n in 1..=40 {
            let items = perfect_fit([300, 200, 150], n, n as u64);
            assert_eq!(items.len(), n);
            let v: u64 = items
                .iter()
                .map(|i| u64::from(i.length_mm) * u64::from(i.width_mm) * u64::from(i.height_mm))
                .sum();
            assert_eq!(v, 300 * 200 * 150);
        }
    }

    #[test]
    fn same_seed_same_instance() {
        assert_eq!(
            perfect_fit([90, 80, 70], 6, 3),
            perfect_fit([90, 80, 70], 6, 3)
        );
        assert_ne!(
            perfect_fit([90, 80, 70], 6, 3),
            perfect_fit([90, 80, 70], 6, 4)
        );
    }
}
