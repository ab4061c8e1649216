//! Tariffs as data: what a carrier charges, per delivery method, in a TOML file a person
//! can read and edit (`data/tariffs/*.toml`; format documented in `docs/pricing.md`).
//!
//! A tariff holds, per carrier and delivery method: the currency; zones resolved from
//! the postal index (prefix or range) or the region; the rate by zone and weight step
//! (or by locker cell), with volumetric weight where the method uses it; delivery days
//! by zone; limits ([`MethodLimits`](crate::limits::MethodLimits)); insurance;
//! cash-on-delivery fee; surcharges (fuel, notification, weekend); the packaging and
//! marking prices with the box catalogue; pick-up points or post offices; VAT rates with
//! their effective dates.
//!
//! [`Tariff::from_toml_str`] parses and validates a tariff and reports **every** semantic
//! problem at once, each with the line, the key and a message. (A TOML *syntax* or type
//! error stops the parser, so it is reported alone, with its line.) This crate does no
//! I/O: the caller reads the file and prefixes the file name.
//!
//! The engine compiles a validated tariff into an evaluation form
//! (`courier_engine::pricing::CompiledTariff`); nothing here is on the hot path.
//!
//! ```
//! use courier_rules::tariff::Tariff;
//! let t = Tariff::from_toml_str(r#"
//! [tariff]
//! id = "demo"
//! carrier = "demo"
//! name = "Demo"
//! currency = "RUB"
//!
//! [[zoning]]
//! id = "post"
//! [[zoning.rule]]
//! zone = "1"
//! prefix = ["10"]
//!
//! [[method]]
//! type_id = 1
//! code = "parcel"
//! name = "Parcel"
//! zoning = "post"
//! base_weight_g = 500
//! step_g = 500
//! [[method.rate]]
//! zone = "1"
//! base = "250.00"
//! per_step = "30.00"
//! days_min = 2
//! days_max = 4
//! "#).unwrap();
//! assert_eq!(t.methods[0].get_ref().code, "parcel");
//!
//! // Problems name the line and the key:
//! let err = Tariff::from_toml_str("[tariff]\nid = \"x\"\ncarrier = \"x\"\nname = \"x\"\ncurrency = \"rub\"\n").unwrap_err();
//! assert!(err.to_string().contains("tariff.currency"), "{err}");
//! ```

//!
//! Files: [`schema`] holds the file's shape (the serde types), [`validate`] the semantic
//! checks run by [`Tariff::from_toml_str`], [`error`] the problems they report.

pub mod error;
pub mod schema;
pub mod validate;

pub(crate) use error::line_of;
pub use error::{Problem, TariffError};
pub use schema::*;
pub use validate::{MAX_MINOR_UNITS, MAX_MONEY, MAX_PERCENT};
