//! The rule catalog: every rule's id, severity, languages, description, reference and default
//! thresholds. One table; `list-quality-rules` answers it and `analyze-quality` reads it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How much a finding matters; ordered, so `minSeverity` is a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Minor,
    Major,
    Critical,
}

impl Severity {
    /// Penalty points of one finding in the quality score (see `score.rs`).
    pub fn weight(self) -> f64 {
        match self {
            Severity::Info => 1.0,
            Severity::Minor => 3.0,
            Severity::Major => 5.0,
            Severity::Critical => 10.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        [Severity::Info, Severity::Minor, Severity::Major, Severity::Critical].into_iter().find(|s| s.name() == name)
    }
}

/// Languages a syntax rule covers (wire names); `ALL_GRAMMARS` for the metric and text rules.
pub const ALL_GRAMMARS: &[&str] =
    &["java", "python", "javascript", "typescript", "rust", "go", "c", "cpp", "csharp", "kotlin", "scala", "swift", "ruby", "php", "shell"];

/// One rule of the catalog.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub languages: &'static [&'static str],
    pub description: &'static str,
    /// The established rule it follows, where one exists.
    pub reference: &'static str,
    /// Default thresholds; a call may override each (`thresholds: {"<rule>": {"<name>": n}}`).
    #[serde(serialize_with = "as_map")]
    pub thresholds: &'static [(&'static str, f64)],
}

const C_LIKE_SWITCH: &[&str] = &["java", "javascript", "typescript", "c", "cpp", "csharp", "go", "php"];
const CATCHING: &[&str] = &["java", "javascript", "typescript", "python", "csharp", "cpp", "php", "kotlin", "ruby"];
const TYPED_CATCH: &[&str] = &["java", "python", "csharp", "cpp", "php", "kotlin", "ruby"];
const TERNARY: &[&str] = &["java", "javascript", "typescript", "python", "c", "cpp", "csharp", "php", "swift"];
const STATEMENT_BLOCKS: &[&str] = &["java", "javascript", "typescript", "python", "c", "cpp", "csharp", "go", "php", "rust", "kotlin"];
const NUMBERS: &[&str] = &["java", "javascript", "typescript", "python", "c", "cpp", "csharp", "go", "rust", "kotlin", "php", "swift", "scala", "ruby"];
const PARAMETERS: &[&str] = &["java", "javascript", "typescript", "python", "c", "cpp", "csharp", "go", "rust", "kotlin", "php", "swift", "scala"];

/// The catalog, in the order `list-quality-rules` answers it.
pub const RULES: &[Rule] = &[
    Rule { id: "complex-function", severity: Severity::Major, languages: ALL_GRAMMARS,
        description: "Function whose cyclomatic complexity (the metric suite's: PMD rules for Java, ESLint's for JS/TS, radon's for Python) is above `max`.",
        reference: "ESLint complexity [\"error\", max]; PMD CyclomaticComplexity methodReportLevel = max + 1", thresholds: &[("max", 10.0)] },
    Rule { id: "hard-to-read-function", severity: Severity::Major, languages: ALL_GRAMMARS,
        description: "Function whose cognitive complexity (SonarSource model; PMD's for Java) is above `max`.",
        reference: "SonarJS cognitive-complexity (S3776, threshold 15); PMD CognitiveComplexity reportLevel = max + 1", thresholds: &[("max", 15.0)] },
    Rule { id: "long-function", severity: Severity::Minor, languages: ALL_GRAMMARS,
        description: "Function longer than `max` lines (its declaration's physical lines, blank and comment lines included).",
        reference: "ESLint max-lines-per-function (max 50, blank and comment lines counted)", thresholds: &[("max", 50.0)] },
    Rule { id: "long-parameter-list", severity: Severity::Minor, languages: ALL_GRAMMARS,
        description: "Function declaring more than `max` parameters.",
        reference: "pylint too-many-arguments (R0913, max-args 5); ESLint max-params with max", thresholds: &[("max", 5.0)] },
    Rule { id: "deep-nesting", severity: Severity::Minor, languages: ALL_GRAMMARS,
        description: "Function whose control structures nest deeper than `max`.",
        reference: "ESLint max-depth (max 4)", thresholds: &[("max", 4.0)] },
    Rule { id: "large-class", severity: Severity::Major, languages: ALL_GRAMMARS,
        description: "Class whose WMC (sum of its methods' cyclomatic complexity) is at least `maxWmc`, or with more than `maxMethods` methods.",
        reference: "PMD GodClass WMC >= 47; PMD TooManyMethods", thresholds: &[("maxWmc", 47.0), ("maxMethods", 20.0)] },
    Rule { id: "large-file", severity: Severity::Minor, languages: ALL_GRAMMARS,
        description: "File with more than `max` lines of code (cloc's code lines).",
        reference: "ESLint max-lines (skipBlankLines, skipComments)", thresholds: &[("max", 500.0)] },
    Rule { id: "low-maintainability", severity: Severity::Minor, languages: ALL_GRAMMARS,
        description: "Function whose maintainability index (Visual Studio's 0-100 variant) is below `min`: Visual Studio shows red below 10.",
        reference: "Visual Studio code metrics (MI < 10 red)", thresholds: &[("min", 10.0)] },
    Rule { id: "duplicated-blocks", severity: Severity::Major, languages: ALL_GRAMMARS,
        description: "Block of at least `minTokens` tokens and `minLines` lines that occurs again elsewhere in the tree (or a compared tree) once identifiers and literals are abstracted; one finding per location of each clone class.",
        reference: "jscpd (min-tokens 50, min-lines 5); jscpd compares tokens as written (type-1), this rule abstracts names and literals (type-2)", thresholds: &[("minTokens", 50.0), ("minLines", 5.0)] },
    Rule { id: "empty-catch", severity: Severity::Major, languages: CATCHING,
        description: "Exception handler with an empty body (Python: only `pass`). Java: a comment does not make it non-empty (PMD); JavaScript/TypeScript: it does (ESLint).",
        reference: "PMD EmptyCatchBlock; ESLint no-empty; bandit B110 try_except_pass", thresholds: &[] },
    Rule { id: "catch-all", severity: Severity::Minor, languages: TYPED_CATCH,
        description: "Handler that catches everything: Java `Exception`/`RuntimeException`/`Throwable`, Python bare `except:` or `Exception`/`BaseException`, C# bare `catch` or `Exception`, C++ `catch (...)`, PHP and Kotlin `Exception`/`Throwable`, Ruby `rescue Exception`.",
        reference: "PMD AvoidCatchingGenericException, AvoidCatchingThrowable; pylint bare-except, broad-exception-caught", thresholds: &[] },
    Rule { id: "todo-comment", severity: Severity::Info, languages: ALL_GRAMMARS,
        description: "Comment with a TODO, FIXME, HACK or XXX marker (as a word, any case).",
        reference: "ESLint no-warning-comments (terms todo, fixme, xxx; location anywhere) plus hack", thresholds: &[] },
    Rule { id: "magic-number", severity: Severity::Info, languages: NUMBERS,
        description: "Numeric literal other than -1, 0, 1, 2 used in an expression rather than named: literals initializing a variable, constant, field, property or enum member, assigned, or in annotations are fine.",
        reference: "ESLint no-magic-numbers with ignore [-1, 0, 1, 2]; Checkstyle MagicNumber's ignore list", thresholds: &[] },
    Rule { id: "commented-out-code", severity: Severity::Minor, languages: ALL_GRAMMARS,
        description: "Comment whose lines read as code (statements ending in `;`, `{` or `}`, assignments, calls, control keywords); at least `minLines` such lines in a row.",
        reference: "SonarSource S125 (heuristic)", thresholds: &[("minLines", 1.0)] },
    Rule { id: "nested-ternary", severity: Severity::Minor, languages: TERNARY,
        description: "Conditional expression whose result branch is itself a conditional expression.",
        reference: "ESLint no-nested-ternary", thresholds: &[] },
    Rule { id: "switch-without-default", severity: Severity::Minor, languages: C_LIKE_SWITCH,
        description: "Switch statement without a default branch (JS/TS: a last comment `no default` counts, as in ESLint). Java switch expressions are checked for exhaustiveness by the compiler and left out.",
        reference: "ESLint default-case; PMD SwitchStmtsShouldHaveDefault", thresholds: &[] },
    Rule { id: "too-many-returns", severity: Severity::Minor, languages: ALL_GRAMMARS,
        description: "Function with more than `max` return statements.",
        reference: "pylint too-many-return-statements (R0911, max-returns 6 → max 6)", thresholds: &[("max", 6.0)] },
    Rule { id: "boolean-flag-parameter", severity: Severity::Minor, languages: PARAMETERS,
        description: "Parameter declared boolean (or defaulting to true/false): a flag that selects behaviour; two functions or an enum read better.",
        reference: "Clean Code 'flag arguments'; SonarSource S2301", thresholds: &[] },
    Rule { id: "unreachable-code", severity: Severity::Major, languages: STATEMENT_BLOCKS,
        description: "Statements after a return, throw, break or continue in the same block (function and `var` declarations in JS/TS are hoisted and left out, as ESLint does).",
        reference: "ESLint no-unreachable", thresholds: &[] },
    Rule { id: "hard-coded-secret", severity: Severity::Critical, languages: ALL_GRAMMARS,
        description: "A provider key (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI, private key blocks) or a high-entropy string literal (base64 alphabet, length >= `minLength`, Shannon entropy >= `minEntropy` bits per character) assigned to a name like password/secret/token/key. The value is never echoed: messages and excerpts show its first 4 characters and its length.",
        reference: "gitleaks/detect-secrets provider patterns; detect-secrets base64 entropy limit 4.5", thresholds: &[("minLength", 16.0), ("minEntropy", 3.5)] },
];

fn as_map<S: serde::Serializer>(pairs: &&'static [(&'static str, f64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (name, value) in pairs.iter() {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// The rules covering `language` (a wire name; all rules without one), in catalog order.
pub fn catalog(language: Option<&str>) -> Vec<&'static Rule> {
    RULES.iter().filter(|r| language.map_or(true, |l| r.languages.contains(&l))).collect()
}

/// A rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Thresholds of one call: the defaults with the call's overrides.
#[derive(Debug, Clone, Default)]
pub struct Thresholds {
    overrides: BTreeMap<String, BTreeMap<String, f64>>,
}

impl Thresholds {
    /// Checks the call's `thresholds` (rule id → name → number): an unknown rule or threshold
    /// name, or a negative or non-finite value, is an error message.
    pub fn new(overrides: BTreeMap<String, BTreeMap<String, f64>>) -> Result<Thresholds, String> {
        for (id, values) in &overrides {
            let Some(rule) = rule(id) else { return Err(format!("unknown rule `{id}` in thresholds")) };
            for (name, value) in values {
                if !rule.thresholds.iter().any(|(n, _)| n == name) {
                    let known: Vec<&str> = rule.thresholds.iter().map(|(n, _)| *n).collect();
                    return Err(format!("rule `{id}` has no threshold `{name}` (it has: {})", if known.is_empty() { "none".into() } else { known.join(", ") }));
                }
                if !value.is_finite() || *value < 0.0 {
                    return Err(format!("threshold `{id}.{name}` must be a number >= 0"));
                }
            }
        }
        Ok(Thresholds { overrides })
    }

    /// The value of a rule's threshold (the call's, else the default).
    pub fn get(&self, id: &str, name: &str) -> f64 {
        if let Some(v) = self.overrides.get(id).and_then(|m| m.get(name)) {
            return *v;
        }
        rule(id).and_then(|r| r.thresholds.iter().find(|(n, _)| *n == name)).map(|(_, v)| *v).expect("known threshold")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_unique_ids_and_at_least_twenty_rules() {
        let ids: std::collections::BTreeSet<_> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len());
        assert!(RULES.len() >= 20);
    }

    #[test]
    fn thresholds_default_and_override_and_refuse_unknown_names() {
        let t = Thresholds::new(BTreeMap::from([("complex-function".into(), BTreeMap::from([("max".into(), 3.0)]))])).unwrap();
        assert_eq!((t.get("complex-function", "max"), t.get("long-function", "max")), (3.0, 50.0));
        assert!(Thresholds::new(BTreeMap::from([("nope".into(), BTreeMap::new())])).unwrap_err().contains("unknown rule"));
        let bad = Thresholds::new(BTreeMap::from([("empty-catch".into(), BTreeMap::from([("max".into(), 3.0)]))])).unwrap_err();
        assert!(bad.contains("has no threshold `max`"), "{bad}");
        assert!(Thresholds::new(BTreeMap::from([("long-function".into(), BTreeMap::from([("max".into(), -1.0)]))])).is_err());
    }
}
