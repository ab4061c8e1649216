//! InPost apiv2 (the older XML API, seed 003 § 2): the price list with the
//! `endOfWeekCollection` price and `createdeliverypacks` with per-pack results.
//!
//! apiv2 takes the account's e-mail and password as form fields of a POST (`email`,
//! `password`, `content` = the XML document) and answers XML. A creation answers per
//! pack: a pack code, or `<error key="…">message</error>` (`invalidEndOfWeekCollection`,
//! `invalidBoxMachineNameForEndOfWeekCollection`, `invalidAllegroForEndOfWeekCollection`);
//! one refused pack does not fail the others, so the result is a list of
//! [`PackResult`]s. A root-level `<error>` (bad login, bad document) is an
//! [`Error::Rejected`]. The weekend rules are checked locally first with the apiv2 keys
//! (and ShipX's name for the checks apiv2 lacks, such as the 24/7 locker).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldIssue};
use crate::rules_api::{check_weekend, mask, TargetPoint, WeekendShipment, Window, ADD_ON_SERVICE};
use crate::secret::{percent_encode, Secret};
use crate::transport::{Call, Transport, TransportConfig};
use crate::xml::{self, Node};

/// The apiv2 client's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Apiv2Config {
    /// e.g. `https://api.paczkomaty.pl`.
    pub transport: TransportConfig,
    pub email: String,
    pub password_env: String,
}

/// The price list (`?do=pricelist`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceList {
    pub on_delivery_payment: Option<Decimal>,
    /// (pack type, price), in the document's order.
    pub packtypes: Vec<(String, Decimal)>,
    /// (upper limit of the insured amount, price).
    pub insurance: Vec<(Decimal, Decimal)>,
    /// The weekend add-on's price; `None` when the list has none.
    pub end_of_week_collection: Option<Decimal>,
}

/// One pack of `createdeliverypacks`, with apiv2's element names. Its `Debug` masks
/// the e-mails and the phone, as ShipX's `Receiver` does.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pack {
    /// A temporary id, echoed in the answer.
    pub id: String,
    #[serde(rename = "addresseeEmail")]
    pub addressee_email: String,
    #[serde(
        rename = "senderEmail",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sender_email: Option<String>,
    #[serde(rename = "phoneNum")]
    pub phone_num: String,
    #[serde(rename = "boxMachineName")]
    pub box_machine_name: String,
    #[serde(rename = "packType")]
    pub pack_type: String,
    #[serde(
        rename = "endOfWeekCollection",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub end_of_week_collection: Option<bool>,
}

impl std::fmt::Debug for Pack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pack")
            .field("id", &self.id)
            .field("addressee_email", &mask::email(&self.addressee_email))
            .field(
                "sender_email",
                &self.sender_email.as_deref().map(mask::email),
            )
            .field("phone_num", &mask::phone(&self.phone_num))
            .field("box_machine_name", &self.box_machine_name)
            .field("pack_type", &self.pack_type)
            .field("end_of_week_collection", &self.end_of_week_collection)
            .finish()
    }
}

/// The document of `createdeliverypacks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "paczkomaty")]
pub struct DeliveryPacks {
    #[serde(rename = "autoLabels")]
    pub auto_labels: bool,
    #[serde(rename = "selfSend")]
    pub self_send: bool,
    #[serde(rename = "pack")]
    pub packs: Vec<Pack>,
}

/// What the rules need to know of a pack's target and origin.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PackContext {
    pub target: TargetPoint,
    #[serde(default)]
    pub allegro: bool,
}

/// One pack's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackResult {
    pub id: String,
    pub packcode: Option<String>,
    /// `(key, message)` when InPost refused the pack.
    pub error: Option<(String, String)>,
}

/// The apiv2 client.
#[derive(Debug, Clone)]
pub struct Apiv2Client {
    transport: Transport,
    email: String,
    password: Secret,
    window: Window,
}

fn decimal(op: &str, node: &Node, name: &str) -> Result<Option<Decimal>, Error> {
    node.text_of(name)
        .map(|t| {
            Decimal::from_str(t)
                .map_err(|_| Error::malformed(op, format!("{name}: {t:?} is not a decimal")))
        })
        .transpose()
}

impl Apiv2Client {
    pub fn new(config: &Apiv2Config, password: Secret, window: Window) -> Result<Self, Error> {
        Ok(Apiv2Client {
            transport: Transport::new("inpost-apiv2", &config.transport, vec![password.clone()])?,
            email: config.email.clone(),
            password,
            window,
        })
    }

    fn root(&self, op: &str, status: u16, body: &str) -> Result<Node, Error> {
        if !(200..300).contains(&status) {
            return Err(Error::Http {
                operation: op.into(),
                status,
                body_excerpt: self.transport.excerpt(body),
            });
        }
        let root = xml::parse(body).map_err(|e| Error::malformed(op, self.transport.redact(&e)))?;
        if let Some(err) = root.child("error") {
            return Err(Error::Rejected {
                operation: op.into(),
                carrier: "inpost",
                status,
                error: self.transport.redact(err.attr("key").unwrap_or("")),
                message: self.transport.redact(err.text.trim()),
                issues: Vec::new(),
            });
        }
        Ok(root)
    }

    /// The price list.
    pub async fn price_list(&self) -> Result<PriceList, Error> {
        const OP: &str = "pricelist";
        let resp = self
            .transport
            .send(&Call::new(OP, Method::GET, "/?do=pricelist"))
            .await?;
        let root = self.root(OP, resp.status, &resp.body)?;
        let mut packtypes = Vec::new();
        for p in root.children_named("packtype") {
            let kind = p.text_of("type").unwrap_or_default().to_string();
            let price = decimal(OP, p, "price")?
                .ok_or_else(|| Error::malformed(OP, "packtype without a price"))?;
            packtypes.push((kind, price));
        }
        let mut insurance = Vec::new();
        for i in root.children_named("insurance") {
            match (decimal(OP, i, "limit")?, decimal(OP, i, "price")?) {
                (Some(l), Some(p)) => insurance.push((l, p)),
                _ => return Err(Error::malformed(OP, "insurance without limit or price")),
            }
        }
        let eowc = match root.child("endOfWeekCollection") {
            Some(n) => decimal(OP, n, "price")?,
            None => None,
        };
        Ok(PriceList {
            on_delivery_payment: decimal(OP, &root, "on_delivery_payment")?,
            packtypes,
            insurance,
            end_of_week_collection: eowc,
        })
    }

    /// Creates packs (sent once), after the local weekend check of every pack asking
    /// for the add-on (`contexts[i]` describes `packs[i]`'s target, ordered at
    /// `ordered_at`).
    pub async fn create_delivery_packs(
        &self,
        document: &DeliveryPacks,
        contexts: &[PackContext],
        ordered_at: DateTime<Utc>,
    ) -> Result<Vec<PackResult>, Error> {
        const OP: &str = "createdeliverypacks";
        if contexts.len() != document.packs.len() {
            return Err(Error::Config(format!(
                "{OP}: {} packs but {} contexts",
                document.packs.len(),
                contexts.len()
            )));
        }
        let mut issues = Vec::new();
        for (i, (pack, ctx)) in document.packs.iter().zip(contexts).enumerate() {
            if ctx.target.name != pack.box_machine_name {
                issues.push(FieldIssue::new(
                    format!("pack[{i}].boxMachineName"),
                    "target_point_mismatch",
                    "the point checked is not the pack's boxMachineName",
                ));
                continue;
            }
            let probe = WeekendShipment {
                service: ADD_ON_SERVICE.into(),
                allegro: ctx.allegro,
                end_of_week_collection: pack.end_of_week_collection.unwrap_or(false),
                ordered_at,
                target_point: ctx.target.clone(),
            };
            for r in check_weekend(&self.window, &probe).iter() {
                let code = r.apiv2_key().unwrap_or(r.shipx_key());
                issues.push(FieldIssue::new(
                    format!("pack[{i}].endOfWeekCollection"),
                    code,
                    r.message_pl(),
                ));
            }
        }
        if !issues.is_empty() {
            return Err(Error::LocalRefusal {
                operation: OP.into(),
                issues,
            });
        }
        let content = quick_xml::se::to_string(document)
            .map_err(|e| Error::Config(format!("{OP}: cannot write the document: {e}")))?;
        let form = format!(
            "email={}&password={}&content={}",
            percent_encode(&self.email),
            percent_encode(self.password.expose()),
            percent_encode(&content)
        );
        let call = Call::new(OP, Method::POST, "/?do=createdeliverypacks")
            .body("application/x-www-form-urlencoded", form.into_bytes())
            .once();
        let resp = self.transport.send(&call).await?;
        let root = self.root(OP, resp.status, &resp.body)?;
        Ok(root
            .children_named("pack")
            .map(|p| PackResult {
                id: p.text_of("id").unwrap_or_default().to_string(),
                packcode: p.text_of("packcode").map(str::to_string),
                error: p.child("error").map(|e| {
                    (
                        e.attr("key").unwrap_or_default().to_string(),
                        self.transport.redact(e.text.trim()),
                    )
                }),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_pack_masks_the_addressee() {
        let pack = Pack {
            id: "p1".into(),
            addressee_email: "anna.nowak@example.pl".into(),
            sender_email: Some("shop.owner@example.pl".into()),
            phone_num: "501234567".into(),
            box_machine_name: "KRA010".into(),
            pack_type: "A".into(),
            end_of_week_collection: Some(true),
        };
        let text = format!("{pack:?}");
        assert!(text.contains("KRA010"), "{text}");
        for personal in ["anna.nowak", "shop.owner", "1234"] {
            assert!(!text.contains(personal), "{text}");
        }
    }
}
