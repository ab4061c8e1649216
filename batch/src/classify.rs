//! The classes of the reconciliation, each with a stable name scripts read.

use serde::{Deserialize, Serialize};

/// The class of an invoice line, by priority (the first that applies wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineClass {
    /// No registry parcel of that carrier has this order id.
    NotShipped,
    /// The parcel was already billed by an earlier line.
    Duplicate,
    /// The tariff cannot price the registry parcel.
    Unpriced,
    /// Billed heavier than the registry weight (beyond the tolerance) and above the
    /// expected total.
    WeightDispute,
    /// A weekend fee billed that the InPost rule says is not owed.
    WeekendFeeNotOwed,
    /// Billed total above the expected total beyond the money tolerance.
    Overcharged,
    /// Billed total below the expected total beyond the money tolerance.
    Undercharged,
    /// As the contract says.
    Ok,
}

impl LineClass {
    /// Every class, in priority order.
    pub const ALL: [LineClass; 8] = [
        LineClass::NotShipped,
        LineClass::Duplicate,
        LineClass::Unpriced,
        LineClass::WeightDispute,
        LineClass::WeekendFeeNotOwed,
        LineClass::Overcharged,
        LineClass::Undercharged,
        LineClass::Ok,
    ];

    /// The name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            LineClass::NotShipped => "not_shipped",
            LineClass::Duplicate => "duplicate",
            LineClass::Unpriced => "unpriced",
            LineClass::WeightDispute => "weight_dispute",
            LineClass::WeekendFeeNotOwed => "weekend_fee_not_owed",
            LineClass::Overcharged => "overcharged",
            LineClass::Undercharged => "undercharged",
            LineClass::Ok => "ok",
        }
    }

    /// By name.
    pub fn from_name(s: &str) -> Option<LineClass> {
        LineClass::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Whether finance disputes the line with the carrier.
    pub fn is_dispute(self) -> bool {
        matches!(
            self,
            LineClass::NotShipped
                | LineClass::Duplicate
                | LineClass::WeightDispute
                | LineClass::WeekendFeeNotOwed
                | LineClass::Overcharged
        )
    }
}

/// The class of a registry parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParcelClass {
    Billed,
    /// Shipped and never billed: an accrual finance must book.
    NotBilled,
}

impl ParcelClass {
    pub fn name(self) -> &'static str {
        match self {
            ParcelClass::Billed => "billed",
            ParcelClass::NotBilled => "not_billed",
        }
    }
}

/// The class of a parcel with a refund due or received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefundClass {
    /// Due and received in full.
    DueReceived,
    /// Due and not (fully) received: a claim to file.
    DueMissing,
    /// Received although the rule says none is due.
    NotDueReceived,
}

impl RefundClass {
    pub fn name(self) -> &'static str {
        match self {
            RefundClass::DueReceived => "due_received",
            RefundClass::DueMissing => "due_missing",
            RefundClass::NotDueReceived => "not_due_received",
        }
    }
    pub const ALL: [RefundClass; 3] = [
        RefundClass::DueReceived,
        RefundClass::DueMissing,
        RefundClass::NotDueReceived,
    ];
}
