//! The process's allocator, and how long it holds on to memory the program has freed.
//!
//! With glibc's allocator, a reconciliation spent about a sixth of its CPU in malloc,
//! free and the kernel zeroing fresh pages (one allocation per identifier and output
//! buffer); mimalloc, a global allocator of the kind polars' documentation advises, cut
//! the run's CPU by a fifth with the same bytes out (BENCHMARKS.md, "Sorting by keys,
//! mimalloc, a small CSV writer"). It builds with the C compiler alone.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` (`mimalloc.h`, the
/// same in v2 and v3), which `libmimalloc-sys` gives no constant for. The test below
/// holds it to the option's documented default, so a release that moved it is caught.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for reuse instead of returning it to the system a second after it
/// is freed (mimalloc's default). A large reconciliation reconciles its buckets one
/// after another, each building and then freeing gigabytes of rows: returned, that
/// memory came back from the kernel zeroed for the next bucket, a sixth of the run's
/// CPU at 10 million parcels (BENCHMARKS.md, "10 million parcels: the bucket pass on
/// every core, keeping freed memory"). For `courier reconcile`: a short-lived process whose peak memory is that of
/// its largest step either way (measured: +0.1 to +0.6 GiB at 10 M, 3.0–3.3 GiB). The
/// other commands keep the default: the server is long-lived, and `tariffs compare`,
/// which builds its tables once rather than bucket after bucket, gained nothing from it
/// at 10 M (37.6 s and 6.0 GiB with it, 35.4 s and 5.7 GiB without).
pub fn keep_freed_memory() {
    // SAFETY: `mi_option_set` only stores a value in mimalloc's option table; any value
    // is valid for this option (-1: never purge).
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_is_the_option_it_names() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            eprintln!("SKIPPED: MIMALLOC_PURGE_DELAY is set, so the default cannot be read");
            return;
        }
        // SAFETY: reads mimalloc's option table.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(delay, 1000, "mimalloc's purge delay defaults to 1000 ms");
    }
}
