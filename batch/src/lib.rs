//! courier-batch: the nightly reconciliation of carrier invoices against what was
//! shipped, what the contract says it costs, and the refunds owed.
//!
//! **Design decision.** Every price comes from the engine
//! ([`courier_engine::pricing::CompiledTariff::price_method`]) and every weekend-fee
//! decision from the rules crate ([`courier_rules::inpost::refund::RefundPolicy`]); this
//! crate only reads, joins, classifies and writes. Joins are sorts and look-ups (a hash
//! index is looked up, never walked), and every output table is sorted by its key, so
//! the bytes are the same at any thread count and for a merge of partitions. Money is whole minor
//! units ([`Money`]), never a float. A malformed row is a [`Reject`] with its file, line
//! and field, and two identities — rows read = rows out + rejected, money read = money
//! classified + rejected — are checked before the outputs are moved into place.
//!
//! **Memory is bounded by buckets, not by the input.** Every rule keys on the order, so
//! [`run`] splits a large input by order-id hash into buckets on disk, reconciles them
//! one at a time and interleaves their sorted tables into one [`sink::Sink`] — the same
//! writer, fed the same rows in the same order, as an in-memory run or a merge of
//! partitions, so the bytes do not depend on the bucket count.
//!
//! ```no_run
//! use std::path::{Path, PathBuf};
//! use courier_batch::{reconcile, write_outputs, Options};
//!
//! let opts = Options::new(
//!     PathBuf::from("data/sample/registry.csv"),
//!     PathBuf::from("data/sample/invoices.csv"),
//!     PathBuf::from("data/sample/tracking.csv"),
//!     PathBuf::from("data/sample/refunds.csv"),
//! );
//! // In memory (tables returned, then written) …
//! let tables = reconcile(&opts, &|_stage| {})?;
//! write_outputs(Path::new("out"), &tables)?;
//! // … or straight to a folder, in buckets when the input is large.
//! let summary = courier_batch::run(&opts, Path::new("out"), &|_stage| {})?;
//! println!("{} rejected rows", summary.rejects.values().sum::<u64>());
//! # Ok::<(), courier_batch::BatchError>(())
//! ```
//!
//! Modules: [`records`] (the inputs' rows and parsers), [`source`] (files, CSV and
//! Parquet rows), [`profile`] (carrier invoice layouts), [`expect`] (the contract's price),
//! [`reconcile`](mod@reconcile) (the job), [`classify`] (the classes), [`table`],
//! [`summary`], [`output`], [`sink`], [`report`] (what is written), [`bucket`],
//! [`row_starts`] and [`row_file`] (larger than memory), [`merge`](mod@merge) and [`partition`] (running on several machines),
//! [`gen`] (realistic datasets with known errors); the tariff comparison:
//! [`compare`](mod@compare) (re-pricing a registry under several tariffs),
//! [`method_map`], [`weight_band`], [`compare_output`], [`compare_report`]; the volume
//! split: [`allocate`](mod@allocate) (a MILP over groups of identical parcels).

pub mod allocate;
pub mod bucket;
pub mod classify;
pub mod compare;
pub mod compare_output;
pub mod compare_report;
pub mod csv_chunks;
pub(crate) mod csv_record;
mod direct_io;
pub mod error;
pub mod expect;
pub mod fields;
pub mod gen;
pub mod merge;
pub mod method_map;
pub mod money;
pub mod output;
pub(crate) mod parcel_index;
pub mod partition;
pub mod profile;
pub mod reconcile;
pub mod records;
pub mod reject;
pub mod report;
pub mod row_file;
pub(crate) mod row_parser;
pub mod row_starts;
pub mod sink;
pub(crate) mod sort_key;
pub mod source;
pub mod summary;
pub(crate) mod swar;
pub mod table;
pub mod tariffs;
pub mod weight_band;

pub use allocate::{allocate, write_allocation, AllocateError, AllocateOptions, AllocateSummary};
pub use bucket::run;
pub use classify::{LineClass, ParcelClass, RefundClass};
pub use compare::{compare, CompareOptions, Comparison};
pub use compare_output::{compare_into, write_comparison, CompareSummary};
pub use error::BatchError;
pub use merge::merge;
pub use money::Money;
pub use output::write_outputs;
pub use partition::Partition;
pub use profile::FormatProfile;
pub use reconcile::{reconcile, InputFiles, Options};
pub use reject::Reject;
pub use summary::Summary;
