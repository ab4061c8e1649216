//! taxomet rules (seed: see ../shared/seeds). Filled by issue 5.
