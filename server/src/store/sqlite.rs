//! The embedded store: one SQLite file in WAL mode, needing no server.
//!
//! Writes go through one connection behind a mutex, each event in a `BEGIN IMMEDIATE`
//! transaction: SQLite has one writer at a time anyway, and taking the write lock at the
//! start means the state read inside the transaction cannot change before the write.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

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

/// The SQLite store.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl SqliteStore {
    /// Opens (creating) the file at `path` and applies the migrations.
    pub fn open(path: &str, sync: Synchronous) -> Result<Self, StoreError> {
        let open_err = |e: rusqlite::Error| StoreError::Open {
            what: format!("SQLite file {path}"),
            message: e.to_string(),
        };
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() && path != ":memory:" {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                    what: format!("directory {}", dir.display()),
                    message: e.to_string(),
                })?;
            }
        }
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
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;"
        ))
        .map_err(open_err)?;
        let mut conn = conn;
        apply_migrations(&mut conn, migrate::SQLITE)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no open transaction behind (rusqlite
        // rolls back on drop), so the connection is still good.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
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

impl Store for SqliteStore {
    fn record(
        &self,
        ev: &Incoming<'_>,
        decide: &mut dyn FnMut(Option<&str>) -> Decision,
    ) -> Result<Option<Recorded>, StoreError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let now = time_text(ev.received_at);
        let claimed = tx
            .execute(
                "INSERT INTO events (event_key, source, subject, outcome, summary, first_received_at, last_received_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5) ON CONFLICT (event_key) DO NOTHING",
                params![ev.key, ev.source.as_str(), ev.subject, ev.summary, now],
            )
            .map_err(db)?;
        if claimed == 0 {
            let (outcome, code, reason): (String, Option<String>, Option<String>) = tx
                .query_row(
                    "SELECT outcome, code, reason FROM events WHERE event_key = ?1",
                    [ev.key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .map_err(db)?;
            tx.execute(
                "UPDATE events SET deliveries = deliveries + 1, last_received_at = ?2 WHERE event_key = ?1",
                params![ev.key, now],
            )
            .map_err(db)?;
            let outcome = parse_outcome(&outcome)?;
            if !(outcome == Outcome::Rejected && ev.reconsider_rejected) {
                tx.commit().map_err(db)?;
                return Ok(Some(Recorded {
                    outcome,
                    repeat: true,
                    code,
                    reason,
                }));
            }
        }
        let state: Option<String> = tx
            .query_row(
                "SELECT state FROM subjects WHERE source = ?1 AND subject = ?2",
                params![ev.source.as_str(), ev.subject],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        let recorded = match decide(state.as_deref()) {
            // Dropping the transaction rolls the claim back: nothing is stored.
            Decision::Unknown => return Ok(None),
            Decision::Apply { state, change } => {
                tx.execute(
                    "INSERT INTO subjects (source, subject, state) VALUES (?1, ?2, ?3)
                     ON CONFLICT (source, subject) DO UPDATE SET state = excluded.state",
                    params![ev.source.as_str(), ev.subject, state],
                )
                .map_err(db)?;
                tx.execute(
                    "INSERT INTO history (source, subject, event_key, event, from_state, to_state, occurred_at, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        ev.source.as_str(),
                        ev.subject,
                        ev.key,
                        change.event,
                        change.from,
                        change.to,
                        time_text(change.occurred_at),
                        now
                    ],
                )
                .map_err(db)?;
                outcome_row(Outcome::Applied, None, None)
            }
            Decision::Keep(outcome) => outcome_row(outcome, None, None),
            Decision::Reject { code, reason } => {
                outcome_row(Outcome::Rejected, Some(code), Some(reason))
            }
        };
        tx.execute(
            "UPDATE events SET outcome = ?2, code = ?3, reason = ?4 WHERE event_key = ?1",
            params![
                ev.key,
                recorded.outcome.as_str(),
                recorded.code,
                recorded.reason
            ],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(Some(recorded))
    }

    fn import_parcels(
        &self,
        parcels: &[NewParcel],
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let mut new = 0;
        {
            let mut upsert = tx
                .prepare(
                    "INSERT INTO parcels (parcel_id, barcode, details, imported_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (parcel_id) DO UPDATE SET barcode = excluded.barcode, details = excluded.details",
                )
                .map_err(db)?;
            let mut state = tx
                .prepare(
                    "INSERT INTO subjects (source, subject, state) VALUES ('tastamat', ?1, ?2)
                     ON CONFLICT (source, subject) DO NOTHING",
                )
                .map_err(db)?;
            for p in parcels {
                upsert
                    .execute(params![p.parcel_id, p.barcode, p.details, time_text(at)])
                    .map_err(db)?;
                new += state
                    .execute(params![p.parcel_id, p.initial_state])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(new)
    }

    fn parcel(&self, key: ParcelKey<'_>) -> Result<Option<StoredParcel>, StoreError> {
        let (sql, value) = match key {
            ParcelKey::Id(v) => ("p.parcel_id = ?1", v),
            ParcelKey::Barcode(v) => ("p.barcode = ?1", v),
        };
        self.conn()
            .query_row(
                &format!(
                    "SELECT p.parcel_id, p.details, s.state FROM parcels p
                     LEFT JOIN subjects s ON s.source = 'tastamat' AND s.subject = p.parcel_id
                     WHERE {sql}"
                ),
                [value],
                |r| {
                    Ok(StoredParcel {
                        parcel_id: r.get(0)?,
                        details: r.get(1)?,
                        state: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(db)
    }

    fn history(&self, subject: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
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
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let not_writable = |e: rusqlite::Error| StoreError::NotWritable(e.to_string());
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(not_writable)?;
        tx.execute(
            "INSERT INTO probe (id, at) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
            [time_text(Utc::now())],
        )
        .map_err(not_writable)?;
        tx.commit().map_err(not_writable)
    }

    fn event_counts(&self) -> Result<EventCounts, StoreError> {
        let conn = self.conn();
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
    }
}
