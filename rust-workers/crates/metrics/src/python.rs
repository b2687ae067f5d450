//! Python cyclomatic complexity as radon 5.1 `cc` computes it (`ComplexityVisitor`, closures
//! shown as radon's `--show-closures` / `add_inner_blocks` does).
//!
//! Every `def` (and `async def`) is a record reported at its `def` line: functions, methods of
//! module-level classes, and nested functions (qualified `outer.inner`, not added to the parent;
//! radon's JSON nests them as `closures`). A class defined inside a function or inside another
//! class is dropped with everything in it: its methods are neither reported nor added to the
//! enclosing function (radon's JSON lists only module-level classes and their methods; the CLI's
//! `--show-closures` would add nested classes' methods too, the fixtures follow the JSON).
//! Class records themselves are not reported.
//! Each record is `1` plus one per `if`/`elif`, conditional expression, `for`/`async for`/`while`
//! (+1 more when the loop has an `else`), `except` handler and `else` of a `try` (a `try` with
//! `except*` handlers counts nothing: radon 5.1 predates `TryStar`), `and`/`or` operator,
//! comprehension `for` clause and comprehension `if` clause, `assert` (+1, and its contents are
//! not visited). Not counted: `with`, `finally`, `raise`, `break`/`continue`, `match`/`case`
//! (contents are), decorators, default arguments and annotations (radon never visits them).
//! A `lambda` is not a block: its decisions count in the enclosing function.

use lang::tree_sitter::Node;

use crate::walk::{operator, Context, ScopeKind, Visitor};

pub(crate) struct Radon;

impl<'t> Visitor<'t> for Radon {
    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        let in_dropped = cx.inside(|k| k == ScopeKind::Dropped);
        match node.kind() {
            "function_definition" => {
                if in_dropped {
                    cx.push_scope(node, ScopeKind::Dropped);
                    return;
                }
                let kind = if in_class_body(node) { "method" } else { "function" };
                let name = cx.field_text(node, "name").unwrap_or_default();
                cx.open_function(node, name, kind, node);
            }
            "class_definition" => {
                // Only classes outside any function or class are reported with their methods.
                let nested = cx.inside(|k| matches!(k, ScopeKind::Function(_) | ScopeKind::Excluded));
                if in_dropped || nested {
                    cx.push_scope(node, ScopeKind::Dropped);
                } else {
                    cx.push_scope(node, ScopeKind::Excluded);
                    if let Some(name) = cx.field_text(node, "name") {
                        cx.push_name(node, name);
                    }
                }
            }
            "decorator" => cx.push_scope(node, ScopeKind::Excluded),
            "parameters" | "type" | "type_parameter" => {
                // Defaults and annotations of a def are not visited by radon.
                if node.parent().map(|p| p.kind() == "function_definition").unwrap_or(false) {
                    cx.push_scope(node, ScopeKind::Excluded);
                }
            }
            "assert_statement" => {
                cx.add(1);
                cx.push_scope(node, ScopeKind::Excluded);
            }
            "if_statement" | "elif_clause" | "conditional_expression" | "for_in_clause" | "boolean_operator" => {
                cx.add(1)
            }
            // A `case … if guard:` is an if_clause too; radon 5.1 does not count match guards.
            "if_clause" => {
                if node.parent().map(|p| p.kind() != "case_clause").unwrap_or(true) {
                    cx.add(1)
                }
            }
            "for_statement" | "while_statement" => {
                let has_else = node.child_by_field_name("alternative").is_some();
                cx.add(1 + has_else as u32);
            }
            "try_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
                if !children.iter().any(|c| c.kind() == "except_group_clause") {
                    let handlers = children.iter().filter(|c| c.kind() == "except_clause").count() as u32;
                    let has_else = children.iter().any(|c| c.kind() == "else_clause") as u32;
                    cx.add(handlers + has_else);
                }
            }
            _ => {
                let _ = operator;
            }
        }
    }
}

/// Whether a `def` sits directly in a class body (possibly under `if`/`try`, or decorated).
fn in_class_body(def: Node<'_>) -> bool {
    let mut current = def.parent();
    while let Some(p) = current {
        match p.kind() {
            "class_definition" => return true,
            "function_definition" => return false,
            _ => current = p.parent(),
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::analyze_source;
    use lang::Language;

    fn cyclo(src: &str) -> Vec<(String, u32, u32)> {
        let m = analyze_source(Language::Python, src.as_bytes());
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        m.functions.iter().map(|f| (f.qualified_name.clone(), f.start_line, f.cyclomatic)).collect()
    }

    #[test]
    fn counts_radon_decisions() {
        let src = "def f(a, b=x if y else z):\n    if a and b or a:\n        pass\n    elif b:\n        pass\n    for i in a:\n        pass\n    else:\n        pass\n    while a:\n        break\n    try:\n        pass\n    except ValueError:\n        pass\n    except Exception:\n        pass\n    else:\n        pass\n    finally:\n        pass\n    assert a and b\n    ys = [i for i in a if i]\n    g = lambda q: q or a\n    return 1 if a else 2\n";
        // 1 + if 1 + and/or 2 + elif 1 + for 2 + while 1 + except 2 + try-else 1 + assert 1 + comp 2 + lambda or 1 + ifexp 1
        assert_eq!(cyclo(src), vec![("f".to_string(), 1, 16)]);
    }

    #[test]
    fn closures_and_methods_are_separate() {
        let src = "class A:\n    @staticmethod\n    def m(x):\n        def inner():\n            return x or 1\n        return inner\n    class B:\n        def n(self):\n            if self: pass\n\ndef outer():\n    class Local:\n        def hidden(self):\n            if self: pass\n    if True: pass\n";
        assert_eq!(
            cyclo(src),
            vec![
                ("A.m".to_string(), 3, 1),
                ("A.m.inner".to_string(), 4, 2),
                ("outer".to_string(), 11, 2),
            ]
        );
    }

    #[test]
    fn try_star_is_not_counted() {
        let src = "def f():\n    try:\n        pass\n    except* ValueError:\n        pass\n";
        assert_eq!(cyclo(src)[0].2, 1);
    }
}
