//! `courier inpost` (issue 4).

use std::process::ExitCode;

use crate::output::{CliError, Format};

#[derive(clap::Subcommand)]
pub enum Command {
    /// The weekend add-on's ordering window.
    Window {},
}

pub fn run(_c: Command, _format: Format) -> Result<ExitCode, CliError> {
    Err(CliError("courier inpost: not built yet (issue 4)".into()))
}
