//! Thin typed clients of the carriers' live APIs: Aplix (SOAP 1.1), InPost ShipX (JSON),
//! Fastriver (JSON:API with expiring tokens) and Taxomet (GET with the password in the
//! query string).
//!
//! **The engine decides; the adapters talk.** Every carrier rule — InPost's weekend
//! window and target points, Aplix's order and registry validations, Fastriver's request
//! validations, Taxomet's parameter checks — lives in `courier-rules` and is called here
//! *before* anything is sent; a refusal comes back as [`Error::LocalRefusal`] without a
//! call. What the adapters add is the wire: requests in the carrier's own shape, answers
//! and error habits (errors inside a 200, empty error bodies, SOAP faults, asynchronous
//! failures) turned into one [`Error`] with a machine-readable [`Error::code`].
//!
//! **The key design decision: one transport, retries only where repeating is safe.**
//! [`transport::Transport`] holds timeouts, the retry policy (jittered exponential
//! backoff on timeouts, failed connections, 429 and 502-504) and the secrets to scrub.
//! A call is retried only when it is declared safe to repeat: a second `PushOrder` or a
//! second ShipX shipment creation could create a second order, so they are sent once.
//! Secrets are [`Secret`]s (`***` in `Debug`, `Display` and serde) and are scrubbed from
//! every error text; logs carry one span per call with the operation, status, attempts
//! and latency, never a header, a body or a query string.
//!
//! ```no_run
//! # async fn demo() -> Result<(), courier_adapters::Error> {
//! use courier_adapters::config::{load_toml, secret_from_env};
//! use courier_adapters::taxomet::{TaxometClient, TaxometConfig};
//! use courier_rules::taxomet::Call;
//!
//! let config: TaxometConfig = load_toml("data/adapters/taxomet.toml".as_ref())?;
//! let client = TaxometClient::new(&config, secret_from_env(&config.password_env)?)?;
//! let reply = client.call(Call::GetOrder { id: 10 }).await?;
//! println!("order {:?}: {:?}", reply.order_id, reply.extra.get("status"));
//! # Ok(()) }
//! ```
//!
//! Modules: [`aplix`], [`inpost`], [`fastriver`], [`taxomet`] — one client each;
//! [`transport`], [`secret`], [`error`], [`config`] — what they share. The map from
//! each seed operation to its function is `docs/adapters.md`.

pub mod aplix;
pub mod config;
pub mod error;
pub mod fastriver;
pub mod inpost;
pub mod operator;
mod rules_api;
pub mod secret;
pub mod taxomet;
pub mod transport;
mod xml;

pub use error::{Error, FieldIssue};
pub use secret::{redact, Secret};
