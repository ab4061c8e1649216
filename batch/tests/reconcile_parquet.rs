//! Parquet inputs go through the same row parsers as CSV: a generated dataset written as
//! Parquet (every column as text) classifies exactly as its CSV, in memory and in
//! buckets, and a Parquet amount typed Decimal reads as its exact text.

mod common;

use std::fs::File;
use std::path::Path;

use common::*;
use polars::prelude::{Column, DataFrame, DataType, ParquetWriter};

/// Copies `dir/NAME.csv` to `out/NAME.parquet`, every column as text. Rows the CSV holds
/// as CSV-layer rejects (wrong field count, invalid UTF-8) have no Parquet form and are
/// left out; they are rejects in the CSV run and appear in no other output.
fn to_parquet(dir: &Path, out: &Path, name: &str) -> u64 {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join(format!("{name}.csv")))
        .unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let mut cols: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    let mut left_out = 0;
    for rec in r.byte_records() {
        let rec = rec.unwrap();
        let fields: Option<Vec<&str>> = rec.iter().map(|f| std::str::from_utf8(f).ok()).collect();
        match fields {
            Some(f) if f.len() == header.len() => {
                for (c, v) in cols.iter_mut().zip(f) {
                    c.push(v.to_string());
                }
            }
            _ => left_out += 1,
        }
    }
    let height = cols[0].len();
    let columns = header
        .iter()
        .zip(&cols)
        .map(|(n, v)| Column::new(n.as_str().into(), v.clone()))
        .collect();
    let mut df = DataFrame::new(height, columns).unwrap();
    let f = File::create(out.join(format!("{name}.parquet"))).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
    left_out
}

fn parquet_options(dir: &Path) -> courier_batch::Options {
    let mut o = options(dir);
    o.registry = dir.join("registry.parquet");
    o.invoices = dir.join("invoices.parquet");
    o.tracking = dir.join("tracking.parquet");
    o.refunds = dir.join("refunds.parquet");
    o
}

#[test]
fn parquet_inputs_classify_as_their_csv() {
    let data = dataset(800, 9);
    let pq = tempfile::tempdir().unwrap();
    let mut left_out = 0;
    for name in ["registry", "invoices", "tracking", "refunds"] {
        left_out += to_parquet(data.path(), pq.path(), name);
    }
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    run(&options(data.path()), a.path());
    run(&parquet_options(pq.path()), b.path());
    for f in ["lines.csv", "parcels.csv", "refunds.csv"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between the CSV and the Parquet run");
    }
    // The rejects: the CSV run's minus the rows Parquet cannot hold.
    let (_, ra) = read_csv(&a.path().join("rejects.csv"));
    let (_, rb) = read_csv(&b.path().join("rejects.csv"));
    assert_eq!(ra.len() as u64, rb.len() as u64 + left_out);
    assert!(rb.iter().all(|r| r[0].ends_with(".parquet")));
    // In buckets, a Parquet run writes the bytes of its in-memory run.
    let mut o = parquet_options(pq.path());
    o.buckets = Some(3);
    courier_batch::run(&o, c.path(), &|_| {}).unwrap();
    assert_same_outputs(b.path(), c.path());
}

#[test]
fn a_decimal_typed_parquet_amount_reads_exactly() {
    let data = dataset(200, 4);
    let pq = tempfile::tempdir().unwrap();
    for name in ["registry", "invoices", "tracking"] {
        to_parquet(data.path(), pq.path(), name);
    }
    // One refund of 12.34 PLN typed Decimal(18, 2).
    let (h, rows) = read_csv(&data.path().join("refunds.csv"));
    let first = rows
        .iter()
        .find(|r| r[col(&h, "currency")] == "PLN" && r[col(&h, "amount")].parse::<f64>().is_ok())
        .expect("a PLN refund")
        .clone();
    let text = |name: &str| Column::new(name.into(), vec![first[col(&h, name)].clone()]);
    let amount = Column::new("amount".into(), vec!["12.34"])
        .cast(&DataType::Decimal(18, 2))
        .unwrap();
    let columns: Vec<Column> = h
        .iter()
        .map(|n| {
            if n == "amount" {
                amount.clone()
            } else {
                text(n)
            }
        })
        .collect();
    let mut df = DataFrame::new(1, columns).unwrap();
    let f = File::create(pq.path().join("refunds.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
    let out = tempfile::tempdir().unwrap();
    let s = courier_batch::run(&parquet_options(pq.path()), out.path(), &|_| {}).unwrap();
    let read: Vec<_> = s
        .money_read
        .iter()
        .filter(|m| m.input == "refunds")
        .collect();
    assert_eq!(read.len(), 1, "{read:?}");
    assert_eq!(read[0].amount.to_string(), "12.34");
}
