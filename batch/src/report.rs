//! `report.html`: one self-contained page for finance (no script, no network): totals
//! per carrier and class, a chart of disputed money, the largest disputes, the claims to
//! file and the identity check.

use rust_decimal::Decimal;

use crate::summary::Summary;
use crate::table::Tables;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How many of the largest disputes and claims the page lists.
pub const TOP: usize = 20;

/// Renders the page.
pub fn render(s: &Summary, t: &Tables) -> String {
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
    let currency_of = |carrier: &str| {
        let l = &t.lines;
        l.rows
            .iter()
            .find(|r| r[l.col("carrier")] == carrier)
            .map_or_else(String::new, |r| r[l.col("currency")].clone())
    };
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
    let l = &t.lines;
    let (c_dis, c_cls) = (l.col("disputed"), l.col("class"));
    let mut disputes: Vec<&Vec<String>> = l
        .rows
        .iter()
        .filter(|r| l.decimal(r, c_dis).is_some_and(|d| d > Decimal::ZERO))
        .collect();
    disputes.sort_by(|a, b| {
        l.decimal(b, c_dis)
            .cmp(&l.decimal(a, c_dis))
            .then_with(|| a.cmp(b))
    });
    h.push_str(&format!("<h2>The {TOP} largest disputes</h2>\n<table><tr><th>invoice</th><th>line</th><th>carrier</th><th>order</th><th>class</th><th>disputed</th><th>reason</th></tr>\n"));
    for r in disputes.iter().take(TOP) {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            esc(&r[l.col("invoice_id")]), esc(&r[l.col("line_id")]), esc(&r[l.col("carrier")]), esc(&r[l.col("order_id")]),
            esc(&r[c_cls]), esc(&r[c_dis]), esc(&r[l.col("reason")])
        ));
    }
    h.push_str("</table>\n");
    // Claims.
    let f = &t.refunds;
    let claims: Vec<&Vec<String>> = f
        .rows
        .iter()
        .filter(|r| r[f.col("class")] == "due_missing")
        .collect();
    h.push_str(&format!("<h2>Claims to file: refunds due and not received ({})</h2>\n<table><tr><th>carrier</th><th>order</th><th>due</th><th>received</th></tr>\n", claims.len()));
    for r in claims.iter().take(TOP) {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            esc(&r[f.col("carrier")]),
            esc(&r[f.col("order_id")]),
            esc(&r[f.col("due")]),
            esc(&r[f.col("received")])
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
