//! Writing a run's tables: `lines.csv`, `lines.parquet`, `parcels.csv`, `refunds.csv`,
//! `rejects.csv`, `summary.json`, `report.html` (through the [`Sink`]), and the bare
//! sorted tables a bucket of a large run leaves for the final merge.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::BatchError;
use crate::sink::{render_csv, Sink};
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

/// Writes the four sorted tables alone as CSV into `dir` (a bucket's share of a large
/// run, merged later by [`crate::merge`]).
pub(crate) fn write_tables_csv(dir: &Path, t: &Tables) -> Result<(), BatchError> {
    std::fs::create_dir_all(dir).map_err(|e| BatchError::io(dir, e))?;
    for kind in TableKind::ALL {
        let path = dir.join(kind.file_name());
        let file = File::create(&path).map_err(|e| BatchError::io(&path, e))?;
        let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file));
        let io = |e: csv::Error| BatchError::io(&path, e);
        let table = t.table(kind);
        w.write_record(&table.columns).map_err(io)?;
        let mut file = w
            .into_inner()
            .map_err(|e| BatchError::io(&path, e.into_error()))?;
        // The rows' text rendered on every core, a window at a time.
        for window in table.rows.chunks(1 << 15) {
            let bytes = render_csv(window).map_err(|e| BatchError::io(&path, e))?;
            file.write_all(&bytes)
                .map_err(|e| BatchError::io(&path, e))?;
        }
        file.flush().map_err(|e| BatchError::io(&path, e))?;
    }
    Ok(())
}
