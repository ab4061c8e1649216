//! Calendar dates in our input formats: `YYYY-MM-DD`, years 0001–9999.
//!
//! Decision (issue 16): a date outside years 1–9999 is refused. chrono accepts year 0,
//! negative years and five-digit years (`+10000-01-01`), which no tariff, shipment or
//! refund has, which RFC 3339 cannot write back, and for which a VAT lookup silently finds
//! no rate. Four digits, a real month and day, nothing else.

use chrono::{Datelike, NaiveDate};

/// The first year accepted.
pub const MIN_YEAR: i32 = 1;
/// The last year accepted.
pub const MAX_YEAR: i32 = 9999;

/// Parses a strict `YYYY-MM-DD` date in years [`MIN_YEAR`]–[`MAX_YEAR`].
///
/// ```
/// use courier_rules::calendar::parse_date;
/// assert_eq!(parse_date("2026-01-01").unwrap().to_string(), "2026-01-01");
/// assert!(parse_date("0000-01-01").unwrap_err().contains("year"));
/// assert!(parse_date("-0001-01-01").is_err());
/// assert!(parse_date("+10000-01-01").is_err());
/// assert!(parse_date("2026-02-30").is_err());
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!("expected a date \"YYYY-MM-DD\", got {text:?}"));
    }
    let d = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("expected a date \"YYYY-MM-DD\", got {text:?}: {e}"))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        return Err(format!(
            "{text:?}: the year must be between {MIN_YEAR:04} and {MAX_YEAR}"
        ));
    }
    Ok(d)
}

/// `#[serde(deserialize_with = "courier_rules::calendar::deserialize")]` for a
/// `NaiveDate` field read with [`parse_date`].
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    parse_date(&s).map_err(serde::de::Error::custom)
}

/// As [`deserialize`], for an `Option<NaiveDate>` (with `#[serde(default)]`).
pub fn deserialize_opt<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDate>, D::Error> {
    let s = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(d)?;
    s.map(|s| parse_date(&s).map_err(serde::de::Error::custom))
        .transpose()
}
