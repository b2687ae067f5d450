//! `quality`: inspection rules built on the metric suite (`metrics`) and the syntax trees
//! (`lang`), token-normalized clone detection, and quality scores.
//!
//! * [`rules`]: the catalog (id, severity, languages, description, reference, thresholds).
//! * [`check_file`]: one file's findings. The file is parsed once: the metric walk hands back its
//!   tree ([`metrics::analyze_source_keeping_tree`]) and the syntax rules (`syntax.rs`) and the
//!   comment and literal rules (`text.rs`, `secrets.rs`) walk that tree again, iteratively.
//! * [`clones`]: duplicated blocks across files and trees (rule `duplicated-blocks`).
//! * [`score`]: the quality score of a file or directory, and the summaries.
//!
//! A finding: `{"rule", "severity", "file", "startLine", "endLine", "message", "excerpt"}`; the
//! excerpt is the first line of the range, trimmed, at most [`EXCERPT_CHARS`] characters, with a
//! secret's value replaced by its first 4 characters and its length.

pub mod clones;
pub mod rules;
pub mod score;

mod kinds;
mod metric_rules;
mod secrets;
mod syntax;
mod text;

use lang::tree_sitter::Node;
use lang::Language;
use serde::Serialize;

pub use rules::{catalog, rule, Rule, Severity, Thresholds, RULES};

/// Excerpts are cut to this many characters: enough to recognize the line.
pub const EXCERPT_CHARS: usize = 120;

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    pub message: String,
    pub excerpt: String,
}

/// What a call asks of [`check_file`].
pub struct Settings<'a> {
    pub thresholds: &'a Thresholds,
    /// Whether a rule runs (the call's `rules`, all by default).
    pub enabled: &'a (dyn Fn(&str) -> bool + Sync),
}

impl Settings<'_> {
    fn on(&self, id: &str) -> bool {
        (self.enabled)(id)
    }
}

/// One file's findings (without `duplicated-blocks`, which needs the whole tree), its code lines
/// (for the score) and its normalized tokens (for [`clones`]).
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub code_lines: u64,
    pub tokens: Vec<clones::Token>,
}

/// Checks one file. `path` goes into the findings' `file`.
pub fn check_file(lang: Language, source: &[u8], path: &str, settings: &Settings<'_>) -> FileReport {
    let lines = Lines::new(source);
    let mut out = Sink { findings: Vec::new(), file: path, lines: &lines };
    // one pass over the tree, the metric walk's own, feeds every rule: a pass of its own cost
    // about a fifth of the metric walk
    let kinds = kinds::of(lang);
    let syntax = syntax::Syntax::new(lang, settings);
    let mut collected = text::Collected::default();
    let mut tokenizer = settings.on("duplicated-blocks").then(clones::Tokenizer::new);
    let (metrics, parsed) = metrics::analyze_source_visiting(lang, source, &mut |node, kind_id| {
        let flags = kinds.flags(kind_id);
        if flags & kinds::SYNTAX != 0 {
            syntax.visit(node, kinds.name(kind_id, || node.kind()), source, &mut out);
        }
        collected.visit(node, flags);
        if let Some(t) = &mut tokenizer {
            t.visit(node, flags, source);
        }
    });
    metric_rules::check(&metrics, settings, &mut out);
    let mut tokens = Vec::new();
    if parsed {
        text::check(lang, &collected, source, settings, &mut out);
        tokens = tokenizer.map(|t| t.tokens).unwrap_or_default();
    } else {
        text::check_plain(source, settings, &mut out);
    }
    let mut findings = out.findings;
    findings.sort_by(|a, b| (a.start_line, a.rule, a.end_line).cmp(&(b.start_line, b.rule, b.end_line)));
    FileReport { findings, code_lines: metrics.lines.code, tokens }
}

/// The normalized tokens of a file for [`clones`] alone (a compared tree's files); none without a
/// grammar.
pub fn file_tokens(lang: Language, source: &[u8]) -> Vec<clones::Token> {
    match lang::parse(lang, source) {
        Ok(tree) => clones::tokens(lang, tree.root_node(), source),
        Err(_) => Vec::new(),
    }
}

/// The lines of a file, for excerpts.
pub(crate) struct Lines<'a> {
    source: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(source: &'a [u8]) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(source.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { source, starts }
    }

    /// Line `n` (1-based) trimmed, without its newline.
    pub(crate) fn line(&self, n: u32) -> String {
        let i = (n as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else { return String::new() };
        let end = self.starts.get(i + 1).map(|e| e - 1).unwrap_or(self.source.len()).max(start);
        String::from_utf8_lossy(&self.source[start..end]).trim().to_string()
    }
}

/// Cuts an excerpt to [`EXCERPT_CHARS`] characters.
pub fn cut(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let mut s: String = text.chars().take(EXCERPT_CHARS - 1).collect();
    s.push('…');
    s
}

/// Where the rules put their findings.
pub(crate) struct Sink<'a> {
    findings: Vec<Finding>,
    file: &'a str,
    lines: &'a Lines<'a>,
}

impl Sink<'_> {
    /// A finding on lines `start..=end`, its excerpt the first line.
    pub(crate) fn add(&mut self, id: &'static str, start: u32, end: u32, message: String) {
        let excerpt = cut(&self.lines.line(start));
        self.add_with_excerpt(id, start, end, message, excerpt);
    }

    pub(crate) fn add_with_excerpt(&mut self, id: &'static str, start: u32, end: u32, message: String, excerpt: String) {
        let severity = rule(id).map(|r| r.severity).expect("a catalog rule");
        self.findings.push(Finding { rule: id, severity, file: self.file.to_string(), start_line: start, end_line: end.max(start), message, excerpt });
    }

    pub(crate) fn line(&self, n: u32) -> String {
        self.lines.line(n)
    }

    /// A finding spanning `node`.
    pub(crate) fn at(&mut self, id: &'static str, node: Node<'_>, message: String) {
        self.add(id, line_of(node), end_line_of(node), message);
    }
}

pub(crate) fn line_of(node: Node<'_>) -> u32 {
    node.start_position().row as u32 + 1
}

pub(crate) fn end_line_of(node: Node<'_>) -> u32 {
    node.end_position().row as u32 + 1
}

pub(crate) fn text<'s>(node: Node<'_>, source: &'s [u8]) -> &'s str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

/// Every node under `root` in pre-order, without recursion.
pub(crate) fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    let mut cursor = root.walk();
    loop {
        visit(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}
