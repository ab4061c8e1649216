//! Each seed example transcribed in data/samples/ (see data/samples/SOURCES.md) runs
//! through its `courier` command unchanged and gives the answer the seed describes.

use std::process::Output;

use serde_json::Value;

mod common;
use common::courier;

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fails(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const CHECK: &str = "data/samples/aplix/check_dimensions_seed.json";
const CALC: &str = "data/samples/aplix/calculate_shipping_cost_seed.json";

#[test]
fn aplix_check_dimensions_seed_example() {
    // The seed's answer shape: Result, Length, Width, Height (m), Weight (kg), Comment.
    let v = json(&courier(
        &["pack", CHECK, "--aplix", "--format", "json"],
        None,
    ));
    assert_eq!(
        v,
        serde_json::json!({"Result": true, "Length": 0.134, "Width": 0.1, "Height": 0.081,
                           "Weight": 0.775, "Comment": ""})
    );
    // Read without --aplix: the engine's own answer, in mm and g.
    let v = json(&courier(&["pack", CHECK, "--format", "json"], None));
    assert_eq!(
        (
            v["length_mm"].as_u64(),
            v["width_mm"].as_u64(),
            v["height_mm"].as_u64()
        ),
        (Some(134), Some(100), Some(81))
    );
    // Our own goods answered in the seed's shape.
    let v = json(&courier(
        &["pack", "-", "--aplix", "--format", "json"],
        Some(
            r#"[{"length_mm": 3000, "width_mm": 100, "height_mm": 100, "weight_g": 40000, "qty": 1}]"#,
        ),
    ));
    assert_eq!(v["Result"], false);
    assert!(!v["Comment"].as_str().unwrap().is_empty());
    // Bad seed input names the seed's field.
    let e = fails(&courier(
        &["pack", "-", "--aplix"],
        Some(
            r#"{"DimensionsList": [{"Length": 0, "Width": 0.1, "Height": 0.1, "Weight": 1, "Qty": 1}]}"#,
        ),
    ));
    assert!(e.contains("DimensionsList[0].Length"), "{e}");
}

#[test]
fn aplix_calculate_shipping_cost_seed_example() {
    let v = json(&courier(
        &["quote", CALC, "--aplix", "--format", "json"],
        None,
    ));
    assert_eq!(v["CalculationId"].as_str().unwrap().len(), 16);
    let types: Vec<(u64, &str)> = v["Types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["TypeId"].as_u64().unwrap(), t["Cost"].as_str().unwrap()))
        .collect();
    assert_eq!(types, [(3, "2179.30"), (4, "1973.20")]);
    assert!(
        v["Comments"]
            .as_str()
            .unwrap()
            .contains("Курьерская доставка"),
        "{v}"
    );
    // Read without --aplix: the engine's quote, same calculation.
    let own = json(&courier(&["quote", CALC, "--format", "json"], None));
    assert_eq!(own["calculation_id"], v["CalculationId"]);
    // The engine's own request answered in the seed's shape.
    let other = json(&courier(
        &[
            "quote",
            "data/samples/quote/aplix_seed.json",
            "--aplix",
            "--format",
            "json",
        ],
        None,
    ));
    assert_eq!(other["Types"][0]["TypeId"], 3);
    // A malformed index: an address error naming the seed's field, nothing priced.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../",
        "data/samples/aplix/calculate_shipping_cost_seed.json"
    ))
    .unwrap()
    .replace("684005", "12A!");
    let e = fails(&courier(&["quote", "-", "--aplix"], Some(&text)));
    assert!(e.contains("Address.Index") && e.contains("12A!"), "{e}");
    // And in the engine's own shape.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../",
        "data/samples/quote/aplix_seed.json"
    ))
    .unwrap()
    .replace("684005", "12A!");
    let e = fails(&courier(&["quote", "-"], Some(&text)));
    assert!(
        e.contains("address.index") && e.contains("six digits"),
        "{e}"
    );
}

#[test]
fn inpost_shipx_seed_shipment_with_points() {
    let run = |at: &str| {
        json(&courier(
            &[
                "inpost",
                "check",
                "data/samples/inpost/shipx_seed_shipment.json",
                "--points",
                "data/samples/inpost/points.json",
                "--at",
                at,
                "--format",
                "json",
            ],
            None,
        ))
    };
    // Thursday 20:00 Warsaw: accepted.
    assert_eq!(
        run("2026-11-26T19:00:00Z")["refusals"],
        serde_json::json!([])
    );
    // One second before: outside the window.
    let v = run("2026-11-26T18:59:59Z");
    assert_eq!(v["refusals"][0]["shipx"], "invalid_end_of_week_collection");
    // Without --points: a clear error.
    let e = fails(&courier(
        &[
            "inpost",
            "check",
            "data/samples/inpost/shipx_seed_shipment.json",
        ],
        None,
    ));
    assert!(e.contains("--points"), "{e}");
    // A point not in the list names the field.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/samples/inpost/shipx_seed_shipment.json"
    ))
    .unwrap()
    .replace("KRA010", "WAW999");
    let e = fails(&courier(
        &[
            "inpost",
            "check",
            "-",
            "--points",
            "data/samples/inpost/points.json",
        ],
        Some(&text),
    ));
    assert!(
        e.contains("custom_attributes.target_point") && e.contains("WAW999"),
        "{e}"
    );
}

#[test]
fn shipx_calculation_refuses_a_malformed_post_code() {
    let v = json(&courier(
        &["quote", "--shipx", "-", "--format", "json"],
        Some(
            r#"{"shipments": [{"id": "S1", "parcels": [{"template": "small"}], "receiver": {"address": {"post_code": "00950"}}}]}"#,
        ),
    ));
    assert_eq!(v[0]["error"], "invalid_post_code");
    assert_eq!(v[0]["details"][0], "receiver.address.post_code");
}
