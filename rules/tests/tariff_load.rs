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

// ---------------------------------------------------------------- representable range (issue 16)

/// Every money key of the sample tariff, set beyond `MAX_MONEY`, is refused with its key
/// and the line of its table; at the bound it is accepted.
#[test]
fn money_beyond_the_range_is_refused_with_key_and_line() {
    use courier_rules::tariff::MAX_MONEY;
    let cases = [
        (
            "base = \"250.00\"",
            "base",
            "(russian_post_parcel).rate[0].base",
        ),
        (
            "per_step = \"25.00\"",
            "per_step",
            "(russian_post_parcel).rate[0].per_step",
        ),
        (
            "minimum = \"10.00\"",
            "minimum",
            "(russian_post_parcel).insurance.minimum",
        ),
        (
            "max_declared_value = \"100000\"",
            "max_declared_value",
            "(russian_post_parcel).insurance.max_declared_value",
        ),
        (
            "max_amount = \"100000\"",
            "max_amount",
            "(russian_post_parcel).cod.max_amount",
        ),
        (
            "fixed = \"80\"",
            "fixed",
            "(russian_post_parcel).cod.band[0]",
        ),
        (
            "notification = \"15.00\"",
            "notification",
            "(courier).surcharges.notification",
        ),
        (
            "weekend = \"300.00\"",
            "weekend",
            "(courier).surcharges.weekend",
        ),
        ("label = \"12.00\"", "label", "packaging.label"),
        ("sturdy = \"150.00\"", "sturdy", "packaging.sturdy"),
        ("price = \"25.00\"", "price", "packaging.box[0] (S).price"),
    ];
    for (from, key, path) in cases {
        assert!(APLIX.contains(from), "{from}");
        let over = APLIX.replacen(from, &format!("{key} = \"{}.01\"", MAX_MONEY), 1);
        let p = problems(&over);
        let hit = p
            .iter()
            .find(|p| p.contains(path))
            .unwrap_or_else(|| panic!("{path}: {p:?}"));
        assert!(hit.contains("at most 1000000000000"), "{hit}");
        assert!(hit.starts_with("line "), "{hit}");
        // The bound itself is representable (a max_amount/max_declared_value at the bound
        // still needs its last band/tier to cover it, which the sample's do not).
        if !key.starts_with("max_") {
            let at = APLIX.replacen(from, &format!("{key} = \"{MAX_MONEY}\""), 1);
            let res = Tariff::from_toml_str(&at);
            if let Err(e) = &res {
                assert!(
                    e.problems.iter().all(|p| !p.message.contains("at most")),
                    "{path} at the bound: {e}"
                );
            }
        }
    }
}

#[test]
fn cod_bands_with_huge_values_do_not_panic_the_check() {
    // Before issue 16 the fee-continuity check multiplied these and panicked.
    let huge = "79228162514264337593543950335";
    let text = APLIX
        .replacen("fixed = \"90\"", &format!("fixed = \"{huge}\""), 1)
        .replacen("up_to = \"1000\"", &format!("up_to = \"{huge}\""), 1);
    let p = problems(&text);
    assert!(
        p.iter()
            .any(|p| p.contains("cod.band[1]") && p.contains("at most")),
        "{p:?}"
    );
    assert!(p.iter().any(|p| p.contains("cod.band[0].up_to")), "{p:?}");
}

#[test]
fn percentages_and_value_step_are_bounded() {
    let p = problems(&APLIX.replacen("fuel_percent = \"7.5\"", "fuel_percent = \"1000.01\"", 1));
    assert!(
        p.iter()
            .any(|p| p.contains("(courier).surcharges.fuel_percent: must be between 0 and 1000")),
        "{p:?}"
    );
    assert!(Tariff::from_toml_str(&APLIX.replacen(
        "fuel_percent = \"7.5\"",
        "fuel_percent = \"1000\"",
        1
    ))
    .is_ok());
    // One kopeck is the smallest step; below it the premium could not be rounded anyway.
    assert!(Tariff::from_toml_str(&APLIX.replacen(
        "value_step = \"1\"",
        "value_step = \"0.01\"",
        1
    ))
    .is_ok());
    let p = problems(&APLIX.replacen("value_step = \"1\"", "value_step = \"0.009\"", 1));
    assert!(
        p.iter()
            .any(|p| p.contains("insurance.value_step: must be at least one minor unit (0.01)")),
        "{p:?}"
    );
    let p = problems(&APLIX.replacen("value_step = \"1\"", "value_step = \"1000000000001\"", 1));
    assert!(
        p.iter()
            .any(|p| p.contains("insurance.value_step: must be at most")),
        "{p:?}"
    );
}

#[test]
fn byte_order_mark_is_accepted_in_toml() {
    let t = Tariff::from_toml_str(&format!("\u{FEFF}{APLIX}")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.tariff.get_ref().currency, "RUB");
    let m = courier_rules::limits::MethodCatalogue::from_toml_str(&format!(
        "\u{FEFF}{}",
        include_str!("../../data/methods.toml")
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!m.methods.is_empty());
}

#[test]
fn misspelt_limit_in_methods_toml_is_an_error_with_its_line() {
    // Before issue 16 `#[serde(flatten)]` swallowed it and the limit silently vanished.
    let text = "[[method]]\nid = \"post\"\nname = \"Post\"\nmax_wieght_g = 20000\n";
    let e = courier_rules::limits::MethodCatalogue::from_toml_str(text)
        .unwrap_err()
        .to_string();
    assert!(e.contains("max_wieght_g"), "{e}");
    assert!(e.contains("line 4"), "{e}");
    let ok = courier_rules::limits::MethodCatalogue::from_toml_str(
        "[[method]]\nid = \"post\"\nname = \"Post\"\nmax_weight_g = 20000\n[[method.cell]]\nname = \"A\"\nlength_mm = 1\nwidth_mm = 1\nheight_mm = 1\nmax_weight_g = 5\n",
    )
    .unwrap();
    assert_eq!(ok.methods[0].limits.max_weight_g(), Some(20000));
    assert_eq!(ok.methods[0].limits.cells().len(), 1);
}

#[test]
fn years_outside_1_to_9999_are_refused() {
    for bad in ["0000-01-01", "-0001-01-01", "+10000-01-01", "10000-01-01"] {
        let text = APLIX.replacen(
            "effective_from = \"2026-01-01\"",
            &format!("effective_from = \"{bad}\""),
            1,
        );
        assert!(text != APLIX);
        let p = problems(&text);
        assert!(
            p.iter()
                .any(|p| p.contains("YYYY-MM-DD") || p.contains("year")),
            "{bad}: {p:?}"
        );
    }
    assert!(Tariff::from_toml_str(&APLIX.replacen(
        "effective_from = \"2026-01-01\"",
        "effective_from = \"9999-12-31\"",
        1
    ))
    .is_ok());
}

#[test]
fn a_rule_shadowed_by_an_earlier_zone_is_reported() {
    // Issue 16: one prefix added to Moscow's rule and Kamchatka was priced as Moscow.
    let from = "prefix = [\"10\", \"11\", \"12\", \"13\", \"14\"]";
    let text = APLIX.replacen(
        from,
        "prefix = [\"10\", \"11\", \"12\", \"13\", \"14\", \"6\"]",
        1,
    );
    let p = problems(&text);
    let kamchatka = p
        .iter()
        .find(|p| p.contains("zoning[0] (post).rule[4].range[0]"))
        .unwrap_or_else(|| panic!("{p:?}"));
    assert!(
        kamchatka.contains("range [\"680000\", \"699999\"] is never reached: rule[0] (zone \"1\") prefix \"6\" matches it first"),
        "{kamchatka}"
    );
    assert!(kamchatka.starts_with("line "), "{kamchatka}");
    assert!(p.iter().any(|p| p.contains("rule[3].range[0]")), "{p:?}");
    // Zone 3's second range starts with 4: not shadowed.
    assert!(!p.iter().any(|p| p.contains("rule[2].range[1]")), "{p:?}");

    let zoning = |rules: &str| {
        format!(
            "[tariff]\nid = \"x\"\ncarrier = \"x\"\nname = \"x\"\ncurrency = \"RUB\"\n\
             [[zoning]]\nid = \"z\"\n{rules}\n\
             [[method]]\ntype_id = 1\ncode = \"m\"\nname = \"m\"\nzoning = \"z\"\nbase_weight_g = 1\nstep_g = 1\n\
             [[method.rate]]\nzone = \"A\"\nbase = \"1\"\nper_step = \"1\"\ndays_min = 1\ndays_max = 1\n\
             [[method.rate]]\nzone = \"B\"\nbase = \"1\"\nper_step = \"1\"\ndays_min = 1\ndays_max = 1\n"
        )
    };
    // A later prefix under an earlier one, a range inside an earlier range, a region twice.
    let p = problems(&zoning(
        "[[zoning.rule]]\nzone = \"A\"\nprefix = [\"68\"]\nrange = [[\"100000\", \"199999\"]]\nregion = [\"Москва\"]\n\
         [[zoning.rule]]\nzone = \"B\"\nprefix = [\"684\", \"70\"]\nrange = [[\"120000\", \"130000\"]]\nregion = [\" москва \", \"Тула\"]\n",
    ));
    assert!(p.iter().any(|p| p.contains("rule[1].prefix[0]: prefix \"684\" is never reached: rule[0] (zone \"A\") prefix \"68\"")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("rule[1].range[0]") && p.contains("range [\"100000\", \"199999\"]")), "{p:?}");
    assert!(
        p.iter()
            .any(|p| p.contains("rule[1].region[0]") && p.contains("region \"Москва\"")),
        "{p:?}"
    );
    assert_eq!(p.len(), 3, "{p:?}");
    // Specific before broad (an intended carve-out), a partial overlap, and redundancy
    // within one zone are all fine.
    let ok = zoning(
        "[[zoning.rule]]\nzone = \"A\"\nprefix = [\"684\"]\nrange = [[\"100000\", \"150000\"]]\n\
         [[zoning.rule]]\nzone = \"B\"\nprefix = [\"68\"]\nrange = [[\"140000\", \"200000\"]]\n\
         [[zoning.rule]]\nzone = \"B\"\nprefix = [\"689\"]\n",
    );
    Tariff::from_toml_str(&ok).unwrap_or_else(|e| panic!("{e}"));
}
