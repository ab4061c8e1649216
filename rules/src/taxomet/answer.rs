//! The validation answer in Taxomet's own shape.
//!
//! Seed 004: "Параметры result, error, order_id всегда присутствуют в ответе" — `result`
//! is `"1"` on success, otherwise `error` holds the text and `order_id` is `"0"`. A
//! request checked before sending is answered the same way, so a caller reads our answer
//! as it would read Taxomet's:
//!
//! ```json
//! {"result": "0", "error": "unit_id: required", "order_id": "0",
//!  "method": "add_order", "errors": [{"param": "unit_id", "code": "required", "message": "required"}]}
//! ```
//!
//! A missing required parameter, or one of the wrong JSON type (`"points": 1.5`,
//! `"unit_id": "7"`), is a validation error naming the parameter, like Taxomet's own
//! refusal — not a parse failure. Only text that is not a JSON object is malformed input.
//!
//! `order_id` (decision): `"0"` whenever the answer is an error, as the seed says; on
//! success the id of the order the request is about (`cancel_order`, `get_order`,
//! `set_driver`, `remove_driver`: its `id`) and `"0"` otherwise — nothing is created by a
//! check. It is present for every method, although Taxomet's SMS, voice and rating
//! replies carry only `result` and `error`, so one reader handles every answer.

use serde_json::{Map, Value};

use super::Request;
use crate::field::FieldError;

/// What a parameter must be in the JSON form of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Text,
    /// A number or a decimal string (`fix_price`).
    Decimal,
    TextList,
    IntegerList,
}

impl Kind {
    fn fits(self, v: &Value) -> bool {
        match self {
            Kind::Integer => v.as_i64().is_some(),
            Kind::Text => v.is_string(),
            Kind::Decimal => {
                v.is_number() || v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok())
            }
            Kind::TextList => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            Kind::IntegerList => v
                .as_array()
                .is_some_and(|a| a.iter().all(|x| x.as_i64().is_some())),
        }
    }

    fn code(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Text => "text",
            Kind::Decimal => "number",
            Kind::TextList => "text_list",
            Kind::IntegerList => "integer_list",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Kind::Integer => "must be an integer",
            Kind::Text => "must be a string",
            Kind::Decimal => "must be a number",
            Kind::TextList => "must be a list of strings",
            Kind::IntegerList => "must be a list of integers",
        }
    }
}

/// One parameter of a method: its API name, the JSON keys it may come under, its kind
/// and whether the seed marks it optional.
struct Param {
    name: &'static str,
    keys: &'static [&'static str],
    kind: Kind,
    required: bool,
}

const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        keys: &[],
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        keys: &[],
        kind,
        required: false,
    }
}

const CREDENTIALS: [Param; 2] = [
    req("operator_login", Kind::Text),
    req("operator_password", Kind::Text),
];

/// The seed's parameter lists. A parameter is optional only where the seed says so
/// ("Необязательный параметр", "Параметр не обязательный").
fn params_of(method: &str) -> Option<&'static [Param]> {
    use Kind::*;
    const ADD_ORDER: [Param; 11] = [
        req("unit_id", Integer),
        req("tarif_id", Integer),
        req("phone", Text),
        Param {
            name: "to[]",
            keys: &["to[]", "to"],
            kind: TextList,
            required: true,
        },
        Param {
            name: "car_option[]",
            keys: &["car_option[]", "car_option"],
            kind: IntegerList,
            required: false,
        },
        opt("fix_price", Decimal),
        opt("extern_id", Text),
        opt("order_time", Integer),
        opt("print_receipt", Integer),
        opt("client_name", Text),
        opt("comment", Text),
    ];
    const ID: [Param; 1] = [req("id", Integer)];
    const SET_DRIVER: [Param; 3] = [
        req("id", Integer),
        req("driver_id", Integer),
        opt("boarding_time", Integer),
    ];
    const SEND_SMS: [Param; 3] = [req("from", Text), req("phone", Text), req("msg", Text)];
    const SEND_VOICE_CODE: [Param; 2] = [req("phone", Text), req("code", Text)];
    // `comment` is not marked optional in the seed, so it is required (decision, see
    // docs/carriers.md).
    const ADD_DRIVER_RATING: [Param; 4] = [
        req("driver_id", Integer),
        req("points", Integer),
        req("lifetime_hours", Integer),
        req("comment", Text),
    ];
    Some(match method {
        "add_order" => &ADD_ORDER,
        "cancel_order" | "get_order" | "remove_driver" => &ID,
        "set_driver" => &SET_DRIVER,
        "send_sms" => &SEND_SMS,
        "send_voice_code" => &SEND_VOICE_CODE,
        "add_driver_rating" => &ADD_DRIVER_RATING,
        _ => return None,
    })
}

/// The methods, for messages.
pub const METHODS: [&str; 8] = [
    "add_order",
    "cancel_order",
    "get_order",
    "set_driver",
    "remove_driver",
    "send_sms",
    "send_voice_code",
    "add_driver_rating",
];

/// The outcome of checking a request's JSON: the typed request when its parameters are
/// all present and of the right type, and every problem found.
#[derive(Debug, Clone)]
pub struct Validation {
    /// The method named by the request, when it is one of [`METHODS`].
    pub method: Option<&'static str>,
    /// The typed request; `None` when a parameter is missing or of the wrong type (then `errors`
    /// says which).
    pub request: Option<Request>,
    /// Every problem found, missing parameters and rule violations alike; empty when the request
    /// may be sent.
    pub errors: Vec<FieldError>,
}

/// A request text that is not a JSON object at all (malformed input, not a refusal).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a JSON object: {0}")]
pub struct NotAnObject(pub String);

impl Validation {
    /// Checks a request given as JSON: presence and type of every parameter (each
    /// missing or mistyped one named), then the rules of [`Request::validate`].
    ///
    /// ```
    /// use courier_rules::taxomet::Validation;
    /// let v = Validation::of_json(r#"{"method":"add_order","operator_login":"my-api",
    ///     "operator_password":"s3cret","tarif_id":-1,"phone":"+70001112233","to":["Сочи"]}"#).unwrap();
    /// let answer = v.answer_json();
    /// assert_eq!(answer["result"], "0");
    /// assert_eq!(answer["error"], "unit_id: required");
    /// assert_eq!(answer["order_id"], "0");
    /// ```
    pub fn of_json(text: &str) -> Result<Validation, NotAnObject> {
        let value: Value = serde_json::from_str(text).map_err(|e| NotAnObject(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(NotAnObject("the request must be a JSON object".into()));
        };
        Ok(Validation::of_map(map))
    }

    fn of_map(map: Map<String, Value>) -> Validation {
        let mut errors = Vec::new();
        for p in &CREDENTIALS {
            check_param(&map, p, &mut errors);
        }
        let method = match map.get("method") {
            None | Some(Value::Null) => {
                errors.push(FieldError::new(
                    "method",
                    "required",
                    format!("required: one of {}", METHODS.join(", ")),
                ));
                None
            }
            Some(Value::String(m)) => match METHODS.iter().find(|x| **x == m.as_str()) {
                Some(&found) => Some(found),
                None => {
                    errors.push(FieldError::new(
                        "method",
                        "unknown_method",
                        format!("one of {}", METHODS.join(", ")),
                    ));
                    None
                }
            },
            Some(_) => {
                errors.push(FieldError::new("method", "text", "must be a string"));
                None
            }
        };
        if let Some(params) = method.and_then(params_of) {
            for p in params {
                check_param(&map, p, &mut errors);
            }
        }
        let mut request = None;
        if errors.is_empty() {
            match serde_json::from_value::<Request>(Value::Object(map)) {
                Ok(r) => {
                    errors.extend(r.validate());
                    request = Some(r);
                }
                // Presence and types are checked above; anything left is a value serde
                // refuses (e.g. an integer beyond i64): name the request, never echo it.
                Err(e) => errors.push(FieldError::new(
                    "request",
                    "malformed",
                    format!("cannot be read: {}", first_clause(&e.to_string())),
                )),
            }
        }
        Validation {
            method,
            request,
            errors,
        }
    }

    /// Whether Taxomet would accept the request as far as we can tell.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The answer in Taxomet's shape: `result`, `error`, `order_id` always, plus
    /// `method` and the itemised `errors` (`param`, `code`, `message`).
    pub fn answer_json(&self) -> Value {
        let error = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let order_id = match (&self.request, self.is_valid()) {
            (Some(r), true) => r.order_id().map_or("0".to_string(), |id| id.to_string()),
            _ => "0".to_string(),
        };
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|e| serde_json::json!({"param": e.field, "code": e.code, "message": e.message}))
            .collect();
        serde_json::json!({
            "result": if self.is_valid() { "1" } else { "0" },
            "error": error,
            "order_id": order_id,
            "method": self.method,
            "errors": errors,
        })
    }
}

fn check_param(map: &Map<String, Value>, p: &Param, errors: &mut Vec<FieldError>) {
    let keys: &[&str] = if p.keys.is_empty() {
        std::slice::from_ref(&p.name)
    } else {
        p.keys
    };
    match keys
        .iter()
        .find_map(|k| map.get(*k).filter(|v| !v.is_null()))
    {
        None if p.required => errors.push(FieldError::new(p.name, "required", "required")),
        None => {}
        Some(v) if !p.kind.fits(v) => {
            errors.push(FieldError::new(p.name, p.kind.code(), p.kind.message()))
        }
        Some(_) => {}
    }
}

/// The first clause of a serde message, without the value it may quote.
fn first_clause(msg: &str) -> &str {
    msg.split([':', '`']).next().unwrap_or(msg).trim()
}
