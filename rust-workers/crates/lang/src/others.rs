//! Languages we count lines for without a syntax tree: cloc's comment filters per language.
//!
//! The table (`others_table.rs`) is generated from cloc 1.96's own tables by
//! `tools/gen_line_languages.py`, so extensions, file names, interpreters, filters and the
//! end-of-line-continuation rule are cloc's, not a guess. The generator refuses a language whose
//! filters it cannot express with [`Filter`]; cloc's `rm_comments_in_strings` and `remove_inline`
//! are left out because cloc only runs them with `--strip-str-comments` / `--inline`.

#[path = "others_table.rs"]
mod table;

/// One of cloc's comment filters, applied in order to the non-blank lines of a file
/// (the interpretation lives in `metrics::lines`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Filter {
    /// `remove_matches('^\s*<prefix>')` (case-insensitive): a line starting with the prefix after
    /// optional whitespace is a comment.
    LinePrefix(&'static str),
    /// `remove_matches('^<prefix>')` (case-insensitive), column 0 only.
    LineStart(&'static str),
    /// `call_regexp_common('C++')`: `//…` and `/*…*/`, across lines.
    CppComments,
    /// `call_regexp_common('C')`: `/*…*/` only.
    CComments,
    /// `call_regexp_common('HTML')`: `<!-- … -->` on the joined text.
    HtmlCommon,
    /// `remove_html_comments`: line-wise `<!-- … -->`.
    HtmlComments,
    /// `remove_between_general(start, end)`: line-wise block comments with arbitrary markers.
    Between(&'static str, &'static str),
    /// `remove_haskell_comments`: `--` and `{- … -}` (pragmas `{-#` kept).
    Haskell,
    /// `remove_OCaml_comments`: nested `(* … *)`, `"…"` protected.
    OCaml,
    /// `docstring_to_C`: triple quotes become `/*` and `*/` alternately.
    DocstringToC,
    /// `remove_f77_comments`: `*`, `c`, `C` in column 1, or `!` after whitespace.
    Fortran77,
    /// `remove_f90_comments`: `!` after whitespace, except `!hpf$` / `!omp$` directives.
    Fortran90,
    /// `remove_below('^__(END|DATA)__')`: everything from that line on is dropped.
    PerlEnd,
    /// `remove_below_above(below, above)`: drops `^below` … `^above` blocks (POD, `=begin`).
    BelowAbove(&'static str, &'static str),
}

/// A line-counting language: how cloc recognises and filters it.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineLanguage {
    /// Our wire id (`"perl"`, `"yaml"`, ...).
    pub id: &'static str,
    /// cloc's name, for comparisons with cloc's output.
    pub cloc_name: &'static str,
    /// Lower- or mixed-case extensions without the dot (matched case-insensitively).
    pub extensions: &'static [&'static str],
    /// Exact file names (`Makefile`, `CMakeLists.txt`, `Dockerfile`).
    pub file_names: &'static [&'static str],
    /// Interpreters named on a `#!` line.
    pub interpreters: &'static [&'static str],
    pub filters: &'static [Filter],
    /// cloc's `\\$` end-of-line continuation: a blank line after a trailing backslash is code.
    pub eol_continuation: bool,
    /// cloc's script languages put a removed `#!` first line back as code.
    pub script: bool,
}

/// A language of the line table; cheap to copy and compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OtherLanguage(u16);

impl OtherLanguage {
    /// Every line-counting language.
    pub fn all() -> impl Iterator<Item = OtherLanguage> {
        (0..table::TABLE.len() as u16).map(OtherLanguage)
    }

    pub fn def(self) -> &'static LineLanguage {
        &table::TABLE[self.0 as usize]
    }

    pub fn from_id(id: &str) -> Option<OtherLanguage> {
        table::TABLE.iter().position(|l| l.id == id).map(|i| OtherLanguage(i as u16))
    }

    pub fn from_extension(ext: &str) -> Option<OtherLanguage> {
        table::TABLE
            .iter()
            .position(|l| l.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
            .map(|i| OtherLanguage(i as u16))
    }

    pub fn from_file_name(name: &str) -> Option<OtherLanguage> {
        table::TABLE
            .iter()
            .position(|l| l.file_names.iter().any(|f| *f == name) || l.extensions.iter().any(|e| *e == name))
            .map(|i| OtherLanguage(i as u16))
    }

    pub fn from_interpreter(name: &str) -> Option<OtherLanguage> {
        table::TABLE.iter().position(|l| l.interpreters.contains(&name)).map(|i| OtherLanguage(i as u16))
    }
}

impl std::fmt::Debug for OtherLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Other({})", self.def().id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_sixty_plus_distinct_languages() {
        let ids: std::collections::BTreeSet<_> = OtherLanguage::all().map(|l| l.def().id).collect();
        assert!(ids.len() >= 60, "{}", ids.len());
        assert_eq!(ids.len(), OtherLanguage::all().count());
    }

    #[test]
    fn looks_up_by_extension_file_name_and_interpreter() {
        assert_eq!(OtherLanguage::from_extension("PM").unwrap().def().id, "perl");
        assert_eq!(OtherLanguage::from_file_name("Makefile").unwrap().def().id, "make");
        assert_eq!(OtherLanguage::from_file_name("CMakeLists.txt").unwrap().def().id, "cmake");
        assert_eq!(OtherLanguage::from_file_name("Dockerfile").unwrap().def().id, "dockerfile");
        assert_eq!(OtherLanguage::from_interpreter("perl").unwrap().def().id, "perl");
        assert!(OtherLanguage::from_extension("nope").is_none());
    }
}
