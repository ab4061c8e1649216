//! Files written once and read once inside a run, past the page cache (`O_DIRECT`).
//!
//! A bucketed run writes its buckets' sorted tables to row files ([`crate::row_file`])
//! and reads each back once, in the final merge: gigabytes at ten million parcels. Written
//! the ordinary way, every byte is first copied into the kernel's page cache, into pages
//! the machine has to find (and, on a virtual machine, have the host fault in) for data
//! nobody will read from the cache twice. The profile of a 10 M run put that copy at
//! 7 of its 100 CPU-seconds (BENCHMARKS.md, "Row files past the page cache"). With
//! `O_DIRECT` the disk reads and writes the process's own buffer, one aligned block at a
//! time, and the same two blocks serve the whole file.
//!
//! **Design decision: direct where the file system allows it, ordinary I/O otherwise,
//! same bytes either way.** Not every file system takes `O_DIRECT` (tmpfs refuses it at
//! open; some accept the flag and refuse the first transfer): both refusals fall back
//! to ordinary reads and writes of the same blocks, so the choice changes how the bytes
//! travel, never which bytes arrive. Direct transfers need a buffer, a length and a
//! file offset aligned to the device's block: every block here is [`ALIGN`]-aligned and
//! a whole number of [`ALIGN`]s long, the last one padded with zeros and the file cut
//! back to its true length.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// Alignment of every direct transfer's buffer, length and offset: 4 KiB, a multiple of
/// the logical block size of common disks (512 B or 4 KiB).
const ALIGN: usize = 4096;

/// Bytes moved per transfer: large enough that a disk streams, small enough that a
/// reader or writer per table and bucket stays a few megabytes.
const BLOCK: usize = 1 << 22;

/// A zeroed buffer of [`BLOCK`] bytes starting at an [`ALIGN`]-aligned address, carved
/// from a slightly larger vector.
struct Block {
    buf: Vec<u8>,
    start: usize,
}

impl Block {
    fn new() -> Block {
        let buf = vec![0u8; BLOCK + ALIGN];
        let start = buf.as_ptr().align_offset(ALIGN);
        Block { buf, start }
    }
    fn bytes(&mut self) -> &mut [u8] {
        let start = self.start;
        &mut self.buf[start..start + BLOCK]
    }
}

/// Opens `path` with `O_DIRECT` added to `options`, or without it where the file system
/// refuses the flag; the `bool` says which.
fn open(options: &mut OpenOptions, path: &Path) -> io::Result<(File, bool)> {
    if ordinary_only() {
        return Ok((options.open(path)?, false));
    }
    match options.clone().custom_flags(libc::O_DIRECT).open(path) {
        Ok(f) => Ok((f, true)),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok((options.open(path)?, false)),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
thread_local! {
    /// Set by a test to take the ordinary path on a file system that takes `O_DIRECT`.
    static ORDINARY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
#[cfg(test)]
fn ordinary_only() -> bool {
    ORDINARY.with(|o| o.get())
}
#[cfg(not(test))]
fn ordinary_only() -> bool {
    false
}

/// Turns `O_DIRECT` off on an open file whose file system refused a direct transfer.
fn stop_direct(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this `File` owns and keeps open; F_GETFL/F_SETFL
    // read and set its status flags and touch no memory of ours.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_DIRECT) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Whether `e` is a file system refusing a direct transfer (rather than a real error).
fn refused(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EINVAL)
}

/// Writes a new file a block at a time. [`BlockWriter::finish`] must be called: it
/// writes the last block and cuts the file to its length (dropping without it leaves a
/// file that is an error to read, never a wrong one — the row file's checks see it).
pub(crate) struct BlockWriter {
    file: File,
    direct: bool,
    block: Block,
    filled: usize,
    written: u64,
}

impl BlockWriter {
    /// Creates (or truncates) `path`.
    pub(crate) fn create(path: &Path) -> io::Result<BlockWriter> {
        let (file, direct) = open(
            OpenOptions::new().write(true).create(true).truncate(true),
            path,
        )?;
        Ok(BlockWriter {
            file,
            direct,
            block: Block::new(),
            filled: 0,
            written: 0,
        })
    }

    /// Appends `data`.
    pub(crate) fn write_all(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let n = (BLOCK - self.filled).min(data.len());
            let at = self.filled;
            self.block.bytes()[at..at + n].copy_from_slice(&data[..n]);
            self.filled += n;
            data = &data[n..];
            if self.filled == BLOCK {
                self.flush_block(BLOCK)?;
            }
        }
        Ok(())
    }

    /// Writes the first `len` bytes of the block (a multiple of [`ALIGN`] unless the
    /// file is no longer direct). A refused direct transfer goes on ordinarily from the
    /// byte the file got to, so a block is never written twice.
    fn flush_block(&mut self, len: usize) -> io::Result<()> {
        let mut done = 0;
        while done < len {
            let result = self.file.write(&self.block.bytes()[done..len]);
            match result {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => done += n,
                Err(e) if self.direct && refused(&e) => {
                    stop_direct(&self.file)?;
                    self.direct = false;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.written += self.filled as u64;
        self.filled = 0;
        Ok(())
    }

    /// Writes what is left and sets the file's length to the bytes written.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.filled > 0 {
            let len = if self.direct {
                let padded = self.filled.div_ceil(ALIGN) * ALIGN;
                let filled = self.filled;
                self.block.bytes()[filled..padded].fill(0);
                padded
            } else {
                self.filled
            };
            self.flush_block(len)?;
            self.file.set_len(self.written)?;
        }
        Ok(())
    }
}

/// Reads a file front to back a block at a time.
pub(crate) struct BlockReader {
    file: File,
    direct: bool,
    block: Block,
    pos: usize,
    len: usize,
}

impl BlockReader {
    pub(crate) fn open(path: &Path) -> io::Result<BlockReader> {
        let (file, direct) = open(OpenOptions::new().read(true), path)?;
        Ok(BlockReader {
            file,
            direct,
            block: Block::new(),
            pos: 0,
            len: 0,
        })
    }

    /// Refills the block; `Ok(false)` at the end of the file. A direct read that comes
    /// up short of an [`ALIGN`] multiple (the file's end, on Linux) leaves the offset
    /// unaligned, so the file goes on ordinarily: the next read then says where the end
    /// is, rather than this reader assuming it.
    fn fill(&mut self) -> io::Result<bool> {
        let mut got = 0;
        while got < BLOCK {
            let result = self.file.read(&mut self.block.bytes()[got..]);
            let n = match result {
                Err(e) if self.direct && refused(&e) => {
                    stop_direct(&self.file)?;
                    self.direct = false;
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => r?,
            };
            got += n;
            if n == 0 {
                break;
            }
            if self.direct && n % ALIGN != 0 {
                stop_direct(&self.file)?;
                self.direct = false;
            }
        }
        self.pos = 0;
        self.len = got;
        Ok(got > 0)
    }
}

impl Read for BlockReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.len && !self.fill()? {
            return Ok(0);
        }
        let n = (self.len - self.pos).min(out.len());
        let pos = self.pos;
        out[..n].copy_from_slice(&self.block.bytes()[pos..pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes of every length around the block and alignment edges come back as written,
    /// direct and on the ordinary path a file system without `O_DIRECT` takes.
    #[test]
    fn files_come_back_as_written_direct_or_not() {
        let disk = tempfile::tempdir().unwrap();
        for ordinary in [false, true] {
            ORDINARY.with(|o| o.set(ordinary));
            let dir = disk.path();
            for len in [
                0,
                1,
                ALIGN - 1,
                ALIGN,
                ALIGN + 1,
                BLOCK,
                BLOCK + 7,
                2 * BLOCK + ALIGN,
            ] {
                let path = dir.join(format!("courier-direct-{}-{len}", std::process::id()));
                let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
                let mut w = BlockWriter::create(&path).unwrap();
                // In uneven pieces, as the row file's encoder hands them over.
                for piece in data.chunks(1 + len / 3) {
                    w.write_all(piece).unwrap();
                }
                w.finish().unwrap();
                assert_eq!(std::fs::metadata(&path).unwrap().len(), len as u64);
                let mut back = Vec::new();
                BlockReader::open(&path)
                    .unwrap()
                    .read_to_end(&mut back)
                    .unwrap();
                std::fs::remove_file(&path).unwrap();
                assert!(back == data, "{len} bytes, ordinary {ordinary}");
            }
        }
    }

    /// A file whose file system refused a direct transfer goes on with ordinary ones.
    #[test]
    fn a_refused_direct_file_goes_on_ordinarily() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let (mut file, direct) = open(OpenOptions::new().write(true).create(true), &path).unwrap();
        stop_direct(&file).unwrap();
        // Unaligned buffer and length: refused while direct, taken now.
        file.write_all(b"abc").unwrap();
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), b"abc", "direct was {direct}");
    }
}
