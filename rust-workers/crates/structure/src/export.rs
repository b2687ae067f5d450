//! A knowledge (sub)graph written out (`export-knowledge-graph`): JSON, GraphML, Cypher `CREATE`
//! (one statement, so its variables bind; Neo4j labels are the node kinds capitalised, relation
//! types the edge kinds upper-cased), Mermaid or DOT.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;

use crate::kg::{Indexed, Node};
use crate::picture::Picture;
use crate::Error;

pub const FORMATS: &[&str] = &["json", "graphml", "cypher", "mermaid", "dot"];

/// The edges of the graph between `nodes`, in graph order.
pub fn edges_among(graph: &Indexed, nodes: &[u32]) -> Vec<u32> {
    let inside: std::collections::HashSet<u32> = nodes.iter().copied().collect();
    (0..graph.graph.edges.len() as u32)
        .filter(|&e| {
            let edge = &graph.graph.edges[e as usize];
            inside.contains(&edge.from) && inside.contains(&edge.to)
        })
        .collect()
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    nodes: Vec<&'a Node>,
    edges: Vec<JsonEdge<'a>>,
}

/// `nodes` and `edges` (graph indexes) in `format`.
pub fn write(graph: &Indexed, nodes: &[u32], edges: &[u32], format: &str) -> Result<String, Error> {
    let g = &graph.graph;
    let node = |i: u32| &g.nodes[i as usize];
    match format {
        "json" => {
            let json = JsonGraph {
                nodes: nodes.iter().map(|&i| node(i)).collect(),
                edges: edges.iter().map(|&e| &g.edges[e as usize]).map(|e| JsonEdge { from: &node(e.from).id, to: &node(e.to).id, kind: &e.kind }).collect(),
            };
            serde_json::to_string(&json).map_err(|e| Error::BadQuery(e.to_string()))
        }
        "graphml" => Ok(graphml(graph, nodes, edges)),
        "cypher" => Ok(cypher(graph, nodes, edges)),
        "mermaid" | "dot" => {
            let mut picture = Picture::default();
            let mut at: HashMap<u32, usize> = HashMap::new();
            for &i in nodes {
                let n = node(i);
                let kind = if n.kind == "module" { "package" } else { n.kind.as_str() };
                at.insert(i, picture.node(&n.name, kind, None));
            }
            for &e in edges {
                let edge = &g.edges[e as usize];
                picture.edge(at[&edge.from], at[&edge.to], edge.kind.clone());
            }
            Ok(if format == "dot" { picture.dot() } else { picture.mermaid() })
        }
        other => Err(Error::BadQuery(format!("unknown format `{other}`: {}", FORMATS.join(", ")))),
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn graphml(graph: &Indexed, nodes: &[u32], edges: &[u32]) -> String {
    let g = &graph.graph;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    for (key, target, kind) in [("kind", "node", "string"), ("name", "node", "string"), ("path", "node", "string"), ("line", "node", "int"), ("detail", "node", "string"), ("ekind", "edge", "string")] {
        let name = if key == "ekind" { "kind" } else { key };
        let _ = writeln!(out, "  <key id=\"{key}\" for=\"{target}\" attr.name=\"{name}\" attr.type=\"{kind}\"/>");
    }
    out.push_str("  <graph id=\"knowledge-graph\" edgedefault=\"directed\">\n");
    for &i in nodes {
        let n = &g.nodes[i as usize];
        let _ = write!(out, "    <node id=\"{}\"><data key=\"kind\">{}</data><data key=\"name\">{}</data>", xml_escape(&n.id), n.kind, xml_escape(&n.name));
        if let Some(p) = &n.path {
            let _ = write!(out, "<data key=\"path\">{}</data>", xml_escape(p));
        }
        if let Some(l) = n.line {
            let _ = write!(out, "<data key=\"line\">{l}</data>");
        }
        if let Some(d) = &n.detail {
            let _ = write!(out, "<data key=\"detail\">{}</data>", xml_escape(d));
        }
        out.push_str("</node>\n");
    }
    for &e in edges {
        let edge = &g.edges[e as usize];
        let _ = writeln!(
            out,
            "    <edge source=\"{}\" target=\"{}\"><data key=\"ekind\">{}</data></edge>",
            xml_escape(&g.nodes[edge.from as usize].id),
            xml_escape(&g.nodes[edge.to as usize].id),
            edge.kind
        );
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

fn cypher_string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn label(kind: &str) -> String {
    let mut chars = kind.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// One `CREATE` statement: every node bound to `n<index>`, then the relationships between them.
fn cypher(graph: &Indexed, nodes: &[u32], edges: &[u32]) -> String {
    let g = &graph.graph;
    let mut parts: Vec<String> = Vec::with_capacity(nodes.len() + edges.len());
    for &i in nodes {
        let n = &g.nodes[i as usize];
        let mut props = format!("id: {}, name: {}", cypher_string(&n.id), cypher_string(&n.name));
        if let Some(p) = &n.path {
            let _ = write!(props, ", path: {}", cypher_string(p));
        }
        if let Some(l) = n.line {
            let _ = write!(props, ", line: {l}");
        }
        if let Some(d) = &n.detail {
            let _ = write!(props, ", detail: {}", cypher_string(d));
        }
        parts.push(format!("(n{i}:{} {{{props}}})", label(&n.kind)));
    }
    for &e in edges {
        let edge = &g.edges[e as usize];
        parts.push(format!("(n{})-[:{}]->(n{})", edge.from, edge.kind.to_uppercase(), edge.to));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("CREATE\n  {};\n", parts.join(",\n  "))
}
