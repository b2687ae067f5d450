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
//! * **primitive types** are operators, as the keywords most of them are, in every grammar that
//!   marks them: Java `int`, `long`, `double`, ... (anonymous tokens), TypeScript `number`,
//!   `string`, `boolean`, `void`, `any`, ... (`predefined_type`'s tokens), PHP `string`, `int`,
//!   `float`, `bool`, `array`, `void`, `mixed`, `iterable`, `callable`, `null`, `false`, `true`
//!   (`primitive_type`'s tokens); and the named leaves listed by each rule set's
//!   `type_keywords`: Java `boolean_type`, `void_type`; C# `predefined_type` (`int`, `string`,
//!   `object`, ...); C and C++ `primitive_type`; Rust `primitive_type` (`i32`, `bool`, `str`);
//!   PHP `cast_type` (`(int)`) and `bottom_type` (`never`). A named type keyword is the same
//!   operator as the grammar's anonymous token of that text (lower-cased: PHP's `(INT)` is its
//!   `int`), else told apart by its text (C# `int` ≠ `string`). Types the language names by
//!   ordinary identifiers stay operands like every type name: Go's predeclared `int`, `string`,
//!   `error`; Kotlin, Scala and Swift `Int`, `String`; Python `int`; Java `String`; and PHP
//!   `object`, `self`, `static` (the grammar parses them as class names, `named_type`). Atoms are
//!   named node kinds only: PHP's and TypeScript's `string` type keyword is an anonymous token
//!   sharing the name of their string literal node, and is an operator.
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
    /// Operators told apart by their text (type keywords without an anonymous token of their own).
    text_operators: Vec<u64>,
    operands: Vec<u64>,
}

impl TokenSink {
    pub fn operator(&mut self, kind: u16) {
        self.operators.push(kind);
    }

    /// An operator identified by the hash of its (lower-case) text.
    pub fn operator_text(&mut self, hash: u64) {
        self.text_operators.push(hash);
    }

    pub fn operand(&mut self, text: &[u8]) {
        self.operands.push(fnv1a(text));
    }

    pub fn finish(mut self) -> Halstead {
        let total_operators = (self.operators.len() + self.text_operators.len()) as u32;
        let total_operands = self.operands.len() as u32;
        self.operators.sort_unstable();
        self.operators.dedup();
        self.text_operators.sort_unstable();
        self.text_operators.dedup();
        self.operands.sort_unstable();
        self.operands.dedup();
        let distinct_operators = (self.operators.len() + self.text_operators.len()) as u32;
        Halstead::from_counts(distinct_operators, self.operands.len() as u32, total_operators, total_operands)
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

/// [`fnv1a`] of the ASCII-lower-cased bytes (PHP's type keywords are case-insensitive).
pub(crate) fn fnv1a_lowercase(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= b.to_ascii_lowercase() as u64;
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

    fn counts(lang: Language, src: &str) -> Vec<(u32, u32, u32, u32)> {
        let m = analyze_source(lang, src.as_bytes());
        m.functions.iter().map(|f| (f.halstead.n1, f.halstead.n2, f.halstead.total_operators, f.halstead.total_operands)).collect()
    }

    /// Regression: PHP's `string` type keyword has the kind name of PHP's string literal node (an
    /// atom), so it was counted as an operand while `int` was an operator; `f` gave
    /// (n1, n2, N1, N2) = (7, 3, 8, 5).
    #[test]
    fn php_type_keywords_are_operators() {
        // f: operators function ( string $ : string { return $ ; → N1 = 10 (closing brackets are
        //    part of their pair), distinct {function, (, string, $, :, {, return, ;} = 8;
        //    operands f s s → N2 = 3, distinct {f, s} = 2.
        // g: operators function ( int $ , ? float $ , bool | array $ , mixed $ : void { $ = ( INT $ ;
        //    → N1 = 25; the cast's `INT` is the keyword `int` (case-insensitive, one operator), so
        //    distinct {function, (, int, $, ",", ?, float, bool, |, array, mixed, :, void, {, =, ;} = 16;
        //    operands g a b c d e b → N2 = 7, distinct 6.
        // h: operators function ( : never { → 5, distinct 5; operand h → 1, 1.
        let src = "<?php\nfunction f(string $s): string { return $s; }\nfunction g(int $a, ?float $b, bool|array $c, mixed $d): void { $e = (INT) $b; }\nfunction h(): never { }\n";
        assert_eq!(counts(Language::Php, src), vec![(8, 2, 10, 3), (16, 6, 25, 7), (5, 1, 5, 1)]);
    }

    /// Primitive types are operators in every grammar that marks them, whether as anonymous tokens
    /// (Java `int`, TypeScript `number`) or named leaves (Java `boolean_type`/`void_type`, C#
    /// `predefined_type`, C `primitive_type`); type names that are identifiers (Go's `int`) are
    /// operands.
    #[test]
    fn primitive_types_are_operators_type_names_operands() {
        // operators void int boolean ( , { = 6 (6 distinct); operands f a b = 3
        assert_eq!(counts(Language::Java, "class A { void f(int a, boolean b) { } }"), vec![(6, 3, 6, 3)]);
        // operators void int string ( , { = 6; operands f a b = 3 (`int` and `string` are two operators)
        assert_eq!(counts(Language::CSharp, "class A { void f(int a, string b) { } }"), vec![(6, 3, 6, 3)]);
        // operators function ( : number , : string : void { = 10, distinct 8; operands f a b = 3
        // (`string` was an operand, as in PHP)
        assert_eq!(counts(Language::TypeScript, "function f(a: number, b: string): void { }"), vec![(8, 3, 10, 3)]);
        // operators int ( int , char { return ; = 8, distinct 7; operands f a b 1 = 4
        assert_eq!(counts(Language::C, "int f(int a, char b) { return 1; }"), vec![(7, 4, 8, 4)]);
        // operators func ( , { return = 5; operands f a int b string bool true = 7
        assert_eq!(counts(Language::Go, "package p\nfunc f(a int, b string) bool { return true }\n"), vec![(5, 7, 5, 7)]);
    }

    #[test]
    fn comments_are_not_tokens() {
        let a = analyze_source(Language::Java, b"class A { int f() { return 1; } }");
        let b = analyze_source(Language::Java, b"class A { int f() { /* x + y */ return 1; // z\n } }");
        assert_eq!(a.functions[0].halstead, b.functions[0].halstead);
    }
}
