//! Which deliveries Fastriver may bill.
//!
//! "Оплачиваются все успешные встречи и переносы не по вине Fastriver" — every
//! successful meeting, and every moved (failed) meeting that was not Fastriver's fault,
//! e.g. errors found in the printed documents the partner supplied. Whose fault a failure
//! reason is, is a contract matter, so it is configuration: reasons on neither list are
//! [`Payability::Unknown`] and go to a person, never silently to "payable".

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::lifecycle::DeliveryStatus;

/// The failure reasons and events that make a failed delivery payable, and those that
/// are Fastriver's fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayabilityConfig {
    /// Not Fastriver's fault: the meeting took place or the agent travelled for nothing.
    #[serde(default)]
    pub payable_failure_reasons: BTreeSet<String>,
    /// Fastriver's fault: not payable.
    #[serde(default)]
    pub fastriver_fault_reasons: BTreeSet<String>,
}

impl Default for PayabilityConfig {
    /// The seed's examples: a meeting where the client declined, asked for new terms or
    /// where the partner's documents were wrong is payable; a move on the agent's
    /// initiative (`lose`, `no_time_for_meeting`) is not; a transfer arranged on the phone
    /// before the meeting (`transfer_before_meeting`) is not (the seed's example shows
    /// `payable: false` for it).
    fn default() -> Self {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        PayabilityConfig {
            payable_failure_reasons: set(&[
                "decline_on_meeting",
                "wants_new_terms",
                "error_documents",
                "forgot_documents",
            ]),
            fastriver_fault_reasons: set(&[
                "lose",
                "no_time_for_meeting",
                "transfer_before_meeting",
            ]),
        }
    }
}

/// Whether a delivery may be billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Payability {
    /// Billable: completed, or failed for a reason on `payable_failure_reasons` (the client's
    /// side).
    Payable,
    /// Not billable: not completed (pending, reserved, scheduled, cancelled), or failed for a
    /// reason on `fastriver_fault_reasons`.
    NotPayable,
    /// A failure whose reason is on neither list: a person decides.
    Unknown,
}

impl PayabilityConfig {
    /// The payability of a delivery in `status` that failed for `failure_reason` (a
    /// failure reason code or the event that failed it).
    ///
    /// ```
    /// use courier_rules::fastriver::{DeliveryStatus, Payability, PayabilityConfig};
    /// let cfg = PayabilityConfig::default();
    /// assert_eq!(cfg.payability(DeliveryStatus::Completed, None), Payability::Payable);
    /// assert_eq!(cfg.payability(DeliveryStatus::Failed, Some("error_documents")), Payability::Payable);
    /// assert_eq!(cfg.payability(DeliveryStatus::Failed, Some("lose")), Payability::NotPayable);
    /// assert_eq!(cfg.payability(DeliveryStatus::Failed, Some("unknown")), Payability::Unknown);
    /// assert_eq!(cfg.payability(DeliveryStatus::Canceled, None), Payability::NotPayable);
    /// ```
    pub fn payability(&self, status: DeliveryStatus, failure_reason: Option<&str>) -> Payability {
        match status {
            DeliveryStatus::Completed => Payability::Payable,
            DeliveryStatus::Failed => match failure_reason {
                Some(r) if self.payable_failure_reasons.contains(r) => Payability::Payable,
                Some(r) if self.fastriver_fault_reasons.contains(r) => Payability::NotPayable,
                _ => Payability::Unknown,
            },
            DeliveryStatus::Pending
            | DeliveryStatus::Reserved
            | DeliveryStatus::Scheduled
            | DeliveryStatus::Canceled => Payability::NotPayable,
        }
    }

    /// Whether Fastriver's own `payable` flag on a delivery disagrees with the rule, so
    /// that finance can dispute (or accept) the line. `Unknown` never disputes.
    pub fn disagrees(
        &self,
        status: DeliveryStatus,
        failure_reason: Option<&str>,
        billed_payable: bool,
    ) -> bool {
        match self.payability(status, failure_reason) {
            Payability::Payable => !billed_payable,
            Payability::NotPayable => billed_payable,
            Payability::Unknown => false,
        }
    }
}
