//! `PushReestr`: a registry (реестр) of orders handed over together, validated against
//! the orders Aplix knows.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::parse_datetime;
use crate::field::FieldError;

/// The `PushReestr` call's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReestr {
    /// `ID`: the registry's unique id in the shop's system; required.
    #[serde(default, rename = "ID")]
    pub id: Option<String>,
    /// `Number`: the registry's number; required.
    #[serde(default, rename = "Number")]
    pub number: Option<String>,
    /// The registry's date (printed on the hand-over acts).
    #[serde(default, rename = "Date")]
    pub date: Option<String>,
    /// The expected hand-over date.
    #[serde(default, rename = "DateOfShipment")]
    pub date_of_shipment: Option<String>,
    /// `IDs`: the `ID`s of the orders handed over; at least one, each known, active, listed once
    /// and in no other registry.
    #[serde(default, rename = "IDs")]
    pub ids: Vec<String>,
}

impl PushReestr {
    /// Parses a `PushReestr` payload from JSON (an object).
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        crate::payload::expect_object(text)?;
        serde_json::from_str(text)
    }
}

/// What we know of an order already pushed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownOrder {
    /// `ID`: the customer's id in the shop's system; masked like an e-mail in `Debug` (shops often
    /// use the address as id).
    #[serde(rename = "ID")]
    pub id: String,
    /// `false`: cancelled.
    #[serde(default = "yes", rename = "Activity")]
    pub active: bool,
    /// The registry the order is already in, if any.
    #[serde(default, rename = "ReestrID")]
    pub registry: Option<String>,
}

fn yes() -> bool {
    true
}

/// The orders pushed so far, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownOrders {
    /// Known orders by `ID`.
    pub orders: BTreeMap<String, KnownOrder>,
}

impl KnownOrders {
    /// Reads a JSON array of orders: `PushOrder` payloads or `{"ID","Activity","ReestrID"}`
    /// (other fields are ignored). A later entry with the same id replaces an earlier one,
    /// as a later `PushOrder` does.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let list: Vec<KnownOrder> = serde_json::from_str(text)?;
        Ok(list.into_iter().collect())
    }
}

impl FromIterator<KnownOrder> for KnownOrders {
    fn from_iter<I: IntoIterator<Item = KnownOrder>>(iter: I) -> Self {
        KnownOrders {
            orders: iter.into_iter().map(|o| (o.id.clone(), o)).collect(),
        }
    }
}

/// Validates a registry: id, number and dates present, the hand-over not before the
/// registry date, at least one order, every order known, active, listed once and in no
/// other registry.
///
/// ```
/// use courier_rules::aplix::{validate_registry, KnownOrder, KnownOrders, PushReestr};
/// let known: KnownOrders = [KnownOrder { id: "A".into(), active: true, registry: None }].into_iter().collect();
/// let r = PushReestr::from_json(r#"{"ID":"r1","Number":"1","Date":"2013-10-22","DateOfShipment":"2013-10-23","IDs":["A"]}"#).unwrap();
/// assert!(validate_registry(&r, &known).is_empty());
/// let r = PushReestr::from_json(r#"{"ID":"r1","Number":"1","Date":"2013-10-22","DateOfShipment":"2013-10-21","IDs":["A","B"]}"#).unwrap();
/// let codes: Vec<_> = validate_registry(&r, &known).iter().map(|e| e.code).collect();
/// assert_eq!(codes, ["shipment_before_registry_date", "unknown_order"]);
/// ```
pub fn validate_registry(reestr: &PushReestr, known: &KnownOrders) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let id = reestr.id.as_deref().map(str::trim).unwrap_or("");
    if id.is_empty() {
        errs.push(FieldError::new(
            "ID",
            "required",
            "required (unique registry id)",
        ));
    }
    if reestr.number.as_deref().is_none_or(|s| s.trim().is_empty()) {
        errs.push(FieldError::new("Number", "required", "required"));
    }
    let date = parse_field(&mut errs, "Date", reestr.date.as_deref());
    let shipment = parse_field(
        &mut errs,
        "DateOfShipment",
        reestr.date_of_shipment.as_deref(),
    );
    if let (Some(d), Some(s)) = (date, shipment) {
        if s.date() < d.date() {
            errs.push(FieldError::new(
                "DateOfShipment",
                "shipment_before_registry_date",
                "the hand-over date is before the registry date",
            ));
        }
    }
    if reestr.ids.is_empty() {
        errs.push(FieldError::new("IDs", "required", "at least one order"));
    }
    let mut seen = BTreeSet::new();
    for (i, order_id) in reestr.ids.iter().enumerate() {
        let field = format!("IDs[{i}]");
        if !seen.insert(order_id.as_str()) {
            errs.push(FieldError::new(
                field,
                "duplicate_order",
                format!("order {order_id:?} is listed twice"),
            ));
            continue;
        }
        match known.orders.get(order_id) {
            None => errs.push(FieldError::new(
                field,
                "unknown_order",
                format!("order {order_id:?} is not known"),
            )),
            Some(o) if !o.active => errs.push(FieldError::new(
                field,
                "cancelled_order",
                format!("order {order_id:?} is cancelled (Activity false)"),
            )),
            Some(KnownOrder {
                registry: Some(other),
                ..
            }) if other != id => errs.push(FieldError::new(
                field,
                "order_in_other_registry",
                format!("order {order_id:?} is already in registry {other:?}"),
            )),
            Some(_) => {}
        }
    }
    errs
}

fn parse_field(
    errs: &mut Vec<FieldError>,
    field: &'static str,
    v: Option<&str>,
) -> Option<chrono::NaiveDateTime> {
    match v.map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::new(field, "required", "required"));
            None
        }
        Some(s) => {
            let d = parse_datetime(s);
            if d.is_none() {
                errs.push(FieldError::new(
                    field,
                    "date_format",
                    "expected YYYY-MM-DD[THH:MM:SS]",
                ));
            }
            d
        }
    }
}

/// Registries pushed one after another: each is validated against the orders and the
/// registries accepted before it, so no order ends up in two. Pushing the same registry
/// again is idempotent.
#[derive(Debug, Clone, Default)]
pub struct RegistryBook {
    known: KnownOrders,
}

impl RegistryBook {
    /// A book that starts from the orders known so far and no registry accepted yet.
    pub fn new(known: KnownOrders) -> Self {
        RegistryBook { known }
    }

    /// Validates `reestr`; when it is valid, records its orders as taken.
    pub fn push(&mut self, reestr: &PushReestr) -> Vec<FieldError> {
        let errs = validate_registry(reestr, &self.known);
        if errs.is_empty() {
            let id = reestr
                .id
                .as_deref()
                .map(str::trim)
                .unwrap_or("")
                .to_string();
            for order_id in &reestr.ids {
                if let Some(o) = self.known.orders.get_mut(order_id) {
                    o.registry = Some(id.clone());
                }
            }
        }
        errs
    }

    /// The registry an order is in.
    pub fn registry_of(&self, order_id: &str) -> Option<&str> {
        self.known.orders.get(order_id)?.registry.as_deref()
    }
}
