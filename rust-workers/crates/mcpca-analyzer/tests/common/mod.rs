//! What the `serve` tests share: the built binary, spawned with real pipes.

use std::ffi::OsStr;
use std::io::BufReader;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A running `mcpca-analyzer serve` and its ends of the pipes (stderr goes to the test's).
pub struct Pipes {
    pub child: Child,
    pub stdin: ChildStdin,
    pub stdout: BufReader<ChildStdout>,
}

/// Spawns `mcpca-analyzer serve ARGS...`.
pub fn spawn_serve<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> Pipes {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcpca-analyzer"))
        .arg("serve")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn mcpca-analyzer serve");
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    Pipes { child, stdin, stdout }
}
