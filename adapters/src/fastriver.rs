//! Fastriver (seed 001): the partner JSON:API — token authentication, delivery requests
//! (create, read, list, patch, cancel, confirm, reject), time intervals (v1 and v2, with
//! and without a request), document upload and the reference lists.
//!
//! **Tokens.** `POST authentications` gives a token and its `expires_at`; the client
//! refreshes it (`GET authentications`) when less than `refresh_margin_secs` remain,
//! logs in again when the refresh is refused, and on a 401 from any call drops the
//! token, logs in once and repeats the call once. [`FastriverClient::logout`] ends it.
//! The password and every token are [`Secret`]s and scrubbed from errors.
//!
//! **Accepted or not.** Fastriver answers a creation with 200 even when the request is
//! invalid, listing `validation_errors`: such an answer is an [`Error::Rejected`] with
//! one issue per message (the request's uuid in the message, to PATCH it). Requests are
//! checked by `courier-rules`' `validate_request` first when the caller gives the
//! partner configuration. 429 ("the same request is running") on slot queries is retried
//! after a pause by the transport (they are reads).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::error::{Error, FieldIssue};
use crate::rules_api::{validate_fastriver_request, FastriverRequest, PartnerConfig};
use crate::secret::{percent_encode, Secret};
use crate::transport::{Auth, Call, Response, Transport, TransportConfig};

/// The client's configuration (see `data/adapters/fastriver.toml`). The host is
/// configuration: the seed names `api.fastriver.ru` and `api.rocket-delivery.ru`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FastriverConfig {
    /// Base URL including the prefix, e.g. `https://api.fastriver.ru/api/partner`.
    pub transport: TransportConfig,
    pub login: String,
    pub password_env: String,
    /// Refresh the token when fewer seconds than this remain.
    #[serde(default = "default_margin")]
    pub refresh_margin_secs: i64,
}

fn default_margin() -> i64 {
    300
}

/// A delivery request as Fastriver returns it (`data.attributes`, plus `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRequestState {
    pub uuid: String,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub delivery_status: Option<String>,
    #[serde(default)]
    pub validation_errors: BTreeMap<String, Vec<String>>,
    /// Every other attribute, as sent (personal data arrives obfuscated by Fastriver).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A page of `GET delivery_requests`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestPage {
    pub requests: Vec<DeliveryRequestState>,
    pub total: u64,
}

/// Filters of `GET delivery_requests` (`filter[…]`), all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListFilter {
    pub city: Option<String>,
    pub date_gte: Option<String>,
    pub date_lte: Option<String>,
    pub request_date_gte: Option<String>,
    pub request_date_lte: Option<String>,
    pub external_id: Option<String>,
    pub status: Option<String>,
    pub delivery_status: Option<String>,
    pub demo: Option<bool>,
    pub addressee: Option<String>,
    pub product_id: Option<String>,
    pub created_by_id: Option<i64>,
}

/// A meeting moved (v2 `transfer_delivery`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The reason's code, e.g. `transfer_before_meeting`.
    pub reason: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// The new date, when agreed with the client.
    #[serde(default)]
    pub next_date: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// A time interval (v2 adds `available`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub id: i64,
    /// Minutes from midnight (600 = 10:00).
    pub from: u16,
    pub to: u16,
    #[serde(default)]
    pub code: Option<String>,
    pub name: String,
    #[serde(default)]
    pub available: Option<bool>,
}

/// The days and slots of an availability check without a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDate {
    pub date: String,
    pub time_intervals: Vec<Slot>,
}

/// Where to look for slots: coordinates or an address, a date, a product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlotQuery {
    pub date: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub product: Option<String>,
}

/// The API version of a slot query: v1 lists free slots, v2 all with `available`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    V2,
}

impl ApiVersion {
    fn header(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V2 => "v2",
        }
    }
}

/// The reference lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    Products,
    PhotoTypes,
    CancelReasons,
    RejectReasons,
    Cities,
    DeliveryRequestStatuses,
    DeliveryStatuses,
}

impl Reference {
    pub const ALL: [Reference; 7] = [
        Reference::Products,
        Reference::PhotoTypes,
        Reference::CancelReasons,
        Reference::RejectReasons,
        Reference::Cities,
        Reference::DeliveryRequestStatuses,
        Reference::DeliveryStatuses,
    ];

    /// The list named by its slug (`cities`).
    pub fn from_slug(slug: &str) -> Option<Reference> {
        Reference::ALL.into_iter().find(|r| r.slug() == slug)
    }

    pub fn slug(self) -> &'static str {
        match self {
            Reference::Products => "products",
            Reference::PhotoTypes => "photo_types",
            Reference::CancelReasons => "cancel_reasons",
            Reference::RejectReasons => "reject_reasons",
            Reference::Cities => "cities",
            Reference::DeliveryRequestStatuses => "delivery_request_statuses",
            Reference::DeliveryStatuses => "delivery_statuses",
        }
    }
}

/// One element of a JSON:API list: `id`, `type` and its attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: Value,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub attributes: Value,
}

/// A JSON:API document: the answer's payload under `data`.
#[derive(Deserialize)]
struct Document<T> {
    data: T,
}

/// A JSON:API element read for its `id` and attributes.
#[derive(Deserialize)]
struct Element<T> {
    id: String,
    attributes: T,
}

/// A JSON:API element read for its attributes alone.
#[derive(Deserialize)]
struct Attributes<T> {
    attributes: T,
}

#[derive(Debug, Clone)]
struct Token {
    value: Secret,
    expires_at: i64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    token: String,
    expires_at: i64,
}

type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The Fastriver client; clones share the token.
#[derive(Clone)]
pub struct FastriverClient {
    transport: Transport,
    login: String,
    password: Secret,
    margin: i64,
    token: Arc<Mutex<Option<Token>>>,
    clock: Clock,
}

impl std::fmt::Debug for FastriverClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastriverClient")
            .field("transport", &self.transport)
            .field("login", &self.login)
            .field("password", &self.password)
            .finish_non_exhaustive()
    }
}

const CARRIER: &str = "fastriver";

/// A JSON value without its `null` members: a PATCH sends only what changes.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

impl FastriverClient {
    pub fn new(config: &FastriverConfig, password: Secret) -> Result<Self, Error> {
        Ok(FastriverClient {
            transport: Transport::new(CARRIER, &config.transport, vec![password.clone()])?,
            login: config.login.clone(),
            password,
            margin: config.refresh_margin_secs,
            token: Arc::new(Mutex::new(None)),
            clock: Arc::new(Utc::now),
        })
    }

    /// The same client reading time from `clock` (tests, replays).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// [`Self::error`] for an answer to a call that carried `token`: the token is not
    /// among the transport's fixed secrets (it changes), so it is scrubbed here first.
    fn error_without(&self, operation: &str, resp: Response, token: &Secret) -> Error {
        let scrubbed = Response {
            body: crate::secret::redact(&resp.body, std::slice::from_ref(token)),
            ..resp
        };
        self.error(operation, &scrubbed)
    }

    fn error(&self, operation: &str, resp: &Response) -> Error {
        if resp.status == 401 || resp.status == 403 {
            return Error::Unauthorized {
                operation: operation.into(),
                status: resp.status,
            };
        }
        let body: Option<Value> = serde_json::from_str(&resp.body).ok();
        match body.as_ref().and_then(|b| b.get("error")) {
            Some(e) => Error::Rejected {
                operation: operation.into(),
                carrier: CARRIER,
                status: resp.status,
                error: format!("http_{}", resp.status),
                message: self.transport.redact(e.as_str().unwrap_or(&e.to_string())),
                issues: Vec::new(),
            },
            None => Error::Http {
                operation: operation.into(),
                status: resp.status,
                body_excerpt: self.transport.excerpt(&resp.body),
            },
        }
    }

    fn remember(&self, t: &TokenAnswer) -> Token {
        Token {
            value: Secret::new(t.token.clone()),
            expires_at: t.expires_at,
        }
    }

    async fn token_call(
        &self,
        call: Call<'_>,
        secret_hint: Option<&Secret>,
    ) -> Result<Token, Error> {
        let op = call.operation;
        let resp = self.transport.send(&call).await?;
        if !resp.is_success() {
            return Err(match secret_hint {
                Some(token) => self.error_without(op, resp, token),
                None => self.error(op, &resp),
            });
        }
        let answer: TokenAnswer = serde_json::from_str(&resp.body).map_err(|e| {
            let mut text = self.transport.redact(&e.to_string());
            if let Some(s) = secret_hint {
                text = crate::secret::redact(&text, std::slice::from_ref(s));
            }
            Error::malformed(op, text)
        })?;
        Ok(self.remember(&answer))
    }

    /// Logs in (`POST authentications`).
    pub async fn login(&self) -> Result<(), Error> {
        let body = json!({"login": self.login, "password": self.password.expose()});
        let call = Call::new("authentications.create", Method::POST, "/authentications")
            .header("x-api-version", "v1")
            .header("accept", "application/json")
            .json(&body)?;
        let t = self.token_call(call, None).await?;
        *self.token.lock().await = Some(t);
        Ok(())
    }

    /// A valid token: the current one, refreshed when it is about to expire, or a new
    /// login.
    async fn bearer(&self) -> Result<Secret, Error> {
        let now = (self.clock)().timestamp();
        let current = self.token.lock().await.clone();
        match current {
            Some(t) if t.expires_at - now > self.margin => Ok(t.value),
            Some(t) if t.expires_at > now => {
                let call = Call::new("authentications.refresh", Method::GET, "/authentications")
                    .header("x-api-version", "v1")
                    .header("accept", "application/json")
                    .auth(Auth::Bearer(&t.value));
                match self.token_call(call, Some(&t.value)).await {
                    Ok(fresh) => {
                        let value = fresh.value.clone();
                        *self.token.lock().await = Some(fresh);
                        Ok(value)
                    }
                    Err(Error::Unauthorized { .. }) => self.relogin().await,
                    Err(e) => Err(e),
                }
            }
            _ => self.relogin().await,
        }
    }

    async fn relogin(&self) -> Result<Secret, Error> {
        self.login().await?;
        self.token
            .lock()
            .await
            .as_ref()
            .map(|t| t.value.clone())
            .ok_or_else(|| Error::Config("fastriver: no token after login".into()))
    }

    /// Logs out (`DELETE authentications`) and forgets the token.
    pub async fn logout(&self) -> Result<(), Error> {
        let Some(t) = self.token.lock().await.take() else {
            return Ok(());
        };
        let call = Call::new("authentications.delete", Method::DELETE, "/authentications")
            .header("x-api-version", "v1")
            .auth(Auth::Bearer(&t.value));
        let resp = self.transport.send(&call).await?;
        if resp.is_success() || resp.status == 401 {
            Ok(())
        } else {
            Err(self.error_without(call.operation, resp, &t.value))
        }
    }

    /// Sends an authenticated call; on a 401 logs in again and repeats it once.
    async fn authed(
        &self,
        operation: &str,
        method: Method,
        path: String,
        version: ApiVersion,
        body: Option<(&'static str, Vec<u8>)>,
        once: bool,
    ) -> Result<Response, Error> {
        for attempt in 0..2 {
            let token = if attempt == 0 {
                self.bearer().await?
            } else {
                self.relogin().await?
            };
            let mut call = Call::new(operation, method.clone(), path.clone())
                .header("x-api-version", version.header())
                .header("accept", "application/json")
                .auth(Auth::Bearer(&token));
            if let Some((ct, b)) = &body {
                call = call.body(ct, b.clone());
            }
            if once {
                call = call.once();
            }
            let resp = self.transport.send(&call).await?;
            if resp.status == 401 && attempt == 0 {
                tracing::info!(operation, "token refused, logging in again");
                *self.token.lock().await = None;
                continue;
            }
            if !resp.is_success() {
                return Err(self.error_without(operation, resp, &token));
            }
            return Ok(resp);
        }
        Err(Error::Unauthorized {
            operation: operation.into(),
            status: 401,
        })
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        operation: &str,
        body: &str,
    ) -> Result<T, Error> {
        serde_json::from_str(body)
            .map_err(|e| Error::malformed(operation, self.transport.redact(&e.to_string())))
    }

    /// The `data` of a JSON:API document: every answer of this API is wrapped so.
    fn data<T: serde::de::DeserializeOwned>(
        &self,
        operation: &str,
        body: &str,
    ) -> Result<T, Error> {
        Ok(self.decode::<Document<T>>(operation, body)?.data)
    }

    fn one_request(&self, operation: &str, body: &str) -> Result<DeliveryRequestState, Error> {
        self.request_state(operation, self.data(operation, body)?)
    }

    /// A delivery request's state from its JSON:API element: the `id` is its `uuid`
    /// where the attributes do not repeat it.
    fn request_state(
        &self,
        operation: &str,
        data: Element<serde_json::Map<String, Value>>,
    ) -> Result<DeliveryRequestState, Error> {
        let mut attrs = data.attributes;
        attrs.entry("uuid").or_insert(Value::String(data.id));
        if attrs.get("validation_errors").is_some_and(Value::is_null) {
            attrs.remove("validation_errors");
        }
        serde_json::from_value(Value::Object(attrs)).map_err(|e| Error::malformed(operation, e))
    }

    /// An answer whose `validation_errors` is not empty is not an accepted request.
    fn accepted(
        &self,
        operation: &str,
        status: u16,
        r: DeliveryRequestState,
    ) -> Result<DeliveryRequestState, Error> {
        if r.validation_errors.is_empty() {
            return Ok(r);
        }
        let issues = r
            .validation_errors
            .iter()
            .flat_map(|(field, msgs)| {
                msgs.iter()
                    .map(move |m| FieldIssue::new(field.clone(), "validation_error", m.clone()))
            })
            .collect();
        Err(Error::Rejected {
            operation: operation.into(),
            carrier: CARRIER,
            status,
            error: "validation_errors".into(),
            message: format!("request {} is not accepted; PATCH it", r.uuid),
            issues,
        })
    }

    fn local_check(
        operation: &str,
        request: &FastriverRequest,
        partner: Option<(&PartnerConfig, DateTime<Utc>)>,
    ) -> Result<(), Error> {
        let Some((cfg, now)) = partner else {
            return Ok(());
        };
        let errors = validate_fastriver_request(request, cfg, now);
        if errors.is_empty() {
            return Ok(());
        }
        Err(Error::LocalRefusal {
            operation: operation.into(),
            issues: errors
                .errors
                .into_iter()
                .map(|e| FieldIssue::new(e.field, e.code, e.message))
                .collect(),
        })
    }

    fn document(request: &FastriverRequest) -> Vec<u8> {
        let attrs = without_nulls(serde_json::to_value(request).unwrap_or(Value::Null));
        serde_json::to_vec(&json!({"data": {"attributes": attrs}})).unwrap_or_default()
    }

    /// Creates a delivery request (sent once), after the rules' validation when
    /// `partner` (the partner configuration and the instant) is given.
    pub async fn create(
        &self,
        request: &FastriverRequest,
        partner: Option<(&PartnerConfig, DateTime<Utc>)>,
    ) -> Result<DeliveryRequestState, Error> {
        const OP: &str = "delivery_requests.create";
        Self::local_check(OP, request, partner)?;
        let body = Self::document(request);
        let resp = self
            .authed(
                OP,
                Method::POST,
                "/delivery_requests".into(),
                ApiVersion::V1,
                Some(("application/json", body)),
                true,
            )
            .await?;
        let r = self.one_request(OP, &resp.body)?;
        self.accepted(OP, resp.status, r)
    }

    /// Updates the fields given (absent ones are left alone); sent once.
    pub async fn patch(
        &self,
        uuid: &str,
        changes: &FastriverRequest,
    ) -> Result<DeliveryRequestState, Error> {
        const OP: &str = "delivery_requests.patch";
        let path = format!("/delivery_requests/{}", percent_encode(uuid));
        let resp = self
            .authed(
                OP,
                Method::PATCH,
                path,
                ApiVersion::V1,
                Some(("application/json", Self::document(changes))),
                true,
            )
            .await?;
        let r = self.one_request(OP, &resp.body)?;
        self.accepted(OP, resp.status, r)
    }

    /// One request with its status.
    pub async fn get(&self, uuid: &str) -> Result<DeliveryRequestState, Error> {
        const OP: &str = "delivery_requests.get";
        let path = format!("/delivery_requests/{}", percent_encode(uuid));
        let resp = self
            .authed(OP, Method::GET, path, ApiVersion::V1, None, false)
            .await?;
        self.one_request(OP, &resp.body)
    }

    /// A page (1-based, 20 a page) of requests matching `filter`.
    pub async fn list(&self, filter: &ListFilter, page: u32) -> Result<RequestPage, Error> {
        const OP: &str = "delivery_requests.list";
        let mut q = Vec::new();
        if let Value::Object(m) = without_nulls(serde_json::to_value(filter).unwrap_or(Value::Null))
        {
            for (k, v) in m {
                let v = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                q.push(format!("filter%5B{k}%5D={}", percent_encode(&v)));
            }
        }
        q.push(format!("page={page}"));
        let path = format!("/delivery_requests?{}", q.join("&"));
        let resp = self
            .authed(OP, Method::GET, path, ApiVersion::V1, None, false)
            .await?;
        #[derive(Deserialize)]
        struct Doc {
            data: Vec<Element<serde_json::Map<String, Value>>>,
            #[serde(default)]
            meta: Option<Meta>,
        }
        #[derive(Deserialize)]
        struct Meta {
            total: u64,
        }
        let doc: Doc = self.decode(OP, &resp.body)?;
        let total = doc.meta.map_or(doc.data.len() as u64, |m| m.total);
        let mut requests = Vec::new();
        for d in doc.data {
            requests.push(self.request_state(OP, d)?);
        }
        Ok(RequestPage { requests, total })
    }

    async fn with_reason(
        &self,
        operation: &str,
        method: Method,
        path: String,
        attrs: Value,
    ) -> Result<DeliveryRequestState, Error> {
        let body = serde_json::to_vec(&json!({"data": {"attributes": without_nulls(attrs)}}))
            .unwrap_or_default();
        let resp = self
            .authed(
                operation,
                method,
                path,
                ApiVersion::V1,
                Some(("application/json", body)),
                true,
            )
            .await?;
        self.one_request(operation, &resp.body)
    }

    /// Cancels a request (`DELETE delivery_requests/:uuid` with the reason).
    pub async fn cancel(
        &self,
        uuid: &str,
        reason_code: &str,
        comment: Option<&str>,
    ) -> Result<DeliveryRequestState, Error> {
        let path = format!("/delivery_requests/{}", percent_encode(uuid));
        let attrs = json!({"cancel_reason_code": reason_code, "cancel_reason_comment": comment});
        self.with_reason("delivery_requests.cancel", Method::DELETE, path, attrs)
            .await
    }

    /// Confirms the execution of a request.
    pub async fn confirm(&self, uuid: &str) -> Result<DeliveryRequestState, Error> {
        let path = format!("/delivery_requests/{}/confirm", percent_encode(uuid));
        self.with_reason("delivery_requests.confirm", Method::PATCH, path, json!({}))
            .await
    }

    /// Rejects the execution of a request, with the reason.
    pub async fn reject(
        &self,
        uuid: &str,
        reason_code: &str,
        comment: Option<&str>,
    ) -> Result<DeliveryRequestState, Error> {
        let path = format!("/delivery_requests/{}/reject", percent_encode(uuid));
        let attrs = json!({"reject_reason_code": reason_code, "reject_reason_comment": comment});
        self.with_reason("delivery_requests.reject", Method::PATCH, path, attrs)
            .await
    }

    fn slot_query(q: &SlotQuery) -> String {
        let mut parts = Vec::new();
        if let Value::Object(m) = without_nulls(serde_json::to_value(q).unwrap_or(Value::Null)) {
            for (k, v) in m {
                let v = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                parts.push(format!("{k}={}", percent_encode(&v)));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The slots of a request (v1: free ones; v2: all, with `available`).
    pub async fn request_slots(
        &self,
        uuid: &str,
        query: &SlotQuery,
        version: ApiVersion,
    ) -> Result<Vec<Slot>, Error> {
        const OP: &str = "delivery_requests.time_intervals";
        let path = format!(
            "/delivery_requests/{}/time_intervals{}",
            percent_encode(uuid),
            Self::slot_query(query)
        );
        let resp = self
            .authed(OP, Method::GET, path, version, None, false)
            .await?;
        let items: Vec<Attributes<Slot>> = self.data(OP, &resp.body)?;
        Ok(items.into_iter().map(|i| i.attributes).collect())
    }

    /// Availability without a request: the next days and their slots.
    pub async fn availability(
        &self,
        query: &SlotQuery,
        version: ApiVersion,
    ) -> Result<Vec<DeliveryDate>, Error> {
        const OP: &str = "time_intervals.availability";
        let path = format!(
            "/delivery_requests/time_intervals{}",
            Self::slot_query(query)
        );
        let resp = self
            .authed(OP, Method::GET, path, version, None, false)
            .await?;
        let items: Vec<Attributes<DeliveryDate>> = self.data(OP, &resp.body)?;
        Ok(items.into_iter().map(|i| i.attributes).collect())
    }

    /// Uploads a printed form (pdf, docx) for a validated request, as multipart data.
    pub async fn upload_document(
        &self,
        uuid: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        external_id: Option<&str>,
    ) -> Result<Resource, Error> {
        const OP: &str = "delivery_requests.document";
        const BOUNDARY: &str = "courier-adapters-boundary-7d1f0c";
        let safe_name: String = file_name
            .chars()
            .filter(|c| !matches!(c, '"' | '\r' | '\n'))
            .collect();
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{safe_name}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
        if let Some(id) = external_id {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"external_id\"\r\n\r\n{id}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let path = format!("/delivery_requests/{}/document", percent_encode(uuid));
        let resp = self
            .authed(
                OP,
                Method::POST,
                path,
                ApiVersion::V1,
                Some((
                    "multipart/form-data; boundary=courier-adapters-boundary-7d1f0c",
                    body,
                )),
                true,
            )
            .await?;
        self.data(OP, &resp.body)
    }

    /// Moves a meeting (v2, for partners delivering in their own application); the body
    /// is plain JSON as the seed shows it. Sent once.
    pub async fn transfer_delivery(
        &self,
        uuid: &str,
        transfer: &Transfer,
    ) -> Result<DeliveryRequestState, Error> {
        const OP: &str = "delivery_requests.transfer_delivery";
        let path = format!(
            "/delivery_requests/{}/transfer_delivery",
            percent_encode(uuid)
        );
        let body = serde_json::to_vec(&without_nulls(
            serde_json::to_value(transfer).unwrap_or(Value::Null),
        ))
        .unwrap_or_default();
        let resp = self
            .authed(
                OP,
                Method::POST,
                path,
                ApiVersion::V2,
                Some(("application/json", body)),
                true,
            )
            .await?;
        self.one_request(OP, &resp.body)
    }

    /// Completes a meeting at the given place (v2). Sent once.
    pub async fn complete_delivery(
        &self,
        uuid: &str,
        lat: f64,
        lon: f64,
    ) -> Result<DeliveryRequestState, Error> {
        const OP: &str = "delivery_requests.complete_delivery";
        let path = format!(
            "/delivery_requests/{}/complete_delivery",
            percent_encode(uuid)
        );
        let body = serde_json::to_vec(&json!({"lat": lat, "lon": lon})).unwrap_or_default();
        let resp = self
            .authed(
                OP,
                Method::POST,
                path,
                ApiVersion::V2,
                Some(("application/json", body)),
                true,
            )
            .await?;
        self.one_request(OP, &resp.body)
    }

    /// Tells Fastriver the client asks to be called back (`POST …/call_please`); sent once.
    pub async fn call_please(&self, uuid: &str) -> Result<(), Error> {
        const OP: &str = "delivery_requests.call_please";
        let path = format!("/delivery_requests/{}/call_please", percent_encode(uuid));
        self.authed(OP, Method::POST, path, ApiVersion::V1, None, true)
            .await
            .map(|_| ())
    }

    /// The printed forms uploaded for a request (`GET package_documents` filtered by it).
    pub async fn package_documents(&self, uuid: &str) -> Result<Vec<Resource>, Error> {
        const OP: &str = "package_documents.list";
        let path = format!(
            "/package_documents?filter%5Bdelivery_request_uuid%5D={}",
            percent_encode(uuid)
        );
        let resp = self
            .authed(OP, Method::GET, path, ApiVersion::V1, None, false)
            .await?;
        self.data(OP, &resp.body)
    }

    /// One printed form.
    pub async fn package_document(&self, id: &str) -> Result<Resource, Error> {
        const OP: &str = "package_documents.get";
        let path = format!("/package_documents/{}", percent_encode(id));
        let resp = self
            .authed(OP, Method::GET, path, ApiVersion::V1, None, false)
            .await?;
        self.data(OP, &resp.body)
    }

    /// Deletes a printed form; sent once.
    pub async fn delete_package_document(&self, id: &str) -> Result<(), Error> {
        const OP: &str = "package_documents.delete";
        let path = format!("/package_documents/{}", percent_encode(id));
        self.authed(OP, Method::DELETE, path, ApiVersion::V1, None, true)
            .await
            .map(|_| ())
    }

    /// A reference list (products, cities, reasons, statuses).
    pub async fn reference(&self, list: Reference) -> Result<Vec<Resource>, Error> {
        let op = list.slug();
        let resp = self
            .authed(
                op,
                Method::GET,
                format!("/{op}"),
                ApiVersion::V1,
                None,
                false,
            )
            .await?;
        self.data(op, &resp.body)
    }
}
