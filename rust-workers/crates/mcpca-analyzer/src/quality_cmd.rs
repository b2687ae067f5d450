//! `analyze-quality` and `list-quality-rules`: walk a tree (as `symbols` does: .gitignore
//! honoured, symlinks and special files never opened, large, binary, generated and minified files
//! skipped with a reason), keep the files the `include`/`exclude` globs select, run the `quality`
//! rules on each in parallel, find the duplicated blocks across the tree and the compared trees,
//! then filter (`minSeverity`), cap (`maxIssues`), summarize, score and page the findings.
//!
//! Answer: `{"root", "page": {"offset", "count", "total"}, "nextCursor", "findings": [...],
//! "summary": {"files", "codeLines", "findings", "reported", "truncated", "penalty", "score",
//! "bySeverity", "byRule": [{"rule", "severity", "count"}]}, "directories": [SCORED],
//! "files": [SCORED], "clones": [{"tokens", "lines", "locations": [{"file", "startLine",
//! "endLine", "tree"}]}], "clonesTotal", "skipped"}`, SCORED = `{"path", "files", "codeLines",
//! "findings", "penalty", "score"}`. Summary, scores and clones count every finding of the rules
//! that ran at or above `minSeverity`, `maxIssues` or not; pages list the kept findings ordered by
//! file, line, rule.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use globset::{Glob, GlobSet, GlobSetBuilder};
use lang::Language;
use protocol::{AnalyzeQualityArgs, ListQualityRulesArgs};
use quality::clones::{CloneClass, CloneFile};
use quality::score::{RuleCount, Scored};
use quality::{Finding, Settings, Severity, Thresholds};
use serde::Serialize;

use crate::paging::{self, PageRequest};
use crate::symbols_cmd::SkippedFile;

/// Findings per page unless `limit` says otherwise.
pub const DEFAULT_PAGE_FINDINGS: usize = 100;
/// `maxIssues` unless the call says otherwise.
pub const DEFAULT_MAX_ISSUES: usize = 10_000;
/// The most findings one call collects: each is ~300 bytes of JSON, so 100000 are ~30 MB held
/// while paging, and no agent reads more.
pub const MAX_ISSUES: usize = 100_000;
/// Clone classes listed in an answer (all of them count in `clonesTotal` and as findings).
pub const MAX_CLONE_CLASSES: usize = 200;
/// Other locations a `duplicated-blocks` message names.
const MESSAGE_LOCATIONS: usize = 3;

/// Why a call failed.
pub enum QualityError {
    BadArguments(String),
    Deadline,
}

pub struct QualityOptions<'a> {
    pub max_file_bytes: u64,
    pub deadline: Option<Instant>,
    pub cancelled: Option<&'a AtomicBool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingsPage {
    pub offset: usize,
    pub count: usize,
    pub total: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub files: usize,
    pub code_lines: u64,
    /// Findings at or above `minSeverity`.
    pub findings: usize,
    /// Of them, the ones listed in pages (at most `maxIssues`).
    pub reported: usize,
    pub truncated: bool,
    pub penalty: f64,
    pub score: f64,
    pub by_severity: std::collections::BTreeMap<&'static str, usize>,
    pub by_rule: Vec<RuleCount>,
}

/// The whole tree's result; one page of it is the answer.
pub struct QualityResult {
    pub root: String,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    pub directories: Vec<Scored>,
    pub files: Vec<Scored>,
    pub clones: Vec<CloneClass>,
    pub skipped: Vec<SkippedFile>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    root: &'a str,
    page: FindingsPage,
    next_cursor: Option<String>,
    findings: Vec<Box<serde_json::value::RawValue>>,
    summary: &'a Summary,
    directories: &'a [Scored],
    files: &'a [Scored],
    clones: &'a [CloneClass],
    clones_total: usize,
    skipped: &'a [SkippedFile],
}

/// The JSON answer for one page of `result`.
pub fn page(result: &QualityResult, request: &PageRequest) -> serde_json::Result<Box<serde_json::value::RawValue>> {
    let shown = &result.clones[..result.clones.len().min(MAX_CLONE_CLASSES)];
    let mut answer = Answer {
        root: &result.root,
        page: FindingsPage { offset: 0, count: 0, total: result.findings.len() },
        next_cursor: None,
        findings: Vec::new(),
        summary: &result.summary,
        directories: &result.directories,
        files: &result.files,
        clones: shown,
        clones_total: result.clones.len(),
        skipped: &result.skipped,
    };
    let paged = paging::paginate_beside(&answer, &result.findings, request, serde_json::value::to_raw_value)?;
    answer.page = FindingsPage { offset: paged.page.offset, count: paged.page.count, total: paged.page.total_files };
    answer.next_cursor = paged.next_cursor;
    answer.findings = paged.items;
    serde_json::to_string(&answer).and_then(serde_json::value::RawValue::from_string)
}

/// The whole result as one JSON answer, every finding in it (the CLI's; no page budget).
pub fn whole(result: &QualityResult) -> serde_json::Result<String> {
    let findings = result.findings.iter().map(serde_json::value::to_raw_value).collect::<serde_json::Result<Vec<_>>>()?;
    serde_json::to_string(&Answer {
        root: &result.root,
        page: FindingsPage { offset: 0, count: findings.len(), total: findings.len() },
        next_cursor: None,
        findings,
        summary: &result.summary,
        directories: &result.directories,
        files: &result.files,
        clones: &result.clones,
        clones_total: result.clones.len(),
        skipped: &result.skipped,
    })
}

fn globs(patterns: &[String], what: &str) -> Result<Option<GlobSet>, QualityError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        set.add(Glob::new(p).map_err(|e| QualityError::BadArguments(format!("invalid {what} glob `{p}`: {e}")))?);
    }
    set.build().map(Some).map_err(|e| QualityError::BadArguments(format!("invalid {what} globs: {e}")))
}

/// The checked arguments of a call.
struct Checked {
    thresholds: Thresholds,
    rules: Option<BTreeSet<String>>,
    min_severity: Severity,
    max_issues: usize,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

fn check_args(args: &AnalyzeQualityArgs) -> Result<Checked, QualityError> {
    let bad = QualityError::BadArguments;
    let thresholds = Thresholds::new(args.thresholds.clone()).map_err(bad)?;
    let rules = match &args.rules {
        None => None,
        Some(ids) => {
            if let Some(unknown) = ids.iter().find(|id| quality::rule(id).is_none()) {
                return Err(bad(format!("unknown rule `{unknown}` (list-quality-rules lists them)")));
            }
            Some(ids.iter().cloned().collect())
        }
    };
    let min_severity = match args.min_severity.as_deref() {
        None => Severity::Info,
        Some(s) => Severity::from_name(s).ok_or_else(|| bad(format!("`minSeverity` must be info, minor, major or critical, not `{s}`")))?,
    };
    let max_issues = args.max_issues.unwrap_or(DEFAULT_MAX_ISSUES);
    if max_issues == 0 || max_issues > MAX_ISSUES {
        return Err(bad(format!("`maxIssues` must be 1 to {MAX_ISSUES}")));
    }
    if args.compare_paths.len() != args.compare_relative_to.len() && !args.compare_relative_to.is_empty() {
        return Err(bad("`compareRelativeTo` must name one directory per `comparePaths` entry".into()));
    }
    Ok(Checked { thresholds, rules, min_severity, max_issues, include: globs(&args.include, "include")?, exclude: globs(&args.exclude, "exclude")? })
}

enum Outcome {
    Checked(quality::FileReport, std::path::PathBuf),
    Tokens(Vec<quality::clones::Token>),
    Skipped(String),
    Excluded,
}

/// Runs the rules over `args.path` (a file or directory).
pub fn analyze(args: &AnalyzeQualityArgs, options: &QualityOptions<'_>, progress: &(dyn Fn(u64, u64, &str) + Sync)) -> Result<QualityResult, QualityError> {
    let checked = check_args(args)?;
    let enabled = |id: &str| checked.rules.as_ref().map_or(true, |r| r.contains(id));
    let settings = Settings { thresholds: &checked.thresholds, enabled: &enabled };
    let expired = || options.deadline.map_or(false, |d| Instant::now() >= d) || options.cancelled.map_or(false, |c| c.load(Ordering::Relaxed));
    let root = Path::new(&args.path);
    let relative_to = args.relative_to.as_deref().map(Path::new);
    let selected = |path: &Path| {
        let below = path.strip_prefix(root).ok().filter(|p| !p.as_os_str().is_empty()).or_else(|| path.file_name().map(Path::new)).unwrap_or(path);
        checked.include.as_ref().map_or(true, |g| g.is_match(below)) && !checked.exclude.as_ref().map_or(false, |g| g.is_match(below))
    };
    let walked = crate::scan::walk(root, relative_to, progress, |path, shown| {
        if expired() {
            return None;
        }
        if !selected(path) {
            return Some(Outcome::Excluded);
        }
        Some(match read(path, options.max_file_bytes) {
            Ok((source, lang)) => Outcome::Checked(quality::check_file(lang, &source, shown, &settings), path.to_path_buf()),
            Err(reason) => Outcome::Skipped(reason),
        })
    });
    if expired() || walked.outcomes.iter().any(Option::is_none) {
        return Err(QualityError::Deadline);
    }
    let mut skipped: Vec<SkippedFile> = walked.skipped.into_iter().map(|(path, reason)| SkippedFile { path, reason }).collect();
    let mut findings = Vec::new();
    let mut files = Vec::new();
    let mut clone_files = Vec::new();
    let mut real_paths = std::collections::HashMap::new();
    for (shown, outcome) in walked.outcomes.into_iter().flatten() {
        match outcome {
            Outcome::Checked(report, real) => {
                findings.extend(report.findings);
                real_paths.insert(shown.clone(), real);
                files.push((shown.clone(), report.code_lines));
                clone_files.push(CloneFile { path: shown, tree: 0, tokens: report.tokens });
            }
            Outcome::Skipped(reason) => skipped.push(SkippedFile { path: shown, reason }),
            Outcome::Tokens(_) | Outcome::Excluded => {}
        }
    }
    let mut clones = Vec::new();
    if enabled("duplicated-blocks") {
        for (i, other) in args.compare_paths.iter().enumerate() {
            let other_root = Path::new(other);
            let base = args.compare_relative_to.get(i).map(Path::new);
            let walked = crate::scan::walk(other_root, base, &|_, _, _| {}, |path, _| {
                if expired() {
                    return None;
                }
                Some(match read(path, options.max_file_bytes) {
                    Ok((source, lang)) => Outcome::Tokens(quality::file_tokens(lang, &source)),
                    Err(reason) => Outcome::Skipped(reason),
                })
            });
            if expired() || walked.outcomes.iter().any(Option::is_none) {
                return Err(QualityError::Deadline);
            }
            for (shown, outcome) in walked.outcomes.into_iter().flatten() {
                if let Outcome::Tokens(tokens) = outcome {
                    clone_files.push(CloneFile { path: shown, tree: i + 1, tokens });
                }
            }
        }
        let min_tokens = settings.thresholds.get("duplicated-blocks", "minTokens").max(1.0) as usize;
        let min_lines = settings.thresholds.get("duplicated-blocks", "minLines") as u32;
        clones = quality::clones::detect(&clone_files, min_tokens, min_lines);
        duplicated_block_findings(&clones, &real_paths, &mut findings);
    }
    findings.retain(|f| f.severity >= checked.min_severity);
    findings.sort_by(|a, b| (&a.file, a.start_line, a.rule, a.end_line).cmp(&(&b.file, b.start_line, b.rule, b.end_line)));
    let (file_scores, directories, by_rule) = quality::score::summarize(&files, &findings);
    let mut by_severity = std::collections::BTreeMap::new();
    for f in &findings {
        *by_severity.entry(f.severity.name()).or_insert(0) += 1;
    }
    let whole = directories.iter().find(|d| d.path.is_empty());
    let summary = Summary {
        files: files.len(),
        code_lines: files.iter().map(|(_, c)| c).sum(),
        findings: findings.len(),
        reported: findings.len().min(checked.max_issues),
        truncated: findings.len() > checked.max_issues,
        penalty: whole.map_or(0.0, |d| d.penalty),
        score: whole.map_or(100.0, |d| d.score),
        by_severity,
        by_rule,
    };
    findings.truncate(checked.max_issues);
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(QualityResult {
        root: crate::scan::shown_root(root, relative_to),
        findings,
        summary,
        directories,
        files: file_scores,
        clones,
        skipped,
    })
}

fn read(path: &Path, max_file_bytes: u64) -> Result<(Vec<u8>, Language), String> {
    let (source, lang) = crate::scan::read_source(path, max_file_bytes, None)?;
    if let Some(reason) = lang::generated::skip_reason(path, &source) {
        return Err(reason.into());
    }
    Ok((source, lang))
}

/// One `duplicated-blocks` finding per location of each class in the analysed tree.
fn duplicated_block_findings(clones: &[CloneClass], real_paths: &std::collections::HashMap<String, std::path::PathBuf>, findings: &mut Vec<Finding>) {
    let severity = quality::rule("duplicated-blocks").map(|r| r.severity).expect("a catalog rule");
    let mut excerpts = std::collections::HashMap::new();
    for class in clones {
        for here in class.locations.iter().filter(|l| l.tree == 0) {
            let others: Vec<String> = class
                .locations
                .iter()
                .filter(|l| *l != here)
                .take(MESSAGE_LOCATIONS)
                .map(|l| format!("{}{}:{}-{}", if l.tree > 0 { format!("[tree {}] ", l.tree) } else { String::new() }, l.file, l.start_line, l.end_line))
                .collect();
            let more = class.locations.len() - 1 - others.len();
            let message = format!(
                "block of {} tokens ({} lines) duplicated in {} other place{}: {}{}",
                class.tokens,
                here.end_line + 1 - here.start_line,
                class.locations.len() - 1,
                if class.locations.len() == 2 { "" } else { "s" },
                others.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
            let excerpt = excerpt_of(&mut excerpts, real_paths.get(&here.file), here.start_line);
            findings.push(Finding { rule: "duplicated-blocks", severity, file: here.file.clone(), start_line: here.start_line, end_line: here.end_line, message, excerpt });
        }
    }
}

/// The first line of a block, from its file (read once per file).
fn excerpt_of(sources: &mut std::collections::HashMap<std::path::PathBuf, Vec<String>>, real: Option<&std::path::PathBuf>, line: u32) -> String {
    let Some(real) = real else { return String::new() };
    let lines = sources.entry(real.clone()).or_insert_with(|| {
        std::fs::read(real).map(|b| String::from_utf8_lossy(&b).lines().map(str::to_string).collect()).unwrap_or_default()
    });
    lines.get(line as usize - 1).map(|l| quality::cut(l.trim())).unwrap_or_default()
}

/// `list-quality-rules`.
#[derive(Serialize)]
pub struct RulesAnswer {
    pub rules: Vec<&'static quality::Rule>,
    pub severities: [&'static str; 4],
}

pub fn list_rules(args: &ListQualityRulesArgs) -> Result<RulesAnswer, QualityError> {
    let language = match args.language.as_deref() {
        None => None,
        Some(name) => match Language::from_name(name) {
            Some(l) if l.has_grammar() => Some(l.name()),
            _ => return Err(QualityError::BadArguments(format!("unknown language `{name}` (the rules cover languages with a grammar)"))),
        },
    };
    Ok(RulesAnswer { rules: quality::catalog(language), severities: ["info", "minor", "major", "critical"] })
}
