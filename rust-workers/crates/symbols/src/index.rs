//! The repository-wide symbol index: every file's outline, searchable by name.
//!
//! Ranking (higher first): exact case-sensitive 100, exact ignoring case 90, prefix
//! case-sensitive 80, prefix ignoring case 70, a word start inside the name (`parseFile` for
//! `file`, `read_file` for `file`) 60, any substring ignoring case 50. A query containing a dot
//! is also matched against qualified names (`A.f`). Ties: types before functions, shorter names,
//! then path and line, so results are deterministic.

use serde::Serialize;

use crate::outline::{FileSymbols, Symbol};

/// How a name matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    Exact,
    Prefix,
    Word,
    Substring,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    pub path: String,
    pub language: String,
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    pub score: u32,
    #[serde(flatten)]
    pub symbol: Symbol,
}

/// The answer of [`SymbolIndex::search`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub query: String,
    /// All matches, before `limit`.
    pub total: usize,
    pub matches: Vec<Match>,
}

struct Entry {
    file: usize,
    symbol: usize,
    lower_name: String,
    lower_qualified: String,
}

/// All outlines of a tree, with lower-cased names kept for case-insensitive search.
#[derive(Default)]
pub struct SymbolIndex {
    files: Vec<FileSymbols>,
    entries: Vec<Entry>,
}

impl SymbolIndex {
    pub fn new() -> SymbolIndex {
        SymbolIndex::default()
    }

    pub fn add(&mut self, file: FileSymbols) {
        let f = self.files.len();
        for (i, s) in file.symbols.iter().enumerate() {
            self.entries.push(Entry {
                file: f,
                symbol: i,
                lower_name: s.name.to_lowercase(),
                lower_qualified: s.qualified_name.to_lowercase(),
            });
        }
        self.files.push(file);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` matches for `query` (see the module docs for the ranking).
    pub fn search(&self, query: &str, limit: usize) -> SearchResult {
        let query = query.trim();
        let lower = query.to_lowercase();
        let mut hits: Vec<(u32, MatchKind, &Entry)> = Vec::new();
        if !query.is_empty() {
            for e in &self.entries {
                let s = &self.files[e.file].symbols[e.symbol];
                let by_name = score(&s.name, &e.lower_name, query, &lower);
                let by_qualified = if query.contains('.') { score(&s.qualified_name, &e.lower_qualified, query, &lower) } else { None };
                if let Some((points, kind)) = by_name.into_iter().chain(by_qualified).max_by_key(|(p, _)| *p) {
                    hits.push((points, kind, e));
                }
            }
        }
        hits.sort_by(|a, b| {
            let sa = &self.files[a.2.file].symbols[a.2.symbol];
            let sb = &self.files[b.2.file].symbols[b.2.symbol];
            b.0.cmp(&a.0)
                .then(kind_rank(&sa.kind).cmp(&kind_rank(&sb.kind)))
                .then(sa.name.len().cmp(&sb.name.len()))
                .then(self.files[a.2.file].path.cmp(&self.files[b.2.file].path))
                .then(sa.start_line.cmp(&sb.start_line))
        });
        let total = hits.len();
        let matches = hits
            .into_iter()
            .take(limit)
            .map(|(points, kind, e)| {
                let f = &self.files[e.file];
                Match { path: f.path.clone(), language: f.language.clone(), match_kind: kind, score: points, symbol: f.symbols[e.symbol].clone() }
            })
            .collect();
        SearchResult { query: query.to_string(), total, matches }
    }
}

fn score(name: &str, lower_name: &str, query: &str, lower_query: &str) -> Option<(u32, MatchKind)> {
    if name == query {
        return Some((100, MatchKind::Exact));
    }
    if lower_name == lower_query {
        return Some((90, MatchKind::Exact));
    }
    if name.starts_with(query) {
        return Some((80, MatchKind::Prefix));
    }
    if lower_name.starts_with(lower_query) {
        return Some((70, MatchKind::Prefix));
    }
    let pos = lower_name.find(lower_query)?;
    let mut word_start = false;
    // any occurrence at a word start: after `_`, `.`, `:` or at a lower→upper case change
    for (i, _) in lower_name.match_indices(lower_query) {
        let before = name[..i].chars().last();
        let at = name[i..].chars().next();
        if matches!(before, Some('_' | '.' | ':' | '-' | '$'))
            || (before.map(|c| c.is_lowercase()).unwrap_or(false) && at.map(|c| c.is_uppercase()).unwrap_or(false))
        {
            word_start = true;
            break;
        }
    }
    let _ = pos;
    Some(if word_start { (60, MatchKind::Word) } else { (50, MatchKind::Substring) })
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "class" | "interface" | "annotation" | "enum" | "struct" | "trait" | "record" | "object" | "union" => 0,
        "function" | "method" | "constructor" | "destructor" => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lang::Language;

    fn index() -> SymbolIndex {
        let mut ix = SymbolIndex::new();
        let files = [
            ("a/Parser.java", Language::Java, "class Parser { void parse() {} void reparse() {} }"),
            ("b/util.py", Language::Python, "def parse_file(): pass\ndef read_parsed(): pass\nclass PARSER: pass\n"),
            ("c/x.ts", Language::TypeScript, "function fileParser() {}\n"),
        ];
        for (path, lang, src) in files {
            ix.add(FileSymbols { path: path.into(), language: lang.name().into(), symbols: crate::outline(lang, src.as_bytes()) });
        }
        ix
    }

    #[test]
    fn ranks_exact_then_prefix_then_word_then_substring() {
        let r = index().search("Parser", 10);
        let got: Vec<(String, MatchKind)> = r.matches.iter().map(|m| (m.symbol.qualified_name.clone(), m.match_kind)).collect();
        assert_eq!(
            got,
            vec![
                ("Parser".to_string(), MatchKind::Exact),
                ("PARSER".to_string(), MatchKind::Exact),
                ("fileParser".to_string(), MatchKind::Word),
            ]
        );
        let r = index().search("parse", 10);
        let names: Vec<&str> = r.matches.iter().map(|m| m.symbol.name.as_str()).collect();
        assert_eq!(names, vec!["parse", "parse_file", "Parser", "PARSER", "fileParser", "read_parsed", "reparse"]);
        assert_eq!(r.total, 7);
        assert_eq!(index().search("parse", 2).matches.len(), 2);
        assert_eq!(index().search("parse", 2).total, 7);
    }

    /// Annotation types rank as types, as they did when the outline called them `interface`.
    #[test]
    fn annotation_types_rank_before_functions() {
        let mut ix = SymbolIndex::new();
        let files = [("a/x.py", Language::Python, "def Marker(): pass\n"), ("b/Marker.java", Language::Java, "@interface Marker {}\n")];
        for (path, lang, src) in files {
            ix.add(FileSymbols { path: path.into(), language: lang.name().into(), symbols: crate::outline(lang, src.as_bytes()) });
        }
        let result = ix.search("Marker", 10);
        let kinds: Vec<(&str, &str)> = result.matches.iter().map(|m| (m.path.as_str(), m.symbol.kind.as_str())).collect();
        assert_eq!(kinds, vec![("b/Marker.java", "annotation"), ("a/x.py", "function")]);
    }

    #[test]
    fn qualified_queries_and_empty_queries() {
        let r = index().search("Parser.parse", 10);
        assert_eq!(r.matches[0].symbol.qualified_name, "Parser.parse");
        assert!(index().search("  ", 10).matches.is_empty());
        let v = serde_json::to_value(&index().search("reparse", 1)).unwrap();
        assert_eq!(v["matches"][0]["match"], "exact");
        assert_eq!(v["matches"][0]["path"], "a/Parser.java");
        assert_eq!(v["matches"][0]["startLine"], 1);
    }
}
