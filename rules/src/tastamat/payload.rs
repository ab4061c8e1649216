//! The two services the partner provides to Tastamat: parcel details and status saving.
//!
//! The seed names what the services carry but not the field names; ours are snake_case
//! English (see docs/carriers.md):
//!
//! - parcel details: `parcel_id`, `locker_index` (the locker's postal index, 6 digits) or
//!   `recipient_address`, `phone` (the Kazakh mobile number the SMS goes to), `cost`
//!   (tenge, at most 2 decimals), optional `cell_size` (`S`, `M`, `L`);
//! - status update: `parcel_id`, `status` (see [`ParcelStatus`]), `occurred_at`
//!   (RFC 3339), `open_code` (required for `deposited`), optional `locker_index`.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::config::TastamatConfig;
use super::lifecycle::ParcelStatus;
use super::phone::MobilePrefixes;
use crate::field::FieldError;
use crate::mask;

/// Tastamat's cell sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CellSize {
    /// Small cell.
    S,
    /// Medium cell.
    M,
    /// Large cell.
    L,
}

/// Parcel details, as the courier app asks for them.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelDetails {
    /// Our id of the parcel; required.
    #[serde(default)]
    pub parcel_id: Option<String>,
    /// Postal index of the locker the client chose; this or `recipient_address` is required, and it
    /// must have the configured format.
    #[serde(default)]
    pub locker_index: Option<String>,
    /// The recipient's address, when no locker index is given; masked in `Debug`.
    #[serde(default)]
    pub recipient_address: Option<String>,
    /// The recipient's mobile phone for the SMS link: `+7` and a Kazakh mobile operator code;
    /// required, masked in `Debug`.
    #[serde(default)]
    pub phone: Option<String>,
    /// The parcel's cost to the client (the seed's стоимость), in tenge with at most 2 decimal
    /// places (tiyn); `0` when prepaid; required.
    #[serde(default)]
    pub cost: Option<Decimal>,
    /// The cell size the parcel needs (`S`, `M`, `L`); optional, not validated.
    #[serde(default)]
    pub cell_size: Option<CellSize>,
}

impl std::fmt::Debug for ParcelDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParcelDetails")
            .field("parcel_id", &self.parcel_id)
            .field("locker_index", &self.locker_index)
            .field(
                "recipient_address",
                &self.recipient_address.as_ref().map(|_| "***"),
            )
            .field("phone", &mask::Masked(self.phone.as_deref(), mask::phone))
            .field("cost", &self.cost)
            .field("cell_size", &self.cell_size)
            .finish()
    }
}

/// A status change Tastamat reports.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    /// Our id of the parcel; required.
    #[serde(default)]
    pub parcel_id: String,
    /// The new status, one of [`ParcelStatus`]'s names (`cell_booked`); text so that an unknown one
    /// is a field error.
    #[serde(default)]
    pub status: String,
    /// When the change happened, an RFC 3339 instant; not in the future.
    #[serde(default)]
    pub occurred_at: String,
    /// The cell's open code, Latin letters and digits (at most 64); required with `deposited`.
    #[serde(default)]
    pub open_code: Option<String>,
    /// Postal index of the locker, when the update names it; checked against the configured format.
    #[serde(default)]
    pub locker_index: Option<String>,
}

impl std::fmt::Debug for StatusUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusUpdate")
            .field("parcel_id", &self.parcel_id)
            .field("status", &self.status)
            .field("occurred_at", &self.occurred_at)
            .field("open_code", &self.open_code.as_ref().map(|_| "***"))
            .field("locker_index", &self.locker_index)
            .finish()
    }
}

impl StatusUpdate {
    /// The status, when `status` is one of the known names.
    pub fn parsed_status(&self) -> Option<ParcelStatus> {
        ParcelStatus::parse(&self.status)
    }

    /// `occurred_at` as an instant, when it is valid RFC 3339.
    pub fn parsed_time(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.occurred_at)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// Either service's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Parcel details (no `status` field).
    ParcelDetails(ParcelDetails),
    /// A status update (has a `status` field).
    StatusUpdate(StatusUpdate),
}

impl Payload {
    /// Parses a payload: a status update when it has a `status` field, parcel details
    /// otherwise.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        crate::payload::expect_object(text)?;
        let v: serde_json::Value = serde_json::from_str(text)?;
        if v.get("status").is_some() {
            Ok(Payload::StatusUpdate(serde_json::from_value(v)?))
        } else {
            Ok(Payload::ParcelDetails(serde_json::from_value(v)?))
        }
    }

    /// `"parcel_details"` or `"status_update"`, as in the validation report.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::ParcelDetails(_) => "parcel_details",
            Payload::StatusUpdate(_) => "status_update",
        }
    }

    /// The report of a validation: `{"kind", "valid", "errors": [{field, code, message}]}`
    /// (Tastamat defines no error body of its own; this is ours, kept beside its rules).
    pub fn report_json(&self, errs: &[FieldError]) -> serde_json::Value {
        serde_json::json!({
            "kind": self.kind(),
            "valid": errs.is_empty(),
            "errors": errs,
        })
    }

    /// Validates the payload at `now` (a status update may not be dated after it), returning every
    /// problem.
    pub fn validate(&self, cfg: &TastamatConfig, now: DateTime<Utc>) -> Vec<FieldError> {
        match self {
            Payload::ParcelDetails(d) => d.validate_with(cfg),
            Payload::StatusUpdate(u) => u.validate(cfg, now),
        }
    }
}

impl ParcelDetails {
    /// Every problem with the details, against the shipped configuration
    /// (`data/carriers/tastamat.toml`: locker index format, and the mobile operator codes
    /// of [`MobilePrefixes::shipped`]); parsed on each call — use [`Self::validate_with`]
    /// on a hot path or with another configuration.
    ///
    /// ```
    /// use courier_rules::tastamat::ParcelDetails;
    /// let d: ParcelDetails = serde_json::from_str(r#"{"parcel_id":"P1","locker_index":"050000","phone":"+77011234567","cost":"1500.00"}"#).unwrap();
    /// assert!(d.validate().is_empty());
    /// // An Almaty landline (area code 727) cannot receive the SMS.
    /// let d = ParcelDetails { phone: Some("+77272123456".into()), ..d };
    /// assert_eq!(d.validate()[0].code, "phone_format");
    /// ```
    pub fn validate(&self) -> Vec<FieldError> {
        match TastamatConfig::from_toml_str(TastamatConfig::shipped_toml()) {
            Ok(cfg) => self.validate_with(&cfg),
            // The shipped file is checked by the crate's tests; should it ever fail to
            // load, every phone is refused rather than any accepted.
            Err(e) => vec![FieldError::new("config", "config", e.to_string())],
        }
    }

    /// Every problem with the details under `cfg` (locker index format, mobile codes).
    pub fn validate_with(&self, cfg: &TastamatConfig) -> Vec<FieldError> {
        let mobile: &MobilePrefixes = &cfg.mobile_prefixes;
        let mut e = Vec::new();
        if self
            .parcel_id
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            e.push(FieldError::new("parcel_id", "required", "required"));
        }
        let address = self
            .recipient_address
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        match self.locker_index.as_deref() {
            Some(i) if cfg.locker_index_format.matches(i) => {}
            Some(_) => e.push(FieldError::new(
                "locker_index",
                "index_format",
                format!(
                    "a locker's postal index is {}",
                    cfg.locker_index_format.describe()
                ),
            )),
            None if address => {}
            None => e.push(FieldError::new(
                "locker_index",
                "required",
                "the locker's postal index or the recipient's address is required",
            )),
        }
        match self.phone.as_deref() {
            None | Some("") => e.push(FieldError::new("phone", "required", "required for the SMS")),
            Some(p) if !mobile.is_mobile(p) => e.push(FieldError::new(
                "phone",
                "phone_format",
                format!(
                    "{} is not a Kazakh mobile number (+7 and a mobile operator code such as 701, 777, then 7 digits): the SMS goes to a mobile phone",
                    mask::phone(p)
                ),
            )),
            Some(_) => {}
        }
        match self.cost {
            None => e.push(FieldError::new(
                "cost",
                "required",
                "required (0 when prepaid)",
            )),
            Some(c) if c.is_sign_negative() && !c.is_zero() => {
                e.push(FieldError::new("cost", "negative", "must be ≥ 0"))
            }
            Some(c) if c.normalize().scale() > 2 => e.push(FieldError::new(
                "cost",
                "precision",
                "at most 2 decimal places (tiyn)",
            )),
            Some(_) => {}
        }
        e
    }
}

impl StatusUpdate {
    /// Every problem with the update itself (its fit with the parcel's current status is
    /// [`super::Parcel::apply_update`]'s business).
    pub fn validate(&self, cfg: &TastamatConfig, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.parcel_id.trim().is_empty() {
            e.push(FieldError::new("parcel_id", "required", "required"));
        }
        let status = self.parsed_status();
        if status.is_none() {
            e.push(FieldError::new(
                "status",
                "unknown_status",
                format!(
                    "one of {}",
                    ParcelStatus::ALL.map(|s| s.as_str()).join(", ")
                ),
            ));
        }
        match self.parsed_time() {
            None => e.push(FieldError::new(
                "occurred_at",
                "time_format",
                "an RFC 3339 instant",
            )),
            Some(t)
                if t > now
                    .checked_add_signed(chrono::Duration::seconds(i64::from(
                        cfg.max_clock_skew_seconds,
                    )))
                    .unwrap_or(DateTime::<Utc>::MAX_UTC) =>
            {
                e.push(FieldError::new(
                    "occurred_at",
                    "in_future",
                    "the change cannot be in the future",
                ))
            }
            Some(_) => {}
        }
        if status == Some(ParcelStatus::Deposited) {
            match self.open_code.as_deref() {
                None | Some("") => e.push(FieldError::new(
                    "open_code",
                    "required",
                    "a deposit carries the open code for the client's SMS link",
                )),
                Some(c) if !c.bytes().all(|b| b.is_ascii_alphanumeric()) || c.len() > 64 => {
                    e.push(FieldError::new(
                        "open_code",
                        "code_format",
                        "Latin letters and digits, at most 64",
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(i) = self.locker_index.as_deref() {
            if !cfg.locker_index_format.matches(i) {
                e.push(FieldError::new(
                    "locker_index",
                    "index_format",
                    format!(
                        "a locker's postal index is {}",
                        cfg.locker_index_format.describe()
                    ),
                ));
            }
        }
        e
    }
}
