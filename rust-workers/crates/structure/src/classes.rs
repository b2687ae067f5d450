//! The class structure of a tree as a picture: its types (classes, interfaces, enums, structs,
//! traits, records, objects, modules, namespaces) inside their files, `extends` and
//! `implements` between them, and `contains` from a type to the types declared inside it.
//!
//! A supertype resolves to a type of the tree by its last name segment (`a.b.Base` → `Base`):
//! one in the same file first, then in the same directory, then the only one in the tree;
//! otherwise it is drawn as an `external` node under the name as written. Rust's
//! `impl Trait for Type` makes `Type` implement `Trait` (the impl block is no node).
//!
//! Past `max_nodes` nodes the picture collapses to directories: one node per directory holding
//! types, the relations between directories counted on the edges (externals left out), and the
//! [`Diagram`] says so; past `max_nodes` directories it keeps the directories with most types.

use std::collections::{BTreeMap, HashMap};

use crate::picture::{Edge, Picture};
use crate::{directory_of, last_segment, SourceFile};

/// Symbol kinds drawn as types.
pub const TYPE_KINDS: &[&str] = &["class", "interface", "annotation", "enum", "struct", "union", "trait", "object", "record", "module", "namespace", "extension"];

/// A picture and how it was drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub picture: Picture,
    /// `type` (each type a node), or `directory` after collapsing.
    pub level: &'static str,
    pub collapsed: bool,
    /// Why the picture is not the whole detail, if it is not.
    pub note: Option<String>,
    /// Nodes of the full-detail picture (types + externals).
    pub total_nodes: usize,
}

struct TypeNode {
    file: usize,
    qualified_name: String,
    name: String,
    kind: String,
}

/// The class-structure picture of `files`, at most `max_nodes` nodes.
pub fn picture(files: &[SourceFile], max_nodes: usize) -> Diagram {
    let mut types: Vec<TypeNode> = Vec::new();
    let mut by_qualified: HashMap<(usize, &str), usize> = HashMap::new();
    for (f, file) in files.iter().enumerate() {
        for s in &file.structure.symbols {
            if TYPE_KINDS.contains(&s.kind.as_str()) {
                types.push(TypeNode { file: f, qualified_name: s.qualified_name.clone(), name: s.name.clone(), kind: s.kind.clone() });
            }
        }
    }
    for (i, t) in types.iter().enumerate() {
        by_qualified.entry((t.file, t.qualified_name.as_str())).or_insert(i);
    }
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, t) in types.iter().enumerate() {
        by_name.entry(t.name.as_str()).or_default().push(i);
    }
    // relations: (from type, to type or external name, kind)
    let mut relations: Vec<(usize, Result<usize, String>, &'static str)> = Vec::new();
    for (f, file) in files.iter().enumerate() {
        let s = &file.structure;
        for sup in &s.supertypes {
            let symbol = &s.symbols[sup.symbol];
            let owner_name = if symbol.kind == "impl" { symbol.name.rsplit(" for ").next().unwrap_or(&symbol.name).to_string() } else { symbol.qualified_name.clone() };
            let owner = by_qualified.get(&(f, owner_name.as_str())).copied().or_else(|| resolve(&types, &by_name, files, f, &owner_name));
            let Some(owner) = owner else { continue };
            for (names, kind) in [(&sup.extends, "extends"), (&sup.implements, "implements")] {
                for name in names {
                    let target = resolve(&types, &by_name, files, f, name).ok_or_else(|| name.clone());
                    relations.push((owner, target, kind));
                }
            }
        }
        for sym in &s.symbols {
            if let (Some(parent), Some(&child)) = (&sym.parent, by_qualified.get(&(f, sym.qualified_name.as_str()))) {
                if types[child].qualified_name != sym.qualified_name || !TYPE_KINDS.contains(&sym.kind.as_str()) {
                    continue;
                }
                if let Some(&p) = by_qualified.get(&(f, parent.as_str())) {
                    relations.push((p, Ok(child), "contains"));
                }
            }
        }
    }
    let externals: Vec<&String> = {
        let mut names: Vec<&String> = relations.iter().filter_map(|(_, t, _)| t.as_ref().err()).collect();
        names.sort();
        names.dedup();
        names
    };
    let total_nodes = types.len() + externals.len();
    if total_nodes <= max_nodes {
        let mut picture = Picture::default();
        for t in &types {
            picture.node(&t.qualified_name, &t.kind, Some(files[t.file].path.clone()));
        }
        let external_index: HashMap<&String, usize> = externals.iter().map(|&n| (n, picture.node(n.clone(), "external", None))).collect();
        for (from, to, kind) in &relations {
            let to = match to {
                Ok(t) => *t,
                Err(name) => external_index[name],
            };
            picture.edge(*from, to, *kind);
        }
        return Diagram { picture, level: "type", collapsed: false, note: None, total_nodes };
    }
    collapse(files, &types, &relations, max_nodes, total_nodes)
}

/// The type `name` (as written in file `f`) means, if the tree has one.
fn resolve(types: &[TypeNode], by_name: &HashMap<&str, Vec<usize>>, files: &[SourceFile], f: usize, name: &str) -> Option<usize> {
    let candidates = by_name.get(last_segment(name))?;
    let in_file = candidates.iter().copied().find(|&c| types[c].file == f);
    let dir = directory_of(&files[f].path);
    let in_dir = || {
        let same: Vec<usize> = candidates.iter().copied().filter(|&c| directory_of(&files[types[c].file].path) == dir).collect();
        (same.len() == 1).then(|| same[0])
    };
    in_file.or_else(in_dir).or_else(|| (candidates.len() == 1).then(|| candidates[0]))
}

fn collapse(files: &[SourceFile], types: &[TypeNode], relations: &[(usize, Result<usize, String>, &'static str)], max_nodes: usize, total_nodes: usize) -> Diagram {
    let mut per_dir: BTreeMap<&str, usize> = BTreeMap::new();
    for t in types {
        *per_dir.entry(directory_of(&files[t.file].path)).or_default() += 1;
    }
    let mut dirs: Vec<(&str, usize)> = per_dir.into_iter().collect();
    let all_dirs = dirs.len();
    if dirs.len() > max_nodes {
        dirs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        dirs.truncate(max_nodes);
        dirs.sort();
    }
    let mut picture = Picture::default();
    let index: HashMap<&str, usize> = dirs.iter().map(|&(d, n)| (d, picture.node(format!("{} ({n} types)", if d.is_empty() { "." } else { d }), "directory", None))).collect();
    let mut merged: BTreeMap<(usize, usize, &str), u32> = BTreeMap::new();
    for (from, to, kind) in relations {
        let Ok(to) = to else { continue };
        let a = index.get(directory_of(&files[types[*from].file].path));
        let b = index.get(directory_of(&files[types[*to].file].path));
        if let (Some(&a), Some(&b)) = (a, b) {
            if a != b {
                *merged.entry((a, b, kind)).or_default() += 1;
            }
        }
    }
    picture.edges = merged.into_iter().map(|((from, to, kind), count)| Edge { from, to, kind: kind.to_string(), count, highlight: false }).collect();
    let mut note = format!("{total_nodes} nodes exceed maxNodes {max_nodes}: collapsed to {all_dirs} directories (relations inside a directory and to external types not drawn)");
    if all_dirs > dirs.len() {
        note.push_str(&format!("; only the {} directories with most types are drawn", dirs.len()));
    }
    Diagram { picture, level: "directory", collapsed: true, note: Some(note), total_nodes }
}
