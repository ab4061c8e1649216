//! The Aplix SOAP client against a wiremock server on loopback, with the seed's payloads.

mod common;

use std::str::FromStr;

use common::*;
use courier_adapters::aplix::*;
use courier_adapters::{Error, Secret};
use courier_rules::aplix::{AplixConfig, PushOrder, PushReestr};
use rust_decimal::Decimal;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "aplix-Pa55-s3cret";
const NS: &str = "http://www.aplix.ru/delivery";

fn config(server: &MockServer, extra: &str) -> AplixClientConfig {
    toml::from_str(&format!(
        r#"
        namespace = "{NS}"
        login = "test"
        password_env = "APLIX_PASSWORD"
        {extra}
        [transport]
        base_url = "{}"
        timeout_ms = 3000
        [transport.retry]
        max_attempts = 2
        base_delay_ms = 1
        max_delay_ms = 2
        "#,
        server.uri()
    ))
    .unwrap()
}

fn rules() -> AplixConfig {
    AplixConfig::from_toml_str(include_str!("../../data/carriers/aplix.toml")).unwrap()
}

fn client(server: &MockServer) -> AplixClient {
    AplixClient::new(config(server, ""), Secret::new(PASSWORD), rules()).unwrap()
}

fn soap_ok(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/xml; charset=utf-8")
}

fn answer(op: &str, inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:{op}Response xmlns:m="{NS}">{inner}</m:{op}Response></soap:Body></soap:Envelope>"#
    )
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn basic_header() -> String {
    // base64("test:aplix-Pa55-s3cret")
    "Basic dGVzdDphcGxpeC1QYTU1LXMzY3JldA==".to_string()
}

#[tokio::test]
async fn check_dimensions_sends_the_seeds_items_under_the_configured_spelling() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/post/ws/Delivery.1cws"))
        .and(header("soapaction", format!("\"{NS}#Delivery:CheckDimenshions\"").as_str()))
        .and(header("authorization", basic_header().as_str()))
        .respond_with(soap_ok(&answer("CheckDimenshions",
            "<m:return>true</m:return><m:Length>0.1331</m:Length><m:Width>0.1</m:Width><m:Height>0.0808</m:Height><m:Weight>0.775</m:Weight><m:Comment/>")))
        .expect(1)
        .mount(&server)
        .await;
    let goods = [
        Dimensions {
            length: d("0.130"),
            width: d("0.100"),
            height: d("0.001"),
            weight: d("0.1"),
            qty: 2,
        },
        Dimensions {
            length: d("0.1331"),
            width: d("0.0998"),
            height: d("0.0788"),
            weight: d("0.575"),
            qty: 1,
        },
    ];
    let got = client(&server).check_dimensions(&goods).await.unwrap();
    assert!(got.fits);
    assert_eq!(
        (got.length, got.weight, got.comment.as_deref()),
        (d("0.1331"), d("0.775"), None)
    );
    let reqs = server.received_requests().await.unwrap();
    golden("aplix_check_dimensions", &render(&reqs[0]));
    assert_no_secret("logs", &logs.text());
}

#[tokio::test]
async fn operation_names_and_soap_action_come_from_configuration() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ws/Delivery"))
        .and(header("soapaction", "\"urn:x/CheckDimensions\""))
        .respond_with(soap_ok(&answer("CheckDimensions",
            "<m:return>false</m:return><m:Length>1</m:Length><m:Width>1</m:Width><m:Height>1</m:Height><m:Weight>40</m:Weight><m:Comment>Вес превышает 31.5 кг</m:Comment>")))
        .expect(1)
        .mount(&server)
        .await;
    let cfg = config(
        &server,
        r#"endpoint = "/ws/Delivery"
        soap_action = "urn:x/{operation}"
        operations = { check_dimensions = "CheckDimensions" }"#,
    );
    let c = AplixClient::new(cfg, Secret::new(PASSWORD), rules()).unwrap();
    let goods = [Dimensions {
        length: d("1"),
        width: d("1"),
        height: d("1"),
        weight: d("40"),
        qty: 1,
    }];
    let got = c.check_dimensions(&goods).await.unwrap();
    assert!(!got.fits, "over a limit is an answer, not an error");
    assert_eq!(got.comment.as_deref(), Some("Вес превышает 31.5 кг"));
    let body =
        String::from_utf8(server.received_requests().await.unwrap()[0].body.clone()).unwrap();
    assert!(
        body.contains(r#"<CheckDimensions xmlns="http://www.aplix.ru/delivery">"#),
        "{body}"
    );
    // Bad goods are refused locally.
    let bad = [Dimensions {
        length: d("0"),
        width: d("1"),
        height: d("1"),
        weight: d("1"),
        qty: 0,
    }];
    let e = c.check_dimensions(&bad).await.unwrap_err();
    let fields: Vec<&str> = e.issues().iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        fields,
        ["DimensionsList[0].Length", "DimensionsList[0].Qty"]
    );
}

fn seed_calculation() -> CalculateShippingCostRequest {
    let order = PushOrder::from_json(&fixture("aplix_push_order.json")).unwrap();
    let mut goods = order.goods.clone();
    goods[0].qty = Some(2);
    for g in &mut goods {
        g.price = None;
        g.vat_rate = None;
    }
    CalculateShippingCostRequest {
        order_number: Some("1234567890".into()),
        declared_cost: d("36370"),
        goods,
        address: order.customer.unwrap().address.unwrap(),
        type_of_seal: 1,
        sturdy_packaging: true,
        cash_on_delivery: false,
    }
}

#[tokio::test]
async fn calculate_shipping_cost_reads_the_options_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(soap_ok(&fixture("aplix_calculate_ok.xml")))
        .mount(&server)
        .await;
    let got = client(&server)
        .calculate_shipping_cost(&seed_calculation())
        .await
        .unwrap();
    assert_eq!(got.calculation_id, 168);
    assert_eq!(got.types.len(), 2);
    assert_eq!(got.types[0].cost.to_string(), "812.40");
    assert_eq!(got.types[1].postal_rate, Some(d("994.65")));
    assert_eq!(
        got.types[1].additional_information.as_deref(),
        Some("Доставка до двери")
    );
    assert_eq!(got.comments, None);
    golden(
        "aplix_calculate_shipping_cost",
        &render(&server.received_requests().await.unwrap()[0]),
    );
}

#[tokio::test]
async fn a_1c_error_inside_a_200_is_a_rejection() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(soap_ok(&fixture("aplix_calculate_1c_error.xml")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(soap_ok(&answer("GetDetailsOfCost",
        "<m:Error><m:Code>42</m:Code><m:Description>Расчёт 168 не найден</m:Description></m:Error>")))
        .mount(&server).await;
    let c = client(&server);
    let e = c
        .calculate_shipping_cost(&seed_calculation())
        .await
        .unwrap_err();
    let Error::Rejected {
        status,
        error,
        message,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((*status, error.as_str()), (200, "return_0"));
    assert!(message.contains("индекс 684005"));
    let e = c.get_details_of_cost(168, 3).await.unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { error, .. } if error == "42"),
        "{e:?}"
    );
}

#[tokio::test]
async fn get_details_of_cost_reads_every_line() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(soap_ok(&answer("GetDetailsOfCost",
        "<m:return><m:Description>Коробка №3</m:Description><m:Price>35.50</m:Price><m:Qty>1</m:Qty><m:Cost>35.50</m:Cost></m:return>\
         <m:return><m:Description>Пузырчатая плёнка, м</m:Description><m:Price>12.00</m:Price><m:Qty>0.5</m:Qty><m:Cost>6.00</m:Cost></m:return>")))
        .mount(&server).await;
    let lines = client(&server).get_details_of_cost(168, 3).await.unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[1].qty, lines[1].cost.to_string()),
        (d("0.5"), "6.00".to_string())
    );
    golden(
        "aplix_get_details_of_cost",
        &render(&server.received_requests().await.unwrap()[0]),
    );
}

#[tokio::test]
async fn push_order_is_validated_locally_sent_once_and_a_fault_is_typed() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(soap_ok(&answer("PushOrder", "<m:return>100500</m:return>")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw(fixture("aplix_fault.xml").into_bytes(), "text/xml"),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let order = PushOrder::from_json(&fixture("aplix_push_order.json")).unwrap();
    assert_eq!(c.push_order(&order).await.unwrap(), 100500);
    let e = c.push_order(&order).await.unwrap_err();
    let Error::SoapFault {
        fault_code,
        fault_string,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(fault_code, "soap:Server");
    assert!(fault_string.contains("уже существует"));
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2, "the faulted PushOrder was not retried");
    golden("aplix_push_order", &render(&reqs[0]));
    // An order the rules refuse is never sent.
    let mut bad = order.clone();
    bad.goods[0].vat_rate = Some("НДС99".into());
    bad.delivery_type_id = Some(77);
    let e = c.push_order(&bad).await.unwrap_err();
    assert_eq!(e.code(), "local_refusal");
    assert!(
        e.issues().iter().any(|i| i.field == "Goods[0].VATRate"),
        "{e:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_no_secret("logs", &logs.text());
    assert!(!logs.text().contains("975-53-54"), "no phone in the logs");
}

#[tokio::test]
async fn push_reestr_returns_the_registry_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(soap_ok(&answer("PushReestr", "<m:return>77</m:return>")))
        .mount(&server)
        .await;
    let reestr = PushReestr::from_json(
        r#"{"ID": "2013-r12345", "Number": "r12345", "Date": "2013-10-22",
        "DateOfShipment": "2013-10-23", "IDs": ["2013-1234567890", "2013-1234567891"]}"#,
    )
    .unwrap();
    assert_eq!(
        client(&server).push_reestr(&reestr, None).await.unwrap(),
        77
    );
    golden(
        "aplix_push_reestr",
        &render(&server.received_requests().await.unwrap()[0]),
    );
}

#[tokio::test]
async fn get_track_numbers_keeps_its_watermark_and_calls_at_most_once_an_hour() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(soap_ok(&fixture("aplix_tracks.xml")))
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("courier-aplix-wm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tracks.json");
    let _ = std::fs::remove_file(&file);
    std::fs::write(
        &file,
        r#"{"date_of_last_getting": "2013-08-01T00:00:00", "last_call_at": null}"#,
    )
    .unwrap();
    let c = client(&server);
    let t0: chrono::DateTime<chrono::Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
    let inc = c.get_track_numbers(&file, t0, false).await.unwrap();
    assert_eq!(inc.new_date_of_last_getting, "2013-08-02T10:00:00");
    assert_eq!(inc.track_numbers.len(), 2);
    assert!(!inc.track_numbers[1].activity);
    let mark = Watermark::load(&file).unwrap();
    assert_eq!(
        mark.date_of_last_getting.as_deref(),
        Some("2013-08-02T10:00:00")
    );
    assert_eq!(mark.last_call_at, Some(t0));
    // 59 minutes later: refused without a call; forced: called, with the new watermark.
    let e = c
        .get_track_numbers(&file, t0 + chrono::Duration::minutes(59), false)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Throttled { not_before, .. } if not_before == "2026-12-01T11:00:00+00:00"),
        "{e:?}"
    );
    c.get_track_numbers(&file, t0 + chrono::Duration::minutes(59), true)
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    golden("aplix_get_track_numbers", &render(&reqs[0]));
    assert!(String::from_utf8_lossy(&reqs[1].body)
        .contains("<DateOfLastGetting>2013-08-02T10:00:00</DateOfLastGetting>"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn malformed_xml_an_empty_500_and_a_non_envelope_are_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(soap_ok("<soap:Envelope><soap:Body><m:PushReestrResponse>"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(soap_ok("<html>maintenance</html>"))
        .mount(&server)
        .await;
    let c = client(&server);
    let r = PushReestr::from_json(r#"{"ID": "r", "Number": "1", "Date": "2013-10-22", "DateOfShipment": "2013-10-23", "IDs": ["a"]}"#).unwrap();
    assert_eq!(
        c.push_reestr(&r, None).await.unwrap_err().code(),
        "malformed"
    );
    let e = c.push_reestr(&r, None).await.unwrap_err();
    assert!(matches!(e, Error::Http { status: 500, .. }), "{e:?}");
    assert_eq!(
        c.push_reestr(&r, None).await.unwrap_err().code(),
        "malformed"
    );
}

#[tokio::test]
async fn a_401_names_no_password() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c.get_details_of_cost(1, 1).await.unwrap_err();
    assert_eq!(e.code(), "unauthorized");
    assert_no_secret("error", &format!("{e} {e:?} {c:?}"));
    assert_no_secret("logs", &logs.text());
}

/// An error page that echoes the request's headers hands back the Basic credential,
/// `base64(login:password)`: scrubbed like the password itself.
#[tokio::test]
async fn an_echoed_basic_credential_is_scrubbed() {
    let server = MockServer::start().await;
    let credential = basic_header();
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string(format!(
            "Internal error. Request headers: Authorization: {credential}"
        )))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c.get_details_of_cost(1, 1).await.unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(text.contains("Internal error"), "{text}");
    assert!(!text.contains("dGVzdDph"), "the credential leaks: {text}");
}
