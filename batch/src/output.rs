//! Writing a run's tables: `lines.csv`, `lines.parquet`, `parcels.csv`, `refunds.csv`,
//! `rejects.csv`, `summary.json`, `report.html` — and reading them back for a merge.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::*;

use crate::error::BatchError;
use crate::report;
use crate::summary::{summarise, Summary};
use crate::table::{self, Table, Tables};

fn write_csv(path: &Path, t: &Table) -> Result<(), BatchError> {
    let file = File::create(path).map_err(|e| BatchError::io(path, e))?;
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file));
    let io = |e: csv::Error| BatchError::io(path, e);
    w.write_record(&t.columns).map_err(io)?;
    for r in &t.rows {
        w.write_record(r).map_err(io)?;
    }
    w.flush().map_err(|e| BatchError::io(path, e))
}

fn write_parquet(path: &Path, t: &Table) -> Result<(), BatchError> {
    let bad = |e: PolarsError| BatchError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    // Amounts stay decimal text: exact, and the same text as the CSV.
    let columns: Vec<Column> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values: Vec<&str> = t.rows.iter().map(|r| r[i].as_str()).collect();
            Column::new(name.as_str().into(), values)
        })
        .collect();
    let mut df = DataFrame::new(t.rows.len(), columns).map_err(bad)?;
    let file = File::create(path).map_err(|e| BatchError::io(path, e))?;
    ParquetWriter::new(BufWriter::new(file))
        .finish(&mut df)
        .map_err(bad)?;
    Ok(())
}

/// Writes every output into `dir` (created if missing; files replaced) and returns the
/// summary. The identity check runs first: when it fails nothing is written.
pub fn write_outputs(dir: &Path, t: &Tables) -> Result<Summary, BatchError> {
    let summary = summarise(t)?;
    std::fs::create_dir_all(dir).map_err(|e| BatchError::io(dir, e))?;
    write_csv(&dir.join("lines.csv"), &t.lines)?;
    write_parquet(&dir.join("lines.parquet"), &t.lines)?;
    write_csv(&dir.join("parcels.csv"), &t.parcels)?;
    write_csv(&dir.join("refunds.csv"), &t.refunds)?;
    write_csv(&dir.join("rejects.csv"), &t.rejects)?;
    let json = serde_json::to_string_pretty(&summary).map_err(|e| BatchError::io(dir, e))?;
    let path = dir.join("summary.json");
    std::fs::write(&path, json + "\n").map_err(|e| BatchError::io(&path, e))?;
    let path = dir.join("report.html");
    let mut f = BufWriter::new(File::create(&path).map_err(|e| BatchError::io(&path, e))?);
    f.write_all(report::render(&summary, t).as_bytes())
        .and_then(|_| f.flush())
        .map_err(|e| BatchError::io(&path, e))?;
    // A sidecar with the run's counts and money read, which a merge adds up.
    let path = dir.join("partition.json");
    let side = serde_json::json!({
        "files": t.files,
        "money_in": t.money_in,
        "tracking_used": t.tracking_used,
        "tracking_unused": t.tracking_unused,
        "options": t.options,
    });
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&side).unwrap_or_default() + "\n",
    )
    .map_err(|e| BatchError::io(&path, e))?;
    Ok(summary)
}

fn read_csv(path: &Path, expected: &[String]) -> Result<Table, BatchError> {
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| BatchError::Merge(format!("{}: {e}", path.display())))?;
    let columns = r
        .headers()
        .map_err(|e| BatchError::Merge(format!("{}: {e}", path.display())))?
        .iter()
        .map(str::to_string)
        .collect::<Vec<String>>();
    // The tables index columns by name: a folder written by another version (or edited)
    // is refused here, not left to fail later.
    if columns != expected {
        return Err(BatchError::Merge(format!(
            "{}: the columns are not those this version writes ({})",
            path.display(),
            expected.join(",")
        )));
    }
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| BatchError::Merge(format!("{}: {e}", path.display())))?;
        if rec.len() != columns.len() {
            return Err(BatchError::Merge(format!(
                "{}: line {} has {} fields, the header {}",
                path.display(),
                rec.position().map_or(0, |p| p.line()),
                rec.len(),
                columns.len()
            )));
        }
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(Table { columns, rows })
}

fn names(cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

/// Reads the tables of one run's output folder (for a merge).
pub fn read_outputs(dir: &Path) -> Result<Tables, BatchError> {
    let side_path = dir.join("partition.json");
    let text = std::fs::read_to_string(&side_path)
        .map_err(|e| BatchError::Merge(format!("{}: {e}", side_path.display())))?;
    let side: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| BatchError::Merge(format!("{}: {e}", side_path.display())))?;
    let field = |k: &str| side.get(k).cloned().unwrap_or_default();
    let files = serde_json::from_value(field("files"))
        .map_err(|e| BatchError::Merge(format!("{}: {e}", side_path.display())))?;
    let money_in = serde_json::from_value(field("money_in"))
        .map_err(|e| BatchError::Merge(format!("{}: {e}", side_path.display())))?;
    Ok(Tables {
        lines: read_csv(&dir.join("lines.csv"), &table::line_columns())?,
        parcels: read_csv(&dir.join("parcels.csv"), &names(&table::PARCEL_COLUMNS))?,
        refunds: read_csv(&dir.join("refunds.csv"), &names(&table::REFUND_COLUMNS))?,
        rejects: read_csv(&dir.join("rejects.csv"), &names(&table::REJECT_COLUMNS))?,
        files,
        money_in,
        tracking_used: field("tracking_used").as_u64().unwrap_or(0),
        tracking_unused: field("tracking_unused").as_u64().unwrap_or(0),
        options: field("options"),
    })
}
