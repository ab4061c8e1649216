//! The one way the CLI tests run `courier`: from the repository root (so `data/...`
//! paths resolve), standard input optionally fed, output captured.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `courier args…`, writing `stdin` (if any) to its standard input.
#[allow(dead_code)] // not every test binary uses both runners
pub fn courier(args: &[&str], stdin: Option<&str>) -> Output {
    courier_env(args, stdin, &[])
}

/// Runs `courier args…` with extra environment variables (the adapters' secrets).
#[allow(dead_code)]
pub fn courier_env(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_courier"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("courier runs");
    if let Some(text) = stdin {
        // A command that does not read standard input may exit before the write: the
        // broken pipe is then expected, and the output is what the test checks.
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(text.as_bytes());
        }
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("courier finishes")
}
