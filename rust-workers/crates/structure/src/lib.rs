//! `structure`: pictures of code structure and the knowledge graph of a tree.
//!
//! * [`picture`]: a diagram (nodes, edges, groups) written as Mermaid or Graphviz DOT text;
//!   [`svg`] draws DOT as SVG through Graphviz (`dot -Tsvg`, by argument list, with a timeout).
//! * [`classes`]: the class structure of a tree (`visualize-code-structure`): types in their
//!   files, `extends`, `implements`, `contains`; collapsed to directories past a node budget.
//! * [`kg`]: the knowledge graph (`build-knowledge-graph`): repository, directories, files,
//!   modules, types, functions, external packages; `contains`, `defines`, `imports`, `extends`,
//!   `implements`, `calls` (resolved by name: precision in `kg.rs`); [`query`] and [`export`].
//!
//! The per-file facts come from [`symbols::file_structure`] and the imports from the `deps`
//! crate, both gathered by the caller (the analyzer binary), so this crate reads no files.

pub mod classes;
pub mod export;
pub mod kg;
pub mod picture;
pub mod query;
pub mod svg;

use symbols::FileStructure;

/// Errors of this crate (the analyzer maps them to protocol error codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Arguments that cannot be answered: an unknown node, an unknown kind, a bad pattern.
    BadQuery(String),
    /// Graphviz failed, is missing or timed out.
    Render(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadQuery(m) | Error::Render(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// One analysed file: its path (relative, `/` separators), language and structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub language: String,
    /// The `package` it declares (Java, Kotlin, Scala, Go), if any.
    pub package: Option<String>,
    pub structure: FileStructure,
}

/// The directory part of a relative path (`""` for a file at the top).
pub fn directory_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// `a.b.C`, `a::b::C`, `a\b\C` → `C`.
pub fn last_segment(name: &str) -> &str {
    name.rsplit(['.', ':', '\\', '/']).next().unwrap_or(name)
}

/// The package a Java, Kotlin, Scala or Go file declares: its first `package x.y` line.
pub fn declared_package(language: &str, source: &[u8]) -> Option<String> {
    if !matches!(language, "java" | "kotlin" | "scala" | "go") {
        return None;
    }
    let text = String::from_utf8_lossy(&source[..source.len().min(64 * 1024)]);
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("package ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').collect();
            return (!name.is_empty()).then_some(name);
        }
        if line.starts_with("import ") || line.starts_with("class ") || line.starts_with("public ") {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_and_names() {
        assert_eq!(declared_package("java", b"// x\npackage a.b;\nclass C {}"), Some("a.b".into()));
        assert_eq!(declared_package("go", b"package main\n"), Some("main".into()));
        assert_eq!(declared_package("python", b"package a\n"), None);
        assert_eq!(last_segment("a::b::C"), "C");
        assert_eq!(directory_of("a/b/C.java"), "a/b");
        assert_eq!(directory_of("C.java"), "");
    }
}
