//! `metrics`: per-file line counts and per-function cyclomatic complexity that agree with the
//! reference tool of each language.
//!
//! | metric | language | reference | definition |
//! |---|---|---|---|
//! | lines | all | cloc 1.96 | [`lines`] |
//! | cyclomatic | Java | PMD 7 `CyclomaticComplexity` | [`java`](crate::java) module docs |
//! | cyclomatic | JavaScript, TypeScript | ESLint `complexity` | [`ecmascript`](crate::ecmascript) module docs |
//! | cyclomatic | Python | radon 5.1 `cc` | [`python`](crate::python) module docs |
//!
//! No single definition fits all three tools (PMD counts `throw` and only condition-position
//! `&&`/`||`; ESLint counts every `&&`/`||`/`??`, `?.` and default values; radon counts
//! comprehension clauses, loop-`else` and `assert`), so each language has its own rule set, its
//! own function granularity and its own reporting line. Each rule set is a visitor over **one**
//! iterative traversal of the file's syntax tree ([`walk`](crate::walk)); the file is parsed once.
//! Files with syntax errors are still measured; the errors are listed.
//! Other languages (Rust, Go, C, C++, C#, Kotlin, Scala, Swift, Shell, Ruby) get line counts only.

pub mod lines;

mod ecmascript;
mod java;
mod python;
mod walk;

use std::fmt;
use std::path::Path;

use lang::Language;
use serde::Serialize;

pub use lines::{count_lines, count_lines_for, LineCounts, LineSyntax};
pub use walk::{FunctionMetrics, SyntaxError};

/// Metrics of one file (the per-file JSON of the serve protocol and of the `metrics` CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMetrics {
    pub path: String,
    pub language: &'static str,
    pub lines: LineCounts,
    pub functions: Vec<FunctionMetrics>,
    pub errors: Vec<SyntaxError>,
}

/// Errors of this crate.
#[derive(Debug)]
pub enum Error {
    /// Reading the file failed.
    Io(std::path::PathBuf, std::io::Error),
    /// The grammar could not be loaded or the parser gave no tree.
    Parse(lang::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            Error::Parse(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(_, e) => Some(e),
            Error::Parse(e) => Some(e),
        }
    }
}

/// Measures `source` written in `lang`. The path is left empty for the caller to fill in.
/// Infallible by design: a grammar failure (never expected; grammars are tested at build time)
/// is reported as a file-level error entry and line counts are still returned.
pub fn analyze_source(lang: Language, source: &[u8]) -> FileMetrics {
    let lines = count_lines_for(lang, source);
    let (functions, errors) = match try_functions(lang, source) {
        Ok(found) => found,
        Err(Error::Parse(lang::Error::NoGrammar(_))) => (Vec::new(), Vec::new()),
        Err(e) => (Vec::new(), vec![SyntaxError { line: 1, message: e.to_string() }]),
    };
    FileMetrics { path: String::new(), language: lang.name(), lines, functions, errors }
}

/// Reads and measures a file; `display_path` is what goes into the `path` field.
pub fn analyze_file(path: &Path, lang: Language, display_path: String) -> Result<FileMetrics, Error> {
    let source = std::fs::read(path).map_err(|e| Error::Io(path.to_path_buf(), e))?;
    let mut metrics = analyze_source(lang, &source);
    metrics.path = display_path;
    Ok(metrics)
}

fn try_functions(lang: Language, source: &[u8]) -> Result<(Vec<FunctionMetrics>, Vec<SyntaxError>), Error> {
    let tree = lang::parse(lang, source).map_err(Error::Parse)?;
    let cx = match lang {
        Language::Java => walk::walk(&tree, source, &mut java::Pmd),
        Language::Python => walk::walk(&tree, source, &mut python::Radon),
        Language::JavaScript | Language::TypeScript | Language::Tsx => walk::walk(&tree, source, &mut ecmascript::Eslint),
        other => return Err(Error::Parse(lang::Error::NoGrammar(other))),
    };
    Ok((cx.functions, cx.errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_listed_and_the_file_still_measured() {
        let m = analyze_source(Language::Java, b"class A {\n  void f() { if (x) { }\n");
        assert_eq!(m.lines.code, 2);
        assert!(!m.errors.is_empty());
        assert_eq!(m.functions.len(), 1);
    }

    #[test]
    fn invalid_utf8_is_measured() {
        let m = analyze_source(Language::JavaScript, b"function f(a) { return a || '\xff\xfe'; }\n");
        assert_eq!(m.functions[0].cyclomatic, 2);
        assert_eq!(m.lines.code, 1);
    }

    #[test]
    fn languages_without_grammar_get_lines_only() {
        let m = analyze_source(Language::Rust, b"// c\nfn main() {}\n");
        assert_eq!((m.lines.code, m.lines.comment), (1, 1));
        assert!(m.functions.is_empty() && m.errors.is_empty());
    }

    #[test]
    fn serializes_camel_case() {
        let m = analyze_source(Language::Python, b"def f():\n    pass\n");
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["functions"][0]["startLine"], 1);
        assert_eq!(v["functions"][0]["qualifiedName"], "f");
        assert_eq!(v["lines"]["physical"], 2);
    }
}
