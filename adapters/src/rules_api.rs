//! Every item this crate takes from `courier-rules`, in one place.
//!
//! The adapters never re-implement a carrier rule: they call these before sending. The
//! rules crate is being reshaped (one shared field-error type, renamed modules); keeping
//! the imports here makes that a change to this file only.

/// Public: callers of the Aplix client build these (re-exported by `crate::aplix`).
pub use courier_rules::aplix::shapes::{
    CalculateShippingCostRequest, CheckDimensionsRequest, Dimensions,
};
pub(crate) use courier_rules::aplix::{
    parse_datetime as aplix_datetime, validate_order, validate_registry, AplixConfig as AplixRules,
    KnownOrders, PushOrder, PushReestr, TrackBook, TrackIncrement, TrackNumber,
};
pub(crate) use courier_rules::fastriver::{
    validate_request as validate_fastriver_request, DeliveryRequest as FastriverRequest,
    PartnerConfig,
};
pub(crate) use courier_rules::inpost::eligibility::weekend_points;
pub(crate) use courier_rules::inpost::{
    check as check_weekend, EndOfWeekCollectionFilter, PointType, Preset, TargetPoint,
    WeekendRefusal, WeekendShipment, Window, ADD_ON_SERVICE,
};
pub(crate) use courier_rules::mask;
pub(crate) use courier_rules::taxomet::{
    parse_reply as parse_taxomet_reply, Call as TaxometCall, Password as TaxometPassword,
    Reply as TaxometReply, ReplyError as TaxometReplyError, Request as TaxometRequest,
};
