//! Rejected rows: a malformed input row, with the file, the line and the field.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Which input a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Registry,
    Invoices,
    Tracking,
    Refunds,
}

impl InputKind {
    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Registry => "registry",
            InputKind::Invoices => "invoices",
            InputKind::Tracking => "tracking",
            InputKind::Refunds => "refunds",
        }
    }

    /// All kinds, in output order.
    pub const ALL: [InputKind; 4] = [
        InputKind::Registry,
        InputKind::Invoices,
        InputKind::Tracking,
        InputKind::Refunds,
    ];
}

/// One rejected row. `amount` is the row's money as far as it could be read (an invoice
/// line's `total`, a refund's `amount`), so the money identity can account for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub file: String,
    /// The line a text editor shows (header = 1); for Parquet the row number from 1.
    pub line: u64,
    pub input: InputKind,
    pub reason: String,
    /// `(currency as written, amount)` when both could be read.
    pub amount: Option<(String, Decimal)>,
}
