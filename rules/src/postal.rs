//! Postal index formats, as data: the shape a country's postal index must have before
//! any zone is looked up. A tariff names its destination country and the format in its
//! `[address]` table, beside the zonings (`docs/pricing.md`), so `"12A!"` is answered as
//! a malformed index instead of being priced as Moscow because it starts with `12`.
//!
//! A format is a pattern: `N` is one ASCII digit, any other character stands for itself
//! (Russia and Kazakhstan `NNNNNN`, Poland `NN-NNN`).

use serde::{Deserialize, Serialize};

/// A checked postal index pattern (private: built only by [`PostalIndexFormat::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct PostalIndexFormat {
    pattern: String,
}

/// A pattern that cannot be a postal index format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// No `N` (a digit) in the pattern (the pattern).
    #[error("postal index format {0:?}: must contain at least one N (a digit)")]
    NoDigit(String),
    /// Characters a postal index cannot have, or longer than 16 (the pattern).
    #[error("postal index format {0:?}: only printable ASCII, at most 16 characters, no spaces")]
    Characters(String),
}

impl FormatError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            FormatError::NoDigit { .. } => "no_digit",
            FormatError::Characters { .. } => "bad_characters",
        }
    }
}

impl PostalIndexFormat {
    /// Checks a pattern.
    ///
    /// ```
    /// use courier_rules::postal::PostalIndexFormat;
    /// let pl = PostalIndexFormat::new("NN-NNN").unwrap();
    /// assert!(pl.matches("00-950"));
    /// assert!(!pl.matches("00950"));
    /// let ru = PostalIndexFormat::new("NNNNNN").unwrap();
    /// assert!(ru.matches("101000"));
    /// assert!(!ru.matches("12A!"));
    /// assert!(PostalIndexFormat::new("---").is_err());
    /// ```
    pub fn new(pattern: &str) -> Result<Self, FormatError> {
        if pattern.is_empty()
            || pattern.len() > 16
            || !pattern.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(FormatError::Characters(pattern.into()));
        }
        if !pattern.contains('N') {
            return Err(FormatError::NoDigit(pattern.into()));
        }
        Ok(PostalIndexFormat {
            pattern: pattern.into(),
        })
    }

    /// `n` digits (`NNNNNN` for 6), `n` clamped to 1..=16: infallible, for defaults.
    pub fn digits(n: usize) -> Self {
        PostalIndexFormat {
            pattern: "N".repeat(n.clamp(1, 16)),
        }
    }

    /// The pattern, e.g. `NN-NNN`.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether `index` (surrounding whitespace ignored) has this format.
    pub fn matches(&self, index: &str) -> bool {
        let index = index.trim();
        index.len() == self.pattern.len()
            && index.bytes().zip(self.pattern.bytes()).all(|(c, p)| {
                if p == b'N' {
                    c.is_ascii_digit()
                } else {
                    c == p
                }
            })
    }

    /// The format in words, for messages: `six digits`, `NN-NNN (N a digit)`.
    pub fn describe(&self) -> String {
        if self.pattern.bytes().all(|b| b == b'N') {
            let n = self.pattern.len();
            let words = [
                "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            ];
            match words.get(n) {
                Some(w) if n > 1 => format!("{w} digits"),
                Some(w) => format!("{w} digit"),
                None => format!("{n} digits"),
            }
        } else {
            format!("{} (N a digit)", self.pattern)
        }
    }
}

impl From<PostalIndexFormat> for String {
    fn from(f: PostalIndexFormat) -> String {
        f.pattern
    }
}

impl<'de> Deserialize<'de> for PostalIndexFormat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PostalIndexFormat::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A tariff's `[address]` table: the country it delivers to (ISO 3166-1 alpha-2, two
/// upper-case letters) and the format of that country's postal index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawAddressRules")]
pub struct AddressRules {
    /// Destination country, ISO 3166-1 alpha-2 (`"RU"`, `"PL"`).
    pub country: String,
    /// Format every destination postal index must match before zoning.
    pub postal_index_format: PostalIndexFormat,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAddressRules {
    country: String,
    postal_index_format: PostalIndexFormat,
}

impl TryFrom<RawAddressRules> for AddressRules {
    type Error = String;
    fn try_from(r: RawAddressRules) -> Result<Self, String> {
        if r.country.len() != 2 || !r.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "country {:?}: an ISO 3166-1 alpha-2 code, two upper-case letters (RU, KZ, PL)",
                r.country
            ));
        }
        Ok(AddressRules {
            country: r.country,
            postal_index_format: r.postal_index_format,
        })
    }
}
