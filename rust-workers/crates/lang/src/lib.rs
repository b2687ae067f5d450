//! `lang`: which language a file is written in, the tree-sitter grammars we ship, and parsing.
//!
//! * Detection is by file extension first (the extension table follows cloc's, so line counts
//!   and language names agree with it), then by exact file name (`Makefile`, `CMakeLists.txt`,
//!   `Dockerfile`, ...), then by the interpreter named on a `#!` line.
//! * Grammars (Java, Python, JavaScript, TypeScript, TSX, Rust, Go, C, C++, C#, Ruby, PHP, Kotlin,
//!   Scala, Swift, Bash) are compiled from the pinned npm packages in `rust-workers/grammars` by
//!   `build.rs`; all are ABI 14, which the system `libtree-sitter` 0.20.7 accepts (ABI 13..=14).
//!   `.tsx` is parsed with the TSX grammar and reported as `typescript` (as cloc does).
//! * [`kinds`]: per grammar, which node kinds declare functions, methods, classes, interfaces,
//!   enums, structs, traits and modules, and where their name is (a table in the module docs).
//! * [`members`]: who owns a member and who may see it where modifiers do not say (Go receivers
//!   and exported names, Ruby `private`/`protected`/`public` sections and calls).
//! * [`others`]: 100+ further languages without a grammar, counted for lines only
//!   ([`Language::Other`]); their comment filters are generated from cloc's own tables.
//! * [`generated`]: skip heuristics for generated and minified files.
//! * Parsers are kept one per thread and reused: creating a parser per file costs more than
//!   parsing a small file.

use std::cell::RefCell;
use std::fmt;
use std::path::Path;

pub use tree_sitter;

pub mod generated;
pub mod kinds;
pub mod members;
pub mod others;

pub use kinds::{Decl, KindRule, MetricsRecord, NameRule, SymbolKind};
pub use others::{Filter, LineLanguage, OtherLanguage};

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
    Php,
    /// Shell scripts (sh, bash, zsh, ksh), parsed with the Bash grammar.
    Shell,
    /// A language we count lines for only (see [`others`]).
    Other(OtherLanguage),
}

impl Language {
    /// Every language with a grammar, for tables and tests ([`OtherLanguage::all`] lists the rest).
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
        Language::Php,
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
            Language::Php => "php",
            Language::Shell => "shell",
            Language::Other(o) => o.def().id,
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
            "php" => Language::Php,
            "shell" | "bash" | "sh" => Language::Shell,
            other => return OtherLanguage::from_id(other).map(Language::Other),
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
            "php" | "php3" | "php4" | "php5" | "phtml" => Language::Php,
            "sh" | "bash" | "zsh" | "ksh" => Language::Shell,
            other => return OtherLanguage::from_extension(other).map(Language::Other),
        })
    }

    /// Language for an exact file name (`Makefile`, `CMakeLists.txt`, `Dockerfile`, `Rakefile`).
    pub fn from_file_name(name: &str) -> Option<Language> {
        match name {
            "Rakefile" | "rakefile" | "Gemfile" => Some(Language::Ruby),
            _ => OtherLanguage::from_file_name(name).map(Language::Other),
        }
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
            "php" => Language::Php,
            other => return OtherLanguage::from_interpreter(interpreter).or_else(|| OtherLanguage::from_interpreter(other)).map(Language::Other),
        })
    }

    /// Detects by extension, then by file name, then by shebang in `head` (the first bytes).
    pub fn detect(path: &Path, head: &[u8]) -> Option<Language> {
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            if let Some(lang) = Language::from_extension(&ext.to_ascii_lowercase()) {
                return Some(lang);
            }
        }
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if let Some(lang) = Language::from_file_name(name) {
                return Some(lang);
            }
            // cloc: `Dockerfile.prod`, `Containerfile.dev` (%Language_by_Prefix)
            for prefix in ["Dockerfile", "Containerfile"] {
                if name.starts_with(prefix) {
                    return Language::from_file_name(prefix);
                }
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
                Language::Rust => tree_sitter_rust(),
                Language::Go => tree_sitter_go(),
                Language::C => tree_sitter_c(),
                Language::Cpp => tree_sitter_cpp(),
                Language::CSharp => tree_sitter_c_sharp(),
                Language::Ruby => tree_sitter_ruby(),
                Language::Php => tree_sitter_php(),
                Language::Kotlin => tree_sitter_kotlin(),
                Language::Scala => tree_sitter_scala(),
                Language::Swift => tree_sitter_swift(),
                Language::Shell => tree_sitter_bash(),
                Language::Other(_) => return None,
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
    fn tree_sitter_rust() -> tree_sitter::Language;
    fn tree_sitter_go() -> tree_sitter::Language;
    fn tree_sitter_c() -> tree_sitter::Language;
    fn tree_sitter_cpp() -> tree_sitter::Language;
    fn tree_sitter_c_sharp() -> tree_sitter::Language;
    fn tree_sitter_ruby() -> tree_sitter::Language;
    fn tree_sitter_php() -> tree_sitter::Language;
    fn tree_sitter_kotlin() -> tree_sitter::Language;
    fn tree_sitter_scala() -> tree_sitter::Language;
    fn tree_sitter_swift() -> tree_sitter::Language;
    fn tree_sitter_bash() -> tree_sitter::Language;
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

    /// A small snippet per grammar with the declarations the symbol table relies on.
    pub(crate) const SAMPLES: &[(Language, &str)] = &[
        (Language::Java, "class A { A() {} void f() {} interface I {} enum E { X } }"),
        (Language::Python, "class A:\n    def f(self):\n        return lambda x: x\n"),
        (Language::JavaScript, "class A { m() {} }\nfunction f() { return () => 1 }"),
        (Language::TypeScript, "interface I { m(): void }\nenum E { A }\nfunction f(x: number): number { return x }"),
        (Language::Tsx, "const a = <div>{1}</div>;\nfunction C(): JSX.Element { return <C/> }"),
        (Language::Rust, "struct S; enum E { A } trait T { fn t(&self); }\nimpl S { fn m(&self) {} }\nmod m { pub fn f() -> i32 { 1 } }"),
        (Language::Go, "package p\ntype S struct{}\ntype I interface{ M() }\nfunc (s *S) M() {}\nfunc F() {}\n"),
        (Language::C, "struct s { int a; };\nenum e { A };\nstatic int *f(int a) { return 0; }\n"),
        (Language::Cpp, "namespace n { class C { public: void m() {} }; }\nvoid C::m2() {}\nint f() { return [](){ return 1; }(); }\n"),
        (Language::CSharp, "namespace N { class C { C() {} void M() {} } interface I {} enum E { A } struct S {} }"),
        (Language::Ruby, "module M\n  class C\n    def m; end\n    def self.s; end\n  end\nend\n"),
        (Language::Php, "<?php\nnamespace N;\nclass C { public function m() {} }\ninterface I {}\ntrait T {}\nfunction f() {}\n"),
        (Language::Kotlin, "class C {\n    fun m() {}\n}\ninterface I\nobject O\nfun f(x: Int): Int = x\n"),
        (Language::Scala, "class C { def m(): Int = 1 }\ntrait T\nobject O\n"),
        (Language::Swift, "class C {\n    init() {}\n    func m() {}\n}\nstruct S {}\nprotocol P {}\nfunc f() {}\n"),
        (Language::Shell, "f() { echo 1; }\nfunction g { echo 2; }\n"),
    ];

    #[test]
    fn every_grammar_loads_and_parses_without_errors() {
        for (lang, src) in SAMPLES {
            let tree = parse(*lang, src.as_bytes()).expect("parse");
            assert!(!tree.root_node().has_error(), "{lang}: {}", tree.root_node().to_sexp());
        }
        let covered: std::collections::BTreeSet<_> = SAMPLES.iter().map(|(l, _)| *l).collect();
        assert_eq!(covered.len(), Language::ALL.len(), "one sample per grammar");
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

    /// Keyword tokens that share a declaring node's kind name (the `class` keyword in every
    /// JavaScript class declaration, Ruby's `class`/`module`) declare nothing; Kotlin's
    /// class_declaration takes its kind from its keyword token.
    #[test]
    fn only_named_nodes_declare() {
        for (lang, src) in [(Language::JavaScript, "class A {}\n"), (Language::TypeScript, "class A {}\n"), (Language::Ruby, "class A\nend\n")] {
            let tree = parse(lang, src.as_bytes()).unwrap();
            let declaration = tree.root_node().named_child(0).unwrap();
            let keyword = declaration.child(0).unwrap();
            assert_eq!((keyword.kind(), keyword.is_named()), ("class", false), "{lang}");
            assert!(lang.decl(keyword.kind()).is_some(), "{lang}: the clash this guards against");
            assert!(lang.decl_of(keyword).is_none(), "{lang}");
            assert_eq!(lang.decl_of(declaration).map(|d| d.kind_of(declaration)), Some(SymbolKind::Class), "{lang}");
        }
        let src = "interface I\nenum class E { A }\nclass C\n";
        let tree = parse(Language::Kotlin, src.as_bytes()).unwrap();
        let mut cursor = tree.root_node().walk();
        let kinds: Vec<SymbolKind> = tree
            .root_node()
            .named_children(&mut cursor)
            .map(|n| Language::Kotlin.decl_of(n).unwrap().kind_of(n))
            .collect();
        assert_eq!(kinds, vec![SymbolKind::Interface, SymbolKind::Enum, SymbolKind::Class]);
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
        let perl = Language::from_name("perl").unwrap();
        assert!(matches!(parse(perl, b"print 1;"), Err(Error::NoGrammar(_))));
    }

    #[test]
    fn detects_file_names_and_line_only_languages() {
        let name = |p: &str, head: &[u8]| Language::detect(Path::new(p), head).map(|l| l.name());
        assert_eq!(name("x/Makefile", b""), Some("make"));
        assert_eq!(name("CMakeLists.txt", b""), Some("cmake"));
        assert_eq!(name("Dockerfile.prod", b""), Some("dockerfile"));
        assert_eq!(name("a.yml", b""), Some("yaml"));
        assert_eq!(name("run", b"#!/usr/bin/perl -w\n"), Some("perl"));
        assert_eq!(name("a.php", b""), Some("php"));
        assert_eq!(name("Rakefile", b""), Some("ruby"));
    }
}
