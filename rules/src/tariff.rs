//! Tariffs as data: what a carrier charges, per delivery method, in a TOML file a person
//! can read and edit (`data/tariffs/*.toml`; format documented in `docs/pricing.md`).
//!
//! A tariff holds, per carrier and delivery method: the currency; zones resolved from
//! the postal index (prefix or range) or the region; the rate by zone and weight step
//! (or by locker cell), with volumetric weight where the method uses it; delivery days
//! by zone; limits ([`MethodLimits`]); insurance; cash-on-delivery fee; surcharges (fuel,
//! notification, weekend); the packaging and marking prices with the box catalogue;
//! pick-up points or post offices; VAT rates with their effective dates.
//!
//! [`Tariff::from_toml_str`] parses and validates a tariff and reports **every** semantic
//! problem at once, each with the line, the key and a message. (A TOML *syntax* or type
//! error stops the parser, so it is reported alone, with its line.) This crate does no
//! I/O: the caller reads the file and prefixes the file name.
//!
//! The engine compiles a validated tariff into an evaluation form
//! (`courier_engine::pricing::CompiledTariff`); nothing here is on the hot path.
//!
//! ```
//! use courier_rules::tariff::Tariff;
//! let t = Tariff::from_toml_str(r#"
//! [tariff]
//! id = "demo"
//! carrier = "demo"
//! name = "Demo"
//! currency = "RUB"
//!
//! [[zoning]]
//! id = "post"
//! [[zoning.rule]]
//! zone = "1"
//! prefix = ["10"]
//!
//! [[method]]
//! type_id = 1
//! code = "parcel"
//! name = "Parcel"
//! zoning = "post"
//! base_weight_g = 500
//! step_g = 500
//! [[method.rate]]
//! zone = "1"
//! base = "250.00"
//! per_step = "30.00"
//! days_min = 2
//! days_max = 4
//! "#).unwrap();
//! assert_eq!(t.methods[0].get_ref().code, "parcel");
//!
//! // Problems name the line and the key:
//! let err = Tariff::from_toml_str("[tariff]\nid = \"x\"\ncarrier = \"x\"\nname = \"x\"\ncurrency = \"rub\"\n").unwrap_err();
//! assert!(err.to_string().contains("tariff.currency"), "{err}");
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::catalogue::Carton;
use crate::limits::MethodLimits;

/// A whole tariff file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    pub tariff: Spanned<Header>,
    /// VAT rates by effective date.
    #[serde(default)]
    pub vat: Vec<Spanned<VatRate>>,
    /// Zone maps; each method names the one it uses.
    #[serde(default)]
    pub zoning: Vec<Spanned<Zoning>>,
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
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| {
        serde::de::Error::custom(format!("expected a date \"YYYY-MM-DD\", got {text:?}: {e}"))
    })
}

/// `[[zoning]]`: how an address maps to a zone. Rules are tried in file order and the
/// first that matches wins (put specific rules before broad ones); when none matches,
/// `default_zone` applies, and without it the address is not served.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zoning {
    pub id: String,
    #[serde(default)]
    pub default_zone: Option<String>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<ZoneRule>,
}

/// One zone rule: the address matches when its postal index starts with one of
/// `prefix`, or lies in one of `range` (inclusive, compared digit by digit on indexes
/// of the same length), or its region equals one of `region` (case-insensitive).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneRule {
    pub zone: String,
    #[serde(default)]
    pub prefix: Vec<String>,
    #[serde(default)]
    pub range: Vec<[String; 2]>,
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
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub additional_info: String,
    /// Id of the `[[zoning]]` this method uses.
    pub zoning: String,
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
    #[serde(default)]
    pub limits: MethodLimits,
    #[serde(default)]
    pub rate: Vec<Spanned<Rate>>,
    #[serde(default)]
    pub insurance: Option<Spanned<Insurance>>,
    /// Absent: cash on delivery is not offered.
    #[serde(default)]
    pub cod: Option<Spanned<Cod>>,
    #[serde(default)]
    pub surcharges: Surcharges,
    /// Whether the parcel goes to a pick-up point the address must be served by.
    #[serde(default)]
    pub requires_point: bool,
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
    pub days_min: u32,
    pub days_max: u32,
}

/// `[method.insurance]`: the premium on the declared value. Either a percentage
/// (`rate_percent` of the declared value rounded up to `value_step`, e.g. 4 % per full
/// or partial rouble) or tiers (`[[method.insurance.tier]]`, the first tier whose
/// `up_to` covers the value). Never less than `minimum` when a value is declared.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Insurance {
    #[serde(default)]
    pub rate_percent: Option<Decimal>,
    #[serde(default)]
    pub value_step: Option<Decimal>,
    #[serde(default)]
    pub tier: Vec<Tier>,
    #[serde(default)]
    pub minimum: Decimal,
    /// Above this declared value the method refuses the parcel.
    pub max_declared_value: Decimal,
}

/// An insurance tier: the premium for values up to `up_to` (inclusive).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub up_to: Decimal,
    pub price: Decimal,
}

/// `[method.cod]`: the cash-on-delivery fee, `fixed + rate_percent × amount` by amount
/// band (the first band whose `up_to` covers the amount), never below `minimum`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cod {
    #[serde(default)]
    pub minimum: Decimal,
    /// Largest amount to collect; above it the method refuses.
    pub max_amount: Decimal,
    pub band: Vec<CodBand>,
}

/// A cash-on-delivery band.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodBand {
    pub up_to: Decimal,
    #[serde(default)]
    pub fixed: Decimal,
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
    pub code: String,
    pub address: String,
    pub hours: String,
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
    /// The box catalogue; the box price is a line of its own.
    #[serde(rename = "box")]
    pub boxes: Vec<Carton>,
}

/// One problem in a tariff file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// Key path, e.g. `method[2] (ems).rate[1].per_step`.
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}: {}", self.key, self.message),
            None => write!(f, "{}: {}", self.key, self.message),
        }
    }
}

/// Every problem found in a tariff file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TariffError {
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for TariffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}

struct Collector<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Collector<'_> {
    fn at(
        &mut self,
        span: Option<std::ops::Range<usize>>,
        key: String,
        message: impl Into<String>,
    ) {
        let line = span.map(|s| line_of(self.text, s.start));
        self.problems.push(Problem {
            line,
            key,
            message: message.into(),
        });
    }
}

fn negative(d: Decimal) -> bool {
    d.is_sign_negative() && !d.is_zero()
}

impl Tariff {
    /// Parses and validates a tariff. Every semantic problem is reported, each with its
    /// line and key; a syntax or type error is reported alone.
    pub fn from_toml_str(text: &str) -> Result<Tariff, TariffError> {
        let tariff: Tariff = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            TariffError {
                problems: vec![Problem {
                    line,
                    key: "toml".into(),
                    message: e.message().trim().to_string(),
                }],
            }
        })?;
        let problems = tariff.validate(text);
        if problems.is_empty() {
            Ok(tariff)
        } else {
            Err(TariffError { problems })
        }
    }

    /// Every semantic problem; `text` is the source the spans point into.
    pub fn validate(&self, text: &str) -> Vec<Problem> {
        let mut c = Collector {
            text,
            problems: Vec::new(),
        };
        self.validate_header(&mut c);
        let zones = self.validate_zonings(&mut c);
        let mut type_ids = BTreeSet::new();
        let mut codes = BTreeSet::new();
        for (i, m) in self.methods.iter().enumerate() {
            let span = Some(m.span());
            let m = m.get_ref();
            let at = format!("method[{i}] ({})", m.code);
            if !type_ids.insert(m.type_id) {
                c.at(
                    span.clone(),
                    format!("{at}.type_id"),
                    format!("duplicate type_id {}", m.type_id),
                );
            }
            if m.code.trim().is_empty() {
                c.at(span.clone(), format!("{at}.code"), "must not be empty");
            } else if !codes.insert(m.code.clone()) {
                c.at(span.clone(), format!("{at}.code"), "duplicate method code");
            }
            if m.name.trim().is_empty() {
                c.at(span.clone(), format!("{at}.name"), "must not be empty");
            }
            validate_method(&mut c, m, span, &at, &zones);
        }
        if self.methods.is_empty() {
            c.at(None, "method".into(), "at least one [[method]] is required");
        }
        if let Some(p) = &self.packaging {
            validate_packaging(&mut c, p);
        }
        c.problems.sort_by_key(|p| p.line.unwrap_or(0));
        c.problems
    }

    fn validate_header(&self, c: &mut Collector<'_>) {
        let span = Some(self.tariff.span());
        let h = self.tariff.get_ref();
        for (k, v) in [("id", &h.id), ("carrier", &h.carrier), ("name", &h.name)] {
            if v.trim().is_empty() {
                c.at(span.clone(), format!("tariff.{k}"), "must not be empty");
            }
        }
        if h.currency.len() != 3 || !h.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            c.at(
                span.clone(),
                "tariff.currency".into(),
                format!(
                    "{:?} is not an ISO 4217 code (three upper-case letters)",
                    h.currency
                ),
            );
        }
        if h.minor_units > 4 {
            c.at(span, "tariff.minor_units".into(), "must be between 0 and 4");
        }
        let mut dates = BTreeSet::new();
        for (i, v) in self.vat.iter().enumerate() {
            let r = v.get_ref();
            if negative(r.rate_percent) || r.rate_percent > Decimal::ONE_HUNDRED {
                c.at(
                    Some(v.span()),
                    format!("vat[{i}].rate_percent"),
                    "must be between 0 and 100",
                );
            }
            if !dates.insert(r.effective_from) {
                c.at(
                    Some(v.span()),
                    format!("vat[{i}].effective_from"),
                    "duplicate effective date",
                );
            }
        }
    }

    /// Validates zonings; returns zoning id → set of zone names.
    fn validate_zonings(&self, c: &mut Collector<'_>) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (i, z) in self.zoning.iter().enumerate() {
            let span = Some(z.span());
            let z = z.get_ref();
            let at = format!("zoning[{i}] ({})", z.id);
            if z.id.trim().is_empty() {
                c.at(span.clone(), format!("{at}.id"), "must not be empty");
            }
            if out.contains_key(&z.id) {
                c.at(span.clone(), format!("{at}.id"), "duplicate zoning id");
            }
            let mut names = BTreeSet::new();
            if let Some(d) = &z.default_zone {
                if d.trim().is_empty() {
                    c.at(
                        span.clone(),
                        format!("{at}.default_zone"),
                        "must not be empty",
                    );
                }
                names.insert(d.clone());
            }
            if z.rules.is_empty() && z.default_zone.is_none() {
                c.at(
                    span.clone(),
                    format!("{at}.rule"),
                    "a zoning needs rules or a default_zone",
                );
            }
            for (j, r) in z.rules.iter().enumerate() {
                let rat = format!("{at}.rule[{j}]");
                if r.zone.trim().is_empty() {
                    c.at(span.clone(), format!("{rat}.zone"), "must not be empty");
                }
                names.insert(r.zone.clone());
                if r.prefix.is_empty() && r.range.is_empty() && r.region.is_empty() {
                    c.at(
                        span.clone(),
                        rat.clone(),
                        "needs at least one prefix, range or region",
                    );
                }
                for (k, p) in r.prefix.iter().enumerate() {
                    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                        c.at(
                            span.clone(),
                            format!("{rat}.prefix[{k}]"),
                            format!("{p:?} must be digits"),
                        );
                    }
                }
                for (k, [lo, hi]) in r.range.iter().enumerate() {
                    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                    if !digits(lo) || !digits(hi) || lo.len() != hi.len() {
                        c.at(
                            span.clone(),
                            format!("{rat}.range[{k}]"),
                            "bounds must be digit strings of the same length",
                        );
                    } else if lo > hi {
                        c.at(
                            span.clone(),
                            format!("{rat}.range[{k}]"),
                            format!("{lo} is above {hi}"),
                        );
                    }
                }
                for (k, reg) in r.region.iter().enumerate() {
                    if reg.trim().is_empty() {
                        c.at(
                            span.clone(),
                            format!("{rat}.region[{k}]"),
                            "must not be empty",
                        );
                    }
                }
            }
            out.insert(z.id.clone(), names);
        }
        out
    }
}

fn validate_method(
    c: &mut Collector<'_>,
    m: &Method,
    span: Option<std::ops::Range<usize>>,
    at: &str,
    zones: &BTreeMap<String, BTreeSet<String>>,
) {
    for p in m.limits.validate(&format!("{at}.limits")) {
        let (key, msg) = p.split_once(": ").unwrap_or((p.as_str(), "invalid"));
        c.at(span.clone(), key.to_string(), msg.to_string());
    }
    let zone_names = zones.get(&m.zoning);
    if zone_names.is_none() {
        c.at(
            span.clone(),
            format!("{at}.zoning"),
            format!("no [[zoning]] with id {:?}", m.zoning),
        );
    }
    match m.pricing {
        Pricing::Weight => {
            if m.base_weight_g.is_none_or(|w| w == 0) {
                c.at(
                    span.clone(),
                    format!("{at}.base_weight_g"),
                    "weight pricing needs base_weight_g > 0",
                );
            }
            if m.step_g.is_none_or(|w| w == 0) {
                c.at(
                    span.clone(),
                    format!("{at}.step_g"),
                    "weight pricing needs step_g > 0",
                );
            }
        }
        Pricing::Cell => {
            if m.limits.cells.is_empty() {
                c.at(
                    span.clone(),
                    format!("{at}.limits.cell"),
                    "cell pricing needs at least one [[method.limits.cell]]",
                );
            }
        }
    }
    if m.volumetric_divisor == Some(0) {
        c.at(
            span.clone(),
            format!("{at}.volumetric_divisor"),
            "must be greater than 0",
        );
    }
    if m.rate.is_empty() {
        c.at(
            span.clone(),
            format!("{at}.rate"),
            "at least one [[method.rate]] is required",
        );
    }
    let mut seen = BTreeSet::new();
    for (j, r) in m.rate.iter().enumerate() {
        let rspan = Some(r.span());
        let r = r.get_ref();
        let rat = format!("{at}.rate[{j}]");
        if let Some(names) = zone_names {
            if !names.contains(&r.zone) {
                c.at(
                    rspan.clone(),
                    format!("{rat}.zone"),
                    format!("zone {:?} is not defined in zoning {:?}", r.zone, m.zoning),
                );
            }
        }
        if !seen.insert(r.zone.clone()) {
            c.at(
                rspan.clone(),
                format!("{rat}.zone"),
                "duplicate rate for this zone",
            );
        }
        if r.days_min > r.days_max {
            c.at(
                rspan.clone(),
                format!("{rat}.days_min"),
                format!("{} is above days_max {}", r.days_min, r.days_max),
            );
        }
        match m.pricing {
            Pricing::Weight => {
                for (k, v) in [("base", r.base), ("per_step", r.per_step)] {
                    match v {
                        None => c.at(
                            rspan.clone(),
                            format!("{rat}.{k}"),
                            "required with weight pricing",
                        ),
                        Some(d) if negative(d) => {
                            c.at(rspan.clone(), format!("{rat}.{k}"), "must not be negative")
                        }
                        _ => {}
                    }
                }
                if !r.cell_prices.is_empty() {
                    c.at(
                        rspan.clone(),
                        format!("{rat}.cell_prices"),
                        "only used with pricing = \"cell\"",
                    );
                }
            }
            Pricing::Cell => {
                for cell in &m.limits.cells {
                    match r.cell_prices.get(&cell.name) {
                        None => c.at(
                            rspan.clone(),
                            format!("{rat}.cell_prices"),
                            format!("no price for cell {:?}", cell.name),
                        ),
                        Some(d) if negative(*d) => c.at(
                            rspan.clone(),
                            format!("{rat}.cell_prices.{}", cell.name),
                            "must not be negative",
                        ),
                        _ => {}
                    }
                }
                for name in r.cell_prices.keys() {
                    if !m.limits.cells.iter().any(|cell| &cell.name == name) {
                        c.at(
                            rspan.clone(),
                            format!("{rat}.cell_prices.{name}"),
                            "no such cell in limits",
                        );
                    }
                }
                if r.base.is_some() || r.per_step.is_some() {
                    c.at(
                        rspan.clone(),
                        rat.clone(),
                        "base/per_step are only used with weight pricing",
                    );
                }
            }
        }
    }
    if let Some(ins) = &m.insurance {
        let ispan = Some(ins.span());
        let ins = ins.get_ref();
        let iat = format!("{at}.insurance");
        match (ins.rate_percent, ins.tier.is_empty()) {
            (Some(_), false) => c.at(
                ispan.clone(),
                iat.clone(),
                "give rate_percent or tiers, not both",
            ),
            (None, true) => c.at(ispan.clone(), iat.clone(), "needs rate_percent or [[tier]]"),
            _ => {}
        }
        if ins
            .rate_percent
            .is_some_and(|r| negative(r) || r > Decimal::ONE_HUNDRED)
        {
            c.at(
                ispan.clone(),
                format!("{iat}.rate_percent"),
                "must be between 0 and 100",
            );
        }
        if ins.value_step.is_some_and(|s| s <= Decimal::ZERO) {
            c.at(
                ispan.clone(),
                format!("{iat}.value_step"),
                "must be greater than 0",
            );
        }
        if negative(ins.minimum) {
            c.at(
                ispan.clone(),
                format!("{iat}.minimum"),
                "must not be negative",
            );
        }
        if ins.max_declared_value <= Decimal::ZERO {
            c.at(
                ispan.clone(),
                format!("{iat}.max_declared_value"),
                "must be greater than 0",
            );
        }
        check_bands(
            c,
            ispan.clone(),
            &format!("{iat}.tier"),
            ins.tier.iter().map(|t| (t.up_to, [t.price])),
        );
        for (k, pair) in ins.tier.windows(2).enumerate() {
            if let [a, b] = pair {
                if b.price < a.price {
                    c.at(
                        ispan.clone(),
                        format!("{iat}.tier[{}].price", k + 1),
                        "must not be below the previous tier's price (premiums never drop as value grows)",
                    );
                }
            }
        }
        if let Some(last) = ins.tier.last() {
            if last.up_to < ins.max_declared_value {
                c.at(
                    ispan,
                    format!("{iat}.tier"),
                    format!(
                        "the last tier ends at {} below max_declared_value {}",
                        last.up_to, ins.max_declared_value
                    ),
                );
            }
        }
    }
    if let Some(cod) = &m.cod {
        let cspan = Some(cod.span());
        let cod = cod.get_ref();
        let cat = format!("{at}.cod");
        if negative(cod.minimum) {
            c.at(
                cspan.clone(),
                format!("{cat}.minimum"),
                "must not be negative",
            );
        }
        if cod.max_amount <= Decimal::ZERO {
            c.at(
                cspan.clone(),
                format!("{cat}.max_amount"),
                "must be greater than 0",
            );
        }
        if cod.band.is_empty() {
            c.at(
                cspan.clone(),
                format!("{cat}.band"),
                "at least one [[band]] is required",
            );
        }
        check_bands(
            c,
            cspan.clone(),
            &format!("{cat}.band"),
            cod.band.iter().map(|b| (b.up_to, [b.fixed])),
        );
        for (k, b) in cod.band.iter().enumerate() {
            if negative(b.rate_percent) || b.rate_percent > Decimal::ONE_HUNDRED {
                c.at(
                    cspan.clone(),
                    format!("{cat}.band[{k}].rate_percent"),
                    "must be between 0 and 100",
                );
            }
        }
        // Each band is increasing in the amount; the fee must not drop where one band
        // hands over to the next, so the fee never decreases as the amount grows.
        for (k, pair) in cod.band.windows(2).enumerate() {
            if let [a, b] = pair {
                let end_of_a = a.fixed + a.up_to * a.rate_percent / Decimal::ONE_HUNDRED;
                let start_of_b = b.fixed + a.up_to * b.rate_percent / Decimal::ONE_HUNDRED;
                if start_of_b < end_of_a {
                    c.at(
                        cspan.clone(),
                        format!("{cat}.band[{}]", k + 1),
                        format!(
                            "the fee would drop from {} to {} just above {}: make fixed at least {}",
                            end_of_a.normalize(),
                            start_of_b.normalize(),
                            a.up_to,
                            (end_of_a - a.up_to * b.rate_percent / Decimal::ONE_HUNDRED).normalize()
                        ),
                    );
                }
            }
        }
        if let Some(last) = cod.band.last() {
            if last.up_to < cod.max_amount {
                c.at(
                    cspan,
                    format!("{cat}.band"),
                    format!(
                        "the last band ends at {} below max_amount {}",
                        last.up_to, cod.max_amount
                    ),
                );
            }
        }
    }
    let s = &m.surcharges;
    for (k, v) in [
        ("fuel_percent", s.fuel_percent),
        ("notification", s.notification),
        ("weekend", s.weekend),
    ] {
        if v.is_some_and(negative) {
            c.at(
                span.clone(),
                format!("{at}.surcharges.{k}"),
                "must not be negative",
            );
        }
    }
    if m.requires_point && m.point.is_empty() {
        c.at(
            span.clone(),
            format!("{at}.point"),
            "requires_point needs at least one [[method.point]]",
        );
    }
    for (j, p) in m.point.iter().enumerate() {
        let pspan = Some(p.span());
        let p = p.get_ref();
        let pat = format!("{at}.point[{j}] ({})", p.code);
        for (k, v) in [
            ("code", &p.code),
            ("address", &p.address),
            ("hours", &p.hours),
        ] {
            if v.trim().is_empty() {
                c.at(pspan.clone(), format!("{pat}.{k}"), "must not be empty");
            }
        }
        if p.serves.is_empty() {
            c.at(
                pspan.clone(),
                format!("{pat}.serves"),
                "needs at least one postal index prefix",
            );
        }
        for (k, s) in p.serves.iter().enumerate() {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                c.at(
                    pspan.clone(),
                    format!("{pat}.serves[{k}]"),
                    format!("{s:?} must be digits"),
                );
            }
        }
    }
}

/// Bands must be in strictly increasing `up_to` order with non-negative prices.
fn check_bands<const N: usize>(
    c: &mut Collector<'_>,
    span: Option<std::ops::Range<usize>>,
    at: &str,
    bands: impl Iterator<Item = (Decimal, [Decimal; N])>,
) {
    let mut prev: Option<Decimal> = None;
    for (k, (up_to, prices)) in bands.enumerate() {
        if up_to <= Decimal::ZERO {
            c.at(
                span.clone(),
                format!("{at}[{k}].up_to"),
                "must be greater than 0",
            );
        }
        if prev.is_some_and(|p| up_to <= p) {
            c.at(
                span.clone(),
                format!("{at}[{k}].up_to"),
                "must be above the previous up_to",
            );
        }
        if prices.iter().any(|p| negative(*p)) {
            c.at(
                span.clone(),
                format!("{at}[{k}]"),
                "prices must not be negative",
            );
        }
        prev = Some(up_to);
    }
}

fn validate_packaging(c: &mut Collector<'_>, p: &Spanned<Packaging>) {
    let span = Some(p.span());
    let p = p.get_ref();
    for (k, v) in [
        ("bubble_wrap_per_m2", p.bubble_wrap_per_m2),
        ("filler_per_litre", p.filler_per_litre),
        ("sturdy", p.sturdy),
        ("label", p.label),
        ("handling_per_unit", p.handling_per_unit),
    ] {
        if negative(v) {
            c.at(
                span.clone(),
                format!("packaging.{k}"),
                "must not be negative",
            );
        }
    }
    if p.boxes.is_empty() {
        c.at(
            span.clone(),
            "packaging.box".into(),
            "at least one [[packaging.box]] is required",
        );
    }
    let mut refs = BTreeSet::new();
    for (i, b) in p.boxes.iter().enumerate() {
        let at = format!("packaging.box[{i}] ({})", b.reference);
        for problem in b.validate(&at) {
            let (key, msg) = problem
                .split_once(": ")
                .unwrap_or((problem.as_str(), "invalid"));
            c.at(span.clone(), key.to_string(), msg.to_string());
        }
        if !refs.insert(b.reference.clone()) {
            c.at(
                span.clone(),
                format!("{at}.reference"),
                "duplicate box reference",
            );
        }
    }
}
