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
//!
//! **Cognitive complexity** as Python's established checker computes it: `cognitive_complexity`
//! 1.2.0, the library behind flake8-cognitive-complexity (Debian `python3-cognitive-complexity`;
//! 100% of the 15,153 functions of the pinned Python corpus agree). Its reading of the SonarSource
//! model, with `n` the nesting level inside the function:
//! `if`/`elif` chains: an `if` (or `elif`) followed by an `elif` (or by an `else:` holding only an
//! `if`) adds `max(1, n)` and does not nest; the last one adds `max(1, n+1)`, `+1` more with an
//! `else`, and nests its condition, body and `else` one level; `for`/`while` add `max(1, n+1)`
//! (`+1` with an `else`) and nest (`async for` counts nothing); `x if c else y` adds
//! `max(1, n+1)` and nests; a `try` adds `max(1, n+1)` for every statement of its body but the
//! first, every handler, and every statement of its `else`/`finally`, all of which are one level
//! deeper; the outermost boolean operator adds the number of `and`/`or` expressions in it
//! (`a and b and c` is one, `a and b or c` two) and nothing inside it counts; nested `def` and
//! `lambda` raise the nesting and count inside the enclosing function; a call `name(…)` of the
//! function's own name anywhere inside adds 1 once; a function whose body is only `def …` +
//! `return …` (a decorator) takes the value of the inner function. `with`, `match`, `except*`
//! and comprehensions add nothing.
//!
//! **Logical lines**: statements (`…_statement`), `elif`/`else`/`except`/`finally` clauses,
//! `def` and `class`. **Nesting**: `if`, `for`, `while`, `try`, `with`, `match`. **ABC**:
//! A = assignments (`=`, augmented, `:=`); B = calls; C = comparison operators (`a < b < c` = 2),
//! `else`/`elif`, `try`, `except`, conditional expressions, `case`. **nargs**: parameters
//! including `self`/`cls`, `*args` and `**kwargs` (not the `/` and `*` separators).
//! **nexits**: `return` statements.

use lang::tree_sitter::Node;

use crate::walk::{count_named_children, descendants, Context, ScopeKind, Visitor, NodeExt};

const ATOMS: &[&str] = &["string", "concatenated_string"];

#[derive(Default)]
pub(crate) struct Radon {
    /// Cognitive: inside this boolean operator nothing more counts (the tool does not descend).
    suppress: Option<usize>,
    /// Records already given their recursion point.
    recursive: Vec<usize>,
    /// (record, def node id) of functions whose body is `def …` + `return …` (decorators).
    decorators: Vec<(usize, usize)>,
}

/// `max(1, n)`, the tool's floor for structural increments.
fn at_least_one(n: u32) -> u32 {
    n.max(1)
}

/// Named children of a block that are statements (comments are not statements).
fn statements(block: Option<Node<'_>>) -> Vec<Node<'_>> {
    let Some(block) = block else { return Vec::new() };
    let mut cursor = block.walk();
    let v = block.named_children(&mut cursor).filter(|c| c.kind() != "comment").collect();
    v
}

/// An `else:` whose only statement is an `if` (Python's AST makes it an `elif`).
fn is_else_if(clause: Node<'_>) -> bool {
    if clause.kind() != "else_clause" {
        return false;
    }
    let body = statements(clause.field("body"));
    body.len() == 1 && body[0].kind() == "if_statement"
}

/// The next named sibling that is not a comment.
fn next_clause(node: Node<'_>) -> Option<Node<'_>> {
    let mut n = node.next_named_sibling();
    while let Some(x) = n {
        if x.kind() != "comment" {
            return Some(x);
        }
        n = x.next_named_sibling();
    }
    None
}

/// Whether a boolean operator is a new Python `BoolOp` (not the continuation `a and b and c`).
fn new_bool_op(node: Node<'_>) -> bool {
    let op = logical_operator(node);
    node.parent().map(|p| p.kind() != "boolean_operator" || logical_operator(p) != op).unwrap_or(true)
}

fn logical_operator(n: Node<'_>) -> Option<&'static str> {
    if n.kind() != "boolean_operator" {
        return None;
    }
    n.field("operator").map(|o| o.kind())
}

/// Python's public-name convention: no leading underscore, or a dunder.
fn is_public_name(name: &str) -> bool {
    !name.starts_with('_') || (name.starts_with("__") && name.ends_with("__") && name.len() > 4)
}

impl<'t> Visitor<'t> for Radon {
    fn atoms(&self) -> &'static [&'static str] {
        ATOMS
    }

    fn leave(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        if self.suppress == Some(node.id()) {
            self.suppress = None;
        }
        if let Some(&(record, id)) = self.decorators.last() {
            if id == node.id() {
                self.decorators.pop();
                // The tool measures a decorator by the function it wraps.
                if let Some(inner) = cx.functions.get(record + 1).map(|f| f.cognitive) {
                    cx.functions[record].cognitive = inner;
                }
            }
        }
    }

    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        let in_dropped = cx.inside(|k| k == ScopeKind::Dropped);
        let parent = cx.parent();
        let parent_kind = parent.map(|p| cx.kind(p)).unwrap_or("");
        let kind = cx.kind(node);
        let cognitive = self.suppress.is_none();
        if cognitive {
            self.cognitive_position(node, kind, parent, parent_kind, cx);
        }
        if kind.ends_with("_statement") || matches!(kind, "elif_clause" | "else_clause" | "except_clause" | "finally_clause" | "class_definition") {
            cx.logical(node, 1, true);
        }
        if !node.is_named() {
            // The `lambda` and `type` keyword tokens share the names of the `lambda` and `type`
            // nodes matched below.
            return;
        }
        match kind {
            "function_definition" => {
                cx.push_cognitive_nesting(node);
                if in_dropped {
                    cx.logical(node, 1, true);
                    cx.push_scope(node, ScopeKind::Dropped);
                    return;
                }
                let fkind = if in_class_body(node) { "method" } else { "function" };
                let name = cx.field_text(node, "name").unwrap_or_default();
                let public = is_public_name(&name);
                let i = cx.open_function(node, name, fkind, node);
                cx.functions[i].public = public;
                cx.functions[i].nargs = node
                    .field("parameters")
                    .map(|p| count_named_children(p, &["positional_separator", "keyword_separator", "comment"]))
                    .unwrap_or(0);
                cx.logical(node, 1, true);
                let body = statements(node.field("body"));
                if body.len() == 2
                    && matches!(body[0].kind(), "function_definition" | "decorated_definition")
                    && body[1].kind() == "return_statement"
                {
                    self.decorators.push((i, node.id()));
                }
            }
            "lambda" => cx.push_cognitive_nesting(node),
            "class_definition" => {
                // Only classes outside any function or class are reported with their methods.
                let nested = cx.inside(|k| matches!(k, ScopeKind::Function(_) | ScopeKind::Excluded));
                if in_dropped || nested {
                    cx.push_scope(node, ScopeKind::Dropped);
                } else {
                    cx.push_scope(node, ScopeKind::Excluded);
                    if let Some(name_node) = node.field("name") {
                        let name = cx.text(name_node);
                        cx.push_name(node, name.clone());
                        cx.open_class(node, name, "class", name_node);
                    }
                }
            }
            "decorator" => cx.push_scope(node, ScopeKind::Excluded),
            "parameters" | "type" | "type_parameter" => {
                // Defaults and annotations of a def are not visited by radon.
                if parent_kind == "function_definition" {
                    cx.push_scope(node, ScopeKind::Excluded);
                }
            }
            "assert_statement" => {
                cx.add(1);
                cx.push_scope(node, ScopeKind::Excluded);
            }
            "if_statement" => {
                cx.add(1);
                cx.push_depth(node);
            }
            "elif_clause" => {
                cx.add(1);
                cx.abc(0, 0, 1);
            }
            "else_clause" => cx.abc(0, 0, 1),
            "conditional_expression" => {
                cx.add(1);
                cx.abc(0, 0, 1);
            }
            "for_in_clause" => cx.add(1),
            "boolean_operator" => cx.add(1),
            // A `case … if guard:` is an if_clause too; radon 5.1 does not count match guards.
            "if_clause" => {
                if parent_kind != "case_clause" {
                    cx.add(1)
                }
            }
            "for_statement" | "while_statement" => {
                let has_else = node.field("alternative").is_some();
                cx.add(1 + has_else as u32);
                cx.push_depth(node);
            }
            "try_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
                if !children.iter().any(|c| c.kind() == "except_group_clause") {
                    let handlers = children.iter().filter(|c| c.kind() == "except_clause").count() as u32;
                    let has_else = children.iter().any(|c| c.kind() == "else_clause") as u32;
                    cx.add(handlers + has_else);
                }
                cx.push_depth(node);
                cx.abc(0, 0, 1);
            }
            "except_clause" | "except_group_clause" => cx.abc(0, 0, 1),
            "with_statement" | "match_statement" => cx.push_depth(node),
            "case_clause" => cx.abc(0, 0, 1),
            "comparison_operator" => {
                let mut cursor = node.walk();
                let ops = node.children_by_field_name("operators", &mut cursor).count() as u32;
                cx.abc(0, 0, ops.max(1));
            }
            "assignment" => {
                cx.abc(1, 0, 0);
                self.attribute(node, parent_kind, cx);
            }
            "augmented_assignment" | "named_expression" => cx.abc(1, 0, 0),
            "call" => {
                cx.abc(0, 1, 0);
                // Recursion: `name(…)` anywhere inside a def named `name` (the tool's check).
                if let Some(f) = node.field("function").filter(|f| f.kind() == "identifier") {
                    let name = cx.bytes(f);
                    for i in cx.open_records() {
                        if cx.functions[i].name.as_bytes() == name && !self.recursive.contains(&i) {
                            self.recursive.push(i);
                            cx.functions[i].cognitive += 1;
                        }
                    }
                }
            }
            "return_statement" => cx.exit_point(),
            _ => {}
        }
    }
}

impl Radon {
    /// The cognitive increments and nesting of `cognitive_complexity` 1.2.0 (the algorithm of
    /// flake8-cognitive-complexity) for one node; see the module docs.
    fn cognitive_position<'t>(&mut self, node: Node<'t>, kind: &str, parent: Option<Node<'t>>, parent_kind: &str, cx: &mut Context<'t>) {
        // Try: every AST child but the first (body statements, handlers, else and finally
        // statements) is one level deeper.
        if parent_kind == "block" && cx.ancestor(1).map(|t| t.kind() == "try_statement").unwrap_or(false) {
            let is_body = cx.ancestor(1).and_then(|t| t.field("body")).map(|b| Some(b.id()) == parent.map(|p| p.id())).unwrap_or(false);
            if is_body && node.is_named() && kind != "comment" {
                let first = statements(parent).first().map(|f| f.id()) == Some(node.id());
                if !first {
                    cx.push_cognitive_nesting(node);
                }
            }
        }
        if parent_kind == "try_statement" && matches!(kind, "except_clause" | "except_group_clause" | "else_clause" | "finally_clause") {
            cx.push_cognitive_nesting(node);
        }
        match kind {
            "if_statement" => {
                let mut cursor = node.walk();
                let alternatives: Vec<Node<'t>> = node.children_by_field_name("alternative", &mut cursor).collect();
                let first = alternatives.first().copied();
                match first.map(|a| a.kind()) {
                    Some("elif_clause") => cx.cognitive_apply(at_least_one),
                    Some(_) if is_else_if(first.unwrap()) => cx.cognitive_apply(at_least_one),
                    Some(_) => {
                        cx.cognitive_apply(|n| at_least_one(n + 1) + 1);
                        cx.push_cognitive_nesting(node);
                    }
                    None => {
                        cx.cognitive_apply(|n| at_least_one(n + 1));
                        cx.push_cognitive_nesting(node);
                    }
                }
            }
            "elif_clause" => match next_clause(node).map(|n| n.kind()) {
                Some("elif_clause") => cx.cognitive_apply(at_least_one),
                Some("else_clause") if is_else_if(next_clause(node).unwrap()) => cx.cognitive_apply(at_least_one),
                Some("else_clause") => {
                    cx.cognitive_apply(|n| at_least_one(n + 1) + 1);
                    cx.push_cognitive_nesting(node);
                }
                _ => {
                    cx.cognitive_apply(|n| at_least_one(n + 1));
                    cx.push_cognitive_nesting(node);
                }
            },
            "else_clause" if parent_kind == "if_statement" => {
                let mut cursor = parent.unwrap().walk();
                let after_elif = parent.unwrap().children(&mut cursor).any(|c| c.kind() == "elif_clause");
                if after_elif && !is_else_if(node) {
                    cx.push_cognitive_nesting(node);
                }
            }
            // `async for` is ast.AsyncFor, which the tool does not count.
            "for_statement" if node.child(0).map(|c| c.kind() == "async").unwrap_or(false) => {}
            "for_statement" | "while_statement" => {
                let has_else = node.field("alternative").is_some() as u32;
                cx.cognitive_apply(|n| at_least_one(n + 1) + has_else);
                cx.push_cognitive_nesting(node);
            }
            "conditional_expression" => {
                cx.cognitive_apply(|n| at_least_one(n + 1));
                cx.push_cognitive_nesting(node);
            }
            "try_statement" => {
                let body = statements(node.field("body")).len();
                let mut cursor = node.walk();
                let mut children = 0;
                for c in node.named_children(&mut cursor) {
                    match c.kind() {
                        "except_clause" | "except_group_clause" => children += 1,
                        "else_clause" => children += statements(c.field("body")).len(),
                        "finally_clause" => {
                            let mut cc = c.walk();
                            let block = c.named_children(&mut cc).find(|b| b.kind() == "block");
                            children += statements(block).len();
                        }
                        _ => {}
                    }
                }
                let others = (body + children).saturating_sub(1) as u32;
                cx.cognitive_apply(|n| others * at_least_one(n + 1));
            }
            "boolean_operator" => {
                let mut count = 0;
                descendants(node, |_| false, |d| {
                    if d.kind() == "boolean_operator" && (d.id() == node.id() || new_bool_op(d)) {
                        count += 1;
                    }
                });
                cx.cognitive_apply(|_| count);
                self.suppress = Some(node.id());
            }
            _ => {}
        }
    }

    /// Class attributes: names assigned in a class body, `self.<name> = …` in its methods.
    fn attribute<'t>(&self, assignment: Node<'t>, parent_kind: &str, cx: &mut Context<'t>) {
        let Some(left) = assignment.field("left") else { return };
        if left.kind() == "identifier" && parent_kind == "expression_statement" {
            let in_class_block = cx.ancestor(1).map(|b| b.kind() == "block").unwrap_or(false)
                && cx.ancestor(2).map(|c| c.kind() == "class_definition").unwrap_or(false);
            if let (true, Some(class)) = (in_class_block, cx.current_class()) {
                let name = cx.text(left);
                cx.classes[class].add_attribute(Some(&name), is_public_name(&name));
            }
        } else if left.kind() == "attribute" {
            let is_self = left.field("object").map(|o| cx.bytes(o) == b"self").unwrap_or(false);
            if let (true, Some(class)) = (is_self, cx.class_of_current_function()) {
                if let Some(attr) = left.field("attribute") {
                    let name = cx.text(attr);
                    cx.classes[class].add_attribute(Some(&name), is_public_name(&name));
                }
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

    /// Regression: a class's qualified name repeated its own name ("Holder.Holder").
    #[test]
    fn class_records_name_the_class_once() {
        let m = analyze_source(Language::Python, b"class Outer:\n    class Inner:\n        pass\n\nclass Holder:\n    def m(self):\n        pass\n");
        let names: Vec<&str> = m.classes.iter().map(|c| c.qualified_name.as_str()).collect();
        assert!(names.contains(&"Holder"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("Holder.Holder")), "{names:?}");
    }

    #[test]
    fn try_star_is_not_counted() {
        let src = "def f():\n    try:\n        pass\n    except* ValueError:\n        pass\n";
        assert_eq!(cyclo(src)[0].2, 1);
    }

    /// Expected value: `cognitive_complexity` 1.2.0 (Debian python3-cognitive-complexity,
    /// the library behind flake8-cognitive-complexity) on the same source.
    #[test]
    fn cognitive_agrees_with_the_cognitive_complexity_library() {
        let src = "def f(a, b):\n    if a and b or a:\n        for x in a:\n            if x:\n                pass\n    elif b:\n        pass\n    else:\n        pass\n    try:\n        pass\n    except ValueError:\n        return 1 if a else 2\n    return f(a, b)\n";
        let m = crate::analyze_source(lang::Language::Python, src.as_bytes());
        assert_eq!(m.functions[0].cognitive, 12);
        assert_eq!((m.functions[0].nargs, m.functions[0].nexits, m.functions[0].nesting), (2, 2, 3));
    }

    #[test]
    fn classes_and_attributes() {
        let src = "class A:\n    X = 1\n    _y = 2\n    def __init__(self, v):\n        self.v = v\n        self._w = v\n        self.v = 2\n    def _hidden(self):\n        if self.v: pass\n";
        let m = crate::analyze_source(lang::Language::Python, src.as_bytes());
        let c = &m.classes[0];
        assert_eq!((c.methods, c.public_methods, c.wmc), (2, 1, 3));
        assert_eq!((c.attributes, c.public_attributes), (4, 2));
    }
}
