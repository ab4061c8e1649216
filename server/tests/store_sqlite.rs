//! The store suite on the embedded SQLite store, in a fresh file.

mod common;

use std::sync::Arc;

use courier_server::store::{SqliteStore, Store, Synchronous};

#[test]
fn the_sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("courier.sqlite3");
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(path.to_str().unwrap(), Synchronous::Full).unwrap());
    common::store_suite::all(store);
}

#[test]
fn reopening_keeps_the_data_and_applies_no_migration_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("courier.sqlite3");
    let path = path.to_str().unwrap();
    {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(path, Synchronous::Normal).unwrap());
        common::store_suite::all(store);
    }
    let store = SqliteStore::open(path, Synchronous::Normal).unwrap();
    assert!(store.event_counts().unwrap().applied > 0);
}
