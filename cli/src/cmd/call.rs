//! `courier call aplix|inpost|inpost-apiv2|fastriver|taxomet OPERATION --config FILE [REQUEST]`
//!
//! For an operator checking an integration by hand: calls one carrier operation and
//! prints its typed result. The work is `courier_adapters::operator::run`; this module
//! parses the arguments and renders. Exit status: 0 success, 1 the carrier or the local
//! rules refused, 2 bad input, configuration or transport failure.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use courier_adapters::operator::{self, Carrier as AdapterCarrier, OperatorCall};
use serde_json::Value;

use crate::output::{print_json, print_table, read_input, CliError, Format};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Carrier {
    Aplix,
    Inpost,
    /// InPost's older XML API (price list, createdeliverypacks).
    InpostApiv2,
    Fastriver,
    Taxomet,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    carrier: Carrier,
    /// The operation, e.g. `push_order`, `calculate`, `get`, `call` (see docs/adapters.md).
    operation: String,
    /// The adapter's configuration (samples in data/adapters/); secrets come from the
    /// environment variables it names.
    #[arg(long)]
    config: PathBuf,
    /// The request: inline JSON, a JSON file, or `-` for standard input.
    request: Option<String>,
    /// The instant for the local rules (RFC 3339); default now.
    #[arg(long)]
    now: Option<DateTime<Utc>>,
    /// Rules data for the local checks (Aplix delivery types and VAT codes, Fastriver
    /// partner configuration); default the samples in data/carriers/.
    #[arg(long)]
    rules: Option<PathBuf>,
}

pub fn run(args: Args, format: Format) -> Result<ExitCode, CliError> {
    let request = match args.request.as_deref() {
        None => None,
        Some(t) if t.trim_start().starts_with(['{', '[']) => Some(t.to_string()),
        Some(path) => Some(read_input(path.as_ref())?),
    };
    let rules = args.rules.as_deref().map(read_input).transpose()?;
    let carrier = match args.carrier {
        Carrier::Aplix => AdapterCarrier::Aplix,
        Carrier::Inpost => AdapterCarrier::Inpost,
        Carrier::InpostApiv2 => AdapterCarrier::InpostApiv2,
        Carrier::Fastriver => AdapterCarrier::Fastriver,
        Carrier::Taxomet => AdapterCarrier::Taxomet,
    };
    let env = |var: &str| std::env::var(var).ok();
    let call = OperatorCall {
        carrier,
        operation: &args.operation,
        config: &args.config,
        request: request.as_deref(),
        now: args.now.unwrap_or_else(Utc::now),
        env: &env,
        rules_data: rules.as_deref(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError(format!("cannot start the runtime: {e}")))?;
    match runtime.block_on(operator::run(&call)) {
        Ok(value) => {
            render(&value, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let refused = matches!(e.code(), "local_refusal" | "rejected" | "soap_fault");
            eprintln!("error [{}]: {e}", e.code());
            for issue in e.issues() {
                eprintln!("  {}: {} ({})", issue.field, issue.code, issue.message);
            }
            if refused {
                Ok(ExitCode::from(1))
            } else {
                Ok(ExitCode::from(2))
            }
        }
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A table: an array of objects as rows (columns from the first), an object as
/// field/value rows, anything else as one value.
fn render(value: &Value, format: Format) -> Result<(), CliError> {
    if format == Format::Json {
        return print_json(value);
    }
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let columns: Vec<String> = items[0]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| columns.iter().map(|c| cell(&i[c.as_str()])).collect())
                .collect();
            let header: Vec<&str> = columns.iter().map(String::as_str).collect();
            print_table(&header, &rows)
        }
        Value::Object(m) => {
            let rows: Vec<Vec<String>> = m.iter().map(|(k, v)| vec![k.clone(), cell(v)]).collect();
            print_table(&["field", "value"], &rows)
        }
        other => print_table(&["result"], &[vec![cell(other)]]),
    }
}
