//! Reading one field's text into a typed value, with a reason a person can act on.
//!
//! Each function returns the reason without the field name; the row reader adds the
//! file, the line and the field. Values are checked, never defaulted: an empty amount
//! is an error, not zero.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::money::Money;
use crate::profile::{FormatProfile, WeightUnit};

/// The largest amount one field may hold (exclusive): a hundred million in the major
/// unit. Anything above is a typo or an attack, not a parcel invoice.
pub const MAX_AMOUNT_MAJOR: i64 = 100_000_000;
/// The heaviest parcel a row may state: 10 tonnes in grams.
pub const MAX_WEIGHT_G: u64 = 10_000_000;
/// The longest side a row may state: 100 m in millimetres.
pub const MAX_SIDE_MM: u32 = 100_000;

/// Shortens a field value for a message: reject reasons must stay readable even when
/// the value is a 10 MB blob.
pub fn shown(v: &str) -> String {
    const MAX: usize = 40;
    if v.chars().count() <= MAX {
        format!("{v:?}")
    } else {
        let head: String = v.chars().take(MAX).collect();
        format!("{head:?}… ({} bytes)", v.len())
    }
}

fn nonempty(v: &str) -> Result<&str, String> {
    let t = v.trim();
    if t.is_empty() {
        Err("is empty".into())
    } else {
        Ok(t)
    }
}

/// An identifier that may be empty (a track number not yet known), at most 200 bytes
/// when given: it is copied into every output row of its line, so its length is
/// bounded like [`ident`]'s.
pub fn optional_ident(v: &str) -> Result<&str, String> {
    let t = v.trim();
    if t.is_empty() {
        Ok(t)
    } else {
        ident(t)
    }
}

/// A non-empty identifier (order id, invoice id, ...), at most 200 bytes.
pub fn ident(v: &str) -> Result<&str, String> {
    let t = nonempty(v)?;
    if t.len() > 200 {
        return Err(format!("is {} bytes long (at most 200)", t.len()));
    }
    Ok(t)
}

/// The text of a decimal in the profile's notation, normalised to `[-]digits[.digits]`.
fn decimal_text(v: &str, profile: &FormatProfile) -> Result<String, String> {
    let t = nonempty(v)?;
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '0'..='9' | '-' | '+' => s.push(c),
            ',' if profile.decimal_comma => s.push('.'),
            '.' if !profile.decimal_comma => s.push('.'),
            ' ' | '\u{a0}' | '\u{202f}' if profile.decimal_comma => {}
            _ => return Err(format!("{} is not a decimal number", shown(t))),
        }
    }
    Ok(s)
}

/// A decimal of any scale, for the input side of the money identity (no range check
/// beyond what `Decimal` holds).
pub fn decimal_loose(v: &str, profile: &FormatProfile) -> Option<Decimal> {
    let s = decimal_text(v, profile).ok()?;
    let d: Decimal = s.parse().ok()?;
    (d.abs() < Decimal::from(1_000_000_000_000_000i64)).then_some(d)
}

/// An amount in a currency with `dp` minor digits: exact (no more digits than the
/// currency has), not negative, below [`MAX_AMOUNT_MAJOR`].
pub fn amount(v: &str, dp: u32, profile: &FormatProfile) -> Result<Money, String> {
    if let Some(m) = plain_amount(v.trim(), dp, profile) {
        return Ok(m);
    }
    amount_checked(v, dp, profile)
}

/// The common case of [`amount`] without a `Decimal`: `digits[<sep>digits]` with at
/// most `dp` fraction digits and a value below [`MAX_AMOUNT_MAJOR`]; `None` for
/// anything else, which the general path then reads (or rejects) as before.
fn plain_amount(t: &str, dp: u32, profile: &FormatProfile) -> Option<Money> {
    let sep = if profile.decimal_comma { b',' } else { b'.' };
    let (int, frac) = match t.as_bytes().iter().position(|&b| b == sep) {
        Some(i) => (&t.as_bytes()[..i], &t.as_bytes()[i + 1..]),
        None => (t.as_bytes(), &b""[..]),
    };
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let has_sep = int.len() < t.len();
    if int.is_empty()
        || int.len() > 9
        || !digits(int)
        || !digits(frac)
        || (has_sep && frac.is_empty())
        || frac.len() > dp as usize
        || dp > 9
    {
        return None;
    }
    let whole = int.iter().fold(0i64, |n, &b| n * 10 + i64::from(b - b'0'));
    if whole >= MAX_AMOUNT_MAJOR {
        return None;
    }
    let mut minor = frac.iter().fold(0i64, |n, &b| n * 10 + i64::from(b - b'0'));
    for _ in frac.len()..dp as usize {
        minor *= 10;
    }
    Some(Money::from_minor(whole * 10i64.pow(dp) + minor))
}

/// [`amount`] through `Decimal`, with every check and its message.
fn amount_checked(v: &str, dp: u32, profile: &FormatProfile) -> Result<Money, String> {
    let s = decimal_text(v, profile)?;
    let d: Decimal = s
        .parse()
        .map_err(|_| format!("{} is not a decimal number", shown(v.trim())))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("{} is negative", shown(v.trim())));
    }
    if d >= Decimal::from(MAX_AMOUNT_MAJOR) {
        return Err(format!(
            "{} is out of range (at most {MAX_AMOUNT_MAJOR} per field)",
            shown(v.trim())
        ));
    }
    Money::from_decimal_exact(d, dp).ok_or_else(|| {
        format!(
            "{} has more decimal places than the currency's {dp}",
            shown(v.trim())
        )
    })
}

/// Whole grams; kilograms (in the profile's notation) are converted rounding up.
pub fn weight_g(v: &str, profile: &FormatProfile, unit: WeightUnit) -> Result<u64, String> {
    let t = nonempty(v)?;
    let g = match unit {
        WeightUnit::G => t
            .parse::<u64>()
            .map_err(|_| format!("{} is not a whole number of grams", shown(t)))?,
        WeightUnit::Kg => {
            let s = decimal_text(t, profile)?;
            let kg: Decimal = s
                .parse()
                .map_err(|_| format!("{} is not a number of kilograms", shown(t)))?;
            if kg.is_sign_negative() && !kg.is_zero() {
                return Err(format!("{} is negative", shown(t)));
            }
            // Checked: a kilogram count near Decimal's limit overflows when multiplied.
            kg.checked_mul(Decimal::from(1000))
                .map(|g| g.ceil())
                .and_then(|g| u64::try_from(g).ok())
                .ok_or_else(|| format!("{} is out of range", shown(t)))?
        }
    };
    if g > MAX_WEIGHT_G {
        return Err(format!(
            "{} is out of range (at most {MAX_WEIGHT_G} g)",
            shown(t)
        ));
    }
    Ok(g)
}

/// A side in whole millimetres, at least 1.
pub fn side_mm(v: &str) -> Result<u32, String> {
    let t = nonempty(v)?;
    let mm = t.parse::<u32>().map_err(|_| {
        format!(
            "{} is not a whole, non-negative number of millimetres",
            shown(t)
        )
    })?;
    if mm == 0 {
        return Err("is zero".into());
    }
    if mm > MAX_SIDE_MM {
        return Err(format!(
            "{} is out of range (at most {MAX_SIDE_MM} mm)",
            shown(t)
        ));
    }
    Ok(mm)
}

/// A small whole number (seal type, units).
pub fn small_uint(v: &str) -> Result<u32, String> {
    let t = nonempty(v)?;
    t.parse::<u32>()
        .map_err(|_| format!("{} is not a whole non-negative number", shown(t)))
}

/// Most goods units a registry parcel may declare: a handling line is charged per unit,
/// and a count in the billions would price a parcel beyond any invoice amount.
pub const MAX_UNITS: u32 = 10_000;

/// A registry parcel's `units` when given: at least 1 (a given 0 is refused, not
/// taken for the default), at most [`MAX_UNITS`].
pub fn units(v: &str) -> Result<u32, String> {
    let n = small_uint(v)?;
    if (1..=MAX_UNITS).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "{} is not between 1 and {MAX_UNITS}",
            shown(v.trim())
        ))
    }
}

/// `true` / `false` (also `1` / `0`, `yes` / `no`, any case).
pub fn boolean(v: &str) -> Result<bool, String> {
    match v.trim() {
        "true" => return Ok(true),
        "false" => return Ok(false),
        _ => {}
    }
    match nonempty(v)?.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!("{} is not true or false", shown(v.trim()))),
    }
}

/// A date in the profile's layout (ISO `YYYY-MM-DD` by default).
pub fn date(v: &str, format: &str) -> Result<NaiveDate, String> {
    let t = nonempty(v)?;
    if format == "%Y-%m-%d" {
        if let Some(d) = iso_date(t) {
            return Ok(d);
        }
    }
    NaiveDate::parse_from_str(t, format)
        .map_err(|_| format!("{} is not a date ({format})", shown(t)))
}

/// `YYYY-MM-DD` exactly, when it is a calendar date (the common case of [`date`],
/// without parsing the layout every time); `None` sends anything else to chrono.
fn iso_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// An RFC 3339 instant with an offset, converted to UTC.
pub fn instant(v: &str) -> Result<DateTime<Utc>, String> {
    let t = nonempty(v)?;
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("{} is not an RFC 3339 instant with an offset", shown(t)))
}

/// A three-letter ISO 4217 currency code, upper case.
pub fn currency(v: &str) -> Result<&str, String> {
    let t = nonempty(v)?;
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(t)
    } else {
        Err(format!(
            "{} is not a currency code (three capitals)",
            shown(t)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_identifier_may_be_empty_but_not_a_blob() {
        assert_eq!(optional_ident("  "), Ok(""));
        assert_eq!(optional_ident(" TN1 "), Ok("TN1"));
        let blob = "x".repeat(10 << 20);
        let e = optional_ident(&blob).unwrap_err();
        assert!(e.contains("at most 200"), "{e}");
    }

    /// A review found 99999999999999999999999999 kg panicking in the multiplication
    /// (Decimal's limit is about 7.9e28): every weight near or past it is out of range.
    #[test]
    fn kilograms_near_decimals_limit_are_out_of_range_not_a_panic() {
        let p = FormatProfile::canonical();
        for kg in [
            "99999999999999999999999999",
            "79228162514264337593543950",
            "79228162514264337593543950335",
            "18446744073709551.616",
        ] {
            let e = weight_g(kg, &p, WeightUnit::Kg).unwrap_err();
            assert!(e.contains("out of range"), "{kg}: {e}");
        }
        assert_eq!(weight_g("1.0001", &p, WeightUnit::Kg), Ok(1001));
    }

    #[test]
    fn amounts_are_exact_and_bounded() {
        let p = FormatProfile::canonical();
        assert_eq!(amount("12.99", 2, &p).unwrap().minor(), 1299);
        assert_eq!(amount("12.9", 2, &p).unwrap().minor(), 1290);
        assert_eq!(amount("7", 2, &p).unwrap().minor(), 700);
        assert!(amount("12.999", 2, &p)
            .unwrap_err()
            .contains("decimal places"));
        assert!(amount("-1", 2, &p).unwrap_err().contains("negative"));
        assert!(amount("NaN", 2, &p).unwrap_err().contains("not a decimal"));
        assert!(amount("1e3", 2, &p).is_err());
        assert!(amount("1000000000", 2, &p)
            .unwrap_err()
            .contains("out of range"));
        assert!(amount("", 2, &p).unwrap_err().contains("empty"));
    }

    #[test]
    fn fast_paths_agree_with_the_general_ones() {
        let canonical = FormatProfile::canonical();
        let comma =
            FormatProfile::from_toml_str("delimiter = \";\"\ndecimal_comma = true").unwrap();
        let texts = [
            "0",
            "00",
            "7",
            "12.9",
            "12.99",
            "12.999",
            "0.01",
            "007.50",
            "99999999",
            "99999999.99",
            "100000000",
            "123456789",
            "1234567890",
            "12.",
            ".5",
            "1.2.3",
            "12,99",
            "1 234,50",
            "-1",
            "+1",
            "1e3",
            " 12.50 ",
            "",
            "12.5a",
            "٣",
        ];
        for p in [&canonical, &comma] {
            for dp in 0..=3 {
                for t in texts {
                    assert_eq!(amount(t, dp, p), amount_checked(t, dp, p), "{t:?} at {dp}");
                }
            }
        }
        for t in [
            "2026-12-02",
            "2026-02-29",
            "2024-02-29",
            "2026-13-01",
            "2026-00-10",
            "0000-01-01",
            "2026-1-05",
            "2026-01-5",
            "26-01-05",
            "2026/01/05",
            "2026-01-05x",
            "+2026-01-05",
        ] {
            let fast = nonempty(t).ok().and_then(iso_date);
            let slow = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok();
            if let Some(d) = fast {
                assert_eq!(Some(d), slow, "{t:?}");
            }
        }
        for t in ["true", "false", " true ", "TRUE", "1", "no", "x"] {
            let slow = match t.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            };
            assert_eq!(boolean(t).ok(), slow, "{t:?}");
        }
    }

    #[test]
    fn decimal_comma_and_kilograms() {
        let p = FormatProfile::from_toml_str("delimiter = \";\"\ndecimal_comma = true").unwrap();
        assert_eq!(amount("1 234,50", 2, &p).unwrap().minor(), 123_450);
        assert!(amount("12.50", 2, &p).is_err());
        assert_eq!(weight_g("1,2341", &p, WeightUnit::Kg).unwrap(), 1235);
        assert_eq!(weight_g("0,5", &p, WeightUnit::Kg).unwrap(), 500);
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let big = "x".repeat(10_000_000);
        let e = ident(&big).unwrap_err();
        assert!(e.len() < 100, "{e}");
        let e = amount(&big, 2, &FormatProfile::canonical()).unwrap_err();
        assert!(e.len() < 100, "{e}");
    }
}
