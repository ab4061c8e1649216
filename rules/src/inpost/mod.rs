//! InPost's weekend delivery add-on (`end_of_week_collection`, apiv2
//! `endOfWeekCollection`; seed 003, "Dostawy Weekendowe").
//!
//! A shop must offer the add-on only when InPost will accept it, and finance must know,
//! parcel by parcel, whether the fee is owed, refunded or left off the invoice. Both
//! questions hinge on local time in Warsaw across daylight-saving changes.
//!
//! * [`window`] — the weekly ordering window (configuration, two presets), with the next
//!   opening and closing instants;
//! * [`holidays`] — the Polish public-holiday calendar the window may exclude;
//! * [`eligibility`] — the refusals InPost returns, in both API dialects (ShipX, apiv2),
//!   and the 24/7 parcel-locker filter over points;
//! * [`refund`] — whether the fee is owed, refunded (prepaid) or left off the invoice
//!   (postpaid), with the reason;
//! * [`filter`] — the shipment search filter `end_of_week_collection`;
//! * [`shipx`] — the seed's ShipX shipment body as input to the check, with the target
//!   point looked up in a points list.
//!
//! Everything is pure: instants are passed in (UTC), nothing reads the clock, and the
//! decision functions do not allocate.

pub mod eligibility;
pub mod filter;
pub mod holidays;
pub mod localtime;
pub mod refund;
pub mod shipx;
pub mod window;

pub use eligibility::{
    check, PointType, Refusals, TargetPoint, WeekendRefusal, WeekendShipment, ADD_ON_SERVICE,
};
pub use filter::{EndOfWeekCollectionFilter, FilterError};
pub use refund::{
    ClientType, DispatchEvent, DispatchKind, HistoryError, ParcelHistory, PolicyError,
    RefundDecision, RefundPolicy,
};
pub use window::{Opening, Preset, WeekTime, WeekTimeError, Window, WindowError};
