//! Aplix's own shapes (seed 002) in and out of the engine: `CheckDimensions` and
//! `CalculateShippingCost` with the SOAP service's parameter names and units, so the
//! seed's example — and the body the adapter sends — can be fed to the engine unchanged
//! and answered in kind. The shapes themselves are data in
//! [`courier_rules::aplix::shapes`] (re-exported here); this module converts.
//!
//! The engine works in whole millimetres and grams; Aplix sends floats in metres and
//! kilograms. Inputs are converted by rounding **up** to the next whole millimetre or
//! gram (a parcel is never reported smaller or lighter than it is): `0.1331` m is 134 mm,
//! `0.0788` m is 79 mm, `0.575` kg is 575 g. JSON numbers are read as exact decimals
//! (their written digits), so `0.3` m is 300 mm, not 301. Outputs in metres and
//! kilograms are whole millimetres / grams divided by 1000, written as JSON numbers as
//! the seed's `float` outputs are; money stays exact decimal strings (the project's
//! rule for money), under the seed's names.

use rust_decimal::Decimal;

pub use courier_rules::aplix::shapes::{
    CalculateShippingCostRequest, CalculateShippingCostResponse, CheckDimensionsRequest,
    CheckDimensionsResponse, DeliveryType, Dimensions,
};
use courier_rules::limits::DeliveryMethod;

use crate::packing::{check_dimensions, CheckDimensions, GoodsM, Item, PackOptions};
use crate::pricing::{
    Address, AddressError, CompiledTariff, GoodsLine, Quote, QuoteError, QuoteRequest, Seal,
};

/// A seed-shaped request the engine cannot take, naming the seed's field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AplixShapeError {
    #[error("{field}: required")]
    /// A field the seed requires is missing.
    Required {
        /// The seed's field path (`DimensionsList[0].Length`).
        field: String,
    },
    #[error("{field}: must be greater than 0 (got {value})")]
    /// A size, weight or quantity that is zero or negative.
    NotPositive {
        /// The seed's field path.
        field: String,
        /// The value as given.
        value: String,
    },
    #[error("{field}: {value} is too large")]
    /// A size or weight beyond what whole millimetres and grams hold.
    TooLarge {
        /// The seed's field path.
        field: String,
        /// The value as given.
        value: String,
    },
    /// The seed's `TypeOfSeal` is not 1, 2 or 3 (the number given).
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

/// The goods of a CheckDimensions request as packing items in whole millimetres and
/// grams (rounded up); errors name `DimensionsList[i].Field`. The one conversion of the
/// seed's `Dimensions` (exact decimal metres and kilograms) into the engine's goods
/// type [`Item`]; the packer's own limits (a side over 100 m) are checked when it packs.
///
/// ```
/// use courier_engine::aplix::{items, CheckDimensionsRequest};
/// let req: CheckDimensionsRequest = serde_json::from_str(r#"{"DimensionsList": [
///     {"Length": 0.1331, "Width": 0.0998, "Height": 0.0788, "Weight": 0.575, "Qty": 1}]}"#).unwrap();
/// let i = &items(&req).unwrap()[0];
/// assert_eq!((i.length_mm(), i.width_mm(), i.height_mm(), i.weight_g()), (134, 100, 79, 575));
/// ```
pub fn items(req: &CheckDimensionsRequest) -> Result<Vec<Item>, AplixShapeError> {
    let mut out = Vec::with_capacity(req.dimensions_list.len());
    for (i, d) in req.dimensions_list.iter().enumerate() {
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

/// Packing items (whole mm and g) as the packing's metre/kilogram goods; its own
/// conversion gives them back exactly (the shortest decimal form of k / 1000).
fn goods_of_items(items: &[Item]) -> Vec<GoodsM> {
    items.iter().map(|&i| GoodsM::from(i)).collect()
}

/// CheckDimensions of a seed-shaped request against the delivery methods' limits.
///
/// ```
/// use courier_engine::aplix::{check, CheckDimensionsRequest};
/// use courier_engine::packing::PackOptions;
/// use courier_engine::rules::limits::MethodCatalogue;
/// let methods = MethodCatalogue::from_toml_str(include_str!("../../data/methods.toml")).unwrap();
/// let req: CheckDimensionsRequest = serde_json::from_str(r#"{"DimensionsList": [
///     {"Length": 0.130, "Width": 0.100, "Height": 0.001, "Weight": 0.1, "Qty": 2},
///     {"Length": 0.1331, "Width": 0.0998, "Height": 0.0788, "Weight": 0.575, "Qty": 1}]}"#).unwrap();
/// let answer = check(&req, &methods.methods, &PackOptions::default()).unwrap();
/// assert!(answer.result);
/// assert_eq!(answer.weight, 0.775);
/// ```
pub fn check(
    req: &CheckDimensionsRequest,
    methods: &[DeliveryMethod],
    opts: &PackOptions,
) -> Result<CheckDimensionsResponse, AplixShapeError> {
    check_items(&items(req)?, methods, opts)
}

/// CheckDimensions for goods already in whole mm and g, answered in the seed's shape.
pub fn check_items(
    items: &[Item],
    methods: &[DeliveryMethod],
    opts: &PackOptions,
) -> Result<CheckDimensionsResponse, AplixShapeError> {
    let answer = check_dimensions(&goods_of_items(items), methods, opts)
        .map_err(|e| AplixShapeError::Check(e.to_string()))?;
    Ok(check_answer(&answer))
}

/// The engine's CheckDimensions answer in the seed's shape.
pub fn check_answer(a: &CheckDimensions) -> CheckDimensionsResponse {
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

/// The engine's request for a seed-shaped CalculateShippingCost: goods in whole mm and g
/// (rounded up), `Home` as the house. Errors name the seed's field (`Goods[1].Length`).
/// The one conversion of the seed's `Goods` (exact decimal metres and kilograms, every
/// field optional on the wire) into the engine's [`GoodsLine`]: its SKU and name, and
/// an [`Item`].
///
/// ```
/// use courier_engine::aplix::{quote_request, CalculateShippingCostRequest};
/// let r: CalculateShippingCostRequest = serde_json::from_str(r#"{"DeclaredCost": 36370,
///     "Goods": [{"SKU": "499687", "Length": 0.1331, "Width": 0.0998, "Height": 0.0788, "Weight": 0.575, "Qty": 1}],
///     "Address": {"Index": "684005", "Home": "16"}, "TypeOfSeal": 1}"#).unwrap();
/// let q = quote_request(&r).unwrap();
/// let unit = q.goods[0].item;
/// assert_eq!((unit.length_mm(), unit.width_mm(), unit.height_mm()), (134, 100, 79));
/// assert_eq!(unit.weight_g(), 575);
/// assert_eq!(q.goods[0].sku, "499687");
/// assert_eq!(q.address.house, "16");
/// ```
pub fn quote_request(req: &CalculateShippingCostRequest) -> Result<QuoteRequest, AplixShapeError> {
    let mut goods = Vec::with_capacity(req.goods.len());
    for (i, g) in req.goods.iter().enumerate() {
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
            item: Item::new(
                side_mm(f("Length"), need("Length", g.length)?)?,
                side_mm(f("Width"), need("Width", g.width)?)?,
                side_mm(f("Height"), need("Height", g.height)?)?,
                thousandths_up(f("Weight"), need("Weight", g.weight)?)?,
                qty,
            ),
        });
    }
    let type_of_seal =
        Seal::try_from(req.type_of_seal).map_err(|_| AplixShapeError::Seal(req.type_of_seal))?;
    let a = &req.address;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(QuoteRequest {
        order_number: req.order_number.clone(),
        declared_value: req.declared_cost,
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
        sturdy_packaging: req.sturdy_packaging,
        cash_on_delivery: req.cash_on_delivery,
        cod_amount: None,
        weekend_delivery: false,
        date: None,
    })
}

/// CalculateShippingCost with a tariff: the address checked under the seed's field name
/// (`Address.Index`), then the engine's quote, answered in the seed's shape.
pub fn calculate(
    req: &CalculateShippingCostRequest,
    tariff: &CompiledTariff,
) -> Result<(Quote, CalculateShippingCostResponse), AplixShapeError> {
    let q = quote_request(req)?;
    tariff
        .check_address("Address.Index", &q.address.index, &q.address.region)
        .map_err(AplixShapeError::Address)?;
    let quote = tariff.quote(&q).map_err(AplixShapeError::Quote)?;
    let answer = quote_answer(&quote);
    Ok((quote, answer))
}

/// The engine's quote in the seed's shape. `Comments`: the quote's comments, then each
/// refused method as `TypeName: reasons`, joined by `; ` (the seed: exceptions of the
/// calculation go to `Comments`).
pub fn quote_answer(q: &Quote) -> CalculateShippingCostResponse {
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
