//! `courier validate …`: exit codes (0 valid, 1 invalid, 2 unreadable/malformed), the
//! carriers' error shapes, `--now`, `--config` and `--orders`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn sample(name: &str) -> String {
    let p: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "data",
        "samples",
        "carriers",
        name,
    ]
    .iter()
    .collect();
    p.display().to_string()
}

fn courier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_courier"))
        .args(args)
        .output()
        .expect("courier runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn fastriver_seed_request_valid_the_day_before() {
    let f = sample("fastriver_seed_request.json");
    let out = courier(&[
        "validate",
        "fastriver",
        &f,
        "--now",
        "2020-08-19T10:00:00+03:00",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out), serde_json::json!({"validation_errors": {}}));
}

#[test]
fn fastriver_same_day_after_cutoff_fails_with_the_seed_shape() {
    let f = sample("fastriver_seed_request.json");
    // 12:30 Moscow on the delivery date: after Moscow's 12:00 cut-off in the sample config.
    let out = courier(&[
        "validate",
        "fastriver",
        &f,
        "--now",
        "2020-08-20T12:30:00+03:00",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let date = &v["validation_errors"]["date"];
    assert_eq!(date.as_array().map(Vec::len), Some(1), "{v}");
    assert!(date[0].as_str().unwrap().contains("12:00"), "{v}");
    assert_eq!(v["validation_errors"].as_object().unwrap().len(), 1, "{v}");
}

#[test]
fn fastriver_invalid_lists_every_field_without_personal_data() {
    let f = sample("fastriver_invalid_request.json");
    let out = courier(&[
        "validate",
        "fastriver",
        &f,
        "--now",
        "2025-01-01T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let fields: Vec<&String> = v["validation_errors"].as_object().unwrap().keys().collect();
    // 14 fields: external_id is optional by default (seed 001: "обязателен при наличии").
    assert_eq!(fields.len(), 14, "{v}");
    assert!(!fields.iter().any(|f| f.as_str() == "external_id"), "{v}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("7926765432"), "{text}");
    let table = courier(&[
        "validate",
        "fastriver",
        &f,
        "--now",
        "2025-01-01T00:00:00Z",
        "--format",
        "table",
    ]);
    assert_eq!(table.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&table.stdout).contains("inn_checksum"));
}

#[test]
fn fastriver_config_flag() {
    let dir = std::env::temp_dir().join(format!("courier-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("fastriver.toml");
    // A partner with Moscow disabled.
    std::fs::write(
        &cfg,
        "[products.credit_card_visa]\n[cities.kazan]\nname = \"Казань\"\ntime_zone = \"Europe/Moscow\"\nsame_day_cutoff = \"15:00\"\n",
    )
    .unwrap();
    let f = sample("fastriver_seed_request.json");
    let out = courier(&[
        "validate",
        "fastriver",
        &f,
        "--now",
        "2020-08-19T10:00:00+03:00",
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json(&out)["validation_errors"]["delivery_city"].is_array());
    std::fs::write(&cfg, "this is not toml [").unwrap();
    let out = courier(&[
        "validate",
        "fastriver",
        &f,
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn aplix_order_and_registry() {
    let out = courier(&[
        "validate",
        "aplix-order",
        &sample("aplix_seed_order.json"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["valid"], true);
    let out = courier(&[
        "validate",
        "aplix-order",
        &sample("aplix_invalid_order.json"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["errors"].as_array().unwrap().len(), 13);
    let orders = sample("aplix_known_orders.json");
    let out = courier(&[
        "validate",
        "aplix-registry",
        &sample("aplix_seed_registry.json"),
        "--orders",
        &orders,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = courier(&[
        "validate",
        "aplix-registry",
        &sample("aplix_invalid_registry.json"),
        "--orders",
        &orders,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = courier(&[
        "validate",
        "aplix-registry",
        &sample("aplix_seed_registry.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--orders"));
}

#[test]
fn taxomet_and_tastamat() {
    let out = courier(&[
        "validate",
        "taxomet",
        &sample("taxomet_seed_add_order.json"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["result"], "1");
    let out = courier(&[
        "validate",
        "taxomet",
        &sample("taxomet_invalid_add_order.json"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter2"));
    let v = json(&out);
    assert_eq!(
        (v["result"].as_str(), v["order_id"].as_str()),
        (Some("0"), Some("0"))
    );
    assert!(v["error"].as_str().unwrap().starts_with("unit_id: "), "{v}");
    // A missing required parameter is a refusal in Taxomet's shape (exit 1), not exit 2.
    let dir = std::env::temp_dir().join(format!("courier-taxomet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("rating.json");
    std::fs::write(
        &f,
        r#"{"method":"add_driver_rating","operator_login":"my-api","operator_password":"pw","driver_id":2,"points":100}"#,
    )
    .unwrap();
    let out = courier(&[
        "validate",
        "taxomet",
        f.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["result"], "0");
    assert_eq!(v["order_id"], "0");
    assert_eq!(v["error"], "lifetime_hours: required; comment: required");
    std::fs::write(&f, "{not json").unwrap();
    let out = courier(&["validate", "taxomet", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = courier(&[
        "validate",
        "tastamat",
        &sample("tastamat_parcel_details.json"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["kind"], "parcel_details");
    let out = courier(&[
        "validate",
        "tastamat",
        &sample("tastamat_status_invalid.json"),
        "--now",
        "2024-03-02T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unreadable_or_malformed_input_exits_2() {
    let out = courier(&["validate", "fastriver", "/definitely/not/here.json"]);
    assert_eq!(out.status.code(), Some(2));
    let bad = std::env::temp_dir().join(format!("courier-bad-{}.json", std::process::id()));
    std::fs::write(&bad, "{\"data\": [").unwrap();
    let out = courier(&["validate", "aplix-order", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("malformed JSON"));
    std::fs::remove_file(&bad).ok();
    let out = courier(&[
        "validate",
        "fastriver",
        &sample("fastriver_seed_request.json"),
        "--now",
        "tomorrow",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// Issue 16: a payload wrapped in an array (`[{…}]`) got a page of bogus `required`
/// errors (the derived readers take an array for a struct); every carrier's reader now
/// refuses it as malformed input, exit 2, "expected a JSON object".
#[test]
fn a_payload_wrapped_in_an_array_is_not_an_object() {
    let dir = tempfile::tempdir().unwrap();
    for (carrier, file) in [
        ("fastriver", "fastriver_seed_request.json"),
        ("tastamat", "tastamat_parcel_details.json"),
        ("tastamat", "tastamat_status_deposited.json"),
        ("taxomet", "taxomet_seed_add_order.json"),
        ("aplix-order", "aplix_seed_order.json"),
        ("aplix-registry", "aplix_seed_registry.json"),
    ] {
        let text = std::fs::read_to_string(sample(file)).unwrap();
        let path = dir.path().join(file);
        std::fs::write(&path, format!("[{text}]")).unwrap();
        let path = path.display().to_string();
        let orders = sample("aplix_known_orders.json");
        let mut args = vec![
            "validate",
            carrier,
            &path,
            "--now",
            "2020-08-19T10:00:00+03:00",
        ];
        if carrier == "aplix-registry" {
            args.extend(["--orders", &orders]);
        }
        let out = courier(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{carrier} {file}: {err}");
        assert!(err.contains(&path), "{carrier}: {err}");
        assert!(err.contains("JSON object"), "{carrier}: {err}");
        assert!(!err.contains("required"), "{carrier}: {err}");
        assert!(out.stdout.is_empty(), "{carrier}");
    }
}
