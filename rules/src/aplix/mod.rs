//! Aplix (seed 002): the fulfilment web service's order, registry and track-number rules.
//!
//! - [`order`]: `PushOrder` and its validation ([`validate_order`]);
//! - [`registry`]: `PushReestr` validated against the known orders ([`validate_registry`],
//!   [`RegistryBook`] across several registries);
//! - [`tracks`]: the `GetTrackNumbers` incremental feed merged into the current track
//!   number per order ([`TrackBook`]);
//! - [`config`]: delivery types, VAT rates and courier hours as data;
//! - [`shapes`]: the `CheckDimensions` and `CalculateShippingCost` request and answer
//!   bodies in the seed's names and units.
//!
//! Aplix is a SOAP service that answers a bad call with a fault; the seed defines no error
//! shape, so ours is a list of `{field, code, message}` with the seed's field names and a
//! path for nested ones (`Customer.Address.Index`, `Goods[1].Qty`).

pub mod config;
pub mod order;
pub mod registry;
pub mod shapes;
pub mod tracks;

pub use config::{AplixConfig, DeliveryType};
pub use order::{validate_order, Customer, Goods, OrderAddress, PushOrder};
pub use registry::{validate_registry, KnownOrder, KnownOrders, PushReestr, RegistryBook};
pub use tracks::{MergeReport, TrackBook, TrackIncrement, TrackNumber};

use crate::field::FieldError;

/// The report of an order or registry validation: `{"valid", "errors": [{field, code,
/// message}]}` (Aplix's SOAP faults carry no field list, so this shape is ours).
pub fn report_json(errs: &[FieldError]) -> serde_json::Value {
    serde_json::json!({ "valid": errs.is_empty(), "errors": errs })
}

/// An Aplix `DateTime`: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` (xsd:dateTime without zone;
/// Aplix works in Moscow time).
///
/// ```
/// use courier_rules::aplix::parse_datetime;
/// assert!(parse_datetime("2013-08-30").is_some());
/// assert!(parse_datetime("2013-08-30T12:30:00").is_some());
/// assert!(parse_datetime("30.08.2013").is_none());
/// ```
pub fn parse_datetime(s: &str) -> Option<chrono::NaiveDateTime> {
    let s = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0);
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
        .ok()
}
