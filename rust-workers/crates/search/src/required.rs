//! Required literals of a regular expression: a set of strings one of which every match
//! contains (`Exception` for `[A-Z][a-z]+Exception`, `null` for `(if|while) *\(.*null`,
//! `if`/`while` for `(if|while)\b`). A line without one cannot match, so the text search looks
//! for them (memchr's `memmem`, Aho-Corasick for a set) and runs the regex only on the lines
//! they are on, as ripgrep does with its inner literals.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;
use regex_syntax::hir::{Anchor, Hir, HirKind, Literal, RepetitionKind, RepetitionRange};

/// Literals shorter than this are not worth looking for first (a `(` is on every other line).
const MIN_LITERAL_BYTES: usize = 2;
/// A larger set (an alternation of many words) is left to the regex engine's own prefilter.
const MAX_LITERALS: usize = 32;

/// How to find the next place a match may be.
pub(crate) enum Required {
    One(memmem::Finder<'static>),
    Any(AhoCorasick),
}

/// What a pattern's required literals are.
pub(crate) struct Prefilter {
    pub(crate) required: Required,
    /// The pattern is exactly this one literal: an occurrence is a match (no regex needed).
    pub(crate) exact: bool,
}

impl Prefilter {
    /// The prefilter of `source` as the regex crate compiles it with these flags, or `None` when
    /// no usable literal is required (a class, `x*`, a case-insensitive pattern: tree-sitter
    /// style `[Tt]` classes are not expanded) or the pattern uses `\A`/`\z` (text anchors, where
    /// a line alone is not the file).
    pub(crate) fn of(source: &str, case_insensitive: bool) -> Option<Prefilter> {
        let hir = regex_syntax::ParserBuilder::new().case_insensitive(case_insensitive).multi_line(true).allow_invalid_utf8(true).build().parse(source).ok()?;
        if has_text_anchor(&hir) {
            return None;
        }
        let literals = required(&hir)?;
        if literals.is_empty() || literals.len() > MAX_LITERALS || literals.iter().any(|l| l.len() < MIN_LITERAL_BYTES) {
            return None;
        }
        let exact = literals.len() == 1 && exact_literal(&hir).as_deref() == Some(&literals[0][..]);
        let required = if literals.len() == 1 {
            Required::One(memmem::Finder::new(&literals[0]).into_owned())
        } else {
            Required::Any(AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostFirst).build(&literals))
        };
        Some(Prefilter { required, exact })
    }

    /// Where the first required literal at or after `from` starts, and its length.
    #[inline]
    pub(crate) fn find(&self, haystack: &[u8], from: usize) -> Option<(usize, usize)> {
        match &self.required {
            Required::One(f) => f.find(&haystack[from..]).map(|i| (from + i, f.needle().len())),
            Required::Any(ac) => ac.find(&haystack[from..]).map(|m| (from + m.start(), m.end() - m.start())),
        }
    }
}

fn has_text_anchor(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Anchor(Anchor::StartText | Anchor::EndText) => true,
        HirKind::Repetition(r) => has_text_anchor(&r.hir),
        HirKind::Group(g) => has_text_anchor(&g.hir),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(has_text_anchor),
        _ => false,
    }
}

fn literal_bytes(lit: &Literal, out: &mut Vec<u8>) {
    match lit {
        Literal::Unicode(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        Literal::Byte(b) => out.push(*b),
    }
}

/// The pattern's text when it is one literal string and nothing else.
fn exact_literal(hir: &Hir) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match hir.kind() {
        HirKind::Literal(l) => literal_bytes(l, &mut out),
        HirKind::Concat(hs) => {
            for h in hs {
                let HirKind::Literal(l) = h.kind() else { return None };
                literal_bytes(l, &mut out);
            }
        }
        _ => return None,
    }
    Some(out)
}

/// How good a set is to look for: its shortest literal's length (longer is rarer), then fewer.
fn score(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    (set.iter().map(Vec::len).min().unwrap_or(0), std::cmp::Reverse(set.len()))
}

/// A set of literals one of which every match of `hir` contains, if there is one.
fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(l) => {
            let mut out = Vec::new();
            literal_bytes(l, &mut out);
            Some(vec![out])
        }
        HirKind::Group(g) => required(&g.hir),
        HirKind::Repetition(r) => {
            let at_least_once = match r.kind {
                RepetitionKind::OneOrMore => true,
                RepetitionKind::Range(RepetitionRange::Exactly(n) | RepetitionRange::AtLeast(n) | RepetitionRange::Bounded(n, _)) => n >= 1,
                RepetitionKind::ZeroOrOne | RepetitionKind::ZeroOrMore => false,
            };
            if at_least_once {
                required(&r.hir)
            } else {
                None
            }
        }
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(required(b)?);
                if all.len() > MAX_LITERALS {
                    return None;
                }
            }
            all.sort();
            all.dedup();
            Some(all)
        }
        HirKind::Concat(parts) => {
            // consecutive literals are one string; of that and every part's own set, the best
            let mut best: Option<Vec<Vec<u8>>> = None;
            let mut consider = |set: Vec<Vec<u8>>| {
                if best.as_ref().map_or(true, |b| score(&set) > score(b)) {
                    best = Some(set);
                }
            };
            let mut run = Vec::new();
            for part in parts {
                if let HirKind::Literal(l) = part.kind() {
                    literal_bytes(l, &mut run);
                    continue;
                }
                if !run.is_empty() {
                    consider(vec![std::mem::take(&mut run)]);
                }
                if let Some(set) = required(part) {
                    consider(set);
                }
            }
            if !run.is_empty() {
                consider(vec![run]);
            }
            best
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Anchor(_) | HirKind::WordBoundary(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pattern: &str, case_insensitive: bool) -> Option<Vec<String>> {
        let hir = regex_syntax::ParserBuilder::new().case_insensitive(case_insensitive).multi_line(true).build().parse(pattern).unwrap();
        required(&hir).map(|s| s.into_iter().map(|l| String::from_utf8(l).unwrap()).collect())
    }

    #[test]
    fn every_match_contains_one_of_the_literals() {
        assert_eq!(set("[A-Z][a-z]+Exception", false), Some(vec!["Exception".into()]));
        assert_eq!(set("^import (java|static)", false), Some(vec!["import ".into()]));
        assert_eq!(set(r"(if|while) *\(.*null", false), Some(vec!["null".into()]));
        assert_eq!(set(r"\b(?:getValue\()\b", false), Some(vec!["getValue(".into()]));
        assert_eq!(set("(ab|cd)+x?", false), Some(vec!["ab".into(), "cd".into()]));
        assert_eq!(set("x*", false), None);
        assert_eq!(set("a|[bc]", false), None);
        assert_eq!(set("todo", true), None);
    }

    #[test]
    fn text_anchors_and_short_literals_get_no_prefilter() {
        assert!(Prefilter::of(r"foo\z", false).is_none());
        assert!(Prefilter::of(r"\Afoo", false).is_none());
        assert!(Prefilter::of(r"a.b", false).is_none());
        assert!(Prefilter::of("return", false).unwrap().exact);
        assert!(!Prefilter::of(r"\breturn\b", false).unwrap().exact);
    }
}
