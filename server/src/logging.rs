//! Structured logs (tracing) with personal data masked on the way out.
//!
//! The handlers log ids, statuses and codes, never bodies, and mask the one phone they
//! mention. As a second line of defence every log line passes through [`mask_line`],
//! which masks anything that looks like a phone number or an e-mail address with the
//! rules crate's masks, so a value that slips into a message (an error from a library,
//! a future log statement) still leaves the process masked.

use std::io::{self, Write};

use courier_rules::mask;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Masks phone-like runs (10 or more digits, with `+`, spaces, dashes, brackets) and
/// e-mail addresses in `line`.
///
/// ```
/// use courier_server::logging::mask_line;
/// assert_eq!(
///     mask_line("call +7 701 123 45 67 or mail ivan.petrov@example.kz, 200 in 35us"),
///     "call +7************67 or mail iv*******ov@example.kz, 200 in 35us"
/// );
/// ```
pub fn mask_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = email_at(&chars, i) {
            let s: String = chars[i..end].iter().collect();
            out.push_str(&mask::email(&s));
            i = end;
        } else if let Some(end) = phone_at(&chars, i) {
            let s: String = chars[i..end].iter().collect();
            out.push_str(&mask::phone(&s));
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_local(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// An e-mail starting at `i` (at a word start): `local@domain.tld`.
fn email_at(chars: &[char], i: usize) -> Option<usize> {
    if !is_local(chars[i]) || (i > 0 && is_local(chars[i - 1])) {
        return None;
    }
    let mut j = i;
    while j < chars.len() && is_local(chars[j]) {
        j += 1;
    }
    if j == i || chars.get(j) != Some(&'@') {
        return None;
    }
    let mut k = j + 1;
    while k < chars.len() && (chars[k].is_alphanumeric() || matches!(chars[k], '.' | '-')) {
        k += 1;
    }
    while k > j + 1 && chars[k - 1] == '.' {
        k -= 1;
    }
    chars[j + 1..k].contains(&'.').then_some(k)
}

/// A phone-like run starting at `i` (not inside a longer word).
fn phone_at(chars: &[char], i: usize) -> Option<usize> {
    let c = chars[i];
    if !(c.is_ascii_digit() || c == '+') || (i > 0 && chars[i - 1].is_alphanumeric()) {
        return None;
    }
    let mut j = i;
    let mut digits = 0;
    let mut end = i;
    while j < chars.len() {
        let c = chars[j];
        if c.is_ascii_digit() {
            digits += 1;
            end = j + 1;
        } else if !(matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && j == i)) {
            break;
        }
        j += 1;
    }
    let followed_by_word = chars.get(end).is_some_and(|c| c.is_alphanumeric());
    (digits >= 10 && !followed_by_word).then_some(end)
}

/// A writer that masks each line before passing it on.
pub struct MaskingWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> Write for MaskingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let text = String::from_utf8_lossy(&self.buf);
            self.inner.write_all(mask_line(&text).as_bytes())?;
            self.buf.clear();
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for MaskingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Makes [`MaskingWriter`]s over another `MakeWriter` (stderr in the binary, a buffer in
/// tests). tracing's formatter writes one event per writer, so each event is masked whole.
pub struct Masking<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masking<M> {
    type Writer = MaskingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingWriter {
            inner: self.0.make_writer(),
            buf: Vec::new(),
        }
    }
}

/// A subscriber writing masked lines to `make` (filter from `RUST_LOG`, default info).
pub fn subscriber<M>(make: M) -> impl tracing::Subscriber + Send + Sync
where
    M: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(false)
        .with_writer(Masking(make))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::mask_line;

    #[test]
    fn times_ids_and_latencies_are_left_alone() {
        let line = "2026-12-01T21:00:00.123456Z INFO request path=/parcels/P-1001/history status=200 latency_us=1234";
        assert_eq!(mask_line(line), line);
    }

    #[test]
    fn phones_in_any_spelling_are_masked() {
        for phone in ["+77011234567", "87011234567", "+7 (701) 123-45-67"] {
            let masked = mask_line(&format!("phone={phone} ok"));
            assert!(!masked.contains("1234"), "{masked}");
            assert!(masked.ends_with("67 ok"), "{masked}");
        }
    }
}
