//! The `analyze-dependencies` answer of a tree, apart from paging: a summary, cycles, the most
//! depended-on nodes, external packages by ecosystem, layering violations, unresolved imports
//! (listed up to a bound, all counted), and the nodes with their outgoing edges (the part the
//! tool pages).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::{Cycle, Graph, Level, NodeStats};
use crate::rules::{self, Rule, Violation};
use crate::{Error, Target, TreeImports};

/// How to analyse a tree's imports.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    pub level: Level,
    pub rules: Vec<Rule>,
    /// How many most depended-on nodes to list.
    pub top: usize,
    /// How many unresolved imports to list (all are counted in the summary).
    pub max_unresolved_listed: usize,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions { level: Level::File, rules: Vec::new(), top: 10, max_unresolved_listed: 100 }
    }
}

/// Counts over the whole tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Parsed files.
    pub files: usize,
    pub imports: usize,
    /// Imports resolved to a file or package directory of the tree.
    pub internal: usize,
    pub external: usize,
    pub unresolved: usize,
    pub nodes: usize,
    pub edges: usize,
    pub cycles: usize,
    /// Parsed files per language.
    pub languages: BTreeMap<String, usize>,
}

/// One external package: how many imports name it, from how many files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalPackage {
    pub ecosystem: String,
    pub package: String,
    pub imports: usize,
    pub files: usize,
}

/// An import that resolved to nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    pub path: String,
    pub line: u32,
    pub spec: String,
    pub reason: String,
}

/// An outgoing edge of a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub to: String,
    pub count: u32,
}

/// A node with its stats and outgoing edges (the paged list).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    #[serde(flatten)]
    pub stats: NodeStats,
    pub depends_on: Vec<Edge>,
}

/// Everything but the nodes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    pub level: &'static str,
    pub summary: Summary,
    pub cycles: Vec<Cycle>,
    pub most_depended_on: Vec<NodeStats>,
    pub externals: Vec<ExternalPackage>,
    pub violations: Vec<Violation>,
    pub unresolved: Vec<Unresolved>,
}

/// Builds the graph of `imports` at `options.level` and describes it.
pub fn analyze(imports: &TreeImports, options: &AnalysisOptions) -> Result<(Analysis, Vec<Node>), Error> {
    let graph = Graph::build(imports, options.level);
    let violations = rules::violations(&graph, &options.rules)?;
    let cycles = graph.cycles();
    let mut languages: BTreeMap<String, usize> = BTreeMap::new();
    let (mut total, mut internal, mut external) = (0, 0, 0);
    let mut externals: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut unresolved = Vec::new();
    for f in &imports.files {
        *languages.entry(f.language.name().to_string()).or_default() += 1;
        let mut seen_here: Vec<(&str, &str)> = Vec::new();
        for i in &f.imports {
            total += 1;
            match &i.target {
                Target::File { .. } | Target::Directory { .. } => internal += 1,
                Target::External { ecosystem, package } => {
                    external += 1;
                    let e = externals.entry((ecosystem.clone(), package.clone())).or_default();
                    e.0 += 1;
                    if !seen_here.contains(&(ecosystem.as_str(), package.as_str())) {
                        seen_here.push((ecosystem, package));
                        e.1 += 1;
                    }
                }
                Target::Unresolved { reason } => {
                    if unresolved.len() < options.max_unresolved_listed {
                        unresolved.push(Unresolved { path: f.path.clone(), line: i.line, spec: i.spec.clone(), reason: reason.clone() });
                    }
                }
            }
        }
    }
    let stats = graph.stats();
    let mut nodes: Vec<Node> = stats.into_iter().map(|s| Node { stats: s, depends_on: Vec::new() }).collect();
    for &(a, b, count) in graph.edges() {
        nodes[a].depends_on.push(Edge { to: graph.nodes()[b].clone(), count });
    }
    let summary = Summary {
        files: imports.files.len(),
        imports: total,
        internal,
        external,
        unresolved: imports.unresolved,
        nodes: graph.nodes().len(),
        edges: graph.edges().len(),
        cycles: cycles.len(),
        languages,
    };
    let analysis = Analysis {
        level: options.level.name(),
        summary,
        cycles,
        most_depended_on: graph.most_depended_on(options.top),
        externals: externals.into_iter().map(|((ecosystem, package), (imports, files))| ExternalPackage { ecosystem, package, imports, files }).collect(),
        violations,
        unresolved,
    };
    Ok((analysis, nodes))
}
