//! Tariffs as data. Filled by issue 3.
