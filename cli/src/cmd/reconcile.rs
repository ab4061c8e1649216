//! `courier reconcile` (the nightly job), `courier reconcile merge` and `courier gen`:
//! arguments and rendering; the work is `courier_batch`'s.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use courier_batch::gen::generate;
use courier_batch::tariffs::TariffBook;
use courier_batch::{merge, Options, Partition, Summary};
use rust_decimal::Decimal;

use crate::output::{print_json, print_table, CliError, Format};

/// `courier reconcile`.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Sub {
    /// Merge partition outputs (`--partition K/P` runs) into the bytes one run writes.
    Merge {
        /// The partition output folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// Registry: a CSV or Parquet file, or a folder of them.
    #[arg(long)]
    registry: Option<PathBuf>,
    /// Carrier invoice lines.
    #[arg(long)]
    invoices: Option<PathBuf>,
    /// Tracking events.
    #[arg(long)]
    tracking: Option<PathBuf>,
    /// Refunds and credits received.
    #[arg(long)]
    refunds: Option<PathBuf>,
    /// The tariffs folder (TOML files of the pricing engine).
    #[arg(long, default_value = "data/tariffs")]
    tariffs: PathBuf,
    /// A carrier invoice layout (format profile, data/formats/*.toml).
    #[arg(long)]
    invoice_format: Option<PathBuf>,
    /// Money tolerance in major units (default 0: exact to the minor unit).
    #[arg(long, default_value = "0")]
    money_tolerance: Decimal,
    /// Weight tolerance in grams before a heavier billed weight is disputed.
    #[arg(long, default_value_t = courier_batch::reconcile::DEFAULT_WEIGHT_TOLERANCE_G)]
    weight_tolerance_g: u64,
    /// Only the orders whose hash falls in partition K of P (`K/P`).
    #[arg(long)]
    partition: Option<String>,
    /// The InPost refund policy (default: the shipped data/inpost/refund.toml).
    #[arg(long)]
    refund_policy: Option<PathBuf>,
    /// Split the orders into N buckets reconciled one after another, to bound memory
    /// (default: one per 256 MiB of input; the outputs are the same for any N).
    #[arg(long)]
    buckets: Option<u32>,
    /// Output folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress on the terminal.
    #[arg(long)]
    quiet: bool,
}

fn need(v: Option<PathBuf>, name: &str) -> Result<PathBuf, CliError> {
    v.ok_or_else(|| CliError(format!("courier reconcile needs --{name}")))
}

/// Runs `courier reconcile` or `courier reconcile merge`.
pub fn run(args: Args, format: Format) -> Result<ExitCode, CliError> {
    let summary = match args.command {
        Some(Sub::Merge { dirs, out }) => {
            let refs: Vec<&std::path::Path> = dirs.iter().map(PathBuf::as_path).collect();
            merge(&refs, &out)?
        }
        None => {
            let a = args.run;
            let mut opts = Options::new(
                need(a.registry, "registry")?,
                need(a.invoices, "invoices")?,
                need(a.tracking, "tracking")?,
                need(a.refunds, "refunds")?,
            );
            opts.tariffs = a.tariffs;
            opts.invoice_format = a.invoice_format;
            opts.money_tolerance = a.money_tolerance;
            opts.weight_tolerance_g = a.weight_tolerance_g;
            opts.refund_policy = a.refund_policy;
            opts.buckets = a.buckets;
            if let Some(p) = a.partition {
                opts.partition = Partition::parse(&p)?;
            }
            let out = need(a.out, "out")?;
            let bar = (!a.quiet && std::io::stderr().is_terminal()).then(|| {
                let b = indicatif::ProgressBar::new_spinner();
                b.enable_steady_tick(std::time::Duration::from_millis(120));
                b
            });
            let progress = |stage: &str| {
                if let Some(b) = &bar {
                    b.set_message(stage.to_string());
                }
            };
            let s = courier_batch::run(&opts, &out, &progress)?;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            s
        }
    };
    render(&summary, format)?;
    Ok(ExitCode::SUCCESS)
}

fn render(s: &Summary, format: Format) -> Result<(), CliError> {
    match format {
        Format::Json => print_json(s),
        Format::Table => {
            let mut rows = Vec::new();
            for (carrier, classes) in &s.lines {
                for (class, c) in classes {
                    rows.push(vec![
                        carrier.clone(),
                        class.clone(),
                        c.count.to_string(),
                        c.billed_total.to_string(),
                        c.expected_total.to_string(),
                        c.disputed.to_string(),
                    ]);
                }
            }
            print_table(
                &[
                    "carrier", "class", "lines", "billed", "expected", "disputed",
                ],
                &rows,
            )?;
            let mut rows = Vec::new();
            for (carrier, classes) in &s.refunds {
                for (class, c) in classes {
                    rows.push(vec![
                        carrier.clone(),
                        class.clone(),
                        c.count.to_string(),
                        c.due.to_string(),
                        c.received.to_string(),
                    ]);
                }
            }
            println!();
            print_table(
                &["carrier", "refund class", "parcels", "due", "received"],
                &rows,
            )?;
            let rejects: u64 = s.rejects.values().sum();
            let holds =
                s.identity.iter().all(|i| i.holds) && s.row_identity.values().all(|r| r.holds);
            println!(
                "\n{rejects} rejected rows (rejects.csv); identity {}",
                if holds { "holds" } else { "FAILED" }
            );
            Ok(())
        }
    }
}

/// `courier gen`.
#[derive(clap::Args)]
pub struct GenArgs {
    /// Parcels to generate.
    #[arg(long)]
    parcels: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The tariffs folder whose carriers and methods are used.
    #[arg(long, default_value = "data/tariffs")]
    tariffs: PathBuf,
    #[arg(long)]
    out: PathBuf,
}

/// Runs `courier gen`.
pub fn run_gen(a: GenArgs, format: Format) -> Result<ExitCode, CliError> {
    let book = TariffBook::load(&a.tariffs)?;
    let counts = generate(a.parcels, a.seed, &book, &a.out)?;
    match format {
        Format::Json => print_json(&counts)?,
        Format::Table => print_table(
            &[
                "parcels",
                "invoice lines",
                "tracking events",
                "refunds",
                "truth rows",
            ],
            &[vec![
                counts.parcels.to_string(),
                counts.invoice_lines.to_string(),
                counts.tracking_events.to_string(),
                counts.refunds.to_string(),
                counts.truth_rows.to_string(),
            ]],
        )?,
    }
    Ok(ExitCode::SUCCESS)
}
