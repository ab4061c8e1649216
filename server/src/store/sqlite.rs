//! The embedded store: one SQLite file in WAL mode, needing no server.
//!
//! Writes go through one connection with **group commit** ([`super::group_commit`]): the
//! writes that queue up while one commits share the next `BEGIN IMMEDIATE` transaction,
//! each in its own savepoint, and one commit. SQLite has one writer at a time anyway, and
//! taking the write lock at the start means the state read inside a write cannot change
//! before it is written. Reads (parcel details, history, counts) use a second connection,
//! which in WAL mode sees the last commit without waiting for the writer.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::group_commit::{self, BatchStats, GroupCommit, Item};
use super::migrate::{self, Migration};
use super::{
    outcome_row, parse_outcome, parse_source, parse_time, time_text, Decision, EventCounts,
    HistoryEntry, Incoming, NewParcel, Outcome, ParcelKey, Recorded, Store, StoreError,
    StoredParcel,
};

/// How hard SQLite syncs a commit to disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Synchronous {
    /// Every commit is on disk before it returns: survives a power cut (the default).
    #[default]
    Full,
    /// WAL `NORMAL`: a commit survives the process being killed, not a power cut.
    Normal,
}

/// The SQLite store's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    pub synchronous: Synchronous,
    /// At most this many writes share one commit (`sqlite_max_batch` in the config).
    pub max_batch: NonZeroUsize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous: Synchronous::default(),
            max_batch: group_commit::DEFAULT_MAX_BATCH,
        }
    }
}

/// The SQLite store.
pub struct SqliteStore {
    writes: GroupCommit,
    /// The read connection; `None` for `:memory:`, whose data only the write connection
    /// sees (reads then run as writes that change nothing).
    reader: Option<Mutex<Connection>>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// Opens one connection to `path` with the store's settings.
fn connect(path: &str, sync: Synchronous) -> Result<Connection, StoreError> {
    let open_err = |e: rusqlite::Error| StoreError::Open {
        what: format!("SQLite file {path}"),
        message: e.to_string(),
    };
    let conn = Connection::open(path).map_err(open_err)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(open_err)?;
    if mode != "wal" && path != ":memory:" {
        return Err(StoreError::Open {
            what: format!("SQLite file {path}"),
            message: format!("WAL mode refused (journal_mode is {mode})"),
        });
    }
    let sync = match sync {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    // Savepoint journals in memory: a batch's per-write savepoints cost no temp file.
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
         PRAGMA temp_store = MEMORY;"
    ))
    .map_err(open_err)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating) the file at `path` with the default batch bound and applies the
    /// migrations.
    pub fn open(path: &str, sync: Synchronous) -> Result<Self, StoreError> {
        Self::open_with(
            path,
            SqliteOptions {
                synchronous: sync,
                ..SqliteOptions::default()
            },
        )
    }

    /// Opens (creating) the file at `path` and applies the migrations.
    pub fn open_with(path: &str, options: SqliteOptions) -> Result<Self, StoreError> {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() && path != ":memory:" {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                    what: format!("directory {}", dir.display()),
                    message: e.to_string(),
                })?;
            }
        }
        let mut conn = connect(path, options.synchronous)?;
        apply_migrations(&mut conn, migrate::SQLITE)?;
        let reader = if path == ":memory:" {
            None
        } else {
            let reader = connect(path, options.synchronous)?;
            reader
                .execute_batch("PRAGMA query_only = ON")
                .map_err(|e| StoreError::Open {
                    what: format!("SQLite file {path} (read connection)"),
                    message: e.to_string(),
                })?;
            Some(Mutex::new(reader))
        };
        Ok(SqliteStore {
            writes: GroupCommit::new(conn, options.max_batch),
            reader,
        })
    }

    /// The bound on the writes that share one commit.
    pub fn max_batch(&self) -> NonZeroUsize {
        self.writes.max_batch()
    }

    /// How many writes and commits this store has made: `writes / commits` is the mean
    /// batch size.
    pub fn batch_stats(&self) -> BatchStats {
        self.writes.stats()
    }

    /// Runs a read on the read connection (on the write connection for `:memory:`).
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.reader {
            // A panic while holding the lock leaves no open transaction behind (a read
            // opens none that outlives its statement), so the connection is still good.
            Some(reader) => f(&reader.lock().unwrap_or_else(PoisonError::into_inner)),
            None => self.writes.run(|item| {
                let value = f(item);
                item.discard();
                value
            }),
        }
    }
}

fn apply_migrations(conn: &mut Connection, migrations: &[Migration]) -> Result<(), StoreError> {
    conn.execute_batch(migrate::CREATE_TABLE).map_err(db)?;
    for m in migrations {
        let fail = |e: rusqlite::Error| StoreError::Migration {
            version: m.version,
            message: e.to_string(),
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let done: Option<u32> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [m.version],
                |r| r.get(0),
            )
            .optional()
            .map_err(fail)?;
        if done.is_none() {
            tx.execute_batch(m.sql).map_err(fail)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![m.version, time_text(Utc::now())],
            )
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

/// One event's write, inside its savepoint of the current batch (see the module's flow).
fn record_item(
    item: &Item<'_>,
    ev: &Incoming<'_>,
    decide: &mut dyn FnMut(Option<&str>) -> Decision,
) -> Result<Option<Recorded>, StoreError> {
    let now = time_text(ev.received_at);
    let claimed = item
        .prepare_cached(
            "INSERT INTO events (event_key, source, subject, outcome, summary, first_received_at, last_received_at)
             VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5) ON CONFLICT (event_key) DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![ev.key, ev.source.as_str(), ev.subject, ev.summary, now]))
        .map_err(db)?;
    if claimed == 0 {
        let (outcome, code, reason): (String, Option<String>, Option<String>) = item
            .prepare_cached(
                "UPDATE events SET deliveries = deliveries + 1, last_received_at = ?2
                 WHERE event_key = ?1 RETURNING outcome, code, reason",
            )
            .and_then(|mut s| {
                s.query_row(params![ev.key, now], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
            })
            .map_err(db)?;
        let outcome = parse_outcome(&outcome)?;
        if !(outcome == Outcome::Rejected && ev.reconsider_rejected) {
            return Ok(Some(Recorded {
                outcome,
                repeat: true,
                code,
                reason,
            }));
        }
    }
    let state: Option<String> = item
        .prepare_cached("SELECT state FROM subjects WHERE source = ?1 AND subject = ?2")
        .and_then(|mut s| {
            s.query_row(params![ev.source.as_str(), ev.subject], |r| r.get(0))
                .optional()
        })
        .map_err(db)?;
    let recorded = match decide(state.as_deref()) {
        // Rolling the savepoint back undoes the claim: nothing is stored.
        Decision::Unknown => {
            item.discard();
            return Ok(None);
        }
        Decision::Apply { state, change } => {
            item.prepare_cached(
                "INSERT INTO subjects (source, subject, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source, subject) DO UPDATE SET state = excluded.state",
            )
            .and_then(|mut s| s.execute(params![ev.source.as_str(), ev.subject, state]))
            .map_err(db)?;
            item.prepare_cached(
                "INSERT INTO history (source, subject, event_key, event, from_state, to_state, occurred_at, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    ev.source.as_str(),
                    ev.subject,
                    ev.key,
                    change.event,
                    change.from,
                    change.to,
                    time_text(change.occurred_at),
                    now
                ])
            })
            .map_err(db)?;
            outcome_row(Outcome::Applied, None, None)
        }
        Decision::Keep(outcome) => outcome_row(outcome, None, None),
        Decision::Reject { code, reason } => {
            outcome_row(Outcome::Rejected, Some(code), Some(reason))
        }
    };
    item.prepare_cached(
        "UPDATE events SET outcome = ?2, code = ?3, reason = ?4 WHERE event_key = ?1",
    )
    .and_then(|mut s| {
        s.execute(params![
            ev.key,
            recorded.outcome.as_str(),
            recorded.code,
            recorded.reason
        ])
    })
    .map_err(db)?;
    Ok(Some(recorded))
}

fn import_item(
    item: &Item<'_>,
    parcels: &[NewParcel],
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut upsert = item
        .prepare(
            "INSERT INTO parcels (parcel_id, barcode, details, imported_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (parcel_id) DO UPDATE SET barcode = excluded.barcode, details = excluded.details",
        )
        .map_err(db)?;
    let mut state = item
        .prepare(
            "INSERT INTO subjects (source, subject, state) VALUES ('tastamat', ?1, ?2)
             ON CONFLICT (source, subject) DO NOTHING",
        )
        .map_err(db)?;
    let mut new = 0;
    for p in parcels {
        upsert
            .execute(params![p.parcel_id, p.barcode, p.details, time_text(at)])
            .map_err(db)?;
        new += state
            .execute(params![p.parcel_id, p.initial_state])
            .map_err(db)?;
    }
    Ok(new)
}

impl Store for SqliteStore {
    fn record(
        &self,
        ev: &Incoming<'_>,
        decide: &mut dyn FnMut(Option<&str>) -> Decision,
    ) -> Result<Option<Recorded>, StoreError> {
        self.writes.run(|item| record_item(item, ev, decide))
    }

    fn import_parcels(
        &self,
        parcels: &[NewParcel],
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.writes.run(|item| import_item(item, parcels, at))
    }

    fn parcel(&self, key: ParcelKey<'_>) -> Result<Option<StoredParcel>, StoreError> {
        let (sql, value) = match key {
            ParcelKey::Id(v) => ("p.parcel_id = ?1", v),
            ParcelKey::Barcode(v) => ("p.barcode = ?1", v),
        };
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT p.parcel_id, p.details, s.state FROM parcels p
                 LEFT JOIN subjects s ON s.source = 'tastamat' AND s.subject = p.parcel_id
                 WHERE {sql}"
            ))
            .and_then(|mut s| {
                s.query_row([value], |r| {
                    Ok(StoredParcel {
                        parcel_id: r.get(0)?,
                        details: r.get(1)?,
                        state: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(db)
        })
    }

    fn history(&self, subject: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT seq, source, event, from_state, to_state, occurred_at, received_at
                     FROM history WHERE subject = ?1 ORDER BY seq",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map([subject], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })
                .map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, source, event, from, to, occurred, received) = row.map_err(db)?;
                out.push(HistoryEntry {
                    seq,
                    source: parse_source(&source)?,
                    event,
                    from,
                    to,
                    occurred_at: parse_time(&occurred)?,
                    received_at: parse_time(&received)?,
                });
            }
            Ok(out)
        })
    }

    /// A probe write through the batches, like any write: ready means the next batch can
    /// be opened and committed.
    fn check_writable(&self) -> Result<(), StoreError> {
        let not_writable = |e: StoreError| StoreError::NotWritable(e.to_string());
        self.writes
            .run(|item| {
                item.execute(
                    "INSERT INTO probe (id, at) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                    [time_text(Utc::now())],
                )
                .map(|_| ())
                .map_err(db)
            })
            .map_err(not_writable)
    }

    fn event_counts(&self) -> Result<EventCounts, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare("SELECT outcome, COUNT(*), SUM(deliveries) FROM events GROUP BY outcome")
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .map_err(db)?;
            let mut counts = EventCounts::default();
            for row in rows {
                let (outcome, n, deliveries) = row.map_err(db)?;
                counts.add(&outcome, n, deliveries)?;
            }
            Ok(counts)
        })
    }
}
