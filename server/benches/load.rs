//! A bounded loopback load test of the status service: the real server (in this
//! process, on 127.0.0.1 port 0, over a fresh SQLite file) and a Rust HTTP client with
//! keep-alive connections, sharing the machine's cores.
//!
//! Each request is a signed Tastamat status update that the lifecycle applies (parcels
//! alternate `cell_booked` / `registered` with increasing times), so each 200 is one
//! durable state change: HMAC check, validation, lifecycle, one committed transaction.
//!
//! `cargo bench -p courier-server --bench load -- [--seconds 10] [--concurrency 32]
//!  [--parcels 2000] [--sync full|normal] [--max-batch 64]` — prints requests/s, latency
//!  percentiles and the store's group commit (writes per commit; `--max-batch 1` is one
//!  commit per write, the store before group commit).
//!
//! `--store postgres://… [--pg-connections 4]` runs the same load on the PostgreSQL store
//! instead (a throw-away database: the run adds parcels and events with a fresh prefix).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use courier_server::http::AppState;
use courier_server::store::{
    PostgresStore, SqliteOptions, SqliteStore, Store, Synchronous, DEFAULT_CONNECTIONS,
    DEFAULT_MAX_BATCH,
};
use courier_server::{import, signature, ServerConfig};

const KEY: &str = "load-test-key";

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --benches` runs bench targets without `--bench`: do not load-test then.
        println!("load: run with `cargo bench -p courier-server --bench load`");
        return;
    }
    let seconds: u64 = arg(&args, "--seconds", "10").parse().expect("--seconds N");
    let seconds = seconds.clamp(1, 120);
    let concurrency: usize = arg(&args, "--concurrency", "32")
        .parse()
        .expect("--concurrency N");
    let parcels: usize = arg(&args, "--parcels", "2000")
        .parse()
        .expect("--parcels N");
    let sync = match arg(&args, "--sync", "full").as_str() {
        "normal" => Synchronous::Normal,
        _ => Synchronous::Full,
    };
    let max_batch = arg(&args, "--max-batch", &DEFAULT_MAX_BATCH.to_string())
        .parse()
        .expect("--max-batch N (1 or more)");
    let parcels = parcels.max(concurrency);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("load.sqlite3");
    let pg_url = arg(&args, "--store", "");
    let pg_connections = arg(&args, "--pg-connections", &DEFAULT_CONNECTIONS.to_string())
        .parse()
        .expect("--pg-connections N (1 or more)");
    let (store, sqlite, label): (Arc<dyn Store>, Option<Arc<SqliteStore>>, String) =
        if pg_url.is_empty() {
            let sqlite = Arc::new(
                SqliteStore::open_with(
                    path.to_str().unwrap(),
                    SqliteOptions {
                        synchronous: sync,
                        max_batch,
                    },
                )
                .unwrap(),
            );
            let label = format!("sqlite synchronous={sync:?}, max batch {max_batch}");
            (sqlite.clone(), Some(sqlite), label)
        } else {
            let pg = PostgresStore::connect_with(&pg_url, pg_connections).unwrap();
            let label = format!("postgres, {pg_connections} store connections");
            (Arc::new(pg), None, label)
        };
    // Parcel ids unique to this run, so that a reused PostgreSQL database does not count
    // an earlier run's events.
    let run = Utc::now().timestamp_millis();
    let before = store.event_counts().unwrap();
    let start_at = Utc::now() - Span::days(1);
    let mut csv = String::from("parcel_id,locker_index,phone,cost\n");
    for p in 0..parcels {
        csv.push_str(&format!("L{run}-{p},050000,+77011234567,1000\n"));
    }
    let parsed = import::parse(&csv, start_at);
    store.import_parcels(&parsed.parcels, start_at).unwrap();

    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let text = std::fs::read_to_string(data.join("server.toml")).unwrap();
    let env = |k: &str| match k {
        "COURIER_TASTAMAT_HMAC_KEY" => Some(KEY.to_string()),
        "COURIER_LISTEN" => Some("127.0.0.1:0".to_string()),
        _ => None,
    };
    let cfg = ServerConfig::from_toml(&text, "server.toml", &data, &env).unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // The PostgreSQL driver owns a runtime of its own: the store is used (and dropped)
    // outside this one, and inside it only on the blocking pool.
    let served = store.clone();
    let (all, errors, elapsed) = runtime.block_on(async move {
        let state = AppState::new(&cfg, served).unwrap();
        let running = courier_server::start_with(&cfg, state).await.unwrap();
        let url = format!("http://{}/tastamat/status", running.addr);
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency)
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let workers: Vec<_> = (0..concurrency)
            .map(|w| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(async move {
                    let mine: Vec<usize> = (w..parcels).step_by(concurrency).collect();
                    let mut step = vec![0i64; mine.len()];
                    let mut latencies = Vec::new();
                    let mut errors = 0u64;
                    let mut n = 0usize;
                    while Instant::now() < deadline {
                        let slot = n % mine.len();
                        let p = mine[slot];
                        let k = step[slot];
                        step[slot] += 1;
                        n += 1;
                        let status = if k % 2 == 0 { "cell_booked" } else { "registered" };
                        let at = start_at + Span::milliseconds(1 + k);
                        let body = format!(
                            r#"{{"parcel_id":"L{run}-{p}","status":"{status}","occurred_at":"{}"}}"#,
                            at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                        );
                        let sig = signature::sign(KEY.as_bytes(), body.as_bytes());
                        let t = Instant::now();
                        let r = client
                            .post(&url)
                            .header("x-hmac-key", "tastamat")
                            .header("x-hmac", sig)
                            .header("content-type", "application/json")
                            .body(body)
                            .send()
                            .await;
                        match r {
                            Ok(r) if r.status() == 200 => {
                                let _ = r.bytes().await;
                                latencies.push(t.elapsed().as_micros() as u64);
                            }
                            _ => errors += 1,
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut errors = 0;
        for w in workers {
            let (l, e) = w.await.unwrap();
            all.extend(l);
            errors += e;
        }
        let elapsed = started.elapsed().as_secs_f64();
        running.stop().await.unwrap();
        (all, errors, elapsed)
    });
    drop(runtime);
    let mut all = all;
    all.sort_unstable();
    let pct = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)] as f64 / 1000.0;
    let applied = store.event_counts().unwrap().applied - before.applied;
    println!("load: {label}, {concurrency} connections, {parcels} parcels, {seconds} s");
    println!(
        "  {} acknowledged status updates in {elapsed:.1} s = {:.0} updates/s ({errors} errors)",
        all.len(),
        all.len() as f64 / elapsed
    );
    println!(
        "  latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    println!("  store: {applied} applied events (every 200 is a committed change)");
    if let Some(sqlite) = sqlite {
        let b = sqlite.batch_stats();
        println!(
            "  group commit: {} writes in {} commits = {:.1} per commit, largest {}",
            b.writes,
            b.commits,
            b.writes as f64 / b.commits.max(1) as f64,
            b.largest
        );
    }
    assert_eq!(
        applied as usize,
        all.len(),
        "an acknowledged update is not in the store"
    );
}
