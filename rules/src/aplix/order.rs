//! `PushOrder`: an order placed with Aplix, and its validation.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{parse_datetime, AplixConfig};
use crate::field::{is_email, FieldError};
use crate::mask;

/// The recipient's address (the seed's `Address` structure).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderAddress {
    /// `Index`: the 6-digit postal index; required in a PushOrder.
    #[serde(default)]
    pub index: Option<String>,
    /// `Region`: region (oblast, krai, republic); used by region zone rules.
    #[serde(default)]
    pub region: Option<String>,
    /// `District`: district (район) within the region.
    #[serde(default)]
    pub district: Option<String>,
    /// `City`; a PushOrder needs `City` or `Settlement`.
    #[serde(default)]
    pub city: Option<String>,
    /// `Settlement` (населённый пункт) outside a city; a PushOrder needs `City` or `Settlement`.
    #[serde(default)]
    pub settlement: Option<String>,
    /// `Street`.
    #[serde(default)]
    pub street: Option<String>,
    /// `Home`: the house number; required in a PushOrder.
    #[serde(default)]
    pub home: Option<String>,
    /// `Building` (корпус) of the house, where it has several.
    #[serde(default)]
    pub building: Option<String>,
    /// `Flat` (квартира): flat or office number.
    #[serde(default)]
    pub flat: Option<String>,
}

/// The customer: name, address, e-mail and phone. `Debug` masks the personal data.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Customer {
    /// `ID`: the customer's id in the shop's system; optional, masked like an e-mail in
    /// `Debug`.
    #[serde(default, rename = "ID")]
    pub id: Option<String>,
    /// `Name`: full name (ФИО); required.
    #[serde(default)]
    pub name: Option<String>,
    /// `Email`: required and checked as an e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// `Phone`: required, a Russian number (11 digits starting with 7 or 8, see
    /// [`is_russian_phone`]).
    #[serde(default)]
    pub phone: Option<String>,
    /// `Address`: the delivery address; required.
    #[serde(default)]
    pub address: Option<OrderAddress>,
}

impl std::fmt::Debug for Customer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use mask::Masked;
        f.debug_struct("Customer")
            .field("id", &Masked(self.id.as_deref(), mask::email))
            .field("name", &Masked(self.name.as_deref(), mask::name))
            .field("email", &Masked(self.email.as_deref(), mask::email))
            .field("phone", &Masked(self.phone.as_deref(), mask::phone))
            .field("address", &self.address.as_ref().map(|a| &a.index))
            .finish()
    }
}

/// One line of goods as Aplix's order and CalculateShippingCost JSON carry it: the
/// seed's field names, metres and kilograms as exact decimals, every field optional on
/// the wire (this crate validates an order's lines). A wire shape only: the engine's
/// goods type is `courier_engine::packing::Item` (whole mm and g), priced as
/// `courier_engine::pricing::GoodsLine`, which `courier_engine::aplix::quote_request`
/// converts this into, rounding up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goods {
    /// `SKU`: the shop's article code; a line needs `SKU` or `Name`.
    #[serde(default, rename = "SKU")]
    pub sku: Option<String>,
    /// `Name`: the article's name; a line needs `SKU` or `Name`.
    #[serde(default, rename = "Name")]
    pub name: Option<String>,
    /// Metres (the API's floats), carried for packing; checked positive when present.
    #[serde(default, rename = "Length")]
    pub length: Option<Decimal>,
    /// Metres, like `Length`; checked positive when present.
    #[serde(default, rename = "Width")]
    pub width: Option<Decimal>,
    /// Metres, like `Length`; checked positive when present.
    #[serde(default, rename = "Height")]
    pub height: Option<Decimal>,
    /// Kilograms.
    #[serde(default, rename = "Weight")]
    pub weight: Option<Decimal>,
    /// `Qty`: number of units, at least 1; required.
    #[serde(default, rename = "Qty")]
    pub qty: Option<i64>,
    /// `Price`: price of one unit in roubles, at most 2 decimal places, not negative; required.
    #[serde(default, rename = "Price")]
    pub price: Option<Decimal>,
    /// `VATRate`: a VAT code the contract knows (`AplixConfig::vat_rates`, e.g. `НДС20`); required.
    #[serde(default, rename = "VATRate")]
    pub vat_rate: Option<String>,
}

/// The `PushOrder` call's parameters, with the seed's names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushOrder {
    /// `ID`: the order's unique id in the shop's system; a later PushOrder with the same id
    /// replaces the order.
    #[serde(default, rename = "ID")]
    pub id: Option<String>,
    /// `Number`: the order number printed on the parcel's marking; required.
    #[serde(default, rename = "Number")]
    pub number: Option<String>,
    /// `Date`: the order date, `YYYY-MM-DD[THH:MM:SS]`; required.
    #[serde(default, rename = "Date")]
    pub date: Option<String>,
    /// `Customer`: the recipient; required unless the order is cancelled.
    #[serde(default, rename = "Customer")]
    pub customer: Option<Customer>,
    /// `DeclaredCost`: declared value in roubles, insured for this amount; at most 2 decimal
    /// places, not negative; required.
    #[serde(default, rename = "DeclaredCost")]
    pub declared_cost: Option<Decimal>,
    /// `AmountToBePaid`: cash to collect on delivery in roubles, `0` when prepaid; at most 2
    /// decimal places; required.
    #[serde(default, rename = "AmountToBePaid")]
    pub amount_to_be_paid: Option<Decimal>,
    /// `DeliveryTypeId`: the chosen delivery method, one of `AplixConfig::delivery_types`;
    /// required.
    #[serde(default, rename = "DeliveryTypeId")]
    pub delivery_type_id: Option<i64>,
    /// `TypeOfSeal`: 1 none, 2 bubble wrap, 3 filler; required.
    #[serde(default, rename = "TypeOfSeal")]
    pub type_of_seal: Option<i64>,
    /// `SturdyPackaging`: whether rigid packaging is required; optional, not checked.
    #[serde(default, rename = "SturdyPackaging")]
    pub sturdy_packaging: Option<bool>,
    /// `false` means the order is cancelled.
    #[serde(default = "active", rename = "Activity")]
    pub activity: bool,
    /// `Goods`: the lines of goods; at least one unless the order is cancelled.
    #[serde(default, rename = "Goods")]
    pub goods: Vec<Goods>,
    /// `DeliveryDate`: `YYYY-MM-DD[THH:MM:SS]`, not before `Date`; required for courier delivery
    /// only.
    #[serde(default, rename = "DeliveryDate")]
    pub delivery_date: Option<String>,
    /// Whole hour "from", courier delivery.
    #[serde(default, rename = "StartTimeDelivery")]
    pub start_time_delivery: Option<i64>,
    /// Whole hour "to", courier delivery.
    #[serde(default, rename = "EndTimeDelivery")]
    pub end_time_delivery: Option<i64>,
    /// The seed spells it with a Cyrillic `С` (`Сomment`); both spellings are read.
    #[serde(default, rename = "Comment", alias = "Сomment")]
    pub comment: Option<String>,
    /// `ShipperId`: the sender's id, for a contractor with several online shops; otherwise absent.
    #[serde(default, rename = "ShipperId")]
    pub shipper_id: Option<String>,
    /// `Marker`: the order's marker, when parcels are labelled with APLIX.RU labels.
    #[serde(default, rename = "Marker")]
    pub marker: Option<String>,
}

fn active() -> bool {
    true
}

impl PushOrder {
    /// Parses a `PushOrder` payload from JSON.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        crate::payload::expect_object(text)?;
        serde_json::from_str(text)
    }
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Digits of a Russian phone in any usual notation (`+7(916)975‐53‐54`): 11 digits
/// starting with 7 or 8 once spaces, brackets, `+` and dashes (any Unicode dash) are
/// removed.
///
/// ```
/// use courier_rules::aplix::order::is_russian_phone;
/// assert!(is_russian_phone("+7(916)975‐53‐54"));
/// assert!(is_russian_phone("8 916 975-53-54"));
/// assert!(!is_russian_phone("+7(916)975-53-5"));
/// assert!(!is_russian_phone("+7(916)975-53-5x"));
/// ```
pub fn is_russian_phone(s: &str) -> bool {
    let mut digits = 0usize;
    let mut first = None;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            first.get_or_insert(c);
        } else if !matches!(c, ' ' | '(' | ')' | '+' | '-' | '\u{2010}'..='\u{2015}') {
            return false;
        }
    }
    digits == 11 && matches!(first, Some('7' | '8'))
}

fn check_money(errs: &mut Vec<FieldError>, field: &str, v: Option<Decimal>, required: bool) {
    match v {
        None if required => errs.push(FieldError::new(field, "required", "required")),
        None => {}
        Some(x) if x.is_sign_negative() && !x.is_zero() => {
            errs.push(FieldError::new(field, "negative", "must be ≥ 0"))
        }
        Some(x) if x.normalize().scale() > 2 => errs.push(FieldError::new(
            field,
            "precision",
            "more precise than a kopeck (at most 2 decimal places)",
        )),
        Some(_) => {}
    }
}

/// Validates a `PushOrder` payload, returning every problem.
///
/// A cancellation (`Activity` false) is checked for its identity only (`ID`, `Number`,
/// `Date`): it withdraws an order already placed, and a bad address must not block it.
///
/// ```
/// use courier_rules::aplix::{validate_order, AplixConfig, PushOrder};
/// let cfg = AplixConfig::from_toml_str("vat_rates = [\"НДС20\"]\n[[delivery_type]]\nid = 4\nname = \"EMS\"").unwrap();
/// let cancel = PushOrder::from_json(r#"{"ID":"1","Number":"1","Date":"2024-01-01","Activity":false}"#).unwrap();
/// assert!(validate_order(&cancel, &cfg).is_empty());
/// let bad = PushOrder::from_json(r#"{"ID":"1","Number":"1","Date":"2024-01-01"}"#).unwrap();
/// assert!(validate_order(&bad, &cfg).iter().any(|e| e.field == "Customer"));
/// ```
pub fn validate_order(order: &PushOrder, cfg: &AplixConfig) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if blank(&order.id) {
        errs.push(FieldError::new(
            "ID",
            "required",
            "required (unique order id)",
        ));
    }
    if blank(&order.number) {
        errs.push(FieldError::new("Number", "required", "required"));
    }
    let date = match order.date.as_deref().map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::new("Date", "required", "required"));
            None
        }
        Some(d) => {
            let parsed = parse_datetime(d);
            if parsed.is_none() {
                errs.push(FieldError::new(
                    "Date",
                    "date_format",
                    "expected YYYY-MM-DD[THH:MM:SS]",
                ));
            }
            parsed
        }
    };
    if !order.activity {
        return errs;
    }

    match &order.customer {
        None => errs.push(FieldError::new("Customer", "required", "required")),
        Some(c) => check_customer(&mut errs, c),
    }
    check_money(&mut errs, "DeclaredCost", order.declared_cost, true);
    check_money(&mut errs, "AmountToBePaid", order.amount_to_be_paid, true);

    let delivery_type = match order.delivery_type_id {
        None => {
            errs.push(FieldError::new("DeliveryTypeId", "required", "required"));
            None
        }
        Some(id) => {
            let t = cfg.delivery_types.get(&id);
            if t.is_none() {
                errs.push(FieldError::new(
                    "DeliveryTypeId",
                    "unknown_delivery_type",
                    format!("unknown delivery type {id}"),
                ));
            }
            t
        }
    };
    match order.type_of_seal {
        None => errs.push(FieldError::new(
            "TypeOfSeal",
            "required",
            "required (1, 2 or 3)",
        )),
        Some(1..=3) => {}
        Some(s) => errs.push(FieldError::new(
            "TypeOfSeal",
            "unknown_seal",
            format!("{s} is not 1 (none), 2 (bubble wrap) or 3 (filler)"),
        )),
    }

    if order.goods.is_empty() {
        errs.push(FieldError::new(
            "Goods",
            "required",
            "at least one line of goods",
        ));
    }
    for (i, g) in order.goods.iter().enumerate() {
        check_goods(&mut errs, i, g, cfg);
    }

    if delivery_type.is_some_and(|t| t.courier) {
        match order.delivery_date.as_deref().map(str::trim) {
            None | Some("") => errs.push(FieldError::new(
                "DeliveryDate",
                "required",
                "required for courier delivery",
            )),
            Some(d) => match parse_datetime(d) {
                None => errs.push(FieldError::new(
                    "DeliveryDate",
                    "date_format",
                    "expected YYYY-MM-DD[THH:MM:SS]",
                )),
                Some(dd) if date.is_some_and(|od| dd.date() < od.date()) => {
                    errs.push(FieldError::new(
                        "DeliveryDate",
                        "before_order_date",
                        "delivery date is before the order date",
                    ))
                }
                Some(_) => {}
            },
        }
        let (first, last) = cfg.courier_hours;
        match (order.start_time_delivery, order.end_time_delivery) {
            (Some(s), Some(e)) => {
                if s < i64::from(first) || e > i64::from(last) || s >= e {
                    errs.push(FieldError::new(
                        "StartTimeDelivery",
                        "hour_interval",
                        format!(
                            "interval {s}–{e} is not a valid interval within courier hours {first}–{last}"
                        ),
                    ));
                }
            }
            (s, e) => {
                if s.is_none() {
                    errs.push(FieldError::new(
                        "StartTimeDelivery",
                        "required",
                        "required for courier delivery",
                    ));
                }
                if e.is_none() {
                    errs.push(FieldError::new(
                        "EndTimeDelivery",
                        "required",
                        "required for courier delivery",
                    ));
                }
            }
        }
    }
    errs
}

fn check_customer(errs: &mut Vec<FieldError>, c: &Customer) {
    if blank(&c.name) {
        errs.push(FieldError::new("Customer.Name", "required", "required"));
    }
    match c.phone.as_deref() {
        None | Some("") => errs.push(FieldError::new("Customer.Phone", "required", "required")),
        Some(p) if !is_russian_phone(p) => errs.push(FieldError::new(
            "Customer.Phone",
            "phone_format",
            format!(
                "{} is not a Russian phone number (11 digits)",
                mask::phone(p)
            ),
        )),
        Some(_) => {}
    }
    match c.email.as_deref() {
        None | Some("") => errs.push(FieldError::new("Customer.Email", "required", "required")),
        Some(e) if !is_email(e) => errs.push(FieldError::new(
            "Customer.Email",
            "email_format",
            format!("{} is not an e-mail address", mask::email(e)),
        )),
        Some(_) => {}
    }
    match &c.address {
        None => errs.push(FieldError::new("Customer.Address", "required", "required")),
        Some(a) => {
            match a.index.as_deref() {
                Some(i) if i.len() == 6 && i.bytes().all(|b| b.is_ascii_digit()) => {}
                None | Some("") => errs.push(FieldError::new(
                    "Customer.Address.Index",
                    "required",
                    "required",
                )),
                Some(_) => errs.push(FieldError::new(
                    "Customer.Address.Index",
                    "index_format",
                    "a postal index is 6 digits",
                )),
            }
            if blank(&a.city) && blank(&a.settlement) {
                errs.push(FieldError::new(
                    "Customer.Address.City",
                    "required",
                    "City or Settlement is required",
                ));
            }
            if blank(&a.home) {
                errs.push(FieldError::new(
                    "Customer.Address.Home",
                    "required",
                    "required",
                ));
            }
        }
    }
}

fn check_goods(errs: &mut Vec<FieldError>, i: usize, g: &Goods, cfg: &AplixConfig) {
    let f = |name: &str| format!("Goods[{i}].{name}");
    if blank(&g.name) && blank(&g.sku) {
        errs.push(FieldError::new(
            f("Name"),
            "required",
            "Name or SKU is required",
        ));
    }
    match g.qty {
        None => errs.push(FieldError::new(f("Qty"), "required", "required")),
        Some(q) if q < 1 => errs.push(FieldError::new(
            f("Qty"),
            "quantity_below_one",
            "must be ≥ 1",
        )),
        Some(_) => {}
    }
    check_money(errs, &f("Price"), g.price, true);
    match g.vat_rate.as_deref() {
        None | Some("") => errs.push(FieldError::new(f("VATRate"), "required", "required")),
        Some(v) if !cfg.vat_rates.contains(v) => errs.push(FieldError::new(
            f("VATRate"),
            "unknown_vat_rate",
            format!("unknown VAT rate {v:?}"),
        )),
        Some(_) => {}
    }
    for (name, v) in [
        ("Length", g.length),
        ("Width", g.width),
        ("Height", g.height),
        ("Weight", g.weight),
    ] {
        if v.is_some_and(|x| x <= Decimal::ZERO) {
            errs.push(FieldError::new(f(name), "not_positive", "must be > 0"));
        }
    }
}

/// "ID — уникальное значение": orders of one batch whose `ID` repeats an earlier one
/// (field `[i].ID`). A later PushOrder with a known ID replaces the order on Aplix's
/// side, so a repeat inside one batch is almost always a mistake.
///
/// ```
/// use courier_rules::aplix::{order::duplicate_ids, PushOrder};
/// let o = |id: &str| PushOrder { id: Some(id.into()), ..Default::default() };
/// let errs = duplicate_ids(&[o("A"), o("B"), o("A")]);
/// assert_eq!(errs.len(), 1);
/// assert_eq!(errs[0].field, "[2].ID");
/// ```
pub fn duplicate_ids(orders: &[PushOrder]) -> Vec<FieldError> {
    let mut first: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut errs = Vec::new();
    for (i, o) in orders.iter().enumerate() {
        let Some(id) = o.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        match first.get(id) {
            Some(j) => errs.push(FieldError::new(
                format!("[{i}].ID"),
                "duplicate_id",
                format!("ID {id:?} repeats order [{j}]"),
            )),
            None => {
                first.insert(id, i);
            }
        }
    }
    errs
}
