//! One module per subcommand.

pub mod inpost;
pub mod pack;
pub mod quote;
pub mod reconcile;
pub mod validate;
