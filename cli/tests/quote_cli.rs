//! `courier quote` and `courier tariff check` end to end.

use std::process::Output;

mod common;
use common::courier;

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn quotes_the_seed_example() {
    let out = courier(
        &[
            "quote",
            "data/samples/quote/aplix_seed.json",
            "--format",
            "json",
        ],
        None,
    );
    let v = json(&out);
    let post = v["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "russian_post_parcel")
        .unwrap();
    assert_eq!(post["cost"], "2179.30");
    assert_eq!(post["postal_rate"], "515.00");
    assert_eq!(post["insurance"], "1454.80");
    assert_eq!(post["preparing_cost"], "209.50");
    assert_eq!(v["refused"][0]["reasons"][0]["reason"], "zone_not_served");
    // Same request, same bytes, with an explicit tariff file too.
    let again = courier(
        &[
            "quote",
            "data/samples/quote/aplix_seed.json",
            "--tariff",
            "data/tariffs/aplix.toml",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn details_add_up() {
    let v = json(&courier(
        &[
            "quote",
            "data/samples/quote/moscow_basket.json",
            "--details",
            "2",
            "--format",
            "json",
        ],
        None,
    ));
    let sum: rust_decimal::Decimal = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["cost"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum.to_string(), v["preparing_cost"].as_str().unwrap());
    // A refused type is an error.
    let out = courier(
        &[
            "quote",
            "data/samples/quote/moscow_basket.json",
            "--details",
            "4",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cash on delivery is not offered"));
}

#[test]
fn table_and_stdin() {
    let req = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/samples/quote/aplix_seed.json"
    ))
    .unwrap();
    let out = courier(&["quote", "-", "--format", "table"], Some(&req));
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("PreparingCost") && text.contains("2179.30"),
        "{text}"
    );
}

#[test]
fn shipx_calculation() {
    let v = json(&courier(
        &[
            "quote",
            "--shipx",
            "data/samples/quote/shipx_calculate.json",
            "--format",
            "json",
        ],
        None,
    ));
    assert_eq!(v[0]["calculated_charge_amount"], "18.64");
    assert_eq!(v[0]["end_of_week_collection_charge_amount"], "4.99");
    assert!(v[1]["insurance_charge_amount"].is_null());
}

#[test]
fn bad_requests_are_clear_errors() {
    let out = courier(
        &["quote", "--format", "json"],
        Some(r#"{"declared_value": 1, "goods": [], "address": {}, "type_of_seal": 7}"#),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("standard input") && err.contains("type_of_seal"),
        "{err}"
    );
    let out = courier(
        &["quote", "--format", "json"],
        Some(
            r#"{"declared_value": 1, "goods": [{"length_mm": 10, "width_mm": 10, "height_mm": 10, "weight_g": 1, "qty": 0}], "address": {}, "type_of_seal": 1}"#,
        ),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("qty"));
    let out = courier(&["quote", "no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = courier(&["quote", "-"], Some("not json"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

#[test]
fn tariff_check() {
    let v = json(&courier(
        &[
            "tariff",
            "check",
            "data/tariffs/inpost.toml",
            "--format",
            "json",
        ],
        None,
    ));
    assert_eq!(v["ok"], true);
    assert_eq!(v["currency"], "PLN");
    let bad = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/tariffs/aplix.toml"
    ))
    .unwrap()
    .replace("days_max = 16", "days_max = 1")
    .replace("sturdy = \"150.00\"", "sturdy = \"-150.00\"");
    let out = courier(&["tariff", "check", "-"], Some(&bad));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("standard input: line ") && err.contains("days_min"),
        "{err}"
    );
    assert!(err.contains("packaging.sturdy"), "{err}");
    // A bad --tariff is reported with the file name.
    std::fs::write(
        std::env::temp_dir().join("courier_bad_tariff.toml"),
        "[tariff]\nid = 1\n",
    )
    .unwrap();
    let path = std::env::temp_dir().join("courier_bad_tariff.toml");
    let out = courier(
        &[
            "quote",
            "data/samples/quote/aplix_seed.json",
            "--tariff",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("courier_bad_tariff.toml: line 2"));
}
