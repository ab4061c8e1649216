//! CSV records as the outputs write them.
//!
//! The outputs are written in the `csv` crate's default dialect (comma, `"` quoting only
//! where needed, `\n`), but not through its writer: its general state machine (any
//! delimiter, quote style, terminator and output buffer, one call per field) was most of
//! the cost of writing `lines.csv` and `parcels.csv` (BENCHMARKS.md, "Sorting by keys,
//! mimalloc, a small CSV writer"). [`push_record`] appends a record to a byte buffer, and a property
//! test holds its bytes to the crate's for any fields.

use crate::swar::holds_any;
use crate::table::Cells;

/// Appends one CSV record to `out`, byte for byte as the `csv` crate's default writer
/// writes it (a test holds the two to the same bytes): a field is quoted when it holds a
/// comma, a quote, `\r` or `\n`, with its quotes doubled; a record that would be empty
/// is written `""`, so that it reads back as one empty field and not as a blank line.
pub(crate) fn push_record<'c>(out: &mut Vec<u8>, cells: impl Iterator<Item = &'c str>) {
    push_raw_record(out, b',', cells.map(str::as_bytes));
}

/// [`push_record`] for a row: when no byte of the row needs quotes — the usual case,
/// looked for once over the row's text ([`Cells::joined`]) eight bytes at a time — its
/// cells are written between commas as they are, else cell by cell as
/// [`push_record`] does. The same bytes either way (a test holds them so).
pub(crate) fn push_row<R: Cells + ?Sized>(out: &mut Vec<u8>, row: &R) {
    match row.joined() {
        Some(text) if !holds_any(text.as_bytes(), [b',', b'"', b'\r', b'\n']) => {
            let start = out.len();
            for (i, cell) in row.cells().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(cell.as_bytes());
            }
            if out.len() == start {
                out.extend_from_slice(b"\"\"");
            }
            out.push(b'\n');
        }
        _ => push_record(out, row.cells()),
    }
}

/// [`push_record`] for fields of any bytes (not only UTF-8) and any one-byte
/// delimiter: the bytes of the `csv` crate's writer built with that delimiter, which
/// quotes a field holding the delimiter instead of a comma. The bucket files of a large
/// run's Parquet input ([`crate::bucket`]) copy its fields as read.
pub(crate) fn push_raw_record<'c>(
    out: &mut Vec<u8>,
    delimiter: u8,
    cells: impl Iterator<Item = &'c [u8]>,
) {
    let start = out.len();
    for (i, bytes) in cells.enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        if bytes
            .iter()
            .any(|&b| b == delimiter || matches!(b, b'"' | b'\r' | b'\n'))
        {
            out.push(b'"');
            for &b in bytes {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(bytes);
        }
    }
    if out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn render(records: &[Vec<String>]) -> Vec<u8> {
        let mut out = Vec::new();
        for r in records {
            push_record(&mut out, r.iter().map(String::as_str));
        }
        out
    }

    /// What the `csv` crate's default writer writes for these records.
    fn csv_crate(records: &[Vec<String>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            w.write_record(r).expect("write");
        }
        w.into_inner().expect("flush")
    }

    #[test]
    fn push_record_quotes_as_the_csv_crate_does() {
        let records: Vec<Vec<String>> = [
            &["a", "b,c", "say \"hi\"", "two\nlines", "cr\r", ""][..],
            &[""],
            &[],
            &["", ""],
            &["ünïcode", " spaced ", "#", "'"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        let ours = render(&records);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&csv_crate(&records))
        );
    }

    /// What the `csv` crate's writer with `delimiter` writes for these byte records.
    fn csv_crate_raw(delimiter: u8, records: &[Vec<Vec<u8>>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            w.write_record(r).expect("write");
        }
        w.into_inner().expect("flush")
    }

    proptest! {
        #[test]
        fn push_raw_record_writes_the_csv_crates_bytes_for_any_delimiter(
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|')],
            records in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::collection::vec(
                        prop_oneof![
                            Just(b','), Just(b';'), Just(b'\t'), Just(b'|'), Just(b'"'),
                            Just(b'\r'), Just(b'\n'), Just(b' '), Just(b'a'), Just(0xff_u8),
                        ],
                        0..6,
                    ),
                    0..5,
                ),
                0..8,
            )
        ) {
            let mut ours = Vec::new();
            for r in &records {
                push_raw_record(&mut ours, delimiter, r.iter().map(Vec::as_slice));
            }
            prop_assert_eq!(ours, csv_crate_raw(delimiter, &records));
        }

        #[test]
        fn push_row_writes_push_records_bytes(
            records in proptest::collection::vec(
                proptest::collection::vec("[a,\"\r\n é]{0,6}", 0..5),
                0..8,
            )
        ) {
            let mut rows = Vec::new();
            for r in &records {
                push_row(&mut rows, &crate::table::Row::from_cells(r));
            }
            prop_assert_eq!(rows, render(&records));
        }

        #[test]
        fn push_record_writes_the_csv_crates_bytes(
            records in proptest::collection::vec(
                proptest::collection::vec("[a,\"\r\n é]{0,6}", 0..5),
                0..8,
            )
        ) {
            let ours = render(&records);
            prop_assert_eq!(ours, csv_crate(&records));
        }
    }
}
