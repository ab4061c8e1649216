//! The output folder, written one row at a time.
//!
//! A run holds its tables only as long as it must: a single in-memory run feeds its
//! sorted tables here, and a merge (of partition folders, or of the buckets of a large
//! run) feeds the rows of its sorted inputs interleaved in output order — the same rows
//! in the same order through the same writer, hence the same bytes. The summary and the
//! report's lists are gathered as the rows pass ([`SummaryBuilder`], [`ReportRows`]).
//!
//! Everything is written into a hidden folder inside `DIR` and moved into place only
//! once the identity check has passed, so a failed run leaves no output that looks
//! finished (and a rerun into the same folder replaces the files).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::BatchError;
use crate::report::{self, ReportRows};
use crate::summary::{Summary, SummaryBuilder};
use crate::table::{Cells, ReadCounts, TableKind};

/// Rows per Parquet row group of `lines.parquet`: a fixed count, so the file's bytes do
/// not depend on how the rows arrived.
const PARQUET_BATCH: usize = 1 << 16;

/// The folder a sink writes into before the outputs are moved into `DIR`.
const PARTIAL: &str = ".courier-partial";

type CsvOut = csv::Writer<BufWriter<File>>;

fn csv_out(path: &Path, columns: &[String]) -> Result<CsvOut, BatchError> {
    let file = File::create(path).map_err(|e| BatchError::io(path, e))?;
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file));
    w.write_record(columns)
        .map_err(|e| BatchError::io(path, e))?;
    Ok(w)
}

/// `lines.parquet`: every column as text (amounts stay exact, the same text as the CSV),
/// written in row groups of [`PARQUET_BATCH`] rows.
pub(crate) struct ParquetLines {
    path: PathBuf,
    columns: Vec<String>,
    buffer: Vec<Vec<String>>,
    writer: polars::io::parquet::write::BatchedWriter<BufWriter<File>>,
}

impl ParquetLines {
    pub(crate) fn create(path: &Path, columns: Vec<String>) -> Result<ParquetLines, BatchError> {
        let file = File::create(path).map_err(|e| BatchError::io(path, e))?;
        let empty = Self::frame(path, &columns, &vec![Vec::new(); columns.len()])?;
        let writer = ParquetWriter::new(BufWriter::with_capacity(1 << 20, file))
            .batched(empty.schema())
            .map_err(|e| Self::bad(path, e))?;
        Ok(ParquetLines {
            path: path.to_path_buf(),
            buffer: vec![Vec::with_capacity(PARQUET_BATCH); columns.len()],
            columns,
            writer,
        })
    }

    fn bad(path: &Path, e: PolarsError) -> BatchError {
        BatchError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }

    fn frame(path: &Path, names: &[String], cols: &[Vec<String>]) -> Result<DataFrame, BatchError> {
        let height = cols.first().map_or(0, Vec::len);
        let columns: Vec<Column> = names
            .iter()
            .zip(cols)
            .map(|(n, values)| {
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                Column::new(n.as_str().into(), values)
            })
            .collect();
        DataFrame::new(height, columns).map_err(|e| Self::bad(path, e))
    }

    pub(crate) fn push<R: Cells + ?Sized>(&mut self, row: &R) -> Result<(), BatchError> {
        for (col, cell) in self.buffer.iter_mut().zip(row.cells()) {
            col.push(cell.to_string());
        }
        if self.buffer[0].len() >= PARQUET_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), BatchError> {
        if self.buffer.first().is_none_or(Vec::is_empty) {
            return Ok(());
        }
        let df = Self::frame(&self.path, &self.columns, &self.buffer)?;
        self.writer
            .write_batch(&df)
            .map_err(|e| Self::bad(&self.path, e))?;
        for c in &mut self.buffer {
            c.clear();
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<(), BatchError> {
        self.flush()?;
        self.writer.finish().map_err(|e| Self::bad(&self.path, e))?;
        Ok(())
    }
}

/// An output folder being written. Feed every row of every table in output order
/// ([`TableKind::cmp_rows`]), then [`Sink::finish`].
pub struct Sink {
    dir: PathBuf,
    partial: PathBuf,
    csv: [CsvOut; 4],
    parquet: ParquetLines,
    summary: SummaryBuilder,
    report: ReportRows,
    widths: [usize; 4],
}

impl Sink {
    /// Starts writing into `dir` (created if missing).
    pub fn create(dir: &Path) -> Result<Sink, BatchError> {
        let partial = dir.join(PARTIAL);
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(|e| BatchError::io(&partial, e))?;
        }
        std::fs::create_dir_all(&partial).map_err(|e| BatchError::io(&partial, e))?;
        let open = |k: TableKind| csv_out(&partial.join(k.file_name()), &k.columns());
        Ok(Sink {
            csv: [
                open(TableKind::Lines)?,
                open(TableKind::Parcels)?,
                open(TableKind::Refunds)?,
                open(TableKind::Rejects)?,
            ],
            parquet: ParquetLines::create(
                &partial.join("lines.parquet"),
                TableKind::Lines.columns(),
            )?,
            widths: TableKind::ALL.map(|k| k.columns().len()),
            dir: dir.to_path_buf(),
            partial,
            summary: SummaryBuilder::new(),
            report: ReportRows::default(),
        })
    }

    /// Writes one row of `kind`.
    pub fn row<R: Cells + ?Sized>(&mut self, kind: TableKind, r: &R) -> Result<(), BatchError> {
        let i = kind as usize;
        if r.width() != self.widths[i] {
            return Err(BatchError::Merge(format!(
                "a {} row has {} fields, the table {}",
                kind.file_name(),
                r.width(),
                self.widths[i]
            )));
        }
        let path = || self.partial.join(kind.file_name());
        self.csv[i]
            .write_record(r.cells())
            .map_err(|e| BatchError::io(path(), e))?;
        if kind == TableKind::Lines {
            self.parquet.push(r)?;
        }
        self.summary.add(kind, r);
        self.report.add(kind, r);
        Ok(())
    }

    /// Checks the identities, writes `summary.json`, `report.html` and `partition.json`,
    /// and moves every file into the folder. On a failed identity nothing is moved.
    pub fn finish(
        self,
        counts: &ReadCounts,
        options: &serde_json::Value,
    ) -> Result<Summary, BatchError> {
        let partial = self.partial.clone();
        let result = self.write_rest(counts, options);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&partial);
        }
        result
    }

    fn write_rest(
        self,
        counts: &ReadCounts,
        options: &serde_json::Value,
    ) -> Result<Summary, BatchError> {
        for (w, k) in self.csv.into_iter().zip(TableKind::ALL) {
            let path = self.partial.join(k.file_name());
            w.into_inner()
                .map_err(|e| BatchError::io(&path, e.into_error()))?
                .flush()
                .map_err(|e| BatchError::io(&path, e))?;
        }
        self.parquet.finish()?;
        let summary = self.summary.finish(counts, options)?;
        let write = |name: &str, text: String| {
            let path = self.partial.join(name);
            std::fs::write(&path, text).map_err(|e| BatchError::io(&path, e))
        };
        let json =
            serde_json::to_string_pretty(&summary).map_err(|e| BatchError::io(&self.dir, e))?;
        write("summary.json", json + "\n")?;
        write("report.html", report::render(&summary, &self.report))?;
        // A sidecar with the run's counts and money read, which a merge adds up.
        let side = serde_json::json!({
            "files": counts.files,
            "money_in": counts.money_in,
            "tracking_used": counts.tracking_used,
            "tracking_unused": counts.tracking_unused,
            "options": options,
        });
        let side = serde_json::to_string_pretty(&side).map_err(|e| BatchError::io(&self.dir, e))?;
        write("partition.json", side + "\n")?;
        let names = TableKind::ALL.map(TableKind::file_name).into_iter().chain([
            "lines.parquet",
            "summary.json",
            "report.html",
            "partition.json",
        ]);
        for name in names {
            let (from, to) = (self.partial.join(name), self.dir.join(name));
            std::fs::rename(&from, &to).map_err(|e| BatchError::io(&to, e))?;
        }
        std::fs::remove_dir(&self.partial).map_err(|e| BatchError::io(&self.partial, e))?;
        Ok(summary)
    }
}
