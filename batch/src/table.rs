//! The job's output tables as rows of text, exactly as written.
//!
//! A run and a merge of partition runs both end in these tables, and every output file
//! (CSV, Parquet, summary, report) is computed from them alone, so a merge writes the
//! bytes a single run writes by construction.

use std::cmp::Ordering;
use std::collections::BTreeMap;

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
pub const REFUND_COLUMNS: [&str; 8] = [
    "order_id",
    "carrier",
    "class",
    "currency",
    "due",
    "received",
    "reason",
    "rows_received",
];
/// Columns of `rejects.csv`.
pub const REJECT_COLUMNS: [&str; 6] = ["file", "line", "input", "reason", "currency", "amount"];

/// One output row: its cells' text in one buffer and where each cell ends.
///
/// A million-parcel run builds tens of millions of cells; as a `Vec<String>` (37 heap
/// strings per invoice line) the allocator, the page zeroing for fresh memory and the
/// freeing afterwards took about a third of the job's time (`BENCHMARKS.md`). One buffer
/// per row makes that two allocations, and the row is about a fifth of the memory. Cells
/// are written in place ([`Row::cell_writer`]) so amounts never become a `String` of
/// their own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    text: String,
    /// `ends[i]`: the byte offset in `text` where cell `i` ends (cell `i` starts where
    /// `i - 1` ends). Offsets fit in `u32`: a row is built from one input row's checked
    /// fields (identifiers at most 200 bytes, [`crate::fields::ident`]; values quoted in
    /// reasons shortened to 40 characters, [`crate::fields::shown`]) and fixed texts, so
    /// a row is a few kilobytes at most.
    ends: Vec<u32>,
}

impl Row {
    /// An empty row with room for `cells` cells of about `bytes` bytes in all.
    pub fn with_capacity(cells: usize, bytes: usize) -> Row {
        Row {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
        }
    }

    /// A row of these cells.
    pub fn from_cells<I, S>(cells: I) -> Row
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut r = Row::default();
        for c in cells {
            r.push(c.as_ref());
        }
        r
    }

    /// Appends a cell.
    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.end_cell();
    }

    /// Appends a cell written by `write` into the row's buffer (no `String` of its own).
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.end_cell();
    }

    fn end_cell(&mut self) {
        // Unreachable for the job's rows (see `ends`); were it reached, the cell would be
        // wrong rather than the process dead, and `from_parts` would refuse it on a merge.
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.ends.push(end);
    }

    /// Replaces cell `i` (tests, and the rare cell fixed up after the row is built).
    pub fn set(&mut self, i: usize, value: &str) {
        let cells: Vec<String> = (0..self.ends.len())
            .map(|k| {
                if k == i {
                    value.to_string()
                } else {
                    self.cell(k).to_string()
                }
            })
            .collect();
        *self = Row::from_cells(cells);
    }

    /// The row's text and cell ends, as [`crate::row_file`] stores them.
    pub(crate) fn parts(&self) -> (&str, &[u32]) {
        (&self.text, &self.ends)
    }

    /// A row from stored parts, checked: the ends rise, the last is the text's length
    /// (or there are no cells and no text), and each falls on a character boundary.
    pub(crate) fn from_parts(text: String, ends: Vec<u32>) -> Result<Row, String> {
        let mut prev = 0usize;
        for &e in &ends {
            let e = e as usize;
            if e < prev || e > text.len() || !text.is_char_boundary(e) {
                return Err(format!("cell end {e} is not a boundary of the row's text"));
            }
            prev = e;
        }
        if prev != text.len() {
            return Err(format!(
                "the cells end at byte {prev} of a {}-byte row",
                text.len()
            ));
        }
        Ok(Row { text, ends })
    }

    fn bounds(&self, i: usize) -> Option<(usize, usize)> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some((start, end))
    }
}

impl Cells for Row {
    fn width(&self) -> usize {
        self.ends.len()
    }
    fn cell(&self, i: usize) -> &str {
        self.bounds(i).map_or("", |(s, e)| &self.text[s..e])
    }
    fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.cell(i))
    }
    fn joined(&self) -> Option<&str> {
        Some(&self.text)
    }
}

impl std::ops::Index<usize> for Row {
    type Output = str;
    /// Cell `i`; panics past the end, as a slice does.
    fn index(&self, i: usize) -> &str {
        let (s, e) = self.bounds(i).expect("cell index within the row");
        &self.text[s..e]
    }
}

/// Read access to an output row, whether a run's own strings or a CSV record a merge is
/// interleaving: the sort order, the summary and the report read rows only through it.
pub trait Cells {
    /// How many fields.
    fn width(&self) -> usize;
    /// Field `i`, "" past the end.
    fn cell(&self, i: usize) -> &str;
    /// Every field, in order.
    fn cells(&self) -> impl Iterator<Item = &str>;
    /// Every field end to end, when the row holds them so ([`Row`]): the CSV writer
    /// then looks once over the row for bytes that need quotes, not once per cell.
    fn joined(&self) -> Option<&str> {
        None
    }
}

impl<S: AsRef<str>> Cells for [S] {
    fn width(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &str {
        self.get(i).map_or("", AsRef::as_ref)
    }
    fn cells(&self) -> impl Iterator<Item = &str> {
        self.iter().map(AsRef::as_ref)
    }
}

impl<S: AsRef<str>> Cells for Vec<S> {
    fn width(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &str {
        self.get(i).map_or("", AsRef::as_ref)
    }
    fn cells(&self) -> impl Iterator<Item = &str> {
        self.iter().map(AsRef::as_ref)
    }
}

impl Cells for csv::StringRecord {
    fn width(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
    fn cells(&self) -> impl Iterator<Item = &str> {
        self.iter()
    }
}

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
        let v = row.cell(col);
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

impl FileCount {
    /// Sets each file's `rejected` from the rejects themselves. A row is rejected at
    /// its parse or later — a parcel or a line read twice is found only after every
    /// file is read — and a count kept at the parse alone missed the repeats (a folder
    /// holding a copy of a file showed the copy with nothing rejected).
    pub(crate) fn count_rejected(files: &mut [FileCount], rejects: &[crate::reject::Reject]) {
        let mut per_file: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for r in rejects {
            *per_file.entry((r.input.name(), &r.file)).or_default() += 1;
        }
        for f in files {
            f.rejected = per_file
                .get(&(f.input.as_str(), f.file.as_str()))
                .copied()
                .unwrap_or(0);
        }
    }
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

/// What a run read, beside its tables (`partition.json`).
#[derive(Debug, Clone, Default)]
pub struct ReadCounts {
    pub files: Vec<FileCount>,
    pub money_in: Vec<MoneyIn>,
    pub tracking_used: u64,
    pub tracking_unused: u64,
    /// Which share of which inputs the run was (not added up: set once per run).
    pub share: RunShare,
}

/// Which partition of which inputs a run processed, as `partition.json` records it: a
/// merge takes each partition exactly once, all of the same input files.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunShare {
    pub partition_index: u32,
    pub partition_count: u32,
    /// Every input file with its size: partitions of one dataset name the same files
    /// of the same sizes.
    pub inputs: Vec<InputBytes>,
}

/// An input file and its size in bytes when the run read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputBytes {
    pub input: String,
    pub file: String,
    pub bytes: u64,
}

impl ReadCounts {
    /// Adds another share's counts: per `(input, file)` and per `(input, currency)`.
    pub fn add(&mut self, files: &[FileCount], money_in: &[MoneyIn], used: u64, unused: u64) {
        let mut by_file: BTreeMap<(String, String), FileCount> = self
            .files
            .drain(..)
            .map(|f| ((f.input.clone(), f.file.clone()), f))
            .collect();
        for f in files {
            let e = by_file
                .entry((f.input.clone(), f.file.clone()))
                .or_insert(FileCount {
                    rows: 0,
                    rejected: 0,
                    ..f.clone()
                });
            e.rows += f.rows;
            e.rejected += f.rejected;
        }
        self.files = by_file.into_values().collect();
        let mut by_cur: BTreeMap<(String, String), MoneyIn> = self
            .money_in
            .drain(..)
            .map(|m| ((m.input.clone(), m.currency.clone()), m))
            .collect();
        for m in money_in {
            let e = by_cur
                .entry((m.input.clone(), m.currency.clone()))
                .or_insert(MoneyIn {
                    amount: Default::default(),
                    unreadable_rows: 0,
                    ..m.clone()
                });
            e.amount += m.amount;
            e.unreadable_rows += m.unreadable_rows;
        }
        self.money_in = by_cur.into_values().collect();
        self.tracking_used += used;
        self.tracking_unused += unused;
    }
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
    /// Which partition of which inputs this is.
    pub share: RunShare,
}

impl Tables {
    /// What the run read, beside its tables.
    pub fn counts(&self) -> ReadCounts {
        ReadCounts {
            files: self.files.clone(),
            money_in: self.money_in.clone(),
            tracking_used: self.tracking_used,
            tracking_unused: self.tracking_unused,
            share: self.share.clone(),
        }
    }

    /// The table of `kind`.
    pub fn table(&self, kind: TableKind) -> &Table {
        match kind {
            TableKind::Lines => &self.lines,
            TableKind::Parcels => &self.parcels,
            TableKind::Refunds => &self.refunds,
            TableKind::Rejects => &self.rejects,
        }
    }

    /// Sorts every table into output order ([`TableKind::cmp_rows`]); files by
    /// `(input, file)`, money by `(input, currency)`.
    pub fn sort(&mut self) {
        use rayon::slice::ParallelSliceMut;
        for (kind, t) in [
            (TableKind::Lines, &mut self.lines),
            (TableKind::Parcels, &mut self.parcels),
            (TableKind::Refunds, &mut self.refunds),
            (TableKind::Rejects, &mut self.rejects),
        ] {
            t.rows.par_sort_unstable_by(|x, y| kind.cmp_rows(x, y));
        }
        self.files
            .sort_by(|x, y| (&x.input, &x.file).cmp(&(&y.input, &y.file)));
        self.money_in
            .sort_by(|x, y| (&x.input, &x.currency).cmp(&(&y.input, &y.currency)));
    }
}

/// The four row tables of a run, each with its file and its output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Lines,
    Parcels,
    Refunds,
    Rejects,
}

impl TableKind {
    /// Every table, in the order they are written.
    pub const ALL: [TableKind; 4] = [
        TableKind::Lines,
        TableKind::Parcels,
        TableKind::Refunds,
        TableKind::Rejects,
    ];

    /// The CSV file's name.
    pub fn file_name(self) -> &'static str {
        match self {
            TableKind::Lines => "lines.csv",
            TableKind::Parcels => "parcels.csv",
            TableKind::Refunds => "refunds.csv",
            TableKind::Rejects => "rejects.csv",
        }
    }

    /// The columns, in order.
    pub fn columns(self) -> Vec<String> {
        let fixed: &[&str] = match self {
            TableKind::Lines => return line_columns(),
            TableKind::Parcels => &PARCEL_COLUMNS,
            TableKind::Refunds => &REFUND_COLUMNS,
            TableKind::Rejects => &REJECT_COLUMNS,
        };
        fixed.iter().map(|c| c.to_string()).collect()
    }

    /// The output order, a total order on rows: lines by `(invoice_id, line_id)`,
    /// parcels and refunds by `(carrier, order_id)`, rejects by `(file, line)` with the
    /// line compared as a number; ties by the whole row. A single run sorts by it and a
    /// merge interleaves sorted inputs by it, which is why both write the same bytes.
    pub fn cmp_rows<R: Cells + ?Sized>(self, a: &R, b: &R) -> Ordering {
        fn cell<R: Cells + ?Sized>(r: &R, i: usize) -> &str {
            r.cell(i)
        }
        let key = match self {
            // invoice_id, line_id
            TableKind::Lines => (cell(a, 0), cell(a, 1)).cmp(&(cell(b, 0), cell(b, 1))),
            // carrier, order_id
            TableKind::Parcels | TableKind::Refunds => {
                (cell(a, 1), cell(a, 0)).cmp(&(cell(b, 1), cell(b, 0)))
            }
            // file, line as a number
            TableKind::Rejects => {
                let n = |r: &R| r.cell(1).parse::<u64>().unwrap_or(0);
                (cell(a, 0), n(a)).cmp(&(cell(b, 0), n(b)))
            }
        };
        key.then_with(|| a.cells().cmp(b.cells()))
    }
}
