//! Java cyclomatic complexity as PMD 7 `CyclomaticComplexity` computes it (CycloVisitor with
//! boolean paths, the default).
//!
//! Per method, constructor and annotation element (abstract and bodiless ones report 1),
//! reported on the line and column of the name identifier: `1` plus one for each `if`, `?:`,
//! `for`, enhanced `for`, `while`, `do`, `catch`, `throw`, and each expression of a non-default
//! switch label (`case 1, 2 ->` = 2, `case 1: case 2:` = 2, statements and expressions alike);
//! plus the boolean-path count of the condition of `if`/`while`/`for`/`do`/`?:` and of a switch
//! selector: the number of `&&`/`||` in it, except that a condition which *is* a `?:` counts
//! `2 +` the boolean paths of its three operands (PMD double counts: `if (a ? b : c)` = 5).
//! `&&`/`||` elsewhere (`return a && b;`) count nothing, neither do `else`, `default`, `try`,
//! `finally`, `break`/`continue`, `return`, `assert`, `synchronized`, `yield`.
//! Lambda bodies and anonymous or local class bodies are not part of the enclosing method;
//! methods of anonymous/local classes are reported on their own; lambdas are never reported.
//! Record compact constructors are not reported (PMD does not treat them as executables).

use lang::tree_sitter::Node;

use crate::walk::{descendants, operator, Context, ScopeKind, Visitor};

pub(crate) struct Pmd;

impl<'t> Visitor<'t> for Pmd {
    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        match node.kind() {
            "class_declaration" | "interface_declaration" | "enum_declaration" | "record_declaration"
            | "annotation_type_declaration" => {
                if let Some(name) = cx.field_text(node, "name") {
                    cx.push_name(node, name);
                }
            }
            "object_creation_expression" => {
                if has_child(node, "class_body") {
                    let ty = cx.field_text(node, "type").unwrap_or_default();
                    cx.push_name(node, format!("new {ty}"));
                }
            }
            "class_body" | "interface_body" | "enum_body" | "annotation_type_body" | "lambda_expression"
            | "compact_constructor_declaration" | "static_initializer" | "field_declaration" => {
                cx.push_scope(node, ScopeKind::Excluded);
            }
            "method_declaration" | "constructor_declaration" | "annotation_type_element_declaration" => {
                let kind = if node.kind() == "constructor_declaration" { "constructor" } else { "method" };
                let name_node = node.child_by_field_name("name").unwrap_or(node);
                let name = cx.text(name_node);
                cx.open_function(node, name, kind, name_node);
            }
            "if_statement" | "while_statement" | "do_statement" | "for_statement" | "ternary_expression" => {
                let paths = node.child_by_field_name("condition").map(boolean_paths).unwrap_or(0);
                cx.add(1 + paths);
            }
            "switch_expression" => {
                let paths = node.child_by_field_name("condition").map(boolean_paths).unwrap_or(0);
                cx.add(paths);
            }
            "switch_label" => {
                let is_default = (0..node.child_count()).any(|i| node.child(i).map(|c| c.kind() == "default").unwrap_or(false));
                if !is_default {
                    let mut cursor = node.walk();
                    let labels = node.named_children(&mut cursor).filter(|c| c.kind() != "guard" && !c.is_extra()).count();
                    cx.add(labels as u32);
                }
            }
            "enhanced_for_statement" | "catch_clause" | "throw_statement" => cx.add(1),
            _ => {}
        }
    }
}

fn has_child(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| c.kind() == kind);
    found
}

/// PMD's `CycloVisitor.booleanExpressionComplexity`.
fn boolean_paths(expr: Node<'_>) -> u32 {
    let mut expr = expr;
    while expr.kind() == "parenthesized_expression" {
        match expr.named_child(0) {
            Some(inner) => expr = inner,
            None => return 0,
        }
    }
    if expr.kind() == "ternary_expression" {
        let part = |f: &str| expr.child_by_field_name(f).map(boolean_paths).unwrap_or(0);
        return part("condition") + part("consequence") + part("alternative") + 2;
    }
    let mut count = 0;
    descendants(
        expr,
        |n| matches!(n.kind(), "lambda_expression" | "class_body"),
        |n| {
            if n.kind() == "binary_expression" && matches!(operator(n), Some("&&") | Some("||")) {
                count += 1;
            }
        },
    );
    count
}

#[cfg(test)]
mod tests {
    use crate::analyze_source;
    use lang::Language;

    fn cyclo(src: &str) -> Vec<(String, u32, u32)> {
        let m = analyze_source(Language::Java, src.as_bytes());
        m.functions.iter().map(|f| (f.qualified_name.clone(), f.start_line, f.cyclomatic)).collect()
    }

    #[test]
    fn counts_pmd_decisions() {
        let src = r#"
class A {
    int f(int a, boolean b, boolean c) {
        if (b && c || a > 1) { a++; } else if (c) { a--; }
        for (int i = 0; i < a && b; i++) {}
        for (int x : new int[0]) {}
        while (b) {}
        do {} while (c || b);
        try { throw new RuntimeException(); } catch (IllegalStateException e) {} catch (RuntimeException e) {} finally {}
        int y = b ? 1 : 2;
        return a;
    }
}
"#;
        // 1 + if(1+2) + else-if(1) + for(1+1) + foreach 1 + while 1 + do(1+1) + throw 1 + catch 2 + ?: 1
        assert_eq!(cyclo(src), vec![("A.f".to_string(), 3, 15)]);
    }

    #[test]
    fn logical_operators_outside_conditions_do_not_count() {
        let src = "class A { boolean f(boolean a, boolean b) { boolean c = a && b; return a || c; } }";
        assert_eq!(cyclo(src)[0].2, 1);
    }

    #[test]
    fn switch_labels_count_each_expression() {
        let src = r#"class A {
  int f(int k) {
    switch (k) { case 1: case 2: return 1; case 3: break; default: return 0; }
    return switch (k) { case 1, 2 -> 3; case 4 -> 4; default -> 0; };
  }
}"#;
        // 1 + 3 (statement) + 3 (expression)
        assert_eq!(cyclo(src)[0].2, 7);
    }

    #[test]
    fn ternary_as_condition_is_double_counted() {
        let src = "class A { void f(boolean a, boolean b, boolean c) { if (a ? b : c) {} } }";
        assert_eq!(cyclo(src)[0].2, 5);
    }

    #[test]
    fn lambdas_and_anonymous_classes_are_separate() {
        let src = r#"class A {
  Runnable f(java.util.List<Integer> xs) {
    xs.forEach(x -> { if (x > 1) {} });
    return new Runnable() {
      public void run() { if (xs.isEmpty()) {} }
    };
  }
  abstract void g();
  A() { if (true) {} }
}"#;
        let got = cyclo(src);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], ("A.f".to_string(), 2, 1));
        assert_eq!(got[1].1, 5);
        assert_eq!(got[1].2, 2);
        assert_eq!(got[2], ("A.g".to_string(), 8, 1));
        assert_eq!(got[3], ("A.A".to_string(), 9, 2));
    }

    #[test]
    fn reports_the_name_line_not_the_annotation_line() {
        let src = "class A {\n  @Override\n  public\n  String toString() { return \"\"; }\n}";
        assert_eq!(cyclo(src)[0].1, 4);
    }
}
