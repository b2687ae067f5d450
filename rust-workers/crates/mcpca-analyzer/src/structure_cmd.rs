//! The structure tools: `visualize-code-structure`, `visualize-dependencies`, and the knowledge
//! graph (`build-knowledge-graph`, `query-knowledge-graph`, `export-knowledge-graph`).
//!
//! A tree is gathered once per request: every file listed by the walk (as `symbols` walks) is
//! read; files with a grammar get their [`symbols::FileStructure`] through the on-disk cache
//! (salt `structure-1/<language>`), and every file's BLAKE3 hash goes into the tree's snapshot
//! digest. Imports come from the `deps` crate.
//!
//! Knowledge graphs are stored by snapshot (decision 023): the digest of the graph format and
//! every listed file's path and content hash. A graph is looked up, in order, in this process's
//! memory (the last [`MEMO_GRAPHS`] graphs), in the on-disk cache, and through the worker in
//! Redis (the `sharedCache` exchange, one key `kg<format>:<build>:<snapshot>`); only when all miss is it
//! built, then kept in all three. So an unchanged tree is never rebuilt. To answer a query
//! without reading the tree, each root's last tree digest is remembered with its snapshot: the
//! worker's digest of every file's stat signature (`treeDigest`, decision 034, the one test of
//! "tree unchanged" that the result cache uses too); an equal digest is the same snapshot. Without
//! a digest (the CLI) the tree is read and hashed, which is always right.
//!
//! The memory is bounded twice: at most [`MEMO_GRAPHS`] graphs and [`MEMO_GRAPH_BYTES`] of them
//! by an estimate of their size, the least recently used dropped first.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lang::Language;
use serde::Serialize;
use structure::kg::{self, Indexed, KnowledgeGraph};
use structure::picture::{Edge, Picture};
use structure::SourceFile;
use symbols::FileStructure;

use crate::symbols_cmd::{DeadlineExceeded, SymbolOptions};

/// The cache salt's version of the per-file structure; bump when `symbols::FileStructure` changes.
const STRUCTURE_FORMAT: &str = "structure-1";

/// Graphs a warm analyzer keeps in memory: a worker's analyzer serves a few trees at a time;
/// four graphs of a 100k-line tree are tens of MB.
pub const MEMO_GRAPHS: usize = 4;

/// The memo's bound by estimated bytes ([`approx_bytes`]): a quarter of the analyzer's default
/// 2 GiB address space (`--memory-limit-mb`), so graphs never starve the parses. A graph larger
/// than this alone is answered but not kept.
pub const MEMO_GRAPH_BYTES: usize = 512 * 1024 * 1024;

/// Graphs larger than this are not offered to the shared store: the default of the worker's
/// `mcpca.cache.knowledge-graph-max-bytes` (decision 023), so a graph Redis would refuse never
/// crosses the worker's pipe.
const SHARED_GRAPH_MAX_BYTES: usize = 16 * 1024 * 1024;

/// A tree as read for one request.
pub struct Gathered {
    pub root: String,
    pub files: Vec<SourceFile>,
    /// Hex BLAKE3 of the graph format and every listed file's path and content hash.
    pub snapshot: String,
}

enum Read {
    File(SourceFile, blake3::Hash),
    Other(blake3::Hash),
    Skipped,
}

fn read_one(path: &Path, shown: &str, options: &SymbolOptions<'_>) -> Read {
    let mut bytes = Vec::new();
    if let Err(r) = crate::scan::read_regular(path, options.max_file_bytes, &mut bytes) {
        let _ = r;
        return Read::Skipped;
    }
    let hash = blake3::hash(&bytes);
    let binary = bytes[..bytes.len().min(8192)].contains(&0);
    let lang = match Language::detect(path, &bytes[..bytes.len().min(256)]) {
        Some(l) if l.has_grammar() && !binary => l,
        _ => return Read::Other(hash),
    };
    if lang::generated::skip_reason(path, &bytes).is_some() {
        return Read::Other(hash);
    }
    let compute = || symbols::file_structure(lang, &bytes);
    let structure: FileStructure = match options.cache {
        Some(c) => c.get_or_compute(&format!("{STRUCTURE_FORMAT}/{lang:?}"), &bytes, compute).0,
        None => compute(),
    };
    let package = structure::declared_package(lang.name(), &bytes);
    Read::File(SourceFile { path: shown.to_string(), language: lang.name().to_string(), package, structure }, hash)
}

/// Reads and outlines the tree under `root` (see the module docs).
pub fn gather(root: &Path, relative_to: Option<&Path>, options: &SymbolOptions<'_>) -> Result<Gathered, DeadlineExceeded> {
    let expired = || options.expired();
    let walked = crate::scan::walk(root, relative_to, &|_, _, _| {}, |path, shown| if expired() { None } else { Some(read_one(path, shown, options)) });
    if expired() || walked.outcomes.iter().any(Option::is_none) {
        return Err(DeadlineExceeded);
    }
    let mut digest = blake3::Hasher::new();
    digest.update(format!("kg{}\n", kg::FORMAT).as_bytes());
    let mut files = Vec::new();
    for (shown, read) in walked.outcomes.into_iter().flatten() {
        match read {
            Read::File(f, hash) => {
                digest.update(shown.as_bytes()).update(b"\0").update(hash.as_bytes());
                files.push(f);
            }
            Read::Other(hash) => {
                digest.update(shown.as_bytes()).update(b"\0").update(hash.as_bytes());
            }
            Read::Skipped => {} // unreadable, special or too large: in no snapshot, like a file that is not there
        }
    }
    Ok(Gathered { root: crate::scan::shown_root(root, relative_to), files, snapshot: digest.finalize().to_hex().to_string() })
}

/// The shown path of a path `deps` reports relative to the analysed root.
fn shown_under(root_shown: &str, path: &str) -> String {
    if root_shown == "." || root_shown.is_empty() {
        path.to_string()
    } else {
        format!("{root_shown}/{path}")
    }
}

/// The tree's imports from `deps`, with paths shown as the gathered files' are.
pub fn imports(root: &Path, root_shown: &str, options: &SymbolOptions<'_>) -> Result<(deps::TreeImports, Vec<kg::Import>), DeadlineExceeded> {
    let stop = || options.expired();
    let deps_options = deps::Options { max_file_bytes: options.max_file_bytes, should_stop: Some(&stop), ..Default::default() };
    let tree = deps::imports_of_tree(root, &deps_options).map_err(|_| DeadlineExceeded)?;
    let mut out = Vec::new();
    for file in &tree.files {
        for import in &file.imports {
            let target = match &import.target {
                deps::Target::File { path } => kg::ImportTarget::File(shown_under(root_shown, path)),
                deps::Target::Directory { path } => kg::ImportTarget::Directory(shown_under(root_shown, path)),
                deps::Target::External { ecosystem, package } => kg::ImportTarget::External { ecosystem: ecosystem.clone(), package: package.clone() },
                deps::Target::Unresolved { .. } => kg::ImportTarget::Unresolved,
            };
            out.push(kg::Import { from: shown_under(root_shown, &file.path), target });
        }
    }
    Ok((tree, out))
}

/// What a graph costs in memory, roughly: its strings, and per node and edge the structs, the
/// id index and the adjacency lists of [`Indexed`].
pub fn approx_bytes(graph: &KnowledgeGraph) -> usize {
    let strings: usize = graph
        .nodes
        .iter()
        .map(|n| 2 * n.id.len() + n.kind.len() + n.name.len() + n.path.as_ref().map_or(0, String::len) + n.detail.as_ref().map_or(0, String::len))
        .sum();
    strings + graph.nodes.len() * 240 + graph.edges.iter().map(|e| 48 + e.kind.len()).sum::<usize>()
}

/// Built graphs by snapshot (least recently used first, with their estimated bytes), and each
/// root's last tree digest with its snapshot.
#[derive(Default)]
pub struct GraphMemo {
    graphs: Mutex<Vec<(String, Arc<Indexed>, usize)>>,
    digests: Mutex<HashMap<PathBuf, (String, String)>>,
}

impl GraphMemo {
    fn get(&self, snapshot: &str) -> Option<Arc<Indexed>> {
        let mut graphs = self.graphs.lock().unwrap_or_else(|p| p.into_inner());
        let at = graphs.iter().position(|(s, _, _)| s == snapshot)?;
        let entry = graphs.remove(at);
        graphs.push(entry.clone());
        Some(entry.1)
    }

    fn put(&self, snapshot: &str, graph: Arc<Indexed>) {
        let bytes = approx_bytes(&graph.graph);
        let mut graphs = self.graphs.lock().unwrap_or_else(|p| p.into_inner());
        graphs.retain(|(s, _, _)| s != snapshot);
        if bytes > MEMO_GRAPH_BYTES {
            return;
        }
        graphs.push((snapshot.to_string(), graph, bytes));
        while graphs.len() > MEMO_GRAPHS || graphs.iter().map(|(_, _, b)| b).sum::<usize>() > MEMO_GRAPH_BYTES {
            graphs.remove(0);
        }
    }

    /// Snapshots of the graphs held, least recently used first.
    #[cfg(test)]
    fn held(&self) -> Vec<String> {
        self.graphs.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(s, _, _)| s.clone()).collect()
    }

    /// `snapshot` if it is the last one taken of `root` and its graph is in memory: a caller that
    /// names the snapshot `build-knowledge-graph` answered gets that graph without a walk of the tree.
    fn named(&self, root: &Path, snapshot: &str) -> Option<Arc<Indexed>> {
        let known = self.digests.lock().unwrap_or_else(|p| p.into_inner()).get(root).map(|(_, s)| s == snapshot).unwrap_or(false);
        if known { self.get(snapshot) } else { None }
    }

    /// The snapshot of `root` if its tree digest is the one that snapshot was taken with.
    fn unchanged(&self, root: &Path, tree_digest: &str) -> Option<String> {
        let digests = self.digests.lock().unwrap_or_else(|p| p.into_inner());
        let (digest, snapshot) = digests.get(root)?;
        (digest == tree_digest).then(|| snapshot.clone())
    }

    /// Remembers that `root` with `tree_digest` (taken before the tree was read) is `snapshot`. A tree
    /// changed between the digest and the read is remembered under a digest it will never have again
    /// (ctime only moves on), so no later call is answered from it.
    fn remember(&self, root: &Path, tree_digest: &str, snapshot: &str) {
        let mut digests = self.digests.lock().unwrap_or_else(|p| p.into_inner());
        if digests.len() >= 64 {
            digests.clear(); // a bound, not a policy: 64 roots at once is far past a worker's use
        }
        digests.insert(root.to_path_buf(), (tree_digest.to_string(), snapshot.to_string()));
    }
}

/// Where a request's graph came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    Built,
    Memory,
    Disk,
    Shared,
}

/// The shared (Redis) store of graphs, reached through the worker; `None` when the request has
/// no shared cache.
pub trait SharedGraphs {
    fn lookup(&self, key: &str) -> Option<String>;
    fn store(&self, key: &str, json: &str);
}

/// The wire key of a snapshot's graph in the shared store: graph format, analyzer build (another
/// build may extract differently), snapshot. The worker keeps `kg<digits>:` keys apart from per-file entries.
pub fn shared_key(options: &SymbolOptions<'_>, snapshot: &str) -> String {
    format!("kg{}:{}:{snapshot}", kg::FORMAT, options.cache.map(|c| c.version()).unwrap_or("uncached"))
}

/// Which graph a request wants: the tree's current one, known unchanged by the worker's
/// `tree_digest` when it has one, or `snapshot` (what `build-knowledge-graph` answered) while
/// this process holds it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted<'a> {
    pub tree_digest: Option<&'a str>,
    pub snapshot: Option<&'a str>,
}

/// The knowledge graph of `root` (see the module docs), its snapshot, root and where it came from.
/// With `wanted.snapshot`, the graph of that snapshot if this process has it in memory, without
/// looking at the tree; otherwise the tree's current graph.
pub fn graph_of(
    root: &Path,
    relative_to: Option<&Path>,
    options: &SymbolOptions<'_>,
    memo: &GraphMemo,
    shared: Option<&dyn SharedGraphs>,
    wanted: Wanted<'_>,
) -> Result<(Arc<Indexed>, String, String, Source), DeadlineExceeded> {
    let root_shown = crate::scan::shown_root(root, relative_to);
    if let Some(g) = wanted.snapshot.and_then(|s| memo.named(root, s)) {
        return Ok((g, wanted.snapshot.unwrap_or_default().to_string(), root_shown, Source::Memory));
    }
    if let Some(snapshot) = wanted.tree_digest.and_then(|d| memo.unchanged(root, d)) {
        if let Some(g) = memo.get(&snapshot) {
            return Ok((g, snapshot, root_shown, Source::Memory));
        }
    }
    let tree = gather(root, relative_to, options)?;
    let snapshot = tree.snapshot.clone();
    if let Some(digest) = wanted.tree_digest {
        memo.remember(root, digest, &snapshot);
    }
    if let Some(g) = memo.get(&snapshot) {
        return Ok((g, snapshot, tree.root, Source::Memory));
    }
    let disk_key = options.cache.map(|c| c.key("knowledge-graph", shared_key(options, &snapshot).as_bytes()));
    if let (Some(c), Some(k)) = (options.cache, &disk_key) {
        if let Some(graph) = c.get::<KnowledgeGraph>(k).filter(|g| g.format == kg::FORMAT) {
            let g = Arc::new(Indexed::new(graph));
            memo.put(&snapshot, Arc::clone(&g));
            return Ok((g, snapshot, tree.root, Source::Disk));
        }
    }
    if let Some(s) = shared {
        if let Some(graph) = s.lookup(&shared_key(options, &snapshot)).and_then(|json| serde_json::from_str::<KnowledgeGraph>(&json).ok()).filter(|g| g.format == kg::FORMAT) {
            if let (Some(c), Some(k)) = (options.cache, &disk_key) {
                c.put(k, &graph);
            }
            let g = Arc::new(Indexed::new(graph));
            memo.put(&snapshot, Arc::clone(&g));
            return Ok((g, snapshot, tree.root, Source::Shared));
        }
    }
    let (_, imports) = imports(root, &tree.root, options)?;
    let graph = kg::build(&tree.root, &tree.files, &imports);
    if let (Some(c), Some(k)) = (options.cache, &disk_key) {
        c.put(k, &graph);
    }
    if let Some(s) = shared {
        if let Ok(json) = serde_json::to_string(&graph) {
            // the worker's bound too (mcpca.cache.knowledge-graph-max-bytes): a larger graph never crosses the pipe
            if json.len() <= SHARED_GRAPH_MAX_BYTES {
                s.store(&shared_key(options, &snapshot), &json);
            }
        }
    }
    let g = Arc::new(Indexed::new(graph));
    memo.put(&snapshot, Arc::clone(&g));
    Ok((g, snapshot, tree.root, Source::Built))
}

/// A drawn picture in the format asked for.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Drawing {
    pub root: String,
    pub format: String,
    pub level: String,
    pub collapsed: bool,
    pub note: Option<String>,
    pub nodes: usize,
    pub edges: usize,
    pub total_nodes: usize,
    pub diagram: String,
}

pub const PICTURE_FORMATS: &[&str] = &["mermaid", "dot", "svg"];

/// `picture` as `format` text (SVG through Graphviz).
pub fn draw(picture: &Picture, format: &str) -> Result<String, structure::Error> {
    match format {
        "mermaid" => Ok(picture.mermaid()),
        "dot" => Ok(picture.dot()),
        "svg" => structure::svg::render(&picture.dot(), structure::svg::DEFAULT_TIMEOUT),
        other => Err(structure::Error::BadQuery(format!("unknown format `{other}`: mermaid, dot or svg"))),
    }
}

/// The dependency picture of a tree at file or directory level, edges on cycles (inside one strongly
/// connected component) in red; a file
/// picture past `max_nodes` files collapses to directories (and says so).
pub fn dependency_picture(tree: &deps::TreeImports, root_shown: &str, level: &str, max_nodes: usize) -> (Picture, String, bool, Option<String>, usize) {
    let deps_level = if level == "directory" { deps::graph::Level::Directory } else { deps::graph::Level::File };
    let graph = deps::graph::Graph::build(tree, deps_level);
    let total = graph.nodes().len();
    if level == "file" && total > max_nodes {
        let (picture, _, _, _, _) = dependency_picture(tree, root_shown, "directory", max_nodes);
        let note = format!("{total} files exceed maxNodes {max_nodes}: collapsed to {} directories", picture.nodes.len());
        let (picture, note) = cap(picture, max_nodes, note);
        return (picture, "directory".into(), true, Some(note), total);
    }
    // an edge lies on a cycle exactly when both its ends are in one strongly connected component
    let cycles = graph.cycles();
    let component: HashMap<&str, usize> = cycles.iter().enumerate().flat_map(|(i, c)| c.members.iter().map(move |m| (m.as_str(), i))).collect();
    let on_cycle = |from: usize, to: usize| {
        let (a, b) = (component.get(graph.nodes()[from].as_str()), component.get(graph.nodes()[to].as_str()));
        a.is_some() && a == b
    };
    let mut picture = Picture::default();
    for name in graph.nodes() {
        let shown = shown_under(root_shown, name);
        let group = (level == "file").then(|| structure::directory_of(&shown).to_string()).filter(|d| !d.is_empty());
        picture.node(if shown.is_empty() { ".".to_string() } else { shown }, if level == "file" { "file" } else { "directory" }, group);
    }
    picture.edges = graph.edges().iter().map(|&(from, to, count)| Edge { from, to, kind: "imports".into(), count, highlight: on_cycle(from, to) }).collect();
    if total > max_nodes {
        let (picture, note) = cap(picture, max_nodes, format!("{total} directories exceed maxNodes {max_nodes}"));
        return (picture, level.to_string(), true, Some(note), total);
    }
    (picture, level.to_string(), false, None, total)
}

/// Keeps the `max_nodes` nodes with most edges (and the edges between them).
fn cap(picture: Picture, max_nodes: usize, note: String) -> (Picture, String) {
    if picture.nodes.len() <= max_nodes {
        return (picture, note);
    }
    let mut degree = vec![0u64; picture.nodes.len()];
    for e in &picture.edges {
        degree[e.from] += e.count as u64;
        degree[e.to] += e.count as u64;
    }
    let mut order: Vec<usize> = (0..picture.nodes.len()).collect();
    order.sort_by(|&a, &b| degree[b].cmp(&degree[a]).then(a.cmp(&b)));
    order.truncate(max_nodes);
    order.sort();
    let new_index: BTreeMap<usize, usize> = order.iter().enumerate().map(|(i, &o)| (o, i)).collect();
    let nodes = order.iter().map(|&o| picture.nodes[o].clone()).collect();
    let edges = picture
        .edges
        .into_iter()
        .filter_map(|e| Some(Edge { from: *new_index.get(&e.from)?, to: *new_index.get(&e.to)?, ..e }))
        .collect();
    (Picture { nodes, edges }, format!("{note}; only the {max_nodes} most connected are drawn"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(nodes: usize, name_bytes: usize) -> Arc<Indexed> {
        let nodes = (0..nodes)
            .map(|i| kg::Node { id: format!("n{i}"), kind: "file".into(), name: "x".repeat(name_bytes), path: None, line: None, detail: None })
            .collect();
        Arc::new(Indexed::new(KnowledgeGraph { format: kg::FORMAT, nodes, edges: Vec::new(), resolution: Default::default() }))
    }

    #[test]
    fn the_memo_keeps_the_most_recently_used_graphs_within_its_count_and_bytes() {
        let memo = GraphMemo::default();
        for s in ["a", "b", "c", "d", "e"] {
            memo.put(s, graph(1, 1));
        }
        assert_eq!(memo.held(), ["b", "c", "d", "e"]);
        assert!(memo.get("b").is_some());
        assert_eq!(memo.held(), ["c", "d", "e", "b"]);
        // two graphs of ~60% of the byte bound each: the older one goes
        let big = MEMO_GRAPH_BYTES * 6 / 10 / 1024;
        memo.put("big1", graph(big, 1024));
        memo.put("big2", graph(big, 1024));
        assert_eq!(memo.held(), ["big2"]);
        // a graph over the bound alone is answered, never kept
        memo.put("huge", graph(MEMO_GRAPH_BYTES / 1024 + 1, 1024));
        assert_eq!(memo.held(), ["big2"]);
    }

    #[test]
    fn a_tree_digest_answers_for_its_root_only_while_it_is_the_last_one_seen() {
        let memo = GraphMemo::default();
        memo.put("s1", graph(1, 1));
        memo.remember(Path::new("/t"), "tree:1", "s1");
        assert_eq!(memo.unchanged(Path::new("/t"), "tree:1").as_deref(), Some("s1"));
        assert_eq!(memo.unchanged(Path::new("/t"), "tree:2"), None, "another digest is another tree");
        assert_eq!(memo.unchanged(Path::new("/u"), "tree:1"), None, "another root");
        assert!(memo.named(Path::new("/t"), "s1").is_some());
        memo.remember(Path::new("/t"), "tree:2", "s2");
        assert!(memo.named(Path::new("/t"), "s1").is_none(), "s1 is no longer the tree's last snapshot");
    }
}
