//! `courier serve` and `courier import parcels` as processes: a server killed with
//! SIGKILL in the middle of a stream of acknowledged writes keeps every one of them;
//! SIGTERM stops it cleanly; its logs hold no secret and no unmasked phone.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const KEY: &str = "cli-test-hmac-key-6b1f";
const PHONE: &str = "+77011234567";

fn courier() -> Command {
    Command::new(env!("CARGO_BIN_EXE_courier"))
}

/// A config in `dir` over a SQLite file there.
fn setup(dir: &Path) -> PathBuf {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let sample = std::fs::read_to_string(data.join("server.toml")).unwrap();
    let rules = data.join("carriers/tastamat.toml");
    let text = sample
        .replace(
            "store = \"../var/courier.sqlite3\"",
            "store = \"courier.sqlite3\"",
        )
        .replace(
            "sqlite_synchronous = \"full\"",
            "sqlite_synchronous = \"normal\"",
        )
        .replace(
            "rules = \"carriers/tastamat.toml\"",
            &format!("rules = {:?}", rules.display().to_string()),
        );
    assert!(text.contains("store = \"courier.sqlite3\""));
    let cfg = dir.join("server.toml");
    std::fs::write(&cfg, text).unwrap();
    cfg
}

fn start(cfg: &Path) -> (Child, SocketAddr, Arc<Mutex<String>>) {
    let mut child = courier()
        .args(["serve", "--config"])
        .arg(cfg)
        .args(["--listen", "127.0.0.1:0"])
        .env("COURIER_TASTAMAT_HMAC_KEY", KEY)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    let logs = Arc::new(Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let sink = logs.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    (child, addr, logs)
}

/// One HTTP/1.1 request; the status code and body, or None when the connection failed.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let code = resp.split(' ').nth(1)?.parse().ok()?;
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((code, body))
}

fn callback(id: u32) -> String {
    format!(
        r#"{{"data":{{"id":"req-{id}","type":"external_callback","attributes":{{"external_id":"ext-{id}","event":"accept_delivery","delivery_request_status":"validated","delivery_status":"pending","created_at":1764579600}}}}}}"#
    )
}

#[test]
fn every_acknowledged_write_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = setup(dir.path());
    let (mut child, addr, _logs) = start(&cfg);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    match http(addr, "POST", "/fastriver/callbacks", &[], &callback(i)) {
                        Some((200, _)) => acked.lock().unwrap().push(i),
                        Some((code, body)) => panic!("write {i}: {code} {body}"),
                        None => break, // the server is gone
                    }
                    i += 4;
                }
            })
        })
        .collect();
    while acked.lock().unwrap().len() < 300 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let (mut child, addr, _logs) = start(&cfg);
    for i in &acked {
        let (code, body) =
            http(addr, "GET", &format!("/parcels/ext-{i}/history"), &[], "").unwrap();
        assert_eq!(code, 200, "acknowledged write {i} lost: {body}");
        assert!(body.contains("validated/pending"), "{i}: {body}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn import_serve_sigterm_and_logs_without_secrets_or_phones() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = setup(dir.path());
    let parcels = dir.path().join("parcels.csv");
    std::fs::write(
        &parcels,
        format!("parcel_id,barcode,locker_index,recipient_address,phone,cost,cell_size\nP1,B1,050000,,{PHONE},1500.00,M\nP2,,123,,{PHONE},1,\n"),
    )
    .unwrap();
    let out = courier()
        .args(["import", "parcels", "--format", "json", "--config"])
        .arg(&cfg)
        .arg(&parcels)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "one row is rejected");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["loaded"], 1);
    assert_eq!(report["rejects"][0]["line"], 3);
    assert_eq!(report["rejects"][0]["field"], "locker_index");

    let (mut child, addr, logs) = start(&cfg);
    let path = "/tastamat/parcels/P1";
    let sig = courier_server::signature::sign(KEY.as_bytes(), path.as_bytes());
    let signed = [("x-hmac-key", "tastamat".to_string()), ("x-hmac", sig)];
    let (code, body) = http(addr, "GET", path, &signed, "").unwrap();
    assert_eq!(code, 200);
    assert!(body.contains(PHONE), "the partner gets the phone: {body}");
    let (code, _) = http(
        addr,
        "GET",
        path,
        &[
            ("x-hmac-key", "tastamat".to_string()),
            ("x-hmac", "00".into()),
        ],
        "",
    )
    .unwrap();
    assert_eq!(code, 401);
    // A malformed body quoting a phone and the key: the error may echo it, the log must not.
    let bad = format!("{{\"parcel_id\":\"P1\",\"phone\":\"{PHONE}\",\"key\":\"{KEY}\"");
    let sig = courier_server::signature::sign(KEY.as_bytes(), bad.as_bytes());
    let (code, _) = http(
        addr,
        "POST",
        "/tastamat/status",
        &[("x-hmac-key", "tastamat".to_string()), ("x-hmac", sig)],
        &bad,
    )
    .unwrap();
    assert_eq!(code, 400);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "SIGTERM is a clean stop: {exit:?}");
    std::thread::sleep(std::time::Duration::from_millis(100));
    let logs = logs.lock().unwrap().clone();
    assert!(logs.contains("tastamat details served"), "{logs}");
    assert!(
        logs.contains("latency_us="),
        "one line per request with its latency: {logs}"
    );
    assert!(logs.contains("stopped"), "{logs}");
    assert!(
        !logs.contains(KEY),
        "the HMAC key leaked into the logs: {logs}"
    );
    assert!(
        !logs.contains("7011234567"),
        "an unmasked phone in the logs: {logs}"
    );
}

/// Found by review: an empty file loaded "0 parcels" with exit 0, and a truncated JSON
/// file came back as a row reject (exit 1). Both are bad input: exit 2, the file named,
/// the store not created.
#[test]
fn import_of_an_empty_or_unreadable_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = setup(dir.path());
    for (name, text, says) in [
        ("empty.csv", "", "holds no parcels"),
        (
            "header.csv",
            "parcel_id,locker_index,phone,cost\n",
            "holds no parcels",
        ),
        (
            "cut.json",
            "[{\"parcel_id\": \"P1\", \"cost\": ",
            "not a JSON array",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = courier()
            .args(["import", "parcels", "--format", "json", "--config"])
            .arg(&cfg)
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains(says), "{name}: {err}");
    }
    assert!(!dir.path().join("courier.sqlite3").exists());
}
