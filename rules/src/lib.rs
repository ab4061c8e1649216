//! Carrier rules as data, for the courier engine.
//!
//! This crate is the bottom of the workspace (`rules → engine → batch / adapters → cli`):
//! it holds what an analyst or an integrator may change — delivery-method limits, box
//! catalogues, tariffs — and the carriers' own rules (InPost's weekend add-on, Fastriver,
//! Tastamat, Taxomet and Aplix validations and lifecycles). Everything here is pure: no
//! I/O, no clock (time is always passed in), no global state. Files are parsed from
//! strings the caller has read.

pub mod calendar;
pub mod catalogue;
pub mod encoding;
pub mod field;
pub mod limits;
pub mod mask;
pub mod payload;
pub mod postal;
pub mod sides;

pub mod aplix;
pub mod fastriver;
pub mod inpost;
pub mod tariff;
pub mod tastamat;
pub mod taxomet;

/// A box's three sides, sorted longest first and non-zero: what every size limit
/// compares (see [`sides`]).
pub use sides::{Sides, SidesError};

/// Exact decimal money, as every tariff and carrier amount holds it (re-exported so a
/// caller needs no direct `rust_decimal` dependency of a matching version).
pub use rust_decimal::Decimal;

/// Instants (always UTC in the API) and calendar dates, as the rules take them.
pub use chrono::{DateTime, NaiveDate, Utc};

/// IANA time zones (InPost's Warsaw, Fastriver's cities), as windows and policies hold them.
pub use chrono_tz::Tz;

/// A value with its byte span in the TOML text, as [`tariff::Tariff`]'s sections hold
/// them (the span gives the line of a problem).
pub use toml::Spanned;
