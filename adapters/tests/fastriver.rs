//! The Fastriver client against a wiremock server on loopback, with the seed's payloads.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use courier_adapters::fastriver::*;
use courier_adapters::{Error, Secret};
use courier_rules::fastriver::{DeliveryRequest, PartnerConfig};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "fr-Pa55-s3cret";
const ACCESS: &str = "fr-access-T0k";
const REFRESHED: &str = "fr-refresh-T0k";
const T0: i64 = 1_597_440_000;
const UUID: &str = "0f6e0d39-1475-43c1-bd3f-681c6c9d1cf4";

struct Fixture {
    server: MockServer,
    client: FastriverClient,
    now: Arc<AtomicI64>,
}

async fn setup() -> Fixture {
    let server = MockServer::start().await;
    let config: FastriverConfig = toml::from_str(&format!(
        r#"
        login = "bot@company.com"
        password_env = "FASTRIVER_PASSWORD"
        refresh_margin_secs = 300
        [transport]
        base_url = "{}/api/partner"
        timeout_ms = 3000
        [transport.retry]
        max_attempts = 3
        base_delay_ms = 1
        max_delay_ms = 5
        "#,
        server.uri()
    ))
    .unwrap();
    let now = Arc::new(AtomicI64::new(T0));
    let clock = now.clone();
    let client = FastriverClient::new(&config, Secret::new(PASSWORD))
        .unwrap()
        .with_clock(move || Utc.timestamp_opt(clock.load(Ordering::SeqCst), 0).unwrap());
    Mock::given(method("POST"))
        .and(path("/api/partner/authentications"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"token": "{ACCESS}", "expires_at": {}}}"#,
            T0 + 3600
        )))
        .mount(&server)
        .await;
    Fixture {
        server,
        client,
        now,
    }
}

fn request_doc(attrs: &str) -> String {
    format!(r#"{{"data": {{"id": "{UUID}", "type": "delivery_request", "attributes": {attrs}}}}}"#)
}

fn seed_request() -> DeliveryRequest {
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/samples/carriers/fastriver_seed_request.json"
        ))
        .unwrap(),
    )
    .unwrap();
    serde_json::from_value(v["data"]["attributes"].clone()).unwrap()
}

#[tokio::test]
async fn login_then_create_sends_the_seed_request_with_the_token() {
    let (logs, _g) = capture_logs();
    let f = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/partner/delivery_requests"))
        .and(header("authorization", format!("Bearer {ACCESS}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(request_doc(
            r#"{"uuid": "0f6e0d39-1475-43c1-bd3f-681c6c9d1cf4", "external_id": "PS112233", "status": "created", "delivery_status": "pending", "validation_errors": {}}"#,
        )))
        .expect(1)
        .mount(&f.server)
        .await;
    let r = f.client.create(&seed_request(), None).await.unwrap();
    assert_eq!(
        (r.uuid.as_str(), r.status.as_deref()),
        (UUID, Some("created"))
    );
    let reqs = f.server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    golden("fastriver_login", &render(&reqs[0]));
    golden("fastriver_create", &render(&reqs[1]));
    assert_no_secret("logs", &logs.text());
}

#[tokio::test]
async fn a_2xx_with_validation_errors_is_not_accepted() {
    let f = setup().await;
    Mock::given(method("POST")).and(path("/api/partner/delivery_requests"))
        .respond_with(ResponseTemplate::new(200).set_body_string(request_doc(
            r#"{"status": "created", "validation_errors": {"address": ["адрес за пределами зоны доставки"], "mobile_phone": ["обязательно для заполнения"]}}"#)))
        .mount(&f.server).await;
    let e = f.client.create(&seed_request(), None).await.unwrap_err();
    let Error::Rejected {
        status,
        error,
        message,
        issues,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((*status, error.as_str()), (200, "validation_errors"));
    assert!(message.contains(UUID));
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["address", "mobile_phone"]);
}

#[tokio::test]
async fn the_rules_refuse_a_bad_request_before_any_call() {
    let f = setup().await;
    let cfg =
        PartnerConfig::from_toml_str(include_str!("../../data/carriers/fastriver.toml")).unwrap();
    let v: serde_json::Value = serde_json::from_str(include_str!(
        "../../data/samples/carriers/fastriver_invalid_request.json"
    ))
    .unwrap();
    let bad: DeliveryRequest = serde_json::from_value(v["data"]["attributes"].clone()).unwrap();
    let now: DateTime<Utc> = "2026-12-01T09:00:00Z".parse().unwrap();
    let e = f.client.create(&bad, Some((&cfg, now))).await.unwrap_err();
    assert_eq!(e.code(), "local_refusal");
    assert!(
        e.issues().iter().any(|i| i.field == "mobile_phone"),
        "{e:?}"
    );
    assert!(
        e.issues().iter().any(|i| i.field == "callback_url"),
        "{e:?}"
    );
    assert!(
        f.server.received_requests().await.unwrap().is_empty(),
        "nothing sent, not even a login"
    );
    assert!(
        !format!("{e}").contains("89261234567"),
        "phones are not echoed in full"
    );
}

#[tokio::test]
async fn the_token_is_refreshed_before_it_expires_and_renewed_after_a_401() {
    let (logs, _g) = capture_logs();
    let f = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/partner/authentications"))
        .and(header("authorization", format!("Bearer {ACCESS}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"token": "{REFRESHED}", "expires_at": {}}}"#,
            T0 + 7200
        )))
        .expect(1)
        .mount(&f.server)
        .await;
    let ok = ResponseTemplate::new(200).set_body_string(request_doc(
        r#"{"status": "validated", "delivery_status": "scheduled"}"#,
    ));
    Mock::given(method("GET"))
        .and(path(format!("/api/partner/delivery_requests/{UUID}")))
        .and(header(
            "authorization",
            format!("Bearer {REFRESHED}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error": "token expired"}"#))
        .up_to_n_times(1)
        .mount(&f.server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/partner/delivery_requests/{UUID}")))
        .respond_with(ok)
        .mount(&f.server)
        .await;
    // First call: login, then the read.
    assert_eq!(
        f.client.get(UUID).await.unwrap().status.as_deref(),
        Some("validated")
    );
    // 100 s before expiry: refreshed first (margin 300 s); the refreshed token is
    // refused once, so the client logs in again and repeats the read.
    f.now.store(T0 + 3500, Ordering::SeqCst);
    assert_eq!(
        f.client.get(UUID).await.unwrap().delivery_status.as_deref(),
        Some("scheduled")
    );
    let reqs = f.server.received_requests().await.unwrap();
    let seq: Vec<String> = reqs
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        seq,
        [
            "POST /api/partner/authentications",
            format!("GET /api/partner/delivery_requests/{UUID}").as_str(),
            "GET /api/partner/authentications",
            format!("GET /api/partner/delivery_requests/{UUID}").as_str(),
            "POST /api/partner/authentications",
            format!("GET /api/partner/delivery_requests/{UUID}").as_str(),
        ]
    );
    assert_eq!(authorization(&reqs[3]), format!("Bearer {REFRESHED}"));
    assert_eq!(authorization(&reqs[5]), format!("Bearer {ACCESS}"));
    assert_no_secret("logs", &logs.text());
}

#[tokio::test]
async fn logout_forgets_the_token() {
    let f = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/api/partner/authentications"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&f.server)
        .await;
    Mock::given(method("GET")).and(path("/api/partner/cities"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": [{"id": "moscow", "type": "city", "attributes": {"name": "Москва"}}, {"id": "kazan", "type": "city", "attributes": {"name": "Казань"}}]}"#))
        .mount(&f.server).await;
    let cities = f.client.reference(Reference::Cities).await.unwrap();
    assert_eq!(cities[1].attributes["name"], "Казань");
    f.client.logout().await.unwrap();
    f.client.reference(Reference::Cities).await.unwrap();
    let logins = f
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(logins, 2, "a new login after the logout");
    golden(
        "fastriver_reference_cities",
        &render(&f.server.received_requests().await.unwrap()[1]),
    );
}

#[tokio::test]
async fn list_sends_filters_and_paging() {
    let f = setup().await;
    Mock::given(method("GET")).and(path("/api/partner/delivery_requests"))
        .and(query_param("filter[status]", "validated")).and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"data": [{{"id": "{UUID}", "type": "delivery_request", "attributes": {{"status": "validated", "validation_errors": null}}}}], "meta": {{"total": 30}}}}"#)))
        .mount(&f.server).await;
    let filter = ListFilter {
        status: Some("validated".into()),
        city: Some("Москва".into()),
        ..ListFilter::default()
    };
    let page = f.client.list(&filter, 2).await.unwrap();
    assert_eq!((page.total, page.requests[0].uuid.as_str()), (30, UUID));
    golden(
        "fastriver_list",
        &render(&f.server.received_requests().await.unwrap()[1]),
    );
}

#[tokio::test]
async fn slots_v2_are_retried_after_a_429_and_v1_availability_reads_days() {
    let f = setup().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/partner/delivery_requests/{UUID}/time_intervals"
        )))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&f.server)
        .await;
    Mock::given(method("GET")).and(path(format!("/api/partner/delivery_requests/{UUID}/time_intervals")))
        .and(header("x-api-version", "v2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":[
            {"id": 1, "type": "time_interval", "attributes": {"id": 1, "from": 600, "to": 720, "code": "morning", "name": "10:00-12:00", "available": false}},
            {"id": 2, "type": "time_interval", "attributes": {"id": 2, "from": 720, "to": 840, "code": "afternoon", "name": "12:00-14:00", "available": true}}]}"#))
        .mount(&f.server).await;
    Mock::given(method("GET")).and(path("/api/partner/delivery_requests/time_intervals"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":[
            {"id": "2021-02-01", "type": "delivery_date", "attributes": {"date": "2021-02-01", "time_intervals": [{"id": 2, "from": 720, "to": 840, "code": "afternoon", "name": "12:00-14:00"}]}}]}"#))
        .mount(&f.server).await;
    let q = SlotQuery {
        date: Some("2021-02-01".into()),
        lat: Some(12.32423434),
        lon: Some(12.32423434),
        ..SlotQuery::default()
    };
    let slots = f
        .client
        .request_slots(UUID, &q, ApiVersion::V2)
        .await
        .unwrap();
    assert_eq!(
        slots.iter().map(|s| s.available).collect::<Vec<_>>(),
        [Some(false), Some(true)]
    );
    let reqs = f.server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3, "login, 429, retry");
    golden("fastriver_request_slots_v2", &render(&reqs[2]));
    let days = f
        .client
        .availability(
            &SlotQuery {
                address: Some("ул Сезам, д 75А".into()),
                product: Some("credit_card_visa".into()),
                ..SlotQuery::default()
            },
            ApiVersion::V1,
        )
        .await
        .unwrap();
    assert_eq!(
        (days[0].date.as_str(), days[0].time_intervals[0].from),
        ("2021-02-01", 720)
    );
    golden(
        "fastriver_availability_v1",
        &render(&f.server.received_requests().await.unwrap()[3]),
    );
}

#[tokio::test]
async fn patch_cancel_confirm_reject_and_upload_send_their_documents() {
    let f = setup().await;
    Mock::given(wiremock::matchers::any())
        .and(wiremock::matchers::path_regex(format!(
            "^/api/partner/delivery_requests/{UUID}"
        )))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(request_doc(r#"{"status": "canceled"}"#)),
        )
        .mount(&f.server)
        .await;
    let changes = DeliveryRequest {
        address: Some("ул Сезам, д 75А стр 13, кв 44".into()),
        ..DeliveryRequest::default()
    };
    f.client.patch(UUID, &changes).await.unwrap();
    f.client
        .cancel(UUID, "client_refused", Some("Клиент передумал"))
        .await
        .unwrap();
    f.client.confirm(UUID).await.unwrap();
    f.client
        .reject(UUID, "bad_photos", Some("Фото паспорта бликует"))
        .await
        .unwrap();
    let reqs = f.server.received_requests().await.unwrap();
    golden("fastriver_patch", &render(&reqs[1]));
    golden("fastriver_cancel", &render(&reqs[2]));
    golden("fastriver_confirm", &render(&reqs[3]));
    golden("fastriver_reject", &render(&reqs[4]));
    Mock::given(method("POST")).and(path(format!("/api/partner/delivery_requests/{UUID}/document")))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": {"id": "191", "type": "document", "attributes": {"url": "https://example.net/1.pdf"}}}"#))
        .with_priority(1)
        .mount(&f.server).await;
    let doc = f
        .client
        .upload_document(
            UUID,
            "agreement.pdf",
            "application/pdf",
            b"%PDF-1.4 test",
            Some("PS112233"),
        )
        .await
        .unwrap();
    assert_eq!(doc.id, "191");
    golden(
        "fastriver_upload_document",
        &render(f.server.received_requests().await.unwrap().last().unwrap()),
    );
}

#[tokio::test]
async fn errors_422_500_and_malformed_are_typed_without_secrets() {
    let (logs, _g) = capture_logs();
    let f = setup().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(422).set_body_string(format!(
            r#"{{"error": "Отмена невозможна: доставка уже начата ({ACCESS})"}}"#
        )))
        .mount(&f.server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&f.server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": {"id": 1"#))
        .mount(&f.server)
        .await;
    let e = f
        .client
        .cancel(UUID, "client_refused", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { status: 422, message, .. } if message.starts_with("Отмена невозможна")),
        "{e:?}"
    );
    assert_no_secret("error", &format!("{e} {e:?}"));
    let e = f.client.confirm(UUID).await.unwrap_err();
    assert!(matches!(e, Error::Http { status: 500, .. }), "{e:?}");
    assert_eq!(
        f.server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == "PATCH")
            .count(),
        1,
        "not retried"
    );
    assert_eq!(f.client.get(UUID).await.unwrap_err().code(), "malformed");
    assert_no_secret("logs", &logs.text());
    assert_no_secret("client Debug", &format!("{:?}", f.client));
}

#[tokio::test]
async fn call_please_and_package_documents() {
    let f = setup().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/partner/delivery_requests/{UUID}/call_please"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&f.server)
        .await;
    Mock::given(method("GET")).and(path("/api/partner/package_documents")).and(query_param("filter[delivery_request_uuid]", UUID))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": [{"id": "191", "type": "document", "attributes": {"url": "https://example.net/1.pdf", "external_id": "PS112233"}},
            {"id": "192", "type": "document", "attributes": {"url": "https://example.net/2.pdf"}}]}"#))
        .mount(&f.server).await;
    Mock::given(method("GET")).and(path("/api/partner/package_documents/191"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": {"id": "191", "type": "document", "attributes": {"url": "https://example.net/1.pdf"}}}"#))
        .mount(&f.server).await;
    Mock::given(method("DELETE"))
        .and(path("/api/partner/package_documents/192"))
        .respond_with(
            ResponseTemplate::new(404).set_body_string(r#"{"error": "Документ не найден"}"#),
        )
        .expect(1)
        .mount(&f.server)
        .await;
    f.client.call_please(UUID).await.unwrap();
    let docs = f.client.package_documents(UUID).await.unwrap();
    assert_eq!(
        docs.iter()
            .map(|d| d.id.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["191", "192"]
    );
    assert_eq!(
        f.client.package_document("191").await.unwrap().attributes["url"],
        "https://example.net/1.pdf"
    );
    let e = f.client.delete_package_document("192").await.unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { status: 404, message, .. } if message == "Документ не найден"),
        "{e:?}"
    );
    golden(
        "fastriver_package_documents",
        &render(&f.server.received_requests().await.unwrap()[2]),
    );
}

#[tokio::test]
async fn transfer_and_complete_a_meeting_on_v2() {
    let f = setup().await;
    Mock::given(method("POST"))
        .and(header("x-api-version", "v2"))
        .and(wiremock::matchers::path_regex(
            r"/(transfer|complete)_delivery$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(request_doc(
            r#"{"status": "validated", "delivery_status": "reserved"}"#,
        )))
        .expect(2)
        .mount(&f.server)
        .await;
    let t = Transfer {
        reason: "transfer_before_meeting".into(),
        comment: Some("Уехал в отпуск до сентября".into()),
        next_date: Some("2022-09-01".into()),
        address: Some("Бульвар Капуцинов, д 10".into()),
    };
    f.client.transfer_delivery(UUID, &t).await.unwrap();
    let r = f
        .client
        .complete_delivery(UUID, 33.333, 55.555)
        .await
        .unwrap();
    assert_eq!(r.delivery_status.as_deref(), Some("reserved"));
    let reqs = f.server.received_requests().await.unwrap();
    golden("fastriver_transfer_delivery", &render(&reqs[1]));
    golden("fastriver_complete_delivery", &render(&reqs[2]));
}

/// A logout refused with an answer that echoes the request hands back the token it
/// carried; the token is not among the client's fixed secrets, and is scrubbed.
#[tokio::test]
async fn a_refused_logout_does_not_echo_the_token() {
    let f = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/partner/cities"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": []}"#))
        .mount(&f.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/partner/authentications"))
        .respond_with(ResponseTemplate::new(500).set_body_string(format!(
            r#"{{"error": {{"message": "cannot end session Bearer {ACCESS}"}}}}"#
        )))
        .mount(&f.server)
        .await;
    f.client.reference(Reference::Cities).await.unwrap();
    let e = f.client.logout().await.unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(text.contains("cannot end session"), "{text}");
    assert!(!text.contains(ACCESS), "the token leaks: {text}");
}
