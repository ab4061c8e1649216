//! `summary.json`: counts and money per carrier × class, the money identity, the
//! options and the inputs — computed from the output tables alone.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::BatchError;
use crate::table::{FileCount, MoneyIn, Tables};

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

fn add(a: &mut Decimal, b: Option<Decimal>) {
    if let Some(b) = b {
        *a += b;
    }
}

/// Computes the summary and checks both identities; a failed identity is an error (the
/// job's own bug), never written as if it were fine.
pub fn summarise(t: &Tables) -> Result<Summary, BatchError> {
    let l = &t.lines;
    let (c_car, c_cls, c_cur) = (l.col("carrier"), l.col("class"), l.col("currency"));
    let (c_bt, c_et, c_dis) = (
        l.col("billed_total"),
        l.col("expected_total"),
        l.col("disputed"),
    );
    let mut lines: BTreeMap<String, BTreeMap<String, ClassTotal>> = BTreeMap::new();
    let mut out_money: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for r in &l.rows {
        let e = lines
            .entry(r[c_car].clone())
            .or_default()
            .entry(r[c_cls].clone())
            .or_default();
        e.count += 1;
        add(&mut e.billed_total, l.decimal(r, c_bt));
        add(&mut e.expected_total, l.decimal(r, c_et));
        add(&mut e.disputed, l.decimal(r, c_dis));
        add(
            out_money
                .entry(("invoices".into(), r[c_cur].clone()))
                .or_default(),
            l.decimal(r, c_bt),
        );
    }
    let p = &t.parcels;
    let (p_car, p_cls, p_et) = (p.col("carrier"), p.col("class"), p.col("expected_total"));
    let mut parcels: BTreeMap<String, BTreeMap<String, ClassTotal>> = BTreeMap::new();
    for r in &p.rows {
        let e = parcels
            .entry(r[p_car].clone())
            .or_default()
            .entry(r[p_cls].clone())
            .or_default();
        e.count += 1;
        add(&mut e.expected_total, p.decimal(r, p_et));
    }
    let f = &t.refunds;
    let (f_car, f_cls, f_cur, f_due, f_rec) = (
        f.col("carrier"),
        f.col("class"),
        f.col("currency"),
        f.col("due"),
        f.col("received"),
    );
    let mut refunds: BTreeMap<String, BTreeMap<String, RefundTotal>> = BTreeMap::new();
    for r in &f.rows {
        let e = refunds
            .entry(r[f_car].clone())
            .or_default()
            .entry(r[f_cls].clone())
            .or_default();
        e.count += 1;
        add(&mut e.due, f.decimal(r, f_due));
        add(&mut e.received, f.decimal(r, f_rec));
        add(
            out_money
                .entry(("refunds".into(), r[f_cur].clone()))
                .or_default(),
            f.decimal(r, f_rec),
        );
    }
    let j = &t.rejects;
    let (j_in, j_cur, j_amt) = (j.col("input"), j.col("currency"), j.col("amount"));
    let mut rejects: BTreeMap<String, u64> = BTreeMap::new();
    let mut rej_money: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for r in &j.rows {
        *rejects.entry(r[j_in].clone()).or_default() += 1;
        if let Some(d) = j.decimal(r, j_amt) {
            *rej_money
                .entry((r[j_in].clone(), r[j_cur].clone()))
                .or_default() += d;
        }
    }
    let mut identity = Vec::new();
    let mut failures = Vec::new();
    for m in &t.money_in {
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
        identity.push(IdentityLine {
            input: m.input.clone(),
            currency: m.currency.clone(),
            read: m.amount,
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
    for fc in &t.files {
        let e = row_identity.entry(fc.input.clone()).or_default();
        e.read += fc.rows;
    }
    for (input, n) in [("invoices", l.rows.len()), ("registry", p.rows.len())] {
        row_identity.entry(input.into()).or_default().out = n as u64;
    }
    let tracking_out = t.tracking_used + t.tracking_unused;
    row_identity.entry("tracking".into()).or_default().out = tracking_out;
    // Refund rows out: every accepted refund row is part of one refunds.csv row; the
    // refund rows read that are not rejected.
    let refund_read = row_identity.get("refunds").map_or(0, |r| r.read);
    let refund_rejected = *rejects.get("refunds").unwrap_or(&0);
    row_identity.entry("refunds".into()).or_default().out =
        refund_read.saturating_sub(refund_rejected);
    for (input, e) in row_identity.iter_mut() {
        e.rejected = *rejects.get(input).unwrap_or(&0);
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
    Ok(Summary {
        lines,
        parcels,
        refunds,
        rejects,
        tracking_events_used: t.tracking_used,
        tracking_events_unused: t.tracking_unused,
        identity,
        row_identity,
        options: t.options.clone(),
        inputs: t.files.clone(),
        money_read: t.money_in.clone(),
    })
}
