//! The InPost apiv2 client against a wiremock server on loopback (seed 003 § 2).

mod common;

use common::*;
use courier_adapters::inpost::apiv2::*;
use courier_adapters::{Error, Secret};
use courier_rules::inpost::{PointType, Preset, TargetPoint};
use rust_decimal::Decimal;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "apiv2-Pa55-s3cret";

fn client(server: &MockServer) -> Apiv2Client {
    let config: Apiv2Config = toml::from_str(&format!(
        "email = \"shop@example.com\"\npassword_env = \"INPOST_APIV2_PASSWORD\"\n[transport]\nbase_url = \"{}\"\ntimeout_ms = 3000\n",
        server.uri()
    ))
    .unwrap();
    Apiv2Client::new(
        &config,
        Secret::new(PASSWORD),
        Preset::Seed.window().unwrap(),
    )
    .unwrap()
}

fn xml(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/xml")
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_price_list_carries_the_weekend_price() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(query_param("do", "pricelist"))
        .respond_with(xml("<paczkomaty><on_delivery_payment>3.50</on_delivery_payment>\
            <packtype><type>A</type><price>8.99</price></packtype><packtype><type>B</type><price>9.99</price></packtype>\
            <packtype><type>C</type><price>11.99</price></packtype><insurance><limit>5000</limit><price>1.50</price></insurance>\
            <insurance><limit>10000</limit><price>2.50</price></insurance><endOfWeekCollection><price>4.99</price></endOfWeekCollection></paczkomaty>"))
        .mount(&server).await;
    let list = client(&server).price_list().await.unwrap();
    assert_eq!(list.on_delivery_payment, Some(d("3.50")));
    assert_eq!(list.packtypes[2], ("C".to_string(), d("11.99")));
    assert_eq!(list.insurance[1], (d("10000"), d("2.50")));
    assert_eq!(
        list.end_of_week_collection.map(|p| p.to_string()),
        Some("4.99".into())
    );
}

fn document() -> DeliveryPacks {
    let pack = |id: &str, machine: &str| Pack {
        id: id.into(),
        addressee_email: "receiver@example.com".into(),
        sender_email: Some("shop@example.com".into()),
        phone_num: "888000000".into(),
        box_machine_name: machine.into(),
        pack_type: "A".into(),
        end_of_week_collection: Some(true),
    };
    DeliveryPacks {
        auto_labels: true,
        self_send: false,
        packs: vec![pack("p1", "KRA010"), pack("p2", "KRA020")],
    }
}

fn lockers() -> Vec<PackContext> {
    ["KRA010", "KRA020"]
        .iter()
        .map(|n| PackContext {
            target: TargetPoint {
                name: (*n).into(),
                point_type: PointType::ParcelLocker,
                location_247: true,
            },
            allegro: false,
        })
        .collect()
}

#[tokio::test]
async fn createdeliverypacks_reports_each_pack_and_its_error_key() {
    let (logs, _g) = capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(query_param("do", "createdeliverypacks"))
        .respond_with(xml(r#"<paczkomaty><pack><id>p1</id><packcode>610000000000000000000001</packcode></pack>
            <pack><id>p2</id><error key="invalidEndOfWeekCollection">Wybrana usługa dodatkowa jest poza określonym przedziałem czasowym. Przedziały czasowe w których można skorzystać z usługi opisane są w regulaminie.</error></pack></paczkomaty>"#))
        .expect(1)
        .mount(&server).await;
    let thursday = "2026-11-26T19:30:00Z".parse().unwrap();
    let got = client(&server)
        .create_delivery_packs(&document(), &lockers(), thursday)
        .await
        .unwrap();
    assert_eq!(got[0].packcode.as_deref(), Some("610000000000000000000001"));
    assert_eq!(
        got[1].error.as_ref().map(|e| e.0.as_str()),
        Some("invalidEndOfWeekCollection")
    );
    golden(
        "apiv2_createdeliverypacks",
        &render(&server.received_requests().await.unwrap()[0]),
    );
    assert_no_secret("logs", &logs.text());
}

#[tokio::test]
async fn refusals_are_local_with_apiv2_keys_and_a_root_error_is_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(xml(
            r#"<paczkomaty><error key="AccessDenied">Brak dostępu</error></paczkomaty>"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let mut ctx = lockers();
    ctx[1].target.point_type = PointType::Pop;
    ctx[1].allegro = true;
    let tuesday = "2026-11-24T10:00:00Z".parse().unwrap();
    let e = c
        .create_delivery_packs(&document(), &ctx, tuesday)
        .await
        .unwrap_err();
    let codes: Vec<(&str, &str)> = e
        .issues()
        .iter()
        .map(|i| (i.field.as_str(), i.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("pack[0].endOfWeekCollection", "invalidEndOfWeekCollection"),
            ("pack[1].endOfWeekCollection", "invalidEndOfWeekCollection"),
            (
                "pack[1].endOfWeekCollection",
                "invalidBoxMachineNameForEndOfWeekCollection"
            ),
            (
                "pack[1].endOfWeekCollection",
                "invalidAllegroForEndOfWeekCollection"
            ),
        ]
    );
    let thursday = "2026-11-26T19:30:00Z".parse().unwrap();
    let e = c
        .create_delivery_packs(&document(), &lockers(), thursday)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { error, .. } if error == "AccessDenied"),
        "{e:?}"
    );
    assert_no_secret("error", &format!("{e} {e:?} {c:?}"));
}
