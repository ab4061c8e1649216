//! `courier inpost …` end to end: JSON shapes scripts rely on, tables, and clear errors.

mod common;
use common::courier;

use serde_json::{json, Value};

fn json_ok(args: &[&str], stdin: Option<&str>) -> Value {
    let out = courier(args, stdin);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn error(args: &[&str], stdin: Option<&str>) -> String {
    let out = courier(args, stdin);
    assert_eq!(out.status.code(), Some(2), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn window_json_shape_and_presets() {
    let v = json_ok(&["inpost", "window", "--at", "2026-11-26T19:00:00Z"], None);
    assert_eq!(v["inside"], true);
    assert_eq!(v["opens_at"], "2026-11-26T19:00:00Z");
    assert_eq!(v["closes_at"], "2026-11-28T12:00:00Z");
    let v = json_ok(
        &[
            "inpost",
            "window",
            "--at",
            "2026-11-26T18:59:59Z",
            "--preset",
            "current",
        ],
        None,
    );
    assert_eq!(v["inside"], false);
    assert_eq!(v["opens_at"], "2026-11-26T19:00:00Z");
    assert_eq!(v["closes_at"], "2026-11-27T17:00:00Z");
    // Saturday 15 August 2026 is a public holiday.
    let at = ["inpost", "window", "--at", "2026-08-15T08:00:00Z"];
    assert_eq!(json_ok(&at, None)["inside"], true);
    let v = json_ok(&[&at[..], &["--holidays"]].concat(), None);
    assert_eq!(v["inside"], false);
    assert_eq!(v["opens_at"], "2026-08-20T18:00:00Z");
}

#[test]
fn window_from_config_file_and_bad_config() {
    let dir = std::env::temp_dir().join(format!("courier-inpost-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("w.toml");
    std::fs::write(
        &good,
        "name='w'\nzone='Europe/Warsaw'\nopens='friday 18:00'\ncloses='sunday 12:00'\n",
    )
    .unwrap();
    let v = json_ok(
        &[
            "inpost",
            "window",
            "--at",
            "2026-11-27T16:59:00Z",
            "--config",
            good.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(v["inside"], false);
    assert_eq!(v["opens_at"], "2026-11-27T17:00:00Z");
    assert_eq!(v["closes_at"], "2026-11-29T11:00:00Z");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "name='w'\nzone='Europe/Warsaw'\nopens='saturday 13:00'\ncloses='thursday 20:00'\n",
    )
    .unwrap();
    let e = error(
        &["inpost", "window", "--config", bad.to_str().unwrap()],
        None,
    );
    assert!(e.contains("bad.toml") && e.contains("closes"), "{e}");
    let zone = dir.join("zone.toml");
    std::fs::write(
        &zone,
        "name='w'\nzone='Poland/Krakow'\nopens='thursday 20:00'\ncloses='saturday 13:00'\n",
    )
    .unwrap();
    let e = error(
        &["inpost", "window", "--config", zone.to_str().unwrap()],
        None,
    );
    assert!(e.contains("zone") && e.contains("Poland/Krakow"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
    let e = error(&["inpost", "window", "--at", "next thursday"], None);
    assert!(e.contains("--at"), "{e}");
}

const SHIPMENT: &str = r#"{"service": "inpost_locker_standard", "allegro": true, "end_of_week_collection": true,
  "ordered_at": "2026-11-24T10:00:00Z", "target_point": {"name": "KRA010", "type": "pop", "location_247": false}}"#;

#[test]
fn check_lists_every_refusal_in_order() {
    let v = json_ok(&["inpost", "check", "-"], Some(SHIPMENT));
    let shipx: Vec<&str> = v["refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shipx"].as_str().unwrap())
        .collect();
    assert_eq!(
        shipx,
        [
            "invalid_end_of_week_collection",
            "invalid_target_point_for_end_of_week_collection",
            "invalid_target_point_247_for_end_of_week_collection",
            "invalid_allegro_for_end_of_week_collection"
        ]
    );
    assert_eq!(v["refusals"][2]["apiv2"], Value::Null);
    assert_eq!(
        v["refusals"][1]["apiv2"],
        "invalidBoxMachineNameForEndOfWeekCollection"
    );
    assert_eq!(
        v["refusals"][3]["message"],
        "Usługa Dostawy Weekendowej nie jest dostępna dla przesyłek Allegro."
    );
    // Accepted: empty list.
    let ok = json!({"service": "inpost_locker_standard", "end_of_week_collection": true,
        "ordered_at": "2026-11-27T10:00:00Z", "target_point": {"name": "KRA010", "type": "parcel_locker", "location_247": true}});
    let v = json_ok(&["inpost", "check", "-"], Some(&ok.to_string()));
    assert_eq!(v, json!({"refusals": []}));
}

#[test]
fn check_renders_carrier_bodies() {
    let v = json_ok(&["inpost", "check", "-", "--body", "shipx"], Some(SHIPMENT));
    assert_eq!(v["status"], 400);
    assert_eq!(v["error"], "invalid_end_of_week_collection");
    assert_eq!(
        v["details"]["custom_attributes"]["target_point"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let out = courier(
        &["inpost", "check", "-", "--body", "apiv2", "--pack-id", "p7"],
        Some(SHIPMENT),
    );
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.contains("<id>p7</id>"));
    assert_eq!(xml.matches("<error key=").count(), 3, "{xml}");
}

#[test]
fn check_bad_input_names_the_field() {
    let e = error(
        &["inpost", "check", "-"],
        Some(r#"{"service": "inpost_locker_standard"}"#),
    );
    assert!(
        e.contains("standard input") && e.contains("ordered_at"),
        "{e}"
    );
    let e = error(
        &["inpost", "check", "-"],
        Some(&SHIPMENT.replace("\"pop\"", "\"kiosk\"")),
    );
    assert!(e.contains("kiosk"), "{e}");
    let e = error(&["inpost", "check", "/nonexistent/shipment.json"], None);
    assert!(e.contains("/nonexistent/shipment.json"), "{e}");
    // Issue 16: a misspelt key in our own check input is an error, not "no refusal".
    let e = error(
        &["inpost", "check", "-"],
        Some(&SHIPMENT.replace("end_of_week_collection", "end_of_week_colection")),
    );
    assert!(
        e.contains("standard input") && e.contains("end_of_week_colection"),
        "{e}"
    );
}

/// Found by review: errors of `inpost check` named no field path; `inpost window
/// --at` took years past 9999 and wrote `+10000-…` back.
#[test]
fn check_errors_name_the_path_and_window_years_are_bounded() {
    let e = error(
        &["inpost", "check", "-"],
        Some(&SHIPMENT.replace("\"pop\"", "\"drone\"")),
    );
    assert!(
        e.contains("target_point.type: unknown variant `drone`"),
        "{e}"
    );
    let e = error(
        &["inpost", "check", "-"],
        Some(&SHIPMENT.replace("2026-11-24T10:00:00Z", "2026-02-30T10:00:00Z")),
    );
    assert!(e.contains("ordered_at: "), "{e}");
    for at in ["-0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z"] {
        let e = error(&["inpost", "window", &format!("--at={at}")], None);
        assert!(e.contains("--at"), "{at}: {e}");
    }
    let e = error(&["inpost", "window", "--at", "9999-12-31T23:59:59Z"], None);
    assert!(e.contains("past the year 9999"), "{e}");
    // The shipped ShipX points page, as `inpost check --points` reads it.
    let v = json_ok(
        &["inpost", "points", "data/samples/inpost/points.json"],
        None,
    );
    assert_eq!(v["count"], 1, "{v}");
}

#[test]
fn refund_json_shape_and_asymmetry() {
    let history = |client: &str, dispatched: bool, placed: Value| {
        let events = if dispatched {
            json!([{"kind": "branch", "at": "2026-11-27T09:00:00Z"}])
        } else {
            json!([])
        };
        json!({"client_type": client, "bought_at": "2026-11-26T19:30:00Z", "dispatched": events,
               "placed_in_target_at": placed})
        .to_string()
    };
    let run = |h: String| json_ok(&["inpost", "refund", "-"], Some(&h));
    // Never dispatched, never placed: prepaid still pays (no automatic refund), postpaid not.
    let v = run(history("prepaid", false, Value::Null));
    assert_eq!(v["fee_owed"], true);
    assert!(v["reason"].as_str().unwrap().contains("not dispatched"));
    let v = run(history("postpaid", false, Value::Null));
    assert_eq!(v["fee_owed"], false);
    // Dispatched, placed Sunday: owed by both.
    let sunday = json!("2026-11-29T10:00:00Z");
    assert_eq!(
        run(history("prepaid", true, sunday.clone()))["fee_owed"],
        true
    );
    assert_eq!(run(history("postpaid", true, sunday))["fee_owed"], true);
    // Dispatched, placed Monday: refunded / left off.
    let monday = json!("2026-11-30T10:00:00Z");
    let v = run(history("prepaid", true, monday));
    assert_eq!(v["fee_owed"], false);
    assert_eq!(v["outcome"], "prepaid_refund_due");
    // A configurable deadline: Friday 09:00 local makes the Friday 10:00 dispatch late.
    // The deadline binds the prepaid refund only: a postpaid parcel sent late and placed
    // on Saturday owes the fee (seed 003: left off only when "not sent").
    let v = json_ok(
        &[
            "inpost",
            "refund",
            "-",
            "--dispatch-deadline",
            "friday 09:00",
        ],
        Some(&history("postpaid", true, json!("2026-11-28T10:00:00Z"))),
    );
    assert_eq!(v["outcome"], "postpaid_invoiced");
    assert_eq!(v["fee_owed"], true);
    let v = json_ok(
        &[
            "inpost",
            "refund",
            "-",
            "--dispatch-deadline",
            "friday 09:00",
        ],
        Some(&history("prepaid", true, json!("2026-11-30T10:00:00Z"))),
    );
    assert_eq!(v["outcome"], "prepaid_not_dispatched");
    assert_eq!(v["fee_owed"], true);
    let e = error(
        &["inpost", "refund", "-", "--dispatch-deadline", "noon"],
        Some(&history("prepaid", true, Value::Null)),
    );
    assert!(e.contains("--dispatch-deadline"), "{e}");
    let e = error(
        &["inpost", "refund", "-"],
        Some(r#"{"client_type": "prepaid", "bought_at": "yesterday"}"#),
    );
    assert!(e.contains("standard input"), "{e}");
    // Issue 16: placed in the target locker before the add-on was bought is refused
    // (it was answered as a refund due), naming the field.
    let e = error(
        &["inpost", "refund", "-"],
        Some(&history("prepaid", true, json!("2026-11-20T10:00:00Z"))),
    );
    assert!(
        e.contains("standard input") && e.contains("placed_in_target_at"),
        "{e}"
    );
    // Issue 16: a bad --policy file is named as the policy file, not a "window
    // configuration".
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("refund.toml");
    std::fs::write(
        &policy,
        "zone = 'Europe/Warsaw'\ndispatch_deadline = 'noon'\n",
    )
    .unwrap();
    let e = error(
        &[
            "inpost",
            "refund",
            "-",
            "--policy",
            policy.to_str().unwrap(),
        ],
        Some(&history("prepaid", true, Value::Null)),
    );
    assert!(
        e.contains("refund.toml: refund policy, field `dispatch_deadline`"),
        "{e}"
    );
    assert!(!e.contains("window"), "{e}");
}

#[test]
fn search_and_points_filters() {
    let list = r#"[{"id": 1, "end_of_week_collection": true}, {"id": 2}, {"id": 3, "end_of_week_collection": false}]"#;
    let ids = |v: Value| -> Vec<i64> {
        v["shipments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        ids(json_ok(
            &["inpost", "search", "-", "--end-of-week-collection", "true"],
            Some(list)
        )),
        [1]
    );
    assert_eq!(
        ids(json_ok(
            &["inpost", "search", "-", "--end-of-week-collection", "false"],
            Some(list)
        )),
        [2, 3]
    );
    assert_eq!(
        ids(json_ok(&["inpost", "search", "-"], Some(list))),
        [1, 2, 3]
    );
    let e = error(
        &["inpost", "search", "-"],
        Some(r#"[{"id": 1}, {"id": 2, "end_of_week_collection": "yes"}]"#),
    );
    assert!(
        e.contains("row 1") && e.contains("end_of_week_collection"),
        "{e}"
    );
    let e = error(
        &["inpost", "search", "-", "--end-of-week-collection", "maybe"],
        Some(list),
    );
    // Issue 16: the flag as typed, not with the query parameter's underscores.
    assert!(
        e.contains("--end-of-week-collection: expected `true` or `false`, got `maybe`"),
        "{e}"
    );
    let points = r#"[{"name": "A", "type": "parcel_locker", "location_247": true},
                     {"name": "B", "type": "pop", "location_247": true},
                     {"name": "C", "type": "parcel_locker", "location_247": false}]"#;
    let v = json_ok(&["inpost", "points", "-"], Some(points));
    assert_eq!(v["count"], 1);
    assert_eq!(v["points"][0]["name"], "A");
}

#[test]
fn table_format_is_readable() {
    let out = courier(
        &[
            "--format",
            "table",
            "inpost",
            "window",
            "--at",
            "2026-11-26T19:00:00Z",
        ],
        None,
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("available from") && text.contains("Thu 2026-11-26 20:00 CET"),
        "{text}"
    );
    let out = courier(
        &["--format", "table", "inpost", "check", "-"],
        Some(SHIPMENT),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("invalidAllegroForEndOfWeekCollection"),
        "{text}"
    );
}
