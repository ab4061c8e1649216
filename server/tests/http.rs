//! The services over HTTP: a real server on a loopback port, a real client.

mod common;

use common::server::{callback, status, TestServer, KEY, PHONE};
use courier_server::signature;

#[tokio::test]
async fn health_and_readiness() {
    let s = TestServer::start().await;
    for path in ["/healthz", "/readyz"] {
        let r = s
            .client
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    s.running.stop().await.unwrap();
}

#[tokio::test]
async fn details_by_id_and_barcode_need_the_signature() {
    let s = TestServer::start().await;
    let r = s.get_signed("/tastamat/parcels/P1").await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["locker_index"], "050000");
    assert_eq!(v["phone"], PHONE);
    assert_eq!(v["cost"], "1500.00");
    let r = s.get_signed("/tastamat/parcels/by-barcode/BC-0001").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["parcel_id"],
        "P1"
    );
    assert_eq!(s.get_signed("/tastamat/parcels/NOPE").await.status(), 404);
    // Unsigned, or signed for another parcel's path: 401.
    let r = s
        .client
        .get(format!("{}/tastamat/parcels/P1", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = s
        .client
        .get(format!("{}/tastamat/parcels/P1", s.base))
        .header("x-hmac-key", "tastamat")
        .header(
            "x-hmac",
            signature::sign(KEY.as_bytes(), b"/tastamat/parcels/P2"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn a_bad_or_missing_signature_is_401_and_stores_nothing() {
    let s = TestServer::start().await;
    let body = status("P1", "cell_booked", "2026-12-01T09:00:00Z", None);
    let url = format!("{}/tastamat/status", s.base);
    let cases = [
        (None, None),
        (Some("tastamat"), None),
        (
            Some("tastamat"),
            Some(signature::sign(b"wrong key", body.as_bytes())),
        ),
        (
            Some("tastamat"),
            Some(signature::sign(KEY.as_bytes(), b"another body")),
        ),
        (
            Some("other-id"),
            Some(signature::sign(KEY.as_bytes(), body.as_bytes())),
        ),
        (Some("tastamat"), Some("not hex".to_string())),
    ];
    for (key_id, sig) in cases {
        let mut req = s.client.post(&url).body(body.clone());
        if let Some(k) = key_id {
            req = req.header("x-hmac-key", k);
        }
        if let Some(sig) = &sig {
            req = req.header("x-hmac", sig);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401, "{key_id:?} {sig:?}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["code"].as_str().unwrap().starts_with("signature_"));
        assert!(!v.to_string().contains(KEY));
    }
    assert_eq!(s.store.event_counts().unwrap().deliveries, 0);
    assert!(s.history("P1").await.is_empty());
}

#[tokio::test]
async fn tastamat_happy_path_malformed_invalid_and_unknown() {
    let s = TestServer::start().await;
    let (code, v) = s
        .tastamat_status(&status("P1", "cell_booked", "2026-12-01T09:00:00Z", None))
        .await;
    assert_eq!((code, v["outcome"].as_str()), (200, Some("applied")));
    let (code, v) = s
        .tastamat_status(&status(
            "P1",
            "deposited",
            "2026-12-01T16:00:00+06:00",
            Some("A1B2"),
        ))
        .await;
    assert_eq!((code, v["outcome"].as_str()), (200, Some("applied")), "{v}");
    let h = s.history("P1").await;
    assert_eq!(h.len(), 2);
    assert_eq!(
        (h[0]["from"].as_str(), h[0]["to"].as_str()),
        (Some("registered"), Some("cell_booked"))
    );
    assert_eq!(h[1]["to"], "deposited");
    assert_eq!(h[1]["source"], "tastamat");
    assert_eq!(h[1]["occurred_at"], "2026-12-01T10:00:00Z");

    let (code, v) = s.tastamat_status("{not json").await;
    assert_eq!((code, v["code"].as_str()), (400, Some("malformed_body")));
    let (code, v) = s
        .tastamat_status(&status("P1", "teleported", "yesterday", None))
        .await;
    assert_eq!((code, v["code"].as_str()), (422, Some("invalid_update")));
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "occurred_at"]);
    let (code, v) = s
        .tastamat_status(&status("P404", "cell_booked", "2026-12-01T09:00:00Z", None))
        .await;
    assert_eq!((code, v["code"].as_str()), (404, Some("unknown_parcel")));
    let counts = s.store.event_counts().unwrap();
    assert_eq!(
        (counts.applied, counts.rejected, counts.deliveries),
        (2, 0, 2)
    );
    assert_eq!(
        s.client
            .get(format!("{}/parcels/P404/history", s.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn tastamat_out_of_order_ends_in_the_documented_state() {
    let s = TestServer::start().await;
    // The deposit arrives before the booking: refused (409, stored as rejected) …
    let deposit = status("P1", "deposited", "2026-12-01T10:00:00Z", Some("C0DE"));
    let (code, v) = s.tastamat_status(&deposit).await;
    assert_eq!(
        (code, v["code"].as_str()),
        (409, Some("illegal_transition")),
        "{v}"
    );
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("registered → deposited"));
    assert_eq!(s.store.event_counts().unwrap().rejected, 1);
    // … the booking arrives, then Tastamat re-sends the deposit: applied.
    let (code, _) = s
        .tastamat_status(&status("P1", "cell_booked", "2026-12-01T09:00:00Z", None))
        .await;
    assert_eq!(code, 200);
    let (code, v) = s.tastamat_status(&deposit).await;
    assert_eq!(
        (code, v["outcome"].as_str(), v["repeat"].as_bool()),
        (200, Some("applied"), Some(false))
    );
    // A release of the booking dated before the deposit arrives late: stale, ignored.
    let (code, v) = s
        .tastamat_status(&status("P1", "registered", "2026-12-01T09:30:00Z", None))
        .await;
    assert_eq!((code, v["outcome"].as_str()), (200, Some("stale")));
    // Withdrawn before the 72 h storage period ended: refused, naming the rule.
    let (code, v) = s
        .tastamat_status(&status("P1", "withdrawn", "2026-12-01T11:00:00Z", None))
        .await;
    assert_eq!(
        (code, v["code"].as_str()),
        (409, Some("withdrawn_before_storage_end"))
    );
    let h = s.history("P1").await;
    let to: Vec<&str> = h.iter().map(|e| e["to"].as_str().unwrap()).collect();
    assert_eq!(to, ["cell_booked", "deposited"]);
    let c = s.store.event_counts().unwrap();
    // One row per distinct event: the deposit's two deliveries share one.
    assert_eq!((c.applied, c.stale, c.rejected, c.deliveries), (2, 1, 1, 5));
}

#[tokio::test]
async fn ten_concurrent_tastamat_duplicates_have_one_effect() {
    let s = std::sync::Arc::new(TestServer::start().await);
    let body = status("P2", "cell_booked", "2026-12-01T09:00:00Z", None);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (s, body) = (s.clone(), body.clone());
            tokio::spawn(async move { s.tastamat_status(&body).await })
        })
        .collect();
    let mut fresh = 0;
    for t in tasks {
        let (code, v) = t.await.unwrap();
        assert_eq!((code, v["outcome"].as_str()), (200, Some("applied")));
        fresh += usize::from(v["repeat"] == false);
    }
    assert_eq!(fresh, 1);
    assert_eq!(s.history("P2").await.len(), 1);
    let c = s.store.event_counts().unwrap();
    assert_eq!((c.applied, c.deliveries), (1, 10));
}

#[tokio::test]
async fn a_fastriver_callback_posted_ten_times_concurrently_has_one_effect() {
    let s = std::sync::Arc::new(TestServer::start().await);
    let body = callback(
        "e4085f48",
        "PS112233",
        "accept_delivery",
        "validated",
        "scheduled",
        1_764_579_600,
    );
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (s, body) = (s.clone(), body.clone());
            tokio::spawn(async move { s.fastriver(&body).await })
        })
        .collect();
    let mut fresh = 0;
    for t in tasks {
        let (code, v) = t.await.unwrap();
        assert_eq!((code, v["outcome"].as_str()), (200, Some("applied")), "{v}");
        fresh += usize::from(v["repeat"] == false);
    }
    assert_eq!(fresh, 1);
    let h = s.history("PS112233").await;
    assert_eq!(h.len(), 1);
    assert_eq!(
        (h[0]["from"].as_str(), h[0]["to"].as_str()),
        (Some("created/pending"), Some("validated/scheduled"))
    );
    let c = s.store.event_counts().unwrap();
    assert_eq!((c.applied, c.deliveries), (1, 10));
}

#[tokio::test]
async fn fastriver_out_of_order_and_contradictions_are_acknowledged_and_stored() {
    let s = TestServer::start().await;
    let t0 = 1_764_579_600;
    let accept = callback("R1", "X1", "accept_delivery", "validated", "pending", t0);
    let schedule = callback("R1", "X1", "schedule", "validated", "scheduled", t0 + 60);
    let delivered = callback("R1", "X1", "delivered", "validated", "completed", t0 + 120);
    let complete = callback("R1", "X1", "complete", "executed", "completed", t0 + 180);
    assert_eq!(s.fastriver(&accept).await.1["outcome"], "applied");
    // `delivered` overtakes `schedule`: the lifecycle refuses it from pending; stored
    // as rejected and answered 200 so that Fastriver stops retrying.
    let (code, v) = s.fastriver(&delivered).await;
    assert_eq!(
        (code, v["outcome"].as_str(), v["code"].as_str()),
        (200, Some("rejected"), Some("lifecycle"))
    );
    assert_eq!(s.fastriver(&schedule).await.1["outcome"], "applied");
    assert_eq!(s.fastriver(&complete).await.1["outcome"], "applied");
    // The late `schedule` retry is a repeat; an older event never seen is stale.
    let (code, v) = s.fastriver(&schedule).await;
    assert_eq!(
        (code, v["outcome"].as_str(), v["repeat"].as_bool()),
        (200, Some("applied"), Some(true))
    );
    let late = callback(
        "R1",
        "X1",
        "agent_selected",
        "validated",
        "scheduled",
        t0 + 90,
    );
    assert_eq!(s.fastriver(&late).await.1["outcome"], "stale");
    // An event contradicting the event table (the seed's "completed"): rejected, 200.
    let bad = callback("R1", "X1", "completed", "validated", "scheduled", t0 + 300);
    let (code, v) = s.fastriver(&bad).await;
    assert_eq!(
        (code, v["outcome"].as_str(), v["code"].as_str()),
        (200, Some("rejected"), Some("event_table"))
    );
    // Its retry gets the same answer and is not judged again.
    assert_eq!(s.fastriver(&bad).await.1["repeat"], true);
    let h = s.history("X1").await;
    let to: Vec<&str> = h.iter().map(|e| e["to"].as_str().unwrap()).collect();
    assert_eq!(
        to,
        [
            "validated/pending",
            "validated/scheduled",
            "executed/completed"
        ]
    );
    let (code, v) = s.fastriver("{\"data\": {}}").await;
    assert_eq!((code, v["code"].as_str()), (400, Some("malformed_body")));
    let c = s.store.event_counts().unwrap();
    assert_eq!((c.applied, c.stale, c.rejected, c.deliveries), (3, 1, 2, 8));
}

#[tokio::test]
async fn the_fastriver_token_is_checked_when_configured() {
    let s = TestServer::start_with_env(&[("COURIER_FASTRIVER_CALLBACK_TOKEN", "tok-123")]).await;
    let body = callback("R9", "X9", "accept_delivery", "validated", "pending", 1);
    assert_eq!(s.fastriver(&body).await.0, 401);
    let r = s
        .client
        .post(format!("{}/fastriver/callbacks?token=tok-123", s.base))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(s.store.event_counts().unwrap().deliveries, 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let s = TestServer::start().await;
    let body = "x".repeat(70 * 1024);
    let sig = signature::sign(KEY.as_bytes(), body.as_bytes());
    let r = s
        .client
        .post(format!("{}/tastamat/status", s.base))
        .header("x-hmac-key", "tastamat")
        .header("x-hmac", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}
