//! Shared test helpers: golden request files, captured logs, secret checks.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use wiremock::Request;

/// Every secret the tests use; none may appear in a golden file, a log or an error.
pub const SECRETS: &[&str] = &[
    "apiv2-Pa55-s3cret",
    "shipx-T0ken-s3cret",
    "aplix-Pa55-s3cret",
    "taxo-p&ss s3cret",
    "fr-Pa55-s3cret",
    "fr-access-T0k",
    "fr-refresh-T0k",
];

pub fn assert_no_secret(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} leaks a secret: {text}");
    }
}

/// A request rendered for a golden file: method, path and query, the headers that
/// matter (authorization masked), the body exactly as sent.
pub fn render(req: &Request) -> String {
    let mut out = format!("{} {}", req.method, req.url.path());
    if let Some(q) = req.url.query() {
        out.push('?');
        let masked: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.contains("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out.push_str(&masked.join("&"));
    }
    out.push('\n');
    for name in ["content-type", "soapaction", "accept", "x-api-version"] {
        if let Some(v) = req.headers.get(name) {
            out.push_str(&format!("{name}: {}\n", v.to_str().unwrap_or("?")));
        }
    }
    if let Some(v) = req.headers.get("authorization") {
        let v = v.to_str().unwrap_or("");
        let scheme = v.split(' ').next().unwrap_or("");
        out.push_str(&format!("authorization: {scheme} ***\n"));
    }
    out.push('\n');
    // A login body carries the password by design: it is masked here, as a log would.
    let mut body = String::from_utf8_lossy(&req.body).to_string();
    for s in SECRETS {
        body = body.replace(s, "***");
    }
    out.push_str(&body);
    out.push('\n');
    out
}

/// Compares `actual` with `tests/golden/<name>.txt`; `UPDATE_GOLDEN=1` rewrites it.
pub fn golden(name: &str, actual: &str) {
    assert_no_secret(name, actual);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some()
        || !path.exists() && std::env::var_os("CI").is_none()
    {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(actual, expected, "request differs from {}", path.display());
}

/// The authorization header's raw value of a received request.
pub fn authorization(req: &Request) -> String {
    req.headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).to_string()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every log line (all levels, span fields included) of the whole test binary
/// in one global buffer: a global subscriber, because tracing caches per-callsite
/// interest across threads and a thread-local one can miss events of concurrent tests.
/// Leak checks read the whole buffer, so a secret logged by any test fails them.
pub fn capture_logs() -> (Logs, ()) {
    static LOGS: std::sync::OnceLock<Logs> = std::sync::OnceLock::new();
    let logs = LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        logs
    });
    (logs.clone(), ())
}

pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing fixture {}", path.display()))
}
