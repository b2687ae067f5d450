//! The one traversal per file: an iterative pre-order walk (tree-sitter `TreeCursor`, no
//! recursion, so deeply nested code cannot overflow the stack) that feeds enter/exit events to a
//! language's rule set, plus the scope stack every rule set uses to attribute decision points to
//! the right function.

use lang::tree_sitter::{Node, Tree};
use serde::Serialize;

/// One function-like record, as reported by the reference tool of the language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionMetrics {
    pub name: String,
    pub qualified_name: String,
    pub kind: &'static str,
    /// The line the reference tool reports (1-based).
    pub start_line: u32,
    /// 1-based column (in bytes) of the reported position.
    pub start_column: u32,
    pub end_line: u32,
    pub cyclomatic: u32,
}

/// A syntax error found by tree-sitter (the file is still measured).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyntaxError {
    pub line: u32,
    pub message: String,
}

/// At most this many syntax errors are listed per file; a binary or minified file mis-detected
/// as source could otherwise produce one per token.
const MAX_ERRORS: usize = 50;

/// Receives the walk's events.
pub(crate) trait Visitor<'t> {
    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>);
}

/// Runs `visitor` over `tree` in one pre-order pass. Scopes pushed while entering a node are
/// popped when the walk leaves it.
pub(crate) fn walk<'t, V: Visitor<'t>>(tree: &'t Tree, source: &'t [u8], visitor: &mut V) -> Context<'t> {
    let mut cx = Context { source, scopes: Vec::new(), names: Vec::new(), functions: Vec::new(), errors: Vec::new() };
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if (node.is_error() || node.is_missing()) && cx.errors.len() < MAX_ERRORS {
            let message = if node.is_missing() {
                format!("syntax error: missing {}", node.kind())
            } else {
                "syntax error".to_string()
            };
            cx.errors.push(SyntaxError { line: node.start_position().row as u32 + 1, message });
        }
        visitor.enter(node, &mut cx);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            cx.exit(cursor.node().id());
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return cx;
            }
        }
    }
}

/// How decision points inside a scope are attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    /// Decisions count for `functions[index]`.
    Function(usize),
    /// Decisions count nowhere; nested functions are still reported (class bodies, lambdas in
    /// Java, default-argument expressions in Python).
    Excluded,
    /// Nothing inside is counted or reported (radon: a class defined inside a function).
    Dropped,
}

struct Scope {
    owner: usize,
    kind: ScopeKind,
}

/// Walk state shared by all rule sets.
pub(crate) struct Context<'t> {
    pub source: &'t [u8],
    scopes: Vec<Scope>,
    /// (owner node id, name) of enclosing named containers, for qualified names.
    names: Vec<(usize, String)>,
    pub functions: Vec<FunctionMetrics>,
    pub errors: Vec<SyntaxError>,
}

impl<'t> Context<'t> {
    fn exit(&mut self, id: usize) {
        while self.scopes.last().map(|s| s.owner == id).unwrap_or(false) {
            self.scopes.pop();
        }
        while self.names.last().map(|n| n.0 == id).unwrap_or(false) {
            self.names.pop();
        }
    }

    /// The innermost scope, if any (`None` = top-level code).
    pub fn current(&self) -> Option<ScopeKind> {
        self.scopes.last().map(|s| s.kind)
    }

    /// Whether any enclosing scope is of the given kind.
    pub fn inside(&self, pred: impl Fn(ScopeKind) -> bool) -> bool {
        self.scopes.iter().any(|s| pred(s.kind))
    }

    /// Opens a scope that ends when the walk leaves `owner`.
    pub fn push_scope(&mut self, owner: Node<'t>, kind: ScopeKind) {
        self.scopes.push(Scope { owner: owner.id(), kind });
    }

    /// Adds `n` decision points to the innermost scope if it is a function.
    pub fn add(&mut self, n: u32) {
        if let Some(ScopeKind::Function(i)) = self.current() {
            self.functions[i].cyclomatic += n;
        }
    }

    /// Pushes a name for qualified names of everything inside `owner`.
    pub fn push_name(&mut self, owner: Node<'t>, name: String) {
        self.names.push((owner.id(), name));
    }

    /// Records a function (complexity 1), opens its scope and its name.
    pub fn open_function(&mut self, owner: Node<'t>, name: String, kind: &'static str, at: Node<'t>) {
        let pos = at.start_position();
        self.open_function_at(owner, name, kind, pos.row as u32 + 1, pos.column as u32 + 1);
    }

    pub fn open_function_at(&mut self, owner: Node<'t>, name: String, kind: &'static str, line: u32, column: u32) {
        let mut qualified: Vec<&str> = self.names.iter().map(|(_, n)| n.as_str()).collect();
        qualified.push(&name);
        let qualified_name = qualified.join(".");
        self.functions.push(FunctionMetrics {
            name: name.clone(),
            qualified_name,
            kind,
            start_line: line,
            start_column: column,
            end_line: owner.end_position().row as u32 + 1,
            cyclomatic: 1,
        });
        let index = self.functions.len() - 1;
        self.push_scope(owner, ScopeKind::Function(index));
        self.push_name(owner, name);
    }

    /// Source text of a node (lossy for invalid UTF-8).
    pub fn text(&self, node: Node<'t>) -> String {
        String::from_utf8_lossy(&self.source[node.byte_range()]).into_owned()
    }

    /// Text of the named field, if present.
    pub fn field_text(&self, node: Node<'t>, field: &str) -> Option<String> {
        node.child_by_field_name(field).map(|n| self.text(n))
    }
}

/// Iterates the descendants of `node` (itself included) without recursion, skipping the subtrees
/// for which `prune` returns true (the root is never pruned).
pub(crate) fn descendants<'t>(node: Node<'t>, prune: impl Fn(Node<'t>) -> bool, mut f: impl FnMut(Node<'t>)) {
    let mut cursor = node.walk();
    let root = node.id();
    loop {
        let current = cursor.node();
        f(current);
        let descend = current.id() == root || !prune(current);
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().id() == root {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// The operator token of a binary node (`&&`, `||`, `and`, ...), read from its `operator` field.
pub(crate) fn operator<'t>(node: Node<'t>) -> Option<&'static str> {
    node.child_by_field_name("operator").map(|op| op.kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct CountAll(usize);
    impl<'t> Visitor<'t> for CountAll {
        fn enter(&mut self, _node: Node<'t>, _cx: &mut Context<'t>) {
            self.0 += 1;
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        // 20 000 nested parentheses would overflow a recursive walk on a 2 MiB test thread.
        let depth = 20_000;
        let src = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let tree = lang::parse(lang::Language::Python, src.as_bytes()).unwrap();
        let mut v = CountAll(0);
        walk(&tree, src.as_bytes(), &mut v);
        assert!(v.0 > depth);
        let mut n = 0;
        descendants(tree.root_node(), |_| false, |_| n += 1);
        assert_eq!(n, v.0);
    }
}
