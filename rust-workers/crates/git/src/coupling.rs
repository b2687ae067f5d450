//! `change-coupling`: files that change in the same commits (logical coupling, which imports do
//! not show). For a pair (a, b): `support` = commits touching both; `confidence` a->b =
//! support / commits touching a (the share of a's changes that also changed b), as association
//! rules define it. Commits touching more than `max_files_per_commit` files (mass renames,
//! formatting) are left out, like code-maat's `max-changeset-size` (default 30 there too).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::Log;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CouplingOptions {
    pub min_support: u64,
    pub min_confidence: f64,
    pub max_files_per_commit: usize,
}

impl Default for CouplingOptions {
    fn default() -> Self {
        CouplingOptions { min_support: 2, min_confidence: 0.0, max_files_per_commit: 30 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilePair {
    pub a: String,
    pub b: String,
    pub support: u64,
    pub commits_a: u64,
    pub commits_b: u64,
    /// support / commitsA
    pub confidence_a_to_b: f64,
    /// support / commitsB
    pub confidence_b_to_a: f64,
    /// The larger of the two.
    pub confidence: f64,
}

/// Pairs by support, then confidence, descending, then by names; and the commits left out as too large.
pub fn change_coupling(log: &Log, options: &CouplingOptions) -> (Vec<FilePair>, u64, u64) {
    let mut commits_of: HashMap<&str, u64> = HashMap::new();
    let mut together: HashMap<(&str, &str), u64> = HashMap::new();
    let (mut used, mut too_large) = (0u64, 0u64);
    for commit in &log.commits {
        let files: BTreeSet<&str> = commit.changes.iter().map(|c| c.path.as_str()).collect();
        if files.len() > options.max_files_per_commit {
            too_large += 1;
            continue;
        }
        used += 1;
        let files: Vec<&str> = files.into_iter().collect();
        for (i, a) in files.iter().enumerate() {
            *commits_of.entry(a).or_default() += 1;
            for b in &files[i + 1..] {
                *together.entry((a, b)).or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<FilePair> = together
        .into_iter()
        .filter(|(_, support)| *support >= options.min_support)
        .map(|((a, b), support)| {
            let (ca, cb) = (commits_of[a], commits_of[b]);
            let (ab, ba) = (ratio(support, ca), ratio(support, cb));
            FilePair { a: a.to_string(), b: b.to_string(), support, commits_a: ca, commits_b: cb, confidence_a_to_b: ab, confidence_b_to_a: ba, confidence: ab.max(ba) }
        })
        .filter(|p| p.confidence >= options.min_confidence)
        .collect();
    pairs.sort_by(|x, y| {
        y.support.cmp(&x.support).then(y.confidence.total_cmp(&x.confidence)).then_with(|| x.a.cmp(&y.a)).then_with(|| x.b.cmp(&y.b))
    });
    (pairs, used, too_large)
}

/// `part / whole` rounded to 3 decimals (0 for an empty whole).
pub fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 1000.0).round() / 1000.0
    }
}

/// Co-change between groups of files: for each pair of distinct groups (by `group_of`), the
/// commits that touch both. Used for authors' areas.
pub fn group_coupling<'a>(log: &'a Log, group_of: impl Fn(&str) -> Option<&'a str>) -> BTreeMap<(&'a str, &'a str), u64> {
    let mut counts = BTreeMap::new();
    for commit in &log.commits {
        let groups: BTreeSet<&str> = commit.changes.iter().filter_map(|c| group_of(&c.path)).collect();
        let groups: Vec<&str> = groups.into_iter().collect();
        for (i, a) in groups.iter().enumerate() {
            for b in &groups[i + 1..] {
                *counts.entry((*a, *b)).or_default() += 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::parse_log;

    #[test]
    fn support_and_confidence_of_files_changed_together() {
        let log = parse_log(b"\x1ec3\x1fA\x1fa@x\x1f3\0\n1\t0\ta\0\x1ec2\x1fA\x1fa@x\x1f2\0\n1\t0\ta\x001\t0\tb\0\x1ec1\x1fA\x1fa@x\x1f1\0\n1\t0\ta\x001\t0\tb\x001\t0\tc\0");
        let (pairs, used, too_large) = change_coupling(&log, &CouplingOptions::default());
        assert_eq!((used, too_large), (3, 0));
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0], FilePair { a: "a".into(), b: "b".into(), support: 2, commits_a: 3, commits_b: 2, confidence_a_to_b: 0.667, confidence_b_to_a: 1.0, confidence: 1.0 });
        let (_, used, too_large) = change_coupling(&log, &CouplingOptions { max_files_per_commit: 2, ..Default::default() });
        assert_eq!((used, too_large), (2, 1));
    }
}
