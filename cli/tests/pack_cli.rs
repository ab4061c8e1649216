//! `courier pack` end to end: the JSON shape on the sample data and clear errors on bad input.

mod common;
use common::courier;

const SAMPLE: [&str; 7] = [
    "pack",
    "data/basket.csv",
    "--methods",
    "data/methods.toml",
    "--boxes",
    "data/boxes.csv",
    "--format=json",
];

#[test]
fn sample_basket_json_has_the_documented_fields() {
    let out = courier(&SAMPLE, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    for key in [
        "length_mm",
        "width_mm",
        "height_mm",
        "weight_g",
        "volume_mm3",
        "lower_bound_mm3",
        "optimal",
        "placements",
        "methods",
        "box",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let side = |k: &str| v[k].as_u64().expect("a number");
    let (l, w, h) = (side("length_mm"), side("width_mm"), side("height_mm"));
    assert!(l >= w && w >= h);
    assert_eq!(side("volume_mm3"), l * w * h);
    // 2 + 2 + 3 + 1 + 2 units in data/basket.csv.
    let placements = v["placements"].as_array().expect("placements");
    assert_eq!(placements.len(), 10);
    for p in placements {
        for key in ["line", "x_mm", "y_mm", "z_mm", "dx_mm", "dy_mm", "dz_mm"] {
            assert!(p.get(key).is_some(), "placement missing {key}");
        }
    }
    assert_eq!(
        side("weight_g"),
        2 * 420 + 2 * 350 + 3 * 250 + 180 + 2 * 520
    );
    // Same input, same bytes.
    let again = courier(&SAMPLE, None);
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn json_goods_from_stdin_and_table_output() {
    let out = courier(
        &["pack", "-", "--format", "table"],
        Some(
            r#"[{"length_mm": 300, "width_mm": 200, "height_mm": 30, "weight_g": 500, "qty": 2}]"#,
        ),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("300 × 200 × 60 mm"), "{text}");
    assert!(text.contains("proven"));
}

fn fails_with(csv: &str, needle: &str) {
    let out = courier(&["pack", "-"], Some(csv));
    assert_eq!(out.status.code(), Some(2), "should fail: {csv}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(needle),
        "stderr {err:?} should mention {needle:?}"
    );
}

#[test]
fn bad_goods_name_the_row_and_column() {
    let head = "length_mm,width_mm,height_mm,weight_g,qty\n";
    fails_with(
        "length_mm,width_mm,height_mm,weight_g\n1,2,3,4\n",
        "missing column `qty`",
    );
    fails_with(
        &format!("{head}10,10,10,5,1\n10,0,10,5,1\n"),
        "line 3, column width_mm: must be greater than 0",
    );
    fails_with(
        &format!("{head}10,-3,10,5,1\n"),
        "line 2, column width_mm: `-3`",
    );
    fails_with(
        &format!("{head}10,abc,10,5,1\n"),
        "line 2, column width_mm: `abc`",
    );
    fails_with(
        &format!("{head}10,10,10,5,0\n"),
        "line 2, column qty: must be greater than 0",
    );
    fails_with(&format!("{head}10,10,NaN,5,1\n"), "column height_mm");
    fails_with(head, "no goods rows");
}

#[test]
fn bad_methods_and_boxes_files_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("courier-pack-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let methods = dir.join("methods.toml");
    std::fs::write(
        &methods,
        "[[method]]\nid = \"x\"\nname = \"X\"\nmax_side_mm = 0\n",
    )
    .expect("write");
    let out = courier(
        &[
            "pack",
            "data/basket.csv",
            "--methods",
            methods.to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_side_mm: must be greater than 0"));
    let boxes = dir.join("boxes.csv");
    std::fs::write(
        &boxes,
        "reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\nB,300,200,100,200,200,100,50,5000,10\n",
    )
    .expect("write");
    let out = courier(
        &[
            "pack",
            "data/basket.csv",
            "--boxes",
            boxes.to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2: inner dimensions"));
    std::fs::remove_dir_all(&dir).ok();
}
