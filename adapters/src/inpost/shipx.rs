//! The ShipX client: shipments with the weekend add-on, their asynchronous confirmation,
//! price calculation, points and shipment search.
//!
//! **Local first.** [`ShipXClient::create_shipment`] asks `courier-rules`
//! (`inpost::check`) whether InPost would accept the add-on at the order instant the
//! caller passes in; a refusal comes back as [`Error::LocalRefusal`] with ShipX's own
//! error names and field paths, and nothing is sent. InPost stays the final word: its
//! refusal (a 400 with `invalid_end_of_week_collection`, …) is a [`Error::Rejected`] and
//! is not retried.
//!
//! **Asynchronous creation.** ShipX answers a creation with the shipment in status
//! `created` and confirms it later (status `confirmed` with a `tracking_number`) or
//! fails it. [`ShipXClient::wait_confirmed`] polls `GET /v1/shipments/:id` under a
//! [`PollPolicy`] (a bound on polls, exponential backoff); the creation itself is sent
//! once, never retried.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use super::shipx_error::shipx_error;
use crate::error::{Error, FieldIssue};
use crate::rules_api::{
    check_weekend, mask, weekend_points, EndOfWeekCollectionFilter, PointType, Preset, TargetPoint,
    WeekendRefusal, WeekendShipment, Window,
};
use crate::secret::Secret;
use crate::transport::{Auth, Call, Response, Transport, TransportConfig};

/// How long to wait for a shipment's confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PollPolicy {
    /// Polls in all before giving up with [`Error::PollExhausted`].
    pub max_polls: u32,
    /// Pause before the first poll; doubled after each, up to `max_delay_ms`.
    pub initial_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            max_polls: 10,
            initial_delay_ms: 500,
            max_delay_ms: 5_000,
        }
    }
}

impl PollPolicy {
    /// The pause before poll `n` (0-based).
    pub fn delay(&self, n: u32) -> Duration {
        let d = self
            .initial_delay_ms
            .saturating_mul(1u64 << n.min(20))
            .min(self.max_delay_ms);
        Duration::from_millis(d)
    }
}

/// The ShipX client's configuration (see `data/adapters/inpost.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipXConfig {
    pub transport: TransportConfig,
    pub organization_id: u64,
    /// The environment variable holding the API token.
    pub token_env: String,
    #[serde(default)]
    pub poll: PollPolicy,
    /// The ordering window of the weekend add-on the local check uses: `seed`,
    /// `current` (the rules' presets) or the path of a window TOML file.
    #[serde(default = "default_window")]
    pub window: String,
}

fn default_window() -> String {
    "seed".into()
}

impl ShipXConfig {
    /// The window named by `window`; a relative path is taken from `base_dir` (the
    /// configuration file's folder).
    pub fn load_window(&self, base_dir: &std::path::Path) -> Result<Window, Error> {
        let preset = match self.window.as_str() {
            "seed" => Some(Preset::Seed),
            "current" => Some(Preset::Current),
            _ => None,
        };
        let loaded = match preset {
            Some(p) => p.window(),
            None => {
                let path = base_dir.join(&self.window);
                let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                })?;
                Window::from_toml_str(courier_rules::encoding::strip_bom(&text))
            }
        };
        loaded.map_err(|e| Error::Config(format!("inpost: window {}: {e}", self.window)))
    }
}

/// A money amount. ShipX takes numbers in requests (`"amount": 12.50`); the amount is
/// written as the shortest JSON number that reads back as the decimal (two decimals of
/// PLN always round-trip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    #[serde(serialize_with = "decimal_as_number")]
    pub amount: Decimal,
    pub currency: String,
}

fn decimal_as_number<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if d.fract().is_zero() {
        if let Ok(whole) = i64::try_from(d.trunc()) {
            return s.serialize_i64(whole);
        }
    }
    let n: serde_json::Number = d
        .to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .ok_or_else(|| serde::ser::Error::custom("amount is not a finite number"))?;
    n.serialize(s)
}

/// The receiver. `Debug` masks the phone and e-mail.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    pub email: String,
    pub phone: String,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("name", &self.name.as_deref().map(mask::name))
            .field("email", &mask::email(&self.email))
            .field("phone", &mask::phone(&self.phone))
            .finish()
    }
}

/// A parcel by template (`small`, `medium`, `large`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parcel {
    pub template: String,
}

/// `custom_attributes` of a locker shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub target_point: String,
}

/// A shipment to create, as ShipX's simplified mode takes it (seed 003 § 3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShipment {
    pub receiver: Receiver,
    pub parcels: Vec<Parcel>,
    pub custom_attributes: Target,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub insurance: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cod: Option<Money>,
    #[serde(default)]
    pub end_of_week_collection: bool,
    pub service: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<String>,
}

/// A shipment's state as ShipX reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentState {
    pub id: u64,
    pub status: String,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub end_of_week_collection: Option<bool>,
    #[serde(default)]
    pub service: Option<String>,
}

/// One shipment of a price calculation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalculationRequest {
    /// The caller's id, echoed in the answer (`SHIPMENT1`).
    pub id: String,
    pub parcels: Vec<Parcel>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub custom_attributes: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub insurance: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cod: Option<Money>,
    #[serde(default)]
    pub end_of_week_collection: bool,
    pub service: String,
}

/// One price: decimal strings parsed exactly, `None` where ShipX gives `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calculation {
    pub id: String,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub calculated_charge_amount: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub fuel_charge_amount: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub notification_charge_amount: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub cod_charge_amount: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub insurance_charge_amount: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub calculated_charge_amount_non_commission: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub end_of_week_collection_charge_amount: Option<Decimal>,
}

/// A point from `GET /v1/points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub name: String,
    /// ShipX lists a point's kinds: `["parcel_locker"]`, `["pop"]`, …
    #[serde(rename = "type", default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub location_247: bool,
}

impl Point {
    /// The point as the rules see it: a parcel locker when ShipX lists it as one.
    pub fn target_point(&self) -> TargetPoint {
        let locker = self
            .types
            .iter()
            .any(|t| t == "parcel_locker" || t == "parcel_locker_only");
        TargetPoint {
            name: self.name.clone(),
            point_type: if locker {
                PointType::ParcelLocker
            } else {
                PointType::Pop
            },
            location_247: self.location_247,
        }
    }
}

/// One page of points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsPage {
    pub items: Vec<Point>,
    #[serde(default)]
    pub count: u64,
    pub page: u32,
    #[serde(default)]
    pub per_page: u32,
    pub total_pages: u32,
}

/// One page of a shipment search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub items: Vec<ShipmentState>,
    #[serde(default)]
    pub count: u64,
    pub page: u32,
    #[serde(default)]
    pub per_page: u32,
}

/// The ShipX client of one organisation.
#[derive(Debug, Clone)]
pub struct ShipXClient {
    transport: Transport,
    organization_id: u64,
    token: Secret,
    window: Window,
    poll: PollPolicy,
}

const CARRIER: &str = "inpost";

impl ShipXClient {
    /// A client whose local checks use `window` (a preset or `data/inpost/*.toml`).
    pub fn new(config: &ShipXConfig, token: Secret, window: Window) -> Result<Self, Error> {
        if token.is_empty() {
            return Err(Error::Config(format!(
                "inpost: the token ({}) is empty",
                config.token_env
            )));
        }
        Ok(ShipXClient {
            transport: Transport::new(CARRIER, &config.transport, vec![token.clone()])?,
            organization_id: config.organization_id,
            token,
            window,
            poll: config.poll,
        })
    }

    fn call<'a>(&'a self, operation: &'a str, method: Method, path: String) -> Call<'a> {
        Call::new(operation, method, path).auth(Auth::Bearer(&self.token))
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        call: Call<'_>,
        expect: &[u16],
    ) -> Result<T, Error> {
        let resp = self.transport.send(&call).await?;
        self.decode(call.operation, &resp, expect)
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        operation: &str,
        resp: &Response,
        expect: &[u16],
    ) -> Result<T, Error> {
        if !expect.contains(&resp.status) {
            return Err(shipx_error(&self.transport, operation, resp));
        }
        serde_json::from_str(&resp.body)
            .map_err(|e| Error::malformed(operation, self.transport.redact(&e.to_string())))
    }

    /// The refusals the rules give `shipment` ordered at `ordered_at` towards `target`
    /// (an Allegro shipment when `allegro`), as ShipX would name them.
    pub fn local_refusals(
        &self,
        shipment: &NewShipment,
        target: &TargetPoint,
        allegro: bool,
        ordered_at: DateTime<Utc>,
    ) -> Vec<FieldIssue> {
        let probe = WeekendShipment {
            service: shipment.service.clone(),
            allegro,
            end_of_week_collection: shipment.end_of_week_collection,
            ordered_at,
            target_point: target.clone(),
        };
        check_weekend(&self.window, &probe)
            .iter()
            .map(|r: WeekendRefusal| {
                FieldIssue::new(r.shipx_field().join("."), r.shipx_key(), r.message_en())
            })
            .collect()
    }

    /// Creates a shipment (sent once: a creation has no idempotency key). The weekend
    /// add-on is checked locally first; `target` is the target point as the points API
    /// describes it (see [`ShipXClient::points`]).
    pub async fn create_shipment(
        &self,
        shipment: &NewShipment,
        target: &TargetPoint,
        allegro: bool,
        ordered_at: DateTime<Utc>,
    ) -> Result<ShipmentState, Error> {
        const OP: &str = "shipments.create";
        if target.name != shipment.custom_attributes.target_point {
            return Err(Error::LocalRefusal {
                operation: OP.into(),
                issues: vec![FieldIssue::new(
                    "custom_attributes.target_point",
                    "target_point_mismatch",
                    format!(
                        "the point checked ({}) is not the shipment's target point ({})",
                        target.name, shipment.custom_attributes.target_point
                    ),
                )],
            });
        }
        let issues = self.local_refusals(shipment, target, allegro, ordered_at);
        if !issues.is_empty() {
            tracing::info!(operation = OP, refusals = issues.len(), "refused locally");
            return Err(Error::LocalRefusal {
                operation: OP.into(),
                issues,
            });
        }
        let path = format!("/v1/organizations/{}/shipments", self.organization_id);
        let call = self.call(OP, Method::POST, path).json(shipment)?.once();
        self.json(call, &[200, 201]).await
    }

    /// The shipment's current state.
    pub async fn shipment(&self, id: u64) -> Result<ShipmentState, Error> {
        let call = self.call("shipments.get", Method::GET, format!("/v1/shipments/{id}"));
        self.json(call, &[200]).await
    }

    /// Polls the shipment until it is `confirmed` with a tracking number (returned), or
    /// `failed` ([`Error::Failed`]), at most `poll.max_polls` times.
    pub async fn wait_confirmed(&self, id: u64) -> Result<ShipmentState, Error> {
        let mut last = String::new();
        for n in 0..self.poll.max_polls {
            tokio::time::sleep(self.poll.delay(n)).await;
            let state = self.shipment(id).await?;
            match state.status.as_str() {
                "confirmed" if state.tracking_number.is_some() => return Ok(state),
                "failed" => {
                    return Err(Error::Failed {
                        operation: "shipments.confirm".into(),
                        detail: format!("shipment {id} failed"),
                    })
                }
                _ => last = state.status,
            }
        }
        Err(Error::PollExhausted {
            operation: "shipments.confirm".into(),
            attempts: self.poll.max_polls,
            last_status: last,
        })
    }

    /// Creates the shipment and waits for its confirmation.
    pub async fn create_and_confirm(
        &self,
        shipment: &NewShipment,
        target: &TargetPoint,
        allegro: bool,
        ordered_at: DateTime<Utc>,
    ) -> Result<ShipmentState, Error> {
        let created = self
            .create_shipment(shipment, target, allegro, ordered_at)
            .await?;
        if created.status == "confirmed" && created.tracking_number.is_some() {
            return Ok(created);
        }
        self.wait_confirmed(created.id).await
    }

    /// Prices shipments (`POST /v1/organizations/:id/shipments/calculate`). Safe to
    /// retry: it creates nothing.
    pub async fn calculate(
        &self,
        shipments: &[CalculationRequest],
    ) -> Result<Vec<Calculation>, Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            shipments: &'a [CalculationRequest],
        }
        let path = format!(
            "/v1/organizations/{}/shipments/calculate",
            self.organization_id
        );
        let call = self
            .call("shipments.calculate", Method::POST, path)
            .json(&Body { shipments })?;
        self.json(call, &[200]).await
    }

    /// One page of parcel lockers (`type=parcel_locker_only`, POPs excluded).
    pub async fn points(&self, page: u32, per_page: u32) -> Result<PointsPage, Error> {
        let path = format!("/v1/points?type=parcel_locker_only&page={page}&per_page={per_page}");
        self.json(self.call("points.list", Method::GET, path), &[200])
            .await
    }

    /// Every point that takes weekend deliveries (parcel locker, open 24/7, by the
    /// rules' own filter), walking at most `max_pages` pages.
    pub async fn weekend_points(
        &self,
        per_page: u32,
        max_pages: u32,
    ) -> Result<Vec<TargetPoint>, Error> {
        let mut out = Vec::new();
        let mut page = 1;
        while page <= max_pages {
            let p = self.points(page, per_page).await?;
            let targets: Vec<TargetPoint> = p.items.iter().map(Point::target_point).collect();
            out.extend(weekend_points(&targets).cloned());
            if p.page >= p.total_pages || p.items.is_empty() {
                break;
            }
            page += 1;
        }
        Ok(out)
    }

    /// Searches the organisation's shipments; `end_of_week_collection` absent returns all.
    pub async fn search(
        &self,
        filter: EndOfWeekCollectionFilter,
        page: u32,
    ) -> Result<SearchPage, Error> {
        let mut path = format!(
            "/v1/organizations/{}/shipments?page={page}",
            self.organization_id
        );
        if let EndOfWeekCollectionFilter::Only(v) = filter {
            path.push_str(&format!("&end_of_week_collection={v}"));
        }
        self.json(self.call("shipments.search", Method::GET, path), &[200])
            .await
    }
}
