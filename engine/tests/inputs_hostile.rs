//! `courier pack`'s readers on hostile input (issue 16): nothing silently accepted.
//! Misspelt and repeated keys in JSON goods, repeated CSV columns, a field named in each
//! type error, and a UTF-8 byte-order mark accepted in CSV and JSON alike.

use courier_engine::inputs::{cartons_from_csv, goods_from_text};

const HEADER: &str = "length_mm,width_mm,height_mm,weight_g,qty";

fn err(text: &str, name: &str) -> String {
    goods_from_text(text, name)
        .map(|g| panic!("accepted {g:?}"))
        .unwrap_err()
        .to_string()
}

#[test]
fn misspelt_key_in_json_goods_is_an_error_with_item_and_line() {
    let text = "[\n {\"length_mm\": 1, \"width_mm\": 1, \"height_mm\": 1, \"weight_g\": 1, \"qty\": 1},\n {\"length_mm\": 1, \"width_mm\": 1, \"height_mm\": 1, \"weight_g\": 1, \"qty\": 1, \"uprigth\": true}\n]";
    let e = err(text, "goods.json");
    assert!(
        e.starts_with("goods.json: item 1: unknown key `uprigth` (expected length_mm, width_mm, height_mm, weight_g, qty, upright)"),
        "{e}"
    );
    assert!(e.contains("line 3"), "{e}");
    // The wrapped form too, and an unknown key beside `items`.
    let e = err(
        r#"{"items": [{"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1, "uprigth": true}]}"#,
        "g.json",
    );
    assert!(e.contains("item 0: unknown key `uprigth`"), "{e}");
    let e = err(r#"{"items": [], "itmes": []}"#, "g.json");
    assert!(e.contains("unknown key `itmes`"), "{e}");
}

#[test]
fn duplicated_json_key_is_an_error() {
    let e = err(
        r#"[{"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1, "qty": 5}]"#,
        "g.json",
    );
    assert!(e.contains("item 0: duplicate key `qty`"), "{e}");
    let e = err(r#"{"items": [], "items": []}"#, "g.json");
    assert!(e.contains("duplicate key `items`"), "{e}");
}

#[test]
fn json_type_errors_name_the_item_and_the_key() {
    let e = err(
        r#"[{"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1},
            {"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1},
            {"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": "heavy", "qty": 1}]"#,
        "g.json",
    );
    assert!(
        e.contains("item 2, key weight_g: expected a whole non-negative number, got \"heavy\""),
        "{e}"
    );
    let e = err(
        r#"[{"length_mm": 5000000000, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1}]"#,
        "g.json",
    );
    assert!(
        e.contains("item 0, key length_mm: 5000000000 is too large"),
        "{e}"
    );
    let e = err(
        r#"[{"width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1}]"#,
        "g.json",
    );
    assert!(e.contains("item 0: missing key `length_mm`"), "{e}");
    let e = err(
        r#"[{"length_mm": 1, "width_mm": 1, "height_mm": 1, "weight_g": 1, "qty": 1, "upright": "yes"}]"#,
        "g.json",
    );
    assert!(
        e.contains("item 0, key upright: expected true or false"),
        "{e}"
    );
    let e = err(r#"[1]"#, "g.json");
    assert!(e.contains("item 0: an object"), "{e}");
}

#[test]
fn json_goods_still_read() {
    let g = goods_from_text(
        r#"{"items": [{"length_mm": 3, "width_mm": 2, "height_mm": 1, "weight_g": 0, "qty": 4, "upright": true}]}"#,
        "g.json",
    )
    .unwrap();
    assert_eq!(
        (g[0].length_mm(), g[0].qty(), g[0].is_upright()),
        (3, 4, true)
    );
}

#[test]
fn duplicated_csv_column_is_an_error() {
    let e = err(&format!("{HEADER},qty\n300,200,30,500,2,7\n"), "basket.csv");
    assert_eq!(
        e,
        "basket.csv: header: column `qty` appears twice (columns 5 and 6)"
    );
    let boxes = "reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price,price\n\
                 S,200,150,100,210,160,110,80,5000,12.50,99\n";
    let e = cartons_from_csv(boxes, "boxes.csv")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "boxes.csv: header: column `price` appears twice (columns 10 and 11)"
    );
}

#[test]
fn byte_order_mark_is_accepted_in_csv_and_json() {
    let csv = format!("\u{FEFF}{HEADER}\n300,200,30,500,2\n");
    assert_eq!(goods_from_text(&csv, "b.csv").unwrap()[0].qty(), 2);
    // Before issue 16 a JSON file with a BOM was misread as CSV.
    let json = "\u{FEFF}[{\"length_mm\": 3, \"width_mm\": 2, \"height_mm\": 1, \"weight_g\": 1, \"qty\": 1}]";
    assert_eq!(goods_from_text(json, "b.json").unwrap()[0].length_mm(), 3);
    let boxes = "\u{FEFF}reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\n\
                 S,200,150,100,210,160,110,80,5000,12.50\n";
    assert_eq!(
        cartons_from_csv(boxes, "boxes.csv").unwrap()[0].reference(),
        "S"
    );
}

#[test]
fn duplicated_carton_reference_is_an_error() {
    let boxes = "reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\n\
                 S,200,150,100,210,160,110,80,5000,12.50\n\
                 M,300,200,150,310,210,160,120,8000,18.00\n\
                 S,250,150,100,260,160,110,90,5000,14.00\n";
    let e = cartons_from_csv(boxes, "boxes.csv")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "boxes.csv: line 4, column reference: `S` repeats line 2");
}

#[test]
fn box_field_errors_name_the_column() {
    let boxes = "reference,inner_length_mm,inner_width_mm,inner_height_mm,outer_length_mm,outer_width_mm,outer_height_mm,empty_weight_g,max_weight_g,price\n\
                 S,2x0,150,100,210,160,110,80,5000,12.50\n";
    let e = cartons_from_csv(boxes, "boxes.csv")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "boxes.csv: line 2, column inner_length_mm: invalid digit found in string"
    );
}

/// Issue 14: messages name the line an editor shows (header = line 1), also when a
/// quoted field spans lines, and every error has a stable code.
#[test]
fn csv_errors_name_the_editor_line() {
    use courier_engine::inputs::goods_from_text;
    let goods = "length_mm,width_mm,height_mm,weight_g,qty,upright\n10,10,10,5,1,\"no\"\n10,10,10,5,1,\"multi\nline\"\n10,0,10,5,1,no\n";
    let e = goods_from_text(goods, "g.csv").unwrap_err();
    assert_eq!(
        e.to_string(),
        "g.csv: line 3, column upright: `multi\nline` is not true/false"
    );
    assert_eq!(e.code(), "bad_value");
    let goods = "length_mm,width_mm,height_mm,weight_g,qty\n10,10,10,5,1\n\n10,0,10,5,1\n";
    let e = goods_from_text(goods, "g.csv").unwrap_err();
    assert_eq!(
        e.to_string(),
        "g.csv: line 4, column width_mm: must be greater than 0"
    );
}
