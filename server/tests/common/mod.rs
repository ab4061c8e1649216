#![allow(dead_code)]

pub mod store_suite;
