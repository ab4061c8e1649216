//! Configuration files: TOML in `data/adapters/`, secrets from the environment.
//!
//! A configuration names the environment variable that holds each secret
//! (`password_env = "APLIX_PASSWORD"`), never the secret itself, so the files can be
//! committed and shown. [`load_toml`] reads and parses a file with errors that name it
//! (and the line, from `toml`); [`secret_from_env`] reads a secret, refusing an unset
//! or empty variable with a message that names the variable only.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::secret::Secret;

/// Reads and parses a TOML configuration file.
pub fn load_toml<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    parse_toml(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
}

/// Parses a TOML configuration text; a leading UTF-8 byte-order mark is ignored, as in
/// every reader of the workspace ([`courier_rules::encoding`]).
pub fn parse_toml<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let text = courier_rules::encoding::strip_bom(text);
    // Told without the file's text: a misspelt `password_env` line may hold the password.
    toml::from_str(text).map_err(|e| courier_rules::config_error::describe(text, &e, &[]))
}

/// The secret held by environment variable `var`.
pub fn secret_from_env(var: &str) -> Result<Secret, Error> {
    secret_from(var, |v| std::env::var(v).ok())
}

/// The secret `lookup` gives for `var` (the environment in production, a map in tests).
///
/// ```
/// use courier_adapters::config::secret_from;
/// let s = secret_from("APLIX_PASSWORD", |_| Some("test".into())).unwrap();
/// assert_eq!(s.expose(), "test");
/// let e = secret_from("APLIX_PASSWORD", |_| None).unwrap_err();
/// assert_eq!(e.to_string(), "configuration: environment variable APLIX_PASSWORD is not set or empty");
/// ```
pub fn secret_from(var: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Secret, Error> {
    match lookup(var) {
        Some(v) if !v.is_empty() => Ok(Secret::new(v)),
        _ => Err(Error::Config(format!(
            "environment variable {var} is not set or empty"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use crate::inpost::shipx::ShipXConfig;

    const INPOST: &str = include_str!("../../data/adapters/inpost.toml");

    /// Issue 16: a byte-order mark (Windows editors write one) was a TOML syntax error in
    /// the adapters' configuration and window files while the CLI accepted it.
    #[test]
    fn a_byte_order_mark_is_accepted_in_config_and_window_files() {
        let plain: ShipXConfig = super::parse_toml(INPOST).unwrap();
        let marked: ShipXConfig = super::parse_toml(&format!("\u{FEFF}{INPOST}")).unwrap();
        assert_eq!(plain, marked);
        let dir = std::env::temp_dir().join(format!("courier-bom-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let window = include_str!("../../data/inpost/current.toml");
        std::fs::write(dir.join("current.toml"), format!("\u{FEFF}{window}")).unwrap();
        let cfg = ShipXConfig {
            window: "current.toml".into(),
            ..marked
        };
        let loaded = cfg.load_window(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(loaded.unwrap().excludes_public_holidays());
    }
}
