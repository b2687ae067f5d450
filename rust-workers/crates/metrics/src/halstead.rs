//! Halstead's software-science measures per function.
//!
//! Tokens come from the leaves of the tree-sitter tree (comments excluded), one pass, the same
//! rule for every language:
//!
//! * **operands**: named leaves — identifiers, type names, numeric literals, `true`/`false`/
//!   `null`/`None`, `this`/`self` — and every *atom*: a literal whose subtree is taken as one token
//!   (Java `string_literal`, `character_literal`; Python `string`, `concatenated_string`
//!   (f-strings included, their interpolations are not separate tokens); JS/TS `string`,
//!   `template_string`, `regex`; the other grammars' string, char and regex literals as listed in
//!   `generic.rs` `atoms`). Distinct operands are told apart by their text.
//! * **operators**: anonymous leaves — keywords (`if`, `return`, `new`, `def`, `public`, ...),
//!   operators (`+`, `&&`, `=`, `.`, `->`), and delimiters (`;`, `,`, `:`); a bracket pair
//!   (`(`…`)`, `[`…`]`, `{`…`}`) is one operator, counted at its opening bracket. Distinct
//!   operators are told apart by their token kind.
//!
//! A function's tokens are all tokens of its declaration, nested functions and lambdas included.
//!
//! With `n1`/`n2` distinct operators/operands and `N1`/`N2` their occurrences:
//! `vocabulary = n1 + n2`, `length = N1 + N2`, `volume = length × log2(vocabulary)`,
//! `difficulty = n1/2 × N2/n2`, `effort = difficulty × volume`, `time = effort / 18` (seconds,
//! Stroud number), `bugs = volume / 3000` (as radon computes them). Empty inputs give 0, never
//! NaN.

use serde::{Deserialize, Serialize};

/// The Halstead measures of one function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Halstead {
    /// Distinct operators.
    pub n1: u32,
    /// Distinct operands.
    pub n2: u32,
    /// Operator occurrences.
    #[serde(rename = "N1")]
    pub total_operators: u32,
    /// Operand occurrences.
    #[serde(rename = "N2")]
    pub total_operands: u32,
    pub vocabulary: u32,
    pub length: u32,
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub volume: f64,
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub difficulty: f64,
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub effort: f64,
    /// Seconds to write the code (effort / 18).
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub time: f64,
    /// Delivered bugs estimate (volume / 3000).
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub bugs: f64,
}

impl Halstead {
    /// The derived measures from the four counts.
    pub fn from_counts(n1: u32, n2: u32, total_operators: u32, total_operands: u32) -> Halstead {
        let vocabulary = n1 + n2;
        let length = total_operators + total_operands;
        let volume = if vocabulary > 0 { length as f64 * (vocabulary as f64).log2() } else { 0.0 };
        let difficulty = if n2 > 0 { n1 as f64 / 2.0 * total_operands as f64 / n2 as f64 } else { 0.0 };
        let effort = difficulty * volume;
        Halstead {
            n1,
            n2,
            total_operators,
            total_operands,
            vocabulary,
            length,
            volume,
            difficulty,
            effort,
            time: effort / 18.0,
            bugs: volume / 3000.0,
        }
    }
}

/// Collects the tokens of one function: kinds of operators and hashes of operand texts,
/// deduplicated at the end (cheaper than a hash set per token).
#[derive(Default)]
pub(crate) struct TokenSink {
    operators: Vec<u16>,
    operands: Vec<u64>,
}

impl TokenSink {
    pub fn operator(&mut self, kind: u16) {
        self.operators.push(kind);
    }

    pub fn operand(&mut self, text: &[u8]) {
        self.operands.push(fnv1a(text));
    }

    pub fn finish(mut self) -> Halstead {
        let total_operators = self.operators.len() as u32;
        let total_operands = self.operands.len() as u32;
        self.operators.sort_unstable();
        self.operators.dedup();
        self.operands.sort_unstable();
        self.operands.dedup();
        Halstead::from_counts(self.operators.len() as u32, self.operands.len() as u32, total_operators, total_operands)
    }
}

/// FNV-1a, 64 bit: distinct operands are counted by hash; a collision among the few hundred
/// operands of a function is vanishingly unlikely.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze_source;
    use lang::Language;

    #[test]
    fn derived_measures_follow_the_formulas() {
        let h = Halstead::from_counts(4, 2, 6, 4);
        assert_eq!((h.vocabulary, h.length), (6, 10));
        assert!((h.volume - 10.0 * 6f64.log2()).abs() < 1e-9);
        assert!((h.difficulty - 4.0).abs() < 1e-9);
        assert!((h.effort - 4.0 * h.volume).abs() < 1e-9);
        assert!((h.bugs - h.volume / 3000.0).abs() < 1e-12);
        let empty = Halstead::from_counts(0, 0, 0, 0);
        assert_eq!(empty.volume, 0.0);
        assert_eq!(empty.difficulty, 0.0);
    }

    #[test]
    fn classifies_leaves_and_atoms() {
        // operators: def ( , ) : return + → distinct {def, (, ",", :, return, +} = 6, total 6
        // operands: f a b a b "x" → distinct {f, a, b} = 3 ... plus the string atom
        let m = analyze_source(Language::Python, b"def f(a, b):\n    return a + b + \"x y\"\n");
        let h = m.functions[0].halstead;
        assert_eq!((h.n1, h.total_operators), (6, 7), "{h:?}");
        assert_eq!((h.n2, h.total_operands), (4, 6), "{h:?}");
    }

    #[test]
    fn comments_are_not_tokens() {
        let a = analyze_source(Language::Java, b"class A { int f() { return 1; } }");
        let b = analyze_source(Language::Java, b"class A { int f() { /* x + y */ return 1; // z\n } }");
        assert_eq!(a.functions[0].halstead, b.functions[0].halstead);
    }
}
