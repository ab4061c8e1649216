//! Fastriver (seed 001): the courier partner API's rules, in-process.
//!
//! Fastriver validates a delivery request only after it is sent and answers with
//! `validation_errors` (field → list of messages). A service that embeds these rules
//! learns every problem at once, before sending, in the same shape:
//!
//! - [`request`]: the delivery request and its validation ([`validate_request`]);
//! - [`documents`]: the client's identity documents in a request, and their checks;
//! - [`config`]: what is configured per partner (enabled cities and products, the
//!   cities' time zones, same-day cut-offs and slots), loadable from TOML;
//! - [`interval`]: time intervals (minutes from midnight ↔ `HH:MM-HH:MM`) and `check_days`;
//! - [`inn`]: the INN (taxpayer number) check digits;
//! - [`lifecycle`]: request and delivery statuses as one state machine, the partner's
//!   operations with the HTTP status refusing them, and the callback events;
//! - [`payable`]: which deliveries Fastriver may bill;
//!
//! Errors are [`crate::field::FieldError`]s; personal data is masked with [`crate::mask`].
//!
//! Everything here is pure: time is passed in as an instant in UTC.

pub mod config;
pub mod documents;
pub mod inn;
pub mod interval;
pub mod lifecycle;
pub mod payable;
pub mod request;

pub use config::{CityConfig, ConfigError, PartnerConfig};
pub use interval::{CheckDays, TimeInterval};
pub use lifecycle::{
    DeliveryStatus, Event, Lifecycle, Operation, OperationRefusal, RequestStatus, Step,
};
pub use payable::{Payability, PayabilityConfig};
pub use request::{validate_request, DeliveryRequest, ValidationErrors};
