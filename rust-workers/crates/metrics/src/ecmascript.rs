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

use lang::tree_sitter::Node;

use crate::walk::{operator, Context, Visitor};

pub(crate) struct Eslint;

impl<'t> Visitor<'t> for Eslint {
    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        // A class field's value is an implicit function of its own.
        if let Some(parent) = node.parent() {
            if matches!(parent.kind(), "field_definition" | "public_field_definition")
                && parent.child_by_field_name("value").map(|v| v.id()) == Some(node.id())
            {
                let name = field_name(parent, cx);
                cx.open_function(node, name, "class-field-initializer", node);
            }
        }
        match node.kind() {
            "function_declaration" | "function_expression" | "generator_function_declaration"
            | "generator_function" | "arrow_function" | "method_definition" => {
                let (name, kind) = function_name(node, cx);
                let head = head_position(node);
                cx.open_function_at(node, name, kind, head.0, head.1);
            }
            "class_static_block" => cx.open_function(node, "static".to_string(), "class-static-block", node),
            "class_declaration" | "abstract_class_declaration" | "class" => {
                if let Some(name) = cx.field_text(node, "name") {
                    cx.push_name(node, name);
                }
            }
            "if_statement" | "ternary_expression" | "for_statement" | "for_in_statement" | "while_statement"
            | "do_statement" | "catch_clause" | "switch_case" | "assignment_pattern" | "object_assignment_pattern"
            | "optional_chain" => cx.add(1),
            "binary_expression" => {
                if matches!(operator(node), Some("&&") | Some("||") | Some("??")) {
                    cx.add(1);
                }
            }
            "augmented_assignment_expression" => {
                if matches!(operator(node), Some("&&=") | Some("||=") | Some("??=")) {
                    cx.add(1);
                }
            }
            // TS parameters carry their default in a `value` field instead of an assignment_pattern.
            "required_parameter" | "optional_parameter" => {
                if node.child_by_field_name("value").is_some() {
                    cx.add(1);
                }
            }
            _ => {}
        }
    }
}

fn field_name<'t>(field: Node<'t>, cx: &Context<'t>) -> String {
    field
        .child_by_field_name("property")
        .or_else(|| field.child_by_field_name("name"))
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
fn start_after_decorators(node: Node<'_>) -> (u32, u32) {
    let mut cursor = node.walk();
    let first = node.children(&mut cursor).find(|c| c.kind() != "decorator" && !c.is_extra()).unwrap_or(node);
    let p = first.start_position();
    (p.row as u32 + 1, p.column as u32 + 1)
}

/// ESLint's `getFunctionHeadLoc` start.
fn head_position(node: Node<'_>) -> (u32, u32) {
    if node.kind() == "method_definition" {
        return start_after_decorators(node);
    }
    if let Some(parent) = estree_parent(node) {
        let is_value = parent.child_by_field_name("value").map(|v| v.id() == node.id() || contains(v, node)).unwrap_or(false);
        if matches!(parent.kind(), "pair" | "field_definition" | "public_field_definition") && is_value {
            return start_after_decorators(parent);
        }
    }
    if node.kind() == "arrow_function" {
        let mut cursor = node.walk();
        let arrow = node.children(&mut cursor).find(|c| c.kind() == "=>");
        if let Some(arrow) = arrow {
            let p = arrow.start_position();
            return (p.row as u32 + 1, p.column as u32 + 1);
        }
    }
    let p = node.start_position();
    (p.row as u32 + 1, p.column as u32 + 1)
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

fn function_name<'t>(node: Node<'t>, cx: &Context<'t>) -> (String, &'static str) {
    let kind = match node.kind() {
        "method_definition" => "method",
        "arrow_function" => "arrow",
        _ => "function",
    };
    if let Some(name) = node.child_by_field_name("name") {
        return (cx.text(name), kind);
    }
    let parent = estree_parent(node);
    let name = parent.and_then(|p| match p.kind() {
        "variable_declarator" => p.child_by_field_name("name").map(|n| cx.text(n)),
        "pair" => p.child_by_field_name("key").map(|n| cx.text(n)),
        "field_definition" => p.child_by_field_name("property").map(|n| cx.text(n)),
        "public_field_definition" => p.child_by_field_name("name").map(|n| cx.text(n)),
        "assignment_expression" => p.child_by_field_name("left").map(|n| cx.text(n)),
        _ => None,
    });
    let kind = match parent.map(|p| p.kind()) {
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
}
