//! What the Aplix contract fixes and an analyst may change: the delivery types (and which
//! is courier delivery), the VAT rate codes, courier hours. See `data/carriers/aplix.toml`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// A delivery method of the contract (`DeliveryTypeId`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryType {
    /// The `DeliveryTypeId` the contract assigns.
    pub id: i64,
    /// The method's name, for messages and tables.
    pub name: String,
    /// Courier delivery: a delivery date and hours are required.
    #[serde(default)]
    pub courier: bool,
}

/// The Aplix rules that are data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AplixConfig {
    /// The contract's delivery methods by `DeliveryTypeId`; a PushOrder must name one.
    pub delivery_types: BTreeMap<i64, DeliveryType>,
    /// Known `VATRate` codes, e.g. `НДС20`, `БезНДС`.
    pub vat_rates: BTreeSet<String>,
    /// Courier hours: a delivery interval must lie within `[first, last]` (whole hours).
    pub courier_hours: (u8, u8),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(rename = "delivery_type")]
    delivery_types: Vec<DeliveryType>,
    vat_rates: BTreeSet<String>,
    #[serde(default = "all_day")]
    courier_hours: [u8; 2],
}

fn all_day() -> [u8; 2] {
    [0, 24]
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AplixConfigError {
    /// Not TOML, or an unknown key (toml's message, with the line).
    #[error("aplix config: {0}")]
    Toml(String),
    /// A delivery type id listed twice.
    #[error("aplix config: delivery type {0} appears twice")]
    DuplicateType(i64),
    /// `courier_hours` not within 0 ≤ first < last ≤ 24.
    #[error("aplix config: courier_hours must be 0 ≤ first < last ≤ 24")]
    Hours,
}

impl AplixConfigError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            AplixConfigError::Toml { .. } => "config_syntax",
            AplixConfigError::DuplicateType { .. } => "duplicate_type",
            AplixConfigError::Hours => "bad_courier_hours",
        }
    }
}

impl AplixConfig {
    /// Loads the configuration from TOML.
    ///
    /// ```
    /// use courier_rules::aplix::AplixConfig;
    /// let cfg = AplixConfig::from_toml_str(r#"
    ///     vat_rates = ["НДС20"]
    ///     courier_hours = [9, 21]
    ///     [[delivery_type]]
    ///     id = 1
    ///     name = "Курьер"
    ///     courier = true
    /// "#).unwrap();
    /// assert!(cfg.delivery_types[&1].courier);
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Self, AplixConfigError> {
        let raw: Raw = toml::from_str(text).map_err(|e| AplixConfigError::Toml(e.to_string()))?;
        let mut delivery_types = BTreeMap::new();
        for t in raw.delivery_types {
            let id = t.id;
            if delivery_types.insert(id, t).is_some() {
                return Err(AplixConfigError::DuplicateType(id));
            }
        }
        let [first, last] = raw.courier_hours;
        if first >= last || last > 24 {
            return Err(AplixConfigError::Hours);
        }
        Ok(AplixConfig {
            delivery_types,
            vat_rates: raw.vat_rates,
            courier_hours: (first, last),
        })
    }
}
