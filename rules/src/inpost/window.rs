//! The weekly ordering window of the weekend add-on.
//!
//! InPost accepts `end_of_week_collection` only inside a weekly window of local time in a
//! zone (seed: Thursday 20:00 to Saturday 13:00, Europe/Warsaw, start inclusive, end
//! exclusive). The window is data: a small TOML file (see `data/inpost/*.toml`), loaded
//! and validated by [`Window::from_toml_str`]. Two presets ship with the crate
//! ([`Preset::Seed`] and [`Preset::Current`]).
//!
//! **What "inside" means.** An instant is inside when the *wall clock* in the zone shows a
//! weekday and time within `[opens, closes)` and, when public holidays are excluded, the
//! local date is not a Polish public holiday. The window is precomputed as a range of
//! seconds of the week, so the check is one offset lookup and two comparisons.
//!
//! **Openings and closings across daylight saving.** [`Window::schedule`] returns the
//! instants at which the answer changes: the window opens at the first instant the clock
//! shows a time inside it and closes at the first instant after that the clock shows a
//! time outside it. An opening time skipped by a spring-forward gap therefore opens at
//! the end of the gap; one that occurs twice (autumn overlap) opens at its first
//! occurrence. If the autumn jump brings the clock back into the window, that is a new
//! opening (the clock really shows a time inside the window again). Warsaw changes its
//! clocks on Sunday night, outside both presets, so for them every edge is a plain
//! local time.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;

use super::holidays::is_public_holiday;
use super::localtime::{
    crossings, date_of_day, day_and_second_of_week, local, ZoneTable, WEEK_SECS,
};

/// A weekday and a local time of day, e.g. `thursday 20:00`; `24:00` means the end of
/// the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeekTime {
    /// The weekday, in the local time of the zone the value is used with.
    pub day: Weekday,
    /// Minutes since local midnight, `0..=1440`.
    pub minute: u16,
}

impl WeekTime {
    /// Parses `"<weekday> HH:MM"` (English weekday, full or three letters, any case).
    ///
    /// ```
    /// use courier_rules::inpost::window::WeekTime;
    /// let t = WeekTime::parse("Thursday 20:00").unwrap();
    /// assert_eq!(t.second_of_week(), 3 * 86_400 + 20 * 3_600);
    /// assert!(WeekTime::parse("thursday 25:00").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<WeekTime, WeekTimeError> {
        let mut parts = text.split_whitespace();
        let (Some(day), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(WeekTimeError::Shape(text.to_string()));
        };
        let day = parse_weekday(day).ok_or_else(|| WeekTimeError::Weekday(day.to_string()))?;
        let (h, m) = time
            .split_once(':')
            .ok_or_else(|| WeekTimeError::Time(time.to_string()))?;
        let (Ok(h), Ok(m)) = (h.parse::<u16>(), m.parse::<u16>()) else {
            return Err(WeekTimeError::Time(time.to_string()));
        };
        if h.to_string().len() > 2 || m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(WeekTimeError::OutOfDay(time.to_string()));
        }
        Ok(WeekTime {
            day,
            minute: h * 60 + m,
        })
    }

    /// Seconds since Monday 00:00 local time.
    pub fn second_of_week(self) -> u32 {
        self.day.num_days_from_monday() * 86_400 + u32::from(self.minute) * 60
    }

    /// The local date and time of this week time in the week starting on `monday`.
    pub fn in_week(self, monday: NaiveDate) -> Option<NaiveDateTime> {
        monday
            .and_hms_opt(0, 0, 0)?
            .checked_add_signed(TimeDelta::seconds(i64::from(self.second_of_week())))
    }
}

impl fmt::Display for WeekTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.day {
            Weekday::Mon => "monday",
            Weekday::Tue => "tuesday",
            Weekday::Wed => "wednesday",
            Weekday::Thu => "thursday",
            Weekday::Fri => "friday",
            Weekday::Sat => "saturday",
            Weekday::Sun => "sunday",
        };
        write!(f, "{name} {:02}:{:02}", self.minute / 60, self.minute % 60)
    }
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    let s = s.to_ascii_lowercase();
    let all = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    all.iter()
        .find(|(name, _)| *name == s || (s.len() == 3 && name.starts_with(s.as_str())))
        .map(|&(_, d)| d)
}

/// Why a `<weekday> HH:MM` text was refused by [`WeekTime::parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WeekTimeError {
    /// Not two words.
    #[error("`{0}` is not `<weekday> HH:MM` (e.g. `thursday 20:00`)")]
    Shape(String),
    /// The first word is not an English weekday.
    #[error("`{0}` is not a weekday")]
    Weekday(String),
    /// The second word is not `HH:MM`.
    #[error("`{0}` is not HH:MM")]
    Time(String),
    /// `HH:MM` beyond 24:00 or with minutes over 59.
    #[error("`{0}` is not a time of day (00:00 to 24:00)")]
    OutOfDay(String),
}

impl WeekTimeError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            WeekTimeError::Shape(_) => "week_time_format",
            WeekTimeError::Weekday(_) => "unknown_weekday",
            WeekTimeError::Time(_) => "time_format",
            WeekTimeError::OutOfDay(_) => "time_out_of_day",
        }
    }
}

/// Why a window configuration was rejected. Each message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// Not TOML, or a missing or unknown key (toml's message, with the line).
    #[error("window configuration: {0}")]
    Toml(String),
    /// `zone` is not an IANA time zone (the name).
    #[error("window configuration, field `zone`: unknown time zone `{0}` (use an IANA name such as `Europe/Warsaw`)")]
    UnknownZone(String),
    /// `opens` or `closes` is not `<weekday> HH:MM`.
    #[error("window configuration, field `{field}`: {reason}")]
    BadWeekTime {
        /// `opens` or `closes`.
        field: &'static str,
        /// Why.
        reason: WeekTimeError,
    },
    #[error("window configuration: `closes` ({closes}) must be after `opens` ({opens}) within one week (Monday 00:00 to Sunday 24:00)")]
    /// `closes` is not after `opens` within one week.
    EndNotAfterStart {
        /// `opens`, as written back.
        opens: String,
        /// `closes`, as written back.
        closes: String,
    },
    /// A window from Monday 00:00 to Sunday 24:00, which never closes.
    #[error("window configuration: a window from Monday 00:00 to Sunday 24:00 never closes")]
    WholeWeek,
}

impl WindowError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            WindowError::Toml { .. } => "window_syntax",
            WindowError::UnknownZone { .. } => "unknown_zone",
            WindowError::BadWeekTime { .. } => "bad_week_time",
            WindowError::EndNotAfterStart { .. } => "end_not_after_start",
            WindowError::WholeWeek => "whole_week",
        }
    }
}

/// A window configuration as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowFile {
    name: String,
    #[serde(default)]
    description: String,
    zone: String,
    opens: String,
    closes: String,
    #[serde(default)]
    exclude_public_holidays: bool,
}

/// The window presets shipped in `data/inpost/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Seed 003: Thursday 20:00 to Saturday 13:00, holidays not considered.
    Seed,
    /// InPost's later terms: Thursday 20:00 to Friday 18:00, closed on public holidays.
    Current,
}

impl Preset {
    /// The preset's TOML text (compiled in from `data/inpost/`).
    pub fn toml(self) -> &'static str {
        match self {
            Preset::Seed => include_str!("../../../data/inpost/seed.toml"),
            Preset::Current => include_str!("../../../data/inpost/current.toml"),
        }
    }

    /// Loads the preset.
    pub fn window(self) -> Result<Window, WindowError> {
        Window::from_toml_str(self.toml())
    }
}

/// A validated weekly window, ready for fast checks.
///
/// ```
/// use chrono::{DateTime, Utc};
/// use courier_rules::inpost::window::Preset;
/// let w = Preset::Seed.window().unwrap();
/// let at: DateTime<Utc> = "2026-11-26T19:00:00Z".parse().unwrap(); // Thu 20:00 in Warsaw
/// assert!(w.is_open(at));
/// let o = w.schedule(at).unwrap();
/// assert_eq!(o.opens_at, at);
/// assert_eq!(o.closes_at.to_rfc3339(), "2026-11-28T12:00:00+00:00"); // Sat 13:00 CET
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    name: String,
    description: String,
    zone: Tz,
    table: ZoneTable,
    opens: WeekTime,
    closes: WeekTime,
    open_sow: u32,
    close_sow: u32,
    exclude_public_holidays: bool,
}

/// One opening of the window: from `opens_at` (inclusive) to `closes_at` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// First instant inside the window.
    pub opens_at: DateTime<Utc>,
    /// First instant after the window.
    pub closes_at: DateTime<Utc>,
}

impl Window {
    /// Loads and validates a window from TOML (fields `name`, `description`, `zone`,
    /// `opens`, `closes`, `exclude_public_holidays`).
    pub fn from_toml_str(text: &str) -> Result<Window, WindowError> {
        let file: WindowFile =
            toml::from_str(text).map_err(|e| WindowError::Toml(e.to_string()))?;
        let zone: Tz = file
            .zone
            .parse()
            .map_err(|_| WindowError::UnknownZone(file.zone.clone()))?;
        let opens = WeekTime::parse(&file.opens).map_err(|reason| WindowError::BadWeekTime {
            field: "opens",
            reason,
        })?;
        let closes = WeekTime::parse(&file.closes).map_err(|reason| WindowError::BadWeekTime {
            field: "closes",
            reason,
        })?;
        Window::new(file.name, zone, opens, closes, file.exclude_public_holidays)
            .map(|w| w.with_description(file.description))
    }

    /// Builds a window from its parts, with the same validation as the TOML loader.
    pub fn new(
        name: impl Into<String>,
        zone: Tz,
        opens: WeekTime,
        closes: WeekTime,
        exclude_public_holidays: bool,
    ) -> Result<Window, WindowError> {
        let open_sow = opens.second_of_week();
        let close_sow = closes.second_of_week();
        if close_sow <= open_sow || close_sow > WEEK_SECS {
            return Err(WindowError::EndNotAfterStart {
                opens: opens.to_string(),
                closes: closes.to_string(),
            });
        }
        if open_sow == 0 && close_sow == WEEK_SECS {
            return Err(WindowError::WholeWeek);
        }
        Ok(Window {
            name: name.into(),
            description: String::new(),
            zone,
            table: ZoneTable::new(zone),
            opens,
            closes,
            open_sow,
            close_sow,
            exclude_public_holidays,
        })
    }

    fn with_description(mut self, description: String) -> Self {
        self.description = description;
        self
    }

    /// Turns the public-holiday exclusion on or off (the CLI's `--holidays`).
    pub fn with_public_holidays(mut self, exclude: bool) -> Self {
        self.exclude_public_holidays = exclude;
        self
    }

    /// The window's name, as in its TOML file.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Free text for people; empty when the file gives none.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The zone `opens` and `closes` are local to (Europe/Warsaw for InPost).
    pub fn zone(&self) -> Tz {
        self.zone
    }
    /// Start of the window each week (local weekday and time, inclusive).
    pub fn opens(&self) -> WeekTime {
        self.opens
    }
    /// End of the window each week (local weekday and time, exclusive).
    pub fn closes(&self) -> WeekTime {
        self.closes
    }
    /// Whether an instant whose local date is a Polish public holiday counts as outside the window
    /// (see [`super::holidays`]).
    pub fn excludes_public_holidays(&self) -> bool {
        self.exclude_public_holidays
    }

    /// Whether the add-on can be ordered at `at`. Allocation-free; this is the hot path of
    /// the eligibility check.
    #[inline]
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let (day, sow) = day_and_second_of_week(self.table.local_secs(at));
        sow >= self.open_sow
            && sow < self.close_sow
            && !(self.exclude_public_holidays && date_of_day(day).is_some_and(is_public_holiday))
    }

    /// The current opening if `at` is inside the window, otherwise the next one: what
    /// Parcel Manager's pop-up shows as "available from … to …". `None` only when no
    /// opening exists within about two years (e.g. every window day is a holiday).
    pub fn schedule(&self, at: DateTime<Utc>) -> Option<Opening> {
        let inside = self.is_open(at);
        let monday = week_monday(local(self.zone, at).date());
        for horizon in [3i64, 110] {
            let mut cands = Vec::new();
            for w in -1..=horizon {
                if let Some(m) = monday.checked_add_signed(TimeDelta::weeks(w)) {
                    self.push_crossings(m, &mut cands);
                }
            }
            cands.sort_unstable();
            cands.dedup();
            let first = *cands.first()?;
            let mut state = self.is_open(first - TimeDelta::seconds(1));
            let mut changes: Vec<(DateTime<Utc>, bool)> = Vec::new();
            for c in cands {
                let s = self.is_open(c);
                if s != state {
                    changes.push((c, s));
                    state = s;
                }
            }
            let open_idx = if inside {
                changes.iter().rposition(|&(c, s)| s && c <= at)
            } else {
                changes.iter().position(|&(c, s)| s && c > at)
            };
            let Some(i) = open_idx else {
                if inside {
                    return None;
                }
                continue;
            };
            // Changes alternate, so the one after an opening is its closing.
            if let (Some(&(opens_at, _)), Some(&(closes_at, _))) =
                (changes.get(i), changes.get(i + 1))
            {
                return Some(Opening {
                    opens_at,
                    closes_at,
                });
            }
        }
        None
    }

    /// Every instant at which the answer may change during the week starting `monday`:
    /// the crossings of the opening and closing times and, with holidays, of each local
    /// midnight inside the window.
    fn push_crossings(&self, monday: NaiveDate, out: &mut Vec<DateTime<Utc>>) {
        let (Some(s), Some(e)) = (self.opens.in_week(monday), self.closes.in_week(monday)) else {
            return;
        };
        out.extend(crossings(self.zone, s));
        out.extend(crossings(self.zone, e));
        if self.exclude_public_holidays {
            let mut day = s.date();
            while let Some(next) = day.succ_opt() {
                let Some(midnight) = next.and_hms_opt(0, 0, 0) else {
                    break;
                };
                if midnight >= e {
                    break;
                }
                out.extend(crossings(self.zone, midnight));
                day = next;
            }
        }
    }
}

/// The Monday of the calendar week (Monday to Sunday) containing `date`.
pub fn week_monday(date: NaiveDate) -> NaiveDate {
    let back = i64::from(date.weekday().num_days_from_monday());
    date.checked_sub_signed(TimeDelta::days(back))
        .unwrap_or(date)
}
