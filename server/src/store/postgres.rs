//! The server option: PostgreSQL through the synchronous `postgres` crate.
//!
//! Same tables and the same flow as the SQLite store. PostgreSQL runs transactions
//! concurrently, so each event's transaction first takes a transaction-scoped advisory
//! lock on its subject (`pg_advisory_xact_lock`): two events of one parcel are decided
//! one after the other, even when the parcel has no state row yet to lock.
//!
//! Requests share a small fixed set of connections ([`DEFAULT_CONNECTIONS`] unless the
//! config's `postgres_connections` says otherwise): events of different parcels are then
//! written concurrently, and PostgreSQL's own WAL flush groups their commits. A connection
//! found closed (the server restarted) is replaced on its next use.

use std::num::NonZeroUsize;
use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use postgres::{Client, NoTls};

use super::migrate::{self, Migration};
use super::{
    outcome_row, parse_outcome, parse_source, parse_time, time_text, Decision, EventCounts,
    HistoryEntry, Incoming, NewParcel, Outcome, ParcelKey, Recorded, Store, StoreError,
    StoredParcel,
};

/// The default number of connections. Each commit waits for PostgreSQL's WAL flush, so
/// throughput grows with the transactions in flight: on the 2-core machine (load test,
/// BENCHMARKS.md) 1 connection gave ~100 updates/s, 4 ~400, 8 ~790, 16 ~965; 8 takes most
/// of the gain for 8 server processes.
pub const DEFAULT_CONNECTIONS: NonZeroUsize = match NonZeroUsize::new(8) {
    Some(n) => n,
    None => unreachable!(),
};

/// The PostgreSQL store: a fixed set of connections; a request takes a free one or waits.
pub struct PostgresStore {
    idle: Mutex<Vec<Client>>,
    freed: Condvar,
    /// For replacing a closed connection; may hold a password: never printed.
    url: String,
}

/// A connection taken from the store, given back when dropped.
struct Pooled<'a> {
    store: &'a PostgresStore,
    client: Option<Client>,
}

impl Deref for Pooled<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("held until dropped")
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("held until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // A transaction left open by a panic is rolled back when the `Transaction` is
            // dropped, before this; so a returned connection is idle.
            self.store
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(client);
            self.store.freed.notify_one();
        }
    }
}

fn open_error(e: postgres::Error) -> StoreError {
    StoreError::Open {
        what: "the PostgreSQL server".into(),
        message: e.to_string(),
    }
}

fn db(e: postgres::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl PostgresStore {
    /// Connects to `url` and applies the migrations. The URL (which may hold a password)
    /// never appears in an error.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, DEFAULT_CONNECTIONS)
    }

    /// As [`PostgresStore::connect`], with `connections` connections.
    pub fn connect_with(url: &str, connections: NonZeroUsize) -> Result<Self, StoreError> {
        let mut first = Client::connect(url, NoTls).map_err(open_error)?;
        apply_migrations(&mut first, migrate::POSTGRES)?;
        let mut idle = vec![first];
        for _ in 1..connections.get() {
            idle.push(Client::connect(url, NoTls).map_err(open_error)?);
        }
        Ok(PostgresStore {
            idle: Mutex::new(idle),
            freed: Condvar::new(),
            url: url.to_string(),
        })
    }

    /// A free connection, waiting for one if all are taken; a closed one is replaced.
    fn client(&self) -> Result<Pooled<'_>, StoreError> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let client = loop {
            match idle.pop() {
                Some(c) => break c,
                None => {
                    idle = self
                        .freed
                        .wait(idle)
                        .unwrap_or_else(PoisonError::into_inner)
                }
            }
        };
        drop(idle);
        let client = if client.is_closed() {
            match Client::connect(&self.url, NoTls) {
                Ok(fresh) => fresh,
                Err(e) => {
                    // Keep the closed one in the set so that it is retried next time.
                    drop(Pooled {
                        store: self,
                        client: Some(client),
                    });
                    return Err(StoreError::Database(format!("reconnecting: {e}")));
                }
            }
        } else {
            client
        };
        Ok(Pooled {
            store: self,
            client: Some(client),
        })
    }
}

fn apply_migrations(client: &mut Client, migrations: &[Migration]) -> Result<(), StoreError> {
    client.batch_execute(migrate::CREATE_TABLE).map_err(db)?;
    for m in migrations {
        let fail = |e: postgres::Error| StoreError::Migration {
            version: m.version,
            message: e.to_string(),
        };
        let version = i32::try_from(m.version).unwrap_or(i32::MAX);
        let mut tx = client.transaction().map_err(fail)?;
        // Two servers starting at once: the second waits here for the first's schema.
        tx.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE", &[])
            .map_err(fail)?;
        let done = tx
            .query_opt(
                "SELECT version FROM schema_migrations WHERE version = $1",
                &[&version],
            )
            .map_err(fail)?;
        if done.is_none() {
            tx.batch_execute(m.sql).map_err(fail)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[&version, &time_text(Utc::now())],
            )
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

impl Store for PostgresStore {
    fn record(
        &self,
        ev: &Incoming<'_>,
        decide: &mut dyn FnMut(Option<&str>) -> Decision,
    ) -> Result<Option<Recorded>, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db)?;
        let source = ev.source.as_str();
        let now = time_text(ev.received_at);
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))",
            &[&source, &ev.subject],
        )
        .map_err(db)?;
        let claimed = tx
            .execute(
                "INSERT INTO events (event_key, source, subject, outcome, summary, first_received_at, last_received_at)
                 VALUES ($1, $2, $3, 'pending', $4, $5, $5) ON CONFLICT (event_key) DO NOTHING",
                &[&ev.key, &source, &ev.subject, &ev.summary, &now],
            )
            .map_err(db)?;
        if claimed == 0 {
            let row = tx
                .query_one(
                    "UPDATE events SET deliveries = deliveries + 1, last_received_at = $2
                     WHERE event_key = $1 RETURNING outcome, code, reason",
                    &[&ev.key, &now],
                )
                .map_err(db)?;
            let outcome = parse_outcome(row.get::<_, &str>(0))?;
            if !(outcome == Outcome::Rejected && ev.reconsider_rejected) {
                tx.commit().map_err(db)?;
                return Ok(Some(Recorded {
                    outcome,
                    repeat: true,
                    code: row.get(1),
                    reason: row.get(2),
                }));
            }
        }
        let state: Option<String> = tx
            .query_opt(
                "SELECT state FROM subjects WHERE source = $1 AND subject = $2",
                &[&source, &ev.subject],
            )
            .map_err(db)?
            .map(|r| r.get(0));
        let recorded = match decide(state.as_deref()) {
            Decision::Unknown => return Ok(None),
            Decision::Apply { state, change } => {
                tx.execute(
                    "INSERT INTO subjects (source, subject, state) VALUES ($1, $2, $3)
                     ON CONFLICT (source, subject) DO UPDATE SET state = excluded.state",
                    &[&source, &ev.subject, &state],
                )
                .map_err(db)?;
                tx.execute(
                    "INSERT INTO history (source, subject, event_key, event, from_state, to_state, occurred_at, received_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &source,
                        &ev.subject,
                        &ev.key,
                        &change.event,
                        &change.from,
                        &change.to,
                        &time_text(change.occurred_at),
                        &now,
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
            "UPDATE events SET outcome = $2, code = $3, reason = $4 WHERE event_key = $1",
            &[
                &ev.key,
                &recorded.outcome.as_str(),
                &recorded.code,
                &recorded.reason,
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
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(db)?;
        let upsert = tx
            .prepare(
                "INSERT INTO parcels (parcel_id, barcode, details, imported_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (parcel_id) DO UPDATE SET barcode = excluded.barcode, details = excluded.details",
            )
            .map_err(db)?;
        let state = tx
            .prepare(
                "INSERT INTO subjects (source, subject, state) VALUES ('tastamat', $1, $2)
                 ON CONFLICT (source, subject) DO NOTHING",
            )
            .map_err(db)?;
        let mut new = 0;
        let at = time_text(at);
        for p in parcels {
            tx.execute(&upsert, &[&p.parcel_id, &p.barcode, &p.details, &at])
                .map_err(db)?;
            new += tx
                .execute(&state, &[&p.parcel_id, &p.initial_state])
                .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(usize::try_from(new).unwrap_or(usize::MAX))
    }

    fn parcel(&self, key: ParcelKey<'_>) -> Result<Option<StoredParcel>, StoreError> {
        let (sql, value) = match key {
            ParcelKey::Id(v) => ("p.parcel_id = $1", v),
            ParcelKey::Barcode(v) => ("p.barcode = $1", v),
        };
        let row = self
            .client()?
            .query_opt(
                &format!(
                    "SELECT p.parcel_id, p.details, s.state FROM parcels p
                     LEFT JOIN subjects s ON s.source = 'tastamat' AND s.subject = p.parcel_id
                     WHERE {sql}"
                ),
                &[&value],
            )
            .map_err(db)?;
        Ok(row.map(|r| StoredParcel {
            parcel_id: r.get(0),
            details: r.get(1),
            state: r.get(2),
        }))
    }

    fn history(&self, subject: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = self
            .client()?
            .query(
                "SELECT seq, source, event, from_state, to_state, occurred_at, received_at
                 FROM history WHERE subject = $1 ORDER BY seq",
                &[&subject],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(HistoryEntry {
                    seq: r.get(0),
                    source: parse_source(r.get(1))?,
                    event: r.get(2),
                    from: r.get(3),
                    to: r.get(4),
                    occurred_at: parse_time(r.get(5))?,
                    received_at: parse_time(r.get(6))?,
                })
            })
            .collect()
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        let not_writable = |e: postgres::Error| StoreError::NotWritable(e.to_string());
        let mut client = self
            .client()
            .map_err(|e| StoreError::NotWritable(e.to_string()))?;
        let mut tx = client.transaction().map_err(not_writable)?;
        tx.execute(
            "INSERT INTO probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
            &[&time_text(Utc::now())],
        )
        .map_err(not_writable)?;
        tx.commit().map_err(not_writable)
    }

    fn event_counts(&self) -> Result<EventCounts, StoreError> {
        let rows = self
            .client()?
            .query(
                "SELECT outcome, COUNT(*), SUM(deliveries)::BIGINT FROM events GROUP BY outcome",
                &[],
            )
            .map_err(db)?;
        let mut counts = EventCounts::default();
        for r in rows {
            counts.add(r.get(0), r.get(1), r.get(2))?;
        }
        Ok(counts)
    }
}
