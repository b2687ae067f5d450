//! Runs the `git` CLI safely: an argument list (never a shell string), a clean environment (no
//! system or global config, no inherited `GIT_*` variables, no prompts, no optional locks), config
//! that could run a program turned off on the command line, and a timeout after which the process
//! is killed.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Error;

/// A repository's work tree and how long one git command may take.
#[derive(Debug, Clone)]
pub struct Git {
    top: PathBuf,
    timeout: Duration,
}

/// Config given on every command line: hooks, the fsmonitor daemon, external diff and textconv
/// drivers and pagers would run programs a repository's own config names.
const SAFE_CONFIG: &[&str] = &[
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "core.pager=cat",
    "-c", "diff.external=",
    "-c", "log.showSignature=false",
    "-c", "gpg.program=false",
];

impl Git {
    /// The repository holding `path` (a directory, or a file's directory): its top-level work
    /// tree. [`Error::NotARepository`] when there is none.
    pub fn open(path: &Path, timeout: Duration) -> Result<Git, Error> {
        let dir = if path.is_dir() { path } else { path.parent().unwrap_or(path) };
        let probe = Git { top: dir.to_path_buf(), timeout };
        let out = probe.run(["rev-parse", "--show-toplevel"]).map_err(|e| match e {
            Error::Failed { .. } => Error::NotARepository(path.display().to_string()),
            other => other,
        })?;
        let top = String::from_utf8_lossy(&out).trim_end_matches('\n').to_string();
        if top.is_empty() {
            // a bare repository or a .git directory: no work tree to read
            return Err(Error::NotARepository(path.display().to_string()));
        }
        Ok(Git { top: PathBuf::from(top), timeout })
    }

    /// The top-level directory of the work tree.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// Runs `git <args>` in the work tree; its stdout, or [`Error::Failed`] with its stderr.
    pub fn run<I, S>(&self, args: I) -> Result<Vec<u8>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_with_input(args, None)
    }

    /// [`Git::run`] with bytes written to its stdin (`cat-file --batch`).
    pub fn run_with_input<I, S>(&self, args: I, input: Option<Vec<u8>>) -> Result<Vec<u8>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new("git");
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("GIT_") {
                command.env_remove(name);
            }
        }
        command
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_NO_REPLACE_OBJECTS", "1")
            .env("LC_ALL", "C")
            .arg("-C")
            .arg(&self.top)
            .args(SAFE_CONFIG)
            .arg("--no-pager")
            .arg("--literal-pathspecs")
            .args(args)
            .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| Error::Spawn(e.to_string()))?;
        let writer = match (input, child.stdin.take()) {
            (Some(bytes), Some(mut stdin)) => Some(std::thread::spawn(move || {
                use std::io::Write;
                let _ = stdin.write_all(&bytes);
            })),
            _ => None,
        };
        let mut stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let out_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.read_to_end(&mut buf);
            buf
        });
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stderr.take(64 * 1024).read_to_end(&mut buf);
            buf
        });
        let deadline = Instant::now() + self.timeout;
        let mut pause = Duration::from_micros(200);
        let status = loop {
            match child.try_wait().map_err(|e| Error::Spawn(e.to_string()))? {
                Some(status) => break status,
                None if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::Timeout(self.timeout));
                }
                None => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(10));
                }
            }
        };
        if let Some(w) = writer {
            let _ = w.join();
        }
        let out = out_reader.join().unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        if status.success() {
            Ok(out)
        } else {
            Err(Error::Failed { status: status.code().unwrap_or(-1), stderr: String::from_utf8_lossy(&err).trim().to_string() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_outside_any_repository_is_not_a_repository() {
        let dir = std::env::temp_dir().join(format!("git-norepo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // GIT_CEILING_DIRECTORIES is dropped with the other GIT_ variables: /tmp must not be in a repository
        match Git::open(&dir, Duration::from_secs(10)) {
            Err(Error::NotARepository(p)) => assert!(p.contains("git-norepo")),
            other => panic!("{other:?}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
