//! Quality scores and summaries.
//!
//! **Score** of a file or directory, 0-100 (100: no findings):
//! `penalty = Σ weight(severity)` over its findings (info 1, minor 3, major 5, critical 10);
//! `density = 1000 × penalty / max(codeLines, 50)` (penalty points per 1000 lines of code; files
//! under 50 lines count as 50, so one finding in a tiny file does not sink it);
//! `score = 100 × 100 / (100 + density)`, rounded to one decimal. One major finding per 100 lines
//! gives 66.7, per 1000 lines 95.2. A directory's score is the same formula over the summed
//! penalty and code lines of every file below it (not an average of file scores, so a large
//! clean file weighs more than a small bad one).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Finding, Severity};

/// Lines of code below which a file counts as this many for the density.
pub const MIN_LINES: u64 = 50;

pub fn score(penalty: f64, code_lines: u64) -> f64 {
    let density = 1000.0 * penalty / code_lines.max(MIN_LINES) as f64;
    (1000.0 * 100.0 / (100.0 + density)).round() / 10.0
}

/// A file's or a directory's numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scored {
    pub path: String,
    pub files: u64,
    pub code_lines: u64,
    pub findings: u64,
    pub penalty: f64,
    pub score: f64,
}

impl Scored {
    fn add(&mut self, code_lines: u64, findings: &[&Finding]) {
        self.files += 1;
        self.code_lines += code_lines;
        self.findings += findings.len() as u64;
        self.penalty += findings.iter().map(|f| f.severity.weight()).sum::<f64>();
        self.score = score(self.penalty, self.code_lines);
    }
}

/// Findings per rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCount {
    pub rule: &'static str,
    pub severity: Severity,
    pub count: u64,
}

/// Per file and per directory (every directory holding a checked file, its subdirectories rolled
/// in, `""` the analysed one) scores, and counts per rule; `files` are the checked files with
/// their code lines, `findings` every finding kept.
pub fn summarize(files: &[(String, u64)], findings: &[Finding]) -> (Vec<Scored>, Vec<Scored>, Vec<RuleCount>) {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(f.file.as_str()).or_default().push(f);
    }
    let mut per_file = Vec::new();
    let mut per_dir: BTreeMap<String, Scored> = BTreeMap::new();
    for (path, code) in files {
        let found = by_file.get(path.as_str()).cloned().unwrap_or_default();
        let mut s = Scored { path: path.clone(), ..Default::default() };
        s.add(*code, &found);
        per_file.push(s);
        let mut dir = path.as_str();
        loop {
            dir = match dir.rfind('/') {
                Some(i) => &dir[..i],
                None => "",
            };
            per_dir.entry(dir.to_string()).or_insert_with(|| Scored { path: dir.to_string(), ..Default::default() }).add(*code, &found);
            if dir.is_empty() {
                break;
            }
        }
    }
    let mut by_rule: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for f in findings {
        by_rule.entry(f.rule).or_insert(RuleCount { rule: f.rule, severity: f.severity, count: 0 }).count += 1;
    }
    let mut rules: Vec<RuleCount> = by_rule.into_values().collect();
    rules.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    (per_file, per_dir.into_values().collect(), rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_examples() {
        assert_eq!(score(0.0, 10), 100.0);
        assert_eq!(score(5.0, 100), 66.7);
        assert_eq!(score(5.0, 1000), 95.2);
        assert_eq!(score(5.0, 10), score(5.0, 50), "small files count as 50 lines");
    }
}
