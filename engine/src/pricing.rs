//! Pricing (issue 3).
