//! The parts of the `courier` command line that are worth calling without a process:
//! parsing of its input files. They live in this small library so that the fuzz harness
//! (`fuzz/`) exercises exactly the code the binary runs on user files.

pub mod inputs;
