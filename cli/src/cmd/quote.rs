//! `courier quote` and `courier tariff` (issue 3).

use std::process::ExitCode;

use crate::output::{CliError, Format};

#[derive(clap::Args)]
pub struct Args {}

#[derive(clap::Subcommand)]
pub enum TariffCommand {
    /// Validate a tariff file.
    Check { file: std::path::PathBuf },
}

pub fn run(_args: Args, _format: Format) -> Result<ExitCode, CliError> {
    Err(CliError("courier quote: not built yet (issue 3)".into()))
}

pub fn run_tariff(_c: TariffCommand, _format: Format) -> Result<ExitCode, CliError> {
    Err(CliError("courier tariff: not built yet (issue 3)".into()))
}
