//! A real server on a loopback port (port 0) over a fresh SQLite file, and a signed client.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use courier_server::http::AppState;
use courier_server::store::{SqliteStore, Store, Synchronous};
use courier_server::{import, signature, Running, ServerConfig};

pub const KEY: &str = "test-hmac-key-0123456789";
pub const PHONE: &str = "+77011234567";

/// The instant the test server believes it is.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

pub struct TestServer {
    pub running: Running,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
    pub base: String,
    _dir: tempfile::TempDir,
}

pub fn config(extra_env: &[(&str, &str)]) -> ServerConfig {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let text = std::fs::read_to_string(data.join("server.toml")).unwrap();
    let env = |k: &str| match k {
        "COURIER_TASTAMAT_HMAC_KEY" => Some(KEY.to_string()),
        "COURIER_LISTEN" => Some("127.0.0.1:0".to_string()),
        _ => extra_env
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.to_string()),
    };
    ServerConfig::from_toml(&text, "server.toml", &data, &env).unwrap()
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with_env(&[]).await
    }

    pub async fn start_with_env(env: &[(&str, &str)]) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("courier.sqlite3");
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(path.to_str().unwrap(), Synchronous::Normal).unwrap());
        let csv = "parcel_id,barcode,locker_index,recipient_address,phone,cost,cell_size\n\
                   P1,BC-0001,050000,,+77011234567,1500.00,M\n\
                   P2,,,\"Almaty, Abay 10\",+77017654321,0,\n";
        let parsed = import::parse(csv, now() - chrono::Duration::hours(4));
        assert!(parsed.rejects.is_empty(), "{:?}", parsed.rejects);
        store
            .import_parcels(&parsed.parcels, now() - chrono::Duration::hours(4))
            .unwrap();
        let cfg = config(env);
        let mut state = AppState::new(&cfg, store.clone()).unwrap();
        state.clock = now;
        let running = courier_server::start_with(&cfg, state).await.unwrap();
        let base = format!("http://{}", running.addr);
        TestServer {
            running,
            store,
            client: reqwest::Client::new(),
            base,
            _dir: dir,
        }
    }

    /// POSTs `body` to the Tastamat status service, signed with the right key.
    pub async fn tastamat_status(&self, body: &str) -> (u16, serde_json::Value) {
        let sig = signature::sign(KEY.as_bytes(), body.as_bytes());
        let r = self
            .client
            .post(format!("{}/tastamat/status", self.base))
            .header("x-hmac-key", "tastamat")
            .header("x-hmac", sig)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn fastriver(&self, body: &str) -> (u16, serde_json::Value) {
        let r = self
            .client
            .post(format!("{}/fastriver/callbacks", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get_signed(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("x-hmac-key", "tastamat")
            .header("x-hmac", signature::sign(KEY.as_bytes(), path.as_bytes()))
            .send()
            .await
            .unwrap()
    }

    pub async fn history(&self, id: &str) -> Vec<serde_json::Value> {
        let r = self
            .client
            .get(format!("{}/parcels/{id}/history", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }
}

/// A Tastamat status update body.
pub fn status(parcel: &str, status: &str, at: &str, code: Option<&str>) -> String {
    let mut v = serde_json::json!({"parcel_id": parcel, "status": status, "occurred_at": at});
    if let Some(c) = code {
        v["open_code"] = c.into();
    }
    v.to_string()
}

/// A Fastriver callback body.
pub fn callback(id: &str, external: &str, event: &str, req: &str, del: &str, at: i64) -> String {
    serde_json::json!({"data": {"id": id, "type": "external_callback", "attributes": {
        "external_id": external, "event": event, "delivery_request_status": req,
        "delivery_status": del, "created_at": at, "comment": null}}})
    .to_string()
}
