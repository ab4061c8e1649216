//! The one error type of every adapter.
//!
//! Callers branch on [`Error::code`] (stable, machine-readable) and show `Display`.
//! Every message is built from data the transport has already scrubbed of secrets
//! (see [`crate::redact`]); no variant carries a URL with its query string, a request
//! header or a raw `reqwest` error (whose text names the URL).

use serde::Serialize;

/// One problem with one field, as the carrier or the local rules report it. `field` is
/// a dotted path into the request (`custom_attributes.target_point`, `Goods[1].Qty`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldIssue {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

fn issues_text(issues: &[FieldIssue]) -> String {
    issues
        .iter()
        .map(|i| format!("{}: {}", i.field, i.code))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a call did not produce its typed result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The local rules refused the request; nothing was sent.
    #[error("{operation}: refused locally, not sent ({})", issues_text(.issues))]
    LocalRefusal {
        operation: String,
        issues: Vec<FieldIssue>,
    },
    /// The carrier refused the request (a 4xx with an error body, a 1C error inside a
    /// 200, `validation_errors` in a 2xx, Taxomet's `result` 0). Not retried.
    #[error("{operation}: {carrier} refused ({status}) {error}: {message}{}", if .issues.is_empty() { String::new() } else { format!(" [{}]", issues_text(.issues)) })]
    Rejected {
        operation: String,
        carrier: &'static str,
        /// HTTP status (200 for an error inside a successful answer).
        status: u16,
        /// The carrier's machine-readable error name, or `""` when it gave none.
        error: String,
        message: String,
        issues: Vec<FieldIssue>,
    },
    /// A SOAP fault.
    #[error("{operation}: SOAP fault {fault_code}: {fault_string}")]
    SoapFault {
        operation: String,
        fault_code: String,
        fault_string: String,
    },
    /// An answer with a status the operation does not expect, and no parsable error
    /// (an empty 400, a 500 after the retries, a 404).
    #[error("{operation}: HTTP {status}{}", if .body_excerpt.is_empty() { " with an empty body".to_string() } else { format!(": {}", .body_excerpt) })]
    Http {
        operation: String,
        status: u16,
        /// At most 200 characters of the body, secrets scrubbed.
        body_excerpt: String,
    },
    /// 401 (after a token refresh, where the API has tokens).
    #[error("{operation}: not authorised (HTTP {status})")]
    Unauthorized { operation: String, status: u16 },
    /// The call timed out (after the retries, for an idempotent call).
    #[error("{operation}: timed out after {attempts} attempt(s)")]
    Timeout { operation: String, attempts: u32 },
    /// No connection could be made.
    #[error("{operation}: connection failed after {attempts} attempt(s): {detail}")]
    Connect {
        operation: String,
        attempts: u32,
        detail: String,
    },
    /// The answer is not what the API documents (bad JSON or XML, a missing field).
    #[error("{operation}: malformed answer: {detail}")]
    Malformed { operation: String, detail: String },
    /// An asynchronous operation ended in failure (a ShipX shipment `failed`).
    #[error("{operation}: failed: {detail}")]
    Failed { operation: String, detail: String },
    /// Polling stopped at its bound before a final state.
    #[error("{operation}: still {last_status:?} after {attempts} poll(s)")]
    PollExhausted {
        operation: String,
        attempts: u32,
        last_status: String,
    },
    /// A call refused by a local guard (Aplix `GetTrackNumbers` at most once an hour).
    #[error("{operation}: not before {not_before} (use force to override)")]
    Throttled {
        operation: String,
        not_before: String,
    },
    /// Bad configuration (a missing environment variable, a bad URL, bad TOML).
    #[error("configuration: {0}")]
    Config(String),
    /// An operator's request text that is not the operation's JSON (bad syntax, a
    /// missing or mistyped field): bad input, found before anything is sent.
    #[error("{operation}: the request is not valid: {detail}")]
    BadRequest { operation: String, detail: String },
    /// A local file (the Aplix watermark) could not be read or written.
    #[error("{path}: {detail}")]
    Io { path: String, detail: String },
}

impl Error {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::LocalRefusal { .. } => "local_refusal",
            Error::Rejected { .. } => "rejected",
            Error::SoapFault { .. } => "soap_fault",
            Error::Http { .. } => "http_status",
            Error::Unauthorized { .. } => "unauthorized",
            Error::Timeout { .. } => "timeout",
            Error::Connect { .. } => "connect",
            Error::Malformed { .. } => "malformed",
            Error::Failed { .. } => "failed",
            Error::PollExhausted { .. } => "poll_exhausted",
            Error::Throttled { .. } => "throttled",
            Error::Config(_) => "config",
            Error::BadRequest { .. } => "bad_request",
            Error::Io { .. } => "io",
        }
    }

    /// The field issues, for the variants that carry them.
    pub fn issues(&self) -> &[FieldIssue] {
        match self {
            Error::LocalRefusal { issues, .. } | Error::Rejected { issues, .. } => issues,
            _ => &[],
        }
    }

    pub(crate) fn malformed(operation: &str, detail: impl std::fmt::Display) -> Self {
        Error::Malformed {
            operation: operation.to_string(),
            detail: detail.to_string(),
        }
    }
}
