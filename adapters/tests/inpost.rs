//! The ShipX client against a wiremock server on loopback, with the seed's payloads.

mod common;

use std::str::FromStr;

use chrono::{DateTime, Utc};
use common::*;
use courier_adapters::inpost::*;
use courier_adapters::{Error, Secret};
use courier_rules::inpost::{EndOfWeekCollectionFilter, PointType, Preset, TargetPoint};
use rust_decimal::Decimal;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "shipx-T0ken-s3cret";

fn client(server: &MockServer) -> ShipXClient {
    let config: ShipXConfig = toml::from_str(&format!(
        r#"
        organization_id = 123
        token_env = "INPOST_SHIPX_TOKEN"
        [transport]
        base_url = "{}"
        timeout_ms = 800
        [transport.retry]
        max_attempts = 3
        base_delay_ms = 1
        max_delay_ms = 5
        [poll]
        max_polls = 3
        initial_delay_ms = 1
        max_delay_ms = 4
        "#,
        server.uri()
    ))
    .unwrap();
    ShipXClient::new(&config, Secret::new(TOKEN), Preset::Seed.window().unwrap()).unwrap()
}

/// The seed's simplified-mode example (§ 3.1), with the comma the seed forgets.
fn seed_shipment() -> NewShipment {
    serde_json::from_str(
        r#"{
          "receiver": {"email": "receiver@example.com", "phone": "888000000"},
          "parcels": [{"template": "small"}],
          "custom_attributes": {"target_point": "KRA010"},
          "insurance": {"amount": 25, "currency": "PLN"},
          "cod": {"amount": 12.50, "currency": "PLN"},
          "end_of_week_collection": true,
          "service": "inpost_locker_standard"
        }"#,
    )
    .unwrap()
}

fn locker(name: &str, location_247: bool) -> TargetPoint {
    TargetPoint {
        name: name.into(),
        point_type: PointType::ParcelLocker,
        location_247,
    }
}

/// Thursday 2026-11-26 20:30 in Warsaw: inside the seed's window.
fn thursday_evening() -> DateTime<Utc> {
    "2026-11-26T19:30:00Z".parse().unwrap()
}

fn check_clean(e: &Error, logs: &Logs) {
    assert_no_secret("error", &format!("{e} {e:?}"));
    assert_no_secret("logs", &logs.text());
}

#[tokio::test]
async fn create_with_weekend_add_on_then_poll_until_confirmed() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/123/shipments"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_string(
            r#"{"id": 42, "status": "created", "tracking_number": null, "end_of_week_collection": true, "service": "inpost_locker_standard"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/shipments/42"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"id": 42, "status": "created", "tracking_number": null}"#),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/shipments/42"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"id": 42, "status": "confirmed", "tracking_number": "602677439331630337653846", "end_of_week_collection": true}"#,
        ))
        .mount(&server)
        .await;
    let c = client(&server);
    let done = c
        .create_and_confirm(
            &seed_shipment(),
            &locker("KRA010", true),
            false,
            thursday_evening(),
        )
        .await
        .unwrap();
    assert_eq!(done.status, "confirmed");
    assert_eq!(
        done.tracking_number.as_deref(),
        Some("602677439331630337653846")
    );
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3, "one creation, two polls");
    golden("shipx_create", &render(&reqs[0]));
    golden("shipx_poll", &render(&reqs[1]));
    let text = logs.text();
    assert!(
        text.contains("shipments.create") && text.contains("status=201"),
        "{text}"
    );
    assert!(text.contains("latency_ms"), "{text}");
    assert_no_secret("logs", &text);
}

#[tokio::test]
async fn weekend_refusals_are_local_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let pop = TargetPoint {
        name: "KRA010".into(),
        point_type: PointType::Pop,
        location_247: false,
    };
    let tuesday: DateTime<Utc> = "2026-11-24T10:00:00Z".parse().unwrap();
    let e = c
        .create_shipment(&seed_shipment(), &pop, true, tuesday)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "local_refusal");
    let got: Vec<(&str, &str)> = e
        .issues()
        .iter()
        .map(|i| (i.field.as_str(), i.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("end_of_week_collection", "invalid_end_of_week_collection"),
            (
                "custom_attributes.target_point",
                "invalid_target_point_for_end_of_week_collection"
            ),
            (
                "custom_attributes.target_point",
                "invalid_target_point_247_for_end_of_week_collection"
            ),
            (
                "end_of_week_collection",
                "invalid_allegro_for_end_of_week_collection"
            ),
        ]
    );
    // Without the add-on the same shipment is not the rules' business: it is sent.
    let mut plain = seed_shipment();
    plain.end_of_week_collection = false;
    assert!(c.local_refusals(&plain, &pop, true, tuesday).is_empty());
    // The point checked must be the shipment's own target.
    let e = c
        .create_shipment(
            &seed_shipment(),
            &locker("WAW001", true),
            false,
            thursday_evening(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.issues()[0].code, "target_point_mismatch");
}

#[tokio::test]
async fn a_400_with_nested_details_keeps_the_field_paths_and_is_not_retried() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"status": 400, "error": "validation_failed", "message": "There are some validation errors. Check details object for more info.",
                "details": {"custom_attributes": [{"target_point": ["invalid_target_point_247_for_end_of_week_collection"]}],
                            "receiver": {"phone": ["invalid"]}}}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server)
        .create_shipment(
            &seed_shipment(),
            &locker("KRA010", true),
            false,
            thursday_evening(),
        )
        .await
        .unwrap_err();
    let Error::Rejected {
        status,
        error,
        issues,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((*status, error.as_str()), (400, "validation_failed"));
    assert_eq!(issues[0].field, "custom_attributes.target_point");
    assert_eq!(
        issues[0].code,
        "invalid_target_point_247_for_end_of_week_collection"
    );
    assert_eq!(issues[1].field, "receiver.phone");
    assert!(
        e.to_string().contains("custom_attributes.target_point"),
        "{e}"
    );
    check_clean(&e, &logs);
}

#[tokio::test]
async fn an_empty_error_body_is_still_an_error_and_a_500_on_creation_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&server)
        .await;
    let c = client(&server);
    let args = (seed_shipment(), locker("KRA010", true));
    let e = c
        .create_shipment(&args.0, &args.1, false, thursday_evening())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "http_status");
    assert!(e.to_string().contains("HTTP 400 with an empty body"), "{e}");
    let e = c
        .create_shipment(&args.0, &args.1, false, thursday_evening())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Http { status: 500, .. }), "{e:?}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "the 500 was not retried"
    );
}

#[tokio::test]
async fn polling_ends_on_failure_or_at_its_bound() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/shipments/7"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"id": 7, "status": "failed"}"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/shipments/8"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"id": 8, "status": "created"}"#),
        )
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.wait_confirmed(7).await.unwrap_err().code(), "failed");
    let e = c.wait_confirmed(8).await.unwrap_err();
    assert!(
        matches!(&e, Error::PollExhausted { attempts: 3, last_status, .. } if last_status == "created"),
        "{e:?}"
    );
}

#[test]
fn poll_backoff_doubles_up_to_its_cap() {
    let p = PollPolicy {
        max_polls: 5,
        initial_delay_ms: 100,
        max_delay_ms: 350,
    };
    let ms: Vec<u128> = (0..4).map(|n| p.delay(n).as_millis()).collect();
    assert_eq!(ms, [100, 200, 350, 350]);
}

#[tokio::test]
async fn calculate_parses_the_seeds_amounts_exactly_and_retries_a_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/123/shipments/calculate"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/123/shipments/calculate"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("shipx_calculate.json")))
        .mount(&server)
        .await;
    let req = CalculationRequest {
        id: "SHIPMENT1".into(),
        parcels: vec![Parcel {
            template: "small".into(),
        }],
        custom_attributes: Some(Target {
            target_point: "KRA010".into(),
        }),
        insurance: Some(Money {
            amount: Decimal::from_str("25").unwrap(),
            currency: "PLN".into(),
        }),
        cod: None,
        end_of_week_collection: true,
        service: "inpost_locker_standard".into(),
    };
    let got = client(&server).calculate(&[req]).await.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].calculated_charge_amount,
        Some(Decimal::from_str("27.20").unwrap())
    );
    assert_eq!(
        got[0].calculated_charge_amount.unwrap().to_string(),
        "27.20",
        "scale kept"
    );
    assert_eq!(
        got[0]
            .end_of_week_collection_charge_amount
            .unwrap()
            .to_string(),
        "4.99"
    );
    assert_eq!(got[1].fuel_charge_amount, None);
    assert_eq!(got[1].calculated_charge_amount_non_commission, None);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2, "a 503 on a calculation is retried");
    golden("shipx_calculate", &render(&reqs[1]));
}

#[tokio::test]
async fn amounts_as_floats_or_broken_json_are_malformed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"[{"id": "S", "calculated_charge_amount": 27.2}]"#),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"[{"id": "S", "calculated_charge_amount": "27.20",}]"#),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.calculate(&[]).await.unwrap_err().code(), "malformed");
    assert_eq!(c.calculate(&[]).await.unwrap_err().code(), "malformed");
}

#[tokio::test]
async fn points_are_paged_and_filtered_to_24_7_lockers_by_the_rules() {
    let server = MockServer::start().await;
    for page in ["1", "2"] {
        Mock::given(method("GET"))
            .and(path("/v1/points"))
            .and(query_param("type", "parcel_locker_only"))
            .and(query_param("page", page))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_string(fixture(&format!("shipx_points_page{page}.json"))),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let got = client(&server).weekend_points(2, 10).await.unwrap();
    let names: Vec<&str> = got.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["KRA010", "KRA030"]);
    let reqs = server.received_requests().await.unwrap();
    golden("shipx_points", &render(&reqs[0]));
}

#[tokio::test]
async fn a_429_is_retried_after_the_pause_asked_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("shipx_points_page2.json")),
        )
        .mount(&server)
        .await;
    let page = client(&server).points(2, 2).await.unwrap();
    assert_eq!(page.items[0].name, "KRA030");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn search_sends_the_filter_only_when_set() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v1/organizations/123/shipments"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"items": [{"id": 1, "status": "confirmed", "tracking_number": "6026", "end_of_week_collection": true}], "count": 1, "page": 1, "per_page": 25}"#))
        .mount(&server).await;
    let c = client(&server);
    let page = c
        .search(EndOfWeekCollectionFilter::Only(true), 1)
        .await
        .unwrap();
    assert_eq!(page.items[0].end_of_week_collection, Some(true));
    c.search(EndOfWeekCollectionFilter::Any, 1).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    golden("shipx_search_weekend", &render(&reqs[0]));
    assert_eq!(reqs[1].url.query(), Some("page=1"));
}

#[tokio::test]
async fn a_timeout_is_retried_for_reads_and_reported_without_the_token() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_delay(std::time::Duration::from_millis(10_000)),
        )
        .mount(&server)
        .await;
    let e = client(&server).shipment(1).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { attempts: 3, .. }), "{e:?}");
    check_clean(&e, &logs);
}

#[tokio::test]
async fn a_401_is_unauthorized_and_the_client_never_prints_its_token() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!(
            r#"{{"status":401,"error":"token_invalid","message":"Bearer {TOKEN} is invalid"}}"#
        )))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c.shipment(1).await.unwrap_err();
    assert_eq!(e.code(), "unauthorized");
    check_clean(&e, &logs);
    assert_no_secret("client Debug", &format!("{c:?}"));
}

#[tokio::test]
async fn an_echoed_token_in_an_error_body_is_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(422).set_body_string(
        format!(r#"{{"status":422,"error":"bad","message":"got {TOKEN}","details":{{"x":["{TOKEN}"]}}}}"#)))
        .mount(&server).await;
    let e = client(&server).shipment(1).await.unwrap_err();
    assert_eq!(e.code(), "rejected");
    assert_no_secret("error", &format!("{e} {e:?}"));
}
