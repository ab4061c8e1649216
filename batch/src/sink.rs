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

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::csv_record::push_row;
use crate::direct_io::BlockWriter;
use crate::error::BatchError;
use crate::report::{self, ReportRows};
use crate::summary::{Summary, SummaryBuilder};
use crate::table::{Cells, ReadCounts, TableKind};

/// Rows per Parquet row group of `lines.parquet`: a fixed count, so the file's bytes do
/// not depend on how the rows arrived.
const PARQUET_BATCH: usize = 1 << 16;

/// Rows per window of [`Sink::rows`]: each window's CSV is rendered in chunks of
/// [`RENDER_CHUNK`] rows, in parallel.
const RENDER_WINDOW: usize = 1 << 15;
const RENDER_CHUNK: usize = 1 << 11;

/// The CSV text of consecutive records.
fn render_records<'r, R: Cells + ?Sized + 'r>(
    rows: impl IntoIterator<Item = &'r R>,
    capacity: usize,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    for r in rows {
        push_row(&mut out, r);
    }
    out
}

/// The CSV text of `rows`, rendered on every core, in pieces: a record's text does not
/// depend on the records before it, so the pieces written in order are the bytes of
/// one writer (and are written as they are, not joined into one more copy first).
fn render_csv<R: Cells + Sync>(rows: &[R]) -> Vec<Vec<u8>> {
    use rayon::prelude::*;
    rows.par_chunks(RENDER_CHUNK)
        .map(|chunk| render_records(chunk, chunk.len() * 256))
        .collect()
}

/// The folder a sink writes into before the outputs are moved into `DIR`.
const PARTIAL: &str = ".courier-partial";

/// A CSV output file: its records are rendered by [`render_records`] and written here,
/// past the page cache ([`BlockWriter`]: the copy into the kernel's cache was about 6
/// CPU-seconds of a 10 M run).
type CsvOut = BlockWriter;

fn csv_out(path: &Path, columns: &[String]) -> Result<CsvOut, BatchError> {
    let mut w = BlockWriter::create(path).map_err(|e| BatchError::io(path, e))?;
    let header = render_records([columns], 256);
    w.write_all(&header).map_err(|e| BatchError::io(path, e))?;
    Ok(w)
}

/// `lines.parquet`: every column as text (amounts stay exact, the same text as the CSV),
/// written in row groups of [`PARQUET_BATCH`] rows.
///
/// Rows are gathered into a batch of text columns (one string per column holding its
/// cells end to end, not one allocation per cell), and each full batch is encoded and
/// written by a thread of its own while the caller goes on with the CSV: the same
/// frames in the same order, so the same bytes, with the encoding off the row loop.
pub(crate) struct ParquetLines {
    path: PathBuf,
    batch: TextBatch,
    width: usize,
    to_writer: Option<std::sync::mpsc::SyncSender<TextBatch>>,
    writer: Option<std::thread::JoinHandle<Result<(), BatchError>>>,
}

/// One row group's cells, column by column: `text[c]` holds column `c`'s cells end to
/// end, `ends[c][r]` where row `r`'s cell ends.
struct TextBatch {
    text: Vec<String>,
    ends: Vec<Vec<usize>>,
}

impl TextBatch {
    fn new(width: usize) -> TextBatch {
        TextBatch {
            text: vec![String::new(); width],
            ends: vec![Vec::with_capacity(PARQUET_BATCH); width],
        }
    }

    fn rows(&self) -> usize {
        self.ends.first().map_or(0, Vec::len)
    }

    /// Column `c` as cells.
    fn cells(&self, c: usize) -> Vec<&str> {
        let (text, ends) = (&self.text[c], &self.ends[c]);
        let mut start = 0;
        ends.iter()
            .map(|&end| {
                let cell = &text[start..end];
                start = end;
                cell
            })
            .collect()
    }
}

impl ParquetLines {
    pub(crate) fn create(path: &Path, columns: Vec<String>) -> Result<ParquetLines, BatchError> {
        let mut out = BlockWriter::create(path).map_err(|e| BatchError::io(path, e))?;
        let width = columns.len();
        let schema = Self::frame(path, &columns, &TextBatch::new(width))?
            .schema()
            .clone();
        let (tx, rx) = std::sync::mpsc::sync_channel::<TextBatch>(2);
        let thread_path = path.to_path_buf();
        let handle = std::thread::spawn(move || {
            let bad = |e| Self::bad(&thread_path, e);
            // Borrowed, so that the file can be finished once polars is done with it.
            let mut writer = ParquetWriter::new(&mut out).batched(&schema).map_err(bad)?;
            for batch in rx {
                let df = Self::frame(&thread_path, &columns, &batch)?;
                writer.write_batch(&df).map_err(bad)?;
            }
            writer.finish().map_err(bad)?;
            drop(writer);
            out.finish().map_err(|e| BatchError::io(&thread_path, e))
        });
        Ok(ParquetLines {
            path: path.to_path_buf(),
            batch: TextBatch::new(width),
            width,
            to_writer: Some(tx),
            writer: Some(handle),
        })
    }

    fn bad(path: &Path, e: PolarsError) -> BatchError {
        BatchError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }

    fn frame(path: &Path, names: &[String], batch: &TextBatch) -> Result<DataFrame, BatchError> {
        let columns: Vec<Column> = names
            .iter()
            .enumerate()
            .map(|(c, n)| Column::new(n.as_str().into(), batch.cells(c)))
            .collect();
        DataFrame::new(batch.rows(), columns).map_err(|e| Self::bad(path, e))
    }

    pub(crate) fn push<R: Cells + ?Sized>(&mut self, row: &R) -> Result<(), BatchError> {
        let b = &mut self.batch;
        for ((text, ends), cell) in b.text.iter_mut().zip(&mut b.ends).zip(row.cells()) {
            text.push_str(cell);
            ends.push(text.len());
        }
        if b.rows() >= PARQUET_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands the gathered batch to the writing thread.
    fn flush(&mut self) -> Result<(), BatchError> {
        if self.batch.rows() == 0 {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.batch, TextBatch::new(self.width));
        let sent = self
            .to_writer
            .as_ref()
            .is_some_and(|tx| tx.send(full).is_ok());
        if !sent {
            // The thread stopped on an error: it is the answer.
            self.to_writer = None;
            return self.join();
        }
        Ok(())
    }

    fn join(&mut self) -> Result<(), BatchError> {
        match self.writer.take() {
            Some(h) => h.join().unwrap_or_else(|_| {
                Err(BatchError::Parquet {
                    path: self.path.clone(),
                    message: "the Parquet writer thread panicked".into(),
                })
            }),
            None => Err(BatchError::Parquet {
                path: self.path.clone(),
                message: "the Parquet writer already stopped".into(),
            }),
        }
    }

    pub(crate) fn finish(mut self) -> Result<(), BatchError> {
        self.flush()?;
        self.to_writer = None; // ends the thread's loop
        self.join()
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

    fn check_width<R: Cells + ?Sized>(&self, kind: TableKind, r: &R) -> Result<(), BatchError> {
        let i = kind as usize;
        if r.width() != self.widths[i] {
            return Err(BatchError::Merge(format!(
                "a {} row has {} fields, the table {}",
                kind.file_name(),
                r.width(),
                self.widths[i]
            )));
        }
        Ok(())
    }

    /// Writes one row of `kind`.
    pub fn row<R: Cells + ?Sized>(&mut self, kind: TableKind, r: &R) -> Result<(), BatchError> {
        self.check_width(kind, r)?;
        let i = kind as usize;
        let path = || self.partial.join(kind.file_name());
        let bytes = render_records([r], 256);
        self.csv[i]
            .write_all(&bytes)
            .map_err(|e| BatchError::io(path(), e))?;
        self.gather(kind, r)
    }

    /// What every row feeds besides its CSV line: the Parquet lines, the summary, the
    /// report.
    fn gather<R: Cells + ?Sized>(&mut self, kind: TableKind, r: &R) -> Result<(), BatchError> {
        if kind == TableKind::Lines {
            self.parquet.push(r)?;
        }
        self.summary.add(kind, r);
        self.report.add(kind, r);
        Ok(())
    }

    /// Writes consecutive rows of `kind`: the bytes of as many [`Sink::row`] calls. The
    /// CSV text of a window of rows is rendered on every core (a record's text does not
    /// depend on the records before it) while the previous window is written and
    /// gathered, so the row loop is no longer one core's work.
    pub fn rows<R: Cells + Sync>(&mut self, kind: TableKind, rows: &[R]) -> Result<(), BatchError> {
        for r in rows {
            self.check_width(kind, r)?;
        }
        let windows: Vec<&[R]> = rows.chunks(RENDER_WINDOW).collect();
        let mut pending: Option<(&[R], Vec<Vec<u8>>)> = None;
        for w in windows.into_iter().map(Some).chain([None]) {
            let (rendered, written) = rayon::join(
                || w.map(|w| (w, render_csv(w))),
                || match pending.take() {
                    Some((rows, bytes)) => self.write_rendered(kind, rows, &bytes),
                    None => Ok(()),
                },
            );
            written?;
            pending = rendered;
        }
        Ok(())
    }

    fn write_rendered<R: Cells>(
        &mut self,
        kind: TableKind,
        rows: &[R],
        pieces: &[Vec<u8>],
    ) -> Result<(), BatchError> {
        let i = kind as usize;
        let path = || self.partial.join(kind.file_name());
        for bytes in pieces {
            self.csv[i]
                .write_all(bytes)
                .map_err(|e| BatchError::io(path(), e))?;
        }
        for r in rows {
            self.gather(kind, r)?;
        }
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
            w.finish().map_err(|e| BatchError::io(&path, e))?;
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
            "share": counts.share,
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
