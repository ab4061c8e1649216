//! Input files: discovery (a file, or a folder of files), and rows as text fields with
//! the line a text editor shows.
//!
//! CSV is read with the `csv` crate, one record at a time, so a malformed row (wrong
//! field count, invalid UTF-8, a 10 MB field) becomes a reject for that row and the file
//! goes on; polars' CSV reader fails a whole file on one ragged line. Parquet is read with
//! polars, every column cast to its text form, so both formats go through the same row
//! parsers and give the same rejects. Lines: CSV counts physical lines, header = line 1
//! (a quoted field spanning lines counts every line; `\n`, `\r\n` and a lone `\r` each
//! end one, see `LineEnds`); Parquet counts rows from 1.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;

use crate::error::BatchError;
use crate::profile::FormatProfile;
use crate::row_starts::{self, RowStarts};

/// File format, from the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Parquet,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// As given on the command line or found in the folder (shown in rejects).
    pub path: PathBuf,
    pub format: FileFormat,
    /// Set on a bucket file of a large run's Parquet input ([`crate::bucket`]): the
    /// input file its rows came from, whose name rejects show; each row carries its
    /// original line in a leading [`LINE_COLUMN`].
    pub origin: Option<PathBuf>,
    /// Set on a bucket's share of a large run's CSV input ([`crate::bucket`]): only
    /// these rows of the file are read, in place ([`crate::row_starts`]).
    pub rows: Option<Arc<RowStarts>>,
}

/// The leading column of a bucket file: the row's line in its original file.
pub const LINE_COLUMN: &str = "__courier_line";

impl InputFile {
    /// A file as the user gave it.
    pub fn new(path: PathBuf, format: FileFormat) -> InputFile {
        InputFile {
            path,
            format,
            origin: None,
            rows: None,
        }
    }

    /// The path as rejects and the summary show it (the original file's, for a bucket).
    pub fn name(&self) -> String {
        self.origin
            .as_ref()
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }
}

fn format_of(path: &Path) -> Option<FileFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(FileFormat::Csv),
        "parquet" => Some(FileFormat::Parquet),
        _ => None,
    }
}

/// The files of an input: the file itself, or the `.csv` / `.parquet` files of a folder
/// and its sub-folders, sorted by path (so the read order, and every "first" that
/// depends on it, is the same on every machine). Hidden files and other extensions in
/// a folder are skipped.
pub fn discover(path: &Path) -> Result<Vec<InputFile>, BatchError> {
    let meta = std::fs::metadata(path).map_err(|e| BatchError::io(path, e))?;
    if meta.is_file() {
        let format = format_of(path).ok_or_else(|| BatchError::Input {
            path: path.to_path_buf(),
            message: "not a .csv or .parquet file".into(),
        })?;
        return Ok(vec![InputFile::new(path.to_path_buf(), format)]);
    }
    let mut out = Vec::new();
    walk(path, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    if out.is_empty() {
        return Err(BatchError::Input {
            path: path.to_path_buf(),
            message: "the folder holds no .csv or .parquet file".into(),
        });
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<InputFile>) -> Result<(), BatchError> {
    let entries = std::fs::read_dir(dir).map_err(|e| BatchError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| BatchError::io(dir, e))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = entry.file_type().map_err(|e| BatchError::io(&path, e))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if let Some(format) = format_of(&path) {
            out.push(InputFile::new(path, format));
        }
    }
    Ok(())
}

/// Where each canonical column of a row comes from.
#[derive(Debug, Clone)]
enum Source {
    Column(usize),
    Constant(String),
    Absent,
}

/// The canonical columns of one file, resolved against its header and the profile.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    names: &'static [&'static str],
    sources: Vec<Source>,
    width: usize,
    header: Vec<String>,
}

impl ColumnMap {
    /// The file's header, as read.
    pub(crate) fn into_header(self) -> Vec<String> {
        self.header
    }

    fn new(
        file: &InputFile,
        header: &[String],
        layout: Layout,
        profile: &FormatProfile,
    ) -> Result<ColumnMap, BatchError> {
        for (i, h) in header.iter().enumerate() {
            if header[..i].contains(h) {
                return Err(BatchError::File {
                    path: file.path.clone(),
                    message: format!("column {h:?} appears twice in the header"),
                });
            }
        }
        let (optional, all) = (layout.optional, layout.all);
        let mut sources = Vec::with_capacity(all.len());
        for name in all {
            let source = if let Some(c) = profile.constant(name) {
                Source::Constant(c.to_string())
            } else {
                let col = profile.column_for(name);
                match header.iter().position(|h| h == col) {
                    Some(i) => Source::Column(i),
                    None if optional.contains(name) => Source::Absent,
                    None => {
                        let mapped = if col == *name {
                            String::new()
                        } else {
                            format!(" (the format profile names it {col:?})")
                        };
                        return Err(BatchError::File {
                            path: file.path.clone(),
                            message: format!(
                                "the header has no column {name:?}{mapped}; required: {}",
                                layout.required()
                            ),
                        });
                    }
                }
            };
            sources.push(source);
        }
        Ok(ColumnMap {
            names: all,
            sources,
            width: header.len(),
            header: header.to_vec(),
        })
    }
}

/// One row of text fields, read through its file's [`ColumnMap`].
pub struct Record<'a> {
    map: &'a ColumnMap,
    fields: &'a [&'a [u8]],
    /// Where a CSV row starts in its file (`None` for Parquet).
    start: Option<u64>,
    /// Where the last column name was found: parsers read the columns mostly in layout
    /// order, so the next name is looked for from there (one comparison, not a scan).
    cursor: std::cell::Cell<usize>,
}

impl<'a> Record<'a> {
    fn new(map: &'a ColumnMap, fields: &'a [&'a [u8]]) -> Record<'a> {
        Record {
            map,
            fields,
            start: None,
            cursor: std::cell::Cell::new(0),
        }
    }

    /// A CSV row that starts at byte `start` of its file.
    pub(crate) fn at(map: &'a ColumnMap, fields: &'a [&'a [u8]], start: u64) -> Record<'a> {
        Record {
            start: Some(start),
            ..Record::new(map, fields)
        }
    }
}

impl<'a> Record<'a> {
    /// The file's header, as read (a bucket file's without its line column).
    pub fn header(&self) -> &[String] {
        &self.map.header
    }

    /// Where the row starts in its CSV file: the byte the `csv` crate began reading it
    /// at, where a fresh parser reads the same record ([`crate::row_starts`]). `None`
    /// for a Parquet row.
    pub fn start(&self) -> Option<u64> {
        self.start
    }

    /// The row's fields as read, before any column mapping.
    pub fn raw_fields(&self) -> &[&'a [u8]] {
        self.fields
    }

    /// `Err` when the row's field count differs from the header's.
    pub fn check_width(&self) -> Result<(), String> {
        if self.fields.len() == self.map.width {
            Ok(())
        } else {
            Err(format!(
                "the row has {} fields, the header {}",
                self.fields.len(),
                self.map.width
            ))
        }
    }

    fn index(&self, name: &str) -> usize {
        let names = self.map.names;
        let from = self.cursor.get().min(names.len());
        // The parsers name columns with the layouts' own literals, which the compiler
        // usually stores once: the same address is the same name without comparing
        // bytes. Where it does not, the names are compared by text, as before. (The
        // column look-up's comparisons were about 1 % of a 1 M run's samples; the gain
        // of this check was not measured apart, BENCHMARKS.md "Rows read where they
        // lie".)
        if names
            .get(from)
            .is_some_and(|n| std::ptr::eq(n.as_ptr(), name.as_ptr()) && n.len() == name.len())
        {
            self.cursor.set(from + 1);
            return from;
        }
        let (before, after) = names.split_at(from);
        let found = after
            .iter()
            .position(|n| *n == name)
            .map(|i| from + i)
            .or_else(|| before.iter().position(|n| *n == name));
        match found {
            Some(i) => {
                self.cursor.set(i + 1);
                i
            }
            None => usize::MAX,
        }
    }

    /// The text of a canonical column; `Ok(None)` when an optional column is absent
    /// from the file. Errors name the reason (the caller adds the field).
    pub fn get(&self, name: &str) -> Result<Option<&'a str>, String> {
        match self.map.sources.get(self.index(name)) {
            Some(Source::Column(i)) => match self.fields.get(*i) {
                Some(bytes) => std::str::from_utf8(bytes)
                    .map(Some)
                    .map_err(|_| "is not valid UTF-8".to_string()),
                None => Err("is missing (the row is short)".into()),
            },
            // A constant lives as long as the map, which outlives the record.
            Some(Source::Constant(c)) => Ok(Some(c.as_str())),
            Some(Source::Absent) | None => Ok(None),
        }
    }
}

/// The columns a row kind reads.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The optional columns (absent: the parser's documented default).
    pub optional: &'static [&'static str],
    /// Every column, required ones being those not in `optional`.
    pub all: &'static [&'static str],
}

impl Layout {
    /// The required columns, comma-separated (for messages).
    fn required(&self) -> String {
        self.all
            .iter()
            .filter(|c| !self.optional.contains(c))
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Calls `f(line, record)` for every data row of `file`, in file order, and returns the
/// header. Errors are whole-file problems (unreadable, no header, a required column
/// missing); row problems are the caller's to turn into rejects.
pub fn for_each_row(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    mut f: impl FnMut(u64, &Record<'_>),
) -> Result<Vec<String>, BatchError> {
    if let Some(rows) = &file.rows {
        return row_starts::for_each_row(file, rows, layout, profile, &mut f);
    }
    match file.format {
        FileFormat::Csv => read_csv(file, layout, profile, &mut f),
        FileFormat::Parquet => read_parquet(file, layout, profile, &mut f),
    }
}

fn read_csv(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    f: &mut dyn FnMut(u64, &Record<'_>),
) -> Result<Vec<String>, BatchError> {
    let handle = File::open(&file.path).map_err(|e| BatchError::io(&file.path, e))?;
    read_csv_from(
        file,
        BufReader::with_capacity(1 << 20, handle),
        layout,
        profile,
        f,
    )
}

/// The CSV rows of in-memory bytes, as if read from a file called `name` (the fuzz
/// targets' entry point; the same reader as files use).
pub fn for_each_csv_row_in(
    name: &str,
    bytes: &[u8],
    layout: Layout,
    profile: &FormatProfile,
    mut f: impl FnMut(u64, &Record<'_>),
) -> Result<Vec<String>, BatchError> {
    let file = InputFile::new(PathBuf::from(name), FileFormat::Csv);
    read_csv_from(&file, bytes, layout, profile, &mut f)
}

/// The header of a CSV file, read from `reader`: the column map and whether the file is
/// a bucket file (each row's line in a leading [`LINE_COLUMN`]).
fn csv_header<R: std::io::Read>(
    file: &InputFile,
    reader: &mut CsvReader<R>,
    layout: Layout,
    profile: &FormatProfile,
) -> Result<(ColumnMap, bool), BatchError> {
    let mut record = csv::ByteRecord::new();
    let got = reader
        .read_byte_record(&mut record)
        .map_err(|e| BatchError::File {
            path: file.path.clone(),
            message: format!("line 1 (header): {e}"),
        })?;
    if !got {
        return Err(BatchError::File {
            path: file.path.clone(),
            message: "the file is empty: no header row".into(),
        });
    }
    let mut header = Vec::with_capacity(record.len());
    for (i, h) in record.iter().enumerate() {
        let h = if i == 0 {
            h.strip_prefix(b"\xef\xbb\xbf").unwrap_or(h)
        } else {
            h
        };
        let h = std::str::from_utf8(h).map_err(|_| BatchError::File {
            path: file.path.clone(),
            message: "line 1 (header) is not valid UTF-8 (inputs are UTF-8)".into(),
        })?;
        header.push(h.trim().to_string());
    }
    // A bucket file: its first column is each row's original line.
    let bucket = file.origin.is_some() && header.first().is_some_and(|h| h == LINE_COLUMN);
    let map = ColumnMap::new(file, &header[usize::from(bucket)..], layout, profile)?;
    Ok((map, bucket))
}

/// The column map of a CSV file's header, read from the file's bytes (a file read in
/// place, [`crate::row_starts`]).
pub(crate) fn csv_columns(
    file: &InputFile,
    bytes: &[u8],
    layout: Layout,
    profile: &FormatProfile,
) -> Result<ColumnMap, BatchError> {
    csv_head(file, bytes, layout, profile).map(|(map, _, _)| map)
}

/// The header of a CSV file held in `bytes`: its column map, whether the file is a
/// bucket file (each row's line in a leading [`LINE_COLUMN`]), and the byte the first
/// data row starts at (as the `csv` crate places it: right after the header's line end).
pub(crate) fn csv_head(
    file: &InputFile,
    bytes: &[u8],
    layout: Layout,
    profile: &FormatProfile,
) -> Result<(ColumnMap, bool, usize), BatchError> {
    let mut reader = csv_reader(bytes, profile);
    let (map, bucket) = csv_header(file, &mut reader, layout, profile)?;
    let body = usize::try_from(reader.position().byte()).unwrap_or(bytes.len());
    Ok((map, bucket, body.min(bytes.len())))
}

/// The input of a CSV reader, noting where lines end, so that a record's line is the one
/// an editor shows.
///
/// The `csv` crate's record positions do not give that line: it counts lines by `\n`
/// alone, ends a record at a lone `\r` too without counting a line (two records could
/// share a line number — found by the `reconcile_rows` fuzz target), and places a
/// record where it started reading it, before the terminators it skips: a row after a
/// `\r\n` (every row of a Windows file, from the first data row, which was reported as
/// the header's line 1) or after a blank line was reported a line too early. A row is
/// named by its file and line (and "first" is decided by them), so here `\n`, `\r\n`
/// and a lone `\r` each end one line, and [`LineEnds::line_of`] counts them up to the
/// record's first byte. Only the line ends ahead of the last record asked about are
/// kept: the reader's buffer's worth.
struct LineEnds<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// The last byte read was a `\r`, at `offset - 1`, whose next byte is unread.
    pending_cr: bool,
    /// Every `\r` and `\n` read and not yet behind a record asked about: its offset and
    /// whether it ends a line (a `\n`, or a `\r` not followed by `\n`).
    breaks: std::collections::VecDeque<(u64, bool)>,
    /// Line ends behind the last record asked about.
    ended: u64,
}

impl<R> LineEnds<R> {
    fn new(inner: R) -> LineEnds<R> {
        LineEnds {
            inner,
            offset: 0,
            pending_cr: false,
            breaks: std::collections::VecDeque::new(),
            ended: 0,
        }
    }

    /// The line of a record the `csv` crate places at byte `byte` (records are asked
    /// about in file order): one more than the line ends before its first byte, which
    /// is the first byte from `byte` on that is not a skipped `\r` or `\n`.
    fn line_of(&mut self, byte: u64) -> u64 {
        let mut next = byte;
        while let Some(&(at, ends)) = self.breaks.front() {
            if at < byte || at == next {
                next += u64::from(at == next);
                self.ended += u64::from(ends);
                self.breaks.pop_front();
            } else {
                break;
            }
        }
        self.ended + 1
    }
}

impl<R: std::io::Read> std::io::Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        if self.pending_cr && n > 0 {
            self.breaks.push_back((self.offset - 1, got[0] != b'\n'));
            self.pending_cr = false;
        }
        for i in memchr::memchr2_iter(b'\r', b'\n', got) {
            let at = self.offset + i as u64;
            match (got[i], got.get(i + 1)) {
                (b'\n', _) => self.breaks.push_back((at, true)),
                (_, Some(next)) => self.breaks.push_back((at, *next != b'\n')),
                (_, None) => self.pending_cr = true,
            }
        }
        if n == 0 && self.pending_cr {
            // The end of the input: a last `\r` is lone.
            self.breaks.push_back((self.offset - 1, true));
            self.pending_cr = false;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

type CsvReader<R> = csv::Reader<LineEnds<R>>;

fn csv_reader<R: std::io::Read>(input: R, profile: &FormatProfile) -> CsvReader<R> {
    csv::ReaderBuilder::new()
        .delimiter(profile.delimiter())
        .flexible(true)
        .has_headers(false)
        .from_reader(LineEnds::new(input))
}

/// Reads the next data record into `record`: `Ok(Some((line, start)))` with the line
/// rejects show and the byte the record starts at, `Ok(None)` at the end of the file.
/// Blank lines are passed over.
fn next_csv_record<R: std::io::Read>(
    file: &InputFile,
    reader: &mut CsvReader<R>,
    record: &mut csv::ByteRecord,
    bucket: bool,
) -> Result<Option<(u64, u64)>, BatchError> {
    loop {
        match reader.read_byte_record(record) {
            Ok(false) => return Ok(None),
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte());
                let line = reader.get_mut().line_of(start);
                if bucket {
                    return record
                        .get(0)
                        .and_then(|v| std::str::from_utf8(v).ok())
                        .and_then(|v| v.parse().ok())
                        .map(|line| Some((line, start)))
                        .ok_or_else(|| BatchError::File {
                            path: file.path.clone(),
                            message: format!("line {line}: no original line number"),
                        });
                } else if record.len() == 1 && record.get(0).is_some_and(|v| v.is_empty()) {
                    continue; // a blank line
                }
                return Ok(Some((line, start)));
            }
            Err(e) => {
                // The csv crate reports malformed UTF-8 only for string records and
                // otherwise only I/O errors: both end the file.
                return Err(BatchError::File {
                    path: file.path.clone(),
                    message: format!("{e}"),
                });
            }
        }
    }
}

fn read_csv_from(
    file: &InputFile,
    input: impl std::io::Read,
    layout: Layout,
    profile: &FormatProfile,
    f: &mut dyn FnMut(u64, &Record<'_>),
) -> Result<Vec<String>, BatchError> {
    let mut reader = csv_reader(input, profile);
    let (map, bucket) = csv_header(file, &mut reader, layout, profile)?;
    let skip = usize::from(bucket);
    let mut record = csv::ByteRecord::new();
    while let Some((line, start)) = next_csv_record(file, &mut reader, &mut record, bucket)? {
        let fields: Vec<&[u8]> = record.iter().skip(skip).collect();
        f(line, &Record::at(&map, &fields, start));
    }
    Ok(map.header)
}

/// [`for_each_row`] on more than one core: `parse(line, record)` for every data row of
/// `file`, then `take` of each answer in file order. A CSV file is cut into chunks
/// parsed on every core and checked against each other ([`crate::csv_chunks`], so
/// quoting, blank lines and line numbers are exactly [`for_each_row`]'s), and the
/// answers of one window of chunks are taken while the next is parsed; a Parquet file is
/// read a slice at a time as [`for_each_row`] reads it, and each slice's rows are parsed
/// on every core. Errors are [`for_each_row`]'s.
pub fn map_rows<T: Send>(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    parse: impl Fn(u64, &Record<'_>) -> T + Sync,
    mut take: impl FnMut(T) + Send,
) -> Result<Vec<String>, BatchError> {
    if let Some(rows) = &file.rows {
        return row_starts::fold_rows(
            file,
            rows,
            layout,
            profile,
            Vec::new,
            |out, line, rec| out.push(parse(line, rec)),
            |chunk| chunk.into_iter().for_each(&mut take),
        );
    }
    match file.format {
        FileFormat::Parquet => fold_parquet_chunks(
            file,
            layout,
            profile,
            || Vec::with_capacity(PARQUET_PARSE_CHUNK),
            |out, line, rec| out.push(parse(line, rec)),
            |chunk| chunk.into_iter().for_each(&mut take),
        ),
        FileFormat::Csv => crate::csv_chunks::fold_chunks(
            file,
            layout,
            profile,
            // Room for a chunk of rows of 128 bytes or more (the inputs' rows are 60 to
            // 150): a chunk's answers are not copied as they grow.
            || Vec::with_capacity(crate::csv_chunks::CHUNK_BYTES / 128),
            |out, line, rec| out.push(parse(line, rec)),
            |chunk| chunk.into_iter().for_each(&mut take),
        ),
    }
}

/// [`map_rows`] for answers gathered a chunk of rows at a time: the rows of `file` are
/// cut into chunks of consecutive rows, each chunk's rows are folded, in file order,
/// into an accumulator made by `init`, on every core, and `take` gets the accumulators
/// in file order. For answers smaller than a value per row — the bucket pass renders a
/// chunk's rows into one buffer per bucket, not one per row. Errors are
/// [`for_each_row`]'s.
pub fn fold_row_chunks<A: Send>(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    init: impl Fn() -> A + Sync,
    fold: impl Fn(&mut A, u64, &Record<'_>) + Sync,
    take: impl FnMut(A) + Send,
) -> Result<Vec<String>, BatchError> {
    if let Some(rows) = &file.rows {
        return row_starts::fold_rows(file, rows, layout, profile, init, fold, take);
    }
    match file.format {
        FileFormat::Parquet => fold_parquet_chunks(file, layout, profile, init, fold, take),
        FileFormat::Csv => crate::csv_chunks::fold_chunks(file, layout, profile, init, fold, take),
    }
}

/// The Parquet side of [`fold_row_chunks`]: each slice's rows are folded on every core
/// in chunks of [`PARQUET_PARSE_CHUNK`] rows, and taken in order.
fn fold_parquet_chunks<A: Send>(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    init: impl Fn() -> A + Sync,
    fold: impl Fn(&mut A, u64, &Record<'_>) + Sync,
    mut take: impl FnMut(A),
) -> Result<Vec<String>, BatchError> {
    parquet_text_slices(file, layout, profile, &mut |map, offset, height, cols| {
        use rayon::prelude::*;
        let parts: Vec<A> = (0..height.div_ceil(PARQUET_PARSE_CHUNK))
            .into_par_iter()
            .map(|k| {
                let start = k * PARQUET_PARSE_CHUNK;
                let rows = start..(start + PARQUET_PARSE_CHUNK).min(height);
                let mut acc = init();
                parquet_rows(map, offset, cols, rows, &mut |line, rec| {
                    fold(&mut acc, line, rec)
                });
                acc
            })
            .collect();
        parts.into_iter().for_each(&mut take);
        Ok(())
    })
}

/// Bytes of a CSV file's start that [`row_estimate`] counts lines in.
const ESTIMATE_SAMPLE: usize = 1 << 16;

/// About how many data rows `file` holds, for reserving memory before reading it: a
/// Parquet file's row count from its metadata, a CSV file's length over the mean line
/// length of its first [`ESTIMATE_SAMPLE`] bytes. Zero when it cannot tell (unreadable
/// file, no line in the sample); the reader reports any error itself. Only ever a
/// capacity: an estimate off either way costs memory or one reallocation, not rows.
pub fn row_estimate(file: &InputFile) -> usize {
    use std::io::Read;
    if let Some(rows) = &file.rows {
        return rows.len();
    }
    let Ok(mut handle) = File::open(&file.path) else {
        return 0;
    };
    match file.format {
        FileFormat::Parquet => ParquetReader::new(handle)
            .get_metadata()
            .map_or(0, |m| m.num_rows),
        FileFormat::Csv => {
            let len = handle.metadata().map_or(0, |m| m.len());
            let mut sample = Vec::with_capacity(ESTIMATE_SAMPLE);
            if handle
                .by_ref()
                .take(ESTIMATE_SAMPLE as u64)
                .read_to_end(&mut sample)
                .is_err()
            {
                return 0;
            }
            let lines = sample.iter().filter(|&&b| b == b'\n').count() as u64;
            match (lines, sample.len() as u64) {
                (0, _) | (_, 0) => 0,
                (lines, read) => usize::try_from(len.saturating_mul(lines) / read).unwrap_or(0),
            }
        }
    }
}

/// Rows per slice of a Parquet file: the file is read a slice at a time, so memory
/// holds one slice's text, not the file's. Slices follow the file's row groups (whole
/// row groups up to this many rows; a larger row group in pieces of this size).
const PARQUET_SLICE: usize = 1 << 17;

/// `(offset, length)` of the slices a file with these row-group sizes is read in.
fn parquet_slices(row_groups: impl IntoIterator<Item = usize>) -> Vec<(usize, usize)> {
    let mut slices = Vec::new();
    let (mut start, mut len) = (0, 0);
    for n in row_groups {
        if len > 0 && len + n > PARQUET_SLICE {
            slices.push((start, len));
            start += len;
            len = 0;
        }
        len += n;
        while len > PARQUET_SLICE {
            slices.push((start, PARQUET_SLICE));
            start += PARQUET_SLICE;
            len -= PARQUET_SLICE;
        }
    }
    if len > 0 {
        slices.push((start, len));
    }
    slices
}

/// What [`parquet_text_slices`] calls per slice: `(map, offset, height, columns)`.
type SliceFn<'a> =
    dyn FnMut(&ColumnMap, usize, usize, &[&StringChunked]) -> Result<(), BatchError> + 'a;

/// The text columns of a Parquet file, a slice at a time: `per_slice(map, offset,
/// height, columns)` for each slice in file order, `offset` its first row's index.
fn parquet_text_slices(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    per_slice: &mut SliceFn<'_>,
) -> Result<Vec<String>, BatchError> {
    let bad = |e: PolarsError| BatchError::File {
        path: file.path.clone(),
        message: format!("cannot read Parquet: {e}"),
    };
    let open = || File::open(&file.path).map_err(|e| BatchError::io(&file.path, e));
    let metadata = ParquetReader::new(open()?)
        .get_metadata()
        .map_err(bad)?
        .clone();
    let mut slices = parquet_slices(metadata.row_groups.iter().map(|rg| rg.num_rows()));
    if slices.is_empty() {
        slices.push((0, 0)); // no rows: the header still has to be checked
    }
    let mut map: Option<ColumnMap> = None;
    for (offset, len) in slices {
        let mut reader = ParquetReader::new(open()?);
        reader.set_metadata(metadata.clone());
        let df = reader
            .with_slice(Some((offset, len.max(1))))
            .finish()
            .map_err(bad)?;
        let map = match &map {
            Some(m) => m,
            None => {
                let header: Vec<String> = df
                    .get_column_names()
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                map.insert(ColumnMap::new(file, &header, layout, profile)?)
            }
        };
        let mut text = Vec::with_capacity(df.width());
        for c in df.columns() {
            text.push(c.cast(&DataType::String).map_err(bad)?);
        }
        let cols: Vec<&StringChunked> = text
            .iter()
            .map(|c| c.str())
            .collect::<Result<_, _>>()
            .map_err(bad)?;
        per_slice(map, offset, df.height(), &cols)?;
    }
    Ok(map.map(|m| m.header).unwrap_or_default())
}

/// `f(line, record)` for the rows `rows` of one slice's columns (see
/// [`parquet_text_slices`]); a Parquet row's line is its number from 1.
fn parquet_rows(
    map: &ColumnMap,
    offset: usize,
    cols: &[&StringChunked],
    rows: std::ops::Range<usize>,
    f: &mut dyn FnMut(u64, &Record<'_>),
) {
    // One iterator per column, advanced a row at a time: a cell by index would search
    // the slice's chunks for every field. A column slice is a view, not a copy.
    let start = i64::try_from(rows.start).unwrap_or(i64::MAX);
    let sliced: Vec<StringChunked> = cols.iter().map(|c| c.slice(start, rows.len())).collect();
    let mut iters: Vec<_> = sliced.iter().map(|c| c.iter()).collect();
    let mut fields: Vec<&[u8]> = Vec::with_capacity(cols.len());
    for row in rows {
        fields.clear();
        for it in &mut iters {
            fields.push(it.next().flatten().map_or(&b""[..], str::as_bytes));
        }
        f((offset + row) as u64 + 1, &Record::new(map, &fields));
    }
}

fn read_parquet(
    file: &InputFile,
    layout: Layout,
    profile: &FormatProfile,
    f: &mut dyn FnMut(u64, &Record<'_>),
) -> Result<Vec<String>, BatchError> {
    parquet_text_slices(file, layout, profile, &mut |map, offset, height, cols| {
        parquet_rows(map, offset, cols, 0..height, f);
        Ok(())
    })
}

/// Rows per task when [`map_rows`] parses a Parquet slice on every core.
const PARQUET_PARSE_CHUNK: usize = 1 << 12;

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: Layout = Layout {
        optional: &["note"],
        all: &["id", "note"],
    };

    /// What a reader gives of each row: its line and its fields as text.
    fn seen(line: u64, rec: &Record<'_>) -> (u64, Vec<String>) {
        let fields = rec.raw_fields().iter();
        (
            line,
            fields.map(|f| String::from_utf8_lossy(f).into()).collect(),
        )
    }

    #[test]
    fn map_rows_gives_for_each_rows_rows_and_lines_across_batches() {
        // More than three chunks, with quoted fields spanning lines (some across a
        // chunk's end), blank lines, ragged rows and invalid UTF-8.
        let mut text = b"id,note\n".to_vec();
        for i in 0.. {
            if text.len() > 3 * crate::csv_chunks::CHUNK_BYTES + 777 {
                break;
            }
            match i % 7 {
                0 => text.extend(format!("{i},\"two\nlines, \"\"quoted\"\"\"\n").as_bytes()),
                1 => text.extend(b"\n"),
                2 => text.extend(format!("{i}\n").as_bytes()),
                3 => text.extend(format!("{i},a,b\r\n").as_bytes()),
                4 => text.extend(b"\xff\xfe,x\n"),
                _ => text.extend(format!("{i},plain\n").as_bytes()),
            }
        }
        let profile = FormatProfile::canonical();
        let mut expected = Vec::new();
        for_each_csv_row_in("t.csv", &text, LAYOUT, &profile, |l, r| {
            expected.push(seen(l, r))
        })
        .expect("sequential");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &text).expect("write");
        let file = InputFile::new(path, FileFormat::Csv);
        let mut got = Vec::new();
        let header = map_rows(&file, LAYOUT, &profile, seen, |r| got.push(r)).expect("parallel");
        assert_eq!(header, ["id", "note"]);
        assert!(expected.len() > 100_000);
        assert_eq!(got, expected);
        assert_eq!(expected[0].0, 2);
        assert_eq!(folded_chunks(&file, &profile), expected);
    }

    /// The rows [`fold_row_chunks`] gives, chunk after chunk, checking that every chunk
    /// holds consecutive rows, at most a chunk's worth.
    fn folded_chunks(file: &InputFile, profile: &FormatProfile) -> Vec<(u64, Vec<String>)> {
        let mut chunks: Vec<Vec<(u64, Vec<String>)>> = Vec::new();
        fold_row_chunks(
            file,
            LAYOUT,
            profile,
            Vec::new,
            |acc, l, r| acc.push(seen(l, r)),
            |c| chunks.push(c),
        )
        .expect("folded");
        assert!(chunks.len() > 1, "more than one chunk");
        for c in &chunks {
            let most = crate::csv_chunks::CHUNK_BYTES.max(PARQUET_PARSE_CHUNK);
            assert!(!c.is_empty() && c.len() <= most);
        }
        chunks.into_iter().flatten().collect()
    }

    #[test]
    fn map_rows_gives_for_each_rows_rows_and_lines_of_a_parquet_file() {
        // More rows than a slice (and than many parse chunks), in several row groups,
        // with nulls, so slices, chunk ends and row-group ends all fall inside the file.
        let n = PARQUET_SLICE + 3 * PARQUET_PARSE_CHUNK + 17;
        let ids: Vec<String> = (0..n).map(|i| format!("id{i}")).collect();
        let notes: Vec<Option<String>> = (0..n)
            .map(|i| (i % 5 != 0).then(|| format!("note {i}")))
            .collect();
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new("id".into(), ids),
                Column::new("note".into(), notes),
            ],
        )
        .expect("frame");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.parquet");
        let f = File::create(&path).expect("create");
        ParquetWriter::new(f)
            .with_row_group_size(Some(50_000))
            .finish(&mut df)
            .expect("parquet");
        let file = InputFile::new(path, FileFormat::Parquet);
        let profile = FormatProfile::canonical();
        let mut expected = Vec::new();
        for_each_row(&file, LAYOUT, &profile, |l, r| expected.push(seen(l, r))).expect("rows");
        let mut got = Vec::new();
        let header = map_rows(&file, LAYOUT, &profile, seen, |r| got.push(r)).expect("parallel");
        assert_eq!(header, ["id", "note"]);
        assert_eq!(expected.len(), n);
        assert_eq!(got, expected);
        assert_eq!(expected[0], (1, vec!["id0".to_string(), String::new()]));
        assert_eq!(expected[n - 1].0, n as u64);
        assert_eq!(folded_chunks(&file, &profile), expected);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        // CR, CRLF and LF line ends, a lone CR at the end of a read buffer's worth of
        // text, and one inside a quoted field: lines are an editor's, and never repeat.
        let long = "x".repeat((1 << 20) - 12);
        let text = format!("id,note\r1,a\r\n2,b\n3,\"c\rd\"\r4,{long}\r5,e\n6,f\r");
        let profile = FormatProfile::canonical();
        let mut lines = Vec::new();
        for_each_csv_row_in("t.csv", text.as_bytes(), LAYOUT, &profile, |l, r| {
            lines.push((l, String::from_utf8_lossy(r.raw_fields()[0]).into_owned()))
        })
        .expect("rows");
        let want: Vec<(u64, String)> = [(2, "1"), (3, "2"), (4, "3"), (6, "4"), (7, "5"), (8, "6")]
            .map(|(l, id)| (l, id.to_string()))
            .into();
        assert_eq!(lines, want);
        // The file reader and the parallel reader count the same.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &text).expect("write");
        let file = InputFile::new(path, FileFormat::Csv);
        let mut got = Vec::new();
        map_rows(&file, LAYOUT, &profile, |l, _| l, |l| got.push(l)).expect("parallel");
        assert_eq!(got, want.iter().map(|w| w.0).collect::<Vec<_>>());
        // Windows line ends: the first data row is line 2, not the header's line 1.
        let mut lines = Vec::new();
        let crlf = b"id,note\r\n1,a\r\n\r\n2,b\r\n\n\n3,c\n";
        for_each_csv_row_in("t.csv", crlf, LAYOUT, &profile, |l, _| lines.push(l)).expect("rows");
        assert_eq!(lines, [2, 4, 7], "after CRLF and blank lines");
    }

    #[test]
    fn row_estimate_is_near_the_row_count_and_zero_when_it_cannot_tell() {
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = dir.path().join("t.csv");
        let mut text = b"id,note\n".to_vec();
        for i in 0..20_000 {
            text.extend(format!("{i},note {}\n", "x".repeat(i % 13)).as_bytes());
        }
        std::fs::write(&csv, &text).expect("write");
        let n = row_estimate(&InputFile::new(csv, FileFormat::Csv));
        assert!(
            (18_000..22_000).contains(&n),
            "{n} rows estimated for 20,000"
        );

        let mut df =
            DataFrame::new(3, vec![Column::new("id".into(), ["a", "b", "c"])]).expect("frame");
        let parquet = dir.path().join("t.parquet");
        ParquetWriter::new(File::create(&parquet).expect("create"))
            .finish(&mut df)
            .expect("parquet");
        assert_eq!(
            row_estimate(&InputFile::new(parquet, FileFormat::Parquet)),
            3
        );

        let one_line = dir.path().join("one.csv");
        std::fs::write(&one_line, "id,note").expect("write");
        assert_eq!(row_estimate(&InputFile::new(one_line, FileFormat::Csv)), 0);
        let missing = dir.path().join("missing.csv");
        assert_eq!(row_estimate(&InputFile::new(missing, FileFormat::Csv)), 0);
    }

    #[test]
    fn parquet_slices_cover_every_row_once_along_row_groups() {
        let s = PARQUET_SLICE;
        assert_eq!(parquet_slices([]), vec![]);
        assert_eq!(parquet_slices([10, 20]), vec![(0, 30)]);
        // Whole row groups up to a slice's worth; a larger one in pieces.
        assert_eq!(
            parquet_slices([s - 1, 2, 2 * s + 5, 3]),
            vec![
                (0, s - 1),
                (s - 1, 2),
                (s + 1, s),
                (2 * s + 1, s),
                (3 * s + 1, 8)
            ]
        );
        for groups in [vec![1; 1000], vec![s; 3], vec![s + 1, s - 1, 7, 0, s / 2]] {
            let total: usize = groups.iter().sum();
            let slices = parquet_slices(groups);
            let mut at = 0;
            for (offset, len) in slices {
                assert_eq!(offset, at);
                assert!(len > 0 && len <= s);
                at += len;
            }
            assert_eq!(at, total);
        }
    }
}
