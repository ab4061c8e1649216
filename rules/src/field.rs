//! One problem with one field, the one shape every carrier's validation reports, and
//! the field checks more than one carrier needs.
//!
//! Fastriver, Aplix, Tastamat and Taxomet each answer a bad payload with a list of
//! `{field, code, message}`; one type means a service renders, logs and counts them all
//! the same way. A carrier that has its own wire shape (Fastriver's `validation_errors`
//! map, Taxomet's `param`) builds it from these, beside its rules.

use serde::Serialize;

/// One problem with one field: where (`field`), what, for machines (`code`), and what,
/// for people (`message`).
///
/// ```
/// use courier_rules::field::FieldError;
/// let e = FieldError::new("Goods[0].Qty", "positive", "must be at least 1");
/// assert_eq!((e.field.as_str(), e.code), ("Goods[0].Qty", "positive"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The carrier's own field name, with a path for nested ones (`Customer.Address.Index`,
    /// `Goods[1].Qty`), so the message points where the payload's author looks.
    pub field: String,
    /// A stable machine-readable code (`required`, `phone_format`, ...): what a caller
    /// matches on; messages may be reworded, codes are not.
    pub code: &'static str,
    /// The human message; never echoes personal data in full (see [`crate::mask`]).
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.message, self.code)
    }
}

impl std::error::Error for FieldError {}

/// A pragmatic e-mail check: one `@`, a local part of printable characters without
/// spaces, a domain of dot-separated labels (letters, digits, hyphens, not at a label's
/// ends) with a top-level label of at least two letters.
///
/// ```
/// use courier_rules::field::is_email;
/// assert!(is_email("ziliboba@sezam.sin"));
/// assert!(is_email("a.b+tag@mail.example.ru"));
/// assert!(!is_email("ziliboba@sezam"));
/// assert!(!is_email("zili boba@sezam.sin"));
/// assert!(!is_email("a@@b.ru"));
/// ```
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
        || !local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b))
    {
        return false;
    }
    let mut labels = 0;
    let mut last = "";
    for label in domain.split('.') {
        if label.is_empty()
            || label.starts_with('-')
            || label.ends_with('-')
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `https://` followed by a host.
///
/// ```
/// use courier_rules::field::is_https_url;
/// assert!(is_https_url("https://example.net/callback"));
/// assert!(!is_https_url("http://example.net/callback"));
/// assert!(!is_https_url("https://"));
/// ```
pub fn is_https_url(s: &str) -> bool {
    match s.get(..8) {
        Some(scheme) if scheme.eq_ignore_ascii_case("https://") => {
            let host = s[8..].split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !host.contains(char::is_whitespace)
        }
        _ => false,
    }
}
