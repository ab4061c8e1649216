//! Aplix (seed 002): the 1C SOAP 1.1 web service `Delivery` — CheckDimensions,
//! CalculateShippingCost, GetDetailsOfCost, PushOrder, PushReestr, GetTrackNumbers.

pub mod client;
pub mod envelope;
pub mod watermark;

/// The request shapes are the rules crate's (seed 002's names and units), sent as they
/// are: one type per shape whether the engine answers it or Aplix does.
pub use crate::rules_api::{CalculateShippingCostRequest, CheckDimensionsRequest, Dimensions};
pub use client::{
    AplixClient, AplixClientConfig, CostLine, DeliveryOption, DimensionsCheck, Operations,
    ShippingCost,
};
pub use watermark::Watermark;
