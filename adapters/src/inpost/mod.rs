//! InPost (seed 003): the ShipX JSON API ([`shipx`]) with the weekend add-on
//! `end_of_week_collection`, ShipX's error shape ([`shipx_error`]), and the older XML
//! API ([`apiv2`]: price list, `createdeliverypacks`).

pub mod apiv2;
pub mod shipx;
pub mod shipx_error;

pub use shipx::{
    Calculation, CalculationRequest, Money, NewShipment, Parcel, Point, PointsPage, PollPolicy,
    Receiver, SearchPage, ShipXClient, ShipXConfig, ShipmentState, Target,
};
