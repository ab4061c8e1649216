//! A bucket's sorted tables on disk in the [`Row`]'s own layout, for the final merge.
//!
//! A large run reconciles its buckets one at a time and interleaves their sorted tables
//! ([`crate::bucket`]). Written as CSV, every cell of every bucket was quoted and escaped
//! on the way out and parsed again, on one thread, on the way back — for ten million
//! parcels some 370 million cells, only to be rendered as CSV once more by the sink. A row
//! file stores each row as it is in memory — its cell count, its cell ends and its text,
//! little-endian — so reading it back is a copy, and the merge hands the sink the same
//! rows, in the same order, as an in-memory run: the bytes written do not change (the
//! bucket tests compare them).
//!
//! Layout: the magic `courier-rows 2\n`, then per row `u32 cells`, `u8 width` (1, 2 or
//! 4: the bytes of each cell length in this row, the fewest that hold its longest cell),
//! `cells × width` bytes of cell lengths, then the row's UTF-8 text, all little-endian.
//! Version 1 stored every cell end as a `u32`: for an invoice line's 37 cells, 152 bytes
//! beside some 220 bytes of text, written and read back once per line of a bucketed run;
//! with one-byte lengths it is 42 (BENCHMARKS.md, "The output floor; rounding in one
//! division, smaller rows"). The files live and die inside one run, so the format
//! carries no version negotiation; the magic and the checks in [`Row::from_parts`] turn
//! a truncated or foreign file into an error, not a wrong row.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::direct_io::{BlockReader, BlockWriter};
use crate::error::BatchError;
use crate::table::Row;

const MAGIC: &[u8] = b"courier-rows 2\n";

/// Cells a stored row may have: far above any table's width, low enough that a damaged
/// count cannot ask for gigabytes.
const MAX_CELLS: u32 = 1024;

/// Rows encoded at once by [`write`], in chunks of [`ENCODE_CHUNK`] on every core, then
/// written in order.
const ENCODE_WINDOW: usize = 1 << 16;
const ENCODE_CHUNK: usize = 1 << 11;

/// Writes `rows` to `path`. A bucket's tables are millions of rows: they are encoded on
/// every core, a window at a time (a row's bytes do not depend on the rows before it).
pub(crate) fn write(path: &Path, rows: &[Row]) -> Result<(), BatchError> {
    use rayon::prelude::*;
    let io = |e| BatchError::io(path, e);
    let mut w = BlockWriter::create(path).map_err(io)?;
    w.write_all(MAGIC).map_err(io)?;
    for window in rows.chunks(ENCODE_WINDOW) {
        let parts: Vec<Vec<u8>> = window.par_chunks(ENCODE_CHUNK).map(encode).collect();
        for part in parts {
            w.write_all(&part).map_err(io)?;
        }
    }
    w.finish().map_err(io)
}

/// The stored bytes of consecutive rows.
fn encode(rows: &[Row]) -> Vec<u8> {
    let size = |r: &Row| {
        let (text, ends) = r.parts();
        5 + 4 * ends.len() + text.len()
    };
    let mut out = Vec::with_capacity(rows.iter().map(size).sum());
    for r in rows {
        let (text, ends) = r.parts();
        let lengths = || {
            let mut prev = 0;
            ends.iter().map(move |&e| {
                let len = e - prev;
                prev = e;
                len
            })
        };
        let longest = lengths().max().unwrap_or(0);
        let width: u8 = match longest {
            0..=0xff => 1,
            0x100..=0xffff => 2,
            _ => 4,
        };
        out.extend_from_slice(&(ends.len() as u32).to_le_bytes());
        out.push(width);
        for len in lengths() {
            out.extend_from_slice(&len.to_le_bytes()[..usize::from(width)]);
        }
        out.extend_from_slice(text.as_bytes());
    }
    out
}

/// Reads the rows of a file [`write`] wrote, one at a time.
pub(crate) struct RowReader {
    path: PathBuf,
    r: BlockReader,
}

impl RowReader {
    /// Opens `path` and checks its magic.
    pub(crate) fn open(path: &Path) -> Result<RowReader, BatchError> {
        let mut r = BlockReader::open(path).map_err(|e| BatchError::io(path, e))?;
        let mut magic = [0u8; MAGIC.len()];
        r.read_exact(&mut magic)
            .map_err(|e| BatchError::io(path, e))?;
        let reader = RowReader {
            path: path.to_path_buf(),
            r,
        };
        if magic != MAGIC {
            return Err(reader.bad("not a courier row file"));
        }
        Ok(reader)
    }

    fn bad(&self, what: impl std::fmt::Display) -> BatchError {
        BatchError::Merge(format!("{}: {what}", self.path.display()))
    }

    fn read(&mut self, buf: &mut [u8]) -> Result<(), BatchError> {
        self.r
            .read_exact(buf)
            .map_err(|e| BatchError::io(&self.path, e))
    }

    /// The next row; `None` at the end of the file.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row>, BatchError> {
        let mut first = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            let n = self
                .r
                .read(&mut first[got..])
                .map_err(|e| BatchError::io(&self.path, e))?;
            if n == 0 {
                return if got == 0 {
                    Ok(None)
                } else {
                    Err(self.bad("truncated row"))
                };
            }
            got += n;
        }
        let cells = u32::from_le_bytes(first);
        if cells > MAX_CELLS {
            return Err(self.bad(format!("a row of {cells} cells")));
        }
        let mut width = [0u8; 1];
        self.read(&mut width)?;
        let width = usize::from(width[0]);
        if ![1, 2, 4].contains(&width) {
            return Err(self.bad(format!("a cell length of {width} bytes")));
        }
        // At most MAX_CELLS × 4 bytes.
        let mut lengths = vec![0u8; cells as usize * width];
        self.read(&mut lengths)?;
        let mut ends = Vec::with_capacity(cells as usize);
        let mut end = 0u32;
        for len in lengths.chunks_exact(width) {
            let mut b = [0u8; 4];
            b[..width].copy_from_slice(len);
            end = end
                .checked_add(u32::from_le_bytes(b))
                .ok_or_else(|| self.bad("a row longer than 4 GiB"))?;
            ends.push(end);
        }
        let mut text = vec![0u8; end as usize];
        self.read(&mut text)?;
        let text = String::from_utf8(text).map_err(|_| self.bad("a row that is not UTF-8"))?;
        Row::from_parts(text, ends)
            .map(Some)
            .map_err(|e| self.bad(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Cells;

    #[test]
    fn rows_come_back_as_written_and_damage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.rows");
        let rows = vec![
            Row::from_cells(["a", "", "zł 12,50", "\"quoted\", with comma\nand newline"]),
            Row::from_cells(Vec::<&str>::new()),
            Row::from_cells(["", ""]),
            // Cell lengths of two and of four bytes.
            Row::from_cells(["x".repeat(300), "y".into()]),
            Row::from_cells(["é".repeat(40_000), String::new(), "z".into()]),
        ];
        write(&path, &rows).unwrap();
        let mut r = RowReader::open(&path).unwrap();
        for want in &rows {
            let got = r.next_row().unwrap().unwrap();
            assert_eq!(&got, want);
            assert_eq!(
                got.cells().collect::<Vec<_>>(),
                want.cells().collect::<Vec<_>>()
            );
        }
        assert!(r.next_row().unwrap().is_none());

        // Truncated in the middle of a row, and not a row file at all.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        let mut r = RowReader::open(&path).unwrap();
        let mut result = Ok(Some(Row::default()));
        while let Ok(Some(_)) = result {
            result = r.next_row();
        }
        assert!(result.is_err());
        std::fs::write(&path, b"invoice_id,line_id\n").unwrap();
        assert!(RowReader::open(&path).is_err());

        // A length width that is not 1, 2 or 4.
        let mut bad = MAGIC.to_vec();
        bad.extend_from_slice(&1u32.to_le_bytes());
        bad.extend_from_slice(&[3, 1, 0, 0, b'a']);
        std::fs::write(&path, &bad).unwrap();
        let mut r = RowReader::open(&path).unwrap();
        assert!(r.next_row().is_err());
    }

    #[test]
    fn a_stored_row_with_ends_out_of_order_is_refused() {
        assert!(Row::from_parts("abc".into(), vec![2, 1, 3]).is_err());
        assert!(Row::from_parts("abc".into(), vec![1, 2]).is_err());
        assert!(Row::from_parts("é".into(), vec![1, 2]).is_err());
        assert!(Row::from_parts("abc".into(), vec![1, 3]).is_ok());
    }
}
