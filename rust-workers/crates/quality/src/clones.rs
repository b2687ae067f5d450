//! Duplicated blocks: token-normalized clone detection across the files of one tree or several.
//!
//! 1. **Tokens**: the leaves of each file's syntax tree, comments left out; identifiers become
//!    `ID` and literals (strings, numbers, characters, template strings: one token each) `LIT`, so
//!    a copy with renamed variables or changed constants still matches (a type-2 clone). Each
//!    token keeps its line.
//! 2. **Windows**: a rolling polynomial hash of every window of `minTokens` tokens. Files are
//!    visited in path order (the analysed tree's, then each compared tree's); a window seen before
//!    continues or starts a run against its first occurrence (jscpd's scheme: first occurrences
//!    only, so a block copied k times gives k-1 pairs, all against the first copy), after the
//!    tokens were compared (a hash collision is no clone). A window that overlaps its own
//!    earlier occurrence in the same file does not match.
//! 3. **Pairs to classes**: a run ends where the windows stop matching; its two sides have the
//!    same normalized tokens. Runs of at least `minLines` lines are grouped by their normalized
//!    token sequence: each group is a clone class with all its locations.

use std::collections::{BTreeMap, HashMap};

use lang::tree_sitter::Node;
use lang::Language;
use serde::Serialize;

use crate::kinds;

/// One normalized token: the hash of its normalized text, and its line (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub hash: u64,
    pub line: u32,
}

/// A file's tokens, for [`detect`]; `tree` 0 is the analysed tree, 1.. the compared ones.
#[derive(Debug, Clone)]
pub struct CloneFile {
    pub path: String,
    pub tree: usize,
    pub tokens: Vec<Token>,
}

/// One place a clone class occurs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    /// 0: the analysed tree; n: the n-th compared tree (`comparePaths`).
    pub tree: usize,
}

/// Blocks with the same normalized tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CloneClass {
    /// Normalized tokens of the block.
    pub tokens: usize,
    /// Lines of its first location.
    pub lines: u32,
    pub locations: Vec<Location>,
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

pub(crate) fn is_literal(kind: &str) -> bool {
    kind.contains("string") || kind.contains("number") || kind.contains("integer") || kind.contains("float")
        || kind.ends_with("literal") || kind == "char" || kind == "text_block" || kind == "heredoc_body"
}

pub(crate) fn is_identifier(kind: &str) -> bool {
    kind.ends_with("identifier") || matches!(kind, "name" | "constant" | "variable_name" | "word" | "simple_identifier" | "type_identifier")
}

/// Declarations that only name other code (imports, packages, includes): every file has them and,
/// once names are abstracted, they all look alike.
pub(crate) fn is_import(kind: &str) -> bool {
    matches!(
        kind,
        "import_declaration" | "package_declaration" | "import_statement" | "import_from_statement" | "future_import_statement"
            | "using_directive" | "preproc_include" | "use_declaration" | "namespace_use_declaration" | "import_header"
            | "package_header" | "package_clause" | "import_list" | "extern_crate_declaration"
    )
}

/// Normalized tokens from the nodes of a pre-order pass (see the module docs).
pub(crate) struct Tokenizer {
    pub(crate) tokens: Vec<Token>,
    /// Nodes starting before this byte lie inside a literal, comment or import already handled.
    skip_until: usize,
    id: u64,
    lit: u64,
}

impl Tokenizer {
    pub(crate) fn new() -> Tokenizer {
        Tokenizer { tokens: Vec::new(), skip_until: 0, id: fnv(b"\x01ID"), lit: fnv(b"\x01LIT") }
    }

    /// `flags`: the node kind's [`kinds`](crate::kinds) flags.
    pub(crate) fn visit(&mut self, node: Node<'_>, flags: u16, source: &[u8]) {
        let start = node.start_byte();
        if start < self.skip_until {
            return;
        }
        if flags & (kinds::COMMENT | kinds::IMPORT) != 0 {
            self.skip_until = node.end_byte();
            return;
        }
        let whole = flags & kinds::LITERAL != 0 && node.is_named();
        if !whole && node.child_count() > 0 {
            return;
        }
        let hash = if whole {
            self.skip_until = node.end_byte();
            self.lit
        } else if flags & kinds::IDENTIFIER != 0 && node.is_named() {
            self.id
        } else {
            let t = &source[node.byte_range()];
            if t.iter().all(u8::is_ascii_whitespace) {
                return;
            }
            fnv(t)
        };
        self.tokens.push(Token { hash, line: node.start_position().row as u32 + 1 });
    }
}

/// The normalized tokens of a parsed file.
pub fn tokens(lang: Language, root: Node<'_>, source: &[u8]) -> Vec<Token> {
    let kinds = kinds::of(lang);
    let mut t = Tokenizer::new();
    crate::preorder(root, |node| t.visit(node, kinds.flags(node.kind_id()), source));
    t.tokens
}

const BASE: u64 = 1_000_003;

/// The window hashes are hashes already: the map uses them as they are (SipHash showed in profiles).
#[derive(Default)]
struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ *b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Rolling hashes of every window of `k` tokens.
fn window_hashes(tokens: &[Token], k: usize) -> Vec<u64> {
    if tokens.len() < k || k == 0 {
        return Vec::new();
    }
    let top = (1..k).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut h = 0u64;
    for t in &tokens[..k] {
        h = h.wrapping_mul(BASE).wrapping_add(t.hash);
    }
    let mut out = Vec::with_capacity(tokens.len() - k + 1);
    out.push(h);
    for i in k..tokens.len() {
        h = h.wrapping_sub(tokens[i - k].hash.wrapping_mul(top)).wrapping_mul(BASE).wrapping_add(tokens[i].hash);
        out.push(h);
    }
    out
}

fn same(a: &[Token], b: &[Token]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.hash == y.hash)
}

/// A run of matching windows: file `f` from token `at`, against file `of` from token `other`.
struct Run {
    of: usize,
    other: usize,
    at: usize,
    windows: usize,
}

/// The clone classes of `files` (see the module docs), biggest first.
pub fn detect(files: &[CloneFile], min_tokens: usize, min_lines: u32) -> Vec<CloneClass> {
    let k = min_tokens.max(1);
    let mut first: HashMap<u64, (usize, usize), std::hash::BuildHasherDefault<Identity>> = HashMap::default();
    let mut classes: BTreeMap<(usize, u64), Vec<Location>> = BTreeMap::new();
    let location = |f: usize, from: usize, len: usize| {
        let file = &files[f];
        Location { file: file.path.clone(), start_line: file.tokens[from].line, end_line: file.tokens[from + len - 1].line, tree: file.tree }
    };
    for (f, file) in files.iter().enumerate() {
        let hashes = window_hashes(&file.tokens, k);
        let mut run: Option<Run> = None;
        let close = |run: Option<Run>, classes: &mut BTreeMap<(usize, u64), Vec<Location>>| {
            let Some(r) = run else { return };
            let len = r.windows + k - 1;
            let mine = location(f, r.at, len);
            if mine.end_line + 1 - mine.start_line < min_lines {
                return;
            }
            let theirs = location(r.of, r.other, len);
            let key = (len, file.tokens[r.at..r.at + len].iter().fold(0xcbf29ce484222325u64, |h, t| (h ^ t.hash).wrapping_mul(0x100000001b3)));
            let class = classes.entry(key).or_default();
            for l in [theirs, mine] {
                if !class.contains(&l) {
                    class.push(l);
                }
            }
        };
        for (i, h) in hashes.iter().enumerate() {
            let window = &file.tokens[i..i + k];
            if let Some(r) = &mut run {
                let next = r.other + r.windows;
                let theirs = &files[r.of].tokens;
                let overlaps = r.of == f && next + k > i;
                if next + k <= theirs.len() && !overlaps && same(&theirs[next..next + k], window) {
                    r.windows += 1;
                    continue;
                }
                close(run.take(), &mut classes);
            }
            match first.get(h) {
                Some(&(of, other)) => {
                    let overlaps = of == f && other + k > i;
                    if !overlaps && same(&files[of].tokens[other..other + k], window) {
                        run = Some(Run { of, other, at: i, windows: 1 });
                    }
                }
                None => {
                    first.insert(*h, (f, i));
                }
            }
        }
        close(run.take(), &mut classes);
    }
    let mut out: Vec<CloneClass> = classes
        .into_iter()
        .map(|((tokens, _), mut locations)| {
            locations.sort();
            let lines = locations[0].end_line + 1 - locations[0].start_line;
            CloneClass { tokens, lines, locations }
        })
        .collect();
    out.sort_by(|a, b| b.tokens.cmp(&a.tokens).then_with(|| a.locations.cmp(&b.locations)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, lang: Language, src: &str) -> CloneFile {
        let tree = lang::parse(lang, src.as_bytes()).unwrap();
        CloneFile { path: path.into(), tree: 0, tokens: tokens(lang, tree.root_node(), src.as_bytes()) }
    }

    const A: &str = "function total(items) {\n  let sum = 0;\n  for (const item of items) {\n    sum += item.price * item.count;\n  }\n  return sum;\n}\n";
    const B_RENAMED: &str = "// a copy\nfunction weight(parcels) {\n  let acc = 10;\n  for (const p of parcels) {\n    acc += p.mass * p.n;\n  }\n  return acc;\n}\n";

    #[test]
    fn renamed_copies_are_one_class_and_comments_do_not_count() {
        let files = [file("a.js", Language::JavaScript, A), file("b.js", Language::JavaScript, B_RENAMED)];
        assert_eq!(files[0].tokens.len(), files[1].tokens.len());
        let classes = detect(&files, 20, 5);
        assert_eq!(classes.len(), 1);
        let c = &classes[0];
        assert_eq!(c.tokens, files[0].tokens.len());
        assert_eq!(c.locations.iter().map(|l| (l.file.as_str(), l.start_line, l.end_line)).collect::<Vec<_>>(), vec![("a.js", 1, 7), ("b.js", 2, 8)]);
    }

    #[test]
    fn below_min_tokens_or_min_lines_nothing_is_reported() {
        let files = [file("a.js", Language::JavaScript, A), file("b.js", Language::JavaScript, B_RENAMED)];
        assert!(detect(&files, files[0].tokens.len() + 1, 1).is_empty());
        assert!(detect(&files, 20, 8).is_empty());
    }

    #[test]
    fn different_code_is_no_clone() {
        let other = "class Q { run(x) { if (x > 3) { throw new Error('no'); } else { return [x, x, x].map(String); } } }\n";
        let files = [file("a.js", Language::JavaScript, A), file("q.js", Language::JavaScript, other)];
        assert!(detect(&files, 10, 1).is_empty());
    }

    #[test]
    fn three_copies_make_one_class_of_three() {
        let files = [file("a.js", Language::JavaScript, A), file("b.js", Language::JavaScript, B_RENAMED), file("c.js", Language::JavaScript, A)];
        let classes = detect(&files, 20, 5);
        assert_eq!(classes.len(), 1);
        assert_eq!(classes[0].locations.len(), 3);
    }
}
