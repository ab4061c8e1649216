//! Group commit for the SQLite store: the writes that queue up while one commits share the
//! next transaction and its single commit.
//!
//! Why: with `synchronous = FULL` a commit waits for the disk (an fsync of the WAL), so one
//! transaction per event caps the store at a few hundred events a second however fast the
//! rest is; with `NORMAL` each commit still costs a WAL write of every page it touched.
//! Sharing a commit amortises that cost over the batch.
//!
//! How: the writers take turns on the one write connection (no dedicated writer thread:
//! each write runs on its caller's thread, so the store trait's `decide` closure, which
//! borrows the caller's data, needs no `'static` and no copy). The first write of a batch
//! opens it (`BEGIN IMMEDIATE`); every write runs in its own savepoint, so one that fails
//! (or panics, or decides to store nothing) is rolled back alone and the others stay. A
//! write that finds nobody else queued for the connection — or the batch full at
//! [`GroupCommit::max_batch`] — commits the batch and hands the commit's result to every
//! writer of the batch, which were waiting for it. The promise is unchanged: a write
//! returns `Ok` only after the commit holding it has succeeded, so the HTTP 200 still
//! follows a durable commit; if the commit fails, every write of the batch gets the error
//! (503: the sender retries, and idempotency makes the retry safe).
//!
//! The bound matters: under a steady stream somebody is always queued, so without it a
//! batch would never close and its first writer would wait for ever.

use std::any::Any;
use std::cell::Cell;
use std::num::NonZeroUsize;
use std::ops::Deref;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Mutex, PoisonError};

use rusqlite::Connection;

use super::StoreError;

/// The default bound on the writes that share one commit (see docs/server.md): large
/// enough to amortise an fsync over the load test's 32 concurrent requests and more,
/// small enough that the first write of a full batch waits only a few milliseconds.
pub const DEFAULT_MAX_BATCH: NonZeroUsize = match NonZeroUsize::new(64) {
    Some(n) => n,
    None => unreachable!(),
};

/// One write's view of the batch: the connection (inside the write's savepoint), and a
/// way to undo the write while still answering `Ok` (an unknown subject stores nothing).
pub(crate) struct Item<'c> {
    conn: &'c Connection,
    discard: Cell<bool>,
}

impl Item<'_> {
    /// Rolls this write back when it ends; the batch's other writes are kept.
    pub(crate) fn discard(&self) {
        self.discard.set(true);
    }
}

impl Deref for Item<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

/// How many writes and commits the store has made (for the load test and support).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BatchStats {
    /// Writes run (each in its own savepoint), failed ones included.
    pub writes: u64,
    /// Batches committed (or failed at commit).
    pub commits: u64,
    /// The most writes one batch held.
    pub largest: u64,
}

struct Writer {
    conn: Connection,
    /// A batch transaction is open.
    open: bool,
    /// Writes run in the open batch.
    items: usize,
    /// The writers of the open batch whose write succeeded, waiting for its commit.
    waiters: Vec<SyncSender<Result<(), StoreError>>>,
}

/// The write connection and its batches.
pub(crate) struct GroupCommit {
    writer: Mutex<Writer>,
    /// Writers waiting for the connection: while there is one, the batch stays open for it.
    queued: AtomicUsize,
    max_batch: NonZeroUsize,
    writes: AtomicU64,
    commits: AtomicU64,
    largest: AtomicU64,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

type Panic = Box<dyn Any + Send + 'static>;

impl GroupCommit {
    pub(crate) fn new(conn: Connection, max_batch: NonZeroUsize) -> Self {
        GroupCommit {
            writer: Mutex::new(Writer {
                conn,
                open: false,
                items: 0,
                waiters: Vec::new(),
            }),
            queued: AtomicUsize::new(0),
            max_batch,
            writes: AtomicU64::new(0),
            commits: AtomicU64::new(0),
            largest: AtomicU64::new(0),
        }
    }

    pub(crate) fn max_batch(&self) -> NonZeroUsize {
        self.max_batch
    }

    pub(crate) fn stats(&self) -> BatchStats {
        BatchStats {
            writes: self.writes.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
            largest: self.largest.load(Ordering::Relaxed),
        }
    }

    /// Runs `write` in the current batch and returns its result once the batch is
    /// committed; an `Err` of the write itself returns at once (nothing of it is stored).
    /// A panic in `write` rolls back that write only, and is resumed on the caller.
    pub(crate) fn run<T>(
        &self,
        write: impl FnOnce(&Item<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        // A panic never unwinds while the lock is held (writes run under catch_unwind), so
        // a poisoned lock still guards a consistent writer.
        let mut w = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let outcome = self.run_item(&mut w, write);
        let commit = match &outcome {
            Ok(Ok(_)) => {
                let (tx, rx) = sync_channel(1);
                w.waiters.push(tx);
                Some(rx)
            }
            _ => None,
        };
        // Every holder of the lock decides: a writer queued behind us will decide in turn,
        // so a batch is never left open without somebody to commit it.
        if w.open && (w.items >= self.max_batch.get() || self.queued.load(Ordering::SeqCst) == 0) {
            self.commit(&mut w);
        }
        drop(w);
        match outcome {
            Err(panic) => resume_unwind(panic),
            Ok(Err(e)) => Err(e),
            Ok(Ok(value)) => match commit.map(|rx| rx.recv()) {
                Some(Ok(Ok(()))) => Ok(value),
                Some(Ok(Err(e))) => Err(e),
                _ => Err(StoreError::Database(
                    "the batch holding this write was abandoned before its commit".into(),
                )),
            },
        }
    }

    fn run_item<T>(
        &self,
        w: &mut Writer,
        write: impl FnOnce(&Item<'_>) -> Result<T, StoreError>,
    ) -> Result<Result<T, StoreError>, Panic> {
        if !w.open {
            if let Err(e) = w.conn.execute_batch("BEGIN IMMEDIATE") {
                return Ok(Err(db(e)));
            }
            w.open = true;
            w.items = 0;
        }
        w.items += 1;
        self.writes.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = w.conn.execute_batch("SAVEPOINT item") {
            let e = db(e);
            self.abort(w, &e);
            return Ok(Err(e));
        }
        let item = Item {
            conn: &w.conn,
            discard: Cell::new(false),
        };
        let result = catch_unwind(AssertUnwindSafe(|| write(&item)));
        let keep = matches!(result, Ok(Ok(_))) && !item.discard.get();
        if w.conn.is_autocommit() {
            // SQLite rolled the whole transaction back itself (an I/O error, a full disk):
            // the batch's earlier writes are gone too.
            let e = StoreError::Database(
                "SQLite rolled the batch back after a failed write; retry".into(),
            );
            self.abort(w, &e);
            return result.map(|r| r.and(Err(e)));
        }
        let end = if keep {
            "RELEASE item"
        } else {
            "ROLLBACK TO item; RELEASE item"
        };
        if let Err(e) = w.conn.execute_batch(end) {
            let e = db(e);
            self.abort(w, &e);
            return result.map(|r| r.and(Err(e)));
        }
        result
    }

    /// Commits the open batch and answers its writers.
    fn commit(&self, w: &mut Writer) {
        let result = w.conn.execute_batch("COMMIT").map_err(db);
        if result.is_err() && !w.conn.is_autocommit() {
            let _ = w.conn.execute_batch("ROLLBACK");
        }
        self.finish(w, result);
    }

    /// Rolls the open batch back: every writer of it gets `e`.
    fn abort(&self, w: &mut Writer, e: &StoreError) {
        if !w.conn.is_autocommit() {
            let _ = w.conn.execute_batch("ROLLBACK");
        }
        self.finish(w, Err(e.clone()));
    }

    fn finish(&self, w: &mut Writer, result: Result<(), StoreError>) {
        self.commits.fetch_add(1, Ordering::Relaxed);
        self.largest.fetch_max(
            u64::try_from(w.items).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        w.open = false;
        w.items = 0;
        for waiter in w.waiters.drain(..) {
            // A writer is waiting on the other end (its buffer holds the one answer).
            let _ = waiter.send(result.clone());
        }
    }

    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::thread;
    use std::time::{Duration, Instant};

    use super::*;

    fn store(max_batch: usize) -> (Arc<GroupCommit>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("t.sqlite3")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;
             CREATE TABLE t (k TEXT PRIMARY KEY);
             CREATE TABLE parent (id TEXT PRIMARY KEY);
             CREATE TABLE child (id TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);",
        )
        .unwrap();
        let gc = GroupCommit::new(conn, NonZeroUsize::new(max_batch).unwrap());
        (Arc::new(gc), dir)
    }

    fn insert(item: &Item<'_>, k: &str) -> Result<(), StoreError> {
        item.execute("INSERT INTO t (k) VALUES (?1)", [k])
            .map(|_| ())
            .map_err(db)
    }

    /// Blocks (inside a write, holding the connection) until `n` writers are queued
    /// behind it, so that they join its batch: the test builds its batch deterministically.
    fn hold_until_queued(gc: &GroupCommit, n: usize) {
        let give_up = Instant::now() + Duration::from_secs(60);
        while gc.queued() < n {
            assert!(Instant::now() < give_up, "writers never queued");
            thread::sleep(Duration::from_millis(1));
        }
    }

    fn keys(gc: &GroupCommit) -> Vec<String> {
        gc.run(|item| {
            let mut s = item.prepare("SELECT k FROM t ORDER BY k").map_err(db)?;
            let rows = s.query_map([], |r| r.get(0)).map_err(db)?;
            rows.collect::<Result<Vec<String>, _>>().map_err(db)
        })
        .unwrap()
    }

    /// Starts a write on another thread and returns once it holds the connection.
    fn first_write(
        gc: &Arc<GroupCommit>,
        queued: usize,
        write: impl FnOnce(&Item<'_>) -> Result<(), StoreError> + Send + 'static,
    ) -> thread::JoinHandle<Result<(), StoreError>> {
        let (started, holding) = sync_channel(0);
        let gc2 = gc.clone();
        let a = thread::spawn(move || {
            gc2.run(|item| {
                started.send(()).unwrap();
                write(item)?;
                hold_until_queued(&gc2, queued);
                Ok(())
            })
        });
        holding.recv().unwrap();
        a
    }

    fn spawn_write(
        gc: &Arc<GroupCommit>,
        write: impl FnOnce(&Item<'_>) -> Result<(), StoreError> + Send + 'static,
    ) -> thread::JoinHandle<Result<(), StoreError>> {
        let gc = gc.clone();
        thread::spawn(move || gc.run(write))
    }

    #[test]
    fn a_failing_or_panicking_write_is_rolled_back_alone_and_the_batch_commits_once() {
        let (gc, _dir) = store(64);
        let a = first_write(&gc, 3, |item| insert(item, "a"));
        let b = spawn_write(&gc, |item| {
            insert(item, "b")?;
            panic!("b's decision panics after its insert")
        });
        let c = spawn_write(&gc, |item| insert(item, "c"));
        // "a" is in the open batch: the unique key refuses it, and only this write fails.
        let d = spawn_write(&gc, |item| insert(item, "a"));
        assert_eq!(a.join().unwrap(), Ok(()));
        assert!(b.join().is_err(), "the panic reaches b's caller");
        assert_eq!(c.join().unwrap(), Ok(()));
        assert!(matches!(d.join().unwrap(), Err(StoreError::Database(_))));
        assert_eq!(
            gc.stats(),
            BatchStats {
                writes: 4,
                commits: 1,
                largest: 4
            }
        );
        assert_eq!(keys(&gc), ["a", "c"]);
    }

    #[test]
    fn a_discarded_write_stores_nothing_and_still_answers() {
        let (gc, _dir) = store(64);
        let a = first_write(&gc, 1, |item| insert(item, "a"));
        let b = spawn_write(&gc, |item| {
            insert(item, "b")?;
            item.discard();
            Ok(())
        });
        assert_eq!(a.join().unwrap(), Ok(()));
        assert_eq!(b.join().unwrap(), Ok(()));
        assert_eq!(gc.stats().commits, 1);
        assert_eq!(keys(&gc), ["a"]);
    }

    #[test]
    fn the_batch_bound_closes_a_batch_even_while_writers_queue() {
        let (gc, _dir) = store(2);
        let a = first_write(&gc, 2, |item| insert(item, "a"));
        let b = spawn_write(&gc, |item| insert(item, "b"));
        let c = spawn_write(&gc, |item| insert(item, "c"));
        for w in [a, b, c] {
            assert_eq!(w.join().unwrap(), Ok(()));
        }
        // a and the first of b/c fill the batch of 2; the other commits alone.
        assert_eq!(
            gc.stats(),
            BatchStats {
                writes: 3,
                commits: 2,
                largest: 2
            }
        );
        assert_eq!(keys(&gc), ["a", "b", "c"]);
    }

    #[test]
    fn a_failed_commit_fails_every_write_of_its_batch_and_keeps_none() {
        let (gc, _dir) = store(64);
        let a = first_write(&gc, 1, |item| insert(item, "a"));
        // A deferred foreign key is checked at COMMIT, which therefore fails.
        let b = spawn_write(&gc, |item| {
            item.execute("INSERT INTO child (id) VALUES ('orphan')", [])
                .map(|_| ())
                .map_err(db)
        });
        assert!(matches!(a.join().unwrap(), Err(StoreError::Database(_))));
        assert!(matches!(b.join().unwrap(), Err(StoreError::Database(_))));
        assert!(keys(&gc).is_empty(), "the failed batch was rolled back");
        // The connection is usable again: the next batch commits.
        assert_eq!(gc.run(|item| insert(item, "z")), Ok(()));
        assert_eq!(keys(&gc), ["z"]);
    }
}
