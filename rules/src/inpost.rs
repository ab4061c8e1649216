//! InPost weekend add-on rules. Filled by issue 4.
