//! A CSV file read on every core: cut into chunks at guessed row starts, each chunk
//! parsed on its own, and each guess checked against the rows read before it.
//!
//! **Design decision.** The `csv` crate's reader finds records one byte after another,
//! on one thread: at 10 M parcels the registry's read ran at about 1.4 cores, the other
//! core parsing what the first had split (BENCHMARKS.md, "Rows split on every core").
//! A CSV file cannot simply be cut at line ends — a line end inside a quoted field is
//! not a row's end — so here the file is cut at *guesses*: the byte after the first line
//! end past every [`CHUNK_BYTES`]. Every chunk is parsed from its guess on every core,
//! as if it were a row start, and its rows are kept only if the chunk before it — read
//! from a start already known good — ended its last row exactly at that guess. A fresh
//! `csv_core` parser (`row_parser.rs`, which reads it or its quote-free shortcut)
//! at a record start is in the state the `csv` crate's reader is in
//! there ([`crate::row_starts`]), so by induction every kept chunk holds exactly the
//! rows, fields and starts of a read from the top. A wrong guess (inside a quoted field
//! that spans lines, or among blank lines) costs only time: that chunk is parsed again
//! from where the chunk before really ended, on one thread. A test reads arbitrary bytes
//! cut into chunks of every small size and checks each row against the serial reader.
//!
//! Lines are counted apart from parsing: the number of line ends before a byte (`\n`,
//! `\r\n` and a lone `\r`, inside quotes or not, as [`crate::source`] counts them for
//! an editor's line) depends only on the bytes, so each chunk's first line is summed
//! from every chunk's count on every core before the chunks are parsed.
//!
//! The file is memory-mapped and read a window of chunks at a time; the rows of one
//! window are handed on, in file order, while the next window is parsed, and the map's
//! pages behind them are dropped ([`crate::row_starts::drop_pages`]). The file must not
//! change while it is read (the limit of every memory-mapped reader, polars' included).

use std::fs::File;
use std::ops::Range;

use memchr::memchr2;
use memmap2::Mmap;
use rayon::prelude::*;

use crate::error::BatchError;
use crate::profile::FormatProfile;
use crate::row_parser::{line_ends, RowParser};
use crate::row_starts::drop_pages;
use crate::source::{self, ColumnMap, InputFile, Layout, Record};

/// About how many bytes of the file one task parses: a few thousand rows.
pub const CHUNK_BYTES: usize = 1 << 19;
/// Chunks per window: the rows of a window are held until they are handed on.
const WINDOW_CHUNKS: usize = 64;

/// `fold(acc, line, record)` over every data row of the CSV file `file`: the rows are
/// cut into chunks of consecutive rows, each folded in file order into an accumulator
/// made by `init`, on every core, and `take` gets the accumulators in file order (the
/// contract of [`crate::source::fold_row_chunks`]). Returns the file's header.
pub(crate) fn fold_chunks<A: Send>(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    init: impl Fn() -> A + Sync,
    fold: impl Fn(&mut A, u64, &Record<'_>) + Sync,
    take: impl FnMut(A) + Send,
) -> Result<Vec<String>, BatchError> {
    let handle = File::open(&file.path).map_err(|e| BatchError::io(&file.path, e))?;
    let len = handle
        .metadata()
        .map_err(|e| BatchError::io(&file.path, e))?
        .len();
    // An empty file has no header: that error is the header reader's.
    let map = if len == 0 {
        None
    } else {
        // SAFETY: the map is only read; a file cut short by another process while it
        // is mapped is the documented limit of this reader (module docs).
        Some(unsafe { Mmap::map(&handle) }.map_err(|e| BatchError::io(&file.path, e))?)
    };
    let bytes: &[u8] = map.as_deref().unwrap_or_default();
    let sizes = Sizes {
        chunk: CHUNK_BYTES,
        window: WINDOW_CHUNKS,
    };
    let mut dropped = 0;
    let read = fold_bytes(
        file,
        bytes,
        layout,
        profile,
        sizes,
        init,
        fold,
        take,
        |done| {
            if let Some(map) = &map {
                drop_pages(map, &mut dropped, done);
            }
        },
    )?;
    Ok(read.columns.into_header())
}

/// Every data row of the CSV text `bytes`, as if read from a file called `name`, cut
/// into chunks of about `chunk_bytes` (the fuzz targets' entry point to this reader):
/// `f(line, record)` in file order, and the header, as
/// [`crate::source::for_each_csv_row_in`] gives them — except that on an error no row
/// is given (the rows are gathered first; only a bucket file's rows can fail).
pub fn for_each_csv_row_in_chunks(
    name: &str,
    bytes: &[u8],
    layout: Layout,
    profile: &FormatProfile,
    chunk_bytes: usize,
    mut f: impl FnMut(u64, &Record<'_>),
) -> Result<Vec<String>, BatchError> {
    let file = InputFile::new(name.into(), source::FileFormat::Csv);
    let sizes = Sizes {
        chunk: chunk_bytes,
        window: 3,
    };
    let mut rows: Vec<(u64, Vec<Vec<u8>>, u64)> = Vec::new();
    let init = Vec::new;
    let fold = |acc: &mut Vec<(u64, Vec<Vec<u8>>, u64)>, line, rec: &Record<'_>| {
        let fields = rec.raw_fields().iter().map(|f| f.to_vec()).collect();
        acc.push((line, fields, rec.start().unwrap_or_default()));
    };
    let read = fold_bytes(
        &file,
        bytes,
        layout,
        profile,
        sizes,
        init,
        fold,
        |chunk| rows.extend(chunk),
        |_| {},
    )?;
    for (line, fields, start) in &rows {
        let fields: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        f(*line, &Record::at(&read.columns, &fields, *start));
    }
    Ok(read.columns.into_header())
}

/// The sizes a read cuts its file into.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// Bytes between the guesses.
    chunk: usize,
    /// Chunks parsed before their rows are handed on.
    window: usize,
}

/// What a read found besides its rows.
struct Read {
    columns: ColumnMap,
    /// Chunks whose guess was not a row start, parsed again (the tests check that
    /// the guesses of LF and CRLF files are never wrong).
    #[cfg_attr(not(test), allow(dead_code))]
    reparsed: usize,
}

/// The file's header, as the chunks read their rows through it.
struct Head<'b> {
    file: &'b InputFile,
    bytes: &'b [u8],
    columns: ColumnMap,
    /// A bucket file: each row's line in its first field.
    bucket: bool,
    delimiter: u8,
}

/// One chunk's rows, folded, and where its last row ended.
struct Chunk<A> {
    /// Where its first row started.
    start: usize,
    acc: Result<A, BatchError>,
    /// Where the row after its last starts (the file's length after the last row).
    end: usize,
    /// Line ends before `end`.
    end_lines: u64,
}

#[allow(clippy::too_many_arguments)]
fn fold_bytes<A: Send>(
    file: &InputFile,
    bytes: &[u8],
    layout: Layout,
    profile: &FormatProfile,
    sizes: Sizes,
    init: impl Fn() -> A + Sync,
    fold: impl Fn(&mut A, u64, &Record<'_>) + Sync,
    mut take: impl FnMut(A) + Send,
    mut done: impl FnMut(usize) + Send,
) -> Result<Read, BatchError> {
    let (columns, bucket, body) = source::csv_head(file, bytes, layout, profile)?;
    let head = Head {
        file,
        bytes,
        columns,
        bucket,
        delimiter: profile.delimiter(),
    };
    // Chunk k holds the rows that start in bounds[k]..bounds[k + 1].
    let mut bounds = guesses(bytes, body, sizes.chunk.max(1));
    bounds.push(bytes.len());
    let chunks = bounds.len() - 1;
    let windows: Vec<Range<usize>> = (0..chunks)
        .step_by(sizes.window.max(1))
        .map(|k| k..(k + sizes.window.max(1)).min(chunks))
        .collect();
    // Line ends before the first guess of the window being parsed.
    let mut lines_before = line_ends(bytes, 0, body);
    // A window's chunks, and the line ends in all of them (what the next window's
    // first line is counted from).
    let parse = |ks: Range<usize>, first_lines: u64| -> (Vec<Chunk<A>>, u64) {
        let counts: Vec<u64> = ks
            .clone()
            .into_par_iter()
            .map(|k| line_ends(bytes, bounds[k], bounds[k + 1]))
            .collect();
        let starts: Vec<u64> = counts
            .iter()
            .scan(first_lines, |l, c| {
                let at = *l;
                *l += c;
                Some(at)
            })
            .collect();
        let chunks = ks
            .into_par_iter()
            .zip(starts)
            .map(|(k, lines)| head.chunk(bounds[k], lines, bounds[k + 1], &init, &fold))
            .collect();
        (chunks, counts.iter().sum())
    };
    // Where the next kept chunk must start, and the line ends before it.
    let (mut at, mut at_lines) = (body, lines_before);
    let mut reparsed = 0;
    let mut pending: Option<(Range<usize>, Vec<Chunk<A>>)> = None;
    let mut next_window = windows.into_iter();
    loop {
        let ks = next_window.next();
        let first_lines = lines_before;
        // The window read before is checked and handed on while this one is parsed.
        let (handed, parsed) = rayon::join(
            || -> Result<(), BatchError> {
                let Some((ks, parts)) = pending.take() else {
                    return Ok(());
                };
                for (k, part) in ks.clone().zip(parts) {
                    let part = if part.start == at {
                        part
                    } else {
                        reparsed += 1;
                        head.chunk(at, at_lines, bounds[k + 1], &init, &fold)
                    };
                    take(part.acc?);
                    (at, at_lines) = (part.end, part.end_lines);
                }
                // No chunk parsed from here on starts before the window after this one.
                done(at.min(bounds[ks.end]));
                Ok(())
            },
            || ks.map(|ks| (ks.clone(), parse(ks, first_lines))),
        );
        handed?;
        match parsed {
            Some((ks, (parts, lines))) => {
                lines_before = first_lines + lines;
                pending = Some((ks, parts));
            }
            None => break,
        }
    }
    Ok(Read {
        columns: head.columns,
        reparsed,
    })
}

/// The guessed row starts of `bytes` from the first data row's start `body` on: `body`,
/// then the byte after the first line end past every `chunk` bytes — after a `\r\n`'s
/// `\r`, where the `csv` crate places the next record.
fn guesses(bytes: &[u8], body: usize, chunk: usize) -> Vec<usize> {
    let mut out = vec![body];
    let mut from = body.saturating_add(chunk);
    while from < bytes.len() {
        let Some(i) = memchr2(b'\r', b'\n', &bytes[from..]).map(|i| from + i) else {
            break;
        };
        let after_cr = bytes[i] == b'\n' && i > 0 && bytes[i - 1] == b'\r';
        let guess = if after_cr { i } else { i + 1 };
        if guess >= bytes.len() {
            break;
        }
        out.push(guess);
        from = guess.saturating_add(chunk);
    }
    out
}

impl Head<'_> {
    /// Folds the rows that start in `start..limit`, `start` being a row start (or taken
    /// for one) with `lines` line ends before it; the last row may run past `limit`.
    fn chunk<A>(
        &self,
        start: usize,
        lines: u64,
        limit: usize,
        init: &impl Fn() -> A,
        fold: &impl Fn(&mut A, u64, &Record<'_>),
    ) -> Chunk<A> {
        let bytes = self.bytes;
        let mut parser = RowParser::new(self.delimiter);
        // One vector of fields for every row: emptied and handed back after each (the
        // in-place collect keeps its allocation; only the borrow's lifetime changes).
        let mut spare: Vec<&'static [u8]> = Vec::new();
        let mut acc = init();
        let (mut at, mut at_lines) = (start, lines);
        while at < limit {
            let Some(parsed) = parser.parse(&bytes[at..]) else {
                // Only line ends were left: the file's end.
                at_lines += line_ends(bytes, at, bytes.len());
                at = bytes.len();
                break;
            };
            // The record's line is that of its first byte that is not a skipped line
            // end (blank lines, and the `\n` of the `\r\n` before it).
            let line = 1 + at_lines + parsed.blank_ends;
            let mut fields: Vec<&[u8]> = spare;
            parser.fields(&bytes[at..], parsed.fields, &mut fields);
            let row = self.row(at, line, &fields, &mut acc, fold);
            fields.clear();
            spare = fields
                .into_iter()
                .map(|_| -> &'static [u8] { &[] })
                .collect();
            if let Err(e) = row {
                return Chunk {
                    start,
                    acc: Err(e),
                    end: at + parsed.used,
                    end_lines: at_lines,
                };
            }
            at_lines += parsed.line_ends;
            at += parsed.used;
        }
        Chunk {
            start,
            acc: Ok(acc),
            end: at,
            end_lines: at_lines,
        }
    }

    /// Folds one record as the serial reader hands it on: a bucket file's line taken
    /// from its first field, a blank line passed over.
    fn row<A>(
        &self,
        at: usize,
        line: u64,
        fields: &[&[u8]],
        acc: &mut A,
        fold: &impl Fn(&mut A, u64, &Record<'_>),
    ) -> Result<(), BatchError> {
        let start = at as u64;
        if self.bucket {
            let original = fields
                .first()
                .and_then(|v| std::str::from_utf8(v).ok())
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| BatchError::File {
                    path: self.file.path.clone(),
                    message: format!("line {line}: no original line number"),
                })?;
            fold(
                acc,
                original,
                &Record::at(&self.columns, &fields[1..], start),
            );
        } else if !(fields.len() == 1 && fields[0].is_empty()) {
            fold(acc, line, &Record::at(&self.columns, fields, start));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileFormat;
    use proptest::prelude::*;

    const LAYOUT: Layout = Layout {
        optional: &["note"],
        all: &["id", "note"],
    };

    /// A row as a reader handed it on: line, fields, start.
    type Row = (u64, Vec<Vec<u8>>, Option<u64>);

    fn seen(line: u64, rec: &Record<'_>) -> Row {
        let fields = rec.raw_fields().iter().map(|f| f.to_vec()).collect();
        (line, fields, rec.start())
    }

    /// The rows and header of the serial reader, reading `bytes` from the top.
    fn from_top(file: &InputFile, bytes: &[u8]) -> Result<(Vec<Row>, Vec<String>), String> {
        let mut rows = Vec::new();
        let header = if file.origin.is_some() {
            // A bucket file is only read as a file.
            source::for_each_row(file, LAYOUT, &FormatProfile::canonical(), |l, r| {
                rows.push(seen(l, r))
            })
        } else {
            source::for_each_csv_row_in(
                "f.csv",
                bytes,
                LAYOUT,
                &FormatProfile::canonical(),
                |l, r| rows.push(seen(l, r)),
            )
        };
        header.map(|h| (rows, h)).map_err(|e| e.to_string())
    }

    /// The rows and header read in chunks of `chunk` bytes, windows of `window` chunks,
    /// and how many chunks were parsed again.
    fn in_chunks(
        file: &InputFile,
        bytes: &[u8],
        chunk: usize,
        window: usize,
    ) -> Result<(Vec<Row>, Vec<String>, usize), String> {
        let mut rows = Vec::new();
        let read = fold_bytes(
            file,
            bytes,
            LAYOUT,
            &FormatProfile::canonical(),
            Sizes { chunk, window },
            Vec::new,
            |acc: &mut Vec<Row>, l, r| acc.push(seen(l, r)),
            |chunk| rows.extend(chunk),
            |_| {},
        )
        .map_err(|e| e.to_string())?;
        Ok((rows, read.columns.into_header(), read.reparsed))
    }

    fn file() -> InputFile {
        InputFile::new("f.csv".into(), FileFormat::Csv)
    }

    /// Rows of a realistic file: every line end `end`, some quoted fields.
    fn rows_ending(end: &str, n: usize) -> Vec<u8> {
        let mut text = format!("id,note{end}");
        for i in 0..n {
            text.push_str(&format!("p{i},\"note, {i}\"{end}"));
        }
        text.into_bytes()
    }

    #[test]
    fn a_file_of_lf_or_crlf_rows_is_read_in_chunks_without_a_wrong_guess() {
        for end in ["\n", "\r\n"] {
            let bytes = rows_ending(end, 500);
            let (top, header) = from_top(&file(), &bytes).expect("serial");
            for chunk in [1, 7, 64, 1000] {
                let (rows, h, reparsed) = in_chunks(&file(), &bytes, chunk, 4).expect("chunks");
                assert_eq!(rows, top, "chunks of {chunk} bytes, line end {end:?}");
                assert_eq!(h, header);
                assert_eq!(reparsed, 0, "chunks of {chunk} bytes, line end {end:?}");
            }
        }
    }

    #[test]
    fn a_guess_inside_a_quoted_field_is_parsed_again_from_the_true_start() {
        let mut text = String::from("\u{feff}id,note\n");
        for i in 0..200 {
            text.push_str(&format!("p{i},\"line one\nline two\n\nline four\"\n"));
        }
        text.push_str("\n\nlast,\"x\"");
        let bytes = text.into_bytes();
        let (top, header) = from_top(&file(), &bytes).expect("serial");
        assert_eq!(top.len(), 201);
        assert_eq!(top[1].0, 6, "the second row's line");
        let (rows, h, reparsed) = in_chunks(&file(), &bytes, 9, 2).expect("chunks");
        assert_eq!(rows, top);
        assert_eq!(h, header);
        assert!(reparsed > 0, "the guesses inside quotes were parsed again");
    }

    #[test]
    fn a_bucket_files_lines_come_from_its_line_column() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bucket.csv");
        let file = InputFile {
            origin: Some("input.csv".into()),
            ..InputFile::new(path.clone(), FileFormat::Csv)
        };
        let good = format!("{},id,note\n17,a,x\n\n40,b,\"y\nz\"\n", source::LINE_COLUMN);
        std::fs::write(&path, &good).expect("write");
        let (rows, _, _) = in_chunks(&file, good.as_bytes(), 3, 1).expect("chunks");
        let lines: Vec<u64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [17, 40]);
        assert_eq!(Ok(rows), from_top(&file, good.as_bytes()).map(|(r, _)| r));
        // A row without its original line: an error naming the bucket file's line,
        // both ways.
        let bad = format!("{},id,note\n17,a,x\n\nx,b,y\n", source::LINE_COLUMN);
        std::fs::write(&path, &bad).expect("write");
        let top = from_top(&file, bad.as_bytes());
        let chunked = in_chunks(&file, bad.as_bytes(), 3, 1).map(|(r, h, _)| (r, h));
        assert_eq!(chunked, top);
        assert!(chunked
            .expect_err("no line")
            .contains("line 4: no original line"));
    }

    #[test]
    fn a_file_is_read_whole_through_the_map() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("f.csv");
        let bytes = rows_ending("\n", 20_000);
        std::fs::write(&path, &bytes).expect("write");
        let file = InputFile::new(path, FileFormat::Csv);
        let mut rows = Vec::new();
        let header = fold_chunks(
            &file,
            LAYOUT,
            &FormatProfile::canonical(),
            Vec::new,
            |acc: &mut Vec<Row>, l, r| acc.push(seen(l, r)),
            |chunk| rows.extend(chunk),
        )
        .expect("read");
        assert_eq!(Ok((rows, header)), from_top(&file, &bytes));
        std::fs::write(&file.path, b"").expect("empty");
        let empty = fold_chunks(
            &file,
            LAYOUT,
            &FormatProfile::canonical(),
            || (),
            |_, _, _| {},
            |_| {},
        );
        assert!(empty.expect_err("no header").to_string().contains("empty"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Quotes, delimiters, every kind of line end, blank lines and a byte order
        /// mark, in any order, cut into chunks of any small size: the rows, lines,
        /// starts, header and errors of a read from the top.
        #[test]
        fn any_bytes_read_in_chunks_match_a_read_from_the_top(
            bom in any::<bool>(),
            body in proptest::collection::vec(
                prop_oneof![
                    Just(b'a'), Just(b'b'), Just(b','), Just(b'"'),
                    Just(b'\r'), Just(b'\n'), Just(b' '), Just(0xff_u8),
                ],
                0..300,
            ),
            chunk in 1usize..40,
            window in 1usize..5,
        ) {
            let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
            bytes.extend(b"id,note\n");
            bytes.extend(&body);
            let top = from_top(&file(), &bytes);
            let chunked = in_chunks(&file(), &bytes, chunk, window).map(|(r, h, _)| (r, h));
            prop_assert_eq!(chunked, top);
        }

        /// The same for any bytes at all, header included (an empty file, a header
        /// that is not UTF-8 or lacks a column).
        #[test]
        fn any_file_at_all_reads_the_same_in_chunks(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'i'), Just(b'd'), Just(b','), Just(b'"'),
                    Just(b'\r'), Just(b'\n'), Just(0xff_u8),
                ],
                0..60,
            ),
            chunk in 1usize..8,
        ) {
            let top = from_top(&file(), &bytes);
            let chunked = in_chunks(&file(), &bytes, chunk, 2).map(|(r, h, _)| (r, h));
            prop_assert_eq!(chunked, top);
        }
    }
}
