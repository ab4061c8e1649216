//! The Aplix client: one typed method per SOAP operation.
//!
//! Operation names, endpoint path, namespace and the SOAPAction come from
//! configuration; the defaults are the seed's spellings (`CheckDimenshions` as the
//! seed's signature spells it — a deployment whose WSDL says `CheckDimensions` changes
//! one line of `data/adapters/aplix.toml`). `PushOrder` and `PushReestr` are validated
//! by `courier-rules` first and sent once (no idempotency key in the protocol); the
//! reads are retried by the transport's policy.

use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::envelope;
use super::watermark::Watermark;
use crate::error::{Error, FieldIssue};
use crate::rules_api::{
    aplix_datetime, validate_order, validate_registry, AplixRules, CalculateShippingCostRequest,
    Dimensions, KnownOrders, PushOrder, PushReestr, TrackBook, TrackIncrement, TrackNumber,
};
use crate::secret::{basic_credentials, Secret};
use crate::transport::{Auth, Call, Transport, TransportConfig};
use crate::xml::Node;

/// The operations' element names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Operations {
    pub check_dimensions: String,
    pub calculate_shipping_cost: String,
    pub get_details_of_cost: String,
    pub push_order: String,
    pub push_reestr: String,
    pub get_track_numbers: String,
}

impl Default for Operations {
    fn default() -> Self {
        Operations {
            check_dimensions: "CheckDimenshions".into(),
            calculate_shipping_cost: "CalculateShippingCost".into(),
            get_details_of_cost: "GetDetailsOfCost".into(),
            push_order: "PushOrder".into(),
            push_reestr: "PushReestr".into(),
            get_track_numbers: "GetTrackNumbers".into(),
        }
    }
}

/// The client's configuration (see `data/adapters/aplix.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AplixClientConfig {
    pub transport: TransportConfig,
    /// The service's path under the base URL (seed: `/post/ws/Delivery.1cws`).
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// The target namespace of the WSDL.
    pub namespace: String,
    /// SOAPAction template; `{namespace}` and `{operation}` are replaced (1C's form:
    /// `{namespace}#Delivery:{operation}`).
    #[serde(default = "default_soap_action")]
    pub soap_action: String,
    pub login: String,
    /// The environment variable holding the password.
    pub password_env: String,
    #[serde(default)]
    pub operations: Operations,
    /// `DateOfLastGetting` of the very first `GetTrackNumbers` (no watermark yet).
    #[serde(default = "default_first_getting")]
    pub first_date_of_last_getting: String,
}

fn default_endpoint() -> String {
    "/post/ws/Delivery.1cws".into()
}
fn default_soap_action() -> String {
    "{namespace}#Delivery:{operation}".into()
}
fn default_first_getting() -> String {
    "2000-01-01T00:00:00".into()
}

/// CheckDimensions' answer. `fits == false` with a comment is an answer, not an error:
/// the parcel exceeds a limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DimensionsCheck {
    pub fits: bool,
    pub length: Decimal,
    pub width: Decimal,
    pub height: Decimal,
    pub weight: Decimal,
    pub comment: Option<String>,
}

/// One delivery option of a calculation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryOption {
    pub type_id: i64,
    pub type_name: String,
    pub type_description: Option<String>,
    pub cost: Decimal,
    pub insurance: Option<Decimal>,
    pub postal_rate: Option<Decimal>,
    pub preparing_cost: Option<Decimal>,
    pub address: Option<String>,
    pub worktime: Option<String>,
    pub min_period: Option<i64>,
    pub max_period: Option<i64>,
    pub additional_information: Option<String>,
}

/// CalculateShippingCost's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShippingCost {
    /// The calculation's id, for GetDetailsOfCost.
    pub calculation_id: i64,
    pub types: Vec<DeliveryOption>,
    pub comments: Option<String>,
}

/// One line of GetDetailsOfCost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostLine {
    pub description: String,
    pub price: Decimal,
    pub qty: Decimal,
    pub cost: Decimal,
}

/// The Aplix client.
#[derive(Debug, Clone)]
pub struct AplixClient {
    transport: Transport,
    config: AplixClientConfig,
    password: Secret,
    rules: AplixRules,
}

const CARRIER: &str = "aplix";

fn decimal(op: &str, node: &Node, name: &str) -> Result<Decimal, Error> {
    let t = node
        .text_of(name)
        .ok_or_else(|| Error::malformed(op, format!("missing {name}")))?;
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| Error::malformed(op, format!("{name}: {t:?} is not a number")))
}

fn opt_decimal(op: &str, node: &Node, name: &str) -> Result<Option<Decimal>, Error> {
    match node.text_of(name) {
        None => Ok(None),
        Some(_) => decimal(op, node, name).map(Some),
    }
}

fn integer(op: &str, node: &Node, name: &str) -> Result<i64, Error> {
    let t = node
        .text_of(name)
        .ok_or_else(|| Error::malformed(op, format!("missing {name}")))?;
    t.parse()
        .map_err(|_| Error::malformed(op, format!("{name}: {t:?} is not an integer")))
}

fn text(node: &Node, name: &str) -> Option<String> {
    node.text_of(name).map(str::to_string)
}

fn local_refusal(operation: &str, errors: Vec<FieldIssue>) -> Result<(), Error> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::LocalRefusal {
            operation: operation.into(),
            issues: errors,
        })
    }
}

impl AplixClient {
    /// A client; `rules` are the contract's delivery types and VAT codes
    /// (`data/carriers/aplix.toml`) that `PushOrder` is checked against.
    pub fn new(
        config: AplixClientConfig,
        password: Secret,
        rules: AplixRules,
    ) -> Result<Self, Error> {
        if config
            .namespace
            .chars()
            .any(|c| matches!(c, '"' | '<' | '>' | '&'))
            || config.namespace.is_empty()
        {
            return Err(Error::Config(
                "aplix: namespace must be a non-empty URI without quotes, < > or &".into(),
            ));
        }
        if !config.endpoint.starts_with('/') {
            return Err(Error::Config("aplix: endpoint must start with /".into()));
        }
        Ok(AplixClient {
            transport: Transport::new(
                CARRIER,
                &config.transport,
                vec![
                    password.clone(),
                    basic_credentials(&config.login, &password),
                ],
            )?,
            config,
            password,
            rules,
        })
    }

    pub fn operations(&self) -> &Operations {
        &self.config.operations
    }

    /// Sends `params` as `operation` and returns the answer element.
    async fn soap<T: Serialize>(
        &self,
        operation: &str,
        params: &T,
        once: bool,
    ) -> Result<Node, Error> {
        let body = envelope::write(operation, &self.config.namespace, params)?;
        let action = self
            .config
            .soap_action
            .replace("{namespace}", &self.config.namespace)
            .replace("{operation}", operation);
        let mut call = Call::new(operation, Method::POST, self.config.endpoint.clone())
            .body("text/xml; charset=utf-8", body.into_bytes())
            .header("soapaction", format!("\"{action}\""))
            .auth(Auth::Basic {
                user: &self.config.login,
                password: &self.password,
            });
        if once {
            call = call.once();
        }
        let resp = self.transport.send(&call).await?;
        envelope::read(&self.transport, operation, resp.status, &resp.body)
    }

    /// CheckDimensions: can these goods travel, and in what parcel.
    pub async fn check_dimensions(&self, goods: &[Dimensions]) -> Result<DimensionsCheck, Error> {
        let op = self.config.operations.check_dimensions.as_str();
        let mut issues = Vec::new();
        for (i, g) in goods.iter().enumerate() {
            for (name, v) in [
                ("Length", g.length),
                ("Width", g.width),
                ("Height", g.height),
                ("Weight", g.weight),
            ] {
                if v <= Decimal::ZERO {
                    issues.push(FieldIssue::new(
                        format!("DimensionsList[{i}].{name}"),
                        "positive",
                        "must be positive",
                    ));
                }
            }
            if g.qty == 0 {
                issues.push(FieldIssue::new(
                    format!("DimensionsList[{i}].Qty"),
                    "positive",
                    "must be at least 1",
                ));
            }
        }
        if goods.is_empty() {
            issues.push(FieldIssue::new("DimensionsList", "required", "no goods"));
        }
        local_refusal(op, issues)?;
        #[derive(Serialize)]
        struct P<'a> {
            #[serde(rename = "DimensionsList")]
            list: &'a [Dimensions],
        }
        let a = self.soap(op, &P { list: goods }, false).await?;
        let fits = match a.text_of("return") {
            Some("true") | Some("1") => true,
            Some("false") | Some("0") => false,
            other => {
                return Err(Error::malformed(
                    op,
                    format!("return: {other:?} is not a boolean"),
                ))
            }
        };
        Ok(DimensionsCheck {
            fits,
            length: decimal(op, &a, "Length")?,
            width: decimal(op, &a, "Width")?,
            height: decimal(op, &a, "Height")?,
            weight: decimal(op, &a, "Weight")?,
            comment: text(&a, "Comment"),
        })
    }

    /// CalculateShippingCost. A non-positive calculation id is 1C's in-body error, its
    /// description in `Comments`.
    pub async fn calculate_shipping_cost(
        &self,
        request: &CalculateShippingCostRequest,
    ) -> Result<ShippingCost, Error> {
        let op = self.config.operations.calculate_shipping_cost.as_str();
        let a = self.soap(op, request, false).await?;
        let id = integer(op, &a, "return")?;
        let comments = text(&a, "Comments");
        if id <= 0 {
            return Err(envelope::rejected(
                &self.transport,
                op,
                &format!("return_{id}"),
                comments.as_deref().unwrap_or(""),
            ));
        }
        let mut types = Vec::new();
        for t in a.children_named("Types") {
            types.push(DeliveryOption {
                type_id: integer(op, t, "TypeId")?,
                type_name: text(t, "TypeName").unwrap_or_default(),
                type_description: text(t, "TypeDescription"),
                cost: decimal(op, t, "Cost")?,
                insurance: opt_decimal(op, t, "Insurance")?,
                postal_rate: opt_decimal(op, t, "PostalRate")?,
                preparing_cost: opt_decimal(op, t, "PreparingCost")?,
                address: text(t, "Address"),
                worktime: text(t, "Worktime"),
                min_period: t
                    .text_of("MinPeriod")
                    .map(|_| integer(op, t, "MinPeriod"))
                    .transpose()?,
                max_period: t
                    .text_of("MaxPeriod")
                    .map(|_| integer(op, t, "MaxPeriod"))
                    .transpose()?,
                additional_information: text(t, "AdditionalInformation"),
            });
        }
        Ok(ShippingCost {
            calculation_id: id,
            types,
            comments,
        })
    }

    /// GetDetailsOfCost: the packaging and marking lines of a calculation's option.
    pub async fn get_details_of_cost(
        &self,
        calculation_id: i64,
        type_id: i64,
    ) -> Result<Vec<CostLine>, Error> {
        let op = self.config.operations.get_details_of_cost.as_str();
        #[derive(Serialize)]
        struct P {
            #[serde(rename = "ID")]
            id: i64,
            #[serde(rename = "TypeId")]
            type_id: i64,
        }
        let a = self
            .soap(
                op,
                &P {
                    id: calculation_id,
                    type_id,
                },
                false,
            )
            .await?;
        let mut lines = Vec::new();
        // 1C answers an array as repeated `return` elements (or one `return` holding
        // repeated items); both are read.
        for r in a.children_named("return") {
            let items: Vec<&Node> = if r.child("Description").is_some() {
                vec![r]
            } else {
                r.children.iter().collect()
            };
            for d in items {
                lines.push(CostLine {
                    description: text(d, "Description").unwrap_or_default(),
                    price: decimal(op, d, "Price")?,
                    qty: decimal(op, d, "Qty")?,
                    cost: decimal(op, d, "Cost")?,
                });
            }
        }
        Ok(lines)
    }

    /// PushOrder, after `courier-rules`' `validate_order`; sent once. Returns Aplix's
    /// order id.
    pub async fn push_order(&self, order: &PushOrder) -> Result<i64, Error> {
        let op = self.config.operations.push_order.as_str();
        let errors = validate_order(order, &self.rules)
            .into_iter()
            .map(|e| FieldIssue::new(e.field, e.code, e.message))
            .collect();
        local_refusal(op, errors)?;
        let a = self.soap(op, order, true).await?;
        self.positive_id(op, &a)
    }

    /// PushReestr, after `validate_registry` against the orders already pushed (when
    /// the caller keeps them); sent once. Returns Aplix's registry id.
    pub async fn push_reestr(
        &self,
        reestr: &PushReestr,
        known: Option<&KnownOrders>,
    ) -> Result<i64, Error> {
        let op = self.config.operations.push_reestr.as_str();
        if let Some(known) = known {
            let errors = validate_registry(reestr, known)
                .into_iter()
                .map(|e| FieldIssue::new(e.field, e.code, e.message))
                .collect();
            local_refusal(op, errors)?;
        }
        let a = self.soap(op, reestr, true).await?;
        self.positive_id(op, &a)
    }

    fn positive_id(&self, op: &str, a: &Node) -> Result<i64, Error> {
        let id = integer(op, a, "return")?;
        if id <= 0 {
            let comment = text(a, "Comment").or_else(|| text(a, "Comments"));
            return Err(envelope::rejected(
                &self.transport,
                op,
                &format!("return_{id}"),
                comment.as_deref().unwrap_or(""),
            ));
        }
        Ok(id)
    }

    /// GetTrackNumbers since the watermark in `watermark_path`, at most once an hour
    /// (the rules' `TrackBook::may_poll`) unless `force`. The call's instant is
    /// recorded before sending (a failed call counts: Aplix asked for one call an hour);
    /// the new `DateOfLastGetting` only after a valid answer.
    pub async fn get_track_numbers(
        &self,
        watermark_path: &Path,
        now: DateTime<Utc>,
        force: bool,
    ) -> Result<TrackIncrement, Error> {
        let op = self.config.operations.get_track_numbers.as_str();
        let mut mark = Watermark::load(watermark_path)?;
        let last = mark.last_call_at.map(|t| t.naive_utc());
        if !force && !TrackBook::may_poll(last, now.naive_utc()) {
            let not_before = mark.last_call_at.map(|t| t + chrono::Duration::hours(1));
            return Err(Error::Throttled {
                operation: op.into(),
                not_before: not_before.map(|t| t.to_rfc3339()).unwrap_or_default(),
            });
        }
        let since = mark
            .date_of_last_getting
            .clone()
            .unwrap_or_else(|| self.config.first_date_of_last_getting.clone());
        mark.last_call_at = Some(now);
        mark.save(watermark_path)?;
        #[derive(Serialize)]
        struct P<'a> {
            #[serde(rename = "DateOfLastGetting")]
            since: &'a str,
        }
        let a = self.soap(op, &P { since: &since }, false).await?;
        let new_mark = a
            .text_of("return")
            .ok_or_else(|| Error::malformed(op, "missing return (NewDateOfLastGetting)"))?
            .to_string();
        if aplix_datetime(&new_mark).is_none() {
            return Err(Error::malformed(
                op,
                format!("return: {new_mark:?} is not a date and time"),
            ));
        }
        let mut lines = Vec::new();
        for t in a.children_named("TrackNumbers") {
            let items: Vec<&Node> = if t.child("OrderID").is_some() {
                vec![t]
            } else {
                t.children.iter().collect()
            };
            for n in items {
                lines.push(TrackNumber {
                    order_id: text(n, "OrderID").unwrap_or_default(),
                    number: text(n, "Number").unwrap_or_default(),
                    activity: matches!(n.text_of("Activity"), Some("true") | Some("1")),
                });
            }
        }
        mark.date_of_last_getting = Some(new_mark.clone());
        mark.save(watermark_path)?;
        Ok(TrackIncrement {
            new_date_of_last_getting: new_mark,
            track_numbers: lines,
        })
    }
}
