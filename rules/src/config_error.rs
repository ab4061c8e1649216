//! A configuration file's TOML error, told without echoing the file.
//!
//! The `toml` crate's own error text quotes the offending line of the file under a
//! caret. In a configuration file that line may be `hmac_key = "…"` misspelt, or a
//! PostgreSQL URL with its password left unquoted: printed to a terminal or a log, the
//! secret is out. [`describe`] keeps what a person needs to fix the file — the line,
//! the column and the parser's message — and drops the quoted text; when the line holds
//! a setting whose name says it is secret, the parser's message is replaced as well
//! (serde's "invalid type: integer 12345678" quotes the value itself).

use crate::tariff::line_of;

/// Words in a setting's name that mark its value as secret, whatever the file.
const SECRET_WORDS: [&str; 5] = ["password", "secret", "token", "key", "dsn"];

/// `line L, column C: message` for `error` in `text`; `secret_settings` names further
/// settings (beyond those named like secrets) whose values must not be shown.
///
/// ```
/// use courier_rules::config_error::describe;
/// let text = "listen = \"127.0.0.1:8080\"\nhmac_kee = \"S3CRET\"\n";
/// #[derive(serde::Deserialize, Debug)]
/// #[serde(deny_unknown_fields)]
/// #[allow(dead_code)]
/// struct F { listen: String, hmac_key: Option<String> }
/// let e = toml::from_str::<F>(text).unwrap_err();
/// let told = describe(text, &e, &[]);
/// assert!(told.starts_with("line 2, column 1: unknown field `hmac_kee`"), "{told}");
/// assert!(!told.contains("S3CRET"));
///
/// let text = "hmac_key = 12345678\n";
/// let e = toml::from_str::<F>(text).unwrap_err();
/// let told = describe(text, &e, &[]);
/// assert!(told.starts_with("line 1, column 12: the value of `hmac_key` is not valid"), "{told}");
/// ```
pub fn describe(text: &str, error: &toml::de::Error, secret_settings: &[&str]) -> String {
    let message = error.message().trim_end();
    // A span of 0..0 is the whole document (a top-level setting missing): no line of
    // the file is at fault, and the first line's setting is not the one to blame.
    let Some(span) = error.span().filter(|s| s.end > 0) else {
        return message.to_string();
    };
    let start = span.start.min(text.len());
    let line = line_of(text, start);
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let this_line = text
        .get(line_start..)
        .and_then(|t| t.lines().next())
        .unwrap_or("");
    let column = text.get(line_start..start).map_or(0, |t| t.chars().count()) + 1;
    // Only serde's value errors quote the value; a syntax error, an unknown, missing or
    // repeated setting says what is wrong without it, and is kept whole.
    if QUOTES_A_VALUE.iter().any(|p| message.starts_with(p)) {
        if let Some(setting) = secret_on(this_line, secret_settings) {
            return format!(
                "line {line}, column {column}: the value of `{setting}` is not valid (not shown: it may be a secret)"
            );
        }
    }
    format!("line {line}, column {column}: {message}")
}

/// The beginnings of serde's messages that quote the value they refused.
const QUOTES_A_VALUE: [&str; 4] = [
    "invalid type",
    "invalid value",
    "invalid length",
    "unknown variant",
];

/// The first setting set on `line` whose name marks it secret: every `key =` of the
/// line counts, an inline table's included (`tastamat = { hmac_key = 1 }`).
fn secret_on<'a>(line: &'a str, secret_settings: &[&str]) -> Option<&'a str> {
    line.split(['{', ','])
        .filter_map(|piece| piece.split_once('=').map(|(key, _)| key))
        .map(|key| key.trim().trim_matches(|c| c == '"' || c == '\''))
        .find(|key| {
            let lower = key.to_ascii_lowercase();
            !key.is_empty()
                && (SECRET_WORDS.iter().any(|w| lower.contains(w))
                    || secret_settings.iter().any(|s| s.eq_ignore_ascii_case(key)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Server {
        listen: String,
        store: String,
        hmac_key: Option<String>,
    }

    fn told(text: &str, extra: &[&str]) -> String {
        describe(text, &toml::from_str::<Server>(text).unwrap_err(), extra)
    }

    /// The three leaks a review found in `courier serve`: a misspelt key's line, an
    /// unquoted PostgreSQL URL, a key written as a number.
    #[test]
    fn no_secret_in_the_file_reaches_the_message() {
        let misspelt = "listen = \"x\"\nstore = \"s\"\nhmac_kee = \"S3CRET-HMAC\"\n";
        let t = told(misspelt, &[]);
        assert!(t.contains("line 3") && t.contains("hmac_kee"), "{t}");
        assert!(!t.contains("S3CRET"), "{t}");

        let unquoted = "listen = \"x\"\nstore = postgres://u:PGPASS@h/db\n";
        for extra in [&[][..], &["store"][..]] {
            let t = told(unquoted, extra);
            assert!(t.starts_with("line 2"), "{t}");
            assert!(!t.contains("PGPASS"), "{t}");
        }

        let number = "listen = \"x\"\nstore = \"s\"\nhmac_key = 12345678\n";
        let t = told(number, &[]);
        assert!(t.contains("`hmac_key`") && !t.contains("12345678"), "{t}");
    }

    /// Found by review: a secret inside an inline table was judged by the table's name;
    /// a missing top-level setting was blamed on line 1's secret setting.
    #[test]
    fn inline_tables_and_missing_settings() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Tastamat {
            rules: String,
            hmac_key: String,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct File {
            store: String,
            listen: String,
            tastamat: Tastamat,
        }
        let inline =
            "store = \"s\"\nlisten = \"x\"\ntastamat = { rules = \"r\", hmac_key = 12345678 }\n";
        let t = describe(inline, &toml::from_str::<File>(inline).unwrap_err(), &[]);
        assert!(t.contains("`hmac_key`") && !t.contains("12345678"), "{t}");
        let missing = "store = \"postgres://u:PGPASS@h/db\"\ntastamat = { rules = \"r\", hmac_key = \"k\" }\n";
        let t = describe(
            missing,
            &toml::from_str::<File>(missing).unwrap_err(),
            &["store"],
        );
        assert!(t.contains("missing field `listen`"), "{t}");
        assert!(!t.contains("PGPASS") && !t.contains("`store`"), "{t}");
    }

    /// A setting that is not secret keeps the parser's whole message, with its line
    /// and column, so the file can be fixed.
    #[test]
    fn other_errors_keep_their_message_line_and_column() {
        let t = told("listen = 5\nstore = \"s\"\n", &[]);
        assert!(
            t.starts_with("line 1, column 10: invalid type: integer"),
            "{t}"
        );
        let t = told("listen = \"x\"\n", &[]);
        assert!(t.contains("missing field `store`"), "{t}");
    }
}
