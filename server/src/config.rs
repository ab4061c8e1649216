//! The server's configuration: a TOML file (see `data/server.toml`) overridden by
//! `COURIER_…` environment variables. Secrets are [`Secret`]s: their `Debug` prints
//! `***`, they have no `Display`, and no error message quotes them.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Duration;

use courier_rules::config_error::describe;
use serde::Deserialize;

use crate::store::{SqliteOptions, StoreOptions, Synchronous};

/// A secret value (HMAC key, token): compared and used, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The file as written. No `Debug`: its `store` may be a URL with a password.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: String,
    store: String,
    #[serde(default)]
    sqlite_synchronous: Synchronous,
    #[serde(default)]
    sqlite_max_batch: Option<usize>,
    #[serde(default)]
    postgres_connections: Option<usize>,
    #[serde(default = "default_timeout")]
    request_timeout_ms: u64,
    #[serde(default = "default_body")]
    max_body_bytes: usize,
    tastamat: TastamatFile,
    #[serde(default)]
    fastriver: FastriverFile,
}

/// The largest `sqlite_max_batch` accepted: past a few hundred a batch only makes its
/// first write wait longer.
const MAX_SQLITE_BATCH: usize = 10_000;
/// The largest `postgres_connections` accepted.
const MAX_POSTGRES_CONNECTIONS: usize = 256;

/// A positive count no larger than `max`, or the default when unset.
fn count(
    value: Option<usize>,
    default: NonZeroUsize,
    max: usize,
    setting: &'static str,
) -> Result<NonZeroUsize, ConfigError> {
    match value {
        None => Ok(default),
        Some(n) => NonZeroUsize::new(n)
            .filter(|n| n.get() <= max)
            .ok_or_else(|| ConfigError::Invalid {
                setting,
                message: format!("{n} is not between 1 and {max}"),
            }),
    }
}

fn default_timeout() -> u64 {
    10_000
}

fn default_body() -> usize {
    64 * 1024
}

/// No `Debug`: it holds the HMAC key as read (only [`ServerConfig`], with the key as a
/// [`Secret`], prints).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TastamatFile {
    rules: PathBuf,
    hmac_key_id: String,
    #[serde(default)]
    hmac_key: Option<String>,
    #[serde(default)]
    hmac_key_file: Option<PathBuf>,
}

/// No `Debug`: it holds the callback token as read.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FastriverFile {
    #[serde(default)]
    callback_token: Option<String>,
    #[serde(default)]
    callback_token_file: Option<PathBuf>,
}

/// The configuration, resolved.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// A SQLite file path or a `postgres://` URL (which may hold a password: it is
    /// never logged).
    pub store: Secret,
    pub sqlite_synchronous: Synchronous,
    /// At most this many writes share one SQLite commit (group commit).
    pub sqlite_max_batch: NonZeroUsize,
    /// How many connections the PostgreSQL store keeps.
    pub postgres_connections: NonZeroUsize,
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    /// The Tastamat rules' configuration (storage period, clock skew), TOML text.
    pub tastamat_rules: String,
    pub tastamat_key_id: String,
    pub tastamat_key: Secret,
    /// When set, Fastriver callbacks must carry it (`?token=` in the callback URL).
    pub fastriver_token: Option<Secret>,
}

/// A configuration that cannot be used; names the file and the setting, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("{file}: {message}")]
    Read { file: String, message: String },
    #[error("{file}: {message}")]
    Toml { file: String, message: String },
    #[error("{setting}: {message}")]
    Invalid {
        setting: &'static str,
        message: String,
    },
}

impl ConfigError {
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config_read",
            ConfigError::Toml { .. } => "config_toml",
            ConfigError::Invalid { .. } => "config_invalid",
        }
    }
}

/// Settings of these files whose values may hold a secret although their names do not
/// say so (a PostgreSQL URL carries its password): a TOML error on their line is told
/// without the value ([`courier_rules::config_error`]).
const SECRET_SETTINGS: &[&str] = &["store"];

/// Reads a configuration, rules or secret file; a leading UTF-8 byte-order mark (Windows
/// editors write one) is dropped, as every reader of the workspace does
/// ([`courier_rules::encoding`]).
fn read(path: &Path) -> Result<String, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        file: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(courier_rules::encoding::without_bom(text))
}

/// A secret from the environment, a file or the config file, in that order.
fn secret(
    env: &dyn Fn(&str) -> Option<String>,
    var: &str,
    file_var: &str,
    inline: Option<String>,
    file: Option<PathBuf>,
    base: &Path,
) -> Result<Option<Secret>, ConfigError> {
    if let Some(v) = env(var) {
        return Ok(Some(Secret(v)));
    }
    let file = env(file_var)
        .map(PathBuf::from)
        .or(file.map(|f| base.join(f)));
    if let Some(f) = file {
        let text = read(&f)?;
        return Ok(Some(Secret(
            text.trim_end_matches(['\r', '\n']).to_string(),
        )));
    }
    Ok(inline.map(Secret))
}

/// Where the store is, for commands that need only the store (`courier import`): the
/// file's `store` and `sqlite_synchronous`, `COURIER_STORE` overriding.
pub fn store_location(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Secret, Synchronous), ConfigError> {
    #[derive(Deserialize)]
    struct StoreOnly {
        store: String,
        #[serde(default)]
        sqlite_synchronous: Synchronous,
    }
    let text = read(path)?;
    let f: StoreOnly = toml::from_str(&text).map_err(|e| ConfigError::Toml {
        file: path.display().to_string(),
        message: describe(&text, &e, SECRET_SETTINGS),
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok((
        Secret(resolve_store(env("COURIER_STORE").unwrap_or(f.store), base)),
        f.sqlite_synchronous,
    ))
}

fn resolve_store(store: String, base: &Path) -> String {
    if store.contains("://") || Path::new(&store).is_absolute() || store == ":memory:" {
        store
    } else {
        base.join(store).display().to_string()
    }
}

impl ServerConfig {
    /// Loads the file at `path`, then applies the environment (`env` is
    /// `std::env::var(..).ok()` in the binary, a map in tests). Relative paths in the
    /// file are relative to the file's directory.
    ///
    /// Variables: `COURIER_LISTEN`, `COURIER_STORE`, `COURIER_TASTAMAT_HMAC_KEY`,
    /// `COURIER_TASTAMAT_HMAC_KEY_FILE`, `COURIER_FASTRIVER_CALLBACK_TOKEN`,
    /// `COURIER_FASTRIVER_CALLBACK_TOKEN_FILE`.
    pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let text = read(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::from_toml(&text, &path.display().to_string(), base, env)
    }

    /// As [`ServerConfig::load`], from text (`name` names it in errors).
    pub fn from_toml(
        text: &str,
        name: &str,
        base: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let text = courier_rules::encoding::strip_bom(text);
        let f: File = toml::from_str(text).map_err(|e| ConfigError::Toml {
            file: name.to_string(),
            message: describe(text, &e, SECRET_SETTINGS),
        })?;
        let listen_text = env("COURIER_LISTEN").unwrap_or(f.listen);
        let listen = listen_text.parse().map_err(|_| ConfigError::Invalid {
            setting: "listen",
            message: format!("{listen_text:?} is not an address like 127.0.0.1:8080"),
        })?;
        let store = env("COURIER_STORE").unwrap_or(f.store);
        let store = resolve_store(store, base);
        let tastamat_key = secret(
            env,
            "COURIER_TASTAMAT_HMAC_KEY",
            "COURIER_TASTAMAT_HMAC_KEY_FILE",
            f.tastamat.hmac_key,
            f.tastamat.hmac_key_file,
            base,
        )?
        .filter(|k| !k.0.is_empty())
        .ok_or(ConfigError::Invalid {
            setting: "tastamat.hmac_key",
            message: "no HMAC key: set COURIER_TASTAMAT_HMAC_KEY, tastamat.hmac_key_file or tastamat.hmac_key".into(),
        })?;
        let fastriver_token = secret(
            env,
            "COURIER_FASTRIVER_CALLBACK_TOKEN",
            "COURIER_FASTRIVER_CALLBACK_TOKEN_FILE",
            f.fastriver.callback_token,
            f.fastriver.callback_token_file,
            base,
        )?
        .filter(|t| !t.0.is_empty());
        let tastamat_rules = read(&base.join(&f.tastamat.rules))?;
        courier_rules::tastamat::TastamatConfig::from_toml_str(&tastamat_rules).map_err(|e| {
            ConfigError::Invalid {
                setting: "tastamat.rules",
                message: e.to_string(),
            }
        })?;
        if f.max_body_bytes == 0 || f.request_timeout_ms == 0 {
            return Err(ConfigError::Invalid {
                setting: "max_body_bytes / request_timeout_ms",
                message: "must be positive".into(),
            });
        }
        let sqlite_max_batch = count(
            f.sqlite_max_batch,
            crate::store::DEFAULT_MAX_BATCH,
            MAX_SQLITE_BATCH,
            "sqlite_max_batch",
        )?;
        let postgres_connections = count(
            f.postgres_connections,
            crate::store::DEFAULT_CONNECTIONS,
            MAX_POSTGRES_CONNECTIONS,
            "postgres_connections",
        )?;
        Ok(ServerConfig {
            listen,
            store: Secret(store),
            sqlite_synchronous: f.sqlite_synchronous,
            sqlite_max_batch,
            postgres_connections,
            request_timeout: Duration::from_millis(f.request_timeout_ms),
            max_body_bytes: f.max_body_bytes,
            tastamat_rules,
            tastamat_key_id: f.tastamat.hmac_key_id,
            tastamat_key,
            fastriver_token,
        })
    }
}

impl ServerConfig {
    /// The store's settings, for [`crate::store::open_with`].
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            sqlite: SqliteOptions {
                synchronous: self.sqlite_synchronous,
                max_batch: self.sqlite_max_batch,
            },
            postgres_connections: self.postgres_connections,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../data/server.toml");

    fn base() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
    }

    #[test]
    fn the_sample_loads_with_the_key_from_the_environment() {
        let env = |k: &str| (k == "COURIER_TASTAMAT_HMAC_KEY").then(|| "s3cr3t-key".to_string());
        let cfg = ServerConfig::from_toml(SAMPLE, "server.toml", &base(), &env).unwrap();
        assert_eq!(cfg.tastamat_key.expose(), "s3cr3t-key");
        assert_eq!(cfg.listen.to_string(), "127.0.0.1:8080");
        assert!(!format!("{cfg:?}").contains("s3cr3t-key"));
    }

    /// A TOML error is told by line and column, never by quoting the file: the line may
    /// hold the HMAC key (misspelt, or written as a number) or a PostgreSQL password.
    #[test]
    fn a_toml_error_does_not_quote_a_secret() {
        let env = |_: &str| None;
        for (find, put) in [
            ("[tastamat]", "[tastamat]\nhmac_kee = \"S3CRET-HMAC\""),
            ("[tastamat]", "[tastamat]\nhmac_key = 12345678"),
        ] {
            let text = SAMPLE.replacen(find, put, 1);
            assert_ne!(text, SAMPLE);
            let err = ServerConfig::from_toml(&text, "server.toml", &base(), &env).unwrap_err();
            let told = err.to_string();
            assert_eq!(err.code(), "config_toml", "{told}");
            assert!(told.contains("line "), "{told}");
            assert!(
                !told.contains("S3CRET") && !told.contains("12345678"),
                "{told}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(&path, "store = postgres://u:PGPASS@h/db\n").unwrap();
        let err = store_location(&path, &env).unwrap_err();
        assert!(!err.to_string().contains("PGPASS"), "{err}");
    }

    #[test]
    fn the_environment_overrides_listen_and_store() {
        let env = |k: &str| match k {
            "COURIER_TASTAMAT_HMAC_KEY" => Some("k".to_string()),
            "COURIER_LISTEN" => Some("127.0.0.1:0".to_string()),
            "COURIER_STORE" => Some("postgres://u:pw@localhost/db".to_string()),
            _ => None,
        };
        let cfg = ServerConfig::from_toml(SAMPLE, "server.toml", &base(), &env).unwrap();
        assert_eq!(cfg.listen.port(), 0);
        assert_eq!(cfg.store.expose(), "postgres://u:pw@localhost/db");
        assert!(!format!("{cfg:?}").contains("pw@"));
    }

    #[test]
    fn the_batch_bound_and_the_connections_default_and_are_checked() {
        let env = |k: &str| (k == "COURIER_TASTAMAT_HMAC_KEY").then(|| "k".to_string());
        let cfg = ServerConfig::from_toml(SAMPLE, "server.toml", &base(), &env).unwrap();
        assert_eq!(cfg.sqlite_max_batch, crate::store::DEFAULT_MAX_BATCH);
        assert_eq!(cfg.postgres_connections, crate::store::DEFAULT_CONNECTIONS);
        assert_eq!(cfg.store_options().sqlite.max_batch.get(), 64);

        let set = SAMPLE.replace(
            "sqlite_synchronous = \"full\"",
            "sqlite_synchronous = \"full\"\nsqlite_max_batch = 8\npostgres_connections = 2",
        );
        assert_ne!(set, SAMPLE);
        let cfg = ServerConfig::from_toml(&set, "server.toml", &base(), &env).unwrap();
        assert_eq!(cfg.sqlite_max_batch.get(), 8);
        assert_eq!(cfg.postgres_connections.get(), 2);

        for bad in [
            "sqlite_max_batch = 0",
            "sqlite_max_batch = 10001",
            "postgres_connections = 0",
        ] {
            let text = SAMPLE.replace(
                "sqlite_synchronous = \"full\"",
                &format!("sqlite_synchronous = \"full\"\n{bad}"),
            );
            let err = ServerConfig::from_toml(&text, "server.toml", &base(), &env).unwrap_err();
            assert_eq!(err.code(), "config_invalid", "{bad}");
            let setting = bad.split(' ').next().unwrap();
            assert!(err.to_string().starts_with(setting), "{bad}: {err}");
        }
    }

    /// Issue 16: a byte-order mark (Windows editors write one) was a TOML syntax error
    /// here while the CLI accepted it; the server's files now read as the CLI's do.
    #[test]
    fn a_byte_order_mark_is_accepted() {
        let env = |k: &str| (k == "COURIER_TASTAMAT_HMAC_KEY").then(|| "k".to_string());
        let with_bom = format!("\u{FEFF}{SAMPLE}");
        let cfg = ServerConfig::from_toml(&with_bom, "server.toml", &base(), &env).unwrap();
        assert_eq!(cfg.listen.to_string(), "127.0.0.1:8080");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(&path, "\u{FEFF}store = \"courier.db\"\n").unwrap();
        let (store, _) = store_location(&path, &|_| None).unwrap();
        assert!(store.expose().ends_with("courier.db"), "{}", store.expose());
    }

    #[test]
    fn a_missing_key_is_an_error_naming_the_setting() {
        let err = ServerConfig::from_toml(SAMPLE, "server.toml", &base(), &|_| None).unwrap_err();
        assert_eq!(err.code(), "config_invalid");
        assert!(err.to_string().starts_with("tastamat.hmac_key:"));
    }
}
