//! Runs larger than memory: the orders split into buckets, each bucket reconciled
//! alone, the outputs merged in order.
//!
//! Reconciliation is independent per order: a parcel, its invoice lines, its tracking
//! events and its refunds meet only each other, and every repeat rule keys on the order
//! too. So a run can send each input row to bucket `hash(order_id) / P mod B` (the
//! documented partition hash, [`Partition::bucket_of`]) in one pass, reconcile the
//! buckets one after another — each holding a B-th of the rows — and interleave their
//! sorted tables into the output ([`crate::merge`]), exactly as a merge of partitions
//! does. The outputs are the same bytes for any bucket count, which the tests check;
//! only memory and disk use change.
//!
//! The pass keeps a CSV input where it is and notes, per bucket, where each of its rows
//! starts and on which line ([`crate::row_starts`]); the bucket reads them in place. A
//! Parquet input's rows are copied, raw fields behind their original line, into bucket
//! files in `DIR/.courier-buckets`, removed as they are used. The buckets' tables are
//! written there too ([`crate::row_file`]) until the merge.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::csv_record::push_raw_record;
use crate::error::BatchError;
use crate::merge::{interleave_buckets, write_bucket_tables};
use crate::output::write_outputs;
use crate::partition::Partition;
use crate::profile::FormatProfile;
use crate::reconcile::{reconcile_files, InputFiles, Options, Setup};
use crate::records;
use crate::reject::InputKind;
use crate::row_starts::{RowStart, RowStarts};
use crate::sink::Sink;
use crate::source::{self, FileFormat, InputFile, Layout, LINE_COLUMN};
use crate::summary::Summary;
use crate::table::ReadCounts;

/// Input bytes per bucket when the count is not given. A bucket's rows, parsed and
/// classified, take about four times their CSV text in memory since output rows are one
/// buffer each ([`crate::table::Row`]): two million parcels, 716 MB of CSV, peak at
/// 2.8 GiB in one bucket (`BENCHMARKS.md`), so a bucket of this size stays well under
/// the 6 GiB target, and two million parcels need no bucket pass.
pub const DEFAULT_BUCKET_BYTES: u64 = 768 << 20;

/// Parquet is compressed: its bytes count this many times toward a bucket (the
/// generated inputs as written by polars: 358 MB of CSV, 29 MB of Parquet).
const PARQUET_EXPANSION: u64 = 12;

const WORK: &str = ".courier-buckets";

/// The bucket count for these inputs when none is given.
pub fn auto_buckets(files: &InputFiles) -> u32 {
    let bytes: u64 = [
        &files.registry,
        &files.invoices,
        &files.tracking,
        &files.refunds,
    ]
    .iter()
    .flat_map(|fs| fs.iter())
    .map(|f| {
        let len = std::fs::metadata(&f.path).map_or(0, |m| m.len());
        match f.format {
            FileFormat::Csv => len,
            FileFormat::Parquet => len.saturating_mul(PARQUET_EXPANSION),
        }
    })
    .sum();
    bytes.div_ceil(DEFAULT_BUCKET_BYTES).clamp(1, 4096) as u32
}

/// Runs the reconciliation of `opts` into `out` — in memory when one bucket is enough,
/// in buckets otherwise — and returns the summary.
pub fn run(opts: &Options, out: &Path, progress: &dyn Fn(&str)) -> Result<Summary, BatchError> {
    let setup = Setup::load(opts)?;
    let files = InputFiles::discover(opts)?;
    let buckets = match opts.buckets {
        Some(0) => return Err(BatchError::Option("--buckets must be at least 1".into())),
        Some(b) => b,
        None => auto_buckets(&files),
    };
    if buckets == 1 {
        let t = reconcile_files(opts, &setup, files, opts.partition, progress)?;
        progress("writing outputs");
        let summary = write_outputs(out, &t);
        // Tens of millions of cells to free: a tenth of a run's time, and nothing waits
        // on it, so it happens on a thread of its own (cut short if the process ends).
        std::thread::spawn(move || drop(t));
        return summary;
    }
    std::fs::create_dir_all(out).map_err(|e| BatchError::io(out, e))?;
    let work = out.join(WORK);
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| BatchError::io(&work, e))?;
    }
    let result = run_buckets(opts, &setup, files, buckets, &work, out, progress);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_buckets(
    opts: &Options,
    setup: &Setup,
    files: InputFiles,
    buckets: u32,
    work: &Path,
    out: &Path,
    progress: &dyn Fn(&str),
) -> Result<Summary, BatchError> {
    progress(&format!("splitting the inputs into {buckets} buckets"));
    let split = scatter(setup, &files, opts.partition, buckets, work)?;
    let mut counts = ReadCounts {
        share: files.share(opts.partition)?,
        ..ReadCounts::default()
    };
    let mut options = serde_json::Value::Null;
    let mut dirs = Vec::with_capacity(split.len());
    // A bucket's tables are freed on a thread of their own while the next bucket is
    // read — millions of rows, part of the ≈ 2 s each bucket ended with on one core at
    // 10 M (BENCHMARKS.md) — one bucket at a time, so memory holds at most two buckets'
    // tables.
    let mut freeing: Option<std::thread::JoinHandle<()>> = None;
    for (k, bucket_files) in split.into_iter().enumerate() {
        progress(&format!("reconciling bucket {} of {buckets}", k + 1));
        let inputs = bucket_dir(work, k as u32);
        let t = reconcile_files(opts, setup, bucket_files, Partition::ALL, &|_| {})?;
        counts.add(&t.files, &t.money_in, t.tracking_used, t.tracking_unused);
        options = t.options.clone();
        let dir = work.join(format!("out-{k:04}"));
        write_bucket_tables(&dir, &t)?;
        if let Some(h) = freeing.take() {
            let _ = h.join();
        }
        freeing = Some(std::thread::spawn(move || drop(t)));
        std::fs::remove_dir_all(&inputs).map_err(|e| BatchError::io(&inputs, e))?;
        dirs.push(dir);
    }
    progress("merging the buckets");
    let mut sink = Sink::create(out)?;
    interleave_buckets(&dirs, &mut sink)?;
    sink.finish(&counts, &options)
}

fn bucket_dir(work: &Path, k: u32) -> PathBuf {
    work.join(format!("in-{k:04}"))
}

/// Sends every row of every input file that `part` takes to its bucket — a CSV file's
/// by noting where the row starts ([`index_file`]), a Parquet file's by copying it into
/// the bucket's file ([`scatter_file`]) — and returns each bucket's files: one per input
/// file, in the inputs' order (a bucket with no row of a file still reads its header,
/// so file counts and file order are the same in every bucket).
fn scatter(
    setup: &Setup,
    files: &InputFiles,
    part: Partition,
    buckets: u32,
    work: &Path,
) -> Result<Vec<InputFiles>, BatchError> {
    let inputs: [(InputKind, &Vec<InputFile>, Layout, &FormatProfile); 4] = [
        (
            InputKind::Registry,
            &files.registry,
            records::REGISTRY,
            &setup.canonical,
        ),
        (
            InputKind::Invoices,
            &files.invoices,
            records::INVOICES,
            &setup.invoice_profile,
        ),
        (
            InputKind::Tracking,
            &files.tracking,
            records::TRACKING,
            &setup.canonical,
        ),
        (
            InputKind::Refunds,
            &files.refunds,
            records::REFUNDS,
            &setup.canonical,
        ),
    ];
    for k in 0..buckets {
        let d = bucket_dir(work, k);
        std::fs::create_dir_all(&d).map_err(|e| BatchError::io(&d, e))?;
    }
    let jobs: Vec<(InputKind, usize, &InputFile, Layout, &FormatProfile)> = inputs
        .iter()
        .flat_map(|(kind, fs, layout, profile)| {
            fs.iter()
                .enumerate()
                .map(move |(i, f)| (*kind, i, f, *layout, *profile))
        })
        .collect();
    let done: Vec<Result<Vec<InputFile>, BatchError>> = jobs
        .par_iter()
        .map(|(kind, i, f, layout, profile)| match f.format {
            FileFormat::Csv => index_file(f, *layout, profile, part, buckets),
            FileFormat::Parquet => {
                let paths: Vec<PathBuf> = (0..buckets)
                    .map(|k| bucket_dir(work, k).join(format!("{}-{i:06}.csv", kind.name())))
                    .collect();
                scatter_file(f, *layout, profile, part, &paths)?;
                Ok(paths
                    .into_iter()
                    .map(|path| InputFile {
                        path,
                        format: FileFormat::Csv,
                        origin: Some(f.path.clone()),
                        rows: None,
                    })
                    .collect())
            }
        })
        .collect();
    let mut split: Vec<InputFiles> = (0..buckets)
        .map(|_| InputFiles {
            registry: Vec::new(),
            invoices: Vec::new(),
            tracking: Vec::new(),
            refunds: Vec::new(),
        })
        .collect();
    for ((kind, _, _, _, _), shares) in jobs.iter().zip(done) {
        for (bucket, file) in split.iter_mut().zip(shares?) {
            match kind {
                InputKind::Registry => bucket.registry.push(file),
                InputKind::Invoices => bucket.invoices.push(file),
                InputKind::Tracking => bucket.tracking.push(file),
                InputKind::Refunds => bucket.refunds.push(file),
            }
        }
    }
    Ok(split)
}

/// Notes where each row of the CSV file `file` that `part` takes starts, per bucket:
/// each bucket's share of the file, read in place ([`crate::row_starts`]). The rows are
/// read on every core, a chunk at a time ([`source::fold_row_chunks`]), and each chunk's
/// starts appended in file order.
fn index_file(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    part: Partition,
    buckets: u32,
) -> Result<Vec<InputFile>, BatchError> {
    let len = std::fs::metadata(&file.path)
        .map_err(|e| BatchError::io(&file.path, e))?
        .len();
    let n = buckets as usize;
    let mut shares: Vec<RowStarts> = (0..n).map(|_| RowStarts::new(len)).collect();
    let mut disorder: Option<String> = None;
    source::fold_row_chunks(
        file,
        layout,
        profile,
        || vec![Vec::new(); n],
        |acc: &mut Vec<Vec<RowStart>>, line, rec| {
            let order = rec.get("order_id").ok().flatten().map(str::trim);
            if !part.takes(order) {
                return;
            }
            let k = part.bucket_of(order, buckets) as usize;
            // A CSV row always has its start. Were one missing, 0 — the header's byte,
            // never a data row's — is refused by `RowStarts::push`, and the run fails
            // naming the file rather than reading the header as a row.
            let offset = rec.start().unwrap_or(0);
            acc[k].push(RowStart { offset, line });
        },
        |chunk| {
            for (share, rows) in shares.iter_mut().zip(chunk) {
                for row in rows {
                    if let Err(e) = share.push(row) {
                        disorder.get_or_insert(e);
                    }
                }
            }
        },
    )?;
    if let Some(e) = disorder {
        return Err(BatchError::Identity(format!("{}: {e}", file.name())));
    }
    Ok(shares
        .into_iter()
        .map(|rows| InputFile {
            rows: Some(Arc::new(rows)),
            ..file.clone()
        })
        .collect())
}

/// One chunk of a file's rows, rendered: `rows[k]` the records for bucket `k`, and the
/// file's header (the bucket files' header, for whichever chunk opens them first).
struct Rendered {
    rows: Vec<Vec<u8>>,
    header: Option<Vec<String>>,
}

/// Copies the rows of `file` (a Parquet input: a CSV input is read in place, see
/// [`index_file`]) that `part` takes into the bucket files `paths`, each row behind its
/// original line. The fields are copied as read, bytes and all (a row that
/// is not UTF-8 is rejected in its bucket just as it would be in one run), and written
/// by [`push_raw_record`] in the input's delimiter, which reads back as the same fields.
/// The rows are rendered on every core, a chunk at a time ([`source::fold_row_chunks`]),
/// and each chunk's records are appended to the bucket files in file order: the bytes of
/// a row-by-row copy.
fn scatter_file(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    part: Partition,
    paths: &[PathBuf],
) -> Result<(), BatchError> {
    let delimiter = profile.delimiter();
    let open = |path: &Path, header: &[String]| -> Result<BufWriter<File>, BatchError> {
        let f = File::create(path).map_err(|e| BatchError::io(path, e))?;
        let mut w = BufWriter::with_capacity(1 << 16, f);
        let mut text = Vec::with_capacity(1024);
        push_raw_record(
            &mut text,
            delimiter,
            std::iter::once(LINE_COLUMN.as_bytes()).chain(header.iter().map(|h| h.as_bytes())),
        );
        w.write_all(&text).map_err(|e| BatchError::io(path, e))?;
        Ok(w)
    };
    let buckets = paths.len() as u32;
    let render = |acc: &mut Rendered, line: u64, rec: &source::Record<'_>| {
        if acc.header.is_none() {
            acc.header = Some(rec.header().to_vec());
        }
        let order = rec.get("order_id").ok().flatten().map(str::trim);
        if !part.takes(order) {
            return;
        }
        let k = part.bucket_of(order, buckets) as usize;
        let mut number = itoa::Buffer::new();
        push_raw_record(
            &mut acc.rows[k],
            delimiter,
            std::iter::once(number.format(line).as_bytes()).chain(rec.raw_fields().iter().copied()),
        );
    };
    let mut writers: Vec<Option<BufWriter<File>>> = paths.iter().map(|_| None).collect();
    let mut failed: Option<BatchError> = None;
    let header = source::fold_row_chunks(
        file,
        layout,
        profile,
        || Rendered {
            rows: vec![Vec::new(); paths.len()],
            header: None,
        },
        render,
        |chunk| {
            for (k, rows) in chunk.rows.iter().enumerate() {
                if rows.is_empty() || failed.is_some() {
                    continue;
                }
                let w = match &mut writers[k] {
                    Some(w) => w,
                    slot => match open(&paths[k], chunk.header.as_deref().unwrap_or_default()) {
                        Ok(w) => slot.insert(w),
                        Err(e) => {
                            failed = Some(e);
                            continue;
                        }
                    },
                };
                if let Err(e) = w.write_all(rows) {
                    failed = Some(BatchError::io(&paths[k], e));
                }
            }
        },
    )?;
    if let Some(e) = failed {
        return Err(e);
    }
    for (w, path) in writers.into_iter().zip(paths) {
        let mut w = match w {
            Some(w) => w,
            None => open(path, &header)?,
        };
        w.flush().map_err(|e| BatchError::io(path, e))?;
    }
    Ok(())
}
