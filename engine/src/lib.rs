//! The courier engine: deterministic parcel packing and pricing, embedded in-process.
//!
//! **Purpose.** A checkout, warehouse or reconciliation service asks two questions of
//! every basket: *what parcel will these goods make, and which delivery methods take
//! it?* (Aplix `CheckDimensions`) and *what does each method cost?* (Aplix
//! `CalculateShippingCost` / `GetDetailsOfCost`, InPost's ShipX price calculation). This
//! crate answers both, from carrier rules held as data in [`rules`] (`courier-rules`).
//!
//! **The design decision.** The engine is pure and deterministic: no I/O (the caller
//! reads files and passes text), no clock (dates are arguments), no global state, no
//! hash-map order in any output, and search effort limited by a *work budget* counted in
//! steps ([`packing::PackOptions`]), not milliseconds — so the same inputs give
//! byte-identical answers on every machine, under any load and thread count, and a
//! service can cache or re-derive any answer. Lengths are whole millimetres, weights
//! whole grams, money exact [`Decimal`]s rounded once per component.
//!
//! # From goods to a priced quote
//!
//! ```
//! use courier_engine::pricing::{CompiledTariff, QuoteRequest};
//!
//! // A tariff is data: compile it once, quote many times.
//! let tariff = CompiledTariff::from_toml_str(include_str!("../../data/tariffs/aplix.toml"))
//!     .expect("the sample tariff is valid");
//! // The request as a service receives it (integer mm and g, exact decimal money).
//! let request: QuoteRequest = serde_json::from_str(r#"{
//!     "declared_value": "1000.00",
//!     "goods": [{"length_mm": 240, "width_mm": 170, "height_mm": 30, "weight_g": 520, "qty": 2}],
//!     "address": {"index": "125009", "region": "Москва"},
//!     "type_of_seal": 1
//! }"#).unwrap();
//! let quote = tariff.quote(&request).expect("the goods pack and the address is served");
//! // The parcel the goods made, and a price for every method that takes it.
//! assert!(quote.parcel.is_some());
//! assert!(!quote.options.is_empty());
//! for option in &quote.options {
//!     assert_eq!(option.cost, option.postal_rate + option.insurance + option.preparing_cost);
//! }
//! // Same request, same tariff: same calculation id, same bytes.
//! assert_eq!(tariff.quote(&request).unwrap().calculation_id, quote.calculation_id);
//! ```
//!
//! # Map of modules
//!
//! - [`packing`]: the smallest parcel for a basket ([`packing::pack`]), delivery-method
//!   limits ([`packing::check_methods`]), carton choice ([`packing::choose_carton`]), the
//!   three composed ([`packing::check_parcel`]), Aplix's `CheckDimensions` contract in
//!   metres and kilograms ([`packing::check_dimensions`]), and the split of goods across
//!   several cartons ([`packing::split_into_cartons`]).
//! - [`pricing`]: tariffs compiled for evaluation ([`pricing::CompiledTariff`]), the whole
//!   `CalculateShippingCost` ([`pricing::CompiledTariff::quote`]), `GetDetailsOfCost`
//!   ([`pricing::CompiledTariff::details`]), the ShipX calculation
//!   ([`pricing::CompiledTariff::shipx_calculate`]) and the rounding policy.
//! - [`aplix`]: Aplix's own request and answer shapes (seed 002 names, metres and
//!   kilograms rounded up to mm and g) for `CheckDimensions` and `CalculateShippingCost`.
//! - [`inputs`]: the goods (CSV or JSON) and carton-catalogue (CSV) parsers, text in,
//!   values out, so every front end (CLI, batch, server, fuzz harness) reads them alike.
//! - [`rules`]: the carrier rules this engine evaluates (limits, catalogues, tariffs,
//!   InPost's add-on, carrier validations).

// Geometry indexes the three axes of several arrays at once; an index loop says it best.
#![allow(clippy::needless_range_loop)]

pub mod aplix;
pub mod inputs;
pub mod packing;
pub mod pricing;

/// The carrier rules this engine evaluates (limits, catalogues, tariffs, InPost, ...).
pub use courier_rules as rules;

/// A box's sides, sorted longest first and non-zero, as parcels, cartons and verdicts
/// hold them (re-exported from [`rules`]).
pub use courier_rules::{Sides, SidesError};

/// Exact decimal money, as every price and declared value in the API holds it
/// (re-exported so a caller needs no direct `rust_decimal` dependency of a matching version).
pub use rust_decimal::Decimal;

/// The calendar date of a shipment (VAT rate in effect), as [`pricing::QuoteRequest`] holds it.
pub use chrono::NaiveDate;
