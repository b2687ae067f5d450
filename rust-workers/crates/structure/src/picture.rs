//! A diagram as nodes and edges, written as Mermaid (`flowchart`) or Graphviz DOT text.
//!
//! Node ids in the text are `n<index>`: labels (paths, qualified names, `<T>` generics) are
//! quoted and escaped, never used as ids, so any name draws. Nodes with a `group` are drawn
//! inside a box per group (Mermaid `subgraph`, DOT `cluster`): the containment of types in their
//! files, of files in their directories.

use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub label: String,
    /// What it is (`class`, `interface`, `file`, `directory`, `external`, ...): decides the shape.
    pub kind: String,
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// `extends`, `implements`, `contains`, `imports`, `calls`, ...: decides the line style.
    pub kind: String,
    /// How many relations the edge stands for (a collapsed picture merges them); shown when > 1.
    pub count: u32,
    /// Drawn in red: an edge on a dependency cycle.
    pub highlight: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picture {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Picture {
    pub fn node(&mut self, label: impl Into<String>, kind: impl Into<String>, group: Option<String>) -> usize {
        self.nodes.push(Node { label: label.into(), kind: kind.into(), group });
        self.nodes.len() - 1
    }

    pub fn edge(&mut self, from: usize, to: usize, kind: impl Into<String>) {
        self.edges.push(Edge { from, to, kind: kind.into(), count: 1, highlight: false });
    }

    /// Mermaid `flowchart LR` text.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        let (grouped, loose) = self.by_group();
        for (i, (group, members)) in grouped.iter().enumerate() {
            let _ = writeln!(out, "  subgraph g{i}[\"{}\"]", mermaid_escape(group));
            for &n in members {
                let _ = writeln!(out, "    {}", self.mermaid_node(n));
            }
            out.push_str("  end\n");
        }
        for n in loose {
            let _ = writeln!(out, "  {}", self.mermaid_node(n));
        }
        for e in &self.edges {
            let arrow = match e.kind.as_str() {
                "implements" => "-.->",
                "contains" | "defines" => "---",
                _ => "-->",
            };
            let label = edge_label(e);
            let _ = writeln!(out, "  n{} {arrow}|\"{}\"| n{}", e.from, mermaid_escape(&label), e.to);
        }
        let highlighted: Vec<String> = self.edges.iter().enumerate().filter(|(_, e)| e.highlight).map(|(i, _)| i.to_string()).collect();
        if !highlighted.is_empty() {
            let _ = writeln!(out, "  linkStyle {} stroke:#d00,stroke-width:2px", highlighted.join(","));
        }
        out
    }

    fn mermaid_node(&self, n: usize) -> String {
        let node = &self.nodes[n];
        let label = mermaid_escape(&format!("{}{}", stereotype(&node.kind), node.label));
        match node.kind.as_str() {
            "interface" | "trait" | "protocol" => format!("n{n}([\"{label}\"])"),
            "external" => format!("n{n}[/\"{label}\"/]"),
            "directory" | "module" | "namespace" | "package" => format!("n{n}[[\"{label}\"]]"),
            _ => format!("n{n}[\"{label}\"]"),
        }
    }

    /// Graphviz DOT text (`digraph`, left to right).
    pub fn dot(&self) -> String {
        let mut out = String::from("digraph structure {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
        let (grouped, loose) = self.by_group();
        for (i, (group, members)) in grouped.iter().enumerate() {
            let _ = writeln!(out, "  subgraph cluster_{i} {{\n    label=\"{}\";\n    style=rounded;", dot_escape(group));
            for &n in members {
                let _ = writeln!(out, "    {}", self.dot_node(n));
            }
            out.push_str("  }\n");
        }
        for n in loose {
            let _ = writeln!(out, "  {}", self.dot_node(n));
        }
        for e in &self.edges {
            let style = match e.kind.as_str() {
                "extends" => ", arrowhead=empty",
                "implements" => ", arrowhead=empty, style=dashed",
                "contains" | "defines" => ", arrowhead=odiamond, dir=back",
                _ => "",
            };
            let color = if e.highlight { ", color=\"#dd0000\", penwidth=2" } else { "" };
            let _ = writeln!(out, "  n{} -> n{} [label=\"{}\"{style}{color}];", e.from, e.to, dot_escape(&edge_label(e)));
        }
        out.push_str("}\n");
        out
    }

    fn dot_node(&self, n: usize) -> String {
        let node = &self.nodes[n];
        let shape = match node.kind.as_str() {
            "interface" | "trait" | "protocol" => ", style=\"rounded,dashed\"",
            "external" => ", shape=parallelogram, style=dashed",
            "directory" | "module" | "namespace" | "package" => ", shape=folder",
            "file" => ", shape=note",
            _ => "",
        };
        format!("n{n} [label=\"{}\"{shape}];", dot_escape(&format!("{}{}", stereotype(&node.kind), node.label)))
    }

    /// Groups in name order with their members, then the nodes of no group.
    fn by_group(&self) -> (BTreeMap<&str, Vec<usize>>, Vec<usize>) {
        let mut grouped: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut loose = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            match &n.group {
                Some(g) => grouped.entry(g.as_str()).or_default().push(i),
                None => loose.push(i),
            }
        }
        (grouped, loose)
    }
}

fn edge_label(e: &Edge) -> String {
    if e.count > 1 {
        format!("{} ×{}", e.kind, e.count)
    } else {
        e.kind.clone()
    }
}

/// `«interface» ` for the kinds a box alone does not tell.
fn stereotype(kind: &str) -> String {
    match kind {
        "class" | "file" | "directory" | "external" | "function" | "method" => String::new(),
        other => format!("«{other}» "),
    }
}

/// Mermaid labels are in double quotes: quotes and markup characters become entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// DOT double-quoted strings: backslash and quote escaped, newlines as spaces.
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Picture {
        let mut p = Picture::default();
        let a = p.node("A", "class", Some("src/A.java".into()));
        let i = p.node("I<T>", "interface", None);
        p.edge(a, i, "implements");
        p
    }

    #[test]
    fn mermaid_quotes_labels_and_groups_nodes() {
        assert_eq!(
            sample().mermaid(),
            "flowchart LR\n  subgraph g0[\"src/A.java\"]\n    n0[\"A\"]\n  end\n  n1([\"«interface» I#lt;T#gt;\"])\n  n0 -.->|\"implements\"| n1\n"
        );
    }

    #[test]
    fn dot_clusters_and_arrowheads() {
        assert_eq!(
            sample().dot(),
            "digraph structure {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n  subgraph cluster_0 {\n    label=\"src/A.java\";\n    style=rounded;\n    n0 [label=\"A\"];\n  }\n  n1 [label=\"«interface» I<T>\", style=\"rounded,dashed\"];\n  n0 -> n1 [label=\"implements\", arrowhead=empty, style=dashed];\n}\n"
        );
    }
}
