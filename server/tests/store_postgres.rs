//! The same store suite on PostgreSQL, when `COURIER_PG_URL` names a reachable server
//! (`.ci/run` starts Debian's PostgreSQL and sets it). Otherwise the test says SKIPPED
//! on stderr (visible with `--nocapture`; `.ci/run` prints it) and checks nothing.

mod common;

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
    eprintln!("PostgreSQL store suite: passed");
}
