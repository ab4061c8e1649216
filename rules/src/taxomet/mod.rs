//! Taxomet (seed 004): typed requests for every method of the taxi server's HTTP API,
//! validated before sending, and the `{"result","error","order_id"}` reply.
//!
//! The API is plain GET with the operator's login and password in the query string, so
//! the password travels in every URL: it is held in [`Password`], whose `Debug` and
//! `Display` print `***`, and only [`Request::url`] (meant for the HTTP client, never for
//! a log) writes it out; [`Request::redacted_url`] is the one to log.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::field::FieldError;

mod answer;
pub use answer::{NotAnObject, Validation, METHODS};

/// The operator's password. Prints as `***`; [`Password::expose`] is the only way out.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    /// Wraps the operator's password; from here on it prints as `***`.
    pub fn new(secret: impl Into<String>) -> Self {
        Password(secret.into())
    }

    /// The secret itself, for the HTTP client only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for Password {
    /// Serialises as `***`: a request written to a report never carries the secret.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// The tariff of an order: a tariff id, or `-1` — let the server choose by time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tariff {
    /// `tarif_id=-1`: the taxi server picks the tariff of the taxi service by time of day.
    Auto,
    /// A tariff id from the program's "Taxi services and tariffs" settings.
    Id(i64),
}

/// The method and its parameters, with the API's parameter names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Call {
    /// `add_order`: creates an order.
    AddOrder {
        /// ID of the taxi service on the server ("Taxi services and tariffs" settings); positive.
        unit_id: i64,
        /// `-1`: automatic.
        tarif_id: i64,
        /// The passenger's phone, starting with `+` (e.g. `+70001112233`).
        phone: String,
        /// `to[]`: the first is the origin, the rest destinations.
        #[serde(default, alias = "to[]")]
        to: Vec<String>,
        /// `car_option[]`: IDs of required car options (e.g. a child seat) from the "Car options"
        /// settings; empty: none.
        #[serde(default, alias = "car_option[]")]
        car_option: Vec<i64>,
        /// 0 or absent: metered by the GPS taximeter.
        #[serde(default)]
        fix_price: Option<Decimal>,
        /// The order's id in the caller's system; the server sends it back in its webhooks (status
        /// changes).
        #[serde(default)]
        extern_id: Option<String>,
        /// UNIX seconds, for a pre-order.
        #[serde(default)]
        order_time: Option<i64>,
        /// 0 or 1.
        #[serde(default)]
        print_receipt: Option<i64>,
        /// The client's name; optional.
        #[serde(default)]
        client_name: Option<String>,
        /// A comment on the order; optional.
        #[serde(default)]
        comment: Option<String>,
    },
    /// `cancel_order`: cancels an order.
    CancelOrder {
        /// ID of the order on the taxi server; positive.
        id: i64,
    },
    /// `get_order`: reads an order's state.
    GetOrder {
        /// ID of the order on the taxi server; positive.
        id: i64,
    },
    /// `set_driver`: assigns a driver to an order.
    SetDriver {
        /// ID of the order on the taxi server; positive.
        id: i64,
        /// ID of the driver on the taxi server (the "Drivers" section); positive.
        driver_id: i64,
        /// Minutes until the car arrives; not for pre-orders.
        #[serde(default)]
        boarding_time: Option<i64>,
    },
    /// `remove_driver`: takes the driver off an order.
    RemoveDriver {
        /// ID of the order on the taxi server; positive.
        id: i64,
    },
    /// `send_sms`: sends an SMS through the server's SMS channels.
    SendSms {
        /// Sender name: Latin letters and digits only, at most 11.
        from: String,
        /// Recipient's phone, 11 digits (e.g. `79001112233`).
        phone: String,
        /// The message text; required.
        msg: String,
    },
    /// `send_voice_code`: reads a numeric code to the phone by voice call.
    SendVoiceCode {
        /// Recipient's phone, 11 digits (e.g. `79001112233`).
        phone: String,
        /// The code to speak: digits only.
        code: String,
    },
    /// `add_driver_rating`: adds or takes away rating points (the operator needs the administration
    /// right).
    AddDriverRating {
        /// ID of the driver whose rating changes.
        driver_id: i64,
        /// Negative to take points away.
        points: i64,
        /// How long the points count, in whole hours.
        lifetime_hours: i64,
        /// A comment on the rating entry; optional.
        #[serde(default)]
        comment: Option<String>,
    },
}

/// A request: the operator's credentials and the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// `operator_login`: the operator account created in the program; required.
    pub operator_login: String,
    /// `operator_password`: required; kept in [`Password`] so it never prints.
    pub operator_password: Password,
    /// The method and its parameters (`method` tag beside the credentials).
    #[serde(flatten)]
    pub call: Call,
}

/// UNIX seconds above this are taken for milliseconds (year 5138 in seconds).
const MAX_UNIX_SECONDS: i64 = 99_999_999_999;

impl Request {
    /// Parses `{"method": "add_order", "operator_login": …, "operator_password": …, …}`.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        crate::payload::expect_object(text)?;
        serde_json::from_str(text)
    }

    /// The answer Taxomet gives to this request with these errors, in its shape:
    /// `{"result": "1"|"0", "error", "order_id", "method", "errors": [{"param", "code",
    /// "message"}]}` (see [`Validation::answer_json`]) — Taxomet names a field a `param`,
    /// so the shared [`FieldError`] is written under that key here.
    pub fn response_json(&self, errs: &[FieldError]) -> serde_json::Value {
        Validation {
            method: Some(self.method_name()),
            request: Some(self.clone()),
            errors: errs.to_vec(),
        }
        .answer_json()
    }

    /// The id of the order this request is about (`cancel_order`, `get_order`,
    /// `set_driver`, `remove_driver`); `None` for the others.
    pub fn order_id(&self) -> Option<i64> {
        match self.call {
            Call::CancelOrder { id }
            | Call::GetOrder { id }
            | Call::RemoveDriver { id }
            | Call::SetDriver { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The API method this request calls (`add_order`, `send_sms`, ...).
    pub fn method_name(&self) -> &'static str {
        match self.call {
            Call::AddOrder { .. } => "add_order",
            Call::CancelOrder { .. } => "cancel_order",
            Call::GetOrder { .. } => "get_order",
            Call::SetDriver { .. } => "set_driver",
            Call::RemoveDriver { .. } => "remove_driver",
            Call::SendSms { .. } => "send_sms",
            Call::SendVoiceCode { .. } => "send_voice_code",
            Call::AddDriverRating { .. } => "add_driver_rating",
        }
    }

    /// The tariff of an `add_order`.
    pub fn tariff(&self) -> Option<Tariff> {
        match self.call {
            Call::AddOrder { tarif_id: -1, .. } => Some(Tariff::Auto),
            Call::AddOrder { tarif_id, .. } => Some(Tariff::Id(tarif_id)),
            _ => None,
        }
    }

    /// Every parameter Taxomet would refuse. Messages never contain the password, and
    /// phones only masked.
    ///
    /// ```
    /// use courier_rules::taxomet::Request;
    /// let r = Request::from_json(r#"{"method":"send_sms","operator_login":"my-api",
    ///     "operator_password":"s3cret","from":"taxomet_ru!","phone":"79670001122","msg":"test"}"#).unwrap();
    /// let errs = r.validate();
    /// assert_eq!(errs.len(), 1);
    /// assert_eq!(errs[0].field, "from");
    /// assert!(!format!("{r:?}").contains("s3cret"));
    /// ```
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.operator_login.trim().is_empty() {
            e.push(FieldError::new("operator_login", "required", "required"));
        }
        if self.operator_password.0.is_empty() {
            e.push(FieldError::new("operator_password", "required", "required"));
        }
        match &self.call {
            Call::AddOrder {
                unit_id,
                tarif_id,
                phone,
                to,
                car_option,
                fix_price,
                order_time,
                print_receipt,
                ..
            } => {
                positive(&mut e, "unit_id", *unit_id);
                if *tarif_id != -1 && *tarif_id < 1 {
                    e.push(FieldError::new(
                        "tarif_id",
                        "tariff",
                        "a tariff id, or -1 to let the server choose",
                    ));
                }
                let digits = phone.strip_prefix('+').unwrap_or("");
                if !phone.starts_with('+') {
                    e.push(FieldError::new("phone", "plus", "must start with +"));
                } else if !(10..=15).contains(&digits.len())
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    e.push(FieldError::new(
                        "phone",
                        "phone_format",
                        "+ followed by 10 to 15 digits",
                    ));
                }
                if to.is_empty() {
                    e.push(FieldError::new(
                        "to[]",
                        "required",
                        "at least one address: the origin",
                    ));
                }
                if to.iter().any(|a| a.trim().is_empty()) {
                    e.push(FieldError::new(
                        "to[]",
                        "blank_address",
                        "an address is blank",
                    ));
                }
                if car_option.iter().any(|o| *o < 1) {
                    e.push(FieldError::new(
                        "car_option[]",
                        "positive",
                        "option ids are positive",
                    ));
                }
                if fix_price.is_some_and(|p| p.is_sign_negative() && !p.is_zero()) {
                    e.push(FieldError::new(
                        "fix_price",
                        "negative",
                        "must be ≥ 0 (0 or absent: metered)",
                    ));
                }
                match order_time {
                    Some(t) if *t <= 0 => e.push(FieldError::new(
                        "order_time",
                        "unix_time",
                        "UNIX seconds, positive",
                    )),
                    Some(t) if *t > MAX_UNIX_SECONDS => e.push(FieldError::new(
                        "order_time",
                        "unix_time",
                        "UNIX seconds expected, this looks like milliseconds",
                    )),
                    _ => {}
                }
                if print_receipt.is_some_and(|r| r != 0 && r != 1) {
                    e.push(FieldError::new(
                        "print_receipt",
                        "zero_or_one",
                        "must be 0 or 1",
                    ));
                }
            }
            Call::CancelOrder { id } | Call::GetOrder { id } | Call::RemoveDriver { id } => {
                positive(&mut e, "id", *id)
            }
            Call::SetDriver {
                id,
                driver_id,
                boarding_time,
            } => {
                positive(&mut e, "id", *id);
                positive(&mut e, "driver_id", *driver_id);
                if let Some(b) = boarding_time {
                    positive(&mut e, "boarding_time", *b);
                }
            }
            Call::SendSms { from, phone, msg } => {
                if from.is_empty()
                    || from.len() > 11
                    || !from.bytes().all(|b| b.is_ascii_alphanumeric())
                {
                    e.push(FieldError::new(
                        "from",
                        "sender",
                        "1 to 11 Latin letters and digits",
                    ));
                }
                eleven_digits(&mut e, phone);
                if msg.trim().is_empty() {
                    e.push(FieldError::new("msg", "required", "required"));
                }
            }
            Call::SendVoiceCode { phone, code } => {
                eleven_digits(&mut e, phone);
                if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                    e.push(FieldError::new("code", "digits_only", "digits only"));
                }
            }
            Call::AddDriverRating {
                driver_id,
                lifetime_hours,
                comment,
                ..
            } => {
                positive(&mut e, "driver_id", *driver_id);
                // The seed says only "целое число (количество часов)"; a lifetime of zero
                // or fewer hours would add points that never count, so it must be ≥ 1
                // (decision, docs/carriers.md).
                positive(&mut e, "lifetime_hours", *lifetime_hours);
                // Not marked optional in the seed (unlike add_order's comment): required.
                if comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
                    e.push(FieldError::new(
                        "comment",
                        "required",
                        "required (the seed does not mark it optional)",
                    ));
                }
            }
        }
        e
    }

    /// The query parameters in the API's order, the password included.
    fn params(&self, password: &str) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("operator_login", self.operator_login.clone()),
            ("operator_password", password.to_string()),
        ];
        let opt = |q: &mut Vec<(&'static str, String)>, k, v: &Option<String>| {
            if let Some(v) = v {
                q.push((k, v.clone()));
            }
        };
        match &self.call {
            Call::AddOrder {
                unit_id,
                tarif_id,
                phone,
                to,
                car_option,
                fix_price,
                extern_id,
                order_time,
                print_receipt,
                client_name,
                comment,
            } => {
                q.push(("unit_id", unit_id.to_string()));
                q.push(("tarif_id", tarif_id.to_string()));
                q.push(("phone", phone.clone()));
                q.extend(to.iter().map(|a| ("to[]", a.clone())));
                q.extend(car_option.iter().map(|o| ("car_option[]", o.to_string())));
                opt(
                    &mut q,
                    "fix_price",
                    &fix_price.map(|p| p.normalize().to_string()),
                );
                opt(&mut q, "extern_id", extern_id);
                opt(&mut q, "order_time", &order_time.map(|t| t.to_string()));
                opt(
                    &mut q,
                    "print_receipt",
                    &print_receipt.map(|t| t.to_string()),
                );
                opt(&mut q, "client_name", client_name);
                opt(&mut q, "comment", comment);
            }
            Call::CancelOrder { id } | Call::GetOrder { id } | Call::RemoveDriver { id } => {
                q.push(("id", id.to_string()))
            }
            Call::SetDriver {
                id,
                driver_id,
                boarding_time,
            } => {
                q.push(("id", id.to_string()));
                q.push(("driver_id", driver_id.to_string()));
                opt(
                    &mut q,
                    "boarding_time",
                    &boarding_time.map(|t| t.to_string()),
                );
            }
            Call::SendSms { from, phone, msg } => {
                q.push(("from", from.clone()));
                q.push(("phone", phone.clone()));
                q.push(("msg", msg.clone()));
            }
            Call::SendVoiceCode { phone, code } => {
                q.push(("phone", phone.clone()));
                q.push(("code", code.clone()));
            }
            Call::AddDriverRating {
                driver_id,
                points,
                lifetime_hours,
                comment,
            } => {
                q.push(("driver_id", driver_id.to_string()));
                q.push(("points", points.to_string()));
                q.push(("lifetime_hours", lifetime_hours.to_string()));
                opt(&mut q, "comment", comment);
            }
        }
        q
    }

    /// The full URL with the password — for the HTTP client only, never for a log.
    ///
    /// ```
    /// use courier_rules::taxomet::Request;
    /// let r = Request::from_json(r#"{"method":"cancel_order","operator_login":"my-api","operator_password":"p&w","id":10}"#).unwrap();
    /// assert_eq!(r.url("https://test.taxomet.ru"), "https://test.taxomet.ru/api/v1/cancel_order?operator_login=my-api&operator_password=p%26w&id=10");
    /// assert_eq!(r.redacted_url("https://test.taxomet.ru"), "https://test.taxomet.ru/api/v1/cancel_order?operator_login=my-api&operator_password=***&id=10");
    /// ```
    pub fn url(&self, base: &str) -> String {
        self.build_url(base, self.operator_password.expose())
    }

    /// The URL with the password replaced by `***`, for logs.
    pub fn redacted_url(&self, base: &str) -> String {
        self.build_url(base, "***")
    }

    fn build_url(&self, base: &str, password: &str) -> String {
        let mut url = format!(
            "{}/api/v1/{}?",
            base.trim_end_matches('/'),
            self.method_name()
        );
        for (i, (k, v)) in self.params(password).iter().enumerate() {
            if i > 0 {
                url.push('&');
            }
            url.push_str(k);
            url.push('=');
            if password == "***" && *k == "operator_password" {
                url.push_str("***");
            } else {
                percent_encode(&mut url, v);
            }
        }
        url
    }
}

fn positive(e: &mut Vec<FieldError>, field: &'static str, v: i64) {
    if v < 1 {
        e.push(FieldError::new(
            field,
            "positive",
            "must be a positive integer",
        ));
    }
}

fn eleven_digits(e: &mut Vec<FieldError>, phone: &str) {
    if phone.len() != 11 || !phone.bytes().all(|b| b.is_ascii_digit()) {
        e.push(FieldError::new(
            "phone",
            "eleven_digits",
            format!(
                "11 digits, e.g. 79001112233 (got {})",
                crate::mask::phone(phone)
            ),
        ));
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept; UTF-8 bytes).
fn percent_encode(out: &mut String, v: &str) {
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// A successful reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    /// The order's id when the method returns one (`add_order`, `cancel_order`, …).
    pub order_id: Option<String>,
    /// Any further fields (`get_order`: `status`, `driver_id`, …), by name.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A reply that is not a success.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Not JSON (serde_json's message).
    #[error("taxomet reply is not JSON: {0}")]
    Malformed(String),
    /// A key every reply has is missing (the key).
    #[error("taxomet reply lacks {0:?}")]
    Missing(&'static str),
    /// `result` is not `1`: Taxomet refused, with its text.
    #[error("taxomet refused (result {result}): {error}")]
    Refused {
        /// `result` as Taxomet sent it.
        result: String,
        /// Taxomet's `error` text.
        error: String,
    },
}

impl ReplyError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            ReplyError::Malformed { .. } => "malformed_reply",
            ReplyError::Missing { .. } => "missing_field",
            ReplyError::Refused { .. } => "refused",
        }
    }
}

/// Parses a reply: success only when `result` is `"1"` (or the number 1).
///
/// ```
/// use courier_rules::taxomet::{parse_reply, ReplyError};
/// let ok = parse_reply(r#"{"result":"1", "error":"", "order_id":"2342"}"#).unwrap();
/// assert_eq!(ok.order_id.as_deref(), Some("2342"));
/// let refused = parse_reply(r#"{"result":"0", "error":"Нет такого тарифа", "order_id":"0"}"#);
/// assert!(matches!(refused, Err(ReplyError::Refused { .. })));
/// ```
pub fn parse_reply(text: &str) -> Result<Reply, ReplyError> {
    let mut map: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| ReplyError::Malformed(e.to_string()))?;
    let result = map.remove("result").ok_or(ReplyError::Missing("result"))?;
    let error = map.remove("error").ok_or(ReplyError::Missing("error"))?;
    let as_text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let result = as_text(&result);
    if result.trim() != "1" {
        return Err(ReplyError::Refused {
            result,
            error: as_text(&error),
        });
    }
    let order_id = map
        .remove("order_id")
        .map(|v| as_text(&v))
        .filter(|s| !s.is_empty() && s != "0");
    Ok(Reply {
        order_id,
        extra: map,
    })
}
