//! The delivery request and its delivery as one state machine.
//!
//! A request moves `created → validated → executed → confirmed`, with `rejected` (the
//! partner disputes the execution) and `canceled`; its active delivery moves `pending →
//! reserved → scheduled → completed | failed | canceled`. Three kinds of steps move them:
//! the partner's [`Operation`]s (each refused with the HTTP status the API answers), the
//! callback [`Event`]s Fastriver sends (each carrying the request and delivery status of
//! the seed's event table), and Fastriver's own moves that have no event (a slot reserved
//! for 30 minutes and released, the automatic confirmation 7 days after execution).
//!
//! Only the pairs listed by [`Lifecycle::is_consistent`] can be reached; the property
//! tests check that no sequence of legal steps leaves them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// `delivery_request_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// `created`: registered; the data is being validated and the request does not go into work
    /// until it passes.
    Created,
    /// `validated`: passed validation; the delivery is being coordinated and carried out (follow
    /// `delivery_status`).
    Validated,
    /// `executed`: delivered, the meeting's photos checked and the signed documents handed to the
    /// partner.
    Executed,
    /// `rejected`: the partner did not accept the execution and said what to correct (`PATCH
    /// …/reject`).
    Rejected,
    /// `canceled` (final): cancelled by the partner before the execution, or by a cancelling
    /// callback event.
    Canceled,
    /// `confirmed` (final): the partner accepted the execution (`PATCH …/confirm`), or 7 days
    /// passed without a rejection.
    Confirmed,
}

/// `delivery_status` (of the active delivery).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// `pending`: created, waiting to be coordinated with the client.
    Pending,
    /// `reserved`: a delivery time held for 30 minutes, waiting for the client to confirm it.
    Reserved,
    /// `scheduled`: the time is agreed with the client and the delivery is on a courier's route
    /// sheet.
    Scheduled,
    /// `failed` (final): the delivery did not happen (the client did not answer, forgot the
    /// passport, …); a new delivery is needed.
    Failed,
    /// `canceled` (final): the delivery is cancelled; nobody goes to the client.
    Canceled,
    /// `completed` (final): done; the card or documents handed over and the photos taken.
    Completed,
}

impl RequestStatus {
    /// Every request status, in the seed's table order (for exhaustive tests and listings).
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Created,
        RequestStatus::Validated,
        RequestStatus::Executed,
        RequestStatus::Rejected,
        RequestStatus::Canceled,
        RequestStatus::Confirmed,
    ];

    /// Final in the seed's status table.
    pub fn is_final(self) -> bool {
        matches!(self, RequestStatus::Canceled | RequestStatus::Confirmed)
    }
}

impl DeliveryStatus {
    /// Every delivery status, in the seed's table order (for exhaustive tests and listings).
    pub const ALL: [DeliveryStatus; 6] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Reserved,
        DeliveryStatus::Scheduled,
        DeliveryStatus::Failed,
        DeliveryStatus::Canceled,
        DeliveryStatus::Completed,
    ];

    /// Final in the seed's status table.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Failed | DeliveryStatus::Canceled | DeliveryStatus::Completed
        )
    }

    /// Not yet happened: the delivery may still be moved, called about or cancelled.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Pending | DeliveryStatus::Reserved | DeliveryStatus::Scheduled
        )
    }
}

/// What the partner asks of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `PATCH delivery_requests/:uuid`.
    Patch,
    /// `DELETE delivery_requests/:uuid`.
    Cancel,
    /// `PATCH …/confirm`.
    Confirm,
    /// `PATCH …/reject`.
    Reject,
    /// `POST …/call_please`.
    CallPlease,
    /// `POST …/transfer_delivery` (partners delivering in their own app).
    TransferDelivery,
    /// `POST …/complete_delivery` (partners delivering in their own app).
    CompleteDelivery,
}

impl Operation {
    /// Every operation, in declaration order (for exhaustive tests and listings).
    pub const ALL: [Operation; 7] = [
        Operation::Patch,
        Operation::Cancel,
        Operation::Confirm,
        Operation::Reject,
        Operation::CallPlease,
        Operation::TransferDelivery,
        Operation::CompleteDelivery,
    ];
}

macro_rules! events {
    ($($variant:ident = $name:literal => $req:ident [$($del:ident),+];)+) => {
        /// A callback event of the seed's event table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Event {
            $(
                #[doc = concat!(
                    "`", $name, "`: the request is then `", stringify!($req),
                    "`, the delivery one of ", stringify!($($del),+), "."
                )]
                $variant,
            )+
        }

        impl Event {
            /// Every event of the seed's event table, in table order.
            pub const ALL: &'static [Event] = &[$(Event::$variant,)+];

            /// The event's name in a callback.
            pub fn as_str(self) -> &'static str {
                match self { $(Event::$variant => $name,)+ }
            }

            /// The event named `name` in a callback.
            pub fn parse(name: &str) -> Option<Event> {
                match name { $($name => Some(Event::$variant),)+ _ => None }
            }

            /// The request status this event carries, and the delivery statuses it may.
            pub fn carries(self) -> (RequestStatus, &'static [DeliveryStatus]) {
                match self {
                    $(Event::$variant => (RequestStatus::$req, &[$(DeliveryStatus::$del),+]),)+
                }
            }
        }
    };
}

events! {
    AcceptDelivery = "accept_delivery" => Validated [Pending, Scheduled];
    Transfer = "transfer" => Validated [Pending];
    Schedule = "schedule" => Validated [Scheduled];
    AgentSelected = "agent_selected" => Validated [Scheduled];
    MeetingStarted = "meeting_started" => Validated [Scheduled];
    Delivered = "delivered" => Validated [Completed];
    Complete = "complete" => Executed [Completed];
    Repeat = "repeat" => Validated [Pending];
    Lose = "lose" => Validated [Pending];
    Fix = "fix" => Executed [Completed];
    DeclineOnMeeting = "decline_on_meeting" => Executed [Failed];
    WantsNewTerms = "wants_new_terms" => Executed [Failed];
    ErrorDocuments = "error_documents" => Executed [Failed];
    NoContact = "no_contact" => Validated [Pending];
    NoContactAtAll = "no_contact_at_all" => Canceled [Canceled];
    DeclineOnCall = "decline_on_call" => Canceled [Canceled];
    OutOfArea = "out_of_area" => Canceled [Canceled];
    PartnerRefuse = "partner_refuse" => Canceled [Canceled];
    Mistake = "mistake" => Canceled [Canceled];
    AlreadyDelivered = "already_delivered" => Canceled [Canceled];
    AnotherPerson = "another_person" => Canceled [Canceled];
    Duplicate = "duplicate" => Canceled [Canceled];
    NoPassport = "no_passport" => Canceled [Canceled];
    NoRegistration = "no_registration" => Canceled [Canceled];
    NoPhoto = "no_photo" => Canceled [Canceled];
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Event::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown event {name:?}")))
    }
}

/// Why a callback does not agree with the seed's event table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// An event the seed's table does not have (its name).
    #[error("unknown event {0:?}")]
    Unknown(String),
    /// The event carries another request status than the table gives.
    #[error("event {event} carries delivery_request_status {expected:?}, not {got:?}")]
    RequestStatus {
        /// The event.
        event: &'static str,
        /// What the table gives.
        expected: RequestStatus,
        /// What the callback carried.
        got: RequestStatus,
    },
    /// The event carries a delivery status the table does not allow for it.
    #[error("event {event} carries delivery_status {expected:?}, not {got:?}")]
    DeliveryStatus {
        /// The event.
        event: &'static str,
        /// What the table allows.
        expected: &'static [DeliveryStatus],
        /// What the callback carried.
        got: DeliveryStatus,
    },
}

impl EventError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            EventError::Unknown { .. } => "unknown_event",
            EventError::RequestStatus { .. } => "request_status_mismatch",
            EventError::DeliveryStatus { .. } => "delivery_status_mismatch",
        }
    }
}

/// Checks the statuses a callback carries against the event table.
///
/// ```
/// use courier_rules::fastriver::lifecycle::{check_callback, DeliveryStatus as D, RequestStatus as R};
/// assert!(check_callback("complete", R::Executed, D::Completed).is_ok());
/// assert!(check_callback("accept_delivery", R::Validated, D::Scheduled).is_ok());
/// // The seed's second callback example says "completed", which is no event of the table.
/// assert!(check_callback("completed", R::Validated, D::Scheduled).is_err());
/// assert!(check_callback("complete", R::Validated, D::Completed).is_err());
/// ```
pub fn check_callback(
    event: &str,
    request: RequestStatus,
    delivery: DeliveryStatus,
) -> Result<Event, EventError> {
    let e = Event::parse(event).ok_or_else(|| EventError::Unknown(event.to_string()))?;
    let (req, dels) = e.carries();
    if req != request {
        return Err(EventError::RequestStatus {
            event: e.as_str(),
            expected: req,
            got: request,
        });
    }
    if !dels.contains(&delivery) {
        return Err(EventError::DeliveryStatus {
            event: e.as_str(),
            expected: dels,
            got: delivery,
        });
    }
    Ok(e)
}

/// One step of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// The partner's request to the API.
    Op(Operation),
    /// A callback: the event and the delivery status it carries (the request status is
    /// fixed by the event).
    Event(Event, DeliveryStatus),
    /// The client holds a slot for 30 minutes on the coordination page.
    Reserve,
    /// The 30 minutes passed unconfirmed.
    ReleaseReservation,
    /// Fastriver confirms an execution nobody rejected, 7 days after it.
    AutoConfirm,
}

/// A step refused: the HTTP status the API answers and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("HTTP {http_status}: {message}")]
pub struct OperationRefusal {
    /// 405 when the state does not allow the request, 422 when the request cannot be
    /// carried out (cancel after execution, changes after the meeting, an event that
    /// contradicts the table).
    pub http_status: u16,
    /// Why, in English, for logs and error bodies.
    pub message: String,
}

impl OperationRefusal {
    /// A stable machine-readable code from the HTTP status Fastriver answers:
    /// `not_allowed` (405: the state does not allow the request) or `unprocessable`
    /// (422: the request cannot be carried out).
    pub fn code(&self) -> &'static str {
        match self.http_status {
            405 => "not_allowed",
            _ => "unprocessable",
        }
    }
}

fn refuse(http_status: u16, message: impl Into<String>) -> OperationRefusal {
    OperationRefusal {
        http_status,
        message: message.into(),
    }
}

/// Executed requests are confirmed automatically after this long.
pub const AUTO_CONFIRM_AFTER: Duration = Duration::days(7);

/// The state of one delivery request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lifecycle {
    /// The delivery request's status (`delivery_request_status`).
    pub request: RequestStatus,
    /// The status of the request's active delivery (`delivery_status`).
    pub delivery: DeliveryStatus,
    /// When the request last became `executed` (the automatic confirmation counts from it).
    pub executed_at: Option<DateTime<Utc>>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self::new()
    }
}

impl Lifecycle {
    /// A request just created: `created`, its delivery `pending`.
    pub fn new() -> Self {
        Lifecycle {
            request: RequestStatus::Created,
            delivery: DeliveryStatus::Pending,
            executed_at: None,
        }
    }

    /// Whether the pair of statuses is one the lifecycle defines.
    pub fn is_consistent(request: RequestStatus, delivery: DeliveryStatus) -> bool {
        use DeliveryStatus as D;
        use RequestStatus as R;
        match request {
            R::Created => delivery == D::Pending,
            R::Validated => matches!(
                delivery,
                D::Pending | D::Reserved | D::Scheduled | D::Completed
            ),
            R::Executed | R::Rejected | R::Confirmed => {
                matches!(delivery, D::Completed | D::Failed)
            }
            R::Canceled => delivery == D::Canceled,
        }
    }

    /// When the automatic confirmation is due, if the request is executed.
    pub fn auto_confirm_due(&self) -> Option<DateTime<Utc>> {
        match self.request {
            RequestStatus::Executed => self.executed_at.map(|t| {
                t.checked_add_signed(AUTO_CONFIRM_AFTER)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC)
            }),
            _ => None,
        }
    }

    /// Whether `op` is allowed now, without changing anything.
    pub fn allows(&self, op: Operation) -> Result<(), OperationRefusal> {
        let mut copy = *self;
        copy.apply(Step::Op(op), DateTime::<Utc>::MIN_UTC)
    }

    /// Applies a step at instant `at`; on refusal the state is unchanged.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use courier_rules::fastriver::{DeliveryStatus as D, Event, Lifecycle, Operation, RequestStatus as R, Step};
    /// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    /// let mut l = Lifecycle::new();
    /// l.apply(Step::Event(Event::AcceptDelivery, D::Scheduled), t).unwrap();
    /// l.apply(Step::Event(Event::Delivered, D::Completed), t).unwrap();
    /// assert_eq!(l.apply(Step::Op(Operation::Cancel), t).unwrap_err().http_status, 422);
    /// l.apply(Step::Event(Event::Complete, D::Completed), t).unwrap();
    /// assert_eq!(l.apply(Step::Op(Operation::CallPlease), t).unwrap_err().http_status, 405);
    /// l.apply(Step::Op(Operation::Confirm), t).unwrap();
    /// assert_eq!((l.request, l.delivery), (R::Confirmed, D::Completed));
    /// ```
    pub fn apply(&mut self, step: Step, at: DateTime<Utc>) -> Result<(), OperationRefusal> {
        let (request, delivery) = self.next(step, at)?;
        if request == RequestStatus::Executed && self.request != RequestStatus::Executed {
            self.executed_at = Some(at);
        }
        self.request = request;
        self.delivery = delivery;
        Ok(())
    }

    fn next(
        &self,
        step: Step,
        at: DateTime<Utc>,
    ) -> Result<(RequestStatus, DeliveryStatus), OperationRefusal> {
        use DeliveryStatus as D;
        use RequestStatus as R;
        let (r, d) = (self.request, self.delivery);
        match step {
            Step::Op(op) => self.operation(op),
            Step::Reserve => match (r, d) {
                (R::Validated, D::Pending) => Ok((r, D::Reserved)),
                _ => Err(refuse(405, "only a pending delivery can be reserved")),
            },
            Step::ReleaseReservation => match (r, d) {
                (R::Validated, D::Reserved) => Ok((r, D::Pending)),
                _ => Err(refuse(405, "the delivery holds no reservation")),
            },
            Step::AutoConfirm => match self.auto_confirm_due() {
                Some(due) if at >= due => Ok((R::Confirmed, d)),
                Some(_) => Err(refuse(405, "the automatic confirmation is not due yet")),
                None => Err(refuse(
                    405,
                    "only an executed request is confirmed automatically",
                )),
            },
            Step::Event(e, carried) => {
                let (target_r, dels) = e.carries();
                if !dels.contains(&carried) {
                    return Err(refuse(
                        422,
                        format!(
                            "event {} cannot carry delivery_status {carried:?}",
                            e.as_str()
                        ),
                    ));
                }
                // A callback is retried until acknowledged: a repeat is a no-op.
                if (r, d) == (target_r, carried) {
                    return Ok((r, d));
                }
                let legal = match e {
                    Event::AcceptDelivery => r == R::Created,
                    Event::Transfer | Event::Lose | Event::NoContact => {
                        r == R::Validated && d.is_open()
                    }
                    Event::Schedule => r == R::Validated && matches!(d, D::Pending | D::Reserved),
                    Event::AgentSelected
                    | Event::MeetingStarted
                    | Event::Delivered
                    | Event::DeclineOnMeeting
                    | Event::WantsNewTerms
                    | Event::ErrorDocuments => r == R::Validated && d == D::Scheduled,
                    // Events can be filtered per partner: `complete` may come without
                    // `delivered` before it.
                    Event::Complete => {
                        r == R::Validated && matches!(d, D::Scheduled | D::Completed)
                    }
                    Event::Repeat => r == R::Rejected,
                    Event::Fix => r == R::Rejected && d == D::Completed,
                    Event::NoContactAtAll
                    | Event::DeclineOnCall
                    | Event::OutOfArea
                    | Event::PartnerRefuse
                    | Event::Mistake
                    | Event::AlreadyDelivered
                    | Event::AnotherPerson
                    | Event::Duplicate
                    | Event::NoPassport
                    | Event::NoRegistration
                    | Event::NoPhoto => r == R::Created || (r == R::Validated && d.is_open()),
                };
                if legal {
                    Ok((target_r, carried))
                } else {
                    Err(refuse(
                        422,
                        format!("event {} is not possible from {:?}/{:?}", e.as_str(), r, d),
                    ))
                }
            }
        }
    }

    fn operation(
        &self,
        op: Operation,
    ) -> Result<(RequestStatus, DeliveryStatus), OperationRefusal> {
        use DeliveryStatus as D;
        use RequestStatus as R;
        let (r, d) = (self.request, self.delivery);
        match op {
            Operation::Patch => {
                if r.is_final() {
                    Err(refuse(405, format!("a {r:?} request cannot be changed")))
                } else if matches!(r, R::Executed | R::Rejected) || d.is_final() {
                    Err(refuse(
                        422,
                        "the delivery took place: its data cannot be changed",
                    ))
                } else {
                    Ok((r, d))
                }
            }
            Operation::Cancel => match (r, d) {
                (R::Created, _) => Ok((R::Canceled, D::Canceled)),
                (R::Validated, d) if d.is_open() => Ok((R::Canceled, D::Canceled)),
                _ => Err(refuse(422, "cancel is possible only before the execution")),
            },
            Operation::Confirm => match r {
                R::Executed => Ok((R::Confirmed, d)),
                _ => Err(refuse(405, "only an executed request can be confirmed")),
            },
            Operation::Reject => match r {
                R::Executed => Ok((R::Rejected, d)),
                _ => Err(refuse(405, "only an executed request can be rejected")),
            },
            Operation::CallPlease => match (r, d) {
                (R::Validated, d) if d.is_open() => Ok((r, d)),
                _ => Err(refuse(405, "no delivery in work to call about")),
            },
            Operation::TransferDelivery => match (r, d) {
                (R::Validated, d) if d.is_open() => Ok((r, D::Pending)),
                _ => Err(refuse(405, "no delivery in work to transfer")),
            },
            Operation::CompleteDelivery => match (r, d) {
                (R::Validated, D::Scheduled) => Ok((r, D::Completed)),
                _ => Err(refuse(405, "only a scheduled delivery can be completed")),
            },
        }
    }
}

/// A callback as Fastriver posts it to `callback_url` (the parts the lifecycle needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// The callback's id (`data.id`): a retry carries the same one.
    pub id: String,
    /// The event's name (`data.attributes.event`); [`Event::parse`] knows the seed's names, any
    /// other is an error.
    pub event: String,
    /// The request status the event reports; it must match the event table.
    pub delivery_request_status: RequestStatus,
    /// The delivery status the event reports; it must be one the event table allows.
    pub delivery_status: DeliveryStatus,
    /// The partner's own number of the request (`external_id`), when it gave one.
    #[serde(default)]
    pub external_id: Option<String>,
    /// UNIX seconds of the event.
    #[serde(default)]
    pub created_at: Option<i64>,
}

#[derive(Deserialize)]
struct CallbackBody {
    data: CallbackData,
}

#[derive(Deserialize)]
struct CallbackData {
    id: String,
    attributes: CallbackAttributes,
}

#[derive(Deserialize)]
struct CallbackAttributes {
    event: String,
    delivery_request_status: RequestStatus,
    delivery_status: DeliveryStatus,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    created_at: Option<i64>,
}

impl Callback {
    /// Parses a callback body `{"data":{"id":…,"attributes":{"event":…,…}},…}`.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let body: CallbackBody = serde_json::from_str(text)?;
        let a = body.data.attributes;
        Ok(Callback {
            id: body.data.id,
            event: a.event,
            delivery_request_status: a.delivery_request_status,
            delivery_status: a.delivery_status,
            external_id: a.external_id,
            created_at: a.created_at,
        })
    }
}

/// What became of a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Received {
    /// Applied to the lifecycle: answer 200.
    Applied,
    /// Seen before (a retry): answer 200 again, change nothing.
    Duplicate,
}

/// A callback that cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The callback disagrees with the event table.
    #[error(transparent)]
    Table(#[from] EventError),
    /// The lifecycle refuses the step the callback reports.
    #[error(transparent)]
    Refused(#[from] OperationRefusal),
}

impl CallbackError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            CallbackError::Table(e) => e.code(),
            CallbackError::Refused(e) => e.code(),
        }
    }
}

/// The receiving end of one request's callbacks. Fastriver retries a callback up to 10
/// times until it gets HTTP 200, so the receiver must be idempotent: a callback id seen
/// before is acknowledged without effect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackReceiver {
    /// The request's state after every callback applied so far.
    pub lifecycle: Lifecycle,
    seen: std::collections::BTreeSet<String>,
}

impl CallbackReceiver {
    /// A receiver that starts at `lifecycle` and has seen no callback yet.
    pub fn new(lifecycle: Lifecycle) -> Self {
        CallbackReceiver {
            lifecycle,
            seen: Default::default(),
        }
    }

    /// Checks the callback against the event table and applies it at `at`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use courier_rules::fastriver::lifecycle::{Callback, CallbackReceiver, Received, Lifecycle};
    /// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    /// let cb = Callback::from_json(r#"{"data":{"id":"c1","attributes":{"event":"accept_delivery",
    ///     "delivery_request_status":"validated","delivery_status":"pending"}}}"#).unwrap();
    /// let mut rx = CallbackReceiver::new(Lifecycle::new());
    /// assert_eq!(rx.receive(&cb, t), Ok(Received::Applied));
    /// assert_eq!(rx.receive(&cb, t), Ok(Received::Duplicate));
    /// ```
    pub fn receive(&mut self, cb: &Callback, at: DateTime<Utc>) -> Result<Received, CallbackError> {
        if self.seen.contains(&cb.id) {
            return Ok(Received::Duplicate);
        }
        let event = check_callback(&cb.event, cb.delivery_request_status, cb.delivery_status)?;
        self.lifecycle
            .apply(Step::Event(event, cb.delivery_status), at)?;
        self.seen.insert(cb.id.clone());
        Ok(Received::Applied)
    }
}
