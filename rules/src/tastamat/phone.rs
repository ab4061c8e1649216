//! The mobile number Tastamat's SMS goes to (seed 000: "сотовый номер телефона").
//!
//! A Kazakh number is `+7` (or the trunk prefix `8`, or `7` alone) and ten digits, the
//! first three of which are the operator code. Which codes are mobile is data, not code:
//! `data/carriers/kz-mobile-prefixes.toml` lists them with their source, so an analyst
//! adds a new operator code without a release of the rules (the file is compiled in as
//! the default, and a Tastamat configuration may carry its own list).

use serde::Deserialize;

/// The set of mobile operator codes (three digits each), as a 1000-bit set: `Copy`,
/// no allocation, one bit test per check.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MobilePrefixes {
    bits: [u64; 16],
}

impl std::fmt::Debug for MobilePrefixes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.codes()).finish()
    }
}

/// A prefix list that cannot be used, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrefixError {
    /// Not TOML, or an unknown key (toml's message, with the line).
    #[error("mobile prefixes: {0}")]
    Toml(String),
    /// An operator code that is not three digits.
    #[error("mobile prefixes: {0:?} is not a three-digit operator code")]
    NotThreeDigits(String),
    /// An operator code listed twice.
    #[error("mobile prefixes: {0:?} appears twice")]
    Duplicate(String),
    /// No operator code at all.
    #[error("mobile prefixes: the list is empty")]
    Empty,
    /// A country other than Kazakhstan.
    #[error("mobile prefixes: country {0:?}: only Kazakhstan (\"KZ\", +7) is supported")]
    Country(String),
}

impl PrefixError {
    /// A stable machine-readable code (snake_case): what a caller matches on; messages
    /// may be reworded, codes are not.
    pub fn code(&self) -> &'static str {
        match self {
            PrefixError::Toml { .. } => "prefixes_syntax",
            PrefixError::NotThreeDigits { .. } => "not_three_digits",
            PrefixError::Duplicate { .. } => "duplicate_prefix",
            PrefixError::Empty => "empty_list",
            PrefixError::Country { .. } => "unsupported_country",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrefixFile {
    country: String,
    prefixes: Vec<String>,
}

impl MobilePrefixes {
    /// A set from three-digit codes; every code must be three ASCII digits, listed once.
    ///
    /// ```
    /// use courier_rules::tastamat::MobilePrefixes;
    /// let p = MobilePrefixes::new(["701", "777"]).unwrap();
    /// assert!(p.is_mobile("+7 701 123 45 67"));
    /// assert!(!p.is_mobile("+7 727 212 34 56")); // an Almaty landline
    /// assert!(MobilePrefixes::new(["7O1"]).is_err());
    /// ```
    pub fn new<S: AsRef<str>>(codes: impl IntoIterator<Item = S>) -> Result<Self, PrefixError> {
        let mut bits = [0u64; 16];
        let mut any = false;
        for code in codes {
            let code = code.as_ref();
            let n = parse_code(code).ok_or_else(|| PrefixError::NotThreeDigits(code.into()))?;
            let (word, bit) = (n / 64, n % 64);
            if bits[word] & (1 << bit) != 0 {
                return Err(PrefixError::Duplicate(code.into()));
            }
            bits[word] |= 1 << bit;
            any = true;
        }
        if !any {
            return Err(PrefixError::Empty);
        }
        Ok(MobilePrefixes { bits })
    }

    /// Loads a list file (`country`, `prefixes = ["700", …]`).
    pub fn from_toml_str(text: &str) -> Result<Self, PrefixError> {
        let f: PrefixFile = toml::from_str(text).map_err(|e| PrefixError::Toml(e.to_string()))?;
        if f.country != "KZ" {
            return Err(PrefixError::Country(f.country));
        }
        MobilePrefixes::new(&f.prefixes)
    }

    /// The list shipped as `data/carriers/kz-mobile-prefixes.toml`.
    pub fn shipped_toml() -> &'static str {
        include_str!("../../../data/carriers/kz-mobile-prefixes.toml")
    }

    /// The shipped list, parsed (it is checked by the crate's tests, so it loads).
    pub fn shipped() -> Self {
        MobilePrefixes::from_toml_str(Self::shipped_toml())
            .unwrap_or(MobilePrefixes { bits: [0; 16] })
    }

    /// The codes, ascending.
    pub fn codes(&self) -> impl Iterator<Item = String> + '_ {
        (0..1000usize)
            .filter(|n| self.bits[n / 64] & (1 << (n % 64)) != 0)
            .map(|n| format!("{n:03}"))
    }

    fn contains(&self, n: usize) -> bool {
        n < 1000 && self.bits[n / 64] & (1 << (n % 64)) != 0
    }

    /// Whether `s` is a Kazakh mobile number with one of these operator codes:
    /// `+7XXXXXXXXXX`, `7XXXXXXXXXX` or `8XXXXXXXXXX` (11 digits), spaces, brackets and
    /// dashes allowed between digits, `+` only first and only before `7`.
    pub fn is_mobile(&self, s: &str) -> bool {
        let mut digits = [0u8; 11];
        let mut n = 0;
        let mut plus = false;
        for (i, c) in s.chars().enumerate() {
            if c.is_ascii_digit() {
                if n == 11 {
                    return false;
                }
                digits[n] = c as u8 - b'0';
                n += 1;
            } else if c == '+' {
                if i != 0 {
                    return false;
                }
                plus = true;
            } else if !matches!(c, ' ' | '(' | ')' | '-') {
                return false;
            }
        }
        let trunk_ok = match digits[0] {
            7 => true,
            8 => !plus,
            _ => false,
        };
        let code =
            usize::from(digits[1]) * 100 + usize::from(digits[2]) * 10 + usize::from(digits[3]);
        n == 11 && trunk_ok && self.contains(code)
    }
}

fn parse_code(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (b.len() == 3 && b.iter().all(u8::is_ascii_digit)).then(|| {
        usize::from(b[0] - b'0') * 100 + usize::from(b[1] - b'0') * 10 + usize::from(b[2] - b'0')
    })
}

impl<'de> Deserialize<'de> for MobilePrefixes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let codes = Vec::<String>::deserialize(d)?;
        MobilePrefixes::new(&codes).map_err(serde::de::Error::custom)
    }
}
