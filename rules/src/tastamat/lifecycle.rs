//! The parcel's lifecycle in a Tastamat locker.
//!
//! ```text
//! registered → cell_booked → deposited → picked_up
//!      ↑___________|             ↓
//!   (booking released)        expired → withdrawn → returned
//! ```
//!
//! A parcel is registered with the locker's postal index, a cell is booked, the courier
//! deposits it (Tastamat gives the open code for the client's SMS link), and the client
//! picks it up — or the storage period runs out and the courier withdraws it and returns
//! it. The courier may withdraw a deposited parcel without an `expired` update once the
//! storage period is over, never before.
//!
//! Status updates are applied by one rule ([`Parcel::apply`]):
//! 1. an update to the status the parcel already has is a **duplicate**: acknowledged,
//!    nothing changes (Tastamat may re-send);
//! 2. an update dated before the last applied one is **stale**: acknowledged and ignored
//!    (it arrived out of order after a later one);
//! 3. an update that is a legal transition from the current status is **applied**;
//! 4. anything else is **refused** with an error, so the sender retries: an update that
//!    skips a step (`deposited` before `cell_booked` arrived) succeeds once the missing
//!    one has been received.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::config::TastamatConfig;

/// A parcel's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParcelStatus {
    /// Known to Tastamat with its locker's postal index; no cell yet.
    Registered,
    /// A cell of the locker is booked for the parcel.
    CellBooked,
    /// The courier has put the parcel in the cell; the client gets the open link, and the storage
    /// period starts.
    Deposited,
    /// The client has taken the parcel (final).
    PickedUp,
    /// The storage period ran out with the parcel still in the cell.
    Expired,
    /// The courier has taken the parcel back out of the locker.
    Withdrawn,
    /// The withdrawn parcel went back to the sender (final).
    Returned,
}

impl ParcelStatus {
    /// Every status, in lifecycle order (for exhaustive tests and messages).
    pub const ALL: [ParcelStatus; 7] = [
        ParcelStatus::Registered,
        ParcelStatus::CellBooked,
        ParcelStatus::Deposited,
        ParcelStatus::PickedUp,
        ParcelStatus::Expired,
        ParcelStatus::Withdrawn,
        ParcelStatus::Returned,
    ];

    /// The name used in status updates.
    pub fn as_str(self) -> &'static str {
        match self {
            ParcelStatus::Registered => "registered",
            ParcelStatus::CellBooked => "cell_booked",
            ParcelStatus::Deposited => "deposited",
            ParcelStatus::PickedUp => "picked_up",
            ParcelStatus::Expired => "expired",
            ParcelStatus::Withdrawn => "withdrawn",
            ParcelStatus::Returned => "returned",
        }
    }

    /// The status named `s` in a status update (`"cell_booked"`); `None` for any other text.
    pub fn parse(s: &str) -> Option<ParcelStatus> {
        ParcelStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// No transition leaves it.
    pub fn is_final(self) -> bool {
        matches!(self, ParcelStatus::PickedUp | ParcelStatus::Returned)
    }

    /// Whether `self → next` is a transition of the lifecycle (the storage-period
    /// condition on `deposited → withdrawn` aside).
    pub fn can_become(self, next: ParcelStatus) -> bool {
        use ParcelStatus as S;
        matches!(
            (self, next),
            (S::Registered, S::CellBooked)
                | (S::CellBooked, S::Registered)
                | (S::CellBooked, S::Deposited)
                | (S::Deposited, S::PickedUp)
                | (S::Deposited, S::Expired)
                | (S::Deposited, S::Withdrawn)
                | (S::Expired, S::Withdrawn)
                | (S::Withdrawn, S::Returned)
        )
    }
}

/// The code that opens the cell: whoever has it can take the parcel, so `Debug` masks it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpenCode(pub String);

impl std::fmt::Debug for OpenCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenCode(***)")
    }
}

/// A parcel as we keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parcel {
    /// The parcel's id, as in the status updates.
    pub parcel_id: String,
    /// The status after the last applied update.
    pub status: ParcelStatus,
    /// When the last applied update happened.
    pub updated_at: DateTime<Utc>,
    /// When the parcel was deposited (the storage period counts from it).
    pub deposited_at: Option<DateTime<Utc>>,
    /// The code from the `deposited` update, for the client's SMS link; `None` until the parcel is
    /// deposited.
    pub open_code: Option<OpenCode>,
}

/// What became of a status update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateOutcome {
    /// A legal transition: the parcel's status changed.
    Applied,
    /// The parcel already has this status (a re-send): acknowledged, nothing changed.
    Duplicate,
    /// Older than the last applied update (arrived out of order): acknowledged and ignored.
    IgnoredStale,
}

/// A status update refused (not acknowledged: the sender retries).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// The status change is not a transition of the lifecycle.
    #[error("parcel {parcel_id}: {from} → {to} is not a transition of the lifecycle")]
    Illegal {
        /// The parcel.
        parcel_id: String,
        /// The stored status.
        from: &'static str,
        /// The status asked for.
        to: &'static str,
    },
    /// Withdrawn before the storage period ended.
    #[error("parcel {parcel_id}: withdrawn before the storage period ended at {ends}")]
    WithdrawnEarly {
        /// The parcel.
        parcel_id: String,
        /// When the storage period ends.
        ends: DateTime<Utc>,
    },
    /// A deposit without the open code (the parcel).
    #[error("parcel {0}: a deposit needs the open code")]
    MissingOpenCode(String),
    #[error("update for parcel {got} applied to parcel {expected}")]
    /// An update for another parcel than the one it is applied to.
    WrongParcel {
        /// The parcel the state is of.
        expected: String,
        /// The parcel the update names.
        got: String,
    },
}

impl UpdateError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            UpdateError::Illegal { .. } => "illegal_transition",
            UpdateError::WithdrawnEarly { .. } => "withdrawn_before_storage_end",
            UpdateError::MissingOpenCode { .. } => "open_code_required",
            UpdateError::WrongParcel { .. } => "wrong_parcel",
        }
    }
}

impl Parcel {
    /// A parcel just registered.
    pub fn registered(parcel_id: impl Into<String>, at: DateTime<Utc>) -> Self {
        Parcel {
            parcel_id: parcel_id.into(),
            status: ParcelStatus::Registered,
            updated_at: at,
            deposited_at: None,
            open_code: None,
        }
    }

    /// When the storage period ends, for a deposited or expired parcel.
    pub fn storage_ends(&self, cfg: &TastamatConfig) -> Option<DateTime<Utc>> {
        match self.status {
            ParcelStatus::Deposited | ParcelStatus::Expired => self.deposited_at.map(|t| {
                t.checked_add_signed(cfg.storage_period())
                    .unwrap_or(DateTime::<Utc>::MAX_UTC)
            }),
            _ => None,
        }
    }

    /// Applies a status change that happened at `at` (see the module's rule).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use courier_rules::tastamat::{OpenCode, Parcel, ParcelStatus as S, TastamatConfig, UpdateOutcome};
    /// let cfg = TastamatConfig::from_toml_str("storage_period_hours = 72").unwrap();
    /// let t = |h| Utc.with_ymd_and_hms(2024, 3, 1, h, 0, 0).unwrap();
    /// let mut p = Parcel::registered("P1", t(8));
    /// assert!(p.apply(S::Deposited, t(10), Some(OpenCode("X1".into())), &cfg).is_err()); // skipped a step
    /// assert_eq!(p.apply(S::CellBooked, t(9), None, &cfg), Ok(UpdateOutcome::Applied));
    /// assert_eq!(p.apply(S::Deposited, t(10), Some(OpenCode("X1".into())), &cfg), Ok(UpdateOutcome::Applied));
    /// assert_eq!(p.apply(S::Deposited, t(10), Some(OpenCode("X1".into())), &cfg), Ok(UpdateOutcome::Duplicate));
    /// assert_eq!(p.apply(S::CellBooked, t(9), None, &cfg), Ok(UpdateOutcome::IgnoredStale));
    /// ```
    pub fn apply(
        &mut self,
        status: ParcelStatus,
        at: DateTime<Utc>,
        open_code: Option<OpenCode>,
        cfg: &TastamatConfig,
    ) -> Result<UpdateOutcome, UpdateError> {
        if status == self.status {
            return Ok(UpdateOutcome::Duplicate);
        }
        if at < self.updated_at {
            return Ok(UpdateOutcome::IgnoredStale);
        }
        if !self.status.can_become(status) {
            return Err(UpdateError::Illegal {
                parcel_id: self.parcel_id.clone(),
                from: self.status.as_str(),
                to: status.as_str(),
            });
        }
        if self.status == ParcelStatus::Deposited && status == ParcelStatus::Withdrawn {
            if let Some(ends) = self.storage_ends(cfg) {
                if at < ends {
                    return Err(UpdateError::WithdrawnEarly {
                        parcel_id: self.parcel_id.clone(),
                        ends,
                    });
                }
            }
        }
        if status == ParcelStatus::Deposited {
            match open_code {
                Some(code) if !code.0.is_empty() => self.open_code = Some(code),
                _ => return Err(UpdateError::MissingOpenCode(self.parcel_id.clone())),
            }
            self.deposited_at = Some(at);
        }
        if status == ParcelStatus::Registered {
            // The booking was released: the parcel waits for a new one.
            self.open_code = None;
        }
        self.status = status;
        self.updated_at = at;
        Ok(UpdateOutcome::Applied)
    }

    /// Applies a validated [`super::StatusUpdate`] for this parcel.
    pub fn apply_update(
        &mut self,
        update: &super::payload::StatusUpdate,
        cfg: &TastamatConfig,
    ) -> Result<UpdateOutcome, UpdateError> {
        if update.parcel_id != self.parcel_id {
            return Err(UpdateError::WrongParcel {
                expected: self.parcel_id.clone(),
                got: update.parcel_id.clone(),
            });
        }
        let (Some(status), Some(at)) = (update.parsed_status(), update.parsed_time()) else {
            return Err(UpdateError::Illegal {
                parcel_id: self.parcel_id.clone(),
                from: self.status.as_str(),
                to: "(invalid update)",
            });
        };
        self.apply(status, at, update.open_code.clone().map(OpenCode), cfg)
    }
}

/// The parcels the courier must withdraw at instant `at`: reported `expired` (by `at`),
/// or deposited with the storage period over at `at`. Oldest deposit first, then by parcel id.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use courier_rules::tastamat::{must_withdraw, OpenCode, Parcel, ParcelStatus as S, TastamatConfig};
/// let cfg = TastamatConfig::from_toml_str("storage_period_hours = 72").unwrap();
/// let t0 = Utc.with_ymd_and_hms(2024, 3, 1, 10, 0, 0).unwrap();
/// let mut p = Parcel::registered("P1", t0);
/// p.apply(S::CellBooked, t0, None, &cfg).unwrap();
/// p.apply(S::Deposited, t0, Some(OpenCode("C".into())), &cfg).unwrap();
/// let parcels = [p];
/// assert!(must_withdraw(&parcels, t0 + Duration::hours(71), &cfg).is_empty());
/// assert_eq!(must_withdraw(&parcels, t0 + Duration::hours(72), &cfg).len(), 1);
/// ```
pub fn must_withdraw<'a>(
    parcels: &'a [Parcel],
    at: DateTime<Utc>,
    cfg: &TastamatConfig,
) -> Vec<&'a Parcel> {
    let mut due: Vec<&Parcel> = parcels
        .iter()
        .filter(|p| match p.status {
            // Reported expired at or before `at`.
            ParcelStatus::Expired => p.updated_at <= at,
            ParcelStatus::Deposited => p.storage_ends(cfg).is_some_and(|end| at >= end),
            _ => false,
        })
        .collect();
    due.sort_by(|a, b| {
        a.deposited_at
            .cmp(&b.deposited_at)
            .then_with(|| a.parcel_id.cmp(&b.parcel_id))
    });
    due
}
