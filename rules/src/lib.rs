//! Carrier rules as data, for the courier engine.
//!
//! This crate is the bottom of the workspace (`rules → engine → batch / adapters → cli`):
//! it holds what an analyst or an integrator may change — delivery-method limits, box
//! catalogues, tariffs — and the carriers' own rules (InPost's weekend add-on, Fastriver,
//! Tastamat, Taxomet and Aplix validations and lifecycles). Everything here is pure: no
//! I/O, no clock (time is always passed in), no global state. Files are parsed from
//! strings the caller has read.

pub mod calendar;
pub mod catalogue;
pub mod encoding;
pub mod field;
pub mod limits;
pub mod mask;
pub mod payload;
pub mod postal;

pub mod aplix;
pub mod fastriver;
pub mod inpost;
pub mod tariff;
pub mod tastamat;
pub mod taxomet;
