//! A bucket's share of a CSV input file: where each of its rows starts, read back in
//! place from a memory map of the file.
//!
//! **Design decision.** The bucket pass of a large run ([`crate::bucket`]) used to copy
//! every row into a bucket file and parse it as CSV again from there: 3.6 GB written and
//! read back at 10 M parcels, and on this machine the kernel's page-cache copies alone
//! took about 12 CPU-seconds of the run (BENCHMARKS.md, "Rows read where they lie").
//! A CSV input is a file that is already on disk and in the page cache, so the pass now
//! only notes where each row starts and on which line ([`RowStart`]), per bucket, and a
//! bucket reads its rows straight from a memory map of the input: each row parsed from
//! its first byte as a fresh `csv_core` parser reads it (`row_parser.rs`) — the
//! state the `csv` crate's reader is in at every record start — so its fields, its line and the rejects it
//! makes are exactly those of reading the file from the top (a test checks this on
//! arbitrary bytes). Parquet inputs are compressed columns, not rows at offsets: they
//! still go to bucket files.
//!
//! The map is dropped from the process's pages a window at a time (`MADV_DONTNEED`; the
//! page cache keeps the bytes), so a bucket holds a window of the input in its resident
//! memory, not the file. The file must not change while the run reads it: its length is
//! checked when it is mapped again, and a file cut short under a live map would stop
//! the process (the signal of any memory-mapped reader, polars' included).

use std::fs::File;

use memmap2::{Mmap, UncheckedAdvice};
use rayon::prelude::*;

use crate::error::BatchError;
use crate::profile::FormatProfile;
use crate::row_parser::RowParser;
use crate::source::{ColumnMap, InputFile, Layout, Record};

/// Where a data row of a CSV file starts: the byte the `csv` crate began reading it at,
/// and the line a text editor shows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowStart {
    pub offset: u64,
    pub line: u64,
}

/// Rows parsed per task (and per checkpoint of [`RowStarts`]), and the window of rows
/// after which the map's pages are dropped.
const TASK_ROWS: usize = 1 << 10;
const WINDOW_ROWS: usize = 1 << 14;

/// The rows of one CSV file that one bucket reads, in file order, and the length the
/// file had when they were found.
///
/// Held compactly: 10 M parcels are about 45 M rows, 720 MB as pairs of `u64`, held from
/// the bucket pass until each bucket is read. A row is stored as the distance from the
/// row before it in the bucket, offset and line, each a LEB128 varint — a few hundred
/// bytes and a few lines apart, three bytes a row — and every [`TASK_ROWS`]-th row in
/// full, so tasks decode their rows on every core independently.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowStarts {
    /// The varint deltas of every row but each task's first.
    deltas: Vec<u8>,
    /// Per task of [`TASK_ROWS`] rows: its first row and where its deltas begin.
    tasks: Vec<(RowStart, usize)>,
    len: usize,
    last: RowStart,
    file_len: u64,
}

impl RowStarts {
    /// No rows yet, of a file of `file_len` bytes.
    pub fn new(file_len: u64) -> RowStarts {
        RowStarts {
            file_len,
            ..RowStarts::default()
        }
    }

    /// Adds the next row. Rows come in file order: a row that starts before the last
    /// one added, or on an earlier line, is refused, and so is a row at byte 0 (the
    /// header's, never a data row's).
    pub fn push(&mut self, row: RowStart) -> Result<(), String> {
        if row.offset == 0 {
            return Err(format!(
                "line {}: a data row cannot start at byte 0",
                row.line
            ));
        }
        if self.len > 0 && (row.offset <= self.last.offset || row.line < self.last.line) {
            return Err(format!(
                "row starts out of file order: line {} at byte {} after line {} at byte {}",
                row.line, row.offset, self.last.line, self.last.offset
            ));
        }
        if self.len.is_multiple_of(TASK_ROWS) {
            self.tasks.push((row, self.deltas.len()));
        } else {
            push_varint(&mut self.deltas, row.offset - self.last.offset);
            push_varint(&mut self.deltas, row.line - self.last.line);
        }
        self.last = row;
        self.len += 1;
        Ok(())
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No row of the file is in this bucket.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The rows of task `t`, in order.
    fn task(&self, t: usize) -> impl Iterator<Item = RowStart> + '_ {
        let (first, from) = self.tasks[t];
        let n = TASK_ROWS.min(self.len - t * TASK_ROWS);
        let mut at = from;
        let mut row = first;
        (0..n).map(move |i| {
            if i > 0 {
                row.offset += read_varint(&self.deltas, &mut at);
                row.line += read_varint(&self.deltas, &mut at);
            }
            row
        })
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl Iterator<Item = RowStart> + '_ {
        (0..self.tasks.len()).flat_map(|t| self.task(t))
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The varint at `bytes[*at..]`, moving `at` past it (written by [`push_varint`], so
/// never cut short; a missing byte reads as the end of the number).
fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 || shift >= 63 {
            break;
        }
        shift += 7;
    }
    v
}

/// A CSV file mapped into memory, with its header's column map.
struct Mapped {
    map: Mmap,
    columns: ColumnMap,
    delimiter: u8,
}

fn open(
    file: &InputFile,
    rows: &RowStarts,
    layout: Layout,
    profile: &FormatProfile,
) -> Result<Mapped, BatchError> {
    let handle = File::open(&file.path).map_err(|e| BatchError::io(&file.path, e))?;
    let len = handle
        .metadata()
        .map_err(|e| BatchError::io(&file.path, e))?
        .len();
    if len != rows.file_len {
        return Err(BatchError::File {
            path: file.path.clone(),
            message: format!(
                "the file changed while it was read ({} bytes, then {len})",
                rows.file_len
            ),
        });
    }
    // SAFETY: the map is only read, and the file's length was just checked against the
    // one its rows were found in; a file truncated by another process while mapped is
    // the documented limit of this reader (module docs).
    let map = unsafe { Mmap::map(&handle) }.map_err(|e| BatchError::io(&file.path, e))?;
    let columns = crate::source::csv_columns(file, &map[..], layout, profile)?;
    Ok(Mapped {
        map,
        columns,
        delimiter: profile.delimiter(),
    })
}

/// The fields of the record that starts at `bytes[start]`, parsed alone as a bucket
/// reads it (`None` when no record starts there): what the `reconcile_rows` fuzz target
/// checks against a read of the same bytes from the top.
pub fn fields_at(bytes: &[u8], start: u64, delimiter: u8) -> Option<Vec<Vec<u8>>> {
    let mut parser = RowParser::new(delimiter);
    let rest = bytes.get(usize::try_from(start).ok()?..)?;
    let parsed = parser.parse(rest)?;
    let mut fields = Vec::with_capacity(parsed.fields);
    parser.fields(rest, parsed.fields, &mut fields);
    Some(fields.into_iter().map(<[u8]>::to_vec).collect())
}

/// Drops the pages of `map` wholly before byte `upto` that are not dropped yet (those
/// before `*dropped`), and moves `*dropped` on: the reader is done with them. The page
/// cache keeps the bytes; only this process's resident memory shrinks.
pub(crate) fn drop_pages(map: &Mmap, dropped: &mut usize, upto: usize) {
    const PAGE: usize = 4096;
    let upto = (upto.min(map.len()) / PAGE) * PAGE;
    if upto > *dropped {
        // SAFETY: the map is a read-only map of a file: dropping its pages only makes
        // the next read of them fault the same bytes in from the page cache, so even a
        // slice of them held elsewhere still reads the file's bytes.
        let _ = unsafe {
            map.unchecked_advise_range(UncheckedAdvice::DontNeed, *dropped, upto - *dropped)
        };
        *dropped = upto;
    }
}

impl Mapped {
    /// `f(line, record)` for the row that starts at `at`. `spare` is the caller's
    /// vector of fields, reused from row to row: a vector allocated and freed per row
    /// was tens of millions of allocations in a 10 M run's buckets. Its slices borrow
    /// the parser, which the next row changes, so it is handed back empty, each slot
    /// retyped to `'static` (an in-place collect: the allocation stays).
    fn row(
        &self,
        file: &InputFile,
        parser: &mut RowParser,
        at: &RowStart,
        spare: &mut Vec<&'static [u8]>,
        f: &mut dyn FnMut(u64, &Record<'_>),
    ) -> Result<(), BatchError> {
        let from = usize::try_from(at.offset).unwrap_or(usize::MAX);
        let rest = self.map.get(from..).unwrap_or_default();
        let parsed = parser.parse(rest).ok_or_else(|| BatchError::File {
            path: file.path.clone(),
            message: format!(
                "line {}: the row is no longer there (the file changed while it was read)",
                at.line
            ),
        })?;
        let mut fields: Vec<&[u8]> = std::mem::take(spare);
        parser.fields(rest, parsed.fields, &mut fields);
        f(at.line, &Record::at(&self.columns, &fields, at.offset));
        fields.clear();
        *spare = fields
            .into_iter()
            .map(|_| -> &'static [u8] { &[] })
            .collect();
        Ok(())
    }
}

/// `f(line, record)` for the rows of `file` that `rows` selects, in file order, on this
/// thread ([`crate::source::for_each_row`]'s contract). Returns the file's header.
pub(crate) fn for_each_row(
    file: &InputFile,
    rows: &RowStarts,
    layout: Layout,
    profile: &FormatProfile,
    f: &mut dyn FnMut(u64, &Record<'_>),
) -> Result<Vec<String>, BatchError> {
    let mapped = open(file, rows, layout, profile)?;
    let mut parser = RowParser::new(mapped.delimiter);
    let mut spare = Vec::new();
    for at in rows.iter() {
        mapped.row(file, &mut parser, &at, &mut spare, f)?;
    }
    Ok(mapped.columns.into_header())
}

/// `fold(acc, line, record)` over the rows of `file` that `rows` selects: the rows are
/// cut into tasks of consecutive rows, each folded in file order into an accumulator
/// made by `init` on every core, and `take` gets the accumulators in file order (the
/// contract of [`crate::source::fold_row_chunks`]). Returns the file's header.
pub(crate) fn fold_rows<A: Send>(
    file: &InputFile,
    rows: &RowStarts,
    layout: Layout,
    profile: &FormatProfile,
    init: impl Fn() -> A + Sync,
    fold: impl Fn(&mut A, u64, &Record<'_>) + Sync,
    mut take: impl FnMut(A),
) -> Result<Vec<String>, BatchError> {
    let mapped = open(file, rows, layout, profile)?;
    let mut dropped = 0usize; // the map's pages before this byte are dropped
    let tasks: Vec<usize> = (0..rows.tasks.len()).collect();
    for window in tasks.chunks(WINDOW_ROWS / TASK_ROWS) {
        let parts: Vec<Result<A, BatchError>> = window
            .par_iter()
            .map(|&t| {
                let mut parser = RowParser::new(mapped.delimiter);
                let mut spare = Vec::new();
                let mut acc = init();
                for at in rows.task(t) {
                    mapped.row(file, &mut parser, &at, &mut spare, &mut |line, rec| {
                        fold(&mut acc, line, rec)
                    })?;
                }
                Ok(acc)
            })
            .collect();
        for part in parts {
            take(part?);
        }
        // The pages wholly before the next window's first row are done with.
        let next = window
            .last()
            .and_then(|t| rows.tasks.get(t + 1))
            .map_or(mapped.map.len(), |(first, _)| first.offset as usize);
        drop_pages(&mapped.map, &mut dropped, next);
    }
    Ok(mapped.columns.into_header())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{self, FileFormat};
    use proptest::prelude::*;
    use std::sync::Arc;

    const LAYOUT: Layout = Layout {
        optional: &["note"],
        all: &["id", "note"],
    };

    /// Every row of the file: (line, fields), read from the top.
    fn read_from_top(file: &InputFile) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut rows = Vec::new();
        source::for_each_row(file, LAYOUT, &FormatProfile::canonical(), |line, rec| {
            rows.push((line, rec.raw_fields().iter().map(|f| f.to_vec()).collect()))
        })
        .expect("read");
        rows
    }

    fn selection(starts: impl IntoIterator<Item = RowStart>, file_len: u64) -> Arc<RowStarts> {
        let mut rows = RowStarts::new(file_len);
        for s in starts {
            rows.push(s).expect("in order");
        }
        Arc::new(rows)
    }

    /// Every row's start, as the bucket pass notes them.
    fn starts(file: &InputFile) -> Vec<RowStart> {
        let mut out = Vec::new();
        source::for_each_row(file, LAYOUT, &FormatProfile::canonical(), |line, rec| {
            out.push(RowStart {
                offset: rec.start().expect("a CSV row has a start"),
                line,
            })
        })
        .expect("read");
        out
    }

    fn read_at(file: &InputFile, rows: &RowStarts) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut got = Vec::new();
        fold_rows(
            file,
            rows,
            LAYOUT,
            &FormatProfile::canonical(),
            Vec::new,
            |acc, line, rec| {
                acc.push((line, rec.raw_fields().iter().map(|f| f.to_vec()).collect()))
            },
            |part: Vec<_>| got.extend(part),
        )
        .expect("read at");
        got
    }

    fn write(dir: &tempfile::TempDir, bytes: &[u8]) -> InputFile {
        let path = dir.path().join("rows.csv");
        std::fs::write(&path, bytes).expect("write");
        InputFile::new(path, FileFormat::Csv)
    }

    #[test]
    fn rows_read_at_their_starts_are_the_rows_read_from_the_top() {
        let dir = tempfile::tempdir().expect("dir");
        let text = "id,note\r\na,\"two\r\nlines\"\r\n\r\nb,x\rc,\"q\"\"\"\n\nd,last";
        let file = write(&dir, text.as_bytes());
        let all = starts(&file);
        let rows = selection(all.clone(), text.len() as u64);
        assert_eq!(read_at(&file, &rows), read_from_top(&file));
        // Every other row, as a bucket would take them.
        let some: Vec<RowStart> = all.iter().copied().step_by(2).collect();
        let expected: Vec<_> = read_from_top(&file).into_iter().step_by(2).collect();
        assert_eq!(
            read_at(&file, &selection(some, text.len() as u64)),
            expected
        );
    }

    #[test]
    fn a_file_that_changed_is_an_error_not_a_wrong_row() {
        let dir = tempfile::tempdir().expect("dir");
        let file = write(&dir, b"id,note\na,1\nb,2\n");
        let rows = selection(starts(&file), 16);
        std::fs::write(&file.path, b"id,note\na,1\n").expect("shorten");
        let err = fold_rows(
            &file,
            &rows,
            LAYOUT,
            &FormatProfile::canonical(),
            || (),
            |_, _, _| {},
            |_| {},
        )
        .expect_err("changed");
        assert!(
            err.to_string().contains("changed while it was read"),
            "{err}"
        );
    }

    #[test]
    fn row_starts_keep_every_row_across_tasks_and_refuse_rows_out_of_order() {
        let rows: Vec<RowStart> = (0..3 * TASK_ROWS as u64 + 5)
            .map(|i| RowStart {
                offset: 8 + i * i * 37, // gaps from tiny to past a varint's first bytes
                line: 2 + i + i / 7,
            })
            .collect();
        let held = selection(rows.iter().copied(), u64::MAX);
        assert_eq!(held.len(), rows.len());
        assert_eq!(held.iter().collect::<Vec<_>>(), rows);
        assert!(
            held.deltas.len() < rows.len() * 8,
            "{} bytes",
            held.deltas.len()
        );
        let mut r = RowStarts::new(100);
        assert!(r.push(RowStart { offset: 0, line: 1 }).is_err());
        r.push(RowStart {
            offset: 10,
            line: 2,
        })
        .unwrap();
        assert!(r
            .push(RowStart {
                offset: 10,
                line: 3
            })
            .is_err());
        assert!(r.push(RowStart { offset: 9, line: 3 }).is_err());
        assert!(r
            .push(RowStart {
                offset: 11,
                line: 1
            })
            .is_err());
        assert_eq!(r.len(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Quotes, delimiters, every kind of line end and blank lines, in any order:
        /// each row parsed from its start alone gives the fields and line of a read
        /// from the top.
        #[test]
        fn any_bytes_read_at_row_starts_match_a_read_from_the_top(
            body in proptest::collection::vec(
                prop_oneof![
                    Just(b'a'), Just(b'b'), Just(b','), Just(b'"'),
                    Just(b'\r'), Just(b'\n'), Just(b' '), Just(0xff_u8),
                ],
                0..200,
            )
        ) {
            let dir = tempfile::tempdir().expect("dir");
            let mut bytes = b"id,note\n".to_vec();
            bytes.extend(&body);
            let file = write(&dir, &bytes);
            let rows = selection(starts(&file), bytes.len() as u64);
            prop_assert_eq!(read_at(&file, &rows), read_from_top(&file));
        }
    }
}
