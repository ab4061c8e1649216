//! Money arithmetic and the rounding policy.
//!
//! Every cost component is computed exactly (decimal, no floats) and then rounded
//! **once**, half-up (away from zero; amounts are never negative) to the currency's minor
//! unit, and rescaled so it always prints with exactly that many digits (`"250.00"`).
//! Totals are sums of rounded components and are never rounded again, so a breakdown
//! always adds up to its total. See `docs/pricing.md`.

use rust_decimal::{Decimal, RoundingStrategy};

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
    let mut r = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r
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
