//! One module per subcommand.

pub mod call;
pub mod inpost;
pub mod pack;
pub mod quote;
pub mod reconcile;
pub mod serve;
pub mod tariffs;
pub mod validate;
