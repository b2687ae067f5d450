//! Reads the commits of a tree in a window: `git log --no-merges --numstat -z -M` with a fixed
//! record format, parsed once. Authors come through `.mailmap` (`%aN`, `%aE`); a renamed file's
//! older changes count under its newest name (renames followed, git's default 50% similarity).

use std::collections::HashMap;
use std::path::Path;

use crate::{Error, Git};

/// Which commits to read: git's `--since`/`--until` (dates as git takes them, e.g. `2026-01-31`
/// or `2026-01-31T12:00:00Z`) and at most `max_commits` of the newest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Window {
    pub since: Option<String>,
    pub until: Option<String>,
    pub max_commits: Option<usize>,
}

/// One changed file of a commit; binary files have no line counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file's newest name in the log, relative to the work tree's top.
    pub path: String,
    pub added: u64,
    pub removed: u64,
    pub binary: bool,
    /// The name it had in this commit, when a later rename changed it (or this commit renamed it).
    pub renamed_from: Option<String>,
}

/// One commit, newest first in a [`Log`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub hash: String,
    pub author: String,
    pub email: String,
    /// Author time, seconds since the epoch.
    pub time: i64,
    pub changes: Vec<Change>,
}

/// The commits of a tree in a window, newest first.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub commits: Vec<Commit>,
}

const RECORD: u8 = 0x1e;
const FIELD: char = '\x1f';

/// The `git log` arguments for `scope` (a path relative to the top, "" for all) and `window`.
pub fn log_args(scope: &str, window: &Window) -> Vec<String> {
    let mut args = vec![
        "log".to_string(),
        "--no-merges".into(),
        "--numstat".into(),
        "-z".into(),
        "-M".into(),
        "--no-textconv".into(),
        "--no-ext-diff".into(),
        "--no-color".into(),
        "--format=%x1e%H%x1f%aN%x1f%aE%x1f%at".into(),
    ];
    if let Some(since) = &window.since {
        args.push(format!("--since={since}"));
    }
    if let Some(until) = &window.until {
        args.push(format!("--until={until}"));
    }
    if let Some(max) = window.max_commits {
        args.push(format!("--max-count={max}"));
    }
    args.push("HEAD".into());
    args.push("--".into());
    args.push(if scope.is_empty() { ".".into() } else { scope.to_string() });
    args
}

/// Reads the log of `scope` (relative to the top; "" for the whole work tree). A repository
/// without commits has an empty log.
pub fn read_log(git: &Git, scope: &str, window: &Window) -> Result<Log, Error> {
    if git.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).is_err() {
        return Ok(Log::default());
    }
    let out = git.run(log_args(scope, window))?;
    Ok(parse_log(&out))
}

/// The scope of `path` inside the repository: its path relative to the top ("" for the top).
pub fn scope_of(git: &Git, path: &Path) -> String {
    let top = std::fs::canonicalize(git.top()).unwrap_or_else(|_| git.top().to_path_buf());
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    path.strip_prefix(&top).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Parses `git log` output in [`log_args`]'s format, following renames to each file's newest name.
pub fn parse_log(out: &[u8]) -> Log {
    // a historic name -> the newest name of the same file; filled while walking newest first
    let mut newest: HashMap<String, String> = HashMap::new();
    let mut commits = Vec::new();
    for record in out.split(|b| *b == RECORD).filter(|r| !r.is_empty()) {
        let header_end = record.iter().position(|b| *b == 0).unwrap_or(record.len());
        let header = String::from_utf8_lossy(&record[..header_end]);
        let mut fields = header.split(FIELD);
        let (hash, author, email, time) = (fields.next(), fields.next(), fields.next(), fields.next());
        let Some(hash) = hash.filter(|h| !h.is_empty()) else { continue };
        let mut commit = Commit {
            hash: hash.trim().to_string(),
            author: author.unwrap_or_default().to_string(),
            email: email.unwrap_or_default().to_string(),
            time: time.and_then(|t| t.trim().parse().ok()).unwrap_or(0),
            changes: Vec::new(),
        };
        let body = record.get(header_end + 1..).unwrap_or_default();
        let mut tokens = body.split(|b| *b == 0).map(|t| t.strip_prefix(b"\n").unwrap_or(t));
        while let Some(token) = tokens.next() {
            if token.is_empty() {
                continue;
            }
            let text = String::from_utf8_lossy(token);
            let mut parts = text.splitn(3, '\t');
            let (Some(added), Some(removed), Some(path)) = (parts.next(), parts.next(), parts.next()) else { continue };
            let binary = added == "-";
            let (added, removed) = (added.parse().unwrap_or(0), removed.parse().unwrap_or(0));
            let change = if path.is_empty() {
                // a rename: the old and the new name follow as their own tokens
                let old = String::from_utf8_lossy(tokens.next().unwrap_or_default()).into_owned();
                let new = String::from_utf8_lossy(tokens.next().unwrap_or_default()).into_owned();
                let identity = newest.get(&new).cloned().unwrap_or_else(|| new.clone());
                newest.insert(old.clone(), identity.clone());
                Change { path: identity, added, removed, binary, renamed_from: Some(old) }
            } else {
                let path = path.to_string();
                match newest.get(&path) {
                    Some(identity) => Change { path: identity.clone(), added, removed, binary, renamed_from: Some(path) },
                    None => Change { path, added, removed, binary, renamed_from: None },
                }
            };
            commit.changes.push(change);
        }
        commits.push(commit);
    }
    Log { commits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_count_under_the_newest_name() {
        // as `git log --numstat -z -M --format=%x1e%H%x1f%aN%x1f%aE%x1f%at` prints a rename of
        // f.txt to d/h.txt (one line added) after the commit that added f.txt and d/g.txt
        let out = b"\x1ec2\x1fA\x1fa@x\x1f20\0\n1\t0\t\0f.txt\0d/h.txt\0\x1ec1\x1fA\x1fa@x\x1f10\0\n1\t0\td/g.txt\x002\t0\tf.txt\0";
        let log = parse_log(out);
        assert_eq!(log.commits.len(), 2);
        assert_eq!(log.commits[0].changes, vec![Change { path: "d/h.txt".into(), added: 1, removed: 0, binary: false, renamed_from: Some("f.txt".into()) }]);
        assert_eq!(log.commits[1].changes[1], Change { path: "d/h.txt".into(), added: 2, removed: 0, binary: false, renamed_from: Some("f.txt".into()) });
        assert_eq!(log.commits[1].time, 10);
    }

    #[test]
    fn binary_files_have_no_lines() {
        let log = parse_log(b"\x1eh\x1fB\x1fb@x\x1f5\0\n-\t-\timg.png\0");
        assert_eq!(log.commits[0].changes[0], Change { path: "img.png".into(), added: 0, removed: 0, binary: true, renamed_from: None });
    }
}
