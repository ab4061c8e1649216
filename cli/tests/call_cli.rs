//! `courier call`: against a wiremock server on loopback, secrets from the environment.

mod common;

use common::courier_env;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "cli-taxo-s3cret";

fn config(dir: &std::path::Path, name: &str, text: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxomet_get_order_prints_the_reply_and_no_password() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/get_order"))
        .and(query_param("operator_password", PASSWORD))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"result":"1","error":"","order_id":"10","status":"4"}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("courier-call-cli-{}", std::process::id()));
    let cfg = config(&dir, "taxomet.toml", &format!(
        "operator_login = \"my-api\"\npassword_env = \"TAXOMET_PASSWORD\"\n[transport]\nbase_url = \"{}\"\n", server.uri()));
    let out = tokio::task::spawn_blocking(move || {
        courier_env(
            &[
                "call",
                "taxomet",
                "call",
                "--config",
                &cfg,
                r#"{"method":"get_order","id":10}"#,
                "--format",
                "json",
            ],
            None,
            &[("TAXOMET_PASSWORD", PASSWORD)],
        )
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["order_id"], "10");
    assert_eq!(v["extra"]["status"], "4");
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_weekend_refusal_exits_1_without_a_call_and_a_missing_secret_exits_2() {
    // Nothing listens on port 9 of loopback: a call would fail with `connect` (exit 2).
    let dir = std::env::temp_dir().join(format!("courier-call-cli-inpost-{}", std::process::id()));
    let cfg = config(&dir, "inpost.toml", "organization_id = 123\ntoken_env = \"INPOST_SHIPX_TOKEN\"\n[transport]\nbase_url = \"http://127.0.0.1:9\"\n");
    let request = r#"{"shipment": {"receiver": {"email": "receiver@example.com", "phone": "888000000"},
        "parcels": [{"template": "small"}], "custom_attributes": {"target_point": "KRA010"},
        "end_of_week_collection": true, "service": "inpost_locker_standard"},
        "target_point": {"name": "KRA010", "type": "pop", "location_247": true}}"#;
    let out = courier_env(
        &[
            "call",
            "inpost",
            "create_shipment",
            "--config",
            &cfg,
            request,
            "--now",
            "2026-11-24T10:00:00Z",
        ],
        None,
        &[("INPOST_SHIPX_TOKEN", "tok")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("invalid_end_of_week_collection")
            && stderr.contains("invalid_target_point_for_end_of_week_collection"),
        "{stderr}"
    );
    let out = courier_env(
        &[
            "call",
            "inpost",
            "shipment",
            "--config",
            &cfg,
            r#"{"id": 1}"#,
        ],
        None,
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("INPOST_SHIPX_TOKEN"), "{stderr}");
    let out = courier_env(
        &["call", "inpost", "nonsense", "--config", &cfg],
        None,
        &[("INPOST_SHIPX_TOKEN", "tok")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("one of: create_shipment"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inpost_apiv2_price_list_renders_as_a_table() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("do", "pricelist"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            "<paczkomaty><packtype><type>A</type><price>8.99</price></packtype><endOfWeekCollection><price>4.99</price></endOfWeekCollection></paczkomaty>",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("courier-call-cli-apiv2-{}", std::process::id()));
    let cfg = config(&dir, "apiv2.toml", &format!(
        "email = \"shop@example.com\"\npassword_env = \"INPOST_APIV2_PASSWORD\"\n[transport]\nbase_url = \"{}\"\n", server.uri()));
    let out = tokio::task::spawn_blocking(move || {
        courier_env(
            &[
                "call",
                "inpost-apiv2",
                "price_list",
                "--config",
                &cfg,
                "--format",
                "table",
            ],
            None,
            &[("INPOST_APIV2_PASSWORD", "pw-apiv2")],
        )
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("end_of_week_collection") && stdout.contains("4.99"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Found by review: a malformed request was a carrier "refusal" (exit 1), and the
/// seed's own CheckDimensions request (`{"DimensionsList": …}`, as `pack --aplix`
/// reads it) was refused. A bad request is bad input (exit 2, `bad_request`, nothing
/// sent); the seed's shape is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aplix_check_dimensions_takes_the_seed_request_and_refuses_bad_json_as_bad_input() {
    let server = MockServer::start().await;
    let answer = r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:CheckDimenshionsResponse xmlns:m="http://www.aplix.ru/delivery"><m:return>true</m:return><m:Length>0.14</m:Length><m:Width>0.1</m:Width><m:Height>0.08</m:Height><m:Weight>0.775</m:Weight><m:Comment></m:Comment></m:CheckDimenshionsResponse></soap:Body></soap:Envelope>"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(answer))
        .expect(1)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("courier-call-aplix-{}", std::process::id()));
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/adapters/aplix.toml"
    ))
    .unwrap()
    .replace("http://z.aplix.loc", &server.uri());
    let cfg = config(&dir, "aplix.toml", &shipped);
    let run = |request: &'static str| {
        let cfg = cfg.clone();
        tokio::task::spawn_blocking(move || {
            courier_env(
                &[
                    "call",
                    "aplix",
                    "check_dimensions",
                    "--config",
                    &cfg,
                    request,
                    "--format",
                    "json",
                ],
                None,
                &[("APLIX_PASSWORD", "aplix-test-pw")],
            )
        })
    };
    let bad = run(r#"[{"Length":1"#).await.unwrap();
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{err}");
    assert!(err.contains("bad_request"), "{err}");
    let seed = run("data/samples/aplix/check_dimensions_seed.json")
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&seed.stderr);
    assert!(seed.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&seed.stdout).unwrap();
    assert_eq!(v["fits"], true, "{v}");
    std::fs::remove_dir_all(&dir).unwrap();
}
