//! The shape of a tariff file: one serde type per TOML table (`docs/pricing.md`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::catalogue::CartonRecord;
use crate::limits::MethodLimitsRecord;
use crate::postal::AddressRules;

/// A whole tariff file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// `[tariff]`: identity, currency and VAT convention of the whole file.
    pub tariff: Spanned<Header>,
    /// VAT rates by effective date.
    #[serde(default)]
    pub vat: Vec<Spanned<VatRate>>,
    /// The destination country and its postal index format (`[address]`), checked
    /// before any zone is looked up; absent: indexes are not format-checked.
    #[serde(default)]
    pub address: Option<AddressRules>,
    /// Zone maps; each method names the one it uses.
    #[serde(default)]
    pub zoning: Vec<Spanned<Zoning>>,
    /// `[[method]]` tables, one per delivery method, in file order.
    #[serde(default, rename = "method")]
    pub methods: Vec<Spanned<Method>>,
    /// Packaging and marking prices with the box catalogue; required for Aplix-style
    /// quotes (goods are packed into one of these boxes).
    #[serde(default)]
    pub packaging: Option<Spanned<Packaging>>,
}

/// `[tariff]`: identity and money conventions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Stable identifier, part of every calculation id.
    pub id: String,
    /// Carrier, e.g. `"aplix"`, `"inpost"`.
    pub carrier: String,
    /// Human name of the tariff, shown in tables.
    pub name: String,
    /// ISO 4217 code, three upper-case letters.
    pub currency: String,
    /// Digits of the minor unit (kopeck, grosz: 2).
    #[serde(default = "two")]
    pub minor_units: u32,
    /// Whether the prices below already contain VAT.
    #[serde(default = "yes")]
    pub prices_include_vat: bool,
    /// Free text shown in tables (source of the prices, date of the price list).
    #[serde(default)]
    pub source: Option<String>,
}

fn two() -> u32 {
    2
}
fn yes() -> bool {
    true
}

/// `[[vat]]`: a VAT rate and the day it takes effect (Russia 22 % from 2026-01-01).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VatRate {
    /// VAT rate in percent (e.g. `22` for 22 %), not a fraction.
    pub rate_percent: Decimal,
    /// `"YYYY-MM-DD"` (a string or a TOML date).
    #[serde(deserialize_with = "date")]
    pub effective_from: NaiveDate,
}

fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let v = toml::Value::deserialize(d)?;
    let text = match v {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) => dt.to_string(),
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected a date \"YYYY-MM-DD\", found {}",
                other.type_str()
            )))
        }
    };
    crate::calendar::parse_date(&text).map_err(serde::de::Error::custom)
}

/// `[[zoning]]`: how an address maps to a zone. Rules are tried in file order and the
/// first that matches wins (put specific rules before broad ones); when none matches,
/// `default_zone` applies, and without it the address is not served.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zoning {
    /// Identifier that `Method::zoning` refers to; unique within the file.
    pub id: String,
    /// Zone for an address no rule matches; `None`: such an address is not served.
    #[serde(default)]
    pub default_zone: Option<String>,
    /// `[[zoning.rule]]` tables, tried in file order; the first match wins.
    #[serde(default, rename = "rule")]
    pub rules: Vec<ZoneRule>,
}

/// One zone rule: the address matches when its postal index starts with one of
/// `prefix`, or lies in one of `range` (inclusive, compared digit by digit on indexes
/// of the same length), or its region equals one of `region` (case-insensitive).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneRule {
    /// Zone the matching address falls into; a method's `[[method.rate]]` names it.
    pub zone: String,
    /// Postal index prefixes (`"10"` matches `"101000"`); empty: no prefix test.
    #[serde(default)]
    pub prefix: Vec<String>,
    /// Inclusive postal index ranges `[from, to]` of equal length; empty: no range test.
    #[serde(default)]
    pub range: Vec<[String; 2]>,
    /// Region names compared case-insensitively; empty: no region test.
    #[serde(default)]
    pub region: Vec<String>,
}

/// How a method's rate is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pricing {
    /// `base` up to `base_weight_g`, plus `per_step` for every further `step_g` or part of it.
    #[default]
    Weight,
    /// A price per locker cell (InPost A/B/C): the first cell, in file order, that
    /// takes the parcel sets the price.
    Cell,
}

/// `[[method]]`: one delivery method.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// Aplix `TypeId`.
    pub type_id: u32,
    /// Stable code, e.g. `"russian_post_parcel"`, `"inpost_locker_standard"` (ShipX service).
    pub code: String,
    /// Name shown to the customer (Aplix `TypeName` in CalculateShippingCost).
    pub name: String,
    /// Longer text shown to the customer (Aplix `TypeDescription`); empty when absent.
    #[serde(default)]
    pub description: String,
    /// Extra customer-facing notes, the start of Aplix `AdditionalInformation` (the engine may
    /// append its own); empty when absent.
    #[serde(default)]
    pub additional_info: String,
    /// Id of the `[[zoning]]` this method uses.
    pub zoning: String,
    /// How the rate is looked up: by weight (default) or by locker cell.
    #[serde(default)]
    pub pricing: Pricing,
    /// Weight included in `base` (weight pricing).
    #[serde(default)]
    pub base_weight_g: Option<u64>,
    /// Size of each further step (weight pricing).
    #[serde(default)]
    pub step_g: Option<u64>,
    /// Volumetric weight in grams = outer volume in mm³ / divisor (this is the familiar
    /// "cm³ / divisor in kg", e.g. 5000). Absent: the method charges actual weight only.
    #[serde(default)]
    pub volumetric_divisor: Option<u64>,
    /// Weight and size limits as written (checked with the rest of the file, so every
    /// problem is reported at once); absent limits never refuse.
    #[serde(default)]
    pub limits: MethodLimitsRecord,
    /// Prices and delivery days, one `[[method.rate]]` per zone the method serves; a zone without a
    /// rate is not served.
    #[serde(default)]
    pub rate: Vec<Spanned<Rate>>,
    /// Insurance on the declared value; `None`: the method offers no insurance.
    #[serde(default)]
    pub insurance: Option<Spanned<Insurance>>,
    /// Absent: cash on delivery is not offered.
    #[serde(default)]
    pub cod: Option<Spanned<Cod>>,
    /// Optional surcharges; absent ones are not charged.
    #[serde(default)]
    pub surcharges: Surcharges,
    /// Whether the parcel goes to a pick-up point the address must be served by.
    #[serde(default)]
    pub requires_point: bool,
    /// Pick-up points (used when `requires_point`); the address must be served by one of them.
    #[serde(default)]
    pub point: Vec<Spanned<Point>>,
    /// Whether packaging and marking (`PreparingCost`) is charged with this method.
    #[serde(default = "yes")]
    pub preparing: bool,
}

/// `[[method.rate]]`: the price and delivery days in one zone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Zone this rate applies to, as named by the method's zoning.
    pub zone: String,
    /// Weight pricing: price up to `base_weight_g`.
    #[serde(default)]
    pub base: Option<Decimal>,
    /// Weight pricing: price per further step.
    #[serde(default)]
    pub per_step: Option<Decimal>,
    /// Cell pricing: price per cell name.
    #[serde(default)]
    pub cell_prices: BTreeMap<String, Decimal>,
    /// Fewest delivery days promised in this zone (Aplix `MinPeriod`).
    pub days_min: u32,
    /// Most delivery days promised in this zone; not less than `days_min`.
    pub days_max: u32,
}

/// `[method.insurance]`: the premium on the declared value. Either a percentage
/// (`rate_percent` of the declared value rounded up to `value_step`, e.g. 4 % per full
/// or partial rouble) or tiers (`[[method.insurance.tier]]`, the first tier whose
/// `up_to` covers the value). Never less than `minimum` when a value is declared.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Insurance {
    /// Premium in percent of the declared value (percentage form); `None` with tiers.
    #[serde(default)]
    pub rate_percent: Option<Decimal>,
    /// Step the declared value is rounded up to before the percentage applies (e.g. `1` rouble);
    /// `None`: no rounding of the value.
    #[serde(default)]
    pub value_step: Option<Decimal>,
    /// Premium tiers, ordered by `up_to`; empty with the percentage form.
    #[serde(default)]
    pub tier: Vec<Tier>,
    /// Smallest premium charged when a value is declared; `0` when absent.
    #[serde(default)]
    pub minimum: Decimal,
    /// Above this declared value the method refuses the parcel.
    pub max_declared_value: Decimal,
}

/// An insurance tier: the premium for values up to `up_to` (inclusive).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Largest declared value this tier covers (inclusive), in the tariff currency.
    pub up_to: Decimal,
    /// Premium for values in this tier, in the tariff currency.
    pub price: Decimal,
}

/// `[method.cod]`: the cash-on-delivery fee, `fixed + rate_percent × amount` by amount
/// band (the first band whose `up_to` covers the amount), never below `minimum`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cod {
    /// Smallest fee charged, in the tariff currency; `0` when absent.
    #[serde(default)]
    pub minimum: Decimal,
    /// Largest amount to collect; above it the method refuses.
    pub max_amount: Decimal,
    /// Fee bands ordered by `up_to`; the first covering the amount applies.
    pub band: Vec<CodBand>,
}

/// A cash-on-delivery band.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodBand {
    /// Largest amount to collect this band covers (inclusive), in the tariff currency.
    pub up_to: Decimal,
    /// Fixed part of the fee, in the tariff currency; `0` when absent.
    #[serde(default)]
    pub fixed: Decimal,
    /// Percentage of the collected amount added to `fixed` (`2.5` means 2.5 %); `0` when absent.
    #[serde(default)]
    pub rate_percent: Decimal,
}

/// `[method.surcharges]`. Absent means not charged (and, for `weekend`, not offered).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Surcharges {
    /// Fuel surcharge, percent of the rate.
    #[serde(default)]
    pub fuel_percent: Option<Decimal>,
    /// Fixed notification charge per parcel.
    #[serde(default)]
    pub notification: Option<Decimal>,
    /// Weekend delivery add-on (InPost `endOfWeekCollection`).
    #[serde(default)]
    pub weekend: Option<Decimal>,
}

/// `[[method.point]]`: a pick-up point or post office, serving the postal indexes that
/// start with one of `serves`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// The point's code, as the carrier names it (returned as the chosen point).
    pub code: String,
    /// Street address shown to the customer.
    pub address: String,
    /// Opening hours as free text, e.g. `"Mon-Fri 9-20"`.
    pub hours: String,
    /// Postal index prefixes the point serves; an address whose index starts with one of them may
    /// use it.
    pub serves: Vec<String>,
}

/// `[packaging]`: packaging and marking prices (Aplix `PreparingCost`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Packaging {
    /// Bubble wrap (seal type 2), per m² of the box's inner surface.
    pub bubble_wrap_per_m2: Decimal,
    /// Filler (seal type 3), per litre of the box's inner volume left empty.
    pub filler_per_litre: Decimal,
    /// Sturdy (rigid) packaging, per parcel.
    pub sturdy: Decimal,
    /// Label and marking, per parcel.
    pub label: Decimal,
    /// Handling, per unit of goods.
    pub handling_per_unit: Decimal,
    /// The box catalogue as written (checked with the rest of the file); the box price
    /// is a line of its own.
    #[serde(rename = "box")]
    pub boxes: Vec<CartonRecord>,
}
