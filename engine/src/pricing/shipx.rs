//! InPost ShipX price calculation (seed 003, §3.4): price shipments (template or
//! dimensions, insurance, cash on delivery, `end_of_week_collection`) and answer with
//! the seed's calculation fields, decimal strings, `null` where not applicable.
//!
//! Field semantics (decisions, see `docs/pricing.md`):
//! - `calculated_charge_amount` = base charge + fuel + notification + COD + insurance.
//!   The seed's example (27.20 = 7.20 + 20.00, with 4.99 beside) shows the weekend fee
//!   **beside** it, not inside; `total_charge_amount` (our addition) includes it.
//! - `calculated_charge_amount_non_commission` = the charge without the commission
//!   services (COD, insurance); `null` when neither was asked for.
//! - `fuel_charge_amount`, `notification_charge_amount`: `null` when the price list has
//!   no such surcharge; `cod_charge_amount`, `insurance_charge_amount`,
//!   `end_of_week_collection_charge_amount`: `null` when not asked for.

use courier_rules::Sides;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::compile::CompiledTariff;
use super::consignment::{Consignment, Parcel};
use super::money::{checked_sum, round_money};
use super::refusal::MethodRefusal;

/// `{"shipments": [...]}`, as POSTed to `/v1/organizations/:id/shipments/calculate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxCalculationRequest {
    /// The shipments to price, answered in the same order.
    pub shipments: Vec<ShipxShipment>,
}

/// A shipment as ShipX describes it; fields this engine does not price (receiver,
/// custom attributes, reference, ...) are accepted and ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxShipment {
    /// The shipment's id, echoed in its answer.
    #[serde(default)]
    pub id: String,
    /// ShipX service (default `inpost_locker_standard`).
    #[serde(default = "locker_standard")]
    pub service: String,
    /// The parcels (ShipX prices the first).
    pub parcels: Vec<ShipxParcel>,
    /// Insurance amount asked for.
    #[serde(default)]
    pub insurance: Option<ShipxMoney>,
    /// Cash-on-delivery amount asked for.
    #[serde(default)]
    pub cod: Option<ShipxMoney>,
    /// The weekend delivery add-on asked for.
    #[serde(default)]
    pub end_of_week_collection: bool,
    /// The receiver, for the post code (zoning).
    #[serde(default)]
    pub receiver: Option<ShipxReceiver>,
}

fn locker_standard() -> String {
    "inpost_locker_standard".into()
}

/// `{"amount": 25, "currency": "PLN"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxMoney {
    /// The amount, exact.
    pub amount: Decimal,
    /// ISO 4217 currency; when given it must be the tariff's.
    #[serde(default)]
    pub currency: Option<String>,
}

/// Only the post code is used (for zoning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxReceiver {
    /// The receiver's address.
    #[serde(default)]
    pub address: Option<ShipxAddress>,
}

/// The receiver's address; only the post code is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxAddress {
    /// Post code (`00-001`), for zoning.
    #[serde(default)]
    pub post_code: Option<String>,
}

/// A parcel: a template (`small`/`medium`/`large`, or `A`/`B`/`C`), or dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxParcel {
    /// A template (`small`/`medium`/`large` or `A`/`B`/`C`): the cell it names.
    #[serde(default)]
    pub template: Option<String>,
    /// Dimensions, when no template is given.
    #[serde(default)]
    pub dimensions: Option<ShipxDimensions>,
    /// Weight of the parcel.
    #[serde(default)]
    pub weight: Option<ShipxWeight>,
}

/// Sides in `unit` (`mm`, the ShipX default, or `cm`), rounded up to whole mm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxDimensions {
    /// Length, in `unit`.
    pub length: Decimal,
    /// Width, in `unit`.
    pub width: Decimal,
    /// Height, in `unit`.
    pub height: Decimal,
    /// `mm` (default) or `cm`.
    #[serde(default)]
    pub unit: Option<String>,
}

/// Weight in `unit` (`kg`, the ShipX default, or `g`), rounded up to whole grams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipxWeight {
    /// Weight, in `unit`.
    pub amount: Decimal,
    /// `kg` (default) or `g`.
    #[serde(default)]
    pub unit: Option<String>,
}

/// One priced shipment: the seed's fields (plus `total_charge_amount`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShipxCalculation {
    /// The shipment's id.
    pub id: String,
    /// ShipX's `calculated_charge_amount`: the price without the weekend fee.
    pub calculated_charge_amount: Decimal,
    /// Fuel surcharge.
    pub fuel_charge_amount: Option<Decimal>,
    /// Notification fee.
    pub notification_charge_amount: Option<Decimal>,
    /// Cash-on-delivery fee.
    pub cod_charge_amount: Option<Decimal>,
    /// Insurance fee.
    pub insurance_charge_amount: Option<Decimal>,
    /// The price without commission-type fees (COD, insurance).
    pub calculated_charge_amount_non_commission: Option<Decimal>,
    /// The weekend add-on's fee, when asked for.
    pub end_of_week_collection_charge_amount: Option<Decimal>,
    /// Our addition: `calculated_charge_amount` + the weekend fee.
    pub total_charge_amount: Decimal,
}

/// A shipment that cannot be priced, in ShipX's error shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShipxPriceError {
    /// The shipment's id.
    pub id: String,
    /// HTTP status ShipX would answer (400).
    pub status: u16,
    /// ShipX's error name (`invalid_post_code`).
    pub error: String,
    /// The message, for a person.
    pub message: String,
    /// The request fields at fault.
    pub details: Vec<String>,
}

/// Per shipment: a calculation or an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ShipxOutcome {
    /// Priced.
    Priced(ShipxCalculation),
    /// Refused, in ShipX's error shape.
    Refused(ShipxPriceError),
}

fn err(id: &str, error: &str, message: String, details: Vec<String>) -> ShipxOutcome {
    ShipxOutcome::Refused(ShipxPriceError {
        id: id.to_string(),
        status: 400,
        error: error.to_string(),
        message,
        details,
    })
}

/// `v` in `unit` × `per_unit`, rounded up to a whole number.
fn whole_up(v: Decimal, per_unit: u32) -> Option<u64> {
    if v.is_sign_negative() {
        return None;
    }
    let x = v.checked_mul(Decimal::from(per_unit))?.ceil();
    u64::try_from(x).ok()
}

impl CompiledTariff {
    /// Prices every shipment of a ShipX calculation request, in order.
    ///
    /// ```
    /// use courier_engine::pricing::{CompiledTariff, ShipxCalculationRequest, ShipxOutcome};
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/tariffs/inpost.toml")).unwrap();
    /// let t = CompiledTariff::from_toml_str(&text).unwrap();
    /// let req: ShipxCalculationRequest = serde_json::from_str(r#"{"shipments": [
    ///   {"id": "S1", "parcels": [{"template": "small"}], "end_of_week_collection": true}
    /// ]}"#).unwrap();
    /// let ShipxOutcome::Priced(c) = &t.shipx_calculate(&req)[0] else { panic!() };
    /// // A 12.99 + fuel 5 % 0.65 + notification 0.00
    /// assert_eq!(c.calculated_charge_amount.to_string(), "13.64");
    /// assert_eq!(c.end_of_week_collection_charge_amount.unwrap().to_string(), "4.99");
    /// assert_eq!(c.cod_charge_amount, None);
    /// ```
    pub fn shipx_calculate(&self, req: &ShipxCalculationRequest) -> Vec<ShipxOutcome> {
        req.shipments.iter().map(|s| self.shipx_price(s)).collect()
    }

    /// Prices one ShipX shipment.
    pub fn shipx_price(&self, s: &ShipxShipment) -> ShipxOutcome {
        let id = s.id.as_str();
        let Some(mi) = self.method_by_code(&s.service) else {
            return err(
                id,
                "invalid_service",
                format!("service {:?} is not in price list {}", s.service, self.id),
                self.method_codes().map(str::to_string).collect(),
            );
        };
        let Some(m) = self.methods.get(mi) else {
            return err(id, "invalid_service", "no such service".into(), vec![]);
        };
        for (field, money) in [("insurance", &s.insurance), ("cod", &s.cod)] {
            if let Some(money) = money {
                if money.amount.is_sign_negative() && !money.amount.is_zero() {
                    return err(
                        id,
                        "validation_failed",
                        format!("{field}.amount must not be negative"),
                        vec![format!("{field}.amount")],
                    );
                }
                if let Some(c) = &money.currency {
                    if *c != self.currency {
                        return err(
                            id,
                            "validation_failed",
                            format!(
                                "{field}.currency {c:?}: the price list is in {}",
                                self.currency
                            ),
                            vec![format!("{field}.currency")],
                        );
                    }
                }
            }
        }
        let [parcel] = s.parcels.as_slice() else {
            return err(
                id,
                "validation_failed",
                format!(
                    "parcels: exactly one parcel is priced per locker shipment, got {}",
                    s.parcels.len()
                ),
                vec!["parcels".into()],
            );
        };
        let weight_g = match &parcel.weight {
            None => Some(0),
            Some(w) => match w.unit.as_deref().unwrap_or("kg") {
                "kg" => whole_up(w.amount, 1000),
                "g" => whole_up(w.amount, 1),
                _ => None,
            },
        };
        let Some(weight_g) = weight_g else {
            return err(
                id,
                "validation_failed",
                "parcels[0].weight: amount must be non-negative, unit \"kg\" or \"g\"".into(),
                vec!["parcels[0].weight".into()],
            );
        };
        let sides = match (&parcel.template, &parcel.dimensions) {
            (Some(t), None) => {
                let cell = match t.as_str() {
                    "small" | "A" => "A",
                    "medium" | "B" => "B",
                    "large" | "C" => "C",
                    _ => "",
                };
                match m.limits.cells().iter().find(|c| c.name() == cell) {
                    Some(c) => c.sorted_sides(),
                    None => {
                        return err(
                            id,
                            "invalid_template",
                            format!("parcels[0].template {t:?}: expected small, medium or large"),
                            vec!["parcels[0].template".into()],
                        )
                    }
                }
            }
            (None, Some(d)) => {
                let per = match d.unit.as_deref().unwrap_or("mm") {
                    "mm" => Some(1),
                    "cm" => Some(10),
                    _ => None,
                };
                let sides = per.and_then(|per| {
                    let f = |v| whole_up(v, per).and_then(|x| u32::try_from(x).ok());
                    // A zero side is refused as a negative one.
                    Sides::new(f(d.length)?, f(d.width)?, f(d.height)?).ok()
                });
                match sides {
                    Some(s) => s,
                    None => {
                        return err(
                            id,
                            "validation_failed",
                            "parcels[0].dimensions: sides must be positive, unit \"mm\" or \"cm\""
                                .into(),
                            vec!["parcels[0].dimensions".into()],
                        )
                    }
                }
            }
            _ => {
                return err(
                    id,
                    "validation_failed",
                    "parcels[0]: give either template or dimensions".into(),
                    vec!["parcels[0].template".into(), "parcels[0].dimensions".into()],
                )
            }
        };
        let shipment = Consignment {
            parcel: Parcel {
                outer_sorted_mm: sides,
                gross_weight_g: weight_g,
                goods_volume_mm3: 0,
                units: 1,
                carton: None,
            },
            declared_value: s.insurance.as_ref().map_or(Decimal::ZERO, |i| i.amount),
            cod_amount: s.cod.as_ref().map(|c| c.amount),
            weekend: s.end_of_week_collection,
        };
        let raw_post_code = s
            .receiver
            .as_ref()
            .and_then(|r| r.address.as_ref())
            .and_then(|a| a.post_code.as_deref())
            .unwrap_or("");
        // The format on the code as written (`NN-NNN`), the zones on its digits.
        let field = "receiver.address.post_code";
        let post_code = raw_post_code.replace('-', "");
        if let Err(e) = self
            .check_index_format(field, raw_post_code)
            .and_then(|()| self.check_served(field, &post_code, ""))
        {
            return err(
                id,
                "invalid_post_code",
                e.to_string(),
                vec![e.field().into()],
            );
        }
        let dest = self.destination(&post_code, "");
        match self.price_method(mi, &shipment, &dest, Decimal::ZERO) {
            Ok(p) => {
                let zero = round_money(Decimal::ZERO, self.dp);
                let insurance = if s.insurance.is_some() {
                    Some(p.insurance.unwrap_or(zero))
                } else {
                    None
                };
                // Checked: the components fit (price_method summed them), but these are
                // other sums; an overflow is refused like any other unpriceable parcel.
                let sums = checked_sum([p.cod_fee.unwrap_or(zero), insurance.unwrap_or(zero)])
                    .and_then(|commission| {
                        let calculated = checked_sum([
                            p.rate,
                            p.fuel.unwrap_or(zero),
                            p.notification.unwrap_or(zero),
                            commission,
                        ])?;
                        let total = calculated.checked_add(p.weekend.unwrap_or(zero))?;
                        Some((commission, calculated, total))
                    });
                let Some((commission, calculated, total)) = sums else {
                    let r = MethodRefusal::Unpriceable {
                        component: "calculated_charge_amount",
                        chargeable_weight_g: Some(p.chargeable_weight_g),
                    };
                    return err(
                        id,
                        "invalid_parcel",
                        r.describe(),
                        vec![r.code().to_string()],
                    );
                };
                ShipxOutcome::Priced(ShipxCalculation {
                    id: id.to_string(),
                    calculated_charge_amount: calculated,
                    fuel_charge_amount: p.fuel,
                    notification_charge_amount: p.notification,
                    cod_charge_amount: p.cod_fee,
                    insurance_charge_amount: insurance,
                    calculated_charge_amount_non_commission: (p.cod_fee.is_some()
                        || insurance.is_some())
                    .then(|| calculated - commission),
                    end_of_week_collection_charge_amount: p.weekend,
                    total_charge_amount: total,
                })
            }
            Err(reasons) => {
                let error = match reasons.first() {
                    Some(
                        MethodRefusal::LimitExceeded { .. } | MethodRefusal::Unpriceable { .. },
                    ) => "invalid_parcel",
                    Some(MethodRefusal::CodNotOffered | MethodRefusal::CodAmountTooHigh { .. }) => {
                        "invalid_cod"
                    }
                    Some(MethodRefusal::DeclaredValueTooHigh { .. }) => "invalid_insurance",
                    Some(MethodRefusal::WeekendNotOffered) => "invalid_end_of_week_collection",
                    _ => "invalid_service",
                };
                err(
                    id,
                    error,
                    reasons
                        .iter()
                        .map(|r| r.describe())
                        .collect::<Vec<_>>()
                        .join("; "),
                    reasons.iter().map(|r| r.code().to_string()).collect(),
                )
            }
        }
    }
}
