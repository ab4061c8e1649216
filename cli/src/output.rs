//! Output formats shared by every subcommand, and the CLI's error type.

use std::io::{IsTerminal, Write};

use serde::Serialize;

/// `--format json|table`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Table,
}

impl Format {
    /// JSON when stdout is not a terminal (scripts, pipes), a table when a person reads it.
    pub fn detect() -> Self {
        if std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    }
}

/// An error the CLI reports on stderr before exiting with status 2. The message names
/// the file, row and field where there is one.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// Prints a value as pretty JSON followed by a newline.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError(format!("cannot encode output: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| CliError(format!("cannot write output: {e}")))
}

/// How a file is named in messages: its path, or "standard input" for `-`.
pub fn shown(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// The default of [`max_input_bytes`]: 64 MiB, far above any tariff, basket, payload or
/// configuration, far below what would strain a machine when read whole.
pub const DEFAULT_MAX_INPUT_MB: u64 = 64;

static MAX_INPUT_BYTES: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Sets the largest input [`read_input`] reads, once, at start-up (`--max-input-mb`, else
/// `COURIER_MAX_INPUT_MB`, else [`DEFAULT_MAX_INPUT_MB`]).
pub fn set_max_input_mb(mb: u64) {
    let _ = MAX_INPUT_BYTES.set(mb.saturating_mul(1024 * 1024));
}

/// The largest input [`read_input`] reads, in bytes.
pub fn max_input_bytes() -> u64 {
    *MAX_INPUT_BYTES.get_or_init(|| DEFAULT_MAX_INPUT_MB * 1024 * 1024)
}

/// Reads a whole input file, or standard input when the path is `-`: UTF-8, a leading
/// byte-order mark dropped (`docs/input.md`), at most [`max_input_bytes`] — beyond it
/// (`/dev/zero`, a runaway export) the read stops there with a clear error instead of
/// exhausting memory.
pub fn read_input(path: &std::path::Path) -> Result<String, CliError> {
    use std::io::Read;
    let name = shown(path);
    let limit = max_input_bytes();
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
    };
    read.map_err(|e| CliError(format!("{name}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(CliError(format!(
            "{name}: larger than the input limit of {} MiB (raise it with --max-input-mb or COURIER_MAX_INPUT_MB)",
            limit / (1024 * 1024)
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError(format!(
            "{name}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(courier_engine::rules::encoding::without_bom(text))
}

/// Parses JSON read from `path`, naming in an error the file and the field's path in the
/// document (`standard input: goods[1].weight_g: invalid type: string "heavy", expected
/// u64 at line 5 column 40`), which serde_json alone does not.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &std::path::Path,
) -> Result<T, CliError> {
    let name = shown(path);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        let inner = e.into_inner();
        if at == "." || at.is_empty() {
            CliError(format!("{name}: {inner}"))
        } else {
            CliError(format!("{name}: {at}: {inner}"))
        }
    })?;
    de.end().map_err(|e| CliError(format!("{name}: {e}")))?;
    Ok(value)
}

/// A plain text table: a header row and rows, columns padded to their widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) -> Result<(), CliError> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let mut first = true;
        for (i, c) in cells.iter().enumerate() {
            if !first {
                out.push_str("  ");
            }
            first = false;
            out.push_str(c);
            let pad = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(c.chars().count());
            if i + 1 < cells.len() {
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    };
    line(header.to_vec(), &mut out);
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str())
            .collect(),
        &mut out,
    );
    for row in rows {
        line(row.iter().map(|s| s.as_str()).collect(), &mut out);
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| CliError(format!("cannot write output: {e}")))
}
