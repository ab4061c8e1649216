//! One CSV record parsed from its first byte, exactly as the `csv` crate reads it there.
//!
//! **Design decision.** Most rows of a real export hold no quote at all, and for such a
//! row CSV is only bytes between delimiters up to a line end. [`RowParser`] cuts those
//! rows with `memchr`'s vector searches (the line end, one look for a quote, then the
//! delimiters) and hands out their fields as slices of the input, not copies. A row with
//! a quote anywhere before its line end — the only rows where quoting can change a
//! field or move the record's end — is parsed by `csv_core`, the `csv` crate's own
//! parser, from a fresh state (the state the crate's reader is in at every record
//! start). At 10 M parcels `csv_core` was the largest single cost of a reconciliation
//! (about 9 % of its CPU time) and the line counts after it another 5 %
//! (BENCHMARKS.md, "Quote-free rows cut without csv_core"). A property test holds the
//! two ways to the same fields, bytes taken and line ends on arbitrary bytes.
//!
//! The `csv_core` rules the quick way reproduces (with the default terminator):
//! `\r` and `\n` bytes before a record are blank lines, skipped; a record ends at its
//! first `\r` or `\n` (the `\n` of a `\r\n` is then skipped as the next record's blank
//! start) or at the end of the input; with no quote, the delimiter is the only other
//! byte that means anything.

use memchr::memchr_iter;

use crate::swar::{splat, zero_bytes};

/// What [`RowParser::parse`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// How many fields the record has.
    pub fields: usize,
    /// The bytes it took: where the next record starts.
    pub used: usize,
    /// The line ends before its first byte (blank lines, and the `\n` of the `\r\n`
    /// that ended the record before): its line is the line these put it on.
    pub blank_ends: u64,
    /// The line ends in all the bytes it took, as [`line_ends`] counts them.
    pub line_ends: u64,
}

/// The line ends in `bytes[from..to]`: each `\n`, and each `\r` not followed by `\n`
/// (`\r\n` ends one line; the byte after `to` is looked at) — the ends
/// [`crate::source`]'s serial reader counts for an editor's line.
pub(crate) fn line_ends(bytes: &[u8], from: usize, to: usize) -> u64 {
    let part = &bytes[from..to];
    let lf = memchr_iter(b'\n', part).count();
    let lone_cr = memchr_iter(b'\r', part)
        .filter(|&i| bytes.get(from + i + 1) != Some(&b'\n'))
        .count();
    (lf + lone_cr) as u64
}

/// A `csv_core` parser and the buffers of the last record, reused from row to row.
pub(crate) struct RowParser {
    core: csv_core::Reader,
    delimiter: u8,
    /// The quick way applies: a delimiter that is not a quote or a line end.
    quick: bool,
    /// `csv_core`'s copy of the last quoted record's fields, and where each ends.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The last quote-free record's fields, as ranges of its input.
    spans: Vec<(usize, usize)>,
    /// Whether the last record was quote-free (its fields are `spans`).
    last_quick: bool,
}

impl RowParser {
    pub(crate) fn new(delimiter: u8) -> RowParser {
        RowParser {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            quick: !matches!(delimiter, b'"' | b'\r' | b'\n'),
            out: vec![0; 1 << 10],
            ends: vec![0; 64],
            spans: Vec::with_capacity(64),
            last_quick: false,
        }
    }

    /// Parses the record that starts at `bytes[0]` (the rest of the file follows it),
    /// or `None` when no record starts there (only line ends are left). Its fields are
    /// then [`RowParser::fields`].
    pub(crate) fn parse(&mut self, bytes: &[u8]) -> Option<Parsed> {
        if self.quick {
            if let Some(p) = self.parse_quote_free(bytes) {
                return p;
            }
        }
        self.last_quick = false;
        let (fields, used) = self.parse_core(bytes)?;
        let blank = bytes[..used]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        Some(Parsed {
            fields,
            used,
            blank_ends: line_ends(bytes, 0, blank),
            line_ends: line_ends(bytes, 0, used),
        })
    }

    /// The quick way: `None` when the record holds a quote (`csv_core` must read it),
    /// else what [`RowParser::parse`] answers.
    fn parse_quote_free(&mut self, bytes: &[u8]) -> Option<Option<Parsed>> {
        let (mut blank, mut blank_ends) = (0, 0u64);
        while let Some(&b) = bytes.get(blank) {
            match b {
                b'\n' => blank_ends += 1,
                b'\r' if bytes.get(blank + 1) != Some(&b'\n') => blank_ends += 1,
                b'\r' => {}
                _ => break,
            }
            blank += 1;
        }
        if blank == bytes.len() {
            return Some(None);
        }
        let Some((line_end, stop)) = self.cut(bytes, blank) else {
            return None; // a quote: csv_core reads the record
        };
        let (used, end_is_line_end) = match stop {
            Some(b'\n') => (line_end + 1, true),
            Some(_) => (line_end + 1, bytes.get(line_end + 1) != Some(&b'\n')),
            None => (line_end, false),
        };
        self.last_quick = true;
        Some(Some(Parsed {
            fields: self.spans.len(),
            used,
            blank_ends,
            line_ends: blank_ends + u64::from(end_is_line_end),
        }))
    }

    /// Cuts the quote-free record that starts at `bytes[from]` into [`RowParser::spans`]
    /// up to its line end: returns where the line ends and the byte that ends it (`None`
    /// at the end of the input), or `None` when a quote comes first.
    ///
    /// Eight bytes at a time ([`crate::swar`]): a mask per byte class marks the
    /// delimiters and the first quote or line end of each word. On the registry of the
    /// benchmark this cuts about 2.6 GB/s against `csv_core`'s 1.1 GB/s (one core;
    /// `memchr` per field was 1.4 GB/s, its calls too short to pay).
    fn cut(&mut self, bytes: &[u8], from: usize) -> Option<(usize, Option<u8>)> {
        let (delimiter, quote, cr, lf) = (
            splat(self.delimiter),
            splat(b'"'),
            splat(b'\r'),
            splat(b'\n'),
        );
        self.spans.clear();
        let (mut start, mut i) = (from, from);
        let mut words = bytes[from..].chunks_exact(8);
        for word in words.by_ref() {
            let v = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            let stop = zero_bytes(v ^ quote) | zero_bytes(v ^ cr) | zero_bytes(v ^ lf);
            let mut delimiters = zero_bytes(v ^ delimiter);
            let k = (stop.trailing_zeros() / 8) as usize; // 8: no stop in this word
            if k < 8 {
                delimiters &= (1u64 << (k * 8)) - 1;
            }
            while delimiters != 0 {
                let j = i + (delimiters.trailing_zeros() / 8) as usize;
                self.spans.push((start, j));
                start = j + 1;
                delimiters &= delimiters - 1;
            }
            if k < 8 {
                let end = i + k;
                if bytes[end] == b'"' {
                    return None;
                }
                self.spans.push((start, end));
                return Some((end, Some(bytes[end])));
            }
            i += 8;
        }
        for (j, &b) in words.remainder().iter().enumerate() {
            let at = i + j;
            match b {
                b'"' => return None,
                b'\r' | b'\n' => {
                    self.spans.push((start, at));
                    return Some((at, Some(b)));
                }
                _ if b == self.delimiter => {
                    self.spans.push((start, at));
                    start = at + 1;
                }
                _ => {}
            }
        }
        self.spans.push((start, bytes.len()));
        Some((bytes.len(), None))
    }

    /// `csv_core`'s read of the record at `bytes[0]`: its field count and the bytes it
    /// took.
    fn parse_core(&mut self, bytes: &[u8]) -> Option<(usize, usize)> {
        use csv_core::ReadRecordResult as R;
        self.core.reset();
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            // An empty input is the end of the file: it completes a last record that has
            // no line end.
            let (res, i, o, e) =
                self.core
                    .read_record(&bytes[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {}
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => return Some((nend, nin)),
                R::End => return None,
            }
        }
    }

    /// The fields of the record the last [`RowParser::parse`] of `bytes` read, `n` of
    /// them: slices of `bytes` for a quote-free record, of the parser's copy otherwise.
    pub(crate) fn fields<'a>(&'a self, bytes: &'a [u8], n: usize, into: &mut Vec<&'a [u8]>) {
        into.clear();
        if self.last_quick {
            into.extend(self.spans[..n].iter().map(|&(s, e)| &bytes[s..e]));
        } else {
            let mut start = 0;
            for &end in &self.ends[..n] {
                into.push(&self.out[start..end]);
                start = end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `csv_core`'s answer alone, the quick way turned off.
    fn by_core(bytes: &[u8], delimiter: u8) -> Option<(Parsed, Vec<Vec<u8>>)> {
        let mut p = RowParser::new(delimiter);
        p.quick = false;
        let parsed = p.parse(bytes)?;
        let mut fields = Vec::new();
        p.fields(bytes, parsed.fields, &mut fields);
        Some((parsed, fields.into_iter().map(<[u8]>::to_vec).collect()))
    }

    fn by_parser(p: &mut RowParser, bytes: &[u8]) -> Option<(Parsed, Vec<Vec<u8>>)> {
        let parsed = p.parse(bytes)?;
        let mut fields = Vec::new();
        p.fields(bytes, parsed.fields, &mut fields);
        Some((parsed, fields.into_iter().map(<[u8]>::to_vec).collect()))
    }

    #[test]
    fn a_quote_free_row_is_cut_at_its_delimiters_and_line_end() {
        let bytes = b"\n\r\na,,b\r\nc";
        let mut p = RowParser::new(b',');
        let (parsed, fields) = by_parser(&mut p, bytes).expect("a record");
        assert!(p.last_quick);
        assert_eq!(fields, vec![b"a".to_vec(), Vec::new(), b"b".to_vec()]);
        // Two blank lines before it; its `\r` is not a line end of its own (its `\n`
        // is the next record's blank start).
        assert_eq!(
            parsed,
            Parsed {
                fields: 3,
                used: 8,
                blank_ends: 2,
                line_ends: 2
            }
        );
        assert_eq!(by_core(bytes, b','), Some((parsed, fields)));
    }

    #[test]
    fn a_quoted_row_goes_to_csv_core() {
        let bytes = b"a,\"b\nc\",d\ne";
        let mut p = RowParser::new(b',');
        let (parsed, fields) = by_parser(&mut p, bytes).expect("a record");
        assert!(!p.last_quick);
        assert_eq!(fields, vec![b"a".to_vec(), b"b\nc".to_vec(), b"d".to_vec()]);
        assert_eq!((parsed.used, parsed.line_ends), (10, 2));
    }

    #[test]
    fn only_line_ends_left_is_no_record() {
        let mut p = RowParser::new(b',');
        assert_eq!(p.parse(b""), None);
        assert_eq!(p.parse(b"\r\n\n\r"), None);
        assert_eq!(by_core(b"\r\n\n\r", b','), None);
    }

    proptest! {
        /// The quick way answers as `csv_core` does, field for field, on any bytes and
        /// any delimiter (quotes and line ends included), reading record after record.
        #[test]
        fn the_quick_way_reads_what_csv_core_reads(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b','), Just(b';'), Just(b'"'), Just(b'\r'), Just(b'\n'),
                    Just(b'a'), Just(b' '), Just(0xff_u8),
                ],
                0..60,
            ),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'"'), Just(b'\n')],
        ) {
            let mut p = RowParser::new(delimiter);
            let mut at = 0;
            loop {
                let quick = by_parser(&mut p, &bytes[at..]);
                prop_assert_eq!(&quick, &by_core(&bytes[at..], delimiter));
                match quick {
                    Some((parsed, _)) => at += parsed.used,
                    None => break,
                }
            }
        }
    }
}
