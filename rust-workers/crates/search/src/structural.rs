//! Structural search: a tree-sitter query (S-expression patterns with `@captures` and the
//! `#eq?`/`#match?` predicates tree-sitter evaluates) run over the files of one language. A match is
//! reported at the span of its captures: from the first capture's start to the last one's end.

use lang::tree_sitter::{Query, QueryCursor};
use lang::Language;

use crate::Error;

/// A query compiled for the grammar(s) of one language (TypeScript: `.ts` and `.tsx`).
pub struct StructuralMatcher {
    queries: Vec<(Language, Query)>,
}

/// One match: its span (0-based rows, byte columns) and its captures `(name, start, end)` in
/// the order tree-sitter gives them, with byte ranges of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeHit {
    pub start: (usize, usize),
    pub end: (usize, usize),
    pub start_byte: usize,
    pub end_byte: usize,
    pub captures: Vec<CaptureHit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureHit {
    pub name: String,
    pub row: usize,
    pub column: usize,
    pub start_byte: usize,
    pub end_byte: usize,
}

/// A single file's matches stop here: a query like `(_) @n` matches every node, and a page holds
/// far fewer anyway.
const MAX_MATCHES_PER_FILE: usize = 10_000;

impl StructuralMatcher {
    /// Compiles `query` for `language`'s grammar; [`Error::InvalidPattern`] with tree-sitter's
    /// message (row, column) if it does not compile or captures nothing, [`Error::UnsupportedLanguage`]
    /// for a language without a grammar.
    pub fn new(query: &str, language: Language) -> Result<StructuralMatcher, Error> {
        let languages = match language {
            Language::TypeScript | Language::Tsx => vec![Language::TypeScript, Language::Tsx],
            other if other.has_grammar() => vec![other],
            _ => return Err(Error::UnsupportedLanguage(language.name().into())),
        };
        let mut queries = Vec::new();
        for lang in languages {
            let grammar = lang.grammar().ok_or_else(|| Error::UnsupportedLanguage(lang.name().into()))?;
            let compiled = Query::new(grammar, query).map_err(|e| {
                Error::InvalidPattern(format!("invalid query at line {}, column {}: {}", e.row + 1, e.column + 1, e.to_string().trim()))
            })?;
            if compiled.capture_names().is_empty() {
                return Err(Error::InvalidPattern("the query captures nothing: name the node to report with @name".into()));
            }
            queries.push((lang, compiled));
        }
        Ok(StructuralMatcher { queries })
    }

    /// Whether files of `language` are searched.
    pub fn searches(&self, language: Language) -> bool {
        self.queries.iter().any(|(l, _)| *l == language)
    }

    /// The matches of the query in `source` (of `language`), in tree-sitter's order (by position).
    pub fn matches(&self, language: Language, source: &[u8]) -> Vec<NodeHit> {
        let Some((_, query)) = self.queries.iter().find(|(l, _)| *l == language) else { return Vec::new() };
        let Ok(tree) = lang::parse(language, source) else { return Vec::new() };
        let names = query.capture_names();
        let mut cursor = QueryCursor::new();
        let mut hits = Vec::new();
        for m in cursor.matches(query, tree.root_node(), source).take(MAX_MATCHES_PER_FILE) {
            let Some(first) = m.captures.iter().min_by_key(|c| c.node.start_byte()) else { continue };
            let Some(last) = m.captures.iter().max_by_key(|c| c.node.end_byte()) else { continue };
            let (s, e) = (first.node.start_position(), last.node.end_position());
            hits.push(NodeHit {
                start: (s.row, s.column),
                end: (e.row, e.column),
                start_byte: first.node.start_byte(),
                end_byte: last.node.end_byte(),
                captures: m
                    .captures
                    .iter()
                    .map(|c| CaptureHit {
                        name: names[c.index as usize].clone(),
                        row: c.node.start_position().row,
                        column: c.node.start_position().column,
                        start_byte: c.node.start_byte(),
                        end_byte: c.node.end_byte(),
                    })
                    .collect(),
            });
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_finds_calls_by_name_and_reports_its_captures() {
        let m = StructuralMatcher::new(r#"(call_expression function: (identifier) @f (#eq? @f "load")) @call"#, Language::JavaScript).unwrap();
        let src = b"load(1);\nfunction g() {\n  return load(2) + unload(3);\n}\n";
        let hits = m.matches(Language::JavaScript, src);
        assert_eq!(hits.iter().map(|h| (h.start, h.end)).collect::<Vec<_>>(), [((0, 0), (0, 7)), ((2, 9), (2, 16))]);
        assert_eq!(hits[1].captures.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["call", "f"]);
        assert!(m.searches(Language::JavaScript) && !m.searches(Language::TypeScript));
    }

    #[test]
    fn bad_queries_say_where() {
        let err = |q: &str| match StructuralMatcher::new(q, Language::Python) {
            Err(Error::InvalidPattern(m)) => m,
            _ => panic!("{q} compiled"),
        };
        assert!(err("(function_definition").contains("line 1"), "{}", err("(function_definition"));
        assert!(err("(no_such_node) @x").contains("Invalid node type"), "{}", err("(no_such_node) @x"));
        assert!(err("(function_definition)").contains("captures nothing"));
    }
}
