//! `courier serve --config FILE [--listen ADDR]`: the inbound services (courier-server).
//! `courier import parcels FILE --config FILE`: load the parcels the details service serves.
//!
//! Arguments and rendering only: configuration, store and server are courier-server's.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use courier_server::{import, logging, store, ServerConfig};

use crate::output::{print_json, print_table, read_input, shown, CliError, Format};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The server configuration, TOML (see data/server.toml).
    #[arg(long)]
    config: PathBuf,
    /// The address to listen on; overrides `listen` and COURIER_LISTEN.
    #[arg(long)]
    listen: Option<String>,
}

fn env_with(listen: Option<String>) -> impl Fn(&str) -> Option<String> {
    move |k: &str| match (k, &listen) {
        ("COURIER_LISTEN", Some(l)) => Some(l.clone()),
        _ => std::env::var(k).ok(),
    }
}

pub fn run(args: ServeArgs, _format: Format) -> Result<ExitCode, CliError> {
    let config = ServerConfig::load(&args.config, &env_with(args.listen))?;
    tracing::subscriber::set_global_default(logging::subscriber(std::io::stderr))
        .map_err(|e| CliError(format!("cannot start logging: {e}")))?;
    courier_server::run(config, |addr| {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on {addr}");
        let _ = out.flush();
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Subcommand)]
pub enum ImportCommand {
    /// Parcels for the Tastamat details service, CSV or JSON (an array), validated row by
    /// row. Valid rows are loaded; exit status 1 when some were rejected.
    Parcels(ImportArgs),
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The parcels file (`-` for standard input).
    file: PathBuf,
    /// The server configuration naming the store (COURIER_STORE overrides).
    #[arg(long)]
    config: PathBuf,
}

pub fn run_import(command: ImportCommand, format: Format) -> Result<ExitCode, CliError> {
    let ImportCommand::Parcels(args) = command;
    let text = read_input(&args.file)?;
    let file = shown(&args.file);
    let (location, sync) = courier_server::config::store_location(&args.config, &env_with(None))?;
    let now = Utc::now();
    let parsed = import::parse(&text, now);
    // A file that cannot be read as parcels at all, or holds none, is bad input (exit
    // 2), not a load with rejects; the store is not opened.
    if let Some(r) = parsed.unreadable() {
        return Err(CliError(format!("{file}: {}", r.message)));
    }
    if parsed.parcels.is_empty() && parsed.rejects.is_empty() {
        return Err(CliError(format!("{file}: holds no parcels")));
    }
    let store = store::open(location.expose(), sync)?;
    let new = store.import_parcels(&parsed.parcels, now)?;
    match format {
        Format::Json => print_json(&serde_json::json!({
            "file": file,
            "loaded": parsed.parcels.len(),
            "new": new,
            "rejects": parsed.rejects,
        }))?,
        Format::Table => {
            println!(
                "{file}: {} parcels loaded ({new} new), {} rejects",
                parsed.parcels.len(),
                parsed.rejects.len()
            );
            let rows: Vec<Vec<String>> = parsed
                .rejects
                .iter()
                .map(|r| {
                    vec![
                        r.line.to_string(),
                        r.field.clone(),
                        r.code.clone(),
                        r.message.clone(),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                print_table(&["line", "field", "code", "message"], &rows)?;
            }
        }
    }
    Ok(if parsed.rejects.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
