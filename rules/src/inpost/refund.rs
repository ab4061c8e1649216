//! Whether the weekend add-on's fee is owed, refunded or left off the invoice.
//!
//! Seed 003 ("automatyczny zwrot opłaty za usługę"):
//!
//! * **prepaid** — the fee is refunded automatically when the client bought the add-on
//!   in a calendar week, dispatched the parcel as the rules require (ordered a courier
//!   pick-up, handed it in at a branch or point, put it in a sending locker) and InPost
//!   did **not** place it in the target locker on that week's Saturday or Sunday;
//! * **postpaid** — the fee is left off the invoice when the parcel *was not sent*
//!   ("przesyłka nie została nadana") **or** was not placed in the target locker on that
//!   Saturday or Sunday.
//!
//! The asymmetry is deliberate and kept: a prepaid client who never dispatched gets no
//! automatic refund, a postpaid one is not charged. The dispatch *deadline* belongs to
//! the prepaid clause only ("nadał przesyłkę zgodnie z regulaminem"): the postpaid clause
//! asks only whether the parcel was sent, so a postpaid parcel sent after the Saturday
//! pick-up deadline but still placed in the target locker that Sunday owes the fee.
//!
//! Decisions where the seed is silent (see `docs/inpost.md`):
//!
//! * the *service week* is the calendar week, Monday to Sunday, in the policy's zone
//!   (Europe/Warsaw), containing the purchase;
//! * *dispatched as the rules require* (prepaid) means at least one dispatch event after
//!   the purchase (inclusive) and no later than the service week's Saturday at the end of
//!   standard pick-up hours (inclusive; default 13:00, configurable);
//! * *sent* (postpaid) means at least one dispatch event recorded, whenever it happened
//!   (before the purchase, in time or after the deadline); a parcel with no dispatch
//!   event is "not sent" and its fee is left off, whatever the placement says (finance
//!   goes by the dispatch record; the batch reports the contradiction separately);
//! * *placed at the weekend* means placed in the target locker on that week's Saturday
//!   or Sunday, local time; a parcel placed before Saturday was not placed at the
//!   weekend (the rule's letter), so it is refunded / left off like a late one.
//!
//! [`RefundPolicy::decide`] does not allocate; [`RefundDecision::reason`] renders the
//! explanation for a finance person.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::localtime::{date_of_day, day_and_second_of_week, local, ZoneTable};
use super::window::WeekTime;

/// How the client pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientType {
    /// Pays when buying: the fee is refunded automatically when the parcel was dispatched
    /// as required but not placed in the target locker at the weekend (refund clause).
    Prepaid,
    /// Invoiced later: the fee is left off the invoice when the parcel was not sent or not placed
    /// at the weekend (invoice clause).
    Postpaid,
}

/// How the parcel was handed to InPost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DispatchKind {
    /// A courier pick-up was ordered.
    CourierPickup,
    /// Handed in at a branch or point (Punkt/Oddział).
    Branch,
    /// Put into a sending locker.
    SendingLocker,
}

impl DispatchKind {
    fn describe(self) -> &'static str {
        match self {
            DispatchKind::CourierPickup => "courier pick-up ordered",
            DispatchKind::Branch => "handed in at a branch",
            DispatchKind::SendingLocker => "put in a sending locker",
        }
    }
}

/// One dispatch event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchEvent {
    /// How the parcel was handed to InPost.
    pub kind: DispatchKind,
    /// When it was handed in.
    pub at: DateTime<Utc>,
}

/// What finance knows about one parcel with the add-on.
///
/// Read from JSON, a history is checked ([`ParcelHistory::check`]): one placed in the
/// target locker before its add-on was bought is refused, naming `placed_in_target_at`,
/// instead of being decided (it used to come out as a refund due, issue 16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ParcelHistoryFile")]
pub struct ParcelHistory {
    /// How the client pays: it picks the refund clause (prepaid) or the invoice clause
    /// (postpaid).
    pub client_type: ClientType,
    /// When the add-on was bought.
    pub bought_at: DateTime<Utc>,
    /// Dispatch events, in any order.
    pub dispatched: Vec<DispatchEvent>,
    /// When the parcel was placed in the target locker, if ever.
    pub placed_in_target_at: Option<DateTime<Utc>>,
}

/// The JSON shape of a [`ParcelHistory`], before [`ParcelHistory::check`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParcelHistoryFile {
    client_type: ClientType,
    bought_at: DateTime<Utc>,
    #[serde(default)]
    dispatched: Vec<DispatchEvent>,
    #[serde(default)]
    placed_in_target_at: Option<DateTime<Utc>>,
}

impl TryFrom<ParcelHistoryFile> for ParcelHistory {
    type Error = HistoryError;

    fn try_from(f: ParcelHistoryFile) -> Result<Self, HistoryError> {
        let h = ParcelHistory {
            client_type: f.client_type,
            bought_at: f.bought_at,
            dispatched: f.dispatched,
            placed_in_target_at: f.placed_in_target_at,
        };
        h.check()?;
        Ok(h)
    }
}

/// A parcel history that cannot be decided because its facts contradict each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The parcel reached the target locker before the add-on was bought: no clause of
    /// seed 003 covers it, and deciding it would answer a refund that is not due.
    #[error("placed_in_target_at: {placed_at} is before bought_at ({bought_at}): a parcel cannot reach the target locker before its add-on was bought")]
    PlacedBeforePurchase {
        /// `placed_in_target_at`.
        placed_at: DateTime<Utc>,
        /// `bought_at`.
        bought_at: DateTime<Utc>,
    },
}

impl HistoryError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            HistoryError::PlacedBeforePurchase { .. } => "placed_before_purchase",
        }
    }

    /// The history's field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            HistoryError::PlacedBeforePurchase { .. } => "placed_in_target_at",
        }
    }
}

impl ParcelHistory {
    /// Whether the history can be decided: its placement, if any, is not before the
    /// purchase. Dispatch events before the purchase are allowed (they are facts the
    /// decision weighs: "only dispatched before the add-on was bought").
    pub fn check(&self) -> Result<(), HistoryError> {
        match self.placed_in_target_at {
            Some(placed_at) if placed_at < self.bought_at => {
                Err(HistoryError::PlacedBeforePurchase {
                    placed_at,
                    bought_at: self.bought_at,
                })
            }
            _ => Ok(()),
        }
    }
}

/// The refund policy: the zone of the service week and the dispatch deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPolicy {
    zone: ZoneTable,
    /// Latest dispatch, as a time in the service week (default Saturday 13:00).
    pub dispatch_deadline: WeekTime,
}

/// Why a refund policy file was rejected. Each message names the policy file's field;
/// the caller adds the file's path. (It used to share the window's error and called
/// itself a "window configuration", issue 16.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not TOML, or a missing or unknown key (the message has the line).
    #[error("refund policy: {0}")]
    Toml(String),
    /// `zone` is not an IANA time zone.
    #[error("refund policy, field `zone`: unknown time zone `{0}` (use an IANA name such as `Europe/Warsaw`)")]
    UnknownZone(String),
    /// `dispatch_deadline` is not `weekday HH:MM`.
    #[error("refund policy, field `dispatch_deadline`: {reason}")]
    BadDeadline {
        /// What is wrong with it.
        reason: super::window::WeekTimeError,
    },
}

impl PolicyError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::Toml(_) => "policy_syntax",
            PolicyError::UnknownZone(_) => "unknown_zone",
            PolicyError::BadDeadline { .. } => "bad_dispatch_deadline",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    zone: String,
    dispatch_deadline: String,
}

impl Default for RefundPolicy {
    /// Europe/Warsaw, dispatch no later than Saturday 13:00 (as `data/inpost/refund.toml`).
    fn default() -> Self {
        RefundPolicy::new(
            chrono_tz::Europe::Warsaw,
            WeekTime {
                day: Weekday::Sat,
                minute: 13 * 60,
            },
        )
    }
}

/// What was found about the dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Dispatch {
    /// Dispatched after the purchase and by the deadline (the earliest such event).
    InTime {
        /// How the counting dispatch was made.
        kind: DispatchKind,
        /// When it was made.
        at: DateTime<Utc>,
    },
    /// Only dispatched after the deadline (the earliest such event).
    TooLate {
        /// How the late dispatch was made.
        kind: DispatchKind,
        /// When it was made.
        at: DateTime<Utc>,
    },
    /// Only dispatch events before the purchase (the latest one).
    BeforePurchase {
        /// How that dispatch was made.
        kind: DispatchKind,
        /// When it was made.
        at: DateTime<Utc>,
    },
    /// No dispatch event at all.
    Never,
}

impl Dispatch {
    /// Dispatched as the prepaid clause requires: after the purchase and by the deadline.
    pub fn as_required(self) -> bool {
        matches!(self, Dispatch::InTime { .. })
    }

    /// Sent at all (the postpaid clause): any dispatch event, whenever it happened.
    pub fn sent(self) -> bool {
        !matches!(self, Dispatch::Never)
    }
}

/// When the parcel reached the target locker, relative to the service week's weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum Placement {
    /// Never placed in the target locker.
    Never,
    /// Placed before the service week's Saturday (local time): not at the weekend, so not delivered
    /// as bought.
    BeforeWeekend {
        /// When it was placed in the target locker.
        at: DateTime<Utc>,
    },
    /// Placed on the service week's Saturday (local time).
    Saturday {
        /// When it was placed in the target locker.
        at: DateTime<Utc>,
    },
    /// Placed on the service week's Sunday (local time).
    Sunday {
        /// When it was placed in the target locker.
        at: DateTime<Utc>,
    },
    /// Placed after the service week's Sunday.
    AfterWeekend {
        /// When it was placed in the target locker.
        at: DateTime<Utc>,
    },
}

impl Placement {
    /// Whether the placement counts as delivered at the weekend: on the service week's Saturday or
    /// Sunday.
    pub fn at_weekend(self) -> bool {
        matches!(self, Placement::Saturday { .. } | Placement::Sunday { .. })
    }
}

/// The rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Prepaid, dispatched as required, not placed at the weekend: automatic refund due.
    PrepaidRefundDue,
    /// Prepaid, placed at the weekend: the fee stands.
    PrepaidDeliveredAtWeekend,
    /// Prepaid, not dispatched as required and not placed at the weekend: no automatic
    /// refund.
    PrepaidNotDispatched,
    /// Postpaid, sent (at any time) and placed at the weekend: the fee is invoiced.
    PostpaidInvoiced,
    /// Postpaid, never sent (no dispatch event): left off the invoice.
    PostpaidNotDispatched,
    /// Postpaid, sent but not placed at the weekend: left off the invoice.
    PostpaidNotDeliveredAtWeekend,
}

impl Outcome {
    /// Whether the client pays the fee in the end.
    pub fn fee_owed(self) -> bool {
        matches!(
            self,
            Outcome::PrepaidDeliveredAtWeekend
                | Outcome::PrepaidNotDispatched
                | Outcome::PostpaidInvoiced
        )
    }

    /// A stable code for scripts.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::PrepaidRefundDue => "prepaid_refund_due",
            Outcome::PrepaidDeliveredAtWeekend => "prepaid_delivered_at_weekend",
            Outcome::PrepaidNotDispatched => "prepaid_not_dispatched",
            Outcome::PostpaidInvoiced => "postpaid_invoiced",
            Outcome::PostpaidNotDispatched => "postpaid_not_dispatched",
            Outcome::PostpaidNotDeliveredAtWeekend => "postpaid_not_delivered_at_weekend",
        }
    }
}

/// The decision for one parcel, with the facts it rests on. Copy, no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundDecision {
    /// Prepaid: `false` means the automatic refund is due. Postpaid: `false` means the
    /// fee is left off the invoice.
    pub fee_owed: bool,
    /// The rule that decided.
    pub outcome: Outcome,
    /// How the client pays: which clause applied.
    pub client_type: ClientType,
    /// Monday of the service week, as days since 1970-01-01 (see [`Self::service_week`]).
    pub service_week_day: i64,
    /// Latest dispatch instant that counts, in UTC seconds (see
    /// [`Self::dispatch_deadline`]).
    pub deadline_secs: i64,
    /// What was found about the dispatch.
    pub dispatch: Dispatch,
    /// When the parcel reached the target locker, relative to the service week's weekend.
    pub placement: Placement,
    /// The zone the service week and the deadline are reckoned in (the policy's, Europe/Warsaw by
    /// default).
    pub zone: Tz,
}

impl RefundPolicy {
    /// Loads a policy from TOML (`zone`, `dispatch_deadline = "saturday 13:00"`).
    pub fn from_toml_str(text: &str) -> Result<RefundPolicy, PolicyError> {
        let file: PolicyFile =
            toml::from_str(text).map_err(|e| PolicyError::Toml(e.to_string()))?;
        let zone: Tz = file
            .zone
            .parse()
            .map_err(|_| PolicyError::UnknownZone(file.zone.clone()))?;
        let dispatch_deadline = WeekTime::parse(&file.dispatch_deadline)
            .map_err(|reason| PolicyError::BadDeadline { reason })?;
        Ok(RefundPolicy::new(zone, dispatch_deadline))
    }

    /// A policy for a zone and a dispatch deadline.
    pub fn new(zone: Tz, dispatch_deadline: WeekTime) -> RefundPolicy {
        RefundPolicy {
            zone: ZoneTable::new(zone),
            dispatch_deadline,
        }
    }

    /// The zone of the service week.
    pub fn zone(&self) -> Tz {
        self.zone.zone()
    }

    /// The policy file shipped as `data/inpost/refund.toml`.
    pub fn shipped_toml() -> &'static str {
        include_str!("../../../data/inpost/refund.toml")
    }

    /// Decides one parcel.
    ///
    /// ```
    /// use courier_rules::inpost::refund::{ClientType, DispatchEvent, DispatchKind, Outcome, ParcelHistory, RefundPolicy};
    /// let history = ParcelHistory {
    ///     client_type: ClientType::Prepaid,
    ///     bought_at: "2026-11-26T19:30:00Z".parse().unwrap(),          // Thursday evening
    ///     dispatched: vec![DispatchEvent { kind: DispatchKind::SendingLocker,
    ///                                      at: "2026-11-27T08:00:00Z".parse().unwrap() }],
    ///     placed_in_target_at: Some("2026-11-30T07:00:00Z".parse().unwrap()), // Monday
    /// };
    /// let d = RefundPolicy::default().decide(&history);
    /// assert_eq!(d.outcome, Outcome::PrepaidRefundDue);
    /// assert!(!d.fee_owed);
    /// ```
    /// [`Self::try_decide`] refuses a history that fails [`ParcelHistory::check`]; this
    /// function decides whatever it is given (a history read from JSON has been checked).
    pub fn decide(&self, h: &ParcelHistory) -> RefundDecision {
        // All in local seconds since 1970 (see `ZoneTable`): no date is built on this path.
        let (day, sow) = day_and_second_of_week(self.zone.local_secs(h.bought_at));
        let monday_day = day - i64::from(sow / 86_400);
        let deadline_secs = self.zone.resolve_to_utc_secs(
            monday_day * 86_400 + i64::from(self.dispatch_deadline.second_of_week()),
        );
        let dispatch = find_dispatch(h, deadline_secs);
        let placement = match h.placed_in_target_at {
            None => Placement::Never,
            Some(at) => {
                let days = self.zone.local_secs(at).div_euclid(86_400) - monday_day;
                match days {
                    ..=4 => Placement::BeforeWeekend { at },
                    5 => Placement::Saturday { at },
                    6 => Placement::Sunday { at },
                    _ => Placement::AfterWeekend { at },
                }
            }
        };
        let weekend = placement.at_weekend();
        let outcome = match h.client_type {
            ClientType::Prepaid => match (dispatch.as_required(), weekend) {
                (_, true) => Outcome::PrepaidDeliveredAtWeekend,
                (true, false) => Outcome::PrepaidRefundDue,
                (false, false) => Outcome::PrepaidNotDispatched,
            },
            // The postpaid clause has no deadline: "not sent" only.
            ClientType::Postpaid => match (dispatch.sent(), weekend) {
                (false, _) => Outcome::PostpaidNotDispatched,
                (true, false) => Outcome::PostpaidNotDeliveredAtWeekend,
                (true, true) => Outcome::PostpaidInvoiced,
            },
        };
        RefundDecision {
            fee_owed: outcome.fee_owed(),
            outcome,
            client_type: h.client_type,
            service_week_day: monday_day,
            deadline_secs,
            dispatch,
            placement,
            zone: self.zone.zone(),
        }
    }
}

impl RefundPolicy {
    /// Decides one parcel after [`ParcelHistory::check`]: a history whose facts
    /// contradict each other (placed before its purchase) is refused, not decided.
    pub fn try_decide(&self, h: &ParcelHistory) -> Result<RefundDecision, HistoryError> {
        h.check()?;
        Ok(self.decide(h))
    }
}

/// Whether `at` is no later than the whole UTC second `deadline`, without building dates.
#[inline]
fn not_after(at: DateTime<Utc>, deadline: i64) -> bool {
    let s = at.timestamp();
    s < deadline || (s == deadline && at.timestamp_subsec_nanos() == 0)
}

fn find_dispatch(h: &ParcelHistory, deadline: i64) -> Dispatch {
    let mut in_time: Option<&DispatchEvent> = None;
    let mut late: Option<&DispatchEvent> = None;
    let mut before: Option<&DispatchEvent> = None;
    for e in &h.dispatched {
        if e.at < h.bought_at {
            if before.is_none_or(|b| e.at > b.at) {
                before = Some(e);
            }
        } else if not_after(e.at, deadline) {
            if in_time.is_none_or(|b| e.at < b.at) {
                in_time = Some(e);
            }
        } else if late.is_none_or(|b| e.at < b.at) {
            late = Some(e);
        }
    }
    match (in_time, late, before) {
        (Some(e), _, _) => Dispatch::InTime {
            kind: e.kind,
            at: e.at,
        },
        (None, Some(e), _) => Dispatch::TooLate {
            kind: e.kind,
            at: e.at,
        },
        (None, None, Some(e)) => Dispatch::BeforePurchase {
            kind: e.kind,
            at: e.at,
        },
        (None, None, None) => Dispatch::Never,
    }
}

impl RefundDecision {
    /// Latest dispatch instant that counts: the service week's deadline (Saturday 13:00
    /// local by default), inclusive.
    pub fn dispatch_deadline(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(self.deadline_secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Monday of the service week (local date).
    pub fn service_week(&self) -> NaiveDate {
        date_of_day(self.service_week_day).unwrap_or_default()
    }

    fn fmt_local(&self, at: DateTime<Utc>) -> String {
        let l = local(self.zone, at);
        format!(
            "{} {}",
            weekday_name(l.weekday()),
            l.format("%Y-%m-%d %H:%M:%S")
        )
    }

    /// The service week's Saturday.
    pub fn saturday(&self) -> NaiveDate {
        date_of_day(self.service_week_day + 5).unwrap_or_default()
    }

    /// The service week's Sunday.
    pub fn sunday(&self) -> NaiveDate {
        date_of_day(self.service_week_day + 6).unwrap_or_default()
    }

    /// A sentence a finance person can act on: the decision, then the facts behind it,
    /// with times in the policy's zone.
    pub fn reason(&self) -> String {
        let client = match self.client_type {
            ClientType::Prepaid => "prepaid",
            ClientType::Postpaid => "postpaid",
        };
        let verdict = match self.outcome {
            Outcome::PrepaidRefundDue => "automatic refund of the weekend delivery fee is due",
            Outcome::PrepaidDeliveredAtWeekend => "fee owed, no refund: delivered at the weekend",
            Outcome::PrepaidNotDispatched => {
                "fee owed, no automatic refund: the parcel was not dispatched as the rules require"
            }
            Outcome::PostpaidInvoiced => "fee invoiced: delivered at the weekend",
            Outcome::PostpaidNotDispatched => {
                "fee left off the invoice: the parcel was not sent (no dispatch event)"
            }
            Outcome::PostpaidNotDeliveredAtWeekend => {
                "fee left off the invoice: not placed in the target locker at the weekend"
            }
        };
        let deadline = self.fmt_local(self.dispatch_deadline());
        let dispatch = match self.dispatch {
            Dispatch::InTime { kind, at } => format!(
                "dispatched in time ({} {}, deadline {deadline})",
                kind.describe(),
                self.fmt_local(at)
            ),
            Dispatch::TooLate { kind, at } if self.client_type == ClientType::Postpaid => {
                format!(
                    "sent after the pick-up deadline ({} {}, deadline {deadline}; the deadline binds prepaid refunds only)",
                    kind.describe(),
                    self.fmt_local(at)
                )
            }
            Dispatch::TooLate { kind, at } => format!(
                "dispatched too late ({} {}, after the deadline {deadline})",
                kind.describe(),
                self.fmt_local(at)
            ),
            Dispatch::BeforePurchase { kind, at } => format!(
                "only dispatched before the add-on was bought ({} {})",
                kind.describe(),
                self.fmt_local(at)
            ),
            Dispatch::Never => format!("never dispatched (deadline {deadline})"),
        };
        let placement = match self.placement {
            Placement::Never => "never placed in the target locker".to_string(),
            Placement::BeforeWeekend { at } => format!(
                "placed in the target locker before the weekend ({})",
                self.fmt_local(at)
            ),
            Placement::Saturday { at } | Placement::Sunday { at } => {
                format!("placed in the target locker {}", self.fmt_local(at))
            }
            Placement::AfterWeekend { at } => format!(
                "placed in the target locker after the weekend ({})",
                self.fmt_local(at)
            ),
        };
        format!(
            "{client}: {verdict}; service week {} to {} ({}), weekend {} and {}; {dispatch}; {placement}",
            self.service_week(),
            self.sunday(),
            self.zone.name(),
            self.saturday(),
            self.sunday(),
        )
    }
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
