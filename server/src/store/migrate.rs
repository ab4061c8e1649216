//! Versioned migrations: `server/migrations/<dialect>/NNNN_name.sql`, applied in order at
//! start, each in its own transaction with its version recorded in `schema_migrations`.

/// A migration: its version and its SQL.
pub(crate) struct Migration {
    pub version: u32,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("../../migrations/sqlite/0001_events.sql"),
}];

pub(crate) const POSTGRES: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("../../migrations/postgres/0001_events.sql"),
}];

pub(crate) const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";
