//! Tastamat's request signature: `x-hmac-key` names the key, `x-hmac` is the lowercase
//! (or uppercase) hex HMAC-SHA256 of the exact bytes signed, with the shared key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature was not accepted (the response says which, never what was expected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    #[error("the x-hmac-key and x-hmac headers are required")]
    Missing,
    #[error("unknown x-hmac-key")]
    UnknownKey,
    #[error("x-hmac is not the HMAC-SHA256 of the request")]
    Invalid,
}

impl SignatureError {
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::Missing => "signature_missing",
            SignatureError::UnknownKey => "signature_unknown_key",
            SignatureError::Invalid => "signature_invalid",
        }
    }
}

/// The hex HMAC-SHA256 of `message` (what a client sends in `x-hmac`).
///
/// ```
/// use courier_server::signature::sign;
/// // RFC 4231 test case 2.
/// assert_eq!(
///     sign(b"Jefe", b"what do ya want for nothing?"),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
/// );
/// ```
pub fn sign(key: &[u8], message: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks `signature` (hex) over `message`. The comparison of the MAC is constant-time
/// (`hmac`'s `verify_slice`); the key id is public and compared plainly.
pub fn verify(
    key_id: &str,
    key: &Secret,
    given_key_id: Option<&str>,
    signature: Option<&str>,
    message: &[u8],
) -> Result<(), SignatureError> {
    let (Some(given_id), Some(signature)) = (given_key_id, signature) else {
        return Err(SignatureError::Missing);
    };
    if given_id != key_id {
        return Err(SignatureError::UnknownKey);
    }
    let tag = decode_hex(signature.trim()).ok_or(SignatureError::Invalid)?;
    let mut mac =
        HmacSha256::new_from_slice(key.expose().as_bytes()).map_err(|_| SignatureError::Invalid)?;
    mac.update(message);
    mac.verify_slice(&tag).map_err(|_| SignatureError::Invalid)
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_over_the_same_bytes_and_key() {
        let key = Secret::new("k1");
        let sig = sign(b"k1", b"{\"a\":1}");
        assert_eq!(
            verify("t", &key, Some("t"), Some(&sig), b"{\"a\":1}"),
            Ok(())
        );
        assert_eq!(
            verify(
                "t",
                &key,
                Some("t"),
                Some(&sig.to_uppercase()),
                b"{\"a\":1}"
            ),
            Ok(())
        );
        assert_eq!(
            verify("t", &key, Some("t"), Some(&sig), b"{\"a\":2}"),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify("t", &Secret::new("k2"), Some("t"), Some(&sig), b"{\"a\":1}"),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify("t", &key, Some("u"), Some(&sig), b"{\"a\":1}"),
            Err(SignatureError::UnknownKey)
        );
        assert_eq!(
            verify("t", &key, None, Some(&sig), b"{\"a\":1}"),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify("t", &key, Some("t"), Some("zz"), b"{\"a\":1}"),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
