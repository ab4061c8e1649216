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
    /// Length of one unit, metres.
    pub length: Decimal,
    /// Width of one unit, metres.
    pub width: Decimal,
    /// Height of one unit, metres.
    pub height: Decimal,
    /// Weight of one unit.
    pub weight: Decimal,
    /// Number of identical units.
    pub qty: u32,
}

/// `CheckDimenshions(Dimensions[] DimensionsList, …)` (the seed spells the method
/// `CheckDimenshions` in its signature, `CheckDimensions` in the text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDimensionsRequest {
    /// The goods lines; the seed's `Dimensions` is read as an alias.
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
    /// Second side of the parcel after packing, metres.
    pub width: f64,
    /// Third (shortest) side of the parcel after packing, metres.
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
    /// `OrderNumber`: when given, the calculation is bound to that order; left out of
    /// the body when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// `DeclaredCost`: declared value in roubles, the amount insured.
    pub declared_cost: Decimal,
    /// `Goods`: the lines to pack, with sides in metres and weight in kilograms.
    pub goods: Vec<Goods>,
    /// `Address`: the recipient's address; the index and region select the zone.
    pub address: OrderAddress,
    /// `TypeOfSeal`: 1 none, 2 bubble wrap, 3 filler.
    pub type_of_seal: u8,
    /// `SturdyPackaging`: whether rigid packaging is required; `false` when absent.
    #[serde(default)]
    pub sturdy_packaging: bool,
    /// `CashOnDelivery`: whether cash on delivery is required; `false` when absent.
    #[serde(default)]
    pub cash_on_delivery: bool,
}

/// One `DeliveryType` of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryType {
    /// `TypeId`: the delivery method's id (the tariff method's `type_id`), to pass to
    /// GetDetailsOfCost.
    pub type_id: u32,
    /// `TypeName`: the method's name.
    pub type_name: String,
    /// `TypeDescription`: the method's description.
    pub type_description: String,
    /// `Cost`: the total, `PostalRate + Insurance + PreparingCost`, exact decimal in the tariff
    /// currency.
    pub cost: Decimal,
    /// `Insurance`: the premium on the declared value; `0` when nothing is insured.
    pub insurance: Decimal,
    /// `PostalRate`: the carrier's rate for the parcel plus its surcharges (fuel, notification).
    pub postal_rate: Decimal,
    /// `PreparingCost`: packaging and marking (box, seal, label, handling); `0` when the method
    /// charges none.
    pub preparing_cost: Decimal,
    /// The post office or pick-up point's address, where the method has one.
    pub address: String,
    /// `Worktime`: opening hours of the post office or pick-up point; empty when the method has
    /// none.
    pub worktime: String,
    /// `MinPeriod`: fewest delivery days.
    pub min_period: u32,
    /// `MaxPeriod`: most delivery days.
    pub max_period: u32,
    /// `AdditionalInformation`: further notes on the method; empty when there are none.
    pub additional_information: String,
}

/// The answer: the calculation id (the method's return value), `Types[]` and `Comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CalculateShippingCostResponse {
    /// `CalculationId`: the id to pass to GetDetailsOfCost (16 hex digits from the engine).
    pub calculation_id: String,
    /// `Types`: the delivery methods available for this parcel and address.
    pub types: Vec<DeliveryType>,
    /// The calculation's exceptions: the quote's comments, then each refused method as
    /// `TypeName: reasons`, joined by `; `.
    pub comments: String,
}
