//! `courier reconcile merge`: partition outputs into the bytes one run writes.
//!
//! Every partition reads every file and keeps the rows of its orders, so the per-file
//! counts and the money read add up, and each partition's tables are already in output
//! order: the merge interleaves them row by row ([`TableKind::cmp_rows`]) into the same
//! [`Sink`] a single run writes through, holding one row per partition, not the tables.
//! A large single run merges its buckets the same way ([`crate::bucket`]), from row
//! files ([`crate::row_file`]) rather than CSV.

use std::path::{Path, PathBuf};

use crate::error::BatchError;
use crate::row_file::{self, RowReader};
use crate::sink::Sink;
use crate::summary::Summary;
use crate::table::{Cells, FileCount, MoneyIn, ReadCounts, Row, RunShare, TableKind, Tables};

fn bad(path: &Path, e: impl std::fmt::Display) -> BatchError {
    BatchError::Merge(format!("{}: {e}", path.display()))
}

/// Where a merge reads a sorted table from: a partition's CSV or a bucket's row file.
trait RowSource {
    type Row: Cells + Sync;
    /// The next row in output order; `None` at the end.
    fn next_row(&mut self) -> Result<Option<Self::Row>, BatchError>;
}

/// A partition's table as CSV (a folder `courier reconcile --partition` wrote).
struct CsvTable {
    path: PathBuf,
    reader: csv::Reader<std::fs::File>,
    width: usize,
}

impl CsvTable {
    /// Opens `dir`'s table of `kind`; a folder whose columns are not this version's is
    /// refused here, not misread (the tables are read by position).
    fn open(dir: &Path, kind: TableKind) -> Result<CsvTable, BatchError> {
        let columns = kind.columns();
        let path = dir.join(kind.file_name());
        let mut reader = csv::Reader::from_path(&path).map_err(|e| bad(&path, e))?;
        let header = reader.headers().map_err(|e| bad(&path, e))?;
        if header.iter().ne(columns.iter().map(String::as_str)) {
            return Err(bad(
                &path,
                format!(
                    "the columns are not those this version writes ({})",
                    columns.join(",")
                ),
            ));
        }
        Ok(CsvTable {
            path,
            reader,
            width: columns.len(),
        })
    }
}

impl RowSource for CsvTable {
    type Row = csv::StringRecord;
    fn next_row(&mut self) -> Result<Option<csv::StringRecord>, BatchError> {
        let mut rec = csv::StringRecord::new();
        match self.reader.read_record(&mut rec) {
            Ok(true) if rec.len() != self.width => Err(bad(
                &self.path,
                format!(
                    "line {} has {} fields, the header {}",
                    rec.position().map_or(0, |p| p.line()),
                    rec.len(),
                    self.width
                ),
            )),
            Ok(true) => Ok(Some(rec)),
            Ok(false) => Ok(None),
            Err(e) => Err(bad(&self.path, e)),
        }
    }
}

impl RowSource for RowReader {
    type Row = Row;
    fn next_row(&mut self) -> Result<Option<Row>, BatchError> {
        RowReader::next_row(self)
    }
}

/// Interleaves the sorted CSV tables of the partition folders `dirs` into `sink`,
/// table by table, in output order.
fn interleave_csv(dirs: &[PathBuf], sink: &mut Sink) -> Result<(), BatchError> {
    for kind in TableKind::ALL {
        let sources = dirs
            .iter()
            .map(|d| CsvTable::open(d, kind))
            .collect::<Result<Vec<_>, _>>()?;
        interleave(kind, sources, sink)?;
    }
    Ok(())
}

/// Interleaves the row files of a large run's buckets ([`write_bucket_tables`]) into
/// `sink`, table by table, in output order.
pub(crate) fn interleave_buckets(dirs: &[PathBuf], sink: &mut Sink) -> Result<(), BatchError> {
    for kind in TableKind::ALL {
        let sources = dirs
            .iter()
            .map(|d| RowReader::open(&d.join(row_file_name(kind))))
            .collect::<Result<Vec<_>, _>>()?;
        interleave(kind, sources, sink)?;
    }
    Ok(())
}

fn row_file_name(kind: TableKind) -> String {
    kind.file_name().replace(".csv", ".rows")
}

/// Writes a bucket's sorted tables into `dir` as row files, for [`interleave_buckets`].
pub(crate) fn write_bucket_tables(dir: &Path, t: &Tables) -> Result<(), BatchError> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(|e| BatchError::io(dir, e))?;
    // The four tables at once: written one after another, the small ones left a core idle.
    TableKind::ALL
        .par_iter()
        .try_for_each(|&kind| row_file::write(&dir.join(row_file_name(kind)), &t.table(kind).rows))
}

/// Interleaves the sorted `sources` of one table into `sink`.
fn interleave<S: RowSource>(
    kind: TableKind,
    mut sources: Vec<S>,
    sink: &mut Sink,
) -> Result<(), BatchError> {
    let mut heads: Vec<Option<S::Row>> = Vec::with_capacity(sources.len());
    for s in &mut sources {
        heads.push(s.next_row()?);
    }
    // Few sources (partitions or buckets): a scan for the smallest head is cheaper
    // than a heap's bookkeeping. Rows go to the sink in runs ([`Sink::rows`]).
    let mut run: Vec<S::Row> = Vec::with_capacity(MERGE_RUN);
    loop {
        let mut best: Option<usize> = None;
        for (i, h) in heads.iter().enumerate() {
            let Some(h) = h else { continue };
            best = match best.and_then(|b| heads[b].as_ref().map(|x| (b, x))) {
                Some((b, x)) if kind.cmp_rows(x, h).is_le() => Some(b),
                _ => Some(i),
            };
        }
        let Some(b) = best else { break };
        if let Some(rec) = heads[b].take() {
            run.push(rec);
            if run.len() == MERGE_RUN {
                sink.rows(kind, &run)?;
                run.clear();
            }
        }
        heads[b] = sources[b].next_row()?;
    }
    sink.rows(kind, &run)
}

/// Rows a merge hands to the sink at once.
const MERGE_RUN: usize = 1 << 15;

/// Checks that the folders are partitions 0 to `count - 1` of one run, each once, all
/// of the same input files (names and sizes), and returns the merged run's share. Two
/// copies of one partition, or partitions of another day's files, would otherwise merge
/// into totals that add up — over the wrong rows.
fn one_of_each(
    dirs: &[&Path],
    sides: &[(PathBuf, serde_json::Value)],
    count: u64,
) -> Result<RunShare, BatchError> {
    let mut shares = Vec::with_capacity(sides.len());
    for (path, side) in sides {
        let share: RunShare = side
            .get("share")
            .cloned()
            .ok_or_else(|| bad(path, "no \"share\": not written by this version of courier"))
            .and_then(|v| serde_json::from_value(v).map_err(|e| bad(path, e)))?;
        shares.push(share);
    }
    let mut seen: Vec<Option<usize>> = vec![None; count as usize];
    for (i, share) in shares.iter().enumerate() {
        let k = share.partition_index as usize;
        if u64::from(share.partition_count) != count || k >= seen.len() {
            return Err(BatchError::Merge(format!(
                "{} is partition {k}/{} of a run partitioned {count} ways",
                dirs[i].display(),
                share.partition_count
            )));
        }
        if let Some(first) = seen[k] {
            return Err(BatchError::Merge(format!(
                "partition {k}/{count} is given twice ({} and {})",
                dirs[first].display(),
                dirs[i].display()
            )));
        }
        seen[k] = Some(i);
        if share.inputs != shares[0].inputs {
            let differs = share
                .inputs
                .iter()
                .zip(&shares[0].inputs)
                .find(|(a, b)| a != b)
                .map_or_else(
                    || "another number of input files".to_string(),
                    |(a, b)| {
                        format!(
                            "{} ({} bytes) where the first has {} ({} bytes)",
                            a.file, a.bytes, b.file, b.bytes
                        )
                    },
                );
            return Err(BatchError::Merge(format!(
                "{} read other input files than {}: {differs}",
                dirs[i].display(),
                dirs[0].display()
            )));
        }
    }
    if let Some(k) = seen.iter().position(Option::is_none) {
        return Err(BatchError::Merge(format!(
            "partition {k}/{count} is missing"
        )));
    }
    Ok(RunShare {
        partition_index: 0,
        partition_count: 1,
        inputs: shares.swap_remove(0).inputs,
    })
}

/// Merges the partition output folders `dirs` into `out`.
pub fn merge(dirs: &[&Path], out: &Path) -> Result<Summary, BatchError> {
    let mut sides = Vec::new();
    for d in dirs {
        let path = d.join("partition.json");
        let text = std::fs::read_to_string(&path).map_err(|e| bad(&path, e))?;
        let side: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(&path, e))?;
        sides.push((path, side));
    }
    let Some((_, first)) = sides.first() else {
        return Err(BatchError::Merge("no partition folder given".into()));
    };
    let field = |side: &serde_json::Value, k: &str| side.get(k).cloned().unwrap_or_default();
    let mut opts = field(first, "options");
    for (d, (_, side)) in dirs.iter().zip(&sides) {
        if field(side, "options") != opts {
            return Err(BatchError::Merge(format!(
                "{} was run with other options than {}",
                d.display(),
                dirs[0].display()
            )));
        }
    }
    let count = opts
        .get("partition_count")
        .and_then(|v| v.as_u64())
        .unwrap_or(1);
    if sides.len() as u64 != count {
        return Err(BatchError::Merge(format!(
            "the runs were partitioned {count} ways and {} folders were given",
            sides.len()
        )));
    }
    let share = one_of_each(dirs, &sides, count)?;
    if let Some(o) = opts.as_object_mut() {
        o.insert("partition_count".into(), 1.into());
    }
    let mut counts = ReadCounts {
        share,
        ..ReadCounts::default()
    };
    for (path, side) in &sides {
        let files: Vec<FileCount> =
            serde_json::from_value(field(side, "files")).map_err(|e| bad(path, e))?;
        let money: Vec<MoneyIn> =
            serde_json::from_value(field(side, "money_in")).map_err(|e| bad(path, e))?;
        let used = field(side, "tracking_used").as_u64().unwrap_or(0);
        let unused = field(side, "tracking_unused").as_u64().unwrap_or(0);
        counts.add(&files, &money, used, unused);
    }
    let dirs: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    let mut sink = Sink::create(out)?;
    interleave_csv(&dirs, &mut sink)?;
    sink.finish(&counts, &opts)
}
