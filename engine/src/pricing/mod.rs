//! Shipping cost: tariffs compiled once, quoted many times (Aplix
//! `CalculateShippingCost` / `GetDetailsOfCost`, InPost ShipX price calculation).
//!
//! - [`CompiledTariff`] is a validated tariff file (`courier_rules::tariff`) in
//!   evaluation form. Quoting does no parsing and no I/O, and allocates only for the
//!   answer it builds.
//! - [`CompiledTariff::price_all`] / [`CompiledTariff::price_method`] price a prepared
//!   [`Parcel`] (outer sides, gross weight, goods volume, carton) for a [`Consignment`] to a
//!   [`Destination`] ([`CompiledTariff::destination`] for every method,
//!   [`CompiledTariff::destination_for`] for one): the hot path, no strings.
//! - [`CompiledTariff::quote`] is the whole `CalculateShippingCost`: pack the goods,
//!   choose the carton, price every method, explain refusals; [`CompiledTariff::details`]
//!   is `GetDetailsOfCost`.
//! - [`CompiledTariff::check_address`] refuses a malformed postal index (the tariff's
//!   `[address]` format) or an address no zone knows, before any method is priced.
//! - [`CompiledTariff::shipx_calculate`] answers the ShipX price calculation with the
//!   fields of seed 003.
//!
//! Rounding policy ([`round_money`]): every component (rate, fuel, notification, weekend,
//! COD fee, insurance, each packaging line) is computed exactly and rounded once, half-up,
//! to the currency's minor unit; every total is a sum of rounded components.

mod address;
mod compile;
mod consignment;
mod evaluate;
mod fingerprint;
mod money;
mod preparing;
mod quote;
mod refusal;
mod shipx;

pub use address::AddressError;
pub use compile::CompiledTariff;
pub use consignment::{Consignment, Destination, Parcel};
pub use evaluate::MethodPrice;
pub use fingerprint::Fnv64;
pub use money::round_money;
pub use preparing::{CostLine, Seal, SealError};
pub use quote::{
    Address, DeliveryOption, DetailsError, GoodsLine, ParcelInfo, Quote, QuoteError, QuoteRequest,
    RateComponents, RefusedMethod, Vat,
};
pub use refusal::MethodRefusal;
pub use shipx::{
    ShipxAddress, ShipxCalculation, ShipxCalculationRequest, ShipxDimensions, ShipxMoney,
    ShipxOutcome, ShipxParcel, ShipxPriceError, ShipxReceiver, ShipxShipment, ShipxWeight,
};
