//! `courier reconcile merge`: partition outputs into the bytes one run writes.
//!
//! Every partition reads every file and keeps the rows of its orders, so the row tables
//! concatenate, the per-file counts and the money read add up, and the outputs are
//! recomputed from the merged tables by the same writer a single run uses.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::BatchError;
use crate::output::{read_outputs, write_outputs};
use crate::summary::Summary;
use crate::table::{FileCount, MoneyIn, Tables};

/// Merges the partition output folders `dirs` into `out`.
pub fn merge(dirs: &[&Path], out: &Path) -> Result<Summary, BatchError> {
    let mut parts = Vec::new();
    for d in dirs {
        parts.push(read_outputs(d)?);
    }
    let Some(first) = parts.first() else {
        return Err(BatchError::Merge("no partition folder given".into()));
    };
    let mut opts = first.options.clone();
    let count = opts
        .get("partition_count")
        .and_then(|v| v.as_u64())
        .unwrap_or(1);
    for (d, p) in dirs.iter().zip(&parts) {
        if p.options != first.options {
            return Err(BatchError::Merge(format!(
                "{} was run with other options than {}",
                d.display(),
                dirs[0].display()
            )));
        }
    }
    if parts.len() as u64 != count {
        return Err(BatchError::Merge(format!(
            "the runs were partitioned {count} ways and {} folders were given",
            parts.len()
        )));
    }
    if let Some(o) = opts.as_object_mut() {
        o.insert("partition_count".into(), 1.into());
    }
    let mut merged = Tables {
        lines: first.lines.clone(),
        parcels: first.parcels.clone(),
        refunds: first.refunds.clone(),
        rejects: first.rejects.clone(),
        files: Vec::new(),
        money_in: Vec::new(),
        tracking_used: 0,
        tracking_unused: 0,
        options: opts,
    };
    merged.lines.rows.clear();
    merged.parcels.rows.clear();
    merged.refunds.rows.clear();
    merged.rejects.rows.clear();
    let mut files: BTreeMap<(String, String), FileCount> = BTreeMap::new();
    let mut money: BTreeMap<(String, String), MoneyIn> = BTreeMap::new();
    for p in parts {
        for (dst, src) in [
            (&mut merged.lines, p.lines),
            (&mut merged.parcels, p.parcels),
            (&mut merged.refunds, p.refunds),
            (&mut merged.rejects, p.rejects),
        ] {
            if dst.columns != src.columns {
                return Err(BatchError::Merge("the partitions' columns differ".into()));
            }
            dst.rows.extend(src.rows);
        }
        for f in p.files {
            let e = files
                .entry((f.input.clone(), f.file.clone()))
                .or_insert(FileCount {
                    rows: 0,
                    rejected: 0,
                    ..f.clone()
                });
            e.rows += f.rows;
            e.rejected += f.rejected;
        }
        for m in p.money_in {
            let e = money
                .entry((m.input.clone(), m.currency.clone()))
                .or_insert(MoneyIn {
                    amount: Default::default(),
                    unreadable_rows: 0,
                    ..m.clone()
                });
            e.amount += m.amount;
            e.unreadable_rows += m.unreadable_rows;
        }
        merged.tracking_used += p.tracking_used;
        merged.tracking_unused += p.tracking_unused;
    }
    merged.files = files.into_values().collect();
    merged.money_in = money.into_values().collect();
    merged.sort();
    write_outputs(out, &merged)
}
