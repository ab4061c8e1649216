//! Property tests of the ordering window against brute force.
//!
//! * A scan of every local minute of whole years, written independently of the crate
//!   (weekday/time comparisons on the wall clock and a hand-written holiday list),
//!   agrees with `Window::is_open`.
//! * `Window::schedule` claims are true: the opening is inside and the second before it
//!   outside, the closing outside and the second before it inside, every minute between
//!   them inside, and (from outside) every minute before the opening outside. Warsaw
//!   changes offset on whole hours and the edges are whole minutes, so every change of
//!   the answer falls on a whole UTC minute and a minute scan sees all of them.

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, TimeDelta, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Europe::Warsaw;
use courier_rules::inpost::window::{Preset, WeekTime, Window};
use proptest::prelude::*;

/// Polish public holidays of 2025-2027, written out by hand.
const HOLIDAYS: &[(i32, u32, u32)] = &[
    (2025, 1, 1),
    (2025, 1, 6),
    (2025, 4, 20),
    (2025, 4, 21),
    (2025, 5, 1),
    (2025, 5, 3),
    (2025, 6, 8),
    (2025, 6, 19),
    (2025, 8, 15),
    (2025, 11, 1),
    (2025, 11, 11),
    (2025, 12, 24),
    (2025, 12, 25),
    (2025, 12, 26),
    (2026, 1, 1),
    (2026, 1, 6),
    (2026, 4, 5),
    (2026, 4, 6),
    (2026, 5, 1),
    (2026, 5, 3),
    (2026, 5, 24),
    (2026, 6, 4),
    (2026, 8, 15),
    (2026, 11, 1),
    (2026, 11, 11),
    (2026, 12, 24),
    (2026, 12, 25),
    (2026, 12, 26),
    (2027, 1, 1),
    (2027, 1, 6),
    (2027, 3, 28),
    (2027, 3, 29),
    (2027, 5, 1),
    (2027, 5, 3),
    (2027, 5, 16),
    (2027, 5, 27),
    (2027, 8, 15),
    (2027, 11, 1),
    (2027, 11, 11),
    (2027, 12, 24),
    (2027, 12, 25),
    (2027, 12, 26),
];

fn is_holiday(d: NaiveDate) -> bool {
    HOLIDAYS.contains(&(d.year(), d.month(), d.day()))
}

/// Brute-force answer for a wall-clock time: (weekday, minute) between the edges.
fn brute(
    local: chrono::NaiveDateTime,
    open: (Weekday, u32),
    close: (Weekday, u32),
    holidays: bool,
) -> bool {
    let key = |d: Weekday, m: u32| (d.num_days_from_monday(), m);
    let now = key(local.weekday(), local.hour() * 60 + local.minute());
    now >= key(open.0, open.1)
        && now < key(close.0, close.1)
        && !(holidays && is_holiday(local.date()))
}

fn scan_year(w: &Window, year: i32, open: (Weekday, u32), close: (Weekday, u32)) {
    let mut local = NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut checked = 0u32;
    while local < end {
        let instants: Vec<DateTime<Utc>> = match Warsaw.from_local_datetime(&local) {
            LocalResult::Single(a) => vec![a.with_timezone(&Utc)],
            LocalResult::Ambiguous(a, b) => vec![a.with_timezone(&Utc), b.with_timezone(&Utc)],
            LocalResult::None => vec![],
        };
        let expected = brute(local, open, close, w.excludes_public_holidays());
        for at in instants {
            assert_eq!(
                w.is_open(at),
                expected,
                "{} at {at} (local {local})",
                w.name()
            );
            checked += 1;
        }
        local += TimeDelta::minutes(1);
    }
    // 525 600 minutes, minus the spring gap, plus the autumn overlap.
    assert_eq!(checked, 525_600);
}

#[test]
fn is_open_agrees_with_minute_scan_of_years() {
    let seed = Preset::Seed.window().unwrap();
    let current = Preset::Current.window().unwrap();
    for year in [2025, 2026, 2027] {
        scan_year(
            &seed,
            year,
            (Weekday::Thu, 20 * 60),
            (Weekday::Sat, 13 * 60),
        );
        scan_year(
            &current,
            year,
            (Weekday::Thu, 20 * 60),
            (Weekday::Fri, 18 * 60),
        );
    }
    let seed_h = seed.with_public_holidays(true);
    scan_year(
        &seed_h,
        2026,
        (Weekday::Thu, 20 * 60),
        (Weekday::Sat, 13 * 60),
    );
}

/// Checks every claim of `schedule(at)` by scanning minutes.
fn check_schedule(w: &Window, at: DateTime<Utc>) -> Result<(), TestCaseError> {
    let o = w
        .schedule(at)
        .ok_or_else(|| TestCaseError::fail("no opening"))?;
    let one = TimeDelta::seconds(1);
    let minute = TimeDelta::minutes(1);
    prop_assert!(o.opens_at < o.closes_at);
    prop_assert!(w.is_open(o.opens_at), "opening {} not inside", o.opens_at);
    prop_assert!(
        !w.is_open(o.opens_at - one),
        "second before opening {} inside",
        o.opens_at
    );
    prop_assert!(!w.is_open(o.closes_at), "closing {} inside", o.closes_at);
    prop_assert!(
        w.is_open(o.closes_at - one),
        "second before closing {} outside",
        o.closes_at
    );
    let mut m = o.opens_at;
    while m < o.closes_at {
        prop_assert!(w.is_open(m), "{m} between opening and closing is outside");
        m += minute;
    }
    if w.is_open(at) {
        prop_assert!(o.opens_at <= at && at < o.closes_at);
    } else {
        prop_assert!(at < o.opens_at);
        // No inside minute between `at` and the opening.
        let mut m = at.with_second(0).unwrap_or(at) + minute;
        while m < o.opens_at {
            prop_assert!(
                !w.is_open(m),
                "{m} is inside before the claimed opening {}",
                o.opens_at
            );
            m += minute;
        }
    }
    Ok(())
}

fn instant_2025_2027() -> impl Strategy<Value = DateTime<Utc>> {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let end = Utc
        .with_ymd_and_hms(2027, 12, 20, 0, 0, 0)
        .unwrap()
        .timestamp();
    (start..end).prop_map(|s| DateTime::<Utc>::from_timestamp(s, 0).unwrap())
}

/// Instants within a week of a Warsaw daylight-saving change (2025-2027).
fn instant_near_dst() -> impl Strategy<Value = DateTime<Utc>> {
    let changes = [
        "2025-03-30T01:00:00Z",
        "2025-10-26T01:00:00Z",
        "2026-03-29T01:00:00Z",
        "2026-10-25T01:00:00Z",
        "2027-03-28T01:00:00Z",
        "2027-10-31T01:00:00Z",
    ];
    (0..changes.len(), -7 * 86_400i64..7 * 86_400).prop_map(move |(i, off)| {
        let c: DateTime<Utc> = changes[i].parse().unwrap();
        c + TimeDelta::seconds(off)
    })
}

fn weekday(i: u32) -> Weekday {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ][i as usize % 7]
}

/// Random windows in Warsaw, edges on any minute of the week (so sometimes inside the
/// Sunday-night daylight-saving gap or overlap), at least 5 minutes long.
fn any_window() -> impl Strategy<Value = (Window, (Weekday, u32), (Weekday, u32))> {
    (0u32..7 * 1440 - 5, 5u32..3 * 1440, any::<bool>()).prop_map(|(start, len, holidays)| {
        let end = (start + len).min(7 * 1440);
        let wt = |m: u32| WeekTime {
            day: weekday(m / 1440),
            minute: (m % 1440) as u16,
        };
        let close = if end == 7 * 1440 {
            WeekTime {
                day: Weekday::Sun,
                minute: 1440,
            }
        } else {
            wt(end)
        };
        let w = Window::new("random", Warsaw, wt(start), close, holidays).unwrap();
        let key = |t: WeekTime| (t.day, u32::from(t.minute));
        (w, key(wt(start)), key(close))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn schedule_claims_hold_for_presets(at in instant_2025_2027(), which in 0u8..3) {
        let w = match which {
            0 => Preset::Seed.window().unwrap(),
            1 => Preset::Current.window().unwrap(),
            _ => Preset::Seed.window().unwrap().with_public_holidays(true),
        };
        check_schedule(&w, at)?;
    }

    #[test]
    fn schedule_claims_hold_near_daylight_saving_for_any_window(
        (w, open, close) in any_window(),
        at in instant_near_dst(),
    ) {
        check_schedule(&w, at)?;
        // And is_open agrees with the wall clock on both sides of `at`.
        for step in [-90i64, -1, 0, 1, 90] {
            let u = at + TimeDelta::minutes(step);
            let local = Warsaw.from_utc_datetime(&u.naive_utc()).naive_local();
            prop_assert_eq!(w.is_open(u), brute(local, open, close, w.excludes_public_holidays()));
        }
    }
}

mod zone_table {
    use super::*;
    use courier_rules::inpost::localtime::{local, resolve, ZoneTable};

    fn table() -> &'static ZoneTable {
        static T: std::sync::OnceLock<ZoneTable> = std::sync::OnceLock::new();
        T.get_or_init(|| ZoneTable::new(Warsaw))
    }

    fn near_changes() -> impl Strategy<Value = i64> {
        // Daylight-saving changes between 1977 and 2099, ± 3 hours, plus the table's ends.
        (1977i32..2100, any::<bool>(), -3 * 3600i64..3 * 3600).prop_map(|(y, spring, off)| {
            let (m, d) = if spring { (3, 31) } else { (10, 31) };
            let last = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let sunday = last - TimeDelta::days(i64::from(last.weekday().num_days_from_sunday()));
            sunday.and_hms_opt(1, 0, 0).unwrap().and_utc().timestamp() + off
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn table_offsets_agree_with_chrono_tz(s in prop_oneof![
            -2_000_000_000i64..6_000_000_000, near_changes()]) {
            let at = DateTime::<Utc>::from_timestamp(s, 0).unwrap();
            prop_assert_eq!(table().local_secs(at), local(Warsaw, at).and_utc().timestamp());
        }

        #[test]
        fn table_resolution_agrees_with_chrono_tz(x in prop_oneof![
            -2_000_000_000i64..6_000_000_000, near_changes()]) {
            let naive = DateTime::<Utc>::from_timestamp(x, 0).unwrap().naive_utc();
            prop_assert_eq!(table().resolve_secs(x), resolve(Warsaw, naive));
        }
    }
}
