//! placeholder
pub mod error;
pub mod inpost;
mod rules_api;
pub mod secret;
pub mod transport;
pub use error::{Error, FieldIssue};
pub use secret::{redact, Secret};
