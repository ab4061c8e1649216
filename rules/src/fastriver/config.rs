//! What Fastriver configures per partner: enabled cities and products, each city's time
//! zone, same-day cut-off and delivery slots, and whether the partner coordinates
//! deliveries itself. Fastriver's managers set these up on their side ("для настройки
//! обращайтесь к менеджеру"); we keep a copy as data (TOML, see
//! `data/carriers/fastriver.toml`) so an analyst can change it without a release.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde::Deserialize;

use super::interval::{parse_minutes, IntervalError, TimeInterval};
use super::payable::PayabilityConfig;

/// A configuration file that cannot be used, naming the entry at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Not TOML, or an unknown key (toml's message, with the line).
    #[error("fastriver config: {0}")]
    Toml(String),
    #[error("fastriver config: city {city}: unknown time zone {zone:?}")]
    /// A city's time zone is not an IANA name.
    TimeZone {
        /// The city's code.
        city: String,
        /// The zone as written.
        zone: String,
    },
    #[error("fastriver config: city {city}: same_day_cutoff: {source}")]
    /// A city's same-day cut-off is not a time of day.
    Cutoff {
        /// The city's code.
        city: String,
        /// Why.
        source: IntervalError,
    },
    #[error("fastriver config: city {city}: slot: {source}")]
    /// A city's slot is not a valid interval.
    Slot {
        /// The city's code.
        city: String,
        /// Why.
        source: IntervalError,
    },
    #[error("fastriver config: city {city}: slot id {id} appears twice")]
    /// Two slots of a city share an id.
    DuplicateSlot {
        /// The city's code.
        city: String,
        /// The repeated id.
        id: i64,
    },
    /// No city is enabled: no request could validate.
    #[error("fastriver config: no city enabled")]
    NoCity,
}

impl ConfigError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Toml { .. } => "config_syntax",
            ConfigError::TimeZone { .. } => "unknown_time_zone",
            ConfigError::Cutoff { .. } => "bad_cutoff",
            ConfigError::Slot { .. } => "bad_slot",
            ConfigError::DuplicateSlot { .. } => "duplicate_slot",
            ConfigError::NoCity => "no_city",
        }
    }
}

/// One enabled delivery city.
#[derive(Debug, Clone, PartialEq)]
pub struct CityConfig {
    /// Fastriver's city code, e.g. `moscow`.
    pub code: String,
    /// The KLADR name, e.g. `Москва`; requests may use it instead of the code.
    pub name: String,
    /// The city's own time zone: the cut-off and "not in the past" are local.
    pub time_zone: Tz,
    /// Same-day requests are accepted strictly before this minute of the local day.
    pub same_day_cutoff: u16,
    /// The slots the partner may choose in this city.
    pub slots: Vec<TimeInterval>,
}

/// One enabled product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductConfig {
    /// A product for a legal entity (an account for a company or an ИП): company name
    /// and INN become required.
    #[serde(default)]
    pub legal_entity: bool,
}

/// A partner's configuration, resolved (time zones parsed, slots checked).
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerConfig {
    /// The partner coordinates deliveries itself: address, date and a slot are required.
    pub partner_coordinates: bool,
    /// Strict mode: `external_id` is required on every request. Off by default — seed 001
    /// says "обязателен при наличии", "Крайне желателен", "Да, если имеется": required only
    /// when the partner has one, which a request cannot show; a partner whose systems
    /// always number their requests turns this on to catch a forgotten id.
    pub require_external_id: bool,
    /// Zone for date checks when the city is unknown (birthday).
    pub default_time_zone: Tz,
    /// Products enabled for the partner, by code.
    pub products: BTreeMap<String, ProductConfig>,
    /// Cities enabled for the partner, by code, with their time zone, slots and same-day cutoff.
    pub cities: BTreeMap<String, CityConfig>,
    /// Which failure reasons make a failed delivery billable or not.
    pub payability: PayabilityConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    partner_coordinates: bool,
    #[serde(default)]
    require_external_id: bool,
    #[serde(default = "moscow_zone")]
    default_time_zone: String,
    #[serde(default)]
    products: BTreeMap<String, ProductConfig>,
    #[serde(default)]
    cities: BTreeMap<String, RawCity>,
    #[serde(default)]
    payable: PayabilityConfig,
}

fn moscow_zone() -> String {
    "Europe/Moscow".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCity {
    name: String,
    time_zone: String,
    same_day_cutoff: String,
    #[serde(default)]
    slots: Vec<TimeInterval>,
}

impl PartnerConfig {
    /// Loads and checks a configuration from TOML text.
    ///
    /// ```
    /// use courier_rules::fastriver::PartnerConfig;
    /// let cfg = PartnerConfig::from_toml_str(r#"
    ///     [products.credit_card_visa]
    ///     [cities.kazan]
    ///     name = "Казань"
    ///     time_zone = "Europe/Moscow"
    ///     same_day_cutoff = "15:00"
    ///     slots = [{ id = 1, from = 600, to = 720, name = "10:00-12:00" }]
    /// "#).unwrap();
    /// assert_eq!(cfg.city("Казань").unwrap().same_day_cutoff, 900);
    /// assert!(cfg.city("kazan").is_some());
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Toml(e.to_string()))?;
        let default_time_zone: Tz =
            raw.default_time_zone
                .parse()
                .map_err(|_| ConfigError::TimeZone {
                    city: "(default_time_zone)".into(),
                    zone: raw.default_time_zone.clone(),
                })?;
        let mut cities = BTreeMap::new();
        for (code, c) in raw.cities {
            let time_zone: Tz = c.time_zone.parse().map_err(|_| ConfigError::TimeZone {
                city: code.clone(),
                zone: c.time_zone.clone(),
            })?;
            let same_day_cutoff =
                parse_minutes(&c.same_day_cutoff).map_err(|source| ConfigError::Cutoff {
                    city: code.clone(),
                    source,
                })?;
            let mut seen = std::collections::BTreeSet::new();
            for slot in &c.slots {
                slot.check().map_err(|source| ConfigError::Slot {
                    city: code.clone(),
                    source,
                })?;
                if !seen.insert(slot.id) {
                    return Err(ConfigError::DuplicateSlot {
                        city: code.clone(),
                        id: slot.id,
                    });
                }
            }
            cities.insert(
                code.clone(),
                CityConfig {
                    code,
                    name: c.name,
                    time_zone,
                    same_day_cutoff,
                    slots: c.slots,
                },
            );
        }
        if cities.is_empty() {
            return Err(ConfigError::NoCity);
        }
        Ok(PartnerConfig {
            partner_coordinates: raw.partner_coordinates,
            require_external_id: raw.require_external_id,
            default_time_zone,
            products: raw.products,
            cities,
            payability: raw.payable,
        })
    }

    /// The enabled city a request names, by code (`moscow`, any ASCII case) or by name
    /// (`Москва`, any case).
    pub fn city(&self, code_or_name: &str) -> Option<&CityConfig> {
        let key = code_or_name.trim();
        if let Some(c) = self.cities.get(key) {
            return Some(c);
        }
        if let Some(c) = self
            .cities
            .values()
            .find(|c| c.code.eq_ignore_ascii_case(key) || c.name == key)
        {
            return Some(c);
        }
        let lower = key.to_lowercase();
        self.cities
            .values()
            .find(|c| c.name.to_lowercase() == lower)
    }

    /// The enabled product with this code.
    pub fn product(&self, code: &str) -> Option<&ProductConfig> {
        self.products.get(code)
    }
}
