//! `courier-server`: the inbound HTTP services two carriers call — Tastamat's partner
//! services (parcel details, status saving, signed with HMAC-SHA256) and Fastriver's
//! callback receiver — with the parcel history and health probes, over a durable store.
//!
//! Key design decision: **the rules crate decides, the store serialises, HTTP answers
//! after the commit.** Each incoming event is one store transaction that claims the
//! event's identity with a unique key (a retry cannot add a row or an effect, whatever
//! its timing), hands the subject's current state to the carrier's lifecycle rule from
//! `courier-rules`, and writes the verdict — new state and history row, or the event
//! stored as duplicate, stale or rejected. Only then is the response sent. The store is
//! a small trait ([`store::Store`]) with SQLite (embedded, WAL; concurrent events share
//! one commit — [`store::group_commit`] — each answered only after it) and PostgreSQL
//! (a fixed set of connections) backends.
//!
//! Modules: [`config`] (TOML + `COURIER_…` environment, secrets), [`signature`]
//! (HMAC), [`tastamat`] and [`fastriver`] (the services: the only places that use the
//! rules' lifecycles), [`http`] (router, errors, history, probes), [`store`],
//! [`import`] (loading parcels), [`logging`] (masked logs), [`serve`] (running).
//!
//! ```
//! use std::sync::Arc;
//! use courier_server::store::{Decision, Incoming, Outcome, SqliteStore, Source, Store, Synchronous};
//!
//! let store = SqliteStore::open(":memory:", Synchronous::Full).unwrap();
//! let event = Incoming {
//!     source: Source::Fastriver, subject: "R1", key: "e1", summary: "{}",
//!     received_at: chrono::Utc::now(), reconsider_rejected: false,
//! };
//! let first = store.record(&event, &mut |_| Decision::Keep(Outcome::Duplicate)).unwrap().unwrap();
//! let again = store.record(&event, &mut |_| unreachable!("a retry is not decided again")).unwrap().unwrap();
//! assert!(!first.repeat && again.repeat);
//! assert_eq!(store.event_counts().unwrap().deliveries, 2);
//! ```

pub mod config;
pub mod fastriver;
pub mod http;
pub mod import;
pub mod logging;
pub mod serve;
pub mod signature;
pub mod store;
pub mod tastamat;

pub use config::{ConfigError, Secret, ServerConfig};
pub use serve::{run, start, start_with, Running, ServeError};
