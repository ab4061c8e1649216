//! What `courier tariffs compare` writes into `--out DIR`: `parcels.csv` and
//! `parcels.parquet` (one row per parcel, the cost under every tariff or why not),
//! `aggregates.csv`, `differences.csv` (the difference to the first tariff by cost
//! component), `rejects.csv`, `summary.json` and `report.html`.
//!
//! Every file is computed from the sorted [`Comparison`] alone, in one order, so its
//! bytes do not depend on the thread count — nor on whether the parcels were written
//! all at once ([`write_comparison`]) or a window at a time as they were priced
//! ([`compare_into`], what the command runs).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;

use rayon::prelude::*;

use crate::compare::{
    compare_windows, Cheapest, CompareOptions, ComparedParcel, Comparison, Sums, TariffInfo,
    Totals, TotalsBuilder, COMPONENTS,
};
use crate::compare_report;
use crate::csv_record::push_record;
use crate::direct_io::BlockWriter;
use crate::error::BatchError;
use crate::sink::ParquetLines;
use crate::table::FileCount;

/// Amounts per component, as decimals of the currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Components {
    pub postal_rate: Decimal,
    pub insurance: Decimal,
    pub cod_fee: Decimal,
    pub preparing: Decimal,
    pub surcharges: Decimal,
    pub vat: Decimal,
}

impl Components {
    fn of(parts: [Decimal; 6]) -> Components {
        let [postal_rate, insurance, cod_fee, preparing, surcharges, vat] = parts;
        Components {
            postal_rate,
            insurance,
            cod_fee,
            preparing,
            surcharges,
            vat,
        }
    }
}

/// One tariff's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TariffResult {
    #[serde(flatten)]
    pub tariff: TariffInfo,
    /// Parcels it can carry, and their total.
    pub priced: u64,
    pub total: Decimal,
    pub components: Components,
    /// VAT inside the prices of a tariff that includes it (not a component above).
    pub vat_contained: Decimal,
    /// Priced parcels whose handover date has no VAT rate in the tariff (no VAT added).
    pub no_vat_rate: u64,
    /// Parcels it cannot carry, and how many refusals of each code (a parcel may have
    /// several).
    pub refused: u64,
    pub refusals: BTreeMap<String, u64>,
    /// Parcels for which it alone is cheapest.
    pub cheapest: u64,
}

/// A tariff against the first (the baseline), over the parcels both can carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub tariff: String,
    pub against: String,
    pub parcels: u64,
    pub against_total: Decimal,
    pub tariff_total: Decimal,
    /// `tariff_total - against_total`: the sum of `components`.
    pub difference: Decimal,
    pub components: Components,
}

/// `summary.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompareSummary {
    /// Registry rows read, rejected (`rejects.csv`) and compared (`parcels.csv`).
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub parcels: u64,
    pub currency: String,
    pub weight_bands_g: Vec<u64>,
    pub method_map: Option<String>,
    pub tariffs: Vec<TariffResult>,
    /// Parcels whose lowest total two or more tariffs share, and that none can carry.
    pub cheapest_tied: u64,
    pub carried_by_none: u64,
    pub differences: Vec<Difference>,
    pub files: Vec<FileCount>,
}

/// Columns of `parcels.csv` / `parcels.parquet`.
pub fn parcel_columns(c: &Comparison) -> Vec<String> {
    let mut cols: Vec<String> = [
        "order_id",
        "carrier",
        "method",
        "weight_g",
        "weight_band",
        "month",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for t in &c.tariffs {
        for f in ["method", "zone", "total", "reason"] {
            cols.push(format!("{}_{f}", t.id));
        }
    }
    cols.push("cheapest".into());
    cols
}

/// Parcels per window of `parcels.csv`/`.parquet`: one window's CSV text is held at a
/// time, not the file's.
const WINDOW: usize = 1 << 17;

/// Parcels per piece of CSV text rendered on one thread.
const CSV_PIECE: usize = 1 << 12;

/// The text cells of a `parcels.csv` row, written into reused strings (no string per
/// cell and parcel): the labels that repeat are rendered once.
struct ParcelCells<'c> {
    c: &'c Comparison,
    bands: Vec<String>,
}

impl<'c> ParcelCells<'c> {
    fn new(c: &'c Comparison) -> ParcelCells<'c> {
        ParcelCells {
            c,
            bands: (0..c.bands.len()).map(|b| c.bands.label(b)).collect(),
        }
    }

    /// Writes the cells of `p` into `row` (as wide as [`parcel_columns`]).
    fn fill(&self, p: &ComparedParcel, row: &mut [String]) {
        use std::fmt::Write as _;
        let c = self.c;
        for cell in row.iter_mut() {
            cell.clear();
        }
        let mut cells = row.iter_mut();
        let mut next = || cells.next().map(|s| s as &mut String);
        let put = |cell: Option<&mut String>, text: &str| {
            if let Some(cell) = cell {
                cell.push_str(text);
            }
        };
        put(next(), &p.order_id);
        put(next(), c.name(p.carrier));
        put(next(), c.name(p.method));
        if let Some(cell) = next() {
            // Writing to a String cannot fail.
            let _ = write!(cell, "{}", p.weight_g);
        }
        put(next(), self.bands.get(p.band).map_or("", String::as_str));
        put(next(), c.name(p.month));
        for (i, cost) in p.costs.iter().enumerate() {
            put(next(), c.name(cost.method));
            put(next(), c.zone(i, cost.zone));
            match &cost.result {
                Ok(b) => {
                    if let Some(cell) = next() {
                        b.total.write_to(cell, c.dp);
                    }
                    next();
                }
                Err(r) => {
                    next();
                    put(next(), &r.reason);
                }
            }
        }
        let cheapest = match p.cheapest {
            Cheapest::Tariff(i) => c.tariffs.get(i).map_or("", |t| t.id.as_str()),
            Cheapest::Tie => "tie",
            Cheapest::None => "none",
        };
        put(next(), cheapest);
    }
}

/// A buffered CSV file being written (shared with `tariffs allocate`'s outputs).
pub(crate) type CsvOut = csv::Writer<BufWriter<File>>;

/// Creates `path` and writes its header row.
pub(crate) fn csv_out(path: &Path, columns: &[&str]) -> Result<CsvOut, BatchError> {
    let file = File::create(path).map_err(|e| BatchError::io(path, e))?;
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file));
    w.write_record(columns)
        .map_err(|e| BatchError::io(path, e))?;
    Ok(w)
}

/// Writes the registry rows that could not be read as `file,line,reason` (shared with
/// `tariffs allocate`).
pub(crate) fn write_rejects(
    path: &Path,
    rejects: &[crate::reject::Reject],
) -> Result<(), BatchError> {
    let mut w = csv_out(path, &["file", "line", "reason"])?;
    for r in rejects {
        w.write_record([r.file.as_str(), &r.line.to_string(), r.reason.as_str()])
            .map_err(|e| BatchError::io(path, e))?;
    }
    close(path, w)
}

/// Flushes a CSV file, naming it on failure.
pub(crate) fn close(path: &Path, w: CsvOut) -> Result<(), BatchError> {
    w.into_inner()
        .map_err(|e| BatchError::io(path, e.into_error()))?
        .flush()
        .map_err(|e| BatchError::io(path, e))
}

/// The summary of a comparison and its totals.
pub fn summarize(c: &Comparison, t: &Totals) -> Result<CompareSummary, BatchError> {
    let dp = c.dp;
    let d = |m: crate::Money| m.to_decimal(dp);
    let parts = |s: &Sums| Components::of(s.parts.map(d));
    let tariffs: Vec<TariffResult> = c
        .tariffs
        .iter()
        .enumerate()
        .map(|(i, info)| TariffResult {
            tariff: info.clone(),
            priced: t.priced[i].parcels,
            total: d(t.priced[i].total),
            components: parts(&t.priced[i]),
            vat_contained: d(t.vat_contained[i]),
            no_vat_rate: t.no_vat_rate[i],
            refused: t.refused[i],
            refusals: t.refusals[i]
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            cheapest: t.cheapest[i],
        })
        .collect();
    let mut differences = Vec::new();
    for (j, (base, other)) in t.common.iter().enumerate() {
        let diff: [crate::Money; 6] = std::array::from_fn(|k| other.parts[k].minus(base.parts[k]));
        let total = other.total.minus(base.total);
        let sum = diff.iter().fold(crate::Money::ZERO, |s, m| s.plus(*m));
        if sum != total {
            return Err(BatchError::Identity(format!(
                "the difference of {} by component adds up to {}, not {}",
                c.tariffs[j + 1].id,
                sum.display(dp),
                total.display(dp)
            )));
        }
        differences.push(Difference {
            tariff: c.tariffs[j + 1].id.clone(),
            against: c.tariffs[0].id.clone(),
            parcels: other.parcels,
            against_total: d(base.total),
            tariff_total: d(other.total),
            difference: d(total),
            components: Components::of(diff.map(d)),
        });
    }
    let rows_rejected = c.rejects.len() as u64;
    Ok(CompareSummary {
        rows_read: t.parcels + rows_rejected,
        rows_rejected,
        parcels: t.parcels,
        currency: c.currency.clone(),
        weight_bands_g: c.bands.upper_g().to_vec(),
        method_map: c.method_map.clone(),
        tariffs,
        cheapest_tied: t.ties,
        carried_by_none: t.carried_by_none,
        differences,
        files: c.files.clone(),
    })
}

/// Writes every output into `dir` (created if missing; files replaced) and returns the
/// summary.
pub fn write_comparison(dir: &Path, c: &Comparison) -> Result<CompareSummary, BatchError> {
    let mut w = ComparisonWriter::create(dir, c)?;
    w.push(c, &c.parcels)?;
    w.finish(c)
}

/// [`compare`](crate::compare::compare) and [`write_comparison`] in one pass: each
/// window of priced parcels is written and added to the totals, then freed, so memory
/// holds the read registry and one window of results, not every parcel priced (5.6 GiB
/// at 10 M parcels under 3 tariffs when held; BENCHMARKS.md, "Comparing a window at a
/// time"). The same bytes as the two steps (tested).
pub fn compare_into(opts: &CompareOptions, dir: &Path) -> Result<CompareSummary, BatchError> {
    let mut writer: Option<ComparisonWriter> = None;
    let c = compare_windows(opts, &mut |c, window| {
        let w = match &mut writer {
            Some(w) => w,
            slot => slot.insert(ComparisonWriter::create(dir, c)?),
        };
        w.push(c, &window)
    })?;
    let w = match writer {
        Some(w) => w,
        None => ComparisonWriter::create(dir, &c)?,
    };
    w.finish(&c)
}

/// `parcels.csv` and `parcels.parquet` being written, parcels in output order, and the
/// totals of the parcels written so far; [`ComparisonWriter::finish`] writes the rest.
pub struct ComparisonWriter {
    dir: PathBuf,
    csv_path: PathBuf,
    /// Past the page cache, as the reconciliation's outputs ([`BlockWriter`]).
    csv: BlockWriter,
    parquet: ParquetLines,
    width: usize,
    totals: TotalsBuilder,
}

impl ComparisonWriter {
    /// Creates `dir` (if missing) and the parcel files, with their headers.
    pub fn create(dir: &Path, c: &Comparison) -> Result<ComparisonWriter, BatchError> {
        std::fs::create_dir_all(dir).map_err(|e| BatchError::io(dir, e))?;
        // parcels.csv and parcels.parquet: the same text cells.
        let columns = parcel_columns(c);
        let csv_path = dir.join("parcels.csv");
        let mut csv = BlockWriter::create(&csv_path).map_err(|e| BatchError::io(&csv_path, e))?;
        let mut header = Vec::new();
        push_record(&mut header, columns.iter().map(String::as_str));
        csv.write_all(&header)
            .map_err(|e| BatchError::io(&csv_path, e))?;
        let parquet = ParquetLines::create(&dir.join("parcels.parquet"), columns.clone())?;
        Ok(ComparisonWriter {
            dir: dir.to_path_buf(),
            csv_path,
            csv,
            parquet,
            width: columns.len(),
            totals: TotalsBuilder::new(c),
        })
    }

    /// Writes the next parcels (in output order) and adds them to the totals.
    pub fn push(&mut self, c: &Comparison, parcels: &[ComparedParcel]) -> Result<(), BatchError> {
        self.totals.add(parcels);
        let cells = ParcelCells::new(c);
        let width = self.width;
        for window in parcels.chunks(WINDOW) {
            // The Parquet rows are gathered on one thread while the others render the
            // CSV text of the same window in pieces (each piece its own bytes, written
            // in order: the file is as one writer would have written it).
            let pq = &mut self.parquet;
            let (pushed, text) = rayon::join(
                || -> Result<(), BatchError> {
                    let mut row = vec![String::new(); width];
                    for p in window {
                        cells.fill(p, &mut row);
                        pq.push(row.as_slice())?;
                    }
                    Ok(())
                },
                || {
                    window
                        .par_chunks(CSV_PIECE)
                        .map(|ps| {
                            let mut row = vec![String::new(); width];
                            let mut text = Vec::with_capacity(ps.len() * 160);
                            for p in ps {
                                cells.fill(p, &mut row);
                                push_record(&mut text, row.iter().map(String::as_str));
                            }
                            text
                        })
                        .collect::<Vec<Vec<u8>>>()
                },
            );
            pushed?;
            for piece in text {
                self.csv
                    .write_all(&piece)
                    .map_err(|e| BatchError::io(&self.csv_path, e))?;
            }
        }
        Ok(())
    }

    /// Closes the parcel files and writes the aggregates, the differences, the rejects,
    /// the summary and the report of every parcel pushed. The summary's identity check
    /// (the components of each difference add up to it) runs here, after the parcel
    /// files are written: when it fails — a bug, never the data — they stay written,
    /// the other files are not, and the command exits non-zero.
    pub fn finish(self, c: &Comparison) -> Result<CompareSummary, BatchError> {
        self.csv
            .finish()
            .map_err(|e| BatchError::io(&self.csv_path, e))?;
        self.parquet.finish()?;
        let totals = self.totals.finish(c);
        let summary = summarize(c, &totals)?;
        write_tables(&self.dir, c, &totals, &summary)?;
        Ok(summary)
    }
}

/// The outputs made of the totals: `aggregates.csv`, `differences.csv`, `rejects.csv`,
/// `summary.json` and `report.html`.
fn write_tables(
    dir: &Path,
    c: &Comparison,
    totals: &Totals,
    summary: &CompareSummary,
) -> Result<(), BatchError> {
    let dp = c.dp;
    // aggregates.csv
    let path = dir.join("aggregates.csv");
    let mut w = csv_out(
        &path,
        &[
            "tariff",
            "carrier",
            "method",
            "zone",
            "weight_band",
            "month",
            "parcels",
            "priced",
            "refused",
            "total",
        ],
    )?;
    for ((i, carrier, method, zone, band, month), (n, s)) in &totals.aggregates {
        w.write_record([
            c.tariffs[*i].id.as_str(),
            carrier,
            method,
            zone,
            &c.bands.label(*band),
            month,
            &n.to_string(),
            &s.parcels.to_string(),
            &(n - s.parcels).to_string(),
            &s.total.display(dp),
        ])
        .map_err(|e| BatchError::io(&path, e))?;
    }
    close(&path, w)?;

    // differences.csv
    let path = dir.join("differences.csv");
    let mut w = csv_out(
        &path,
        &[
            "tariff",
            "against",
            "component",
            "parcels",
            "against_amount",
            "tariff_amount",
            "difference",
        ],
    )?;
    for (j, (base, other)) in totals.common.iter().enumerate() {
        let names = COMPONENTS.iter().copied().chain(["total"]);
        for (k, name) in names.enumerate() {
            let (a, b) = if k < COMPONENTS.len() {
                (base.parts[k], other.parts[k])
            } else {
                (base.total, other.total)
            };
            w.write_record([
                c.tariffs[j + 1].id.as_str(),
                c.tariffs[0].id.as_str(),
                name,
                &other.parcels.to_string(),
                &a.display(dp),
                &b.display(dp),
                &b.minus(a).display(dp),
            ])
            .map_err(|e| BatchError::io(&path, e))?;
        }
    }
    close(&path, w)?;

    // rejects.csv
    write_rejects(&dir.join("rejects.csv"), &c.rejects)?;

    // summary.json
    let path = dir.join("summary.json");
    let text = serde_json::to_string_pretty(summary).map_err(|e| BatchError::io(&path, e))?;
    std::fs::write(&path, format!("{text}\n")).map_err(|e| BatchError::io(&path, e))?;

    // report.html
    let path = dir.join("report.html");
    std::fs::write(&path, compare_report::render(c, totals, summary))
        .map_err(|e| BatchError::io(&path, e))?;
    Ok(())
}
