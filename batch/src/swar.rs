//! Byte classes found eight bytes at a time in a `u64` ("SIMD within a register"), with
//! no `unsafe` and no target features: the CSV reader's cut of a quote-free row
//! ([`crate::row_parser`]) and the CSV writer's check for bytes that need quotes
//! ([`crate::csv_record`]) both ask "where is the first of these bytes" of short texts,
//! where a vector search's set-up per call costs more than it saves.

/// `1` in every byte lane, for [`splat`].
const ONES: u64 = 0x0101_0101_0101_0101;

/// `b` in all eight lanes.
pub(crate) const fn splat(b: u8) -> u64 {
    ONES * b as u64
}

/// `0x80` in each byte of `v` that is zero, `0` in the others — exactly, with no false
/// marks (unlike the cheaper `(v - ONES) & !v & HIGH`, which can mark a `0x01` after a
/// zero).
pub(crate) const fn zero_bytes(v: u64) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((v & LOW).wrapping_add(LOW)) | v | LOW)
}

/// Whether `bytes` holds any of the four `needles`.
pub(crate) fn holds_any(bytes: &[u8], needles: [u8; 4]) -> bool {
    let lanes = needles.map(splat);
    let mut words = bytes.chunks_exact(8);
    for word in words.by_ref() {
        let v = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        if lanes.iter().any(|&n| zero_bytes(v ^ n) != 0) {
            return true;
        }
    }
    words.remainder().iter().any(|b| needles.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn zero_bytes_marks_exactly_the_zero_bytes(v in any::<u64>()) {
            let expected = (0..8).fold(0u64, |m, i| {
                if (v >> (8 * i)) & 0xff == 0 { m | (0x80 << (8 * i)) } else { m }
            });
            prop_assert_eq!(zero_bytes(v), expected);
        }

        #[test]
        fn holds_any_is_a_scan_for_the_needles(
            bytes in proptest::collection::vec(any::<u8>(), 0..40),
            needles in any::<[u8; 4]>(),
        ) {
            prop_assert_eq!(
                holds_any(&bytes, needles),
                bytes.iter().any(|b| needles.contains(b))
            );
        }
    }
}
