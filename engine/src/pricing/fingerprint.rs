//! A 64-bit FNV-1a hash, for calculation ids and tariff fingerprints.
//!
//! Hand-rolled on purpose: std's `RandomState` is seeded per process, and the id must be
//! the same on every machine and every run for the same request (issue: "a calculation
//! id that is stable for the same request").

/// FNV-1a, 64 bits. Also an `io::Write`, so `serde_json::to_writer` can feed it a
/// canonical serialisation without building a string.
#[derive(Debug, Clone, Copy)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// Feeds bytes into the hash.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash of every byte fed so far.
    pub fn finish(&self) -> u64 {
        self.0
    }

    /// Hash of a byte string.
    ///
    /// ```
    /// use courier_engine::pricing::Fnv64;
    /// // Reference value of FNV-1a 64 for "a".
    /// assert_eq!(Fnv64::hash(b"a"), 0xaf63dc4c8601ec8c);
    /// ```
    pub fn hash(bytes: &[u8]) -> u64 {
        let mut h = Fnv64::default();
        h.update(bytes);
        h.finish()
    }
}

impl std::io::Write for Fnv64 {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
