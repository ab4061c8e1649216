//! Time intervals: minutes from midnight ↔ `HH:MM-HH:MM`, and the `check_days` span.
//!
//! Fastriver gives a slot as `from`/`to` in minutes from midnight (600 is 10:00) and a
//! name `HH:MM-HH:MM`. Its own examples encode the end two ways: the slot list has
//! `720` for `…-12:00` (the end itself), the callbacks have `1139` for `…-19:00` and
//! `1334` for `…-22:15` (the last minute inside the slot). [`TimeInterval::matches_name`]
//! accepts both; [`interval_name`] renders the end as given.

use serde::{Deserialize, Serialize};

/// Minutes in a day; `to` may equal it (a slot ending at midnight, `24:00`).
pub const MINUTES_PER_DAY: u16 = 1440;

/// One delivery slot of a city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeInterval {
    /// Fastriver's slot id, used as `time_interval_id`.
    pub id: i64,
    /// Start, minutes from midnight.
    pub from: u16,
    /// End, minutes from midnight.
    pub to: u16,
    /// Latin code, e.g. `morning`.
    #[serde(default)]
    pub code: String,
    /// `HH:MM-HH:MM`, used as `time_interval_name`.
    pub name: String,
}

/// Why a slot or a slot name is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntervalError {
    /// Not `HH:MM-HH:MM` (the text).
    #[error("interval name must be HH:MM-HH:MM, got {0:?}")]
    Name(String),
    /// Minutes from midnight beyond 1440.
    #[error("minutes must be within 0..=1440, got {0}")]
    Minutes(u32),
    #[error("interval must end after it starts ({from}..{to})")]
    /// The interval ends at or before its start.
    Empty {
        /// Start, minutes from midnight.
        from: u16,
        /// End, minutes from midnight.
        to: u16,
    },
    /// A slot's name says other times than its minutes.
    #[error("slot {id}: name {name:?} does not match from={from}, to={to}")]
    NameMismatch {
        /// The slot's id.
        id: i64,
        /// The slot's name.
        name: String,
        /// Start, minutes from midnight.
        from: u16,
        /// End, minutes from midnight.
        to: u16,
    },
    /// `check_days` outside 1 to 7.
    #[error("check_days must be 1 to 7, got {0}")]
    CheckDays(i64),
}

impl IntervalError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            IntervalError::Name { .. } => "interval_name",
            IntervalError::Minutes { .. } => "minutes_range",
            IntervalError::Empty { .. } => "empty_interval",
            IntervalError::NameMismatch { .. } => "name_mismatch",
            IntervalError::CheckDays { .. } => "check_days",
        }
    }
}

/// `HH:MM` of a minute of the day.
///
/// ```
/// use courier_rules::fastriver::interval::format_minutes;
/// assert_eq!(format_minutes(600).unwrap(), "10:00");
/// assert_eq!(format_minutes(1305).unwrap(), "21:45");
/// assert!(format_minutes(1441).is_err());
/// ```
pub fn format_minutes(minutes: u16) -> Result<String, IntervalError> {
    if minutes > MINUTES_PER_DAY {
        return Err(IntervalError::Minutes(u32::from(minutes)));
    }
    Ok(format!("{:02}:{:02}", minutes / 60, minutes % 60))
}

/// Minutes from midnight of `HH:MM` (`24:00` allowed as the end of the day).
///
/// ```
/// use courier_rules::fastriver::interval::parse_minutes;
/// assert_eq!(parse_minutes("15:00").unwrap(), 900);
/// assert!(parse_minutes("15:60").is_err());
/// ```
pub fn parse_minutes(text: &str) -> Result<u16, IntervalError> {
    let bad = || IntervalError::Name(text.to_string());
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return Err(bad());
    }
    let num = |s: &[u8]| -> Option<u16> {
        if s.iter().all(u8::is_ascii_digit) {
            Some(s.iter().fold(0u16, |a, d| a * 10 + u16::from(d - b'0')))
        } else {
            None
        }
    };
    let (h, m) = (num(&b[..2]).ok_or_else(bad)?, num(&b[3..]).ok_or_else(bad)?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// The name `HH:MM-HH:MM` of a slot.
///
/// ```
/// use courier_rules::fastriver::interval::interval_name;
/// assert_eq!(interval_name(600, 720).unwrap(), "10:00-12:00");
/// assert!(interval_name(720, 600).is_err());
/// ```
pub fn interval_name(from: u16, to: u16) -> Result<String, IntervalError> {
    if to <= from {
        return Err(IntervalError::Empty { from, to });
    }
    Ok(format!("{}-{}", format_minutes(from)?, format_minutes(to)?))
}

/// The `from`/`to` minutes of a name `HH:MM-HH:MM`.
///
/// ```
/// use courier_rules::fastriver::interval::parse_interval_name;
/// assert_eq!(parse_interval_name("10:00-12:00").unwrap(), (600, 720));
/// assert!(parse_interval_name("10:00–12:00").is_err()); // en dash
/// ```
pub fn parse_interval_name(name: &str) -> Result<(u16, u16), IntervalError> {
    let (a, b) = name
        .split_once('-')
        .ok_or_else(|| IntervalError::Name(name.to_string()))?;
    let (from, to) = (parse_minutes(a)?, parse_minutes(b)?);
    if to <= from {
        return Err(IntervalError::Empty { from, to });
    }
    Ok((from, to))
}

impl TimeInterval {
    /// Whether `name` names this slot: its start, and its end either exactly (`720` for
    /// `12:00`) or as the last minute inside the slot (`1139` for `19:00`).
    pub fn matches_name(&self, name: &str) -> bool {
        match parse_interval_name(name) {
            Ok((from, to)) => from == self.from && (to == self.to || to == self.to + 1),
            Err(_) => false,
        }
    }

    /// Checks that the minutes are within the day, the slot is not empty and its name
    /// agrees with its minutes.
    pub fn check(&self) -> Result<(), IntervalError> {
        if self.to > MINUTES_PER_DAY {
            return Err(IntervalError::Minutes(u32::from(self.to)));
        }
        if self.to <= self.from {
            return Err(IntervalError::Empty {
                from: self.from,
                to: self.to,
            });
        }
        if !self.matches_name(&self.name) {
            return Err(IntervalError::NameMismatch {
                id: self.id,
                name: self.name.clone(),
                from: self.from,
                to: self.to,
            });
        }
        Ok(())
    }
}

/// The number of days an availability check spans, the requested date included: 1 to 7,
/// 1 by default (only the requested date).
///
/// ```
/// use courier_rules::fastriver::interval::CheckDays;
/// assert_eq!(CheckDays::default().get(), 1);
/// assert_eq!(CheckDays::new(7).unwrap().get(), 7);
/// assert!(CheckDays::new(8).is_err());
/// assert!(CheckDays::new(0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CheckDays(u8);

impl CheckDays {
    /// The longest span, in days, an availability check may cover.
    pub const MAX: u8 = 7;

    /// A span of `days` days; an error unless 1 ≤ `days` ≤ [`CheckDays::MAX`].
    pub fn new(days: i64) -> Result<Self, IntervalError> {
        match u8::try_from(days) {
            Ok(d) if (1..=Self::MAX).contains(&d) => Ok(CheckDays(d)),
            _ => Err(IntervalError::CheckDays(days)),
        }
    }

    /// The span in days, 1 to 7.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The dates checked, starting at `start`.
    pub fn dates(self, start: chrono::NaiveDate) -> impl Iterator<Item = chrono::NaiveDate> {
        start.iter_days().take(usize::from(self.0))
    }
}

impl Default for CheckDays {
    fn default() -> Self {
        CheckDays(1)
    }
}
