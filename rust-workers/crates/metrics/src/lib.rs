//! `metrics`: per-file line counts and per-function and per-class metrics that agree with the
//! reference tool of each language where there is one.
//!
//! | metric | language | reference | definition |
//! |---|---|---|---|
//! | lines | all | cloc 1.96 | [`lines`] |
//! | cyclomatic | Java | PMD 7 `CyclomaticComplexity` | `java.rs` module docs |
//! | cognitive, logical lines | Java | PMD 7 `CognitiveComplexity`, `NcssCount` | `java.rs` module docs |
//! | cyclomatic | JavaScript, TypeScript | ESLint `complexity` | `ecmascript.rs` module docs |
//! | cyclomatic | Python | radon 5.1 `cc` | `python.rs` module docs |
//! | cognitive | JavaScript, TypeScript | SonarJS (eslint-plugin-sonarjs 4.2.2 S3776) | `ecmascript.rs` module docs |
//! | cognitive | Python | `cognitive_complexity` 1.2.0 (flake8-cognitive-complexity) | `python.rs` module docs |
//! | cognitive | others | SonarSource white paper | `generic.rs` module docs |
//! | all function metrics | Rust, Go, C, C++, C#, Ruby, PHP, Kotlin, Scala, Swift, Bash | closest of the above (ESLint's) | `generic.rs` module docs |
//! | Halstead | all with a grammar | Halstead 1977, radon's formulas | [`halstead`] |
//! | maintainability index | all with a grammar | original, SEI, Visual Studio | [`mi`] |
//! | WMC, methods, attributes | all with classes | Chidamber & Kemerer | [`classes`] |
//!
//! No single definition fits all three tools (PMD counts `throw` and only condition-position
//! `&&`/`||`; ESLint counts every `&&`/`||`/`??`, `?.` and default values; radon counts
//! comprehension clauses, loop-`else` and `assert`), so each language has its own rule set, its
//! own function granularity and its own reporting line. Each rule set is a visitor over **one**
//! iterative traversal of the file's syntax tree (`walk.rs`); the file is parsed once, and the
//! span-based metrics (Halstead tokens, per-function code/comment lines) are collected in the same
//! pass. Files with syntax errors are still measured; the errors are listed. Languages without a
//! grammar get line counts only.
//!
//! # Output schema
//!
//! `mcpca-analyzer metrics <path>...` prints one JSON object per path (an array of them for
//! several paths); compact by default, `--pretty` indents it. All names are camelCase; fields are
//! only ever added, never renamed. The `serve` tools `calculate-metrics` (one file object) and
//! `analyze-metrics` (the directory object, one page of its files; see `serve.rs`) return the
//! same shapes.
//!
//! ```text
//! {
//!   "root": "src",                                  // the path as given
//!   "files": [ FILE, ... ],                         // measured files, sorted by path
//!   "totals": TOTALS + {"byLanguage": {"java": TOTALS, ...}},
//!   "directories": [ {"path": "", ...TOTALS}, {"path": "a", ...TOTALS}, ... ],
//!                                                   // every directory holding measured files,
//!                                                   // its subdirectories rolled in ("" = root)
//!   "skipped": [ {"path": "img.png", "reason": "binary" | "unknown language" | "too large" |
//!                 "generated" | "minified" | "symlink" | "fifo" | "socket" | "block device" |
//!                 "character device" | "unreadable: …" | "walk error: …"} ]
//!                                                   // special files are never opened; size is
//!                                                   // checked by lstat before any read
//! }
//!
//! FILE = {
//!   "path": "a/B.java",                             // relative to the scanned directory
//!   "language": "java",
//!   "lines": {"physical", "code", "comment", "blank", // cloc 1.96 semantics
//!             "logical"},                           // statements (PMD NCSS for Java; 0 without grammar)
//!   "functions": [ FUNCTION, ... ],                 // in source order
//!   "classes": [ CLASS, ... ],
//!   "totals": STATS,                                // roll-up of this file's functions and classes
//!   "errors": [ {"line": 3, "message": "syntax error"} ]   // at most 50; the file is still measured
//! }
//!
//! FUNCTION = {
//!   "name": "bar", "qualifiedName": "A.bar",
//!   "kind": "method" | "constructor" | "function" | "arrow" | "class-field-initializer" |
//!           "class-static-block" | "closure" | "destructor" | "operator" | "accessor",
//!   "startLine": 12, "startColumn": 5,              // the position the reference tool reports
                                                  // (column in UTF-16 units for JS/TS, as ESLint)
//!   "endLine": 30,
//!   "cyclomatic": 4,                                // PMD / ESLint / radon rules per language
//!   "cognitive": 3,                                 // PMD (Java), SonarJS (JS/TS), cognitive_complexity
//!                                                   // (Python), SonarSource model (others)
//!   "nargs": 2, "nexits": 1,                        // parameters; return statements
//!   "nesting": 2,                                   // max depth of nested control structures
//!   "lines": {"physical", "code", "comment", "blank", "logical"},   // from the syntax tree
//!   "halstead": {"n1", "n2", "N1", "N2", "vocabulary", "length",
//!                "volume", "difficulty", "effort", "time", "bugs"},
//!   "mi": {"original", "sei", "visualStudio"},      // maintainability index variants
//!   "abc": {"assignments", "branches", "conditions", "magnitude"},
//!   "classIndex": 0                                 // index into "classes"; absent if none
//! }
//!
//! CLASS = {
//!   "name": "A", "qualifiedName": "pkg.A",
//!   "kind": "class" | "interface" | "enum" | "record" | "annotation" | "anonymous-class" |
//!           "impl" | "trait" | "struct" | "module" | "object" | "extension" | ...,
//!   "startLine", "endLine",
//!   "wmc": 7,                                       // sum of the cyclomatic of its methods
//!   "methods", "publicMethods", "attributes", "publicAttributes"
//! }
//!
//! STATS = {                                         // file, directory, language and scan level
//!   "functions": 12, "classes": 2,
//!   "cyclomatic": STAT, "cognitive": STAT, "nargs": STAT, "nexits": STAT, "nesting": STAT,
//!   "logical": STAT, "physical": STAT,              // per function
//!   "halsteadVolume": STAT, "halsteadDifficulty": STAT, "halsteadEffort": STAT, "halsteadBugs": STAT,
//!   "miOriginal": STAT, "miSei": STAT, "miVisualStudio": STAT, "abcMagnitude": STAT,
//!   "wmc": STAT, "methodsPerClass": STAT            // per class
//! }
//! STAT = {"sum", "avg", "min", "max"}               // over the functions (classes); all 0 when none;
//!                                                   // averages of merged sets are over all members
//!
//! TOTALS = {"files", "physical", "code", "comment", "blank", "logical", "functions",
//!           "metrics": STATS}
//! ```
//!
//! `mcpca-analyzer summary <path>...` (lines only, no parsing):
//!
//! ```text
//! { "roots": ["src"], "files": 120, "bytes": 1048576,
//!   "physical", "code", "comment", "blank",
//!   "byLanguage": {"java": {"files", "bytes", "physical", "code", "comment", "blank"}, ...},
//!   "skipped": {"binary": 3, "unknown language": 10, "too large": 1} }   // counts by reason
//! ```
//!
//! `--format table` prints a cloc-style table instead (per language: files, blank, comment, code,
//! logical, functions, average cyclomatic and cognitive, maximum cyclomatic, average MI; then the
//! ten most complex functions) and, for `summary`, files, bytes, blank, comment, code per language.
//!
//! Metric definitions (which nodes count, per language) are in the `metrics` crate docs:
//! `java.rs` (PMD cyclomatic, cognitive and NCSS), `ecmascript.rs` (ESLint cyclomatic, Sonar
//! cognitive), `python.rs` (radon cyclomatic, Sonar cognitive), `generic.rs` (Rust, Go, C, C++, C#,
//! Ruby, PHP, Kotlin, Scala, Swift, Bash), `halstead.rs` (operator/operand classification,
//! formulas), `mi.rs` (maintainability index formulas), `classes.rs` (WMC, public members),
//! `rollup.rs` (sum/avg/min/max).

pub mod classes;
pub mod halstead;
pub mod lines;
pub mod mi;
pub mod rollup;

mod ecmascript;
mod generic;
mod java;
mod python;
mod walk;

use std::fmt;
use std::path::Path;

use lang::Language;
use serde::{Deserialize, Serialize};

pub use lines::{count_lines, count_lines_for, LineCounts, LineSyntax};
pub use classes::ClassMetrics;
pub use halstead::Halstead;
pub use mi::MaintainabilityIndex;
pub use rollup::{FileSummary, MetricStats, Stat};
pub use walk::{Abc, FunctionLines, FunctionMetrics, SyntaxError};

/// Line counts of a file: cloc's `physical`/`code`/`comment`/`blank` plus `logical` (statements
/// from the syntax tree; PMD NCSS for Java; 0 for languages without a grammar). Dereferences to
/// the cloc counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileLines {
    #[serde(flatten)]
    pub counts: LineCounts,
    pub logical: u64,
}

impl std::ops::Deref for FileLines {
    type Target = LineCounts;
    fn deref(&self) -> &LineCounts {
        &self.counts
    }
}

/// Metrics of one file (the per-file JSON of the serve protocol and of the `metrics` CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMetrics {
    pub path: String,
    #[serde(deserialize_with = "crate::intern")]
    pub language: crate::StaticName,
    pub lines: FileLines,
    pub functions: Vec<FunctionMetrics>,
    pub classes: Vec<ClassMetrics>,
    /// Sum/avg/min/max of the function and class metrics of this file. Like the other derived
    /// floats it is not read back from JSON: [`FileMetrics::restore_derived`] recomputes it.
    #[serde(skip_deserializing)]
    pub totals: MetricStats,
    pub errors: Vec<SyntaxError>,
}

impl FileMetrics {
    /// Completes a result read back from its JSON form (the per-file cache): the floats there
    /// keep 3 decimals and the roll-up's counts are not written, so the derived measures and
    /// [`FileMetrics::totals`] are computed again from the exact integer counts. Afterwards the
    /// result serializes, and rolls up into directories, exactly like a fresh one.
    pub fn restore_derived(&mut self) {
        for f in &mut self.functions {
            f.derive_measures();
        }
        self.totals = MetricStats::of(&self.functions, &self.classes);
    }
}

/// `&'static str` under another name: serde's derive borrows every field spelled `&str` from the
/// input (which would tie a deserialized result to its JSON buffer); [`intern`] gives these
/// fields a `'static` name instead.
pub type StaticName = &'static str;

/// Deserializes a name the analyzer keeps as `&'static str` (a language, a function or class
/// kind). Each distinct name is allocated once per process and reused, so reading cached
/// results never grows memory beyond the (small, fixed) set of names.
pub(crate) fn intern<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let s = String::deserialize(d)?;
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = names.get(s.as_str()) {
        return Ok(known);
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    names.insert(leaked);
    Ok(leaked)
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
    analyze_source_keeping_tree(lang, source).0
}

/// [`analyze_source`], also handing back the syntax tree it walked (none without a grammar), so
/// a caller that inspects the tree further (the `quality` rules) parses the file once.
pub fn analyze_source_keeping_tree(lang: Language, source: &[u8]) -> (FileMetrics, Option<lang::tree_sitter::Tree>) {
    analyze(lang, source, None)
}

/// [`analyze_source`], also handing every node of the syntax tree, in pre-order with its kind
/// id, to `each` during the metric walk's own pass (a caller that inspects the tree further, the
/// `quality` rules, walks it once, not twice). `true` when the file had a tree (a grammar).
pub fn analyze_source_visiting(lang: Language, source: &[u8], each: &mut dyn FnMut(lang::tree_sitter::Node<'_>, u16)) -> (FileMetrics, bool) {
    let (metrics, tree) = analyze(lang, source, Some(each));
    (metrics, tree.is_some())
}

fn analyze(lang: Language, source: &[u8], each: Option<&mut dyn FnMut(lang::tree_sitter::Node<'_>, u16)>) -> (FileMetrics, Option<lang::tree_sitter::Tree>) {
    let counts = count_lines_for(lang, source);
    let mut tree = None;
    let result = match try_functions(lang, source, each) {
        Ok((found, parsed)) => {
            tree = Some(parsed);
            found
        }
        Err(Error::Parse(lang::Error::NoGrammar(_))) => walk::WalkResult::empty(),
        Err(e) => {
            let mut r = walk::WalkResult::empty();
            r.errors.push(SyntaxError { line: 1, message: e.to_string() });
            r
        }
    };
    let totals = MetricStats::of(&result.functions, &result.classes);
    let metrics = FileMetrics {
        path: String::new(),
        language: lang.name(),
        lines: FileLines { counts, logical: result.logical },
        functions: result.functions,
        classes: result.classes,
        totals,
        errors: result.errors,
    };
    (metrics, tree)
}

/// Counts the lines of `source` and parses it, and measures nothing else: no functions, classes,
/// logical lines or errors. The cost of tree-sitter's parse alone (`metrics --parse-only`), the
/// floor under [`analyze_source`] that `bench/analyzer` prints.
pub fn parse_only(lang: Language, source: &[u8]) -> FileMetrics {
    let counts = count_lines_for(lang, source);
    if has_function_metrics(lang) {
        // The tree is dropped at once: deleting it is part of the cost of a parse.
        drop(lang::parse(lang, source));
    }
    FileMetrics {
        path: String::new(),
        language: lang.name(),
        lines: FileLines { counts, logical: 0 },
        functions: Vec::new(),
        classes: Vec::new(),
        totals: MetricStats::of(&[], &[]),
        errors: Vec::new(),
    }
}

/// Reads and measures a file; `display_path` is what goes into the `path` field.
pub fn analyze_file(path: &Path, lang: Language, display_path: String) -> Result<FileMetrics, Error> {
    let source = std::fs::read(path).map_err(|e| Error::Io(path.to_path_buf(), e))?;
    let mut metrics = analyze_source(lang, &source);
    metrics.path = display_path;
    Ok(metrics)
}

/// Whether function metrics are computed for `lang` (a grammar and a rule set exist).
pub fn has_function_metrics(lang: Language) -> bool {
    matches!(lang, Language::Java | Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx)
        || generic::rules(lang).is_some()
}

fn try_functions(lang: Language, source: &[u8], each: Option<&mut dyn FnMut(lang::tree_sitter::Node<'_>, u16)>) -> Result<(walk::WalkResult, lang::tree_sitter::Tree), Error> {
    if !has_function_metrics(lang) {
        return Err(Error::Parse(lang::Error::NoGrammar(lang)));
    }
    let tree = lang::parse(lang, source).map_err(Error::Parse)?;
    let result = match lang {
        Language::Java => walk::walk_also(&tree, source, java::Pmd::default(), each),
        Language::Python => walk::walk_also(&tree, source, python::Radon::default(), each),
        Language::JavaScript | Language::TypeScript | Language::Tsx => walk::walk_also(&tree, source, ecmascript::Eslint, each),
        other => match generic::rules(other) {
            Some(rules) => walk::walk_also(&tree, source, generic::Generic::new(other, rules), each),
            None => return Err(Error::Parse(lang::Error::NoGrammar(other))),
        },
    };
    Ok((result, tree))
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
        let lang = Language::detect(Path::new("x.pl"), b"").expect("perl is detected");
        assert!(!has_function_metrics(lang));
        let m = analyze_source(lang, b"# c\nprint 1;\n");
        assert_eq!((m.lines.code, m.lines.comment), (1, 1));
        assert!(m.functions.is_empty() && m.errors.is_empty());
    }

    /// The per-file cache stores FileMetrics as JSON (3 decimals, no roll-up counts): after
    /// `restore_derived` a read-back result must equal the fresh one, roll-ups included.
    #[test]
    fn json_round_trip_with_restore_equals_the_fresh_result() {
        let sources: [(Language, &[u8]); 3] = [
            (Language::Java, b"class A {\n  public int f(int a) { if (a > 1 && a < 9) { return a * 3; } return 0; }\n  private void g() { for (;;) {} }\n}\n"),
            (Language::Python, b"def f(x):\n    return [y for y in x if y or x]\n"),
            (Language::TypeScript, b"const g = (a?: number) => a ?? 2.5;\nclass C { m() { return this.x?.y; } }\n"),
        ];
        for (lang, src) in sources {
            let fresh = analyze_source(lang, src);
            let json = serde_json::to_vec(&fresh).unwrap();
            let mut back: FileMetrics = serde_json::from_slice(&json).unwrap();
            back.restore_derived();
            assert_eq!(serde_json::to_vec(&back).unwrap(), json, "{lang}");
            assert_eq!(back.totals, fresh.totals, "{lang}");
            let (a, b) = (&back.functions, &fresh.functions);
            assert!(a.iter().zip(b).all(|(x, y)| x.halstead == y.halstead && x.mi == y.mi && x.abc == y.abc), "{lang}");
            assert_eq!(back.language, fresh.language);
        }
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
