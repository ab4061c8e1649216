//! The durable store behind the services, as a small trait with two backends.
//!
//! The key decision: **the rules decide, the store serialises**. [`Store::record`] opens
//! one transaction per incoming event, claims the event's identity with a unique key
//! (`INSERT … ON CONFLICT DO NOTHING`: two deliveries of one event can never both
//! pass, whatever their timing), reads the subject's current state, hands it to the
//! caller's `decide` closure (where the carrier's lifecycle rule runs) and writes what
//! it decided — new state, one history row, the event's outcome — before committing.
//! The caller answers HTTP only after `record` returns, so a 200 always follows a commit.
//! (The SQLite store shares one commit among the writes queued meanwhile — group commit,
//! [`group_commit`] — and still returns each only once that commit is made.)
//!
//! The store knows nothing about carriers: states, details and summaries are JSON text
//! that the service modules produce with the rules crate's types. This keeps both
//! backends (SQLite embedded, PostgreSQL) free of lifecycle logic and identical in
//! behaviour; one test suite (`tests/common/`) runs against both.

use chrono::{DateTime, Utc};
use serde::Serialize;

pub mod group_commit;
mod migrate;
pub mod postgres;
pub mod sqlite;

use std::num::NonZeroUsize;

pub use self::group_commit::{BatchStats, DEFAULT_MAX_BATCH};
pub use self::postgres::{PostgresStore, DEFAULT_CONNECTIONS};
pub use self::sqlite::{SqliteOptions, SqliteStore, Synchronous};

/// Who sent an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Tastamat,
    Fastriver,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Tastamat => "tastamat",
            Source::Fastriver => "fastriver",
        }
    }

    fn parse(s: &str) -> Option<Source> {
        match s {
            "tastamat" => Some(Source::Tastamat),
            "fastriver" => Some(Source::Fastriver),
            _ => None,
        }
    }
}

/// An event as received, before the rules have looked at it.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub source: Source,
    /// The parcel (or delivery request) the event is about.
    pub subject: &'a str,
    /// The event's identity: a retry of the same event has the same key.
    pub key: &'a str,
    /// What the event said, as JSON for support (no secrets: the caller masks them).
    pub summary: &'a str,
    pub received_at: DateTime<Utc>,
    /// Whether an event stored as rejected is judged again when it comes back. Tastamat
    /// retries a refused status until it fits (a skipped step arrived since); Fastriver
    /// is told to stop retrying a rejected event, so its repeat gets the same answer.
    pub reconsider_rejected: bool,
}

/// One applied state change, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The event or status name that caused it.
    pub event: String,
    pub from: String,
    pub to: String,
    /// When the change happened, by the sender's clock.
    pub occurred_at: DateTime<Utc>,
}

/// What the rules decided about an event, given the subject's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The subject is unknown and the event cannot create it: nothing is stored.
    Unknown,
    /// The event changes the state: `state` is the new state's JSON.
    Apply { state: String, change: Change },
    /// Acknowledged without a change (a duplicate status, a stale event).
    Keep(Outcome),
    /// The lifecycle forbids the event: stored as rejected with the rule's code.
    Reject { code: String, reason: String },
}

/// What became of an event, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    Duplicate,
    Stale,
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
            Outcome::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Option<Outcome> {
        match s {
            "applied" => Some(Outcome::Applied),
            "duplicate" => Some(Outcome::Duplicate),
            "stale" => Some(Outcome::Stale),
            "rejected" => Some(Outcome::Rejected),
            _ => None,
        }
    }
}

/// The committed result of [`Store::record`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub outcome: Outcome,
    /// The event had been received before (a retry): this delivery changed nothing.
    pub repeat: bool,
    /// For a rejected event: the rule's code and message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One applied state change of a subject, oldest first in [`Store::history`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Position in the store's single order of changes.
    pub seq: i64,
    pub source: Source,
    pub event: String,
    pub from: String,
    pub to: String,
    pub occurred_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
}

/// A parcel to load into the details service. Its `Debug` masks the phones and
/// e-mails of the details ([`courier_rules::mask::line`]).
#[derive(Clone, PartialEq, Eq)]
pub struct NewParcel {
    pub parcel_id: String,
    pub barcode: Option<String>,
    /// The details' JSON, as the details service returns them.
    pub details: String,
    /// The Tastamat lifecycle state a new parcel starts in (JSON). A parcel loaded again
    /// gets its details replaced and keeps its state.
    pub initial_state: String,
}

/// How a parcel is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParcelKey<'a> {
    Id(&'a str),
    Barcode(&'a str),
}

/// A stored parcel: its details and its Tastamat state, both JSON. Its `Debug` masks
/// the phones and e-mails of the details.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredParcel {
    pub parcel_id: String,
    pub details: String,
    pub state: Option<String>,
}

impl std::fmt::Debug for NewParcel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewParcel")
            .field("parcel_id", &self.parcel_id)
            .field("barcode", &self.barcode)
            .field("details", &courier_rules::mask::line(&self.details))
            .field("initial_state", &self.initial_state)
            .finish()
    }
}

impl std::fmt::Debug for StoredParcel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredParcel")
            .field("parcel_id", &self.parcel_id)
            .field("details", &courier_rules::mask::line(&self.details))
            .field("state", &self.state)
            .finish()
    }
}

/// A store failure. Messages never carry a connection string or a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("store: cannot open {what}: {message}")]
    Open { what: String, message: String },
    #[error("store: migration {version} failed: {message}")]
    Migration { version: u32, message: String },
    #[error("store: database error: {0}")]
    Database(String),
    #[error("store: stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("store: the store is not writable: {0}")]
    NotWritable(String),
}

impl StoreError {
    /// A machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "store_open",
            StoreError::Migration { .. } => "store_migration",
            StoreError::Database(_) => "store_database",
            StoreError::Corrupt(_) => "store_corrupt",
            StoreError::NotWritable(_) => "store_not_writable",
        }
    }
}

/// The durable store. Methods block (both drivers are synchronous): the HTTP layer calls
/// them on tokio's blocking pool.
pub trait Store: Send + Sync + 'static {
    /// Records one event in one transaction (see the module's flow). `decide` gets the
    /// subject's current state (`None` when it has none yet) and may be called again if
    /// the transaction is retried. `Ok(None)`: the subject is unknown, nothing stored.
    fn record(
        &self,
        incoming: &Incoming<'_>,
        decide: &mut dyn FnMut(Option<&str>) -> Decision,
    ) -> Result<Option<Recorded>, StoreError>;

    /// Loads parcels in one transaction; returns how many were new.
    fn import_parcels(&self, parcels: &[NewParcel], at: DateTime<Utc>)
        -> Result<usize, StoreError>;

    fn parcel(&self, key: ParcelKey<'_>) -> Result<Option<StoredParcel>, StoreError>;

    /// Every applied change of the subject, oldest first.
    fn history(&self, subject: &str) -> Result<Vec<HistoryEntry>, StoreError>;

    /// Ok when a write transaction can be taken and committed now.
    fn check_writable(&self) -> Result<(), StoreError>;

    /// How many events are stored with each outcome, and how many deliveries they had
    /// (for tests and support: a retry must not add a row).
    fn event_counts(&self) -> Result<EventCounts, StoreError>;
}

/// Totals over the stored events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EventCounts {
    pub applied: u64,
    pub duplicate: u64,
    pub stale: u64,
    pub rejected: u64,
    /// Deliveries received, retries included.
    pub deliveries: u64,
}

/// How a store is opened: the settings of both backends (each uses its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    pub sqlite: SqliteOptions,
    /// How many connections the PostgreSQL store keeps (`postgres_connections`).
    pub postgres_connections: NonZeroUsize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            sqlite: SqliteOptions::default(),
            postgres_connections: DEFAULT_CONNECTIONS,
        }
    }
}

/// Opens the store named in the configuration: a `postgres://` (or `postgresql://`) URL,
/// or a SQLite file path; migrations are applied. The other settings are their defaults
/// (enough for `courier import`; the server uses [`open_with`]).
pub fn open(location: &str, sync: Synchronous) -> Result<Box<dyn Store>, StoreError> {
    let mut options = StoreOptions::default();
    options.sqlite.synchronous = sync;
    open_with(location, &options)
}

/// As [`open`], with every setting.
pub fn open_with(location: &str, options: &StoreOptions) -> Result<Box<dyn Store>, StoreError> {
    match Location::of(location)? {
        Location::Postgres => Ok(Box::new(PostgresStore::connect_with(
            location,
            options.postgres_connections,
        )?)),
        Location::Sqlite => Ok(Box::new(SqliteStore::open_with(location, options.sqlite)?)),
    }
}

/// Which store a configured location names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Postgres,
    Sqlite,
}

impl Location {
    /// A `postgres://` or `postgresql://` URL, or else a SQLite file path. A location
    /// that is neither — another scheme (`POSTGRES://`, `postgresql+tls://`), a libpq
    /// `key=value` string — is refused rather than taken for a file name: that file
    /// would be created with the password in its name, and the open error would print
    /// it. The refusal never repeats the location.
    fn of(location: &str) -> Result<Location, StoreError> {
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            return Ok(Location::Postgres);
        }
        let refuse = |message: &str| StoreError::Open {
            what: "the configured store".into(),
            message: message.into(),
        };
        let lower = location.to_ascii_lowercase();
        // `postgres:/u:PW@h/db` is a URL mistyped, not a file to create.
        if location.contains("://")
            || lower.starts_with("postgres:")
            || lower.starts_with("postgresql:")
        {
            return Err(refuse(
                "a URL whose scheme is not postgres:// or postgresql:// (the location is not \
                 shown: it may hold a password); a SQLite store is a file path",
            ));
        }
        // libpq takes spaces around `=`: compared without them.
        let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        if ["host=", "password=", "dbname=", "user="]
            .iter()
            .any(|k| compact.contains(k))
        {
            return Err(refuse(
                "a key=value connection string (not shown: it may hold a password); write \
                 the PostgreSQL store as a postgres:// URL",
            ));
        }
        Ok(Location::Sqlite)
    }
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

fn parse_source(s: &str) -> Result<Source, StoreError> {
    Source::parse(s).ok_or_else(|| StoreError::Corrupt(format!("source {s:?}")))
}

fn parse_outcome(s: &str) -> Result<Outcome, StoreError> {
    Outcome::parse(s).ok_or_else(|| StoreError::Corrupt(format!("outcome {s:?}")))
}

/// A fresh (not repeated) verdict.
fn outcome_row(outcome: Outcome, code: Option<String>, reason: Option<String>) -> Recorded {
    Recorded {
        outcome,
        repeat: false,
        code,
        reason,
    }
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl EventCounts {
    fn add(&mut self, outcome: &str, n: i64, deliveries: i64) -> Result<(), StoreError> {
        let n = u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("count {n}")))?;
        match parse_outcome(outcome) {
            Ok(Outcome::Applied) => self.applied += n,
            Ok(Outcome::Duplicate) => self.duplicate += n,
            Ok(Outcome::Stale) => self.stale += n,
            Ok(Outcome::Rejected) => self.rejected += n,
            // A pending row is never committed (it is updated in the same transaction).
            Err(e) => return Err(e),
        }
        self.deliveries += u64::try_from(deliveries).unwrap_or(0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A review found `postgresql+tls://u:PGPASS@db/x` opened as a SQLite file named
    /// after the password, and `POSTGRES://…` printed in the open error.
    #[test]
    fn a_location_neither_postgres_nor_a_path_is_refused_without_repeating_it() {
        for location in [
            "postgresql+tls://u:PGPASS@db/x",
            "POSTGRES://u:PGPASS@db/x",
            "host=db user=u password=PGPASS dbname=x",
            "host = db user = u password = PGPASS",
            "postgres:/u:PGPASS@db/x",
        ] {
            let err = Location::of(location).unwrap_err();
            assert_eq!(err.code(), "store_open", "{location}");
            assert!(!err.to_string().contains("PGPASS"), "{err}");
        }
        assert_eq!(
            Location::of("postgres://u:p@db/x").unwrap(),
            Location::Postgres
        );
        assert_eq!(
            Location::of("postgresql://u:p@db/x").unwrap(),
            Location::Postgres
        );
        assert_eq!(
            Location::of("/var/lib/courier/store.db").unwrap(),
            Location::Sqlite
        );
        assert_eq!(Location::of(":memory:").unwrap(), Location::Sqlite);
    }
}
