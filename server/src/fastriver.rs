//! Fastriver's callback receiver: each event goes through the rules crate's event table
//! ([`check_callback`]) and lifecycle ([`Lifecycle::apply`]).
//!
//! Fastriver retries a callback until it gets HTTP 200, up to ten times. So every event
//! that can be stored is answered **200**, with a body saying what became of it:
//! `applied`, `duplicate` (a retry, or an event that repeats the current statuses),
//! `stale` (older than the last applied event: out of order, not applied) or `rejected`
//! (it contradicts the event table or the lifecycle: stored with the rule's code, and the
//! 200 stops the pointless retries; support sees it in the store). Only a body that
//! cannot be read (400) or a missing/wrong token (401) is refused — nothing is stored
//! then — and a store failure is 503, which Fastriver retries.
//!
//! Identity: the seed calls `data.id` the delivery request's UUID, while a retry repeats
//! the whole body; the event key is therefore `data.id` with the event, both statuses
//! and `created_at`. The subject (the history's id) is `external_id` (our id for the
//! request) when present, else `data.id`.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use courier_rules::fastriver::lifecycle::{check_callback, Callback};
use courier_rules::fastriver::{Lifecycle, Step};
use serde::{Deserialize, Serialize};

use crate::http::{blocking, ApiError, AppState};
use crate::signature::constant_time_eq;
use crate::store::{Change, Decision, Incoming, Outcome, Source, StoreError};

/// What the store keeps per delivery request.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RequestState {
    lifecycle: Lifecycle,
    /// `created_at` of the last applied event (UNIX seconds).
    last_event_at: Option<i64>,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

fn statuses(l: &Lifecycle) -> String {
    let r = serde_json::to_value(l.request).unwrap_or_default();
    let d = serde_json::to_value(l.delivery).unwrap_or_default();
    format!(
        "{}/{}",
        r.as_str().unwrap_or_default(),
        d.as_str().unwrap_or_default()
    )
}

fn decide(
    cb: &Callback,
    received_at: DateTime<Utc>,
    state: Option<&str>,
    corrupt: &mut Option<StoreError>,
) -> Decision {
    let mut st = match state {
        None => RequestState {
            lifecycle: Lifecycle::new(),
            last_event_at: None,
        },
        Some(s) => match serde_json::from_str::<RequestState>(s) {
            Ok(st) => st,
            Err(e) => {
                *corrupt = Some(StoreError::Corrupt(format!("fastriver state: {e}")));
                return Decision::Unknown;
            }
        },
    };
    // Ordering: events are applied in the order of their `created_at`; one older than
    // the last applied is acknowledged and kept out of the state.
    if let (Some(at), Some(last)) = (cb.created_at, st.last_event_at) {
        if at < last {
            return Decision::Keep(Outcome::Stale);
        }
    }
    let event = match check_callback(&cb.event, cb.delivery_request_status, cb.delivery_status) {
        Ok(e) => e,
        Err(e) => {
            return Decision::Reject {
                code: "event_table".into(),
                reason: e.to_string(),
            }
        }
    };
    let at = cb
        .created_at
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .unwrap_or(received_at);
    let before = st.lifecycle;
    if let Err(refusal) = st
        .lifecycle
        .apply(Step::Event(event, cb.delivery_status), at)
    {
        return Decision::Reject {
            code: "lifecycle".into(),
            reason: refusal.message,
        };
    }
    if st.lifecycle == before {
        return Decision::Keep(Outcome::Duplicate);
    }
    st.last_event_at = cb.created_at.or(st.last_event_at);
    Decision::Apply {
        state: serde_json::to_string(&st).expect("a state serialises"),
        change: Change {
            event: event.as_str().into(),
            from: statuses(&before),
            to: statuses(&st.lifecycle),
            occurred_at: at,
        },
    }
}

/// `POST /fastriver/callbacks[?token=…]`.
pub async fn callback(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if let Some(expected) = &state.fastriver_token {
        let given = query.token.as_deref().unwrap_or_default();
        if !constant_time_eq(given.as_bytes(), expected.expose().as_bytes()) {
            tracing::warn!("fastriver callback with a missing or wrong token");
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_invalid",
                "the callback URL's token is missing or wrong",
            ));
        }
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", "not UTF-8"))?;
    let cb = Callback::from_json(text).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_body",
            format!("not a Fastriver callback: {e}"),
        )
    })?;
    let received_at = (state.clock)();
    let store = state.store.clone();
    let recorded = blocking(move || {
        let key = format!(
            "fastriver:{}:{}:{:?}:{:?}:{}",
            cb.id,
            cb.event,
            cb.delivery_request_status,
            cb.delivery_status,
            cb.created_at.map(|t| t.to_string()).unwrap_or_default()
        );
        let subject = cb.external_id.clone().unwrap_or_else(|| cb.id.clone());
        let summary = serde_json::to_string(&cb).unwrap_or_default();
        let incoming = Incoming {
            source: Source::Fastriver,
            subject: &subject,
            key: &key,
            summary: &summary,
            received_at,
            reconsider_rejected: false,
        };
        let mut corrupt = None;
        let recorded = store.record(&incoming, &mut |s| {
            decide(&cb, received_at, s, &mut corrupt)
        })?;
        if let Some(e) = corrupt {
            return Err(e.into());
        }
        let recorded = recorded.ok_or_else(|| {
            ApiError::from(StoreError::Corrupt(
                "a callback always has a subject".into(),
            ))
        })?;
        tracing::info!(
            request = subject,
            event = cb.event,
            outcome = recorded.outcome.as_str(),
            repeat = recorded.repeat,
            "fastriver callback"
        );
        Ok(recorded)
    })
    .await?;
    Ok((StatusCode::OK, Json(recorded)).into_response())
}
