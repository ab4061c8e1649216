//! `courier tariffs compare`: arguments and rendering; the work is
//! `courier_batch::compare`'s (docs/tariffs-compare.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use courier_batch::weight_band::WeightBands;
use courier_batch::{compare, write_comparison, CompareOptions, CompareSummary};

use crate::output::{print_json, print_table, CliError, Format};

/// `courier tariffs …`.
#[derive(Subcommand)]
pub enum Command {
    /// Re-price every parcel of a registry under each tariff: per-parcel costs,
    /// aggregates, the difference by cost component, a summary and an HTML report.
    Compare(CompareArgs),
}

/// `courier tariffs compare`.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// The registry: a CSV or Parquet file, or a folder of them (the reconciliation's
    /// registry format).
    #[arg(long)]
    parcels: PathBuf,
    /// A tariff file (the pricing engine's TOML); repeat for each tariff. The first is
    /// the baseline the differences are taken against.
    #[arg(long = "tariff", required = true)]
    tariffs: Vec<PathBuf>,
    /// Which method of another carrier stands in for a parcel's method (TOML:
    /// `[<from carrier>.<to carrier>]` with `<from method> = "<to method>"`).
    #[arg(long)]
    method_map: Option<PathBuf>,
    /// Upper bounds of the weight bands in grams, comma-separated (default
    /// 500,1000,2000,5000,10000,20000,30000).
    #[arg(long, value_delimiter = ',')]
    weight_bands: Option<Vec<u64>>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

/// Runs `courier tariffs …`.
pub fn run(c: Command, format: Format) -> Result<ExitCode, CliError> {
    match c {
        Command::Compare(a) => {
            let mut opts = CompareOptions::new(a.parcels, a.tariffs);
            opts.method_map = a.method_map;
            if let Some(b) = a.weight_bands {
                opts.weight_bands = WeightBands::new(b).map_err(CliError)?;
            }
            let comparison = compare(&opts)?;
            let summary = write_comparison(&a.out, &comparison)?;
            render(&summary, format)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn render(s: &CompareSummary, format: Format) -> Result<(), CliError> {
    match format {
        Format::Json => print_json(s),
        Format::Table => {
            let rows: Vec<Vec<String>> = s
                .tariffs
                .iter()
                .map(|t| {
                    vec![
                        t.tariff.id.clone(),
                        t.tariff.carrier.clone(),
                        t.priced.to_string(),
                        t.refused.to_string(),
                        format!("{} {}", t.total, s.currency),
                        t.cheapest.to_string(),
                    ]
                })
                .collect();
            print_table(
                &[
                    "tariff",
                    "carrier",
                    "priced",
                    "refused",
                    "total",
                    "cheapest for",
                ],
                &rows,
            )?;
            if !s.differences.is_empty() {
                let rows: Vec<Vec<String>> = s
                    .differences
                    .iter()
                    .map(|d| {
                        let c = &d.components;
                        vec![
                            d.tariff.clone(),
                            d.against.clone(),
                            d.parcels.to_string(),
                            d.difference.to_string(),
                            c.postal_rate.to_string(),
                            c.insurance.to_string(),
                            c.cod_fee.to_string(),
                            c.preparing.to_string(),
                            c.surcharges.to_string(),
                            c.vat.to_string(),
                        ]
                    })
                    .collect();
                println!();
                print_table(
                    &[
                        "tariff",
                        "against",
                        "common parcels",
                        "difference",
                        "postal_rate",
                        "insurance",
                        "cod_fee",
                        "preparing",
                        "surcharges",
                        "vat",
                    ],
                    &rows,
                )?;
            }
            println!(
                "\n{} parcels, {} rows rejected (rejects.csv); {} carried by no tariff, {} tied",
                s.parcels, s.rows_rejected, s.carried_by_none, s.cheapest_tied
            );
            Ok(())
        }
    }
}
