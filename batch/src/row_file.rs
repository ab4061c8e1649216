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
//! Layout: the magic `courier-rows 1\n`, then per row `u32 cells`, `cells × u32 end`,
//! `end` bytes of UTF-8 text (`end` the last cell end, 0 for no cell). The files live and
//! die inside one run, so the format carries no version negotiation; the magic and the
//! checks in [`Row::from_parts`] turn a truncated or foreign file into an error, not a
//! wrong row.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::BatchError;
use crate::table::Row;

const MAGIC: &[u8] = b"courier-rows 1\n";

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
    let file = File::create(path).map_err(io)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    w.write_all(MAGIC).map_err(io)?;
    for window in rows.chunks(ENCODE_WINDOW) {
        let parts: Vec<Vec<u8>> = window.par_chunks(ENCODE_CHUNK).map(encode).collect();
        for part in parts {
            w.write_all(&part).map_err(io)?;
        }
    }
    w.flush().map_err(io)
}

/// The stored bytes of consecutive rows.
fn encode(rows: &[Row]) -> Vec<u8> {
    let size = |r: &Row| {
        let (text, ends) = r.parts();
        4 + 4 * ends.len() + text.len()
    };
    let mut out = Vec::with_capacity(rows.iter().map(size).sum());
    for r in rows {
        let (text, ends) = r.parts();
        out.extend_from_slice(&(ends.len() as u32).to_le_bytes());
        for e in ends {
            out.extend_from_slice(&e.to_le_bytes());
        }
        out.extend_from_slice(text.as_bytes());
    }
    out
}

/// Reads the rows of a file [`write`] wrote, one at a time.
pub(crate) struct RowReader {
    path: PathBuf,
    r: BufReader<File>,
}

impl RowReader {
    /// Opens `path` and checks its magic.
    pub(crate) fn open(path: &Path) -> Result<RowReader, BatchError> {
        let file = File::open(path).map_err(|e| BatchError::io(path, e))?;
        let mut r = BufReader::with_capacity(1 << 20, file);
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

    fn u32(&mut self) -> Result<u32, BatchError> {
        let mut b = [0u8; 4];
        self.r
            .read_exact(&mut b)
            .map_err(|e| BatchError::io(&self.path, e))?;
        Ok(u32::from_le_bytes(b))
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
        let mut ends = Vec::with_capacity(cells as usize);
        for _ in 0..cells {
            ends.push(self.u32()?);
        }
        let len = ends.last().copied().unwrap_or(0) as usize;
        let mut text = vec![0u8; len];
        self.r
            .read_exact(&mut text)
            .map_err(|e| BatchError::io(&self.path, e))?;
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
    }

    #[test]
    fn a_stored_row_with_ends_out_of_order_is_refused() {
        assert!(Row::from_parts("abc".into(), vec![2, 1, 3]).is_err());
        assert!(Row::from_parts("abc".into(), vec![1, 2]).is_err());
        assert!(Row::from_parts("é".into(), vec![1, 2]).is_err());
        assert!(Row::from_parts("abc".into(), vec![1, 3]).is_ok());
    }
}
