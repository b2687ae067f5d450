//! Dependency graphs at file, directory and external level; fan-in, fan-out, Martin's
//! instability; cycles by Tarjan's SCC (iterative) with a shortest cycle path each (BFS).
//!
//! * File level: one node per parsed file; an import of a file is an edge to it, an import of a
//!   package directory (Java wildcard, Go package, C# namespace) an edge to every parsed file
//!   directly in that directory (but the importer). A file importing itself is a self-loop.
//! * Directory level: one node per directory holding a parsed file (`.` for the root); edges
//!   between different directories (imports inside one directory are no edge).
//! * External level: the directory graph plus one node per external package,
//!   `<ecosystem>:<package>` (`npm:react`, `maven:org.junit`).
//!
//! An edge's count is the number of imports behind it. Fan-in (Ca) and fan-out (Ce) count
//! distinct neighbours, self-loops excluded; instability is Ce / (Ca + Ce), 0 for an isolated node.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde::Serialize;

use crate::{Target, TreeImports};

/// The granularity of a graph's nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Files of the tree.
    File,
    /// Directories (packages) of the tree.
    Directory,
    /// Directories of the tree plus external packages (`<ecosystem>:<package>`) as nodes.
    External,
}

impl Level {
    /// `file`, `directory`, `external`.
    pub fn from_name(name: &str) -> Option<Level> {
        match name {
            "file" => Some(Level::File),
            "directory" => Some(Level::Directory),
            "external" => Some(Level::External),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::File => "file",
            Level::Directory => "directory",
            Level::External => "external",
        }
    }
}

/// Nodes (sorted names) and edges `(from, to, count)` sorted by `(from, to)`; count is the number
/// of imports behind the edge.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<String>,
    edges: Vec<(usize, usize, u32)>,
    /// Outgoing neighbours per node (sorted), self-loops included.
    out: Vec<Vec<usize>>,
}

/// Per node: Ca (fan-in), Ce (fan-out), instability Ce/(Ca+Ce) (0 when both are 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStats {
    pub name: String,
    pub fan_in: usize,
    pub fan_out: usize,
    pub instability: f64,
}

/// One strongly connected component with more than one node (or a self-loop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cycle {
    /// Sorted member names.
    pub members: Vec<String>,
    /// A shortest cycle through the first member: `[a, b, ..., a]`.
    pub shortest: Vec<String>,
}

fn directory(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..i].to_string(),
        None => ".".to_string(),
    }
}

fn dir_name(path: &str) -> String {
    if path.is_empty() {
        ".".into()
    } else {
        path.to_string()
    }
}

impl Graph {
    pub fn build(imports: &TreeImports, level: Level) -> Graph {
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut pairs: BTreeMap<(String, String), u32> = BTreeMap::new();
        // Parsed files per directory, for package-directory targets at file level.
        let mut files_in: HashMap<String, Vec<&str>> = HashMap::new();
        for f in &imports.files {
            files_in.entry(directory(&f.path)).or_default().push(&f.path);
        }
        for f in &imports.files {
            let from = match level {
                Level::File => f.path.clone(),
                Level::Directory | Level::External => directory(&f.path),
            };
            names.insert(from.clone());
            for i in &f.imports {
                let targets: Vec<String> = match (&i.target, level) {
                    (Target::File { path }, Level::File) => vec![path.clone()],
                    (Target::Directory { path }, Level::File) => {
                        files_in.get(&dir_name(path)).map(|v| v.iter().filter(|p| **p != f.path).map(|p| p.to_string()).collect()).unwrap_or_default()
                    }
                    (Target::File { path }, _) => vec![directory(path)],
                    (Target::Directory { path }, _) => vec![dir_name(path)],
                    (Target::External { ecosystem, package }, Level::External) => vec![format!("{ecosystem}:{package}")],
                    _ => Vec::new(),
                };
                for t in targets {
                    // A file importing itself (a Rust `self::inline_module`, a Python package's
                    // `from . import x`, a directory's files importing each other) is no edge.
                    if t == from {
                        continue;
                    }
                    names.insert(t.clone());
                    *pairs.entry((from.clone(), t)).or_default() += 1;
                }
            }
        }
        let nodes: Vec<String> = names.into_iter().collect();
        let id: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
        let mut edges: Vec<(usize, usize, u32)> = pairs.iter().map(|((a, b), c)| (id[a.as_str()], id[b.as_str()], *c)).collect();
        edges.sort();
        let mut out = vec![Vec::new(); nodes.len()];
        for &(a, b, _) in &edges {
            out[a].push(b);
        }
        Graph { nodes, edges, out }
    }

    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    pub fn edges(&self) -> &[(usize, usize, u32)] {
        &self.edges
    }

    /// The index of a node by name.
    pub fn node(&self, name: &str) -> Option<usize> {
        self.nodes.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    /// Per node, in node order.
    pub fn stats(&self) -> Vec<NodeStats> {
        let mut fan_in = vec![0usize; self.nodes.len()];
        let mut fan_out = vec![0usize; self.nodes.len()];
        for &(a, b, _) in &self.edges {
            if a != b {
                fan_out[a] += 1;
                fan_in[b] += 1;
            }
        }
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let total = fan_in[i] + fan_out[i];
                let instability = if total == 0 { 0.0 } else { fan_out[i] as f64 / total as f64 };
                NodeStats { name: name.clone(), fan_in: fan_in[i], fan_out: fan_out[i], instability }
            })
            .collect()
    }

    /// The `n` nodes with the highest fan-in (ties by name), fan-in 0 left out.
    pub fn most_depended_on(&self, n: usize) -> Vec<NodeStats> {
        let mut s: Vec<NodeStats> = self.stats().into_iter().filter(|s| s.fan_in > 0).collect();
        s.sort_by(|a, b| b.fan_in.cmp(&a.fan_in).then(a.name.cmp(&b.name)));
        s.truncate(n);
        s
    }

    /// Strongly connected components (Tarjan, iterative), each as sorted node indexes.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.nodes.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0;
        let mut result = Vec::new();
        for start in 0..n {
            if index[start] != usize::MAX {
                continue;
            }
            // (node, position in its neighbour list)
            let mut call: Vec<(usize, usize)> = vec![(start, 0)];
            index[start] = next;
            low[start] = next;
            next += 1;
            stack.push(start);
            on_stack[start] = true;
            while let Some(&mut (v, ref mut pos)) = call.last_mut() {
                if *pos < self.out[v].len() {
                    let w = self.out[v][*pos];
                    *pos += 1;
                    if index[w] == usize::MAX {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        call.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                } else {
                    call.pop();
                    if let Some(&(parent, _)) = call.last() {
                        low[parent] = low[parent].min(low[v]);
                    }
                    if low[v] == index[v] {
                        let mut component = Vec::new();
                        while let Some(w) = stack.pop() {
                            on_stack[w] = false;
                            component.push(w);
                            if w == v {
                                break;
                            }
                        }
                        component.sort();
                        result.push(component);
                    }
                }
            }
        }
        result
    }

    /// Components of more than one node, or one node with a self-loop; sorted by first member.
    pub fn cycles(&self) -> Vec<Cycle> {
        let mut cycles: Vec<Cycle> = self
            .components()
            .into_iter()
            .filter(|c| c.len() > 1 || self.out[c[0]].binary_search(&c[0]).is_ok())
            .map(|c| {
                let first = c[0];
                let path = self.shortest_cycle(first, &c).unwrap_or_else(|| vec![first, first]);
                Cycle { members: c.iter().map(|&i| self.nodes[i].clone()).collect(), shortest: path.iter().map(|&i| self.nodes[i].clone()).collect() }
            })
            .collect();
        cycles.sort_by(|a, b| a.members.cmp(&b.members));
        cycles
    }

    /// A shortest path from `start` back to itself inside `members` (sorted), by BFS.
    fn shortest_cycle(&self, start: usize, members: &[usize]) -> Option<Vec<usize>> {
        if self.out[start].binary_search(&start).is_ok() {
            return Some(vec![start, start]);
        }
        let inside = |v: usize| members.binary_search(&v).is_ok();
        let mut prev: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for &w in &self.out[v] {
                if w == start {
                    let mut path = vec![start, v];
                    let mut cur = v;
                    while let Some(&p) = prev.get(&cur) {
                        path.push(p);
                        cur = p;
                    }
                    // path is start, v, ..., start reversed without the first start
                    path.reverse();
                    path.pop();
                    let mut full = vec![start];
                    full.extend(path.into_iter().skip(1));
                    full.push(start);
                    return Some(full);
                }
                if inside(w) && w != start && !prev.contains_key(&w) {
                    prev.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        None
    }

    /// A shortest path `[from, ..., to]` along edges, by BFS (`[from]` when equal).
    pub fn shortest_path(&self, from: usize, to: usize) -> Option<Vec<usize>> {
        if from >= self.nodes.len() || to >= self.nodes.len() {
            return None;
        }
        if from == to {
            return Some(vec![from]);
        }
        let mut prev: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(v) = queue.pop_front() {
            for &w in &self.out[v] {
                if w == from || prev.contains_key(&w) {
                    continue;
                }
                prev.insert(w, v);
                if w == to {
                    let mut path = vec![to];
                    let mut cur = to;
                    while let Some(&p) = prev.get(&cur) {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(w);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileImports, Import, ImportKind, Language};

    fn tree(edges: &[(&str, &str)]) -> TreeImports {
        let mut files: BTreeMap<String, Vec<Import>> = BTreeMap::new();
        for (a, b) in edges {
            files.entry(b.to_string()).or_default();
            files.entry(a.to_string()).or_default().push(Import { line: 1, spec: b.to_string(), kind: ImportKind::Static, target: Target::File { path: b.to_string() } });
        }
        TreeImports {
            root: Default::default(),
            files: files.into_iter().map(|(path, imports)| FileImports { path, language: Language::JavaScript, imports, package: None }).collect(),
            unresolved: 0,
            skipped: Vec::new(),
        }
    }

    #[test]
    fn tarjan_finds_cycles_with_shortest_paths() {
        // a -> b -> c -> a, c -> d, d -> d (no edge), e -> a; b -> a makes a->b->a the shortest through a
        let t = tree(&[("a", "b"), ("b", "c"), ("c", "a"), ("b", "a"), ("c", "d"), ("d", "d"), ("e", "a")]);
        let g = Graph::build(&t, Level::File);
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].members, vec!["a", "b", "c"]);
        assert_eq!(cycles[0].shortest, vec!["a", "b", "a"]);
        assert!(g.edges().iter().all(|(a, b, _)| a != b), "no self-loops");
        let a = g.node("a").unwrap();
        let d = g.node("d").unwrap();
        assert_eq!(g.shortest_path(a, d).unwrap().iter().map(|&i| g.nodes()[i].as_str()).collect::<Vec<_>>(), vec!["a", "b", "c", "d"]);
        assert_eq!(g.shortest_path(d, a), None);
    }

    #[test]
    fn a_long_cycle_gets_its_shortest_path() {
        let t = tree(&[("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("c", "a")]);
        let g = Graph::build(&t, Level::File);
        assert_eq!(g.cycles()[0].shortest, vec!["a", "b", "c", "a"]);
    }

    #[test]
    fn stats_and_directory_level() {
        let t = tree(&[("x/a", "y/b"), ("x/c", "y/b"), ("y/b", "z"), ("x/a", "x/c")]);
        let g = Graph::build(&t, Level::File);
        let s = g.stats();
        let b = &s[g.node("y/b").unwrap()];
        assert_eq!((b.fan_in, b.fan_out, b.instability), (2, 1, 1.0 / 3.0));
        assert_eq!(g.most_depended_on(1)[0].name, "y/b");
        let d = Graph::build(&t, Level::Directory);
        assert_eq!(d.nodes(), &[".".to_string(), "x".into(), "y".into()]);
        let named: Vec<(&str, &str, u32)> = d.edges().iter().map(|&(a, b, c)| (d.nodes()[a].as_str(), d.nodes()[b].as_str(), c)).collect();
        assert_eq!(named, vec![("x", "y", 2), ("y", ".", 1)]);
        assert!(d.cycles().is_empty());
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let names: Vec<String> = (0..50_000).map(|i| format!("f{i:06}")).collect();
        let pairs: Vec<(&str, &str)> = names.windows(2).map(|w| (w[0].as_str(), w[1].as_str())).chain(std::iter::once((names[49_999].as_str(), names[0].as_str()))).collect();
        let g = Graph::build(&tree(&pairs), Level::File);
        let c = g.cycles();
        assert_eq!((c.len(), c[0].members.len(), c[0].shortest.len()), (1, 50_000, 50_001));
    }
}
