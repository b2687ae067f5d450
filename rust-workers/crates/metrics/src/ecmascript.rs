//! JavaScript / TypeScript cyclomatic complexity as ESLint's `complexity` rule (classic variant)
//! computes it.
//!
//! Every function is its own record: declarations, expressions, generators, arrows, methods,
//! getters/setters; also every class-field initializer (a field with a value, kind
//! `class-field-initializer`, reported at the value) and every class static block. A nested
//! function's decisions belong to it alone; top-level code is never reported. Each record is
//! `1` plus one per `if`, `?:`, `&&`, `||`, `??` (anywhere, not only in conditions), `&&=`,
//! `||=`, `??=`, `for`, `for…in`, `for…of`, `while`, `do…while`, `catch`, `case X:` (not
//! `default`), default value (parameter and destructuring defaults; TS parameter properties
//! too), optional member access `?.` and optional call `?.()`.
//! Not counted: `else`, `try`, `finally`, `switch`, `break`/`continue`, `return`, `throw`, TS
//! `!`/`as`/`satisfies`, optional parameters. TS bodiless overloads, abstract methods and
//! interface members are not functions (they have other node types) and are not reported.
//!
//! Reported position (ESLint's function head): for methods, object properties and class fields
//! holding a function, the start of the property (after decorators); for other arrows, the
//! `=>` token; otherwise the start of the function (`async`/`function`).
//!
//! **Cognitive complexity** as SonarJS computes it (eslint-plugin-sonarjs 4.2.2 rule
//! `cognitive-complexity`, S3776; 99.9% of the functions of the pinned JS/TS corpus agree): each
//! function's **own** complexity (a nested function's increments are its own, nesting counts
//! only the function's own control flow): `+1 + nesting` for `if` (not `else if`), `?:`,
//! `switch`, loops and `catch`; `+1` for `else`/`else if` and a labeled `break`/`continue`; in a
//! maximal `&&`/`||`/`??` expression (parentheses transparent), `+1` for each `&&` not preceded
//! by `&&` (SonarJS counts neither `||` nor `??`, and ignores `cond && <Jsx/>` in JSX). Nesting
//! rises in the branches of `if`/`?:`, loop bodies, `switch` bodies and `catch` bodies, not in
//! conditions. Quirk replicated: a `?:` branch that is itself a function leaves the enclosing
//! function one level deeper for the rest of its body (SonarJS's enter/exit handlers disagree).
//!
//! **Logical lines**: statements (`…_statement` but blocks and empty statements, `export`
//! wrappers not counted twice), declarations (`let`/`const`/`var`, functions, classes, methods,
//! fields), `case`/`default`, `else`, `catch`, `finally`. **Nesting**: `if` (else-if chains are
//! one level), loops, `switch`, `try`. **ABC**: A = assignments (plain, compound, logical),
//! `++`/`--`, initialized declarators; B = calls and `new`; C = comparisons (`==`, `!=`, `===`,
//! `!==`, `<`, `>`, `<=`, `>=`), `else`, `case`, `default`, `try`, `catch`, `?:`.
//! **nargs**: declared parameters (destructuring patterns count one each, rest parameters one).
//! **nexits**: `return` statements, plus one for an arrow with an expression body.

use lang::tree_sitter::Node;

use crate::walk::{count_named_children, operator, Context, Visitor, NodeExt};

const ATOMS: &[&str] = &["string", "template_string", "regex"];

pub(crate) struct Eslint;

fn logical_operator(n: Node<'_>) -> Option<&'static str> {
    if n.kind() != "binary_expression" {
        return None;
    }
    operator(n).filter(|o| matches!(*o, "&&" | "||" | "??"))
}

impl<'t> Visitor<'t> for Eslint {
    fn atoms(&self) -> &'static [&'static str] {
        ATOMS
    }

    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        let parent = cx.parent();
        let parent_kind = parent.map(|p| cx.kind(p)).unwrap_or("");
        // A class field's value is an implicit function of its own.
        if let Some(parent) = parent {
            if matches!(parent_kind, "field_definition" | "public_field_definition")
                && parent.field("value").map(|v| v.id()) == Some(node.id())
            {
                let name = field_name(parent, cx);
                let (line, column) = eslint_position(cx.source, node);
                let i = cx.open_function_at(node, name, "class-field-initializer", line, column);
                cx.functions[i].class_index = None;
            }
            // SonarJS nests the branches and bodies of control structures, not their conditions.
            let nested_field = match parent_kind {
                "if_statement" => Some("consequence"),
                "for_statement" | "for_in_statement" | "while_statement" | "do_statement" | "switch_statement"
                | "catch_clause" => Some("body"),
                _ => None,
            };
            let is_nested_child = match nested_field {
                Some(field) => parent.field(field).map(|c| c.id()) == Some(node.id()),
                None => {
                    parent_kind == "ternary_expression"
                        && ["consequence", "alternative"]
                            .iter()
                            .any(|f| parent.field(f).map(|c| c.id()) == Some(node.id()))
                }
            };
            if is_nested_child {
                if matches!(cx.kind(node), "function_expression" | "arrow_function" | "generator_function" | "function") {
                    cx.cognitive_leak_nesting();
                } else {
                    cx.push_cognitive_nesting(node);
                }
            }
        }
        if !node.is_named() {
            // Keyword tokens can share a node's kind name: the `class` keyword of every class
            // declaration is a token named `class`, like the class expression node (TypeScript's
            // `module`, `string`, ... too); only named nodes are the syntax the rules below mean.
            return;
        }
        let kind = cx.kind(node);
        if kind.ends_with("_statement") && !matches!(kind, "statement_block" | "empty_statement" | "export_statement") {
            cx.logical(node, 1, true);
        }
        match kind {
            "function_declaration" | "function_expression" | "generator_function_declaration"
            | "generator_function" | "arrow_function" | "method_definition" => {
                let (name, fkind) = function_name(node, cx);
                let head = eslint_position(cx.source, head_node(node));
                let i = cx.open_function_at(node, name, fkind, head.0, head.1);
                cx.functions[i].nargs = parameter_count(node);
                if kind == "method_definition" {
                    cx.functions[i].public = is_public_member(node, "name");
                } else if cx.functions[i].class_index.is_some() {
                    cx.functions[i].class_index = None;
                }
                if kind == "arrow_function" && node.field("body").map(|b| b.kind() != "statement_block").unwrap_or(false) {
                    cx.exit_point();
                }
                if kind != "function_expression" && kind != "arrow_function" && kind != "generator_function" {
                    cx.logical(node, 1, true);
                }
            }
            "class_static_block" => {
                let (line, column) = eslint_position(cx.source, node);
                let i = cx.open_function_at(node, "static".to_string(), "class-static-block", line, column);
                cx.functions[i].class_index = None;
            }
            "class_declaration" | "abstract_class_declaration" | "class" => {
                let name = cx.field_text(node, "name");
                if let Some(name) = &name {
                    cx.push_name(node, name.clone());
                }
                let at = node.field("name").unwrap_or(node);
                cx.open_class(node, name.unwrap_or_else(|| "<anonymous>".to_string()), "class", at);
                if kind != "class" {
                    cx.logical(node, 1, true);
                }
            }
            "field_definition" | "public_field_definition" => {
                cx.logical(node, 1, true);
                if let Some(class) = cx.current_class() {
                    let field = if kind == "field_definition" { "property" } else { "name" };
                    cx.classes[class].add_attribute(None, is_public_member(node, field));
                }
            }
            "lexical_declaration" | "variable_declaration" | "switch_case" | "switch_default" | "else_clause"
            | "catch_clause" | "finally_clause" => {
                if !(kind == "lexical_declaration" && parent_kind == "for_statement") {
                    cx.logical(node, 1, true);
                }
            }
            _ => {}
        }
        match kind {
            "if_statement" => {
                cx.add(1);
                if !is_else_if(node, parent_kind) {
                    cx.cognitive_structural_own();
                    cx.push_depth(node);
                }
            }
            "else_clause" => {
                cx.cognitive_add_own(1);
                cx.abc(0, 0, 1);
                let chained = node.named_child(0).map(|c| c.kind() == "if_statement").unwrap_or(false);
                if !chained {
                    cx.push_cognitive_nesting(node);
                }
            }
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
                cx.add(1);
                cx.cognitive_structural_own();
                cx.push_depth(node);
            }
            "switch_statement" => {
                cx.cognitive_structural_own();
                cx.push_depth(node);
            }
            "try_statement" => {
                cx.push_depth(node);
                cx.abc(0, 0, 1);
            }
            "catch_clause" | "ternary_expression" => {
                cx.add(1);
                cx.cognitive_structural_own();
                cx.abc(0, 0, 1);
            }
            "switch_case" => {
                cx.add(1);
                cx.abc(0, 0, 1);
            }
            "switch_default" => cx.abc(0, 0, 1),
            "assignment_pattern" | "object_assignment_pattern" | "optional_chain" => cx.add(1),
            "binary_expression" => match operator(node) {
                Some("&&" | "||" | "??") => {
                    cx.add(1);
                    let outer = cx.parent_skipping_parentheses();
                    if outer.and_then(logical_operator).is_none() && !is_jsx_short_circuit(node, outer) {
                        cx.cognitive_add_own(and_runs(node));
                    }
                }
                Some("==" | "!=" | "===" | "!==" | "<" | ">" | "<=" | ">=") => cx.abc(0, 0, 1),
                _ => {}
            },
            "augmented_assignment_expression" => {
                if matches!(operator(node), Some("&&=") | Some("||=") | Some("??=")) {
                    cx.add(1);
                }
                cx.abc(1, 0, 0);
            }
            "assignment_expression" | "update_expression" => cx.abc(1, 0, 0),
            "variable_declarator" => {
                if node.field("value").is_some() {
                    cx.abc(1, 0, 0);
                }
            }
            "call_expression" | "new_expression" => {
                // JavaScript's grammar wraps `?.` of an optional call in an `optional_chain` node
                // (counted above); TypeScript's leaves a bare `?.` token in the call: `a?.(1)`.
                if has_child(node, "?.") {
                    cx.add(1);
                }
                cx.abc(0, 1, 0);
            }
            "return_statement" => cx.exit_point(),
            "break_statement" | "continue_statement" => {
                if node.field("label").is_some() || has_child(node, "statement_identifier") {
                    cx.cognitive_add_own(1);
                }
            }
            // TS parameters carry their default in a `value` field instead of an assignment_pattern.
            "required_parameter" | "optional_parameter" => {
                if node.field("value").is_some() {
                    cx.add(1);
                }
            }
            _ => {}
        }
    }
}

/// SonarJS: in the flattened, left-to-right operators of a maximal logical expression
/// (parentheses transparent), `+1` for each `&&` not preceded by `&&`; `||` and `??` count nothing.
fn and_runs(node: Node<'_>) -> u32 {
    let mut ops: Vec<&'static str> = Vec::new();
    let mut stack = vec![(node, false)];
    while let Some((n, expanded)) = stack.pop() {
        let mut n = n;
        while n.kind() == "parenthesized_expression" && n.named_child_count() == 1 {
            n = n.named_child(0).unwrap();
        }
        let Some(op) = logical_operator(n) else { continue };
        match (expanded, n.field("left"), n.field("right")) {
            (false, Some(l), Some(r)) => {
                stack.push((r, false));
                stack.push((n, true));
                stack.push((l, false));
            }
            _ => ops.push(op),
        }
    }
    let mut runs = 0;
    let mut previous = None;
    for op in ops {
        if op == "&&" && previous != Some("&&") {
            runs += 1;
        }
        previous = Some(op);
    }
    runs
}

/// `{cond && <Jsx/>}`: SonarJS does not count a logical expression that only guards JSX.
fn is_jsx_short_circuit(node: Node<'_>, outer: Option<Node<'_>>) -> bool {
    let in_jsx = outer.map(|p| p.kind() == "jsx_expression").unwrap_or(false);
    let right_is_jsx = node
        .field("right")
        .map(|mut r| {
            while r.kind() == "parenthesized_expression" && r.named_child_count() == 1 {
                r = r.named_child(0).unwrap();
            }
            matches!(r.kind(), "jsx_element" | "jsx_self_closing_element" | "jsx_fragment")
        })
        .unwrap_or(false);
    in_jsx && right_is_jsx
}

fn has_child(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| c.kind() == kind);
    found
}

/// An `if` that is the whole `else` branch of another `if`.
fn is_else_if(_node: Node<'_>, parent_kind: &str) -> bool {
    parent_kind == "else_clause"
}

/// Declared parameters of a function.
fn parameter_count(function: Node<'_>) -> u32 {
    if function.field("parameter").is_some() {
        return 1; // `x => …`
    }
    function.field("parameters").map(|p| count_named_children(p, &["comment"])).unwrap_or(0)
}

/// Not a `#private` name and no TS `private`/`protected` modifier.
fn is_public_member(member: Node<'_>, name_field: &'static str) -> bool {
    if member.field(name_field).map(|n| n.kind() == "private_property_identifier").unwrap_or(false) {
        return false;
    }
    let mut cursor = member.walk();
    let hidden = member.children(&mut cursor).any(|c| {
        c.kind() == "accessibility_modifier" && {
            let mut cc = c.walk();
            let found = c.children(&mut cc).any(|t| matches!(t.kind(), "private" | "protected"));
            found
        }
    });
    !hidden
}

fn field_name<'t>(field: Node<'t>, cx: &Context<'t>) -> String {
    field
        .field("property")
        .or_else(|| field.field("name"))
        .map(|n| cx.text(n))
        .unwrap_or_else(|| "<field>".to_string())
}

/// The ESTree parent of a function: tree-sitter keeps parentheses as nodes, ESTree does not.
fn estree_parent(node: Node<'_>) -> Option<Node<'_>> {
    let mut parent = node.parent();
    while let Some(p) = parent {
        if p.kind() != "parenthesized_expression" {
            return Some(p);
        }
        parent = p.parent();
    }
    None
}

/// The first child that is not a decorator (ESTree member ranges start after decorators here).
fn start_after_decorators(node: Node<'_>) -> Node<'_> {
    let mut cursor = node.walk();
    let first = node.children(&mut cursor).find(|c| c.kind() != "decorator" && !c.is_extra()).unwrap_or(node);
    first
}

/// The node whose start is ESLint's `getFunctionHeadLoc` start.
fn head_node(node: Node<'_>) -> Node<'_> {
    if node.kind() == "method_definition" {
        return start_after_decorators(node);
    }
    if let Some(parent) = estree_parent(node) {
        let is_value = parent.field("value").map(|v| v.id() == node.id() || contains(v, node)).unwrap_or(false);
        if matches!(parent.kind(), "pair" | "field_definition" | "public_field_definition") && is_value {
            return start_after_decorators(parent);
        }
    }
    if node.kind() == "arrow_function" {
        let mut cursor = node.walk();
        let arrow = node.children(&mut cursor).find(|c| c.kind() == "=>");
        if let Some(arrow) = arrow {
            return arrow;
        }
    }
    node
}

/// ESLint's position of `node`'s start: 1-based line and 1-based column in UTF-16 code units
/// (JavaScript strings are UTF-16; tree-sitter counts bytes). Invalid UTF-8 counts one unit per
/// replacement character, as a decoder would produce.
fn eslint_position(source: &[u8], node: Node<'_>) -> (u32, u32) {
    let p = node.start_position();
    let end = node.start_byte().min(source.len());
    let prefix = &source[end.saturating_sub(p.column)..end];
    let column = if prefix.is_ascii() { prefix.len() } else { String::from_utf8_lossy(prefix).encode_utf16().count() };
    (p.row as u32 + 1, column as u32 + 1)
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

fn function_name<'t>(node: Node<'t>, cx: &Context<'t>) -> (String, &'static str) {
    let kind = match cx.kind(node) {
        "method_definition" => "method",
        "arrow_function" => "arrow",
        _ => "function",
    };
    if let Some(name) = node.field("name") {
        return (cx.text(name), kind);
    }
    let parent = estree_parent(node);
    let name = parent.and_then(|p| match p.kind() {
        "variable_declarator" => p.field("name").map(|n| cx.text(n)),
        "pair" => p.field("key").map(|n| cx.text(n)),
        "field_definition" => p.field("property").map(|n| cx.text(n)),
        "public_field_definition" => p.field("name").map(|n| cx.text(n)),
        "assignment_expression" => p.field("left").map(|n| cx.text(n)),
        _ => None,
    });
    let kind = match parent.map(|p| cx.kind(p)) {
        Some("pair") | Some("field_definition") | Some("public_field_definition") => "method",
        _ => kind,
    };
    (name.unwrap_or_else(|| "<anonymous>".to_string()), kind)
}

#[cfg(test)]
mod tests {
    use crate::analyze_source;
    use lang::Language;

    fn cyclo(lang: Language, src: &str) -> Vec<(String, &'static str, u32, u32)> {
        let m = analyze_source(lang, src.as_bytes());
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        m.functions.iter().map(|f| (f.name.clone(), f.kind, f.start_line, f.cyclomatic)).collect()
    }

    #[test]
    fn counts_every_logical_operator_and_optional_chain() {
        let src = "function f(a, b = 1, {c = 2} = {}) {\n  const x = a && b || c ?? 0;\n  a ||= b;\n  return a?.b.c?.d?.();\n}\n";
        // 1 + defaults 3 + && || ?? 3 + ||= 1 + ?. 3
        assert_eq!(cyclo(Language::JavaScript, src), vec![("f".to_string(), "function", 1, 11)]);
    }

    /// Regression: TypeScript's optional calls `a?.(1)` and `this.#f?.()` were not counted
    /// (ESLint 10 `complexity` gives 4 for `m` in both the .ts and the .js form).
    #[test]
    fn optional_calls_count_in_typescript_as_in_javascript() {
        let ts = "class K {\n  #f?: () => void;\n  m(a?: (n: number) => void) {\n    a?.(1);\n    this.#f?.();\n    return a?.x;\n  }\n}\n";
        let js = "class K {\n  #f;\n  m(a) {\n    a?.(1);\n    this.#f?.();\n    return a?.x;\n  }\n}\n";
        assert_eq!(cyclo(Language::TypeScript, ts)[0].3, 4);
        assert_eq!(cyclo(Language::JavaScript, js)[0].3, 4);
    }

    /// Regression: columns were UTF-8 bytes; ESLint counts UTF-16 code units (`é` is 1, `😀`
    /// 2), so it puts this arrow at column 31 (run-eslint, ESLint 10).
    #[test]
    fn columns_are_utf16_code_units_like_eslint() {
        let src = "const s = \"é😀\"; const g = () => 2\n";
        for lang in [Language::JavaScript, Language::TypeScript] {
            let m = analyze_source(lang, src.as_bytes());
            assert_eq!((m.functions[0].start_line, m.functions[0].start_column), (1, 31), "{lang}");
        }
    }

    #[test]
    fn statements_and_cases() {
        let src = "function f(k) {\n  if (k) {} else if (!k) {}\n  for (;;) {} for (const a of []) {} for (const b in {}) {}\n  while (k) {} do {} while (k);\n  try {} catch (e) {} finally {}\n  switch (k) { case 1: case 2: break; default: }\n  return k ? 1 : 2;\n}\n";
        // 1 + if 2 + for 3 + while/do 2 + catch 1 + case 2 + ?: 1
        assert_eq!(cyclo(Language::JavaScript, src)[0].3, 12);
    }

    #[test]
    fn nested_functions_and_arrow_heads() {
        let src = "const g = (a) =>\n  a && ((b) => b || a);\nfunction outer() {\n  return function () { return 1 && 2; };\n}\n";
        let got = cyclo(Language::JavaScript, src);
        assert_eq!(got[0], ("g".to_string(), "arrow", 1, 2));
        assert_eq!(got[1], ("<anonymous>".to_string(), "arrow", 2, 2));
        assert_eq!(got[2], ("outer".to_string(), "function", 3, 1));
        assert_eq!(got[3], ("<anonymous>".to_string(), "function", 4, 2));
    }

    #[test]
    fn class_fields_methods_and_static_blocks() {
        let src = "class A {\n  x = () => this.y ?? 1;\n  y = a || b;\n  z;\n  static { if (A) {} }\n  m(a = 1) { return a; }\n}\n";
        let got = cyclo(Language::JavaScript, src);
        let lines: Vec<(u32, u32)> = got.iter().map(|f| (f.2, f.3)).collect();
        // x: initializer 1 + arrow 2 (arrow reported at the field start); y: initializer 2; static 2; m 2
        assert_eq!(lines, vec![(2, 1), (2, 2), (3, 2), (5, 2), (6, 2)]);
    }

    #[test]
    fn typescript_overloads_and_parameter_properties() {
        let src = "abstract class A {\n  constructor(private x = 1, y?: number) {}\n  abstract m(): void;\n  f(a: string): void;\n  f(a: any) { return a as string; }\n}\ninterface I { g(): void }\nfunction h(a: number): number;\nfunction h(a: any) { return a!; }\n";
        let got = cyclo(Language::TypeScript, src);
        let lines: Vec<(u32, u32)> = got.iter().map(|f| (f.2, f.3)).collect();
        assert_eq!(lines, vec![(2, 2), (5, 1), (9, 1)]);
    }

    #[test]
    fn tsx_parses_jsx() {
        let src = "export const C = ({a}: {a?: string}) => <div>{a ?? 'x'}</div>;\n";
        assert_eq!(cyclo(Language::Tsx, src)[0].3, 2);
    }

    /// Expected values: eslint-plugin-sonarjs 4.2.2 `cognitive-complexity` (threshold 0) on the
    /// same source.
    #[test]
    fn cognitive_agrees_with_sonarjs() {
        let src = "function f(a, b, c) {\n  if (a) {\n    for (const x of b) { if (x && c || a) { continue; } }\n  } else if (b) {\n  } else {\n  }\n  const g = () => a ? 1 : 2;\n  outer: while (a && b && c) { break outer; }\n  const h = a ? function () { return b ? 1 : 2; } : null;\n  return b ? 1 : 2;\n}\n";
        let m = analyze_source(Language::JavaScript, src.as_bytes());
        let got: Vec<(u32, u32)> = m.functions.iter().map(|f| (f.start_line, f.cognitive)).collect();
        assert_eq!(got, vec![(1, 15), (7, 1), (9, 1)]);
        assert_eq!((m.functions[0].nargs, m.functions[0].nexits, m.functions[0].nesting), (3, 1, 3));
        assert_eq!((m.functions[1].nargs, m.functions[1].nexits), (0, 1));
    }

    /// Regression: the `class` keyword token shares the class expression node's kind name, so
    /// every class declaration also opened an empty `<anonymous>` class record (and a class
    /// expression two records).
    #[test]
    fn one_class_record_per_class() {
        let js = "class A {\n  m() { return 1; }\n}\nconst B = class {\n  n() {}\n};\nexport default class {\n  o() {}\n}\n";
        let ts = "abstract class A {\n  m() { return 1; }\n}\nconst B = class {\n  n() {}\n};\nexport default class {\n  o() {}\n}\n";
        for (lang, src) in [(Language::JavaScript, js), (Language::TypeScript, ts), (Language::Tsx, ts)] {
            let m = analyze_source(lang, src.as_bytes());
            assert!(m.errors.is_empty(), "{lang}: {:?}", m.errors);
            let classes: Vec<(&str, &str, u32, u32)> = m.classes.iter().map(|c| (c.name.as_str(), c.kind, c.start_line, c.methods)).collect();
            assert_eq!(classes, vec![("A", "class", 1, 1), ("<anonymous>", "class", 4, 1), ("<anonymous>", "class", 7, 1)], "{lang}");
            let owners: Vec<Option<u32>> = m.functions.iter().map(|f| f.class_index).collect();
            assert_eq!(owners, vec![Some(0), Some(1), Some(2)], "{lang}");
        }
    }

    #[test]
    fn classes_and_logical_lines() {
        let src = "class A {\n  x = 1;\n  #y = 2;\n  m() { return this.#y; }\n  #p() {}\n  static s() { let a = 1; a++; return a; }\n}\n";
        let m = analyze_source(Language::JavaScript, src.as_bytes());
        let c = &m.classes[0];
        assert_eq!((c.methods, c.public_methods, c.attributes, c.public_attributes), (3, 2, 2, 1));
        let s = m.functions.iter().find(|f| f.name == "s").unwrap();
        // the method 1 + let 1 + a++ 1 + return 1
        assert_eq!(s.lines.logical, 4);
        assert_eq!(s.abc.assignments, 2);
    }
}
