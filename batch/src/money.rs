//! Money inside the batch: whole minor units (kopecks, grosze) in an `i64`.
//!
//! Every amount the job reads is exact at the currency's minor unit (a field with more
//! digits is rejected), and every amount the engine returns is already rounded to it, so
//! an integer of minor units is exact, half the size of a `Decimal` (ten million
//! invoice lines hold eight amounts each) and adds without rounding.

use rust_decimal::Decimal;

/// An amount in minor units of a currency whose digit count the caller knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// From minor units.
    pub fn from_minor(minor: i64) -> Money {
        Money(minor)
    }

    /// Minor units.
    pub fn minor(self) -> i64 {
        self.0
    }

    /// `d` in minor units of a `dp`-digit currency, when it has no more digits than that
    /// and fits.
    pub fn from_decimal_exact(d: Decimal, dp: u32) -> Option<Money> {
        if d.scale() <= dp {
            // Every amount the engine returns is at `dp` digits already: its mantissa,
            // scaled up, is the answer without the general path's product and
            // normalisation (a few percent of a comparison's CPU).
            let up = 10i128.checked_pow(dp - d.scale())?;
            return i64::try_from(d.mantissa().checked_mul(up)?).ok().map(Money);
        }
        if d.normalize().scale() > dp {
            return None;
        }
        let scaled = d.checked_mul(Decimal::from(10i64.checked_pow(dp)?))?;
        let n = scaled.normalize();
        if n.scale() != 0 {
            return None;
        }
        i64::try_from(n.mantissa()).ok().map(Money)
    }

    /// As a decimal with exactly `dp` digits (`"12.50"`).
    pub fn to_decimal(self, dp: u32) -> Decimal {
        Decimal::new(self.0, dp)
    }

    /// Rendered with exactly `dp` digits: the text of [`Money::to_decimal`]
    /// (`"-0.05"`, `"12.50"`, `"7"` at `dp` 0), written directly from the integer
    /// because the job renders some thirty amounts per invoice line.
    pub fn display(self, dp: u32) -> String {
        let mut s = String::with_capacity(24);
        self.write_to(&mut s, dp);
        s
    }

    /// Appends [`Money::display`] to `out`.
    pub fn write_to(self, out: &mut String, dp: u32) {
        // i64::MAX has 19 digits; a scale beyond that only adds leading zeros.
        let mut digits = [0u8; 20];
        let mut n = self.0.unsigned_abs();
        let mut len = 0;
        loop {
            digits[len] = b'0' + (n % 10) as u8;
            n /= 10;
            len += 1;
            if n == 0 {
                break;
            }
        }
        if self.0 < 0 {
            out.push('-');
        }
        let dp = dp as usize;
        // Integer part: the digits above the scale, or "0".
        if len > dp {
            for i in (dp..len).rev() {
                out.push(char::from(digits[i]));
            }
        } else {
            out.push('0');
        }
        if dp > 0 {
            out.push('.');
            for i in (0..dp).rev() {
                out.push(if i < len { char::from(digits[i]) } else { '0' });
            }
        }
    }

    /// Sum (saturating: sums of bounded fields over at most `i64::MAX / 10^10` rows
    /// cannot reach it).
    pub fn plus(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }

    /// Difference.
    pub fn minus(self, o: Money) -> Money {
        Money(self.0.saturating_sub(o.0))
    }

    /// Absolute value.
    pub fn abs(self) -> Money {
        Money(self.0.saturating_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let d: Decimal = "12.50".parse().unwrap();
        let m = Money::from_decimal_exact(d, 2).unwrap();
        assert_eq!(m.minor(), 1250);
        assert_eq!(m.display(2), "12.50");
        assert_eq!(Money::from_minor(-5).display(2), "-0.05");
        assert!(Money::from_decimal_exact("1.001".parse().unwrap(), 2).is_none());
        // The direct rendering is the decimal's, digit for digit.
        for dp in 0..=6 {
            for m in [
                0,
                1,
                -1,
                5,
                -5,
                9,
                10,
                99,
                100,
                101,
                -100,
                1250,
                -1250,
                123_456_789,
                -987_654_321_012,
                i64::MAX,
                i64::MIN,
                i64::MIN + 1,
            ] {
                let m = Money::from_minor(m);
                assert_eq!(m.display(dp), m.to_decimal(dp).to_string(), "{m:?} at {dp}");
            }
        }
        assert_eq!(
            Money::from_decimal_exact("1.0100".parse().unwrap(), 2)
                .unwrap()
                .minor(),
            101
        );
    }

    proptest::proptest! {
        /// The short path for amounts with no more digits than the currency's gives
        /// the general path's answer: the same minor units, or none when out of range.
        #[test]
        fn a_decimal_at_or_below_the_minor_unit_is_its_mantissa_scaled_up(
            mantissa in proptest::prelude::any::<i64>(),
            wide in proptest::prelude::any::<bool>(),
            scale in 0u32..=6,
            dp in 0u32..=6,
        ) {
            let m = if wide { i128::from(mantissa) << 30 } else { i128::from(mantissa) };
            let d = Decimal::from_i128_with_scale(m, scale);
            let general = if d.scale() > dp && d.normalize().scale() > dp {
                None
            } else {
                d.checked_mul(Decimal::from(10i64.pow(dp)))
                    .map(|x| x.normalize())
                    .filter(|x| x.scale() == 0)
                    .and_then(|x| i64::try_from(x.mantissa()).ok())
                    .map(Money::from_minor)
            };
            proptest::prop_assert_eq!(Money::from_decimal_exact(d, dp), general);
        }
    }
}
