//! The constraints file of `courier tariffs allocate`: what an analyst writes, read and
//! checked against the tariffs before anything is priced.
//!
//! ```toml
//! [carrier.aplix]                      # a carrier's volume per month (every method)
//! min_parcels_per_month = 100          # commitment
//! max_parcels_per_month = 5000         # capacity
//!
//! [carrier.aplix.method.courier]       # one carrier method's volume per month
//! max_parcels_per_month = 150
//!
//! [[exclude]]                          # methods not used for some destinations
//! id = "no-courier-outside-moscow"
//! carrier = "aplix"
//! methods = ["courier"]                # empty or absent: every method of the carrier
//! postal_prefixes = ["19"]             # postal indexes starting with one of these …
//! regions = ["Камчатский край"]        # … or a registered region equal to one of these
//!
//! [locker]                             # a required share of locker deliveries
//! methods = ["aplix.pickup_point"]     # what counts as a locker: data, "carrier.method"
//! min_share_percent = "30"             # of each month's carried parcels, at least
//! ```
//!
//! A key the format does not have is an error naming the key and its line; a value of
//! the wrong type or out of range names the key (`carrier.aplix.max_parcels_per_month`)
//! and the line; a carrier or method no given tariff has is an error too, so a typo never
//! silently constrains nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use courier_engine::pricing::CompiledTariff;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::AllocateError;

/// Bounds on parcels per month (either may be absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Volume {
    pub min_per_month: Option<u64>,
    pub max_per_month: Option<u64>,
}

/// A carrier's bounds, and its methods'.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarrierLimits {
    pub all_methods: Volume,
    /// By method code.
    pub methods: BTreeMap<String, Volume>,
}

/// Methods of a carrier not to be used for some destinations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub id: String,
    pub carrier: String,
    /// Empty: every method of the carrier.
    pub methods: Vec<String>,
    pub postal_prefixes: Vec<String>,
    pub regions: Vec<String>,
}

impl Exclusion {
    /// Whether the rule forbids `carrier`'s `method` for a parcel to this address.
    pub fn forbids(&self, carrier: &str, method: &str, postal_index: &str, region: &str) -> bool {
        carrier == self.carrier
            && (self.methods.is_empty() || self.methods.iter().any(|m| m == method))
            && (self
                .postal_prefixes
                .iter()
                .any(|p| postal_index.trim().starts_with(p.as_str()))
                || self.regions.iter().any(|r| r == region.trim()))
    }
}

/// The locker share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockerShare {
    /// `(carrier, method)` pairs that count as locker deliveries.
    pub methods: Vec<(String, String)>,
    /// Of each month's carried parcels, at least this percentage (0–100).
    pub min_share_percent: Decimal,
}

impl LockerShare {
    /// Whether `carrier`'s `method` counts as a locker delivery.
    pub fn is_locker(&self, carrier: &str, method: &str) -> bool {
        self.methods
            .iter()
            .any(|(c, m)| c == carrier && m == method)
    }

    /// Parcels of a month of `carried` parcels that must go to lockers: the share
    /// rounded up to a whole parcel (exact decimal arithmetic).
    pub fn required(&self, carried: u64) -> u64 {
        let exact = Decimal::from(carried) * self.min_share_percent / Decimal::from(100);
        u64::try_from(exact.ceil()).unwrap_or(carried)
    }
}

/// A checked constraints file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    carriers: BTreeMap<String, CarrierLimits>,
    exclusions: Vec<Exclusion>,
    locker: Option<LockerShare>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    carrier: BTreeMap<String, RawCarrier>,
    #[serde(default)]
    exclude: Vec<RawExclusion>,
    locker: Option<RawLocker>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCarrier {
    min_parcels_per_month: Option<Spanned<i64>>,
    max_parcels_per_month: Option<Spanned<i64>>,
    #[serde(default)]
    method: BTreeMap<String, RawVolume>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVolume {
    min_parcels_per_month: Option<Spanned<i64>>,
    max_parcels_per_month: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusion {
    id: Spanned<String>,
    carrier: Spanned<String>,
    #[serde(default)]
    methods: Vec<Spanned<String>>,
    #[serde(default)]
    postal_prefixes: Vec<Spanned<String>>,
    #[serde(default)]
    regions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocker {
    methods: Vec<Spanned<String>>,
    min_share_percent: Spanned<toml::Value>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// The dotted key written at `line` (1-based), under the last table header above it.
fn key_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?.trim();
    let header = lines[..line - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    if here.starts_with('[') {
        return Some(
            here.trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string(),
        );
    }
    let key = here.split('=').next()?.trim();
    if key.is_empty() || here.starts_with('#') || !here.contains('=') {
        return header;
    }
    Some(match header {
        Some(h) => format!("{h}.{key}"),
        None => key.to_string(),
    })
}

impl Constraints {
    /// Reads and checks `path` against the tariffs of the allocation.
    pub fn load(path: &Path, tariffs: &[&CompiledTariff]) -> Result<Constraints, AllocateError> {
        let text = std::fs::read_to_string(path).map_err(|e| AllocateError::Constraints {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Constraints::parse(path, &text, tariffs)
    }

    /// Parses and checks the text of a constraints file called `path`.
    pub fn parse(
        path: &Path,
        text: &str,
        tariffs: &[&CompiledTariff],
    ) -> Result<Constraints, AllocateError> {
        let bad = |message: String| AllocateError::Constraints {
            path: PathBuf::from(path),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim_end().to_string();
            match e.span() {
                Some(span) => {
                    let line = line_of(text, span.start);
                    match key_at(text, line) {
                        Some(key) => bad(format!("line {line}: key {key}: {msg}")),
                        None => bad(format!("line {line}: {msg}")),
                    }
                }
                None => bad(msg),
            }
        })?;
        let tariff_of = |carrier: &str| tariffs.iter().find(|t| t.carrier() == carrier);
        let carriers = || {
            let mut c: Vec<&str> = tariffs.iter().map(|t| t.carrier()).collect();
            c.sort_unstable();
            c.join(", ")
        };
        let methods_of = |t: &CompiledTariff| t.method_codes().collect::<Vec<_>>().join(", ");
        let count = |key: &str, v: &Option<Spanned<i64>>| -> Result<Option<u64>, AllocateError> {
            match v {
                None => Ok(None),
                Some(s) => u64::try_from(*s.get_ref()).map(Some).map_err(|_| {
                    bad(format!(
                        "line {}: key {key}: {} is not a number of parcels (a whole number, 0 or more)",
                        line_of(text, s.span().start),
                        s.get_ref()
                    ))
                }),
            }
        };
        let volume = |prefix: &str,
                      min: &Option<Spanned<i64>>,
                      max: &Option<Spanned<i64>>|
         -> Result<Volume, AllocateError> {
            let v = Volume {
                min_per_month: count(&format!("{prefix}.min_parcels_per_month"), min)?,
                max_per_month: count(&format!("{prefix}.max_parcels_per_month"), max)?,
            };
            if let (Some(lo), Some(hi), Some(s)) = (v.min_per_month, v.max_per_month, max) {
                if lo > hi {
                    return Err(bad(format!(
                        "line {}: key {prefix}.max_parcels_per_month: {hi} is below min_parcels_per_month {lo}",
                        line_of(text, s.span().start)
                    )));
                }
            }
            Ok(v)
        };

        let mut out = Constraints::default();
        for (carrier, c) in &raw.carrier {
            let prefix = format!("carrier.{carrier}");
            let Some(t) = tariff_of(carrier) else {
                let line = text
                    .lines()
                    .position(|l| l.contains(&prefix))
                    .map_or(1, |i| i + 1);
                return Err(bad(format!(
                    "line {line}: key {prefix}: no given tariff is of carrier {carrier:?} (carriers: {})",
                    carriers()
                )));
            };
            let mut limits = CarrierLimits {
                all_methods: volume(&prefix, &c.min_parcels_per_month, &c.max_parcels_per_month)?,
                methods: BTreeMap::new(),
            };
            for (m, v) in &c.method {
                let key = format!("{prefix}.method.{m}");
                if t.method_by_code(m).is_none() {
                    let line = text
                        .lines()
                        .position(|l| l.contains(&format!("method.{m}")))
                        .map_or(1, |i| i + 1);
                    return Err(bad(format!(
                        "line {line}: key {key}: {m:?} is not a method of tariff {} (its methods: {})",
                        t.id(),
                        methods_of(t)
                    )));
                }
                limits.methods.insert(
                    m.clone(),
                    volume(&key, &v.min_parcels_per_month, &v.max_parcels_per_month)?,
                );
            }
            out.carriers.insert(carrier.clone(), limits);
        }
        for (i, e) in raw.exclude.iter().enumerate() {
            let at = |s: &Spanned<String>| line_of(text, s.span().start);
            let key = format!("exclude[{i}]");
            let id = e.id.get_ref().trim().to_string();
            if id.is_empty() {
                return Err(bad(format!("line {}: key {key}.id: empty", at(&e.id))));
            }
            if out.exclusions.iter().any(|o| o.id == id) {
                return Err(bad(format!(
                    "line {}: key {key}.id: {id:?} is the id of another exclusion",
                    at(&e.id)
                )));
            }
            let carrier = e.carrier.get_ref().clone();
            let Some(t) = tariff_of(&carrier) else {
                return Err(bad(format!(
                    "line {}: key {key}.carrier: no given tariff is of carrier {carrier:?} (carriers: {})",
                    at(&e.carrier),
                    carriers()
                )));
            };
            for m in &e.methods {
                if t.method_by_code(m.get_ref()).is_none() {
                    return Err(bad(format!(
                        "line {}: key {key}.methods: {:?} is not a method of tariff {} (its methods: {})",
                        at(m),
                        m.get_ref(),
                        t.id(),
                        methods_of(t)
                    )));
                }
            }
            let nonempty =
                |list: &[Spanned<String>], name: &str| -> Result<Vec<String>, AllocateError> {
                    list.iter()
                        .map(|s| {
                            let v = s.get_ref().trim();
                            if v.is_empty() {
                                Err(bad(format!(
                                    "line {}: key {key}.{name}: an empty entry",
                                    at(s)
                                )))
                            } else {
                                Ok(v.to_string())
                            }
                        })
                        .collect()
                };
            let postal_prefixes = nonempty(&e.postal_prefixes, "postal_prefixes")?;
            let regions = nonempty(&e.regions, "regions")?;
            if postal_prefixes.is_empty() && regions.is_empty() {
                return Err(bad(format!(
                    "line {}: key {key}: give postal_prefixes or regions (the destinations it applies to)",
                    at(&e.id)
                )));
            }
            out.exclusions.push(Exclusion {
                id,
                carrier,
                methods: e.methods.iter().map(|m| m.get_ref().clone()).collect(),
                postal_prefixes,
                regions,
            });
        }
        if let Some(l) = &raw.locker {
            let mut methods = Vec::new();
            for m in &l.methods {
                let line = line_of(text, m.span().start);
                let Some((carrier, method)) = m.get_ref().split_once('.') else {
                    return Err(bad(format!(
                        "line {line}: key locker.methods: {:?} is not \"carrier.method\"",
                        m.get_ref()
                    )));
                };
                let Some(t) = tariff_of(carrier) else {
                    return Err(bad(format!(
                        "line {line}: key locker.methods: no given tariff is of carrier {carrier:?} (carriers: {})",
                        carriers()
                    )));
                };
                if t.method_by_code(method).is_none() {
                    return Err(bad(format!(
                        "line {line}: key locker.methods: {method:?} is not a method of tariff {} (its methods: {})",
                        t.id(),
                        methods_of(t)
                    )));
                }
                methods.push((carrier.to_string(), method.to_string()));
            }
            let s = &l.min_share_percent;
            let line = line_of(text, s.span().start);
            let share = match s.get_ref() {
                toml::Value::Integer(i) => Some(Decimal::from(*i)),
                toml::Value::String(v) => Decimal::from_str(v.trim()).ok(),
                _ => None,
            };
            let share = share.filter(|d| *d >= Decimal::ZERO && *d <= Decimal::from(100));
            let Some(min_share_percent) = share else {
                return Err(bad(format!(
                    "line {line}: key locker.min_share_percent: {} is not a percentage from 0 to 100 (write a whole number or a decimal string, e.g. \"12.5\")",
                    s.get_ref()
                )));
            };
            if methods.is_empty() && min_share_percent > Decimal::ZERO {
                return Err(bad(format!(
                    "line {line}: key locker.methods: no method counts as a locker, so no share above 0 can be met"
                )));
            }
            out.locker = Some(LockerShare {
                methods,
                min_share_percent,
            });
        }
        Ok(out)
    }

    /// Per carrier (by name), its bounds.
    pub fn carriers(&self) -> &BTreeMap<String, CarrierLimits> {
        &self.carriers
    }

    /// The exclusion rules, in file order.
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclusions
    }

    /// The locker share, when the file asks for one.
    pub fn locker(&self) -> Option<&LockerShare> {
        self.locker.as_ref()
    }
}
