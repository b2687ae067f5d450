//! The serve handlers of the structure tools (args in `protocol`, logic in `structure_cmd` and
//! the `structure` crate): argument checks, answer shapes, paging.
//!
//! * `visualize-code-structure` `{"path", "format"?: "mermaid"|"dot"|"svg", "maxNodes"?: 150}` and
//!   `visualize-dependencies` (plus `"level"?: "file"|"directory"`) → `{"root", "format",
//!   "level", "collapsed", "note", "nodes", "edges", "totalNodes", "diagram"}`.
//! * `build-knowledge-graph` `{"path"}` → `{"root", "snapshot", "source":
//!   "built"|"memory"|"disk"|"shared", "nodes", "edges", "nodesByKind", "edgesByKind", "resolution"}`.
//! * `query-knowledge-graph` `{"path", "op", ...query, "snapshot"?, "limit"?: 100, "cursor"?}` → `{"root",
//!   "snapshot", "op", "page": {"offset", "count", "total"}, "nextCursor", "nodes": [{...node,
//!   "depth"?}], "edges": [{"from", "to", "kind"}]}` (edges between the page's nodes and the start).
//! * `export-knowledge-graph` `{"path", "format", "node"?, "depth"?, "direction"?: "both",
//!   "edgeKinds"?, "kind"?, "name"?, "maxNodes"?: 500}` → `{"root", "snapshot", "format", "nodes",
//!   "edges", "truncated", "text"}`: the subgraph around `node` (or the nodes `kind`/`name`
//!   select, or the whole graph), at most `maxNodes` nodes, with every edge between them.

use std::collections::BTreeMap;
use std::path::Path;

use protocol::{BuildKnowledgeGraphArgs, ErrorCode, KnowledgeGraphArgs, Request, Response, VisualizeArgs};
use serde::Serialize;
use serde_json::value::RawValue;
use structure::kg::{Indexed, Node, Resolution};
use structure::query::{self, Query};

use crate::paging::PageRequest;
use crate::structure_cmd::{self, GraphMemo, SharedGraphs, Source, Wanted};
use crate::symbols_cmd::SymbolOptions;

type ToolResult = Result<Box<RawValue>, Response>;

/// Nodes a picture draws before collapsing: ~150 boxes is what a Mermaid or SVG picture still shows readably.
const DEFAULT_MAX_NODES: usize = 150;
/// A cap on `maxNodes`: Graphviz lays out 5000 nodes in seconds, and the text stays under the result limit.
const MAX_PICTURE_NODES: usize = 5000;
/// Export: default and largest subgraph (20000 nodes of JSON is ~4 MB, under the 6 MB result limit).
const DEFAULT_EXPORT_NODES: usize = 500;
const MAX_EXPORT_NODES: usize = 20000;
const DEFAULT_QUERY_PAGE: usize = 100;
const MAX_QUERY_PAGE: usize = 1000;

fn bad(id: &str, message: impl Into<String>) -> Response {
    Response::error(id, ErrorCode::BadArguments, message)
}

fn to_json<T: Serialize>(id: &str, value: &T) -> ToolResult {
    serde_json::to_string(value).and_then(RawValue::from_string).map_err(|e| Response::error(id, ErrorCode::Internal, e.to_string()))
}

fn deadline(id: &str) -> Response {
    Response::error(id, ErrorCode::DeadlineExceeded, "deadline exceeded")
}

fn structure_error(id: &str, e: structure::Error) -> Response {
    match e {
        structure::Error::BadQuery(m) => bad(id, m),
        structure::Error::Render(m) => Response::error(id, ErrorCode::Internal, m),
    }
}

fn directory(id: &str, path: &str) -> Result<(), Response> {
    let meta = crate::files_cmd::named_path(path, "no such directory").map_err(|e| Response::error(id, e.code, e.message))?;
    if !meta.is_dir() {
        return Err(bad(id, format!("{path} is a file; this tool takes a directory")));
    }
    Ok(())
}

fn max_nodes(id: &str, asked: Option<usize>, default: usize, most: usize) -> Result<usize, Response> {
    match asked.unwrap_or(default) {
        n @ 1.. if n <= most => Ok(n),
        n => Err(bad(id, format!("maxNodes {n} is outside 1..={most}"))),
    }
}

fn picture_format(id: &str, format: Option<&str>) -> Result<String, Response> {
    let format = format.unwrap_or("mermaid");
    if !structure_cmd::PICTURE_FORMATS.contains(&format) {
        return Err(bad(id, format!("unknown format `{format}`: mermaid, dot or svg")));
    }
    Ok(format.to_string())
}

pub fn visualize_code_structure(request: &Request, options: &SymbolOptions<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: VisualizeArgs = protocol::decode_args(request)?;
    let format = picture_format(id, args.format.as_deref())?;
    let max = max_nodes(id, args.max_nodes, DEFAULT_MAX_NODES, MAX_PICTURE_NODES)?;
    if args.level.is_some() {
        return Err(bad(id, "visualize-code-structure takes no `level`: it draws types, or directories past maxNodes"));
    }
    directory(id, &args.path)?;
    let tree = structure_cmd::gather(Path::new(&args.path), args.relative_to.as_deref().map(Path::new), options).map_err(|_| deadline(id))?;
    let diagram = structure::classes::picture(&tree.files, max);
    let text = structure_cmd::draw(&diagram.picture, &format).map_err(|e| structure_error(id, e))?;
    to_json(
        id,
        &structure_cmd::Drawing {
            root: tree.root,
            format,
            level: diagram.level.to_string(),
            collapsed: diagram.collapsed,
            note: diagram.note,
            nodes: diagram.picture.nodes.len(),
            edges: diagram.picture.edges.len(),
            total_nodes: diagram.total_nodes,
            diagram: text,
        },
    )
}

pub fn visualize_dependencies(request: &Request, options: &SymbolOptions<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: VisualizeArgs = protocol::decode_args(request)?;
    let format = picture_format(id, args.format.as_deref())?;
    let max = max_nodes(id, args.max_nodes, DEFAULT_MAX_NODES, MAX_PICTURE_NODES)?;
    let level = args.level.as_deref().unwrap_or("file");
    if !matches!(level, "file" | "directory") {
        return Err(bad(id, format!("unknown level `{level}`: file or directory")));
    }
    directory(id, &args.path)?;
    let root = Path::new(&args.path);
    let root_shown = crate::scan::shown_root(root, args.relative_to.as_deref().map(Path::new));
    let (tree, _) = structure_cmd::imports(root, &root_shown, options).map_err(|_| deadline(id))?;
    let (picture, level, collapsed, note, total_nodes) = structure_cmd::dependency_picture(&tree, &root_shown, level, max);
    let text = structure_cmd::draw(&picture, &format).map_err(|e| structure_error(id, e))?;
    to_json(
        id,
        &structure_cmd::Drawing { root: root_shown, format, level, collapsed, note, nodes: picture.nodes.len(), edges: picture.edges.len(), total_nodes, diagram: text },
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Built<'a> {
    root: String,
    snapshot: String,
    source: Source,
    nodes: usize,
    edges: usize,
    nodes_by_kind: BTreeMap<String, usize>,
    edges_by_kind: BTreeMap<String, usize>,
    resolution: &'a Resolution,
}

pub fn build_knowledge_graph(request: &Request, options: &SymbolOptions<'_>, memo: &GraphMemo, shared: Option<&dyn SharedGraphs>) -> ToolResult {
    let id = request.id.as_str();
    let args: BuildKnowledgeGraphArgs = protocol::decode_args(request)?;
    directory(id, &args.path)?;
    let (graph, snapshot, root, source) =
        structure_cmd::graph_of(Path::new(&args.path), args.relative_to.as_deref().map(Path::new), options, memo, shared, Wanted { tree_digest: args.tree_digest.as_deref(), snapshot: None }).map_err(|_| deadline(id))?;
    let (nodes_by_kind, edges_by_kind) = graph.counts();
    to_json(
        id,
        &Built { root, snapshot, source, nodes: graph.graph.nodes.len(), edges: graph.graph.edges.len(), nodes_by_kind, edges_by_kind, resolution: &graph.graph.resolution },
    )
}

#[derive(Serialize)]
struct NodeOut<'a> {
    #[serde(flatten)]
    node: &'a Node,
    #[serde(skip_serializing_if = "Option::is_none")]
    depth: Option<u32>,
}

#[derive(Serialize)]
struct EdgeOut<'a> {
    from: &'a str,
    to: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct QueryPage {
    offset: usize,
    count: usize,
    total: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Queried<'a> {
    root: String,
    snapshot: String,
    op: &'a str,
    page: QueryPage,
    next_cursor: Option<String>,
    nodes: Vec<NodeOut<'a>>,
    edges: Vec<EdgeOut<'a>>,
}

fn query_of(args: &KnowledgeGraphArgs, op: &str) -> Query {
    Query {
        op: op.to_string(),
        kind: args.kind.clone(),
        name: args.name.clone(),
        node: args.node.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        edge_kinds: args.edge_kinds.clone(),
        direction: args.direction.clone(),
        depth: args.depth,
        relation: args.relation.clone(),
    }
}

fn edges_out<'g>(graph: &'g Indexed, edges: impl Iterator<Item = u32>) -> Vec<EdgeOut<'g>> {
    edges
        .map(|e| &graph.graph.edges[e as usize])
        .map(|e| EdgeOut { from: &graph.graph.nodes[e.from as usize].id, to: &graph.graph.nodes[e.to as usize].id, kind: &e.kind })
        .collect()
}

fn wanted(args: &KnowledgeGraphArgs) -> Wanted<'_> {
    Wanted { tree_digest: args.tree_digest.as_deref(), snapshot: args.snapshot.as_deref() }
}

pub fn query_knowledge_graph(request: &Request, options: &SymbolOptions<'_>, memo: &GraphMemo, shared: Option<&dyn SharedGraphs>) -> ToolResult {
    let id = request.id.as_str();
    let args: KnowledgeGraphArgs = protocol::decode_args(request)?;
    let op = args.op.clone().ok_or_else(|| bad(id, "query-knowledge-graph needs `op`: nodes, neighbors, path or dependents"))?;
    if args.format.is_some() || args.max_nodes.is_some() {
        return Err(bad(id, "`format` and `maxNodes` are export-knowledge-graph's"));
    }
    let limit = args.limit.unwrap_or(DEFAULT_QUERY_PAGE).min(MAX_QUERY_PAGE);
    let page = PageRequest::of(id, Some(limit), args.cursor.as_deref(), DEFAULT_QUERY_PAGE)?;
    directory(id, &args.path)?;
    let (graph, snapshot, root, _) =
        structure_cmd::graph_of(Path::new(&args.path), args.relative_to.as_deref().map(Path::new), options, memo, shared, wanted(&args)).map_err(|_| deadline(id))?;
    let answer = query::run(&graph, &query_of(&args, &op)).map_err(|e| structure_error(id, e))?;
    let total = answer.nodes.len();
    let end = (page.offset + page.limit).min(total);
    let start = page.offset.min(end);
    let shown = &answer.nodes[start..end];
    let on_page: std::collections::HashSet<u32> = shown.iter().map(|(n, _)| *n).collect();
    // an edge goes with the page that holds the node it reached
    let edges = answer.edges.iter().copied().filter(|&e| {
        let edge = &graph.graph.edges[e as usize];
        on_page.contains(&edge.to) || on_page.contains(&edge.from)
    });
    let edges = edges_out(&graph, edges);
    let nodes = shown.iter().map(|&(n, depth)| NodeOut { node: &graph.graph.nodes[n as usize], depth }).collect();
    let next_cursor = (end < total).then(|| crate::paging::cursor(end));
    to_json(id, &Queried { root, snapshot, op: &op, page: QueryPage { offset: start, count: end - start, total }, next_cursor, nodes, edges })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Exported {
    root: String,
    snapshot: String,
    format: String,
    nodes: usize,
    edges: usize,
    truncated: bool,
    text: String,
}

pub fn export_knowledge_graph(request: &Request, options: &SymbolOptions<'_>, memo: &GraphMemo, shared: Option<&dyn SharedGraphs>) -> ToolResult {
    let id = request.id.as_str();
    let args: KnowledgeGraphArgs = protocol::decode_args(request)?;
    let format = args.format.clone().ok_or_else(|| bad(id, format!("export-knowledge-graph needs `format`: {}", structure::export::FORMATS.join(", "))))?;
    if !structure::export::FORMATS.contains(&format.as_str()) {
        return Err(bad(id, format!("unknown format `{format}`: {}", structure::export::FORMATS.join(", "))));
    }
    if args.op.is_some() || args.cursor.is_some() || args.limit.is_some() {
        return Err(bad(id, "export-knowledge-graph takes no `op`, `limit` or `cursor`: name a `node` (with `depth`, `direction`, `edgeKinds`) or `kind`/`name`"));
    }
    let max = max_nodes(id, args.max_nodes, DEFAULT_EXPORT_NODES, MAX_EXPORT_NODES)?;
    directory(id, &args.path)?;
    let (graph, snapshot, root, _) =
        structure_cmd::graph_of(Path::new(&args.path), args.relative_to.as_deref().map(Path::new), options, memo, shared, wanted(&args)).map_err(|_| deadline(id))?;
    let mut nodes: Vec<u32> = if let Some(node) = &args.node {
        let mut q = query_of(&args, "neighbors");
        q.direction = Some(args.direction.clone().unwrap_or_else(|| "both".into()));
        let start = query::find(&graph, node).map_err(|e| structure_error(id, e))?;
        let answer = query::run(&graph, &q).map_err(|e| structure_error(id, e))?;
        std::iter::once(start).chain(answer.nodes.iter().map(|(n, _)| *n)).collect()
    } else if args.kind.is_some() || args.name.is_some() {
        query::run(&graph, &query_of(&args, "nodes")).map_err(|e| structure_error(id, e))?.nodes.iter().map(|(n, _)| *n).collect()
    } else {
        (0..graph.graph.nodes.len() as u32).collect()
    };
    let truncated = nodes.len() > max;
    nodes.truncate(max);
    let edges = structure::export::edges_among(&graph, &nodes);
    let text = structure::export::write(&graph, &nodes, &edges, &format).map_err(|e| structure_error(id, e))?;
    to_json(id, &Exported { root, snapshot, format, nodes: nodes.len(), edges: edges.len(), truncated, text })
}
