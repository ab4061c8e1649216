//! generator (todo)
