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

/// Masks phone-like runs and e-mail addresses in `line`: the rules crate's
/// [`mask::line`], re-exported where the logs use it.
pub use mask::line as mask_line;

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
