//! `report.html`: one self-contained page for finance (no script, no network): totals
//! per carrier and class, a chart of disputed money, the largest disputes, the claims to
//! file and the identity check.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::summary::Summary;
use crate::table::{Cells, TableKind, Tables};

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How many of the largest disputes and claims the page lists.
pub const TOP: usize = 20;

/// What the page shows beyond the summary, gathered one output row at a time (rows fed
/// in output order), so a run and a merge gather the same without holding the tables.
#[derive(Debug, Clone, Default)]
pub struct ReportRows {
    /// The currency of each carrier's first line.
    currency: BTreeMap<String, String>,
    /// The largest disputes so far, largest first (ties: by the row), at most [`TOP`].
    disputes: Vec<(Decimal, Vec<String>)>,
    /// The first [`TOP`] claims (refunds due and missing) and how many there are.
    claims: Vec<Vec<String>>,
    claim_count: u64,
}

// Column positions the page reads (checked against the tables' columns by a test).
const L_CARRIER: usize = 3;
const L_CURRENCY: usize = 8;
const R_CLASS: usize = 2;
/// `disputed`, the second-last line column (a constant: this runs once per line, and
/// building the column names each time cost more than the rest of the row's work).
const L_DISPUTED: usize = 11 + 3 * 8;

impl ReportRows {
    /// Adds an output row of `kind`.
    pub fn add<R: Cells + ?Sized>(&mut self, kind: TableKind, r: &R) {
        let c = |i: usize| r.cell(i);
        match kind {
            TableKind::Lines => {
                if !self.currency.contains_key(c(L_CARRIER)) {
                    self.currency
                        .insert(c(L_CARRIER).to_string(), c(L_CURRENCY).to_string());
                }
                let disputed = match c(line_disputed()).parse::<Decimal>() {
                    Ok(d) if d > Decimal::ZERO => d,
                    _ => return,
                };
                let better = |(d, row): &(Decimal, Vec<String>)| {
                    disputed
                        .cmp(d)
                        .then_with(|| row.iter().map(String::as_str).cmp(r.cells()))
                        .is_gt()
                };
                if self.disputes.len() < TOP || self.disputes.last().is_some_and(better) {
                    let at = self.disputes.partition_point(|x| !better(x));
                    let row = r.cells().map(str::to_string).collect();
                    self.disputes.insert(at, (disputed, row));
                    self.disputes.truncate(TOP);
                }
            }
            TableKind::Refunds if c(R_CLASS) == "due_missing" => {
                self.claim_count += 1;
                if self.claims.len() < TOP {
                    self.claims.push(r.cells().map(str::to_string).collect());
                }
            }
            _ => {}
        }
    }

    /// Gathers the rows of in-memory tables.
    pub fn of(t: &Tables) -> ReportRows {
        let mut rr = ReportRows::default();
        for kind in [TableKind::Lines, TableKind::Refunds] {
            for r in &t.table(kind).rows {
                rr.add(kind, r);
            }
        }
        rr
    }
}

fn line_disputed() -> usize {
    L_DISPUTED
}

/// Renders the page.
pub fn render(s: &Summary, t: &ReportRows) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>courier reconciliation</title>\n<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}.ok{color:#060}.bad{color:#b00;font-weight:bold}.bar{fill:#c0392b}.lbl{font-size:12px}</style></head><body>\n");
    h.push_str("<h1>Carrier invoice reconciliation</h1>\n");
    let holds = s.identity.iter().all(|i| i.holds) && s.row_identity.values().all(|r| r.holds);
    h.push_str(&format!(
        "<p>Identity check: <span class=\"{}\">{}</span> — every input row is in exactly one output row or in the rejects, and the money read equals the money classified plus the money rejected.</p>\n",
        if holds { "ok" } else { "bad" },
        if holds { "holds" } else { "FAILED" }
    ));
    h.push_str("<h2>Invoice lines per carrier and class</h2>\n<table><tr><th>carrier</th><th>class</th><th>lines</th><th>billed</th><th>expected</th><th>disputed</th></tr>\n");
    let mut bars: Vec<(String, Decimal)> = Vec::new();
    let currency_of = |carrier: &str| t.currency.get(carrier).cloned().unwrap_or_default();
    for (carrier, classes) in &s.lines {
        let cur = currency_of(carrier);
        for (class, c) in classes {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                esc(carrier), esc(class), c.count, c.billed_total, c.expected_total, c.disputed
            ));
            if c.disputed > Decimal::ZERO {
                bars.push((format!("{carrier} · {class} ({cur})"), c.disputed));
            }
        }
    }
    h.push_str("</table>\n<h2>Disputed money by class and carrier</h2>\n<p>Bars share one scale across currencies; compare within a currency.</p>\n");
    let max = bars
        .iter()
        .map(|b| b.1)
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ONE);
    let height = 24 * bars.len().max(1) + 10;
    h.push_str(&format!(
        "<svg width=\"760\" height=\"{height}\" role=\"img\" aria-label=\"disputed money\">\n"
    ));
    for (i, (label, v)) in bars.iter().enumerate() {
        let w = (*v * Decimal::from(440) / max).round().to_string();
        let y = 24 * i + 4;
        h.push_str(&format!(
            "<text class=\"lbl\" x=\"0\" y=\"{}\">{}</text><rect class=\"bar\" x=\"230\" y=\"{y}\" width=\"{w}\" height=\"18\"/><text class=\"lbl\" x=\"{}\" y=\"{}\">{}</text>\n",
            y + 14, esc(label), 236 + w.parse::<usize>().unwrap_or(0), y + 14, v
        ));
    }
    h.push_str("</svg>\n");
    // Largest disputes.
    let cols = TableKind::Lines.columns();
    let col = |name: &str| cols.iter().position(|c| c == name).unwrap_or(0);
    h.push_str(&format!("<h2>The {TOP} largest disputes</h2>\n<table><tr><th>invoice</th><th>line</th><th>carrier</th><th>order</th><th>class</th><th>disputed</th><th>reason</th></tr>\n"));
    for (_, r) in &t.disputes {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            esc(&r[col("invoice_id")]), esc(&r[col("line_id")]), esc(&r[col("carrier")]), esc(&r[col("order_id")]),
            esc(&r[col("class")]), esc(&r[col("disputed")]), esc(&r[col("reason")])
        ));
    }
    h.push_str("</table>\n");
    // Claims.
    let fcols = TableKind::Refunds.columns();
    let fcol = |name: &str| fcols.iter().position(|c| c == name).unwrap_or(0);
    h.push_str(&format!("<h2>Claims to file: refunds due and not received ({})</h2>\n<table><tr><th>carrier</th><th>order</th><th>due</th><th>received</th></tr>\n", t.claim_count));
    for r in &t.claims {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            esc(&r[fcol("carrier")]),
            esc(&r[fcol("order_id")]),
            esc(&r[fcol("due")]),
            esc(&r[fcol("received")])
        ));
    }
    h.push_str("</table>\n<h2>Refunds per carrier and class</h2>\n<table><tr><th>carrier</th><th>class</th><th>parcels</th><th>due</th><th>received</th></tr>\n");
    for (carrier, classes) in &s.refunds {
        for (class, c) in classes {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                esc(carrier), esc(class), c.count, c.due, c.received
            ));
        }
    }
    h.push_str("</table>\n<h2>Money identity</h2>\n<table><tr><th>input</th><th>currency</th><th>read</th><th>classified</th><th>rejected</th><th>holds</th></tr>\n");
    for i in &s.identity {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            esc(&i.input), esc(&i.currency), i.read, i.classified, i.rejected, if i.holds { "yes" } else { "NO" }
        ));
    }
    h.push_str("</table>\n<h2>Rows</h2>\n<table><tr><th>input</th><th>read</th><th>out</th><th>rejected</th></tr>\n");
    for (input, r) in &s.row_identity {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            esc(input), r.read, r.out, r.rejected
        ));
    }
    h.push_str("</table>\n</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_positions_match_the_tables() {
        let l = TableKind::Lines.columns();
        assert_eq!(l[L_CARRIER], "carrier");
        assert_eq!(l[L_CURRENCY], "currency");
        assert_eq!(l[line_disputed()], "disputed");
        assert_eq!(TableKind::Refunds.columns()[R_CLASS], "class");
    }

    #[test]
    fn keeps_the_largest_disputes_in_order() {
        let mut rr = ReportRows::default();
        let width = TableKind::Lines.columns().len();
        for i in 0..50u32 {
            let mut row = vec![String::new(); width];
            row[0] = format!("inv{i:02}");
            row[line_disputed()] = format!("{}", i % 25);
            rr.add(TableKind::Lines, &row);
        }
        let got: Vec<(String, String)> = rr
            .disputes
            .iter()
            .map(|(d, r)| (d.to_string(), r[0].clone()))
            .collect();
        assert_eq!(got.len(), TOP);
        // 24 twice (inv24, inv49), then 23 twice, …: by amount, then by row.
        assert_eq!(got[0], ("24".into(), "inv24".into()));
        assert_eq!(got[1], ("24".into(), "inv49".into()));
        assert_eq!(got[2], ("23".into(), "inv23".into()));
        assert_eq!(got[19], ("15".into(), "inv40".into()));
    }
}
