//! InPost weekend add-on decisions, which run in the nightly batch over millions of
//! parcels: eligibility (`check`), the window test alone, and the refund decision.
//! Target: under 100 ns per decision.
//!
//! Each benchmark runs a fixed batch of varied inputs (instants spread over two years,
//! all refusal combinations, all refund outcomes), so the reported time divided by the
//! batch size is the cost of one decision.

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use courier_engine::rules::inpost::refund::{
    ClientType, DispatchEvent, DispatchKind, ParcelHistory,
};
use courier_engine::rules::inpost::{
    check, PointType, Preset, RefundPolicy, TargetPoint, WeekendShipment,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const BATCH: usize = 1024;

fn base() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_767_225_600, 0).unwrap_or_default() // 2026-01-01
}

/// A deterministic spread of instants over two years (a simple LCG, no randomness).
fn instants() -> Vec<DateTime<Utc>> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..BATCH)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            base() + TimeDelta::seconds(((x >> 33) % (2 * 365 * 86_400)) as i64)
        })
        .collect()
}

fn shipments() -> Vec<WeekendShipment> {
    instants()
        .into_iter()
        .enumerate()
        .map(|(i, at)| WeekendShipment {
            service: "inpost_locker_standard".into(),
            allegro: i % 7 == 0,
            end_of_week_collection: i % 11 != 0,
            ordered_at: at,
            target_point: TargetPoint {
                name: "KRA010".into(),
                point_type: if i % 5 == 0 {
                    PointType::Pop
                } else {
                    PointType::ParcelLocker
                },
                location_247: i % 3 != 0,
            },
        })
        .collect()
}

fn histories() -> Vec<ParcelHistory> {
    instants()
        .into_iter()
        .enumerate()
        .map(|(i, at)| ParcelHistory {
            client_type: if i % 2 == 0 {
                ClientType::Prepaid
            } else {
                ClientType::Postpaid
            },
            bought_at: at,
            dispatched: match i % 4 {
                0 => vec![],
                1 => vec![DispatchEvent {
                    kind: DispatchKind::CourierPickup,
                    at: at + TimeDelta::hours(12),
                }],
                2 => vec![
                    DispatchEvent {
                        kind: DispatchKind::Branch,
                        at: at - TimeDelta::hours(1),
                    },
                    DispatchEvent {
                        kind: DispatchKind::SendingLocker,
                        at: at + TimeDelta::hours(30),
                    },
                ],
                _ => vec![DispatchEvent {
                    kind: DispatchKind::SendingLocker,
                    at: at + TimeDelta::days(3),
                }],
            },
            placed_in_target_at: match i % 3 {
                0 => None,
                1 => Some(at + TimeDelta::hours(40)),
                _ => Some(at + TimeDelta::days(4)),
            },
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let seed = Preset::Seed.window().expect("seed preset");
    let current = Preset::Current.window().expect("current preset");
    let policy = RefundPolicy::default();
    let ships = shipments();
    let hist = histories();
    let ats = instants();

    let mut g = c.benchmark_group("inpost");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("window_is_open_seed_x1024", |b| {
        b.iter(|| {
            ats.iter()
                .filter(|&&at| seed.is_open(black_box(at)))
                .count()
        })
    });
    g.bench_function("eligibility_seed_x1024", |b| {
        b.iter(|| {
            ships
                .iter()
                .map(|s| u32::from(check(&seed, black_box(s)).bits()))
                .sum::<u32>()
        })
    });
    g.bench_function("eligibility_current_holidays_x1024", |b| {
        b.iter(|| {
            ships
                .iter()
                .map(|s| u32::from(check(&current, black_box(s)).bits()))
                .sum::<u32>()
        })
    });
    g.bench_function("refund_decision_x1024", |b| {
        b.iter(|| {
            hist.iter()
                .filter(|h| policy.decide(black_box(h)).fee_owed)
                .count()
        })
    });
    g.finish();

    c.bench_function("inpost/window_schedule_single", |b| {
        b.iter(|| seed.schedule(black_box(ats[0])))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
