//! The evaluation form of a tariff: compiled once, then quoted many times.
//!
//! Compiling resolves every name to an index (zoning, zone, cell), turns percentages into
//! fractions and sorts what needs sorting, so quoting does no parsing, no string
//! comparison of names and no allocation on the priced path.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use courier_rules::catalogue::Carton;
use courier_rules::limits::MethodLimits;
use courier_rules::tariff::{Pricing, Problem, Tariff, TariffError};

use super::fingerprint::Fnv64;
use super::money::fraction;

/// A validated tariff in evaluation form. Immutable and `Sync`: share one per tariff
/// across threads.
#[derive(Debug, Clone)]
pub struct CompiledTariff {
    pub(crate) id: String,
    pub(crate) carrier: String,
    pub(crate) name: String,
    pub(crate) currency: String,
    pub(crate) dp: u32,
    pub(crate) prices_include_vat: bool,
    /// `(effective_from, rate_percent)`, sorted by date.
    pub(crate) vat: Vec<(NaiveDate, Decimal)>,
    pub(crate) zonings: Vec<CZoning>,
    pub(crate) methods: Vec<CMethod>,
    pub(crate) packaging: Option<CPackaging>,
    /// Destination country and postal index format (see `address.rs`).
    pub(crate) address: Option<courier_rules::postal::AddressRules>,
    /// FNV-1a of the tariff text: part of every calculation id.
    pub(crate) fingerprint: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct CZoning {
    pub id: String,
    pub zone_names: Vec<String>,
    pub rules: Vec<CRule>,
    pub default_zone: Option<u16>,
}

#[derive(Debug, Clone)]
pub(crate) struct CRule {
    pub zone: u16,
    pub prefixes: Vec<String>,
    pub ranges: Vec<(String, String)>,
    /// Lower-cased, trimmed.
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum CPricing {
    Weight { base_g: u64, step_g: u64 },
    Cell,
}

#[derive(Debug, Clone)]
pub(crate) struct CRate {
    pub base: Decimal,
    pub per_step: Decimal,
    /// Indexed like `limits.cells`.
    pub cell_prices: Vec<Decimal>,
    pub days_min: u32,
    pub days_max: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum CPremium {
    Rate {
        fraction: Decimal,
        value_step: Option<Decimal>,
    },
    Tiers(Vec<(Decimal, Decimal)>),
}

#[derive(Debug, Clone)]
pub(crate) struct CInsurance {
    pub premium: CPremium,
    pub minimum: Decimal,
    pub max_declared_value: Decimal,
}

#[derive(Debug, Clone)]
pub(crate) struct CCod {
    pub minimum: Decimal,
    pub max_amount: Decimal,
    /// `(up_to, fixed, fraction)`.
    pub bands: Vec<(Decimal, Decimal, Decimal)>,
}

#[derive(Debug, Clone)]
pub(crate) struct CPoint {
    pub code: String,
    pub address: String,
    pub hours: String,
    pub serves: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct CMethod {
    pub type_id: u32,
    pub code: String,
    pub name: String,
    pub description: String,
    pub additional_info: String,
    pub zoning: usize,
    pub pricing: CPricing,
    pub volumetric_divisor: Option<u64>,
    pub limits: MethodLimits,
    /// Indexed by zone id of the method's zoning; `None`: zone not served.
    pub rates: Vec<Option<CRate>>,
    pub insurance: Option<CInsurance>,
    pub cod: Option<CCod>,
    pub fuel: Option<Decimal>,
    pub notification: Option<Decimal>,
    pub weekend: Option<Decimal>,
    pub requires_point: bool,
    pub points: Vec<CPoint>,
    pub preparing: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct CPackaging {
    pub bubble_wrap_per_m2: Decimal,
    pub filler_per_litre: Decimal,
    pub sturdy: Decimal,
    pub label: Decimal,
    pub handling_per_unit: Decimal,
    pub boxes: Vec<Carton>,
}

impl CompiledTariff {
    /// Parses, validates and compiles a tariff file's text.
    ///
    /// ```
    /// use courier_engine::pricing::CompiledTariff;
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/tariffs/aplix.toml")).unwrap();
    /// let t = CompiledTariff::from_toml_str(&text).unwrap();
    /// assert_eq!(t.currency(), "RUB");
    /// assert_eq!(t.method_codes().collect::<Vec<_>>(), ["russian_post_parcel", "ems", "courier", "pickup_point"]);
    /// ```
    pub fn from_toml_str(text: &str) -> Result<CompiledTariff, TariffError> {
        // Without its byte-order mark, so the same tariff has the same calculation ids.
        let text = courier_rules::encoding::strip_bom(text);
        let tariff = Tariff::from_toml_str(text)?;
        CompiledTariff::compile(&tariff, Fnv64::hash(text.as_bytes()))
    }

    /// Compiles a tariff that [`Tariff::from_toml_str`] has validated. `fingerprint`
    /// identifies the tariff's version in calculation ids (e.g. a hash of its text).
    ///
    /// The limits and boxes become [`MethodLimits`] and [`Carton`]s, which hold their
    /// invariants: `Err` (without lines) only for a tariff that was not validated and
    /// has a limit or box that validation refuses. Other values of an unvalidated tariff
    /// are compiled as they are (quoting refuses what it cannot price).
    pub fn compile(t: &Tariff, fingerprint: u64) -> Result<CompiledTariff, TariffError> {
        let mut problems = Vec::new();
        let h = t.tariff.get_ref();
        let mut vat: Vec<(NaiveDate, Decimal)> = t
            .vat
            .iter()
            .map(|v| (v.get_ref().effective_from, v.get_ref().rate_percent))
            .collect();
        vat.sort();
        let zonings: Vec<CZoning> = t
            .zoning
            .iter()
            .map(|z| {
                let z = z.get_ref();
                let mut names: Vec<String> = Vec::new();
                let mut id_of = |name: &str| -> u16 {
                    match names.iter().position(|n| n == name) {
                        Some(i) => i as u16,
                        None => {
                            names.push(name.to_string());
                            (names.len() - 1) as u16
                        }
                    }
                };
                let default_zone = z.default_zone.as_deref().map(&mut id_of);
                let rules = z
                    .rules
                    .iter()
                    .map(|r| CRule {
                        zone: id_of(&r.zone),
                        prefixes: r.prefix.clone(),
                        ranges: r
                            .range
                            .iter()
                            .map(|[a, b]| (a.clone(), b.clone()))
                            .collect(),
                        regions: r.region.iter().map(|s| s.trim().to_lowercase()).collect(),
                    })
                    .collect();
                CZoning {
                    id: z.id.clone(),
                    zone_names: names,
                    rules,
                    default_zone,
                }
            })
            .collect();
        let methods = t
            .methods
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let m = m.get_ref();
                match MethodLimits::try_from(m.limits.clone()) {
                    Ok(limits) => Some(compile_method(m, limits, &zonings)),
                    Err(e) => {
                        problems.push(unchecked(format!("method[{i}] ({}).limits.{e}", m.code)));
                        None
                    }
                }
            })
            .collect();
        let packaging = t.packaging.as_ref().map(|p| {
            let p = p.get_ref();
            let boxes = p
                .boxes
                .iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    Carton::try_from(b.clone())
                        .map_err(|e| {
                            problems.push(unchecked(format!(
                                "packaging.box[{i}] ({}): {e}",
                                b.reference
                            )));
                        })
                        .ok()
                })
                .collect();
            CPackaging {
                bubble_wrap_per_m2: p.bubble_wrap_per_m2,
                filler_per_litre: p.filler_per_litre,
                sturdy: p.sturdy,
                label: p.label,
                handling_per_unit: p.handling_per_unit,
                boxes,
            }
        });
        if !problems.is_empty() {
            return Err(TariffError { problems });
        }
        Ok(CompiledTariff {
            id: h.id.clone(),
            carrier: h.carrier.clone(),
            name: h.name.clone(),
            currency: h.currency.clone(),
            dp: h.minor_units,
            prices_include_vat: h.prices_include_vat,
            vat,
            zonings,
            methods,
            packaging,
            address: t.address.clone(),
            fingerprint,
        })
    }

    /// The tariff's `id` (`aplix-sample-2026`): quotes and calculation ids name it.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The carrier the tariff prices (`aplix`, `inpost`).
    pub fn carrier(&self) -> &str {
        &self.carrier
    }
    /// The tariff's human name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// ISO 4217 currency of every amount the tariff gives.
    pub fn currency(&self) -> &str {
        &self.currency
    }
    /// Whether the prices include VAT (a quote's VAT is then contained, not added).
    pub fn prices_include_vat(&self) -> bool {
        self.prices_include_vat
    }
    /// Digits of the minor unit.
    pub fn minor_units(&self) -> u32 {
        self.dp
    }
    /// A hash of the tariff text: part of every calculation id, so a changed tariff gives new ids.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
    /// Method codes in tariff order (which is also the order of quote options).
    pub fn method_codes(&self) -> impl Iterator<Item = &str> {
        self.methods.iter().map(|m| m.code.as_str())
    }
    /// How many delivery methods the tariff has.
    pub fn method_count(&self) -> usize {
        self.methods.len()
    }
    /// The delivery methods with their limits, in tariff order, in the shape the packing
    /// checks take ([`crate::packing::check_methods`], [`crate::packing::check_parcel`]):
    /// `id` is the method's `code`. The tariff is the one source of a method's limits
    /// (issue 14: a caller used to parse the file twice, or use `data/methods.toml`,
    /// whose limits disagreed).
    ///
    /// ```
    /// use courier_engine::pricing::CompiledTariff;
    /// let t = CompiledTariff::from_toml_str(include_str!("../../../data/tariffs/aplix.toml")).unwrap();
    /// let methods = t.delivery_methods();
    /// let post = methods.iter().find(|m| m.id == "russian_post_parcel").unwrap();
    /// assert_eq!(post.limits.max_sum_of_sides_mm(), Some(1400));
    /// ```
    pub fn delivery_methods(&self) -> Vec<courier_rules::limits::DeliveryMethod> {
        self.methods
            .iter()
            .map(|m| courier_rules::limits::DeliveryMethod {
                id: m.code.clone(),
                name: m.name.clone(),
                limits: m.limits.clone(),
            })
            .collect()
    }

    /// The box catalogue, when the tariff has packaging prices.
    pub fn boxes(&self) -> &[Carton] {
        self.packaging.as_ref().map_or(&[], |p| p.boxes.as_slice())
    }

    /// The VAT rate (percent) in effect on `date`, if any is configured for it.
    pub fn vat_rate_on(&self, date: NaiveDate) -> Option<Decimal> {
        self.vat
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map(|(_, r)| *r)
    }

    /// Index of the method with this Aplix type id.
    pub fn method_by_type_id(&self, type_id: u32) -> Option<usize> {
        self.methods.iter().position(|m| m.type_id == type_id)
    }

    /// Index of the method with this code (ShipX `service`).
    pub fn method_by_code(&self, code: &str) -> Option<usize> {
        self.methods.iter().position(|m| m.code == code)
    }
}

/// A problem of an unvalidated tariff that compiling cannot represent, `key: message`
/// split as the validator splits it (so the key is the one `tariff check` reports); no
/// line: the text is not at hand.
fn unchecked(problem: String) -> Problem {
    let (key, message) = problem.split_once(": ").unwrap_or((&problem, "invalid"));
    Problem {
        line: None,
        key: key.to_string(),
        message: message.to_string(),
    }
}

fn compile_method(
    m: &courier_rules::tariff::Method,
    limits: MethodLimits,
    zonings: &[CZoning],
) -> CMethod {
    let zoning = zonings.iter().position(|z| z.id == m.zoning).unwrap_or(0);
    let names: &[String] = zonings.get(zoning).map_or(&[], |z| z.zone_names.as_slice());
    let mut rates: Vec<Option<CRate>> = vec![None; names.len()];
    for r in &m.rate {
        let r = r.get_ref();
        if let Some(i) = names.iter().position(|n| *n == r.zone) {
            let cell_prices = limits
                .cells()
                .iter()
                .map(|c| r.cell_prices.get(c.name()).copied().unwrap_or_default())
                .collect();
            rates[i] = Some(CRate {
                base: r.base.unwrap_or_default(),
                per_step: r.per_step.unwrap_or_default(),
                cell_prices,
                days_min: r.days_min,
                days_max: r.days_max,
            });
        }
    }
    let pricing = match m.pricing {
        Pricing::Weight => CPricing::Weight {
            base_g: m.base_weight_g.unwrap_or(1).max(1),
            step_g: m.step_g.unwrap_or(1).max(1),
        },
        Pricing::Cell => CPricing::Cell,
    };
    let insurance = m.insurance.as_ref().map(|i| {
        let i = i.get_ref();
        let premium = match i.rate_percent {
            Some(p) => CPremium::Rate {
                fraction: fraction(p),
                value_step: i.value_step,
            },
            None => CPremium::Tiers(i.tier.iter().map(|t| (t.up_to, t.price)).collect()),
        };
        CInsurance {
            premium,
            minimum: i.minimum,
            max_declared_value: i.max_declared_value,
        }
    });
    let cod = m.cod.as_ref().map(|c| {
        let c = c.get_ref();
        CCod {
            minimum: c.minimum,
            max_amount: c.max_amount,
            bands: c
                .band
                .iter()
                .map(|b| (b.up_to, b.fixed, fraction(b.rate_percent)))
                .collect(),
        }
    });
    CMethod {
        type_id: m.type_id,
        code: m.code.clone(),
        name: m.name.clone(),
        description: m.description.clone(),
        additional_info: m.additional_info.clone(),
        zoning,
        pricing,
        volumetric_divisor: m.volumetric_divisor.filter(|d| *d > 0),
        limits,
        rates,
        insurance,
        cod,
        fuel: m.surcharges.fuel_percent.map(fraction),
        notification: m.surcharges.notification,
        weekend: m.surcharges.weekend,
        requires_point: m.requires_point,
        points: m
            .point
            .iter()
            .map(|p| {
                let p = p.get_ref();
                CPoint {
                    code: p.code.clone(),
                    address: p.address.clone(),
                    hours: p.hours.clone(),
                    serves: p.serves.clone(),
                }
            })
            .collect(),
        preparing: m.preparing,
    }
}

impl CZoning {
    /// The zone of an address: first matching rule in file order, else the default.
    pub(crate) fn resolve(&self, index: &str, region: &str) -> Option<u16> {
        let index = index.trim();
        for r in &self.rules {
            let by_index = !index.is_empty()
                && (r.prefixes.iter().any(|p| index.starts_with(p.as_str()))
                    || r.ranges.iter().any(|(lo, hi)| {
                        index.len() == lo.len() && index >= lo.as_str() && index <= hi.as_str()
                    }));
            // Case-insensitive without allocating: compare the lower-cased characters.
            let by_region = || {
                !region.is_empty()
                    && r.regions
                        .iter()
                        .any(|g| region.chars().flat_map(char::to_lowercase).eq(g.chars()))
            };
            if by_index || by_region() {
                return Some(r.zone);
            }
        }
        self.default_zone
    }
}
