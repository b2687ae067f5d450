//! `deps`: imports per file for the 16 tree-sitter languages of [`lang`], their resolution to
//! files inside the analysed tree (or to an external package with its ecosystem), and the
//! dependency graph built from them ([`graph`]: file, directory and external levels, fan-in,
//! fan-out, instability, Tarjan cycles with a shortest cycle path, layering rules).
//!
//! Steps of [`imports_of_tree`]:
//! 1. walk the tree ([`walk`]: `ignore` crate, .gitignore honoured, hidden files and symlinks
//!    skipped, as `metrics` and `symbols` walk) and read the project files resolution needs
//!    (`go.mod`, `tsconfig.json`/`jsconfig.json`);
//! 2. parse every file with a grammar on the rayon pool and extract its imports
//!    ([`imports_of_file`], one iterative walk per tree, [`extract`]);
//! 3. resolve each import against the set of files ([`resolve`]); what resolves neither to a file
//!    nor to an external package is kept as [`Target::Unresolved`] with a reason and counted.
//!
//! Paths are relative to the analysed root with `/` separators.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

mod extract;
pub mod analysis;
pub mod graph;
mod resolve;
pub mod rules;
mod stdlib;
mod walk;

pub use lang::Language;

/// Errors of this crate.
#[derive(Debug)]
pub enum Error {
    /// The root could not be read.
    Io(std::io::Error),
    /// A layering rule's glob did not compile.
    BadRule(String),
    /// The walk was stopped (deadline or cancellation) before it finished.
    Cancelled,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::BadRule(e) => write!(f, "bad layering rule: {e}"),
            Error::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// What [`imports_of_tree`] reads and how.
pub struct Options<'a> {
    /// Files larger than this are skipped (listed in [`TreeImports::skipped`]).
    pub max_file_bytes: u64,
    /// Extra C/C++ include directories (relative to the root) searched for quoted and angled
    /// includes after the including file's own directory.
    pub include_dirs: Vec<String>,
    /// Checked between files: `true` stops the walk with [`Error::Cancelled`].
    pub should_stop: Option<&'a (dyn Fn() -> bool + Sync)>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options { max_file_bytes: 4 << 20, include_dirs: Vec::new(), should_stop: None }
    }
}

/// Every file's imports, resolved.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeImports {
    #[serde(skip)]
    pub root: PathBuf,
    pub files: Vec<FileImports>,
    /// Imports that resolved neither to a file nor to an external package.
    pub unresolved: usize,
    /// Files the walk did not read: `(path, reason)`.
    pub skipped: Vec<(String, String)>,
}

/// One file's imports.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileImports {
    /// Relative to the root, `/` separators.
    pub path: String,
    #[serde(serialize_with = "language_name")]
    pub language: Language,
    pub imports: Vec<Import>,
    /// The package or namespace the file declares (Java, Kotlin, Scala, C#, Go package clause), if
    /// any: what other trees import it by (`cross-repo-analysis`). Not part of any answer.
    #[serde(skip)]
    pub package: Option<String>,
}

fn language_name<S: serde::Serializer>(l: &Language, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(l.name())
}

/// One import as written plus what it resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Import {
    /// 1-based line of the import statement.
    pub line: u32,
    /// The imported name as written (`java.util.List`, `../a`, `..pkg.mod`, `stdio.h`).
    pub spec: String,
    pub kind: ImportKind,
    pub target: Target,
}

/// How an import is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum ImportKind {
    /// A plain import (`import a.B`, `import x from './x'`, `from a import b`, Go `import "p"`).
    Static,
    /// Java `import static a.B.m`, C# `using static A.B`.
    StaticMember,
    /// `import a.*`, `from a import *`, `export * from`, `using namespace`-like whole-package imports.
    Wildcard,
    /// `import('./x')` with a literal, PHP `include`/`require` expressions.
    Dynamic,
    /// TypeScript `import type` / `export type ... from`.
    TypeOnly,
    /// C/C++ `#include "x"` (`angled: false`) or `#include <x>`.
    Include { angled: bool },
    /// CommonJS `require('x')`, Ruby `require`/`load`, PHP `include`/`require`(`_once`).
    Require,
    /// Ruby `require_relative` (relative to the requiring file).
    RequireRelative,
    /// Rust `use`, C# `using`, PHP `use`.
    Use,
    /// Rust `mod x;` (a file of the module tree), `extern crate`.
    Mod,
    /// Bash `source x` / `. x`.
    Source,
    /// `export ... from` (JS/TS re-export).
    ReExport,
}

/// What an import resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Target {
    /// A file of the tree (relative path).
    File { path: String },
    /// A directory of the tree standing for a package (a Java wildcard import, a Go package).
    Directory { path: String },
    /// Outside the tree: `ecosystem` is `npm`, `pypi`, `maven`, `go`, `crates`, `nuget`, `gem`,
    /// `composer`, `swift`, `system` (C/C++ and standard libraries) or the language name.
    External { ecosystem: String, package: String },
    /// Neither: kept and counted, with the reason.
    Unresolved { reason: String },
}

/// An import before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawImport {
    pub line: u32,
    pub spec: String,
    pub kind: ImportKind,
    /// Names imported from `spec` where resolution may need them (Python `from a import b, c`:
    /// `b` and `c` may be submodules; Rust `use a::{b, c}`).
    pub names: Vec<String>,
}

/// Facts about a file that resolution needs besides its imports (Java/Kotlin/Scala/C# package or
/// namespace, Go package clause).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub package: Option<String>,
    pub imports: Vec<RawImport>,
}

/// Extracts the imports of one file (no resolution). `path` is used only for messages.
pub fn imports_of_file(_path: &Path, language: Language, source: &[u8]) -> Vec<RawImport> {
    facts_of_file(language, source).imports
}

/// Extracts imports and the package declaration of one file.
pub fn facts_of_file(language: Language, source: &[u8]) -> FileFacts {
    match lang::parse(language, source) {
        Ok(tree) => extract::facts(language, &tree, source),
        Err(_) => FileFacts::default(),
    }
}

/// Walks `root`, extracts and resolves every file's imports.
pub fn imports_of_tree(root: &Path, options: &Options<'_>) -> Result<TreeImports, Error> {
    let walked = walk::read_tree(root, options)?;
    Ok(resolve::resolve_tree(root, walked, options))
}
