//! The same store suite on PostgreSQL, when `COURIER_PG_URL` names a reachable server
//! (`.ci/run` starts Debian's PostgreSQL and sets it). Otherwise the test says SKIPPED
//! on stderr (visible with `--nocapture`; `.ci/run` prints it) and checks nothing.

mod common;

use std::num::NonZeroUsize;
use std::sync::Arc;

use courier_server::store::{PostgresStore, Store};

#[test]
fn the_postgres_store_keeps_the_contract() {
    let Ok(url) = std::env::var("COURIER_PG_URL") else {
        eprintln!("SKIPPED: COURIER_PG_URL is not set; the PostgreSQL store suite did not run");
        return;
    };
    let store = match PostgresStore::connect(&url) {
        Ok(s) => s,
        Err(e) => {
            if std::env::var_os("COURIER_PG_REQUIRED").is_some() {
                panic!("COURIER_PG_REQUIRED is set and PostgreSQL is unreachable: {e}");
            }
            eprintln!(
                "SKIPPED: PostgreSQL unreachable ({e}); the PostgreSQL store suite did not run"
            );
            return;
        }
    };
    let store: Arc<dyn Store> = Arc::new(store);
    common::store_suite::all(store);
    // In the same test, after the suite: it kills every other connection to the database.
    closed_connections_are_replaced(&url);
    eprintln!("PostgreSQL store suite: passed");
}

/// The database server ends the store's connections (as a restart would): each fails the
/// one request that finds it dead, and is replaced on its next use.
fn closed_connections_are_replaced(url: &str) {
    let connections = NonZeroUsize::new(2).unwrap();
    let store = PostgresStore::connect_with(url, connections).unwrap();
    // Take both connections at once so that both have been used.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| store.check_writable().unwrap());
        }
    });
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let ended = admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    assert!(ended >= 2, "the store's connections were ended ({ended})");
    let results: Vec<bool> = (0..5).map(|_| store.check_writable().is_ok()).collect();
    let failures = results.iter().filter(|ok| !**ok).count();
    assert!(
        failures <= connections.get(),
        "at most one failure per dead connection: {results:?}"
    );
    assert!(results.last() == Some(&true), "{results:?}");
    assert!(store.event_counts().is_ok());
}
