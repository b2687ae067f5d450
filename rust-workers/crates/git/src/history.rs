//! `analyze-history`'s numbers: churn (lines added + removed, `--numstat`) and commit counts per
//! file and directory, authors, activity per period. A commit counts once per file and once per
//! directory it touches; a directory's figures roll in its subdirectories ("" is the root).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::dates::{self, Interval};
use crate::Log;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileHistory {
    pub path: String,
    pub commits: u64,
    pub added: u64,
    pub removed: u64,
    /// `added + removed`.
    pub churn: u64,
    pub authors: u64,
    pub first_commit: String,
    pub last_commit: String,
    /// Older names of the file (renames followed), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub binary: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryHistory {
    pub path: String,
    pub files: u64,
    pub commits: u64,
    pub added: u64,
    pub removed: u64,
    pub churn: u64,
    pub authors: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorHistory {
    pub name: String,
    pub email: String,
    pub commits: u64,
    pub added: u64,
    pub removed: u64,
    pub files: u64,
    pub first_commit: String,
    pub last_commit: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub period: String,
    pub commits: u64,
    pub added: u64,
    pub removed: u64,
    pub authors: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryTotals {
    pub commits: u64,
    pub authors: u64,
    pub files: u64,
    pub added: u64,
    pub removed: u64,
    pub churn: u64,
    pub first_commit: Option<String>,
    pub last_commit: Option<String>,
}

/// Everything `analyze-history` reports; files by churn (then commits) descending, then path.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub totals: HistoryTotals,
    pub authors: Vec<AuthorHistory>,
    pub activity: Vec<Activity>,
    pub directories: Vec<DirectoryHistory>,
    pub files: Vec<FileHistory>,
}

/// The directories holding `path`, from the root ("") down to its parent.
pub fn directories_of(path: &str) -> impl Iterator<Item = &str> {
    std::iter::once("").chain(path.match_indices('/').map(move |(i, _)| &path[..i]))
}

/// An author's key: the `.mailmap`ped name and email, as `git shortlog -sne` groups them.
pub fn author_key(name: &str, email: &str) -> String {
    format!("{name} <{email}>")
}

#[derive(Default)]
struct DirAcc {
    files: BTreeSet<usize>,
    commits: u64,
    added: u64,
    removed: u64,
    authors: BTreeSet<usize>,
}

pub fn summarize(log: &Log, interval: Interval, directory_depth: Option<usize>) -> History {
    let mut files: HashMap<&str, (FileHistory, BTreeSet<usize>, BTreeSet<&str>, i64, i64)> = HashMap::new();
    let mut authors: BTreeMap<String, (AuthorHistory, BTreeSet<&str>, i64, i64)> = BTreeMap::new();
    let mut author_ids: HashMap<String, usize> = HashMap::new();
    let mut activity: BTreeMap<String, (Activity, BTreeSet<usize>)> = BTreeMap::new();
    let mut dirs: BTreeMap<&str, DirAcc> = BTreeMap::new();
    let mut file_ids: HashMap<&str, usize> = HashMap::new();
    let mut totals = HistoryTotals::default();
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for commit in &log.commits {
        let key = author_key(&commit.author, &commit.email);
        let next_id = author_ids.len();
        let author_id = *author_ids.entry(key.clone()).or_insert(next_id);
        let (added, removed) = commit.changes.iter().fold((0, 0), |(a, r), c| (a + c.added, r + c.removed));
        totals.commits += 1;
        totals.added += added;
        totals.removed += removed;
        first = first.min(commit.time);
        last = last.max(commit.time);
        let author = authors.entry(key).or_insert_with(|| {
            (AuthorHistory { name: commit.author.clone(), email: commit.email.clone(), ..Default::default() }, BTreeSet::new(), i64::MAX, i64::MIN)
        });
        author.0.commits += 1;
        author.0.added += added;
        author.0.removed += removed;
        author.2 = author.2.min(commit.time);
        author.3 = author.3.max(commit.time);
        let period = activity.entry(dates::period(commit.time, interval)).or_default();
        period.0.commits += 1;
        period.0.added += added;
        period.0.removed += removed;
        period.1.insert(author_id);
        let mut touched: BTreeSet<&str> = BTreeSet::new();
        for change in &commit.changes {
            author.1.insert(&change.path);
            let next_file = file_ids.len();
            let file_id = *file_ids.entry(&change.path).or_insert(next_file);
            let file = files.entry(&change.path).or_insert_with(|| {
                (FileHistory { path: change.path.clone(), ..Default::default() }, BTreeSet::new(), BTreeSet::new(), i64::MAX, i64::MIN)
            });
            file.0.commits += 1;
            file.0.added += change.added;
            file.0.removed += change.removed;
            file.0.binary |= change.binary;
            file.1.insert(author_id);
            if let Some(old) = &change.renamed_from {
                file.2.insert(old);
            }
            file.3 = file.3.min(commit.time);
            file.4 = file.4.max(commit.time);
            for dir in directories_of(&change.path) {
                if directory_depth.map_or(true, |d| depth(dir) <= d) {
                    let acc = dirs.entry(dir).or_default();
                    acc.files.insert(file_id);
                    acc.added += change.added;
                    acc.removed += change.removed;
                    acc.authors.insert(author_id);
                    touched.insert(dir);
                }
            }
        }
        for dir in touched {
            dirs.get_mut(dir).expect("entered above").commits += 1;
        }
    }
    if totals.commits > 0 {
        totals.first_commit = Some(dates::timestamp(first));
        totals.last_commit = Some(dates::timestamp(last));
    }
    totals.churn = totals.added + totals.removed;
    totals.authors = authors.len() as u64;
    totals.files = files.len() as u64;
    let mut files: Vec<FileHistory> = files
        .into_values()
        .map(|(mut f, a, names, first, last)| {
            f.churn = f.added + f.removed;
            f.authors = a.len() as u64;
            f.renamed_from = names.into_iter().filter(|n| *n != f.path).map(str::to_string).collect();
            f.first_commit = dates::timestamp(first);
            f.last_commit = dates::timestamp(last);
            f
        })
        .collect();
    files.sort_by(|a, b| b.churn.cmp(&a.churn).then(b.commits.cmp(&a.commits)).then(a.path.cmp(&b.path)));
    let mut authors: Vec<AuthorHistory> = authors
        .into_values()
        .map(|(mut a, f, first, last)| {
            a.files = f.len() as u64;
            a.first_commit = dates::timestamp(first);
            a.last_commit = dates::timestamp(last);
            a
        })
        .collect();
    authors.sort_by(|a, b| b.commits.cmp(&a.commits).then(a.name.cmp(&b.name)).then(a.email.cmp(&b.email)));
    let activity = activity
        .into_iter()
        .map(|(period, (mut a, who))| {
            a.period = period;
            a.authors = who.len() as u64;
            a
        })
        .collect();
    let directories = dirs
        .into_iter()
        .map(|(path, d)| DirectoryHistory {
            path: path.to_string(),
            files: d.files.len() as u64,
            commits: d.commits,
            added: d.added,
            removed: d.removed,
            churn: d.added + d.removed,
            authors: d.authors.len() as u64,
        })
        .collect();
    History { totals, authors, activity, directories, files }
}

/// Levels below the root: "" is 0, "a" is 1, "a/b" is 2.
pub fn depth(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        dir.matches('/').count() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::parse_log;

    #[test]
    fn files_directories_and_authors_add_up() {
        let log = parse_log(
            b"\x1ec3\x1fB\x1fb@x\x1f2678400\0\n1\t1\tsrc/a.rs\0\x1ec2\x1fA\x1fa@x\x1f86400\0\n2\t0\tsrc/a.rs\x005\t0\tsrc/b.rs\0\x1ec1\x1fA\x1fa@x\x1f0\0\n3\t0\tREADME\0",
        );
        let h = summarize(&log, Interval::Month, None);
        assert_eq!((h.totals.commits, h.totals.authors, h.totals.files, h.totals.churn), (3, 2, 3, 12));
        assert_eq!(h.files[0], FileHistory { path: "src/b.rs".into(), commits: 1, added: 5, removed: 0, churn: 5, authors: 1, first_commit: "1970-01-02T00:00:00Z".into(), last_commit: "1970-01-02T00:00:00Z".into(), ..Default::default() });
        assert_eq!((h.files[1].path.as_str(), h.files[1].commits, h.files[1].churn, h.files[1].authors), ("src/a.rs", 2, 4, 2));
        let src = h.directories.iter().find(|d| d.path == "src").unwrap();
        assert_eq!((src.files, src.commits, src.churn, src.authors), (2, 2, 9, 2));
        assert_eq!(h.directories[0].commits, 3);
        assert_eq!((h.authors[0].name.as_str(), h.authors[0].commits, h.authors[0].files), ("A", 2, 3));
        assert_eq!(h.activity.iter().map(|a| (a.period.as_str(), a.commits)).collect::<Vec<_>>(), vec![("1970-01", 2), ("1970-02", 1)]);
    }
}
