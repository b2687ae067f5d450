//! `git`: the history of a tree, read with the `git` CLI by argument list (`command.rs`: no shell,
//! no hooks, no system or global config, a timeout) and aggregated here:
//! * `log` — commits in a window (since/until/max), per-file churn from `--numstat`, authors
//!   through `.mailmap`, renames followed to each file's newest name;
//! * `history` — churn and commit counts per file and directory, authors, activity over time;
//! * `coupling` — files that change together (support, confidence);
//! * `ownership` — main author per file and directory, bus factor, knowledge islands, coupling
//!   between authors' areas.
//! Why the CLI rather than libgit2: decision `docs/decisions/026-git-history.md`.

use std::fmt;
use std::time::Duration;

mod command;
pub mod coupling;
pub mod dates;
pub mod history;
pub mod log;
pub mod ownership;

pub use command::Git;
pub use log::{read_log, Change, Commit, Log, Window};

/// Default time one git command may take (a 10,000-commit `log --numstat` takes well under a second).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Errors of this crate.
#[derive(Debug)]
pub enum Error {
    /// The path is in no git work tree.
    NotARepository(String),
    /// `git` could not be started.
    Spawn(String),
    /// `git` exited non-zero.
    Failed { status: i32, stderr: String },
    /// `git` ran longer than the timeout and was killed.
    Timeout(Duration),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotARepository(p) => write!(f, "{p} is not inside a git repository"),
            Error::Spawn(e) => write!(f, "cannot run git: {e}"),
            Error::Failed { status, stderr } => write!(f, "git failed ({status}): {stderr}"),
            Error::Timeout(t) => write!(f, "git took longer than {} s and was stopped", t.as_secs()),
        }
    }
}

impl std::error::Error for Error {}
