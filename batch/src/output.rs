//! Writing a run's tables: `lines.csv`, `lines.parquet`, `parcels.csv`, `refunds.csv`,
//! `rejects.csv`, `summary.json`, `report.html` (through the [`Sink`]).

use std::path::Path;

use crate::error::BatchError;
use crate::sink::Sink;
use crate::summary::Summary;
use crate::table::{TableKind, Tables};

/// Writes every output into `dir` (created if missing; files replaced) and returns the
/// summary. The identity check runs before anything is moved into `dir`: when it fails
/// no output is left there.
pub fn write_outputs(dir: &Path, t: &Tables) -> Result<Summary, BatchError> {
    let mut sink = Sink::create(dir)?;
    for kind in TableKind::ALL {
        sink.rows(kind, &t.table(kind).rows)?;
    }
    sink.finish(&t.counts(), &t.options)
}
