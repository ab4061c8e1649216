//! Aplix's own shapes (seed 002): `CheckDimensions` and `CalculateShippingCost` with the
//! SOAP service's parameter names and units, so the seed's example — and the body the
//! adapter sends — can be fed to the engine unchanged and answered in kind.
//!
//! The engine works in whole millimetres and grams; Aplix sends floats in metres and
//! kilograms. Inputs are converted by rounding **up** to the next whole millimetre or
//! gram (a parcel is never reported smaller or lighter than it is): `0.1331` m is 134 mm,
//! `0.0788` m is 79 mm, `0.575` kg is 575 g. JSON numbers are read as exact decimals
//! (their written digits), so `0.3` m is 300 mm, not 301. Outputs in metres and
//! kilograms are whole millimetres / grams divided by 1000, written as JSON numbers as
//! the seed's `float` outputs are; money stays exact decimal strings (the project's
//! rule for money), under the seed's names.
//!
//! Names: the request and answer fields are the seed's (`DimensionsList`, `Length`,
//! `Qty`, `OrderNumber`, `DeclaredCost`, `Goods`, `Address{Index, Region, District, City,
//! Settlement, Street, Home, Building, Flat}`, `TypeOfSeal`, `SturdyPackaging`,
//! `CashOnDelivery`; `Result`, `Comment`; `Types[]{TypeId, TypeName, TypeDescription,
//! Cost, Insurance, PostalRate, PreparingCost, Address, Worktime, MinPeriod, MaxPeriod,
//! AdditionalInformation}`, `Comments`). The seed's method returns the calculation id
//! as its return value (a `Long`, unnamed); here it is `CalculationId`, the same 16 hex
//! digits as [`Quote::calculation_id`] (a number that large does not survive JSON
//! readers that use doubles).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::packing::{check_dimensions, CheckDimensions, GoodsM, Item, PackOptions};
use crate::pricing::{
    Address, AddressError, CompiledTariff, GoodsLine, Quote, QuoteError, QuoteRequest, Seal,
};
use courier_rules::aplix::{Goods, OrderAddress};
use courier_rules::limits::DeliveryMethod;

/// A seed-shaped request the engine cannot take, naming the seed's field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AplixShapeError {
    #[error("{field}: required")]
    Required { field: String },
    #[error("{field}: must be greater than 0 (got {value})")]
    NotPositive { field: String, value: String },
    #[error("{field}: {value} is too large")]
    TooLarge { field: String, value: String },
    #[error("TypeOfSeal: must be 1 (none), 2 (bubble wrap) or 3 (filler), got {0}")]
    Seal(u8),
    /// The packing refused the goods (e.g. too many units), with its message.
    #[error("DimensionsList: {0}")]
    Check(String),
    /// The address is refused as a whole (field `Address.Index`).
    #[error("{0}")]
    Address(AddressError),
    /// The engine refused the request (goods that cannot be packed, a tariff without
    /// boxes, …).
    #[error("{0}")]
    Quote(QuoteError),
}

impl AplixShapeError {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            AplixShapeError::Required { .. } => "required",
            AplixShapeError::NotPositive { .. } => "not_positive",
            AplixShapeError::TooLarge { .. } => "too_large",
            AplixShapeError::Seal(_) => "type_of_seal",
            AplixShapeError::Check(_) => "goods",
            AplixShapeError::Address(e) => e.code(),
            AplixShapeError::Quote(_) => "quote",
        }
    }
}

/// Metres or kilograms to thousandths (mm, g), rounded up.
fn thousandths_up(field: String, v: Decimal) -> Result<u64, AplixShapeError> {
    if v <= Decimal::ZERO {
        return Err(AplixShapeError::NotPositive {
            field,
            value: v.to_string(),
        });
    }
    v.checked_mul(Decimal::from(1000))
        .map(|t| t.ceil())
        .and_then(|t| u64::try_from(t).ok())
        .ok_or_else(|| AplixShapeError::TooLarge {
            field,
            value: v.to_string(),
        })
}

fn side_mm(field: String, v: Decimal) -> Result<u32, AplixShapeError> {
    let mm = thousandths_up(field.clone(), v)?;
    u32::try_from(mm).map_err(|_| AplixShapeError::TooLarge {
        field,
        value: v.to_string(),
    })
}

/// Whole thousandths as the seed's float (exact for every value below 2^53).
fn units(thousandths: u64) -> f64 {
    thousandths as f64 / 1000.0
}

/// One `Dimensions` structure: a line of goods in metres and kilograms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Dimensions {
    pub length: Decimal,
    pub width: Decimal,
    pub height: Decimal,
    /// Weight of one unit.
    pub weight: Decimal,
    pub qty: u32,
}

/// `CheckDimenshions(Dimensions[] DimensionsList, …)` (the seed spells the method
/// `CheckDimenshions` in its signature, `CheckDimensions` in the text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDimensionsRequest {
    #[serde(rename = "DimensionsList", alias = "Dimensions")]
    pub dimensions_list: Vec<Dimensions>,
}

/// The answer: the method's Boolean as `Result`, and its out-parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckDimensionsResponse {
    /// Within the limits of at least one delivery method.
    pub result: bool,
    /// Parcel sides after optimal packing, metres, longest first.
    pub length: f64,
    pub width: f64,
    pub height: f64,
    /// Total weight of the goods without packaging, kilograms.
    pub weight: f64,
    /// Every limit exceeded, per method (empty when every method takes the parcel).
    pub comment: String,
}

/// Packing items (whole mm and g) as CheckDimensions' `Dimensions`, for the seed's
/// answer to goods given in the engine's own units.
pub fn goods_of_items(items: &[Item]) -> Vec<GoodsM> {
    items
        .iter()
        .map(|i| GoodsM {
            length_m: units(u64::from(i.length_mm)),
            width_m: units(u64::from(i.width_mm)),
            height_m: units(u64::from(i.height_mm)),
            weight_kg: units(i.weight_g),
            quantity: i.qty,
        })
        .collect()
}

/// CheckDimensions for goods already in whole mm and g, answered in the seed's shape.
pub fn check_items(
    items: &[Item],
    methods: &[DeliveryMethod],
    opts: &PackOptions,
) -> Result<CheckDimensionsResponse, AplixShapeError> {
    let answer = check_dimensions(&goods_of_items(items), methods, opts)
        .map_err(|e| AplixShapeError::Check(e.to_string()))?;
    Ok(CheckDimensionsResponse::from(&answer))
}

impl CheckDimensionsRequest {
    /// The goods as packing items in whole millimetres and grams (rounded up); errors
    /// name `DimensionsList[i].Field`.
    pub fn items(&self) -> Result<Vec<Item>, AplixShapeError> {
        let mut out = Vec::with_capacity(self.dimensions_list.len());
        for (i, d) in self.dimensions_list.iter().enumerate() {
            let f = |name: &str| format!("DimensionsList[{i}].{name}");
            if d.qty == 0 {
                return Err(AplixShapeError::NotPositive {
                    field: f("Qty"),
                    value: "0".into(),
                });
            }
            out.push(Item::new(
                side_mm(f("Length"), d.length)?,
                side_mm(f("Width"), d.width)?,
                side_mm(f("Height"), d.height)?,
                thousandths_up(f("Weight"), d.weight)?,
                d.qty,
            ));
        }
        Ok(out)
    }

    /// The goods in whole millimetres and grams (rounded up), as the packing engine
    /// takes them; errors name `DimensionsList[i].Field`.
    pub fn goods_mm(&self) -> Result<Vec<GoodsM>, AplixShapeError> {
        Ok(goods_of_items(&self.items()?))
    }

    /// CheckDimensions against the delivery methods' limits.
    ///
    /// ```
    /// use courier_engine::aplix::CheckDimensionsRequest;
    /// use courier_engine::packing::PackOptions;
    /// use courier_engine::rules::limits::MethodCatalogue;
    /// let methods = MethodCatalogue::from_toml_str(include_str!("../../data/methods.toml")).unwrap();
    /// let req: CheckDimensionsRequest = serde_json::from_str(r#"{"DimensionsList": [
    ///     {"Length": 0.130, "Width": 0.100, "Height": 0.001, "Weight": 0.1, "Qty": 2},
    ///     {"Length": 0.1331, "Width": 0.0998, "Height": 0.0788, "Weight": 0.575, "Qty": 1}]}"#).unwrap();
    /// let answer = req.check(&methods.methods, &PackOptions::default()).unwrap();
    /// assert!(answer.result);
    /// assert_eq!(answer.weight, 0.775);
    /// ```
    pub fn check(
        &self,
        methods: &[DeliveryMethod],
        opts: &PackOptions,
    ) -> Result<CheckDimensionsResponse, AplixShapeError> {
        check_items(&self.items()?, methods, opts)
    }
}

impl From<&CheckDimensions> for CheckDimensionsResponse {
    fn from(a: &CheckDimensions) -> Self {
        let f = |d: Decimal| {
            let t = (d * Decimal::from(1000)).trunc();
            units(u64::try_from(t).unwrap_or(u64::MAX))
        };
        CheckDimensionsResponse {
            result: a.within_limits,
            length: f(a.length_m),
            width: f(a.width_m),
            height: f(a.height_m),
            weight: f(a.weight_kg),
            comment: a.comment.clone(),
        }
    }
}

/// `CalculateShippingCost(OrderNumber, DeclaredCost, Goods[], Address, TypeOfSeal,
/// SturdyPackaging, CashOnDelivery, …)`. `Goods` and `Address` are the same structures
/// as PushOrder's (`courier_rules::aplix`); goods need `Length`, `Width`, `Height`,
/// `Weight` (metres, kilograms) and `Qty`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CalculateShippingCostRequest {
    #[serde(default)]
    pub order_number: Option<String>,
    pub declared_cost: Decimal,
    pub goods: Vec<Goods>,
    pub address: OrderAddress,
    pub type_of_seal: u8,
    #[serde(default)]
    pub sturdy_packaging: bool,
    #[serde(default)]
    pub cash_on_delivery: bool,
}

/// One `DeliveryType` of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryType {
    pub type_id: u32,
    pub type_name: String,
    pub type_description: String,
    pub cost: Decimal,
    pub insurance: Decimal,
    pub postal_rate: Decimal,
    pub preparing_cost: Decimal,
    /// The post office or pick-up point's address, where the method has one.
    pub address: String,
    pub worktime: String,
    pub min_period: u32,
    pub max_period: u32,
    pub additional_information: String,
}

/// The answer: the calculation id (the method's return value), `Types[]` and `Comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CalculateShippingCostResponse {
    pub calculation_id: String,
    pub types: Vec<DeliveryType>,
    /// The calculation's exceptions: the quote's comments, then each refused method as
    /// `TypeName: reasons`, joined by `; `.
    pub comments: String,
}

impl CalculateShippingCostRequest {
    /// The engine's request: goods in whole mm and g (rounded up), `Home` as the house.
    /// Errors name the seed's field (`Goods[1].Length`).
    ///
    /// ```
    /// use courier_engine::aplix::CalculateShippingCostRequest;
    /// let r: CalculateShippingCostRequest = serde_json::from_str(r#"{"DeclaredCost": 36370,
    ///     "Goods": [{"SKU": "499687", "Length": 0.1331, "Width": 0.0998, "Height": 0.0788, "Weight": 0.575, "Qty": 1}],
    ///     "Address": {"Index": "684005", "Home": "16"}, "TypeOfSeal": 1}"#).unwrap();
    /// let q = r.to_quote_request().unwrap();
    /// assert_eq!((q.goods[0].length_mm, q.goods[0].width_mm, q.goods[0].height_mm), (134, 100, 79));
    /// assert_eq!(q.goods[0].weight_g, 575);
    /// assert_eq!(q.address.house, "16");
    /// ```
    pub fn to_quote_request(&self) -> Result<QuoteRequest, AplixShapeError> {
        let mut goods = Vec::with_capacity(self.goods.len());
        for (i, g) in self.goods.iter().enumerate() {
            let f = |name: &str| format!("Goods[{i}].{name}");
            let need = |name: &str, v: Option<Decimal>| {
                v.ok_or_else(|| AplixShapeError::Required { field: f(name) })
            };
            let qty = g
                .qty
                .ok_or_else(|| AplixShapeError::Required { field: f("Qty") })?;
            let qty = u32::try_from(qty).ok().filter(|q| *q > 0).ok_or_else(|| {
                AplixShapeError::NotPositive {
                    field: f("Qty"),
                    value: qty.to_string(),
                }
            })?;
            goods.push(GoodsLine {
                sku: g.sku.clone().unwrap_or_default(),
                name: g.name.clone().unwrap_or_default(),
                length_mm: side_mm(f("Length"), need("Length", g.length)?)?,
                width_mm: side_mm(f("Width"), need("Width", g.width)?)?,
                height_mm: side_mm(f("Height"), need("Height", g.height)?)?,
                weight_g: thousandths_up(f("Weight"), need("Weight", g.weight)?)?,
                qty,
                upright: false,
            });
        }
        let type_of_seal = Seal::try_from(self.type_of_seal)
            .map_err(|_| AplixShapeError::Seal(self.type_of_seal))?;
        let a = &self.address;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(QuoteRequest {
            order_number: self.order_number.clone(),
            declared_value: self.declared_cost,
            goods,
            address: Address {
                index: s(&a.index),
                region: s(&a.region),
                district: s(&a.district),
                city: s(&a.city),
                settlement: s(&a.settlement),
                street: s(&a.street),
                house: s(&a.home),
                building: s(&a.building),
                flat: s(&a.flat),
            },
            type_of_seal,
            sturdy_packaging: self.sturdy_packaging,
            cash_on_delivery: self.cash_on_delivery,
            cod_amount: None,
            weekend_delivery: false,
            date: None,
        })
    }
}

impl CalculateShippingCostRequest {
    /// CalculateShippingCost with a tariff: the address checked under the seed's field
    /// name (`Address.Index`), then the engine's quote, answered in the seed's shape.
    pub fn calculate(
        &self,
        tariff: &CompiledTariff,
    ) -> Result<(Quote, CalculateShippingCostResponse), AplixShapeError> {
        let req = self.to_quote_request()?;
        tariff
            .check_address("Address.Index", &req.address.index, &req.address.region)
            .map_err(AplixShapeError::Address)?;
        let quote = tariff.quote(&req).map_err(AplixShapeError::Quote)?;
        let answer = CalculateShippingCostResponse::from(&quote);
        Ok((quote, answer))
    }
}

impl From<&Quote> for CalculateShippingCostResponse {
    fn from(q: &Quote) -> Self {
        let types = q
            .options
            .iter()
            .map(|o| DeliveryType {
                type_id: o.type_id,
                type_name: o.type_name.clone(),
                type_description: o.type_description.clone(),
                cost: o.cost,
                insurance: o.insurance,
                postal_rate: o.postal_rate,
                preparing_cost: o.preparing_cost,
                address: o.address.clone().unwrap_or_default(),
                worktime: o.worktime.clone().unwrap_or_default(),
                min_period: o.min_period,
                max_period: o.max_period,
                additional_information: o.additional_information.clone(),
            })
            .collect();
        let comments = q
            .comments
            .iter()
            .cloned()
            .chain(
                q.refused
                    .iter()
                    .map(|r| format!("{}: {}", r.type_name, r.comment)),
            )
            .collect::<Vec<_>>()
            .join("; ");
        CalculateShippingCostResponse {
            calculation_id: q.calculation_id.clone(),
            types,
            comments,
        }
    }
}
