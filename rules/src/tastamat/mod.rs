//! Tastamat (seed 000): parcel lockers in Kazakhstan, and the two services the partner
//! (us) must provide to Tastamat's courier app: **parcel details** (the locker's postal
//! index or the recipient's address, the mobile phone for the SMS, the cost) and **status
//! saving** (each status change of a parcel, received idempotently and in order).
//!
//! - [`lifecycle`]: the parcel's statuses and legal transitions, the storage period and
//!   which parcels the courier must withdraw at an instant;
//! - [`payload`]: the two services' payloads and their validation;
//! - [`config`]: storage period and the SMS link, as data;
//! - [`phone`]: the Kazakh mobile operator codes the SMS may go to, as data.

pub mod config;
pub mod lifecycle;
pub mod payload;
pub mod phone;

pub use config::TastamatConfig;
pub use lifecycle::{must_withdraw, OpenCode, Parcel, ParcelStatus, UpdateError, UpdateOutcome};
pub use payload::{CellSize, ParcelDetails, Payload, StatusUpdate};
pub use phone::{MobilePrefixes, PrefixError};
