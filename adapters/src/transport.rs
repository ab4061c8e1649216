//! The HTTP layer every adapter shares: base URL, timeouts, retries with jittered
//! backoff for idempotent calls only, one tracing span per call, and secret scrubbing.
//!
//! **Retries.** A call is retried only when the caller declares it [`Idempotency::Safe`]
//! (reads, price calculations, polls; or a write that carries an idempotency key), and
//! only on a timeout, a failed connection, 429 or 502/503/504. A non-idempotent call
//! (Aplix `PushOrder`, a ShipX shipment creation) is sent once: a timeout may mean the
//! carrier did the work, and a second attempt could create a second order.
//!
//! **Secrets.** The transport knows the client's secrets and scrubs them from every
//! body excerpt and error detail it produces; `reqwest` errors are reduced to their kind
//! (their `Display` names the URL, which for Taxomet carries the password). The span
//! records the operation, the method, the path *without* the query string, the status,
//! the attempt count and the latency — never a header or a body.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::Method;
use serde::Deserialize;
use tracing::Instrument;

use crate::error::Error;
use crate::secret::{redact, Secret};

/// When to retry, and how long to wait between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The first pause; doubled at each retry, with full jitter.
    pub base_delay_ms: u64,
    /// Cap on one pause (and on a `Retry-After` the server asks for).
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 200,
            max_delay_ms: 5_000,
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `retry` (1-based): a uniform draw in
    /// `[d/2, d]` with `d = min(base · 2^(retry-1), max)` ("equal jitter": never zero,
    /// so a 429 is always given a pause).
    pub fn delay(&self, retry: u32, jitter: &mut Jitter) -> Duration {
        let exp = self
            .base_delay_ms
            .saturating_mul(1u64 << (retry.saturating_sub(1)).min(20));
        let d = exp.min(self.max_delay_ms);
        let half = d / 2;
        Duration::from_millis(half + jitter.below(d - half + 1))
    }
}

/// A small xorshift generator for backoff jitter; seeded from the clock, so two clients
/// started together do not retry in lockstep. Not for anything secret.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn seeded(seed: u64) -> Self {
        Jitter(seed | 1)
    }

    fn from_clock() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Jitter::seeded(nanos ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// A draw in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        if n == 0 {
            0
        } else {
            x % n
        }
    }
}

/// Whether a call may be repeated without changing the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Safe to repeat: retried on timeouts, failed connections, 429 and 502-504.
    Safe,
    /// Sent exactly once.
    Once,
}

/// Where and how patiently to call; the part of every adapter's configuration file
/// shared by all.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportConfig {
    /// e.g. `https://api-shipx-pl.easypack24.net`; paths are appended.
    pub base_url: String,
    /// Whole-call timeout.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    #[serde(default)]
    pub retry: RetryPolicy,
}

fn default_timeout_ms() -> u64 {
    10_000
}
fn default_connect_timeout_ms() -> u64 {
    3_000
}

impl TransportConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        TransportConfig {
            base_url: base_url.into(),
            timeout_ms: default_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
            retry: RetryPolicy::default(),
        }
    }
}

/// How a call authenticates.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    None,
    Basic { user: &'a str, password: &'a Secret },
    Bearer(&'a Secret),
}

/// One HTTP call, described by the adapter. Its `Debug` shows the operation, the
/// method, the path without its query and the body's size: the query (Taxomet's
/// password), the headers and the body (a login's password) may carry secrets.
pub struct Call<'a> {
    /// The carrier operation, e.g. `PushOrder`, `shipments.create` (span and errors).
    pub operation: &'a str,
    pub method: Method,
    /// Path and query, appended to the base URL. May carry a secret (Taxomet): it is
    /// never logged or put in an error, and the span records the path only.
    pub path_and_query: String,
    pub headers: Vec<(&'static str, String)>,
    /// Content type and body.
    pub body: Option<(&'static str, Vec<u8>)>,
    pub auth: Auth<'a>,
    pub idempotency: Idempotency,
}

impl std::fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path_and_query.split('?').next())
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body.as_ref().map(|(_, b)| b.len()))
            .field("idempotency", &self.idempotency)
            .finish_non_exhaustive()
    }
}

impl<'a> Call<'a> {
    pub fn new(operation: &'a str, method: Method, path_and_query: impl Into<String>) -> Self {
        Call {
            operation,
            method,
            path_and_query: path_and_query.into(),
            headers: Vec::new(),
            body: None,
            auth: Auth::None,
            idempotency: Idempotency::Safe,
        }
    }
    /// A JSON body; a value that cannot be written as JSON is a configuration error
    /// rather than an empty body sent.
    pub fn json(mut self, value: &impl serde::Serialize) -> Result<Self, Error> {
        let body = serde_json::to_vec(value).map_err(|e| {
            Error::Config(format!("{}: cannot write the request: {e}", self.operation))
        })?;
        self.body = Some(("application/json", body));
        Ok(self)
    }
    pub fn body(mut self, content_type: &'static str, body: Vec<u8>) -> Self {
        self.body = Some((content_type, body));
        self
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn auth(mut self, auth: Auth<'a>) -> Self {
        self.auth = auth;
        self
    }
    pub fn once(mut self) -> Self {
        self.idempotency = Idempotency::Once;
        self
    }
}

/// An answer of any status; the adapter decides what it means. Its `Debug` shows the
/// body's size, not the body: an answer may echo the request's secrets.
#[derive(Clone)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// Attempts it took (1 = no retry).
    pub attempts: u32,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The shared HTTP client of one adapter.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    base: String,
    retry: RetryPolicy,
    carrier: &'static str,
    secrets: Vec<Secret>,
}

fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

impl Transport {
    /// A transport for `carrier` (span field and error text) that scrubs `secrets`.
    pub fn new(
        carrier: &'static str,
        config: &TransportConfig,
        secrets: Vec<Secret>,
    ) -> Result<Self, Error> {
        let base = config.base_url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Config(format!(
                "{carrier}: base_url must start with http:// or https:// (got {:?})",
                redact(&base, &secrets)
            )));
        }
        if config.retry.max_attempts == 0 {
            return Err(Error::Config(format!(
                "{carrier}: retry.max_attempts must be at least 1"
            )));
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.timeout_ms))
            .connect_timeout(Duration::from_millis(config.connect_timeout_ms))
            .build()
            .map_err(|e| Error::Config(format!("{carrier}: HTTP client: {}", e.without_url())))?;
        Ok(Transport {
            client,
            base,
            retry: config.retry,
            carrier,
            secrets,
        })
    }

    pub fn carrier(&self) -> &'static str {
        self.carrier
    }

    /// Scrubs the client's secrets from `text`.
    pub fn redact(&self, text: &str) -> String {
        redact(text, &self.secrets)
    }

    /// At most 200 characters of `body`, scrubbed.
    pub fn excerpt(&self, body: &str) -> String {
        let scrubbed = self.redact(body.trim());
        let mut out: String = scrubbed.chars().take(200).collect();
        if scrubbed.chars().count() > 200 {
            out.push('…');
        }
        out
    }

    /// Sends `call`, retrying it as its idempotency and the policy allow.
    pub async fn send(&self, call: &Call<'_>) -> Result<Response, Error> {
        let path = call
            .path_and_query
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        let span = tracing::info_span!(
            "carrier_call",
            carrier = self.carrier,
            operation = call.operation,
            method = %call.method,
            path = %path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let outcome = self.send_with_retries(call).instrument(span.clone()).await;
        let (attempt, outcome) = outcome;
        let latency_ms = started.elapsed().as_millis() as u64;
        span.record("attempts", attempt);
        span.record("latency_ms", latency_ms);
        match outcome {
            Ok((status, body, _)) => {
                span.record("status", status);
                tracing::info!(parent: &span, status, attempts = attempt, latency_ms, "call done");
                Ok(Response {
                    status,
                    body,
                    attempts: attempt,
                })
            }
            Err(e) => {
                let error = match e {
                    AttemptError::Timeout => Error::Timeout {
                        operation: call.operation.to_string(),
                        attempts: attempt,
                    },
                    AttemptError::Connect(detail) => Error::Connect {
                        operation: call.operation.to_string(),
                        attempts: attempt,
                        detail: self.redact(&detail),
                    },
                    AttemptError::Body(detail) => {
                        Error::malformed(call.operation, self.redact(&detail))
                    }
                };
                tracing::warn!(
                    code = error.code(),
                    attempts = attempt,
                    latency_ms,
                    "call failed"
                );
                Err(error)
            }
        }
    }

    /// The attempts of one call: `(attempts made, last outcome)`.
    async fn send_with_retries(
        &self,
        call: &Call<'_>,
    ) -> (u32, Result<(u16, String, Option<Duration>), AttemptError>) {
        let max = match call.idempotency {
            Idempotency::Safe => self.retry.max_attempts,
            Idempotency::Once => 1,
        };
        let mut jitter = Jitter::from_clock();
        let mut attempt = 0;
        let outcome = loop {
            attempt += 1;
            let result = self.attempt(call).await;
            let retry_after = match &result {
                Ok((status, _, retry_after)) if is_retryable_status(*status) => Some(*retry_after),
                Err(AttemptError::Timeout) | Err(AttemptError::Connect(_)) => Some(None),
                _ => None,
            };
            match retry_after {
                Some(server_pause) if attempt < max => {
                    let mut pause = self.retry.delay(attempt, &mut jitter);
                    if let Some(asked) = server_pause {
                        pause = asked.min(Duration::from_millis(self.retry.max_delay_ms));
                    }
                    tracing::debug!(attempt, pause_ms = pause.as_millis() as u64, "retrying");
                    drop(result);
                    tokio::time::sleep(pause).await;
                }
                _ => break result,
            }
        };
        (attempt, outcome)
    }

    async fn attempt(
        &self,
        call: &Call<'_>,
    ) -> Result<(u16, String, Option<Duration>), AttemptError> {
        let url = format!("{}{}", self.base, call.path_and_query);
        let mut headers = HeaderMap::new();
        for (name, value) in &call.headers {
            let value = HeaderValue::from_str(value)
                .map_err(|_| AttemptError::Connect(format!("header {name} is not valid")))?;
            headers.insert(HeaderName::from_static(name), value);
        }
        let mut req = self
            .client
            .request(call.method.clone(), url)
            .headers(headers);
        match call.auth {
            Auth::None => {}
            Auth::Basic { user, password } => {
                req = req.basic_auth(user, Some(password.expose()));
            }
            Auth::Bearer(token) => req = req.bearer_auth(token.expose()),
        }
        if let Some((content_type, body)) = &call.body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(body.clone());
        }
        let resp = req.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = resp.text().await.map_err(|e| {
            if e.is_timeout() {
                AttemptError::Timeout
            } else {
                AttemptError::Body(e.without_url().to_string())
            }
        })?;
        Ok((status, body, retry_after))
    }
}

enum AttemptError {
    Timeout,
    Connect(String),
    Body(String),
}

/// A `reqwest` error reduced to its kind; its `Display` would name the URL.
fn classify(e: reqwest::Error) -> AttemptError {
    if e.is_timeout() {
        AttemptError::Timeout
    } else {
        let kind = if e.is_connect() {
            "could not connect"
        } else if e.is_request() {
            "request could not be sent"
        } else {
            "transport error"
        };
        AttemptError::Connect(kind.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Debug` of a call and of an answer names no secret: Taxomet's password rides
    /// in the query, a login's in the body, an echo of either in the answer.
    #[test]
    fn debug_of_a_call_and_an_answer_shows_no_secret() {
        let secret = Secret::new("pw-S3cret");
        let call = Call::new("get_order", Method::GET, "/api?password=pw-S3cret&id=1")
            .body("application/json", br#"{"password":"pw-S3cret"}"#.to_vec())
            .header("x-token", "pw-S3cret")
            .auth(Auth::Bearer(&secret));
        let resp = Response {
            status: 500,
            body: "echo pw-S3cret".into(),
            attempts: 1,
        };
        let text = format!("{call:?} {call:#?} {resp:?}");
        assert!(
            text.contains("/api") && text.contains("get_order"),
            "{text}"
        );
        assert!(!text.contains("S3cret"), "{text}");
    }

    #[test]
    fn backoff_grows_is_capped_and_never_zero() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 100,
            max_delay_ms: 350,
        };
        let mut j = Jitter::seeded(7);
        for _ in 0..100 {
            let d1 = p.delay(1, &mut j).as_millis();
            assert!((50..=100).contains(&d1), "{d1}");
            let d2 = p.delay(2, &mut j).as_millis();
            assert!((100..=200).contains(&d2), "{d2}");
            let d9 = p.delay(9, &mut j).as_millis();
            assert!((175..=350).contains(&d9), "{d9}");
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_retried_only_when_safe() {
        // Nothing listens on loopback port 9 (discard): the connection is refused.
        let mut config = TransportConfig::new("http://127.0.0.1:9");
        config.retry = RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 1,
            max_delay_ms: 2,
        };
        let t = Transport::new("t", &config, vec![Secret::new("pw")]).unwrap();
        let read = Call::new("read", Method::GET, "/x?password=pw");
        let e = t.send(&read).await.unwrap_err();
        assert!(matches!(e, Error::Connect { attempts: 3, .. }), "{e:?}");
        assert!(!format!("{e} {e:?}").contains("pw"), "{e:?}");
        let write = Call::new("write", Method::POST, "/x").once();
        let e = t.send(&write).await.unwrap_err();
        assert!(matches!(e, Error::Connect { attempts: 1, .. }), "{e:?}");
    }

    #[test]
    fn config_is_checked() {
        let bad = TransportConfig::new("ftp://x");
        assert_eq!(
            Transport::new("t", &bad, vec![]).unwrap_err().code(),
            "config"
        );
        let mut zero = TransportConfig::new("http://127.0.0.1:1");
        zero.retry.max_attempts = 0;
        assert_eq!(
            Transport::new("t", &zero, vec![]).unwrap_err().code(),
            "config"
        );
    }
}
