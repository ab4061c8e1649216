//! Carrier validators in batch mode: target under 1 µs for a typical valid Fastriver
//! request. Run: `cargo bench -p courier-benches --bench carriers`.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use courier_rules::aplix::{validate_order, AplixConfig, PushOrder, TrackBook, TrackIncrement};
use courier_rules::fastriver::{validate_request, DeliveryRequest, PartnerConfig};
use courier_rules::tastamat::{Payload, TastamatConfig};
use courier_rules::taxomet::Request;
use criterion::{criterion_group, criterion_main, Criterion};

const FASTRIVER_CONFIG: &str = include_str!("../../data/carriers/fastriver.toml");
const APLIX_CONFIG: &str = include_str!("../../data/carriers/aplix.toml");
const TASTAMAT_CONFIG: &str = include_str!("../../data/carriers/tastamat.toml");

fn samples(name: &str) -> &'static str {
    match name {
        "fastriver_seed" => include_str!("../../data/samples/carriers/fastriver_seed_request.json"),
        "fastriver_invalid" => {
            include_str!("../../data/samples/carriers/fastriver_invalid_request.json")
        }
        "aplix_order" => include_str!("../../data/samples/carriers/aplix_seed_order.json"),
        "taxomet" => include_str!("../../data/samples/carriers/taxomet_seed_add_order.json"),
        "tastamat" => include_str!("../../data/samples/carriers/tastamat_parcel_details.json"),
        "tracks" => include_str!("../../data/samples/carriers/aplix_track_increments.json"),
        _ => "",
    }
}

fn bench(c: &mut Criterion) {
    let cfg = PartnerConfig::from_toml_str(FASTRIVER_CONFIG).expect("config");
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2020-08-19T10:00:00+03:00")
        .expect("instant")
        .with_timezone(&Utc);
    let valid = DeliveryRequest::from_json(samples("fastriver_seed")).expect("sample");
    assert!(validate_request(&valid, &cfg, now).is_empty());
    let invalid = DeliveryRequest::from_json(samples("fastriver_invalid")).expect("sample");

    c.bench_function("fastriver/validate_valid_request", |b| {
        b.iter(|| validate_request(black_box(&valid), black_box(&cfg), black_box(now)))
    });
    c.bench_function("fastriver/validate_invalid_request_15_errors", |b| {
        b.iter(|| validate_request(black_box(&invalid), black_box(&cfg), black_box(now)))
    });
    c.bench_function("fastriver/parse_and_validate_json", |b| {
        b.iter(|| {
            let req =
                DeliveryRequest::from_json(black_box(samples("fastriver_seed"))).expect("json");
            validate_request(&req, &cfg, now)
        })
    });

    let aplix = AplixConfig::from_toml_str(APLIX_CONFIG).expect("config");
    let order = PushOrder::from_json(samples("aplix_order")).expect("sample");
    c.bench_function("aplix/validate_order", |b| {
        b.iter(|| validate_order(black_box(&order), black_box(&aplix)))
    });
    let incs: Vec<TrackIncrement> = serde_json::from_str(samples("tracks")).expect("sample");
    c.bench_function("aplix/merge_two_track_increments", |b| {
        b.iter(|| {
            let mut book = TrackBook::new();
            for inc in &incs {
                let _ = book.merge(black_box(inc));
            }
            book
        })
    });

    let taxomet = Request::from_json(samples("taxomet")).expect("sample");
    c.bench_function("taxomet/validate_add_order", |b| {
        b.iter(|| black_box(&taxomet).validate())
    });

    let tcfg = TastamatConfig::from_toml_str(TASTAMAT_CONFIG).expect("config");
    let details = Payload::from_json(samples("tastamat")).expect("sample");
    c.bench_function("tastamat/validate_parcel_details", |b| {
        b.iter(|| black_box(&details).validate(&tcfg, now))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
