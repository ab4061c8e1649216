//! `courier validate fastriver|tastamat|taxomet|aplix-order|aplix-registry FILE.json`
//!
//! Validates a carrier payload before it is sent and prints every problem at once in the
//! carrier's own error shape. Exit status: 0 valid, 1 invalid, 2 unreadable or malformed
//! input (or configuration). The clock is read here, and only here, when `--now` is not
//! given; the rules get the instant as an argument.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use courier_rules::{aplix, fastriver, tastamat, taxomet};

use crate::output::{print_json, print_table, read_input, shown, CliError, Format};

/// The sample configurations shipped in data/carriers/, used when `--config` is absent.
const FASTRIVER_CONFIG: &str = include_str!("../../../data/carriers/fastriver.toml");
const APLIX_CONFIG: &str = include_str!("../../../data/carriers/aplix.toml");
const TASTAMAT_CONFIG: &str = include_str!("../../../data/carriers/tastamat.toml");

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Carrier {
    /// A Fastriver delivery request (`POST delivery_requests` body or its attributes).
    Fastriver,
    /// A Tastamat parcel-details or status-update payload (a status update has `status`).
    Tastamat,
    /// A Taxomet API request: `{"method": "add_order", "operator_login": …, …}`.
    Taxomet,
    /// An Aplix PushOrder payload.
    AplixOrder,
    /// An Aplix PushReestr payload (needs `--orders`).
    AplixRegistry,
}

#[derive(clap::Args)]
pub struct Args {
    /// Which carrier payload the file holds.
    #[arg(value_enum)]
    carrier: Carrier,
    /// The payload, JSON (`-` for standard input).
    file: PathBuf,
    /// The instant of the check, RFC 3339 (default: now).
    #[arg(long)]
    now: Option<String>,
    /// Partner configuration, TOML (default: the sample in data/carriers/).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The known orders, JSON (aplix-registry): an array of PushOrder payloads or of
    /// `{"ID", "Activity", "ReestrID"}`.
    #[arg(long)]
    orders: Option<PathBuf>,
}

pub fn run(args: Args, format: Format) -> Result<ExitCode, CliError> {
    let text = read_input(&args.file)?;
    let file = shown(&args.file);
    let now = match &args.now {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|e| CliError(format!("--now {s:?}: not an RFC 3339 instant: {e}")))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    // The configuration's text and how to name it in messages: every configuration
    // error carries the file's path (issue 16).
    let config = |default: &'static str| -> Result<(String, String), CliError> {
        match &args.config {
            Some(p) => Ok((read_input(p)?, shown(p))),
            None => Ok((default.to_string(), "built-in sample configuration".into())),
        }
    };
    let in_config = |name: &str, e: &dyn std::fmt::Display| CliError(format!("{name}: {e}"));
    // Taxomet and registry validation have no partner configuration: a --config given
    // anyway (even a missing file) used to be ignored with exit 0; it is an error.
    if let (Some(p), Carrier::Taxomet | Carrier::AplixRegistry) = (&args.config, args.carrier) {
        return Err(CliError(format!(
            "{}: --config: {} validation takes no partner configuration",
            shown(p),
            if args.carrier == Carrier::Taxomet {
                "taxomet"
            } else {
                "aplix-registry"
            }
        )));
    }
    let malformed = |e: serde_json::Error| CliError(format!("{file}: malformed JSON: {e}"));
    let report = match args.carrier {
        Carrier::Fastriver => {
            let (cfg, name) = config(FASTRIVER_CONFIG)?;
            let cfg =
                fastriver::PartnerConfig::from_toml_str(&cfg).map_err(|e| in_config(&name, &e))?;
            let req = fastriver::DeliveryRequest::from_json(&text).map_err(malformed)?;
            let errs = fastriver::validate_request(&req, &cfg, now);
            let rows = errs
                .errors
                .iter()
                .map(|e| vec![e.field.clone(), e.code.to_string(), e.message.clone()])
                .collect();
            Report::new(serde_json::to_value(&errs)?, rows, !errs.is_empty())
        }
        Carrier::AplixOrder => {
            let (cfg, name) = config(APLIX_CONFIG)?;
            let cfg = aplix::AplixConfig::from_toml_str(&cfg).map_err(|e| in_config(&name, &e))?;
            let order = aplix::PushOrder::from_json(&text).map_err(malformed)?;
            let errs = aplix::validate_order(&order, &cfg);
            Report::from_aplix(&errs)?
        }
        Carrier::AplixRegistry => {
            let orders_path = args.orders.as_ref().ok_or_else(|| {
                CliError("aplix-registry needs the known orders: --orders FILE.json".into())
            })?;
            let orders_text = read_input(orders_path)?;
            let known = aplix::KnownOrders::from_json(&orders_text)
                .map_err(|e| CliError(format!("{}: malformed JSON: {e}", shown(orders_path))))?;
            let registry = aplix::PushReestr::from_json(&text).map_err(malformed)?;
            let errs = aplix::validate_registry(&registry, &known);
            Report::from_aplix(&errs)?
        }
        Carrier::Taxomet => {
            // A missing or mistyped parameter is Taxomet's own refusal (result "0"),
            // not malformed input; only text that is not a JSON object is.
            let v = taxomet::Validation::of_json(&text)
                .map_err(|e| CliError(format!("{file}: malformed JSON: {e}")))?;
            let rows = v
                .errors
                .iter()
                .map(|e| vec![e.field.clone(), e.code.to_string(), e.message.clone()])
                .collect();
            Report::new(v.answer_json(), rows, !v.is_valid())
        }
        Carrier::Tastamat => {
            let (cfg, name) = config(TASTAMAT_CONFIG)?;
            let cfg =
                tastamat::TastamatConfig::from_toml_str(&cfg).map_err(|e| in_config(&name, &e))?;
            let payload = tastamat::Payload::from_json(&text).map_err(malformed)?;
            let errs = payload.validate(&cfg, now);
            let rows = errs
                .iter()
                .map(|e| vec![e.field.clone(), e.code.to_string(), e.message.clone()])
                .collect();
            let json = payload.report_json(&errs);
            Report::new(json, rows, !errs.is_empty())
        }
    };
    match format {
        Format::Json => print_json(&report.json)?,
        Format::Table => {
            if report.rows.is_empty() {
                println!("valid");
            } else {
                print_table(&["field", "code", "message"], &report.rows)?;
            }
        }
    }
    Ok(if report.invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What a validation prints: the carrier-shaped JSON, table rows, and whether it failed.
struct Report {
    json: serde_json::Value,
    rows: Vec<Vec<String>>,
    invalid: bool,
}

impl Report {
    fn new(json: serde_json::Value, rows: Vec<Vec<String>>, invalid: bool) -> Self {
        Report {
            json,
            rows,
            invalid,
        }
    }

    fn from_aplix(errs: &[courier_rules::field::FieldError]) -> Result<Self, CliError> {
        let rows = errs
            .iter()
            .map(|e| vec![e.field.clone(), e.code.to_string(), e.message.clone()])
            .collect();
        let json = aplix::report_json(errs);
        Ok(Report::new(json, rows, !errs.is_empty()))
    }
}
