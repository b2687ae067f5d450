//! The knowledge graph of a tree: typed nodes and edges, built from per-file structures and the
//! tree's resolved imports.
//!
//! Nodes (`kind`, `id`):
//! * `repository` `repo:.`; `directory` `dir:<path>`; `file` `file:<path>`;
//! * `module` `module:<name>`: a declared package (Java, Kotlin, Scala, Go) or a module /
//!   namespace symbol (Rust `mod`, C# and C++ namespaces, Ruby modules), one node per name;
//! * `class` (also struct, record, object, union, annotation, extension: `detail` says which),
//!   `interface` (also trait), `enum`: `type:<path>#<qualified name>`;
//! * `function`, `method` (also constructor, destructor): `fn:<path>#<qualified name>`;
//! * `external` `ext:<ecosystem>:<package>`: a package imported from outside the tree.
//!
//! Edges: `contains` (repository → directory → file, directory → subdirectory, module → file),
//! `defines` (file → its top-level symbols, a type or module → its members), `imports` (file →
//! file or external), `extends` / `implements` (type → type), `calls` (function, method or file
//! → function or method).
//!
//! Precision of `calls`: receivers are not typed. A call resolves to a function or method of
//! the tree with the same simple name, preferring (1) a member of the caller's own type, (2)
//! one in the caller's file, (3) the only one among the files the caller's file imports, (4) the
//! only one in the tree. A name with several candidates and no such preference is `ambiguous`,
//! a name with none (library calls, builtins) `unresolved`; both are counted, not drawn. So a
//! drawn call edge can be wrong only where a library method shares its name with exactly one
//! method of the tree (`list.add(x)` → the tree's only `add`). Supertypes resolve the same way
//! (same file, imported files, only one in the tree); others are counted as unresolved.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::classes::TYPE_KINDS;
use crate::{directory_of, last_segment, SourceFile};

/// Bump when the serialized graph changes shape (it is stored by content snapshot).
pub const FORMAT: u32 = 1;

pub const NODE_KINDS: &[&str] = &["repository", "directory", "file", "module", "class", "interface", "enum", "function", "method", "external"];
pub const EDGE_KINDS: &[&str] = &["contains", "defines", "imports", "extends", "implements", "calls"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: String,
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The symbol kind when `kind` groups several (`struct` for a `class` node), or the ecosystem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    pub kind: String,
}

/// Counts of what the graph could not resolve (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    pub calls_found: u64,
    pub calls_resolved: u64,
    pub calls_ambiguous: u64,
    pub calls_unresolved: u64,
    pub supertypes_resolved: u64,
    pub supertypes_unresolved: u64,
    pub imports_unresolved: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeGraph {
    pub format: u32,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub resolution: Resolution,
}

/// Where an import of the tree leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    File(String),
    /// A directory standing for a package (a Java wildcard import, a Go package).
    Directory(String),
    External { ecosystem: String, package: String },
    Unresolved,
}

/// One import: the importing file's path and its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub from: String,
    pub target: ImportTarget,
}

/// The graph's node kind for a symbol kind.
fn node_kind(symbol_kind: &str) -> &'static str {
    match symbol_kind {
        "interface" | "trait" => "interface",
        "enum" => "enum",
        "module" | "namespace" => "module",
        "function" => "function",
        "method" | "constructor" | "destructor" => "method",
        _ => "class",
    }
}

struct Builder {
    /// The analysed directory as the paths show it (`.` or `sub/dir`): the repository node.
    root: String,
    graph: KnowledgeGraph,
    index: HashMap<String, u32>,
    edges: HashSet<(u32, u32, &'static str)>,
}

impl Builder {
    fn node(&mut self, id: String, kind: &str, name: &str, path: Option<&str>, line: Option<u32>, detail: Option<&str>) -> u32 {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        let i = self.graph.nodes.len() as u32;
        self.index.insert(id.clone(), i);
        self.graph.nodes.push(Node { id, kind: kind.into(), name: name.into(), path: path.map(String::from), line, detail: detail.map(String::from) });
        i
    }

    fn edge(&mut self, from: u32, to: u32, kind: &'static str) {
        if self.edges.insert((from, to, kind)) {
            self.graph.edges.push(Edge { from, to, kind: kind.into() });
        }
    }

    fn directory(&mut self, repo: u32, dir: &str) -> u32 {
        if dir.is_empty() || dir == self.root {
            return repo;
        }
        if let Some(&i) = self.index.get(&format!("dir:{dir}")) {
            return i;
        }
        let parent = self.directory(repo, directory_of(dir));
        let name = dir.rsplit('/').next().unwrap_or(dir);
        let i = self.node(format!("dir:{dir}"), "directory", name, Some(dir), None, None);
        self.edge(parent, i, "contains");
        i
    }
}

/// The knowledge graph of `files` (sorted by path) and their `imports`; `root` names the
/// repository node.
pub fn build(root: &str, files: &[SourceFile], imports: &[Import]) -> KnowledgeGraph {
    let mut b = Builder { root: root.to_string(), graph: KnowledgeGraph { format: FORMAT, ..Default::default() }, index: HashMap::new(), edges: HashSet::new() };
    let repo = b.node("repo:.".into(), "repository", root, Some(root), None, None);
    // symbol node of (file index, symbol index)
    let mut symbol_nodes: Vec<Vec<Option<u32>>> = Vec::with_capacity(files.len());
    let mut file_nodes = Vec::with_capacity(files.len());
    for file in files {
        let dir = b.directory(repo, directory_of(&file.path));
        let name = file.path.rsplit('/').next().unwrap_or(&file.path);
        let f = b.node(format!("file:{}", file.path), "file", name, Some(&file.path), None, Some(&file.language));
        file_nodes.push(f);
        b.edge(dir, f, "contains");
        if let Some(package) = &file.package {
            let m = b.node(format!("module:{package}"), "module", package, None, None, Some("package"));
            b.edge(m, f, "contains");
        }
        let mut nodes = Vec::with_capacity(file.structure.symbols.len());
        let mut by_qualified: HashMap<&str, u32> = HashMap::new();
        for s in &file.structure.symbols {
            if s.kind == "impl" {
                nodes.push(None); // an impl block's members belong to its type (below)
                continue;
            }
            let kind = node_kind(&s.kind);
            let id = if kind == "module" { format!("module:{}", s.qualified_name) } else if matches!(kind, "function" | "method") { format!("fn:{}#{}", file.path, s.qualified_name) } else { format!("type:{}#{}", file.path, s.qualified_name) };
            let detail = (kind != s.kind).then_some(s.kind.as_str());
            let n = b.node(id, kind, &s.name, Some(&file.path), Some(s.start_line), detail);
            let owner = s.parent.as_deref().and_then(|p| by_qualified.get(p).copied().or_else(|| impl_owner(file, p).and_then(|t| by_qualified.get(t).copied())));
            b.edge(owner.unwrap_or(f), n, "defines");
            if kind == "module" {
                b.edge(n, f, "contains");
            }
            by_qualified.entry(s.qualified_name.as_str()).or_insert(n);
            nodes.push(Some(n));
        }
        symbol_nodes.push(nodes);
    }
    let file_index: HashMap<&str, usize> = files.iter().enumerate().map(|(i, f)| (f.path.as_str(), i)).collect();
    let mut imported: Vec<HashSet<usize>> = vec![HashSet::new(); files.len()];
    for import in imports {
        let Some(&from) = file_index.get(import.from.as_str()) else { continue };
        match &import.target {
            ImportTarget::File(path) => match file_index.get(path.as_str()) {
                Some(&to) => {
                    imported[from].insert(to);
                    b.edge(file_nodes[from], file_nodes[to], "imports");
                }
                None => b.graph.resolution.imports_unresolved += 1,
            },
            ImportTarget::Directory(path) => match b.index.get(&format!("dir:{path}")).copied() {
                Some(d) => b.edge(file_nodes[from], d, "imports"),
                None => b.graph.resolution.imports_unresolved += 1,
            },
            ImportTarget::External { ecosystem, package } => {
                let e = b.node(format!("ext:{ecosystem}:{package}"), "external", package, None, None, Some(ecosystem));
                b.edge(file_nodes[from], e, "imports");
            }
            ImportTarget::Unresolved => b.graph.resolution.imports_unresolved += 1,
        }
    }
    let names = NameIndex::new(files, &symbol_nodes);
    for (f, file) in files.iter().enumerate() {
        let s = &file.structure;
        for sup in &s.supertypes {
            let symbol = &s.symbols[sup.symbol];
            let owner = if symbol.kind == "impl" {
                names.resolve(Kinds::Types, symbol.name.rsplit(" for ").next().unwrap_or(&symbol.name), f, None, &imported[f])
            } else {
                symbol_nodes[f][sup.symbol]
            };
            for (list, kind) in [(&sup.extends, "extends"), (&sup.implements, "implements")] {
                for name in list {
                    match (owner, names.resolve(Kinds::Types, name, f, None, &imported[f])) {
                        (Some(o), Some(t)) if o != t => {
                            b.graph.resolution.supertypes_resolved += 1;
                            b.edge(o, t, kind);
                        }
                        _ => b.graph.resolution.supertypes_unresolved += 1,
                    }
                }
            }
        }
        for call in &s.calls {
            b.graph.resolution.calls_found += 1;
            let caller = call.caller.and_then(|c| symbol_nodes[f][c]);
            let owner_type = call.caller.and_then(|c| s.symbols[c].parent.as_deref());
            match names.resolve_call(&call.name, f, owner_type, &imported[f]) {
                Resolved::One(target) => {
                    b.graph.resolution.calls_resolved += 1;
                    b.edge(caller.unwrap_or(file_nodes[f]), target, "calls");
                }
                Resolved::Ambiguous => b.graph.resolution.calls_ambiguous += 1,
                Resolved::None => b.graph.resolution.calls_unresolved += 1,
            }
        }
    }
    b.graph
}

/// The type an `impl` block named `parent` (`Trait for Type` or `Type`) extends, for its members.
fn impl_owner<'a>(file: &'a SourceFile, parent: &'a str) -> Option<&'a str> {
    file.structure.symbols.iter().find(|s| s.kind == "impl" && s.qualified_name == parent)?;
    Some(parent.rsplit(" for ").next().unwrap_or(parent))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kinds {
    Types,
    Functions,
}

enum Resolved {
    One(u32),
    Ambiguous,
    None,
}

/// Symbols by simple name: (file, node, parent qualified name).
struct NameIndex<'a> {
    types: HashMap<&'a str, Vec<(usize, u32, Option<&'a str>)>>,
    functions: HashMap<&'a str, Vec<(usize, u32, Option<&'a str>)>>,
}

impl<'a> NameIndex<'a> {
    fn new(files: &'a [SourceFile], symbol_nodes: &[Vec<Option<u32>>]) -> Self {
        let mut index = NameIndex { types: HashMap::new(), functions: HashMap::new() };
        for (f, file) in files.iter().enumerate() {
            for (i, s) in file.structure.symbols.iter().enumerate() {
                let Some(n) = symbol_nodes[f][i] else { continue };
                let parent = s.parent.as_deref().map(|p| p.rsplit(" for ").next().unwrap_or(p));
                let map = match node_kind(&s.kind) {
                    "function" | "method" => &mut index.functions,
                    "module" => continue,
                    _ if TYPE_KINDS.contains(&s.kind.as_str()) => &mut index.types,
                    _ => continue,
                };
                map.entry(s.name.as_str()).or_default().push((f, n, parent));
            }
        }
        index
    }

    fn pick(&self, kinds: Kinds, name: &str, file: usize, owner: Option<&str>, imported: &HashSet<usize>) -> Resolved {
        let map = if kinds == Kinds::Types { &self.types } else { &self.functions };
        let Some(candidates) = map.get(last_segment(name)) else { return Resolved::None };
        let unique = |found: Vec<u32>| -> Option<u32> {
            let mut found = found;
            found.dedup();
            (found.len() == 1).then(|| found[0])
        };
        if let Some(owner) = owner {
            if let Some(n) = unique(candidates.iter().filter(|c| c.0 == file && c.2 == Some(owner)).map(|c| c.1).collect()) {
                return Resolved::One(n);
            }
        }
        for filter in [&|c: &(usize, u32, Option<&str>)| c.0 == file, &|c: &(usize, u32, Option<&str>)| imported.contains(&c.0), &|_: &(usize, u32, Option<&str>)| true] as [&dyn Fn(&(usize, u32, Option<&str>)) -> bool; 3] {
            let found: Vec<u32> = candidates.iter().filter(|c| filter(c)).map(|c| c.1).collect();
            if let Some(n) = unique(found.clone()) {
                return Resolved::One(n);
            }
            if found.len() > 1 {
                return Resolved::Ambiguous;
            }
        }
        Resolved::None
    }

    fn resolve(&self, kinds: Kinds, name: &str, file: usize, owner: Option<&str>, imported: &HashSet<usize>) -> Option<u32> {
        match self.pick(kinds, name, file, owner, imported) {
            Resolved::One(n) => Some(n),
            _ => None,
        }
    }

    fn resolve_call(&self, name: &str, file: usize, owner: Option<&str>, imported: &HashSet<usize>) -> Resolved {
        self.pick(Kinds::Functions, name, file, owner, imported)
    }
}

/// The graph with its adjacency, for queries and exports.
pub struct Indexed {
    pub graph: KnowledgeGraph,
    pub by_id: HashMap<String, u32>,
    /// Per node: (edge index) of its outgoing and incoming edges.
    pub out: Vec<Vec<u32>>,
    pub inc: Vec<Vec<u32>>,
}

impl Indexed {
    pub fn new(graph: KnowledgeGraph) -> Indexed {
        let n = graph.nodes.len();
        let mut out = vec![Vec::new(); n];
        let mut inc = vec![Vec::new(); n];
        for (i, e) in graph.edges.iter().enumerate() {
            out[e.from as usize].push(i as u32);
            inc[e.to as usize].push(i as u32);
        }
        let by_id = graph.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i as u32)).collect();
        Indexed { graph, by_id, out, inc }
    }

    /// Node and edge counts by kind, in kind order.
    pub fn counts(&self) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
        let mut nodes = BTreeMap::new();
        for n in &self.graph.nodes {
            *nodes.entry(n.kind.clone()).or_insert(0) += 1;
        }
        let mut edges = BTreeMap::new();
        for e in &self.graph.edges {
            *edges.entry(e.kind.clone()).or_insert(0) += 1;
        }
        (nodes, edges)
    }
}
