//! Aplix `CalculateShippingCost` and `GetDetailsOfCost`.
//!
//! [`CompiledTariff::quote`] packs the goods (the packing engine), boxes them in the
//! cheapest carton of the tariff's catalogue, resolves the address once and prices every
//! delivery method; [`CompiledTariff::details`] gives the packaging and marking lines of
//! one offered method, which add up to its `preparing_cost` exactly.
//!
//! Goods are integer millimetres and grams here (the SOAP API's metres and kilograms
//! are converted by the caller, rounding up — see `docs/pricing.md`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::packing::{choose_carton, Item, PackError, PackOptions};

use super::compile::CompiledTariff;
use super::consignment::{Consignment, Parcel};
use super::fingerprint::Fnv64;
use super::money::{round_money, vat_amount};
use super::preparing::{CostLine, Seal};
use super::refusal::MethodRefusal;

/// One line of goods of a quote request: the packing's [`Item`] (whole millimetres and
/// grams), with the shop's SKU and name, which are echoed and hashed into the
/// calculation id but never priced. The Aplix seed's `Goods` (metres and kilograms) is
/// converted into it by [`crate::aplix::quote_request`].
///
/// Its JSON is flat, the fields of an [`Item`] beside `sku` and `name` (`{"sku": "A-1",
/// "length_mm": 240, …, "qty": 2}`), read and written through an "as written" form
/// rather than `#[serde(flatten)]`, which would silently let a misspelt key through
/// (serde ignores `deny_unknown_fields` under `flatten`). The serialised fields and
/// their order are those of the calculation ids of before: `sku`, `name`, `length_mm`,
/// `width_mm`, `height_mm`, `weight_g`, `qty`, `upright`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "GoodsLineJson<String>")]
pub struct GoodsLine {
    /// The shop's article number, echoed; not used in pricing.
    pub sku: String,
    /// The article's name, echoed; not used in pricing.
    pub name: String,
    /// What is packed and priced: the size and weight of one unit, how many, upright.
    pub item: Item,
}

/// A goods line as written in a request: flat, every key known. `S` is `String` when
/// read and `&str` when written (the calculation id hashes it without cloning).
#[derive(Serialize, Deserialize)]
#[serde(
    rename = "GoodsLine",
    expecting = "struct GoodsLine",
    deny_unknown_fields
)]
struct GoodsLineJson<S> {
    #[serde(default)]
    sku: S,
    #[serde(default)]
    name: S,
    length_mm: u32,
    width_mm: u32,
    height_mm: u32,
    weight_g: u64,
    qty: u32,
    #[serde(default)]
    upright: bool,
}

impl From<GoodsLineJson<String>> for GoodsLine {
    fn from(g: GoodsLineJson<String>) -> Self {
        GoodsLine {
            sku: g.sku,
            name: g.name,
            item: Item::new(g.length_mm, g.width_mm, g.height_mm, g.weight_g, g.qty)
                .with_upright(g.upright),
        }
    }
}

impl Serialize for GoodsLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = &self.item;
        GoodsLineJson {
            sku: self.sku.as_str(),
            name: self.name.as_str(),
            length_mm: i.length_mm(),
            width_mm: i.width_mm(),
            height_mm: i.height_mm(),
            weight_g: i.weight_g(),
            qty: i.qty(),
            upright: i.is_upright(),
        }
        .serialize(s)
    }
}

impl From<Item> for GoodsLine {
    /// The item without SKU or name.
    fn from(item: Item) -> Self {
        GoodsLine {
            sku: String::new(),
            name: String::new(),
            item,
        }
    }
}

/// Recipient address (Aplix `Address`). Zones use `index` (postal index), else `region`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Postal index: what zones match first.
    #[serde(default)]
    pub index: String,
    /// Region: what zones match when no index rule does.
    #[serde(default)]
    pub region: String,
    /// District (echoed, not priced).
    #[serde(default)]
    pub district: String,
    /// City (echoed, not priced).
    #[serde(default)]
    pub city: String,
    /// Settlement (echoed, not priced).
    #[serde(default)]
    pub settlement: String,
    /// Street (echoed, not priced).
    #[serde(default)]
    pub street: String,
    /// House (echoed, not priced).
    #[serde(default)]
    pub house: String,
    /// Building (echoed, not priced).
    #[serde(default)]
    pub building: String,
    /// Flat (echoed, not priced).
    #[serde(default)]
    pub flat: String,
}

/// A `CalculateShippingCost` request.
///
/// Build one with [`QuoteRequest::new`] (the four fields every request has) and set the
/// optional ones, or from JSON; [`Default`] is an empty, uninsured request without a seal,
/// for struct-update syntax.
///
/// ```
/// use courier_engine::pricing::{Address, GoodsLine, QuoteRequest, Seal};
/// use courier_engine::Decimal;
/// let goods = vec![GoodsLine::new(240, 170, 30, 520, 2)];
/// let address = Address { index: "125009".into(), ..Address::default() };
/// let req = QuoteRequest {
///     weekend_delivery: true,
///     ..QuoteRequest::new(Decimal::new(100_000, 2), goods, address, Seal::None)
/// };
/// assert_eq!(req.declared_value.to_string(), "1000.00");
/// assert!(!req.cash_on_delivery);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// The shop's order number, echoed in the quote.
    #[serde(default)]
    pub order_number: Option<String>,
    /// Declared value, insured; `0` means not insured.
    pub declared_value: Decimal,
    /// The goods, in input order (the order is part of the calculation id).
    pub goods: Vec<GoodsLine>,
    /// Where the parcel goes; its index or region picks the zone.
    pub address: Address,
    /// 1 none, 2 bubble wrap, 3 filler.
    pub type_of_seal: Seal,
    /// Sturdy packaging asked for (a packaging line when the tariff prices it).
    #[serde(default)]
    pub sturdy_packaging: bool,
    /// Cash on delivery asked for.
    #[serde(default)]
    pub cash_on_delivery: bool,
    /// Amount to collect when `cash_on_delivery`; defaults to the declared value.
    #[serde(default)]
    pub cod_amount: Option<Decimal>,
    /// Weekend delivery add-on.
    #[serde(default)]
    pub weekend_delivery: bool,
    /// Day of shipment, for the VAT rate in effect; without it VAT is not reported.
    /// `YYYY-MM-DD`, years 0001–9999 (`courier_rules::calendar`).
    #[serde(default, deserialize_with = "courier_rules::calendar::deserialize_opt")]
    pub date: Option<NaiveDate>,
}

impl QuoteRequest {
    /// A request with what every request has — the declared value (`0`: not insured),
    /// the goods, the address and the seal — and every option off: no order number, no
    /// sturdy packaging, no cash on delivery, no weekend delivery, no date (VAT not
    /// reported).
    pub fn new(
        declared_value: Decimal,
        goods: Vec<GoodsLine>,
        address: Address,
        type_of_seal: Seal,
    ) -> Self {
        QuoteRequest {
            declared_value,
            goods,
            address,
            type_of_seal,
            ..QuoteRequest::default()
        }
    }
}

impl GoodsLine {
    /// A line of `qty` units of one size and weight, without SKU or name, free to turn
    /// ([`Item::new`]: checked when the request is quoted).
    pub fn new(length_mm: u32, width_mm: u32, height_mm: u32, weight_g: u64, qty: u32) -> Self {
        GoodsLine::from(Item::new(length_mm, width_mm, height_mm, weight_g, qty))
    }
}

/// The parcel the goods made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParcelInfo {
    /// The carton chosen from the tariff's catalogue.
    #[serde(rename = "box")]
    pub box_reference: Option<String>,
    /// Outer sides of the parcel, longest first (JSON `[l, w, h]`).
    pub outer_mm: courier_rules::Sides,
    /// Inner sides of the carton, longest first.
    pub inner_mm: Option<courier_rules::Sides>,
    /// Weight of the goods alone.
    pub goods_weight_g: u64,
    /// Goods plus carton.
    pub gross_weight_g: u64,
    /// Volume of the goods.
    pub goods_volume_mm3: u64,
    /// Units packed.
    pub units: u64,
}

/// The postal-rate components of an option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateComponents {
    /// The weight-rate price.
    pub rate: Decimal,
    /// Fuel surcharge.
    pub fuel: Option<Decimal>,
    /// Notification fee.
    pub notification: Option<Decimal>,
    /// Weekend delivery fee.
    pub weekend: Option<Decimal>,
    /// Cash-on-delivery fee.
    pub cod_fee: Option<Decimal>,
}

/// VAT contained in (or to add to) an option's cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vat {
    /// The rate in effect on the request's date, in percent.
    pub rate_percent: Decimal,
    /// Whether `cost` already includes it.
    pub included: bool,
    /// The VAT amount, rounded to the minor unit.
    pub amount: Decimal,
    /// Cost including VAT.
    pub cost_with_vat: Decimal,
}

/// One delivery method that can take the parcel (Aplix `DeliveryType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryOption {
    /// Aplix `TypeID` of the method (what `details` takes).
    pub type_id: u32,
    /// The method's stable code (`russian_post_parcel`).
    pub code: String,
    /// The method's name (`TypeName`).
    pub type_name: String,
    /// The method's description (`TypeDescription`).
    pub type_description: String,
    /// `postal_rate + insurance + preparing_cost`.
    pub cost: Decimal,
    /// Insurance of the declared value (zero when not insured).
    pub insurance: Decimal,
    /// `rate` plus the surcharges (see `components`).
    pub postal_rate: Decimal,
    /// Packaging and marking (`GetDetailsOfCost` adds up to it).
    pub preparing_cost: Decimal,
    /// Code of the pick-up point or post office, where the method has one.
    pub point_code: Option<String>,
    /// Address of the point or office, where the method has one.
    pub address: Option<String>,
    /// Opening hours of the point or office.
    pub worktime: Option<String>,
    /// Shortest delivery time, in days.
    pub min_period: u32,
    /// Longest delivery time, in days.
    pub max_period: u32,
    /// Notes for the customer (e.g. that the method does not insure).
    pub additional_information: String,
    /// The zone the address fell in.
    pub zone: String,
    /// Weight the rate was looked up with: max(gross, volumetric).
    pub chargeable_weight_g: u64,
    /// Volumetric weight, when the method uses it.
    pub volumetric_weight_g: Option<u64>,
    /// The postal rate's parts.
    pub components: RateComponents,
    /// VAT, when the request has a date and the tariff a rate for it.
    pub vat: Option<Vat>,
}

/// A method that cannot take the parcel, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedMethod {
    /// Aplix `TypeID` of the method.
    pub type_id: u32,
    /// The method's stable code.
    pub code: String,
    /// The method's name.
    pub type_name: String,
    /// Every reason, machine-readable.
    pub reasons: Vec<MethodRefusal>,
    /// The reasons in one English sentence each, joined.
    pub comment: String,
}

/// The `CalculateShippingCost` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// 16 hex digits, a hash of the tariff text and the canonical request: the same
    /// request under the same tariff always gets the same id.
    pub calculation_id: String,
    /// The tariff's id.
    pub tariff_id: String,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// The request's order number, echoed.
    pub order_number: Option<String>,
    /// The parcel the goods made; `None` when they fit no box.
    pub parcel: Option<ParcelInfo>,
    /// The methods that take the parcel, priced, in tariff order.
    pub options: Vec<DeliveryOption>,
    /// The methods that do not, with their reasons, in tariff order.
    pub refused: Vec<RefusedMethod>,
    /// Notes for the whole quote (no date: VAT not reported; no method can take it).
    pub comments: Vec<String>,
    /// The `GetDetailsOfCost` lines (the same for every method that charges packaging).
    #[serde(skip)]
    pub(crate) preparing_lines: Vec<CostLine>,
}

/// A request the engine cannot price.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuoteError {
    /// The goods cannot be packed. A line's error names it as the request's field
    /// (`goods[1].width_mm: must be greater than 0`); one about the goods as a whole is
    /// prefixed `goods: `.
    #[error("{prefix}{err}", prefix = if .0.line().is_some() { "" } else { "goods: " }, err = .0)]
    Goods(#[from] PackError),
    /// A negative declared value.
    #[error("declared_value: must not be negative (got {0})")]
    NegativeDeclaredValue(Decimal),
    /// A negative cash-on-delivery amount.
    #[error("cod_amount: must not be negative (got {0})")]
    NegativeCodAmount(Decimal),
    /// A cash-on-delivery amount without cash on delivery.
    #[error("cod_amount: given but cash_on_delivery is false")]
    CodAmountWithoutCod,
    /// The tariff has no box catalogue (its id), so goods cannot be boxed.
    #[error("tariff {0}: has no [packaging] box catalogue, so goods cannot be quoted with it")]
    NoPackaging(String),
    /// The address is refused as a whole, before any method is priced.
    #[error("{0}")]
    Address(#[from] super::address::AddressError),
}

impl QuoteError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            QuoteError::Goods { .. } => "goods",
            QuoteError::NegativeDeclaredValue { .. } => "negative_declared_value",
            QuoteError::NegativeCodAmount { .. } => "negative_cod_amount",
            QuoteError::CodAmountWithoutCod => "cod_amount_without_cod",
            QuoteError::NoPackaging { .. } => "no_packaging",
            QuoteError::Address(e) => e.code(),
        }
    }
}

/// `details()` for a type id the quote did not offer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DetailsError {
    #[error("type_id {type_id}: no such delivery method in tariff {tariff}")]
    /// The tariff has no method with this type id.
    UnknownType {
        /// The type id asked for.
        type_id: u32,
        /// The tariff's id.
        tariff: String,
    },
    #[error("type_id {type_id}: not offered for this calculation ({reason})")]
    /// The quote refused this method.
    NotOffered {
        /// The type id asked for.
        type_id: u32,
        /// Why the quote refused it.
        reason: String,
    },
    /// The quote was made with another tariff.
    #[error("calculation {calculation_id} was made with tariff {made_with}, not {tariff}")]
    OtherTariff {
        /// The quote's calculation id.
        calculation_id: String,
        /// The tariff the quote was made with.
        made_with: String,
        /// The tariff asked.
        tariff: String,
    },
    /// [`CompiledTariff::details_for`]: the request itself cannot be quoted.
    #[error("{0}")]
    Quote(QuoteError),
}

impl DetailsError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            DetailsError::UnknownType { .. } => "unknown_type",
            DetailsError::NotOffered { .. } => "not_offered",
            DetailsError::OtherTariff { .. } => "other_tariff",
            DetailsError::Quote(e) => e.code(),
        }
    }
}

/// The request as [`QuoteRequest::canonical_hash`] serialises it: the same fields, names
/// and order as the derived `Serialize` of [`QuoteRequest`] (so the same bytes, and the
/// calculation ids of before), borrowed instead of cloned, decimals normalised.
#[derive(Serialize)]
struct CanonicalRequest<'a> {
    order_number: &'a Option<String>,
    declared_value: Decimal,
    goods: &'a [GoodsLine],
    address: &'a Address,
    type_of_seal: Seal,
    sturdy_packaging: bool,
    cash_on_delivery: bool,
    cod_amount: Option<Decimal>,
    weekend_delivery: bool,
    date: Option<NaiveDate>,
}

impl QuoteRequest {
    /// Hash of a canonical serialisation: decimals normalised (`36370` = `36370.00`),
    /// fields in declaration order, goods in input order. Streams into the hasher; the
    /// request is not cloned.
    fn canonical_hash(&self, tariff_fingerprint: u64) -> u64 {
        // Destructured, so that a field added to the request must be added here too.
        let QuoteRequest {
            order_number,
            declared_value,
            goods,
            address,
            type_of_seal,
            sturdy_packaging,
            cash_on_delivery,
            cod_amount,
            weekend_delivery,
            date,
        } = self;
        let canon = CanonicalRequest {
            order_number,
            declared_value: declared_value.normalize(),
            goods,
            address,
            type_of_seal: *type_of_seal,
            sturdy_packaging: *sturdy_packaging,
            cash_on_delivery: *cash_on_delivery,
            cod_amount: cod_amount.map(|d| d.normalize()),
            weekend_delivery: *weekend_delivery,
            date: *date,
        };
        let mut h = Fnv64::default();
        h.update(&tariff_fingerprint.to_le_bytes());
        // Writing to the hasher cannot fail, and every field serialises.
        let _ = serde_json::to_writer(&mut h, &canon);
        h.finish()
    }
}

impl CompiledTariff {
    /// Aplix `CalculateShippingCost`: every method that can take the parcel to the
    /// address, priced, and the reasons of the others.
    ///
    /// ```
    /// use courier_engine::pricing::{CompiledTariff, QuoteRequest};
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/tariffs/aplix.toml")).unwrap();
    /// let tariff = CompiledTariff::from_toml_str(&text).unwrap();
    /// let req: QuoteRequest = serde_json::from_str(r#"{
    ///   "declared_value": "1000",
    ///   "goods": [{"length_mm": 200, "width_mm": 150, "height_mm": 100, "weight_g": 700, "qty": 1}],
    ///   "address": {"index": "101000", "region": "Москва"},
    ///   "type_of_seal": 1
    /// }"#).unwrap();
    /// let q = tariff.quote(&req).unwrap();
    /// let parcel = q.options.iter().find(|o| o.code == "russian_post_parcel").unwrap();
    /// // M box (120 g) + 700 g = 820 g: 250.00 up to 500 g + 1 step of 25.00
    /// assert_eq!(parcel.postal_rate.to_string(), "275.00");
    /// // The details add up to the preparing cost.
    /// let lines = tariff.details(&q, parcel.type_id).unwrap();
    /// let sum: rust_decimal::Decimal = lines.iter().map(|l| l.cost).sum();
    /// assert_eq!(sum, parcel.preparing_cost);
    /// ```
    pub fn quote(&self, req: &QuoteRequest) -> Result<Quote, QuoteError> {
        self.quote_with(req, &PackOptions::default())
    }

    /// [`CompiledTariff::quote`] with explicit packing options.
    pub fn quote_with(&self, req: &QuoteRequest, opts: &PackOptions) -> Result<Quote, QuoteError> {
        if req.declared_value.is_sign_negative() && !req.declared_value.is_zero() {
            return Err(QuoteError::NegativeDeclaredValue(req.declared_value));
        }
        if let Some(a) = req.cod_amount {
            if a.is_sign_negative() && !a.is_zero() {
                return Err(QuoteError::NegativeCodAmount(a));
            }
            if !req.cash_on_delivery {
                return Err(QuoteError::CodAmountWithoutCod);
            }
        }
        let Some(pk) = &self.packaging else {
            return Err(QuoteError::NoPackaging(self.id.clone()));
        };
        let items: Vec<Item> = req.goods.iter().map(|g| g.item).collect();
        let choice = choose_carton(&items, &pk.boxes, opts)?;
        // The address as a whole, after the goods are known to pack and before any
        // method is priced.
        self.check_address("address.index", &req.address.index, &req.address.region)?;
        let calculation_id = format!("{:016x}", req.canonical_hash(self.fingerprint));
        let mut quote = Quote {
            calculation_id,
            tariff_id: self.id.clone(),
            currency: self.currency.clone(),
            order_number: req.order_number.clone(),
            parcel: None,
            options: Vec::new(),
            refused: Vec::new(),
            comments: Vec::new(),
            preparing_lines: Vec::new(),
        };
        let Some(choice) = choice else {
            quote
                .comments
                .push("the goods fit no box of the catalogue: no method can take them".into());
            for m in &self.methods {
                quote.refused.push(RefusedMethod {
                    type_id: m.type_id,
                    code: m.code.clone(),
                    type_name: m.name.clone(),
                    reasons: vec![MethodRefusal::NoCarton],
                    comment: MethodRefusal::NoCarton.describe(),
                });
            }
            return Ok(quote);
        };
        let units: u64 = items.iter().map(|i| u64::from(i.qty())).sum();
        let parcel = Parcel {
            outer_sorted_mm: choice.outer_sorted_mm,
            gross_weight_g: choice.gross_weight_g,
            goods_volume_mm3: choice.goods_volume_mm3,
            units,
            carton: Some(choice.index),
        };
        quote.parcel = Some(ParcelInfo {
            box_reference: Some(choice.reference.clone()),
            outer_mm: choice.outer_sorted_mm,
            inner_mm: Some(choice.inner_sorted_mm),
            goods_weight_g: choice.goods_weight_g,
            gross_weight_g: choice.gross_weight_g,
            goods_volume_mm3: choice.goods_volume_mm3,
            units,
        });
        let shipment = Consignment {
            parcel,
            declared_value: req.declared_value,
            cod_amount: req
                .cash_on_delivery
                .then(|| req.cod_amount.unwrap_or(req.declared_value)),
            weekend: req.weekend_delivery,
        };
        // Err only for packaging prices far beyond what `tariff check` accepts: the
        // methods that charge packaging are then refused as unpriceable.
        let lines = self.preparing_lines(&parcel, req.type_of_seal, req.sturdy_packaging);
        let preparing = lines
            .as_ref()
            .map_or(Decimal::ZERO, |l| l.iter().map(|l| l.cost).sum());
        let dest = self.destination(&req.address.index, &req.address.region);
        let vat_rate = req.date.and_then(|d| self.vat_rate_on(d));
        if req.date.is_none() && !self.vat.is_empty() {
            quote
                .comments
                .push("no date given: VAT is not reported".into());
        }
        for (i, m) in self.methods.iter().enumerate() {
            let priced = match (&lines, m.preparing) {
                (Err(refusal), true) => Err(vec![refusal.clone()]),
                _ => self.price_method(i, &shipment, &dest, preparing),
            };
            let priced = priced.and_then(|p| match vat_rate {
                None => Ok((p, None)),
                Some(r) => match self.vat_of(p.cost, r) {
                    Some(vat) => Ok((p, Some(vat))),
                    None => Err(vec![MethodRefusal::Unpriceable {
                        component: "vat",
                        chargeable_weight_g: Some(p.chargeable_weight_g),
                    }]),
                },
            });
            match priced {
                Ok((p, vat)) => {
                    let point = p.point.and_then(|j| m.points.get(j));
                    let zone = self
                        .zonings
                        .get(m.zoning)
                        .and_then(|z| z.zone_names.get(usize::from(p.zone)))
                        .cloned()
                        .unwrap_or_default();
                    let mut info = m.additional_info.clone();
                    if req.declared_value > Decimal::ZERO && m.insurance.is_none() {
                        if !info.is_empty() {
                            info.push_str("; ");
                        }
                        info.push_str("this method does not insure the declared value");
                    }
                    quote.options.push(DeliveryOption {
                        type_id: m.type_id,
                        code: m.code.clone(),
                        type_name: m.name.clone(),
                        type_description: m.description.clone(),
                        cost: p.cost,
                        insurance: p
                            .insurance
                            .unwrap_or_else(|| round_money(Decimal::ZERO, self.dp)),
                        postal_rate: p.postal_rate,
                        preparing_cost: p.preparing,
                        point_code: point.map(|pt| pt.code.clone()),
                        address: point.map(|pt| pt.address.clone()),
                        worktime: point.map(|pt| pt.hours.clone()),
                        min_period: p.days_min,
                        max_period: p.days_max,
                        additional_information: info,
                        zone,
                        chargeable_weight_g: p.chargeable_weight_g,
                        volumetric_weight_g: p.volumetric_weight_g,
                        components: RateComponents {
                            rate: p.rate,
                            fuel: p.fuel,
                            notification: p.notification,
                            weekend: p.weekend,
                            cod_fee: p.cod_fee,
                        },
                        vat,
                    });
                }
                Err(reasons) => {
                    let comment = reasons
                        .iter()
                        .map(|r| r.describe())
                        .collect::<Vec<_>>()
                        .join("; ");
                    quote.refused.push(RefusedMethod {
                        type_id: m.type_id,
                        code: m.code.clone(),
                        type_name: m.name.clone(),
                        reasons,
                        comment,
                    });
                }
            }
        }
        if quote.options.is_empty() {
            quote
                .comments
                .push("no delivery method can take this parcel to this address".into());
        }
        quote.preparing_lines = lines.unwrap_or_default();
        Ok(quote)
    }

    /// The VAT of `cost` on `date` (contained in it or to add to it, as the tariff states
    /// its prices), when a rate is configured for that day: the same amount a quote
    /// reports, for callers that price with [`CompiledTariff::price_method`]. `None`
    /// also when it overflows exact arithmetic.
    pub fn vat_on(&self, cost: Decimal, date: NaiveDate) -> Option<Vat> {
        self.vat_rate_on(date).and_then(|r| self.vat_of(cost, r))
    }

    /// The VAT of `cost`; `None` when it overflows exact arithmetic (a cost far beyond
    /// what a checked tariff produces).
    fn vat_of(&self, cost: Decimal, rate_percent: Decimal) -> Option<Vat> {
        let amount = vat_amount(cost, rate_percent, self.prices_include_vat, self.dp)?;
        Some(Vat {
            rate_percent,
            included: self.prices_include_vat,
            amount,
            cost_with_vat: if self.prices_include_vat {
                cost
            } else {
                cost.checked_add(amount)?
            },
        })
    }

    /// Aplix `GetDetailsOfCost`: the packaging and marking lines of one offered method;
    /// their costs add up to its `preparing_cost` exactly.
    pub fn details(&self, quote: &Quote, type_id: u32) -> Result<Vec<CostLine>, DetailsError> {
        if quote.tariff_id != self.id {
            return Err(DetailsError::OtherTariff {
                calculation_id: quote.calculation_id.clone(),
                made_with: quote.tariff_id.clone(),
                tariff: self.id.clone(),
            });
        }
        let Some(m) = self
            .method_by_type_id(type_id)
            .and_then(|i| self.methods.get(i))
        else {
            return Err(DetailsError::UnknownType {
                type_id,
                tariff: self.id.clone(),
            });
        };
        if let Some(r) = quote.refused.iter().find(|r| r.type_id == type_id) {
            return Err(DetailsError::NotOffered {
                type_id,
                reason: r.comment.clone(),
            });
        }
        if !m.preparing {
            return Ok(Vec::new());
        }
        Ok(quote.preparing_lines.clone())
    }

    /// `GetDetailsOfCost` for a stateless service: the lines of method `type_id` for the
    /// request a calculation was made from, without the in-memory [`Quote`]. The engine
    /// is deterministic, so quoting the same request under the same tariff again gives
    /// the same calculation id and the same lines as [`CompiledTariff::details`] on the
    /// first quote; a service keeps the request (or has the client send it again) under
    /// the calculation id, as Aplix's protocol passes only the id and the type.
    ///
    /// ```
    /// use courier_engine::pricing::{Address, CompiledTariff, GoodsLine, QuoteRequest, Seal};
    /// let tariff = CompiledTariff::from_toml_str(include_str!("../../../data/tariffs/aplix.toml")).unwrap();
    /// let address = Address { index: "101000".into(), region: "Москва".into(), ..Address::default() };
    /// let req = QuoteRequest::new("1000".parse().unwrap(), vec![GoodsLine::new(200, 150, 100, 700, 1)], address, Seal::None);
    /// let quote = tariff.quote(&req).unwrap();          // first request: CalculateShippingCost
    /// let type_id = quote.options[0].type_id;
    /// let later = tariff.details_for(&req, type_id).unwrap(); // a later one: GetDetailsOfCost
    /// assert_eq!(later, tariff.details(&quote, type_id).unwrap());
    /// ```
    pub fn details_for(
        &self,
        req: &QuoteRequest,
        type_id: u32,
    ) -> Result<Vec<CostLine>, DetailsError> {
        let quote = self.quote(req).map_err(DetailsError::Quote)?;
        self.details(&quote, type_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The borrowed canonical form hashes exactly what the normalised clone did (the
    /// calculation ids of before stay the same).
    #[test]
    fn canonical_hash_is_the_hash_of_the_normalised_request() {
        let mut req: QuoteRequest = serde_json::from_str(
            r#"{"order_number": "A-1", "declared_value": "36370.00",
                "goods": [{"sku": "s", "length_mm": 1, "width_mm": 2, "height_mm": 3, "weight_g": 4, "qty": 5, "upright": true}],
                "address": {"index": "101000", "region": "Москва", "flat": "7"},
                "type_of_seal": 2, "sturdy_packaging": true, "cash_on_delivery": true,
                "cod_amount": "100.50", "weekend_delivery": true, "date": "2026-01-02"}"#,
        )
        .unwrap();
        for _ in 0..2 {
            let mut canon = req.clone();
            canon.declared_value = canon.declared_value.normalize();
            canon.cod_amount = canon.cod_amount.map(|d| d.normalize());
            let mut h = Fnv64::default();
            h.update(&7u64.to_le_bytes());
            serde_json::to_writer(&mut h, &canon).unwrap();
            assert_eq!(req.canonical_hash(7), h.finish());
            req = QuoteRequest::default();
        }
    }
}
