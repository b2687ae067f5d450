//! `socio-technical-analysis`: who owns what. Ownership counts lines changed (added + removed,
//! `--numstat`) per author: a file's or directory's main author is the one with the most, their
//! share of all its lines changed is its ownership. The bus factor of a set of files is the
//! smallest number of authors who together changed more than half of its lines (most lines
//! first). A knowledge island is a file or directory whose main author's share is at least the
//! island threshold.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::coupling::{group_coupling, ratio};
use crate::history::{author_key, directories_of, depth};
use crate::Log;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ownership {
    pub path: String,
    pub lines_changed: u64,
    pub authors: u64,
    /// `Name <email>` of the main author.
    pub owner: String,
    pub owner_lines: u64,
    pub owner_share: f64,
    pub bus_factor: u64,
    pub island: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorShare {
    pub author: String,
    pub lines_changed: u64,
    pub share: f64,
    /// Files whose main author this is.
    pub files_owned: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorPair {
    pub a: String,
    pub b: String,
    /// Commits touching a file owned by each.
    pub shared_commits: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BusFactor {
    pub bus_factor: u64,
    /// The authors counted, most lines first.
    pub authors: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Social {
    pub lines_changed: u64,
    pub bus_factor: Option<BusFactor>,
    pub authors: Vec<AuthorShare>,
    pub files: Vec<Ownership>,
    pub directories: Vec<Ownership>,
    pub author_coupling: Vec<AuthorPair>,
}

/// Lines changed per author (key), for one file or directory.
type Lines = HashMap<String, u64>;

pub fn analyze(log: &Log, island_share: f64, directory_depth: Option<usize>) -> Social {
    let mut files: BTreeMap<&str, Lines> = BTreeMap::new();
    let mut dirs: BTreeMap<&str, Lines> = BTreeMap::new();
    let mut all: Lines = HashMap::new();
    for commit in &log.commits {
        let key = author_key(&commit.author, &commit.email);
        for change in &commit.changes {
            let lines = change.added + change.removed;
            *files.entry(&change.path).or_default().entry(key.clone()).or_default() += lines;
            for dir in directories_of(&change.path).filter(|d| directory_depth.map_or(true, |max| depth(d) <= max)) {
                *dirs.entry(dir).or_default().entry(key.clone()).or_default() += lines;
            }
            *all.entry(key.clone()).or_default() += lines;
        }
    }
    let file_rows: Vec<Ownership> = files.iter().filter_map(|(path, lines)| ownership(path, lines, island_share)).collect();
    let owner_of: HashMap<&str, &str> = file_rows.iter().map(|o| (o.path.as_str(), o.owner.as_str())).collect();
    let mut owned: HashMap<&str, u64> = HashMap::new();
    for o in &file_rows {
        *owned.entry(o.owner.as_str()).or_default() += 1;
    }
    let total: u64 = all.values().sum();
    let mut authors: Vec<AuthorShare> = all
        .iter()
        .map(|(a, l)| AuthorShare { author: a.clone(), lines_changed: *l, share: ratio(*l, total), files_owned: owned.get(a.as_str()).copied().unwrap_or(0) })
        .collect();
    authors.sort_by(|x, y| y.lines_changed.cmp(&x.lines_changed).then_with(|| x.author.cmp(&y.author)));
    let mut author_coupling: Vec<AuthorPair> = group_coupling(log, |p| owner_of.get(p).copied())
        .into_iter()
        .map(|((a, b), n)| AuthorPair { a: a.to_string(), b: b.to_string(), shared_commits: n })
        .collect();
    author_coupling.sort_by(|x, y| y.shared_commits.cmp(&x.shared_commits).then_with(|| x.a.cmp(&y.a)).then_with(|| x.b.cmp(&y.b)));
    let directories = dirs.iter().filter_map(|(path, lines)| ownership(path, lines, island_share)).collect();
    let mut file_rows = file_rows;
    file_rows.sort_by(|x, y| y.lines_changed.cmp(&x.lines_changed).then_with(|| x.path.cmp(&y.path)));
    Social { lines_changed: total, bus_factor: bus_factor(&all), authors, files: file_rows, directories, author_coupling }
}

/// Authors by lines changed, most first (ties by name).
fn ranked(lines: &Lines) -> Vec<(&str, u64)> {
    let mut ranked: Vec<(&str, u64)> = lines.iter().map(|(a, l)| (a.as_str(), *l)).collect();
    ranked.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    ranked
}

/// The smallest set of authors who changed more than half of the lines; none when no lines changed.
pub fn bus_factor(lines: &Lines) -> Option<BusFactor> {
    let total: u64 = lines.values().sum();
    if total == 0 {
        return None;
    }
    let mut sum = 0;
    let mut authors = Vec::new();
    for (author, l) in ranked(lines) {
        sum += l;
        authors.push(author.to_string());
        if sum * 2 > total {
            break;
        }
    }
    Some(BusFactor { bus_factor: authors.len() as u64, authors })
}

fn ownership(path: &str, lines: &Lines, island_share: f64) -> Option<Ownership> {
    let total: u64 = lines.values().sum();
    let ranked = ranked(lines);
    let (owner, owner_lines) = *ranked.first()?;
    if total == 0 {
        return None;
    }
    let share = ratio(owner_lines, total);
    Some(Ownership {
        path: path.to_string(),
        lines_changed: total,
        authors: lines.len() as u64,
        owner: owner.to_string(),
        owner_lines,
        owner_share: share,
        bus_factor: bus_factor(lines).map_or(0, |b| b.bus_factor),
        island: share >= island_share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::parse_log;

    #[test]
    fn owners_bus_factor_and_islands() {
        // A changed 10 lines of a/x, B 3 of a/x and 4 of b/y, C 4 of b/y
        let log = parse_log(b"\x1ec3\x1fC\x1fc@x\x1f3\0\n4\t0\tb/y\0\x1ec2\x1fB\x1fb@x\x1f2\0\n2\t1\ta/x\x004\t0\tb/y\0\x1ec1\x1fA\x1fa@x\x1f1\0\n10\t0\ta/x\0");
        let s = analyze(&log, 0.75, None);
        assert_eq!(s.lines_changed, 21);
        assert_eq!(s.bus_factor, Some(BusFactor { bus_factor: 2, authors: vec!["A <a@x>".into(), "B <b@x>".into()] }));
        let ax = s.files.iter().find(|f| f.path == "a/x").unwrap();
        assert_eq!((ax.owner.as_str(), ax.owner_lines, ax.owner_share, ax.island, ax.bus_factor), ("A <a@x>", 10, 0.769, true, 1));
        let by = s.files.iter().find(|f| f.path == "b/y").unwrap();
        // a tie of 4 and 4: the first name wins; the two of them are needed for more than half
        assert_eq!((by.owner.as_str(), by.owner_share, by.island, by.bus_factor), ("B <b@x>", 0.5, false, 2));
        assert_eq!(s.author_coupling, vec![AuthorPair { a: "A <a@x>".into(), b: "B <b@x>".into(), shared_commits: 1 }]);
    }
}
