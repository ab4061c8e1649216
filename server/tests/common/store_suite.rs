//! The store contract, run against every backend (SQLite always, PostgreSQL when one is
//! reachable). Keys and subjects carry a per-run prefix so that a shared PostgreSQL
//! database can be reused; counts are compared as differences.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use courier_server::store::{
    Change, Decision, EventCounts, Incoming, NewParcel, Outcome, ParcelKey, Source, Store,
};

pub fn t(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, minute, 0).unwrap()
}

fn incoming<'a>(subject: &'a str, key: &'a str, reconsider: bool) -> Incoming<'a> {
    Incoming {
        source: Source::Fastriver,
        subject,
        key,
        summary: "{}",
        received_at: t(0),
        reconsider_rejected: reconsider,
    }
}

/// A counter state: each applied event adds one.
fn bump(state: Option<&str>, minute: u32) -> Decision {
    let n: u32 = state.map(|s| s.parse().unwrap()).unwrap_or(0);
    Decision::Apply {
        state: (n + 1).to_string(),
        change: Change {
            event: "bump".into(),
            from: n.to_string(),
            to: (n + 1).to_string(),
            occurred_at: t(minute),
        },
    }
}

fn diff(after: EventCounts, before: EventCounts) -> EventCounts {
    EventCounts {
        applied: after.applied - before.applied,
        duplicate: after.duplicate - before.duplicate,
        stale: after.stale - before.stale,
        rejected: after.rejected - before.rejected,
        deliveries: after.deliveries - before.deliveries,
    }
}

fn run_id() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    )
}

/// Every check of the contract, in one call.
pub fn all(store: Arc<dyn Store>) {
    let run = run_id();
    a_retry_has_no_second_effect(&*store, &run);
    a_rejected_event_is_stored_and_judged_again_only_when_asked(&*store, &run);
    an_unknown_subject_stores_nothing(&*store, &run);
    history_is_oldest_first_per_subject(&*store, &run);
    import_replaces_details_and_keeps_state(&*store, &run);
    concurrent_duplicates_have_one_effect(store.clone(), &run);
    concurrent_events_of_one_subject_are_serialised(store.clone(), &run);
    store.check_writable().unwrap();
}

fn a_retry_has_no_second_effect(store: &dyn Store, run: &str) {
    let before = store.event_counts().unwrap();
    let (subject, key) = (format!("{run}-retry"), format!("{run}-retry-e1"));
    let first = store
        .record(&incoming(&subject, &key, false), &mut |s| bump(s, 1))
        .unwrap()
        .unwrap();
    assert_eq!((first.outcome, first.repeat), (Outcome::Applied, false));
    for _ in 0..3 {
        let again = store
            .record(&incoming(&subject, &key, false), &mut |_| {
                panic!("a retry must not be decided again")
            })
            .unwrap()
            .unwrap();
        assert_eq!((again.outcome, again.repeat), (Outcome::Applied, true));
    }
    assert_eq!(store.history(&subject).unwrap().len(), 1);
    let d = diff(store.event_counts().unwrap(), before);
    assert_eq!(
        (d.applied, d.deliveries),
        (1, 4),
        "one row, four deliveries"
    );
}

fn a_rejected_event_is_stored_and_judged_again_only_when_asked(store: &dyn Store, run: &str) {
    let subject = format!("{run}-rej");
    for (reconsider, key) in [
        (false, format!("{run}-rej-a")),
        (true, format!("{run}-rej-b")),
    ] {
        let r = store
            .record(&incoming(&subject, &key, reconsider), &mut |_| {
                Decision::Reject {
                    code: "rule".into(),
                    reason: "not now".into(),
                }
            })
            .unwrap()
            .unwrap();
        assert_eq!(r.outcome, Outcome::Rejected);
        assert_eq!(r.code.as_deref(), Some("rule"));
        let mut decided = false;
        let again = store
            .record(&incoming(&subject, &key, reconsider), &mut |s| {
                decided = true;
                bump(s, 2)
            })
            .unwrap()
            .unwrap();
        assert_eq!(decided, reconsider);
        let expected = if reconsider {
            Outcome::Applied
        } else {
            Outcome::Rejected
        };
        assert_eq!(again.outcome, expected);
    }
    assert_eq!(store.history(&subject).unwrap().len(), 1);
}

fn an_unknown_subject_stores_nothing(store: &dyn Store, run: &str) {
    let before = store.event_counts().unwrap();
    let (subject, key) = (format!("{run}-unknown"), format!("{run}-unknown-e"));
    let r = store
        .record(&incoming(&subject, &key, false), &mut |_| Decision::Unknown)
        .unwrap();
    assert_eq!(r, None);
    assert_eq!(
        diff(store.event_counts().unwrap(), before),
        EventCounts::default()
    );
    // The key was not claimed: a later delivery is decided.
    let r = store
        .record(&incoming(&subject, &key, false), &mut |s| bump(s, 3))
        .unwrap()
        .unwrap();
    assert_eq!(r.outcome, Outcome::Applied);
}

fn history_is_oldest_first_per_subject(store: &dyn Store, run: &str) {
    let (a, b) = (format!("{run}-hist-a"), format!("{run}-hist-b"));
    for i in 0..5u32 {
        let subject = if i % 2 == 0 { &a } else { &b };
        let key = format!("{run}-hist-{i}");
        store
            .record(&incoming(subject, &key, false), &mut |s| bump(s, 10 + i))
            .unwrap();
    }
    let h = store.history(&a).unwrap();
    assert_eq!(
        h.iter().map(|e| e.to.as_str()).collect::<Vec<_>>(),
        ["1", "2", "3"]
    );
    assert!(h.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(h[0].occurred_at, t(10));
    assert_eq!(h[0].source, Source::Fastriver);
    assert_eq!(store.history(&b).unwrap().len(), 2);
}

fn import_replaces_details_and_keeps_state(store: &dyn Store, run: &str) {
    let id = format!("{run}-P1");
    let parcel = |details: &str| NewParcel {
        parcel_id: id.clone(),
        barcode: Some(format!("{run}-B1")),
        details: details.into(),
        initial_state: "\"initial\"".into(),
    };
    assert_eq!(
        store.import_parcels(&[parcel("{\"v\":1}")], t(0)).unwrap(),
        1
    );
    assert_eq!(
        store.import_parcels(&[parcel("{\"v\":2}")], t(0)).unwrap(),
        0
    );
    let got = store
        .parcel(ParcelKey::Barcode(&format!("{run}-B1")))
        .unwrap()
        .unwrap();
    assert_eq!(got.details, "{\"v\":2}");
    assert_eq!(got.state.as_deref(), Some("\"initial\""));
    assert_eq!(store.parcel(ParcelKey::Id("no-such-parcel")).unwrap(), None);
}

fn concurrent_duplicates_have_one_effect(store: Arc<dyn Store>, run: &str) {
    let subject = format!("{run}-conc");
    let key = format!("{run}-conc-e");
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let (store, subject, key) = (store.clone(), subject.clone(), key.clone());
            std::thread::spawn(move || {
                store
                    .record(&incoming(&subject, &key, false), &mut |s| bump(s, 20))
                    .unwrap()
                    .unwrap()
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|r| !r.repeat).count(), 1);
    assert!(results.iter().all(|r| r.outcome == Outcome::Applied));
    assert_eq!(store.history(&subject).unwrap().len(), 1);
}

fn concurrent_events_of_one_subject_are_serialised(store: Arc<dyn Store>, run: &str) {
    let subject = format!("{run}-serial");
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let (store, subject) = (store.clone(), subject.clone());
            let key = format!("{run}-serial-{i}");
            std::thread::spawn(move || {
                store
                    .record(&incoming(&subject, &key, false), &mut |s| bump(s, 30))
                    .unwrap()
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // No lost update: eight increments from eight distinct events.
    let h = store.history(&subject).unwrap();
    assert_eq!(h.last().unwrap().to, "8");
}
