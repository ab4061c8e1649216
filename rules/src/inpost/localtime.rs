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

/// Days from 0001-01-01 (chrono's "days from CE", day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;
/// The offset table covers 1970-01-01 to 2100-01-01 (UTC); outside it the zone database
/// is asked directly.
const TABLE_FROM: i64 = 0;
const TABLE_TO: i64 = 4_102_444_800;

/// Width of an index bucket: 2^22 s ≈ 48.5 days, shorter than the time between any two
/// offset changes of a real zone since 1970, so a lookup steps over at most one change.
const BUCKET_SHIFT: u32 = 22;

/// A zone's UTC offsets as a sorted table of spans, for the batch hot path.
///
/// chrono-tz answers every question correctly but builds dates along the way and
/// binary-searches the zone's whole history; the nightly batch needs tens of nanoseconds
/// per decision. The table is read from chrono-tz once, when a window or policy is built
/// (one probe a day, then a binary search to the second at each change), and answers
/// the same offsets through a bucket index (a lookup and at most a step or two). It
/// assumes a zone does not change its offset twice within one day, which no zone has
/// done since 1970. Outside 1970–2100 chrono-tz is asked directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneTable {
    tz: Tz,
    /// `(first UTC second, offset in seconds)`, sorted by start; the first starts at
    /// `TABLE_FROM`, each span lasts until the next one (the last until `TABLE_TO`).
    spans: Vec<(i64, i32)>,
    /// Local time (seconds since 1970 local) at which each span ends.
    local_ends: Vec<i64>,
    /// Bucket of UTC time → the span containing the bucket's first second.
    utc_index: Vec<u32>,
    /// Local time at which the first span starts (the local index's origin).
    local_from: i64,
    /// Bucket of local time → the first span ending after the bucket's first second.
    local_index: Vec<u32>,
}

impl ZoneTable {
    /// Reads `tz`'s offsets for 1970–2100 from chrono-tz (done once; then lookups are cheap).
    pub fn new(tz: Tz) -> ZoneTable {
        let off =
            |s: i64| DateTime::<Utc>::from_timestamp(s, 0).map_or(0, |at| offset_secs(tz, at));
        let mut cur = off(TABLE_FROM);
        let mut spans = vec![(TABLE_FROM, cur)];
        let mut s = TABLE_FROM;
        while s < TABLE_TO {
            let next = (s + 86_400).min(TABLE_TO);
            let o = off(next);
            if o != cur {
                let (mut lo, mut hi) = (s, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if off(mid) == cur {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                spans.push((hi, o));
                cur = o;
            }
            s = next;
        }
        let local_ends: Vec<i64> = spans
            .iter()
            .enumerate()
            .map(|(i, &(_, o))| spans.get(i + 1).map_or(TABLE_TO, |&(s, _)| s) + i64::from(o))
            .collect();
        let utc_index = (0..=((TABLE_TO - TABLE_FROM) >> BUCKET_SHIFT))
            .map(|b| {
                let at = TABLE_FROM + (b << BUCKET_SHIFT);
                spans
                    .partition_point(|&(start, _)| start <= at)
                    .saturating_sub(1) as u32
            })
            .collect();
        let local_from = spans.first().map_or(0, |&(s, o)| s + i64::from(o));
        let local_to = local_ends.last().copied().unwrap_or(local_from);
        let local_index = (0..=((local_to - local_from).max(0) >> BUCKET_SHIFT))
            .map(|b| {
                let x = local_from + (b << BUCKET_SHIFT);
                local_ends.partition_point(|&end| end <= x) as u32
            })
            .collect();
        ZoneTable {
            tz,
            spans,
            local_ends,
            utc_index,
            local_from,
            local_index,
        }
    }

    /// The zone the table was built from.
    pub fn zone(&self) -> Tz {
        self.tz
    }

    /// Offset at a UTC second, if inside the table.
    #[inline]
    fn offset(&self, utc: i64) -> Option<i32> {
        if !(TABLE_FROM..TABLE_TO).contains(&utc) {
            return None;
        }
        let mut i = *self
            .utc_index
            .get(((utc - TABLE_FROM) >> BUCKET_SHIFT) as usize)? as usize;
        // Usually at most one change lies in a bucket: take that step without a branch,
        // then walk on in the rare bucket with more.
        i += usize::from(
            self.spans
                .get(i + 1)
                .is_some_and(|&(start, _)| start <= utc),
        );
        while let Some(&(start, _)) = self.spans.get(i + 1) {
            if start > utc {
                break;
            }
            i += 1;
        }
        self.spans.get(i).map(|&(_, o)| o)
    }

    /// Local wall-clock time of an instant, as seconds since 1970-01-01 00:00 *local*
    /// (fractions of a second truncated toward the past).
    #[inline]
    pub fn local_secs(&self, at: DateTime<Utc>) -> i64 {
        let s = at.timestamp();
        match self.offset(s) {
            Some(o) => s + i64::from(o),
            None => local(self.tz, at).and_utc().timestamp(),
        }
    }

    /// The first instant whose local time is at or after the local time `x` (seconds
    /// since 1970-01-01 local): the documented resolution rule of [`resolve`].
    pub fn resolve_secs(&self, x: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(self.resolve_to_utc_secs(x), 0)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// [`Self::resolve_secs`] as UTC seconds since 1970, without building a date.
    #[inline]
    pub fn resolve_to_utc_secs(&self, x: i64) -> i64 {
        if let Some(u) = self.resolve_in_table(x) {
            return u;
        }
        match DateTime::<Utc>::from_timestamp(x, 0) {
            Some(naive) => resolve(self.tz, naive.naive_utc()).timestamp(),
            None => i64::MAX,
        }
    }

    #[inline]
    fn resolve_in_table(&self, x: i64) -> Option<i64> {
        if x < self.local_from {
            return None;
        }
        let mut i = *self
            .local_index
            .get(((x - self.local_from) >> BUCKET_SHIFT) as usize)? as usize;
        // First span whose local range ends after x (one branch-free step, then a walk).
        i += usize::from(*self.local_ends.get(i)? <= x);
        while *self.local_ends.get(i)? <= x {
            i += 1;
        }
        let &(start, o) = self.spans.get(i)?;
        let local_start = start + i64::from(o);
        if x >= local_start {
            Some(x - i64::from(o))
        } else if i > 0 {
            // x falls in the gap before this span: the clock reaches it at the span's start.
            Some(start)
        } else {
            None
        }
    }
}

/// Day number (days since 1970-01-01) and second of the week (Monday 00:00 = 0) of a
/// local-seconds value.
#[inline]
pub fn day_and_second_of_week(local_secs: i64) -> (i64, u32) {
    let day = local_secs.div_euclid(86_400);
    let sod = local_secs.rem_euclid(86_400);
    // 1970-01-01 was a Thursday (3 days after Monday).
    let wd = (day + 3).rem_euclid(7);
    (day, (wd * 86_400 + sod) as u32)
}

/// The date of a day number (days since 1970-01-01).
#[inline]
pub fn date_of_day(day: i64) -> Option<chrono::NaiveDate> {
    i32::try_from(day + UNIX_EPOCH_DAYS_FROM_CE)
        .ok()
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
}
