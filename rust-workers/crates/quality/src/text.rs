//! The rules on comments and literals: TODO/FIXME/HACK/XXX markers, commented-out code, and
//! (through `secrets.rs`) hard-coded secrets. Comments are the tree's comment nodes, so a `//`
//! inside a string is no comment here.

use std::sync::OnceLock;

use lang::tree_sitter::Node;
use lang::Language;
use regex::Regex;

use crate::{kinds, line_of, secrets, Settings, Sink};

const MARKER: &str = r"(?i)\b(todo|fixme|hack|xxx)\b";

fn marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(MARKER).expect("valid"))
}

/// statements ending like code, calls, assignments, control heads, declarations
const CODE_LINE: &str = concat!(
    r"^(?:",
    r".*[;{}]$",
    r"|(?:if|for|while|switch|return|import|from|def|class|function|var|let|const|public|private|protected|static|else|elif|try|catch|except|raise|throw|package|fn|func)\b.*[(=:{;]",
    r"|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\s*\(.*\)\s*;?$",
    r"|[A-Za-z_$][\w$.\[\]]*\s*(?:[-+*/%|&]?=)\s*[^=\s].*$",
    r")"
);

fn code_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(CODE_LINE).expect("valid"))
}

/// A pattern's word boundaries left out: it matches wherever the pattern does (and a little
/// more), on the regex crate's DFA, which a Unicode `\b` keeps it off (the NFA it falls back to
/// showed in profiles). Asked first, so the pattern itself runs only on the few candidates.
pub(crate) fn without_word_boundaries(pattern: &str) -> Regex {
    Regex::new(&pattern.replace(r"\b", "")).expect("valid")
}

fn marker_candidate() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| without_word_boundaries(MARKER))
}

fn code_line_candidate() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| without_word_boundaries(CODE_LINE))
}

/// A comment line that reads as prose is no code even if it ends in `:` or `.`.
fn is_code(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.starts_with('@') || t.contains("://") {
        return false;
    }
    code_line_candidate().is_match(t) && code_line().is_match(t)
}

/// Where a comment or string literal lies: its bytes and its first line (1-based).
#[derive(Clone, Copy)]
pub(crate) struct Piece {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: u32,
}

impl Piece {
    fn of(node: Node<'_>) -> Piece {
        Piece { start: node.start_byte(), end: node.end_byte(), line: line_of(node) }
    }

    pub(crate) fn text<'s>(&self, source: &'s [u8]) -> &'s str {
        std::str::from_utf8(&source[self.start..self.end]).unwrap_or("")
    }
}

/// Comments and string literals of a file, collected by the file's one pre-order pass.
#[derive(Default)]
pub(crate) struct Collected {
    comments: Vec<Piece>,
    strings: Vec<Piece>,
    /// The end of the last string taken: its parts (fragments, nested strings) are no strings.
    string_end: usize,
}

impl Collected {
    /// `flags`: the node kind's [`kinds`](crate::kinds) flags.
    pub(crate) fn visit(&mut self, node: Node<'_>, flags: u16) {
        if flags & kinds::COMMENT != 0 {
            self.comments.push(Piece::of(node));
        } else if flags & kinds::STRING != 0 && node.start_byte() >= self.string_end {
            self.string_end = node.end_byte();
            self.strings.push(Piece::of(node));
        }
    }
}

pub(crate) fn check(lang: Language, found: &Collected, source: &[u8], settings: &Settings<'_>, out: &mut Sink<'_>) {
    let (todo, commented, secret) = (settings.on("todo-comment"), settings.on("commented-out-code"), settings.on("hard-coded-secret"));
    let comments = &found.comments;
    if todo {
        for c in comments.iter().filter(|c| marker_candidate().is_match(c.text(source))) {
            for (i, line) in c.text(source).lines().enumerate() {
                if let Some(m) = marker().find(line) {
                    let n = c.line + i as u32;
                    out.add("todo-comment", n, n, format!("{} comment", m.as_str().to_ascii_uppercase()));
                }
            }
        }
    }
    if commented {
        commented_out_code(lang, comments, source, settings, out);
    }
    if secret {
        secrets::check(&found.strings, source, settings, out);
    }
}

pub(crate) fn is_string(kind: &str) -> bool {
    matches!(
        kind,
        "string" | "string_literal" | "raw_string_literal" | "interpreted_string_literal" | "template_string" | "encapsed_string"
            | "line_string_literal" | "verbatim_string_literal" | "character_literal" | "text_block"
    )
}

/// Groups comments on consecutive lines (a run of `//` lines is one block) and reports a block
/// whose code-like lines are at least `minLines` and at least half of its non-empty lines.
fn commented_out_code(lang: Language, comments: &[Piece], source: &[u8], settings: &Settings<'_>, out: &mut Sink<'_>) {
    let min_lines = settings.thresholds.get("commented-out-code", "minLines").max(1.0);
    let mut blocks: Vec<(u32, u32, Vec<String>)> = Vec::new();
    for c in comments {
        let raw = c.text(source);
        // documentation comments describe code; Python docstrings are strings, not comments
        if raw.starts_with("/**") || raw.starts_with("///") || raw.starts_with("//!") || raw.starts_with("#!") {
            continue;
        }
        let start = c.line;
        let lines: Vec<String> = raw.lines().map(|l| strip_comment_marks(lang, l)).collect();
        let end = start + lines.len().saturating_sub(1) as u32;
        match blocks.last_mut() {
            Some(last) if last.1 + 1 == start && !raw.starts_with("/*") => {
                last.1 = end;
                last.2.extend(lines);
            }
            _ => blocks.push((start, end, lines)),
        }
    }
    for (start, _, lines) in blocks {
        let non_empty = lines.iter().filter(|l| !l.trim().is_empty()).count();
        let code_at: Vec<u32> = lines.iter().enumerate().filter(|(_, l)| is_code(l)).map(|(i, _)| start + i as u32).collect();
        let code = code_at.len();
        if let (Some(first), Some(last)) = (code_at.first(), code_at.last()) {
            if code as f64 >= min_lines && code * 2 >= non_empty {
                out.add("commented-out-code", *first, *last, format!("{code} commented-out line{} of code", if code == 1 { "" } else { "s" }));
            }
        }
    }
}

fn strip_comment_marks(_lang: Language, line: &str) -> String {
    let t = line.trim();
    let t = t.strip_prefix("/*").unwrap_or(t);
    let t = t.strip_suffix("*/").unwrap_or(t);
    let t = t.trim_start_matches("//").trim_start_matches('#').trim_start_matches('*');
    t.trim().to_string()
}

/// Files without a grammar: markers and provider keys by line.
pub(crate) fn check_plain(source: &[u8], settings: &Settings<'_>, out: &mut Sink<'_>) {
    let text = String::from_utf8_lossy(source);
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        if settings.on("todo-comment") {
            // without a grammar, only after a comment opener of the common syntaxes
            let opener = ["#", "//", "--", "/*", "<!--", ";", "%"].iter().filter_map(|o| line.find(o)).min();
            if let Some(m) = marker().find(line).filter(|m| opener.map_or(false, |o| o < m.start())) {
                out.add("todo-comment", n, n, format!("{} comment", m.as_str().to_ascii_uppercase()));
            }
        }
    }
    if settings.on("hard-coded-secret") {
        secrets::check_lines(&text, out);
    }
}
