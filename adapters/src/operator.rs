//! An operator's call by name: `courier call CARRIER OPERATION --config FILE [REQUEST]`.
//!
//! For checking an integration by hand: the carrier, the operation's name, the
//! configuration file and the request as JSON go in; the typed result comes out as
//! JSON. The CLI only parses its arguments and renders what this returns. Secrets are
//! read from the environment variables the configuration names; the rules' own data
//! (Aplix delivery types and VAT codes, the Fastriver partner configuration) are the
//! samples in `data/carriers/` unless the caller gives other files.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::aplix::{
    AplixClient, AplixClientConfig, CalculateShippingCostRequest, CheckDimensionsRequest,
    Dimensions,
};
use crate::config::{load_toml, secret_from};
use crate::error::{Error, FieldIssue};
use crate::fastriver::{
    ApiVersion, FastriverClient, FastriverConfig, ListFilter, Reference, SlotQuery,
};
use crate::inpost::apiv2::{Apiv2Client, Apiv2Config, DeliveryPacks, PackContext};
use crate::inpost::{CalculationRequest, NewShipment, ShipXClient, ShipXConfig};
use crate::rules_api::{
    mask, AplixRules, EndOfWeekCollectionFilter, FastriverRequest, PartnerConfig, Preset,
    PushOrder, PushReestr, TargetPoint, TaxometCall,
};
use crate::taxomet::{TaxometClient, TaxometConfig};

/// The carriers with a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    Aplix,
    Inpost,
    InpostApiv2,
    Fastriver,
    Taxomet,
}

impl Carrier {
    /// The operations `run` knows for the carrier.
    pub fn operations(self) -> &'static [&'static str] {
        match self {
            Carrier::Aplix => &[
                "check_dimensions",
                "calculate_shipping_cost",
                "get_details_of_cost",
                "push_order",
                "push_reestr",
                "get_track_numbers",
            ],
            Carrier::Inpost => &[
                "create_shipment",
                "shipment",
                "calculate",
                "points",
                "weekend_points",
                "search",
            ],
            Carrier::Fastriver => &[
                "create",
                "get",
                "list",
                "patch",
                "cancel",
                "confirm",
                "reject",
                "request_slots",
                "availability",
                "reference",
            ],
            Carrier::InpostApiv2 => &["price_list", "create_delivery_packs"],
            Carrier::Taxomet => &["call"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Carrier::Aplix => "aplix",
            Carrier::Inpost => "inpost",
            Carrier::InpostApiv2 => "inpost-apiv2",
            Carrier::Fastriver => "fastriver",
            Carrier::Taxomet => "taxomet",
        }
    }
}

/// What an operator asks for.
pub struct OperatorCall<'a> {
    pub carrier: Carrier,
    pub operation: &'a str,
    pub config: &'a Path,
    /// The request, JSON (`None`: `{}`).
    pub request: Option<&'a str>,
    /// The instant for the local rules (InPost's window, Fastriver's dates, the Aplix
    /// hourly guard).
    pub now: DateTime<Utc>,
    /// Environment lookup for the secrets.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Rules data: `data/carriers/aplix.toml` or `fastriver.toml` text.
    pub rules_data: Option<&'a str>,
}

/// The operator's request text as `T`: bad input (not a carrier's refusal) when it is
/// not. The parser's message quotes the value it refused, which may be a phone, an
/// e-mail or a name: the value is left out ([`mask::without_refused_value`]) and what
/// remains masked ([`mask::line`]).
fn request<T: DeserializeOwned>(op: &str, text: Option<&str>) -> Result<T, Error> {
    serde_json::from_str(text.unwrap_or("{}")).map_err(|e| Error::BadRequest {
        operation: op.into(),
        detail: mask::line(&mask::without_refused_value(&e.to_string())),
    })
}

/// CheckDimensions' goods: the seed's request object (`{"DimensionsList": […]}`, as
/// `courier pack --aplix` reads it) or the bare list.
fn dimensions(op: &str, text: Option<&str>) -> Result<Vec<Dimensions>, Error> {
    if text.is_some_and(|t| t.trim_start().starts_with('{')) {
        Ok(request::<CheckDimensionsRequest>(op, text)?.dimensions_list)
    } else {
        request(op, text)
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::Config(format!("cannot render the result: {e}")))
}

/// Runs the call and returns its typed result as JSON.
pub async fn run(call: &OperatorCall<'_>) -> Result<Value, Error> {
    let op = call.operation;
    if !call.carrier.operations().contains(&op) {
        return Err(Error::Config(format!(
            "unknown {} operation {op:?}; one of: {}",
            call.carrier.name(),
            call.carrier.operations().join(", ")
        )));
    }
    let base_dir = call.config.parent().unwrap_or(Path::new("."));
    let req = call.request;
    match call.carrier {
        Carrier::Aplix => {
            let cfg: AplixClientConfig = load_toml(call.config)?;
            let password = secret_from(&cfg.password_env, call.env)?;
            let rules = AplixRules::from_toml_str(
                call.rules_data
                    .unwrap_or(include_str!("../../data/carriers/aplix.toml")),
            )
            .map_err(|e| Error::Config(e.to_string()))?;
            let c = AplixClient::new(cfg, password, rules)?;
            match op {
                "check_dimensions" => to_json(&c.check_dimensions(&dimensions(op, req)?).await?),
                "calculate_shipping_cost" => to_json(
                    &c.calculate_shipping_cost(&request::<CalculateShippingCostRequest>(op, req)?)
                        .await?,
                ),
                "get_details_of_cost" => {
                    #[derive(Deserialize)]
                    struct A {
                        id: i64,
                        type_id: i64,
                    }
                    let a: A = request(op, req)?;
                    to_json(&c.get_details_of_cost(a.id, a.type_id).await?)
                }
                "push_order" => to_json(&c.push_order(&request::<PushOrder>(op, req)?).await?),
                "push_reestr" => to_json(
                    &c.push_reestr(&request::<PushReestr>(op, req)?, None)
                        .await?,
                ),
                _ => {
                    #[derive(Deserialize)]
                    struct A {
                        watermark: String,
                        #[serde(default)]
                        force: bool,
                    }
                    let a: A = request(op, req)?;
                    to_json(
                        &c.get_track_numbers(Path::new(&a.watermark), call.now, a.force)
                            .await?,
                    )
                }
            }
        }
        Carrier::Inpost => {
            let cfg: ShipXConfig = load_toml(call.config)?;
            let token = secret_from(&cfg.token_env, call.env)?;
            let window = cfg.load_window(base_dir)?;
            let c = ShipXClient::new(&cfg, token, window)?;
            match op {
                "create_shipment" => {
                    #[derive(Deserialize)]
                    struct A {
                        shipment: NewShipment,
                        target_point: TargetPoint,
                        #[serde(default)]
                        allegro: bool,
                        #[serde(default)]
                        confirm: bool,
                    }
                    let a: A = request(op, req)?;
                    let r = if a.confirm {
                        c.create_and_confirm(&a.shipment, &a.target_point, a.allegro, call.now)
                            .await?
                    } else {
                        c.create_shipment(&a.shipment, &a.target_point, a.allegro, call.now)
                            .await?
                    };
                    to_json(&r)
                }
                "shipment" => {
                    #[derive(Deserialize)]
                    struct A {
                        id: u64,
                    }
                    to_json(&c.shipment(request::<A>(op, req)?.id).await?)
                }
                "calculate" => to_json(
                    &c.calculate(&request::<Vec<CalculationRequest>>(op, req)?)
                        .await?,
                ),
                "points" => {
                    #[derive(Deserialize)]
                    struct A {
                        #[serde(default = "one")]
                        page: u32,
                        #[serde(default = "per_page")]
                        per_page: u32,
                    }
                    let a: A = request(op, req)?;
                    to_json(&c.points(a.page, a.per_page).await?)
                }
                "weekend_points" => {
                    #[derive(Deserialize)]
                    struct A {
                        #[serde(default = "per_page")]
                        per_page: u32,
                        #[serde(default = "max_pages")]
                        max_pages: u32,
                    }
                    let a: A = request(op, req)?;
                    to_json(&c.weekend_points(a.per_page, a.max_pages).await?)
                }
                _ => {
                    #[derive(Deserialize)]
                    struct A {
                        #[serde(default)]
                        end_of_week_collection: Option<bool>,
                        #[serde(default = "one")]
                        page: u32,
                    }
                    let a: A = request(op, req)?;
                    let filter = EndOfWeekCollectionFilter::from_option(a.end_of_week_collection);
                    to_json(&c.search(filter, a.page).await?)
                }
            }
        }
        Carrier::InpostApiv2 => {
            let cfg: Apiv2Config = load_toml(call.config)?;
            let password = secret_from(&cfg.password_env, call.env)?;
            // apiv2's configuration has no window of its own: the seed's preset.
            let window = Preset::Seed
                .window()
                .map_err(|e| Error::Config(format!("inpost: window: {e}")))?;
            let c = Apiv2Client::new(&cfg, password, window)?;
            if op == "price_list" {
                return to_json(&c.price_list().await?);
            }
            #[derive(Deserialize)]
            struct A {
                document: DeliveryPacks,
                contexts: Vec<PackContext>,
            }
            let a: A = request(op, req)?;
            to_json(
                &c.create_delivery_packs(&a.document, &a.contexts, call.now)
                    .await?,
            )
        }
        Carrier::Fastriver => {
            let cfg: FastriverConfig = load_toml(call.config)?;
            let c = FastriverClient::new(&cfg, secret_from(&cfg.password_env, call.env)?)?;
            #[derive(Deserialize)]
            struct Uuid {
                uuid: String,
            }
            #[derive(Deserialize)]
            struct Reason {
                uuid: String,
                reason_code: String,
                #[serde(default)]
                comment: Option<String>,
            }
            #[derive(Deserialize)]
            struct Slots {
                #[serde(default)]
                uuid: String,
                #[serde(default)]
                query: SlotQuery,
                #[serde(default)]
                version: Option<String>,
            }
            let version = |v: &Option<String>| match v.as_deref() {
                None | Some("v1") => Ok(ApiVersion::V1),
                Some("v2") => Ok(ApiVersion::V2),
                Some(other) => Err(Error::LocalRefusal {
                    operation: op.into(),
                    issues: vec![FieldIssue::new(
                        "version",
                        "invalid",
                        format!("v1 or v2, not {other:?}"),
                    )],
                }),
            };
            match op {
                "create" => {
                    #[derive(Deserialize)]
                    #[serde(untagged)]
                    enum Doc {
                        Wrapped { data: Attrs },
                        Bare(Box<FastriverRequest>),
                    }
                    #[derive(Deserialize)]
                    struct Attrs {
                        attributes: Box<FastriverRequest>,
                    }
                    let r = match request::<Doc>(op, req)? {
                        Doc::Wrapped { data } => data.attributes,
                        Doc::Bare(r) => r,
                    };
                    let partner = PartnerConfig::from_toml_str(
                        call.rules_data
                            .unwrap_or(include_str!("../../data/carriers/fastriver.toml")),
                    )
                    .map_err(|e| Error::Config(e.to_string()))?;
                    to_json(&c.create(&r, Some((&partner, call.now))).await?)
                }
                "get" => to_json(&c.get(&request::<Uuid>(op, req)?.uuid).await?),
                "list" => {
                    #[derive(Deserialize)]
                    struct A {
                        #[serde(default)]
                        filter: ListFilter,
                        #[serde(default = "one")]
                        page: u32,
                    }
                    let a: A = request(op, req)?;
                    to_json(&c.list(&a.filter, a.page).await?)
                }
                "patch" => {
                    #[derive(Deserialize)]
                    struct A {
                        uuid: String,
                        changes: Box<FastriverRequest>,
                    }
                    let a: A = request(op, req)?;
                    to_json(&c.patch(&a.uuid, &a.changes).await?)
                }
                "cancel" => {
                    let a: Reason = request(op, req)?;
                    to_json(
                        &c.cancel(&a.uuid, &a.reason_code, a.comment.as_deref())
                            .await?,
                    )
                }
                "confirm" => to_json(&c.confirm(&request::<Uuid>(op, req)?.uuid).await?),
                "reject" => {
                    let a: Reason = request(op, req)?;
                    to_json(
                        &c.reject(&a.uuid, &a.reason_code, a.comment.as_deref())
                            .await?,
                    )
                }
                "request_slots" => {
                    let a: Slots = request(op, req)?;
                    to_json(
                        &c.request_slots(&a.uuid, &a.query, version(&a.version)?)
                            .await?,
                    )
                }
                "availability" => {
                    let a: Slots = request(op, req)?;
                    to_json(&c.availability(&a.query, version(&a.version)?).await?)
                }
                _ => {
                    #[derive(Deserialize)]
                    struct A {
                        list: String,
                    }
                    let a: A = request(op, req)?;
                    let list =
                        Reference::from_slug(&a.list).ok_or_else(|| Error::LocalRefusal {
                            operation: op.into(),
                            issues: vec![FieldIssue::new(
                                "list",
                                "unknown",
                                format!("no reference list {:?}", a.list),
                            )],
                        })?;
                    to_json(&c.reference(list).await?)
                }
            }
        }
        Carrier::Taxomet => {
            let cfg: TaxometConfig = load_toml(call.config)?;
            let c = TaxometClient::new(&cfg, secret_from(&cfg.password_env, call.env)?)?;
            to_json(&c.call(request::<TaxometCall>(op, req)?).await?)
        }
    }
}

fn one() -> u32 {
    1
}
fn per_page() -> u32 {
    100
}
fn max_pages() -> u32 {
    50
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde's message quotes a refused value; a phone there is masked.
    #[test]
    fn a_refused_request_does_not_quote_a_phone() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Call {
            phone: String,
        }
        // A nine-digit Polish phone is too short for the phone mask: the refused value
        // is left out of the message whole.
        let short = request::<Call>("x", Some(r#"{"phone": 501234567}"#)).unwrap_err();
        assert!(
            !format!("{short} {short:?}").contains("501234567"),
            "{short}"
        );
        let err = request::<Call>("x", Some(r#"{"phone": 77011234567}"#)).unwrap_err();
        assert_eq!(err.code(), "bad_request");
        let text = format!("{err} {err:?}");
        assert!(
            text.contains("invalid type") && !text.contains("1234567"),
            "{text}"
        );
    }
}
