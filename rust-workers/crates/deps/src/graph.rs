//! Dependency graphs at file, directory and external level; fan-in, fan-out, Martin's
//! instability; cycles by Tarjan's SCC with a shortest cycle path each.

use serde::Serialize;

use crate::TreeImports;

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

/// Nodes (sorted names) and edges `(from, to, count)` sorted by `(from, to)`; count is the number
/// of imports behind the edge.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<String>,
    edges: Vec<(usize, usize, u32)>,
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

impl Graph {
    pub fn build(_imports: &TreeImports, _level: Level) -> Graph {
        Graph::default()
    }

    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    pub fn edges(&self) -> &[(usize, usize, u32)] {
        &self.edges
    }

    pub fn stats(&self) -> Vec<NodeStats> {
        Vec::new()
    }

    pub fn cycles(&self) -> Vec<Cycle> {
        Vec::new()
    }

    pub fn shortest_path(&self, _from: usize, _to: usize) -> Option<Vec<usize>> {
        None
    }
}
