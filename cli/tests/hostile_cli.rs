//! Issue 16 through the binary: no panic (exit 101) on extreme tariffs, no silent
//! accept, standard input named "standard input", configuration errors with their path,
//! a UTF-8 byte-order mark accepted, and a bounded input size.

mod common;

use common::courier;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn tmp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("courier-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const APLIX: &str = include_str!("../../data/tariffs/aplix.toml");
const MOSCOW: &str = include_str!("../../data/samples/quote/moscow_basket.json");

#[test]
fn extreme_tariff_is_refused_by_check_and_quote_not_a_panic() {
    let t = tmp(
        "fuel.toml",
        &APLIX.replacen(
            "fuel_percent = \"7.5\"",
            "fuel_percent = \"1000000000000000000000000000\"",
            1,
        ),
    );
    let t = t.to_str().unwrap();
    let out = courier(&["tariff", "check", t], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let e = stderr(&out);
    // The error names the line of the third `[[method]]` table, wherever it is.
    let line = APLIX
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[method]]")
        .nth(2)
        .map(|(i, _)| i + 1)
        .unwrap();
    assert!(
        e.contains(&format!(
            "{t}: line {line}: method[2] (courier).surcharges.fuel_percent"
        )),
        "{e}"
    );
    let out = courier(&["quote", "-", "--tariff", t], Some(MOSCOW));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let t = tmp(
        "vs.toml",
        &APLIX.replacen(
            "value_step = \"1\"",
            "value_step = \"0.0000000000000000000000000001\"",
            1,
        ),
    );
    let out = courier(
        &["quote", "-", "--tariff", t.to_str().unwrap()],
        Some(MOSCOW),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("insurance.value_step"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn misspelt_keys_are_errors() {
    let goods = r#"[{"length_mm": 100, "width_mm": 100, "height_mm": 100, "weight_g": 10, "qty": 1, "uprigth": true}]"#;
    let out = courier(&["pack", "-"], Some(goods));
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("standard input: item 0: unknown key `uprigth`"),
        "{e}"
    );
    let methods = tmp(
        "methods.toml",
        "[[method]]\nid = \"post\"\nname = \"Post\"\nmax_wieght_g = 20000\n",
    );
    let out = courier(
        &[
            "pack",
            "data/basket.csv",
            "--methods",
            methods.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains(methods.to_str().unwrap()) && e.contains("max_wieght_g"),
        "{e}"
    );
}

#[test]
fn standard_input_is_named() {
    let out = courier(
        &["pack", "-"],
        Some("length_mm,width_mm,height_mm,weight_g,qty\n1,0,1,1,1\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("standard input: line 2, column width_mm"), "{e}");
    assert!(!e.contains("-: "), "{e}");
}

#[test]
fn byte_order_mark_is_accepted() {
    let goods = "\u{FEFF}[{\"length_mm\": 100, \"width_mm\": 100, \"height_mm\": 100, \"weight_g\": 10, \"qty\": 1}]";
    let out = courier(&["pack", "-", "--format", "json"], Some(goods));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let req = tmp("req.json", &format!("\u{FEFF}{MOSCOW}"));
    let out = courier(&["quote", req.to_str().unwrap(), "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let t = tmp("bom.toml", &format!("\u{FEFF}{APLIX}"));
    let out = courier(
        &["tariff", "check", t.to_str().unwrap(), "--format", "json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn configuration_errors_carry_the_path() {
    let out = courier(
        &[
            "validate",
            "taxomet",
            "data/samples/carriers/taxomet_seed_add_order.json",
            "--config",
            "no/such/taxomet.toml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no/such/taxomet.toml"),
        "{}",
        stderr(&out)
    );
    let cfg = tmp("fastriver.toml", "this is = not [toml\n");
    let out = courier(
        &[
            "validate",
            "fastriver",
            "data/samples/carriers/fastriver_seed_request.json",
            "--config",
            cfg.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(cfg.to_str().unwrap()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn input_size_is_bounded() {
    // /dev/zero used to be read until allocation failed.
    let out = courier(&["pack", "/dev/zero", "--max-input-mb", "1"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/dev/zero: larger than the input limit of 1 MiB"),
        "{}",
        stderr(&out)
    );
    let big = format!(
        "length_mm,width_mm,height_mm,weight_g,qty\n{}",
        "1,1,1,1,1\n".repeat(120_000)
    );
    let out = courier(&["pack", "-", "--max-input-mb", "1"], Some(&big));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("standard input: larger than the input limit"),
        "{}",
        stderr(&out)
    );
    let out = common::courier_env(
        &["tariff", "check", "/dev/zero"],
        None,
        &[("COURIER_MAX_INPUT_MB", "1")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("limit of 1 MiB"), "{}", stderr(&out));
}

#[test]
fn json_type_errors_name_the_field() {
    let req = MOSCOW.replacen("\"weight_g\": 350", "\"weight_g\": \"heavy\"", 1);
    assert_ne!(req, MOSCOW);
    let out = courier(&["quote", "-"], Some(&req));
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("standard input: goods[1].weight_g: invalid type: string \"heavy\""),
        "{e}"
    );
    // A year-0 date, named too.
    let req = MOSCOW.replacen("2026-03-02", "0000-03-02", 1);
    let out = courier(&["quote", "-"], Some(&req));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("date: "), "{}", stderr(&out));
}

/// Found by review: a bad `--refund-policy` did not name its file (and said "refund
/// policy" twice); `gen` took any parcel count and wrote until the disk filled.
#[test]
fn a_bad_refund_policy_names_its_file_and_gen_is_bounded() {
    let policy = tmp("policy.toml", "zone = 5\n");
    let policy = policy.to_str().unwrap();
    let out = courier(
        &[
            "reconcile",
            "--registry",
            "data/sample/registry.csv",
            "--invoices",
            "data/sample/invoices.csv",
            "--tracking",
            "data/sample/tracking.csv",
            "--refunds",
            "data/sample/refunds.csv",
            "--refund-policy",
            policy,
            "--out",
            tmp("unused", "")
                .parent()
                .unwrap()
                .join("out")
                .to_str()
                .unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(
        e.starts_with(&format!("error: {policy}: refund policy: ")),
        "{e}"
    );
    assert_eq!(e.matches("refund policy").count(), 1, "{e}");

    let dir = tmp("unused", "").parent().unwrap().join("gen");
    let out = courier(
        &[
            "gen",
            "--parcels",
            "18446744073709551615",
            "--out",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("at most 100000000"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.exists(), "nothing is written");
}
