//! `summary.json`: counts and money per carrier × class, the money identity, the
//! options and the inputs — computed from the output tables alone.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::BatchError;
use crate::table::{Cells, FileCount, MoneyIn, ReadCounts, TableKind, Tables};

/// Count and money of one class of one carrier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClassTotal {
    pub count: u64,
    pub billed_total: Decimal,
    pub expected_total: Decimal,
    pub disputed: Decimal,
}

/// One side of the money identity for one input and currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityLine {
    pub input: String,
    pub currency: String,
    /// Money read from the input files.
    pub read: Decimal,
    /// Money in the output rows (lines / refunds) plus the rejected rows.
    pub classified: Decimal,
    pub rejected: Decimal,
    pub holds: bool,
}

/// The summary of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub lines: BTreeMap<String, BTreeMap<String, ClassTotal>>,
    pub parcels: BTreeMap<String, BTreeMap<String, ClassTotal>>,
    pub refunds: BTreeMap<String, BTreeMap<String, RefundTotal>>,
    pub rejects: BTreeMap<String, u64>,
    pub tracking_events_used: u64,
    pub tracking_events_unused: u64,
    pub identity: Vec<IdentityLine>,
    /// Rows read = rows out + rows rejected, per input.
    pub row_identity: BTreeMap<String, RowIdentity>,
    pub options: serde_json::Value,
    pub inputs: Vec<FileCount>,
    pub money_read: Vec<MoneyIn>,
}

/// Refund money of one class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefundTotal {
    pub count: u64,
    pub due: Decimal,
    pub received: Decimal,
}

/// Row accounting of one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RowIdentity {
    pub read: u64,
    pub out: u64,
    pub rejected: u64,
    pub holds: bool,
}

fn decimal(cell: &str) -> Option<Decimal> {
    if cell.is_empty() {
        None
    } else {
        cell.parse().ok()
    }
}

fn add(a: &mut Decimal, cell: &str) {
    if let Some(b) = decimal(cell) {
        *a += b;
    }
}

/// The entry of `key` in `map`, allocating the key only the first time.
fn entry<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key)
        .unwrap_or_else(|| unreachable!("inserted above"))
}

/// Column positions of one table, looked up once by name.
fn positions<const N: usize>(kind: TableKind, names: [&str; N]) -> [usize; N] {
    let cols = kind.columns();
    names.map(|n| {
        cols.iter()
            .position(|c| c == n)
            .unwrap_or_else(|| unreachable!("no column {n}"))
    })
}

/// The summary, built one output row at a time (rows in any order): a run and a merge
/// feed it the same rows, and it never holds them.
#[derive(Debug, Clone)]
pub struct SummaryBuilder {
    line_cols: [usize; 6],
    parcel_cols: [usize; 3],
    refund_cols: [usize; 6],
    reject_cols: [usize; 3],
    lines: BTreeMap<String, BTreeMap<String, ClassTotal>>,
    parcels: BTreeMap<String, BTreeMap<String, ClassTotal>>,
    refunds: BTreeMap<String, BTreeMap<String, RefundTotal>>,
    rejects: BTreeMap<String, u64>,
    /// Money in the output rows, per input and currency.
    out_money: BTreeMap<String, BTreeMap<String, Decimal>>,
    /// Money in the rejects, per input and currency.
    rej_money: BTreeMap<String, BTreeMap<String, Decimal>>,
    n_lines: u64,
    n_parcels: u64,
    /// Accepted refund rows, as the refunds table counts them.
    n_refund_rows: u64,
}

impl Default for SummaryBuilder {
    fn default() -> Self {
        SummaryBuilder::new()
    }
}

impl SummaryBuilder {
    pub fn new() -> SummaryBuilder {
        SummaryBuilder {
            line_cols: positions(
                TableKind::Lines,
                [
                    "carrier",
                    "class",
                    "currency",
                    "billed_total",
                    "expected_total",
                    "disputed",
                ],
            ),
            parcel_cols: positions(TableKind::Parcels, ["carrier", "class", "expected_total"]),
            refund_cols: positions(
                TableKind::Refunds,
                [
                    "carrier",
                    "class",
                    "currency",
                    "due",
                    "received",
                    "rows_received",
                ],
            ),
            reject_cols: positions(TableKind::Rejects, ["input", "currency", "amount"]),
            lines: BTreeMap::new(),
            parcels: BTreeMap::new(),
            refunds: BTreeMap::new(),
            rejects: BTreeMap::new(),
            out_money: BTreeMap::new(),
            rej_money: BTreeMap::new(),
            n_lines: 0,
            n_parcels: 0,
            n_refund_rows: 0,
        }
    }

    /// Adds a row of `kind`.
    pub fn add<R: Cells + ?Sized>(&mut self, kind: TableKind, r: &R) {
        let c = |i: usize| r.cell(i);
        match kind {
            TableKind::Lines => {
                let [car, cls, cur, bt, et, dis] = self.line_cols;
                self.n_lines += 1;
                let e = entry(entry(&mut self.lines, c(car)), c(cls));
                e.count += 1;
                add(&mut e.billed_total, c(bt));
                add(&mut e.expected_total, c(et));
                add(&mut e.disputed, c(dis));
                add(entry(entry(&mut self.out_money, "invoices"), c(cur)), c(bt));
            }
            TableKind::Parcels => {
                let [car, cls, et] = self.parcel_cols;
                self.n_parcels += 1;
                let e = entry(entry(&mut self.parcels, c(car)), c(cls));
                e.count += 1;
                add(&mut e.expected_total, c(et));
            }
            TableKind::Refunds => {
                let [car, cls, cur, due, rec, rows] = self.refund_cols;
                self.n_refund_rows += c(rows).parse::<u64>().unwrap_or(0);
                let e = entry(entry(&mut self.refunds, c(car)), c(cls));
                e.count += 1;
                add(&mut e.due, c(due));
                add(&mut e.received, c(rec));
                add(entry(entry(&mut self.out_money, "refunds"), c(cur)), c(rec));
            }
            TableKind::Rejects => {
                let [input, cur, amt] = self.reject_cols;
                *entry(&mut self.rejects, c(input)) += 1;
                if let Some(d) = decimal(c(amt)) {
                    *entry(entry(&mut self.rej_money, c(input)), c(cur)) += d;
                }
            }
        }
    }

    /// Checks both identities against what was read and returns the summary; a failed
    /// identity is an error (the job's own bug), never written as if it were fine.
    pub fn finish(
        self,
        counts: &ReadCounts,
        options: &serde_json::Value,
    ) -> Result<Summary, BatchError> {
        let ReadCounts {
            files,
            money_in,
            tracking_used,
            tracking_unused,
            // Which partition, of which files: `partition.json`'s, not the summary's.
            share: _,
        } = counts;
        let (tracking_used, tracking_unused) = (*tracking_used, *tracking_unused);
        let flat = |m: BTreeMap<String, BTreeMap<String, Decimal>>| {
            m.into_iter()
                .flat_map(|(input, by_cur)| {
                    by_cur
                        .into_iter()
                        .map(move |(cur, d)| ((input.clone(), cur), d))
                })
                .collect::<BTreeMap<(String, String), Decimal>>()
        };
        let mut out_money = flat(self.out_money);
        let mut rej_money = flat(self.rej_money);
        let mut identity = Vec::new();
        let mut failures = Vec::new();
        for m in money_in {
            if m.currency.is_empty() && m.amount.is_zero() {
                continue; // rows whose amount could not be read: counted in money_read
            }
            let key = (m.input.clone(), m.currency.clone());
            let classified = out_money.remove(&key).unwrap_or_default();
            let rejected = rej_money.remove(&key).unwrap_or_default();
            let holds = classified + rejected == m.amount;
            if !holds {
                failures.push(format!(
                    "{} {}: read {}, out {} + rejected {}",
                    m.input, m.currency, m.amount, classified, rejected
                ));
            }
            let (mut read, mut classified, mut rejected) = (m.amount, classified, rejected);
            let dp = [read, classified, rejected]
                .map(|d| d.scale())
                .into_iter()
                .max();
            at_scale(dp.unwrap_or(0), [&mut read, &mut classified, &mut rejected]);
            identity.push(IdentityLine {
                input: m.input.clone(),
                currency: m.currency.clone(),
                read,
                classified,
                rejected,
                holds,
            });
        }
        for ((input, cur), d) in out_money.into_iter().chain(rej_money) {
            if !d.is_zero() {
                failures.push(format!("{input} {cur}: {d} in the outputs was never read"));
            }
        }
        let mut row_identity: BTreeMap<String, RowIdentity> = BTreeMap::new();
        for fc in files {
            let e = row_identity.entry(fc.input.clone()).or_default();
            e.read += fc.rows;
        }
        for (input, n) in [("invoices", self.n_lines), ("registry", self.n_parcels)] {
            row_identity.entry(input.into()).or_default().out = n;
        }
        row_identity.entry("tracking".into()).or_default().out = tracking_used + tracking_unused;
        // Refund rows out: every accepted refund row is counted in the `rows_received` of
        // exactly one refunds.csv row.
        row_identity.entry("refunds".into()).or_default().out = self.n_refund_rows;
        for (input, e) in row_identity.iter_mut() {
            e.rejected = *self.rejects.get(input).unwrap_or(&0);
            e.holds = e.read == e.out + e.rejected;
            if !e.holds {
                failures.push(format!(
                    "{input}: {} rows read, {} out + {} rejected",
                    e.read, e.out, e.rejected
                ));
            }
        }
        if !failures.is_empty() {
            return Err(BatchError::Identity(failures.join("; ")));
        }
        let (mut lines, mut parcels, mut refunds) = (self.lines, self.parcels, self.refunds);
        let dp = carrier_digits(&lines, &parcels, &refunds);
        let digits = |carrier: &str| dp.get(carrier).copied().unwrap_or(0);
        for (carrier, by_class) in lines.iter_mut().chain(parcels.iter_mut()) {
            for t in by_class.values_mut() {
                let d = digits(carrier);
                at_scale(
                    d,
                    [&mut t.billed_total, &mut t.expected_total, &mut t.disputed],
                );
            }
        }
        for (carrier, by_class) in refunds.iter_mut() {
            for t in by_class.values_mut() {
                at_scale(digits(carrier), [&mut t.due, &mut t.received]);
            }
        }
        Ok(Summary {
            lines,
            parcels,
            refunds,
            rejects: self.rejects,
            tracking_events_used: tracking_used,
            tracking_events_unused: tracking_unused,
            identity,
            row_identity,
            options: options.clone(),
            inputs: files.to_vec(),
            money_read: money_in.to_vec(),
        })
    }
}

/// Each carrier's minor-unit digits as its amounts show them: the most that any of its
/// line, parcel or refund amounts has.
fn carrier_digits(
    lines: &BTreeMap<String, BTreeMap<String, ClassTotal>>,
    parcels: &BTreeMap<String, BTreeMap<String, ClassTotal>>,
    refunds: &BTreeMap<String, BTreeMap<String, RefundTotal>>,
) -> BTreeMap<String, u32> {
    let mut dp: BTreeMap<String, u32> = BTreeMap::new();
    let mut see = |carrier: &str, scales: &[u32]| {
        let d = dp.entry(carrier.to_string()).or_default();
        *d = scales.iter().copied().fold(*d, u32::max);
    };
    for (carrier, by_class) in lines.iter().chain(parcels) {
        for t in by_class.values() {
            let amounts = [t.billed_total, t.expected_total, t.disputed];
            see(carrier, &amounts.map(|d| d.scale()));
        }
    }
    for (carrier, by_class) in refunds {
        for t in by_class.values() {
            see(carrier, &[t.due.scale(), t.received.scale()]);
        }
    }
    dp
}

/// Writes every amount with at least `dp` decimals: a total that nothing was added to
/// (the expected total of `not_shipped` lines) is `0.00` beside `27930.52`, not `0`.
/// `dp` is the most digits among the amounts beside it — the currency's minor digits,
/// unless a rejected amount with more (`12.999`, refused for that) is summed in: the
/// identity then shows the exact sum with three.
fn at_scale<const N: usize>(dp: u32, amounts: [&mut Decimal; N]) {
    for d in amounts {
        if d.scale() < dp {
            d.rescale(dp);
        }
    }
}

/// Computes the summary of in-memory tables and checks both identities.
pub fn summarise(t: &Tables) -> Result<Summary, BatchError> {
    let mut b = SummaryBuilder::new();
    for kind in TableKind::ALL {
        for r in &t.table(kind).rows {
            b.add(kind, r);
        }
    }
    b.finish(&t.counts(), &t.options)
}
