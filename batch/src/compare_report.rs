//! `report.html` of a tariff comparison: one self-contained page an analyst can put in
//! front of a manager (no script, no network, inline SVG): the totals per tariff, the
//! cost by weight band per tariff, the share of parcels for which each tariff is
//! cheapest, the difference to the baseline by cost component and by zone, and why
//! parcels were refused.
//!
//! **Zones.** Tariffs zone differently (the baseline's zone "2" need not be another
//! tariff's "2"), so the difference by zone is grouped by the **baseline's** zone of
//! each parcel: "what the parcels the baseline prices in zone Z would cost under the
//! other tariff", over the parcels both can carry.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::compare::{Comparison, Totals, COMPONENTS};
use crate::compare_output::{CompareSummary, Components};
use crate::report::esc;

/// Bar colours, one per tariff (repeating), then the tie and none bars.
const COLOURS: [&str; 6] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
];
const GREY: &str = "#999999";

fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

/// `part` of `whole` in percent, one decimal (exact decimal arithmetic).
fn percent(part: u64, whole: u64) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole)).round_dp(1)
}

/// `v * len / max`, in whole pixels (integers: no float anywhere near money).
fn scale(v: i64, max: i64, len: i64) -> i64 {
    if max <= 0 || v <= 0 {
        return 0;
    }
    i64::try_from(i128::from(v) * i128::from(len) / i128::from(max)).unwrap_or(len)
}

/// [`scale`] for sums of money that may exceed an `i64`.
fn scale_wide(v: u128, max: u128, len: u128) -> i64 {
    if max == 0 {
        return 0;
    }
    let w = v.checked_mul(len).map_or(len, |p| p / max);
    i64::try_from(w.min(len)).unwrap_or(0)
}

fn component_cells(c: &Components) -> String {
    [
        c.postal_rate,
        c.insurance,
        c.cod_fee,
        c.preparing,
        c.surcharges,
        c.vat,
    ]
    .iter()
    .map(|v| format!("<td class=\"n\">{v}</td>"))
    .collect()
}

/// Minor units as a decimal text with `dp` digits (sums can exceed an `i64` of money).
fn minor_text(v: i128, dp: u32) -> String {
    Decimal::try_from_i128_with_scale(v, dp)
        .map(|d| d.to_string())
        .unwrap_or_else(|_| "overflow".into())
}

/// The section "Difference to the baseline by zone": a table and a bar per zone and
/// tariff (left of the axis: cheaper than the baseline; right: dearer).
fn zone_section(c: &Comparison, t: &Totals, h: &mut String) {
    let cur = esc(&c.currency);
    let Some(baseline) = c.tariffs.first() else {
        return;
    };
    h.push_str(&format!(
        "<h2>Difference to the baseline by zone ({cur})</h2>\n<p>Grouped by the zone the baseline <b>{}</b> prices each parcel in (tariffs zone differently), over the parcels both tariffs can carry; bars left of the axis: cheaper than the baseline, right: dearer.</p>\n",
        esc(&baseline.id)
    ));
    let zones = &t.by_baseline_zone;
    let max = zones
        .iter()
        .flat_map(|z| z.values())
        .map(|&(_, b, x)| (x - b).unsigned_abs())
        .max()
        .unwrap_or(0);
    let bars: usize = zones.iter().map(BTreeMap::len).sum();
    h.push_str(&format!(
        "<svg width=\"760\" height=\"{}\" role=\"img\" aria-label=\"difference to the baseline by zone\">\n<line x1=\"480\" y1=\"0\" x2=\"480\" y2=\"{}\" stroke=\"#333\"/>\n",
        22 * bars + 6,
        22 * bars + 6
    ));
    let mut k = 0i64;
    for (i, z) in zones.iter().enumerate() {
        let ti = &c.tariffs[i + 1];
        for (zone, &(_, b, x)) in z {
            let d = x - b;
            let w = scale_wide(d.unsigned_abs(), max, 260);
            let y = 22 * k + 4;
            let x0 = if d < 0 { 480 - w } else { 480 };
            h.push_str(&format!(
                "<text class=\"lbl\" x=\"0\" y=\"{}\">{} · zone {}</text><rect x=\"{x0}\" y=\"{y}\" width=\"{w}\" height=\"16\" fill=\"{}\"/><text class=\"lbl\" x=\"{}\" y=\"{}\">{}</text>\n",
                y + 13,
                esc(&ti.id),
                esc(if zone.is_empty() { "—" } else { zone }),
                colour(i + 1),
                if d < 0 { 484 } else { 486 + w },
                y + 13,
                minor_text(d, c.dp)
            ));
            k += 1;
        }
    }
    h.push_str("</svg>\n<table><tr><th>tariff</th><th>baseline zone</th><th>parcels</th><th>baseline total</th><th>tariff total</th><th>difference</th></tr>\n");
    for (i, z) in zones.iter().enumerate() {
        for (zone, &(n, b, x)) in z {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                esc(&c.tariffs[i + 1].id),
                esc(zone),
                minor_text(b, c.dp),
                minor_text(x, c.dp),
                minor_text(x - b, c.dp)
            ));
        }
    }
    h.push_str("</table>\n");
}

/// Renders the page.
pub fn render(c: &Comparison, t: &Totals, s: &CompareSummary) -> String {
    let dp = c.dp;
    let cur = esc(&c.currency);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>courier tariff comparison</title>\n<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}.lbl{font-size:12px}</style></head><body>\n");
    h.push_str("<h1>Tariff comparison</h1>\n");
    h.push_str(&format!(
        "<p>{} parcels of the registry re-priced under {} tariffs ({} rows rejected, see rejects.csv). Amounts in {cur}, VAT added where the tariff's prices exclude it. The first tariff is the baseline.</p>\n",
        s.parcels,
        c.tariffs.len(),
        s.rows_rejected
    ));
    h.push_str("<h2>Totals per tariff</h2>\n<table><tr><th>tariff</th><th>carrier</th><th>file</th><th>priced</th><th>refused</th><th>total</th><th>cheapest for</th></tr>\n");
    for (i, r) in s.tariffs.iter().enumerate() {
        h.push_str(&format!(
            "<tr><td><span style=\"color:{}\">&#9632;</span> {}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({}%)</td></tr>\n",
            colour(i),
            esc(&r.tariff.id),
            esc(&r.tariff.carrier),
            esc(&r.tariff.file),
            r.priced,
            r.refused,
            r.total,
            r.cheapest,
            percent(r.cheapest, s.parcels)
        ));
    }
    h.push_str("</table>\n");

    // Cost by weight band, grouped bars.
    h.push_str(&format!(
        "<h2>Cost by weight band ({cur})</h2>\n<p>Total cost of the parcels each tariff can carry, by the registered gross weight.</p>\n"
    ));
    let bands: Vec<usize> = (0..c.bands.len())
        .filter(|b| t.by_band.iter().any(|v| v[*b].parcels > 0))
        .collect();
    let n = c.tariffs.len().max(1) as i64;
    // A gap wide enough for a band's label (`10001-20000 g`) under its group.
    let (bar, gap, top, plot) = (18i64, 48i64, 20i64, 220i64);
    let group = bar * n + gap;
    let max = t
        .by_band
        .iter()
        .flat_map(|v| v.iter().map(|s| s.total.minor()))
        .max()
        .unwrap_or(0);
    let width = (100 + group * bands.len().max(1) as i64).max(60 + 160 * n);
    let height = top + plot + 60;
    h.push_str(&format!(
        "<svg width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"cost by weight band per tariff\">\n<line x1=\"50\" y1=\"{}\" x2=\"{width}\" y2=\"{}\" stroke=\"#333\"/>\n",
        top + plot,
        top + plot
    ));
    for (g, b) in bands.iter().enumerate() {
        let x0 = 60 + group * g as i64;
        for (i, per_band) in t.by_band.iter().enumerate() {
            let sums = &per_band[*b];
            let hgt = scale(sums.total.minor(), max, plot);
            let x = x0 + bar * i as i64;
            h.push_str(&format!(
                "<rect x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{hgt}\" fill=\"{}\"><title>{} · {}: {} {cur} ({} parcels)</title></rect>\n",
                top + plot - hgt,
                bar - 2,
                colour(i),
                esc(&c.tariffs[i].id),
                esc(&c.bands.label(*b)),
                sums.total.display(dp),
                sums.parcels
            ));
        }
        h.push_str(&format!(
            "<text class=\"lbl\" x=\"{x0}\" y=\"{}\">{}</text>\n",
            top + plot + 16,
            esc(&c.bands.label(*b))
        ));
    }
    h.push_str(&format!(
        "<text class=\"lbl\" x=\"0\" y=\"{}\">{}</text>\n<text class=\"lbl\" x=\"0\" y=\"{}\">0</text>\n",
        top - 6,
        crate::Money::from_minor(max).display(dp),
        top + plot
    ));
    for (i, ti) in c.tariffs.iter().enumerate() {
        let x = 60 + 160 * i as i64;
        h.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text class=\"lbl\" x=\"{}\" y=\"{}\">{}</text>\n",
            top + plot + 30,
            colour(i),
            x + 16,
            top + plot + 41,
            esc(&ti.id)
        ));
    }
    h.push_str("</svg>\n");

    // Share of parcels for which each tariff is cheapest.
    h.push_str("<h2>Cheapest tariff per parcel</h2>\n<p>Share of the parcels for which each tariff alone has the lowest total; ties and parcels no tariff can carry apart.</p>\n");
    let mut rows: Vec<(String, u64, &str)> = c
        .tariffs
        .iter()
        .enumerate()
        .map(|(i, ti)| (ti.id.clone(), t.cheapest[i], colour(i)))
        .collect();
    rows.push(("tie".into(), t.ties, GREY));
    rows.push(("no tariff can carry".into(), t.carried_by_none, GREY));
    let svg_h = 26 * rows.len() + 6;
    h.push_str(&format!(
        "<svg width=\"760\" height=\"{svg_h}\" role=\"img\" aria-label=\"share of parcels cheapest per tariff\">\n"
    ));
    let parcels = i64::try_from(s.parcels).unwrap_or(i64::MAX);
    for (k, (label, count, fill)) in rows.iter().enumerate() {
        let y = 26 * k as i64 + 4;
        let w = scale(i64::try_from(*count).unwrap_or(i64::MAX), parcels, 440);
        h.push_str(&format!(
            "<text class=\"lbl\" x=\"0\" y=\"{}\">{}</text><rect x=\"200\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"{fill}\"/><text class=\"lbl\" x=\"{}\" y=\"{}\">{count} ({}%)</text>\n",
            y + 14,
            esc(label),
            206 + w,
            y + 14,
            percent(*count, s.parcels)
        ));
    }
    h.push_str("</svg>\n");

    // Differences by component.
    h.push_str(&format!(
        "<h2>Difference to the baseline by cost component ({cur})</h2>\n<p>Over the parcels both tariffs can carry; positive: the tariff costs more.</p>\n<table><tr><th>tariff</th><th>against</th><th>parcels</th><th>baseline total</th><th>tariff total</th><th>difference</th>{}</tr>\n",
        COMPONENTS.iter().map(|c| format!("<th>{c}</th>")).collect::<String>()
    ));
    for d in &s.differences {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{}</tr>\n",
            esc(&d.tariff),
            esc(&d.against),
            d.parcels,
            d.against_total,
            d.tariff_total,
            d.difference,
            component_cells(&d.components)
        ));
    }
    h.push_str("</table>\n");
    zone_section(c, t, &mut h);
    h.push_str(&format!(
        "<h2>Components per tariff ({cur})</h2>\n<table><tr><th>tariff</th><th>total</th>{}<th>VAT contained</th></tr>\n",
        COMPONENTS.iter().map(|c| format!("<th>{c}</th>")).collect::<String>()
    ));
    for r in &s.tariffs {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td>{}<td class=\"n\">{}</td></tr>\n",
            esc(&r.tariff.id),
            r.total,
            component_cells(&r.components),
            r.vat_contained
        ));
    }
    h.push_str("</table>\n<h2>Parcels a tariff cannot carry</h2>\n<table><tr><th>tariff</th><th>reason</th><th>parcels</th></tr>\n");
    for r in &s.tariffs {
        for (code, count) in &r.refusals {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{count}</td></tr>\n",
                esc(&r.tariff.id),
                esc(code)
            ));
        }
    }
    h.push_str("</table>\n</body></html>\n");
    h
}
