//! Aplix CheckDimensions: goods in metres and kilograms in, the parcel in metres and
//! kilograms out, with whether at least one delivery method takes it.
//!
//! Aplix's API uses floating-point metres and kilograms. They are converted to whole
//! millimetres and grams by rounding **up** (a parcel is never reported smaller or
//! lighter than it is), through the float's shortest decimal form so that `0.3` m is
//! 300 mm and not 301 mm (`0.3 × 1000` is `300.00000000000006` in binary floating point).

use std::str::FromStr;

use courier_rules::limits::DeliveryMethod;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{check_methods, pack, Item, MethodVerdict, PackError, PackOptions};

/// One line of goods as Aplix's CheckDimensions sends it: floating-point metres and
/// kilograms, no upright flag. A wire shape only — the engine's goods type is [`Item`]
/// (whole mm and g), which [`GoodsM::to_item`] converts it into (rounding up, the one
/// place this happens) and [`GoodsM::from`] back. The seed's own JSON shapes, with its
/// field names and exact decimals, are `courier_rules::aplix::shapes` (converted in
/// `courier_engine::aplix`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GoodsM {
    /// Length of one unit, in metres.
    pub length_m: f64,
    /// Width of one unit, in metres.
    pub width_m: f64,
    /// Height of one unit, in metres.
    pub height_m: f64,
    /// Weight of one unit, in kilograms.
    pub weight_kg: f64,
    /// Number of units.
    pub quantity: u32,
}

/// The CheckDimensions answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckDimensions {
    /// Sides after optimal packing, longest first, in metres (exact: whole mm / 1000).
    pub length_m: Decimal,
    /// Middle side, in metres.
    pub width_m: Decimal,
    /// Shortest side, in metres.
    pub height_m: Decimal,
    /// Total weight of the goods without packaging, in kilograms (whole g / 1000).
    pub weight_kg: Decimal,
    /// At least one delivery method accepts some packing of the goods.
    pub within_limits: bool,
    /// Every limit exceeded, per method; empty when every method accepts.
    pub comment: String,
    /// The verdict of each delivery method, in the order of the rules.
    pub methods: Vec<MethodVerdict>,
    /// Whether the reported box is proven minimal.
    pub optimal: bool,
}

/// Error in CheckDimensions input, naming the line and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckDimensionsError {
    /// A size or weight is zero, negative, NaN or infinite.
    #[error("goods[{line}].{field}: must be a finite number greater than 0 (got {value})")]
    NotPositive {
        /// 0-based index of the line in the goods list, as [`PackError`] names it.
        line: usize,
        /// The field's name in the Aplix request.
        field: &'static str,
        /// The value given, as text.
        value: String,
    },
    /// A value does not fit in whole millimetres or grams.
    #[error("goods[{line}].{field}: {value} is too large")]
    TooLarge {
        /// 0-based index of the line in the goods list, as [`PackError`] names it.
        line: usize,
        /// The field's name in the Aplix request.
        field: &'static str,
        /// The value given, as text.
        value: String,
    },
    /// The converted goods are refused by the packer.
    #[error(transparent)]
    Pack(#[from] PackError),
}

impl CheckDimensionsError {
    /// A stable, machine-readable code for the kind of error (snake_case); refused
    /// goods give [`PackError::code`].
    pub fn code(&self) -> &'static str {
        match self {
            CheckDimensionsError::NotPositive { .. } => "not_positive",
            CheckDimensionsError::TooLarge { .. } => "too_large",
            CheckDimensionsError::Pack(e) => e.code(),
        }
    }
}

/// Converts a positive float in units to thousandths, rounding up.
fn thousandths_up(line: usize, field: &'static str, v: f64) -> Result<u64, CheckDimensionsError> {
    if !v.is_finite() || v <= 0.0 {
        return Err(CheckDimensionsError::NotPositive {
            line,
            field,
            value: v.to_string(),
        });
    }
    let d = Decimal::from_str(&v.to_string())
        .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
        .map_err(|_| CheckDimensionsError::TooLarge {
            line,
            field,
            value: v.to_string(),
        })?;
    let t = (d * Decimal::from(1000)).round_dp_with_strategy(0, RoundingStrategy::AwayFromZero);
    u64::try_from(t).map_err(|_| CheckDimensionsError::TooLarge {
        line,
        field,
        value: v.to_string(),
    })
}

impl GoodsM {
    /// The line in whole millimetres and grams, each rounded up; `line` (its index in
    /// the list) is what an error names. Not checked against the packer's limits
    /// (a zero quantity, a side over 100 m): the packing does that, as for every [`Item`].
    pub fn to_item(&self, line: usize) -> Result<Item, CheckDimensionsError> {
        let side = |field: &'static str, v: f64| -> Result<u32, CheckDimensionsError> {
            let mm = thousandths_up(line, field, v)?;
            u32::try_from(mm).map_err(|_| CheckDimensionsError::TooLarge {
                line,
                field,
                value: v.to_string(),
            })
        };
        let (l, w, h) = (
            side("length_m", self.length_m)?,
            side("width_m", self.width_m)?,
            side("height_m", self.height_m)?,
        );
        let weight_g = thousandths_up(line, "weight_kg", self.weight_kg)?;
        Ok(Item::new(l, w, h, weight_g, self.quantity))
    }
}

impl From<Item> for GoodsM {
    /// Whole mm and g as metres and kilograms (k / 1000, exact for every value below
    /// 2^53); [`GoodsM::to_item`] gives the item back exactly, through the float's
    /// shortest decimal form. The upright flag has no place on this wire and is dropped.
    fn from(i: Item) -> GoodsM {
        let units = |thousandths: u64| thousandths as f64 / 1000.0;
        GoodsM {
            length_m: units(u64::from(i.length_mm)),
            width_m: units(u64::from(i.width_mm)),
            height_m: units(u64::from(i.height_mm)),
            weight_kg: units(i.weight_g),
            quantity: i.qty,
        }
    }
}

/// Aplix CheckDimensions.
///
/// ```
/// use courier_engine::packing::{check_dimensions, GoodsM, PackOptions};
/// use courier_engine::rules::limits::{DeliveryMethod, MethodLimits, MethodLimitsRecord};
/// let limits = MethodLimitsRecord { max_weight_g: Some(1000), ..Default::default() };
/// let post = DeliveryMethod { id: "post".into(), name: "Post".into(),
///     limits: MethodLimits::try_from(limits).unwrap() };
/// let goods = [GoodsM { length_m: 0.3, width_m: 0.2, height_m: 0.0301, weight_kg: 0.6, quantity: 2 }];
/// let a = check_dimensions(&goods, &[post], &PackOptions::default()).unwrap();
/// assert_eq!(a.length_m.to_string(), "0.300");
/// assert_eq!(a.height_m.to_string(), "0.062"); // 30.1 mm rounds up to 31 mm, two of them
/// assert!(!a.within_limits);
/// assert!(a.comment.contains("weight 1200 g exceeds 1000 g"));
/// ```
pub fn check_dimensions(
    goods: &[GoodsM],
    methods: &[DeliveryMethod],
    opts: &PackOptions,
) -> Result<CheckDimensions, CheckDimensionsError> {
    let items = goods
        .iter()
        .enumerate()
        .map(|(line, g)| g.to_item(line))
        .collect::<Result<Vec<_>, _>>()?;
    let p = pack(&items, opts)?;
    let verdicts = check_methods(&items, methods, opts)?;
    let m = |mm: u32| Decimal::new(i64::from(mm), 3);
    let comment = verdicts
        .iter()
        .filter(|v| !v.within)
        .map(|v| {
            format!(
                "{}: {}",
                v.name,
                v.exceeded
                    .iter()
                    .map(|e| e.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join(". ");
    Ok(CheckDimensions {
        length_m: m(p.length_mm),
        width_m: m(p.width_mm),
        height_m: m(p.height_mm),
        weight_kg: Decimal::new(i64::try_from(p.weight_g).unwrap_or(i64::MAX), 3),
        within_limits: verdicts.iter().any(|v| v.within),
        comment,
        methods: verdicts,
        optimal: p.optimal,
    })
}
