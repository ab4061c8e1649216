//! The courier engine: deterministic parcel packing and pricing, embedded in-process.
//!
//! No I/O, no clock, no global state, no hash-map order in any output: the same inputs
//! give byte-identical outputs on every machine and thread count. Lengths are whole
//! millimetres, weights whole grams, money exact decimals.

// Geometry indexes the three axes of several arrays at once; an index loop says it best.
#![allow(clippy::needless_range_loop)]

pub mod packing;
pub mod pricing;

/// The carrier rules this engine evaluates (limits, catalogues, tariffs, InPost, ...).
pub use courier_rules as rules;
