//! Aplix (seed 002): the 1C SOAP 1.1 web service `Delivery` — CheckDimensions,
//! CalculateShippingCost, GetDetailsOfCost, PushOrder, PushReestr, GetTrackNumbers.

pub mod client;
pub mod envelope;
pub mod watermark;

pub use client::{
    AplixClient, AplixClientConfig, CostLine, DeliveryOption, Dimensions, DimensionsCheck,
    Operations, ShippingCost, ShippingCostRequest,
};
pub use watermark::Watermark;
