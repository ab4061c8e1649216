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
/// let e = parse_date("0000-01-01").unwrap_err();
/// assert_eq!(e.code(), "year_out_of_range");
/// assert!(e.to_string().contains("year"));
/// assert!(parse_date("-0001-01-01").is_err());
/// assert!(parse_date("+10000-01-01").is_err());
/// assert!(parse_date("2026-02-30").is_err());
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(DateError::Shape(text.to_string()));
    }
    let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| DateError::NoSuchDate {
        text: text.to_string(),
        reason: e,
    })?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        return Err(DateError::YearOutOfRange(text.to_string()));
    }
    Ok(d)
}

/// Why a date was refused by [`parse_date`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not ten characters `YYYY-MM-DD` (a sign, five digits, another separator).
    #[error("expected a date \"YYYY-MM-DD\", got {0:?}")]
    Shape(String),
    /// The shape is right but the day does not exist (`2026-02-30`).
    #[error("expected a date \"YYYY-MM-DD\", got {text:?}: {reason}")]
    NoSuchDate {
        /// The text read.
        text: String,
        /// chrono's reason.
        reason: chrono::ParseError,
    },
    /// Year 0 (years 0001–9999 only).
    #[error("{0:?}: the year must be between {MIN_YEAR:04} and {MAX_YEAR}")]
    YearOutOfRange(String),
}

impl DateError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            DateError::Shape(_) => "date_format",
            DateError::NoSuchDate { .. } => "no_such_date",
            DateError::YearOutOfRange(_) => "year_out_of_range",
        }
    }
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
