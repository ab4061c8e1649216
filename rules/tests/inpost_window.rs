//! The weekend add-on's ordering window: loading, edges, daylight-saving weeks,
//! holidays, and the next opening/closing instants. Expected instants are written out
//! by hand in UTC (CET = UTC+1, CEST = UTC+2).

use chrono::{DateTime, TimeDelta, Utc};
use courier_rules::inpost::window::{Preset, Window, WindowError};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_else(|e| panic!("bad instant {s}: {e}"))
}

fn seed() -> Window {
    Preset::Seed.window().unwrap()
}

fn current() -> Window {
    Preset::Current.window().unwrap()
}

fn custom(opens: &str, closes: &str) -> Window {
    Window::from_toml_str(&format!(
        "name = \"t\"\nzone = \"Europe/Warsaw\"\nopens = \"{opens}\"\ncloses = \"{closes}\"\n"
    ))
    .unwrap()
}

const S: TimeDelta = TimeDelta::seconds(1);

#[test]
fn presets_load_with_their_documented_edges() {
    let s = seed();
    assert_eq!(s.name(), "seed");
    assert_eq!(s.opens().to_string(), "thursday 20:00");
    assert_eq!(s.closes().to_string(), "saturday 13:00");
    assert!(!s.excludes_public_holidays());
    let c = current();
    assert_eq!(c.name(), "current");
    assert_eq!(c.closes().to_string(), "friday 18:00");
    assert!(c.excludes_public_holidays());
    assert_eq!(c.zone(), chrono_tz::Europe::Warsaw);
}

#[test]
fn nonsensical_configurations_are_rejected_when_loaded() {
    type Expect = fn(&WindowError) -> bool;
    let cases: [(&str, Expect); 9] = [
        (
            "name='x'\nzone='Europe/Warsaw'\nopens='saturday 13:00'\ncloses='thursday 20:00'",
            |e| matches!(e, WindowError::EndNotAfterStart { .. }),
        ),
        (
            "name='x'\nzone='Europe/Warsaw'\nopens='thursday 20:00'\ncloses='thursday 20:00'",
            |e| matches!(e, WindowError::EndNotAfterStart { .. }),
        ),
        (
            "name='x'\nzone='Europe/Warszawa'\nopens='thursday 20:00'\ncloses='saturday 13:00'",
            |e| matches!(e, WindowError::UnknownZone(z) if z == "Europe/Warszawa"),
        ),
        (
            "name='x'\nzone='Europe/Warsaw'\nopens='thursday 24:30'\ncloses='saturday 13:00'",
            |e| matches!(e, WindowError::BadWeekTime { field: "opens", .. }),
        ),
        (
            "name='x'\nzone='Europe/Warsaw'\nopens='thursday 20:00'\ncloses='someday 13:00'",
            |e| matches!(e, WindowError::BadWeekTime { field: "closes", .. }),
        ),
        (
            "name='x'\nzone='Europe/Warsaw'\nopens='thursday 20:00'\ncloses='saturday 13:60'",
            |e| matches!(e, WindowError::BadWeekTime { field: "closes", .. }),
        ),
        (
            "name='x'\nzone='Europe/Warsaw'\nopens='monday 00:00'\ncloses='sunday 24:00'",
            |e| matches!(e, WindowError::WholeWeek),
        ),
        (
            "name='x'\nzone='Europe/Warsaw'\nopens='thursday 20:00'\ncloses='saturday 13:00'\nholidays=true",
            |e| matches!(e, WindowError::Toml(m) if m.contains("holidays")),
        ),
        (
            "name='x'\nopens='thursday 20:00'\ncloses='saturday 13:00'",
            |e| matches!(e, WindowError::Toml(m) if m.contains("zone")),
        ),
    ];
    for (text, ok) in cases {
        let err = Window::from_toml_str(text).expect_err(text);
        assert!(ok(&err), "{text}: unexpected error {err:?}");
        assert!(!err.to_string().is_empty());
    }
    // Sunday 24:00 is a valid end of week.
    assert!(Window::from_toml_str(
        "name='x'\nzone='Europe/Warsaw'\nopens='friday 18:00'\ncloses='sunday 24:00'"
    )
    .is_ok());
}

/// (label, opening instant, closing instant) of the seed window in weeks around the
/// daylight-saving changes of 2025, 2026 and 2027: the week whose Sunday changes the
/// clocks and the week after.
const SEED_WEEKS: &[(&str, &str, &str)] = &[
    (
        "2025 spring, week of change (CET)",
        "2025-03-27T19:00:00Z",
        "2025-03-29T12:00:00Z",
    ),
    (
        "2025 spring, week after (CEST)",
        "2025-04-03T18:00:00Z",
        "2025-04-05T11:00:00Z",
    ),
    (
        "2025 autumn, week of change (CEST)",
        "2025-10-23T18:00:00Z",
        "2025-10-25T11:00:00Z",
    ),
    (
        "2025 autumn, week after (CET), Sat = All Saints",
        "2025-10-30T19:00:00Z",
        "2025-11-01T12:00:00Z",
    ),
    (
        "2026 spring, week of change",
        "2026-03-26T19:00:00Z",
        "2026-03-28T12:00:00Z",
    ),
    (
        "2026 spring, week after",
        "2026-04-02T18:00:00Z",
        "2026-04-04T11:00:00Z",
    ),
    (
        "2026 autumn, week of change",
        "2026-10-22T18:00:00Z",
        "2026-10-24T11:00:00Z",
    ),
    (
        "2026 autumn, week after",
        "2026-10-29T19:00:00Z",
        "2026-10-31T12:00:00Z",
    ),
    (
        "2027 spring, week of change",
        "2027-03-25T19:00:00Z",
        "2027-03-27T12:00:00Z",
    ),
    (
        "2027 spring, week after",
        "2027-04-01T18:00:00Z",
        "2027-04-03T11:00:00Z",
    ),
    (
        "2027 autumn, week of change",
        "2027-10-28T18:00:00Z",
        "2027-10-30T11:00:00Z",
    ),
    (
        "2027 autumn, week after",
        "2027-11-04T19:00:00Z",
        "2027-11-06T12:00:00Z",
    ),
    (
        "2026 Saturday 15 Aug is a holiday (ignored)",
        "2026-08-13T18:00:00Z",
        "2026-08-15T11:00:00Z",
    ),
    (
        "issue example week",
        "2026-11-26T19:00:00Z",
        "2026-11-28T12:00:00Z",
    ),
];

#[test]
fn seed_window_edges_one_second_before_at_and_after() {
    let w = seed();
    for &(label, open, close) in SEED_WEEKS {
        let (open, close) = (t(open), t(close));
        assert!(!w.is_open(open - S), "{label}: open edge -1 s");
        assert!(w.is_open(open), "{label}: open edge");
        assert!(w.is_open(open + S), "{label}: open edge +1 s");
        assert!(w.is_open(close - S), "{label}: close edge -1 s");
        assert!(!w.is_open(close), "{label}: close edge");
        assert!(!w.is_open(close + S), "{label}: close edge +1 s");
        // Sub-second precision: the instant just before the edge is still outside.
        assert!(!w.is_open(open - TimeDelta::milliseconds(1)), "{label}");
    }
}

#[test]
fn seed_window_schedule_in_daylight_saving_weeks() {
    let w = seed();
    for &(label, open, close) in SEED_WEEKS {
        let (open, close) = (t(open), t(close));
        let expect = Some((open, close));
        let got = |at| w.schedule(at).map(|o| (o.opens_at, o.closes_at));
        // From the Monday before: the next opening.
        assert_eq!(
            got(open - TimeDelta::days(3)),
            expect,
            "{label}: from Monday"
        );
        assert_eq!(got(open - S), expect, "{label}: one second before");
        assert_eq!(got(open), expect, "{label}: at the opening");
        assert_eq!(got(open + S), expect, "{label}: just after the opening");
        assert_eq!(got(close - S), expect, "{label}: just before the closing");
        // At the closing the answer is next week's opening, 7 days later in local time.
        let next = w.schedule(close).unwrap();
        assert!(next.opens_at > close, "{label}");
        assert!(
            (next.opens_at - open - TimeDelta::days(7))
                .num_hours()
                .abs()
                <= 1,
            "{label}: next week"
        );
    }
}

#[test]
fn current_preset_edges_and_daylight_saving() {
    let w = current();
    // Closing Friday 18:00: 17:00Z in CET, 16:00Z in CEST.
    let rows = [
        ("2026-03-26T19:00:00Z", "2026-03-27T17:00:00Z"),
        ("2026-04-02T18:00:00Z", "2026-04-03T16:00:00Z"),
        ("2026-10-22T18:00:00Z", "2026-10-23T16:00:00Z"),
        ("2026-10-29T19:00:00Z", "2026-10-30T17:00:00Z"),
        ("2027-03-25T19:00:00Z", "2027-03-26T17:00:00Z"),
        ("2027-04-01T18:00:00Z", "2027-04-02T16:00:00Z"),
    ];
    for (open, close) in rows {
        let (open, close) = (t(open), t(close));
        assert!(
            !w.is_open(open - S) && w.is_open(open) && w.is_open(open + S),
            "{open}"
        );
        assert!(
            w.is_open(close - S) && !w.is_open(close) && !w.is_open(close + S),
            "{close}"
        );
        let o = w.schedule(open - TimeDelta::hours(30)).unwrap();
        assert_eq!((o.opens_at, o.closes_at), (open, close));
    }
}

#[test]
fn saturday_holiday_matters_only_when_holidays_are_excluded() {
    // 15 August 2026 (Assumption) is a Saturday.
    let sat_morning = t("2026-08-15T08:00:00Z"); // 10:00 CEST
    assert!(seed().is_open(sat_morning), "seed preset ignores holidays");
    let with = seed().with_public_holidays(true);
    assert!(!with.is_open(sat_morning));
    // Friday 23:59:59 local is still open; Saturday 00:00 local closes it.
    assert!(with.is_open(t("2026-08-14T21:59:59Z")));
    assert!(!with.is_open(t("2026-08-14T22:00:00Z")));
    let o = with.schedule(t("2026-08-13T12:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-08-13T18:00:00Z"));
    assert_eq!(o.closes_at, t("2026-08-14T22:00:00Z"));
    let o = seed().schedule(t("2026-08-13T12:00:00Z")).unwrap();
    assert_eq!(o.closes_at, t("2026-08-15T11:00:00Z"));
    // On the holiday itself, the next opening is the following Thursday.
    let o = with.schedule(sat_morning).unwrap();
    assert_eq!(o.opens_at, t("2026-08-20T18:00:00Z"));
}

#[test]
fn current_preset_skips_holidays() {
    let w = current();
    // Corpus Christi 2026 is Thursday 4 June: the window opens at Friday 00:00 CEST.
    let o = w.schedule(t("2026-06-01T10:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-06-04T22:00:00Z"));
    assert_eq!(o.closes_at, t("2026-06-05T16:00:00Z"));
    assert!(!w.is_open(t("2026-06-04T18:30:00Z")));
    // Christmas 2025: Thursday 25 and Friday 26 December are holidays, so no window that
    // week; Thursday 1 January 2026 is New Year, so it opens Friday 2 January 00:00 CET.
    let o = w.schedule(t("2025-12-22T10:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-01-01T23:00:00Z"));
    assert_eq!(o.closes_at, t("2026-01-02T17:00:00Z"));
    // Christmas 2026: Thursday 24 (a holiday from 2025) and Friday 25 December; the next
    // window is Thursday 31 December 20:00 CET until New Year's Day starts.
    let o = w.schedule(t("2026-12-21T10:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-12-31T19:00:00Z"));
    assert_eq!(o.closes_at, t("2026-12-31T23:00:00Z"));
    // The same week without holidays.
    let plain = current().with_public_holidays(false);
    let o = plain.schedule(t("2026-12-21T10:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-12-24T19:00:00Z"));
    assert_eq!(o.closes_at, t("2026-12-25T17:00:00Z"));
}

#[test]
fn opening_in_spring_gap_opens_at_end_of_gap() {
    // Warsaw 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z.
    let w = custom("sunday 02:30", "sunday 04:00");
    let o = w.schedule(t("2026-03-27T00:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-03-29T01:00:00Z"));
    assert_eq!(o.closes_at, t("2026-03-29T02:00:00Z"));
    assert!(!w.is_open(t("2026-03-29T00:59:59Z")));
    assert!(w.is_open(t("2026-03-29T01:00:00Z")));
    // An ordinary week: 02:30 CET = 01:30Z.
    let o = w.schedule(t("2026-03-20T00:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-03-22T01:30:00Z"));
    assert_eq!(o.closes_at, t("2026-03-22T03:00:00Z"));
}

#[test]
fn opening_in_autumn_overlap_opens_at_first_occurrence_and_reopens() {
    // Warsaw 2026-10-25: 03:00 CEST jumps back to 02:00 CET at 01:00Z; local 02:30
    // happens at 00:30Z (CEST) and 01:30Z (CET).
    let w = custom("sunday 02:30", "sunday 04:00");
    let o = w.schedule(t("2026-10-23T00:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-10-25T00:30:00Z"));
    // At 01:00Z the clock shows 02:00 again, before the opening time: closed.
    assert_eq!(o.closes_at, t("2026-10-25T01:00:00Z"));
    let o = w.schedule(t("2026-10-25T01:10:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-10-25T01:30:00Z"));
    assert_eq!(o.closes_at, t("2026-10-25T03:00:00Z"));
}

#[test]
fn closing_in_autumn_overlap() {
    // Window Sunday 01:00-02:30 on 2026-10-25: closes at the first 02:30 (00:30Z),
    // reopens when the clock falls back to 02:00 (01:00Z), closes at the second 02:30.
    let w = custom("sunday 01:00", "sunday 02:30");
    let o = w.schedule(t("2026-10-24T12:00:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-10-24T23:00:00Z"));
    assert_eq!(o.closes_at, t("2026-10-25T00:30:00Z"));
    let o = w.schedule(t("2026-10-25T00:45:00Z")).unwrap();
    assert_eq!(o.opens_at, t("2026-10-25T01:00:00Z"));
    assert_eq!(o.closes_at, t("2026-10-25T01:30:00Z"));
}
