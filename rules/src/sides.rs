//! The three sides of a box, sorted and non-zero ([`Sides`]).
//!
//! Every size limit of a carrier compares *sorted* sides: the maximum side is the
//! longest, girth is taken over the two others, a parcel fits a cell when each of its
//! sides, longest first, is within the cell's side of the same rank. When the sides are
//! a bare `[u32; 3]`, every caller must remember to sort them first, and a caller that
//! forgets compares a parcel's width with a cell's length without any error. [`Sides`]
//! is sorted by construction and refuses a zero side (a zero side is not a box: it has
//! no volume and would fit through every limit), so a value of this type can be compared
//! as it is — as ripgrep's `Match` holds `start ≤ end` so that no user re-checks it.
//!
//! Arrays that are positions, orientations or a packer's working dimensions (where a
//! zero or an unsorted order is meaningful) stay `[u32; 3]`.

use serde::{Deserialize, Serialize};

/// Three sides of a box in millimetres, always sorted longest first, none zero.
///
/// Built only through [`Sides::new`] or [`Sides::from_array`] (any order in, sorted
/// out). Serialises as the sorted array `[longest, middle, shortest]`, the shape the
/// JSON outputs had when this was a sorted `[u32; 3]`; deserialises through the same
/// checked constructor, so `[0, 1, 2]` is an error and `[1, 3, 2]` reads as `[3, 2, 1]`.
///
/// ```
/// use courier_rules::Sides;
/// let s = Sides::new(400, 1400, 500).unwrap();
/// assert_eq!(s.to_array(), [1400, 500, 400]);
/// assert_eq!(s.length_plus_girth_mm(), 1400 + 2 * (500 + 400));
/// assert_eq!(Sides::new(0, 1, 2).unwrap_err().code(), "zero_length");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "[u32; 3]", into = "[u32; 3]")]
pub struct Sides {
    /// Longest first; no zero (the invariant every method relies on).
    sorted: [u32; 3],
}

/// Why three values are not the sides of a box. Names the side by its position in the
/// constructor's arguments: first (length), second (width) or third (height).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SidesError {
    /// The first side given (the length) is zero.
    #[error("length_mm is zero")]
    ZeroLength,
    /// The second side given (the width) is zero.
    #[error("width_mm is zero")]
    ZeroWidth,
    /// The third side given (the height) is zero.
    #[error("height_mm is zero")]
    ZeroHeight,
}

impl SidesError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SidesError::ZeroLength => "zero_length",
            SidesError::ZeroWidth => "zero_width",
            SidesError::ZeroHeight => "zero_height",
        }
    }
}

impl Sides {
    /// The sides of a box from its length, width and height in any order; sorted longest
    /// first. A zero side is an error naming it (the first zero, in argument order).
    pub fn new(length_mm: u32, width_mm: u32, height_mm: u32) -> Result<Sides, SidesError> {
        if length_mm == 0 {
            return Err(SidesError::ZeroLength);
        }
        if width_mm == 0 {
            return Err(SidesError::ZeroWidth);
        }
        if height_mm == 0 {
            return Err(SidesError::ZeroHeight);
        }
        let mut sorted = [length_mm, width_mm, height_mm];
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        Ok(Sides { sorted })
    }

    /// [`Sides::new`] of `[length, width, height]` (in any order).
    pub fn from_array(sides: [u32; 3]) -> Result<Sides, SidesError> {
        let [l, w, h] = sides;
        Sides::new(l, w, h)
    }

    /// The longest side (a parcel's *length*).
    pub fn longest(&self) -> u32 {
        self.sorted[0]
    }

    /// The middle side.
    pub fn middle(&self) -> u32 {
        self.sorted[1]
    }

    /// The shortest side.
    pub fn shortest(&self) -> u32 {
        self.sorted[2]
    }

    /// `[longest, middle, shortest]`.
    pub fn to_array(&self) -> [u32; 3] {
        self.sorted
    }

    /// The sum of the three sides, saturating at `u32::MAX` (a sum that large is over
    /// every limit anyway, and a limit check must not wrap around to a small value).
    pub fn sum_mm(&self) -> u32 {
        let [l, w, h] = self.sorted;
        l.saturating_add(w).saturating_add(h)
    }

    /// Length plus girth, `longest + 2 × (middle + shortest)`, saturating at `u32::MAX`
    /// (as [`Sides::sum_mm`]).
    pub fn length_plus_girth_mm(&self) -> u32 {
        let [l, w, h] = self.sorted;
        l.saturating_add(w.saturating_add(h).saturating_mul(2))
    }

    /// The volume in mm³, saturating at `u64::MAX` (only sides beyond any real parcel
    /// reach it: `u32::MAX³` does not fit 64 bits).
    pub fn volume_mm3(&self) -> u64 {
        let [l, w, h] = self.sorted.map(u64::from);
        l.saturating_mul(w).saturating_mul(h)
    }

    /// Whether a rigid box of these sides fits inside one of `outer` (rotation allowed):
    /// each side, longest first, within the side of the same rank.
    pub fn fits_within(&self, outer: &Sides) -> bool {
        self.sorted
            .iter()
            .zip(outer.sorted.iter())
            .all(|(a, b)| a <= b)
    }
}

impl TryFrom<[u32; 3]> for Sides {
    type Error = SidesError;

    fn try_from(sides: [u32; 3]) -> Result<Sides, SidesError> {
        Sides::from_array(sides)
    }
}

impl From<Sides> for [u32; 3] {
    fn from(s: Sides) -> [u32; 3] {
        s.sorted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sorted_longest_first() {
        let s = Sides::new(200, 600, 400).unwrap();
        assert_eq!(s.to_array(), [600, 400, 200]);
        assert_eq!((s.longest(), s.middle(), s.shortest()), (600, 400, 200));
        assert_eq!(Sides::from_array([200, 600, 400]), Ok(s));
        assert_eq!(<[u32; 3]>::from(s), [600, 400, 200]);
    }

    #[test]
    fn a_zero_side_is_an_error_naming_it() {
        let cases = [
            (
                [0, 1, 1],
                SidesError::ZeroLength,
                "zero_length",
                "length_mm",
            ),
            ([1, 0, 1], SidesError::ZeroWidth, "zero_width", "width_mm"),
            (
                [1, 1, 0],
                SidesError::ZeroHeight,
                "zero_height",
                "height_mm",
            ),
        ];
        for (a, want, code, name) in cases {
            let e = Sides::from_array(a).unwrap_err();
            assert_eq!(e, want);
            assert_eq!(e.code(), code);
            assert_eq!(e.to_string(), format!("{name} is zero"));
        }
        // The first zero in argument order is named.
        assert_eq!(Sides::new(5, 0, 0), Err(SidesError::ZeroWidth));
    }

    #[test]
    fn measures_saturate_like_the_limit_checks() {
        let s = Sides::new(1400, 500, 400).unwrap();
        assert_eq!(s.sum_mm(), 2300);
        assert_eq!(s.length_plus_girth_mm(), 3200);
        assert_eq!(s.volume_mm3(), 280_000_000);
        let huge = Sides::new(u32::MAX, u32::MAX, u32::MAX).unwrap();
        assert_eq!(huge.sum_mm(), u32::MAX);
        assert_eq!(huge.length_plus_girth_mm(), u32::MAX);
        assert_eq!(huge.volume_mm3(), u64::MAX);
    }

    #[test]
    fn fits_within_compares_sides_of_the_same_rank() {
        let cell = Sides::new(640, 380, 80).unwrap();
        assert!(Sides::new(80, 600, 300).unwrap().fits_within(&cell));
        assert!(cell.fits_within(&cell));
        assert!(!Sides::new(81, 600, 300).unwrap().fits_within(&cell));
        assert!(!Sides::new(100, 100, 100).unwrap().fits_within(&cell));
    }

    #[test]
    fn json_is_the_sorted_array() {
        let s = Sides::new(2, 3, 1).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "[3,2,1]");
        let back: Sides = serde_json::from_str("[3,2,1]").unwrap();
        assert_eq!(back, s);
        // Any order reads, sorted; a zero side is refused with the constructor's message.
        let unsorted: Sides = serde_json::from_str("[1,3,2]").unwrap();
        assert_eq!(unsorted, s);
        let e = serde_json::from_str::<Sides>("[3,0,1]").unwrap_err();
        assert!(e.to_string().contains("width_mm is zero"), "{e}");
        assert!(serde_json::from_str::<Sides>("[3,2]").is_err());
    }

    #[test]
    fn order_of_sides_is_that_of_the_sorted_array() {
        let a = Sides::new(300, 200, 100).unwrap();
        let b = Sides::new(300, 100, 250).unwrap();
        assert_eq!(a.cmp(&b), a.to_array().cmp(&b.to_array()));
    }

    proptest! {
        #[test]
        fn every_permutation_gives_the_same_sides(a in 1u32.., b in 1u32.., c in 1u32..) {
            let s = Sides::new(a, b, c).unwrap();
            for [x, y, z] in [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]] {
                prop_assert_eq!(Sides::new(x, y, z).unwrap(), s);
            }
            let [l, m, sh] = s.to_array();
            prop_assert!(l >= m && m >= sh && sh >= 1);
        }

        #[test]
        fn serde_round_trips(a in 1u32.., b in 1u32.., c in 1u32..) {
            let s = Sides::new(a, b, c).unwrap();
            let json = serde_json::to_string(&s).unwrap();
            prop_assert_eq!(serde_json::from_str::<Sides>(&json).unwrap(), s);
        }
    }
}
