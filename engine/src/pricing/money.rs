//! Money arithmetic and the rounding policy.
//!
//! Every cost component is computed exactly (decimal, no floats) and then rounded
//! **once**, half-up (away from zero; amounts are never negative) to the currency's minor
//! unit, and rescaled so it always prints with exactly that many digits (`"250.00"`).
//! Totals are sums of rounded components and are never rounded again, so a breakdown
//! always adds up to its total. See `docs/pricing.md`.

use rust_decimal::Decimal;

/// Rounds half-up to `dp` decimal places and fixes the scale to `dp`.
///
/// ```
/// use courier_engine::pricing::round_money;
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(round_money(d("2.345"), 2).to_string(), "2.35");
/// assert_eq!(round_money(d("2.3449"), 2).to_string(), "2.34");
/// assert_eq!(round_money(d("7"), 2).to_string(), "7.00");
/// ```
pub fn round_money(d: Decimal, dp: u32) -> Decimal {
    let scale = d.scale();
    if scale > dp {
        return round_away(d, scale - dp, dp);
    }
    let mut r = d;
    r.rescale(dp);
    r
}

/// Powers of ten up to the largest scale a [`Decimal`] has (28).
const POW10: [u128; 29] = {
    let mut p = [1u128; 29];
    let mut i = 1;
    while i < 29 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `d` (of scale `dp + digits`) rounded half away from zero to `dp` places.
///
/// What `round_dp_with_strategy(dp, MidpointAwayFromZero)` computes, with one division
/// of the 96-bit mantissa as a `u128` instead of rust_decimal's limb-by-limb divisions,
/// multiplications and a 10-fold loop per dropped digit: every amount of every quote
/// goes through here, and rounding a VAT or a percentage (scale 28) was about a tenth
/// of a comparison's run (BENCHMARKS.md, "The output floor; rounding in one division,
/// smaller rows"). A property test holds it to rust_decimal's bytes, sign of zero
/// included.
fn round_away(d: Decimal, digits: u32, dp: u32) -> Decimal {
    let m = d.mantissa().unsigned_abs();
    // `digits` ≤ 28 because a Decimal's scale is; `POW10[0]` would be a no-op anyway.
    let f = POW10[digits.min(28) as usize];
    let (q, r) = (m / f, m % f);
    // `r ≥ f / 2` without overflow; `f` is even (digits ≥ 1), so `f / 2` is the midpoint.
    let q = if r >= f - r { q + 1 } else { q };
    // `m < 2^96` and `f ≥ 10`, so `q + 1 < 2^96`: the three limbs hold it.
    Decimal::from_parts(
        q as u32,
        (q >> 32) as u32,
        (q >> 64) as u32,
        d.is_sign_negative(),
        dp,
    )
}

/// The VAT in or on `cost` at `rate_percent`, rounded ([`round_money`]):
/// `cost × r / (100 + r)` when prices include it, else `cost × r / 100`. `None` when it
/// overflows exact arithmetic.
///
/// Every priced parcel of a comparison asks for it, and rust_decimal's division — 28
/// digits, limb by limb, then rounded back to the minor unit — was about a twentieth of
/// a comparison's run (BENCHMARKS.md, "The output floor; rounding in one division,
/// smaller rows"). For the amounts a tariff produces ([`vat_exact`]'s bounds) the
/// fraction is rounded directly in integers; the result is the same: see there, and
/// the property test that holds the two ways to the same bytes.
pub(crate) fn vat_amount(
    cost: Decimal,
    rate_percent: Decimal,
    included: bool,
    dp: u32,
) -> Option<Decimal> {
    if let Some(v) = vat_exact(cost, rate_percent, included, dp) {
        return Some(v);
    }
    let divisor = if included {
        Decimal::ONE_HUNDRED.checked_add(rate_percent)?
    } else {
        Decimal::ONE_HUNDRED
    };
    Some(round_money(
        cost.checked_mul(rate_percent)?.checked_div(divisor)?,
        dp,
    ))
}

/// [`vat_amount`] as one integer division rounded half away from zero, for a cost of
/// `0 ≤ c < 10¹³` at scale ≤ 2, a rate of 0–100 % at scale ≤ 2 and `dp ≤ 2`; `None`
/// outside those bounds.
///
/// Why it is the same amount: the VAT times `10^dp` is `N / D` in integers, with
/// `D ≤ 2·10⁶`. When that is not a midpoint `k + ½`, it is at least `1 / 2D ≥ 2.5·10⁻⁷`
/// away from one. rust_decimal's product `cost × rate` is exact (below 10¹⁷), and its
/// quotient, below 10¹³, keeps 15 or more digits after the point, so it is within
/// `10⁻¹⁵` of the VAT and within `10⁻¹³` of `N / D`: both round to the same side. When
/// `N / D` is a midpoint, the VAT has at most `dp + 1` decimals and rust_decimal's
/// quotient is exact.
fn vat_exact(cost: Decimal, rate_percent: Decimal, included: bool, dp: u32) -> Option<Decimal> {
    let (sc, sr) = (cost.scale(), rate_percent.scale());
    let (c, r) = (cost.mantissa(), rate_percent.mantissa());
    let pow = |e: u32| 10i128.pow(e);
    if sc > 2 || sr > 2 || dp > 2 || !(0..pow(13)).contains(&c) || !(0..=100 * pow(sr)).contains(&r)
    {
        return None;
    }
    let hundred = 100 * pow(sr);
    let n = c * r * pow(dp);
    let d = pow(sc) * if included { hundred + r } else { hundred };
    let (q, rem) = (n / d, n % d);
    let q = if rem >= d - rem { q + 1 } else { q };
    Some(Decimal::from_i128_with_scale(q, dp))
}

/// `v` rounded up to a whole multiple of `step` (`step > 0`): "per full or partial rouble".
/// `None` when it overflows exact arithmetic (a step far below the minor unit, which
/// `tariff check` refuses).
pub(crate) fn ceil_to_step(v: Decimal, step: Decimal) -> Option<Decimal> {
    if step.is_zero() {
        return Some(v);
    }
    v.checked_div(step)?.ceil().checked_mul(step)
}

/// The sum of `parts`, `None` when it overflows exact arithmetic.
pub(crate) fn checked_sum(parts: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    parts
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, d| acc.checked_add(d))
}

/// `percent / 100`, computed once at compile time.
pub(crate) fn fraction(percent: Decimal) -> Decimal {
    percent / Decimal::ONE_HUNDRED
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::RoundingStrategy;

    /// rust_decimal's own rounding, which [`round_money`] replaced.
    fn reference(d: Decimal, dp: u32) -> Decimal {
        let mut r = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(dp);
        r
    }

    #[test]
    fn midpoints_round_away_from_zero() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for (v, dp, want) in [
            ("2.345", 2, "2.35"),
            ("2.3449999", 2, "2.34"),
            ("-2.345", 2, "-2.35"),
            ("-0.004", 2, "0.00"),
            ("0.005", 2, "0.01"),
            ("0.125", 0, "0"),
            ("0.5", 0, "1"),
            (
                "79228162514264337593543950335",
                0,
                "79228162514264337593543950335",
            ),
            ("7.9228162514264337593543950335", 2, "7.92"),
            ("9.9999999999999999999999999999", 2, "10.00"),
        ] {
            let got = round_money(d(v), dp);
            assert_eq!(got.to_string(), want, "{v} to {dp} places");
            assert_eq!(got.serialize(), reference(d(v), dp).serialize(), "{v}");
        }
    }

    /// [`vat_amount`] the long way: rust_decimal's product and 28-digit quotient, rounded.
    fn vat_reference(cost: Decimal, rate: Decimal, included: bool, dp: u32) -> Option<Decimal> {
        let divisor = if included {
            Decimal::ONE_HUNDRED.checked_add(rate)?
        } else {
            Decimal::ONE_HUNDRED
        };
        Some(reference(cost.checked_mul(rate)?.checked_div(divisor)?, dp))
    }

    #[test]
    fn vat_of_a_known_cost() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for (cost, rate, included, want) in [
            // 1000.00 with 20 % included: 166.666… → 166.67; added: 200.00.
            ("1000.00", "20", true, "166.67"),
            ("1000.00", "20", false, "200.00"),
            // A midpoint: 0.05 × 10 % = 0.005 → 0.01 (away from zero).
            ("0.05", "10", false, "0.01"),
            // Outside the integer way's bounds (a cost at scale 3), the long way.
            ("1.005", "20", false, "0.20"),
        ] {
            let got = vat_amount(d(cost), d(rate), included, 2).map(|v| v.to_string());
            assert_eq!(
                got.as_deref(),
                Some(want),
                "{cost} at {rate} %, included: {included}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// The integer way gives rust_decimal's bytes wherever it is taken: costs up to
        /// 10¹³ (small ones half the time), rates of 0–100 % with 0–2 decimals, both
        /// ways of stating VAT, 0–2 minor digits.
        #[test]
        fn vat_amount_is_the_long_ways_amount(
            c in prop_oneof![0i64..100_000, 0i64..10_000_000_000_000],
            sc in 0u32..=2, sr in 0u32..=2, dp in 0u32..=2, included: bool,
            r in 0i64..=10_000,
        ) {
            let cost = Decimal::new(c, sc);
            let rate = Decimal::new(r % (100 * 10i64.pow(sr) + 1), sr);
            prop_assert!(vat_exact(cost, rate, included, dp).is_some());
            prop_assert_eq!(
                vat_amount(cost, rate, included, dp).map(|v| v.serialize()),
                vat_reference(cost, rate, included, dp).map(|v| v.serialize())
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// The same bytes as rust_decimal's rounding — mantissa, scale and sign, so a
        /// rounded-away negative amount is the same zero — for any mantissa, scale and
        /// number of places.
        #[test]
        fn round_money_is_rust_decimals_rounding(
            lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28, dp in 0u32..=6,
            small in proptest::bool::ANY,
        ) {
            // Half the cases with a small mantissa, where midpoints and carries are common.
            let (mid, hi) = if small { (0, 0) } else { (mid, hi) };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(round_money(d, dp).serialize(), reference(d, dp).serialize());
            // An exact midpoint of the dropped digits, and one unit either side of it.
            if scale > dp {
                let f = POW10[(scale - dp) as usize];
                let mid_point = u128::from(lo) * f + f / 2;
                for m in [mid_point - 1, mid_point, mid_point + 1] {
                    if m < 1 << 96 {
                        let m = Decimal::from_parts(
                            m as u32, (m >> 32) as u32, (m >> 64) as u32, negative, scale,
                        );
                        prop_assert_eq!(round_money(m, dp).serialize(), reference(m, dp).serialize());
                    }
                }
            }
        }
    }
}
