//! Tastamat's two partner services: parcel details, and status saving through the rules
//! crate's lifecycle ([`courier_rules::tastamat::Parcel::apply_update`]).
//!
//! Status codes of `POST /tastamat/status`: 200 applied, duplicate or stale (each
//! acknowledged: Tastamat may re-send); 401 bad or missing signature (nothing stored);
//! 400 not JSON; 422 the payload fails validation (nothing stored: it has no reliable
//! identity); 404 unknown parcel (nothing stored); 409 the lifecycle forbids the change
//! (stored as rejected, with the rule's code; a later re-send is judged again, so a
//! status that skipped a step is applied once the missing one has arrived).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use courier_rules::mask;
use courier_rules::tastamat::{
    Parcel, ParcelDetails, StatusUpdate, TastamatConfig, UpdateError, UpdateOutcome,
};

use crate::config::{Secret, ServerConfig};
use crate::http::{blocking, ApiError, AppState};
use crate::signature;
use crate::store::{Change, Decision, Incoming, Outcome, ParcelKey, Source, StoreError};

/// The Tastamat side's settings.
pub struct Service {
    rules: TastamatConfig,
    key_id: String,
    key: Secret,
}

impl Service {
    pub fn new(config: &ServerConfig) -> Result<Self, String> {
        Ok(Service {
            rules: TastamatConfig::from_toml_str(&config.tastamat_rules)
                .map_err(|e| e.to_string())?,
            key_id: config.tastamat_key_id.clone(),
            key: config.tastamat_key.clone(),
        })
    }

    /// Checks the request's signature over `signed` (the body of a POST; the path of a
    /// GET, whose body is empty).
    fn verify(&self, headers: &HeaderMap, signed: &[u8]) -> Result<(), ApiError> {
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        signature::verify(
            &self.key_id,
            &self.key,
            header("x-hmac-key"),
            header("x-hmac"),
            signed,
        )
        .map_err(|e| {
            tracing::warn!(code = e.code(), "tastamat signature refused");
            ApiError::new(StatusCode::UNAUTHORIZED, e.code(), e.to_string())
        })
    }
}

/// The lifecycle state a parcel starts in when it is loaded (for `import`).
pub fn initial_state(parcel_id: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    serde_json::to_string(&Parcel::registered(parcel_id, at)).expect("a parcel serialises")
}

/// How the details service was asked.
enum Lookup {
    Id(String),
    Barcode(String),
}

/// `GET /tastamat/parcels/{parcel_id}`.
pub async fn details_by_id(
    State(state): State<AppState>,
    Path(parcel_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let path = format!("/tastamat/parcels/{parcel_id}");
    details(state, headers, path, Lookup::Id(parcel_id)).await
}

/// `GET /tastamat/parcels/by-barcode/{barcode}`.
pub async fn details_by_barcode(
    State(state): State<AppState>,
    Path(barcode): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let path = format!("/tastamat/parcels/by-barcode/{barcode}");
    details(state, headers, path, Lookup::Barcode(barcode)).await
}

async fn details(
    state: AppState,
    headers: HeaderMap,
    path: String,
    lookup: Lookup,
) -> Result<Response, ApiError> {
    state.tastamat.verify(&headers, path.as_bytes())?;
    let store = state.store.clone();
    let found = blocking(move || {
        let key = match &lookup {
            Lookup::Id(id) => ParcelKey::Id(id),
            Lookup::Barcode(b) => ParcelKey::Barcode(b),
        };
        Ok(store.parcel(key)?)
    })
    .await?;
    let Some(parcel) = found else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_parcel",
            "no such parcel",
        ));
    };
    let details: ParcelDetails = serde_json::from_str(&parcel.details)
        .map_err(|e| ApiError::from(StoreError::Corrupt(format!("parcel details: {e}"))))?;
    tracing::info!(
        parcel_id = parcel.parcel_id,
        phone = %details.phone.as_deref().map(mask::phone).unwrap_or_default(),
        "tastamat details served"
    );
    Ok(Json(details).into_response())
}

/// The event's identity: a re-send of one status change has the same parcel, status and
/// instant (normalised to UTC, so `+06:00` and `Z` spellings of one instant agree).
fn event_key(u: &StatusUpdate) -> String {
    let at = u
        .parsed_time()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default();
    format!("tastamat:{}:{}:{}", u.parcel_id, u.status, at)
}

/// The code naming the rule that refused an update (the rules' own, [`UpdateError::code`]).
fn refusal_code(e: &UpdateError) -> &'static str {
    e.code()
}

/// The rules' verdict on `update` given the parcel's stored state.
fn decide(
    update: &StatusUpdate,
    rules: &TastamatConfig,
    state: Option<&str>,
    corrupt: &mut Option<StoreError>,
) -> Decision {
    let Some(state) = state else {
        return Decision::Unknown;
    };
    let mut parcel: Parcel = match serde_json::from_str(state) {
        Ok(p) => p,
        Err(e) => {
            *corrupt = Some(StoreError::Corrupt(format!("tastamat state: {e}")));
            return Decision::Unknown;
        }
    };
    let from = parcel.status;
    match parcel.apply_update(update, rules) {
        Ok(UpdateOutcome::Applied) => Decision::Apply {
            state: serde_json::to_string(&parcel).expect("a parcel serialises"),
            change: Change {
                event: update.status.clone(),
                from: from.as_str().into(),
                to: parcel.status.as_str().into(),
                occurred_at: parcel.updated_at,
            },
        },
        Ok(UpdateOutcome::Duplicate) => Decision::Keep(Outcome::Duplicate),
        Ok(UpdateOutcome::IgnoredStale) => Decision::Keep(Outcome::Stale),
        Err(e) => Decision::Reject {
            code: refusal_code(&e).into(),
            reason: e.to_string(),
        },
    }
}

/// `POST /tastamat/status`.
pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.tastamat.verify(&headers, &body)?;
    let update: StatusUpdate = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_body",
            format!("not a status update: {e}"),
        )
    })?;
    let received_at = (state.clock)();
    let problems = update.validate(&state.tastamat.rules, received_at);
    if !problems.is_empty() {
        let mut err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_update",
            "the status update fails validation",
        );
        err.errors = Some(serde_json::to_value(&problems).unwrap_or_default());
        return Err(err);
    }
    let store = state.store.clone();
    let service = state.tastamat.clone();
    let recorded = blocking(move || {
        let key = event_key(&update);
        let summary = serde_json::json!({
            "status": update.status,
            "occurred_at": update.occurred_at,
            "locker_index": update.locker_index,
        })
        .to_string();
        let incoming = Incoming {
            source: Source::Tastamat,
            subject: &update.parcel_id,
            key: &key,
            summary: &summary,
            received_at,
            reconsider_rejected: true,
        };
        let mut corrupt = None;
        let recorded = store.record(&incoming, &mut |s| {
            decide(&update, &service.rules, s, &mut corrupt)
        })?;
        if let Some(e) = corrupt {
            return Err(e.into());
        }
        tracing::info!(
            parcel_id = update.parcel_id,
            status = update.status,
            outcome = recorded
                .as_ref()
                .map(|r| r.outcome.as_str())
                .unwrap_or("unknown_parcel"),
            "tastamat status"
        );
        Ok(recorded)
    })
    .await?;
    match recorded {
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_parcel",
            "no such parcel: load it with `courier import parcels`",
        )),
        Some(r) if r.outcome == Outcome::Rejected => Err(ApiError::new(
            StatusCode::CONFLICT,
            r.code.unwrap_or_default(),
            r.reason.unwrap_or_default(),
        )),
        Some(r) => Ok((StatusCode::OK, Json(r)).into_response()),
    }
}
