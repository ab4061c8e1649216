//! The nightly job: read, price, match, classify — into [`Tables`].
//!
//! Plan: (1) read the four inputs, every file in parallel, each row typed or rejected;
//! (2) drop repeated registry rows (same carrier and order) and repeated invoice lines
//! (same invoice and line id: a file loaded twice) into rejects; (3) price every parcel
//! with the engine and decide its weekend fee with the rules crate, in parallel; (4) keep
//! the lines in their dedupe order (the output order) and find each one's parcel in a
//! [`ParcelIndex`]: the parcel's earliest-billed line is classified, later ones are
//! duplicates; (5) the parcels' and refunds' classes follow from the join. Sorts give
//! every table its order and hash maps are only looked up, never walked, so the result
//! is the same at any thread count.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use foldhash::fast::FixedState;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use courier_rules::inpost::refund::RefundPolicy;

use crate::classify::{LineClass, ParcelClass, RefundClass};
use crate::error::BatchError;
use crate::expect::{expected, Expected};
use crate::money::Money;
use crate::parcel_index::ParcelIndex;
use crate::partition::Partition;
use crate::profile::FormatProfile;
use crate::records::{
    self, Amounts, Component, InvoiceLine, Parsed, RefundReceived, RegistryParcel, RowContext,
    TrackingEvent,
};
use crate::reject::{InputKind, Reject};
use crate::sort_key::{sort_by_keys, sorted_order, Ranks, SortKey};
use crate::source::{self, InputFile, Layout, Record};
use crate::table::{self, FileCount, InputBytes, MoneyIn, Row, RunShare, Table, Tables};
use crate::tariffs::TariffBook;

/// Default weight tolerance: a carrier's scale and ours may differ by this much before a
/// heavier billed weight is disputed.
pub const DEFAULT_WEIGHT_TOLERANCE_G: u64 = 10;

/// What to reconcile and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub registry: PathBuf,
    pub invoices: PathBuf,
    pub tracking: PathBuf,
    pub refunds: PathBuf,
    pub tariffs: PathBuf,
    /// The carrier invoice layout (`--invoice-format`), canonical when `None`.
    pub invoice_format: Option<PathBuf>,
    /// A billed total may differ from the expected one by this much (major units;
    /// default zero: exact to the minor unit).
    pub money_tolerance: Decimal,
    pub weight_tolerance_g: u64,
    pub partition: Partition,
    /// The InPost refund policy file; the shipped `data/inpost/refund.toml` when `None`.
    pub refund_policy: Option<PathBuf>,
    /// How many buckets a run on one machine splits its orders into, each reconciled
    /// alone to bound memory ([`crate::bucket`]); `None`: one per
    /// [`crate::bucket::DEFAULT_BUCKET_BYTES`] of input. Never changes the outputs.
    pub buckets: Option<u32>,
}

impl Options {
    /// Options with the documented defaults for the given inputs.
    pub fn new(
        registry: PathBuf,
        invoices: PathBuf,
        tracking: PathBuf,
        refunds: PathBuf,
    ) -> Options {
        Options {
            registry,
            invoices,
            tracking,
            refunds,
            tariffs: PathBuf::from("data/tariffs"),
            invoice_format: None,
            money_tolerance: Decimal::ZERO,
            weight_tolerance_g: DEFAULT_WEIGHT_TOLERANCE_G,
            partition: Partition::ALL,
            refund_policy: None,
            buckets: None,
        }
    }
}

/// The rows, rejects and count of one file.
type FileRows<T> = (Vec<T>, Vec<Reject>, FileCount);

/// Rows read from one input, with its rejects and counts.
pub(crate) struct Read<T> {
    pub rows: Vec<T>,
    pub rejects: Vec<Reject>,
    pub files: Vec<FileCount>,
    pub files_read: Vec<InputFile>,
}

#[allow(clippy::too_many_arguments)] // one call per input; a struct would only rename them
pub(crate) fn read_input<T: Send>(
    input: InputKind,
    files: Vec<InputFile>,
    layout: Layout,
    profile: &FormatProfile,
    book: &TariffBook,
    partition: Partition,
    file_offset: u32,
    parse: fn(&Record<'_>, u64, &RowContext<'_>) -> Parsed<T>,
) -> Result<Read<T>, BatchError> {
    let per_file: Vec<Result<FileRows<T>, BatchError>> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let name = f.name();
            let cx = RowContext {
                book,
                profile,
                partition,
                file_name: &name,
                file_index: file_offset + i as u32,
                input,
            };
            // Reserved up front: growing a vector of a million rows by doubling copied
            // them and touched twice the memory (BENCHMARKS.md, "Sorting by keys,
            // mimalloc, a small CSV writer"). Only tried: an estimate is the file's word
            // (a Parquet footer may claim any row count, a CSV of blank lines looks
            // long), so a reservation the allocator refuses is skipped, never fatal.
            let share = source::row_estimate(f) / partition.count() as usize;
            let mut rows = Vec::new();
            let _ = rows.try_reserve(share.saturating_add(share / 32));
            let mut rejects = Vec::new();
            // `rejected` is set once every reject is known (repeats are found later):
            // [`FileCount::count_rejected`], by each caller.
            let mut count = FileCount {
                input: input.name().into(),
                file: name.clone(),
                rows: 0,
                rejected: 0,
            };
            source::map_rows(
                f,
                layout,
                profile,
                |line, rec| parse(rec, line, &cx),
                |parsed| match parsed {
                    Parsed::Row(r) => {
                        count.rows += 1;
                        rows.push(r);
                    }
                    Parsed::Reject(r) => {
                        count.rows += 1;
                        rejects.push(r);
                    }
                    Parsed::Skip => {}
                },
            )?;
            Ok((rows, rejects, count))
        })
        .collect();
    let mut out = Read {
        rows: Vec::new(),
        rejects: Vec::new(),
        files: Vec::new(),
        files_read: files,
    };
    for r in per_file {
        let (rows, rejects, count) = r?;
        if out.rows.is_empty() {
            out.rows = rows; // a single file's rows are not copied
        } else {
            out.rows.extend(rows);
        }
        out.rejects.extend(rejects);
        out.files.push(count);
    }
    Ok(out)
}

pub(crate) fn file_of(files: &[InputFile], offset: u32, at: records::RowRef) -> String {
    files
        .get((at.file - offset) as usize)
        .map_or_else(String::new, InputFile::name)
}

/// The order [`unique_parcels`] and [`unique_order`] sort the registry's parcels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParcelOrder {
    /// By carrier, then order id: the reconciliation's and the allocation's.
    CarrierFirst,
    /// By order id, then carrier: the tariff comparison's output order.
    OrderFirst,
}

impl ParcelOrder {
    fn key(self, p: &RegistryParcel) -> SortKey<2> {
        match self {
            ParcelOrder::CarrierFirst => {
                SortKey::<2>::new().int(p.carrier.into()).str(p.order_id())
            }
            ParcelOrder::OrderFirst => SortKey::<2>::new().str(p.order_id()).int(p.carrier.into()),
        }
    }

    /// The full order: the key's fields, then the row's place in the input (so the
    /// first of a repeated (carrier, order) is the earliest by file and line).
    fn cmp(self, a: &RegistryParcel, b: &RegistryParcel) -> std::cmp::Ordering {
        match self {
            ParcelOrder::CarrierFirst => {
                (a.carrier, a.order_id(), a.at).cmp(&(b.carrier, b.order_id(), b.at))
            }
            ParcelOrder::OrderFirst => {
                (a.order_id(), a.carrier, a.at).cmp(&(b.order_id(), b.carrier, b.at))
            }
        }
    }
}

/// The reject of `p`, a repeat of the registry parcel `first` (same carrier and order).
fn repeated_parcel(
    p: &RegistryParcel,
    first: &RegistryParcel,
    files_read: &[InputFile],
    book: &TariffBook,
) -> Reject {
    Reject {
        file: file_of(files_read, 0, p.at),
        line: p.at.line,
        input: InputKind::Registry,
        reason: format!(
            "order {:?} of {} is already in the registry at {}:{}",
            p.order_id(),
            book.carrier_name(p.carrier),
            file_of(files_read, 0, first.at),
            first.at.line
        ),
        amount: None,
    }
}

fn same_parcel(a: &RegistryParcel, b: &RegistryParcel) -> bool {
    a.carrier == b.carrier && a.order_id() == b.order_id()
}

/// The registry's parcels, one per (carrier, order), sorted in `order`; a repeated row
/// is rejected into `rejects` naming the first (the earliest by file and line). Shared
/// by the reconciliation and the allocation. Repeats are found among neighbours after
/// the sort and removed in place: at 10 M parcels each further vector of parcels would
/// be 1.7 GB of memory touched afresh.
pub(crate) fn unique_parcels(
    rows: Vec<RegistryParcel>,
    files_read: &[InputFile],
    book: &TariffBook,
    rejects: &mut Vec<Reject>,
    order: ParcelOrder,
) -> Vec<RegistryParcel> {
    let mut parcels = rows;
    let keys = parcels.par_iter().map(|p| order.key(p)).collect();
    sort_by_keys(&mut parcels, keys, |a, b| order.cmp(a, b));
    // `dedup_by` passes each parcel with the last one kept: a repeat is removed.
    parcels.dedup_by(|p, first| {
        let repeat = same_parcel(p, first);
        if repeat {
            rejects.push(repeated_parcel(p, first, files_read, book));
        }
        repeat
    });
    parcels
}

/// [`unique_parcels`] with the parcels left where they are: the indices of the ones
/// kept, in `order` (the tariff comparison takes them out a window at a time, and a
/// sorted copy of 10 M parcels would be 1.6 GB more).
pub(crate) fn unique_order(
    rows: &[RegistryParcel],
    files_read: &[InputFile],
    book: &TariffBook,
    rejects: &mut Vec<Reject>,
    order: ParcelOrder,
) -> Vec<usize> {
    let keys = rows.par_iter().map(|p| order.key(p)).collect();
    let mut kept = sorted_order(rows, keys, |a, b| order.cmp(a, b));
    kept.dedup_by(|i, first| {
        let repeat = same_parcel(&rows[*i], &rows[*first]);
        if repeat {
            rejects.push(repeated_parcel(&rows[*i], &rows[*first], files_read, book));
        }
        repeat
    });
    kept
}

/// The files of the four inputs.
#[derive(Debug, Clone)]
pub struct InputFiles {
    pub registry: Vec<InputFile>,
    pub invoices: Vec<InputFile>,
    pub tracking: Vec<InputFile>,
    pub refunds: Vec<InputFile>,
}

impl InputFiles {
    /// Which partition of these files a run of `part` processes, with each file's size
    /// (a file whose size cannot be read is an error naming it, not a size of 0).
    pub(crate) fn share(&self, part: Partition) -> Result<RunShare, BatchError> {
        let inputs = [
            (InputKind::Registry, &self.registry),
            (InputKind::Invoices, &self.invoices),
            (InputKind::Tracking, &self.tracking),
            (InputKind::Refunds, &self.refunds),
        ]
        .into_iter()
        .flat_map(|(kind, files)| {
            files.iter().map(move |f| {
                let meta = std::fs::metadata(&f.path).map_err(|e| BatchError::io(&f.path, e))?;
                Ok(InputBytes {
                    input: kind.name().into(),
                    file: f.name(),
                    bytes: meta.len(),
                })
            })
        })
        .collect::<Result<_, BatchError>>()?;
        Ok(RunShare {
            partition_index: part.index(),
            partition_count: part.count(),
            inputs,
        })
    }

    /// The files of the options' four inputs (each a file or a folder).
    pub fn discover(opts: &Options) -> Result<InputFiles, BatchError> {
        Ok(InputFiles {
            registry: source::discover(&opts.registry)?,
            invoices: source::discover(&opts.invoices)?,
            tracking: source::discover(&opts.tracking)?,
            refunds: source::discover(&opts.refunds)?,
        })
    }
}

/// What every share of a run uses: the tariffs, the rule and the layouts, loaded once.
pub(crate) struct Setup {
    pub book: TariffBook,
    pub policy: RefundPolicy,
    pub canonical: FormatProfile,
    pub invoice_profile: FormatProfile,
}

impl Setup {
    pub fn load(opts: &Options) -> Result<Setup, BatchError> {
        if opts.money_tolerance.is_sign_negative() {
            return Err(BatchError::Option(
                "the money tolerance must not be negative".into(),
            ));
        }
        let book = TariffBook::load(&opts.tariffs)?;
        // The rule's errors say "refund policy: …"; the file they are about goes first.
        let policy = match &opts.refund_policy {
            None => RefundPolicy::from_toml_str(RefundPolicy::shipped_toml())
                .map_err(|e| BatchError::Option(format!("data/inpost/refund.toml (shipped): {e}"))),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| BatchError::io(p, e))?;
                RefundPolicy::from_toml_str(&text)
                    .map_err(|e| BatchError::Option(format!("{}: {e}", p.display())))
            }
        }?;
        let invoice_profile = match &opts.invoice_format {
            Some(p) => FormatProfile::load(p)?,
            None => FormatProfile::canonical(),
        };
        Ok(Setup {
            book,
            policy,
            canonical: FormatProfile::canonical(),
            invoice_profile,
        })
    }
}

/// File index offsets of the inputs (a row's [`records::RowRef`] orders files within
/// one input only).
const OFF_INV: u32 = 1_000_000;
const OFF_TRK: u32 = 2_000_000;
const OFF_REF: u32 = 3_000_000;

/// Runs the reconciliation into tables (nothing is written; see [`crate::output`]).
/// Everything is held in memory; [`crate::bucket::run`] bounds memory on large inputs.
pub fn reconcile(opts: &Options, progress: &dyn Fn(&str)) -> Result<Tables, BatchError> {
    let setup = Setup::load(opts)?;
    let files = InputFiles::discover(opts)?;
    reconcile_files(opts, &setup, files, opts.partition, progress)
}

/// Reconciles the rows of `files` that `part` takes.
pub(crate) fn reconcile_files(
    opts: &Options,
    setup: &Setup,
    files: InputFiles,
    part: Partition,
    progress: &dyn Fn(&str),
) -> Result<Tables, BatchError> {
    let Setup {
        book,
        policy,
        canonical,
        invoice_profile,
    } = setup;

    progress("reading inputs");
    let share = files.share(part)?;
    let InputFiles {
        registry,
        invoices,
        tracking,
        refunds,
    } = files;
    // The four inputs at once: a folder's files are read in parallel, but a single large
    // file is one reader's work.
    let ((reg, inv), (trk, rf)) = rayon::join(
        || {
            rayon::join(
                || {
                    read_input(
                        InputKind::Registry,
                        registry,
                        records::REGISTRY,
                        canonical,
                        book,
                        part,
                        0,
                        records::parse_registry,
                    )
                },
                || {
                    read_input(
                        InputKind::Invoices,
                        invoices,
                        records::INVOICES,
                        invoice_profile,
                        book,
                        part,
                        OFF_INV,
                        records::parse_invoice,
                    )
                },
            )
        },
        || {
            rayon::join(
                || {
                    read_input(
                        InputKind::Tracking,
                        tracking,
                        records::TRACKING,
                        canonical,
                        book,
                        part,
                        OFF_TRK,
                        records::parse_tracking,
                    )
                },
                || {
                    read_input(
                        InputKind::Refunds,
                        refunds,
                        records::REFUNDS,
                        canonical,
                        book,
                        part,
                        OFF_REF,
                        records::parse_refund,
                    )
                },
            )
        },
    );
    let (reg, inv, trk, rf) = (reg?, inv?, trk?, rf?);
    let off_inv = OFF_INV;
    let off_ref = OFF_REF;

    let mut rejects: Vec<Reject> = Vec::new();
    rejects.extend(reg.rejects);
    rejects.extend(inv.rejects);
    rejects.extend(trk.rejects);
    rejects.extend(rf.rejects);

    let parcels = unique_parcels(
        reg.rows,
        &reg.files_read,
        book,
        &mut rejects,
        ParcelOrder::CarrierFirst,
    );

    // Tracking: only the events of parcels with the add-on matter to a rule.
    let mut weekend_orders: HashSet<&str, FixedState> = HashSet::default();
    weekend_orders.extend(parcels.iter().filter(|p| p.weekend).map(|p| p.order_id()));
    let tracking_total = trk.rows.len() as u64;
    let mut events: Vec<TrackingEvent> = trk
        .rows
        .into_iter()
        .filter(|e| weekend_orders.contains(&*e.order_id))
        .collect();
    drop(weekend_orders);
    events
        .par_sort_unstable_by(|a, b| (&a.order_id, a.at, a.kind).cmp(&(&b.order_id, b.at, b.kind)));
    let tracking_used = events.len() as u64;

    progress("pricing parcels");
    let expect: Vec<Expected> = parcels
        .par_iter()
        .map(|p| {
            let evs = if p.weekend {
                let lo = events.partition_point(|e| *e.order_id < *p.order_id());
                let hi = events.partition_point(|e| *e.order_id <= *p.order_id());
                &events[lo..hi]
            } else {
                &events[0..0]
            };
            expected(book, policy, p, evs)
        })
        .collect();

    // Invoices: a line read twice (same invoice, line id and order) is rejected once
    // per copy. The order is part of the key so that every repeat shares its order's
    // partition and bucket (docs/reconciliation.md).
    progress("matching invoices");
    let mut lines = inv.rows;
    let keys = {
        // Most lines share their invoice id with thousands of others: compared as a rank.
        let invoices = Ranks::new(lines.iter().map(|l| l.invoice_id()));
        lines
            .par_iter()
            .map(|l| {
                SortKey::<3>::new()
                    .rank(&invoices, l.invoice_id())
                    .str(l.line_id())
                    .str(l.order_id())
            })
            .collect()
    };
    sort_by_keys(&mut lines, keys, |a, b| {
        (&a.invoice_id(), &a.line_id(), &a.order_id(), a.at).cmp(&(
            &b.invoice_id(),
            &b.line_id(),
            &b.order_id(),
            b.at,
        ))
    });
    // A repeat sorts right after the line it repeats. Found on every core, reported,
    // then removed in place: a second vector of a million lines was an allocation of
    // 200 MB touched on one core (BENCHMARKS.md, "Serial steps").
    let same = |a: &InvoiceLine, b: &InvoiceLine| {
        a.invoice_id() == b.invoice_id()
            && a.line_id() == b.line_id()
            && a.order_id() == b.order_id()
    };
    let repeats: Vec<usize> = (1..lines.len())
        .into_par_iter()
        .filter(|&i| same(&lines[i - 1], &lines[i]))
        .collect();
    let mut first = 0;
    for &i in &repeats {
        if !same(&lines[first], &lines[i]) {
            first = i - 1; // a run of repeats starts at the line before its first repeat
        }
        let (l, first) = (&lines[i], &lines[first]);
        let dp = book.dp(l.carrier);
        rejects.push(Reject {
            file: file_of(&inv.files_read, off_inv, l.at),
            line: l.at.line,
            input: InputKind::Invoices,
            reason: format!(
                "invoice {:?} line {:?} was already read at {}:{} (the same file loaded twice?)",
                l.invoice_id(),
                l.line_id(),
                file_of(&inv.files_read, off_inv, first.at),
                first.at.line
            ),
            amount: Some((
                book.tariff(l.carrier).currency().to_string(),
                l.billed[7].to_decimal(dp),
            )),
        });
    }
    if !repeats.is_empty() {
        let mut next = repeats.iter().copied().peekable();
        let mut i = 0;
        lines.retain(|_| {
            let repeat = next.next_if_eq(&i).is_some();
            i += 1;
            !repeat
        });
    }
    // The lines stay in their dedupe order, `(invoice_id, line_id)`, which is the output
    // order, and find their parcel in an index (re-sorting them by parcel cost more
    // than the rest of the join; docs/reconciliation.md).
    let lines = lines;
    let index = ParcelIndex::new(parcels.iter().map(|p| (p.carrier, p.order_id())));
    let parcel_of: Vec<Option<usize>> = lines
        .par_iter()
        .map(|l| index.get(l.carrier, l.order_id()))
        .collect();
    drop(index);
    // The line that bills each parcel first: the smallest (invoice_date, invoice_id,
    // line_id) among its lines; a total order, so the same whatever the input order.
    let mut first_line: Vec<Option<usize>> = vec![None; parcels.len()];
    for (i, k) in parcel_of.iter().enumerate() {
        let Some(k) = *k else { continue };
        let first = &mut first_line[k];
        if first.is_none_or(|f| bills_before(&lines[i], &lines[f])) {
            *first = Some(i);
        }
    }
    let tol = |carrier: u16| {
        Money::from_decimal_exact(
            opts.money_tolerance.round_dp(book.dp(carrier)),
            book.dp(carrier),
        )
        // In range: the tolerance was checked against MAX_AMOUNT_MAJOR above.
        .unwrap_or(Money::ZERO)
    };
    let line_rows: Vec<Row> = lines
        .par_iter()
        .zip(parcel_of.par_iter())
        .enumerate()
        .map(|(i, (l, &k))| {
            let parcel = k.map(|k| (&parcels[k], &expect[k]));
            let first = k
                .and_then(|k| first_line[k])
                .filter(|&f| f != i)
                .map(|f| &lines[f]);
            classify_line(
                book,
                l,
                first,
                parcel,
                tol(l.carrier),
                opts.weight_tolerance_g,
            )
        })
        .collect();
    drop(parcel_of);

    // Parcels: billed or not.
    let parcel_rows: Vec<Row> = parcels
        .par_iter()
        .zip(expect.par_iter())
        .zip(first_line.par_iter())
        .map(|((p, e), first)| {
            let class = if first.is_some() {
                ParcelClass::Billed
            } else {
                ParcelClass::NotBilled
            };
            let dp = book.dp(p.carrier);
            let (total, reason) = match &e.amounts {
                Ok(a) => (a[7].display(dp), String::new()),
                Err(r) => (String::new(), format!("unpriced: {r}")),
            };
            Row::from_cells([
                p.order_id(),
                book.carrier_name(p.carrier),
                class.name(),
                book.tariff(p.carrier).currency(),
                &total,
                &reason,
            ])
        })
        .collect();
    drop(first_line);

    // Refunds: one row per parcel with a refund due or received.
    let mut refunds = rf.rows;
    refunds.par_sort_unstable_by(|a, b| {
        (a.carrier, &a.refund_id, &a.order_id, a.at).cmp(&(
            b.carrier,
            &b.refund_id,
            &b.order_id,
            b.at,
        ))
    });
    let mut received: BTreeMap<(u16, &str), Received> = BTreeMap::new();
    let mut prev: Option<&RefundReceived> = None;
    let mut kept_refunds: Vec<&RefundReceived> = Vec::with_capacity(refunds.len());
    for r in &refunds {
        if let Some(first) = prev.filter(|p| {
            p.carrier == r.carrier && p.refund_id == r.refund_id && p.order_id == r.order_id
        }) {
            rejects.push(Reject {
                file: file_of(&rf.files_read, off_ref, r.at),
                line: r.at.line,
                input: InputKind::Refunds,
                reason: format!(
                    "refund {:?} of {} was already read at {}:{}",
                    r.refund_id,
                    book.carrier_name(r.carrier),
                    file_of(&rf.files_read, off_ref, first.at),
                    first.at.line
                ),
                amount: Some((
                    book.tariff(r.carrier).currency().to_string(),
                    r.amount.to_decimal(book.dp(r.carrier)),
                )),
            });
            continue;
        }
        prev = Some(r);
        kept_refunds.push(r);
        let e = received.entry((r.carrier, &*r.order_id)).or_default();
        e.amount = e.amount.plus(r.amount);
        e.rows += 1;
        if !e.components.contains(&r.component) {
            e.components.push(r.component);
        }
    }
    let mut refund_rows: Vec<Row> = Vec::new();
    for (p, e) in parcels.iter().zip(&expect) {
        let got = received.remove(&(p.carrier, p.order_id()));
        if e.refund_due == Money::ZERO && got.is_none() {
            continue;
        }
        refund_rows.push(refund_row(
            book,
            p.carrier,
            p.order_id(),
            e.refund_due,
            &got.unwrap_or_default(),
            None,
            e.weekend.map(|d| d.reason()),
        ));
    }
    for ((carrier, order), got) in received {
        let note = format!(
            "no registry parcel of {} has this order; ",
            book.carrier_name(carrier)
        );
        refund_rows.push(refund_row(
            book,
            carrier,
            order,
            Money::ZERO,
            &got,
            Some(&note),
            None,
        ));
    }

    // Money read, per input and currency: accepted rows as parsed, rejects as far as read.
    let mut money: BTreeMap<(String, String), (Decimal, u64)> = BTreeMap::new();
    // The billed totals summed per carrier in minor units on every core, then as
    // decimals in carrier order: the exact sums, and the same decimal (scale included)
    // as adding line by line, since every line of a carrier has its tariff's decimals.
    let per_carrier: BTreeMap<u16, i128> = lines
        .par_iter()
        .fold(BTreeMap::new, |mut m: BTreeMap<u16, i128>, l| {
            *m.entry(l.carrier).or_default() += i128::from(l.billed[7].minor());
            m
        })
        .reduce(BTreeMap::new, |mut a, b| {
            for (c, v) in b {
                *a.entry(c).or_default() += v;
            }
            a
        });
    for (carrier, minor) in per_carrier {
        let cur = book.tariff(carrier).currency().to_string();
        // In range: each line is below MAX_AMOUNT_MAJOR and a run holds fewer than 2^40
        // lines; the error is there so that no input can make it panic.
        let sum = Decimal::try_from_i128_with_scale(minor, book.dp(carrier)).map_err(|_| {
            BatchError::Identity(format!(
                "the billed total of {} is beyond the decimal range",
                book.carrier_name(carrier)
            ))
        })?;
        money.entry(("invoices".into(), cur)).or_default().0 += sum;
    }
    for r in &kept_refunds {
        let cur = book.tariff(r.carrier).currency().to_string();
        money.entry(("refunds".into(), cur)).or_default().0 +=
            r.amount.to_decimal(book.dp(r.carrier));
    }
    // Every rejected invoice or refund row (repeats included) on the reject side.
    for r in &rejects {
        if !matches!(r.input, InputKind::Invoices | InputKind::Refunds) {
            continue;
        }
        match &r.amount {
            Some((cur, d)) => {
                money
                    .entry((r.input.name().into(), cur.clone()))
                    .or_default()
                    .0 += *d
            }
            None => {
                money
                    .entry((r.input.name().into(), String::new()))
                    .or_default()
                    .1 += 1
            }
        }
    }
    let money_in = money
        .into_iter()
        .map(|((input, currency), (amount, unreadable_rows))| MoneyIn {
            input,
            currency,
            amount,
            unreadable_rows,
        })
        .collect();

    let reject_rows: Vec<Row> = rejects
        .iter()
        .map(|r| {
            let (cur, amt) = r
                .amount
                .clone()
                .map_or((String::new(), String::new()), |(c, d)| (c, d.to_string()));
            Row::from_cells([
                &*r.file,
                &r.line.to_string(),
                r.input.name(),
                &r.reason,
                &cur,
                &amt,
            ])
        })
        .collect();

    let mut files = reg.files;
    files.extend(inv.files);
    files.extend(trk.files);
    files.extend(rf.files);
    FileCount::count_rejected(&mut files, &rejects);
    let options = json!({
        "tariffs": book.describe().into_iter().map(|(c, id, f)| json!({"carrier": c, "tariff_id": id, "file": f})).collect::<Vec<_>>(),
        "invoice_format": invoice_profile.name,
        "money_tolerance": opts.money_tolerance.to_string(),
        "weight_tolerance_g": opts.weight_tolerance_g,
        "refund_policy": opts.refund_policy.as_ref().map_or_else(|| "data/inpost/refund.toml (shipped)".to_string(), |p| p.display().to_string()),
        "partition_count": opts.partition.count(),
    });
    let mut tables = Tables {
        lines: Table {
            columns: table::line_columns(),
            rows: line_rows,
        },
        parcels: Table {
            columns: table::PARCEL_COLUMNS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: parcel_rows,
        },
        refunds: Table {
            columns: table::REFUND_COLUMNS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: refund_rows,
        },
        rejects: Table {
            columns: table::REJECT_COLUMNS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: reject_rows,
        },
        files,
        money_in,
        tracking_used,
        tracking_unused: tracking_total - tracking_used,
        options,
        share,
    };
    // What the tables were made from is freed on every core while they are sorted:
    // dropped at the end of this function, a million lines' identifiers were freed on
    // one core while the other waited (BENCHMARKS.md, "Serial steps").
    rayon::join(
        || tables.sort(),
        || {
            rayon::join(
                || drop_in_parallel(lines),
                || rayon::join(|| drop_in_parallel(parcels), || drop_in_parallel(expect)),
            )
        },
    );
    Ok(tables)
}

/// Drops the items of `v` on every core.
fn drop_in_parallel<T: Send>(v: Vec<T>) {
    v.into_par_iter().for_each(drop);
}

/// Whether `a` bills its parcel before `b`: the smaller `(invoice_date, invoice_id,
/// line_id)`, a total order over one parcel's lines.
fn bills_before(a: &InvoiceLine, b: &InvoiceLine) -> bool {
    (a.invoice_date, &a.invoice_id(), &a.line_id())
        < (b.invoice_date, &b.invoice_id(), &b.line_id())
}

/// The refund rows received for one parcel.
#[derive(Debug, Default)]
struct Received {
    amount: Money,
    components: Vec<Component>,
    /// How many accepted refund rows: the refunds' side of the row identity.
    rows: u64,
}

fn refund_row(
    book: &TariffBook,
    carrier: u16,
    order: &str,
    due: Money,
    got: &Received,
    note: Option<&str>,
    rule: Option<String>,
) -> Row {
    let dp = book.dp(carrier);
    let (received, comps) = (got.amount, &got.components);
    let class = if due > Money::ZERO {
        if received >= due {
            RefundClass::DueReceived
        } else {
            RefundClass::DueMissing
        }
    } else {
        RefundClass::NotDueReceived
    };
    let mut reason = note.unwrap_or("").to_string();
    reason += &match class {
        RefundClass::DueReceived => format!(
            "refund {} due, {} received",
            due.display(dp),
            received.display(dp)
        ),
        RefundClass::DueMissing => format!(
            "claim {}: refund {} due, {} received",
            due.minus(received).display(dp),
            due.display(dp),
            received.display(dp)
        ),
        RefundClass::NotDueReceived => format!(
            "{} received, none due by the weekend rule",
            received.display(dp)
        ),
    };
    if !comps.is_empty() {
        let names: Vec<&str> = comps.iter().map(|c| c.name()).collect();
        reason.push_str(&format!(" (components received: {})", names.join(", ")));
    }
    if let Some(r) = rule {
        reason.push_str("; ");
        reason.push_str(&r);
    }
    Row::from_cells([
        order,
        book.carrier_name(carrier),
        class.name(),
        book.tariff(carrier).currency(),
        &due.display(dp),
        &received.display(dp),
        &reason,
        &got.rows.to_string(),
    ])
}

/// Classifies one invoice line (see [`LineClass`] for the priority) into its output row.
fn classify_line(
    book: &TariffBook,
    l: &InvoiceLine,
    first: Option<&InvoiceLine>,
    parcel: Option<(&RegistryParcel, &Expected)>,
    money_tol: Money,
    weight_tol: u64,
) -> Row {
    let dp = book.dp(l.carrier);
    let billed = l.billed;
    let total = Component::Total as usize;
    let mut expected: Option<Amounts> = None;
    let (class, reason, disputed) = match parcel {
        None => (
            LineClass::NotShipped,
            format!(
                "no registry parcel of {} has order {:?}",
                book.carrier_name(l.carrier),
                l.order_id()
            ),
            billed[total],
        ),
        Some(_) if first.is_some() => {
            let f = first.unwrap_or(l);
            (
                LineClass::Duplicate,
                format!(
                    "parcel already billed by invoice {:?} line {:?} of {}",
                    f.invoice_id(),
                    f.line_id(),
                    f.invoice_date
                ),
                billed[total],
            )
        }
        Some((
            _,
            Expected {
                amounts: Err(why), ..
            },
        )) => (
            LineClass::Unpriced,
            format!("the tariff cannot price the parcel: {why}"),
            Money::ZERO,
        ),
        Some((p, e)) => {
            let exp = *e.amounts.as_ref().unwrap_or(&[Money::ZERO; 8]);
            expected = Some(exp);
            let diff_total = billed[total].minus(exp[total]);
            let differing: Vec<String> = Component::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| billed[*i] != exp[*i])
                .map(|(i, c)| {
                    let d = billed[i].minus(exp[i]);
                    let sign = if d > Money::ZERO { "+" } else { "" };
                    format!(
                        "{} billed {} expected {} ({sign}{})",
                        c.name(),
                        billed[i].display(dp),
                        exp[i].display(dp),
                        d.display(dp)
                    )
                })
                .collect();
            let weekend_billed = billed[Component::WeekendFee as usize];
            if l.billed_weight_g > p.weight_g.saturating_add(weight_tol) && diff_total > Money::ZERO
            {
                (
                    LineClass::WeightDispute,
                    format!(
                        "billed weight {} g above the registry's {} g (tolerance {weight_tol} g); total {} above expected",
                        l.billed_weight_g,
                        p.weight_g,
                        diff_total.display(dp)
                    ),
                    diff_total,
                )
            } else if weekend_billed > Money::ZERO && !e.weekend_fee_owed {
                let why = match e.weekend {
                    None => "the weekend add-on was not bought".to_string(),
                    Some(d) => d.reason(),
                };
                (
                    LineClass::WeekendFeeNotOwed,
                    format!(
                        "weekend fee {} billed and not owed: {why}",
                        weekend_billed.display(dp)
                    ),
                    diff_total.max(weekend_billed),
                )
            } else if diff_total.abs() > money_tol {
                let class = if diff_total > Money::ZERO {
                    LineClass::Overcharged
                } else {
                    LineClass::Undercharged
                };
                let disputed = if class == LineClass::Overcharged {
                    diff_total
                } else {
                    Money::ZERO
                };
                (class, differing.join("; "), disputed)
            } else if differing.is_empty() {
                (LineClass::Ok, String::new(), Money::ZERO)
            } else {
                (
                    LineClass::Ok,
                    format!("total within tolerance; {}", differing.join("; ")),
                    Money::ZERO,
                )
            }
        }
    };
    use std::fmt::Write as _;
    // 37 cells; ids, dates and amounts come to about 200 bytes before the reason.
    let mut row = Row::with_capacity(37, 224 + reason.len());
    row.push(l.invoice_id());
    row.push(l.line_id());
    // `write!` into a String cannot fail.
    row.push_with(|s| {
        let _ = write!(s, "{}", l.invoice_date);
    });
    row.push(book.carrier_name(l.carrier));
    row.push(l.order_id());
    row.push(l.track_number());
    row.push(l.method());
    row.push(class.name());
    row.push(book.tariff(l.carrier).currency());
    row.push_with(|s| {
        let _ = write!(s, "{}", l.billed_weight_g);
    });
    row.push_with(|s| {
        if let Some((p, _)) = parcel {
            let _ = write!(s, "{}", p.weight_g);
        }
    });
    for i in 0..8 {
        row.push_with(|s| {
            if let Some(e) = expected {
                e[i].write_to(s, dp);
            }
        });
    }
    for b in billed {
        row.push_with(|s| b.write_to(s, dp));
    }
    for i in 0..8 {
        row.push_with(|s| {
            if let Some(e) = expected {
                billed[i].minus(e[i]).write_to(s, dp);
            }
        });
    }
    row.push_with(|s| disputed.write_to(s, dp));
    row.push(&reason);
    row
}
