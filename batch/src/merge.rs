//! `courier reconcile merge`: partition outputs into the bytes one run writes.
//!
//! Every partition reads every file and keeps the rows of its orders, so the per-file
//! counts and the money read add up, and each partition's tables are already in output
//! order: the merge interleaves them row by row ([`TableKind::cmp_rows`]) into the same
//! [`Sink`] a single run writes through, holding one row per partition, not the tables.
//! A large single run merges its buckets the same way ([`crate::bucket`]).

use std::path::{Path, PathBuf};

use crate::error::BatchError;
use crate::sink::Sink;
use crate::summary::Summary;
use crate::table::{FileCount, MoneyIn, ReadCounts, TableKind};

fn bad(path: &Path, e: impl std::fmt::Display) -> BatchError {
    BatchError::Merge(format!("{}: {e}", path.display()))
}

/// Interleaves the sorted tables of `dirs` into `sink`, table by table, in output
/// order. A folder whose columns are not this version's is refused.
pub(crate) fn interleave(dirs: &[PathBuf], sink: &mut Sink) -> Result<(), BatchError> {
    for kind in TableKind::ALL {
        let columns = kind.columns();
        let mut readers = Vec::with_capacity(dirs.len());
        for d in dirs {
            let path = d.join(kind.file_name());
            let mut r = csv::Reader::from_path(&path).map_err(|e| bad(&path, e))?;
            let header = r.headers().map_err(|e| bad(&path, e))?;
            // The tables are read by position: a folder written by another version (or
            // edited) is refused here, not misread.
            if header.iter().ne(columns.iter().map(String::as_str)) {
                return Err(bad(
                    &path,
                    format!(
                        "the columns are not those this version writes ({})",
                        columns.join(",")
                    ),
                ));
            }
            readers.push((path, r));
        }
        let mut heads: Vec<Option<csv::StringRecord>> = Vec::with_capacity(readers.len());
        let next = |(path, r): &mut (PathBuf, csv::Reader<std::fs::File>)| {
            let mut rec = csv::StringRecord::new();
            match r.read_record(&mut rec) {
                Ok(true) if rec.len() != columns.len() => Err(bad(
                    path,
                    format!(
                        "line {} has {} fields, the header {}",
                        rec.position().map_or(0, |p| p.line()),
                        rec.len(),
                        columns.len()
                    ),
                )),
                Ok(true) => Ok(Some(rec)),
                Ok(false) => Ok(None),
                Err(e) => Err(bad(path, e)),
            }
        };
        for r in &mut readers {
            heads.push(next(r)?);
        }
        // Few sources (partitions or buckets): a scan for the smallest head is cheaper
        // than a heap's bookkeeping. Rows go to the sink in runs ([`Sink::rows`]).
        let mut run: Vec<csv::StringRecord> = Vec::with_capacity(MERGE_RUN);
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
            heads[b] = next(&mut readers[b])?;
        }
        sink.rows(kind, &run)?;
    }
    Ok(())
}

/// Rows a merge hands to the sink at once.
const MERGE_RUN: usize = 1 << 15;

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
    if let Some(o) = opts.as_object_mut() {
        o.insert("partition_count".into(), 1.into());
    }
    let mut counts = ReadCounts::default();
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
    interleave(&dirs, &mut sink)?;
    sink.finish(&counts, &opts)
}
