//! `courier gen`: a realistic reconciliation dataset with known injected errors.
//!
//! Carriers and methods come from the tariffs; each parcel is priced by the same engine
//! the job uses, and an invoice line is then written exactly as expected or with one
//! injected error of a known class. Every injected error, every reject and every class
//! of parcel and refund is written to `truth.csv`, so a test can measure precision and
//! recall per class. A small deterministic generator (SplitMix64) makes the same bytes
//! for the same `--seed` on every machine.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use courier_engine::pricing::Seal;
use courier_engine::Sides;
use courier_rules::inpost::refund::{ClientType, RefundPolicy};

use crate::error::BatchError;
use crate::expect::{expected, Expected};
use crate::money::Money;
use crate::records::{ParcelTexts, RegistryParcel, RowRef, TrackingEvent, TrackingKind};
use crate::tariffs::TariffBook;

/// SplitMix64: tiny, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const RU_INDEXES: &[&str] = &[
    "101000", "125009", "119019", "141400", "190000", "191186", "420111", "344000", "603000",
    "620000", "630000", "650000", "684005", "690000", "150000", "236000",
];
const PL_INDEXES: &[&str] = &[
    "00-950", "02-001", "30-001", "31-503", "50-001", "61-001", "80-001", "90-001",
];

/// What a generated dataset holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GenCounts {
    pub parcels: u64,
    pub invoice_lines: u64,
    pub tracking_events: u64,
    pub refunds: u64,
    pub truth_rows: u64,
}

struct Writers {
    registry: BufWriter<File>,
    invoices: BufWriter<File>,
    tracking: BufWriter<File>,
    refunds: BufWriter<File>,
    truth: BufWriter<File>,
    registry_line: u64,
    invoice_line: u64,
    tracking_line: u64,
    refund_line: u64,
    counts: GenCounts,
}

fn create(dir: &Path, name: &str, header: &str) -> Result<BufWriter<File>, BatchError> {
    let path = dir.join(name);
    let mut w = BufWriter::with_capacity(
        1 << 20,
        File::create(&path).map_err(|e| BatchError::io(&path, e))?,
    );
    writeln!(w, "{header}").map_err(|e| BatchError::io(&path, e))?;
    Ok(w)
}

impl Writers {
    fn truth(&mut self, input: &str, key: &str, class: &str) -> std::io::Result<()> {
        self.counts.truth_rows += 1;
        writeln!(self.truth, "{input},{key},{class}")
    }

    /// Writes a malformed `row` into `input` and records in the truth file that its
    /// line (as a text editor counts it) must come back as a reject.
    fn reject(&mut self, input: Input, row: &str) -> std::io::Result<()> {
        let (file, line, name) = match input {
            Input::Registry => (&mut self.registry, &mut self.registry_line, "registry.csv"),
            Input::Invoices => (&mut self.invoices, &mut self.invoice_line, "invoices.csv"),
            Input::Tracking => (&mut self.tracking, &mut self.tracking_line, "tracking.csv"),
            Input::Refunds => (&mut self.refunds, &mut self.refund_line, "refunds.csv"),
        };
        writeln!(file, "{row}")?;
        *line += 1;
        let key = format!("{name}:{line}");
        self.truth("reject", &key, "reject")
    }
}

/// The generated input files, to name one of them.
#[derive(Clone, Copy)]
enum Input {
    Registry,
    Invoices,
    Tracking,
    Refunds,
}

/// One generated parcel and what the contract says of it.
struct GenParcel {
    parcel: RegistryParcel,
    events: Vec<TrackingEvent>,
    expect: Expected,
    registry_id: String,
    registry_date: NaiveDate,
}

fn warsaw(date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    // November–March: CET, UTC+1 (the dataset's weeks are in November).
    Utc.from_utc_datetime(&date.and_hms_opt(h, m, 0).unwrap_or_default()) - Duration::hours(1)
}

/// Most parcels [`generate`] writes: ten times the benchmark's 10 million, some 40 GB of
/// files. A larger count is refused before anything is written rather than filling the
/// disk (`--parcels 18446744073709551615` was taken and wrote until stopped).
pub const MAX_PARCELS: u64 = 100_000_000;

/// Writes a dataset of `n` parcels into `dir` (created): `registry.csv`,
/// `invoices.csv`, `tracking.csv`, `refunds.csv` and `truth.csv`
/// (`input,key,class`: the class every invoice line, parcel, refund and reject must get).
pub fn generate(n: u64, seed: u64, book: &TariffBook, dir: &Path) -> Result<GenCounts, BatchError> {
    if n > MAX_PARCELS {
        return Err(BatchError::Option(format!(
            "--parcels {n}: at most {MAX_PARCELS} (about 400 bytes of files per parcel)"
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| BatchError::io(dir, e))?;
    let policy = RefundPolicy::default();
    let mut w = Writers {
        registry: create(dir, "registry.csv", "registry_id,registry_date,handover_date,order_id,carrier,method,postal_index,region,declared_value,cod_amount,currency,seal,sturdy,weekend,client_type,weight_g,length_mm,width_mm,height_mm,bought_at")?,
        invoices: create(dir, "invoices.csv", "invoice_id,invoice_date,line_id,carrier,order_id,track_number,method,billed_weight_g,postal_rate,insurance,cod_fee,preparing,fuel,notification,weekend_fee,total,currency")?,
        tracking: create(dir, "tracking.csv", "order_id,track_number,event,at")?,
        refunds: create(dir, "refunds.csv", "refund_id,carrier,order_id,component,amount,currency,received_at")?,
        truth: create(dir, "truth.csv", "input,key,class")?,
        registry_line: 1,
        invoice_line: 1,
        tracking_line: 1,
        refund_line: 1,
        counts: GenCounts::default(),
    };
    let io = |e: std::io::Error| BatchError::io(dir, e);
    let mut rng = Rng(seed ^ 0x5eed_c0de);
    let aplix = book.carrier("aplix");
    let inpost = book.carrier("inpost");
    let first_monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
    let mut refund_seq = 0u64;
    for i in 0..n {
        let g = gen_parcel(&mut rng, book, &policy, aplix, inpost, i, first_monday);
        write_parcel(&mut w, book, &g).map_err(io)?;
        let order = g.parcel.order_id().to_string();
        let track = format!("TN{:010}", i);
        for e in &g.events {
            let kind = match e.kind {
                TrackingKind::CourierPickup => "courier_pickup",
                TrackingKind::BranchDropoff => "branch_dropoff",
                TrackingKind::LockerDropoff => "locker_dropoff",
                TrackingKind::PlacedInTarget => "placed_in_target",
                TrackingKind::Delivered => "delivered",
                TrackingKind::Returned => "returned",
            };
            writeln!(w.tracking, "{order},{track},{kind},{}", e.at.to_rfc3339()).map_err(io)?;
            w.tracking_line += 1;
            w.counts.tracking_events += 1;
        }
        // The delivery event of every parcel (realistic volume of tracking).
        writeln!(
            w.tracking,
            "{order},{track},delivered,{}",
            (warsaw(g.registry_date, 9, 0) + Duration::days(3)).to_rfc3339()
        )
        .map_err(io)?;
        w.tracking_line += 1;
        w.counts.tracking_events += 1;

        let inv_date = g.registry_date + Duration::days(10);
        let invoice_id = format!(
            "INV-{}-{}",
            book.carrier_name(g.parcel.carrier),
            inv_date.format("%Y%m%d")
        );
        let line_id = format!("L{i:09}");
        let Ok(exp) = g.expect.amounts else {
            // The contract cannot price it: billed anyway, as carriers do.
            let mut billed = [Money::ZERO; 8];
            billed[0] = Money::from_minor(50_000);
            billed[7] = billed[0];
            write_line(
                &mut w,
                book,
                &g,
                &invoice_id,
                inv_date,
                &line_id,
                &track,
                g.parcel.weight_g,
                &billed,
            )
            .map_err(io)?;
            w.truth("line", &format!("{invoice_id}/{line_id}"), "unpriced")
                .map_err(io)?;
            w.truth("parcel", &order, "billed").map_err(io)?;
            continue;
        };
        // Refund due by the weekend rule, and what the carrier actually refunded.
        let due = g.expect.refund_due;
        let roll = rng.below(1000);
        if due > Money::ZERO {
            let received = roll < 600;
            if received {
                refund_seq += 1;
                write_refund(&mut w, book, &g, refund_seq, due).map_err(io)?;
            }
            w.truth(
                "refund",
                &order,
                if received {
                    "due_received"
                } else {
                    "due_missing"
                },
            )
            .map_err(io)?;
        } else if g.parcel.weekend && g.expect.weekend_fee_owed && roll < 30 {
            refund_seq += 1;
            write_refund(&mut w, book, &g, refund_seq, exp[6]).map_err(io)?;
            w.truth("refund", &order, "not_due_received").map_err(io)?;
        }

        let mut billed = exp;
        let mut weight = g.parcel.weight_g;
        let class = if rng.chance(20) {
            w.truth("parcel", &order, "not_billed").map_err(io)?;
            continue;
        } else if !g.expect.weekend_fee_owed && inpost == Some(g.parcel.carrier) && rng.chance(60) {
            // A weekend fee that is not owed.
            let fee = Money::from_minor(499);
            billed[6] = fee;
            billed[7] = billed[7].plus(fee);
            "weekend_fee_not_owed"
        } else if rng.chance(25) {
            weight += rng.range(500, 3000);
            let extra = Money::from_minor(rng.range(100, 20_000) as i64);
            billed[0] = billed[0].plus(extra);
            billed[7] = billed[7].plus(extra);
            "weight_dispute"
        } else if rng.chance(30) {
            let extra = Money::from_minor(rng.range(1, 5_000) as i64);
            billed[0] = billed[0].plus(extra);
            billed[7] = billed[7].plus(extra);
            "overcharged"
        } else if rng.chance(10) && billed[0].minor() > 100 {
            let less = Money::from_minor(rng.range(1, (billed[0].minor() - 1) as u64) as i64);
            billed[0] = billed[0].minus(less);
            billed[7] = billed[7].minus(less);
            "undercharged"
        } else {
            "ok"
        };
        write_line(
            &mut w,
            book,
            &g,
            &invoice_id,
            inv_date,
            &line_id,
            &track,
            weight,
            &billed,
        )
        .map_err(io)?;
        w.truth("line", &format!("{invoice_id}/{line_id}"), class)
            .map_err(io)?;
        w.truth("parcel", &order, "billed").map_err(io)?;
        if rng.chance(20) {
            // Billed again on a later invoice.
            let d2 = inv_date + Duration::days(30);
            let inv2 = format!(
                "INV-{}-{}",
                book.carrier_name(g.parcel.carrier),
                d2.format("%Y%m%d")
            );
            let line2 = format!("D{i:09}");
            write_line(
                &mut w,
                book,
                &g,
                &inv2,
                d2,
                &line2,
                &track,
                g.parcel.weight_g,
                &exp,
            )
            .map_err(io)?;
            w.truth("line", &format!("{inv2}/{line2}"), "duplicate")
                .map_err(io)?;
        }
        if rng.chance(10) {
            // A line for a parcel we never handed over.
            let ghost = GenParcel {
                parcel: RegistryParcel {
                    texts: ParcelTexts::new([
                        &format!("GHOST-{i:09}"),
                        g.parcel.method(),
                        g.parcel.postal_index(),
                        g.parcel.region(),
                    ]),
                    ..g.parcel.clone()
                },
                events: Vec::new(),
                expect: g.expect.clone(),
                registry_id: g.registry_id.clone(),
                registry_date: g.registry_date,
            };
            let line3 = format!("G{i:09}");
            write_line(
                &mut w,
                book,
                &ghost,
                &invoice_id,
                inv_date,
                &line3,
                &track,
                g.parcel.weight_g,
                &exp,
            )
            .map_err(io)?;
            w.truth("line", &format!("{invoice_id}/{line3}"), "not_shipped")
                .map_err(io)?;
        }
    }
    write_rejects(&mut w, book, n.div_ceil(1000).max(1)).map_err(io)?;
    for f in [
        &mut w.registry,
        &mut w.invoices,
        &mut w.tracking,
        &mut w.refunds,
        &mut w.truth,
    ] {
        f.flush().map_err(io)?;
    }
    w.counts.invoice_lines = w.invoice_line - 1;
    w.counts.refunds = w.refund_line - 1;
    Ok(w.counts)
}

fn gen_parcel(
    rng: &mut Rng,
    book: &TariffBook,
    policy: &RefundPolicy,
    aplix: Option<u16>,
    inpost: Option<u16>,
    i: u64,
    first_monday: NaiveDate,
) -> GenParcel {
    let carriers: Vec<u16> = (0..book.len() as u16).collect();
    let mut last = None;
    for attempt in 0..8 {
        let carrier =
            if rng.chance(400) { inpost } else { aplix }.unwrap_or_else(|| *rng.pick(&carriers));
        let tariff = book.tariff(carrier);
        let methods: Vec<&str> = tariff.method_codes().collect();
        let method = rng.pick(&methods).to_string();
        let is_inpost = Some(carrier) == inpost;
        let index = if is_inpost {
            *rng.pick(PL_INDEXES)
        } else {
            *rng.pick(RU_INDEXES)
        };
        let week = rng.below(4) as i64;
        let monday = first_monday + Duration::days(7 * week);
        let registry_date = monday + Duration::days(rng.below(4) as i64);
        // Weights: mostly light parcels, a long tail; sides to match.
        let weight_g = if rng.chance(700) {
            rng.range(100, 3000)
        } else {
            rng.range(3000, 18000)
        };
        let sides = Sides::new(
            rng.range(100, 600) as u32,
            rng.range(80, 370) as u32,
            rng.range(20, 180) as u32,
        )
        .unwrap_or_else(|e| unreachable!("generated sides are at least 20 mm: {e}"));
        let unpriceable = attempt == 0 && rng.chance(8);
        let weight_g = if unpriceable { 90_000 } else { weight_g };
        let dp = tariff.minor_units();
        let declared = Money::from_minor(rng.range(0, 20_000) as i64 * 10i64.pow(dp) / 10);
        let cod = if !is_inpost && rng.chance(300) {
            declared
        } else {
            Money::ZERO
        };
        let weekend = is_inpost && rng.chance(350);
        let client_type = if rng.chance(500) {
            ClientType::Prepaid
        } else {
            ClientType::Postpaid
        };
        let bought_at =
            warsaw(monday + Duration::days(3), 21, 0) + Duration::minutes(rng.below(600) as i64);
        let mut events = Vec::new();
        if weekend {
            let order_id: Box<str> = format!("ORD-{i:09}").into();
            let sat = monday + Duration::days(5);
            let scenario = rng.below(5);
            if scenario != 0 {
                events.push(TrackingEvent {
                    order_id: order_id.clone(),
                    kind: TrackingKind::LockerDropoff,
                    at: warsaw(monday + Duration::days(4), 11, 0),
                });
            }
            let placed = match scenario {
                1 | 2 => Some(warsaw(sat, 10, 0)),
                3 => Some(warsaw(monday + Duration::days(7), 9, 0)),
                _ => None,
            };
            if let Some(at) = placed {
                events.push(TrackingEvent {
                    order_id,
                    kind: TrackingKind::PlacedInTarget,
                    at,
                });
            }
        }
        let parcel = RegistryParcel {
            texts: ParcelTexts::new([&format!("ORD-{i:09}"), &method, index, ""]),
            carrier,
            handover_date: registry_date + Duration::days(1),
            declared_value: declared,
            cod_amount: cod,
            seal: *rng.pick(&[Seal::None, Seal::BubbleWrap, Seal::Filler]),
            sturdy: rng.chance(100),
            weekend,
            client_type,
            weight_g,
            sides_mm: sides,
            units: 1,
            goods_volume_mm3: None,
            bought_at: weekend.then_some(bought_at),
            at: RowRef { file: 0, line: 0 },
        };
        let expect = expected(book, policy, &parcel, &events);
        let g = GenParcel {
            parcel,
            events,
            expect,
            registry_id: format!("REG-{}", registry_date.format("%Y%m%d")),
            registry_date,
        };
        if g.expect.amounts.is_ok() || unpriceable {
            return g;
        }
        last = Some(g);
    }
    // Eight tries and still not priceable: keep it, the truth says unpriced.
    last.unwrap_or_else(|| unreachable!("the loop runs at least once"))
}

fn write_parcel(w: &mut Writers, book: &TariffBook, g: &GenParcel) -> std::io::Result<()> {
    let p = &g.parcel;
    let dp = book.dp(p.carrier);
    let seal: u8 = p.seal.into();
    writeln!(
        w.registry,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        g.registry_id,
        g.registry_date,
        g.registry_date + Duration::days(1),
        p.order_id(),
        book.carrier_name(p.carrier),
        p.method(),
        p.postal_index(),
        p.region(),
        p.declared_value.display(dp),
        p.cod_amount.display(dp),
        book.tariff(p.carrier).currency(),
        seal,
        p.sturdy,
        p.weekend,
        match p.client_type {
            ClientType::Prepaid => "prepaid",
            ClientType::Postpaid => "postpaid",
        },
        p.weight_g,
        p.sides_mm.longest(),
        p.sides_mm.middle(),
        p.sides_mm.shortest(),
        p.bought_at.map(|b| b.to_rfc3339()).unwrap_or_default(),
    )?;
    w.registry_line += 1;
    w.counts.parcels += 1;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_line(
    w: &mut Writers,
    book: &TariffBook,
    g: &GenParcel,
    invoice_id: &str,
    date: NaiveDate,
    line_id: &str,
    track: &str,
    weight: u64,
    billed: &[Money; 8],
) -> std::io::Result<()> {
    let p = &g.parcel;
    let dp = book.dp(p.carrier);
    let a: Vec<String> = billed.iter().map(|m| m.display(dp)).collect();
    writeln!(
        w.invoices,
        "{invoice_id},{date},{line_id},{},{},{track},{},{weight},{},{}",
        book.carrier_name(p.carrier),
        p.order_id(),
        p.method(),
        a.join(","),
        book.tariff(p.carrier).currency()
    )?;
    w.invoice_line += 1;
    Ok(())
}

fn write_refund(
    w: &mut Writers,
    book: &TariffBook,
    g: &GenParcel,
    seq: u64,
    amount: Money,
) -> std::io::Result<()> {
    let p = &g.parcel;
    writeln!(
        w.refunds,
        "RF{seq:09},{},{},weekend_fee,{},{},{}",
        book.carrier_name(p.carrier),
        p.order_id(),
        amount.display(book.dp(p.carrier)),
        book.tariff(p.carrier).currency(),
        (warsaw(g.registry_date, 12, 0) + Duration::days(20)).to_rfc3339()
    )?;
    w.refund_line += 1;
    Ok(())
}

/// Malformed rows of every reject kind, `k` of each, after the good rows.
fn write_rejects(w: &mut Writers, book: &TariffBook, k: u64) -> std::io::Result<()> {
    let carrier = book.carriers().next().unwrap_or("aplix").to_string();
    let c = book.carrier(&carrier).unwrap_or(0);
    let tariff = book.tariff(c);
    let cur = tariff.currency().to_string();
    let method = tariff.method_codes().next().unwrap_or("x").to_string();
    for j in 0..k {
        let reg = [
            format!("REG-X,2026-11-02,2026-11-03,BAD-R{j}-1,{carrier},{method},101000,,100.00,0.00,{cur},1,false,false,prepaid,abc,300,200,100,"),
            format!("REG-X,2026-11-31,2026-11-03,BAD-R{j}-2,{carrier},{method},101000,,100.00,0.00,{cur},1,false,false,prepaid,1000,300,200,100,"),
            format!("REG-X,2026-11-02,2026-11-03,BAD-R{j}-3,nosuchcarrier,{method},101000,,100.00,0.00,{cur},1,false,false,prepaid,1000,300,200,100,"),
            format!("REG-X,2026-11-02,2026-11-03,BAD-R{j}-4,{carrier},{method},101000,,100.00,0.00,{cur},1,false,false,prepaid,-5,300,200,100,"),
            format!("REG-X,2026-11-02,2026-11-03,BAD-R{j}-5,{carrier},{method},101000,,100.00"),
        ];
        for r in reg {
            w.reject(Input::Registry, &r)?;
        }
        let z = "0.00";
        let inv = [
            format!("INV-X,2026-11-20,XL{j}-1,{carrier},BAD-I{j}-1,TN,{method},1000,NaN,{z},{z},{z},{z},{z},{z},10.00,{cur}"),
            format!("INV-X,2026-11-20,XL{j}-2,{carrier},BAD-I{j}-2,TN,{method},1000,10.00 EUR,{z},{z},{z},{z},{z},{z},10.00,{cur}"),
            format!("INV-X,2026-11-20,XL{j}-3,{carrier},BAD-I{j}-3,TN,no_such_method,1000,10.00,{z},{z},{z},{z},{z},{z},10.00,{cur}"),
            format!("INV-X,2026-11-20,XL{j}-4,{carrier},BAD-I{j}-4,TN,{method},1000,1000000000.00,{z},{z},{z},{z},{z},{z},1000000000.00,{cur}"),
            format!("INV-X,20.11.2026,XL{j}-5,{carrier},BAD-I{j}-5,TN,{method},1000,10.00,{z},{z},{z},{z},{z},{z},10.00,{cur}"),
        ];
        for r in inv {
            w.reject(Input::Invoices, &r)?;
        }
        // The same line read twice: the second copy is rejected.
        let line = format!("INV-X,2026-11-20,XL{j}-6,{carrier},BAD-I{j}-6,TN,{method},1000,10.00,{z},{z},{z},{z},{z},{z},10.00,{cur}");
        writeln!(w.invoices, "{line}")?;
        w.invoice_line += 1;
        w.truth("line", &format!("INV-X/XL{j}-6"), "not_shipped")?;
        w.reject(Input::Invoices, &line)?;
        w.reject(
            Input::Tracking,
            &format!("BAD-T{j},TN,teleported,2026-11-05T10:00:00Z"),
        )?;
        w.reject(
            Input::Tracking,
            &format!("BAD-T{j},TN,delivered,2026-11-05 10:00"),
        )?;
        w.reject(
            Input::Refunds,
            &format!("RFX{j},{carrier},BAD-F{j},weekend_fee,-4.99,{cur},2026-11-20T10:00:00Z"),
        )?;
    }
    Ok(())
}
