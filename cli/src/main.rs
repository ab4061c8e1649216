//! `courier`: one command-line tool over the engine and the rules.
//!
//! Every subcommand takes `--format json|table`; the default is JSON when standard
//! output is not a terminal and a table when it is. Bad input exits non-zero with a
//! message naming the file, row and field; nothing panics.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod allocator;
mod cmd;
mod output;

use output::Format;

#[derive(Parser)]
#[command(
    name = "courier",
    version,
    about = "Parcel-logistics rules and pricing engine"
)]
struct Cli {
    /// Output format; defaults to json when stdout is not a terminal, table otherwise.
    #[arg(long, global = true, value_enum)]
    format: Option<Format>,
    /// Largest input file read, in MiB (default 64, or COURIER_MAX_INPUT_MB); a larger
    /// input is refused with an error instead of exhausting memory.
    #[arg(long, global = true, value_name = "MIB")]
    max_input_mb: Option<u64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Pack goods into the smallest parcel (Aplix CheckDimensions), check delivery-method
    /// limits, choose a carton.
    Pack(cmd::pack::Args),
    /// Price a parcel with every delivery method of a tariff (Aplix CalculateShippingCost).
    Quote(cmd::quote::Args),
    /// Tariff files: validate.
    #[command(subcommand)]
    Tariff(cmd::quote::TariffCommand),
    /// Tariff benchmarking: what a registry's parcels would have cost under other tariffs.
    #[command(subcommand)]
    Tariffs(cmd::tariffs::Command),
    /// InPost weekend delivery add-on: window, eligibility, refunds.
    #[command(subcommand)]
    Inpost(cmd::inpost::Command),
    /// The nightly reconciliation of registries, invoices, tracking and refunds.
    Reconcile(cmd::reconcile::Args),
    /// Generate a realistic reconciliation dataset with known injected errors.
    Gen(cmd::reconcile::GenArgs),
    /// Validate a carrier request payload and print the errors in the carrier's shape.
    Validate(cmd::validate::Args),
    /// Run the inbound HTTP services (Tastamat partner services, Fastriver callbacks).
    Serve(cmd::serve::ServeArgs),
    /// Load data into the server's store.
    #[command(subcommand)]
    Import(cmd::serve::ImportCommand),
    /// Call one carrier API operation by hand and print its typed result.
    Call(cmd::call::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.format.unwrap_or_else(Format::detect);
    let max_input_mb = match (cli.max_input_mb, std::env::var("COURIER_MAX_INPUT_MB")) {
        (Some(mb), _) => mb,
        (None, Ok(v)) => match v.trim().parse() {
            Ok(mb) => mb,
            Err(_) => {
                eprintln!("error: COURIER_MAX_INPUT_MB: {v:?} is not a whole number of MiB");
                return ExitCode::from(2);
            }
        },
        (None, Err(_)) => output::DEFAULT_MAX_INPUT_MB,
    };
    output::set_max_input_mb(max_input_mb);
    let result = match cli.command {
        Command::Pack(args) => cmd::pack::run(args, format),
        Command::Quote(args) => cmd::quote::run(args, format),
        Command::Tariff(c) => cmd::quote::run_tariff(c, format),
        Command::Tariffs(c) => cmd::tariffs::run(c, format),
        Command::Inpost(c) => cmd::inpost::run(c, format),
        Command::Validate(args) => cmd::validate::run(args, format),
        Command::Reconcile(args) => {
            allocator::keep_freed_memory();
            cmd::reconcile::run(args, format)
        }
        Command::Gen(args) => cmd::reconcile::run_gen(args, format),
        Command::Serve(args) => cmd::serve::run(args, format),
        Command::Import(c) => cmd::serve::run_import(c, format),
        Command::Call(args) => cmd::call::run(args, format),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
