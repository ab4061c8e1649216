//! `courier pack --boxes FILE --split` end to end: the shipment's JSON shape, every unit
//! once, the table, and clear errors.

mod common;
use common::courier;

/// 25 reams (0.9 kg) and 4 upright mugs: too much for any carton of data/boxes.csv.
const BIG_ORDER: &str = "length_mm,width_mm,height_mm,weight_g,qty,upright\n\
297,210,50,900,25,false\n\
120,90,100,350,4,true\n";

const SPLIT: [&str; 6] = [
    "pack",
    "-",
    "--boxes",
    "data/boxes.csv",
    "--split",
    "--format=json",
];

#[test]
fn split_json_has_the_documented_fields_and_every_unit_once() {
    let out = courier(&SPLIT, Some(BIG_ORDER));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    for key in [
        "cartons",
        "cartons_count",
        "cartons_lower_bound",
        "total_price",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let cartons = v["cartons"].as_array().expect("cartons");
    assert_eq!(v["cartons_count"].as_u64(), Some(cartons.len() as u64));
    assert!(cartons.len() >= 2);
    assert!(v["cartons_lower_bound"].as_u64().expect("bound") <= cartons.len() as u64);
    let mut per_line = [0u64; 2];
    let mut total = rust_decimal::Decimal::ZERO;
    for c in cartons {
        for key in ["box", "units", "weight_g", "price", "placements"] {
            assert!(c.get(key).is_some(), "carton missing {key}");
        }
        let placements = c["placements"].as_array().expect("placements");
        assert_eq!(c["units"].as_u64(), Some(placements.len() as u64));
        for p in placements {
            for key in ["line", "x_mm", "y_mm", "z_mm", "dx_mm", "dy_mm", "dz_mm"] {
                assert!(p.get(key).is_some(), "placement missing {key}");
            }
            let line = p["line"].as_u64().expect("line") as usize;
            per_line[line] += 1;
            if line == 1 {
                assert_eq!(p["dz_mm"].as_u64(), Some(100), "mugs stay upright");
            }
        }
        total += c["price"]
            .as_str()
            .expect("price as a decimal string")
            .parse::<rust_decimal::Decimal>()
            .expect("decimal");
    }
    assert_eq!(per_line, [25, 4]);
    let reported: rust_decimal::Decimal = v["total_price"]
        .as_str()
        .expect("total price")
        .parse()
        .expect("decimal");
    assert_eq!(reported, total);
    // Same input, same bytes.
    assert_eq!(out.stdout, courier(&SPLIT, Some(BIG_ORDER)).stdout);
}

#[test]
fn split_of_a_small_basket_is_one_carton() {
    let out = courier(
        &[
            "pack",
            "data/basket.csv",
            "--boxes",
            "data/boxes.csv",
            "--split",
            "--format=json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["cartons_count"].as_u64(), Some(1));
    assert_eq!(v["cartons"][0]["units"].as_u64(), Some(10));
}

#[test]
fn split_table_is_readable() {
    let mut args = SPLIT;
    args[5] = "--format=table";
    let out = courier(&args, Some(BIG_ORDER));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    for want in [
        "box",
        "units",
        "gross",
        "contents",
        "goods[0] ×",
        "cartons",
        "lower bound",
        "total price",
    ] {
        assert!(text.contains(want), "missing {want} in\n{text}");
    }
}

#[test]
fn a_unit_no_carton_takes_names_its_line() {
    let goods = "length_mm,width_mm,height_mm,weight_g,qty\n100,100,100,100,2\n900,10,10,100,1\n";
    let out = courier(&SPLIT, Some(goods));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // Issue 14: the index into the goods (0-based, `goods[1]`), not a "line 1" that
    // would read as a line of the CSV file (it is line 3 there).
    assert!(err.contains("goods[1]: one unit fits no carton"), "{err}");
}

#[test]
fn bad_input_is_reported_as_by_pack() {
    let goods = "length_mm,width_mm,height_mm,weight_g,qty\n100,abc,100,100,2\n";
    let out = courier(&SPLIT, Some(goods));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && err.contains("width_mm"), "{err}");
    // --split needs a catalogue.
    let out = courier(&["pack", "data/basket.csv", "--split"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--boxes"));
    // A bad catalogue names its row and field.
    let out = courier(
        &["pack", "data/basket.csv", "--boxes", "-", "--split"],
        Some("reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\nS,0,10,10,10,10,10,1,100,1\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("inner_length_mm"),
        "{err}"
    );
}
