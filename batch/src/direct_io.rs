//! Files written once and read once, past the page cache (`O_DIRECT`), the disk's time
//! on a thread of its own.
//!
//! A bucketed run writes its buckets' sorted tables to row files ([`crate::row_file`])
//! and reads each back once, in the final merge: gigabytes at ten million parcels; and
//! every run writes its outputs once (`lines.csv` alone is 2.5 GB at 10 M). Written
//! the ordinary way, every byte is first copied into the kernel's page cache, into pages
//! the machine has to find (and, on a virtual machine, have the host fault in): the
//! profile of a 10 M run put that copy at 7 of its 100 CPU-seconds for the row files
//! and about 6 more for the outputs (BENCHMARKS.md, "Row files past the page cache",
//! "Outputs past the page cache"). With `O_DIRECT` the disk reads and writes the
//! process's own buffer, one aligned block at a time, and the same few blocks
//! ([`DEPTH`]) serve the whole file. A direct transfer waits for the disk, so each file
//! has a thread that does the transfers while the caller fills (or reads) the next
//! block: the caller's cost per byte is one copy into memory it already touched.
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

/// Blocks a writer or a reader keeps in use: one the caller fills or reads, the others
/// on their way to or from the disk, so a disk transfer overlaps the caller's work.
const DEPTH: usize = 3;

/// The error a caller sees when its disk thread ended without saying why (it panicked).
fn thread_lost(what: &str) -> io::Error {
    io::Error::other(format!("the thread {what} this file stopped"))
}

/// Writes a new file a block at a time, the disk transfers on a thread of their own.
///
/// The caller copies bytes into a block; a full block goes to the writing thread and the
/// caller goes on in another (at most [`DEPTH`] of them), so the caller's cost per byte
/// is a copy into memory it already touched, and the disk's time runs alongside. An
/// error on the disk is the answer to the next call (or to [`BlockWriter::finish`]).
/// [`BlockWriter::finish`] must be called: it writes the last block and cuts the file
/// to its length (dropping without it leaves a short file, and row files' checks turn
/// a short file into an error, never a wrong row).
pub(crate) struct BlockWriter {
    block: Block,
    filled: usize,
    /// Blocks made so far, at most [`DEPTH`].
    made: usize,
    to_disk: Option<std::sync::mpsc::SyncSender<(Block, usize)>>,
    written_back: std::sync::mpsc::Receiver<Block>,
    disk: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl BlockWriter {
    /// Creates (or truncates) `path`.
    pub(crate) fn create(path: &Path) -> io::Result<BlockWriter> {
        let (file, direct) = open(
            OpenOptions::new().write(true).create(true).truncate(true),
            path,
        )?;
        let (to_disk, blocks) = std::sync::mpsc::sync_channel(DEPTH);
        let (give_back, written_back) = std::sync::mpsc::channel();
        let disk = std::thread::Builder::new()
            .name("courier-write".into())
            .spawn(move || write_blocks(file, direct, blocks, give_back))?;
        Ok(BlockWriter {
            block: Block::new(),
            filled: 0,
            made: 1,
            to_disk: Some(to_disk),
            written_back,
            disk: Some(disk),
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
                let next = self.free_block()?;
                let full = std::mem::replace(&mut self.block, next);
                self.send(full, BLOCK)?;
                self.filled = 0;
            }
        }
        Ok(())
    }

    /// A block to fill next: one the disk is done with, a new one while fewer than
    /// [`DEPTH`] exist, else the next one the disk gives back.
    fn free_block(&mut self) -> io::Result<Block> {
        if let Ok(b) = self.written_back.try_recv() {
            return Ok(b);
        }
        if self.made < DEPTH {
            self.made += 1;
            return Ok(Block::new());
        }
        match self.written_back.recv() {
            Ok(b) => Ok(b),
            Err(_) => Err(self.stopped()),
        }
    }

    fn send(&mut self, block: Block, filled: usize) -> io::Result<()> {
        let sent = self
            .to_disk
            .as_ref()
            .is_some_and(|tx| tx.send((block, filled)).is_ok());
        if sent {
            Ok(())
        } else {
            Err(self.stopped())
        }
    }

    /// The writing thread's error, once it has stopped.
    fn stopped(&mut self) -> io::Error {
        self.to_disk = None;
        match wait_for(self.disk.take()) {
            Err(e) => e,
            Ok(()) => already_stopped(),
        }
    }

    /// Writes what is left, sets the file's length to the bytes written, and waits for
    /// the disk.
    pub(crate) fn finish(self) -> io::Result<()> {
        let BlockWriter {
            block,
            filled,
            to_disk,
            disk,
            ..
        } = self;
        let Some(to_disk) = to_disk else {
            return Err(already_stopped());
        };
        if filled > 0 {
            // Refused only by a thread that stopped on an error: `wait_for` returns it.
            let _ = to_disk.send((block, filled));
        }
        drop(to_disk); // ends the thread's loop
        wait_for(disk)
    }
}

/// Waits for a writing thread: what it returned.
fn wait_for(disk: Option<std::thread::JoinHandle<io::Result<()>>>) -> io::Result<()> {
    match disk.map(std::thread::JoinHandle::join) {
        Some(Ok(result)) => result,
        Some(Err(_)) => Err(thread_lost("writing")),
        None => Err(already_stopped()),
    }
}

fn already_stopped() -> io::Error {
    io::Error::other("the file's writing thread already stopped")
}

/// `Write` for writers that take one (polars' Parquet writer): the bytes are in the file
/// only after [`BlockWriter::finish`]; `flush` cannot write part of a direct block and
/// does nothing.
impl Write for BlockWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        BlockWriter::write_all(self, data)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The writing thread: writes `blocks` in order and gives each back. Only the last
/// block may be short ([`BlockWriter::finish`] sends it and closes the channel): written
/// direct it is padded with zeros to [`ALIGN`], and the file is then cut to its length.
fn write_blocks(
    mut file: File,
    mut direct: bool,
    blocks: std::sync::mpsc::Receiver<(Block, usize)>,
    give_back: std::sync::mpsc::Sender<Block>,
) -> io::Result<()> {
    let mut written = 0u64;
    let mut padded = false;
    for (mut block, filled) in blocks {
        let len = if direct && filled % ALIGN != 0 {
            let len = filled.div_ceil(ALIGN) * ALIGN;
            block.bytes()[filled..len].fill(0);
            padded = true;
            len
        } else {
            filled
        };
        write_block(&mut file, &mut direct, &block.bytes()[..len])?;
        written += filled as u64;
        // The caller may have finished and gone: then the block is simply freed.
        let _ = give_back.send(block);
    }
    if padded {
        file.set_len(written)?;
    }
    Ok(())
}

/// Writes `bytes` (a multiple of [`ALIGN`] while `direct`). A refused direct transfer
/// goes on ordinarily from the byte the file got to, so no byte is written twice.
fn write_block(file: &mut File, direct: &mut bool, bytes: &[u8]) -> io::Result<()> {
    let mut done = 0;
    while done < bytes.len() {
        match file.write(&bytes[done..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => done += n,
            Err(e) if *direct && refused(&e) => {
                stop_direct(file)?;
                *direct = false;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What the reading thread hands over: a block and the bytes in it, `None` at the end.
type ReadBlock = io::Result<Option<(Block, usize)>>;

/// Reads a file front to back a block at a time, the next blocks read ahead on a
/// thread of their own while the caller works through the current one.
pub(crate) struct BlockReader {
    block: Option<Block>,
    pos: usize,
    len: usize,
    ended: bool,
    from_disk: std::sync::mpsc::Receiver<ReadBlock>,
    give_back: std::sync::mpsc::Sender<Block>,
}

impl BlockReader {
    pub(crate) fn open(path: &Path) -> io::Result<BlockReader> {
        let (file, direct) = open(OpenOptions::new().read(true), path)?;
        let (to_caller, from_disk) = std::sync::mpsc::sync_channel(DEPTH);
        let (give_back, blocks) = std::sync::mpsc::channel();
        // Dropping the reader ends the thread: its sends and its wait for a block fail.
        std::thread::Builder::new()
            .name("courier-read".into())
            .spawn(move || read_blocks(file, direct, to_caller, blocks))?;
        Ok(BlockReader {
            block: None,
            pos: 0,
            len: 0,
            ended: false,
            from_disk,
            give_back,
        })
    }

    /// Takes the next block from the reading thread; `Ok(false)` at the end.
    fn next_block(&mut self) -> io::Result<bool> {
        if let Some(b) = self.block.take() {
            let _ = self.give_back.send(b);
        }
        match self.from_disk.recv() {
            Ok(Ok(Some((b, n)))) => {
                self.block = Some(b);
                self.pos = 0;
                self.len = n;
                Ok(true)
            }
            Ok(Ok(None)) => {
                self.ended = true;
                Ok(false)
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(thread_lost("reading")),
        }
    }
}

impl Read for BlockReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.len && (self.ended || !self.next_block()?) {
            return Ok(0);
        }
        let Some(block) = self.block.as_mut() else {
            return Ok(0);
        };
        let n = (self.len - self.pos).min(out.len());
        let pos = self.pos;
        out[..n].copy_from_slice(&block.bytes()[pos..pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The reading thread: fills blocks (new ones up to [`DEPTH`], then those the caller
/// gives back) and hands them over in file order, then `None`; stops at the first
/// error, after handing it over, or when the caller is gone.
fn read_blocks(
    mut file: File,
    mut direct: bool,
    to_caller: std::sync::mpsc::SyncSender<ReadBlock>,
    given_back: std::sync::mpsc::Receiver<Block>,
) {
    let mut made = 0;
    loop {
        let mut block = match given_back.try_recv() {
            Ok(b) => b,
            Err(_) if made < DEPTH => {
                made += 1;
                Block::new()
            }
            Err(_) => match given_back.recv() {
                Ok(b) => b,
                Err(_) => return,
            },
        };
        let handed = match fill(&mut file, &mut direct, &mut block) {
            Ok(0) => Ok(None),
            Ok(n) => Ok(Some((block, n))),
            Err(e) => Err(e),
        };
        let last = !matches!(handed, Ok(Some(_)));
        if to_caller.send(handed).is_err() || last {
            return;
        }
    }
}

/// Fills `block` from `file`; the bytes read, 0 at the end of the file. A direct read
/// that comes up short of an [`ALIGN`] multiple (the file's end, on Linux) leaves the
/// offset unaligned, so the file goes on ordinarily: the next read then says where the
/// end is, rather than this reader assuming it.
fn fill(file: &mut File, direct: &mut bool, block: &mut Block) -> io::Result<usize> {
    let mut got = 0;
    while got < BLOCK {
        let n = match file.read(&mut block.bytes()[got..]) {
            Err(e) if *direct && refused(&e) => {
                stop_direct(file)?;
                *direct = false;
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => r?,
        };
        got += n;
        if n == 0 {
            break;
        }
        if *direct && n % ALIGN != 0 {
            stop_direct(file)?;
            *direct = false;
        }
    }
    Ok(got)
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

    /// A disk error on the writing thread is the answer to the caller's next call or
    /// to `finish`, never lost: `/dev/full` refuses every write with "no space".
    #[test]
    fn a_disk_error_reaches_the_caller() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            eprintln!("SKIPPED: no /dev/full on this machine");
            return;
        }
        // Short of a block: the error comes at finish.
        let mut w = BlockWriter::create(full).unwrap();
        w.write_all(b"abc").unwrap();
        let e = w.finish().unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOSPC), "{e}");
        // Many blocks: a later write or finish says so (the caller may have filled
        // DEPTH blocks before the thread's first refusal came back).
        let mut w = BlockWriter::create(full).unwrap();
        let data = vec![7u8; BLOCK];
        let mut failed = None;
        for _ in 0..4 * DEPTH {
            if let Err(e) = w.write_all(&data) {
                failed = Some(e);
                break;
            }
        }
        let e = match failed {
            Some(e) => e,
            None => w.finish().unwrap_err(),
        };
        assert_eq!(e.raw_os_error(), Some(libc::ENOSPC), "{e}");
    }

    /// A direct write refused in the middle of a file (the file system took `O_DIRECT`
    /// at open, then refuses a transfer: here the kernel's own refusal of an unaligned
    /// length) goes on ordinarily from the byte the file got to: nothing written twice,
    /// nothing lost, and the file stays ordinary.
    #[test]
    fn a_write_refused_mid_file_goes_on_from_where_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let (mut file, mut direct) =
            open(OpenOptions::new().write(true).create(true), &path).unwrap();
        let was_direct = direct;
        let mut block = Block::new();
        for (i, b) in block.bytes()[..2 * ALIGN].iter_mut().enumerate() {
            *b = (i % 253) as u8;
        }
        let bytes = block.bytes();
        write_block(&mut file, &mut direct, &bytes[..ALIGN]).unwrap();
        assert_eq!(direct, was_direct, "an aligned transfer is taken as it is");
        // ALIGN + 100 bytes from an aligned offset: refused while direct.
        write_block(&mut file, &mut direct, &bytes[ALIGN..2 * ALIGN + 100]).unwrap();
        assert!(!direct, "the refusal turned the file ordinary");
        drop(file);
        let mut want = bytes[..ALIGN].to_vec();
        want.extend_from_slice(&bytes[ALIGN..2 * ALIGN + 100]);
        assert!(
            std::fs::read(&path).unwrap() == want,
            "direct at open: {was_direct}"
        );
    }

    /// A direct read refused in the middle of a file (an offset the device cannot read
    /// directly) goes on ordinarily from the same offset.
    #[test]
    fn a_read_refused_mid_file_goes_on_from_where_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..3 * ALIGN + 5).map(|i| (i % 241) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let (mut file, mut direct) = open(OpenOptions::new().read(true), &path).unwrap();
        let was_direct = direct;
        io::Seek::seek(&mut file, io::SeekFrom::Start(7)).unwrap();
        let mut block = Block::new();
        let got = fill(&mut file, &mut direct, &mut block).unwrap();
        assert!(!direct, "the refusal turned the file ordinary");
        assert!(
            block.bytes()[..got] == data[7..],
            "{got} bytes, direct at open: {was_direct}"
        );
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
