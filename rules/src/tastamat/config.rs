//! Tastamat settings that are contract data: how long a parcel waits in a cell before
//! the courier must withdraw it, the SMS link's prefix, and the mobile operator codes the
//! SMS may go to. See `data/carriers/tastamat.toml` and
//! `data/carriers/kz-mobile-prefixes.toml`.

use chrono::Duration;
use serde::Deserialize;

use super::phone::MobilePrefixes;
use crate::postal::PostalIndexFormat;

/// The Tastamat configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TastamatConfig {
    /// Hours a deposited parcel waits for the client.
    pub storage_period_hours: u32,
    /// The link the client opens the cell with is this prefix and the open code.
    #[serde(default = "default_prefix")]
    pub open_link_prefix: String,
    /// Tolerated clock difference for a status update's time, in seconds: an update
    /// dated further in the future than this is refused.
    #[serde(default = "default_skew")]
    pub max_clock_skew_seconds: u32,
    /// The operator codes a recipient's mobile number may have (`mobile_prefixes =
    /// ["700", …]`); by default the list in `data/carriers/kz-mobile-prefixes.toml`.
    #[serde(default = "MobilePrefixes::shipped")]
    pub mobile_prefixes: MobilePrefixes,
    /// The format of a locker's postal index (Kazakhstan: `NNNNNN`, six digits), as in a
    /// tariff's `[address]` table (`courier_rules::postal`).
    #[serde(default = "six_digits")]
    pub locker_index_format: PostalIndexFormat,
}

/// Kazakhstan's postal index, when a configuration does not name one (the shipped
/// `data/carriers/tastamat.toml` does).
fn six_digits() -> PostalIndexFormat {
    PostalIndexFormat::digits(6)
}

fn default_prefix() -> String {
    "tastamat.kz/open/".into()
}

fn default_skew() -> u32 {
    300
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TastamatConfigError {
    /// Not TOML, or an unknown key (toml's message, with the line).
    #[error("tastamat config: {0}")]
    Toml(String),
    /// `storage_period_hours` is zero.
    #[error("tastamat config: storage_period_hours must be positive")]
    StoragePeriod,
}

impl TastamatConfigError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            TastamatConfigError::Toml { .. } => "config_syntax",
            TastamatConfigError::StoragePeriod => "bad_storage_period",
        }
    }
}

impl TastamatConfig {
    /// Loads the configuration from TOML.
    ///
    /// ```
    /// use courier_rules::tastamat::TastamatConfig;
    /// let cfg = TastamatConfig::from_toml_str("storage_period_hours = 72").unwrap();
    /// assert_eq!(cfg.storage_period().num_hours(), 72);
    /// assert_eq!(cfg.open_link("A1B2C3"), "tastamat.kz/open/A1B2C3");
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Self, TastamatConfigError> {
        let cfg: TastamatConfig =
            toml::from_str(text).map_err(|e| TastamatConfigError::Toml(e.to_string()))?;
        if cfg.storage_period_hours == 0 {
            return Err(TastamatConfigError::StoragePeriod);
        }
        Ok(cfg)
    }

    /// The configuration shipped as `data/carriers/tastamat.toml`.
    pub fn shipped_toml() -> &'static str {
        include_str!("../../../data/carriers/tastamat.toml")
    }

    /// How long a deposited parcel waits in the cell before it may be withdrawn.
    pub fn storage_period(&self) -> Duration {
        Duration::hours(i64::from(self.storage_period_hours))
    }

    /// The link for the client's SMS: `tastamat.kz/open/<code>`.
    pub fn open_link(&self, code: &str) -> String {
        format!("{}{}", self.open_link_prefix, code)
    }
}
