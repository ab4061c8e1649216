//! Carrier rules as data, for the courier engine.
//!
//! This crate is the bottom of the workspace (`rules → engine → batch / adapters → cli`):
//! it holds what an analyst or an integrator may change — delivery-method limits, box
//! catalogues, tariffs — and the carriers' own rules (InPost's weekend add-on, Fastriver,
//! Tastamat, Taxomet and Aplix validations and lifecycles).
//!
//! **Design decision: rules are pure functions of data and a passed-in instant.** No
//! I/O, no clock, no global state: files are parsed from strings the caller has read,
//! and every rule that depends on time takes the instant as an argument. So the engine,
//! the batch reconciliation, the adapters and the inbound services all ask the same
//! function the same question and get the same answer — a rule is written once, here —
//! and a decision can be replayed for any past instant (a nightly reconciliation of
//! last week's weekend fees asks what the window said *then*).
//!
//! ```
//! use courier_rules::inpost::{check, PointType, Preset, TargetPoint, WeekendRefusal, WeekendShipment};
//!
//! // InPost's weekend add-on, ordered on a Tuesday: outside the seed's ordering window.
//! let window = Preset::Seed.window().expect("the seed preset is valid");
//! let shipment = WeekendShipment {
//!     service: "inpost_locker_standard".into(),
//!     allegro: false,
//!     end_of_week_collection: true,
//!     ordered_at: "2026-11-24T10:00:00Z".parse().unwrap(),
//!     target_point: TargetPoint {
//!         name: "KRA010".into(),
//!         point_type: PointType::ParcelLocker,
//!         location_247: true,
//!     },
//! };
//! let refusals: Vec<_> = check(&window, &shipment).iter().collect();
//! assert_eq!(refusals, [WeekendRefusal::OutsideWindow]);
//! // The same shipment ordered at the window's next opening is accepted.
//! let next = window.schedule(shipment.ordered_at).expect("the window opens every week");
//! let later = WeekendShipment { ordered_at: next.opens_at, ..shipment };
//! assert!(check(&window, &later).is_empty());
//! ```

pub mod calendar;
pub mod catalogue;
pub mod config_error;
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
