//! Loading and validating tariff files: the samples load; every problem is reported with
//! its line and key.

use courier_rules::tariff::{Pricing, Tariff};

const APLIX: &str = include_str!("../../data/tariffs/aplix.toml");
const INPOST: &str = include_str!("../../data/tariffs/inpost.toml");

#[test]
fn sample_tariffs_load() {
    let a = Tariff::from_toml_str(APLIX).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.tariff.get_ref().currency, "RUB");
    let codes: Vec<_> = a
        .methods
        .iter()
        .map(|m| m.get_ref().code.as_str())
        .collect();
    assert_eq!(
        codes,
        ["russian_post_parcel", "ems", "courier", "pickup_point"]
    );
    assert_eq!(
        a.packaging.as_ref().map(|p| p.get_ref().boxes.len()),
        Some(5)
    );
    let i = Tariff::from_toml_str(INPOST).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(i.tariff.get_ref().currency, "PLN");
    assert_eq!(i.methods[0].get_ref().pricing, Pricing::Cell);
}

fn problems(text: &str) -> Vec<String> {
    match Tariff::from_toml_str(text) {
        Ok(_) => panic!("expected problems"),
        Err(e) => e.problems.iter().map(|p| p.to_string()).collect(),
    }
}

fn line_of(text: &str, exact_line: &str) -> usize {
    text.lines().position(|l| l == exact_line).unwrap() + 1
}

fn reported_line(problem: &str) -> usize {
    problem
        .strip_prefix("line ")
        .and_then(|s| s.split(':').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no line in {problem:?}"))
}

#[test]
fn syntax_error_has_a_line() {
    let line = line_of(APLIX, "base = \"250.00\"");
    let text = APLIX.replacen("base = \"250.00\"", "base = ", 1);
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with(&format!("line {line}: toml")), "{p:?}");
}

#[test]
fn unknown_key_is_a_problem_with_its_line() {
    let line = line_of(APLIX, "per_step = \"30.00\"");
    let text = APLIX.replacen("per_step = \"30.00\"", "per_stepp = \"30.00\"", 1);
    let p = problems(&text);
    assert_eq!(reported_line(&p[0]), line, "{p:?}");
    assert!(p[0].contains("per_stepp"), "{p:?}");
}

#[test]
fn every_semantic_problem_is_reported_with_line_and_key() {
    let text = APLIX
        .replacen("currency = \"RUB\"", "currency = \"rub\"", 1)
        .replacen(
            "zone = \"5\"\nbase = \"450.00\"",
            "zone = \"6\"\nbase = \"450.00\"",
            1,
        )
        .replacen("per_step = \"60.00\"", "per_step = \"-60.00\"", 1)
        .replacen(
            "days_min = 3\ndays_max = 6",
            "days_min = 7\ndays_max = 6",
            1,
        )
        .replacen(
            "filler_per_litre = \"1.80\"",
            "filler_per_litre = \"-1\"",
            1,
        )
        .replacen("zoning = \"courier\"", "zoning = \"couriers\"", 1);
    let p = problems(&text);
    let find = |needle: &str| {
        p.iter()
            .find(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("no problem mentioning {needle:?} in {p:#?}"))
            .clone()
    };
    assert!(find("tariff.currency").starts_with("line "));
    assert!(find("rate[4].zone").contains("zone \"6\" is not defined"));
    assert!(find("method[1] (ems).rate[0].per_step").contains("negative"));
    assert!(find("rate[1].days_min").contains("above days_max"));
    assert!(find("packaging.filler_per_litre").contains("negative"));
    assert!(find("method[2] (courier).zoning").contains("no [[zoning]]"));
    // Lines are real: the negative EMS step is reported at its [[method.rate]] table,
    // a few lines above the key.
    let key_line = line_of(APLIX, "per_step = \"60.00\"");
    let reported = reported_line(&find("method[1] (ems).rate[0].per_step"));
    assert!(
        reported <= key_line && key_line - reported <= 6,
        "{reported} vs {key_line}"
    );
    // Sorted by line.
    let lines: Vec<usize> = p.iter().map(|s| reported_line(s)).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn cell_pricing_needs_a_price_per_cell() {
    let text = INPOST.replace("C = \"15.49\"", "D = \"15.49\"");
    let p = problems(&text);
    assert!(
        p.iter().any(|s| s.contains("no price for cell \"C\"")),
        "{p:?}"
    );
    assert!(p.iter().any(|s| s.contains("cell_prices.D")), "{p:?}");
}

#[test]
fn bands_must_increase_and_cover_the_maximum() {
    let text = APLIX.replacen(
        "up_to = \"5000\"\nfixed = \"90\"",
        "up_to = \"900\"\nfixed = \"90\"",
        1,
    );
    let p = problems(&text);
    assert!(p.iter().any(|s| s.contains("cod.band[1].up_to")), "{p:?}");
    let text = INPOST.replace(
        "max_declared_value = \"20000\"",
        "max_declared_value = \"50000\"",
    );
    let p = problems(&text);
    assert!(
        p.iter().any(|s| s.contains("below max_declared_value")),
        "{p:?}"
    );
}

#[test]
fn bad_vat_date_names_the_key() {
    let text = APLIX.replacen(
        "effective_from = \"2026-01-01\"",
        "effective_from = \"2026-13-01\"",
        1,
    );
    let p = problems(&text);
    assert!(p[0].contains("YYYY-MM-DD"), "{p:?}");
    assert_eq!(
        reported_line(&p[0]),
        line_of(APLIX, "effective_from = \"2026-01-01\"")
    );
}

#[test]
fn toml_dates_are_accepted() {
    let text = APLIX.replacen(
        "effective_from = \"2026-01-01\"",
        "effective_from = 2026-01-01",
        1,
    );
    Tariff::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn zoning_and_points_are_checked() {
    let text = APLIX
        .replacen("prefix = [\"420\"]", "prefix = [\"42x\"]", 1)
        .replacen("serves = [\"19\"]", "serves = []", 1);
    let p = problems(&text);
    assert!(
        p.iter()
            .any(|s| s.contains("prefix[0]") && s.contains("digits")),
        "{p:?}"
    );
    assert!(p.iter().any(|s| s.contains("(SPB-01).serves")), "{p:?}");
}

#[test]
fn cod_fee_must_not_drop_between_bands() {
    // Russian Post's published bands drop at 5000 (90 + 4 % = 290, then 150 + 2 % = 250).
    let text = APLIX.replacen("fixed = \"190\"", "fixed = \"150\"", 1);
    let p = problems(&text);
    assert!(
        p.iter()
            .any(|s| s.contains("cod.band[2]") && s.contains("drop from 290 to 250")),
        "{p:?}"
    );
}
