//! A server process killed with SIGKILL in the middle of a stream of acknowledged writes,
//! restarted, has every acknowledged write — with group commit, where many concurrent
//! writes share one commit (the same check as the CLI's `serve_cli` test, runnable
//! without building the CLI).
//!
//! The server process is this test binary itself, run again with `COURIER_SIGKILL_CHILD`
//! naming the store's directory: [`child_process_server`] then serves until killed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use courier_server::http::AppState;
use courier_server::store::{SqliteOptions, SqliteStore, Store, Synchronous, DEFAULT_MAX_BATCH};

const CHILD: &str = "COURIER_SIGKILL_CHILD";

/// Not a check: the server side of [`every_acknowledged_write_survives_sigkill`], which
/// runs only in the child process (elsewhere it returns at once).
#[test]
fn child_process_server() {
    let Some(dir) = std::env::var_os(CHILD) else {
        return;
    };
    let path = Path::new(&dir).join("courier.sqlite3");
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open_with(
            path.to_str().unwrap(),
            SqliteOptions {
                // As the CLI test: NORMAL survives the process being killed.
                synchronous: Synchronous::Normal,
                max_batch: DEFAULT_MAX_BATCH,
            },
        )
        .unwrap(),
    );
    let cfg = common::server::config(&[]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let state = AppState::new(&cfg, store).unwrap();
        let running = courier_server::start_with(&cfg, state).await.unwrap();
        println!("listening on {}", running.addr);
        std::io::stdout().flush().unwrap();
        std::future::pending::<()>().await;
    });
}

fn start(dir: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_server", "--nocapture"])
        .env(CHILD, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the child server exited"
        );
        if let Some(addr) = line.trim().strip_prefix("listening on ") {
            break addr.parse().unwrap();
        }
    };
    (child, addr)
}

/// One HTTP/1.1 request; the status code and body, or None when the connection failed.
fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
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

#[test]
fn every_acknowledged_write_survives_sigkill() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr) = start(dir.path());
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    // More writers than the CLI test, so that writes share commits.
    let writers = 16;
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    let body = common::server::callback(
                        &format!("req-{i}"),
                        &format!("ext-{i}"),
                        "accept_delivery",
                        "validated",
                        "pending",
                        1_764_579_600,
                    );
                    match http(addr, "POST", "/fastriver/callbacks", &body) {
                        Some((200, _)) => acked.lock().unwrap().push(i),
                        Some((code, body)) => panic!("write {i}: {code} {body}"),
                        None => break, // the server is gone
                    }
                    i += writers;
                }
            })
        })
        .collect();
    while acked.lock().unwrap().len() < 1000 {
        assert!(
            !threads.iter().all(|t| t.is_finished()),
            "the server went away before the kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let (mut child, addr) = start(dir.path());
    for i in &acked {
        let (code, body) = http(addr, "GET", &format!("/parcels/ext-{i}/history"), "").unwrap();
        assert_eq!(code, 200, "acknowledged write {i} lost: {body}");
        assert!(body.contains("validated/pending"), "{i}: {body}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
