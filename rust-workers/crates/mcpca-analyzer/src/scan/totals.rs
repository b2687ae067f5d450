//! Totals over a set of files: the line counts every total shares ([`LineTotals`], also the
//! `summary` command's), and the scan's roll-ups of them with the function and class metrics,
//! per language, per directory and for the whole scan.

use std::collections::BTreeMap;

use metrics::{FileSummary, LineCounts, MetricStats};
use serde::Serialize;

use super::ScannedFile;

/// cloc's line counts over a set of files: the fact every total holds, a scan's (in
/// [`LanguageTotals`]) and `summary`'s alike. Dereferences to the counts.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LineTotals {
    pub files: u64,
    #[serde(flatten)]
    pub counts: LineCounts,
}

impl LineTotals {
    /// Counts one more file.
    pub fn add(&mut self, counts: &LineCounts) {
        self.files += 1;
        self.counts.add(counts);
    }

    pub fn merge(&mut self, o: &LineTotals) {
        self.files += o.files;
        self.counts.add(&o.counts);
    }
}

impl std::ops::Deref for LineTotals {
    type Target = LineCounts;
    fn deref(&self) -> &LineCounts {
        &self.counts
    }
}

/// Totals over a set of files: cloc line counts, logical lines, function count and the roll-up
/// (sum/avg/min/max) of the function and class metrics. Dereferences to the line counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LanguageTotals {
    #[serde(flatten)]
    pub lines: LineTotals,
    pub logical: u64,
    pub functions: u64,
    pub metrics: MetricStats,
}

impl LanguageTotals {
    pub fn add(&mut self, m: &FileSummary) {
        self.lines.add(&m.lines.counts);
        self.logical += m.lines.logical;
        self.functions += m.functions;
        self.metrics.merge(&m.totals);
    }

    pub fn merge(&mut self, o: &LanguageTotals) {
        self.lines.merge(&o.lines);
        self.logical += o.logical;
        self.functions += o.functions;
        self.metrics.merge(&o.metrics);
    }
}

impl std::ops::Deref for LanguageTotals {
    type Target = LineTotals;
    fn deref(&self) -> &LineTotals {
        &self.lines
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    #[serde(flatten)]
    pub all: LanguageTotals,
    pub by_language: BTreeMap<String, LanguageTotals>,
}

impl Totals {
    /// Counts one more file, for the whole tree and its language: files are added in path order
    /// (a scan's, and a merge of its shards', so the float sums are the same to the last bit).
    pub fn add(&mut self, summary: &FileSummary) {
        self.all.add(summary);
        self.by_language.entry(summary.language.to_string()).or_default().add(summary);
    }
}

/// Totals of one directory and everything below it (`path` relative like the files' paths;
/// `""` is the scanned directory itself).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryTotals {
    pub path: String,
    #[serde(flatten)]
    pub totals: LanguageTotals,
}

/// Roll-up per directory: each file counts for its directory and every ancestor up to the root.
pub fn directory_totals(files: &[ScannedFile]) -> Vec<DirectoryTotals> {
    directory_totals_of(files.iter().map(|f| (f.path.as_str(), &f.summary)))
}

/// [`directory_totals`] of `(path, summary)` pairs in path order.
pub fn directory_totals_of<'a>(files: impl IntoIterator<Item = (&'a str, &'a FileSummary)>) -> Vec<DirectoryTotals> {
    let mut dirs: BTreeMap<&str, LanguageTotals> = BTreeMap::new();
    for (file_path, summary) in files {
        let mut path = file_path;
        loop {
            path = match path.rfind('/') {
                Some(i) => &path[..i],
                None => "",
            };
            dirs.entry(path).or_default().add(summary);
            if path.is_empty() {
                break;
            }
        }
    }
    dirs.into_iter().map(|(path, totals)| DirectoryTotals { path: path.to_string(), totals }).collect()
}
