//! `courier quote` (Aplix CalculateShippingCost / GetDetailsOfCost, InPost ShipX price
//! calculation) and `courier tariff check`.
//!
//! ```text
//! courier quote data/samples/quote/aplix_seed.json                 # every option, JSON or table
//! courier quote request.json --tariff data/tariffs/aplix.toml --details 3
//! courier quote --shipx data/samples/quote/shipx_calculate.json    # InPost calculation fields
//! courier tariff check data/tariffs/inpost.toml
//! ```
//!
//! Without `--tariff` the sample tariff built into the binary is used (the Aplix one,
//! or the InPost one with `--shipx`), the same text as `data/tariffs/*.toml`.
//!
//! Aplix's own CalculateShippingCost request (`{"OrderNumber", "DeclaredCost", "Goods":
//! [{"SKU", "Length", …}], "Address": {"Index", …, "Home"}, "TypeOfSeal", …}`, metres and
//! kilograms, seed 002) is read too; `--aplix` answers in the seed's shape
//! (`CalculationId`, `Types[]`, `Comments`), whichever shape the request came in.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use courier_engine::aplix::{self, CalculateShippingCostRequest};
use courier_engine::pricing::{
    CompiledTariff, QuoteRequest, ShipxCalculationRequest, ShipxOutcome,
};
use courier_engine::rules::tariff::Tariff;
use serde::Serialize;

use crate::output::{parse_json, print_json, print_table, read_input, shown, CliError, Format};

const APLIX_SAMPLE: &str = include_str!("../../../data/tariffs/aplix.toml");
const INPOST_SAMPLE: &str = include_str!("../../../data/tariffs/inpost.toml");

#[derive(clap::Args)]
pub struct Args {
    /// Request JSON file, `-` for standard input (integer mm and g; see docs/pricing.md).
    #[arg(default_value = "-")]
    pub request: PathBuf,
    /// Tariff TOML file; default: the built-in sample (Aplix, or InPost with --shipx).
    #[arg(long, value_name = "FILE")]
    pub tariff: Option<PathBuf>,
    /// Print the GetDetailsOfCost lines of this delivery type id instead of the options.
    #[arg(long, value_name = "TYPE_ID", conflicts_with = "shipx")]
    pub details: Option<u32>,
    /// The request is a ShipX price calculation `{"shipments": [...]}`.
    #[arg(long)]
    pub shipx: bool,
    /// Answer in Aplix's CalculateShippingCost shape (CalculationId, Types[], Comments).
    #[arg(long, conflicts_with_all = ["shipx", "details"])]
    pub aplix: bool,
}

#[derive(clap::Subcommand)]
pub enum TariffCommand {
    /// Validate a tariff file; every problem is listed with its line and key.
    Check { file: PathBuf },
}

fn load_tariff(path: Option<&Path>, sample: &str) -> Result<CompiledTariff, CliError> {
    match path {
        None => CompiledTariff::from_toml_str(sample)
            .map_err(|e| CliError(format!("built-in sample tariff: {e}"))),
        Some(p) => {
            let text = read_input(p)?;
            CompiledTariff::from_toml_str(&text).map_err(|e| prefixed(p, &e.to_string()))
        }
    }
}

/// Prefixes every line of a multi-line message with the file name.
fn prefixed(path: &Path, message: &str) -> CliError {
    let shown = shown(path);
    CliError(
        message
            .lines()
            .map(|l| format!("{shown}: {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

pub fn run(args: Args, format: Format) -> Result<ExitCode, CliError> {
    let text = read_input(&args.request)?;
    if args.shipx {
        let tariff = load_tariff(args.tariff.as_deref(), INPOST_SAMPLE)?;
        let req: ShipxCalculationRequest = parse_json(&text, &args.request)?;
        let out = tariff.shipx_calculate(&req);
        return match format {
            Format::Json => print_json(&out).map(|_| ExitCode::SUCCESS),
            Format::Table => shipx_table(&out).map(|_| ExitCode::SUCCESS),
        };
    }
    let tariff = load_tariff(args.tariff.as_deref(), APLIX_SAMPLE)?;
    let fail = |e: &dyn std::fmt::Display| prefixed(&args.request, &e.to_string());
    let quote = if is_aplix_request(&text) {
        // The seed's shape: fields and errors under the seed's names (Address.Index).
        let req: CalculateShippingCostRequest =
            serde_json::from_str(&text).map_err(|e| fail(&e))?;
        aplix::calculate(&req, &tariff).map_err(|e| fail(&e))?.0
    } else {
        let req: QuoteRequest = parse_json(&text, &args.request)?;
        tariff.quote(&req).map_err(|e| fail(&e))?
    };
    if args.aplix {
        let answer = aplix::quote_answer(&quote);
        return match format {
            Format::Json => print_json(&answer).map(|_| ExitCode::SUCCESS),
            Format::Table => {
                println!("CalculationId {}", answer.calculation_id);
                let rows: Vec<Vec<String>> = answer
                    .types
                    .iter()
                    .map(|t| {
                        vec![
                            t.type_id.to_string(),
                            t.type_name.clone(),
                            t.cost.to_string(),
                            t.insurance.to_string(),
                            t.postal_rate.to_string(),
                            t.preparing_cost.to_string(),
                            format!("{}–{}", t.min_period, t.max_period),
                            t.address.clone(),
                        ]
                    })
                    .collect();
                print_table(
                    &[
                        "TypeId",
                        "TypeName",
                        "Cost",
                        "Insurance",
                        "PostalRate",
                        "PreparingCost",
                        "MinPeriod–MaxPeriod",
                        "Address",
                    ],
                    &rows,
                )?;
                if !answer.comments.is_empty() {
                    println!("Comments: {}", answer.comments);
                }
                Ok(ExitCode::SUCCESS)
            }
        };
    }
    if let Some(type_id) = args.details {
        let lines = tariff.details(&quote, type_id)?;
        let preparing_cost = quote
            .options
            .iter()
            .find(|o| o.type_id == type_id)
            .map(|o| o.preparing_cost);
        #[derive(Serialize)]
        struct Details<'a> {
            calculation_id: &'a str,
            type_id: u32,
            currency: &'a str,
            lines: &'a [courier_engine::pricing::CostLine],
            preparing_cost: Option<rust_decimal::Decimal>,
        }
        return match format {
            Format::Json => print_json(&Details {
                calculation_id: &quote.calculation_id,
                type_id,
                currency: &quote.currency,
                lines: &lines,
                preparing_cost,
            })
            .map(|_| ExitCode::SUCCESS),
            Format::Table => {
                let mut rows: Vec<Vec<String>> = lines
                    .iter()
                    .map(|l| {
                        vec![
                            l.description.clone(),
                            l.price.to_string(),
                            l.qty.to_string(),
                            l.cost.to_string(),
                        ]
                    })
                    .collect();
                rows.push(vec![
                    "PreparingCost".into(),
                    String::new(),
                    String::new(),
                    preparing_cost.map(|d| d.to_string()).unwrap_or_default(),
                ]);
                print_table(&["Description", "Price", "Qty", "Cost"], &rows)
                    .map(|_| ExitCode::SUCCESS)
            }
        };
    }
    match format {
        Format::Json => print_json(&quote)?,
        Format::Table => {
            let mut rows: Vec<Vec<String>> = quote
                .options
                .iter()
                .map(|o| {
                    vec![
                        o.type_id.to_string(),
                        o.type_name.clone(),
                        o.cost.to_string(),
                        o.postal_rate.to_string(),
                        o.insurance.to_string(),
                        o.preparing_cost.to_string(),
                        format!("{}–{}", o.min_period, o.max_period),
                        o.address.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            for r in &quote.refused {
                rows.push(vec![
                    r.type_id.to_string(),
                    r.type_name.clone(),
                    "refused".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    r.comment.clone(),
                ]);
            }
            println!(
                "calculation {}  tariff {}  currency {}{}",
                quote.calculation_id,
                quote.tariff_id,
                quote.currency,
                quote
                    .parcel
                    .as_ref()
                    .map(|p| format!(
                        "  box {}  {}×{}×{} mm  {} g",
                        p.box_reference.as_deref().unwrap_or("-"),
                        p.outer_mm.longest(),
                        p.outer_mm.middle(),
                        p.outer_mm.shortest(),
                        p.gross_weight_g
                    ))
                    .unwrap_or_default()
            );
            print_table(
                &[
                    "TypeId",
                    "Name",
                    "Cost",
                    "PostalRate",
                    "Insurance",
                    "PreparingCost",
                    "Days",
                    "Address / reason",
                ],
                &rows,
            )?;
            for c in &quote.comments {
                println!("note: {c}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn shipx_table(out: &[ShipxOutcome]) -> Result<(), CliError> {
    let opt = |d: Option<rust_decimal::Decimal>| d.map_or("null".to_string(), |d| d.to_string());
    let rows: Vec<Vec<String>> = out
        .iter()
        .map(|o| match o {
            ShipxOutcome::Priced(c) => vec![
                c.id.clone(),
                c.calculated_charge_amount.to_string(),
                opt(c.fuel_charge_amount),
                opt(c.notification_charge_amount),
                opt(c.cod_charge_amount),
                opt(c.insurance_charge_amount),
                opt(c.calculated_charge_amount_non_commission),
                opt(c.end_of_week_collection_charge_amount),
            ],
            ShipxOutcome::Refused(e) => vec![
                e.id.clone(),
                format!("{}: {}", e.error, e.message),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    print_table(
        &[
            "id",
            "calculated",
            "fuel",
            "notification",
            "cod",
            "insurance",
            "non_commission",
            "end_of_week_collection",
        ],
        &rows,
    )
}

pub fn run_tariff(c: TariffCommand, format: Format) -> Result<ExitCode, CliError> {
    let TariffCommand::Check { file } = c;
    let text = read_input(&file)?;
    let tariff = Tariff::from_toml_str(&text).map_err(|e| prefixed(&file, &e.to_string()))?;
    let h = tariff.tariff.get_ref();
    #[derive(Serialize)]
    struct Method<'a> {
        type_id: u32,
        code: &'a str,
        name: &'a str,
        zones: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct Report<'a> {
        file: String,
        ok: bool,
        tariff_id: &'a str,
        carrier: &'a str,
        currency: &'a str,
        methods: Vec<Method<'a>>,
        boxes: usize,
    }
    let report = Report {
        file: shown(&file),
        ok: true,
        tariff_id: &h.id,
        carrier: &h.carrier,
        currency: &h.currency,
        methods: tariff
            .methods
            .iter()
            .map(|m| {
                let m = m.get_ref();
                Method {
                    type_id: m.type_id,
                    code: &m.code,
                    name: &m.name,
                    zones: m.rate.iter().map(|r| r.get_ref().zone.as_str()).collect(),
                }
            })
            .collect(),
        boxes: tariff
            .packaging
            .as_ref()
            .map_or(0, |p| p.get_ref().boxes.len()),
    };
    match format {
        Format::Json => print_json(&report)?,
        Format::Table => {
            println!(
                "{}: ok — tariff {} ({}, {}), {} boxes",
                report.file, report.tariff_id, report.carrier, report.currency, report.boxes
            );
            let rows: Vec<Vec<String>> = report
                .methods
                .iter()
                .map(|m| {
                    vec![
                        m.type_id.to_string(),
                        m.code.to_string(),
                        m.name.to_string(),
                        m.zones.join(", "),
                    ]
                })
                .collect();
            print_table(&["TypeId", "Code", "Name", "Zones"], &rows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Aplix's CalculateShippingCost request: a JSON object with the seed's `DeclaredCost`.
fn is_aplix_request(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .is_some_and(|v| v.get("DeclaredCost").is_some())
}
