//! Format profiles: a carrier's own invoice layout mapped onto the canonical columns.
//!
//! A new carrier export is a TOML file in `data/formats/`, not code. A profile names
//! the separator, the decimal mark, the weight unit, the date layout, which of the
//! carrier's columns holds each canonical column, and constants for canonical columns
//! the export does not have (an export of one carrier has no `carrier` column).
//!
//! ```toml
//! name = "InPost invoice export"
//! delimiter = ";"
//! decimal_comma = true
//! weight_unit = "kg"
//! date_format = "%d.%m.%Y"
//! [columns]
//! invoice_id = "Numer faktury"
//! [constants]
//! carrier = "inpost"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::BatchError;

/// The unit an export states weights in. Kilograms are converted to grams rounding
/// **up** (a parcel is never reported lighter than it is), as everywhere in courier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WeightUnit {
    #[default]
    G,
    Kg,
}

/// How to read one input layout. [`FormatProfile::canonical`] is the layout of the
/// issue: comma-separated, decimal point, grams, ISO dates, canonical column names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatProfile {
    /// What the profile is for (shown in the summary).
    #[serde(default)]
    pub name: String,
    /// Field separator, one ASCII character.
    #[serde(default = "comma")]
    delimiter: String,
    /// Amounts written with a decimal comma (`12,99`); spaces inside them (thousands
    /// separators) are then ignored.
    #[serde(default)]
    pub decimal_comma: bool,
    /// Unit of weight columns.
    #[serde(default)]
    pub weight_unit: WeightUnit,
    /// chrono format of date columns (default ISO `%Y-%m-%d`).
    #[serde(default = "iso_date")]
    pub date_format: String,
    /// Canonical column → the export's column name.
    #[serde(default)]
    columns: BTreeMap<String, String>,
    /// Canonical column → a value used for every row (the export lacks the column).
    #[serde(default)]
    constants: BTreeMap<String, String>,
}

fn comma() -> String {
    ",".into()
}
fn iso_date() -> String {
    "%Y-%m-%d".into()
}

impl Default for FormatProfile {
    fn default() -> Self {
        FormatProfile::canonical()
    }
}

impl FormatProfile {
    /// The canonical layout.
    pub fn canonical() -> FormatProfile {
        FormatProfile {
            name: "canonical".into(),
            delimiter: comma(),
            decimal_comma: false,
            weight_unit: WeightUnit::G,
            date_format: iso_date(),
            columns: BTreeMap::new(),
            constants: BTreeMap::new(),
        }
    }

    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<FormatProfile, BatchError> {
        let text = std::fs::read_to_string(path).map_err(|e| BatchError::io(path, e))?;
        FormatProfile::from_toml_str(&text).map_err(|message| BatchError::Profile {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses and checks a profile.
    pub fn from_toml_str(text: &str) -> Result<FormatProfile, String> {
        let p: FormatProfile = toml::from_str(text).map_err(|e| e.to_string())?;
        if p.delimiter.len() != 1 || !p.delimiter.is_ascii() {
            return Err(format!(
                "delimiter must be one ASCII character, got {:?}",
                p.delimiter
            ));
        }
        if p.decimal_comma && p.delimiter == "," {
            return Err("decimal_comma needs a delimiter other than ','".into());
        }
        for (canonical, col) in &p.columns {
            if p.constants.contains_key(canonical) {
                return Err(format!(
                    "{canonical} is given both as a column ({col:?}) and as a constant"
                ));
            }
        }
        Ok(p)
    }

    /// The separator byte.
    pub fn delimiter(&self) -> u8 {
        self.delimiter.as_bytes()[0]
    }

    /// The export's column name for a canonical column.
    pub fn column_for<'a>(&'a self, canonical: &'a str) -> &'a str {
        self.columns
            .get(canonical)
            .map_or(canonical, String::as_str)
    }

    /// The constant value of a canonical column, if the profile gives one.
    pub fn constant(&self, canonical: &str) -> Option<&str> {
        self.constants.get(canonical).map(String::as_str)
    }
}
