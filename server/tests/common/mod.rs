#![allow(dead_code)]

pub mod server;
pub mod store_suite;
