//! The job's output tables as rows of text, exactly as written.
//!
//! A run and a merge of partition runs both end in these tables, and every output file
//! (CSV, Parquet, summary, report) is computed from them alone, so a merge writes the
//! bytes a single run writes by construction.

use rust_decimal::Decimal;

use crate::records::Component;

/// Columns of `lines.csv`.
pub fn line_columns() -> Vec<String> {
    let mut c: Vec<String> = [
        "invoice_id",
        "line_id",
        "invoice_date",
        "carrier",
        "order_id",
        "track_number",
        "method",
        "class",
        "currency",
        "billed_weight_g",
        "registry_weight_g",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for prefix in ["expected", "billed", "diff"] {
        for comp in Component::ALL {
            c.push(format!("{prefix}_{}", comp.name()));
        }
    }
    c.push("disputed".into());
    c.push("reason".into());
    c
}

/// Columns of `parcels.csv`.
pub const PARCEL_COLUMNS: [&str; 6] = [
    "order_id",
    "carrier",
    "class",
    "currency",
    "expected_total",
    "reason",
];
/// Columns of `refunds.csv`.
pub const REFUND_COLUMNS: [&str; 7] = [
    "order_id", "carrier", "class", "currency", "due", "received", "reason",
];
/// Columns of `rejects.csv`.
pub const REJECT_COLUMNS: [&str; 6] = ["file", "line", "input", "reason", "currency", "amount"];

/// One output row.
pub type Row = Vec<String>;

/// A table: its column names and rows, sorted by [`Tables::sort`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The index of a column (the tables are built here, so a name is always there).
    pub fn col(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| unreachable!("no column {name}"))
    }

    /// A decimal cell ("" → `None`).
    pub fn decimal(&self, row: &Row, col: usize) -> Option<Decimal> {
        let v = row.get(col)?;
        if v.is_empty() {
            None
        } else {
            v.parse().ok()
        }
    }
}

/// How many rows of each input a run read, per file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileCount {
    pub input: String,
    pub file: String,
    /// Rows of this run's partition.
    pub rows: u64,
    pub rejected: u64,
}

/// Money read from an input, per currency as written: the left side of the identity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MoneyIn {
    pub input: String,
    pub currency: String,
    pub amount: Decimal,
    /// Rows whose amount could not be read at all (counted, not summed).
    pub unreadable_rows: u64,
}

/// Everything a run produces before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    pub lines: Table,
    pub parcels: Table,
    pub refunds: Table,
    pub rejects: Table,
    pub files: Vec<FileCount>,
    pub money_in: Vec<MoneyIn>,
    /// Tracking events used by the weekend rule / read but about parcels without the
    /// add-on or not in the registry.
    pub tracking_used: u64,
    pub tracking_unused: u64,
    /// The options, as the summary states them (the same for every partition).
    pub options: serde_json::Value,
}

impl Tables {
    /// Sorts every table into output order: lines by `(invoice_id, line_id)`, parcels and
    /// refunds by `(carrier, order_id)`, rejects by `(file, line, input)`; files by
    /// `(input, file)`, money by `(input, currency)`.
    pub fn sort(&mut self) {
        let key2 = |t: &Table, a: &str, b: &str| (t.col(a), t.col(b));
        let (a, b) = key2(&self.lines, "invoice_id", "line_id");
        self.lines
            .rows
            .sort_by(|x, y| (&x[a], &x[b]).cmp(&(&y[a], &y[b])).then_with(|| x.cmp(y)));
        for t in [&mut self.parcels, &mut self.refunds] {
            let (c, o) = (t.col("carrier"), t.col("order_id"));
            t.rows
                .sort_by(|x, y| (&x[c], &x[o]).cmp(&(&y[c], &y[o])).then_with(|| x.cmp(y)));
        }
        let (f, l) = key2(&self.rejects, "file", "line");
        self.rejects.rows.sort_by(|x, y| {
            let lx: u64 = x[l].parse().unwrap_or(0);
            let ly: u64 = y[l].parse().unwrap_or(0);
            (&x[f], lx).cmp(&(&y[f], ly)).then_with(|| x.cmp(y))
        });
        self.files
            .sort_by(|x, y| (&x.input, &x.file).cmp(&(&y.input, &y.file)));
        self.money_in
            .sort_by(|x, y| (&x.input, &x.currency).cmp(&(&y.input, &y.currency)));
    }
}
