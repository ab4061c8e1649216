//! Aplix's own request and answer shapes (seed 002) for `CheckDimensions` and
//! `CalculateShippingCost`: the SOAP service's parameter names and units (metres,
//! kilograms, floats), as serde types. They are data only; the engine converts them
//! (`courier_engine::aplix`: metres and kilograms rounded up to whole mm and g) and the
//! adapters can send and read the same bodies.
//!
//! Names are the seed's (`DimensionsList`, `Length`, `Qty`, `OrderNumber`,
//! `DeclaredCost`, `Goods`, `Address{Index, …, Home, …}`, `TypeOfSeal`, `SturdyPackaging`,
//! `CashOnDelivery`; `Result`, `Comment`; `Types[]{TypeId, TypeName, TypeDescription, Cost,
//! Insurance, PostalRate, PreparingCost, Address, Worktime, MinPeriod, MaxPeriod,
//! AdditionalInformation}`, `Comments`). The seed's CalculateShippingCost returns the
//! calculation id as its unnamed return value (`Long`); here it is `CalculationId`, a
//! string (16 hex digits in the engine: a number that large does not survive JSON
//! readers that use doubles). Money in the answer is exact decimal (strings), never a
//! float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::order::{Goods, OrderAddress};

/// One `Dimensions` structure: a line of goods in metres and kilograms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Dimensions {
    pub length: Decimal,
    pub width: Decimal,
    pub height: Decimal,
    /// Weight of one unit.
    pub weight: Decimal,
    pub qty: u32,
}

/// `CheckDimenshions(Dimensions[] DimensionsList, …)` (the seed spells the method
/// `CheckDimenshions` in its signature, `CheckDimensions` in the text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDimensionsRequest {
    #[serde(rename = "DimensionsList", alias = "Dimensions")]
    pub dimensions_list: Vec<Dimensions>,
}

/// The answer: the method's Boolean as `Result`, and its out-parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckDimensionsResponse {
    /// Within the limits of at least one delivery method.
    pub result: bool,
    /// Parcel sides after optimal packing, metres, longest first.
    pub length: f64,
    pub width: f64,
    pub height: f64,
    /// Total weight of the goods without packaging, kilograms.
    pub weight: f64,
    /// Every limit exceeded, per method (empty when every method takes the parcel).
    pub comment: String,
}

/// `CalculateShippingCost(OrderNumber, DeclaredCost, Goods[], Address, TypeOfSeal,
/// SturdyPackaging, CashOnDelivery, …)`. `Goods` and `Address` are the same structures
/// as PushOrder's (`courier_rules::aplix`); goods need `Length`, `Width`, `Height`,
/// `Weight` (metres, kilograms) and `Qty`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CalculateShippingCostRequest {
    #[serde(default)]
    pub order_number: Option<String>,
    pub declared_cost: Decimal,
    pub goods: Vec<Goods>,
    pub address: OrderAddress,
    pub type_of_seal: u8,
    #[serde(default)]
    pub sturdy_packaging: bool,
    #[serde(default)]
    pub cash_on_delivery: bool,
}

/// One `DeliveryType` of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryType {
    pub type_id: u32,
    pub type_name: String,
    pub type_description: String,
    pub cost: Decimal,
    pub insurance: Decimal,
    pub postal_rate: Decimal,
    pub preparing_cost: Decimal,
    /// The post office or pick-up point's address, where the method has one.
    pub address: String,
    pub worktime: String,
    pub min_period: u32,
    pub max_period: u32,
    pub additional_information: String,
}

/// The answer: the calculation id (the method's return value), `Types[]` and `Comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CalculateShippingCostResponse {
    pub calculation_id: String,
    pub types: Vec<DeliveryType>,
    /// The calculation's exceptions: the quote's comments, then each refused method as
    /// `TypeName: reasons`, joined by `; `.
    pub comments: String,
}
