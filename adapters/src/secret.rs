//! Secrets (passwords, tokens) that cannot leak by accident.
//!
//! A [`Secret`] prints as `***` in `Debug` and `Display` and serialises as `***`, so a
//! client, a configuration or an error that holds one can be logged or rendered without
//! a second thought. [`Secret::expose`] is the only way out, used where the value goes
//! on the wire. [`redact`] scrubs a text (a carrier's error body that echoes a request,
//! a URL) of every secret a client knows before it reaches an error or a log line.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A password or token. Prints and serialises as `***`.
///
/// ```
/// use courier_adapters::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s} {s:?}"), "*** ***");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

/// What a secret prints as.
pub const MASK: &str = "***";

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the wire only (an `Authorization` header, a query string).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(MASK)
    }
}

/// `text` with every occurrence of every secret — raw and percent-encoded (upper- or
/// lower-case hex, a space as `%20` or `+`) — replaced by `***`. Secrets shorter than 3
/// bytes are still replaced (a short password is still a password). A Basic
/// `Authorization` value is a secret of its own ([`basic_credentials`]), registered by
/// the client that sends it.
///
/// ```
/// use courier_adapters::{redact, Secret};
/// let s = [Secret::new("p&w")];
/// assert_eq!(redact("url?pw=p%26w echo p&w, p%26w", &s), "url?pw=*** echo ***, ***");
/// ```
pub fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if s.is_empty() {
            continue;
        }
        let encoded = percent_encode(&s.0);
        let lower = lower_hex(&encoded);
        let forms = [
            s.0.clone(),
            percent_encode_plus(&s.0),
            lower_hex(&percent_encode_plus(&s.0)),
            lower,
            encoded,
        ];
        for form in forms {
            if !form.is_empty() && out.contains(&form) {
                out = out.replace(&form, MASK);
            }
        }
    }
    out
}

/// RFC 3986 percent-encoding of a query value (unreserved kept).
pub(crate) fn percent_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Form encoding (`application/x-www-form-urlencoded`): a space becomes `+`.
fn percent_encode_plus(v: &str) -> String {
    percent_encode(v).replace("%20", "+")
}

/// `encoded` with the two hex digits after each `%` in lower case (`%2b`): servers that
/// echo a request may re-encode it so.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if hex_left > 0 {
            out.push(c.to_ascii_lowercase());
            hex_left -= 1;
        } else {
            out.push(c);
            if c == '%' {
                hex_left = 2;
            }
        }
    }
    out
}

/// The value a Basic `Authorization` header carries, `base64(user:password)`, as a
/// secret to scrub: a carrier's error page that echoes the request's headers would
/// otherwise hand the password back in a form [`redact`] does not know.
pub(crate) fn basic_credentials(user: &str, password: &Secret) -> Secret {
    use base64::Engine;
    Secret(base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_display_and_serde_hide_the_value() {
        let s = Secret::new("s3cr3t-Tok");
        assert!(!format!("{s:?}{s}{s:#?}").contains("s3cr3t"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
        let back: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back.expose(), "abc");
    }

    #[test]
    fn redact_catches_encoded_forms() {
        let s = [Secret::new("пароль 1")];
        let enc = percent_encode("пароль 1");
        let text = format!("a=пароль 1 b={enc} c={}", enc.replace("%20", "+"));
        assert_eq!(redact(&text, &s), "a=*** b=*** c=***");
    }

    #[test]
    fn lower_case_hex_and_the_basic_credential_are_caught() {
        let s = [Secret::new("a+b c")];
        assert_eq!(
            redact("x=a%2bb%20c y=a%2Bb+c z=a%2bb+c", &s),
            "x=*** y=*** z=***"
        );
        let basic = basic_credentials("user", &Secret::new("pass"));
        assert_eq!(basic.expose(), "dXNlcjpwYXNz");
    }
}
