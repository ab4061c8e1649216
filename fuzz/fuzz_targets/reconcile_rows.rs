//! The reconciliation's row readers (`courier_batch::records`) over any bytes, as each
//! of the four inputs and through the InPost format profile: never a panic; every row is
//! either typed or a reject naming its line and a field or the row's shape; a line
//! number is never 0 and never repeats; a row parsed alone from its start, as a bucket of
//! a large run reads it (`courier_batch::row_starts`), has the fields read from the top;
//! and the file read in chunks on every core (`courier_batch::csv_chunks`, chunks of a
//! size the input picks) gives the rows, lines, starts and header of the read from the top.
#![no_main]

use courier_batch::partition::Partition;
use courier_batch::profile::FormatProfile;
use courier_batch::records::{self, Parsed, RowContext};
use courier_batch::reject::InputKind;
use courier_batch::csv_chunks::for_each_csv_row_in_chunks;
use courier_batch::row_starts::fields_at;
use courier_batch::source::for_each_csv_row_in;
use courier_batch::tariffs::TariffBook;
use courier_engine::pricing::CompiledTariff;
use libfuzzer_sys::fuzz_target;

fn book() -> TariffBook {
    let t = |s: &str| CompiledTariff::from_toml_str(s).expect("sample tariff");
    TariffBook::from_tariffs(vec![
        (t(include_str!("../../data/tariffs/aplix.toml")), "aplix.toml".into()),
        (t(include_str!("../../data/tariffs/inpost.toml")), "inpost.toml".into()),
    ])
    .expect("book")
}

fn check<T>(data: &[u8], input: InputKind, profile: &FormatProfile, book: &TariffBook, layout: courier_batch::source::Layout, parse: fn(&courier_batch::source::Record<'_>, u64, &RowContext<'_>) -> Parsed<T>) {
    let cx = RowContext { book, profile, partition: Partition::ALL, file_name: "f.csv", file_index: 0, input };
    let mut last = 1u64;
    let mut rows = Vec::new();
    let top = for_each_csv_row_in("f.csv", data, layout, profile, |line, rec| {
        assert!(line > last, "line {line} after {last}");
        last = line;
        let start = rec.start().expect("a CSV row has a start");
        let alone = fields_at(data, start, profile.delimiter()).expect("a row at its start");
        let read: Vec<Vec<u8>> = rec.raw_fields().iter().map(|f| f.to_vec()).collect();
        assert_eq!(alone, read, "line {line} parsed alone from byte {start}");
        rows.push((line, read, start));
        match parse(rec, line, &cx) {
            Parsed::Row(_) => {}
            Parsed::Reject(r) => {
                assert_eq!(r.line, line);
                assert!(r.reason.contains("field ") || r.reason.contains("fields"), "{}", r.reason);
                assert!(r.reason.len() < 2_000, "reason too long: {} bytes", r.reason.len());
            }
            Parsed::Skip => panic!("skipped a row of the only partition"),
        }
    });
    let chunk = 1 + data.len() % 61;
    let mut chunked = Vec::new();
    let split = for_each_csv_row_in_chunks("f.csv", data, layout, profile, chunk, |line, rec| {
        let read: Vec<Vec<u8>> = rec.raw_fields().iter().map(|f| f.to_vec()).collect();
        chunked.push((line, read, rec.start().expect("a CSV row has a start")));
    });
    assert_eq!(chunked, rows, "rows read in chunks of {chunk} bytes");
    match (top, split) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the header read in chunks"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "the error read in chunks"),
        (a, b) => panic!("read from the top: {a:?}; in chunks: {b:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let book = book();
    let canonical = FormatProfile::canonical();
    let inpost = FormatProfile::from_toml_str(include_str!("../../data/formats/inpost-invoice-pl.toml")).expect("profile");
    check(data, InputKind::Registry, &canonical, &book, records::REGISTRY, records::parse_registry);
    check(data, InputKind::Invoices, &canonical, &book, records::INVOICES, records::parse_invoice);
    check(data, InputKind::Invoices, &inpost, &book, records::INVOICES, records::parse_invoice);
    check(data, InputKind::Tracking, &canonical, &book, records::TRACKING, records::parse_tracking);
    check(data, InputKind::Refunds, &canonical, &book, records::REFUNDS, records::parse_refund);
});
