//! placeholder
pub mod aplix;
pub mod error;
pub mod fastriver;
pub mod inpost;
mod rules_api;
pub mod secret;
pub mod taxomet;
pub mod transport;
mod xml;
pub use error::{Error, FieldIssue};
pub use secret::{redact, Secret};
