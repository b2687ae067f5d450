//! The rules on the syntax tree: empty and catch-all handlers, nested ternaries, switches without
//! a default, boolean flag parameters, unreachable statements and magic numbers. One pre-order
//! pass over the tree; each rule looks at the node kinds of its languages (tables below, written
//! from the grammars' `node-types.json`).

use lang::tree_sitter::Node;
use lang::Language;

use crate::{line_of, text, Settings, Sink};

/// The syntax rules of one file, fed every node by the file's one pre-order pass (`lib.rs`).
pub(crate) struct Syntax {
    lang: Language,
    empty_catch: bool,
    catch_all: bool,
    ternary: bool,
    switch: bool,
    flags: bool,
    unreachable: bool,
    numbers: bool,
}

impl Syntax {
    pub(crate) fn new(lang: Language, settings: &Settings<'_>) -> Syntax {
        let on = |id: &str| settings.on(id) && crate::rule(id).map_or(false, |r| r.languages.contains(&lang.name()));
        Syntax {
            lang,
            empty_catch: on("empty-catch"),
            catch_all: on("catch-all"),
            ternary: on("nested-ternary"),
            switch: on("switch-without-default"),
            flags: on("boolean-flag-parameter"),
            unreachable: on("unreachable-code"),
            numbers: on("magic-number"),
        }
    }

    /// `node` of kind `kind`, one of those the rules [look at](looks_at).
    pub(crate) fn visit(&self, node: Node<'_>, kind: &str, source: &[u8], out: &mut Sink<'_>) {
        let lang = self.lang;
        if (self.empty_catch || self.catch_all) && is_handler(lang, kind) {
            handler(lang, node, source, self.empty_catch, self.catch_all, out);
        }
        if self.ternary && is_ternary(lang, kind) {
            nested_ternary(lang, node, out);
        }
        if self.switch && is_switch(lang, node, kind) && !has_default(lang, node, source) {
            out.add("switch-without-default", line_of(node), line_of(node), "switch without a default branch".into());
        }
        if self.flags && is_parameter(lang, kind) {
            flag_parameter(lang, node, source, out);
        }
        if self.unreachable && is_statement_list(lang, kind) {
            unreachable_after_jump(lang, node, source, out);
        }
        if self.numbers && is_number(lang, kind) && node.is_named() {
            magic_number(lang, node, source, out);
        }
    }
}

/// Whether a rule looks at nodes of `kind` in `lang` (any node for which [`Syntax::visit`] can
/// report): the kinds of handlers, conditionals, switches, parameters, statement lists, numbers.
pub(crate) fn looks_at(lang: Language, kind: &str) -> bool {
    is_handler(lang, kind) || is_ternary(lang, kind) || switch_kind(lang, kind) || is_parameter(lang, kind) || is_statement_list(lang, kind) || is_number(lang, kind)
}

fn is_handler(lang: Language, kind: &str) -> bool {
    match lang {
        Language::Python => kind == "except_clause",
        Language::Kotlin => kind == "catch_block",
        Language::Ruby => kind == "rescue",
        _ => kind == "catch_clause",
    }
}

/// The handler's body: the `body` field, else its last block-like child.
fn handler_body<'t>(lang: Language, node: Node<'t>) -> Option<Node<'t>> {
    if let Some(body) = node.child_by_field_name("body") {
        return Some(body);
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    match lang {
        Language::Python => children.into_iter().rev().find(|c| c.kind() == "block"),
        Language::Kotlin => children.into_iter().find(|c| c.kind() == "statements"),
        Language::Ruby => children.into_iter().find(|c| c.kind() == "then"),
        _ => children.into_iter().rev().find(|c| c.kind().contains("block") || c.kind().contains("statement")),
    }
}

fn is_comment(node: Node<'_>) -> bool {
    node.kind().contains("comment")
}

fn handler(lang: Language, node: Node<'_>, source: &[u8], empty_catch: bool, catch_all: bool, out: &mut Sink<'_>) {
    if empty_catch {
        let body = handler_body(lang, node);
        let empty = match body {
            None => true,
            Some(body) => {
                let mut cursor = body.walk();
                let statements: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
                match lang {
                    // ESLint no-empty: a comment makes the block non-empty
                    Language::JavaScript | Language::TypeScript | Language::Tsx => statements.is_empty(),
                    Language::Python => statements.iter().all(|s| is_comment(*s) || s.kind() == "pass_statement"),
                    // PMD EmptyCatchBlock (allowCommentedBlocks false): comments do not count
                    _ => statements.iter().all(|s| is_comment(*s)),
                }
            }
        };
        if empty {
            out.at("empty-catch", node, "empty exception handler: the error is swallowed".into());
        }
    }
    if catch_all {
        if let Some(what) = catches_everything(lang, node, source) {
            out.add("catch-all", line_of(node), line_of(node), format!("handler catches {what}"));
        }
    }
}

/// What a handler catches when that is everything (or nearly), else `None`.
fn catches_everything(lang: Language, node: Node<'_>, source: &[u8]) -> Option<String> {
    let head = handler_head(lang, node, source);
    let names: Vec<String> = head
        .split(|c: char| c == '|' || c == ',' || c == '(' || c == ')' || c.is_whitespace())
        .map(|w| w.trim_start_matches('\\').trim_start_matches("java.lang.").trim_start_matches("System.").to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let broad: &[&str] = match lang {
        Language::Java => &["Exception", "RuntimeException", "Throwable"],
        Language::Python => &["Exception", "BaseException"],
        Language::CSharp => &["Exception"],
        Language::Php | Language::Kotlin => &["Exception", "Throwable"],
        Language::Ruby => &["Exception"],
        _ => &[],
    };
    if let Some(b) = names.iter().find(|n| broad.contains(&n.as_str())) {
        return Some(format!("`{b}`"));
    }
    let bare = match lang {
        Language::Python => node.named_child(0).map_or(true, |c| c.kind() == "block" || is_comment(c)),
        Language::CSharp => !has_child_kind(node, "catch_declaration"),
        Language::Cpp => head.replace(char::is_whitespace, "") == "(...)",
        _ => false,
    };
    bare.then(|| "everything (no exception type)".to_string())
}

/// The text between the handler's keyword and its body (the caught types and the variable).
fn handler_head(lang: Language, node: Node<'_>, source: &[u8]) -> String {
    let end = handler_body(lang, node).map_or(node.end_byte(), |b| b.start_byte());
    let start = node.start_byte();
    let head = std::str::from_utf8(&source[start..end.max(start)]).unwrap_or("");
    let head = head.trim_start();
    let keyword = ["catch", "except", "rescue"].into_iter().find(|k| head.starts_with(k)).map_or(0, str::len);
    let rest = &head[keyword..];
    // `except ValueError as e:` / `catch (E e)`: the variable is no type name but cannot match one
    rest.trim().trim_end_matches(':').to_string()
}

fn has_child_kind(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).any(|c| c.kind() == kind);
    found
}

fn is_ternary(lang: Language, kind: &str) -> bool {
    match lang {
        Language::Java | Language::JavaScript | Language::TypeScript | Language::Tsx | Language::Swift => kind == "ternary_expression",
        Language::C | Language::Cpp | Language::CSharp | Language::Php | Language::Python => kind == "conditional_expression",
        _ => false,
    }
}

/// ESLint no-nested-ternary: a conditional whose consequent or alternate is a conditional
/// (through parentheses); a conditional in the test position is not reported.
fn nested_ternary(lang: Language, node: Node<'_>, out: &mut Sink<'_>) {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).filter(|c| !is_comment(*c)).collect();
    let condition = node.child_by_field_name("condition").map(|c| c.id()).or_else(|| {
        let i = if lang == Language::Python { 1 } else { 0 };
        children.get(i).map(|c| c.id())
    });
    let nested = children.iter().filter(|c| Some(c.id()) != condition).any(|c| {
        let mut inner = *c;
        while inner.kind() == "parenthesized_expression" && inner.named_child_count() == 1 {
            inner = inner.named_child(0).expect("one child");
        }
        is_ternary(lang, inner.kind())
    });
    if nested {
        out.at("nested-ternary", node, "nested conditional expression".into());
    }
}

fn is_switch(lang: Language, node: Node<'_>, kind: &str) -> bool {
    // a Java switch expression (a value) must be exhaustive: the compiler checks it
    switch_kind(lang, kind)
        && (lang != Language::Java
            || node.parent().map_or(false, |p| matches!(p.kind(), "block" | "switch_block_statement_group" | "labeled_statement" | "program" | "switch_rule")))
}

fn switch_kind(lang: Language, kind: &str) -> bool {
    match lang {
        Language::Java => kind == "switch_expression",
        Language::Go => matches!(kind, "expression_switch_statement" | "type_switch_statement"),
        Language::JavaScript | Language::TypeScript | Language::Tsx | Language::C | Language::Cpp | Language::CSharp | Language::Php => kind == "switch_statement",
        _ => false,
    }
}

/// Whether a switch has a default branch (not looking into nested switches).
fn has_default(lang: Language, node: Node<'_>, source: &[u8]) -> bool {
    let body = node.child_by_field_name("body").unwrap_or(node);
    let mut cursor = body.walk();
    let children: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
    let mut found = children.iter().any(|c| {
        let k = c.kind();
        k == "switch_default" || k == "default_case" || k == "default_statement" || k == "default_switch_label"
            || ((k == "switch_block_statement_group" || k == "switch_rule" || k == "case_statement" || k == "switch_section")
                && label_is_default(*c, source))
    });
    if !found && matches!(lang, Language::JavaScript | Language::TypeScript | Language::Tsx) {
        // ESLint default-case: the switch's last comment reads `no default` (commentPattern
        // /^no default$/i); tree-sitter hangs a comment after the last case inside that case
        let mut last_comment = children.iter().rev().find(|c| is_comment(**c)).copied();
        if let Some(case) = children.iter().rev().find(|c| !is_comment(**c)) {
            let mut inner = case.walk();
            let in_case = case.named_children(&mut inner).filter(|c| is_comment(*c)).last();
            if in_case.map_or(false, |c| last_comment.map_or(true, |l| c.start_byte() > l.start_byte())) {
                last_comment = in_case;
            }
        }
        found = last_comment.map_or(false, |c| comment_body(text(c, source)).eq_ignore_ascii_case("no default"));
    }
    found
}

fn label_is_default(node: Node<'_>, source: &[u8]) -> bool {
    let mut cursor = node.walk();
    let labels: Vec<Node<'_>> = node.children(&mut cursor).collect();
    if text(node, source).trim_start().starts_with("default") {
        return true;
    }
    labels.iter().any(|l| (l.kind().contains("label") || l.kind() == "default") && text(*l, source).trim_start().starts_with("default"))
}

pub(crate) fn comment_body(comment: &str) -> &str {
    let t = comment.trim();
    let t = t.strip_prefix("//").or_else(|| t.strip_prefix("/*").map(|r| r.strip_suffix("*/").unwrap_or(r))).or_else(|| t.strip_prefix('#')).unwrap_or(t);
    t.trim()
}

fn is_parameter(lang: Language, kind: &str) -> bool {
    match lang {
        Language::Java => kind == "formal_parameter",
        Language::JavaScript => kind == "assignment_pattern",
        Language::TypeScript | Language::Tsx => matches!(kind, "required_parameter" | "optional_parameter"),
        Language::Python => matches!(kind, "typed_parameter" | "typed_default_parameter" | "default_parameter"),
        Language::C | Language::Cpp | Language::Go => kind == "parameter_declaration",
        Language::CSharp | Language::Rust | Language::Kotlin | Language::Swift | Language::Scala => kind == "parameter",
        Language::Php => kind == "simple_parameter",
        _ => false,
    }
}

const BOOLEAN_TYPES: &[&str] = &["boolean", "bool", "Boolean", "Bool", "_Bool", "?bool", "Boolean?", "Bool?"];

fn flag_parameter(lang: Language, node: Node<'_>, source: &[u8], out: &mut Sink<'_>) {
    if lang == Language::JavaScript && !node.parent().map_or(false, |p| p.kind() == "formal_parameters") {
        return; // a destructuring default, not a parameter
    }
    let typed = node.child_by_field_name("type").or_else(|| match lang {
        Language::Kotlin | Language::Swift | Language::Scala => {
            let mut cursor = node.walk();
            let last = node.named_children(&mut cursor).filter(|c| c.kind().contains("type")).last();
            last
        }
        _ => None,
    });
    let type_text = typed.map(|t| text(t, source).trim().trim_start_matches(':').trim().to_string()).unwrap_or_default();
    let default = node.child_by_field_name("value").or_else(|| node.child_by_field_name("right")).or_else(|| node.child_by_field_name("default_value"));
    let default_text = default.map(|d| text(d, source).trim()).unwrap_or("");
    let boolean_default = matches!(default_text, "true" | "false" | "True" | "False");
    if BOOLEAN_TYPES.contains(&type_text.as_str()) || (type_text.is_empty() && boolean_default) {
        let name = node
            .child_by_field_name("name")
            .or_else(|| node.child_by_field_name("pattern"))
            .or_else(|| node.child_by_field_name("left"))
            .or_else(|| node.child_by_field_name("declarator"))
            .or_else(|| node.named_child(0))
            .map(|n| text(n, source).to_string())
            .unwrap_or_default();
        out.at("boolean-flag-parameter", node, format!("boolean flag parameter `{name}`"));
    }
}

fn is_statement_list(lang: Language, kind: &str) -> bool {
    match lang {
        Language::Java => matches!(kind, "block" | "switch_block_statement_group"),
        Language::JavaScript | Language::TypeScript | Language::Tsx => matches!(kind, "statement_block" | "switch_case" | "switch_default"),
        Language::Python | Language::CSharp | Language::Rust => kind == "block",
        Language::Go => matches!(kind, "block" | "statement_list"),
        Language::C | Language::Cpp | Language::Php => matches!(kind, "compound_statement" | "case_statement"),
        Language::Kotlin => kind == "statements",
        _ => false,
    }
}

/// The jump a statement is, if it is one (`return`, `throw`, `raise`, `break`, `continue`, Go's
/// `goto`; Rust's and PHP's as expression statements).
fn jump(lang: Language, node: Node<'_>) -> Option<&'static str> {
    let mut kind = node.kind();
    if matches!(lang, Language::Rust | Language::Php) && kind == "expression_statement" {
        kind = node.named_child(0).map(|c| c.kind()).unwrap_or("");
    }
    if lang == Language::Kotlin && kind == "jump_expression" {
        return Some("jump");
    }
    Some(match kind {
        "return_statement" | "return_expression" => "return",
        "throw_statement" | "throw_expression" | "raise_statement" => "throw",
        "break_statement" | "break_expression" => "break",
        "continue_statement" | "continue_expression" => "continue",
        "goto_statement" => "goto",
        _ => return None,
    })
}

/// ESLint no-unreachable: the statements after a jump in the same list, one finding from the
/// first to the last; hoisted declarations (JS functions, `var` without initializer) and labels
/// (reachable by `goto`) are not statements that run in order.
fn unreachable_after_jump(lang: Language, node: Node<'_>, source: &[u8], out: &mut Sink<'_>) {
    let mut cursor = node.walk();
    let statements: Vec<Node<'_>> = node.named_children(&mut cursor).filter(|c| !is_comment(*c)).collect();
    let Some(at) = statements.iter().position(|s| jump(lang, *s).is_some()) else { return };
    let what = jump(lang, statements[at]).unwrap_or("jump");
    let skippable = |s: &Node<'_>| {
        let k = s.kind();
        let js = matches!(lang, Language::JavaScript | Language::TypeScript | Language::Tsx);
        (js && (k == "function_declaration" || k == "generator_function_declaration" || (k == "variable_declaration" && !text(*s, source).contains('='))))
            || k.contains("label")
            || k == "switch_label"
            // in a switch group, the labels come first and statements after
            || (lang == Language::Rust && k == "empty_statement")
    };
    let dead: Vec<&Node<'_>> = statements[at + 1..].iter().filter(|s| !skippable(s)).collect();
    if let (Some(first), Some(last)) = (dead.first(), dead.last()) {
        // Rust: a block's tail expression after `return x;` is dead too; a `}` is not a statement
        out.add("unreachable-code", line_of(**first), crate::end_line_of(**last), format!("unreachable code after `{what}`"));
    }
}

fn is_number(lang: Language, kind: &str) -> bool {
    match lang {
        Language::Java => kind.ends_with("integer_literal") || kind.ends_with("floating_point_literal"),
        Language::JavaScript | Language::TypeScript | Language::Tsx => kind == "number",
        Language::Python | Language::Php | Language::Ruby => matches!(kind, "integer" | "float"),
        Language::C | Language::Cpp => kind == "number_literal",
        Language::CSharp => matches!(kind, "integer_literal" | "real_literal"),
        Language::Go => matches!(kind, "int_literal" | "float_literal"),
        Language::Rust => matches!(kind, "integer_literal" | "float_literal"),
        Language::Kotlin => matches!(kind, "integer_literal" | "real_literal" | "long_literal" | "hex_literal" | "bin_literal"),
        Language::Swift => matches!(kind, "integer_literal" | "real_literal" | "hex_literal"),
        Language::Scala => matches!(kind, "integer_literal" | "floating_point_literal"),
        _ => false,
    }
}

/// Parent kinds where a number is named or declared, not magic (ESLint's VariableDeclarator,
/// AssignmentExpression, object property and class field; annotations, enums, constants).
const NAMING_PARENTS: &[&str] = &[
    "variable_declarator", "assignment_expression", "augmented_assignment_expression", "assignment", "augmented_assignment",
    "pair", "public_field_definition", "field_definition", "property_declaration", "enum_assignment", "enum_constant", "enum_member_declaration",
    "element_value_pair", "annotation_argument_list", "attribute_argument", "init_declarator", "equals_value_clause", "const_spec", "var_spec",
    "short_var_declaration", "assignment_statement", "let_declaration", "const_item", "static_item", "const_declaration", "const_element",
    "property_element", "enumerator", "keyword_argument", "variable_declaration", "val_definition", "var_definition", "static_variable_declaration",
    "enum_variant", "attribute_item",
];

fn magic_number(lang: Language, node: Node<'_>, source: &[u8], out: &mut Sink<'_>) {
    let mut value_node = node;
    let mut parent = node.parent();
    // `-1`: the sign belongs to the number (ESLint checks the unary expression's parent)
    while let Some(p) = parent {
        let signed = matches!(p.kind(), "unary_expression" | "unary_op" | "prefix_expression" | "unary_minus_expression")
            && text(p, source).trim_start().starts_with('-');
        if signed || p.kind() == "parenthesized_expression" {
            value_node = p;
            parent = p.parent();
        } else {
            break;
        }
    }
    let raw = text(value_node, source).replace(['(', ')', ' '], "");
    if let Some(v) = number_value(&raw) {
        if [-1.0, 0.0, 1.0, 2.0].contains(&v) {
            return;
        }
    }
    // Go: `const x = 5`, `x := 5`: the literal sits in an expression list under the spec
    let holder = match parent {
        Some(p) if lang == Language::Go && p.kind() == "expression_list" => p.parent(),
        other => other,
    };
    let named = holder.map_or(false, |p| NAMING_PARENTS.contains(&p.kind()));
    if !named {
        out.at("magic-number", node, format!("magic number {raw}"));
    }
}

/// The value of a numeric literal as written (`0x10`, `1_000`, `2L`, `3.0f`, `-1`); `None` when
/// it cannot be read.
fn number_value(raw: &str) -> Option<f64> {
    let (negative, s) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw),
    };
    let s = s.replace(['_', '\''], "");
    let lower = s.to_ascii_lowercase();
    let v = if let Some(hex) = lower.strip_prefix("0x") {
        u64::from_str_radix(hex.trim_end_matches(|c: char| c == 'l' || c == 'u'), 16).ok()? as f64
    } else if let Some(bin) = lower.strip_prefix("0b") {
        u64::from_str_radix(bin.trim_end_matches(|c: char| c == 'l' || c == 'u'), 2).ok()? as f64
    } else {
        let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic() && c != 'e');
        let digits = digits.trim_end_matches(|c: char| matches!(c, 'f' | 'd' | 'l' | 'u' | 'm' | 'n'));
        digits.parse::<f64>().ok()?
    };
    Some(if negative { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_written() {
        assert_eq!(number_value("0x10"), Some(16.0));
        assert_eq!(number_value("1_000"), Some(1000.0));
        assert_eq!(number_value("2L"), Some(2.0));
        assert_eq!(number_value("-1"), Some(-1.0));
        assert_eq!(number_value("3.5f"), Some(3.5));
        assert_eq!(number_value("1e3"), Some(1000.0));
    }
}
