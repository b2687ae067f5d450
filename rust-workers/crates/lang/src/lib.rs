//! `lang`: which language a file is written in, the tree-sitter grammars we ship, and parsing.
//!
//! * Detection is by file extension first (the extension table follows cloc's, so line counts
//!   and language names agree with it), then by the interpreter named on a `#!` line.
//! * Grammars (Java, Python, JavaScript, TypeScript, TSX) are compiled from the pinned npm
//!   packages in `rust-workers/grammars` by `build.rs`; all are ABI 14, which the system
//!   `libtree-sitter` 0.20.7 accepts (it reads ABI 13..=14).
//! * Languages without a grammar still get line counts (see the `metrics` crate).
//! * Parsers are kept one per thread and reused: creating a parser per file costs more than
//!   parsing a small file.

use std::cell::RefCell;
use std::fmt;
use std::path::Path;

pub use tree_sitter;

/// A language we recognise. Only some have a grammar (see [`Language::has_grammar`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Java,
    Python,
    JavaScript,
    TypeScript,
    /// TypeScript with JSX; reported as `typescript` (cloc counts `.tsx` as TypeScript too).
    Tsx,
    Rust,
    Go,
    C,
    Cpp,
    CSharp,
    Kotlin,
    Scala,
    Swift,
    Ruby,
    Shell,
}

impl Language {
    /// Every language, for tables and tests.
    pub const ALL: &'static [Language] = &[
        Language::Java,
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Rust,
        Language::Go,
        Language::C,
        Language::Cpp,
        Language::CSharp,
        Language::Kotlin,
        Language::Scala,
        Language::Swift,
        Language::Ruby,
        Language::Shell,
    ];

    /// The name used on the wire (`"java"`, `"typescript"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Language::Java => "java",
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript | Language::Tsx => "typescript",
            Language::Rust => "rust",
            Language::Go => "go",
            Language::C => "c",
            Language::Cpp => "cpp",
            Language::CSharp => "csharp",
            Language::Kotlin => "kotlin",
            Language::Scala => "scala",
            Language::Swift => "swift",
            Language::Ruby => "ruby",
            Language::Shell => "shell",
        }
    }

    /// Parses a wire name (as accepted by `calculate-metrics`); also accepts `tsx`, `js`, `ts`, `py`.
    pub fn from_name(name: &str) -> Option<Language> {
        let lower = name.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "java" => Language::Java,
            "python" | "py" => Language::Python,
            "javascript" | "js" | "jsx" => Language::JavaScript,
            "typescript" | "ts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "rust" | "rs" => Language::Rust,
            "go" => Language::Go,
            "c" => Language::C,
            "cpp" | "c++" => Language::Cpp,
            "csharp" | "c#" | "cs" => Language::CSharp,
            "kotlin" | "kt" => Language::Kotlin,
            "scala" => Language::Scala,
            "swift" => Language::Swift,
            "ruby" | "rb" => Language::Ruby,
            "shell" | "bash" | "sh" => Language::Shell,
            _ => return None,
        })
    }

    /// Language for a lower-case file extension (without the dot).
    pub fn from_extension(ext: &str) -> Option<Language> {
        Some(match ext {
            "java" => Language::Java,
            "py" | "pyw" | "pyi" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" | "es6" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "rs" => Language::Rust,
            "go" => Language::Go,
            "c" | "h" => Language::C,
            "cc" | "cpp" | "cxx" | "c++" | "hpp" | "hh" | "hxx" => Language::Cpp,
            "cs" => Language::CSharp,
            "kt" | "kts" => Language::Kotlin,
            "scala" | "sc" => Language::Scala,
            "swift" => Language::Swift,
            "rb" | "rake" => Language::Ruby,
            "sh" | "bash" | "zsh" | "ksh" => Language::Shell,
            _ => return None,
        })
    }

    /// Language named by a `#!` line (`#!/usr/bin/env python3`, `#!/bin/sh`, ...).
    pub fn from_shebang(first_line: &[u8]) -> Option<Language> {
        let line = std::str::from_utf8(first_line).ok()?.trim_end();
        let rest = line.strip_prefix("#!")?;
        let mut words = rest.split_whitespace();
        let mut interpreter = words.next()?.rsplit('/').next()?;
        if interpreter == "env" {
            // `env -S node --flag` and `env python3`
            interpreter = words.find(|w| !w.starts_with('-'))?;
        }
        let base = interpreter.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        Some(match base {
            "python" | "pypy" => Language::Python,
            "node" | "nodejs" => Language::JavaScript,
            "deno" | "ts-node" | "tsx" => Language::TypeScript,
            "sh" | "bash" | "dash" | "zsh" | "ksh" => Language::Shell,
            "ruby" => Language::Ruby,
            _ => return None,
        })
    }

    /// Detects by extension, then by shebang in `head` (the first bytes of the file).
    pub fn detect(path: &Path, head: &[u8]) -> Option<Language> {
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            if let Some(lang) = Language::from_extension(&ext.to_ascii_lowercase()) {
                return Some(lang);
            }
        }
        if head.starts_with(b"#!") {
            let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
            return Language::from_shebang(&head[..end]);
        }
        None
    }

    /// Whether we ship a grammar (and therefore compute function metrics) for this language.
    pub fn has_grammar(self) -> bool {
        self.grammar().is_some()
    }

    /// The tree-sitter grammar, if we ship one.
    pub fn grammar(self) -> Option<tree_sitter::Language> {
        // SAFETY: the functions are generated by tree-sitter and return a static language table.
        unsafe {
            Some(match self {
                Language::Java => tree_sitter_java(),
                Language::Python => tree_sitter_python(),
                Language::JavaScript => tree_sitter_javascript(),
                Language::TypeScript => tree_sitter_typescript(),
                Language::Tsx => tree_sitter_tsx(),
                _ => return None,
            })
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

extern "C" {
    fn tree_sitter_java() -> tree_sitter::Language;
    fn tree_sitter_python() -> tree_sitter::Language;
    fn tree_sitter_javascript() -> tree_sitter::Language;
    fn tree_sitter_typescript() -> tree_sitter::Language;
    fn tree_sitter_tsx() -> tree_sitter::Language;
}

/// Errors of this crate.
#[derive(Debug)]
pub enum Error {
    /// The language has no grammar; only line counts are available.
    NoGrammar(Language),
    /// The grammar's ABI is not accepted by the linked libtree-sitter.
    IncompatibleGrammar(Language, String),
    /// tree-sitter returned no tree (cancellation or timeout; neither is set by us).
    ParseFailed(Language),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoGrammar(l) => write!(f, "no grammar for language {l}"),
            Error::IncompatibleGrammar(l, e) => write!(f, "grammar for {l} is incompatible: {e}"),
            Error::ParseFailed(l) => write!(f, "tree-sitter could not parse {l} source"),
        }
    }
}

impl std::error::Error for Error {}

thread_local! {
    /// One parser per thread and language, reused across files.
    static PARSERS: RefCell<Vec<(Language, tree_sitter::Parser)>> = RefCell::new(Vec::new());
}

/// Parses `source` with the grammar of `lang`, reusing this thread's parser.
pub fn parse(lang: Language, source: &[u8]) -> Result<tree_sitter::Tree, Error> {
    let grammar = lang.grammar().ok_or(Error::NoGrammar(lang))?;
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let index = match parsers.iter().position(|(l, _)| *l == lang) {
            Some(i) => i,
            None => {
                let mut parser = tree_sitter::Parser::new();
                parser
                    .set_language(grammar)
                    .map_err(|e| Error::IncompatibleGrammar(lang, e.to_string()))?;
                parsers.push((lang, parser));
                parsers.len() - 1
            }
        };
        let parser = &mut parsers[index].1;
        parser.reset();
        parser.parse(source, None).ok_or(Error::ParseFailed(lang))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_parses() {
        let samples = [
            (Language::Java, "class A { void f() {} }"),
            (Language::Python, "def f():\n    return 1\n"),
            (Language::JavaScript, "function f() { return 1 }"),
            (Language::TypeScript, "function f(x: number): number { return x }"),
            (Language::Tsx, "const a = <div>{1}</div>;"),
        ];
        for (lang, src) in samples {
            let tree = parse(lang, src.as_bytes()).expect("parse");
            assert!(!tree.root_node().has_error(), "{lang}: {}", tree.root_node().to_sexp());
        }
    }

    #[test]
    fn detects_by_extension_then_shebang() {
        assert_eq!(Language::detect(Path::new("a/B.java"), b""), Some(Language::Java));
        assert_eq!(Language::detect(Path::new("x.TSX"), b""), Some(Language::Tsx));
        assert_eq!(Language::detect(Path::new("run"), b"#!/usr/bin/env python3\n"), Some(Language::Python));
        assert_eq!(Language::detect(Path::new("run"), b"#!/usr/bin/env -S node --x\n"), Some(Language::JavaScript));
        assert_eq!(Language::detect(Path::new("run"), b"#!/bin/bash\n"), Some(Language::Shell));
        assert_eq!(Language::detect(Path::new("README"), b"hello"), None);
        assert_eq!(Language::detect(Path::new("img.png"), b"\x89PNG"), None);
    }

    #[test]
    fn names_round_trip() {
        for &lang in Language::ALL {
            let back = Language::from_name(lang.name()).expect("name parses");
            assert_eq!(back.name(), lang.name());
        }
    }

    #[test]
    fn languages_without_grammar_say_so() {
        assert!(matches!(parse(Language::Rust, b"fn main(){}"), Err(Error::NoGrammar(Language::Rust))));
    }
}
