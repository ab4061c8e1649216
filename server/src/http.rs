//! The router, the shared state, errors as responses, and the per-request log line.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::config::{Secret, ServerConfig};
use crate::store::{HistoryEntry, ParcelKey, Store, StoreError};
use crate::{fastriver, tastamat};

/// What every handler gets: the store, the carriers' settings, the clock.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub tastamat: Arc<tastamat::Service>,
    pub fastriver_token: Option<Secret>,
    /// Read by the handlers only (the rules get the instant passed in); tests fix it.
    pub clock: fn() -> DateTime<Utc>,
}

impl AppState {
    /// The state for `config` over `store`, with the system clock.
    pub fn new(config: &ServerConfig, store: Arc<dyn Store>) -> Result<Self, String> {
        Ok(AppState {
            store,
            tastamat: Arc::new(tastamat::Service::new(config)?),
            fastriver_token: config.fastriver_token.clone(),
            clock: Utc::now,
        })
    }
}

/// The HTTP routes, with bounded bodies, a timeout and one log line per request.
pub fn router(state: AppState, max_body_bytes: usize, timeout: Duration) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/parcels/{id}/history", get(history))
        .route(
            "/tastamat/parcels/{parcel_id}",
            get(tastamat::details_by_id),
        )
        .route(
            "/tastamat/parcels/by-barcode/{barcode}",
            get(tastamat::details_by_barcode),
        )
        .route("/tastamat/status", post(tastamat::status))
        .route("/fastriver/callbacks", post(fastriver::callback))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// One line per request: method, path (never the query, which may carry a token),
/// status and latency.
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    tracing::info!(
        target: "courier_server::request",
        %method,
        path,
        status = response.status().as_u16(),
        latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

/// An error answered as `{"code", "message", "errors"?}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub errors: Option<Value>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            errors: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: &self.code,
            message: &self.message,
            errors: self.errors.as_ref(),
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(code = e.code(), error = %e, "store failure");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            e.code(),
            "the store could not complete the request; retry",
        )
    }
}

/// Runs a store call on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "store task failed");
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        ))
    })
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when a write transaction commits now.
async fn readyz(State(state): State<AppState>) -> Response {
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || store.check_writable()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n").into_response(),
        // The probe answers anyone: it says what is wrong by its code, and the detail
        // (a file path, the database's words) goes to the log only.
        Ok(Err(e)) => {
            tracing::warn!(code = e.code(), error = %e, "not ready");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                e.code(),
                "the store cannot commit a write now",
            )
            .into_response()
        }
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    let store = state.store.clone();
    blocking(move || {
        let entries = store.history(&id)?;
        if entries.is_empty() && store.parcel(ParcelKey::Id(&id))?.is_none() {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_parcel",
                format!("no parcel or delivery request {id}"),
            ));
        }
        Ok(Json(entries))
    })
    .await
}
