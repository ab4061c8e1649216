//! Shared helpers for the criterion benchmarks (locating reference data, sample inputs).
