//! The one traversal per file: an iterative pre-order walk (tree-sitter `TreeCursor`, no
//! recursion, so deeply nested code cannot overflow the stack) that feeds enter/leave events to a
//! language's rule set, plus the state every rule set shares:
//!
//! * the **scope stack** that attributes cyclomatic decision points to the right record (the
//!   reference tools disagree on what a function is, so each rule set opens its own scopes);
//! * the **open records** (every function record whose node encloses the current node), which
//!   receive the span-based metrics: Halstead tokens, code/comment lines, logical lines and, as
//!   PMD does for lambdas and anonymous classes, cognitive increments;
//! * the **nesting counters**: cognitive nesting (pushed by the rule sets) and control-structure
//!   depth (`nesting`);
//! * the **class records** (WMC, methods, attributes).
//!
//! Halstead tokens and per-line code/comment flags are collected here for every language from
//! the leaves of the tree (see [`crate::halstead`]); the rule sets only name their atoms.

use lang::tree_sitter::{Node, Tree};
use serde::{Deserialize, Serialize};

use crate::classes::ClassMetrics;
use crate::halstead::{Halstead, TokenSink};
use crate::mi::MaintainabilityIndex;

/// Line counts of one function, from its syntax tree (not cloc's filters): `physical` = lines of
/// the whole declaration, `code` = lines holding at least one token, `comment` = lines holding
/// only comments, `blank` = the rest, `logical` = logical lines (statements; PMD NCSS for Java).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionLines {
    pub physical: u32,
    pub code: u32,
    pub comment: u32,
    pub blank: u32,
    pub logical: u32,
}

/// ABC size (Fitzpatrick): assignments, branches (calls), conditions; `magnitude = √(A²+B²+C²)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Abc {
    pub assignments: u32,
    pub branches: u32,
    pub conditions: u32,
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub magnitude: f64,
}

/// One function-like record, as reported by the reference tool of the language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionMetrics {
    pub name: String,
    pub qualified_name: String,
    #[serde(deserialize_with = "crate::intern")]
    pub kind: crate::StaticName,
    /// The line the reference tool reports (1-based).
    pub start_line: u32,
    /// 1-based column of the reported position: UTF-16 code units for JavaScript and TypeScript
    /// (as ESLint), bytes elsewhere.
    pub start_column: u32,
    pub end_line: u32,
    pub cyclomatic: u32,
    /// Cognitive complexity (SonarSource; PMD's variant for Java).
    pub cognitive: u32,
    /// Number of declared parameters.
    pub nargs: u32,
    /// Number of exit points (`return` statements; an arrow's expression body is one).
    pub nexits: u32,
    /// Maximum depth of nested control structures.
    pub nesting: u32,
    pub lines: FunctionLines,
    pub halstead: Halstead,
    pub mi: MaintainabilityIndex,
    pub abc: Abc,
    /// Index into the file's `classes` of the class declaring this function, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_index: Option<u32>,
    /// Whether the declaring language makes the function public (`public`, no leading `_`, ...).
    #[serde(skip)]
    pub public: bool,
}

impl FunctionMetrics {
    /// Computes the floating-point measures (Halstead's derived ones, ABC magnitude, MI) from
    /// the integer counts. The walk does this once; a result read back from the cache (whose
    /// JSON keeps 3 decimals) does it again, so cached and fresh values are identical.
    pub fn derive_measures(&mut self) {
        let h = self.halstead;
        self.halstead = Halstead::from_counts(h.n1, h.n2, h.total_operators, h.total_operands);
        let abc = &mut self.abc;
        abc.magnitude = ((abc.assignments as f64).powi(2) + (abc.branches as f64).powi(2) + (abc.conditions as f64).powi(2)).sqrt();
        self.mi = MaintainabilityIndex::compute(self.halstead.volume, self.cyclomatic, self.lines.physical, self.lines.comment);
    }
}

/// A syntax error found by tree-sitter (the file is still measured).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// [`Visitor::enter`] with the node's kind id, which the walk has already asked for.
    #[inline]
    fn enter_kind(&mut self, node: Node<'t>, _kind_id: u16, cx: &mut Context<'t>) {
        self.enter(node, cx)
    }
    /// Called when the walk leaves `node` (after its subtree), before the walk's own stacks pop.
    fn leave(&mut self, _node: Node<'t>, _cx: &mut Context<'t>) {}
    /// Called once after the last node, before the records are finished (class counts, WMC).
    fn finish(&mut self, _cx: &mut Context<'t>) {}
    /// Node kinds whose whole subtree is one Halstead operand (string literals, ...).
    fn atoms(&self) -> &'static [&'static str];
    /// Named leaf kinds that are a built-in type written with a keyword of the language (C#
    /// `predefined_type`, Java `boolean_type`): Halstead operators like the keywords the other
    /// grammars give such types as anonymous tokens (Java `int`, TypeScript `number`, PHP
    /// `string`), not operands.
    fn type_keywords(&self) -> &'static [&'static str] {
        &[]
    }
}

/// A visitor that also hands every node it enters, with its kind id, to `each` (a caller that
/// inspects the tree further, the `quality` rules, in the metric walk's own pass).
pub(crate) struct Also<'f, V> {
    pub inner: V,
    pub each: &'f mut dyn FnMut(Node<'_>, u16),
}

impl<'t, V: Visitor<'t>> Visitor<'t> for Also<'_, V> {
    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        self.enter_kind(node, node.kind_id(), cx)
    }
    #[inline]
    fn enter_kind(&mut self, node: Node<'t>, kind_id: u16, cx: &mut Context<'t>) {
        (self.each)(node, kind_id);
        self.inner.enter_kind(node, kind_id, cx)
    }
    fn leave(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        self.inner.leave(node, cx)
    }
    fn finish(&mut self, cx: &mut Context<'t>) {
        self.inner.finish(cx)
    }
    fn atoms(&self) -> &'static [&'static str] {
        self.inner.atoms()
    }
    fn type_keywords(&self) -> &'static [&'static str] {
        self.inner.type_keywords()
    }
}

/// [`walk`], with `each` (when given) fed every node the walk enters.
pub(crate) fn walk_also<'t, V: Visitor<'t>>(tree: &'t Tree, source: &'t [u8], visitor: V, each: Option<&mut dyn FnMut(Node<'_>, u16)>) -> WalkResult {
    match each {
        Some(each) => walk(tree, source, &mut Also { inner: visitor, each }),
        None => {
            let mut visitor = visitor;
            walk(tree, source, &mut visitor)
        }
    }
}

/// Result of a walk: records, classes, errors and file-level numbers.
pub(crate) struct WalkResult {
    pub functions: Vec<FunctionMetrics>,
    pub classes: Vec<ClassMetrics>,
    pub errors: Vec<SyntaxError>,
    /// Logical lines of the whole file.
    pub logical: u64,
}

impl WalkResult {
    pub fn empty() -> WalkResult {
        WalkResult { functions: Vec::new(), classes: Vec::new(), errors: Vec::new(), logical: 0 }
    }
}

/// Runs `visitor` over `tree` in one pre-order pass. Scopes pushed while entering a node are
/// popped when the walk leaves it.
pub(crate) fn walk<'t, V: Visitor<'t>>(tree: &'t Tree, source: &'t [u8], visitor: &mut V) -> WalkResult {
    let mut cx = Context::new(source);
    let grammar = tree.language();
    let tables = kind_tables(grammar, visitor.atoms(), visitor.type_keywords());
    cx.kinds = tables.kinds;
    cx.token_class = tables.token_class;
    cx.grammar = Some(grammar);
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let kind_id = node.kind_id();
        let missing = node.is_missing();
        if (kind_id == u16::MAX || missing) && cx.errors.len() < MAX_ERRORS {
            let message = if missing {
                format!("syntax error: missing {}", node.kind())
            } else {
                "syntax error".to_string()
            };
            cx.errors.push(SyntaxError { line: node.start_position().row as u32 + 1, message });
        }
        visitor.enter_kind(node, kind_id, &mut cx);
        cx.token(node, kind_id, missing);
        if cursor.goto_first_child() {
            cx.ancestors.push(node);
            continue;
        }
        loop {
            let left = cursor.node();
            visitor.leave(left, &mut cx);
            cx.exit(left.id());
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                visitor.finish(&mut cx);
                return cx.finish();
            }
            cx.ancestors.pop();
        }
    }
}

/// Per-grammar lookup tables of the walk: kind names by id, and each kind's token class.
#[derive(Clone, Copy)]
struct KindTables {
    kinds: &'static [&'static str],
    token_class: &'static [u8],
}

thread_local! {
    /// Tables per (grammar, atoms, type keywords): built once per thread and kept for the life of
    /// the process (a few grammars times a few rule sets, some KiB each). They used to be built
    /// for every file: a `strlen` and a UTF-8 check per kind name, then string searches.
    static KIND_TABLES: std::cell::RefCell<Vec<((lang::tree_sitter::Language, usize, usize), KindTables)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn kind_tables(grammar: lang::tree_sitter::Language, atoms: &'static [&'static str], type_keywords: &'static [&'static str]) -> KindTables {
    let key = (grammar, atoms.as_ptr() as usize, type_keywords.as_ptr() as usize);
    KIND_TABLES.with(|cell| {
        if let Some((_, t)) = cell.borrow().iter().find(|(k, _)| *k == key) {
            return *t;
        }
        let kinds: Vec<&'static str> = (0..grammar.node_kind_count()).map(|i| grammar.node_kind_for_id(i as u16).unwrap_or("")).collect();
        // Atoms and type keywords are named kinds: an anonymous token may share an atom's name
        // (PHP's and TypeScript's `string` type keyword beside their `string` literal node).
        let token_class: Vec<u8> = kinds
            .iter()
            .enumerate()
            .map(|(id, k)| {
                let named = grammar.node_kind_is_named(id as u16);
                if k.contains("comment") {
                    TOKEN_COMMENT
                } else if named && atoms.contains(k) {
                    TOKEN_ATOM
                } else if named && type_keywords.contains(k) {
                    TOKEN_TYPE_KEYWORD
                } else {
                    0
                }
            })
            .collect();
        let tables = KindTables { kinds: Vec::leak(kinds), token_class: Vec::leak(token_class) };
        cell.borrow_mut().push((key, tables));
        tables
    })
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

/// Span-based accumulators of one open record.
#[derive(Default)]
struct Accumulator {
    tokens: TokenSink,
    /// Cognitive nesting when the record opened.
    cognitive_base: u32,
    /// Nesting levels that never close (SonarJS quirk, see `cognitive_leak_nesting`).
    cognitive_leak: u32,
    /// Control-structure depth when the record opened.
    depth_base: u32,
    /// A node whose subtree does not count logical lines for this record (PMD NCSS does not
    /// descend into expression and return statements).
    logical_block: Option<usize>,
    start_row: u32,
    end_row: u32,
}

/// Walk state shared by all rule sets.
pub(crate) struct Context<'t> {
    pub source: &'t [u8],
    /// Ancestors of the current node, root first (tree-sitter's `parent()` walks down from the
    /// root on every call; this stack is free).
    ancestors: Vec<Node<'t>>,
    /// Node kind names by kind id (`Node::kind` runs `strlen` and UTF-8 validation per call).
    kinds: &'static [&'static str],
    /// Per kind id: comment, atom or type keyword (see `token`).
    token_class: &'static [u8],
    grammar: Option<lang::tree_sitter::Language>,
    /// Type keyword texts seen in this file: (text hash, id of the grammar's anonymous token of
    /// that text, 0 when it has none).
    type_keyword_ids: Vec<(u64, u16)>,
    scopes: Vec<Scope>,
    /// (owner node id, name) of enclosing named containers, for qualified names.
    names: Vec<(usize, String)>,
    pub functions: Vec<FunctionMetrics>,
    accumulators: Vec<Accumulator>,
    /// (owner node id, record index) of every record enclosing the current node, outermost first.
    open: Vec<(usize, usize)>,
    pub errors: Vec<SyntaxError>,
    /// Cognitive nesting level and the owners that raised it.
    cognitive_nesting: u32,
    cognitive_owners: Vec<usize>,
    /// Control-structure depth and the owners that raised it.
    depth: u32,
    depth_owners: Vec<usize>,
    /// Inside this atom (or comment) no further tokens are collected.
    atom_owner: Option<usize>,
    /// Per source row: bit 0 = holds a token, bit 1 = holds a comment.
    rows: Vec<u8>,
    file_logical: u64,
    file_logical_block: Option<usize>,
    pub classes: Vec<ClassMetrics>,
    /// (owner node id, class index, number of open records when the class opened).
    open_classes: Vec<(usize, usize, usize)>,
}

const TOKEN_COMMENT: u8 = 1;
const TOKEN_ATOM: u8 = 2;
const TOKEN_TYPE_KEYWORD: u8 = 3;

const ROW_CODE: u8 = 1;
const ROW_COMMENT: u8 = 2;

impl<'t> Context<'t> {
    fn new(source: &'t [u8]) -> Self {
        let row_count = source.iter().filter(|&&b| b == b'\n').count() + 1;
        Context {
            source,
            ancestors: Vec::new(),
            kinds: &[],
            token_class: &[],
            grammar: None,
            type_keyword_ids: Vec::new(),
            scopes: Vec::new(),
            names: Vec::new(),
            functions: Vec::new(),
            accumulators: Vec::new(),
            open: Vec::new(),
            errors: Vec::new(),
            cognitive_nesting: 0,
            cognitive_owners: Vec::new(),
            depth: 0,
            depth_owners: Vec::new(),
            atom_owner: None,
            rows: vec![0; row_count],
            file_logical: 0,
            file_logical_block: None,
            classes: Vec::new(),
            open_classes: Vec::new(),
        }
    }

    fn exit(&mut self, id: usize) {
        while self.scopes.last().map(|s| s.owner == id).unwrap_or(false) {
            self.scopes.pop();
        }
        while self.names.last().map(|n| n.0 == id).unwrap_or(false) {
            self.names.pop();
        }
        while self.open.last().map(|o| o.0 == id).unwrap_or(false) {
            self.open.pop();
        }
        while self.cognitive_owners.last() == Some(&id) {
            self.cognitive_owners.pop();
            self.cognitive_nesting -= 1;
        }
        while self.depth_owners.last() == Some(&id) {
            self.depth_owners.pop();
            self.depth -= 1;
        }
        while self.open_classes.last().map(|c| c.0 == id).unwrap_or(false) {
            self.open_classes.pop();
        }
        if self.atom_owner == Some(id) {
            self.atom_owner = None;
        }
        if self.file_logical_block == Some(id) {
            self.file_logical_block = None;
        }
        for &(_, i) in &self.open {
            let acc = &mut self.accumulators[i];
            if acc.logical_block == Some(id) {
                acc.logical_block = None;
            }
        }
    }

    /// Collects Halstead tokens and row flags of a leaf (or a whole atom).
    fn token(&mut self, node: Node<'t>, kind_id: u16, missing: bool) {
        if self.atom_owner.is_some() || missing {
            return;
        }
        let class = self.token_class.get(kind_id as usize).copied().unwrap_or(0);
        let leaf = node.child_count() == 0;
        if class == TOKEN_COMMENT && (leaf || node.is_extra()) {
            self.mark_rows(node, ROW_COMMENT);
            self.atom_owner = Some(node.id());
            return;
        }
        let is_atom = class == TOKEN_ATOM;
        let kind = if leaf && !is_atom && !node.is_named() { self.kinds.get(kind_id as usize).copied().unwrap_or("") } else { "" };
        if !leaf && !is_atom {
            return;
        }
        if node.start_byte() == node.end_byte() {
            return;
        }
        self.mark_rows(node, ROW_CODE);
        if is_atom {
            self.atom_owner = Some(node.id());
        }
        let text = &self.source[node.byte_range()];
        if class == TOKEN_TYPE_KEYWORD && leaf {
            let (hash, id) = self.type_keyword_id(text);
            for &(_, i) in &self.open {
                let sink = &mut self.accumulators[i].tokens;
                if id != 0 {
                    sink.operator(id);
                } else {
                    sink.operator_text(hash);
                }
            }
            return;
        }
        let operand = is_atom || node.is_named();
        if !operand && matches!(kind, ")" | "]" | "}") {
            return; // a bracket pair is one operator
        }
        for &(_, i) in &self.open {
            let sink = &mut self.accumulators[i].tokens;
            if operand {
                sink.operand(text);
            } else {
                sink.operator(node.kind_id());
            }
        }
    }

    /// A type keyword's operator identity: the kind id of the grammar's anonymous token with the
    /// same (lower-case) text if there is one, so that PHP's cast `(int)` and parameter type `int`
    /// are one operator; else the text's hash (C# `int` and `string` are two operators).
    fn type_keyword_id(&mut self, text: &[u8]) -> (u64, u16) {
        let hash = crate::halstead::fnv1a_lowercase(text);
        if let Some(&(_, id)) = self.type_keyword_ids.iter().find(|(h, _)| *h == hash) {
            return (hash, id);
        }
        let lower = text.to_ascii_lowercase();
        let id = match (self.grammar, std::str::from_utf8(&lower)) {
            (Some(g), Ok(t)) => g.id_for_node_kind(t, false),
            _ => 0,
        };
        self.type_keyword_ids.push((hash, id));
        (hash, id)
    }

    fn mark_rows(&mut self, node: Node<'t>, flag: u8) {
        let start = node.start_position().row;
        let end = node.end_position().row.min(self.rows.len().saturating_sub(1));
        for row in start..=end.max(start).min(self.rows.len().saturating_sub(1)) {
            self.rows[row] |= flag;
        }
    }

    fn finish(mut self) -> WalkResult {
        // prefix sums of code rows and comment-only rows
        let mut code_prefix = Vec::with_capacity(self.rows.len() + 1);
        let mut comment_prefix = Vec::with_capacity(self.rows.len() + 1);
        code_prefix.push(0u32);
        comment_prefix.push(0u32);
        for &r in &self.rows {
            let c = *code_prefix.last().unwrap() + (r & ROW_CODE != 0) as u32;
            let m = *comment_prefix.last().unwrap() + (r == ROW_COMMENT) as u32;
            code_prefix.push(c);
            comment_prefix.push(m);
        }
        let last = self.rows.len() as u32;
        for (f, acc) in self.functions.iter_mut().zip(std::mem::take(&mut self.accumulators)) {
            let (a, b) = (acc.start_row.min(last), (acc.end_row + 1).min(last));
            let (a, b) = (a as usize, b.max(a) as usize);
            f.lines.physical = acc.end_row - acc.start_row + 1;
            f.lines.code = code_prefix[b] - code_prefix[a];
            f.lines.comment = comment_prefix[b] - comment_prefix[a];
            f.lines.blank = f.lines.physical.saturating_sub(f.lines.code + f.lines.comment);
            f.halstead = acc.tokens.finish();
            f.derive_measures();
        }
        crate::classes::finish(&mut self.classes, &self.functions);
        WalkResult { functions: self.functions, classes: self.classes, errors: self.errors, logical: self.file_logical }
    }

    /// The kind name of `node`, from the table.
    #[inline]
    pub fn kind(&self, node: Node<'t>) -> &'static str {
        // One `ts_node_symbol` call: `is_error` would make a second (ERROR is u16::MAX).
        match self.kinds.get(node.kind_id() as usize) {
            Some(k) => k,
            None => node.kind(),
        }
    }

    /// The parent of the current node.
    pub fn parent(&self) -> Option<Node<'t>> {
        self.ancestors.last().copied()
    }

    /// The `n`-th ancestor of the current node (0 = parent).
    pub fn ancestor(&self, n: usize) -> Option<Node<'t>> {
        self.ancestors.len().checked_sub(n + 1).map(|i| self.ancestors[i])
    }

    /// The nearest ancestor that is not a `parenthesized_expression`.
    pub fn parent_skipping_parentheses(&self) -> Option<Node<'t>> {
        self.ancestors.iter().rev().find(|a| self.kind(**a) != "parenthesized_expression").copied()
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

    /// Records a function (complexity 1), opens its scope and its name; returns its index.
    pub fn open_function(&mut self, owner: Node<'t>, name: String, kind: &'static str, at: Node<'t>) -> usize {
        let pos = at.start_position();
        self.open_function_at(owner, name, kind, pos.row as u32 + 1, pos.column as u32 + 1)
    }

    pub fn open_function_at(&mut self, owner: Node<'t>, name: String, kind: &'static str, line: u32, column: u32) -> usize {
        let mut qualified: Vec<&str> = self.names.iter().map(|(_, n)| n.as_str()).collect();
        qualified.push(&name);
        let qualified_name = qualified.join(".");
        // A method of the innermost open class when no record opened since the class did.
        let class_index = match self.open_classes.last() {
            Some(&(_, c, open_len)) if open_len == self.open.len() => Some(c as u32),
            _ => None,
        };
        self.functions.push(FunctionMetrics {
            name: name.clone(),
            qualified_name,
            kind,
            start_line: line,
            start_column: column,
            end_line: owner.end_position().row as u32 + 1,
            cyclomatic: 1,
            cognitive: 0,
            nargs: 0,
            nexits: 0,
            nesting: 0,
            lines: FunctionLines::default(),
            halstead: Halstead::default(),
            mi: MaintainabilityIndex::default(),
            abc: Abc::default(),
            class_index,
            public: true,
        });
        let index = self.functions.len() - 1;
        self.accumulators.push(Accumulator {
            cognitive_base: self.cognitive_nesting,
            depth_base: self.depth,
            start_row: owner.start_position().row as u32,
            end_row: owner.end_position().row as u32,
            ..Default::default()
        });
        self.open.push((owner.id(), index));
        self.push_scope(owner, ScopeKind::Function(index));
        self.push_name(owner, name);
        index
    }

    /// Records a class-like declaration; methods opened directly inside it are attributed to it.
    pub fn open_class(&mut self, owner: Node<'t>, name: String, kind: &'static str, at: Node<'t>) -> usize {
        // The visitors push a class's own name before opening it; count it once.
        let mut qualified: Vec<&str> = self.names.iter().map(|(_, n)| n.as_str()).collect();
        if self.names.last().map(|(id, _)| *id) != Some(owner.id()) {
            qualified.push(name.as_str());
        }
        let qualified_name = qualified.join(".");
        self.classes.push(ClassMetrics::new(
            name,
            qualified_name,
            kind,
            at.start_position().row as u32 + 1,
            owner.end_position().row as u32 + 1,
        ));
        let index = self.classes.len() - 1;
        self.open_classes.push((owner.id(), index, self.open.len()));
        index
    }

    /// The class whose body directly encloses the current node (no record in between).
    pub fn current_class(&self) -> Option<usize> {
        match self.open_classes.last() {
            Some(&(_, c, open_len)) if open_len == self.open.len() => Some(c),
            _ => None,
        }
    }

    /// The node id of an open class.
    pub fn class_owner(&self, class: usize) -> usize {
        self.open_classes.iter().find(|c| c.1 == class).map(|c| c.0).unwrap_or(usize::MAX)
    }

    /// The class of the innermost open record (for `self.x = …` in a Python method).
    pub fn class_of_current_function(&self) -> Option<usize> {
        let &(_, f) = self.open.last()?;
        self.functions[f].class_index.map(|c| c as usize)
    }

    /// The innermost open record, for per-record counts (ABC, exits, arguments).
    pub fn innermost_mut(&mut self) -> Option<&mut FunctionMetrics> {
        let i = self.open.last()?.1;
        Some(&mut self.functions[i])
    }

    /// Cognitive: a structure at the current nesting (`+1 + nesting` for every open record).
    pub fn cognitive_structural(&mut self) {
        let nesting = self.cognitive_nesting;
        for &(_, i) in &self.open {
            let base = self.accumulators[i].cognitive_base;
            self.functions[i].cognitive += 1 + nesting.saturating_sub(base);
        }
    }

    /// Cognitive, own-function model (SonarJS): `+1 + nesting` for the innermost record only,
    /// nesting counted from where the record opened.
    pub fn cognitive_structural_own(&mut self) {
        if let Some(&(_, i)) = self.open.last() {
            let base = self.accumulators[i].cognitive_base;
            let leak = self.accumulators[i].cognitive_leak;
            self.functions[i].cognitive += 1 + self.cognitive_nesting.saturating_sub(base) + leak;
        }
    }

    /// SonarJS quirk: when the branch of a `?:` is itself a function, SonarJS raises the
    /// enclosing function's nesting on entering it but lowers the nested function's on leaving
    /// (its enter/exit handlers run in different orders), so the enclosing function stays one
    /// level deeper for the rest of its body.
    pub fn cognitive_leak_nesting(&mut self) {
        if let Some(&(_, i)) = self.open.last() {
            self.accumulators[i].cognitive_leak += 1;
        }
    }

    /// Cognitive, own-function model: a flat increment for the innermost record only.
    pub fn cognitive_add_own(&mut self, n: u32) {
        if let Some(&(_, i)) = self.open.last() {
            self.functions[i].cognitive += n;
        }
    }

    /// Cognitive: `f(nesting relative to the record)` for every open record.
    pub fn cognitive_apply(&mut self, f: impl Fn(u32) -> u32) {
        let nesting = self.cognitive_nesting;
        for &(_, i) in &self.open {
            let base = self.accumulators[i].cognitive_base;
            self.functions[i].cognitive += f(nesting.saturating_sub(base));
        }
    }

    /// Indices of the open records, outermost first.
    pub fn open_records(&self) -> Vec<usize> {
        self.open.iter().map(|o| o.1).collect()
    }

    /// Cognitive: a flat increment for every open record.
    pub fn cognitive_add(&mut self, n: u32) {
        for &(_, i) in &self.open {
            self.functions[i].cognitive += n;
        }
    }

    /// Cognitive: everything inside `owner` is one level deeper.
    pub fn push_cognitive_nesting(&mut self, owner: Node<'t>) {
        self.cognitive_nesting += 1;
        self.cognitive_owners.push(owner.id());
    }

    /// Control-structure depth: everything inside `owner` is one level deeper; updates the
    /// innermost record's maximum.
    pub fn push_depth(&mut self, owner: Node<'t>) {
        self.depth += 1;
        self.depth_owners.push(owner.id());
        if let Some(&(_, i)) = self.open.last() {
            let d = self.depth - self.accumulators[i].depth_base;
            let f = &mut self.functions[i];
            f.nesting = f.nesting.max(d);
        }
    }

    /// Logical lines: `n` for every open record and the file; with `descend == false` nothing
    /// inside `node` counts (PMD NCSS does not look into expression or return statements).
    pub fn logical(&mut self, node: Node<'t>, n: u32, descend: bool) {
        if self.file_logical_block.is_none() {
            self.file_logical += n as u64;
            if !descend {
                self.file_logical_block = Some(node.id());
            }
        }
        for &(_, i) in &self.open {
            let acc = &mut self.accumulators[i];
            if acc.logical_block.is_none() {
                self.functions[i].lines.logical += n;
                if !descend {
                    acc.logical_block = Some(node.id());
                }
            }
        }
    }

    /// ABC counts of the innermost record.
    pub fn abc(&mut self, assignments: u32, branches: u32, conditions: u32) {
        if let Some(f) = self.innermost_mut() {
            f.abc.assignments += assignments;
            f.abc.branches += branches;
            f.abc.conditions += conditions;
        }
    }

    /// An exit point of the innermost record.
    pub fn exit_point(&mut self) {
        if let Some(f) = self.innermost_mut() {
            f.nexits += 1;
        }
    }

    /// Source text of a node (lossy for invalid UTF-8).
    pub fn text(&self, node: Node<'t>) -> String {
        String::from_utf8_lossy(&self.source[node.byte_range()]).into_owned()
    }

    /// Raw bytes of a node.
    pub fn bytes(&self, node: Node<'t>) -> &'t [u8] {
        &self.source[node.byte_range()]
    }

    /// Text of the named field, if present.
    pub fn field_text(&self, node: Node<'t>, field: &'static str) -> Option<String> {
        node.field(field).map(|n| self.text(n))
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

/// `Node::child_by_field_name` with the field id cached per thread, grammar and name: the
/// runtime resolves a name by `strncmp` over all of the grammar's field names on every call,
/// which was a few percent of a whole `metrics` run.
pub(crate) trait NodeExt<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    #[inline]
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(self.language(), name)?)
    }
}

thread_local! {
    /// Per grammar: (name pointer, name length, field id). Names are `'static`, so a pointer
    /// names one string for the life of the process.
    static FIELD_IDS: std::cell::RefCell<Vec<(lang::tree_sitter::Language, Vec<(usize, usize, Option<u16>)>)>> =
        std::cell::RefCell::new(Vec::new());
}

fn field_id(grammar: lang::tree_sitter::Language, name: &'static str) -> Option<u16> {
    FIELD_IDS.with(|cell| {
        let mut all = cell.borrow_mut();
        let i = match all.iter().position(|(g, _)| *g == grammar) {
            Some(i) => i,
            None => {
                all.push((grammar, Vec::new()));
                all.len() - 1
            }
        };
        let ids = &mut all[i].1;
        let key = (name.as_ptr() as usize, name.len());
        if let Some(&(_, _, id)) = ids.iter().find(|(p, l, _)| (*p, *l) == key) {
            return id;
        }
        let id = grammar.field_id_for_name(name);
        ids.push((key.0, key.1, id));
        id
    })
}

/// The operator token of a binary node (`&&`, `||`, `and`, ...), read from its `operator` field.
pub(crate) fn operator<'t>(node: Node<'t>) -> Option<&'static str> {
    node.field("operator").map(|op| op.kind())
}

/// Named children that are not comments.
pub(crate) fn count_named_children(node: Node<'_>, skip: &[&str]) -> u32 {
    let mut cursor = node.walk();
    let n = node.named_children(&mut cursor).filter(|c| !c.is_extra() && !skip.contains(&c.kind())).count();
    n as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    struct CountAll(usize);
    impl<'t> Visitor<'t> for CountAll {
        fn enter(&mut self, _node: Node<'t>, _cx: &mut Context<'t>) {
            self.0 += 1;
        }
        fn atoms(&self) -> &'static [&'static str] {
            &[]
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
