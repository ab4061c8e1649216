//! `courier validate` (issue 5).

use std::process::ExitCode;

use crate::output::{CliError, Format};

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _format: Format) -> Result<ExitCode, CliError> {
    Err(CliError("courier validate: not built yet (issue 5)".into()))
}
