//! The benchmark floor of `BENCHMARKS.md` (reconciliation): polars alone scanning the
//! four inputs and joining invoices to registries with a grouped sum — the least work
//! any reconciliation of these files must do. Usage: `polars_floor DIR [csv|parquet]`
//! (the files of `courier gen`, or their Parquet copies from the `to_parquet` example).

use polars::prelude::*;

fn scan(dir: &str, name: &str) -> PolarsResult<LazyFrame> {
    let parquet = std::env::args().nth(2).as_deref() == Some("parquet");
    if parquet {
        let path = format!("{dir}/{}", name.replace(".csv", ".parquet"));
        LazyFrame::scan_parquet(PlRefPath::new(path), Default::default())
    } else {
        LazyCsvReader::new(PlRefPath::new(format!("{dir}/{name}"))).finish()
    }
}

fn main() -> PolarsResult<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/sample".into());
    let t = std::time::Instant::now();
    let registry =
        scan(&dir, "registry.csv")?.select([col("carrier"), col("order_id"), col("weight_g")]);
    let invoices = scan(&dir, "invoices.csv")?;
    let joined = invoices
        .join(
            registry,
            [col("carrier"), col("order_id")],
            [col("carrier"), col("order_id")],
            JoinArgs::new(JoinType::Left),
        )
        .group_by([col("carrier")])
        .agg([
            len().alias("lines"),
            col("total").cast(DataType::Float64).sum().alias("billed"),
            col("weight_g").null_count().alias("unmatched"),
        ])
        .sort(["carrier"], Default::default())
        .collect()?;
    let tracking = scan(&dir, "tracking.csv")?.select([len()]).collect()?;
    let refunds = scan(&dir, "refunds.csv")?
        .group_by([col("carrier")])
        .agg([col("amount").cast(DataType::Float64).sum()])
        .collect()?;
    println!("{joined}\n{tracking}\n{refunds}");
    eprintln!("floor: {:.3} s", t.elapsed().as_secs_f64());
    Ok(())
}
