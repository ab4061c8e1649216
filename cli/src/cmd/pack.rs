//! `courier pack` (issue 2).

use std::process::ExitCode;

use crate::output::{CliError, Format};

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _format: Format) -> Result<ExitCode, CliError> {
    Err(CliError("courier pack: not built yet".into()))
}
