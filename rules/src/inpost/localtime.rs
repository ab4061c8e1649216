//! Local wall-clock time in a zone, and the documented rule for turning a local time
//! back into an instant across daylight-saving changes.
//!
//! **Resolution rule.** A local time that occurs once maps to that instant. A local time
//! that occurs twice (autumn overlap) maps to its *first* occurrence. A local time that
//! does not occur (spring-forward gap) maps to the *first instant at which the clock
//! shows a later time*, i.e. the end of the gap. Both choices give "the first instant at
//! which the wall clock has reached the given time", which is what a person watching
//! the clock in Warsaw would call the moment.

use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Seconds in a week.
pub const WEEK_SECS: u32 = 7 * 86_400;

/// Local wall-clock time of an instant in `tz`.
#[inline]
pub fn local(tz: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    tz.from_utc_datetime(&at.naive_utc()).naive_local()
}

/// Second of the week (Monday 00:00:00 = 0) of a local time; fractions are truncated.
#[inline]
pub fn second_of_week(local: NaiveDateTime) -> u32 {
    local.weekday().num_days_from_monday() * 86_400 + local.num_seconds_from_midnight()
}

/// UTC offset of `tz` at an instant, in seconds.
fn offset_secs(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The instants at which the wall clock of `tz` crosses or lands on the local time `x`,
/// in increasing order: one for a plain time; for a time in an autumn overlap the first
/// occurrence, the transition (when the clock jumps back over `x`) and the second
/// occurrence; for a time in a spring gap the transition (when the clock jumps over `x`).
///
/// These are exactly the instants where "local time < x" can change value, which the
/// window uses to find its openings and closings.
pub fn crossings(tz: Tz, x: NaiveDateTime) -> Crossings {
    match tz.from_local_datetime(&x) {
        LocalResult::Single(u) => Crossings::one(u.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            let ob = offset_secs(tz, b);
            // First instant in (a, b] already on the later offset.
            let t = bisect(a, b, |u| offset_secs(tz, u) == ob);
            Crossings {
                items: [Some(a), Some(t), Some(b)],
            }
        }
        LocalResult::None => Crossings::one(first_at_or_after(tz, x)),
    }
}

/// The first instant whose local time is at or after `x` (the documented resolution
/// rule for a local time: first occurrence, or the end of a spring-forward gap).
pub fn resolve(tz: Tz, x: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&x) {
        LocalResult::Single(u) => u.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => first_at_or_after(tz, x),
    }
}

/// First instant whose local time is `>= x`, searched within a day either side of `x`.
/// Zones never change offset twice within two days, so the predicate is monotone there.
fn first_at_or_after(tz: Tz, x: NaiveDateTime) -> DateTime<Utc> {
    let day = chrono::TimeDelta::days(1);
    let naive_utc = x.and_utc();
    // Offsets of real zones lie within ±15 h, so these brackets are always valid.
    let lo = naive_utc - day;
    let hi = naive_utc + day;
    bisect(lo, hi, |u| local(tz, u) >= x)
}

/// Smallest whole-second instant `u` in `(lo, hi]` with `pred(u)`, given `pred(hi)` and
/// a predicate that is false then true over the range.
fn bisect(
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
    pred: impl Fn(DateTime<Utc>) -> bool,
) -> DateTime<Utc> {
    let mut lo = lo.timestamp();
    let mut hi = hi.timestamp();
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match DateTime::<Utc>::from_timestamp(mid, 0) {
            Some(m) if pred(m) => hi = mid,
            _ => lo = mid,
        }
    }
    DateTime::<Utc>::from_timestamp(hi, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Up to three crossing instants, without allocating.
#[derive(Debug, Clone, Copy)]
pub struct Crossings {
    items: [Option<DateTime<Utc>>; 3],
}

impl Crossings {
    fn one(u: DateTime<Utc>) -> Self {
        Crossings {
            items: [Some(u), None, None],
        }
    }
}

impl IntoIterator for Crossings {
    type Item = DateTime<Utc>;
    type IntoIter = std::iter::Flatten<std::array::IntoIter<Option<DateTime<Utc>>, 3>>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter().flatten()
    }
}
