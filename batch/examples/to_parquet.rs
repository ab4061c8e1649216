//! Parquet copies of `courier gen`'s CSV inputs, for the Parquet half of the
//! reconciliation benchmark (`scripts/bench-reconcile.sh`). Usage: `to_parquet DIR`:
//! writes `DIR/parquet/{registry,invoices,tracking,refunds}.parquet`, every column as
//! text (amounts stay exact decimal strings, as the batch job reads them). A row the CSV
//! holds as a deliberate reject of the CSV layer (wrong field count, invalid UTF-8) has
//! no Parquet form: it is left out, and the count is printed.

use std::fs::File;
use std::io::BufWriter;

use polars::prelude::*;

const BATCH: usize = 1 << 20;

fn frame(header: &[String], cols: &[Vec<String>]) -> PolarsResult<DataFrame> {
    let height = cols.first().map_or(0, Vec::len);
    let columns = header
        .iter()
        .zip(cols)
        .map(|(n, v)| {
            Column::new(
                n.as_str().into(),
                v.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        })
        .collect();
    DataFrame::new(height, columns)
}

fn convert(dir: &str, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(format!("{dir}/{name}.csv"))?;
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    std::fs::create_dir_all(format!("{dir}/parquet"))?;
    let out = File::create(format!("{dir}/parquet/{name}.parquet"))?;
    let empty = frame(&header, &vec![Vec::new(); header.len()])?;
    let mut w = ParquetWriter::new(BufWriter::new(out)).batched(empty.schema())?;
    let mut cols: Vec<Vec<String>> = vec![Vec::with_capacity(BATCH); header.len()];
    let (mut kept, mut left_out) = (0u64, 0u64);
    let mut rec = csv::ByteRecord::new();
    while r.read_byte_record(&mut rec)? {
        let fields: Option<Vec<&str>> = rec.iter().map(|f| std::str::from_utf8(f).ok()).collect();
        match fields {
            Some(f) if f.len() == header.len() => {
                for (c, v) in cols.iter_mut().zip(f) {
                    c.push(v.to_string());
                }
                kept += 1;
            }
            _ => left_out += 1,
        }
        if cols[0].len() >= BATCH {
            w.write_batch(&frame(&header, &cols)?)?;
            cols.iter_mut().for_each(Vec::clear);
        }
    }
    if !cols[0].is_empty() {
        w.write_batch(&frame(&header, &cols)?)?;
    }
    w.finish()?;
    println!("{name}: {kept} rows, {left_out} CSV-layer rejects left out");
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/sample".into());
    for name in ["registry", "invoices", "tracking", "refunds"] {
        convert(&dir, name)?;
    }
    Ok(())
}
